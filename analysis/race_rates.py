#!/usr/bin/python3
"""Race rates: for each race scenario of configs/, run many seeds under each ioc API and memory
model and count, per violation kind, how many seeds showed it. Prints a Markdown table (the one
in docs/races.md) and, with --json, the raw counts.

Expected shape: legacy shows the D.1-D.3 kinds on most seeds; fixed never shows
ioc_overwritten and shows ioc_after_exit only through D.3b's window; the D.4 kinds
(uninit_read, refcount_underflow, livelock) appear only under weak memory. It reads only the
reports' correctness counts (each scenario is one `iosim sweep --summary` over the APIs x memory
models x seeds): nothing is recomputed.

usage: race_rates.py IOSIM [--seeds N] [--jobs J] [--scenario NAME]... [--api A]... [--memory M]... [--json FILE]
"""
import argparse
import json
import os
import subprocess
import sys
import tempfile

ROOT = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
SCENARIOS = ["race-first-io-vs-ioprio-set", "race-ioprio-set-vs-exit", "race-clone-io-cic", "race-ioprio-storm",
             "race-ioprio-get-vs-exit", "race-cgroup-move"]
APIS = ["legacy", "fixed", "cic_changed"]
MEMORY = ["sc", "tso", "weak"]


def sweep_rates(iosim, scenario, apis, memories, seeds, jobs=2):
    """{(api, memory): {kind: number of seeds (1..seeds) on which that kind fired at least once}},
    from one `iosim sweep --summary` over apis x memories x seeds 1..seeds. A failed run is an
    error, never a zero."""
    cfg = os.path.join(ROOT, "configs", scenario + ".json")
    with tempfile.TemporaryDirectory() as d:
        out = os.path.join(d, "sweep.jsonl")
        p = subprocess.run([iosim, "sweep", cfg, "--grid", "kernel.ioc_api=" + ",".join(apis), "--grid",
                            "kernel.memory_model=" + ",".join(memories), "--seeds", f"1-{seeds}", "--jobs", str(jobs),
                            "--summary", "--out", out], capture_output=True, text=True)
        if p.returncode != 0:
            raise RuntimeError(f"{scenario}: sweep exit {p.returncode}: {p.stderr.strip()}")
        with open(out) as f:
            lines = [json.loads(line) for line in f]
    table = {(api, mm): {} for api in apis for mm in memories}
    for ln in lines:
        if ln["status"] != "ok":
            raise RuntimeError(f"{scenario} {ln['point']} seed {ln['seed']}: {ln['error']}")
        cell = table[(ln["point"]["kernel.ioc_api"], ln["point"]["kernel.memory_model"])]
        for kind, n in ln["summary"]["correctness"]["counts"].items():
            if n:
                cell[kind] = cell.get(kind, 0) + 1
    return table


def rates(iosim, scenario, api, memory, seeds, jobs=2):
    """{kind: number of seeds (1..seeds) on which that kind fired at least once}."""
    return sweep_rates(iosim, scenario, [api], [memory], seeds, jobs)[(api, memory)]


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
        cells = sweep_rates(a.iosim, sc, a.api or APIS, a.memory or MEMORY, a.seeds, a.jobs)
        for api in a.api or APIS:
            for mm in a.memory or MEMORY:
                r = cells[(api, mm)]
                table[f"{sc}/{api}/{mm}"] = r
                cell = ", ".join(f"{k} {v}" for k, v in sorted(r.items())) or "none"
                print(f"| {sc} | {api} | {mm} | {cell} |", flush=True)
    if a.json:
        with open(a.json, "w") as f:
            json.dump(table, f, indent=1, sort_keys=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
