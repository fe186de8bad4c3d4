#!/bin/bash
# As run on the GPU machine lent for issue 12 (2026-11-27, commit 2e79235), from the
# repository root, with .whl/ holding Python 3.12 wheels of mmengine 0.10.7, mmcv-lite 2.1.0,
# mmaction2 1.2.0, av 18.1.0, addict, yapf, platformdirs, termcolor and importlib_metadata 8.7,
# .devdata/commit.txt, and work_dirs/supervised/data_handheld_4x carried; $OUT is the
# folder whose files come back. Kept as the record of what ran (docs/motion_benchmark.md).
T0=$(date +%s)
export PYTHONPATH=/tmp/site:$PWD OMP_NUM_THREADS=1 PYTHONUNBUFFERED=1 W=/tmp/runs EPOCHS=50
ls /tmp/runs/*/epoch_40.pth || exit 1
for s in 0 1 2; do for v in vididi baseline; do
  o="{\"seed\":$s,\"default_hooks.checkpoint.interval\":10,\"train_dataloader.num_workers\":2,\"test_dataloader.num_workers\":3"; [ $v = baseline ] && o="$o,\"orders\":[0]"
  timeout 215 python3 tools/benchmark/tuning_run.py handheld4x_${v}_50e_seed$s configs/synthetic_motion/vididi_simclr_r3d_tiny.py work_dirs/supervised/data_handheld_4x 50 --work-dir /tmp/runs --log $OUT/results.jsonl --resume --options "$o}" > /tmp/runs/r_${v}_$s.log 2>&1 &
done; done; wait; echo "trained+tested at $(( $(date +%s) - T0 ))s"
sed -n '/^python3 - <<.PY.$/,/^PY$/p' .devdata/gpu_handheld.sh | sed '1d;$d' > /tmp/tar.py; python3 /tmp/tar.py
tar -cf $OUT/logs.tar -C /tmp/runs $(cd /tmp/runs && ls *.log) $(cd /tmp/runs && ls -d handheld4x_*/2*/vis_data/scalars.json handheld4x_*/2*/*.log)
cat $OUT/results.jsonl | cut -c1-400; echo "done at $(( $(date +%s) - T0 ))s"
