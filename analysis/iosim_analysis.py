#!/usr/bin/python3
"""Analysis of iosim reports and sweeps (docs/sweeps.md).

  iosim_analysis.py summarize SWEEP.jsonl --metric PATH [--format csv|markdown] [--out FILE]
      per grid point: runs, failed runs, mean, 95% CI (Student t), min and max of PATH, a dotted
      path into each run's report or summary (tasks.0.read.iops, tasks.randreader.share,
      fairness.jain_index, correctness.violations_total; a key with dots is matched whole:
      tasks.r.0.read.clat_ns.percentile.99.000000); ci95_low is clamped at 0 when every
      value of PATH in the sweep is >= 0 (counts, rates, shares, latencies: a bound below 0
      would be an artefact of the normal approximation), and so is the band of plot metric
  iosim_analysis.py plot shares REPORT.json|SWEEP.jsonl [--run I] [--by task|cgroup] --out F.png|.svg
  iosim_analysis.py plot cdf REPORT.json|SWEEP.jsonl [--run I] [--dir read|write] --out F.png|.svg
  iosim_analysis.py plot metric SWEEP.jsonl --metric PATH --x GRIDKEY [--unit U] --out F.png|.svg
  iosim_analysis.py plot violations SWEEP.jsonl [--kind KIND] --out F.png|.svg

Run with the system interpreter (/usr/bin/python3: Debian's matplotlib and numpy). Exit 2 with
one line on stderr on bad input (a missing, unreadable, non-UTF-8 or non-JSON file, a report
where a sweep is expected, a metric path that is not there, an --out that cannot be written),
naming the file and line; no output file is left behind then (--out is written to a temporary
file and renamed). A sweep's last line cut off by a kill is skipped with a warning line: resuming
the sweep reruns that run.
"""
import argparse
import csv
import io
import json
import math
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from sweep_stats import BadInput, body, by_point, mean_ci, metric_values, read_sweep  # noqa: E402

COLUMNS = ["n", "failed", "mean", "ci95_low", "ci95_high", "min", "max"]
WARNINGS = []  # read_sweep's warnings, printed when the command succeeds (an error stays one line)


def summarize_rows(lines, metric):
    """([(point, {column: value})] per grid point in run order, whether ci95_low was clamped at 0
    (every value of the metric in the sweep is >= 0))."""
    groups = [(point, group, metric_values(group, metric)) for point, group in by_point(lines)]
    nonneg = all(v >= 0 for _, _, vals in groups for v in vals)
    rows = []
    for point, group, vals in groups:
        row = {"n": len(vals), "failed": len(group) - len(vals)}
        if vals:
            m, half, lo, hi = mean_ci(vals)
            low = m - half
            row.update(mean=m, ci95_low=max(0.0, low) if nonneg and low < 0 else low, ci95_high=m + half, min=lo,
                       max=hi)
        else:
            row.update({k: float("nan") for k in COLUMNS[2:]})
        rows.append((point, row))
    return rows, nonneg


def fmt(v, short=False):
    if isinstance(v, float) and short and not math.isnan(v):
        return f"{v:.6g}"
    if isinstance(v, float):
        return "nan" if math.isnan(v) else repr(v) if v != int(v) or abs(v) >= 1e15 else str(int(v))
    return str(v)


def write_atomic(out, text):
    """`text` to `out` through a temporary file renamed over it: never a partial file."""
    tmp = f"{out}.tmp.{os.getpid()}"
    try:
        with open(tmp, "w") as f:
            f.write(text)
        os.replace(tmp, out)
    except OSError as e:
        raise BadInput(f"--out {out}: cannot write: {e.strerror}")
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)


def cmd_summarize(a):
    lines = read_sweep(a.sweep, WARNINGS.append)
    rows, nonneg = summarize_rows(lines, a.metric)
    keys = list(dict.fromkeys(k for p, _ in rows for k in p))  # merged sweeps may differ in their keys
    header = keys + COLUMNS
    short = a.format == "markdown"  # a table to read: 6 significant digits; CSV keeps full precision
    cells = [[p.get(k, "") if isinstance(p.get(k, ""), str) else json.dumps(p[k]) for k in keys] +
             [fmt(r[c], short) for c in COLUMNS] for p, r in rows]
    if a.format == "csv":
        buf = io.StringIO()
        w = csv.writer(buf, lineterminator="\n")
        w.writerow(header)
        w.writerows(cells)
        text = buf.getvalue()
    else:
        clamp = ", low end clamped at 0: every value is >= 0" if nonneg else ""
        text = f"{a.metric}: mean over seeds, 95% CI (Student t{clamp})\n\n"
        text += "| " + " | ".join(header) + " |\n|" + "---|" * len(header) + "\n"
        text += "".join("| " + " | ".join(c) + " |\n" for c in cells)
    if a.out:
        write_atomic(a.out, text)
    else:
        sys.stdout.write(text)


def one_report(path, run):
    """(report, where it came from): the report of a report file, or of run `run` (default: the
    first ok run) of a sweep file. The content decides which it is, not the extension."""
    try:
        with open(path, "rb") as f:
            data = f.read()
    except OSError as e:
        raise BadInput(f"{path}: cannot read: {e.strerror}")
    try:
        rep = json.loads(data.decode("utf-8"))
    except (ValueError, RecursionError):
        rep = None
    if isinstance(rep, dict) and "meta" in rep and "tasks" in rep:
        return rep, path
    try:
        lines = read_sweep(path, WARNINGS.append)
    except BadInput:
        if path.endswith(".jsonl"):
            raise  # its message names the line
        raise BadInput(f"{path}: not an iosim report (expected a JSON object with meta and tasks, "
                       "or the JSONL lines of iosim sweep)")
    pick = [ln for ln in lines if (run is None or ln["run"] == run) and body(ln) is not None]
    if not pick:
        raise BadInput(f"{path}: no ok run" + (f" {run}" if run is not None else ""))
    return body(pick[0]), f"{pick[0].where} (run {pick[0]['run']})"


def cmd_plot(a):
    if not a.out.endswith((".png", ".svg")):  # before reading anything
        raise BadInput(f"--out {a.out}: expected a .png or .svg file name")
    # Input first: bad input is reported without waiting for matplotlib's import.
    if a.kind in ("shares", "cdf"):
        data = one_report(a.input, a.run)
    else:
        data = read_sweep(a.input, WARNINGS.append), a.input
    import sweep_plots as sp

    try:
        if a.kind == "shares":
            sp.shares(*data, a.out, a.by)
        elif a.kind == "cdf":
            sp.latency_cdf(*data, a.out, a.dir)
        elif a.kind == "metric":
            sp.metric_vs_param(*data, a.metric, a.x, a.out, a.unit)
        else:
            sp.violation_rates(*data, a.out, a.kind_filter)
    except (KeyError, IndexError, TypeError, AttributeError) as e:  # JSON, but not shaped like iosim's output
        detail = f"no key {e}" if isinstance(e, KeyError) else str(e)
        raise BadInput(f"{a.input}: not shaped like an iosim report, as plot {a.kind} reads it ({detail})")
    print(f"wrote {a.out}", file=sys.stderr)


class Parser(argparse.ArgumentParser):
    def error(self, message):  # one line, exit 2
        print(f"iosim_analysis: {message} (see --help)", file=sys.stderr)
        sys.exit(2)


def main(argv):
    ap = Parser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = ap.add_subparsers(dest="cmd", required=True, parser_class=Parser)
    s = sub.add_parser("summarize")
    s.add_argument("sweep")
    s.add_argument("--metric", required=True)
    s.add_argument("--format", choices=["csv", "markdown"], default="csv")
    s.add_argument("--out")
    p = sub.add_parser("plot")
    p.add_argument("kind", choices=["shares", "cdf", "metric", "violations"])
    p.add_argument("input")
    p.add_argument("--out", required=True)
    p.add_argument("--run", type=int)
    p.add_argument("--by", choices=["task", "cgroup"], default="task")
    p.add_argument("--dir", choices=["read", "write"])
    p.add_argument("--metric")
    p.add_argument("--x")
    p.add_argument("--unit", default="")
    p.add_argument("--kind", dest="kind_filter")
    a = ap.parse_args(argv)
    if a.cmd == "plot" and a.kind == "metric" and not (a.metric and a.x):
        ap.error("plot metric needs --metric PATH and --x GRIDKEY")
    try:
        cmd_summarize(a) if a.cmd == "summarize" else cmd_plot(a)
    except BadInput as e:
        print(f"iosim_analysis: {' '.join(str(e).split())}", file=sys.stderr)  # one line, whatever e holds
        return 2
    for w in WARNINGS:
        print(f"iosim_analysis: warning: {w}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
