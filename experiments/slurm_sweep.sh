#!/bin/bash
# SLURM array job for a large vpcsim study (docs/large-studies.md): each array task runs one
# shard of the study, and the first task to start submits the merge as a job that waits for
# the whole array to succeed.
# Usage: sbatch --array=0-(N-1) experiments/slurm_sweep.sh SCENARIO PARTS_DIR [run options...]
#   e.g. sbatch --array=0-19 --cpus-per-task=4 experiments/slurm_sweep.sh study.yaml parts
# Result: PARTS_DIR/part-I.h5 for I = 1..N, then study.h5 (the scenario's name, .h5) beside
# PARTS_DIR, identical to one `vpcsim run SCENARIO -o study.h5`, and its report in
# PARTS_DIR/report.txt. VPCSIM (default: vpcsim on PATH) names the binary.
#SBATCH --job-name=vpcsim-shard
#SBATCH --output=vpcsim-shard-%A_%a.log
set -euo pipefail
scenario=${1:?usage: sbatch --array=0-N experiments/slurm_sweep.sh SCENARIO PARTS_DIR [options]}
parts=${2:?PARTS_DIR}
shift 2
vpcsim=${VPCSIM:-vpcsim}
: "${SLURM_ARRAY_TASK_ID:?run it with sbatch --array}" "${SLURM_ARRAY_TASK_COUNT:?}"
mkdir -p "$parts"
shard=$((SLURM_ARRAY_TASK_ID + 1))/$SLURM_ARRAY_TASK_COUNT
out="$parts/part-$((SLURM_ARRAY_TASK_ID + 1)).h5"
merged="$(dirname "$parts")/$(basename "$scenario" .yaml).h5"

# the merge: once, by the array's first task, after every task ended well (afterok)
if [ "$SLURM_ARRAY_TASK_ID" = "${SLURM_ARRAY_TASK_MIN:-0}" ]; then
    sbatch --job-name=vpcsim-merge --dependency="afterok:$SLURM_ARRAY_JOB_ID" \
        --output="$parts/merge-%j.log" \
        --wrap="$vpcsim merge $parts/part-*.h5 -o $merged > $parts/report.txt"
fi

# --resume: a task resubmitted after a failure keeps the runs its part already holds
exec "$vpcsim" run "$scenario" --shard "$shard" --threads "${SLURM_CPUS_PER_TASK:-1}" \
    --quiet -o "$out" --resume "$@"
