#!/usr/bin/python3
"""Latency quantiles with confidence intervals (points, not bars): p50, p90, p99 and p99.9 of successful calls, the mean
over replications with its 95% Student-t half-width (/summary), one panel per workload, the
architectures side by side; one sweep point (--point, default 0).

Usage: /usr/bin/python3 plots/quantiles.py FILE OUTDIR [--size WxH] [--point P]"""

import sys

import numpy as np

import vpcplot

NAME = "quantiles"
QUANTILES = ["p50", "p90", "p99", "p99.9"]
LOG_RATIO = 30  # a log latency axis (in every panel) when a panel's largest value is this many\n# times its smallest


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


def success(run, point, workload, arch):
    """The mean success ratio of a workload in an architecture, or NaN."""
    s = run.summary()
    m = s[(s.point == point) & (s.subject == workload) & (s.architecture == arch)
          & (s.metric == "success_ratio")]
    return float(m["mean"].iloc[0]) if len(m) else np.nan


def use_log(run, point, wls):
    """One scale for every panel: log when the quantiles of any panel span more than LOG_RATIO."""
    for wl in wls:
        t = table(run, point, wl)
        v = np.concatenate([m for m, _ in t.values()]) if t else np.array([])
        v = v[np.isfinite(v) & (v > 0)]
        if len(v) and v.max() / v.min() > LOG_RATIO:
            return True
    return False


def draw(fig, run, opts):
    reps = int(run.attr("replications", 1))
    conf = float(run.attr("confidence", 0.95))
    note = (f"mean of {reps} replications with its {conf:.0%} confidence interval" if reps > 1
            else "one replication: no confidence intervals")
    vpcplot.title(fig, run, "latency quantiles of successful calls",
                  vpcplot.subtitle(run, point=opts.point, extra=note))
    wls = run.workloads()
    axes = vpcplot.panels(fig, len(wls))
    archs = run.architectures()
    width = 0.8 / max(1, len(archs))
    x = np.arange(len(QUANTILES))
    log = use_log(run, opts.point, wls)
    for ax, wl in zip(axes, wls):
        t = table(run, opts.point, wl)
        drawn = False
        for i, arch in enumerate(archs):
            ok_share = success(run, opts.point, wl, arch)
            label = f"{arch} ({vpcplot.percent(ok_share)} succeeded)"
            pos = x + (i - (len(archs) - 1) / 2) * width
            mean, hw = t.get(arch, (np.full(len(QUANTILES), np.nan),) * 2)
            ok = np.isfinite(mean) & (mean > 0)
            err = np.where(np.isfinite(hw), hw, 0.0)
            # a point with its interval (a bar's length means nothing on a log axis); an
            # interval cannot reach below zero (nor, on a log axis, below a third of the value)
            lower = np.minimum(err, mean * (2 / 3 if log else 1.0))
            ax.errorbar(pos[ok], mean[ok], yerr=np.vstack([lower, err])[:, ok], fmt="o",
                        ms=5, color=run.colour(arch), ecolor=run.colour(arch), elinewidth=1.2,
                        capsize=3, label=label)
            drawn |= bool(ok.any())
        ax.set_title(wl)
        ax.set_xticks(x, QUANTILES)
        ax.set_xlim(-0.5, len(QUANTILES) - 0.5)
        ax.set_xlabel("quantile")
        if log:  # headroom above the points for the legend
            ax.set_ylabel("latency (ms, log scale)")
            ax.set_yscale("log")
            vpcplot.log_ms(ax.yaxis)
            if drawn:
                lo, hi = ax.get_ylim()
                ax.set_ylim(lo, hi * 4)
        else:
            ax.set_ylabel("latency (ms)")
            ax.set_ylim(0, ax.get_ylim()[1] * 1.3)
        ax.grid(axis="x", visible=False)
        for k in range(1, len(QUANTILES)):
            ax.axvline(k - 0.5, color="#eeeeee", lw=0.8)
        if drawn:
            ax.legend(loc="upper left", handletextpad=0.2)
        else:
            vpcplot.empty_note(ax, "no successful calls")
    return fig


if __name__ == "__main__":
    sys.exit(vpcplot.main(sys.modules[__name__]))
