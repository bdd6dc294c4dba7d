"""Shared helpers of the vpcsim plot scripts: open and check a `vpcsim run -o` file (docs/output.md),
read its tables into pandas with the fixed-length strings decoded, one colour per architecture
for every figure, titles with the scenario name, deterministic PNG (150 dpi) + SVG output, and
the command line every script shares (FILE OUTDIR [--size WxH] [--point P] [--replication R]).

Run with Debian's Python (/usr/bin/python3: h5py, matplotlib, numpy, pandas)."""

import argparse
import os
import re
import sys

import numpy as np

DPI = 150
EXIT_INPUT = 2  # a missing, unreadable or non-vpcsim file, or a bad option

# Okabe-Ito, colour-blind safe; the yellow comes last (weak on white).
ARCH_PALETTE = ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000",
                "#999933", "#882255", "#F0E442"]
FAULT_COLOUR = "#d62728"
WARMUP_COLOUR = "#bbbbbb"

STYLE = {
    "svg.hashsalt": "vpcsim",  # fixed ids: the same file gives the same SVG
    "svg.fonttype": "none",  # text stays text (searchable, smaller)
    "font.size": 9,
    "axes.titlesize": 10,
    "axes.labelsize": 9,
    "figure.titlesize": 12,
    "legend.fontsize": 8,
    "legend.frameon": False,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.grid": True,
    "grid.color": "#dddddd",
    "grid.linewidth": 0.6,
    "axes.axisbelow": True,
    "lines.linewidth": 1.4,
    "path.simplify": True,
}


def as_str(v):
    """bytes (a fixed-length HDF5 string) -> str; anything else as it is."""
    return v.decode("utf-8", "replace") if isinstance(v, bytes) else v


class InputError(Exception):
    """The file cannot be plotted at all (exit 2)."""


class Skip(Exception):
    """The file lacks what one figure needs (a note, not an error)."""


def _decode_column(col):
    """Fixed-length NUL-terminated UTF-8 bytes -> Python str (object array), decoding each
    distinct value once."""
    uniq, inv = np.unique(col, return_inverse=True)
    names = np.array([u.decode("utf-8", "replace") for u in uniq], dtype=object)
    return names[inv] if len(col) else np.array([], dtype=object)


def frame(arr):
    """A compound numpy array -> pandas DataFrame with string fields decoded."""
    import pandas as pd

    cols = {}
    for name in arr.dtype.names:
        col = arr[name]
        cols[name] = _decode_column(col) if col.dtype.kind == "S" else col
    return pd.DataFrame(cols, columns=list(arr.dtype.names))


class Run:
    """An open vpcsim output file."""

    def __init__(self, path):
        import h5py

        if not os.path.exists(path):
            raise InputError(f"{path}: no such file")
        try:
            self.h5 = h5py.File(path, "r")
        except OSError as e:
            raise InputError(f"{path}: not an HDF5 file ({e})") from None
        tool = self.h5.attrs.get("tool")
        if isinstance(tool, bytes):
            tool = tool.decode("utf-8", "replace")
        if not isinstance(tool, str) or not tool.startswith("vpcsim"):
            self.h5.close()
            raise InputError(f"{path}: not a vpcsim output file (no 'tool' attribute naming vpcsim)")
        if "summary" not in self.h5 or "architectures" not in self.h5:
            self.h5.close()
            raise InputError(f"{path}: not a vpcsim run file (no /summary or /architectures)")
        self.path = path
        self._cache = {}

    def close(self):
        self.h5.close()

    # --- attributes --------------------------------------------------------------------------
    def attr(self, name, default=None):
        v = self.h5.attrs.get(name, default)
        if isinstance(v, bytes):
            v = v.decode("utf-8", "replace")
        if isinstance(v, np.generic):
            v = v.item()
        return v

    @property
    def scenario(self):
        return self.attr("scenario_name", "") or os.path.basename(self.path)

    @property
    def complete(self):
        return int(self.attr("complete", 1)) == 1

    # --- tables -----------------------------------------------------------------------------
    def has(self, path):
        return path in self.h5

    def table(self, path, fields=None):
        """The dataset at path as a DataFrame (only `fields` when given), strings decoded."""
        ds = self.h5[path]
        arr = ds.fields(list(fields))[()] if fields else ds[()]
        if fields and len(fields) == 1:  # h5py returns a plain array for one field
            arr = np.rec.fromarrays([arr], names=list(fields))
        return frame(np.asarray(arr))

    def summary(self):
        if "summary" not in self._cache:
            self._cache["summary"] = self.table("summary")
        return self._cache["summary"]

    def sweep(self):
        if "sweep" not in self._cache:
            import pandas as pd

            self._cache["sweep"] = (self.table("sweep") if self.has("sweep")
                                    else pd.DataFrame(columns=["point", "parameter", "value"]))
        return self._cache["sweep"]

    def faults(self):
        """The /faults table (an empty frame when the file has none)."""
        import pandas as pd

        if self.has("faults"):
            return self.table("faults")
        return pd.DataFrame(columns=["kind", "target", "az", "start_ns", "end_ns", "error_rate", "add"])

    def architectures(self):
        """Architecture names in scenario order (the root attribute architecture_names, else
        the order of /summary)."""
        if "architectures" in self._cache:
            return self._cache["architectures"]
        listed = self.h5.attrs.get("architecture_names")
        names = [] if listed is None else [as_str(a) for a in np.atleast_1d(listed)]
        names += [a for a in dict.fromkeys(self.summary()["architecture"]) if a not in names]
        for a in self.h5["architectures"]:  # any without a summary row, alphabetically
            if a not in names:
                names.append(a)
        self._cache["architectures"] = names
        return names

    def workloads(self):
        """Workload names in scenario order (subjects with an `offered` metric)."""
        s = self.summary()
        return list(dict.fromkeys(s.loc[s.metric == "offered", "subject"]))

    def points(self):
        return sorted(set(int(p) for p in self.summary()["point"]))

    def groups(self, arch, point):
        """Paths of the replication groups of arch at point, by replication number."""
        base = f"architectures/{arch}/point{point}"
        if base not in self.h5:
            return []
        reps = [k for k in self.h5[base] if re.fullmatch(r"rep\d+", k)]
        return [f"{base}/{k}" for k in sorted(reps, key=lambda k: int(k[3:]))]

    def pooled_paths(self, name, point):
        """Paths of table `name` in every replication group of point that has it."""
        return [f"{g}/{name}" for a in self.architectures() for g in self.groups(a, point)
                if f"{g}/{name}" in self.h5]

    def pooled(self, name, point, fields=None):
        """{arch: DataFrame of table `name` pooled over the replications of point} for the
        architectures that have it."""
        import pandas as pd

        out = {}
        for arch in self.architectures():
            parts = [self.table(f"{g}/{name}", fields) for g in self.groups(arch, point)
                     if f"{g}/{name}" in self.h5]
            if parts:
                out[arch] = pd.concat(parts, ignore_index=True)
        return out

    def colour(self, arch):
        archs = self.architectures()
        i = archs.index(arch) if arch in archs else len(archs)
        return ARCH_PALETTE[i % len(ARCH_PALETTE)]

    def metric(self, metric, point=None, subject=None):
        """Rows of /summary for one metric (optionally one point and subject)."""
        s = self.summary()
        m = s.metric == metric
        if point is not None:
            m &= s.point == point
        if subject is not None:
            m &= s.subject == subject
        return s[m]

    def point_label(self, point):
        """'rate = 100/s' for a sweep point (empty without a sweep)."""
        sw = self.sweep()
        rows = sw[sw.point == point]
        return ", ".join(f"{short_key(p)} = {v}" for p, v in zip(rows.parameter, rows.value))


def short_key(key):
    """A swept key for labels: workloads.get-secret.traffic.rate -> get-secret rate,
    overrides.service_s3.latency -> service_s3 latency, else its last two parts
    (architectures.a.sites.dc1.direct_connect.distance_km -> direct_connect.distance_km)."""
    parts = key.split(".")
    if len(parts) >= 3 and parts[0] in ("workloads", "overrides"):
        return f"{parts[1]} {parts[-1]}"
    return ".".join(parts[-2:])


_VALUE = re.compile(r"^\s*([-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?)\s*(.*?)\s*$")


def parse_value(text):
    """'300/s' -> (300.0, '/s'); '1.5ms' -> (1.5, 'ms'); not numeric -> (None, text)."""
    m = _VALUE.match(str(text))
    if not m:
        return None, str(text)
    return float(m.group(1)), m.group(2)


# --- figures --------------------------------------------------------------------------------


def setup():
    import matplotlib

    matplotlib.use("Agg")
    matplotlib.rcParams.update(STYLE)


def figure(size_px):
    """A Figure of exactly size_px = (width, height) pixels at DPI, constrained layout."""
    from matplotlib.figure import Figure

    w, h = size_px
    # +0.5 px: Agg truncates the float size, so W/DPI*DPI = W - 1e-13 would lose a pixel.
    return Figure(figsize=((w + 0.5) / DPI, (h + 0.5) / DPI), dpi=DPI, layout="constrained")


def title(fig, run, what, detail=""):
    """The figure title: 'SCENARIO: what', and the detail (sweep point, notes) on a second line."""
    import textwrap

    text = f"{run.scenario}: {what}"
    # characters that fit across: 11 pt at DPI is about 13 px a character on average (9 px
    # clipped long subtitles at the default sizes)
    width = max(30, int(fig.get_figwidth() * DPI / 13))
    lines = textwrap.wrap(text, width) + (textwrap.wrap(detail, width) if detail else [])
    fig.suptitle("\n".join(lines), fontsize=11, linespacing=1.5)
    return text


def subtitle(run, point, extra=""):
    """The detail line: the sweep point, replications, a warning when incomplete."""
    bits = []
    if len(run.points()) > 1 or run.point_label(point):
        lab = run.point_label(point)
        bits.append(f"sweep point {point}" + (f" ({lab})" if lab else ""))
    if extra:
        bits.append(extra)
    if not run.complete:
        bits.append("INCOMPLETE FILE (interrupted run)")
    return "; ".join(bits)


def grid(n, max_cols=3):
    """(rows, cols) for n panels."""
    cols = min(n, max_cols) if n > 0 else 1
    return (n + cols - 1) // cols, cols


def panels(fig, n, max_cols=3, **kw):
    rows, cols = grid(n, max_cols)
    axes = fig.subplots(rows, cols, squeeze=False, **kw).ravel()
    for ax in axes[n:]:
        ax.set_visible(False)
    return list(axes[:n])


def _ms_text(v):
    if v <= 0:
        return ""
    return f"{v:,.0f}" if v >= 1 else f"{v:.3g}"


def _ms_ticks(is_minor):
    """Tick labels of a log latency axis in plain ms; minor ticks (is_minor) labelled at 2 and 5
    when the view spans under 3 decades, all of them under 0.8 decades."""
    from matplotlib.ticker import Formatter

    class Ms(Formatter):
        def __call__(self, x, pos=None):
            if x <= 0:
                return ""
            if not is_minor:
                return _ms_text(x)
            lo, hi = sorted(self.axis.get_view_interval())
            if lo <= 0:
                return ""
            decades = np.log10(hi / lo)
            mantissa = round(x / 10 ** np.floor(np.log10(x) + 1e-9), 6)
            if decades <= 0.8 or (decades <= 3.0 and mantissa in (2.0, 5.0)):
                return _ms_text(x)
            return ""

    return Ms()


def log_ms(axis):
    """A log latency axis (an Axis: ax.xaxis or ax.yaxis) labelled in plain ms (0.1, 1, 10,
    100, 1,000), with labelled minor ticks when it spans few decades."""
    axis.set_major_formatter(_ms_ticks(False))
    axis.set_minor_formatter(_ms_ticks(True))


def ms(v):
    """A latency in ms for labels: 3 significant digits, no exponent (0.123, 12.3, 337, 2,104)."""
    if not np.isfinite(v):
        return "-"
    if abs(v) >= 100:
        return f"{v:,.0f}"
    if abs(v) >= 10:
        return f"{v:.1f}"
    if abs(v) >= 1:
        return f"{v:.2f}"
    return f"{v:.3g}"


def percent(v):
    """A share as a percentage for labels: 100%, 99.5%, 68.9%, 0.12%; '-' when unknown."""
    if not np.isfinite(v):
        return "-"
    p = 100.0 * v
    if p == 100.0 or p == 0.0:
        return f"{p:.0f}%"
    return f"{p:.1f}%" if 1.0 <= p < 99.95 else f"{p:.2g}%" if p < 1.0 else f"{p:.2f}%"


def usd(v):
    if not np.isfinite(v):
        return "-"
    if abs(v) >= 1000:
        return f"${v:,.0f}"
    if abs(v) >= 1:
        return f"${v:,.2f}"
    return f"${v:.3g}"


def log_if_spread(ax, axis, values, ratio=30.0):
    """Log scale on axis ('x' or 'y') when the positive values span more than ratio; True if so."""
    v = np.asarray(values, dtype=float)
    v = v[np.isfinite(v) & (v > 0)]
    if len(v) and v.max() / v.min() > ratio:
        (ax.set_yscale if axis == "y" else ax.set_xscale)("log")
        return True
    return False


def usd_formatter():
    """Axis tick labels in dollars: $0.01, $1, $100,000."""
    from matplotlib.ticker import FuncFormatter

    return FuncFormatter(lambda v, _pos: f"${v:,.10g}" if v >= 0 else f"-${-v:,.10g}")


def category_ticks(ax, names):
    """Tick labels for one bar per name, slanted when they would collide."""
    import numpy as np

    slant = sum(len(n) for n in names) > 36 or len(names) > 4
    ax.set_xticks(np.arange(len(names)), names, rotation=20 if slant else 0,
                  ha="right" if slant else "center")


def empty_note(ax, text):
    ax.text(0.5, 0.5, text, ha="center", va="center", transform=ax.transAxes, color="#777777")


def save(fig, outdir, name):
    """Write OUTDIR/name.png (DPI) and OUTDIR/name.svg; returns their paths. Each is written
    under a temporary name and renamed, so a failed run leaves no partial image."""
    os.makedirs(outdir, exist_ok=True)
    paths = []
    for ext, meta in (("png", {"Software": None}), ("svg", {"Date": None, "Creator": None})):
        path = os.path.join(outdir, f"{name}.{ext}")
        tmp = f"{path}.tmp.{os.getpid()}"
        try:
            fig.savefig(tmp, format=ext, dpi=DPI, metadata=meta)
            os.replace(tmp, path)
        finally:
            if os.path.exists(tmp):
                os.remove(tmp)
        paths.append(path)
    return paths


# --- command line ---------------------------------------------------------------------------


def size_arg(text):
    m = re.fullmatch(r"(\d+)[xX](\d+)", text.strip())
    if not m or not (100 <= int(m.group(1)) <= 10000 and 100 <= int(m.group(2)) <= 10000):
        raise argparse.ArgumentTypeError(f"'{text}': expected WIDTHxHEIGHT in pixels, 100 to 10000")
    return int(m.group(1)), int(m.group(2))


def parser(prog, description):
    p = argparse.ArgumentParser(prog=prog, description=description)
    p.add_argument("file", help="HDF5 file written by `vpcsim run -o`")
    p.add_argument("outdir", help="directory for the PNG and SVG (created if missing)")
    p.add_argument("--size", type=size_arg, default=None,
                   help="image size in pixels, WIDTHxHEIGHT (PNG at 150 dpi; default depends on "
                        "the figure)")
    p.add_argument("--point", type=int, default=0, help="sweep point (0-based; default 0)")
    p.add_argument("--replication", type=int, default=0,
                   help="replication for the time series (0-based; default 0)")
    return p


def check_options(run, opts):
    if opts.point not in run.points():
        raise InputError(f"{run.path}: no sweep point {opts.point} "
                         f"(the file has {len(run.points())})")
    reps = int(run.attr("replications", 1))
    if not 0 <= opts.replication < reps:
        raise InputError(f"{run.path}: no replication {opts.replication} (the file has {reps})")


def render(module, run, opts, outdir):
    """Draw one figure module and save it; returns the paths written (raises Skip)."""
    module.check(run, opts)
    size = opts.size or module.default_size(run, opts)
    fig = figure(size)
    module.draw(fig, run, opts)
    return save(fig, outdir, module.NAME)


def main(module, argv=None):
    """The command line of a single-figure script. Exit 0: written (or skipped with a note on
    stderr: the file lacks the data); 2: bad input."""
    prog = os.path.basename(module.__file__)
    opts = parser(prog, module.__doc__.split("\n\n")[0]).parse_args(argv)
    try:
        run = Run(opts.file)
    except InputError as e:
        print(f"{prog}: {e}", file=sys.stderr)
        return EXIT_INPUT
    try:
        check_options(run, opts)
        setup()
        for path in render(module, run, opts, opts.outdir):
            print(path)
    except InputError as e:
        print(f"{prog}: {e}", file=sys.stderr)
        return EXIT_INPUT
    except Skip as e:
        print(f"{prog}: skipped {module.NAME}: {e}", file=sys.stderr)
    finally:
        run.close()
    return 0
