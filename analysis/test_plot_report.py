"""plot_report.py on a real report from the binary, and on input that is not a report."""
import os
import subprocess
import sys
import tempfile
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
IOSIM = os.environ.get("IOSIM", "iosim")
CONFIG = os.path.join(HERE, "..", "configs", "quickstart.json")


class PlotReport(unittest.TestCase):
    def test_plots_a_report(self):
        with tempfile.TemporaryDirectory() as d:
            rep, png = os.path.join(d, "r.json"), os.path.join(d, "r.png")
            p = subprocess.run([IOSIM, "run", CONFIG, "--set", "duration_ms=400", "--out", rep],
                               capture_output=True, text=True)
            self.assertEqual(p.returncode, 0, p.stderr)
            p = subprocess.run([sys.executable, os.path.join(HERE, "plot_report.py"), rep, png],
                               capture_output=True, text=True)
            self.assertEqual(p.returncode, 0, p.stderr)
            with open(png, "rb") as f:
                self.assertEqual(f.read(8), b"\x89PNG\r\n\x1a\n")

    def test_rejects_what_is_not_a_report(self):
        with tempfile.TemporaryDirectory() as d:
            bad = os.path.join(d, "x.json")
            with open(bad, "w") as f:
                f.write('{"tasks": 3}')
            p = subprocess.run([sys.executable, os.path.join(HERE, "plot_report.py"), bad, os.path.join(d, "o.png")],
                               capture_output=True, text=True)
            self.assertEqual(p.returncode, 2)
            self.assertIn("not an iosim report", p.stderr)
            self.assertFalse(os.path.exists(os.path.join(d, "o.png")))


if __name__ == "__main__":
    unittest.main()
