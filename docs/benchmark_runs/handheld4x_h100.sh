#!/bin/bash
# As run on the GPU machine lent for issue 12 (2026-11-27, commit 2e79235), from the
# repository root, with .whl/ holding Python 3.12 wheels of mmengine 0.10.7, mmcv-lite 2.1.0,
# mmaction2 1.2.0, av 18.1.0, addict, yapf, platformdirs, termcolor and importlib_metadata 8.7,
# .devdata/commit.txt, and work_dirs/supervised/data_handheld_4x carried; $OUT is the
# folder whose files come back. Kept as the record of what ran (docs/motion_benchmark.md).
# Issue 12 on the lent GPU: handheld rung, 4 x data, 50 epochs, tuning_run.py as on
# the CPU; jobs in priority order, at most $SLOTS at once, none started that cannot
# end before the deadline. Results: $OUT/results.jsonl (tuning_run lines),
# $OUT/ckpt_*.tar (final weights + message hub), $OUT/logs.tar, $OUT/env.txt.
T0=$(date +%s)
DEADLINE=${DEADLINE:-565}
SLOTS=${SLOTS:-6}
python3 -m pip install -q --no-index --no-deps --no-compile --no-cache-dir --upgrade --target /tmp/site .whl/*.whl || exit 1
export PYTHONPATH=/tmp/site:$PWD OMP_NUM_THREADS=1 MKL_NUM_THREADS=1 PYTHONUNBUFFERED=1
{ cat .devdata/commit.txt; nvidia-smi --query-gpu=name,memory.total,driver_version --format=csv,noheader
  python3 -c "import sys, torch, mmengine, mmaction, av, numpy; print(sys.version.split()[0], torch.__version__, torch.version.cuda, 'cudnn', torch.backends.cudnn.version(), 'mmengine', mmengine.__version__, 'mmaction', mmaction.__version__, 'av', av.__version__, 'numpy', numpy.__version__)"; python3 -c 'import torch; print(torch.cuda.get_device_name())'
  lscpu | grep -E "Model name|^CPU\(s\)"; } > $OUT/env.txt 2>&1
cat $OUT/env.txt
W=/tmp/runs; mkdir -p $W
DATA=work_dirs/supervised/data_handheld_4x
export T0 DEADLINE W DATA EPOCHS EST
job() {  # NAME CONFIG SEED EXTRA-JSON
  local now=$(( $(date +%s) - T0 )) est=${EST:-300}
  [ -f $W/first_wall ] && est=$(cat $W/first_wall)
  if [ $(( now + est )) -gt $DEADLINE ]; then echo "skip $1 at ${now}s (est ${est}s)"; return; fi
  echo "start $1 at ${now}s"
  local t=$(date +%s)
  timeout $(( DEADLINE - now )) python3 tools/benchmark/tuning_run.py $1 configs/synthetic_motion/$2 $DATA ${EPOCHS:-50} \
    --work-dir $W --log $OUT/results.jsonl \
    --options "{\"seed\":$3,\"default_hooks.checkpoint.interval\":10,\"train_dataloader.num_workers\":2,\"test_dataloader.num_workers\":2$4}" \
    > $W/$1.log 2>&1
  local rc=$? wall=$(( $(date +%s) - t ))
  echo "end $1 rc=$rc wall=${wall}s at $(( $(date +%s) - T0 ))s"
  [ $rc = 0 ] && [ ! -f $W/first_wall ] && echo $wall > $W/first_wall
  tail -3 $W/$1.log | grep -v '^{' | tail -2
}
export -f job
B=',"orders":[0]'
printf '%s\n' \
  "handheld4x_vididi_50e_seed1 vididi_simclr_r3d_tiny.py 1 ''" \
  "handheld4x_baseline_50e_seed1 vididi_simclr_r3d_tiny.py 1 '$B'" \
  "handheld4x_vididi_50e_seed2 vididi_simclr_r3d_tiny.py 2 ''" \
  "handheld4x_baseline_50e_seed2 vididi_simclr_r3d_tiny.py 2 '$B'" \
  "handheld4x_vididi_50e_seed0 vididi_simclr_r3d_tiny.py 0 ''" \
  "handheld4x_baseline_50e_seed0 vididi_simclr_r3d_tiny.py 0 '$B'" \
  "handheld4x_byol_vididi_50e_seed0 vididi_byol_r3d_tiny.py 0 ''" \
  "handheld4x_byol_baseline_50e_seed0 vididi_byol_r3d_tiny.py 0 '$B'" \
  "handheld4x_vicreg_vididi_50e_seed0 vididi_vicreg_r3d_tiny.py 0 ''" \
  "handheld4x_vicreg_baseline_50e_seed0 vididi_vicreg_r3d_tiny.py 0 '$B'" \
  | xargs -P $SLOTS -L 1 bash -c 'job "$0" "$1" "$2" "$3"'
echo "all jobs done at $(( $(date +%s) - T0 ))s"
python3 - <<'PY'
import os, tarfile, torch, glob, io
import mmvididi  # allow-lists mmengine's log types for weights_only loading
W, OUT = os.environ['W'], os.environ['OUT']
names = sorted(os.path.basename(d) for d in glob.glob(W + '/handheld4x_*') if os.path.isdir(d))
parts = dict(a=lambda n: 'byol' not in n and 'vicreg' not in n and not n.endswith('seed0'),
             b=lambda n: 'byol' not in n and 'vicreg' not in n and n.endswith('seed0'),
             c=lambda n: 'byol' in n, d=lambda n: 'vicreg' in n)
epoch = os.environ.get('EPOCHS', '50')
for part, sel in parts.items():
    with tarfile.open(f'{OUT}/ckpt_{part}.tar', 'w') as tar:
        for n in names:
            p = f'{W}/{n}/epoch_{epoch}.pth'
            if not sel(n) or not os.path.exists(p): continue
            c = torch.load(p, map_location='cpu', weights_only=True)
            buf = io.BytesIO(); torch.save({k: c[k] for k in ('meta', 'state_dict', 'message_hub')}, buf)
            info = tarfile.TarInfo(f'{n}/epoch_{epoch}.pth'); info.size = buf.tell(); buf.seek(0); tar.addfile(info, buf)
    print(part, os.path.getsize(f'{OUT}/ckpt_{part}.tar'))
PY
tar -cf $OUT/logs.tar -C $W $(cd $W && ls *.log) $(cd $W && ls -d handheld4x_*/2*/vis_data/scalars.json handheld4x_*/2*/*.log 2>/dev/null) 2>/dev/null
ls -la $OUT; echo "finished at $(( $(date +%s) - T0 ))s"
