"""The plots of iosim_analysis.py. Each function takes parsed input and an output path (.png or
.svg, chosen by the extension) and draws with matplotlib's Agg backend; every axis says its
unit. Nothing is recomputed from the simulation: values are read from reports or sweep lines."""
import math
import os

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

from sweep_stats import BadInput, body, by_point, mean_ci, metric_values, wilson  # noqa: E402

PCTS = ["1.000000", "5.000000", "10.000000", "20.000000", "30.000000", "40.000000", "50.000000", "60.000000",
        "70.000000", "80.000000", "90.000000", "95.000000", "99.000000", "99.500000", "99.900000", "99.950000",
        "99.990000"]


def save(fig, out):
    if not out.endswith((".png", ".svg")):
        raise BadInput(f"--out {out}: expected a .png or .svg file name")
    fig.tight_layout()
    tmp = f"{out}.tmp.{os.getpid()}"
    try:
        fig.savefig(tmp, dpi=100, format=out[-3:])
        os.replace(tmp, out)  # never a partial image under the final name
    except OSError as e:
        raise BadInput(f"--out {out}: cannot write: {e.strerror}")
    finally:
        plt.close(fig)
        if os.path.exists(tmp):
            os.unlink(tmp)


def shares(report, src, out, by="task"):
    """Measured vs expected share of disk time per task (or cgroup), side by side. `src` names
    the report in messages."""
    if by == "cgroup":
        items = report.get("cgroups", [])
    else:
        items = [t for t in report["tasks"] if t["read"]["total_ios"] + t["write"]["total_ios"] > 0]
    if not items:
        raise BadInput(f"{src}: the report has no {by}s with I/O to plot")
    fig, ax = plt.subplots(figsize=(max(5, 1.1 * len(items) + 2), 4.2))
    xs = range(len(items))
    ax.bar([x - 0.2 for x in xs], [i["share"] for i in items], 0.4, label="measured")
    ax.bar([x + 0.2 for x in xs], [i["expected_share"] for i in items], 0.4, label="expected (CFQ semantics)")
    ax.set_xticks(list(xs), [i["name"] for i in items], rotation=30, ha="right")
    ax.set_xlabel(by)
    ax.set_ylabel("share of disk time (fraction, 0-1)")
    ax.legend()
    m = report["meta"]
    ax.set_title(f"Disk-time share per {by}: {m['scheduler']}, ioc_api {m['ioc_api']}, seed {m['seed']}")
    save(fig, out)


def latency_cdf(report, src, out, direction=None):
    """Completion-latency CDF per task from the report's percentiles (step through the
    percentile points; the tail beyond p99.99 is not known). `src` names the report in messages."""
    fig, ax = plt.subplots(figsize=(7, 4.5))
    drawn = 0
    for t in report["tasks"]:
        dirs = [direction] if direction else ["read" if t["read"]["total_ios"] >= t["write"]["total_ios"] else "write"]
        for d in dirs:
            st = t[d]
            pct = st["clat_ns"].get("percentile", {})
            keys = [k for k in PCTS if k in pct]
            if st["total_ios"] == 0 or not keys:
                continue
            xs = [pct[k] / 1e3 for k in keys]
            ys = [float(k) / 100 for k in keys]
            cls = t["ioprio"]["class"] + (f"/{t['ioprio']['level']}" if "level" in t["ioprio"] else "")
            ax.step(xs, ys, where="post", marker=".", label=f"{t['name']} ({d}, {cls})")
            drawn += 1
    if not drawn:
        raise BadInput(f"{src}: the report has no task with completed I/O")
    ax.set_xscale("log")
    ax.set_xlabel("completion latency (µs, log scale)")
    ax.set_ylabel("fraction of I/Os completed (CDF)")
    ax.set_ylim(0, 1.01)
    ax.grid(True, which="both", alpha=0.3)
    ax.legend(fontsize=8)
    m = report["meta"]
    ax.set_title(f"Completion latency CDF per task: {m['scheduler']}, seed {m['seed']}")
    save(fig, out)


def metric_vs_param(lines, src, metric, x_key, out, unit=""):
    """Mean of `metric` over seeds against the swept parameter `x_key`, one line per value of
    the other grid keys, with a 95% t confidence band (clamped at 0 when every value is >= 0,
    as summarize's ci95_low). `src` names the sweep file in messages."""
    series = {}
    nonneg = True
    for point, group in by_point(lines):
        if x_key not in point:
            raise BadInput(f"{src}: --x {x_key}: not a grid key (the sweep varies {', '.join(point) or 'nothing'})")
        vals = metric_values(group, metric)
        nonneg = nonneg and all(v >= 0 for v in vals)
        if not vals:
            continue
        x = point[x_key]
        if isinstance(x, bool) or not isinstance(x, (int, float)):
            raise BadInput(f"{src}: --x {x_key}: values must be numbers (got {x!r})")
        rest = ", ".join(f"{k}={v}" for k, v in point.items() if k != x_key)
        m, half, _, _ = mean_ci(vals)
        series.setdefault(rest, []).append((x, m, 0.0 if math.isnan(half) else half, len(vals)))
    if not series:
        raise BadInput(f"{src}: no ok runs to plot")
    fig, ax = plt.subplots(figsize=(7, 4.5))
    for name, pts in series.items():
        pts.sort()
        xs, ms, hs = [p[0] for p in pts], [p[1] for p in pts], [p[2] for p in pts]
        ax.plot(xs, ms, marker="o", label=name or "mean")
        lows = [max(0.0, m - h) if nonneg else m - h for m, h in zip(ms, hs)]
        ax.fill_between(xs, lows, [m + h for m, h in zip(ms, hs)], alpha=0.25)
    ax.set_xlabel(x_key)
    ax.set_ylabel(f"{metric}{f' ({unit})' if unit else ''}: mean over seeds")
    ax.legend(fontsize=8, title="band: 95% CI (Student t)" + (", clamped at 0" if nonneg else ""))
    n = sum(p[3] for pts in series.values() for p in pts)
    ax.set_title(f"{metric} against {x_key} ({n} runs)")
    save(fig, out)


def violation_rates(lines, src, out, kind=None):
    """Share of runs with at least one violation (of `kind`, or any) per kernel.ioc_api x
    kernel.memory_model (read from each run's meta), with 95% Wilson intervals. `src` names the
    sweep file in messages."""
    cells = {}
    for ln in lines:
        b = body(ln)
        if b is None:
            continue
        c = b["correctness"]
        if kind is not None and kind not in c["counts"]:
            raise BadInput(f"{ln.where}: --kind {kind}: not a violation kind (one of {', '.join(sorted(c['counts']))})")
        hit = (c["counts"][kind] if kind else c["violations_total"]) > 0
        key = (b["meta"]["ioc_api"], b["meta"]["memory_model"])
        k, n = cells.get(key, (0, 0))
        cells[key] = (k + hit, n + 1)
    if not cells:
        raise BadInput(f"{src}: no ok runs to plot")
    known = ["legacy", "fixed", "cic_changed"]
    apis = sorted({a for a, _ in cells}, key=lambda a: (known.index(a) if a in known else len(known), a))
    mems = [m for m in ("sc", "tso", "weak") if any(k[1] == m for k in cells)]
    fig, ax = plt.subplots(figsize=(max(7, 2 * len(apis) + 2), 4.5))
    w = 0.8 / len(mems)
    for j, mem in enumerate(mems):
        xs, rate, lo, hi = [], [], [], []
        for i, api in enumerate(apis):
            if (api, mem) not in cells:
                continue
            k, n = cells[(api, mem)]
            low, high = wilson(k, n)
            xs.append(i - 0.4 + w * (j + 0.5))
            rate.append(k / n)
            lo.append(k / n - low)
            hi.append(high - k / n)
        ax.bar(xs, rate, w, yerr=[lo, hi], capsize=3, label=f"memory_model {mem}")
    ax.set_xticks(range(len(apis)), apis)
    ax.set_xlabel("kernel.ioc_api")
    ax.set_ylabel("runs with a violation (fraction, 0-1)")
    ax.set_ylim(0, 1.05)
    ax.legend(fontsize=8, title="error bars: 95% Wilson")
    n = sum(v[1] for v in cells.values())
    ax.set_title(f"Runs with a violation ({kind or 'any kind'})\nper kernel.ioc_api x kernel.memory_model, {n} runs")
    save(fig, out)
