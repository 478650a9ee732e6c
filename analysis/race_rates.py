#!/usr/bin/python3
"""Race rates: for each race scenario of configs/, run many seeds under each ioc API and memory
model and count, per violation kind, how many seeds showed it. Prints a Markdown table (the one
in docs/races.md) and, with --json, the raw counts.

Expected shape: legacy shows the D.1-D.3 kinds on most seeds; fixed never shows
ioc_overwritten and shows ioc_after_exit only through D.3b's window; the D.4 kinds
(uninit_read, refcount_underflow, livelock) appear only under weak memory. It reads only the
reports' correctness counts: nothing is recomputed.

usage: race_rates.py IOSIM [--seeds N] [--jobs J] [--scenario NAME]... [--api A]... [--memory M]... [--json FILE]
"""
import argparse
import json
import os
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor

ROOT = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
SCENARIOS = ["race-first-io-vs-ioprio-set", "race-ioprio-set-vs-exit", "race-clone-io-cic", "race-ioprio-storm",
             "race-ioprio-get-vs-exit", "race-cgroup-move"]
APIS = ["legacy", "fixed", "cic_changed"]
MEMORY = ["sc", "tso", "weak"]


def run_one(iosim, scenario, api, memory, seed):
    """Counts of one run: {kind: count}; raises on a failed run (a failed run is never a zero)."""
    cfg = os.path.join(ROOT, "configs", scenario + ".json")
    p = subprocess.run([iosim, "run", cfg, "--seed", str(seed), "--set", f"kernel.ioc_api={api}", "--set",
                        f"kernel.memory_model={memory}"], capture_output=True, text=True, timeout=600)
    if p.returncode != 0:
        raise RuntimeError(f"{scenario} {api} {memory} seed {seed}: exit {p.returncode}: {p.stderr.strip()}")
    return json.loads(p.stdout)["correctness"]["counts"]


def rates(iosim, scenario, api, memory, seeds, jobs=2):
    """{kind: number of seeds (1..seeds) on which that kind fired at least once}."""
    with ThreadPoolExecutor(max_workers=jobs) as pool:
        results = list(pool.map(lambda s: run_one(iosim, scenario, api, memory, s), range(1, seeds + 1)))
    out = {}
    for counts in results:
        for kind, n in counts.items():
            if n:
                out[kind] = out.get(kind, 0) + 1
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__.strip().splitlines()[0])
    ap.add_argument("iosim")
    ap.add_argument("--seeds", type=int, default=1000)
    ap.add_argument("--jobs", type=int, default=os.cpu_count() or 2)
    ap.add_argument("--scenario", action="append")
    ap.add_argument("--api", action="append")
    ap.add_argument("--memory", action="append")
    ap.add_argument("--json")
    a = ap.parse_args()
    table = {}
    print(f"| scenario | ioc_api | memory | seeds with a violation, by kind (of {a.seeds}) |")
    print("|---|---|---|---|")
    for sc in a.scenario or SCENARIOS:
        for api in a.api or APIS:
            for mm in a.memory or MEMORY:
                r = rates(a.iosim, sc, api, mm, a.seeds, a.jobs)
                table[f"{sc}/{api}/{mm}"] = r
                cell = ", ".join(f"{k} {v}" for k, v in sorted(r.items())) or "none"
                print(f"| {sc} | {api} | {mm} | {cell} |", flush=True)
    if a.json:
        with open(a.json, "w") as f:
            json.dump(table, f, indent=1, sort_keys=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
