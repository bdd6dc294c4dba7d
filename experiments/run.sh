#!/bin/sh
# Runs one seed experiment end to end: experiments/NAME.yaml -> results/NAME.h5 (vpcsim run,
# report on stdout) -> results/NAME/*.png, *.svg (plots/all.py, when present). Builds nothing.
# Usage: experiments/run.sh NAME [vpcsim run options...]   e.g. experiments/run.sh s3-analytics
#        experiments/run.sh hybrid-dx --replications 10 --threads 2
# Environment: VPCSIM_BIN (default build/vpcsim), VPCSIM_RESULTS (default results/), both
# relative to the repository root unless absolute. Exit 0, or the failing step's status.
set -u

root=$(cd "$(dirname "$0")/.." && pwd) || exit 1
cd "$root" || exit 1

if [ $# -lt 1 ] || [ "$1" = "-h" ] || [ "$1" = "--help" ]; then
    echo "usage: experiments/run.sh NAME [vpcsim run options...]" >&2
    echo "experiments:" >&2
    for f in experiments/*.yaml; do
        [ -e "$f" ] && echo "  $(basename "$f" .yaml)" >&2
    done
    [ $# -lt 1 ] && exit 2
    exit 0
fi
name=$1
shift

scenario="experiments/$name.yaml"
bin=${VPCSIM_BIN:-build/vpcsim}
results=${VPCSIM_RESULTS:-results}
if [ ! -f "$scenario" ]; then
    echo "run.sh: no experiment '$name' ($scenario not found)" >&2
    exit 2
fi
if [ ! -x "$bin" ]; then
    echo "run.sh: $bin not found: build first (cmake -S . -B build && cmake --build build)" >&2
    exit 2
fi
mkdir -p "$results" || exit 1

h5="$results/$name.h5"
"$bin" run "$scenario" -o "$h5" "$@"
rc=$?
if [ $rc -ne 0 ]; then
    echo "run.sh: vpcsim run failed (exit $rc)" >&2
    exit $rc
fi
echo
echo "results: $h5"

if [ -f plots/all.py ]; then
    figs="$results/$name"
    mkdir -p "$figs" || exit 1
    /usr/bin/python3 plots/all.py "$h5" "$figs/" >/dev/null
    rc=$?
    if [ $rc -ne 0 ]; then
        echo "run.sh: plots/all.py failed (exit $rc)" >&2
        exit $rc
    fi
    echo "figures: $figs/ ($(ls "$figs" | grep -c '\.png$') PNG, $(ls "$figs" | grep -c '\.svg$') SVG)"
fi
