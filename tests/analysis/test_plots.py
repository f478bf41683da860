#!/usr/bin/python3
"""Runs analysis/plots.py headless on a small database and checks the figures.

usage: /usr/bin/python3 tests/analysis/test_plots.py TEEPSIM_BINARY SOURCE_DIR

The database is made here: `teepsim sweep` over tests/sim/fixtures/e2e_plots.yaml (a 2 x 2
grid of validity V x interval P, 15 devices each, message transport; a few seconds).
"""
import os
import shutil
import subprocess
import sys
import tempfile
import unittest

TEEPSIM = None
SOURCE = None
PYTHON = "/usr/bin/python3"
FIGURES = ["cdf_r", "cdf_t_trust", "cdf_w_danger", "removal_curve", "scatter_r_t_trust",
           "tam_load", "heatmap_w_danger_mean", "heatmap_w_danger_p95", "design_chart",
           "vs_validity", "vs_interval", "tam_load_vs_interval", "bytes_per_session"]


def headless_env():
    env = dict(os.environ)
    env.pop("DISPLAY", None)
    env.pop("WAYLAND_DISPLAY", None)
    env["MPLBACKEND"] = "Agg"
    env["MPLCONFIGDIR"] = tempfile.mkdtemp(prefix="mpl-")
    return env


class PlotsTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.mkdtemp(prefix="teepsim-plots-")
        cls.db = os.path.join(cls.tmp, "plots.db")
        cls.out = os.path.join(cls.tmp, "figures")
        sweep = subprocess.run(
            [TEEPSIM, "sweep", os.path.join(SOURCE, "tests/sim/fixtures/e2e_plots.yaml"),
             "--jobs", "2", "--out", cls.db], cwd=cls.tmp, capture_output=True, text=True,
            timeout=600)
        if sweep.returncode != 0:
            raise RuntimeError(f"teepsim sweep failed ({sweep.returncode}):\n{sweep.stdout}"
                               f"\n{sweep.stderr}")
        cls.env = headless_env()
        cls.plots = subprocess.run(
            [PYTHON, os.path.join(SOURCE, "analysis/plots.py"), cls.db, cls.out],
            capture_output=True, text=True, env=cls.env, timeout=600)

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.tmp, ignore_errors=True)
        shutil.rmtree(cls.env["MPLCONFIGDIR"], ignore_errors=True)

    def test_plots_exits_zero_on_a_database(self):
        self.assertEqual(self.plots.returncode, 0, self.plots.stderr)

    def test_every_figure_is_written_as_non_empty_png_pdf_and_svg(self):
        for name in FIGURES:
            for ext, magic in (("png", b"\x89PNG"), ("pdf", b"%PDF"), ("svg", b"<?xm")):
                with self.subTest(figure=f"{name}.{ext}"):
                    path = os.path.join(self.out, f"{name}.{ext}")
                    self.assertTrue(os.path.isfile(path),
                                    f"{path} missing; plots.py wrote:\n{self.plots.stdout}"
                                    f"{self.plots.stderr}")
                    self.assertGreater(os.path.getsize(path), 1000, path)
                    with open(path, "rb") as f:
                        self.assertEqual(f.read(4), magic, path)

    def test_figures_a_database_cannot_support_are_skipped_with_a_reason(self):
        # One point (run 1 only): no design chart, no per-parameter figure, and no per-class or
        # per-Broker curves (one class, one behaviour); each says why instead of an empty panel.
        out = os.path.join(self.tmp, "one")
        r = subprocess.run(
            [PYTHON, os.path.join(SOURCE, "analysis/plots.py"), self.db, out, "--runs", "1",
             "--formats", "png"], capture_output=True, text=True, env=self.env, timeout=600)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("skipped design_chart: needs at least 2 values of V and of P", r.stdout)
        self.assertIn("skipped survival_class: one class only", r.stdout)
        self.assertIn("skipped survival_broker: one broker only", r.stdout)
        self.assertFalse(os.path.exists(os.path.join(out, "design_chart.png")))
        self.assertFalse(os.path.exists(os.path.join(out, "removal_curve.pdf")))  # png only
        self.assertTrue(os.path.exists(os.path.join(out, "removal_curve.png")))

    def test_a_bad_threshold_is_a_usage_error(self):
        r = subprocess.run(
            [PYTHON, os.path.join(SOURCE, "analysis/plots.py"), self.db, self.out, "--threshold",
             "soon"], capture_output=True, text=True, env=self.env, timeout=120)
        self.assertEqual(r.returncode, 2)
        self.assertIn("'soon' is not a positive duration", r.stderr)

    def test_missing_database_exits_non_zero_without_figures(self):
        out = os.path.join(self.tmp, "none")
        r = subprocess.run(
            [PYTHON, os.path.join(SOURCE, "analysis/plots.py"),
             os.path.join(self.tmp, "no-such.db"), out],
            capture_output=True, text=True, env=self.env, timeout=120)
        self.assertNotEqual(r.returncode, 0)
        self.assertIn("no-such.db", r.stderr)
        self.assertFalse(os.path.exists(os.path.join(self.tmp, "no-such.db")),
                         "plots.py must not create a database")


if __name__ == "__main__":
    if len(sys.argv) < 3:
        print(__doc__, file=sys.stderr)
        sys.exit(2)
    TEEPSIM, SOURCE = sys.argv[1], sys.argv[2]
    unittest.main(argv=[sys.argv[0]], verbosity=2)
