#!/usr/bin/env bash
# Distributed training on one node or many, with torchrun:
#   bash tools/dist_train.sh CONFIG GPUS [train.py arguments ...]
# Many nodes: NNODES=2 NODE_RANK=0|1 MASTER_ADDR=host0 PORT=29500 on each node.
# PYTHON picks the interpreter (default: python).
set -euo pipefail
CONFIG=$1
GPUS=$2
NNODES=${NNODES:-1}
NODE_RANK=${NODE_RANK:-0}
PORT=${PORT:-29500}
MASTER_ADDR=${MASTER_ADDR:-127.0.0.1}
ROOT="$(cd "$(dirname "$0")/.." && pwd)"

PYTHONPATH="$ROOT${PYTHONPATH:+:$PYTHONPATH}" \
"${PYTHON:-python}" -m torch.distributed.run \
    --nnodes="$NNODES" --node_rank="$NODE_RANK" --master_addr="$MASTER_ADDR" \
    --master_port="$PORT" --nproc_per_node="$GPUS" \
    "$ROOT/tools/train.py" "$CONFIG" --launcher pytorch "${@:3}"
