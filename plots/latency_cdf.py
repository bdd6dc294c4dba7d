#!/usr/bin/python3
"""Latency CDF per architecture: one panel per workload, one line per architecture, log latency
axis; the share of all measured calls of the request records (pooled over the replications of
one sweep point, --point, default 0) answered within each latency. Failed and unfinished calls
count as never answered (latency +inf): a line ends at its success ratio, so an architecture that
drops calls cannot look faster than one that serves them late.

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
    """{workload: {arch: (sorted latencies (ms) of ok calls, number of calls)}} in scenario
    order."""
    out = {w: {} for w in run.workloads()}
    for arch, df in run.pooled("requests", point, ["workload", "status", "latency_ns"]).items():
        for wl, g in df.groupby("workload", sort=False):
            ok = g[g.status == "ok"]
            lat = np.sort(ok.latency_ns.to_numpy(dtype=np.float64)) / 1e6
            out.setdefault(wl, {})[arch] = (lat, len(g))
    return out


def p99_all(x, n):
    """The pooled p99 of all n calls, failures at +inf: inf when more than 1% failed."""
    k = -(-99 * n // 100)  # the ceil(0.99 n)-th smallest
    return x[k - 1] if k <= len(x) else np.inf


def steps(x, n):
    """(x, F) of the empirical CDF of the k = len(x) sorted successes among n calls (F = i / n),
    thinned to about MAX_STEPS points: evenly in probability up to 0.99 of the successes, then
    geometrically finer towards the largest value, keeping the exact p50, p90, p99 and p99.9 of
    all calls that the line reaches (the first point with F >= p is the p-quantile)."""
    k = len(x)
    f = np.arange(1, k + 1) / n
    if k <= MAX_STEPS:
        return x, f
    top = k / n
    p = np.concatenate([np.linspace(0.0, 0.99 * top, MAX_STEPS - 300),
                        top - np.geomspace(0.01 * top, 1.0 / n, 300),
                        [q for q in (0.5, 0.9, 0.99, 0.999) if q <= top], [top]])
    # the smallest i with (i + 1) / n >= p; the 1e-9 absorbs p * n rounding above an integer
    idx = np.unique(np.clip(np.ceil(p * n - 1e-9).astype(np.int64) - 1, 0, k - 1))
    return x[idx], f[idx]


def draw(fig, run, opts):
    data = latencies_ms(run, opts.point)
    wls = list(data)
    vpcplot.title(fig, run, "latency CDF of all calls (failed calls never arrive)",
                  vpcplot.subtitle(run, opts.point, "replications pooled; legend: share ok and "
                                   "pooled p99 of all calls (the report: mean over replications "
                                   "of the p99 of successful calls)"))
    axes = vpcplot.panels(fig, len(wls), sharey=True)
    for ax, wl in zip(axes, wls):
        lo, hi = np.inf, 0.0
        for arch in run.architectures():
            x, n = data[wl].get(arch, (np.array([]), 0))
            if n == 0:
                continue
            p99 = p99_all(x, n)
            label = (f"{arch}: {vpcplot.percent(len(x) / n)} of {n:,} ok, p99 "
                     + (f"{vpcplot.ms(p99)} ms" if np.isfinite(p99) else "\u221e (>1% failed)"))
            if len(x) == 0:
                ax.plot([], [], color=run.colour(arch), label=label)
                continue
            xs, fs = steps(x, n)
            ax.step(xs, fs, where="post", color=run.colour(arch), label=label)
            ax.plot([xs[-1]], [fs[-1]], marker="o", ms=3.5, color=run.colour(arch))
            lo, hi = min(lo, x[0]), max(hi, x[-1])
        ax.set_title(wl)
        ax.set_xscale("log")
        vpcplot.log_ms(ax.xaxis)
        ax.set_xlabel("latency (ms, log scale)")
        ax.set_ylim(0, 1.02)
        if hi == 0.0:
            vpcplot.empty_note(ax, "no successful calls")
            ax.legend(loc="lower right")
            continue
        ax.set_xlim(lo / 1.2, hi * 1.2)
        for q, lab in ((0.5, "p50"), (0.99, "p99")):
            ax.axhline(q, color="#999999", lw=0.7, ls=":")
            ax.text(1.0, q, f" {lab}", transform=ax.get_yaxis_transform(), va="center",
                    fontsize=7, color="#777777")
        ax.legend(loc="lower right", fontsize=7)
    axes[0].set_ylabel("share of calls answered (failed: never)")
    return fig


if __name__ == "__main__":
    sys.exit(vpcplot.main(sys.modules[__name__]))
