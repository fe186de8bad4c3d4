#!/bin/bash
# As run on the GPU machine lent for issue 12 (2026-11-27, second lending), from the
# repository root, with work_dirs/gpu_whl (Python 3.12 wheels of mmengine 0.10.7,
# mmcv-lite 2.1.0, mmaction2 1.2.0, av 18.1.0, addict, yapf, platformdirs, termcolor,
# importlib_metadata 8.7, zipp), work_dirs/gpu_commit.txt and
# work_dirs/supervised/data_mild_4x carried; $OUT is the folder whose files come back.
# Kept as the record of what ran (docs/motion_benchmark.md).
# The mild camera rung, 4 x data, 50 epochs, SimCLR: ViDiDi and its baseline twin,
# seeds 0, 1, 2, six runs at once (decoding on the CPU is the bound), each stopped at
# $DEADLINE s; a checkpoint every 2 epochs, so that the same script with
# RESUME=--resume, on the same machine, goes on from where the deadline stopped a run
# (runs with an epoch_50.pth are not run again).
# Results: $OUT/results.jsonl (tuning_run lines), $OUT/ckpt_*.tar (epoch_50 weights, or
# the newest full checkpoint of a run that did not end), $OUT/logs.tar, $OUT/env.txt.
T0=$(date +%s)
DEADLINE=${DEADLINE:-530}
python3 -m pip install -q --no-index --no-deps --no-compile --no-cache-dir --upgrade \
  --target /tmp/site work_dirs/gpu_whl/*.whl || exit 1
export PYTHONPATH=/tmp/site:$PWD OMP_NUM_THREADS=1 MKL_NUM_THREADS=1 PYTHONUNBUFFERED=1
{ cat work_dirs/gpu_commit.txt; nvidia-smi --query-gpu=name,memory.total,driver_version --format=csv,noheader
  python3 -c "import sys, torch, mmengine, mmaction, av, numpy; print(sys.version.split()[0], torch.__version__, torch.version.cuda, 'cudnn', torch.backends.cudnn.version(), 'mmengine', mmengine.__version__, 'mmaction', mmaction.__version__, 'av', av.__version__, 'numpy', numpy.__version__)"
  lscpu | grep -E "Model name|^CPU\(s\)"; } > $OUT/env.txt 2>&1
cat $OUT/env.txt
export W=/tmp/runs; mkdir -p $W
run() {  # NAME SEED EXTRA-JSON
  local left=$(( DEADLINE - ($(date +%s) - T0) ))
  timeout $left python3 tools/benchmark/tuning_run.py $1 configs/synthetic_motion/vididi_simclr_r3d_tiny.py \
    work_dirs/supervised/data_mild_4x 50 --work-dir $W --log $OUT/results.jsonl $RESUME \
    --options "{\"seed\":$2,\"default_hooks.checkpoint.interval\":2,\"train_dataloader.num_workers\":2,\"test_dataloader.num_workers\":2$3}" \
    >> $W/$1.log 2>&1
  echo "end $1 rc=$? at $(( $(date +%s) - T0 ))s"
}
for s in 0 1 2; do
  [ -f $W/mild4x_vididi_50e_seed$s/epoch_50.pth ] || run mild4x_vididi_50e_seed$s $s '' &
  [ -f $W/mild4x_baseline_50e_seed$s/epoch_50.pth ] || run mild4x_baseline_50e_seed$s $s ',"orders":[0]' &
done
wait
echo "runs done at $(( $(date +%s) - T0 ))s"
python3 - <<'PY'
import glob, io, os, tarfile
import torch
import mmvididi  # allow-lists mmengine's log types for weights_only loading
W, OUT = os.environ['W'], os.environ['OUT']
members = []  # (archive name, bytes): the final weights, or a run's newest full checkpoint
for run in sorted(glob.glob(W + '/mild4x_*/')):
    name = os.path.basename(run.rstrip('/'))
    final = os.path.join(run, 'epoch_50.pth')
    if os.path.exists(final):
        c = torch.load(final, map_location='cpu', weights_only=True)
        buf = io.BytesIO()
        torch.save({k: c[k] for k in ('meta', 'state_dict', 'message_hub')}, buf)
        members.append((f'{name}/epoch_50.pth', buf.getvalue()))
    else:
        ckpts = sorted(glob.glob(run + 'epoch_*.pth'), key=lambda p: int(p[:-4].rsplit('_', 1)[1]))
        if ckpts:
            members.append((f'{name}/{os.path.basename(ckpts[-1])}', open(ckpts[-1], 'rb').read()))
part, size, tar = 0, 0, None
for arcname, data in members:
    if tar is None or size + len(data) > 15 * 2**20:
        if tar: tar.close()
        part, size = part + 1, 0
        tar = tarfile.open(f'{OUT}/ckpt_{part}.tar', 'w')
    info = tarfile.TarInfo(arcname); info.size = len(data)
    tar.addfile(info, io.BytesIO(data)); size += len(data)
    print(part, arcname, len(data))
if tar: tar.close()
PY
tar -cf $OUT/logs.tar -C $W $(cd $W && ls *.log) $(cd $W && ls -d mild4x_*/2*/vis_data/scalars.json mild4x_*/2*/*.log 2>/dev/null) 2>/dev/null
ls -la $OUT; cut -c1-330 $OUT/results.jsonl 2>/dev/null; echo "finished at $(( $(date +%s) - T0 ))s"
