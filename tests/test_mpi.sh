#!/bin/bash
# mpirun -n 2 and -n 3 vpcsim run (docs/large-studies.md) write the datasets of one process (h5dump
# without command_line and threads) and print its report; a rank killed mid-run ends the job
# with a failure and leaves the target as it was; under mpirun -o is needed for several runs, and
# a study of one run is run by the ranks together (the same datasets); run.precision's
# batches give the datasets and report of one process, warmup: auto is refused. Skipped (77)
# without mpirun.
set -u
bin=${VPCSIM_BIN:?}
src=${VPCSIM_SOURCE_DIR:?}
command -v mpirun > /dev/null || { echo "no mpirun: skipped"; exit 77; }
dir=$(mktemp -d /tmp/vpcsim-mpi.XXXXXX) || exit 1
trap 'rm -rf "$dir"' EXIT
cd "$dir" || exit 1
fail=0
say() { echo "FAIL: $*" >&2; fail=1; }
# Under AddressSanitizer (CI's second pass) the ranks keep address checking but not leak
# detection: Open MPI leaves its own allocations at MPI_Finalize, much of them in MCA plugins it
# has unloaded (no module name to suppress by; Open MPI ships a valgrind suppression file for the
# same reason). Our merge and adoption code runs with leak detection in test_shards.sh.
mpi() {
    ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0" \
        mpirun --oversubscribe --allow-run-as-root -x ASAN_OPTIONS "$@"
}
scen=$src/experiments/examples/s3-access.yaml
tables="--prices $src/experiments/prices/aws-us-east-1.yaml --defaults $src/experiments/defaults/aws-us-east-1.yaml"
short="--duration 1s --warmup 0.5s --replications 3 --records 0.02 --spans 0.001 --quiet $tables"
dump() {
    h5dump "$1" | awk '
        /ATTRIBUTE "(command_line|threads)"/ { skip = 1; depth = 0 }
        skip { if ($0 ~ /{/) depth++; if ($0 ~ /}/) { depth--; if (depth == 0) skip = 0 } next }
        { print }' | sed 1d
}
# mpirun's output ($2.h5 and $2.txt) against one process's ($1.dump and $1.txt): the same
# datasets and report, and no rank files left; $3 names the case in a failure.
same_as_one() {
    dump "$2.h5" > "$2.dump"
    cmp -s "$1.dump" "$2.dump" || say "$3: datasets differ: $(diff "$1.dump" "$2.dump" | head -5)"
    cmp -s "$1.txt" "$2.txt" || say "$3: the report differs (or is printed twice)"
    ! ls "$2".h5.rank* > /dev/null 2>&1 || say "$3 left rank files"
}

"$bin" run "$scen" $short -o one.h5 > one.txt || say "one process"
dump one.h5 > one.dump
for n in 2 3; do
    mpi -n $n "$bin" run "$scen" $short --threads 2 -o n$n.h5 > n$n.txt 2> n$n.err ||
        say "mpirun -n $n: $(cat n$n.err)"
    same_as_one one n$n "mpirun -n $n"
done

# run.precision: batches over the ranks, each rank deciding the same from the values the others
# share. Three rates of M/M/1 that stop differently (met at 6 and 8 replications, the cap of 12
# hit at 700/s), so the batches stop at different points and the last ones are partial.
sed 's|^run:.*|run: {duration: 1s, warmup: 0.2s, replications: 2, precision: {metric: mean, relative_half_width: 12%, max_replications: 12}, sweep: {workloads.call.traffic.rate: [300/s, 500/s, 700/s]}}|' \
    "$src/tests/scenarios/validate/mm1.yaml" > prec.yaml
"$bin" run prec.yaml --quiet -o prec1.h5 > prec1.txt || say "precision: one process"
[ "$(grep -c 'stopping rule:.*met at' prec1.txt)" -ge 2 ] &&
    grep -q 'cap of 12 replications hit' prec1.txt || say "precision: not the stops expected: $(grep 'stopping' prec1.txt)"
dump prec1.h5 > prec1.dump
for n in 2 3; do
    mpi -n $n "$bin" run prec.yaml --quiet --threads 2 -o prec$n.h5 > prec$n.txt 2> prec$n.err ||
        say "precision, mpirun -n $n: $(cat prec$n.err)"
    same_as_one prec1 prec$n "precision, mpirun -n $n"
done
# warmup: auto is still refused under mpirun
sed 's|^run:.*|run: {duration: 1s, replications: 2, warmup: auto}|' \
    "$src/tests/scenarios/validate/mm1.yaml" > auto.yaml
mpi -n 2 "$bin" run auto.yaml --quiet -o auto.h5 > /dev/null 2> err.txt
[ $? -eq 2 ] && grep -q "warmup: auto cannot be used with mpirun" err.txt ||
    say "warmup: auto under mpirun: $(cat err.txt)"

# -o is needed when the ranks share out several runs
mpi -n 2 "$bin" run "$scen" --duration 1s --replications 2 --quiet $tables > /dev/null 2> err.txt
[ $? -ne 0 ] && grep -q "\-o FILE is needed" err.txt || say "no -o under mpirun: $(cat err.txt)"

# A study of one run: the ranks run it together (issue 17), partition p on rank p, and give the
# datasets (records, spans, series included) and the report of one process; without -o the
# report is printed once. The large estate splits where its links are long (2 Regions, a DX
# site); at -n 3 one rank may hold no partition and still takes part.
large=$src/experiments/bench/large-estate.yaml
plain_run="--replications 1 --duration 0.1s --warmup 0.05s --quiet"
one_run="$plain_run --records 0.01 --spans 0.0005"
"$bin" run "$large" $one_run -o big1.h5 > big1.txt || say "large estate: one process"
dump big1.h5 > big1.dump
grep -q "spans" big1.dump && grep -q "records" big1.dump || say "large estate: no records or spans"
for n in 2 3; do
    mpi -n $n "$bin" run "$large" $one_run --verbose -o big$n.h5 > big$n.txt 2> big$n.err ||
        say "one run, mpirun -n $n: $(cat big$n.err)"
    grep -q "partitions: [23] over $n ranks" big$n.err || say "one run, -n $n: not split: $(cat big$n.err)"
    [ "$(grep -c 'partitions:' big$n.err)" -eq 1 ] || say "one run, -n $n: --verbose from every rank"
    same_as_one big1 big$n "one run, mpirun -n $n"
done
"$bin" run "$large" $plain_run > plain1.txt || say "large estate without -o: one process"
mpi -n 2 "$bin" run "$large" $plain_run > plain2.txt 2> plain2.err || say "one run without -o: $(cat plain2.err)"
cmp -s plain1.txt plain2.txt || say "one run without -o: the report differs (or is printed twice)"
mpi -n 2 "$bin" run "$large" $plain_run --threads 2 > /dev/null 2> err.txt
[ $? -eq 2 ] && grep -q "one thread per rank" err.txt || say "one run, --threads 2: $(cat err.txt)"

# a rank killed mid-run: the job fails, the target keeps its old contents
echo "older" > dead.h5
long="--duration 20s --warmup 0.5s --replications 4 --quiet $tables"
mpi -n 2 "$bin" run "$scen" $long -o dead.h5 > /dev/null 2> dead.err &
job=$!
victim=
for _ in $(seq 200); do
    for p in $(pgrep -f "$bin run $scen $long -o dead.h5"); do
        tr '\0' '\n' < /proc/$p/environ 2> /dev/null | grep -qx OMPI_COMM_WORLD_RANK=1 && victim=$p
    done
    [ -n "$victim" ] && break
    sleep 0.05
done
if [ -n "$victim" ]; then
    sleep 0.5
    kill -KILL "$victim"
    wait $job
    rc=$?
    [ $rc -ne 0 ] || say "a killed rank: mpirun exited 0"
    [ "$(cat dead.h5)" = "older" ] || say "a killed rank changed the target"
else
    kill $job 2> /dev/null
    wait $job
    say "no rank 1 process found"
fi
exit $fail
