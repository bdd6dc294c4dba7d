#!/bin/bash
# Soak run of `vpcsim run -o` under signals (issue 10): a run with faults (az-failure at a short
# duration) gets SIGINT, SIGTERM or SIGHUP at a random moment (sometimes twice), N times, seeded.
# After each: the exit code is 0 or 128 + the signal; the target is the old file, a complete
# file, or a file marked incomplete that `vpcsim report` reads; no temporary file is left.
# usage: soak_signals.sh VPCSIM SOURCE_DIR [ITERATIONS=20] [SEED=1]
set -u
bin=$1 src=$2 n=${3:-20}
RANDOM=${4:-1}
dir=$(mktemp -d /tmp/vpcsim-soak-XXXXXX)
trap 'rm -rf "$dir"' EXIT
out=$dir/out.h5
signals=(INT TERM HUP)
codes=([2]=130 [15]=143 [1]=129) # by signal number
fail() { echo "soak iteration $i (signal $sig after ${delay}s${twice:+, twice}): $*" >&2; cat "$dir/err" >&2; exit 1; }
kept=0 complete=0 incomplete=0
for ((i = 1; i <= n; i++)); do
    echo old >"$out"
    cp "$out" "$dir/old"
    sig=${signals[RANDOM % 3]}
    delay=$(printf '%d.%03d' $((RANDOM % 3)) $((RANDOM % 1000)))
    twice=$([ $((RANDOM % 4)) = 0 ] && echo yes)
    "$bin" run "$src/experiments/az-failure.yaml" --duration 1s --warmup 0.5s --replications 3 \
        -o "$out" --quiet >"$dir/stdout" 2>"$dir/err" &
    pid=$!
    sleep "$delay"
    kill -s "$sig" $pid 2>/dev/null
    [ -n "$twice" ] && sleep 0.05 && kill -s "$sig" $pid 2>/dev/null
    wait $pid
    rc=$?
    num=$(kill -l "$sig")
    [ "$rc" = 0 ] || [ "$rc" = "${codes[$num]}" ] || fail "exit $rc"
    left=$(find "$dir" -name 'out.h5.tmp.*' -o -name '.vpcsim.tmp.*' | wc -l)
    [ "$left" = 0 ] || fail "temporary files left: $(ls -a "$dir")"
    if cmp -s "$out" "$dir/old"; then
        [ "$rc" != 0 ] || fail "exit 0 but the old file is still there"
        kept=$((kept + 1))
        continue
    fi
    "$bin" report "$out" >/dev/null 2>"$dir/report.err" || fail "report cannot read the file: $(cat "$dir/report.err")"
    if grep -q incomplete "$dir/report.err"; then
        [ "$rc" != 0 ] || fail "exit 0 with an incomplete file"
        incomplete=$((incomplete + 1))
    else
        complete=$((complete + 1))
    fi
done
echo "soak: $n signals: old file kept $kept, complete $complete, incomplete and readable $incomplete"
