"""Hostile inputs (issue 8, docs/testing.md "Limits"): every file of tests/hostile/ and a few
generated monsters get one clear error line naming the file, exit code 2 and no output file,
within bounded time and memory (the child runs under RLIMIT_AS and a timeout)."""
import json
import os
import resource
import subprocess
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from cli_case import CliCase  # noqa: E402

IOSIM = os.environ.get("IOSIM", "build/iosim")
HERE = os.path.dirname(os.path.abspath(__file__))
CORPUS = os.path.join(HERE, "..", "hostile")
LIMIT_AS = 4 << 30  # bytes of address space; ASan builds reserve far more, so only plain builds get it
TIMEOUT = 60

# file -> fragment the error line must contain (after "FILE: ").
CASES = {
    "empty.json": "line 1, column 1: invalid JSON",
    "garbage.bin": "invalid JSON",
    "deep-nesting.json": "nesting deeper than 64 levels",
    "huge-float.json": "a number is too large for a double",
    "huge-int.json": "duration_ms: ",
    "nan.json": "invalid JSON",
    "infinity.json": "invalid JSON",
    "negative-duration.json": "duration_ms: -100 is out of range 1..",
    "zero-devices.json": "devices: missing or empty",
    "undefined-cgroup.json": 'tasks[0].cgroup: "nope" is not a cgroup of this config',
    "undefined-task.json": 'events[0].task: "ghost" is not a task',
    "negative-size.json": "tasks[0].job.bs: -4096 is not a byte count",
    "bad-unit.json": 'tasks[0].job.bs: "4q" is not a byte count',
    "duplicate-key.json": 'duplicate key "seed"',
    "not-an-object.json": "top level: an array is not an object",
    "invalid-utf8.json": "invalid JSON",
    "nul-byte.json": "invalid JSON: NUL byte",
    "long-name.json": "tasks[0].name: ",
    "fractional-depth.json": "tasks[0].job.iodepth: 1.5 is not an integer",
    "rt-without-root.json": 'tasks[0].ioprio.class: "rt" needs CAP_SYS_ADMIN',
    "unknown-api.json": 'kernel.ioc_api: "future" is not one of',
    "unknown-scheduler.json": 'scheduler.name: "bfq" is not one of',
}


def limited():
    if "asan" not in os.environ.get("IOSIM_BUILD", ""):
        resource.setrlimit(resource.RLIMIT_AS, (LIMIT_AS, LIMIT_AS))


def iosim(*args):
    return subprocess.run([IOSIM, *args], capture_output=True, text=True, errors="replace",
                          timeout=TIMEOUT, preexec_fn=limited)


class Hostile(CliCase):
    def rejects(self, path, fragment):
        """validate and run both exit 2 with one line 'iosim: PATH: ...fragment...', no output."""
        out = os.path.join(self.dir, "report.json")
        for args in (["validate", path], ["run", path, "--out", out]):
            with self.subTest(args=args[0], file=os.path.basename(path)):
                p = iosim(*args)
                self.assertEqual(p.returncode, 2, p.stderr)
                lines = p.stderr.splitlines()
                self.assertEqual(len(lines), 1, p.stderr)
                self.assertTrue(lines[0].startswith(f"iosim: {path}: "), lines[0])
                self.assertIn(fragment, lines[0])
                self.assertEqual(p.stdout, "")
                self.assertFalse(os.path.exists(out), "no partial output file")

    def test_every_corpus_file_is_registered(self):
        files = sorted(f for f in os.listdir(CORPUS) if f != "README.md")
        self.assertEqual(files, sorted(CASES), "register each tests/hostile file in CASES")

    def test_corpus(self):
        for name, fragment in sorted(CASES.items()):
            self.rejects(os.path.join(CORPUS, name), fragment)

    def test_100_mb_single_line(self):
        path = os.path.join(self.dir, "big.json")
        with open(path, "w") as f:
            f.write('{"description": "' + "x" * (100 << 20) + '"}')
        self.rejects(path, f"config file is {os.path.getsize(path)} bytes, more than the 64 MiB limit")

    def test_more_tasks_than_simgrid_can_hold(self):
        path = os.path.join(self.dir, "many.json")
        tasks = [{"name": f"t{i}"} for i in range(30001)]
        with open(path, "w") as f:
            json.dump({"devices": [{"name": "sda", "model": "null"}], "tasks": tasks}, f)
        self.rejects(path, "tasks[30000].count: brings the tasks to 30001, over the limit of 30000")

    def test_a_directory(self):
        self.rejects(self.dir, "is a directory, expected a config file")

    def test_an_endless_character_device(self):
        self.rejects("/dev/zero", "config file is larger than the 64 MiB limit")

    def test_missing_file(self):
        self.rejects(os.path.join(self.dir, "absent.json"), "cannot open config file")

    def test_importer_inputs_are_capped(self):
        """Job files and traces: a line over 64 KiB, binary garbage and a directory each get one
        line naming the file (and line), exit 2 (docs/testing.md "Limits")."""
        long_fio = os.path.join(self.dir, "long.fio")
        with open(long_fio, "w") as f:
            f.write("[job]\nrw=read\n; " + "x" * (70 << 10) + "\n")
        p = iosim("import", "fio", long_fio)
        self.assertEqual(p.returncode, 2, p.stderr)
        self.assertEqual(len(p.stderr.splitlines()), 1, p.stderr)
        self.assertIn(f"{long_fio}:3: line is {2 + (70 << 10)} bytes, more than the 64 KiB limit", p.stderr)
        garbage = os.path.join(CORPUS, "garbage.bin")
        for kind in ("blkparse", "msr", "iolog"):
            for trace, fragment in ((garbage, f"{garbage}:"), (self.dir, "is a directory")):
                with self.subTest(kind=kind, trace=os.path.basename(trace)):
                    cfg = os.path.join(self.dir, f"{kind}.json")
                    with open(cfg, "w") as f:
                        json.dump({"devices": [{"name": "sda", "model": "hdd"}],
                                   "workloads": [{"type": kind, "file": trace}]}, f)
                    p = iosim("validate", cfg)
                    self.assertEqual(p.returncode, 2, p.stderr)
                    self.assertEqual(len(p.stderr.splitlines()), 1, p.stderr)
                    self.assertIn(fragment, p.stderr)

    def test_fio_job_file_size_cap(self):
        """A fio job file of exactly 1 MiB imports; one byte more is one line naming the file, its
        size and the 1 MiB limit, exit 2, no output, from `import fio` and from a config's
        workloads[]; an endless character device hits the same limit."""
        head = "[job]\nfilename=/dev/sda\nrw=read\n"
        comment = "; " + "x" * 1021 + "\n"  # 1 KiB lines, well under the 64 KiB line limit
        text = head + comment * (((1 << 20) - len(head)) // len(comment))
        text += "#" * ((1 << 20) - len(text) - 1) + "\n"
        at_cap = os.path.join(self.dir, "at-cap.fio")
        over = os.path.join(self.dir, "over.fio")
        with open(at_cap, "w") as f:
            f.write(text)
        with open(over, "w") as f:
            f.write(text + "\n")
        self.assertEqual(os.path.getsize(at_cap), 1 << 20)
        p = iosim("import", "fio", at_cap)
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertEqual([t["name"] for t in json.loads(p.stdout)["tasks"]], ["job"])
        out = os.path.join(self.dir, "out.json")
        cfg = os.path.join(self.dir, "fio.json")
        with open(cfg, "w") as f:
            json.dump({"devices": [{"name": "sda", "model": "null"}], "workloads": [{"type": "fio", "file": over}]}, f)
        want = f"iosim: {over}: fio job file is {(1 << 20) + 1} bytes, more than the 1 MiB limit"
        for args in (["import", "fio", over, "--out", out], ["validate", cfg], ["run", cfg, "--out", out]):
            with self.subTest(args=args[0]):
                p = iosim(*args)
                self.assertEqual(p.returncode, 2, p.stderr)
                self.assertEqual(p.stderr.splitlines(), [want])
                self.assertEqual(p.stdout, "")
                self.assertFalse(os.path.exists(out), "no output file")
        p = iosim("import", "fio", "/dev/zero")
        self.assertEqual(p.returncode, 2, p.stderr)
        self.assertEqual(p.stderr.splitlines(), ["iosim: /dev/zero: fio job file is larger than the 1 MiB limit"])

    def test_trace_file_size_cap(self):
        """A trace one byte over 1 GiB: one line naming the file, its size and the 1 GiB limit,
        exit 2. The file is sparse (one hole, no disk blocks), so the test costs no disk space."""
        big = os.path.join(self.dir, "big.trace")
        with open(big, "wb") as f:
            f.truncate((1 << 30) + 1)
        for kind in ("blkparse", "msr", "iolog"):
            with self.subTest(kind=kind):
                cfg = os.path.join(self.dir, f"{kind}.json")
                with open(cfg, "w") as f:
                    json.dump({"devices": [{"name": "sda", "model": "null"}],
                               "workloads": [{"type": kind, "file": big}]}, f)
                p = iosim("validate", cfg)
                self.assertEqual(p.returncode, 2, p.stderr)
                lines = p.stderr.splitlines()
                self.assertEqual(len(lines), 1, p.stderr)
                self.assertTrue(lines[0].startswith(f"iosim: {big}: "), lines[0])
                self.assertTrue(lines[0].endswith(f" is {(1 << 30) + 1} bytes, more than the 1 GiB limit"), lines[0])
                if kind == "blkparse":  # the message docs/testing.md gives
                    self.assertIn(f"{big}: blkparse text file is {(1 << 30) + 1} bytes", lines[0])

    def test_hostile_flags(self):
        cfg = os.path.join(CORPUS, "..", "..", "configs", "quickstart.json")
        for args, fragment in [
            (["--seed", "-1"], "seed"),
            (["--seed", "1e99"], "seed"),
            (["--set", "duration_ms=NaN"], "--set duration_ms=NaN: duration_ms"),
            (["--set", "duration_ms=1e400"], "--set duration_ms=1e400"),
            (["--set", "duration_ms=-5"], "--set duration_ms=-5: duration_ms: -5 is out of range"),
            (["--set", "tasks.99999999999999999999.nice=1"], "--set tasks.99999999999999999999.nice=1"),
        ]:
            with self.subTest(args=args):
                p = iosim("run", cfg, *args, "--out", os.path.join(self.dir, "r.json"))
                self.assertEqual(p.returncode, 2, p.stderr)
                self.assertEqual(len(p.stderr.splitlines()), 1, p.stderr)
                self.assertIn(fragment, p.stderr)
                self.assertFalse(os.path.exists(os.path.join(self.dir, "r.json")))


if __name__ == "__main__":
    unittest.main()
