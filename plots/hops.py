#!/usr/bin/python3
"""Where the time of a call goes: for each workload and architecture, a stacked bar of the mean
time the traced calls spend queueing and in service at each component and on each link between
them, in path order (one sweep point, --point, default 0; replications pooled).

Usage: /usr/bin/python3 plots/hops.py FILE OUTDIR [--size WxH] [--point P]

From the per-call trace (the `spans` table joined to `requests` by workload and call,
docs/output.md): the calls that succeeded at their first attempt. Each call's time splits exactly
into the stations' queueing and service and the gaps between them: from the call's start to its
first hop, from one hop's end of service to the next hop (that hop's added delay and the link),
and from the last hop back to the client (TCP and TLS handshake round trips are hops too); the
gaps are grouped by the class of link (within the VPC, to and from the service, internet,
on-premises, between VPCs: from the kinds of its ends). The bar is the mean over those calls of
each piece, so it adds up to their mean latency (the figure on top). ENIs or NAT gateways of one resource in several AZs are one component here
(`kind/instance`, the AZ dropped)."""

import sys

import numpy as np

import vpcplot

NAME = "hops"
# components: tab20b/tab20c pairs (dark: service, light: queueing), not the architectures'
# Okabe-Ito colours; links: greys, hatched by nothing
COMPONENT_PAIRS = [("tab20b", 0), ("tab20b", 8), ("tab20b", 4), ("tab20b", 16), ("tab20b", 12),
                   ("tab20c", 12)]
LINK_GREYS = ["#dddddd", "#aaaaaa", "#777777", "#c4c4c4", "#555555"]
CLIENT = "client"


def check(run, opts):
    paths = run.pooled_paths("spans", opts.point)
    if not paths:
        frac = run.attr("span_fraction", None)
        why = " (span_fraction is 0)" if frac == 0 else ""
        raise vpcplot.Skip(f"no per-hop spans (/architectures/*/point*/rep*/spans){why}")
    if not any(len(run.h5[p]) for p in paths):
        raise vpcplot.Skip(f"no per-hop spans at point {opts.point} (the spans tables are empty; "
                           f"span_fraction {run.attr('span_fraction', 0):g})")
    check_calls(run, paths)


def check_calls(run, paths):
    if "call" not in run.h5[paths[0]].dtype.names:
        raise vpcplot.Skip("spans without call ids (a file of an older vpcsim): no per-call trace")


def default_size(run, opts):
    n = len(run.workloads()) or 1
    rows, cols = vpcplot.grid(n)
    return (max(380, 120 * len(run.architectures()) + 180) * cols + 520, 460 * rows + 130)


def resource(component):
    """kind/instance/az -> kind/instance (regional names keep their two first parts too)."""
    parts = component.split("/")
    return "/".join(parts[:2]) if len(parts) >= 3 else component


def link_class(a, b):
    """The class of the link between two stops (components or the client): what it reaches."""
    ends = (a.split("/")[0], b.split("/")[0])
    if "internet-host" in ends:
        return "internet"
    if "aws-service" in ends or "private-service" in ends or "nlb" in ends:
        return "to and from the service"
    if {"direct-connect", "vpn", "onprem-router", "virtual-private-gateway"} & set(ends):
        return "on-premises (DX, VPN)"
    if "transit-gateway" in ends or "vpc-peering" in ends:
        return "between VPCs (TGW, peering)"
    return "within the VPC (client, ENIs, gateways)"


def call_pieces(rows, start_ns, end_ns):
    """[(piece, ns)] of one call in path order: ('wait'|'service', resource) at each hop and
    ('link', class) for each gap (a hop's added delay and the link to the next stop); their
    sum is end - start."""
    out, prev, t = [], CLIENT, start_ns
    for comp, arrive, begin, depart in rows:
        out.append((("link", link_class(prev, comp)), arrive - t))
        out.append((("wait", resource(comp)), begin - arrive))
        out.append((("service", resource(comp)), depart - begin))
        prev, t = comp, depart
    out.append((("link", link_class(prev, CLIENT)), end_ns - t))
    return out


def breakdown(spans, requests):
    """(ordered [(piece, mean ms)], number of calls) for one architecture and workload: the mean
    of each piece over the traced calls that succeeded at their first attempt."""
    ok = requests[(requests.status == "ok") & (requests.attempts == 1)]
    ok = ok.set_index(["rep", "call"])[["start_ns", "end_ns"]]
    sums, order, n = {}, [], 0
    for (rep, call), g in spans.groupby(["rep", "call"], sort=False):
        if (rep, call) not in ok.index:
            continue
        start, end = ok.loc[(rep, call)]
        rows = zip(g.component, g.arrive_ns, g.start_ns, g.depart_ns)
        n += 1
        for piece, ns in call_pieces(rows, int(start), int(end)):
            if piece not in sums:
                order.append(piece)
                sums[piece] = 0
            sums[piece] += ns
    return [(p, sums[p] / n / 1e6) for p in order] if n else [], n


def pooled_with_rep(run, name, point, fields):
    """{arch: DataFrame} of a table pooled over replications, with a `rep` column."""
    import pandas as pd

    out = {}
    for arch in run.architectures():
        frames = []
        for rep, path in enumerate(run.groups(arch, point)):
            if f"{path}/{name}" in run.h5:
                frames.append(run.table(f"{path}/{name}", fields).assign(rep=rep))
        if frames:
            out[arch] = pd.concat(frames, ignore_index=True)
    return out


def piece_label(p):
    if p[0] == "link":
        return f"links {p[1]} (+ added delays)"
    return f"{p[1]}: {'queueing' if p[0] == 'wait' else 'service'}"


def colours(pieces):
    import matplotlib

    out, comps, links = {}, [], []
    for p in pieces:
        if p[0] == "link":
            links += [p] if p not in links else []
        elif p[1] not in comps:
            comps.append(p[1])
    for i, r in enumerate(comps):
        cmap, k = COMPONENT_PAIRS[i % len(COMPONENT_PAIRS)]
        tab = matplotlib.colormaps[cmap].colors
        out["service", r], out["wait", r] = tab[k], tab[k + 2]
    for i, p in enumerate(links):
        out[p] = LINK_GREYS[i % len(LINK_GREYS)]
    return out


def draw(fig, run, opts):
    fields = ["component", "workload", "call", "attempt", "arrive_ns", "start_ns", "depart_ns"]
    spans = pooled_with_rep(run, "spans", opts.point, fields)
    reqs = pooled_with_rep(run, "requests", opts.point,
                           ["call", "workload", "status", "attempts", "start_ns", "end_ns"])
    wls = run.workloads()
    archs = run.architectures()
    table, order = {}, []
    for wl in wls:
        for arch in archs:
            if arch not in spans or arch not in reqs:
                continue
            s, r = spans[arch], reqs[arch]
            pieces, n = breakdown(s[s.workload == wl], r[r.workload == wl])
            if n:
                table[wl, arch] = (pieces, n)
                order += [p for p, _ in pieces if p not in order]
    col = colours(order)
    frac = run.attr("span_fraction", None)
    detail = (f"traced calls ({frac:.3g} of all) ok at their first attempt" if frac
              else "traced calls ok at their first attempt")
    vpcplot.title(fig, run, "where a call's time goes, hop by hop",
                  vpcplot.subtitle(run, opts.point, detail + ", replications pooled"))
    axes = vpcplot.panels(fig, len(wls))
    from matplotlib.patches import Patch

    used = []
    for ax, wl in zip(axes, wls):
        for i, arch in enumerate(archs):
            if (wl, arch) not in table:
                ax.text(i, 0, "no traced\ncalls", ha="center", va="bottom", fontsize=7,
                        color="#777777")
                continue
            pieces, n = table[wl, arch]
            bottom = 0.0
            for p, v in pieces:
                if v <= 0:
                    continue
                ax.bar(i, v, 0.6, bottom=bottom, color=col[p], edgecolor="white", lw=0.4,
                       hatch="///" if p[0] == "wait" else None)
                bottom += v
                used += [p] if p not in used else []
            ax.text(i, bottom, f"{vpcplot.ms(bottom)} ms\n(n={n:,})", ha="center", va="bottom",
                    fontsize=7)
        vpcplot.category_ticks(ax, archs)
        ax.set_xlim(-0.6, len(archs) - 0.4)
        ax.set_title(wl)
        ax.set_ylabel("mean time of a call (ms)")
        ax.set_ylim(0, ax.get_ylim()[1] * 1.15)
        ax.grid(axis="x", visible=False)
    handles = [Patch(facecolor=col[p], hatch="///" if p[0] == "wait" else None,
                     edgecolor="white", label=piece_label(p))
               for p in reversed([q for q in order if q in used])]
    axes[-1].legend(handles=handles, loc="upper left", bbox_to_anchor=(1.02, 1.0),
                    title="stacked in path order, bottom first", title_fontsize=8, fontsize=7)
    return fig


if __name__ == "__main__":
    sys.exit(vpcplot.main(sys.modules[__name__]))
