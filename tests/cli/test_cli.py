"""CLI behaviour as a user meets it: help, bad input (one line, exit 2, no output file),
determinism (same config and seed -> same bytes apart from `engine`), --seed/--set/--events."""
import json
import os
import re
import stat
import subprocess
import sys
import tempfile
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from cli_case import CliCase  # noqa: E402

IOSIM = os.environ.get("IOSIM", "iosim")
ROOT = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))
QUICK = os.path.join(ROOT, "configs", "quickstart.json")


def run(*args, timeout=300):
    return subprocess.run([IOSIM, *args], capture_output=True, text=True, timeout=timeout)


class Help(unittest.TestCase):
    def test_help_lists_the_commands_that_exist(self):
        p = run("--help")
        self.assertEqual(p.returncode, 0)
        self.assertIn("iosim run CONFIG", p.stdout)
        self.assertIn("iosim validate CONFIG", p.stdout)
        self.assertIn("iosim explain REPORT", p.stdout)
        self.assertIn("iosim sweep CONFIG", p.stdout)
        self.assertIn("iosim merge OUT.jsonl", p.stdout)
        self.assertIn("iosim import fio JOBFILE", p.stdout)

    def test_simgrid_never_sees_user_flags(self):
        # SimGrid would eat --cfg=... and --help; iosim must reject it as its own unknown option.
        p = run("run", QUICK, "--cfg=contexts/factory:thread")
        self.assertEqual(p.returncode, 2)
        self.assertEqual(len(p.stderr.strip().splitlines()), 1, p.stderr)


class BadInput(CliCase):
    def test_validate_names_the_json_path(self):
        cfg = self.write("config.json", json.dumps({
            "devices": [{"name": "sda", "model": "hdd"}],
            "tasks": [{"name": "a", "job": {}}, {"name": "b"}, {"name": "c", "ioprio": {"class": "be", "level": 9}}]}))
        p = run("validate", cfg)
        self.assert_one_line_error(p, f"{cfg}: tasks[2].ioprio.level: 9 is out of range 0..7")
        self.assertEqual(p.stdout, "")

    def test_run_writes_no_output_file_on_bad_input(self):
        cfg = self.write("config.json", '{"devices": [{"name": "sda", "model": "tape"}]}')
        out = os.path.join(self.dir, "report.json")
        events = os.path.join(self.dir, "events.jsonl")
        p = run("run", cfg, "--out", out, "--events", events)
        self.assert_one_line_error(p, 'devices[0].model: "tape" is not one of: hdd, ssd, null')
        self.assertEqual(sorted(os.listdir(self.dir)), ["config.json"], "no partial or temporary file left")

    def test_invalid_json_names_line(self):
        cfg = self.write("config.json", '{\n "seed": 1,\n "devices": [\n')
        self.assert_one_line_error(run("validate", cfg), f"{cfg}: line 4", "invalid JSON")

    def test_missing_config_file(self):
        self.assert_one_line_error(run("run", os.path.join(self.dir, "nope.json")), "nope.json: cannot open config file")

    def test_bad_flags(self):
        self.assert_one_line_error(run("frobnicate"), "unknown command 'frobnicate'")
        self.assert_one_line_error(run("run", QUICK, "--seed", "abc"), "seed")
        self.assert_one_line_error(run("run"), "missing CONFIG")
        self.assert_one_line_error(run("run", QUICK, "--set", "tasks.9.nice=1"), "index 9 is out of range")
        self.assert_one_line_error(run("run", QUICK, "--set", "duration_ms=0"), "duration_ms: 0 is out of range 1..")

    def test_unwritable_output(self):
        self.assert_one_line_error(run("run", QUICK, "--set", "duration_ms=50", "--out", "/nonexistent/dir/r.json"),
                                   "/nonexistent/dir/r.json: cannot write output")

    def test_bad_simgrid_cfg_is_bad_input_not_a_crash(self):
        p = run("run", QUICK, "--set", "duration_ms=50", "--simgrid-cfg", "no/such:key")
        self.assertIn(p.returncode, (2,), p.stderr)
        self.assertEqual(len(p.stderr.strip().splitlines()), 1, p.stderr)


class OutputSafety(unittest.TestCase):
    """Output files never clobber the config, each other, a symlink or a device."""

    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory()
        self.dir = self.tmp.name
        self.cfg = os.path.join(self.dir, "c.json")
        with open(QUICK) as src, open(self.cfg, "w") as dst:
            dst.write(src.read())

    def tearDown(self):
        self.tmp.cleanup()

    def short(self, *args):
        return run("run", self.cfg, "--set", "duration_ms=50", *args)

    def test_refuses_to_overwrite_the_config(self):
        with open(self.cfg) as f:
            before = f.read()
        for flag in ("--out", "--events"):
            p = self.short(flag, self.cfg)
            self.assertEqual(p.returncode, 2, p.stderr)
            self.assertIn("is the config file itself", p.stderr)
        with open(self.cfg) as f:
            self.assertEqual(f.read(), before)

    def test_refuses_one_file_for_two_outputs(self):
        out = os.path.join(self.dir, "r.json")
        p = self.short("--out", out, "--events", out)
        self.assertEqual(p.returncode, 2, p.stderr)
        self.assertFalse(os.path.exists(out))

    def test_writes_through_a_symlink_and_keeps_the_mode(self):
        target = os.path.join(self.dir, "target.json")
        with open(target, "w") as f:
            f.write("old")
        os.chmod(target, 0o600)
        link = os.path.join(self.dir, "link.json")
        os.symlink(target, link)
        p = self.short("--out", link)
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertTrue(os.path.islink(link), "the link stays a link")
        with open(target) as f:
            self.assertEqual(json.load(f)["schema"], "iosim-report/1")
        self.assertEqual(os.stat(target).st_mode & 0o777, 0o600)

    def test_writes_into_a_fifo_without_replacing_it(self):
        fifo = os.path.join(self.dir, "pipe")
        os.mkfifo(fifo)
        got = []
        import threading
        def read_fifo():
            with open(fifo) as f:
                got.append(f.read())

        reader = threading.Thread(target=read_fifo)
        reader.start()
        p = self.short("--out", fifo)
        reader.join(timeout=60)
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertTrue(stat.S_ISFIFO(os.stat(fifo).st_mode), "a special file is written, never replaced")
        self.assertEqual(json.loads(got[0])["schema"], "iosim-report/1")

    def test_bad_seed_and_simgrid_cfg(self):
        for args, frag in ((("--seed", "-1"), "--seed -1: expected an integer 0..9223372036854775807"),
                           (("--seed", "9223372036854775808"), "--seed 9223372036854775808"),
                           (("--simgrid-cfg", "nocolon"), "--simgrid-cfg nocolon: expected KEY:VALUE"),
                           (("--simgrid-cfg", "network/model:bogus"), "unsupported key"),
                           (("--simgrid-cfg", "contexts/stack-size:1"), "64..1048576"),
                           (("--out", ""), "--out: empty path")):
            p = self.short(*args)
            self.assertEqual(p.returncode, 2, (args, p.stderr))
            self.assertEqual(len(p.stderr.strip().splitlines()), 1, p.stderr)
            self.assertIn(frag, p.stderr)


class Events(unittest.TestCase):
    def test_exit_event_is_not_starved_by_a_deep_queue(self):
        # iodepth above nr_requests keeps the task blocked on the request list; the exit posted
        # at 5 ms must still take effect at the task's next wake-up, not at the end of the run.
        with tempfile.TemporaryDirectory() as d:
            cfg = os.path.join(d, "c.json")
            with open(cfg, "w") as f:
                json.dump({"duration_ms": 1000, "devices": [{"name": "sda", "model": "hdd"}],
                           "tasks": [{"name": "r", "job": {"rw": "randread", "iodepth": 1024}}],
                           "events": [{"at_ms": 5, "type": "exit", "task": "r"}]}, f)
            p = run("run", cfg)
            self.assertEqual(p.returncode, 0, p.stderr)
            r = json.loads(p.stdout)
            ev = r["events"][0]
            # The first completion comes after one seek + rotation (< 30 ms), then the task exits.
            self.assertLess(ev["time_ms"], 50, ev)
            # Until then it holds at most nr_requests (128) requests plus the one it was allocating;
            # it issues nothing after the exit and drains those before do_exit.
            self.assertLessEqual(r["tasks"][0]["read"]["total_ios"], 130)

    def test_repeated_ioprio_set_storm(self):
        # every_us repeats a call from at_ms while before until_ms: 0, 250, 500, 750 us = 4 calls,
        # in time order with another event at 1 ms; until_ms without every_us is bad input.
        with tempfile.TemporaryDirectory() as d:
            cfg = os.path.join(d, "c.json")
            base = {"duration_ms": 3, "devices": [{"name": "sda", "model": "ssd"}], "tasks": [{"name": "r"}]}
            with open(cfg, "w") as f:
                json.dump(dict(base, events=[
                    {"at_ms": 1, "type": "ioprio_get", "task": "r"},
                    {"at_ms": 0, "type": "ioprio_set", "task": "r", "ioprio": {"class": "be", "level": 3},
                     "every_us": 250, "until_ms": 1}]), f)
            p = run("run", cfg)
            self.assertEqual(p.returncode, 0, p.stderr)
            ev = json.loads(p.stdout)["events"]
            self.assertEqual([e["type"] for e in ev], ["ioprio_set"] * 4 + ["ioprio_get"])
            self.assertEqual([e["result"] for e in ev], ["ok"] * 4 + ["ok: be/3"])
            times = [e["time_ms"] for e in ev[:4]]
            for t, want in zip(times, (0, 0.25, 0.5, 0.75)):
                self.assertGreaterEqual(t, want)
                self.assertLess(t, want + 0.25)
            with open(cfg, "w") as f:
                json.dump(dict(base, events=[{"at_ms": 0, "type": "ioprio_set", "task": "r",
                                              "ioprio": {"class": "be", "level": 3}, "until_ms": 1}]), f)
            p = run("run", cfg)
            self.assertEqual(p.returncode, 2)
            self.assertIn("events[0].until_ms", p.stderr)
            self.assertEqual(len(p.stderr.strip().splitlines()), 1, p.stderr)

    def test_ioprio_set_reaches_every_task_sharing_the_io_context(self):
        # B.6/B.7: the ioprio lives in the io_context, and a CLONE_IO child shares its parent's,
        # so ioprio_set on the parent is what the child runs with too (ioprio_get on the child
        # reads be/6); a child forked without CLONE_IO has its own copy and keeps be/2 (C.8).
        # Each shares its device equally with its sibling at the same level: expected shares
        # follow the reported ioprios, so they must be updated together.
        with tempfile.TemporaryDirectory() as d:
            cfg = os.path.join(d, "c.json")
            with open(cfg, "w") as f:
                json.dump({"duration_ms": 100, "devices": [{"name": "sda", "model": "ssd"}],
                           "tasks": [{"name": "p", "ioprio": {"class": "be", "level": 2},
                                      "job": {"rw": "randread"}}],
                           "events": [{"at_ms": 10, "type": "fork", "task": "p", "child": "w", "clone_io": True},
                                      {"at_ms": 10, "type": "fork", "task": "p", "child": "o"},
                                      {"at_ms": 50, "type": "ioprio_set", "task": "p",
                                       "ioprio": {"class": "be", "level": 6}},
                                      {"at_ms": 60, "type": "ioprio_get", "task": "w"},
                                      {"at_ms": 60, "type": "ioprio_get", "task": "o"}]}, f)
            p = run("run", cfg, "--set", "kernel.ioc_api=fixed")
            self.assertEqual(p.returncode, 0, p.stderr)
            r = json.loads(p.stdout)
            self.assertEqual([e["result"] for e in r["events"]], ["ok", "ok", "ok", "ok: be/6", "ok: be/2"])
            prio = {t["name"]: t["ioprio"] for t in r["tasks"]}
            self.assertEqual(prio["p"], {"class": "be", "level": 6})
            self.assertEqual(prio["w"], {"class": "be", "level": 6})
            self.assertEqual(prio["o"], {"class": "be", "level": 2})


class Explain(unittest.TestCase):
    RACE = os.path.join(ROOT, "configs", "race-first-io-vs-ioprio-set.json")

    def test_explains_a_d1_interleaving(self):
        with tempfile.TemporaryDirectory() as d:
            rep = os.path.join(d, "r.json")
            self.assertEqual(run("run", self.RACE, "--out", rep).returncode, 0)
            with open(rep) as f:
                r = json.load(f)
            k = next(i for i, v in enumerate(r["correctness"]["violations"]) if v["kind"] == "ioc_overwritten")
            p = run("explain", rep, "--violation", str(k))
            self.assertEqual(p.returncode, 0, p.stderr)
            # Spec D.1/D.2: the owner's unlocked C1..C4 and the setter's S1..S8 on the same task.
            steps = [l.split()[4] for l in p.stdout.splitlines() if re.match(r"\s+\d+\s+\d+\.\d+\s+\d+ ", l)]
            self.assertIn("C4", steps)
            self.assertIn("S6", steps)
            self.assertIn("ioc_overwritten detected after this step", p.stdout)
            times = [float(l.split()[1]) for l in p.stdout.splitlines() if re.match(r"\s+\d+\s+\d+\.\d+\s+\d+ ", l)]
            self.assertEqual(times, sorted(times), "the interleaving is printed in the order of effects")

    def test_bad_reports_are_bad_input(self):
        with tempfile.TemporaryDirectory() as d:
            empty = os.path.join(d, "empty.json")
            p = run("run", QUICK, "--set", "duration_ms=20", "--out", empty)
            self.assertEqual(p.returncode, 0, p.stderr)
            bad = os.path.join(d, "bad.json")
            with open(bad, "w") as f:
                json.dump({"schema": "iosim-report/1", "correctness": {"violations_total": 1, "violations": [
                    {"kind": "ioc_leaked", "time_ns": "soon", "tasks": [], "objects": [], "trace": []}]}}, f)
            for args, frag in (((d,), "is a directory"),
                               ((bad,), "correctness.violations[0] or pids is not as iosim writes it"),
                               ((empty, "--violation", "1"), "has no violations"),
                               ((os.path.join(d, "none.json"),), "cannot open report"),
                               ((QUICK,), "not an iosim report")):
                p = run("explain", *args)
                self.assertEqual(p.returncode, 2, (args, p.stderr))
                self.assertEqual(p.stdout, "", "nothing half-printed")
                self.assertEqual(len(p.stderr.strip().splitlines()), 1, p.stderr)
                self.assertIn(frag, p.stderr)


class Determinism(unittest.TestCase):
    def report(self, *extra):
        p = run("run", QUICK, "--set", "duration_ms=800", *extra)
        self.assertEqual(p.returncode, 0, p.stderr)
        r = json.loads(p.stdout)
        return r, json.dumps({k: v for k, v in r.items() if k != "engine"}, sort_keys=True)

    def test_same_seed_same_bytes(self):
        p1 = run("run", QUICK, "--set", "duration_ms=800")
        p2 = run("run", QUICK, "--set", "duration_ms=800")
        self.assertEqual(p1.returncode, 0, p1.stderr)
        # Byte-identical apart from the engine section (wall-clock figures).
        strip = lambda s: re.sub(r'"engine": \{[^}]*\}', '"engine": {}', s)  # noqa: E731
        self.assertIn('"engine": {', p1.stdout)
        self.assertEqual(strip(p1.stdout), strip(p2.stdout))

    def test_seed_changes_the_run_and_is_reported(self):
        r1, a = self.report("--seed", "1")
        r2, b = self.report("--seed", "2")
        self.assertEqual(r2["meta"]["seed"], 2)
        self.assertNotEqual(a, b, "a random workload must differ between seeds")
        self.assertNotEqual(r1["meta"]["config_sha256"], r2["meta"]["config_sha256"])

    def test_set_is_applied(self):
        r, _ = self.report("--set", "kernel.ioc_api=legacy", "--set", "tasks.0.ioprio.level=2")
        self.assertEqual(r["meta"]["ioc_api"], "legacy")
        self.assertEqual(r["tasks"][1]["ioprio"], {"class": "be", "level": 2})


class Outputs(unittest.TestCase):
    def test_out_and_events_files(self):
        with tempfile.TemporaryDirectory() as d:
            out, ev = os.path.join(d, "r.json"), os.path.join(d, "e.jsonl")
            p = run("run", QUICK, "--set", "duration_ms=300", "--out", out, "--events", ev)
            self.assertEqual(p.returncode, 0, p.stderr)
            self.assertEqual(p.stdout, "", "the report goes to --out, not stdout")
            self.assertIn("randreader", p.stderr, "a summary table goes to stderr")
            with open(out) as f:
                r = json.load(f)
            with open(ev) as f:
                lines = [json.loads(l) for l in f]
            completes = [l for l in lines if l["ev"] == "complete"]
            self.assertEqual(len(completes), r["device"][0]["total_ios"], "one line per request completion")
            self.assertEqual(sorted(os.listdir(d)), ["e.jsonl", "r.json"])

    def test_validate_prints_the_normalised_config(self):
        p = run("validate", QUICK)
        self.assertEqual(p.returncode, 0, p.stderr)
        cfg = json.loads(p.stdout)
        self.assertEqual(cfg["kernel"]["nr_requests"], 128, "defaults are filled in")
        self.assertEqual(cfg["tasks"][0]["job"]["bs"], 4096, "sizes are normalised to bytes")


if __name__ == "__main__":
    unittest.main()
