#!/bin/sh
# The training runs of a profile-guided build (.ci/setup: VPCSIM_PGO=generate, then use): what
# users run, at short lengths. `check` and `run` (1 and 2 threads, report, compare) on every
# shipped scenario (experiments, examples, benchmarks), the PHOLD engine benchmark at both of
# its sizes and on both event lists, and one run over two MPI ranks. The instrumented binary
# writes its counts when each process ends; nothing else is kept. About a minute on 2 cores.
# Usage: experiments/pgo_train.sh BIN
set -eu
[ $# -eq 1 ] || { echo "usage: experiments/pgo_train.sh BIN" >&2; exit 2; }
bin=$1
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
export VPCSIM_DATA_DIR="$root/experiments"
for f in experiments/*.yaml experiments/examples/*.yaml experiments/bench/*.yaml; do
    n=$(basename "$f" .yaml)
    "$bin" check "$f" > /dev/null
    "$bin" check "$f" --json > /dev/null
    "$bin" run "$f" --duration 2s --warmup 1s --replications 2 --threads 2 --quiet \
        -o "$tmp/$n.h5" > /dev/null
    "$bin" report "$tmp/$n.h5" --csv > /dev/null
done
# One long single-thread run of each benchmark scenario (the per-core figures' case) and one
# split over two threads.
"$bin" run experiments/bench/tgw-hub.yaml --duration 5s --replications 1 --threads 1 --quiet \
    > /dev/null
"$bin" run experiments/bench/large-estate.yaml --duration 1s --replications 1 --threads 2 \
    --quiet > /dev/null
# The main job (README) at its own length: its processor-sharing stations hold many transfers,
# and their heaps must count as hot.
"$bin" run experiments/s3-analytics.yaml --threads 2 --quiet > /dev/null
"$bin" compare "$tmp/s3-analytics.h5" "$tmp/s3-analytics.h5" > /dev/null
"$bin" bench phold --end 300 > /dev/null
"$bin" bench phold --lps 131072 --start-events 16 --end 4 > /dev/null
"$bin" bench phold --end 300 --threads 2 > /dev/null
# The other event list (--queue heap), and one run over two MPI ranks when there is mpirun
# (if it fails, say so and build without that part of the profile: the build does not depend
# on it).
"$bin" bench phold --end 100 --queue heap > /dev/null
if command -v mpirun > /dev/null; then
    mpirun -n 2 --oversubscribe --allow-run-as-root "$bin" run experiments/bench/large-estate.yaml \
        --duration 1s --replications 1 --quiet > /dev/null ||
        echo "pgo_train.sh: the run under mpirun failed: the MPI exchange goes untrained" >&2
fi
