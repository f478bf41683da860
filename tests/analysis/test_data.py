#!/usr/bin/python3
"""analysis/teepsim_data.py on a hand-made schema-v2 database with known numbers.

usage: /usr/bin/python3 tests/analysis/test_data.py SOURCE_DIR

The fixture has 4 runs: two points of a sweep over policy_check.interval (30m, 1h), two
replications each, plus one failed run; each ok run has exposures, summaries, a removal curve
and its analytic curve on different grids, sessions and a bucketed series. Every expected value
below is worked out from the rows written here.
"""
import math
import os
import shutil
import sqlite3
import sys
import tempfile
import unittest

SOURCE = None
td = None

SCHEMA = """
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT);
CREATE TABLE runs (id INTEGER PRIMARY KEY, scenario_name TEXT, scenario_text TEXT,
  scenario_hash TEXT, seed INTEGER, run INTEGER, teepsim_version TEXT, started_at TEXT,
  wall_seconds REAL, events INTEGER, peak_rss_kib INTEGER, horizon_ns INTEGER, status TEXT,
  error TEXT);
CREATE TABLE run_params (run_id INTEGER, key TEXT, value TEXT, PRIMARY KEY (run_id, key));
CREATE TABLE devices (run_id INTEGER, device INTEGER, class TEXT, ree INTEGER, broker TEXT);
CREATE TABLE exposures (run_id INTEGER, device INTEGER, ta TEXT, t0_ns INTEGER,
  removed_ns INTEGER, trust_end_ns INTEGER, r_ns INTEGER, t_trust_ns INTEGER,
  w_danger_ns INTEGER, w_clean_ns INTEGER, r_censored INTEGER, t_trust_censored INTEGER);
CREATE TABLE summaries (run_id INTEGER, metric TEXT, scope TEXT, source TEXT, unit TEXT,
  n INTEGER, n_censored INTEGER, mean REAL, sd REAL, se REAL, p50 REAL, p90 REAL, p95 REAL,
  p99 REAL, max REAL, z_score REAL);
CREATE TABLE point_summaries (scenario_hash TEXT, scenario_name TEXT, metric TEXT, scope TEXT,
  replications INTEGER, mean REAL, sd REAL, ci95_low REAL, ci95_high REAL);
CREATE TABLE timeseries (run_id INTEGER, series TEXT, t_ns INTEGER, value REAL);
CREATE TABLE sessions (run_id INTEGER, grp TEXT, cause TEXT, failure INTEGER, count INTEGER,
  bytes_up INTEGER, bytes_down INTEGER);
"""
H = 3_600_000_000_000  # one hour in ns
# run id -> (hash, interval text, replication, R mean s); theory R = P/2.
RUNS = {1: ("hA", "30m", 1, 800.0), 2: ("hA", "30m", 2, 1000.0), 3: ("hB", "1h", 1, 1700.0),
        4: ("hB", "1h", 2, 1900.0)}


def make(path):
    db = sqlite3.connect(path)
    db.executescript(SCHEMA)
    db.execute("INSERT INTO meta VALUES ('schema_version', '2')")
    for rid, (h, interval, rep, rmean) in RUNS.items():
        db.execute("INSERT INTO runs VALUES (?, 'fix', 'name: fix', ?, 7, ?, '0.1.0', "
                   "'2026-01-01T00:00:00Z', 1.5, 100, 1000, ?, 'ok', NULL)", (rid, h, rep, 2 * H))
        for key, value in (("policy_check.interval", interval), ("verifier.validity", "4h"),
                           ("catalogue.0.image_size", "64KiB"), ("fleet.0.link.bandwidth",
                                                                 "10Mbps"),
                           ("fleet.0.link.loss", "1%"), ("tam.push.enabled", "false"),
                           ("policy_check.law", "fixed"), ("run", str(rep)), ("seed", "7")):
            db.execute("INSERT INTO run_params VALUES (?, ?, ?)", (rid, key, value))
        db.execute("INSERT INTO devices VALUES (?, 0, 'phones', 1, 'honest')", (rid,))
        db.execute("INSERT INTO devices VALUES (?, 1, 'phones', 1, 'honest')", (rid,))
        # Device 0 removed after rmean - 100 s, device 1 censored.
        r_ns = int((rmean - 100) * 1e9)
        db.execute("INSERT INTO exposures VALUES (?, 0, 'game', ?, ?, NULL, ?, 0, 0, ?, 0, 0)",
                   (rid, H, H + r_ns, r_ns, r_ns))
        db.execute("INSERT INTO exposures VALUES (?, 1, 'game', ?, NULL, NULL, NULL, NULL, "
                   "NULL, NULL, 1, 1)", (rid, H))
        db.execute("INSERT INTO summaries (run_id, metric, scope, source, unit, n, n_censored, "
                   "mean, se, p99) VALUES (?, 'R', 'all', 'sim', 's', 1, ?, ?, 50, ?)",
                   (rid, 1 if rid == 4 else 0, rmean, rmean + 500))
        db.execute("INSERT INTO summaries (run_id, metric, scope, source, unit, mean) VALUES "
                   "(?, 'R', 'all', 'analytic', 's', ?)", (rid, 900.0 if h == "hA" else 1800.0))
        # Simulated curve at 0, 1000, 2000 s; analytic at 0, 500, 1000 s (linear 1 -> 0).
        for t, v in ((0, 1.0), (1000, 0.5), (2000, 0.0)):
            db.execute("INSERT INTO timeseries VALUES (?, 'removal_curve', ?, ?)",
                       (rid, t * 10 ** 9, v))
        for t, v in ((0, 1.0), (500, 0.5), (1000, 0.0)):
            db.execute("INSERT INTO timeseries VALUES (?, 'removal_curve_analytic', ?, ?)",
                       (rid, t * 10 ** 9, v))
        for t in (0, 300, 600):
            db.execute("INSERT INTO timeseries VALUES (?, 'sessions_per_s', ?, 0.1)",
                       (rid, t * 10 ** 9))
        db.execute("INSERT INTO sessions VALUES (?, 'all', 'success', 0, 10, 10000, 50000)",
                   (rid,))
    # CIs as `teepsim sweep` stores them (t(0.975, 1) = 12.706): hA mean 900, sd 141.42.
    db.execute("INSERT INTO point_summaries VALUES ('hA', 'fix', 'R', 'all', 2, 900, "
               "141.4213562, -370.6, 2170.6)")
    db.execute("INSERT INTO point_summaries VALUES ('hB', 'fix', 'R', 'all', 2, 1800, "
               "141.4213562, 529.4, 3070.6)")
    db.execute("INSERT INTO runs VALUES (9, 'fix', 'name: fix', 'hB', 7, 3, '0.1.0', NULL, NULL, "
               "NULL, NULL, NULL, 'failed', 'boom')")
    db.execute("INSERT INTO run_params VALUES (9, 'policy_check.interval', '6h')")
    db.commit()
    db.close()


class DataTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.mkdtemp(prefix="teepsim-data-")
        cls.db = os.path.join(cls.tmp, "fix.db")
        make(cls.db)

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.tmp, ignore_errors=True)

    def test_values_with_units_parse_to_si(self):
        self.assertEqual(td.parse_value("30m"), (1800.0, "s"))
        self.assertEqual(td.parse_value("100us"), (1e-4, "s"))
        self.assertEqual(td.parse_value("64KiB"), (65536.0, "B"))
        self.assertEqual(td.parse_value("10Mbps"), (1e7, "bit/s"))
        self.assertEqual(td.parse_value("1%"), (0.01, ""))
        self.assertEqual(td.parse_value("0.5"), (0.5, ""))
        self.assertEqual(td.parse_value("true"), (1.0, "bool"))
        self.assertTrue(math.isnan(td.parse_value("auto")[0]))

    def test_runs_is_one_row_per_ok_run_with_numeric_parameters(self):
        r = td.runs(self.db)
        self.assertEqual(list(r["run_id"]), [1, 2, 3, 4])  # the failed run 9 is left out
        self.assertEqual(list(r["policy_check.interval"]), [1800.0, 1800.0, 3600.0, 3600.0])
        self.assertEqual(r["catalogue.0.image_size"].iloc[0], 65536.0)
        self.assertEqual(r["policy_check.law"].iloc[0], "fixed")  # text stays text
        self.assertEqual(r["horizon"].iloc[0], 7200.0)
        self.assertEqual(r.attrs["units"]["policy_check.interval"], "s")
        self.assertEqual(r.attrs["units"]["fleet.0.link.bandwidth"], "bit/s")
        self.assertEqual(r.attrs["text"]["policy_check.interval"][1], "30m")
        self.assertEqual(len(td.runs(self.db, status=None)), 5)

    def test_swept_parameters_are_those_that_vary_beyond_the_run_number(self):
        self.assertEqual(td.runs(self.db).attrs["swept"], ["policy_check.interval"])

    def test_points_take_mean_and_interval_from_point_summaries(self):
        p = td.points(self.db)
        self.assertEqual(list(p["policy_check.interval"]), [1800.0, 3600.0])
        self.assertEqual(list(p["reps"]), [2, 2])
        a = p.iloc[0]
        self.assertAlmostEqual(a["R_mean"], 900.0)
        self.assertAlmostEqual(a["R_ci_low"], -370.6)
        self.assertAlmostEqual(a["R_ci_high"], 2170.6)
        self.assertAlmostEqual(a["R_theory"], 900.0)
        self.assertAlmostEqual(a["R_z"], 0.0)
        self.assertTrue(a["R_within"])
        self.assertAlmostEqual(a["R_p99"], 1400.0)  # mean of the runs' p99 (1300, 1500)
        self.assertEqual(a["runs"], [1, 2])
        self.assertEqual(p.attrs["ci_source"][("hA", "R")], "point_summaries")

    def test_points_count_runs_with_censored_values(self):
        p = td.points(self.db)
        self.assertEqual(list(p["R_censored"]), [0, 1])

    def test_exposures_are_in_seconds_with_censored_windows_nan(self):
        e = td.exposures(self.db, run=1)
        self.assertEqual(len(e), 2)
        self.assertEqual(e["R"].iloc[0], 700.0)
        self.assertEqual(e["t0"].iloc[0], 3600.0)
        self.assertTrue(math.isnan(e["R"].iloc[1]))
        self.assertEqual(e["r_censored"].iloc[1], 1)
        self.assertEqual(e["class"].iloc[0], "phones")
        self.assertEqual(len(td.exposures(self.db)), 8)  # every ok run

    def test_curve_puts_simulated_and_analytic_on_one_grid(self):
        c = td.curve(self.db, 1, "removal_curve")
        self.assertEqual(list(c["t"]), [0.0, 500.0, 1000.0, 2000.0])
        # The simulated curve is held between its points: 1 at 500 s.
        self.assertEqual(list(c["sim"]), [1.0, 1.0, 0.5, 0.0])
        self.assertEqual(list(c["analytic"][:3]), [1.0, 0.5, 0.0])
        self.assertTrue(math.isnan(c["analytic"].iloc[3]))  # beyond the analytic range

    def test_bucketed_series_carry_their_bucket_width(self):
        c = td.curve(self.db, 1, "sessions_per_s")
        self.assertEqual(c.attrs["bucket"], 300.0)
        self.assertEqual(td.bucket_width(self.db, 1), 300.0)

    def test_an_unknown_series_is_a_clear_error(self):
        with self.assertRaisesRegex(td.DataError, "no series 'nope'.*removal_curve"):
            td.curve(self.db, 1, "nope")

    def test_sessions_give_bytes_per_session(self):
        s = td.sessions(self.db, run=1)
        self.assertEqual(s["up_per_session"].iloc[0], 1000.0)
        self.assertEqual(s["down_per_session"].iloc[0], 5000.0)

    def test_values_format_back_as_the_scenario_writes_them(self):
        self.assertEqual(td.format_value(1800.0, "s"), "30m")
        self.assertEqual(td.format_value(86400.0, "s"), "1d")
        self.assertEqual(td.format_value(65536.0, "B"), "64KiB")
        self.assertEqual(td.format_value(1e7, "bit/s"), "10Mbps")

    def test_schema_v3_columns_are_used_instead_of_parsing(self):
        # Schema 3 stores num/unit/swept per parameter and the bucket width per run: the file's
        # own flags win (fleet.0.count varies here but is not swept; the units are the file's).
        v3 = os.path.join(self.tmp, "v3.db")
        make(v3)
        db = sqlite3.connect(v3)
        db.executescript("ALTER TABLE run_params ADD COLUMN num REAL; "
                         "ALTER TABLE run_params ADD COLUMN unit TEXT; "
                         "ALTER TABLE run_params ADD COLUMN swept INTEGER NOT NULL DEFAULT 0; "
                         "ALTER TABLE runs ADD COLUMN bucket_ns INTEGER;")
        db.execute("UPDATE run_params SET num = 1800, unit = 's', swept = 1 WHERE "
                   "key = 'policy_check.interval' AND value = '30m'")
        db.execute("UPDATE run_params SET num = 3600, unit = 's', swept = 1 WHERE "
                   "key = 'policy_check.interval' AND value = '1h'")
        db.execute("UPDATE run_params SET num = 14400, unit = 's' WHERE key = 'verifier.validity'")
        for rid in RUNS:
            db.execute("INSERT INTO run_params (run_id, key, value, num, unit, swept) VALUES "
                       "(?, 'fleet.0.count', ?, ?, 'count', 0)", (rid, str(rid), rid))
        db.execute("UPDATE runs SET bucket_ns = 999000000000")
        db.commit()
        db.close()
        r = td.runs(v3)
        self.assertEqual(r.attrs["swept"], ["policy_check.interval"])
        self.assertEqual(r.attrs["units"]["fleet.0.count"], "count")
        self.assertEqual(list(r["fleet.0.count"]), [1.0, 2.0, 3.0, 4.0])
        self.assertEqual(r["policy_check.law"].iloc[0], "fixed")  # num NULL: the text
        self.assertEqual(td.bucket_width(v3, 1), 999.0)
        self.assertEqual(list(td.points(v3)["policy_check.interval"]), [1800.0, 3600.0])

    def test_missing_and_foreign_files_are_clear_errors(self):
        with self.assertRaisesRegex(td.DataError, "none.db: no such database"):
            td.runs(os.path.join(self.tmp, "none.db"))
        self.assertFalse(os.path.exists(os.path.join(self.tmp, "none.db")))
        bad = os.path.join(self.tmp, "bad.db")
        with open(bad, "w") as f:
            f.write("not sqlite")
        with self.assertRaisesRegex(td.DataError, "not a teepsim database"):
            td.points(bad)


if __name__ == "__main__":
    if len(sys.argv) < 2:
        print(__doc__, file=sys.stderr)
        sys.exit(2)
    SOURCE = sys.argv[1]
    sys.path.insert(0, os.path.join(SOURCE, "analysis"))
    import teepsim_data as td  # noqa: E402
    unittest.main(argv=[sys.argv[0]], verbosity=2)
