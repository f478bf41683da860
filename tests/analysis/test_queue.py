#!/usr/bin/python3
"""The TAM queue per request: a small simulated run against M/D/1, and compare.py on it.

usage: /usr/bin/python3 tests/analysis/test_queue.py TEEPSIM_BINARY SOURCE_DIR

tests/analysis/queue_md1.yaml: Poisson sessions of 500 devices (P = 30 s), one TAM worker,
10 ms per request, 3 requests per session, latencies spread over five classes so that the
requests arrive close to Poisson: M/D/1 per request predicts W = rho s / (2 (1 - rho)) with
lambda = 3 N / P (docs/THEORY-EXTENSIONS.md section 3). teepsim stores M/D/1 at the rate of the
polls that find their device idle, lambda = 3 sum_c n_c / (P + D_c), D_c = 3 (W + s) + 3 r_c,
plus the follow-up requests' excess (section 3.1), which at this load (relaxation time 20 ms,
round trips 120-280 ms) is below 1 % of W. Replications differ by run number (--set run=K),
never by seed (section 6.1 "Replications"). About 10 s of wall time.
"""
import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import unittest

TEEPSIM = None
SOURCE = None
PYTHON = "/usr/bin/python3"

# The fixture's parameters, so that the formula is evaluated here independently of teepsim.
DEVICES, INTERVAL_S, REQUESTS_PER_SESSION, SERVICE_S = 500, 30.0, 3, 0.010


ROUND_TRIPS_S = [0.12, 0.16, 0.20, 0.24, 0.28]  # two latencies of each class, 100 devices each


def md1_wait():
    rho = DEVICES * REQUESTS_PER_SESSION / INTERVAL_S * SERVICE_S
    return rho * SERVICE_S / (2 * (1 - rho))


def idle_poll_md1_wait():
    """M/D/1 at the idle-poll rate: a fixed point in W through the session durations D_c."""
    w = 0.0
    for _ in range(200):
        sessions = sum(DEVICES / len(ROUND_TRIPS_S) / (INTERVAL_S + REQUESTS_PER_SESSION *
                                                       (w + SERVICE_S) + 3 * r)
                       for r in ROUND_TRIPS_S)
        rho = REQUESTS_PER_SESSION * SERVICE_S * sessions
        w = rho * SERVICE_S / (2 * (1 - rho))
    return w


class QueueTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.mkdtemp(prefix="teepsim-queue-")
        cls.db = os.path.join(cls.tmp, "queue.db")
        run = subprocess.run(
            [TEEPSIM, "run", os.path.join(SOURCE, "tests/analysis/queue_md1.yaml"), "--out",
             cls.db, "--quiet"], cwd=cls.tmp, capture_output=True, text=True, timeout=300)
        if run.returncode != 0:
            raise RuntimeError(f"teepsim run failed ({run.returncode}):\n{run.stdout}\n"
                               f"{run.stderr}")
        db = sqlite3.connect(cls.db)
        cls.rows = {source: (mean, se, z) for source, mean, se, z in db.execute(
            "SELECT source, mean, se, z_score FROM summaries WHERE metric = 'tam_queue_delay' "
            "AND scope = 'all'")}
        db.close()

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.tmp, ignore_errors=True)

    def test_simulated_wait_per_request_matches_md1(self):
        # 5 ms at N/P (4.8 ms at the idle-poll rate); runs 1-3 gave 5.22, 4.73, 4.65 ms:
        # within 15 %.
        self.assertIn("sim", self.rows, "no simulated tam_queue_delay summary")
        sim = self.rows["sim"][0]
        self.assertAlmostEqual(md1_wait(), 0.005, places=12)
        self.assertLess(abs(sim - md1_wait()) / md1_wait(), 0.15, f"simulated {sim} s")

    def test_stored_analytic_row_is_the_md1_value_with_its_z_score(self):
        # teepsim run stores the prediction beside the simulated mean, z = (theory - sim) / se:
        # M/D/1 at the idle-poll rate, raised by the follow-ups' excess (below 1 % here).
        self.assertIn("analytic", self.rows, "no analytic tam_queue_delay row")
        mean, _, z = self.rows["analytic"]
        sim, se, _ = self.rows["sim"]
        base = idle_poll_md1_wait()
        self.assertLess(base, md1_wait())
        self.assertGreaterEqual(mean, base)
        self.assertLess(mean, 1.01 * base)
        self.assertAlmostEqual(z, (mean - sim) / se, places=6)

    def test_compare_reads_a_real_database(self):
        # compare.py on the schema teepsim writes: one point, the queue metric in seconds.
        r = subprocess.run([PYTHON, os.path.join(SOURCE, "analysis/compare.py"), self.db,
                            "--unit", "s", "--metrics", "tam_queue_delay,R"],
                           capture_output=True, text=True, timeout=60)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn(f"{self.rows['sim'][0]:.4g}", r.stdout)


if __name__ == "__main__":
    if len(sys.argv) < 3:
        print(__doc__, file=sys.stderr)
        sys.exit(2)
    TEEPSIM, SOURCE = sys.argv[1], sys.argv[2]
    unittest.main(argv=[sys.argv[0]], verbosity=2)
