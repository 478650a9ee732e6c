#!/usr/bin/python3
"""Analysis of iosim reports and sweeps (docs/sweeps.md).

  iosim_analysis.py summarize SWEEP.jsonl --metric PATH [--format csv|markdown] [--out FILE]
      per grid point: runs, failed runs, mean, 95% CI (Student t), min and max of PATH, a dotted
      path into each run's report or summary (tasks.0.read.iops, tasks.randreader.share,
      fairness.jain_index, correctness.violations_total)
  iosim_analysis.py plot shares REPORT.json|SWEEP.jsonl [--run I] [--by task|cgroup] --out F.png|.svg
  iosim_analysis.py plot cdf REPORT.json|SWEEP.jsonl [--run I] [--dir read|write] --out F.png|.svg
  iosim_analysis.py plot metric SWEEP.jsonl --metric PATH --x GRIDKEY [--unit U] --out F.png|.svg
  iosim_analysis.py plot violations SWEEP.jsonl [--kind KIND] --out F.png|.svg

Run with the system interpreter (/usr/bin/python3: Debian's matplotlib and numpy). Exit 2 with
one line on stderr on bad input; no output file is left behind then.
"""
import argparse
import csv
import io
import json
import math
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from sweep_stats import BadInput, body, by_point, lookup, mean_ci, read_sweep  # noqa: E402

COLUMNS = ["n", "failed", "mean", "ci95_low", "ci95_high", "min", "max"]


def summarize_rows(lines, metric):
    """[(point, {column: value})] per grid point, in run order."""
    rows = []
    for point, group in by_point(lines):
        vals = [lookup(body(ln), metric) for ln in group if body(ln) is not None]
        row = {"n": len(vals), "failed": len(group) - len(vals)}
        if vals:
            m, half, lo, hi = mean_ci(vals)
            row.update(mean=m, ci95_low=m - half, ci95_high=m + half, min=lo, max=hi)
        else:
            row.update({k: float("nan") for k in COLUMNS[2:]})
        rows.append((point, row))
    return rows


def fmt(v, short=False):
    if isinstance(v, float) and short and not math.isnan(v):
        return f"{v:.6g}"
    if isinstance(v, float):
        return "nan" if math.isnan(v) else repr(v) if v != int(v) or abs(v) >= 1e15 else str(int(v))
    return str(v)


def cmd_summarize(a):
    lines = read_sweep(a.sweep)
    rows = summarize_rows(lines, a.metric)
    keys = list(rows[0][0])
    header = keys + COLUMNS
    short = a.format == "markdown"  # a table to read: 6 significant digits; CSV keeps full precision
    cells = [[json.dumps(p[k]) if not isinstance(p[k], str) else p[k] for k in keys] +
             [fmt(r[c], short) for c in COLUMNS] for p, r in rows]
    if a.format == "csv":
        buf = io.StringIO()
        w = csv.writer(buf, lineterminator="\n")
        w.writerow(header)
        w.writerows(cells)
        text = buf.getvalue()
    else:
        text = f"{a.metric}: mean over seeds, 95% CI (Student t)\n\n"
        text += "| " + " | ".join(header) + " |\n|" + "---|" * len(header) + "\n"
        text += "".join("| " + " | ".join(c) + " |\n" for c in cells)
    if a.out:
        tmp = f"{a.out}.tmp.{os.getpid()}"
        with open(tmp, "w") as f:
            f.write(text)
        os.replace(tmp, a.out)
    else:
        sys.stdout.write(text)


def one_report(path, run):
    """A report from a report file, or run `run` (default: the first ok run) of a sweep file."""
    if path.endswith(".jsonl"):
        lines = read_sweep(path)
        pick = [ln for ln in lines if (run is None or ln["run"] == run) and body(ln) is not None]
        if not pick:
            raise BadInput(f"{path}: no ok run" + (f" {run}" if run is not None else ""))
        return body(pick[0])
    try:
        with open(path) as f:
            rep = json.load(f)
        rep["meta"], rep["tasks"]
        return rep
    except OSError as e:
        raise BadInput(f"{path}: cannot read: {e.strerror}")
    except (ValueError, KeyError, TypeError):
        raise BadInput(f"{path}: not an iosim report")


def cmd_plot(a):
    import sweep_plots as sp

    if a.kind == "shares":
        sp.shares(one_report(a.input, a.run), a.out, a.by)
    elif a.kind == "cdf":
        sp.latency_cdf(one_report(a.input, a.run), a.out, a.dir)
    elif a.kind == "metric":
        sp.metric_vs_param(read_sweep(a.input), a.metric, a.x, a.out, a.unit)
    else:
        sp.violation_rates(read_sweep(a.input), a.out, a.kind_filter)
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
        print(f"iosim_analysis: {e}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
