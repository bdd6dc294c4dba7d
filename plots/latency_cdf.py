#!/usr/bin/python3
"""Latency CDF per architecture: one panel per workload, one line per architecture, log latency
axis; successful calls (status ok) of the request records, pooled over the replications of one
sweep point (--point, default 0).

Usage: /usr/bin/python3 plots/latency_cdf.py FILE OUTDIR [--size WxH] [--point P]"""

import sys

import numpy as np

import vpcplot

NAME = "latency_cdf"
MAX_STEPS = 1500  # points drawn per line (evenly in probability, plus the last 1% finely)


def check(run, opts):
    if not run.pooled_paths("requests", opts.point):
        raise vpcplot.Skip("no request records (/architectures/*/point*/rep*/requests)")


def default_size(run, opts):
    rows, cols = vpcplot.grid(len(run.workloads()) or 1)
    return (560 * cols + 160, 420 * rows + 110)


def latencies_ms(run, point):
    """{workload: {arch: sorted latencies (ms) of ok calls}} in scenario order."""
    out = {w: {} for w in run.workloads()}
    for arch, df in run.pooled("requests", point, ["workload", "status", "latency_ns"]).items():
        ok = df[df.status == "ok"]
        for wl, g in ok.groupby("workload", sort=False):
            out.setdefault(wl, {})[arch] = np.sort(g.latency_ns.to_numpy(dtype=np.float64)) / 1e6
    return out


def steps(x):
    """(x, F) of the empirical CDF of sorted x, thinned to about MAX_STEPS points: evenly in
    probability up to 0.99, then geometrically finer towards the largest value, keeping the
    exact p50, p90, p99 and p99.9 (the first point with F >= p is the sample's p-quantile)."""
    n = len(x)
    f = np.arange(1, n + 1) / n
    if n <= MAX_STEPS:
        return x, f
    p = np.concatenate([np.linspace(0.0, 0.99, MAX_STEPS - 300),
                        1.0 - np.geomspace(0.01, 1.0 / n, 300), [0.5, 0.9, 0.99, 0.999, 1.0]])
    # the smallest i with (i + 1) / n >= p; the 1e-9 absorbs p * n rounding above an integer
    idx = np.unique(np.clip(np.ceil(p * n - 1e-9).astype(np.int64) - 1, 0, n - 1))
    return x[idx], f[idx]


def draw(fig, run, opts):
    data = latencies_ms(run, opts.point)
    wls = list(data)
    vpcplot.title(fig, run, "latency CDF of successful calls",
                  vpcplot.subtitle(run, opts.point, "replications pooled"))
    axes = vpcplot.panels(fig, len(wls), sharey=True)
    for ax, wl in zip(axes, wls):
        lo, hi = np.inf, 0.0
        for arch in run.architectures():
            x = data[wl].get(arch)
            if x is None or len(x) == 0:
                continue
            xs, fs = steps(x)
            ax.step(xs, fs, where="post", color=run.colour(arch),
                    label=f"{arch} (n={len(x):,}, p99 {vpcplot.ms(np.quantile(x, 0.99, method='inverted_cdf'))} ms)")
            lo, hi = min(lo, x[0]), max(hi, x[-1])
        ax.set_title(wl)
        ax.set_xscale("log")
        vpcplot.log_ms(ax.xaxis)
        ax.set_xlabel("latency (ms, log scale)")
        ax.set_ylim(0, 1.02)
        if hi == 0.0:
            vpcplot.empty_note(ax, "no successful calls")
            continue
        ax.set_xlim(lo / 1.2, hi * 1.2)
        for q, lab in ((0.5, "p50"), (0.99, "p99")):
            ax.axhline(q, color="#999999", lw=0.7, ls=":")
            ax.text(1.0, q, f" {lab}", transform=ax.get_yaxis_transform(), va="center",
                    fontsize=7, color="#777777")
        ax.legend(loc="lower right")
    axes[0].set_ylabel("fraction of successful calls")
    return fig


if __name__ == "__main__":
    sys.exit(vpcplot.main(sys.modules[__name__]))
