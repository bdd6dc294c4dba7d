#!/bin/bash
# Benchmark of issue 14: a 200-run sweep (5 request rates x 2 architectures x 20 replications of
# 1 s) written with -o, wall time of one process (--threads 1), one process with --threads 2 and
# `mpirun -n 2` (--threads 1 each; ideal: half of one process's), interleaved REPEATS times,
# medians; then the same sweep as 10 shards and the wall time of `vpcsim merge` on them, against
# the one-process run. Prints one line per figure: wall time, and CPU time (user + system of the
# process and its children: what the runs cost whatever else the machine is doing).
# Usage: experiments/bench_mpi.sh [BIN] [REPEATS] [RUN_LENGTH]    (defaults: build/vpcsim 3 1s;
# a longer RUN_LENGTH, e.g. 10s, shows the ranks' speed-up once MPI's start-up is small beside it)
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
bin=$(realpath "${1:-$root/build/vpcsim}")
repeats=${2:-3}
length=${3:-1s}
dir=$(mktemp -d /tmp/vpcsim-bench-mpi.XXXXXX)
trap 'rm -rf "$dir"' EXIT
cd "$dir"
sed -e 's/^name: sweep-rate/name: bench-mpi/' \
    -e "s/  duration: 200ms/  duration: $length/" -e 's/  warmup: 50ms/  warmup: 100ms/' \
    -e 's/  replications: 2/  replications: 20/' \
    -e 's#\[1000/s, 2000/s, 4000/s\]#[1000/s, 2000/s, 3000/s, 4000/s, 5000/s]#' \
    "$root/tests/scenarios/sweep/rate.yaml" > sweep.yaml
opts="--quiet --records 0.05 --spans 0 --prices $root/experiments/prices/aws-us-east-1.yaml
      --defaults $root/experiments/defaults/aws-us-east-1.yaml"
now() { date +%s.%N; }
timed() { /usr/bin/time -f "%e %U %S" -o t.out "$@" > /dev/null; awk '{ print $1, $2 + $3 }' t.out; }
median() { # of column ${1:-1}
    awk -v c="${1:-1}" '{ print $c }' | sort -g |
        awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}
: > one.t; : > two.t; : > mpi.t; : > merge.t; : > shards.t
for _ in $(seq "$repeats"); do
    timed "$bin" run sweep.yaml $opts --threads 1 -o one.h5 >> one.t
    timed mpirun --oversubscribe --allow-run-as-root -n 2 "$bin" run sweep.yaml $opts -o mpi.h5 >> mpi.t
    timed "$bin" run sweep.yaml $opts --threads 2 -o two.h5 >> two.t
    t0=$(now)
    for i in $(seq 10); do "$bin" run sweep.yaml $opts --shard "$i/10" -o "part$i.h5" > /dev/null; done
    echo "$(echo "$(now) - $t0" | bc) 0" >> shards.t
    rm -f merged.h5
    timed "$bin" merge part*.h5 -o merged.h5 --quiet >> merge.t
done
runs=$(h5dump -a /runs_total one.h5 | awk '/\(0\)/ { print $2 }')

echo "runs: $runs (5 points x 2 architectures x 20 replications), $repeats interleaved repeats, $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)"
o=$(median < one.t); m=$(median < mpi.t); t=$(median < two.t); g=$(median < merge.t)
echo "one process --threads 1: $o s wall, $(median 2 < one.t) s CPU"
echo "one process --threads 2: $t s wall (speed-up $(echo "scale=2; $o / $t" | bc)), $(median 2 < two.t) s CPU"
echo "mpirun -n 2:             $m s wall (speed-up $(echo "scale=2; $o / $m" | bc); ideal 2), $(median 2 < mpi.t) s CPU"
echo "10 shards one after the other: $(median < shards.t) s wall"
echo "merge of the 10 shards:  $g s wall ($(echo "scale=1; 100 * $g / $o" | bc)% of one process's run), $(median 2 < merge.t) s CPU"
