#!/usr/bin/env bash
# Engine benchmark figures: medians of several runs of `vpcsim bench phold`, interleaved with the
# plain binary-heap PHOLD yardstick (../shared/bench/plain_phold.c, built here if present) so both
# see the same machine load. Usage: experiments/bench_engine.sh [runs=5] [vpcsim=build/vpcsim]
set -euo pipefail
runs=${1:-5}
bin=${2:-build/vpcsim}
yard=""
src="$(dirname "$0")/../../shared/bench/plain_phold.c"
if [ -f "$src" ]; then
  yard=$(mktemp /tmp/plain_phold.XXXXXX)
  gcc -O2 -o "$yard" "$src" -lm
fi

median() { sort -g | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR+1)/2] : (a[NR/2] + a[NR/2+1]) / 2}'; }
field() { tail -1 | tr ' ' '\n' | sed -n "s/^$1=//p"; }

declare -A rate rss
configs=("default_1t|--threads 1" "default_2t|--threads 2" "heapq_1t|--threads 1 --queue heap"
         "big_1t|--lps 131072 --start-events 16 --end 40 --threads 1"
         "big_2t|--lps 131072 --start-events 16 --end 40 --threads 2")
for i in $(seq "$runs"); do
  for c in "${configs[@]}"; do
    name=${c%%|*}; args=${c#*|}
    out=$($bin bench phold $args)
    rate[$name]+="$(echo "$out" | field events_per_s) "
    rss[$name]+="$(echo "$out" | field peak_rss_kib) "
  done
  if [ -n "$yard" ]; then
    rate[plain]+="$($yard 1024 16 3000 | sed -n 's/.*rate=\([0-9.]*\).*/\1/p') "
    rate[plain_big]+="$($yard 131072 16 40 | sed -n 's/.*rate=\([0-9.]*\).*/\1/p') "
  fi
done
printf '%-12s %16s %14s\n' config "events/s median" "peak RSS MiB"
for c in "${configs[@]}"; do
  name=${c%%|*}
  r=$(echo "${rate[$name]}" | tr ' ' '\n' | grep . | median)
  m=$(echo "${rss[$name]}" | tr ' ' '\n' | grep . | median)
  printf "%-12s %16.0f %14.1f\n" "$name" "$r" "$(awk -v m="$m" "BEGIN {print m / 1024}")"
done
med_of() { echo "${rate[$1]}" | tr ' ' '\n' | grep . | median; }
ratio() { awk -v a="$(med_of "$1")" -v b="$(med_of "$2")" "BEGIN {print a / b}"; }
if [ -n "$yard" ]; then
  printf '%-12s %16.0f %14s\n' plain_heap "$(med_of plain)" "-"
  printf '%-12s %16.0f %14s\n' plain_big "$(med_of plain_big)" "-"
  rm -f "$yard"
  printf "ladder / plain heap (defaults): %.2fx\n" "$(ratio default_1t plain)"
  printf "ladder / plain heap (131072 LPs x 16): %.2fx\n" "$(ratio big_1t plain_big)"
fi
printf "speed-up 2 threads / 1 thread (defaults): %.2fx\n" "$(ratio default_2t default_1t)"
printf "speed-up 2 threads / 1 thread (131072 LPs x 16): %.2fx\n" "$(ratio big_2t big_1t)"
