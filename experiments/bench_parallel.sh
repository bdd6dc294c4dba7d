#!/usr/bin/env bash
# One run split across threads (issue 17): wall time of `vpcsim run ... --threads 2` against
# `--threads 1` on the same scenario, run interleaved (1, 2, 1, 2, ...) so both see the same
# machine load; prints the medians and the median of the pairwise ratios t1/t2 (> 1: the split
# is faster), with the load average before and after. Cases: the large estate (two Regions, the
# partitioner splits them; target >= 1.5x) and tgw-hub (one Region, 10 us links: the run stays on
# one thread; target >= 1.0x, i.e. never slower). Results are identical for both thread counts
# (checked here on the reports too). Then, with mpirun there, the same large run as one process
# against `mpirun -n 2` (one thread per rank, the ranks run the one run together; target >= 1.4x)
# as shipped (3 s after a 1 s warm-up) and at 11 s: Open MPI's start-up (a few tenths of a
# second) is in the wall time, so the longer run shows what the ranks give once it is small
# beside the run.
# Usage: experiments/bench_parallel.sh [runs=5] [vpcsim=build/vpcsim]
set -euo pipefail
cd "$(dirname "$0")/.."
runs=5 bin=build/vpcsim
for a in "$@"; do
  case $a in
    [0-9]*) runs=$a ;;
    *) bin=$a ;;
  esac
done

median() { sort -g | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR+1)/2] : (a[NR/2] + a[NR/2+1]) / 2}'; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# wall seconds of one run on $1 threads, in one process or (with $2 > 1) over mpirun -n $2;
# its report goes to $tmp/report.$1.$2
timed() {
  local t0 t1 launch=()
  [ "${2:-1}" -gt 1 ] && launch=(mpirun --oversubscribe --allow-run-as-root -n "$2")
  t0=$(date +%s.%N)
  "${launch[@]}" "$bin" run "${args[@]}" --threads "$1" --quiet >"$tmp/report.$1.${2:-1}"
  t1=$(date +%s.%N)
  awk -v a="$t0" -v b="$t1" 'BEGIN {printf "%.4f", b - a}'
}

# $runs interleaved pairs of `timed $1` and `timed $2` (each "threads ranks"), whose reports must
# be the same: sets m1 and m2 (median seconds) and mr (median of the pairs' ratios)
pairs() {
  local one="" two="" ratio="" a b
  for i in $(seq "$runs"); do
    a=$(timed $1) b=$(timed $2)
    cmp -s "$tmp/report.${1/ /.}" "$tmp/report.${2/ /.}" || { echo "  $name: reports differ" >&2; exit 1; }
    one+="$a " two+="$b " ratio+="$(awk -v a="$a" -v b="$b" 'BEGIN {printf "%.4f", a / b}') "
  done
  m1=$(echo "$one" | tr ' ' '\n' | grep . | median)
  m2=$(echo "$two" | tr ' ' '\n' | grep . | median)
  mr=$(echo "$ratio" | tr ' ' '\n' | grep . | median)
}

cases=("large-estate (1 run, 4 s, 518,000 requests/s)|experiments/bench/large-estate.yaml"
       "tgw-hub (1 run, 20 s, 40,000 requests/s)|experiments/bench/tgw-hub.yaml --replications 1 --duration 20s")
echo "vpcsim run, one run on 2 threads vs 1, $runs interleaved pairs ($(nproc) cores, $(uname -m))"
echo "  load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
for c in "${cases[@]}"; do
  name=${c%%|*}
  read -r -a args <<<"${c#*|}"
  pairs "1 1" "2 1"
  printf '  %-48s 1 thread %6.2f s, 2 threads %6.2f s, ratio t1/t2 %.2fx\n' "$name" "$m1" "$m2" "$mr"
done

if command -v mpirun >/dev/null; then
  for length in 3s 11s; do
    args=(experiments/bench/large-estate.yaml --duration "$length")
    name="large-estate (1 run, 1 s + $length) over 2 ranks"
    pairs "1 1" "1 2"
    printf '  %-48s 1 process %6.2f s, mpirun -n 2 %6.2f s, ratio %.2fx\n' "$name" "$m1" "$m2" "$mr"
  done
fi
echo "  load average after:  $(cut -d' ' -f1-3 /proc/loadavg)"
