"""Expected results for each file of configs/, worked out from the device models
(docs/devices.md) and the spec, with the arithmetic in each config's description. Every config
must have an entry: run_config.py fails a config without one."""
import os

import fairness_expect


def _task(r, name):
    return next(t for t in r["tasks"] if t["name"] == name)


def _between(what, value, lo, hi):
    return [] if lo <= value <= hi else [f"{what} = {value}, expected {lo}..{hi}"]


def quickstart(r):
    f = []
    # Three sync depth-1 tasks take turns; each request ~13.5 ms on average -> ~74 IOPS shared
    # three ways (~25 each; the 2 ms think time and the 128 KiB transfers lower it a little).
    f += _between("randreader read iops", _task(r, "randreader")["read"]["iops"], 15, 35)
    f += _between("seqreader read iops", _task(r, "seqreader")["read"]["iops"], 15, 35)
    f += _between("dbwriter write iops", _task(r, "dbwriter")["write"]["iops"], 12, 35)
    # Waiting behind the two others: ~3 service times at the median.
    f += _between("randreader p50 clat (ns)", _task(r, "randreader")["read"]["clat_ns"]["percentile"]["50.000000"],
                  25e6, 70e6)
    # rate_kbs = 4096 caps the buffered logger; its writes never wait for the disk.
    f += _between("logger write bw (KiB/s)", _task(r, "logger")["write"]["bw"], 4096 * 0.97, 4096 * 1.01)
    f += _between("logger p99 clat (ns)", _task(r, "logger")["write"]["clat_ns"]["percentile"]["99.000000"], 1, 100e3)
    if _task(r, "logger")["disk_time_ms"] != 0:
        f.append("buffered writes must be charged to the flusher, not to the logger")
    flusher = _task(r, "flush-sda")
    f += _between("flusher written bytes", flusher["write"]["io_bytes"], 4 << 20, 16 << 20)
    f += _between("device utilization", r["device"][0]["utilization"], 0.95, 1.0)
    return f


def hdd_baseline(r):
    f = []
    # 1 / (9.34 ms average seek + 4.17 ms half turn + 0.03 ms) = 73.9 IOPS
    f += _between("random4k read iops", _task(r, "random4k")["read"]["iops"], 68, 80)
    f += _between("random4k p50 clat (ns)", _task(r, "random4k")["read"]["clat_ns"]["percentile"]["50.000000"],
                  8e6, 18e6)
    # 150 MB/s outer zone = 146,484 KiB/s, less one initial seek and the hand-over at 2 s
    f += _between("seq1m read bw (KiB/s)", _task(r, "seq1m")["read"]["bw"], 140000, 146484)
    return f


def ssd_depth(r):
    f = []
    f += _between("qd1 read iops", _task(r, "qd1")["read"]["iops"], 12300, 12500)
    f += _between("qd1 p50 clat (ns)", _task(r, "qd1")["read"]["clat_ns"]["percentile"]["50.000000"], 79000, 82000)
    f += _between("qd32 read iops", _task(r, "qd32")["read"]["iops"], 98000, 100000)
    return f


def lifecycle(r):
    f = []
    results = [e["result"] for e in r["events"]]
    if results != ["ok", "EPERM", "ok", "ok", "ok", "ESRCH"]:
        f.append(f"event results {results}, expected ok EPERM ok ok ok ESRCH")
    w = _task(r, "worker")
    if w["cgroup"] != "slow":
        f.append(f"worker ends in cgroup {w['cgroup']}, expected slow")
    if w["ioprio"]["class"] != "idle":
        f.append(f"worker ioprio {w['ioprio']}, expected class idle")
    f += _between("worker exit (ms)", w["exit_ms"], 300, 301)
    f += _between("worker I/O runtime (ms)", w["read"]["runtime_ms"], 199, 201)
    db = _task(r, "db")
    reads, writes = db["read"]["total_ios"], db["write"]["total_ios"]
    f += _between("db read fraction (rwmixread 70)", reads / max(1, reads + writes), 0.67, 0.73)
    if _task(r, "db")["ioprio"] != {"class": "be", "level": 4}:
        f.append("db's ioprio changed although the only ioprio_set on it was refused (EPERM)")
    return f


def _counts(r):
    return r["correctness"]["counts"]


def _checked(r, *kinds):
    missing = [k for k in kinds if k not in r["correctness"]["checked"]]
    return [f"detectors {missing} did not run"] if missing else []


def race_first_io(r):
    # D.1/D.2 under legacy: two paths install an ioc on the same task; seed 1 overlaps them.
    f = _checked(r, "ioc_overwritten", "ioc_leaked", "ioprio_lost", "duplicate_sync_queue")
    c = _counts(r)
    if c["ioc_overwritten"] == 0 or c["ioc_leaked"] == 0:
        f.append(f"legacy should overwrite and leak iocs here (D.1/D.2), got {c}")
    if c["ioc_leaked"] != c["ioc_overwritten"]:
        f.append("each overwrite orphans exactly one ioc (D.1: ioc_B; D.2: ioc_A)")
    return f


def race_exit(r):
    f = _checked(r, "ioc_after_exit", "ioc_leaked")
    if _counts(r)["ioc_after_exit"] == 0:
        f.append("legacy should attach iocs to exiting tasks here (D.3)")
    return f


def race_clone_io(r):
    f = _checked(r, "cic_link_failed", "request_setup_failed", "ioc_leaked")
    c = _counts(r)
    if c["cic_link_failed"] == 0 or c["request_setup_failed"] == 0:
        f.append(f"sharers racing to link the same cic should fail with -EEXIST (D.7), got {c}")
    if c["ioc_leaked"] or c["double_free"]:
        f.append("D.7 is not a leak: the loser frees its cic")
    return f


def race_storm(r):
    # Every io_context exists before the first ioprio_set (each process sets be/4 on itself at
    # start and its threads share it), so nothing can be double-allocated, attached after exit
    # or leaked: only the change-flag kinds (D.5/D.6) and D.4's are possible.
    f = _checked(r, "ioprio_lost")
    c = _counts(r)
    for k in ("ioc_overwritten", "ioc_after_exit", "ioc_leaked", "duplicate_sync_queue"):
        if c[k]:
            f.append(f"{k} = {c[k]}, impossible when every ioc exists before the storm")
    return f


def race_cgroup(r):
    f = _checked(r, "cgroup_change_lost")
    if _counts(r)["cgroup_change_lost"]:
        f.append("single-owner iocs re-create the sync queue in the current cgroup (spec D.6): no stale group")
    if any(e["result"] != "ok" for e in r["events"]):
        f.append("no task shares its ioc, so can_attach must allow every move (B.9)")
    return f


def race_get_exit(r):
    # get_task_ioprio may see the ioc (be/2), no ioc after E3 (IOPRIO_PRIO_VALUE(NONE, 4), D.9),
    # or no task at all once it is reaped; anything else is wrong.
    f = _checked(r, "use_after_free")
    allowed = {"ok: be/2", "ok: none/4", "ESRCH"}
    bad = [e["result"] for e in r["events"] if e["type"] == "ioprio_get" and e["result"] not in allowed]
    if bad:
        f.append(f"ioprio_get returned {bad}, expected one of {sorted(allowed)}")
    c = _counts(r)
    for k in ("ioc_overwritten", "ioc_after_exit", "ioc_leaked"):
        if c[k]:
            f.append(f"{k} = {c[k]}: ioprio_get never installs an ioc")
    return f


def fio_workload(r):
    # inputs/two-jobs.fio: rate=4m and rate=2m are bytes/s in fio 3.33 (4096 and 2048 KiB/s);
    # both jobs run 1 s, far below the SSD's capacity, so the caps hold within 5%.
    f = []
    capped, writer, after = _task(r, "capped"), _task(r, "writer"), _task(r, "after")
    f += _between("capped read bw (KiB/s)", capped["read"]["bw"], 4096 * 0.95, 4096 * 1.05)
    f += _between("writer write bw (KiB/s)", writer["write"]["bw"], 2048 * 0.95, 2048 * 1.05)
    if capped["ioprio"] != {"class": "be", "level": 1}:
        f.append(f"capped ioprio {capped['ioprio']}, expected be/1 (prioclass=2, prio=1)")
    # size=8m read once (no time_based), starting when both others have exited (stonewall)
    if after["read"]["io_bytes"] != 8 << 20:
        f.append(f"after read {after['read']['io_bytes']} bytes, expected 8 MiB")
    started = after["exit_ms"] - after["read"]["runtime_ms"]
    f += _between("after's start (ms)", started, 999, 1100)
    return f


def _blkparse_d_events(path):
    """{pid: (requests, bytes)} counted from the D lines of a blkparse text file."""
    out = {}
    with open(path) as fh:
        for line in fh:
            t = line.split()
            if len(t) >= 10 and t[5] == "D" and t[8] == "+":
                n, b = out.get(t[4], (0, 0))
                out[t[4]] = (n + 1, b + int(t[9]) * 512)
    return out


def trace_replay(r):
    # Every D line of the trace is one request of its pid's task; all are issued by 590 ms and
    # complete in the drain, so the report's counts and bytes are the file's.
    f = []
    want = _blkparse_d_events(os.path.join(os.path.dirname(__file__), "..", "..", "configs", "inputs",
                                           "sdb-blkparse.txt"))
    got = {t["name"].rsplit("-", 1)[1]: t for t in r["tasks"] if t["name"].startswith("blkparse-")}
    if sorted(got) != sorted(want):
        f.append(f"trace tasks for pids {sorted(got)}, expected {sorted(want)}")
        return f
    for pid, (n, nbytes) in want.items():
        t = got[pid]
        if t["read"]["total_ios"] + t["write"]["total_ios"] != n:
            f.append(f"pid {pid}: {t['read']['total_ios'] + t['write']['total_ios']} requests, expected {n}")
        if t["read"]["io_bytes"] + t["write"]["io_bytes"] != nbytes:
            f.append(f"pid {pid}: {t['read']['io_bytes'] + t['write']['io_bytes']} bytes, expected {nbytes}")
    f += _between("device utilization", r["device"][0]["utilization"], 0.9, 1.0)
    return f


def bench_standard(r):
    # configs/bench-standard.json (issue 7's standard mixed scenario, 60 s on one HDD).
    f = []
    tasks = [t for t in r["tasks"] if t["kind"] == "task"]
    if len(tasks) != 64:
        f.append(f"{len(tasks)} tasks, expected 32 + 16 + 8 + 8 = 64")
    # 56 sync tasks at depth 1: a request is always waiting, the disk never idles.
    f += _between("device utilization", r["device"][0]["utilization"], 0.95, 1.0)
    # Worst case per request: full-stroke seek 17 ms + one turn 60/7200 s + 128 KiB at the inner
    # 75 MB/s (1.75 ms) = 27.1 ms, so at least 60 s / 27.1 ms = 2,214 device I/Os.
    f += _between("device I/Os", r["device"][0]["total_ios"], 2214, 10**9)
    # No faster than the outer zone's 150 MB/s over the busy time.
    d = r["device"][0]
    f += _between("device MB/s", d["io_bytes"] / (d["busy_ms"] / 1e3) / 1e6, 0, 150)
    idle = [t["name"] for t in tasks if t["read"]["total_ios"] + t["write"]["total_ios"] == 0]
    if idle:
        f.append(f"tasks without any completed I/O: {idle}")
    # Buffered writers dirty more than dirty_background_bytes (16 MiB) within the first second.
    flusher = _task(r, "flush-sda")
    f += _between("flusher written bytes", flusher["write"]["io_bytes"], 16 << 20, 10**13)
    return f


def bench_race(r):
    # configs/bench-race.json: ioprio_set every 50 us from 0 to 200 ms on two owners = 4,000
    # calls each, plus the exit of owner.1 at 100 ms.
    f = _checked(r, "ioc_overwritten", "ioc_leaked")
    sets = [e for e in r["events"] if e["type"] == "ioprio_set"]
    for name in ("owner.0", "owner.1"):
        n = sum(1 for e in sets if e["task"] == name)
        if n != 4000:
            f.append(f"{n} ioprio_set calls on {name}, expected 200 ms / 50 us = 4000")
    bad0 = {e["result"] for e in sets if e["task"] == "owner.0"} - {"ok"}
    if bad0:
        f.append(f"ioprio_set by root on a live task returned {bad0}, expected only ok (B.6)")
    res1 = [e["result"] for e in sets if e["task"] == "owner.1"]
    k = res1.index("ESRCH") if "ESRCH" in res1 else len(res1)
    if k == len(res1) or set(res1[:k]) != {"ok"} or set(res1[k:]) != {"ESRCH"}:
        f.append("owner.1's calls must return ok until it is reaped, then ESRCH")
    else:
        first_esrch = next(e for e in sets if e["task"] == "owner.1" and e["result"] == "ESRCH")["time_ms"]
        f += _between("first ESRCH on owner.1 (ms)", first_esrch, 100, 101)
    f += _between("owner.1 exit (ms)", _task(r, "owner.1")["exit_ms"], 100, 101)
    c = _counts(r)
    if c["ioc_leaked"] != c["ioc_overwritten"]:
        f.append("each overwrite orphans exactly one ioc (D.1: ioc_B; D.2: ioc_A)")
    return f


EXPECT = {
    "fio-workload.json": fio_workload,
    "trace-replay.json": trace_replay,
    "race-ioprio-get-vs-exit.json": race_get_exit,
    "race-first-io-vs-ioprio-set.json": race_first_io,
    "race-ioprio-set-vs-exit.json": race_exit,
    "race-clone-io-cic.json": race_clone_io,
    "race-ioprio-storm.json": race_storm,
    "race-cgroup-move.json": race_cgroup,
    "quickstart.json": quickstart,
    "hdd-baseline.json": hdd_baseline,
    "ssd-depth.json": ssd_depth,
    "lifecycle.json": lifecycle,
    "bench-standard.json": bench_standard,
    "bench-race.json": bench_race,
}
EXPECT.update(fairness_expect.EXPECT)
