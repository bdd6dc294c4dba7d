#!/usr/bin/env bash
# experiments/regress.sh on tests/scenarios/compare/tiny.yaml: a baseline, a check of the same
# build (identical figures: exit 0), a check with +2 ms on the path (exit 1, the latency figures
# worse), and a check without a baseline (exit 2).
set -uo pipefail
src=${VPCSIM_SOURCE_DIR:?} tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
export VPCSIM_BIN=${VPCSIM_BIN:?} REGRESS_RUN="--duration 1s --warmup 200ms --replications 5"
tiny=$src/tests/scenarios/compare/tiny.yaml
fail() { echo "FAIL: $*"; exit 1; }

"$src/experiments/regress.sh" baseline "$tmp/base" "$tiny" || fail "baseline exit $?"
[ -f "$tmp/base/tiny.h5" ] || fail "no baseline file"
out=$("$src/experiments/regress.sh" check "$tmp/base" "$tiny"); rc=$?
[ $rc -eq 0 ] || fail "unchanged: exit $rc: $out"
grep -q "0 worse, 0 better" <<< "$out" || fail "unchanged: $out"
out=$(REGRESS_RUN="$REGRESS_RUN --set overrides.link_intra_az.latency=500us" \
      "$src/experiments/regress.sh" check "$tmp/base" "$tiny"); rc=$?
[ $rc -eq 1 ] || fail "+2 ms: exit $rc: $out"
grep -q "### vpcsim compare: 5 worse, 0 better" <<< "$out" || fail "+2 ms: $out"
grep -q "| \*\*worse\*\* | - | nat | get | p99 (ms) |" <<< "$out" || fail "+2 ms: $out"
"$src/experiments/regress.sh" check "$tmp/none" "$tiny" 2> /dev/null; rc=$?
[ $rc -eq 2 ] || fail "no baseline: exit $rc"
echo ok
