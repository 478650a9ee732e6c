"""iosim_analysis.py on sweeps the binary produces here: summarize's numbers against a hand
computation from the JSONL (mean, sample standard deviation, the t quantile from a printed t
table), every plot command writes a PNG (and SVG), bad input is one line and exit 2."""
import csv
import io
import json
import math
import os
import statistics
import subprocess
import sys
import tempfile
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
IOSIM = os.environ.get("IOSIM", "iosim")
TOOL = os.path.join(HERE, "iosim_analysis.py")
# Two random readers on an HDD: the seed moves the offsets, so IOPS vary from seed to seed.
CONFIG = {"duration_ms": 100, "devices": [{"name": "sda", "model": "hdd"}],
          "tasks": [{"name": "a", "job": {"rw": "randread", "bs": "4k"}},
                    {"name": "b", "ioprio": {"class": "be", "level": 7}, "job": {"rw": "randread", "bs": "4k"}}]}
SEEDS = 5
T_975_DF4 = 2.776  # Student t, 0.975 quantile, 4 degrees of freedom (any printed t table)
PNG = b"\x89PNG\r\n\x1a\n"


def tool(*args):
    return subprocess.run([sys.executable, TOOL, *args], capture_output=True, text=True, timeout=300)


class Analysis(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.TemporaryDirectory()
        d = cls.tmp.name
        cls.cfg = os.path.join(d, "c.json")
        with open(cls.cfg, "w") as f:
            json.dump(CONFIG, f)
        cls.sweep = os.path.join(d, "s.jsonl")
        p = subprocess.run([IOSIM, "sweep", cls.cfg, "--grid", "duration_ms=100,200", "--grid",
                            "kernel.ioc_api=legacy,fixed", "--seeds", f"1-{SEEDS}", "--jobs", "2", "--summary",
                            "--out", cls.sweep], capture_output=True, text=True, timeout=600)
        assert p.returncode == 0, p.stderr
        cls.full = os.path.join(d, "full.jsonl")
        p = subprocess.run([IOSIM, "sweep", cls.cfg, "--seeds", "1-2", "--out", cls.full], capture_output=True,
                           text=True, timeout=600)
        assert p.returncode == 0, p.stderr
        with open(cls.sweep) as f:
            cls.lines = [json.loads(line) for line in f]

    @classmethod
    def tearDownClass(cls):
        cls.tmp.cleanup()

    def out(self, name):
        return os.path.join(self.tmp.name, name)

    def test_summarize_csv_equals_a_hand_computation(self):
        p = tool("summarize", self.sweep, "--metric", "tasks.a.read.iops")
        self.assertEqual(p.returncode, 0, p.stderr)
        rows = list(csv.DictReader(io.StringIO(p.stdout)))
        self.assertEqual(len(rows), 4)
        # Grid points in run order: duration 100 (legacy, fixed), then 200 (legacy, fixed).
        self.assertEqual([(r["duration_ms"], r["kernel.ioc_api"]) for r in rows],
                         [("100", "legacy"), ("100", "fixed"), ("200", "legacy"), ("200", "fixed")])
        spread = 0
        for r in rows:
            vals = [ln["summary"]["tasks"][0]["read"]["iops"] for ln in self.lines
                    if ln["point"] == {"duration_ms": int(r["duration_ms"]), "kernel.ioc_api": r["kernel.ioc_api"]}]
            self.assertEqual(len(vals), SEEDS)
            mean, sd = statistics.mean(vals), statistics.stdev(vals)
            half = T_975_DF4 * sd / math.sqrt(SEEDS)
            spread += sd
            self.assertEqual(int(r["n"]), SEEDS)
            self.assertEqual(int(r["failed"]), 0)
            self.assertAlmostEqual(float(r["mean"]), mean, places=9)
            self.assertAlmostEqual(float(r["ci95_low"]), mean - half, delta=1e-3 * half + 1e-12)
            self.assertAlmostEqual(float(r["ci95_high"]), mean + half, delta=1e-3 * half + 1e-12)
            self.assertEqual(float(r["min"]), min(vals))
            self.assertEqual(float(r["max"]), max(vals))
        self.assertGreater(spread, 0, "the seeds must differ, or the CI check checks nothing")

    def test_summarize_markdown(self):
        p = tool("summarize", self.sweep, "--metric", "correctness.violations_total", "--format", "markdown")
        self.assertEqual(p.returncode, 0, p.stderr)
        table = [ln for ln in p.stdout.splitlines() if ln.startswith("|")]
        self.assertEqual(table[0], "| duration_ms | kernel.ioc_api | n | failed | mean | ci95_low | ci95_high | min | max |")
        self.assertEqual(len(table), 2 + 4)

    def test_each_plot_writes_a_png(self):
        plots = {
            "shares": ["plot", "shares", self.full, "--run", "1"],
            "shares_cgroup": ["plot", "shares", self.sweep, "--by", "cgroup"],
            "cdf": ["plot", "cdf", self.full],
            "metric": ["plot", "metric", self.sweep, "--metric", "tasks.b.read.iops", "--x", "duration_ms",
                       "--unit", "IO/s"],
            "violations": ["plot", "violations", self.sweep],
        }
        for name, args in plots.items():
            with self.subTest(plot=name):
                png = self.out(f"{name}.png")
                p = tool(*args, "--out", png)
                self.assertEqual(p.returncode, 0, p.stderr)
                with open(png, "rb") as f:
                    data = f.read()
                self.assertEqual(data[:8], PNG)
                self.assertGreater(len(data), 5000)
        svg = self.out("cdf.svg")
        self.assertEqual(tool("plot", "cdf", self.sweep, "--out", svg).returncode, 0)
        with open(svg) as f:
            self.assertIn("<svg", f.read())

    def test_violation_rates_of_0_and_1_and_the_memory_model_axis(self):
        # Wilson intervals at k = 0 and k = n hold the rate exactly (rounding used to put it a
        # hair outside and matplotlib refused the negative error bar): for k = 0, n = 100 the
        # upper bound is z^2 / (n + z^2) = 3.8415 / 103.8415 = 0.03699.
        sys.path.insert(0, HERE)
        import sweep_stats
        for n in range(1, 201):
            for k in (0, n):
                low, high = sweep_stats.wilson(k, n)
                self.assertLessEqual(low, k / n, (k, n))
                self.assertGreaterEqual(high, k / n, (k, n))
        self.assertAlmostEqual(sweep_stats.wilson(0, 100)[1], 3.8415 / 103.8415, places=4)
        # A sweep over ioc_api x memory_model whose cells are all 0/6 except legacy x weak, 10/10.
        lines, run = [], 0
        base = self.lines[0]
        for api in ("legacy", "fixed"):
            for mem in ("sc", "weak"):
                n = 10 if (api, mem) == ("legacy", "weak") else 6
                for seed in range(1, n + 1):
                    line = json.loads(json.dumps(base))
                    line.update(run=run, seed=seed, point={"kernel.ioc_api": api, "kernel.memory_model": mem})
                    hit = (api, mem) == ("legacy", "weak")
                    line["summary"]["correctness"]["violations_total"] = 1 if hit else 0
                    line["summary"]["correctness"]["counts"]["ioc_after_exit"] = 1 if hit else 0
                    lines.append(line)
                    run += 1
        for line in lines:
            line["runs_total"] = run
        path = self.out("rates.jsonl")
        with open(path, "w") as f:
            f.writelines(json.dumps(line) + "\n" for line in lines)
        for kind in ((), ("--kind", "ioc_after_exit")):
            png = self.out("rates.png")
            p = tool("plot", "violations", path, *kind, "--out", png)
            self.assertEqual(p.returncode, 0, p.stderr)
            with open(png, "rb") as f:
                self.assertEqual(f.read()[:8], PNG)

    def test_metric_paths_reach_keys_with_dots(self):
        # fio's percentile keys ("99.000000") hold dots: the path joins the components after
        # `percentile`, so p99 latency can be summarized like any metric.
        path = "tasks.a.read.clat_ns.percentile.99.000000"
        p = tool("summarize", self.sweep, "--metric", path)
        self.assertEqual(p.returncode, 0, p.stderr)
        rows = list(csv.DictReader(io.StringIO(p.stdout)))
        want = [ln["summary"]["tasks"][0]["read"]["clat_ns"]["percentile"]["99.000000"] for ln in self.lines
                if ln["point"] == {"duration_ms": 100, "kernel.ioc_api": "legacy"}]
        row = next(r for r in rows if r["duration_ms"] == "100" and r["kernel.ioc_api"] == "legacy")
        self.assertAlmostEqual(float(row["mean"]), statistics.mean(want), places=3)

    def test_bad_input_is_one_line_and_no_file(self):
        cases = [
            (["summarize", self.sweep, "--metric", "tasks.zz.read.iops"], "no element 'zz'"),
            (["summarize", self.sweep, "--metric", "meta.scheduler"], "not a number"),
            (["summarize", self.out("nope.jsonl"), "--metric", "x"], "cannot read"),
            (["plot", "metric", self.sweep, "--metric", "fairness.jain_index", "--x", "kernel.hz", "--out",
              self.out("x.png")], "--x kernel.hz: not a grid key"),
            (["plot", "violations", self.sweep, "--kind", "bogus", "--out", self.out("x.png")], "not a violation kind"),
            (["plot", "cdf", self.full, "--out", self.out("x.jpg")], "expected a .png or .svg"),
        ]
        for args, frag in cases:
            with self.subTest(args=args):
                p = tool(*args)
                self.assertEqual(p.returncode, 2, p.stderr)
                self.assertEqual(len(p.stderr.strip().splitlines()), 1, p.stderr)
                self.assertIn(frag, p.stderr)
        self.assertFalse(any(n.startswith("x.") for n in os.listdir(self.tmp.name)))

    def bad(self, name, data):
        path = self.out(name)
        with open(path, "wb") as f:
            f.write(data)
        return path

    def assert_one_line_exit_2(self, args, names, frag=None):
        """args (with {out} for the output path) exit 2 with one stderr line that names `names`
        and leave no file at all in the output directory."""
        with tempfile.TemporaryDirectory() as d:
            ext = ".csv" if args[0] == "summarize" else ".png"
            p = tool(*[a.replace("{out}", os.path.join(d, "o" + ext)) for a in args])
            self.assertEqual(p.returncode, 2, p.stderr)
            self.assertNotIn("Traceback", p.stderr)
            self.assertEqual(len(p.stderr.splitlines()), 1, p.stderr)
            self.assertTrue(p.stderr.startswith("iosim_analysis: "), p.stderr)
            self.assertIn(names, p.stderr)
            if frag:
                self.assertIn(frag, p.stderr)
            self.assertEqual(p.stdout, "")
            self.assertEqual(os.listdir(d), [])

    def commands(self, path, sweep_only=False):
        cmds = [["summarize", path, "--metric", "fairness.jain_index", "--out", "{out}"],
                ["plot", "metric", path, "--metric", "fairness.jain_index", "--x", "duration_ms", "--out", "{out}"],
                ["plot", "violations", path, "--out", "{out}"]]
        if not sweep_only:
            cmds += [["plot", "shares", path, "--out", "{out}"], ["plot", "cdf", path, "--out", "{out}"]]
        return cmds

    def test_unreadable_input_is_one_line_naming_the_file(self):
        rnd = bytes((i * 167 + 13) % 256 for i in range(3000))  # like head -c 3000 /dev/urandom: not UTF-8
        os.makedirs(self.out("dir.jsonl"), exist_ok=True)
        cases = {
            "missing": (self.out("missing.jsonl"), "No such file"),
            "directory": (self.out("dir.jsonl"), "Is a directory"),
            "empty": (self.bad("empty.jsonl", b""), "no sweep lines"),
            "blank lines": (self.bad("blank.jsonl", b"\n \n"), "no sweep lines"),
            "binary": (self.bad("g.jsonl", rnd), "not UTF-8"),
            "binary, no newline": (self.bad("g1.jsonl", rnd.replace(b"\n", b"")), "not UTF-8"),
            "binary named .json": (self.bad("g.json", rnd), None),
            "text": (self.bad("t.jsonl", b"hello\nworld\n"), ":1: not a sweep line (expected JSON)"),
            "JSON, not an object": (self.bad("l.jsonl", b"[1, 2]\n"), ":1: not a sweep line"),
            "deep JSON": (self.bad("deep.jsonl", b"[" * 100000 + b"\n"), ":1: not a sweep line"),
        }
        for what, (path, frag) in cases.items():
            for args in self.commands(path):
                with self.subTest(input=what, args=args[:2]):
                    self.assert_one_line_exit_2(args, path, frag)

    def test_a_bad_line_before_the_last_is_an_error_naming_the_line(self):
        with open(self.sweep, "rb") as f:
            lines = f.read().splitlines(keepends=True)
        for what, line in {"cut": lines[3][:100] + b"\n", "not UTF-8": b"\xff\xfe\n",
                           "not a sweep line": b'{"run": 3}\n',
                           "run not a number": lines[3].replace(b'"run":', b'"run":"x",', 1)}.items():
            path = self.bad("mid.jsonl", b"".join(lines[:3] + [line] + lines[4:]))
            for args in self.commands(path):
                with self.subTest(line=what, args=args[:2]):
                    self.assert_one_line_exit_2(args, f"{path}:4: not a sweep line")

    def test_a_report_where_a_sweep_is_expected(self):
        with open(self.full) as f:
            report = json.loads(f.readline())["report"]
        for name, indent in (("r.json", 2), ("r1.jsonl", None)):  # as iosim run writes it, and on one line
            path = self.bad(name, json.dumps(report, indent=indent).encode() + b"\n")
            for args in self.commands(path, sweep_only=True):
                with self.subTest(report=name, args=args[:2]):
                    self.assert_one_line_exit_2(args, path, "an iosim report, not a sweep")
            for kind in ("shares", "cdf"):  # and where one is expected: plotted, whatever its extension
                png = self.out(f"{name}.{kind}.png")
                p = tool("plot", kind, path, "--out", png)
                self.assertEqual(p.returncode, 0, p.stderr)
                self.assertTrue(os.path.exists(png))

    def test_json_that_is_not_shaped_like_a_report(self):
        for name, doc in {"shape.json": {"meta": 1, "tasks": [1]}, "list.json": [1, 2], "obj.json": {"a": 1},
                          "tasks.json": {"meta": {}, "tasks": [{"read": {}}]}}.items():
            path = self.bad(name, json.dumps(doc).encode())
            for kind in ("shares", "cdf"):
                with self.subTest(report=name, kind=kind):
                    self.assert_one_line_exit_2(["plot", kind, path, "--out", "{out}"], path)
        line = {"run": 0, "point": {"duration_ms": 100}, "seed": 1, "status": "ok", "summary": {"meta": 3}}
        path = self.bad("shape.jsonl", json.dumps(line).encode() + b"\n")
        for args in self.commands(path):
            with self.subTest(sweep="shape.jsonl", args=args[:2]):
                self.assert_one_line_exit_2(args, path)

    def test_a_metric_path_that_is_not_there_names_the_line(self):
        first = 1 + [ln["run"] for ln in self.lines].index(0)  # the message names run 0's line
        for args in (["summarize", self.sweep, "--metric", "tasks.zz.read.iops", "--out", "{out}"],
                     ["plot", "metric", self.sweep, "--metric", "fairness.nope", "--x", "duration_ms",
                      "--out", "{out}"]):
            with self.subTest(args=args[:2]):
                self.assert_one_line_exit_2(args, f"{self.sweep}:{first}: --metric")

    def test_an_out_that_cannot_be_written(self):
        os.makedirs(self.out("outdir.png"), exist_ok=True)
        cases = [["summarize", self.sweep, "--metric", "fairness.jain_index", "--out"],
                 ["summarize", self.sweep, "--metric", "fairness.jain_index", "--format", "markdown", "--out"],
                 ["plot", "cdf", self.full, "--out"], ["plot", "violations", self.sweep, "--out"]]
        for args in cases:
            for out in (self.out("nodir/x.png"), self.out("outdir.png")):
                with self.subTest(args=args[:2], out=out):
                    p = tool(*args, out)
                    self.assertEqual(p.returncode, 2, p.stderr)
                    self.assertEqual(len(p.stderr.splitlines()), 1, p.stderr)
                    self.assertIn(f"--out {out}: cannot write", p.stderr)
        self.assertFalse(os.path.exists(self.out("nodir")))
        self.assertEqual(os.listdir(self.out("outdir.png")), [])
        self.assertFalse([n for n in os.listdir(self.tmp.name) if ".tmp." in n])

    def test_a_cut_last_line_is_one_warning_and_skipped(self):
        with open(self.sweep, "rb") as f:
            data = f.read()
        nlines = data.count(b"\n")
        path = self.bad("cut.jsonl", data[:-100])  # killed while writing the last line
        csv_out = self.out("cut.csv")
        p = tool("summarize", path, "--metric", "tasks.a.read.iops", "--out", csv_out)
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertEqual(p.stderr.splitlines(), [f"iosim_analysis: warning: {path}:{nlines}: last line cut off "
                                                 "(an interrupted sweep?), skipped; resuming the sweep reruns it"])
        with open(csv_out) as f:
            rows = list(csv.DictReader(f))
        self.assertEqual(sum(int(r["n"]) for r in rows), nlines - 1)
        png = self.out("cut.png")
        p = tool("plot", "violations", path, "--out", png)
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertIn(f"{path}:{nlines}: last line cut off", p.stderr)
        # An error after reading a cut file is still the one line.
        self.assert_one_line_exit_2(["summarize", path, "--metric", "tasks.zz", "--out", "{out}"], path, "no element")

    def test_ci95_low_is_clamped_at_0_for_a_non_negative_metric(self):
        vals = [0, 0, 0, 0, 3]  # a count: mean 0.6, the t interval reaches below 0
        path = self.bad("counts.jsonl", "".join(
            json.dumps({"run": i, "point": {"k": 1}, "seed": i + 1, "status": "ok", "summary": {"c": v, "d": v - 1}})
            + "\n" for i, v in enumerate(vals)).encode())
        half = T_975_DF4 * statistics.stdev(vals) / math.sqrt(len(vals))
        for metric, low in (("c", 0.0), ("d", statistics.mean(vals) - 1 - half)):  # d goes below 0: not clamped
            with self.subTest(metric=metric):
                p = tool("summarize", path, "--metric", metric)
                self.assertEqual(p.returncode, 0, p.stderr)
                (row,) = csv.DictReader(io.StringIO(p.stdout))
                self.assertAlmostEqual(float(row["ci95_low"]), low, delta=1e-3 * half)
                self.assertAlmostEqual(float(row["ci95_high"]), statistics.mean(vals) - (metric == "d") + half,
                                       delta=1e-3 * half)
        p = tool("summarize", path, "--metric", "c", "--format", "markdown")
        self.assertIn("clamped at 0", p.stdout)
        self.assertIn("clamped at 0", " ".join(tool("--help").stdout.split()))

    def test_plot_report_bad_input_and_out(self):
        script = os.path.join(HERE, "plot_report.py")
        with open(self.full) as f:
            report = json.loads(f.readline())["report"]
        rep = self.bad("pr.json", json.dumps(report).encode())
        binary = self.bad("pr_bin.json", bytes(range(256)))
        shape = self.bad("pr_shape.json", b'{"meta": 1, "tasks": [1]}')
        cases = [(binary, self.out("pr.png"), binary), (shape, self.out("pr.png"), shape),
                 (rep, self.out("nodir/pr.png"), self.out("nodir/pr.png") + ": cannot write")]
        for src, out, named in cases:
            with self.subTest(src=src, out=out):
                p = subprocess.run([sys.executable, script, src, out], capture_output=True, text=True, timeout=300)
                self.assertEqual(p.returncode, 2, p.stderr)
                self.assertEqual(len(p.stderr.splitlines()), 1, p.stderr)
                self.assertIn(named, p.stderr)
                self.assertFalse(os.path.exists(out))
        p = subprocess.run([sys.executable, script, rep, self.out("pr.png")], capture_output=True, text=True,
                           timeout=300)
        self.assertEqual((p.returncode, p.stderr), (0, ""))


if __name__ == "__main__":
    unittest.main()
