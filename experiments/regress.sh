#!/usr/bin/env bash
# Regression benchmarks with vpcsim compare (experiments/README.md, "Regression benchmarks"):
#   regress.sh baseline DIR [SCENARIO...]   run each scenario (default: experiments/*.yaml) into
#                                           DIR/NAME.h5: the stored baselines
#   regress.sh check DIR [SCENARIO...]      run each again and compare it with DIR/NAME.h5; prints
#                                           each comparison (Markdown) and exits 1 if any
#                                           regressed, 2 on bad input
#   regress.sh false-alarms [PAIRS=100]     the false-alarm rate of compare on seed pairs of
#                                           tests/scenarios/compare/tiny.yaml
#   regress.sh power [PAIRS=100] [SHIFT=2]  how often compare finds a planted SHIFT% rise of the
#                                           mean latency there (paired and Welch)
# Environment: VPCSIM_BIN (default build/vpcsim), REGRESS_RUN (options of every `vpcsim run`,
# default short runs: --duration 5s --warmup 1s --replications 5), REGRESS_COMPARE (options of
# every `vpcsim compare`, e.g. --threshold 5%). check uses the baseline's seed, so a change that
# moves nothing compares paired (common random numbers) and shows identical figures.
set -euo pipefail
cd "$(dirname "$0")/.."
bin=${VPCSIM_BIN:-build/vpcsim}
read -r -a run_opts <<< "${REGRESS_RUN:---duration 5s --warmup 1s --replications 5}"
read -r -a cmp_opts <<< "${REGRESS_COMPARE:-}"
usage() { sed -n '2,16p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2; }

scenarios() { # the scenarios given, or the shipped ones
  if [ $# -gt 0 ]; then printf '%s\n' "$@"; else ls experiments/*.yaml; fi
}

baseline() {
  local dir=$1; shift
  mkdir -p "$dir"
  scenarios "$@" | while read -r f; do
    "$bin" run "$f" "${run_opts[@]}" --quiet -o "$dir/$(basename "$f" .yaml).h5" > /dev/null
    echo "baseline: $dir/$(basename "$f" .yaml).h5"
  done
}

check() {
  local dir=$1 tmp worst=0 rc; shift
  tmp=$(mktemp -d); trap 'rm -rf "$tmp"' RETURN
  while read -r f; do
    local name; name=$(basename "$f" .yaml)
    [ -f "$dir/$name.h5" ] || { echo "regress: no baseline $dir/$name.h5 (regress.sh baseline)" >&2; return 2; }
    "$bin" run "$f" "${run_opts[@]}" --quiet -o "$tmp/$name.h5" > /dev/null
    rc=0
    "$bin" compare "$dir/$name.h5" "$tmp/$name.h5" --markdown "${cmp_opts[@]}" || rc=$?
    echo
    [ "$rc" -gt "$worst" ] && worst=$rc
  done < <(scenarios "$@")
  return "$worst"
}

# pairs of runs of tiny.yaml; $1: pairs, then the options of the base run and the new run
# (SEEDA and SEEDB stand for the pair's two seeds); prints how many comparisons exited 1, how
# many tests had a raw p-value below alpha, and how many tests there were
sub() { local s=${1//SEEDA/$((2 * $2))}; echo "${s//SEEDB/$((2 * $2 + 1))}"; }

pairs() {
  local n=$1 base=$2 new=$3 tmp hits=0 rc; tmp=$(mktemp -d)
  for i in $(seq "$n"); do
    "$bin" run tests/scenarios/compare/tiny.yaml --quiet -o "$tmp/a.h5" $(sub "$base" "$i") > /dev/null || exit 2
    "$bin" run tests/scenarios/compare/tiny.yaml --quiet -o "$tmp/b.h5" $(sub "$new" "$i") > /dev/null || exit 2
    rc=0
    "$bin" compare "$tmp/a.h5" "$tmp/b.h5" --json "${cmp_opts[@]}" > "$tmp/c.json" || rc=$?
    [ $rc -le 1 ] || exit 2
    hits=$((hits + rc))
    # every test's raw p-value, for the per-test rate (before Holm-Bonferroni)
    sed -n 's/^ *"p": \([0-9.e+-]*\),$/\1/p' "$tmp/c.json" >> "$tmp/p"
  done
  echo "$hits $(awk -v a="${ALPHA:-0.01}" '{n++; if ($1 < a) k++} END {print k + 0, n + 0}' "$tmp/p")"
  rm -rf "$tmp"
}

false_alarms() {
  local n=${1:-100} r
  read -r -a r <<< "$(pairs "$n" "--seed SEEDA" "--seed SEEDB")"
  echo "false alarms: ${r[0]} of $n seed pairs exited 1 (Holm-Bonferroni over each pair's tests at alpha 0.01); before the correction ${r[1]} of ${r[2]} tests had p < 0.01"
}

# +SHIFT% of the mean latency (4.43 ms): the four intra-AZ link crossings of a call share it
power() {
  local n=${1:-100} shift=${2:-2} us welch paired
  us=$(awk -v s="$shift" 'BEGIN {printf "%.0f", 4426 * s / 100 / 4}')
  welch=$(pairs "$n" "--seed SEEDA" "--seed SEEDB --set overrides.link_intra_az.latency=${us}us")
  paired=$(pairs "$n" "--seed SEEDA" "--seed SEEDA --set overrides.link_intra_az.latency=${us}us")
  echo "power on +$shift% mean latency (+${us} us a link crossing), $n pairs exiting 1: Welch (different seeds) ${welch%% *}/$n, paired (same seed in a pair) ${paired%% *}/$n"
}

case ${1:-} in
  baseline) [ $# -ge 2 ] || usage; shift; baseline "$@" ;;
  check) [ $# -ge 2 ] || usage; shift; check "$@" ;;
  false-alarms) shift; false_alarms "$@" ;;
  power) shift; power "$@" ;;
  *) usage ;;
esac
