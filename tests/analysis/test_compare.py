#!/usr/bin/python3
"""analysis/compare.py on a fixture database with known numbers.

usage: /usr/bin/python3 tests/analysis/test_compare.py SOURCE_DIR

The fixture is written here with the tables compare.py reads (runs, run_params, summaries,
point_summaries): a 2-point sweep over verifier.validity, 3 replications per point, whose
replication means, confidence intervals (as `teepsim sweep` stores them) and z-scores are
computed by hand below. compare.py runs in-process (one pandas import for every test).
"""
import contextlib
import io
import os
import shutil
import sqlite3
import sys
import tempfile
import unittest

SOURCE = None

SCHEMA = """
CREATE TABLE runs (id INTEGER PRIMARY KEY, scenario_name TEXT NOT NULL, scenario_hash TEXT NOT NULL,
  seed INTEGER NOT NULL, run INTEGER NOT NULL, status TEXT NOT NULL, error TEXT);
CREATE TABLE run_params (run_id INTEGER NOT NULL, key TEXT NOT NULL, value TEXT NOT NULL,
  PRIMARY KEY (run_id, key));
CREATE TABLE summaries (run_id INTEGER NOT NULL, metric TEXT NOT NULL, scope TEXT NOT NULL,
  source TEXT NOT NULL, unit TEXT NOT NULL, n INTEGER, n_censored INTEGER, mean REAL, sd REAL,
  se REAL, p50 REAL, p90 REAL, p95 REAL, p99 REAL, max REAL, z_score REAL,
  PRIMARY KEY (run_id, metric, scope, source));
"""
POINT_SUMMARIES = """
CREATE TABLE point_summaries(scenario_hash TEXT, scenario_name TEXT, metric TEXT, scope TEXT,
  replications INTEGER, mean REAL, sd REAL, ci95_low REAL, ci95_high REAL);
"""
# What `teepsim sweep` stores for them (t(0.975, 2) = 4.303): (hash, metric, mean, sd, low, high).
STORED = [("hashA", "R", 1900, 100, 1651.57, 2148.43), ("hashA", "T_trust", 3600, 0, 3600, 3600),
          ("hashB", "R", 1010, 10, 985.16, 1034.84),
          ("hashB", "T_trust", 12700, 100, 12451.57, 12948.43)]

# Point A (V = 1h): R means 1800, 1900, 2000 s -> mean 1900, sd 100, se 57.735,
# half-width 4.303 * 57.735 = 248.4 -> CI [1651.6, 2148.4]; theory 1800: within CI.
# T_trust means 3600 x3 with theory 1800 -> sd 0: no CI.
# Point B (V = 4h): R means 1000, 1010, 1020 -> se 5.7735; theory 1100: z = +15.59.
POINTS = {
    "hashA": ("1h", [1800, 1900, 2000], 1800, [3600, 3600, 3600], 1800),
    "hashB": ("4h", [1000, 1010, 1020], 1100, [12600, 12700, 12800], 12700),
}


def make_fixture(path, stored=True):
    db = sqlite3.connect(path)
    db.executescript(SCHEMA)
    if stored:
        db.executescript(POINT_SUMMARIES)
        for h, metric, mean, sd, low, high in STORED:
            db.execute("INSERT INTO point_summaries VALUES (?, 'fixture', ?, 'all', 3, ?, ?, ?, ?)",
                       (h, metric, mean, sd, low, high))
    rid = 0
    for h, (validity, r_means, r_theory, t_means, t_theory) in POINTS.items():
        for rep, (r, t) in enumerate(zip(r_means, t_means)):
            rid += 1
            db.execute("INSERT INTO runs VALUES (?, 'fixture', ?, 1, ?, 'ok', NULL)",
                       (rid, h, rep + 1))
            for key, value in (("verifier.validity", validity), ("run", str(rep + 1)),
                               ("policy_check.interval", "1h")):
                db.execute("INSERT INTO run_params VALUES (?, ?, ?)", (rid, key, value))
            for metric, mean, theory in (("R", r, r_theory), ("T_trust", t, t_theory)):
                db.execute("INSERT INTO summaries (run_id, metric, scope, source, unit, n, "
                           "n_censored, mean, se) VALUES (?, ?, 'all', 'sim', 's', 100, 0, ?, 9)",
                           (rid, metric, mean))
                db.execute("INSERT INTO summaries (run_id, metric, scope, source, unit, mean) "
                           "VALUES (?, ?, 'all', 'analytic', 's', ?)", (rid, metric, theory))
    # A failed run must not count.
    db.execute("INSERT INTO runs VALUES (99, 'fixture', 'hashB', 1, 9, 'failed', 'boom')")
    db.execute("INSERT INTO summaries (run_id, metric, scope, source, unit, mean) "
               "VALUES (99, 'R', 'all', 'sim', 's', 1e9)")
    db.commit()
    db.close()


class Result:
    def __init__(self, returncode, stdout, stderr):
        self.returncode, self.stdout, self.stderr = returncode, stdout, stderr


def compare(*args):
    sys.path.insert(0, os.path.join(SOURCE, "analysis"))
    import compare as module
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            code = module.main(list(args))
        except SystemExit as e:
            code = e.code
    return Result(code, out.getvalue(), err.getvalue())


class CompareTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.mkdtemp(prefix="teepsim-compare-")
        cls.db = os.path.join(cls.tmp, "fixture.db")
        make_fixture(cls.db)
        cls.bare = os.path.join(cls.tmp, "runs-only.db")
        make_fixture(cls.bare, stored=False)

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.tmp, ignore_errors=True)

    def rows(self, *extra):
        r = compare(self.db, "--markdown", "--unit", "s", "--metrics", "R,T_trust", *extra)
        self.assertEqual(r.returncode, 0, r.stderr)
        lines = [ln for ln in r.stdout.splitlines() if ln.startswith("| ")]
        return [[c.strip() for c in ln.strip("|").split("|")] for ln in lines]

    def test_one_row_per_point_with_the_varying_parameter_only(self):
        # Replications collapse into their point; constant keys and run numbers are no column.
        head, *body = self.rows()
        self.assertEqual(head[0], "validity")
        self.assertNotIn("interval", head)
        self.assertEqual([b[0] for b in body], ["1h", "4h"])
        self.assertEqual([b[1] for b in body], ["3", "3"])  # the failed run is not counted

    def test_mean_and_student_t_interval_across_replications(self):
        # Point A: mean 1900, CI 1900 ± 4.303 * 100/sqrt(3) = [1652, 2148]; theory inside.
        _, a, _ = self.rows()
        self.assertEqual(a[2], "1900 [1652, 2148]")
        self.assertEqual(a[3], "1800")
        self.assertEqual(a[4], "within CI")

    def test_z_score_when_theory_is_outside_the_interval(self):
        # Point B: (1100 - 1010) / (10/sqrt(3)) = +15.59.
        _, _, b = self.rows()
        self.assertEqual(b[4], "z=+15.59")

    def test_zero_spread_gives_no_interval_rather_than_a_false_verdict(self):
        # Identical replication means: se = 0, so no z can be formed.
        _, a, _ = self.rows()
        self.assertEqual(a[7], "no CI")

    def test_plain_output_has_the_same_numbers(self):
        r = compare(self.db, "--unit", "s", "--metrics", "R")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("1900 [1652, 2148]", r.stdout)
        self.assertIn("within CI", r.stdout)

    def test_hours_are_the_default_unit(self):
        r = compare(self.db, "--metrics", "R")
        self.assertIn("0.5278 [0.4588, 0.5968]", r.stdout)  # 1900 s in hours

    def test_the_interval_is_the_stored_one_not_recomputed(self):
        # point_summaries holds [1651.57, 2148.43]; compare prints it as stored (4 digits).
        r = compare(self.db, "--unit", "s", "--metrics", "R")
        self.assertIn("1900 [1652, 2148]", r.stdout)
        db = sqlite3.connect(self.db)
        db.execute("UPDATE point_summaries SET ci95_low = 1850 WHERE scenario_hash = 'hashA' "
                   "AND metric = 'R'")
        db.commit()
        db.close()
        try:
            r = compare(self.db, "--unit", "s", "--metrics", "R")
            self.assertIn("1900 [1850, 2148]", r.stdout)
            self.assertIn("z=-1.73", r.stdout)  # theory 1800 now lies below the interval
        finally:
            db = sqlite3.connect(self.db)
            db.execute("UPDATE point_summaries SET ci95_low = 1651.57 WHERE "
                       "scenario_hash = 'hashA' AND metric = 'R'")
            db.commit()
            db.close()

    def test_replications_without_point_summaries_get_z_but_no_interval(self):
        # Runs added by `teepsim run` alone: no t quantile in Python, so no interval; the z-score
        # needs only the spread: (1800 - 1900) / (100/sqrt(3)) = -1.73.
        r = compare(self.bare, "--markdown", "--unit", "s", "--metrics", "R")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("| 1h | 3 | 1900 | 1800 | z=-1.73 |", r.stdout)

    def test_missing_database_is_a_clear_error(self):
        r = compare(os.path.join(self.tmp, "none.db"))
        self.assertEqual(r.returncode, 2)
        self.assertIn("none.db: no such database", r.stderr)
        self.assertFalse(os.path.exists(os.path.join(self.tmp, "none.db")))

    def test_a_file_that_is_not_a_database_is_a_clear_error(self):
        bad = os.path.join(self.tmp, "bad.db")
        with open(bad, "w") as f:
            f.write("not sqlite")
        r = compare(bad)
        self.assertEqual(r.returncode, 2, r.stdout)
        self.assertIn("not a teepsim database", r.stderr)


if __name__ == "__main__":
    if len(sys.argv) < 2:
        print(__doc__, file=sys.stderr)
        sys.exit(2)
    SOURCE = sys.argv[1]
    unittest.main(argv=[sys.argv[0]], verbosity=2)
