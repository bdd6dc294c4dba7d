#!/usr/bin/python3
"""Sweep curves: the p99 latency of each workload and the monthly total cost against the swept
parameter's value, one line per architecture with its 95% confidence band (/summary, /sweep).
With several swept keys the x axis is the first numeric key with more than one value and each
combination of the others gets its own line style. A file without a sweep is skipped.

Usage: /usr/bin/python3 plots/sweep.py FILE OUTDIR [--size WxH]"""

import sys

import numpy as np

import vpcplot

NAME = "sweep"
STYLES = ["-", "--", ":", "-."]
MARKERS = ["o", "s", "^", "D", "v"]
UNIT_WORDS = {"/s": "per second", "": ""}


def check(run, opts):
    if run.sweep().empty or len(run.points()) < 2:
        raise vpcplot.Skip("no sweep (/sweep is empty)")


def default_size(run, opts):
    rows, cols = vpcplot.grid(len(run.workloads()) + 1)
    return (480 * cols + 220, 400 * rows + 110)


def axis_key(sweep):
    """(key, {point: numeric x or None}, unit, categorical labels) of the x axis."""
    keys = list(dict.fromkeys(sweep.parameter))
    by_key = {k: sweep[sweep.parameter == k].set_index("point")["value"] for k in keys}
    best = None
    for k in keys:
        vals = by_key[k]
        if vals.nunique() < 2:
            continue
        parsed = [vpcplot.parse_value(v) for v in vals]
        units = {u for _, u in parsed}
        numeric = all(x is not None for x, _ in parsed) and len(units) == 1
        if numeric:
            return k, {int(p): x for p, (x, _) in zip(vals.index, parsed)}, units.pop(), None
        best = best or k
    k = best or keys[0]
    labels = list(dict.fromkeys(by_key[k]))
    return k, {int(p): float(labels.index(v)) for p, v in by_key[k].items()}, None, labels


def others(sweep, key):
    """{point: 'k2=v2, k3=v3'} for the keys besides the x axis."""
    rest = sweep[sweep.parameter != key]
    out = {}
    for p, g in rest.groupby("point"):
        out[int(p)] = ", ".join(f"{vpcplot.short_key(k)}={v}" for k, v in zip(g.parameter, g.value))
    return out


def curve(ax, run, rows, xs, groups, arch, floor=0.0):
    """One line (per other-key combination) of metric rows against x, with its band (its lower
    edge at least floor x the value: a log axis cannot show zero)."""
    for j, (combo, pts) in enumerate(groups.items()):
        r = rows[(rows.architecture == arch) & rows.point.isin(pts)].sort_values("point")
        if r.empty:
            continue
        x = np.array([xs[int(p)] for p in r.point])
        order = np.argsort(x, kind="stable")
        x = x[order]
        y = r["mean"].to_numpy(float)[order]
        h = r["half_width"].to_numpy(float)[order]
        c = run.colour(arch)
        label = arch + (f" ({combo})" if combo else "")
        ax.plot(x, y, color=c, ls=STYLES[j % len(STYLES)], marker=MARKERS[j % len(MARKERS)],
                ms=4, label=label)
        if np.isfinite(h).any():
            h = np.where(np.isfinite(h), h, 0.0)
            ax.fill_between(x, np.maximum(y - h, y * floor), y + h, color=c, alpha=0.15, lw=0)


def draw(fig, run, opts):
    sw = run.sweep()
    key, xs, unit, labels = axis_key(sw)
    rest = others(sw, key)
    groups = {}
    for p in run.points():
        groups.setdefault(rest.get(p, ""), []).append(p)
    reps = int(run.attr("replications", 1))
    detail = f"bands: 95% confidence over {reps} replications" if reps > 1 else "one replication"
    vpcplot.title(fig, run, f"sweep of {vpcplot.short_key(key)}", detail)
    wls = run.workloads()
    axes = vpcplot.panels(fig, len(wls) + 1)
    positive = [x for x in xs.values() if x is not None and x > 0]
    log_x = labels is None and len(positive) == len(xs) and max(positive) / min(positive) >= 10
    xlabel = vpcplot.short_key(key) + (f" ({UNIT_WORDS.get(unit, unit)})" if unit else "")
    for ax, wl in zip(axes, wls):
        rows = run.metric("p99", subject=wl)
        log = vpcplot.log_if_spread(ax, "y", rows["mean"], 10)
        for arch in run.architectures():
            curve(ax, run, rows, xs, groups, arch, floor=1 / 3 if log else 0.0)
        ax.set_title(f"{wl}: p99 latency")
        if log:
            ax.set_ylabel("p99 latency (ms, log scale)")
            vpcplot.log_ms(ax.yaxis)
        else:
            ax.set_ylabel("p99 latency (ms)")
            ax.set_ylim(bottom=0)
    cost = axes[-1]
    rows = run.metric("monthly_total", subject="")
    log = vpcplot.log_if_spread(cost, "y", rows["mean"])
    for arch in run.architectures():
        curve(cost, run, rows, xs, groups, arch, floor=1 / 3 if log else 0.0)
    cost.set_title("monthly total cost")
    cost.set_ylabel("USD per month (730 h" + (", log scale)" if log else ")"))
    if not log:
        cost.set_ylim(bottom=0)
    cost.yaxis.set_major_formatter(vpcplot.usd_formatter())
    for ax in axes:
        ax.set_xlabel(xlabel)
        if log_x:
            ax.set_xscale("log")
        if labels is not None:
            ax.set_xticks(range(len(labels)), labels)
        else:
            ticks = sorted(set(x for x in xs.values()))
            if len(ticks) <= 8:
                ax.set_xticks(ticks, [f"{t:g}" for t in ticks])
                from matplotlib.ticker import NullLocator

                ax.xaxis.set_minor_locator(NullLocator())
    axes[0].legend(loc="best")
    return fig


if __name__ == "__main__":
    sys.exit(vpcplot.main(sys.modules[__name__]))
