#!/bin/sh
# Snapshot of everything vpcsim prints and writes for the shipped scenarios at short durations,
# for proving that a refactoring changes no output: run it with the old binary and the new one
# into two folders and compare them with `diff -r`.
# Usage: experiments/identity.sh BIN OUTDIR      e.g. experiments/identity.sh build/vpcsim /tmp/new
# For each experiment, example and benchmark scenario: check (text and JSON), run's report
# (2 replications of 2 s after 1 s of warm-up, 2 threads), report --csv, and h5dump of the
# whole HDF5 file with the command-line attribute left out (it names the output path).
# The data tables are named explicitly so that both binaries read the same ones.
# IDENTITY_SCENARIOS (space-separated paths) limits it to those scenarios.
set -u
[ $# -eq 2 ] || { echo "usage: experiments/identity.sh BIN OUTDIR" >&2; exit 2; }
bin=$1
out=$2
root=$(cd "$(dirname "$0")/.." && pwd) || exit 1
cd "$root" || exit 1
mkdir -p "$out" || exit 1
tables="--prices experiments/prices/aws-us-east-1.yaml"
defaults="--defaults experiments/defaults/aws-us-east-1.yaml"
for f in ${IDENTITY_SCENARIOS:-experiments/*.yaml experiments/examples/*.yaml experiments/bench/*.yaml}; do
    n=$(basename "$f" .yaml)
    "$bin" check "$f" $tables $defaults > "$out/$n.check.txt" 2>&1
    echo "exit $?" >> "$out/$n.check.txt"
    "$bin" check "$f" --json $tables $defaults > "$out/$n.check.json" 2>&1
    h5="$out/$n.h5"
    rm -f "$h5"
    "$bin" run "$f" --duration 2s --warmup 1s --replications 2 --threads 2 --quiet \
        $tables $defaults -o "$h5" > "$out/$n.run.txt" 2>&1
    echo "exit $?" >> "$out/$n.run.txt"
    "$bin" report "$h5" --csv > "$out/$n.csv" 2>&1
    h5dump "$h5" 2>&1 | awk '
        /ATTRIBUTE "command_line"/ { skip = 1; depth = 0 }
        skip { if ($0 ~ /{/) depth++; if ($0 ~ /}/) { depth--; if (depth == 0) { skip = 0 } } next }
        { print }' | sed "s#$out/##g" > "$out/$n.h5dump.txt"
    rm -f "$h5"
done
ls "$out" | wc -l
