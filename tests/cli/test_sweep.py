"""iosim sweep and merge as a user (or a cluster) meets them: kill and resume, shards through GNU
parallel merged back, merge's refusals, bad flags, failed runs, --list, --summary and the progress line
(docs/sweeps.md; architecture doc, "Sweep lines"). Runs are a few simulated ms on an SSD."""
import json
import os
import pty
import re
import shutil
import signal
import subprocess
import sys
import threading
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


def state(pid):
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().rsplit(")", 1)[1].split()[0]
    except OSError:
        return None


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
        # still going when the test, polling the file, sees half the runs done and kills it.
        cmd = [IOSIM, "sweep", self.cfg, *GRID, "--set", "duration_ms=150", "--seeds", f"1-{SEEDS}", "--jobs", "2",
               "--out", out]
        proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 300
        while time.monotonic() < deadline and proc.poll() is None:
            if os.path.exists(out):
                with open(out) as f:
                    if f.read().count("\n") >= SEEDS:
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
        self.assertGreaterEqual(done, SEEDS, "killed half way")
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
        # A file of one line without its newline (a minified config given as --out by mistake)
        # is not a sweep's cut-off line: refused, not cut off.
        other = self.path("oneline.json")
        with open(self.cfg) as f, open(other, "w") as g:
            g.write(json.dumps(json.load(f)))
        with open(other) as f:
            before = f.read()
        p = run("sweep", self.cfg, "--seeds", "1", "--out", other)
        self.assert_one_line_error(p, other + ":1: not a sweep line")
        with open(other) as f:
            self.assertEqual(f.read(), before)


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

    def test_merge_and_resume_refuse_another_sweep_of_the_same_shape(self):
        # Same grid, seeds and runs_total; only a --set differs (or --summary): the `sweep`
        # fingerprint tells them apart, so neither merge nor resume mixes their results.
        s0, s1, out = self.path("a0.jsonl"), self.path("a1.jsonl"), self.path("m.jsonl")
        b1, c1 = self.path("b1.jsonl"), self.path("c1.jsonl")
        for path, shard, extra in ((s0, 0, []), (s1, 1, []), (b1, 1, ["--set", "kernel.hz=250"]),
                                   (c1, 1, ["--summary"])):
            p = run("sweep", self.cfg, *GRID, "--seeds", "1-2", "--shard", f"{shard}/2", *extra, "--out", path)
            self.assertEqual(p.returncode, 0, p.stderr)
        self.assertEqual(run("merge", out, s0, s1).returncode, 0)
        os.remove(out)
        self.assert_one_line_error(run("merge", out, s0, b1), f"{b1}:1: from sweep", "not shards of one sweep")
        self.assert_one_line_error(run("merge", out, s0, c1), f"{c1}:1: has a summary", "one shard run with --summary")
        self.assertFalse(os.path.exists(out))
        with open(s1) as f:
            before = f.read()
        p = run("sweep", self.cfg, *GRID, "--seeds", "1-2", "--shard", "1/2", "--set", "kernel.hz=250", "--out", s1)
        self.assert_one_line_error(p, f"{s1}:1: written by a different sweep", "choose another --out")
        with open(s1) as f:
            self.assertEqual(f.read(), before)


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


# The progress line of docs/sweeps.md: done (runs in the file) / total, this invocation's rate,
# ETA, the sum of correctness.violations_total over the runs done, failed runs.
PROGRESS = re.compile(r"sweep: (\d+)/(\d+) done, (\d+\.\d\d) runs/s, ETA (\?|(?:\d+h)?(?:\d+m)?\d+s), "
                      r"(\d+) violations, (\d+) failed")


def progress(line):
    m = PROGRESS.fullmatch(line)
    return m and (int(m.group(1)), int(m.group(2)), float(m.group(3)), m.group(4), int(m.group(5)),
                  int(m.group(6)))


class Progress(SweepTest):
    def test_batch_log_lines_count_done_runs_and_violations(self):
        # A race scenario (legacy API) that shows violations on some seeds, 4 seeds, --summary.
        # stderr is a pipe: the line at the start, at the end, then the closing line.
        race = self.path("race.json")
        shutil.copy(os.path.join(ROOT, "configs", "race-ioprio-set-vs-exit.json"), race)
        out = self.path("v.jsonl")
        cmd = ["sweep", race, "--seeds", "1-4", "--jobs", "2", "--summary", "--out", out]
        p = run(*cmd)
        self.assertEqual(p.returncode, 0, p.stderr)
        lines = read_lines(out)
        viol = {ln["run"]: ln["summary"]["correctness"]["violations_total"] for ln in lines}
        total = sum(viol.values())
        self.assertGreater(total, 0, "the scenario shows violations on these seeds: the sum is not vacuous")
        err = p.stderr.splitlines()
        self.assertEqual(len(err), 3, p.stderr)
        self.assertEqual(progress(err[0]), (0, 4, 0.0, "?", 0, 0), err[0])
        done, runs, rate, eta, v, failed = progress(err[1]) or self.fail(err[1])
        self.assertEqual((done, runs, eta, v, failed), (4, 4, "0s", total, 0))
        self.assertGreater(rate, 0)
        self.assertEqual(err[2], f"sweep: {out}: 4 runs of this sweep complete (4 run now, 0 of them failed)")
        # Resume with the two lines of fewest violations kept: done counts them from the start
        # (rate 0: no run of this invocation yet), and so does the violation sum.
        kept = sorted(lines, key=lambda ln: viol[ln["run"]])[:2]
        with open(out, "w") as f:
            f.write("".join(json.dumps(ln) + "\n" for ln in kept))
        before = sum(viol[ln["run"]] for ln in kept)
        self.assertLess(before, total)
        p = run(*cmd)
        self.assertEqual(p.returncode, 0, p.stderr)
        bars = [progress(line) for line in p.stderr.splitlines() if progress(line)]
        self.assertEqual(len(bars), 2, p.stderr)
        self.assertEqual(bars[0], (2, 4, 0.0, "?", before, 0))
        self.assertEqual((bars[1][0], bars[1][1], bars[1][3], bars[1][4], bars[1][5]), (4, 4, "0s", total, 0))
        self.assertIn(f"sweep: {out}: 4 runs of this sweep complete (2 run now, 0 of them failed)", p.stderr)

    def test_batch_log_line_every_10_s(self):
        # --jobs 1: run 0 (15 ms) finishes at once; run 1 (10 simulated minutes, no timeout) is
        # stopped with SIGSTOP, so the sweep waits without using the CPU until the periodic line
        # comes, about 10 s after the first; then the run is killed (a failed line).
        out = self.path("p.jsonl")
        proc = subprocess.Popen([IOSIM, "sweep", self.cfg, "--grid", "duration_ms=15,600000", "--seeds", "1",
                                 "--jobs", "1", "--timeout", "0", "--out", out],
                                stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        seen = []
        reader = threading.Thread(target=lambda: seen.extend((time.monotonic(), ln.rstrip("\n"))
                                                             for ln in proc.stderr), daemon=True)
        reader.start()
        kid = None
        try:
            deadline = time.monotonic() + 60
            while time.monotonic() < deadline and kid is None:
                time.sleep(0.01)
                if not os.path.exists(out):
                    continue
                with open(out) as f:
                    if f.read().count("\n") != 1:
                        continue
                with open(f"/proc/{proc.pid}/task/{proc.pid}/children") as f:
                    kids = [int(k) for k in f.read().split() if alive(int(k))]
                if len(kids) != 1:
                    continue
                try:  # run 1's process, unless run 0's was still on its way out: then try again
                    os.kill(kids[0], signal.SIGSTOP)
                except ProcessLookupError:
                    continue
                time.sleep(0.05)
                if state(kids[0]) == "T":
                    kid = kids[0]
            self.assertIsNotNone(kid, "run 1 started after run 0's line, and was stopped")
            while time.monotonic() < deadline and len([1 for _, ln in seen if progress(ln)]) < 2:
                time.sleep(0.05)
            bars = [(t, progress(ln)) for t, ln in seen if progress(ln)]
            self.assertEqual(len(bars), 2, seen)
            self.assertEqual(bars[0][1], (0, 2, 0.0, "?", 0, 0))
            self.assertGreater(bars[1][0] - bars[0][0], 8.5, "the periodic line comes every 10 s")
            self.assertLess(bars[1][0] - bars[0][0], 20)
            done, runs, rate, eta, v, failed = bars[1][1]
            self.assertEqual((done, runs, v, failed), (1, 2, 0, 0))
            self.assertGreater(rate, 0)
            self.assertLess(rate, 0.2, "one run in about 10 s")
            self.assertNotEqual(eta, "?")
            os.kill(kid, signal.SIGKILL)
            proc.wait(timeout=60)
        finally:
            if kid is not None and proc.returncode is None:  # a stopped child would ignore a SIGTERM
                os.kill(kid, signal.SIGKILL)
            proc.kill()
            proc.wait()
            reader.join(timeout=10)
            proc.stderr.close()
        self.assertEqual(proc.returncode, 0, seen)
        last = [progress(ln) for _, ln in seen if progress(ln)][-1]
        self.assertEqual((last[0], last[1], last[4], last[5]), (2, 2, 0, 1))
        self.assertEqual(seen[-1][1], f"sweep: {out}: 2 runs of this sweep complete (2 run now, 1 of them failed)")
        lines = sorted(read_lines(out), key=lambda ln: ln["run"])
        self.assertEqual([ln["status"] for ln in lines], ["ok", "failed"])
        self.assertIn("signal 9", lines[1]["error"])

    def test_terminal_line_redrawn_in_place(self):
        # stderr is a pseudo-terminal: every progress line starts with a carriage return (and an
        # erase to the end of the line), none ends with a newline; the closing line does.
        out = self.path("t.jsonl")
        master, slave = pty.openpty()
        proc = subprocess.Popen([IOSIM, "sweep", self.cfg, "--seeds", "1-6", "--jobs", "2", "--set",
                                 "duration_ms=150", "--out", out], stdin=subprocess.DEVNULL,
                                stdout=subprocess.DEVNULL, stderr=slave)
        os.close(slave)
        buf = b""
        try:
            while True:
                try:
                    data = os.read(master, 4096)
                except OSError:  # EIO: the sweep closed the terminal's last open end
                    break
                if not data:
                    break
                buf += data
        finally:
            os.close(master)
            proc.wait(timeout=300)
        self.assertEqual(proc.returncode, 0, buf)
        text = buf.decode()
        parts = text.split("\r\n")
        self.assertEqual(parts[-1], "", repr(text))
        self.assertEqual(parts[1:-1], [f"sweep: {out}: 6 runs of this sweep complete (6 run now, 0 of them failed)"],
                         repr(text))
        self.assertNotIn("\n", parts[0], "progress lines are redrawn, not scrolled")
        self.assertTrue(parts[0].startswith("\r"), repr(text))
        draws = [d.replace("\x1b[K", "") for d in parts[0].split("\r")[1:] if d]
        bars = [progress(d) for d in draws]
        self.assertTrue(all(bars), draws)
        self.assertGreaterEqual(len(bars), 2)
        self.assertEqual(bars[0], (0, 6, 0.0, "?", 0, 0))
        self.assertEqual((bars[-1][0], bars[-1][1], bars[-1][3], bars[-1][5]), (6, 6, "0s", 0))
        self.assertEqual([b[0] for b in bars], sorted(b[0] for b in bars), "done never goes back")


if __name__ == "__main__":
    unittest.main()
