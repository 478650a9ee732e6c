"""Shared base of the CLI test classes: a scratch directory per test, file helpers, and the
bad-input assertion (exit code 2, exactly one line on stderr containing the fragments)."""
import os
import tempfile
import unittest


class CliCase(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory()
        self.dir = self.tmp.name

    def tearDown(self):
        self.tmp.cleanup()

    def path(self, name):
        return os.path.join(self.dir, name)

    def write(self, name, text):
        path = self.path(name)
        with open(path, "w") as f:
            f.write(text)
        return path

    def assert_one_line_error(self, p, *fragments):
        self.assertEqual(p.returncode, 2, p.stderr)
        lines = p.stderr.strip().splitlines()
        self.assertEqual(len(lines), 1, p.stderr)
        for frag in fragments:
            self.assertIn(frag, lines[0])
