#!/usr/bin/python3
"""tests/test_html.py: `vpcsim report FILE --html OUT` on a real run of
tests/scenarios/plots/plots.yaml. Checks the page itself (self-contained: no script, no link,
no fetched resource; the text report byte for byte; every figure inline as SVG; the scenario
text; the architectures), a page without Python (written, says why it has no figures), and that
a real browser renders it: headless Chromium (Debian's /usr/bin/chromium) takes a screenshot
that is not blank, logs no console error and builds a DOM with every figure.

Skips (exit 77, CTest SKIP_RETURN_CODE) only where /usr/bin/chromium is absent, and says so.
Run by CTest with /usr/bin/python3 (env VPCSIM_BIN, VPCSIM_SOURCE_DIR)."""

import html
import os
import re
import shutil
import subprocess
import sys
import tempfile
import unittest

SRC = os.environ.get("VPCSIM_SOURCE_DIR") or os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BIN = os.environ.get("VPCSIM_BIN", "")
SCENARIO = os.path.join(SRC, "tests", "scenarios", "plots", "plots.yaml")
CHROMIUM = os.environ.get("VPCSIM_CHROMIUM", "/usr/bin/chromium")
FIGURES = 6  # latency_cdf quantiles timeline hops cost sweep: the scenario has data for each
ARCHS = ["nat", "endpoints"]


def chromium(args, tmp):
    profile = tempfile.mkdtemp(dir=tmp)
    cmd = [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
           "--no-first-run", "--disable-background-networking", "--disable-component-update",
           "--disable-sync", f"--user-data-dir={profile}", "--enable-logging=stderr", "--v=0",
           *args]
    return subprocess.run(cmd, capture_output=True, text=True, timeout=180)


class Html(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        if not BIN:
            raise unittest.SkipTest("VPCSIM_BIN is not set")
        cls.tmp = tempfile.mkdtemp(prefix="vpcsim-html-test-")
        cls.h5 = os.path.join(cls.tmp, "run.h5")
        r = subprocess.run([BIN, "run", SCENARIO, "-o", cls.h5, "--threads", "1", "--spans", "0.2",
                            "--quiet"], capture_output=True, text=True, cwd=SRC, timeout=180)
        assert r.returncode == 0, r.stderr
        cls.page = os.path.join(cls.tmp, "report.html")
        cls.rep = subprocess.run([BIN, "report", cls.h5, "--html", cls.page], capture_output=True,
                                 text=True, timeout=300)
        with open(cls.page, encoding="utf-8") as fh:
            cls.text = fh.read()

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.tmp, ignore_errors=True)

    def test_written_quietly(self):
        self.assertEqual((self.rep.returncode, self.rep.stdout, self.rep.stderr), (0, "", ""))
        self.assertFalse([f for f in os.listdir(self.tmp) if ".tmp." in f])

    def test_self_contained(self):
        t = self.text
        self.assertTrue(t.startswith("<!DOCTYPE html>"))
        self.assertNotIn("<script", t)
        self.assertNotIn("<link", t)
        self.assertNotIn("@import", t)
        self.assertNotRegex(t, r"""(src|href)\s*=\s*["'](https?:|//)""")
        self.assertNotRegex(t, r"url\(\s*['\"]?(https?:|//)")

    def test_tables_are_the_text_report(self):
        r = subprocess.run([BIN, "report", self.h5], capture_output=True, text=True, timeout=60)
        self.assertEqual(r.returncode, 0, r.stderr)
        pre = re.search(r'<h2 id="tables">[^<]*</h2>\n<pre>(.*?)</pre>', self.text, re.S)
        self.assertIsNotNone(pre)
        self.assertEqual(html.unescape(pre.group(1)), r.stdout)
        for want in ("=== architecture nat ===", "monthly cost", "paired differences"):
            self.assertIn(want, r.stdout)

    def test_every_figure_inline_with_own_ids(self):
        svgs = re.findall(r"<svg\b.*?</svg>", self.text, re.S)
        self.assertEqual(len(svgs), FIGURES)
        ids = re.findall(r'\bid="([^"]+)"', self.text)
        self.assertEqual(len(ids), len(set(ids)), "an id used twice")
        for ref in re.findall(r"url\(#([^)]+)\)", self.text):
            self.assertIn(ref, ids)
        for arch in ARCHS:
            for svg in svgs:
                self.assertIn(f">{arch}", svg.replace("</tspan>", ""))

    def test_scenario_text(self):
        with open(SCENARIO, encoding="utf-8") as fh:
            src = fh.read()
        pre = re.search(r'<h2 id="scenario">[^<]*</h2>\n<pre>(.*?)</pre>', self.text, re.S)
        self.assertIsNotNone(pre)
        self.assertIn("name: plots-smoke", html.unescape(pre.group(1)))
        self.assertIn(src.splitlines()[-1].strip(), html.unescape(pre.group(1)))

    def test_without_python_a_page_without_figures(self):
        page = os.path.join(self.tmp, "nopython.html")
        env = dict(os.environ, VPCSIM_PYTHON="/nonexistent/python3")
        r = subprocess.run([BIN, "report", self.h5, "--html", page], capture_output=True,
                           text=True, env=env, timeout=60)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("warning: no figures: could not run", r.stderr)
        with open(page, encoding="utf-8") as fh:
            t = fh.read()
        self.assertIn('<p class="warn">No figures: could not run', t)
        self.assertNotIn("<svg", t)
        r = subprocess.run([BIN, "report", self.h5, "--html"], capture_output=True, text=True)
        self.assertEqual(r.returncode, 2)
        self.assertIn("--html needs a value", r.stderr)

    def test_chromium_renders_it(self):
        if not os.path.exists(CHROMIUM):
            self.skipTest(f"{CHROMIUM} is absent (Debian: apt-get install chromium)")
        url = "file://" + self.page
        shot = os.path.join(self.tmp, "shot.png")
        r = chromium(["--screenshot=" + shot, "--window-size=1280,2000", url], self.tmp)
        self.assertEqual(r.returncode, 0, r.stderr[-2000:])
        console = [ln for ln in r.stderr.splitlines()
                   if re.search(r"CONSOLE|Uncaught|net::ERR_|Failed to load", ln)]
        self.assertEqual(console, [])
        from matplotlib.image import imread

        img = imread(shot)
        self.assertEqual(img.shape[:2], (2000, 1280))
        grey = img[..., :3].mean(axis=2)
        self.assertGreater(grey.std(), 0.05)  # text, tables and a figure: not blank
        self.assertGreater((grey < 0.5).mean(), 0.005)
        r = chromium(["--dump-dom", url], self.tmp)
        self.assertEqual(r.returncode, 0, r.stderr[-2000:])
        self.assertEqual(len(re.findall(r"<svg\b", r.stdout)), FIGURES)
        self.assertIn("=== architecture nat ===", r.stdout)


if __name__ == "__main__":
    if not os.path.exists(CHROMIUM):
        print(f"test_html: SKIPPED: {CHROMIUM} is absent, so the page cannot be rendered in a "
              "browser (Debian: apt-get install chromium)")
        sys.exit(77)
    unittest.main(verbosity=2)
