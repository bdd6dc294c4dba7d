#!/usr/bin/python3
"""Latency quantiles with confidence bars: p50, p90, p99 and p99.9 of successful calls, the mean
over replications with its 95% Student-t half-width (/summary), one panel per workload, the
architectures side by side; one sweep point (--point, default 0).

Usage: /usr/bin/python3 plots/quantiles.py FILE OUTDIR [--size WxH] [--point P]"""

import sys

import numpy as np

import vpcplot

NAME = "quantiles"
QUANTILES = ["p50", "p90", "p99", "p99.9"]
LOG_RATIO = 30  # a log latency axis when the largest bar is this many times the smallest


def check(run, opts):
    s = run.summary()
    if not ((s.point == opts.point) & s.metric.isin(QUANTILES)).any():
        raise vpcplot.Skip("no latency quantiles in /summary")


def default_size(run, opts):
    rows, cols = vpcplot.grid(len(run.workloads()) or 1)
    return (max(520, 110 * len(run.architectures()) + 300) * cols + 120, 420 * rows + 110)


def table(run, point, workload):
    """{arch: (means[4], half_widths[4])} in ms, NaN where missing."""
    s = run.summary()
    s = s[(s.point == point) & (s.subject == workload) & s.metric.isin(QUANTILES)]
    out = {}
    for arch in run.architectures():
        a = s[s.architecture == arch].set_index("metric")
        if a.empty:
            continue
        out[arch] = (np.array([a["mean"].get(q, np.nan) for q in QUANTILES], dtype=float),
                     np.array([a["half_width"].get(q, np.nan) for q in QUANTILES], dtype=float))
    return out


def draw(fig, run, opts):
    reps = int(run.attr("replications", 1))
    conf = float(run.attr("confidence", 0.95))
    note = (f"mean of {reps} replications, bars: {conf:.0%} confidence interval" if reps > 1
            else "one replication: no confidence intervals")
    vpcplot.title(fig, run, "latency quantiles of successful calls",
                  vpcplot.subtitle(run, point=opts.point, extra=note))
    wls = run.workloads()
    axes = vpcplot.panels(fig, len(wls))
    archs = run.architectures()
    width = 0.8 / max(1, len(archs))
    x = np.arange(len(QUANTILES))
    for ax, wl in zip(axes, wls):
        t = table(run, opts.point, wl)
        means = np.concatenate([m for m, _ in t.values()]) if t else np.array([])
        means = means[np.isfinite(means) & (means > 0)]
        log = len(means) > 0 and means.max() / means.min() > LOG_RATIO
        drawn = False
        for i, arch in enumerate(archs):
            if arch not in t:
                continue
            mean, hw = t[arch]
            ok = np.isfinite(mean) & (mean > 0)
            if not ok.any():
                continue
            err = np.where(np.isfinite(hw), hw, 0.0)
            # a bar cannot go below zero (nor, on a log axis, below a third of the bar)
            lower = np.minimum(err, mean * (2 / 3 if log else 1.0))
            pos = x + (i - (len(archs) - 1) / 2) * width
            ax.bar(pos[ok], mean[ok], width * 0.92, color=run.colour(arch), label=arch,
                   yerr=np.vstack([lower, err])[:, ok], capsize=2.5,
                   error_kw={"elinewidth": 0.9, "ecolor": "#333333"})
            drawn = True
        ax.set_title(wl)
        ax.set_xticks(x, QUANTILES)
        ax.set_xlabel("quantile")
        if log:
            ax.set_ylabel("latency (ms, log scale)")
            ax.set_yscale("log")
            vpcplot.log_ms(ax.yaxis)
        else:
            ax.set_ylabel("latency (ms)")
            ax.set_ylim(bottom=0)
        ax.grid(axis="x", visible=False)
        if drawn:
            ax.legend(loc="upper left")
        else:
            vpcplot.empty_note(ax, "no successful calls")
    return fig


if __name__ == "__main__":
    sys.exit(vpcplot.main(sys.modules[__name__]))
