#!/usr/bin/python3
"""`teepsim report` (analysis/report.py) on a reduced sweep of scenarios/validity_vs_interval.yaml, opened in a
headless browser.

usage: /usr/bin/python3 tests/analysis/test_report.py TEEPSIM_BINARY SOURCE_DIR

The sweep keeps the scenario's 3 x 3 grid of V x P and shrinks the rest with --set (8 devices,
20 h horizon, 2 replications). The page is loaded by headless Chromium (Debian `chromium`) with a
probe script added to a copy of it: every <img> must have naturalWidth > 0 and no console
message or error event may appear (the page itself has no script). Where Chromium is not
installed the test says so and checks the images by decoding their data: URIs instead.
"""
import base64
import html.parser
import json
import os
import re
import shutil
import struct
import subprocess
import sys
import tempfile
import unittest

TEEPSIM = None
SOURCE = None
SHRINK = ["fleet.0.count=8", "horizon=20h", "warmup=1h", "malicious.t0=8h",
          "sweep.replications=2"]
# Every figure a V x P sweep supports (survival per class / Broker need several of them).
EXPECTED = ["design_chart", "vs_interval", "vs_validity", "heatmap_w_danger_mean",
            "heatmap_w_danger_p95", "cdf_r", "cdf_t_trust", "cdf_w_danger", "removal_curve",
            "scatter_r_t_trust", "tam_load", "tam_load_vs_interval", "bytes_per_session"]

PROBE_HEAD = ("<script>window.__errs=[];window.addEventListener('error',function(e){"
              "__errs.push('error: '+(e.message||(e.target&&(e.target.src||'').slice(0,60))))},"
              "true);window.addEventListener('securitypolicyviolation',function(e){"
              "__errs.push('csp: '+e.violatedDirective)});['error','warn'].forEach(function(k){"
              "var o=console[k];console[k]=function(){__errs.push(k+': '+[].join.call(arguments,"
              "' '));o.apply(console,arguments)}});</script>")
PROBE_TAIL = ("<script>window.addEventListener('load',function(){var r=[].map.call("
              "document.images,function(i){return [i.alt.slice(0,40),i.complete,i.naturalWidth]});"
              "var p=document.createElement('pre');p.id='probe';p.textContent=JSON.stringify("
              "{images:r,errors:__errs});document.body.appendChild(p)});</script>")


class Page(html.parser.HTMLParser):
    def __init__(self):
        super().__init__()
        self.images, self.links, self.scripts, self.tables, self.rows = [], [], 0, 0, 0
        self.text = []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "img":
            self.images.append(a)
        elif tag in ("a", "link"):
            self.links.append(a.get("href", ""))
        elif tag == "script":
            self.scripts += 1
        elif tag == "table":
            self.tables += 1
        elif tag == "tr":
            self.rows += 1

    def handle_data(self, data):
        self.text.append(data)


def png_size(uri):
    """(width, height) of a data:image/png;base64 URI, from its IHDR chunk."""
    head = "data:image/png;base64,"
    if not uri.startswith(head):
        return None
    raw = base64.b64decode(uri[len(head):])
    if raw[:8] != b"\x89PNG\r\n\x1a\n" or raw[12:16] != b"IHDR":
        return None
    return struct.unpack(">II", raw[16:24])


def chromium():
    for name in ("chromium", "chromium-browser", "google-chrome"):
        path = shutil.which(name)
        if path:
            return path
    return None


class ReportTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.mkdtemp(prefix="teepsim-report-")
        cls.db = os.path.join(cls.tmp, "validity_vs_interval.db")
        sets = [x for s in SHRINK for x in ("--set", s)]
        sweep = subprocess.run(
            [TEEPSIM, "sweep", os.path.join(SOURCE, "scenarios/validity_vs_interval.yaml"),
             "--jobs", "2", "--out", cls.db, "--progress", "never", *sets], cwd=cls.tmp,
            capture_output=True, text=True, timeout=600)
        if sweep.returncode != 0:
            raise RuntimeError(f"teepsim sweep failed ({sweep.returncode}):\n{sweep.stderr}")
        env = dict(os.environ, MPLBACKEND="Agg", MPLCONFIGDIR=os.path.join(cls.tmp, "mpl"))
        cls.out = os.path.join(cls.tmp, "report")
        # Through `teepsim report`, which runs analysis/report.py of this source tree.
        cls.report = subprocess.run([TEEPSIM, "report", cls.db, "-o", cls.out],
                                    capture_output=True, text=True, env=env, timeout=600)
        cls.page_path = os.path.join(cls.out, "validity_vs_interval.html")
        cls.page = Page()
        if os.path.exists(cls.page_path):
            with open(cls.page_path, encoding="utf-8") as f:
                cls.html = f.read()
            cls.page.feed(cls.html)

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.tmp, ignore_errors=True)

    def test_report_exits_zero_and_names_the_page(self):
        self.assertEqual(self.report.returncode, 0, self.report.stderr)
        self.assertEqual(self.report.stdout.strip(), self.page_path)

    def test_every_expected_figure_is_embedded(self):
        ids = re.findall(r'<figure id="fig-([^"]+)"', self.html)
        self.assertEqual(sorted(set(EXPECTED) - set(ids)), [],
                         f"missing figures; report said:\n{self.report.stderr}")
        self.assertEqual(len(self.page.images), len(ids))

    def test_the_page_is_self_contained(self):
        # No script, and every image a data: URI: the page works attached to a mail.
        self.assertEqual(self.page.scripts, 0)
        for img in self.page.images:
            self.assertTrue(img["src"].startswith("data:image/png;base64,"), img["src"][:60])
        self.assertNotIn("http://", self.html)
        self.assertNotIn("https://", self.html)

    def test_simulation_against_theory_has_every_point(self):
        text = "".join(self.page.text)
        # 9 grid points: one row each in the metrics table, labelled by their V and P.
        for v in ("1h", "4h", "1d"):
            for p in ("30m", "1h", "6h"):
                self.assertRegex(self.html, rf"<tr><td>{p}</td><td>{v}</td><td[^>]*>2</td>")
        self.assertIn("W_danger theory", text)

    def test_provenance_names_version_seed_and_every_run_key(self):
        text = "".join(self.page.text)
        version = subprocess.run([TEEPSIM, "--version"], capture_output=True, text=True).stdout
        self.assertIn(version.split()[1], text)  # "teepsim 0.1.0 (commit ...)" -> 0.1.0
        self.assertIn("teepsim commit", text)
        for run_id in range(1, 19):
            self.assertRegex(self.html, rf"<tr><td>{run_id}</td><td>validity_vs_interval</td>")
        self.assertIn("name: validity_vs_interval", text)  # the scenario text

    def test_every_image_loads_in_a_headless_browser_without_console_errors(self):
        browser = chromium()
        if browser is None:
            print("\nchromium is not installed: checking the page with html.parser only "
                  "(scripts/bootstrap.sh installs it)", file=sys.stderr)
            for img in self.page.images:
                size = png_size(img["src"])
                self.assertIsNotNone(size, img.get("alt"))
                self.assertGreater(size[0], 0)
            return
        probe = os.path.join(self.out, "probe.html")
        with open(probe, "w", encoding="utf-8") as f:
            f.write(self.html.replace("<head>", "<head>" + PROBE_HEAD, 1)
                    .replace("</body>", PROBE_TAIL + "</body>", 1))
        run = subprocess.run(
            [browser, "--headless", "--disable-gpu", "--no-sandbox", "--no-first-run",
             "--user-data-dir=" + os.path.join(self.tmp, "chromium"), "--enable-logging=stderr",
             "--v=0", "--virtual-time-budget=10000", "--dump-dom", "file://" + probe],
            capture_output=True, text=True, timeout=120)
        m = re.search(r'<pre id="probe">(.*?)</pre>', run.stdout, re.S)
        self.assertIsNotNone(m, f"the browser did not run the page:\n{run.stderr[-2000:]}")
        result = json.loads(html.unescape(m.group(1)))
        self.assertEqual(len(result["images"]), len(self.page.images))
        for alt, complete, width in result["images"]:
            self.assertTrue(complete and width > 0, f"image '{alt}' did not load")
        self.assertEqual(result["errors"], [])
        console = [ln for ln in run.stderr.splitlines() if ":CONSOLE" in ln]
        self.assertEqual(console, [])


if __name__ == "__main__":
    if len(sys.argv) < 3:
        print(__doc__, file=sys.stderr)
        sys.exit(2)
    TEEPSIM, SOURCE = sys.argv[1], sys.argv[2]
    unittest.main(argv=[sys.argv[0]], verbosity=2)
