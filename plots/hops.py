#!/usr/bin/python3
"""Per-hop latency breakdown: for each workload and architecture, a stacked bar of the mean time
a request spends waiting for and in service at each component on its way (from the sampled
per-hop spans, pooled over the replications of one sweep point, --point, default 0), topped by
link and other time: the mean latency of successful calls (/summary) minus the stations' share.

Usage: /usr/bin/python3 plots/hops.py FILE OUTDIR [--size WxH] [--point P]

A component's share is, for each hop of the route it serves (the response's passage is a hop
of its own), its summed wait (service) over the spans at that hop divided by the number of spans
at that hop, summed over its hops: the mean time of one passage along the route, so two ENIs of
an interface endpoint sharing one hop add up to that hop's mean. Every sampled request counts
(handshakes and retried attempts too), so with many of them per call (new connections, faults)
the stations' share is that of one request, not of a whole call. ENIs or NAT gateways of one
resource in several AZs are one component here (`kind/instance`, the AZ dropped)."""

import sys

import numpy as np

import vpcplot

NAME = "hops"
OTHER_COLOUR = "#d9d9d9"
# tab20 pairs (dark: service, light: wait), its grey pair left for the link/other segment
PAIRS = [0, 2, 4, 6, 8, 10, 12, 16, 18]


def check(run, opts):
    paths = run.pooled_paths("spans", opts.point)
    if not paths:
        frac = run.attr("span_fraction", None)
        why = " (span_fraction is 0)" if frac == 0 else ""
        raise vpcplot.Skip(f"no per-hop spans (/architectures/*/point*/rep*/spans){why}")
    if not any(len(run.h5[p]) for p in paths):
        raise vpcplot.Skip(f"no per-hop spans at point {opts.point} (the spans tables are empty; "
                           f"span_fraction {run.attr('span_fraction', 0):g})")


def default_size(run, opts):
    n = len(run.workloads()) or 1
    rows, cols = vpcplot.grid(n)
    return (max(380, 120 * len(run.architectures()) + 180) * cols + 420, 460 * rows + 110)


def resource(component):
    """kind/instance/az -> kind/instance (regional names keep their two first parts too)."""
    parts = component.split("/")
    return "/".join(parts[:2]) if len(parts) >= 3 else component


def breakdown(spans):
    """DataFrame indexed by resource with columns wait_ms, service_ms (mean per passage along
    the route) and first_hop, for the spans of one architecture and workload."""
    df = spans.assign(resource=[resource(c) for c in spans.component])
    per_hop = df.groupby("hop").size()
    sums = df.groupby(["resource", "hop"])[["wait_ns", "service_ns"]].sum()
    out = sums.div(per_hop, level="hop", axis=0).groupby(level="resource").sum() / 1e6
    out.columns = ["wait_ms", "service_ms"]
    out["first_hop"] = df.groupby("resource").hop.min()
    return out.sort_values(["first_hop"], kind="stable")


def mean_latency_ms(run, point, arch, workload):
    m = run.metric("mean", point, workload)
    m = m[m.architecture == arch]["mean"]
    return float(m.iloc[0]) if len(m) else np.nan


def colours(resources):
    import matplotlib

    tab = matplotlib.colormaps["tab20"].colors
    out = {}
    for i, r in enumerate(resources):
        k = PAIRS[i % len(PAIRS)]
        out[r] = (tab[k], tab[k + 1])
    return out


def draw(fig, run, opts):
    spans = run.pooled("spans", opts.point, ["component", "workload", "hop", "wait_ns",
                                             "service_ns"])
    wls = run.workloads()
    archs = [a for a in run.architectures() if a in spans]
    frac = run.attr("span_fraction", None)
    table = {}  # (workload, arch) -> breakdown
    order = []  # resources by first hop, first seen first
    for wl in wls:
        for arch in archs:
            s = spans[arch][spans[arch].workload == wl]
            if s.empty:
                continue
            b = breakdown(s)
            table[wl, arch] = b
            order += [r for r in b.index if r not in order]
    col = colours(order)
    detail = f"spans of {frac:.3g} of requests" if frac else "sampled spans"
    vpcplot.title(fig, run, "where the time goes: mean time at each hop",
                  vpcplot.subtitle(run, opts.point, detail + ", replications pooled"))
    axes = vpcplot.panels(fig, len(wls))
    from matplotlib.patches import Patch

    used = set()
    for ax, wl in zip(axes, wls):
        for i, arch in enumerate(archs):
            b = table.get((wl, arch))
            if b is None:
                continue
            bottom = 0.0
            for r in b.index:
                dark, light = col[r]
                for part, c, hatch in (("wait_ms", light, "///"), ("service_ms", dark, None)):
                    v = float(b.at[r, part])
                    if v > 0:
                        ax.bar(i, v, 0.6, bottom=bottom, color=c, hatch=hatch, edgecolor="white",
                               lw=0.4)
                        bottom += v
                        used.add((r, part))
            total = mean_latency_ms(run, opts.point, arch, wl)
            rest = total - bottom if np.isfinite(total) else np.nan
            if np.isfinite(rest) and rest > 0:
                ax.bar(i, rest, 0.6, bottom=bottom, color=OTHER_COLOUR, edgecolor="white", lw=0.4)
                used.add(("other", ""))
            top = total if np.isfinite(total) and total > bottom else bottom
            label = f"{vpcplot.ms(total if np.isfinite(total) else bottom)} ms"
            if np.isfinite(rest) and rest < 0:
                label += "*"
                used.add(("star", ""))
            ax.text(i, top, label, ha="center", va="bottom", fontsize=7.5)
        vpcplot.category_ticks(ax, archs)
        ax.set_title(wl)
        ax.set_ylabel("mean time (ms)")
        ax.set_ylim(0, ax.get_ylim()[1] * 1.08)
        ax.grid(axis="x", visible=False)
        if not any((wl, a) in table for a in archs):
            vpcplot.empty_note(ax, "no spans")
    handles = []
    if ("other", "") in used:
        handles.append(Patch(color=OTHER_COLOUR, label="links and other (mean latency - hops)"))
    for r in reversed(order):
        dark, light = col[r]
        if (r, "service_ms") in used:
            handles.append(Patch(facecolor=dark, label=f"{r}: service"))
        if (r, "wait_ms") in used:
            handles.append(Patch(facecolor=light, hatch="///", edgecolor="white",
                                 label=f"{r}: queueing"))
    axes[-1].legend(handles=handles, loc="upper left", bbox_to_anchor=(1.02, 1.0),
                    title="stacked, bottom = first hop", title_fontsize=8)
    if ("star", "") in used:
        fig.supxlabel("* the hops alone exceed the mean latency of successful calls (sampled "
                      "requests include failed attempts and handshakes)", fontsize=7.5,
                      color="#555555")
    return fig


if __name__ == "__main__":
    sys.exit(vpcplot.main(sys.modules[__name__]))
