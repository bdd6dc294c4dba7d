#!/usr/bin/python3
"""Every figure a `vpcsim run -o` file has data for: latency CDF, quantiles, latency and failures
over time, per-hop breakdown, cost, sweep curves. Prints the paths written (PNG and SVG), one a
line, and a one-line note on stderr for each figure the file lacks data for.

Usage: /usr/bin/python3 plots/all.py FILE OUTDIR [--size WxH] [--point P] [--replication R]
(exit 0: done; 2: a missing, unreadable or non-vpcsim file, or a bad option)"""

import os
import sys

import cost
import hops
import latency_cdf
import quantiles
import sweep
import timeline
import vpcplot

FIGURES = [latency_cdf, quantiles, timeline, hops, cost, sweep]


def main(argv=None):
    prog = os.path.basename(__file__)
    opts = vpcplot.parser(prog, __doc__.split("\n\n")[0]).parse_args(argv)
    try:
        run = vpcplot.Run(opts.file)
    except vpcplot.InputError as e:
        print(f"{prog}: {e}", file=sys.stderr)
        return vpcplot.EXIT_INPUT
    try:
        vpcplot.check_options(run, opts)
        vpcplot.setup()
        for module in FIGURES:
            try:
                for path in vpcplot.render(module, run, opts, opts.outdir):
                    print(path, flush=True)
            except vpcplot.Skip as e:
                print(f"{prog}: skipped {module.NAME}: {e}", file=sys.stderr, flush=True)
    except vpcplot.InputError as e:
        print(f"{prog}: {e}", file=sys.stderr)
        return vpcplot.EXIT_INPUT
    finally:
        run.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
