#!/bin/bash
# vpcsim run --shard, vpcsim merge and vpcsim run --resume (docs/large-studies.md): the parts of
# a study merged, and a run interrupted by SIGINT then resumed, give the datasets of one
# uninterrupted run (h5dump, leaving out the attributes command_line and threads, which say how
# it was run); merge refuses what is not one whole study, with a reason and exit 2.
set -u
bin=${VPCSIM_BIN:?}
src=${VPCSIM_SOURCE_DIR:?}
dir=$(mktemp -d /tmp/vpcsim-shards.XXXXXX) || exit 1
trap 'rm -rf "$dir"' EXIT
cd "$dir" || exit 1
fail=0
say() { echo "FAIL: $*" >&2; fail=1; }
scen=$src/experiments/examples/s3-access.yaml
tables="--prices $src/experiments/prices/aws-us-east-1.yaml --defaults $src/experiments/defaults/aws-us-east-1.yaml"
short="--duration 1s --warmup 0.5s --replications 3 --records 0.02 --spans 0.001 --quiet $tables"

dump() { # the file's datasets and attributes, but command_line and threads
    h5dump "$1" | awk '
        /ATTRIBUTE "(command_line|threads)"/ { skip = 1; depth = 0 }
        skip { if ($0 ~ /{/) depth++; if ($0 ~ /}/) { depth--; if (depth == 0) skip = 0 } next }
        { print }' | sed 1d
}
same() { # same datasets in files $1 and $2
    dump "$1" > a.dump && dump "$2" > b.dump && cmp -s a.dump b.dump ||
        say "$3: $1 and $2 differ: $(diff a.dump b.dump | head -5)"
}
refuses() { # merge refuses with exit 2 and a message containing $1
    local want=$1; shift
    "$bin" merge "$@" > out.txt 2> err.txt
    local rc=$?
    [ $rc -eq 2 ] || say "merge $* exited $rc, not 2"
    grep -q -- "$want" err.txt || say "merge $*: no '$want' in: $(cat err.txt)"
    [ ! -e m.h5 ] || say "merge $* left m.h5"
}

# ---- shards 1/3..3/3 merged equal the single run (threads do not matter) -----------------------
"$bin" run "$scen" $short -o single.h5 > single.txt || say "single run"
for i in 1 2 3; do
    "$bin" run "$scen" $short --threads $i --shard $i/3 -o part$i.h5 > part$i.txt ||
        say "shard $i/3"
    [ ! -s part$i.txt ] || say "a part prints a report"
done
h5dump -a /part_runs part2.h5 | grep -q "(0): 3" || say "part 2/3 does not hold 3 of the 9 runs"
"$bin" merge part3.h5 part1.h5 part2.h5 -o merged.h5 > merged.txt || say "merge"
same single.h5 merged.h5 "shards merged"
cmp -s single.txt merged.txt || say "merge's report differs from run's"
"$bin" report merged.h5 > rep.txt && cmp -s single.txt rep.txt || say "report of merged file"

# ---- merge's refusals ---------------------------------------------------------------------------
refuses "not a part file" single.h5 part2.h5 part3.h5 -o m.h5
refuses "part 3/3 is missing" part1.h5 part2.h5 -o m.h5
refuses "are both part 2/3" part1.h5 part2.h5 part2.h5 part3.h5 -o m.h5
"$bin" run "$scen" $short --seed 7 --shard 1/3 -o seed1.h5 || say "seed part"
refuses "different seeds" seed1.h5 part2.h5 part3.h5 -o m.h5
"$bin" run "$scen" $short --shard 1/2 -o two1.h5 || say "1/2 part"
refuses "different shard counts" part1.h5 part2.h5 two1.h5 -o m.h5
"$bin" run "$scen" $short --set run.seed=42 --shard 1/3 -o set1.h5 || say "--set part"
refuses "different settings" set1.h5 part2.h5 part3.h5 -o m.h5
"$bin" run "$src/experiments/examples/hub-spoke-tgw.yaml" $short --shard 1/3 -o other1.h5 ||
    say "other scenario part"
refuses "different scenarios" other1.h5 part2.h5 part3.h5 -o m.h5
cp part1.h5 old1.h5
/usr/bin/python3 -c 'import h5py,sys; f=h5py.File(sys.argv[1],"r+"); f.attrs["tool"]="vpcsim 0.0.1"' \
    old1.h5 2>/dev/null && refuses "different versions" old1.h5 part2.h5 part3.h5 -o m.h5
refuses "is an input" part1.h5 part2.h5 part3.h5 -o part2.h5
mkdir folder.h5
refuses "folder.h5" part1.h5 part2.h5 part3.h5 -o folder.h5
echo "not hdf5" > junk.h5
refuses "junk.h5" junk.h5 part2.h5 part3.h5 -o m.h5

# ---- resume after SIGINT equals the uninterrupted run ------------------------------------------
long="--duration 2s --warmup 0.5s --replications 5 --records 0.02 --spans 0.001 --quiet $tables"
"$bin" run "$scen" $long -o whole.h5 > whole.txt || say "uninterrupted run"
"$bin" run "$scen" $long -o res.h5 > /dev/null 2> res.err &
pid=$!
for _ in $(seq 100); do ls res.h5.tmp.* > /dev/null 2>&1 && break; sleep 0.05; done
sleep 0.4
kill -INT $pid
wait $pid
rc=$?
if [ $rc -eq 130 ]; then
    h5dump -a /interrupted res.h5 | grep -q "(0): 1" || say "the interrupted file is not marked"
else
    echo "note: the run ended before SIGINT (exit $rc); resuming a whole file" >&2
fi
"$bin" run "$scen" $long -o res.h5 --resume > res.txt || say "resume"
same whole.h5 res.h5 "resumed"
cmp -s whole.txt res.txt || say "resumed report differs"
# a file of other settings is refused, and left as it was
cp res.h5 keep.h5
"$bin" run "$scen" $long --seed 3 -o res.h5 --resume > /dev/null 2> err.txt
[ $? -eq 2 ] && grep -q "another seed" err.txt || say "--resume over another seed: $(cat err.txt)"
cmp -s res.h5 keep.h5 || say "a refused --resume changed the file"
# a resumed part (shard) merges like the others
"$bin" run "$scen" $short --shard 2/3 -o part2.h5 --resume > /dev/null || say "resume a part"
"$bin" merge part1.h5 part2.h5 part3.h5 -o merged2.h5 > /dev/null || say "merge after resume"
same single.h5 merged2.h5 "merge after a resumed part"
# ---- inter-Region bytes by Region pair (state/regions) survive the merge: the per-pair bill ------
ir=$src/tests/scenarios/run/inter-region-mix.yaml
irs="--duration 2s --warmup 0.5s --replications 2 --quiet"
"$bin" run "$ir" $irs -o ir.h5 > ir.txt || say "inter-Region single run"
"$bin" run "$ir" $irs --shard 1/2 -o ir1.h5 && "$bin" run "$ir" $irs --shard 2/2 -o ir2.h5 ||
    say "inter-Region shards"
"$bin" merge ir2.h5 ir1.h5 -o irm.h5 > irm.txt || say "inter-Region merge"
same ir.h5 irm.h5 "inter-Region shards merged"
cmp -s ir.txt irm.txt || say "inter-Region merged report differs"
grep -q 'inter-Region transfer .* -> ' ir.txt || say "no per-pair inter-Region line in the report"

# ---- run.precision is not split into shards (yet): refused, nothing written ---------------------
sed 's/^run:.*/run: {duration: 1s, replications: 2, precision: {metric: mean, relative_half_width: 5%}}/' \
    "$src/tests/scenarios/validate/mm1.yaml" > prec.yaml
"$bin" run prec.yaml --shard 1/2 -o prec.h5 > /dev/null 2> err.txt
[ $? -eq 2 ] && grep -q "run.precision cannot be used with --shard" err.txt ||
    say "precision with --shard: $(cat err.txt)"
[ ! -e prec.h5 ] || say "a refused precision shard wrote its file"
exit $fail
