"""Expected results for each file of configs/, worked out from the device models
(docs/devices.md) and the spec, with the arithmetic in each config's description. Every config
must have an entry: run_config.py fails a config without one."""


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


EXPECT = {
    "quickstart.json": quickstart,
    "hdd-baseline.json": hdd_baseline,
    "ssd-depth.json": ssd_depth,
    "lifecycle.json": lifecycle,
}
