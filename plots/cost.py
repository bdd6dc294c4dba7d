#!/usr/bin/python3
"""Cost against throughput and cost per million requests (/summary): left, the monthly total
(USD, 730 h) against the completed calls per second of all workloads, one marker per
architecture and sweep point (joined in sweep order); right, the cost per million completed
calls of each architecture at one sweep point (--point, default 0). Bars: 95% confidence
intervals over replications.

Usage: /usr/bin/python3 plots/cost.py FILE OUTDIR [--size WxH] [--point P]"""

import sys

import numpy as np

import vpcplot

NAME = "cost"
LOG_RATIO = 30  # a log axis when the largest value is this many times the smallest


def check(run, opts):
    if run.metric("monthly_total").empty:
        raise vpcplot.Skip("no monthly cost in /summary")


def default_size(run, opts):
    return (1300, 560)


def hw(v):
    return np.where(np.isfinite(v), v, 0.0)


def throughput(run, arch):
    """(points, completed calls/s summed over workloads, its half-width: root sum of squares)."""
    c = run.metric("completed")
    c = c[c.architecture == arch]
    g = c.groupby("point")
    sq = g.half_width.apply(lambda h: float(np.sqrt(np.nansum(np.square(h)))))
    return g["mean"].sum(), sq


def per_arch(run, metric, arch):
    m = run.metric(metric, subject="")
    return m[m.architecture == arch].set_index("point").sort_index()


def label_points(ax, run, arch, pts, x, y):
    """Labels the sweep points along a line with their values; points that fall on the same spot
    (within 1.5% of either axis span, e.g. a saturated architecture) share one label."""
    sw = run.sweep()
    texts = [", ".join(sw[sw.point == p].value) or str(p) for p in pts]
    span_x = max(float(np.ptp(x)), abs(float(np.max(x)))) or 1.0
    span_y = max(float(np.ptp(y)), abs(float(np.max(y)))) or 1.0
    groups = []  # [x, y, [texts]]
    for xi, yi, t in zip(x, y, texts):
        for g in groups:
            if abs(g[0] - xi) <= 0.015 * span_x and abs(g[1] - yi) <= 0.015 * span_y:
                g[2].append(t)
                break
        else:
            groups.append([xi, yi, [t]])
    for xi, yi, ts in groups:
        ax.annotate(" & ".join(ts) if len(ts) > 1 else ts[0], (xi, yi),
                    textcoords="offset points", xytext=(4, 4), fontsize=6.5,
                    color=run.colour(arch))


def draw_total(ax, run):
    from matplotlib.lines import Line2D

    ys, xs, handles = [], [], []
    for arch in run.architectures():
        tp, tp_hw = throughput(run, arch)
        mt = per_arch(run, "monthly_total", arch)
        pts = [p for p in mt.index if p in tp.index]
        if not pts:
            continue
        x, xe = tp[pts].to_numpy(float), tp_hw[pts].to_numpy(float)
        y, ye = mt.loc[pts, "mean"].to_numpy(float), mt.loc[pts, "half_width"].to_numpy(float)
        ax.errorbar(x, y, xerr=hw(xe), yerr=hw(ye), color=run.colour(arch), marker="o", ms=5,
                    capsize=2.5, lw=1.4, elinewidth=0.8)
        # the legend shows a line and a marker, not the error bars' glyph
        handles.append(Line2D([], [], color=run.colour(arch), marker="o", ms=5, lw=1.4,
                              label=arch))
        if len(pts) > 1:
            label_points(ax, run, arch, pts, x, y)
        ys += list(y)
        xs += list(x)
    if not vpcplot.log_if_spread(ax, "y", ys, LOG_RATIO) and ys:
        top = max(ys) * 1.08 or 1.0
        ax.set_ylim(-0.04 * top, top)  # a $0 line stands clear of the axis
    vpcplot.log_if_spread(ax, "x", xs, LOG_RATIO)
    ax.yaxis.set_major_formatter(vpcplot.usd_formatter())
    ax.set_xlabel("completed calls per second (all workloads)")
    ax.set_ylabel("monthly total (USD, 730 h)")
    title = "monthly cost against throughput"
    keys = list(dict.fromkeys(run.sweep().parameter))
    if len(run.points()) > 1 and keys:
        title += f"\n(points labelled with {', '.join(vpcplot.short_key(k) for k in keys)})"
    ax.set_title(title)
    ax.legend(handles=handles, loc="best")


def draw_per_million(ax, run, point):
    archs, vals, errs = [], [], []
    for arch in run.architectures():
        m = per_arch(run, "per_million_completed", arch)
        if point in m.index:
            archs.append(arch)
            vals.append(float(m.at[point, "mean"]))
            errs.append(float(m.at[point, "half_width"]))
    vals, errs = np.array(vals), hw(np.array(errs))
    x = np.arange(len(archs))
    log = vpcplot.log_if_spread(ax, "y", vals, LOG_RATIO)
    lower = np.minimum(errs, vals * (2 / 3 if log else 1.0))
    ax.bar(x, vals, 0.6, color=[run.colour(a) for a in archs], yerr=np.vstack([lower, errs]),
           capsize=3, error_kw={"elinewidth": 0.9, "ecolor": "#333333"})
    for xi, v, a in zip(x, vals, archs):  # a $0 bar: a visible stroke above the axis
        if v == 0:
            ax.plot([xi - 0.3, xi + 0.3], [0, 0], color=run.colour(a), lw=3, solid_capstyle="butt")
    for xi, v, e in zip(x, vals, errs):
        ax.annotate(vpcplot.usd(v), (xi, v + e), textcoords="offset points", xytext=(0, 3),
                    ha="center", fontsize=7.5)
    vpcplot.category_ticks(ax, archs)
    ax.yaxis.set_major_formatter(vpcplot.usd_formatter())
    ax.set_ylabel("USD per million completed calls" + (" (log scale)" if log else ""))
    ax.set_title("cost per million completed calls")
    ax.grid(axis="x", visible=False)
    if log:
        ax.set_ylim(top=ax.get_ylim()[1] * 2)
    else:
        top = ax.get_ylim()[1] * 1.1
        ax.set_ylim(-0.03 * top, top)


def draw(fig, run, opts):
    vpcplot.title(fig, run, "cost",
                  vpcplot.subtitle(run, opts.point, "right: this sweep point" if
                                   len(run.points()) > 1 else ""))
    left, right = fig.subplots(1, 2, gridspec_kw={"width_ratios": [1.5, 1]})
    draw_total(left, run)
    draw_per_million(right, run, opts.point)
    return fig


if __name__ == "__main__":
    sys.exit(vpcplot.main(sys.modules[__name__]))
