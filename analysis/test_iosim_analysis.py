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


if __name__ == "__main__":
    unittest.main()
