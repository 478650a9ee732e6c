"""docs/config.md documents every key the parser accepts: every key of the normalised config
(`iosim validate`, which fills in every default) for each device model must appear in the
reference, so the docs cannot drift from the parser."""
import json
import os
import re
import subprocess
import tempfile
import unittest

IOSIM = os.environ.get("IOSIM", "iosim")
ROOT = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))


def keys(obj, out):
    if isinstance(obj, dict):
        for k, v in obj.items():
            out.add(k)
            keys(v, out)
    elif isinstance(obj, list):
        for v in obj:
            keys(v, out)
    return out


class ConfigDocs(unittest.TestCase):
    def test_every_key_is_documented(self):
        with open(os.path.join(ROOT, "docs", "config.md")) as f:
            documented = set(re.findall(r"`([a-z_]+)`", f.read()))
        found = set()
        cfg = {"devices": [], "cgroups": [{"name": "g"}],
               "tasks": [{"name": "t", "ioprio": {"class": "be", "level": 1}, "job": {"device": "d0"}}],
               "events": [{"at_ms": 0, "type": "fork", "task": "t", "child": "c"},
                          {"at_ms": 0, "type": "ioprio_set", "task": "t", "ioprio": {"class": "be"}},
                          {"at_ms": 0, "type": "cgroup_move", "task": "t", "cgroup": "g"}]}
        for i, model in enumerate(["hdd", "ssd", "null"]):
            cfg["devices"].append({"name": f"d{i}", "model": model})
        with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as f:
            json.dump(cfg, f)
        try:
            p = subprocess.run([IOSIM, "validate", f.name], capture_output=True, text=True)
        finally:
            os.unlink(f.name)
        self.assertEqual(p.returncode, 0, p.stderr)
        keys(json.loads(p.stdout), found)
        missing = sorted(found - documented)
        self.assertEqual(missing, [], "keys accepted by the parser but missing from docs/config.md")


class KernelDocs(unittest.TestCase):
    def test_every_violation_kind_is_documented(self):
        with tempfile.TemporaryDirectory() as d:
            cfg = os.path.join(d, "c.json")
            with open(cfg, "w") as f:
                json.dump({"duration_ms": 1, "devices": [{"name": "d", "model": "null"}]}, f)
            p = subprocess.run([IOSIM, "run", cfg], capture_output=True, text=True)
        self.assertEqual(p.returncode, 0, p.stderr)
        kinds = json.loads(p.stdout)["correctness"]["counts"].keys()
        with open(os.path.join(ROOT, "docs", "kernel.md")) as f:
            doc = f.read()
        self.assertEqual(len(kinds), 13)
        self.assertEqual([k for k in kinds if f"| `{k}` |" not in doc], [], "kinds missing from docs/kernel.md")


if __name__ == "__main__":
    unittest.main()
