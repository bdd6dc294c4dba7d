#!/usr/bin/python3
"""tests/test_plots.py: the plots/ scripts on a real `vpcsim run -o` file (tests/scenarios/plots/:
two architectures, two workloads, an AZ fault, a two-point sweep). Checks the images (PNG
signature, requested size, not blank; SVG parses, has the title and axis texts), that the same
file gives byte-identical images, that the figures draw the numbers in the file (read here with
h5py alone), the notes for what a file lacks, and exit 2 on a missing or non-vpcsim file.

Run by CTest with /usr/bin/python3 (env VPCSIM_BIN, VPCSIM_SOURCE_DIR); VPCSIM_PLOTS_H5=FILE
renders that file instead of running the scenario (its figures then need not match the texts
expected of the scenario)."""

import os
import shutil
import struct
import subprocess
import sys
import tempfile
import unittest
import xml.etree.ElementTree as ET

import h5py
import numpy as np

sys.dont_write_bytecode = True
SRC = os.environ.get("VPCSIM_SOURCE_DIR") or os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BIN = os.environ.get("VPCSIM_BIN", "")
PLOTS = os.path.join(SRC, "plots")
SCENARIO = os.path.join(SRC, "tests", "scenarios", "plots", "plots.yaml")
PY = "/usr/bin/python3"
ENV = dict(os.environ, PYTHONDONTWRITEBYTECODE="1")
SIZE = (1100, 650)
FIGURES = ["latency_cdf", "quantiles", "timeline", "hops", "cost", "sweep"]
SCRIPTS = FIGURES + ["all"]
ARCHS = ["nat", "endpoints"]
WORKLOADS = ["get-secret", "s3-get"]
# texts each SVG must hold (title, axis labels, legend and panel names)
TEXTS = {
    "latency_cdf": ["plots-smoke: latency CDF of all calls (failed calls never arrive)",
                    "latency (ms, log scale)", "share of calls answered (failed: never)",
                    "get-secret", "s3-get", "nat: ", "endpoints: ", "pooled p99 of all calls",
                    "mean over replications"],
    "quantiles": ["plots-smoke: latency quantiles of successful calls", "quantile", "latency (ms",
                  "p50", "p90", "p99", "p99.9", "nat (", "endpoints (", "succeeded)",
                  "get-secret", "s3-get"],
    "timeline": ["plots-smoke: latency and failures over time", "time since start of run (s)",
                 "failed (calls/s)", "latency (ms)", "AZ use1-az1 impaired", "warm-up", "p50",
                 "p99", "nat", "endpoints", "get-secret", "s3-get"],
    "hops": ["plots-smoke: where a call's time goes, hop by hop", "mean time of a call (ms)",
             "links within the VPC (client, ENIs, gateways) (+ added delays)",
             "links to and from the service (+ added delays)",
             "interface-endpoint/sm-ep: service", "nat-gateway/nat-a: service", "nat", "endpoints"],
    "cost": ["plots-smoke: cost", "completed calls per second (all workloads)",
             "monthly total (USD, 730 h)", "USD per million completed calls", "nat", "endpoints"],
    "sweep": ["plots-smoke: sweep of get-secret rate", "get-secret: p99 latency",
              "s3-get: p99 latency", "p99 latency (ms)", "monthly total cost",
              "get-secret rate (per second)", "nat", "endpoints"],
}
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


def script(name, *args):
    return subprocess.run([PY, os.path.join(PLOTS, f"{name}.py"), *args], capture_output=True,
                          text=True, env=ENV, timeout=120)


def s(v):
    return v.decode() if isinstance(v, bytes) else v


def summary(f, metric, point, arch, subject):
    """(mean, half_width) of one /summary row, read with h5py alone."""
    t = f["summary"][()]
    m = ((t["point"] == point) & (t["architecture"] == arch.encode())
         & (t["subject"] == subject.encode()) & (t["metric"] == metric.encode()))
    assert m.sum() == 1, (metric, point, arch, subject, m.sum())
    return float(t["mean"][m][0]), float(t["half_width"][m][0])


class Plots(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.mkdtemp(prefix="vpcsim-plots-")
        cls.h5 = os.environ.get("VPCSIM_PLOTS_H5")
        if not cls.h5:
            if not BIN:
                raise unittest.SkipTest("VPCSIM_BIN is not set")
            cls.h5 = os.path.join(cls.tmp, "run.h5")
            r = subprocess.run([BIN, "run", SCENARIO, "-o", cls.h5, "--threads", "1",
                                "--spans", "0.2", "--series-bin", "200ms"],
                               capture_output=True, text=True, cwd=SRC, timeout=120)
            assert r.returncode == 0, r.stderr
        cls.out = os.path.join(cls.tmp, "figs")
        cls.all = script("all", cls.h5, cls.out, "--size", f"{SIZE[0]}x{SIZE[1]}")
        sys.path.insert(0, PLOTS)
        import vpcplot

        vpcplot.setup()
        cls.vpcplot = vpcplot
        cls.vrun = vpcplot.Run(cls.h5)
        cls.opts = vpcplot.parser("test", "").parse_args(
            [cls.h5, cls.out, "--size", f"{SIZE[0]}x{SIZE[1]}"])

    @classmethod
    def tearDownClass(cls):
        if hasattr(cls, "vrun"):
            cls.vrun.close()
        shutil.rmtree(cls.tmp, ignore_errors=True)

    def draw(self, name):
        module = __import__(name)
        fig = self.vpcplot.figure(SIZE)
        module.draw(fig, self.vrun, self.opts)
        return fig

    # --- the images --------------------------------------------------------------------------

    def test_all_writes_every_figure(self):
        self.assertEqual(self.all.returncode, 0, self.all.stderr)
        want = [os.path.join(self.out, f"{n}.{e}") for n in FIGURES for e in ("png", "svg")]
        self.assertEqual(self.all.stdout.split(), want)
        self.assertEqual(self.all.stderr, "")

    def test_png(self):
        from matplotlib.image import imread

        for name in FIGURES:
            with self.subTest(figure=name):
                path = os.path.join(self.out, f"{name}.png")
                with open(path, "rb") as fh:
                    data = fh.read()
                self.assertEqual(data[:8], PNG_MAGIC)
                self.assertEqual(data[12:16], b"IHDR")
                self.assertEqual(struct.unpack(">II", data[16:24]), SIZE)
                img = imread(path)
                self.assertEqual(img.shape[:2], (SIZE[1], SIZE[0]))
                grey = img[..., :3].mean(axis=2)
                # a figure with axes, lines and text: far from uniform, mostly light
                self.assertGreater(grey.std(), 0.08)
                self.assertGreater((grey < 0.5).mean(), 0.005)
                self.assertGreater((grey > 0.9).mean(), 0.3)

    def svg_texts(self, name):
        root = ET.parse(os.path.join(self.out, f"{name}.svg")).getroot()
        self.assertEqual(root.tag, "{http://www.w3.org/2000/svg}svg")
        # the same size as the PNG: pixels at 150 dpi = points at 72
        self.assertAlmostEqual(float(root.get("width").rstrip("pt")), (SIZE[0] + 0.5) * 72 / 150, 1)
        self.assertAlmostEqual(float(root.get("height").rstrip("pt")), (SIZE[1] + 0.5) * 72 / 150, 1)
        return ["".join(t.itertext()) for t in root.iter("{http://www.w3.org/2000/svg}text")]

    def test_svg(self):
        for name in FIGURES:
            with self.subTest(figure=name):
                texts = self.svg_texts(name)
                for want in TEXTS[name]:
                    self.assertTrue(any(want in t for t in texts), f"{name}.svg lacks '{want}'")

    def test_same_file_same_images(self):
        # in this process, against all.py's: the figures with clip paths, hatches and patches
        again = os.path.join(self.tmp, "again")
        for name in ("timeline", "hops", "cost"):
            paths = self.vpcplot.render(__import__(name), self.vrun, self.opts, again)
            for p in paths:
                with self.subTest(file=os.path.basename(p)):
                    with open(p, "rb") as a, open(os.path.join(self.out, os.path.basename(p)), "rb") as b:
                        self.assertEqual(a.read(), b.read())

    def draw_default(self, name):
        """A figure at its default size, drawn (so text extents are final)."""
        module = __import__(name)
        opts = self.vpcplot.parser("test", "").parse_args([self.h5, self.out])
        fig = self.vpcplot.figure(module.default_size(self.vrun, opts))
        module.draw(fig, self.vrun, opts)
        from matplotlib.backends.backend_agg import FigureCanvasAgg

        FigureCanvasAgg(fig).draw()  # as savefig's PNG: the constrained layout is applied
        return fig

    def test_every_architecture_in_every_comparing_figure(self):
        from matplotlib.text import Text

        with h5py.File(self.h5) as f:
            archs = [s(a) for a in f.attrs["architecture_names"]]
        self.assertEqual(archs, ARCHS)
        for name in FIGURES:  # each compares the architectures
            with self.subTest(figure=name):
                fig = self.draw_default(name)
                texts = [t.get_text() for t in fig.findobj(Text) if t.get_visible()]
                for arch in archs:
                    self.assertTrue(any(t == arch or t.startswith(arch + " (") or t.startswith(arch + ":")
                                        for t in texts), f"{name}: no '{arch}'")

    def test_no_text_clipped_at_the_default_size(self):
        # what is drawn (each panel's ticks, labels, titles, texts and legends; the figure's
        # titles and legends) lies on the canvas
        for name in FIGURES:
            with self.subTest(figure=name):
                fig = self.draw_default(name)
                r = fig.canvas.get_renderer()
                W, H = fig.canvas.get_width_height()
                parts = [(f"panel '{ax.get_title()}'", ax.get_tightbbox(r))
                         for ax in fig.axes if ax.get_visible()]
                texts = list(fig.texts) + [t for t in (fig._suptitle, fig._supxlabel) if t]
                parts += [(f"'{t.get_text()[:60]}'", t.get_window_extent(r))
                          for t in texts if t.get_visible() and t.get_text().strip()]
                parts += [("figure legend", lg.get_window_extent(r)) for lg in fig.legends]
                self.assertGreater(len(parts), 2)
                for what, b in parts:
                    inside = b.x0 >= -1 and b.y0 >= -1 and b.x1 <= W + 1 and b.y1 <= H + 1
                    self.assertTrue(inside, f"{name}: {what} at {b.bounds} outside {W}x{H}")

    # --- the numbers drawn are the file's -----------------------------------------------------

    def test_quantile_points_are_the_summary(self):
        fig = self.draw("quantiles")
        axes = [a for a in fig.axes if a.get_visible()]
        self.assertEqual([a.get_title() for a in axes], WORKLOADS)
        # one scale for every panel
        self.assertEqual(len({a.get_yscale() for a in axes}), 1)
        with h5py.File(self.h5) as f:
            for ax, wl in zip(axes, WORKLOADS):
                pts = [c for c in ax.containers if c.get_label().split(" ")[0] in ARCHS]
                self.assertEqual([c.get_label().split(" ")[0] for c in pts], ARCHS)
                for c in pts:
                    arch = c.get_label().split(" ")[0]
                    ok = summary(f, "success_ratio", 0, arch, wl)[0]
                    self.assertIn(f"({self.vpcplot.percent(ok)} succeeded)", c.get_label())
                    want = [summary(f, q, 0, arch, wl)[0] for q in ("p50", "p90", "p99", "p99.9")]
                    np.testing.assert_allclose(c.lines[0].get_ydata(), want, rtol=1e-12)
                    self.assertFalse(ax.patches)  # points, not bars

    def test_cost_bars_are_the_summary(self):
        fig = self.draw("cost")
        right = fig.axes[1]
        with h5py.File(self.h5) as f:
            want = [summary(f, "per_million_completed", 0, a, "")[0] for a in ARCHS]
            # the NAT gateway's processing charge dwarfs the endpoints' hourly price per call
            self.assertGreater(want[0], want[1])
        from matplotlib.container import BarContainer

        bars = [c for c in right.containers if isinstance(c, BarContainer)]
        self.assertEqual(len(bars), 1)
        np.testing.assert_allclose([p.get_height() for p in bars[0].patches], want, rtol=1e-12)
        self.assertEqual([t.get_text() for t in right.get_xticklabels()], ARCHS)

    def test_cdf_lines_are_the_records(self):
        # y is the share of all calls answered within x: a line ends at the success ratio
        fig = self.draw("latency_cdf")
        axes = [a for a in fig.axes if a.get_visible()]
        with h5py.File(self.h5) as f:
            for ax, wl in zip(axes, WORKLOADS):
                lines = {ln.get_label().split(":")[0]: ln for ln in ax.get_lines()
                         if not ln.get_label().startswith("_")}
                self.assertEqual(sorted(lines), sorted(ARCHS))
                for arch in ARCHS:
                    lat, n = [], 0
                    grp = f[f"architectures/{arch}/point0"]
                    self.assertGreaterEqual(len(grp), 2)  # pooled over both replications
                    for rep in grp.values():
                        r = rep["requests"][()]
                        r = r[r["workload"] == wl.encode()]
                        n += len(r)
                        lat.append(r["latency_ns"][r["status"] == b"ok"])
                    lat = np.sort(np.concatenate(lat)) / 1e6
                    k = len(lat)
                    self.assertGreater(k, 100)
                    x, y = lines[arch].get_xdata(), lines[arch].get_ydata()
                    self.assertAlmostEqual(y[-1], k / n, places=12)
                    self.assertEqual(x[-1], lat[-1])
                    self.assertEqual(x[0], lat[0])
                    for num in (50, 90):  # the sample quantile of all calls: smallest x with F >= p
                        j = -(-num * n // 100)
                        if j > k:  # more than 1 - p failed: the line never reaches p
                            self.assertLess(y[-1], num / 100)
                            continue
                        self.assertEqual(x[np.argmax(y >= num / 100 - 1e-12)], lat[j - 1], (arch, wl, num))
                    self.assertIn(f"{self.vpcplot.percent(k / n)} of {n:,} ok", lines[arch].get_label())
                    j = -(-99 * n // 100)
                    p99 = f"{self.vpcplot.ms(lat[j - 1])} ms" if j <= k else "\u221e"
                    self.assertIn(f"p99 {p99}", lines[arch].get_label())

    def test_timeline_is_the_series_and_faults(self):
        fig = self.draw("timeline")
        lat = [a for a in fig.axes if a.get_title(loc="left") in WORKLOADS]
        self.assertEqual([a.get_title(loc="left") for a in lat], WORKLOADS)
        with h5py.File(self.h5) as f:
            faults = f["faults"][()]
            self.assertGreaterEqual(len(faults), 1)
            ser = f["architectures/nat/point0/rep0/series"][()]
        ser = ser[ser["workload"] == b"get-secret"]
        lines = lat[0].get_lines()
        p99 = np.where(ser["p99_ns"] >= 0, ser["p99_ns"] / 1e6, np.nan)
        np.testing.assert_array_equal(lines[1].get_ydata(), p99)  # nat p99, dashed
        self.assertEqual(lines[1].get_linestyle(), "--")
        np.testing.assert_allclose(lines[1].get_xdata(), (ser["t_ns"] + ser["bin_ns"] / 2) / 1e9)
        # the NAT gateway sits in the impaired AZ: calls fail during the fault
        failed = ser["failed"]
        start, end = faults["start_ns"][0], faults["end_ns"][0]
        inside = (ser["t_ns"] >= start) & (ser["t_ns"] + ser["bin_ns"] <= end)
        self.assertGreater(failed[inside].mean(), 0)
        # each fault window is shaded on each of the panels with its edges at start and end
        from matplotlib.colors import to_rgb

        red = [p for p in lat[0].patches
               if np.allclose(p.get_facecolor()[:3], to_rgb(self.vpcplot.FAULT_COLOUR))]
        self.assertEqual(len(red), len(faults))
        xs = red[0].get_xy()[:, 0]
        self.assertAlmostEqual(xs.min(), start / 1e9)
        self.assertAlmostEqual(xs.max(), end / 1e9)

    def test_hop_bars_add_up_to_the_traced_calls_latency(self):
        # docs/output.md: a call's spans and the gaps between them add up to its latency
        fig = self.draw("hops")
        axes = [a for a in fig.axes if a.get_visible()]
        from matplotlib.colors import to_hex

        arch_colours = {to_hex(self.vrun.colour(a)) for a in ARCHS}
        with h5py.File(self.h5) as f:
            for ax, wl in zip(axes, WORKLOADS):
                self.assertEqual(ax.get_title(), wl)
                for i, arch in enumerate(ARCHS):
                    segs = [p for p in ax.patches if abs(p.get_x() + p.get_width() / 2 - i) < 1e-9]
                    self.assertGreater(len(segs), 1)
                    self.assertTrue(all(p.get_height() >= 0 for p in segs))
                    # components and links are not drawn in the architectures' colours
                    self.assertFalse({to_hex(p.get_facecolor()) for p in segs} & arch_colours)
                    top = max(p.get_y() + p.get_height() for p in segs)
                    lat = []
                    for rep in f[f"architectures/{arch}/point0"].values():
                        r, sp = rep["requests"][()], rep["spans"][()]
                        traced = set(sp["call"][sp["workload"] == wl.encode()].tolist())
                        m = ((r["workload"] == wl.encode()) & (r["status"] == b"ok")
                             & (r["attempts"] == 1) & np.isin(r["call"], list(traced)))
                        lat.append(r["latency_ns"][m])
                    lat = np.concatenate(lat) / 1e6
                    self.assertGreater(len(lat), 5)
                    self.assertAlmostEqual(top, lat.mean(), delta=1e-9 * lat.mean())
                    self.assertTrue(any(t.get_text().endswith(f"(n={len(lat):,})") for t in ax.texts))

    def test_sweep_lines_are_the_summary(self):
        fig = self.draw("sweep")
        axes = [a for a in fig.axes if a.get_visible()]
        self.assertEqual([a.get_title() for a in axes],
                         [f"{w}: p99 latency" for w in WORKLOADS] + ["monthly total cost"])
        with h5py.File(self.h5) as f:
            values = [s(v) for v in f["sweep"]["value"]]
            self.assertEqual(values, ["100/s", "300/s"])
            for ax, wl in zip(axes, WORKLOADS + [""]):
                metric = "p99" if wl else "monthly_total"
                lines = {ln.get_label(): ln for ln in ax.get_lines()}
                for arch in ARCHS:
                    np.testing.assert_array_equal(lines[arch].get_xdata(), [100.0, 300.0])
                    want = [summary(f, metric, p, arch, wl)[0] for p in (0, 1)]
                    np.testing.assert_allclose(lines[arch].get_ydata(), want, rtol=1e-12)

    def test_pandas_read_hdf_reads_every_table(self):
        # docs/output.md: pd.read_hdf(file, key) on any table (PyTables: python3-tables)
        import warnings

        import pandas as pd

        keys = []
        with h5py.File(self.h5) as f:
            f.visititems(lambda n, o: keys.append(n) if isinstance(o, h5py.Dataset) else None)
            self.assertIn("summary", keys)
            self.assertTrue(any(k.endswith("/spans") for k in keys))
            for key in keys:
                with self.subTest(key=key):
                    raw = f[key][()]
                    with warnings.catch_warnings():
                        warnings.simplefilter("error")
                        d = pd.read_hdf(self.h5, key)
                    self.assertEqual(list(d.columns), list(raw.dtype.names))
                    self.assertEqual(len(d), len(raw))
                    for c in raw.dtype.names:
                        want = raw[c]
                        if want.dtype.kind == "S":
                            self.assertEqual(list(d[c]), [v.decode() for v in want])
                        else:
                            np.testing.assert_array_equal(d[c].to_numpy(), want)

    # --- what a file lacks, and bad input --------------------------------------------------

    def call(self, name, *args):
        """(exit code, stdout, stderr) of a script's main() run in this process."""
        import contextlib
        import io

        module = __import__(name)
        out, err = io.StringIO(), io.StringIO()
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            try:
                code = module.main(list(args)) if name == "all" else self.vpcplot.main(module, list(args))
            except SystemExit as e:  # argparse
                code = e.code
        return code, out.getvalue(), err.getvalue()

    def test_notes_for_missing_data(self):
        lean = os.path.join(self.tmp, "lean.h5")
        shutil.copy(self.h5, lean)
        with h5py.File(lean, "r+") as f:
            dt = f["sweep"].dtype
            del f["sweep"]
            f.create_dataset("sweep", shape=(0,), dtype=dt)
            for arch in f["architectures"].values():
                for point in arch.values():
                    for rep in point.values():
                        del rep["spans"]
        out = os.path.join(self.tmp, "lean")
        code, stdout, stderr = self.call("all", lean, out, "--size", "900x700")
        self.assertEqual(code, 0, stderr)
        self.assertEqual(stderr.splitlines(), [
            "all.py: skipped hops: no per-hop spans (/architectures/*/point*/rep*/spans)",
            "all.py: skipped sweep: no sweep (/sweep is empty)"])
        self.assertEqual([os.path.basename(p) for p in stdout.split()],
                         [f"{n}.{e}" for n in FIGURES if n not in ("hops", "sweep") for e in ("png", "svg")])
        self.assertEqual(sorted(os.listdir(out)), sorted(os.path.basename(p) for p in stdout.split()))
        code, stdout, stderr = self.call("sweep", lean, out)
        self.assertEqual((code, stdout), (0, ""))
        self.assertEqual(stderr, "sweep.py: skipped sweep: no sweep (/sweep is empty)\n")

    def test_bad_input_exits_2(self):
        text = os.path.join(self.tmp, "notes.h5")
        with open(text, "w") as fh:
            fh.write("not hdf5\n")
        foreign = os.path.join(self.tmp, "foreign.h5")
        with h5py.File(foreign, "w") as f:
            f["x"] = np.arange(3)
        missing = os.path.join(self.tmp, "missing.h5")
        out = os.path.join(self.tmp, "bad")
        # each script as a program: the exit status and message
        for name in SCRIPTS:
            with self.subTest(script=name):
                r = script(name, missing, out)
                self.assertEqual((r.returncode, r.stdout), (2, ""))
                self.assertEqual(r.stderr, f"{name}.py: {missing}: no such file\n")
        # the other cases through the same main(), in this process
        cases = [(foreign, "not a vpcsim output file (no 'tool' attribute naming vpcsim)"),
                 (text, "not an HDF5 file (")]
        for name in SCRIPTS:
            for path, msg in cases:
                with self.subTest(script=name, file=os.path.basename(path)):
                    code, stdout, stderr = self.call(name, path, out)
                    self.assertEqual((code, stdout), (2, ""))
                    self.assertTrue(stderr.startswith(f"{name}.py: {path}: {msg}"), stderr)
        code, _, stderr = self.call("quantiles", self.h5, out, "--point", "7")
        self.assertEqual(code, 2)
        self.assertEqual(stderr, f"quantiles.py: {self.h5}: no sweep point 7 (the file has 2)\n")
        code, _, stderr = self.call("all", self.h5, out, "--replication", "9")
        self.assertEqual(code, 2)
        self.assertIn("no replication 9 (the file has", stderr)
        code, _, stderr = self.call("cost", self.h5, out, "--size", "12x")
        self.assertEqual(code, 2)
        self.assertIn("expected WIDTHxHEIGHT", stderr)
        self.assertFalse(os.path.exists(out))


if __name__ == "__main__":
    unittest.main(verbosity=2)
