#!/usr/bin/env python3
"""CLI test for one file of configs/: run it as a user would, check the report against the
contract (../shared/tools/check-report when the shared folder is beside the checkout, else the
project's own copy of the key list) and against the expectation registered for that config in
expectations.py, which is worked out from the device models and the spec, not from a past run.

usage: run_config.py IOSIM CONFIG
"""
import json
import os
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import expectations  # noqa: E402
from contract import check_report  # noqa: E402


def main():
    iosim, config = sys.argv[1], sys.argv[2]
    name = os.path.basename(config)
    if name not in expectations.EXPECT:
        print(f"{name}: no expectation registered in tests/cli/expectations.py")
        return 1
    with tempfile.TemporaryDirectory() as tmp:
        out = os.path.join(tmp, "report.json")
        p = subprocess.run([iosim, "run", config, "--out", out], capture_output=True, text=True, timeout=600)
        if p.returncode != 0:
            print(f"iosim run {config} exited {p.returncode}: {p.stderr}")
            return 1
        problems = check_report(out)
        if problems:
            print("\n".join(problems))
            return 1
        with open(out) as f:
            report = json.load(f)
    failures = expectations.EXPECT[name](report)
    for f in failures:
        print(f"{name}: {f}")
    print(f"{name}: {'ok' if not failures else 'FAILED'}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
