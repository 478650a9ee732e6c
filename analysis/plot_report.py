#!/usr/bin/python3
"""Plot one iosim report: per task, its share of disk time against the share CFQ's semantics
promise (left), and its completion-latency percentiles on a log scale (right).

Expected shape: under noop, shares follow arrival order rather than ioprio, so tasks with
different BE levels sit off the diagonal; the latency panel shows each task's p50..p99.99 as
fio prints them. Reads the report only: nothing is recomputed here.

usage: plot_report.py REPORT.json OUT.png
"""
import json
import os
import sys

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

PCTS = ["50.000000", "90.000000", "99.000000", "99.900000", "99.990000"]


def main(argv):
    if len(argv) != 3:
        print(__doc__.strip().splitlines()[-1], file=sys.stderr)
        return 2
    try:
        with open(argv[1], "rb") as f:
            report = json.loads(f.read().decode("utf-8"))
        fig = draw(report)
    except OSError as e:
        print(f"plot_report: {argv[1]}: cannot read: {e.strerror}", file=sys.stderr)
        return 2
    except (ValueError, KeyError, TypeError, IndexError, AttributeError, RecursionError) as e:
        print(f"plot_report: {argv[1]}: not an iosim report ({' '.join(str(e).split())})", file=sys.stderr)
        return 2
    tmp = f"{argv[2]}.tmp.{os.getpid()}"
    try:
        fig.savefig(tmp, dpi=100, format=os.path.splitext(argv[2])[1][1:] or "png")
        os.replace(tmp, argv[2])  # never a partial image under the final name
    except (OSError, ValueError) as e:
        print(f"plot_report: {argv[2]}: cannot write: {getattr(e, 'strerror', None) or e}", file=sys.stderr)
        return 2
    finally:
        plt.close(fig)
        if os.path.exists(tmp):
            os.unlink(tmp)
    return 0


def draw(report):
    """The figure of `report` (KeyError, TypeError... when it is not shaped like one)."""
    tasks = [t for t in report["tasks"] if t["read"]["total_ios"] + t["write"]["total_ios"] > 0]
    fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(11, 4.5))
    names = [t["name"] for t in tasks]
    xs = range(len(tasks))
    ax1.bar([x - 0.2 for x in xs], [t["share"] for t in tasks], 0.4, label="disk-time share")
    ax1.bar([x + 0.2 for x in xs], [t["expected_share"] for t in tasks], 0.4, label="expected (CFQ semantics)")
    ax1.set_xticks(list(xs), names, rotation=30, ha="right")
    ax1.set_ylabel("share of device time")
    ax1.legend()
    for t in tasks:
        d = t["read"] if t["read"]["total_ios"] >= t["write"]["total_ios"] else t["write"]
        vals = [d["clat_ns"]["percentile"][p] / 1e3 for p in PCTS]
        ax2.plot([float(p) / 100 for p in PCTS], vals, marker="o", label=t["name"])
    ax2.set_xscale("logit")
    ax2.set_yscale("log")
    ax2.set_xlabel("percentile (fraction of I/Os, logit scale)")
    ax2.set_ylabel("completion latency (us)")
    ax2.legend(fontsize=8)
    m = report["meta"]
    fig.suptitle(f"{m['scheduler']} / {m['ioc_api']} / seed {m['seed']}")
    fig.tight_layout()
    return fig


if __name__ == "__main__":
    sys.exit(main(sys.argv))
