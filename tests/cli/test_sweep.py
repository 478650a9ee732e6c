"""iosim sweep and merge as a user (or a cluster) meets them: kill and resume, shards through GNU
parallel merged back, merge's refusals, bad flags, failed runs, --list and --summary
(docs/sweeps.md; architecture doc, "Sweep lines"). Runs are a few simulated ms on an SSD."""
import json
import os
import shutil
import signal
import subprocess
import sys
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from cli_case import CliCase  # noqa: E402
from contract import check_report  # noqa: E402

IOSIM = os.environ.get("IOSIM", "iosim")
ROOT = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))

# Two sync readers on an SSD for 15 simulated ms: a small but real run (a few hundred I/Os).
CONFIG = {"seed": 1, "duration_ms": 15, "devices": [{"name": "sda", "model": "ssd"}],
          "tasks": [{"name": "a", "job": {"rw": "randread", "bs": "4k"}},
                    {"name": "b", "ioprio": {"class": "be", "level": 7}, "job": {"rw": "randread", "bs": "4k"}}]}
GRID = ["--grid", "kernel.ioc_api=legacy,fixed"]
APIS = ["legacy", "fixed"]
SEEDS = 20


def run(*args, timeout=600):
    return subprocess.run([IOSIM, *args], capture_output=True, text=True, timeout=timeout)


def read_lines(path):
    with open(path) as f:
        return [json.loads(line) for line in f.read().splitlines()]


def alive(pid):
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


def without_engine(line):
    line = dict(line)
    if "report" in line:
        line["report"] = {k: v for k, v in line["report"].items() if k != "engine"}
    return line


class SweepTest(CliCase):
    def setUp(self):
        super().setUp()
        self.cfg = os.path.join(self.dir, "small.json")
        with open(self.cfg, "w") as f:
            json.dump(CONFIG, f)

    def assert_complete(self, path):
        """Exactly the 40 runs, each once, with the point and seed the documented order gives:
        run = point_index * SEEDS + (seed - 1), the last (only) --grid varying fastest."""
        lines = read_lines(path)
        self.assertEqual(sorted(ln["run"] for ln in lines), list(range(2 * SEEDS)))
        for ln in lines:
            self.assertEqual(ln["status"], "ok", ln.get("error"))
            self.assertEqual(ln["point"], {"kernel.ioc_api": APIS[ln["run"] // SEEDS]})
            self.assertEqual(ln["seed"], 1 + ln["run"] % SEEDS)
            self.assertEqual(ln["runs_total"], 2 * SEEDS)
            self.assertEqual(ln["report"]["meta"]["seed"], ln["seed"])
            self.assertEqual(ln["report"]["meta"]["ioc_api"], ln["point"]["kernel.ioc_api"])
        return lines


class KillAndResume(SweepTest):
    def test_killed_half_way_then_resumed_gives_every_run_once(self):
        out = self.path("sweep.jsonl")
        # 150 simulated ms per run (a fixed --set for every run): long enough that the sweep is
        # still going when the test, polling the file, sees 6 lines and kills it.
        cmd = [IOSIM, "sweep", self.cfg, *GRID, "--set", "duration_ms=150", "--seeds", f"1-{SEEDS}", "--jobs", "2",
               "--out", out]
        proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 300
        while time.monotonic() < deadline and proc.poll() is None:
            if os.path.exists(out):
                with open(out) as f:
                    if f.read().count("\n") >= 6:
                        break
            time.sleep(0.005)
        with open(f"/proc/{proc.pid}/task/{proc.pid}/children") as f:
            kids = [int(k) for k in f.read().split()]
        os.kill(proc.pid, signal.SIGKILL)  # the parent only: its children die with it (PDEATHSIG)
        proc.wait()
        for kid in kids:  # gone, or a zombie waiting for init to reap it
            while time.monotonic() < deadline and alive(kid):
                time.sleep(0.01)
            self.assertFalse(alive(kid), f"child {kid} outlived the killed sweep")
        with open(out) as f:
            before = f.read()
        done = before.count("\n")
        self.assertLess(done, 2 * SEEDS, "the sweep was killed before it finished")
        # A kill in the middle of a write leaves a partial last line: resume must cut it off.
        with open(out, "a") as f:
            f.write('{"run": 39, "runs_total": 40, "point": {"kernel.io')
        p = subprocess.run(cmd, capture_output=True, text=True, timeout=600)
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertIn(f"{done} of {2 * SEEDS} runs already done", p.stderr)
        self.assertIn("partial last line", p.stderr)
        with open(out) as f:
            after = f.read()
        self.assertTrue(after.startswith(before), "lines written before the kill are kept as they were")
        self.assert_complete(out)
        self.assertEqual(check_report(out), [])
        # Running it again does nothing: every run is done.
        p = run(*cmd[1:])
        self.assertEqual(p.returncode, 0, p.stderr)
        with open(out) as f:
            self.assertEqual(f.read(), after)

    def test_one_sweep_per_file_at_a_time(self):
        out = self.path("busy.jsonl")
        args = ["sweep", self.cfg, "--grid", "duration_ms=600000", "--seeds", "1", "--timeout", "0", "--out", out]
        first = subprocess.Popen([IOSIM, *args], stderr=subprocess.DEVNULL)
        try:
            deadline = time.monotonic() + 60
            kids = f"/proc/{first.pid}/task/{first.pid}/children"
            while time.monotonic() < deadline:  # a run has started: the file was locked before
                with open(kids) as f:
                    if f.read().strip():
                        break
                time.sleep(0.01)
            self.assert_one_line_error(run(*args), out, "another iosim sweep is writing it")
        finally:
            first.kill()
            first.wait()

    def test_refuses_to_resume_a_different_sweep(self):
        out = self.path("sweep.jsonl")
        p = run("sweep", self.cfg, "--grid", "kernel.hz=100,1000", "--seeds", "1-2", "--jobs", "2", "--out", out)
        self.assertEqual(p.returncode, 0, p.stderr)
        with open(out) as f:
            before = f.read()
        # Same number of runs, other points: run 2 was hz=1000 seed 1 and would now be hz=250.
        p = run("sweep", self.cfg, "--grid", "kernel.hz=100,250", "--seeds", "1-2", "--out", out)
        self.assert_one_line_error(p, out, "different sweep", "choose another --out")
        p = run("sweep", self.cfg, "--grid", "kernel.hz=100,1000", "--seeds", "1-3", "--out", out)
        self.assert_one_line_error(p, out, "different sweep")
        p = run("sweep", self.cfg, "--grid", "kernel.hz=100,1000", "--seeds", "1-2", "--summary", "--out", out)
        self.assert_one_line_error(p, out, "--summary")
        with open(out) as f:
            self.assertEqual(f.read(), before, "a refused resume leaves the file alone")


@unittest.skipUnless(shutil.which("parallel"), "GNU parallel is not installed (scripts/install-deps.sh)")
class ShardsThroughParallel(SweepTest):
    def test_two_shards_merge_to_the_unsharded_sweep(self):
        whole = self.path("whole.jsonl")
        p = run("sweep", self.cfg, *GRID, "--seeds", f"1-{SEEDS}", "--jobs", "2", "--out", whole)
        self.assertEqual(p.returncode, 0, p.stderr)
        shard = self.path("shard-{}.jsonl")
        p = subprocess.run(["parallel", "--will-cite", "--halt", "now,fail=1", "-j", "2", IOSIM, "sweep", self.cfg,
                            *GRID, "--seeds", f"1-{SEEDS}", "--jobs", "1", "--shard", "{}/2", "--out", shard,
                            ":::", "0", "1"], capture_output=True, text=True, timeout=600)
        self.assertEqual(p.returncode, 0, p.stderr)
        for i in (0, 1):
            runs = [ln["run"] for ln in read_lines(self.path(f"shard-{i}.jsonl"))]
            self.assertEqual(sorted(runs), list(range(i, 2 * SEEDS, 2)), f"shard {i}/2 takes run % 2 == {i}")
        merged = self.path("merged.jsonl")
        p = run("merge", merged, self.path("shard-1.jsonl"), self.path("shard-0.jsonl"))
        self.assertEqual(p.returncode, 0, p.stderr)
        m = read_lines(merged)
        self.assertEqual([ln["run"] for ln in m], list(range(2 * SEEDS)), "merge writes run order")
        w = sorted(self.assert_complete(whole), key=lambda ln: ln["run"])
        self.assertEqual([without_engine(ln) for ln in m], [without_engine(ln) for ln in w])

    def test_merge_fails_on_missing_or_duplicated_runs(self):
        for i in (0, 1):
            p = run("sweep", self.cfg, *GRID, "--seeds", "1-3", "--shard", f"{i}/2", "--out", self.path(f"s{i}.jsonl"))
            self.assertEqual(p.returncode, 0, p.stderr)
        s0, s1, out = self.path("s0.jsonl"), self.path("s1.jsonl"), self.path("m.jsonl")
        self.assert_one_line_error(run("merge", out, s0), "run 1 of 6 is missing", s0)
        self.assert_one_line_error(run("merge", out, s0, s1, s0), f"merge: {s0} is given twice")
        again = self.path("s0-again.jsonl")
        shutil.copy(s0, again)
        first = read_lines(s0)[0]["run"]  # lines are in the order runs finished
        self.assert_one_line_error(run("merge", out, s0, s1, again), f"run {first} is duplicated",
                                   f"{s0}:1 and {again}:1")
        # The last run missing is caught too (every line carries runs_total).
        with open(s1) as f:
            kept = f.read().splitlines()
        last = max(kept, key=lambda t: json.loads(t)["run"])
        with open(s1, "w") as f:
            f.write("".join(t + "\n" for t in kept if t != last))
        self.assert_one_line_error(run("merge", out, s0, s1), "run 5 of 6 is missing")
        self.assertFalse(os.path.exists(out), "a failed merge writes nothing")


class BadFlags(SweepTest):
    def test_bad_flags_exit_2_with_one_line_and_no_output(self):
        out = self.path("o.jsonl")
        base = ["sweep", self.cfg, "--out", out]
        cases = [
            (["--grid", "kernel.hz"], "--grid kernel.hz: expected KEY=V1,V2"),
            (["--grid", "kernel.hz=100,,1000"], "--grid kernel.hz=100,,1000: empty value"),
            (["--grid", "kernel.hz=100,100"], "listed twice"),
            (["--grid", "kernel.ioc_api=fixed,bogus"], "--grid kernel.ioc_api=...: value bogus"),
            (["--grid", "tasks.5.nice=1"], "--grid tasks.5.nice=...: value 1"),
            (["--grid", "kernel.hz=100", "--grid", "kernel.hz=250"], "the key is given twice"),
            (["--seeds", "5-1"], "--seeds 5-1: expected A-B"),
            (["--seeds", "x"], "--seeds x: expected A-B"),
            (["--shard", "2/2"], "--shard 2/2: expected I/N with 0 <= I < N"),
            (["--shard", "1"], "--shard 1: expected I/N"),
            (["--jobs", "0"], "--jobs 0: expected an integer 1..1024"),
            (["--timeout", "-1"], "--timeout -1: expected seconds"),
        ]
        for extra, frag in cases:
            with self.subTest(extra=extra):
                seeds = [] if "--seeds" in extra else ["--seeds", "1-2"]
                self.assert_one_line_error(run(*base, *seeds, *extra), frag)
                self.assertFalse(os.path.exists(out))
        self.assert_one_line_error(run("sweep", self.cfg, "--out", out), "--seeds A-B is required")
        self.assert_one_line_error(run("sweep", self.cfg, "--seeds", "1", "--out", self.cfg), "config file itself")
        self.assert_one_line_error(run("sweep", self.cfg, "--seeds", "1", "--out", "-"), "--out -: a sweep appends")
        self.assert_one_line_error(run("merge", out), "expected OUT.jsonl SHARD.jsonl")

    def test_comma_inside_json_values_does_not_split(self):
        p = run("sweep", self.cfg, "--grid", 'tasks.0.job.bs=["4k","8k"],"4k"', "--seeds", "1", "--list")
        # An array is no block size: the error names the first value, which stayed whole.
        self.assert_one_line_error(p, '--grid tasks.0.job.bs=...: value ["4k","8k"]')


class FailedRuns(SweepTest):
    def test_a_run_that_times_out_is_a_failed_line_and_the_sweep_goes_on(self):
        out = self.path("t.jsonl")
        # 10 simulated minutes of two readers take far longer than 0.3 s; 15 ms take a few ms.
        p = run("sweep", self.cfg, "--grid", "duration_ms=600000,15", "--seeds", "1-2", "--jobs", "2", "--timeout",
                "0.3", "--out", out)
        self.assertEqual(p.returncode, 0, p.stderr)
        lines = sorted(read_lines(out), key=lambda ln: ln["run"])
        self.assertEqual([ln["status"] for ln in lines], ["failed", "failed", "ok", "ok"])
        for ln in lines[:2]:
            self.assertIn("timed out after 0.3 s", ln["error"])
            self.assertNotIn("report", ln)
        self.assertIn("2 of them failed", p.stderr)
        self.assertEqual(check_report(out), [])


    def test_a_run_whose_process_dies_is_a_failed_line(self):
        out = self.path("c.jsonl")
        # Run 0 (10 simulated minutes, no timeout) is killed with SIGSEGV as a crash would; run 1
        # (15 ms) still runs.
        proc = subprocess.Popen([IOSIM, "sweep", self.cfg, "--grid", "duration_ms=600000,15", "--seeds", "1",
                                 "--jobs", "1", "--timeout", "0", "--out", out], stderr=subprocess.PIPE, text=True)
        children = f"/proc/{proc.pid}/task/{proc.pid}/children"
        deadline = time.monotonic() + 60
        kids = ""
        while time.monotonic() < deadline and not kids:
            with open(children) as f:
                kids = f.read().split()
            time.sleep(0.01)
        self.assertEqual(len(kids), 1, "one child at a time with --jobs 1")
        os.kill(int(kids[0]), signal.SIGSEGV)
        _, err = proc.communicate(timeout=300)
        self.assertEqual(proc.returncode, 0, err)
        lines = sorted(read_lines(out), key=lambda ln: ln["run"])
        self.assertEqual([ln["status"] for ln in lines], ["failed", "ok"])
        self.assertIn("died from signal 11", lines[0]["error"])


class ListAndSummary(SweepTest):
    def test_list_prints_runnable_commands_of_the_shard(self):
        p = run("sweep", self.cfg, *GRID, "--seeds", "1-3", "--shard", "1/2", "--list")
        self.assertEqual(p.returncode, 0, p.stderr)
        rows = [r.split("\t") for r in p.stdout.splitlines()]
        self.assertEqual([int(r[0]) for r in rows], [1, 3, 5])
        self.assertEqual([(int(r[1]), json.loads(r[2])) for r in rows],
                         [(2, {"kernel.ioc_api": "legacy"}), (1, {"kernel.ioc_api": "fixed"}),
                          (3, {"kernel.ioc_api": "fixed"})])
        # The printed command gives the same report as the sweep's line for that run.
        out = self.path("s.jsonl")
        self.assertEqual(run("sweep", self.cfg, *GRID, "--seeds", "1-3", "--out", out).returncode, 0)
        line = [ln for ln in read_lines(out) if ln["run"] == 3][0]
        q = subprocess.run(rows[1][3], shell=True, capture_output=True, text=True)
        self.assertEqual(q.returncode, 0, q.stderr)
        self.assertEqual(without_engine({"report": json.loads(q.stdout)}), without_engine({"report": line["report"]}))

    def test_summary_lines(self):
        out = self.path("s.jsonl")
        p = run("sweep", self.cfg, *GRID, "--seeds", "1-2", "--summary", "--out", out)
        self.assertEqual(p.returncode, 0, p.stderr)
        lines = read_lines(out)
        self.assertEqual(len(lines), 4)
        for ln in lines:
            s = ln["summary"]
            self.assertNotIn("report", ln)
            self.assertNotIn("engine", s)
            self.assertNotIn("violations", s["correctness"])
            self.assertEqual(s["meta"]["seed"], ln["seed"])
            self.assertEqual([t["name"] for t in s["tasks"]], ["a", "b"])
            self.assertIn("99.000000", s["tasks"][0]["read"]["clat_ns"]["percentile"])
            self.assertIn("jain_index", s["fairness"])
        self.assertEqual(check_report(out), [])


if __name__ == "__main__":
    unittest.main()
