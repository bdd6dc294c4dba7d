#!/usr/bin/env bash
# Allocation-failure sweep (SQLite's manner): a small `vpcsim run -o` and a `vpcsim report` of its
# file, once per failure point N, the N-th allocation of the project's own code failing (the
# vpcsim_faulty binary, tests/faulty/faulty_malloc.c). Every point must end either
#  - in a clean error: exit 1 or 2, "out of memory" on stderr, no file at the target and no
#    temporary file left, no sanitizer report; or
#  - where the failing allocation's path genuinely recovers: exit 0 with exactly the normal
#    output (stdout, and the file's report equal to the reference's).
# Never a signal, never exit 0 with other numbers.
# Usage: alloc_sweep.sh VPCSIM_FAULTY SOURCE_DIR [max points per command (default 150)]
# Above the maximum, points are sampled evenly (every k-th from 1, k = ceil(total / max)), so a
# CTest stays short; VPCSIM_SWEEP_MAX=0 tests every point.
set -u
bin=$1 src=$2 max=${VPCSIM_SWEEP_MAX:-${3:-150}}
work=$(mktemp -d /tmp/vpcsim-sweep.XXXXXX)
trap 'rm -rf "$work"' EXIT
cd "$work" || exit 1
run_args=(run "$src/tests/scenarios/run/nat-cost.yaml" --quiet --threads 1 --replications 2
  --duration 200ms --warmup 50ms --spans 0.5)
bad=0 clean=0 recovered=0

total_of() { sed -n 's/^vpcsim-faulty: \([0-9]*\) allocations$/\1/p' "$1" | tail -n 1; }

# The reference outputs and allocation counts, nothing failing.
VPCSIM_ALLOC_COUNT=1 "$bin" "${run_args[@]}" -o ref.h5 > ref_run.txt 2> ref_run.err ||
  { echo "reference run failed:"; cat ref_run.err; exit 1; }
VPCSIM_ALLOC_COUNT=1 "$bin" report ref.h5 > ref_report.txt 2> ref_report.err ||
  { echo "reference report failed:"; cat ref_report.err; exit 1; }
total_run=$(total_of ref_run.err) total_report=$(total_of ref_report.err)

points() { # total: the points to test
  local total=$1 step=1
  [ "$max" -gt 0 ] && [ "$total" -gt "$max" ] && step=$(((total + max - 1) / max))
  seq 1 "$step" "$total"
}

fail() { echo "FAIL $*"; bad=$((bad + 1)); }

# label, exit code, stdout, stderr, reference stdout, target (or "")
judge() {
  local what=$1 rc=$2 out=$3 err=$4 ref=$5 target=$6
  if grep -qE "Sanitizer|runtime error:" "$err"; then fail "$what: sanitizer report"; return; fi
  if [ "$rc" -eq 0 ]; then
    if ! cmp -s "$out" "$ref"; then fail "$what: exit 0 with different output"; diff "$out" "$ref" | head -5; return; fi
    if [ -n "$target" ]; then
      "$bin" report "$target" > target_report.txt 2>/dev/null && "$bin" report ref.h5 > ref_rep2.txt 2>/dev/null &&
        cmp -s target_report.txt ref_rep2.txt || { fail "$what: exit 0 but the file differs"; return; }
    fi
    recovered=$((recovered + 1))
    return
  fi
  if [ "$rc" -ne 1 ] && [ "$rc" -ne 2 ]; then fail "$what: exit $rc"; head -3 "$err"; return; fi
  if ! grep -q "out of memory" "$err"; then fail "$what: exit $rc without 'out of memory'"; head -3 "$err"; return; fi
  if [ -n "$target" ] && compgen -G "$target*" > /dev/null; then fail "$what: left $(ls "$target"*)"; return; fi
  clean=$((clean + 1))
}

tested=0
for n in $(points "$total_run"); do
  rm -f out.h5*
  VPCSIM_FAIL_AT=$n "$bin" "${run_args[@]}" -o out.h5 > out.txt 2> err.txt
  judge "run, allocation $n of $total_run" $? out.txt err.txt ref_run.txt out.h5
  tested=$((tested + 1))
done
for n in $(points "$total_report"); do
  VPCSIM_FAIL_AT=$n "$bin" report ref.h5 > out.txt 2> err.txt
  judge "report, allocation $n of $total_report" $? out.txt err.txt ref_report.txt ""
  tested=$((tested + 1))
done
echo "allocation failure points: run $total_run, report $total_report; tested $tested:" \
  "$clean clean errors, $recovered recovered with the normal output, $bad bad"
[ "$bad" -eq 0 ]
