"""Report contract check for the CLI tests (a report, or a sweep .jsonl): runs
../shared/tools/check-report (the outside check) when the shared folder sits beside the checkout; otherwise checks the contract's keys
itself, so the tests still mean something on a clone without shared/."""
import json
import os
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
SHARED_CHECK = os.path.normpath(os.path.join(HERE, "..", "..", "..", "shared", "tools", "check-report"))

KINDS = ["ioc_overwritten", "ioc_after_exit", "ioc_leaked", "duplicate_sync_queue", "ioprio_lost",
         "cgroup_change_lost", "uninit_read", "use_after_free", "refcount_underflow", "double_free",
         "cic_link_failed", "request_setup_failed", "livelock"]


def _own_check(report):
    errs = []
    for k in ("schema", "meta", "tasks", "cgroups", "fairness", "correctness", "device", "engine"):
        if k not in report:
            errs.append(f"missing {k}")
    for k in ("seed", "ioc_api", "memory_model", "scheduler", "config_sha256", "sim_time_ms", "version"):
        if k not in report.get("meta", {}):
            errs.append(f"missing meta.{k}")
    for i, t in enumerate(report.get("tasks", [])):
        for d in ("read", "write"):
            for k in ("total_ios", "io_bytes", "bw", "iops", "clat_ns"):
                if k not in t.get(d, {}):
                    errs.append(f"missing tasks[{i}].{d}.{k}")
    counts = report.get("correctness", {}).get("counts", {})
    for k in KINDS:
        if k not in counts:
            errs.append(f"missing correctness.counts.{k}")
    return errs


def check_report(path):
    """Returns a list of problems (empty when the report conforms)."""
    if os.path.exists(SHARED_CHECK):
        p = subprocess.run([sys.executable, SHARED_CHECK, path], capture_output=True, text=True)
        return [] if p.returncode == 0 else p.stdout.strip().splitlines()
    with open(path) as f:
        if not path.endswith(".jsonl"):
            return _own_check(json.load(f))
        errs = []  # a sweep file: every full report in it (summary lines carry no report)
        for n, line in enumerate(f, 1):
            rep = json.loads(line).get("report")
            errs += [f"line {n}: {e}" for e in (_own_check(rep) if rep is not None else [])]
        return errs


if __name__ == "__main__":
    problems = check_report(sys.argv[1])
    print("\n".join(problems) if problems else "conforms")
    sys.exit(1 if problems else 0)
