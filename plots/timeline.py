#!/usr/bin/python3
"""Latency and errors over time: per workload, the p50 (solid) and p99 (dashed) latency of the
calls that succeeded in each interval and the calls that failed per second, one colour per
architecture, with the warm-up and the fault windows (/faults) shaded; from the time series of
one replication (--replication, default 0) of one sweep point (--point, default 0).

Usage: /usr/bin/python3 plots/timeline.py FILE OUTDIR [--size WxH] [--point P] [--replication R]"""

import sys

import numpy as np

import vpcplot

NAME = "timeline"


def check(run, opts):
    if not any(run.has(f"architectures/{a}/point{opts.point}/rep{opts.replication}/series")
               for a in run.architectures()):
        raise vpcplot.Skip("no time series (/architectures/*/point*/rep*/series)")


def default_size(run, opts):
    n = len(run.workloads()) or 1
    return (1200, 330 * n + 130)


def series(run, opts):
    """{arch: DataFrame of the series table of the chosen replication}."""
    out = {}
    for arch in run.architectures():
        path = f"architectures/{arch}/point{opts.point}/rep{opts.replication}/series"
        if run.has(path):
            out[arch] = run.table(path)
    return out


def fault_label(f):
    """A short text for one /faults row."""
    what = f.target if f.kind != "az_impaired" else f"AZ {f.target}"
    if f.az and f.kind != "az_impaired":
        what += f" ({f.az})"
    if f.kind == "latency":
        return f"{what} +{f.add}" if f.add else f"{what} slower"
    if f.kind == "errors":
        return f"{what} {f.error_rate:.0%} errors" if np.isfinite(f.error_rate) else f"{what} errors"
    if f.kind == "az_impaired":
        return f"{what} impaired"
    if f.kind == "region":
        return f"Region {f.target} failed"
    return f"{what} {f.kind}"


def shade(ax, run, faults, t_end, label):
    """The warm-up in grey and each fault window in red (to t_end when it never recovers)."""
    warm = run.attr("warmup_ns", 0) / 1e9
    if warm > 0:
        ax.axvspan(0, warm, color=vpcplot.WARMUP_COLOUR, alpha=0.25, lw=0)
        if label:
            ax.text(warm / 2, 0.98, "warm-up", transform=ax.get_xaxis_transform(), ha="center",
                    va="top", fontsize=7, color="#666666")
    for i, f in enumerate(faults.itertuples()):
        start = f.start_ns / 1e9
        end = t_end if f.end_ns < 0 else min(f.end_ns / 1e9, t_end)
        if start >= t_end:
            continue
        ax.axvspan(start, end, color=vpcplot.FAULT_COLOUR, alpha=0.12, lw=0)
        ax.axvline(start, color=vpcplot.FAULT_COLOUR, lw=0.8, alpha=0.6)
        if label:
            text = fault_label(f) + ("" if f.end_ns >= 0 else " (no recovery)")
            right = start > 0.6 * t_end  # late windows: the label ends at the window's end
            ax.text(end if right else start, 0.98 - 0.1 * (i % 3), f" {text} ",
                    transform=ax.get_xaxis_transform(), ha="right" if right else "left",
                    va="top", fontsize=7, color=vpcplot.FAULT_COLOUR, clip_on=True, zorder=5,
                    bbox={"facecolor": "white", "alpha": 0.75, "lw": 0, "pad": 1})


def run_end_s(run, data):
    """The end of the last interval with any call (created, succeeded or failed); the run's
    length when the series are empty. The drain after the window can be long and idle."""
    ends = []
    for d in data.values():
        busy = d[(d.offered > 0) | (d.completed > 0) | (d.failed > 0)]
        if len(busy):
            ends.append(float((busy.t_ns + busy.bin_ns).max()))
    if ends:
        return max(ends) / 1e9
    return float(run.attr("run_length_ns", 0) or 0) / 1e9 or 1.0


def draw(fig, run, opts):
    data = series(run, opts)
    faults = run.faults()
    bin_ns = run.attr("series_bin_ns", None)
    detail = f"replication {opts.replication}"
    if bin_ns:
        detail += f", {bin_ns / 1e6:g} ms intervals"
    if len(faults):
        detail += "; red: fault windows"
    vpcplot.title(fig, run, "latency and failures over time",
                  vpcplot.subtitle(run, opts.point, detail))
    wls = run.workloads()
    t_end = run_end_s(run, data)
    grid = fig.add_gridspec(2 * len(wls), 1, height_ratios=[2, 1] * len(wls))
    first = None
    from matplotlib.lines import Line2D

    for k, wl in enumerate(wls):
        lat = fig.add_subplot(grid[2 * k], sharex=first)
        err = fig.add_subplot(grid[2 * k + 1], sharex=lat)
        first = first or lat
        any_lat = False
        for arch, d in data.items():
            d = d[d.workload == wl]
            if d.empty:
                continue
            t = d.t_ns.to_numpy() / 1e9
            mid = t + d.bin_ns.to_numpy() / 2e9
            c = run.colour(arch)
            for col, ls in (("p50_ns", "-"), ("p99_ns", "--")):
                v = d[col].to_numpy(dtype=float)
                v = np.where(v >= 0, v / 1e6, np.nan)
                any_lat |= bool(np.isfinite(v).any())
                lat.plot(mid, v, color=c, ls=ls, lw=1.1)
            failed = d.failed.to_numpy(dtype=float)
            # the last interval's value held to its end
            err.step(np.append(t, t[-1] + d.bin_ns.iloc[-1] / 1e9), np.append(failed, failed[-1]),
                     where="post", color=c, lw=1.1)
        shade(lat, run, faults, t_end, label=True)
        shade(err, run, faults, t_end, label=False)
        lat.set_title(wl, loc="left", fontweight="bold")
        lat.set_ylabel("latency (ms)")
        if any_lat:
            lat.set_yscale("log")
            vpcplot.log_ms(lat.yaxis)
            lo, hi = lat.get_ylim()
            lat.set_ylim(lo, hi * (hi / lo) ** 0.25)  # room for the fault labels
        else:
            vpcplot.empty_note(lat, "no successful calls")
        err.set_ylabel("failed (calls/s)")
        err.set_ylim(bottom=0, top=max(1.0, err.get_ylim()[1]))
        lat.tick_params(labelbottom=False)
        err.set_xlim(0, t_end)
        if k == len(wls) - 1:
            err.set_xlabel("time since start of run (s)")
        if k == 0:
            handles = [Line2D([], [], color=run.colour(a), label=a) for a in data]
            handles += [Line2D([], [], color="#444444", ls="-", label="p50"),
                        Line2D([], [], color="#444444", ls="--", label="p99")]
            lat.legend(handles=handles, loc="lower right", bbox_to_anchor=(1.0, 1.0),
                       ncol=len(handles), borderaxespad=0.2, handlelength=2.5)
    return fig


if __name__ == "__main__":
    sys.exit(vpcplot.main(sys.modules[__name__]))
