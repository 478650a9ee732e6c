"""Reading iosim sweep files and the statistics the analysis prints: mean with a Student-t 95%
confidence interval (normal data assumed; exact t quantile for integer degrees of freedom) and
the Wilson score interval for a binomial rate. Pure Python (no scipy): the quantities are small
and are checked against textbook values in test_iosim_analysis.py."""
import json
import math
import sys


class BadInput(Exception):
    """Input the user gave is wrong: one line, exit 2."""


def read_sweep(path, warn=None):
    """The sweep's lines as SweepLine dicts, in run order. A partial last line (an interrupted
    sweep: no newline after it) is skipped with one warning through `warn` (default: a line on
    stderr); any other line that is not a sweep line is an error naming the line."""
    try:
        with open(path, "rb") as f:
            data = f.read()
    except OSError as e:
        raise BadInput(f"{path}: cannot read: {e.strerror}")
    chunks = data.split(b"\n")
    out, cut = [], None
    for n, chunk in enumerate(chunks, 1):
        try:
            line = chunk.decode("utf-8")
        except UnicodeDecodeError:
            line, why = None, "not UTF-8 text"
        if line is not None:
            if not line.strip():
                continue
            try:
                obj, why = json.loads(line), None
            except (ValueError, RecursionError):
                why = "expected JSON"
        if why is not None:
            if n == len(chunks):  # no newline after it: cut off by a kill, resume reruns it
                cut = (n, why)
                continue
            raise BadInput(_not_a_sweep(path, data, f"{path}:{n}: not a sweep line ({why})"))
        if not isinstance(obj, dict) or not all(k in obj for k in ("run", "point", "seed", "status")):
            msg = f"{path}:{n}: not a sweep line (expected run, point, seed, status)"
            raise BadInput(_not_a_sweep(path, data, msg))
        if (isinstance(obj["run"], bool) or not isinstance(obj["run"], int) or not isinstance(obj["point"], dict)
                or not isinstance(obj["status"], str)):
            raise BadInput(f"{path}:{n}: not a sweep line (expected an integer run, an object point, a string status)")
        out.append(SweepLine(obj, f"{path}:{n}"))
    if cut is not None and not out:
        raise BadInput(_not_a_sweep(path, data, f"{path}:{cut[0]}: not a sweep line ({cut[1]})"))
    if not out:
        raise BadInput(f"{path}: no sweep lines")
    if cut is not None:
        msg = f"{path}:{cut[0]}: last line cut off (an interrupted sweep?), skipped; resuming the sweep reruns it"
        if warn is None:
            print(f"warning: {msg}", file=sys.stderr)
        else:
            warn(msg)
    return sorted(out, key=lambda o: o["run"])


class SweepLine(dict):
    """One line of a sweep file; `where` is its file:line, for messages."""

    def __init__(self, obj, where):
        super().__init__(obj)
        self.where = where


def _not_a_sweep(path, data, msg):
    """`msg`, or a plainer one when the whole file is one iosim report (iosim run --out)."""
    try:
        doc = json.loads(data.decode("utf-8"))
    except (ValueError, RecursionError):
        return msg
    if isinstance(doc, dict) and "meta" in doc and "tasks" in doc:
        return f"{path}: an iosim report, not a sweep (expected the JSONL lines of iosim sweep)"
    return msg


def body(line):
    """The report or summary of an ok line (None for a failed one)."""
    if line["status"] != "ok":
        return None
    return line.get("report", line.get("summary"))


def lookup(doc, path, where=None):
    """The value at a dotted path: numbers index arrays, other components are object keys or,
    in an array of named objects (tasks, cgroups, device), a `name`. A key or name that itself
    holds dots (fio's percentile keys "99.000000", task instances "r.0") is matched by joining
    the components that follow, longest first. `where` (a file:line) prefixes the error."""
    at = f"{where}: " if where else ""
    cur = doc
    parts = path.split(".")
    i = 0
    while i < len(parts):
        part = parts[i]
        if isinstance(cur, list) and part.isdigit() and int(part) < len(cur):
            cur, i = cur[int(part)], i + 1
            continue
        found = False
        for j in range(len(parts), i, -1):
            key = ".".join(parts[i:j])
            if isinstance(cur, list):
                named = [x for x in cur if isinstance(x, dict) and x.get("name") == key]
                if named:
                    cur, i, found = named[0], j, True
                    break
            elif isinstance(cur, dict) and key in cur:
                cur, i, found = cur[key], j, True
                break
        if not found:
            what = "element" if isinstance(cur, list) else "key"
            raise BadInput(f"{at}--metric {path}: no {what} {part!r}")
    if isinstance(cur, bool) or not isinstance(cur, (int, float)) or not math.isfinite(cur):
        raise BadInput(f"{at}--metric {path}: not a number ({json.dumps(cur)[:40]})")
    return float(cur)


def metric_values(group, path):
    """The value of `path` in each ok line of `group` (failed runs are left out)."""
    return [lookup(body(ln), path, getattr(ln, "where", None)) for ln in group if body(ln) is not None]


def point_key(line):
    """Grid points compare by value; the key keeps the --grid order."""
    return json.dumps(line["point"])


def by_point(lines):
    """[(point dict, [lines])] in run order of each point's first run."""
    groups = {}
    for ln in lines:
        groups.setdefault(point_key(ln), (ln["point"], []))[1].append(ln)
    return list(groups.values())


def t_two_sided_prob(t, df):
    """P(|T| < t) for Student's t with integer df (Abramowitz & Stegun 26.7.3/26.7.4)."""
    theta = math.atan(t / math.sqrt(df))
    c2, s = math.cos(theta) ** 2, math.sin(theta)
    if df % 2 == 1:
        term, acc = math.cos(theta), 0.0
        for k in range(1, (df - 1) // 2 + 1):  # cos + 2/3 cos^3 + 2*4/(3*5) cos^5 ...
            acc += term
            term *= c2 * (2 * k) / (2 * k + 1)
        return 2 / math.pi * (theta + s * acc) if df > 1 else 2 / math.pi * theta
    term, acc = 1.0, 0.0
    for k in range(1, df // 2 + 1):  # 1 + 1/2 cos^2 + 1*3/(2*4) cos^4 ...
        acc += term
        term *= c2 * (2 * k - 1) / (2 * k)
    return s * acc


def t_quantile_975(df):
    """The t value with P(|T| < t) = 0.95, by bisection."""
    lo, hi = 0.0, 1000.0
    for _ in range(200):
        mid = (lo + hi) / 2
        if t_two_sided_prob(mid, df) < 0.95:
            lo = mid
        else:
            hi = mid
    return (lo + hi) / 2


def mean_ci(values):
    """(mean, half-width of the 95% t interval, min, max); half-width is nan for one value."""
    n = len(values)
    m = sum(values) / n
    if n < 2:
        return m, float("nan"), min(values), max(values)
    sd = math.sqrt(sum((v - m) ** 2 for v in values) / (n - 1))
    return m, t_quantile_975(n - 1) * sd / math.sqrt(n), min(values), max(values)


def wilson(k, n, z=1.959963984540054):
    """95% Wilson score interval (low, high) for k successes out of n."""
    if n == 0:
        return float("nan"), float("nan")
    p = k / n
    den = 1 + z * z / n
    mid = (p + z * z / (2 * n)) / den
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / den
    # The interval always holds p; clamping keeps rounding (k = 0 or k = n) from putting p a
    # hair outside it, which would give error bars of negative length.
    return min(p, max(0.0, mid - half)), max(p, min(1.0, mid + half))
