#!/usr/bin/python3
"""Writes configs/bench-standard.json, the standard mixed scenario of issue 7 (kept as a
generator so that the 32 task entries stay consistent: BE levels 0-7 spread over every kind,
kinds alternating between the two cgroups). usage: bench/gen_standard.py > configs/bench-standard.json"""
import json

DESC = (
    "Benchmark standard mixed scenario (bench/, issue 7): 64 tasks on one 7200 rpm HDD under CFQ for 60 s, "
    "ioc_api fixed, memory model sc. 32 sync random 4 KiB readers, 16 sequential 128 KiB readers, 8 buffered "
    "sequential 64 KiB writers (through the page cache and the flusher) and 8 O_DIRECT random 4 KiB writers, all "
    "at depth 1, best-effort levels 0-7 spread over each kind, alternately in cgroups 'half' (weight 500) and "
    "'full' (weight 1000). With 56 sync tasks at depth 1 the disk never idles: expect utilization ~1. Each request "
    "costs at most a full-stroke seek (17 ms) + a full turn (8.33 ms) + its transfer (<= 1.8 ms for 128 KiB at the "
    "inner 75 MB/s), so at least 60 s / 27.1 ms = 2,200 device I/Os, and the device cannot move more than the outer "
    "zone's 150 MB/s = 8.6 GiB in 60 s. Every one of the 64 tasks gets some I/O done."
)


def main():
    tasks = []
    for lvl in range(8):
        grp = "half" if lvl % 2 == 0 else "full"
        be = {"class": "be", "level": lvl}
        tasks.append({"name": f"randread{lvl}", "count": 4, "cgroup": grp, "ioprio": be,
                      "job": {"rw": "randread", "bs": "4k", "iodepth": 1}})
        tasks.append({"name": f"seqread{lvl}", "count": 2, "cgroup": "full" if grp == "half" else "half",
                      "ioprio": be, "job": {"rw": "read", "bs": "128k", "iodepth": 1,
                                            "offset": f"{10 + 20 * lvl}g", "size": "10g"}})
        tasks.append({"name": f"bufwrite{lvl}", "cgroup": grp, "ioprio": be,
                      "job": {"rw": "write", "bs": "64k", "direct": False,
                              "offset": f"{200 + 20 * lvl}g", "size": "10g"}})
        tasks.append({"name": f"directwrite{lvl}", "cgroup": "full" if grp == "half" else "half", "ioprio": be,
                      "job": {"rw": "randwrite", "bs": "4k", "direct": True, "iodepth": 1}})
    cfg = {
        "description": DESC,
        "seed": 1,
        "duration_ms": 60000,
        "kernel": {"ioc_api": "fixed", "memory_model": "sc"},
        "scheduler": {"name": "cfq"},
        "devices": [{"name": "sda", "model": "hdd"}],
        "cgroups": [{"name": "half", "weight": 500}, {"name": "full", "weight": 1000}],
        "tasks": tasks,
    }
    print(json.dumps(cfg, indent=1))


if __name__ == "__main__":
    main()
