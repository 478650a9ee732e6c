#!/usr/bin/env python3
"""Sanitizer-tree scenario: run one config for a short simulated time and check that the run
ends with exit 0 and a report that satisfies the contract. (The plain tree checks each config's
expected values at full length; here the point is that ASan/UBSan stay silent on a whole run:
any report they make aborts the child with a non-zero exit.)

usage: run_short.py IOSIM CONFIG DURATION_MS   (0 = the config's own duration_ms)
"""
import os
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from contract import check_report  # noqa: E402


def main():
    iosim, config, ms = sys.argv[1:4]
    with tempfile.TemporaryDirectory() as tmp:
        out = os.path.join(tmp, "report.json")
        extra = ["--set", f"duration_ms={ms}"] if ms != "0" else []
        p = subprocess.run([iosim, "run", config, *extra, "--out", out],
                           capture_output=True, text=True, timeout=900)
        if p.returncode != 0:
            print(f"iosim run {config} exited {p.returncode}:\n{p.stderr}")
            return 1
        problems = check_report(out)
        if problems:
            print("\n".join(problems))
            return 1
    print(f"{os.path.basename(config)}: ran clean")
    return 0


if __name__ == "__main__":
    sys.exit(main())
