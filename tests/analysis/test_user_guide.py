#!/usr/bin/python3
"""Every `python3 -c` line of docs/USER-GUIDE.md runs on a quickstart database.

usage: /usr/bin/python3 tests/analysis/test_user_guide.py TEEPSIM_BINARY SOURCE_DIR

The database is made as the guide's section 1 makes it, smaller: `teepsim run
scenarios/quickstart.yaml --out out/quickstart.db` with 20 devices and a 30 h horizon (t0 stays
at 1 d). The lines run from a directory holding that out/ and a link to analysis/, as they run
from the top of a checkout.
"""
import os
import re
import shutil
import subprocess
import sys
import tempfile
import unittest

TEEPSIM = None
SOURCE = None


def one_liners(text):
    """The `python3 -c` command lines inside the guide's ```sh blocks."""
    lines, in_sh = [], False
    for line in text.splitlines():
        if line.startswith("```"):
            in_sh = line.strip() == "```sh" if not in_sh else False
            continue
        if in_sh and re.match(r"^(/usr/bin/)?python3 -c ", line):
            lines.append(line)
    return lines


class UserGuideTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.mkdtemp(prefix="teepsim-guide-")
        os.makedirs(os.path.join(cls.tmp, "out"))
        os.symlink(os.path.join(SOURCE, "analysis"), os.path.join(cls.tmp, "analysis"))
        run = subprocess.run(
            [TEEPSIM, "run", os.path.join(SOURCE, "scenarios/quickstart.yaml"), "--out",
             "out/quickstart.db", "--set", "fleet.0.count=20", "--set", "horizon=30h", "-q"],
            cwd=cls.tmp, capture_output=True, text=True, timeout=600)
        if run.returncode != 0:
            raise RuntimeError(f"teepsim run failed ({run.returncode}):\n{run.stderr}")
        with open(os.path.join(SOURCE, "docs/USER-GUIDE.md"), encoding="utf-8") as f:
            cls.lines = one_liners(f.read())

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.tmp, ignore_errors=True)

    def test_the_guide_has_its_one_liners(self):
        # Guards the extraction: the guide's pandas section has five of them.
        self.assertGreaterEqual(len(self.lines), 5, self.lines)

    def test_every_one_liner_uses_debian_python(self):
        for line in self.lines:
            self.assertTrue(line.startswith("/usr/bin/python3 -c "), line)

    def test_every_one_liner_runs_and_prints(self):
        env = dict(os.environ, MPLBACKEND="Agg")
        for line in self.lines:
            with self.subTest(line=line[:100]):
                r = subprocess.run(["bash", "-c", line], cwd=self.tmp, capture_output=True,
                                   text=True, env=env, timeout=120)
                self.assertEqual(r.returncode, 0, r.stderr)
                self.assertNotIn("Traceback", r.stderr)
                self.assertNotIn("Warning", r.stderr)
                self.assertTrue(r.stdout.strip(), "printed nothing")
                self.assertNotIn("NaN", r.stdout)  # every value the lines show exists


if __name__ == "__main__":
    if len(sys.argv) < 3:
        print(__doc__, file=sys.stderr)
        sys.exit(2)
    TEEPSIM, SOURCE = sys.argv[1], sys.argv[2]
    unittest.main(argv=[sys.argv[0]], verbosity=2)
