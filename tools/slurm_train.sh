#!/usr/bin/env bash
# Training on a Slurm cluster, one task a GPU:
#   GPUS=16 bash tools/slurm_train.sh PARTITION JOB_NAME CONFIG [train.py arguments ...]
# GPUS (default 8), GPUS_PER_NODE (8), CPUS_PER_TASK (5) and SRUN_ARGS tune srun.
set -euo pipefail
PARTITION=$1
JOB_NAME=$2
CONFIG=$3
GPUS=${GPUS:-8}
GPUS_PER_NODE=${GPUS_PER_NODE:-8}
CPUS_PER_TASK=${CPUS_PER_TASK:-5}
SRUN_ARGS=${SRUN_ARGS:-}
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
export MASTER_PORT=${MASTER_PORT:-$((12000 + RANDOM % 20000))}

PYTHONPATH="$ROOT${PYTHONPATH:+:$PYTHONPATH}" \
srun -p "$PARTITION" --job-name="$JOB_NAME" \
    --gres=gpu:"$GPUS_PER_NODE" --ntasks="$GPUS" \
    --ntasks-per-node="$GPUS_PER_NODE" --cpus-per-task="$CPUS_PER_TASK" \
    --kill-on-bad-exit=1 $SRUN_ARGS \
    "${PYTHON:-python}" -u "$ROOT/tools/train.py" "$CONFIG" --launcher slurm "${@:4}"
