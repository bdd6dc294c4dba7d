#!/usr/bin/env bash
# `vpcsim run` speed and memory: medians of several runs of the speed line ("measured requests/s
# per core": attempts created in the measured window per core-second of simulation, tracing off)
# on two multi-hop scenarios, run interleaved so both see the same machine load; with --memory,
# also one run of 10^8 requests (experiments/bench/tgw-hub.yaml for 2,500 s at 40,000/s) and its
# peak RSS. Usage: experiments/bench_run.sh [runs=5] [--memory] [vpcsim=build/vpcsim]
set -euo pipefail
cd "$(dirname "$0")/.."
runs=5 memory=0 bin=build/vpcsim
for a in "$@"; do
  case $a in
    --memory) memory=1 ;;
    [0-9]*) runs=$a ;;
    *) bin=$a ;;
  esac
done

median() { sort -g | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR+1)/2] : (a[NR/2] + a[NR/2+1]) / 2}'; }
speed() { sed -n 's/.* \([0-9.e+]*\) measured requests\/s per core.*/\1/p'; }

declare -A rate
cases=("tgw-hub (5 station visits a call)|experiments/bench/tgw-hub.yaml"
       "s3-access (3 a call through the NAT)|experiments/examples/s3-access.yaml")
for i in $(seq "$runs"); do
  for c in "${cases[@]}"; do
    name=${c%%|*} file=${c#*|}
    rate[$name]+="$("$bin" run "$file" --threads 1 2>&1 >/dev/null | speed) "
  done
done
echo "vpcsim run --threads 1, medians of $runs runs ($(nproc) cores, $(uname -m))"
for c in "${cases[@]}"; do
  name=${c%%|*}
  printf '  %-40s %s requests/s per core\n' "$name" \
    "$(echo "${rate[$name]}" | tr ' ' '\n' | grep . | median | awk '{printf "%.3g", $1}')"
done
if [ "$memory" = 1 ]; then
  out=$( { /usr/bin/time -f 'peak_rss_kib=%M' "$bin" run experiments/bench/tgw-hub.yaml \
           --duration 2500s --replications 1 --threads 1 >/dev/null; } 2>&1 )
  echo "$out" | grep 'vpcsim run:' | sed 's/^/  /'
  kib=$(echo "$out" | sed -n 's/^peak_rss_kib=//p')
  echo "  10^8 requests (2,500 s at 40,000/s): peak RSS $((kib / 1024)) MiB"
fi
