"""Training step time of ViDiDi against its baseline twin, per framework.

    python tools/benchmark/step_time.py [--batch 8] [--clip-len 16] [--size 112]
        [--base-channels 64] [--steps 10] [--device cpu|cuda]
        [--channels-last | --no-channels-last] [--amp]

Builds each configs/vididi_<framework>_r3d_ucf101.py and its baseline twin (same
framework, backbone and batch), feeds both the same batch of uint8 views (what the
pretraining pipeline sends: T + 2 frames a view) and prints the median time of a
training step (data preprocessor, forward, backward, update; one order pair a step,
as the default alternating schedule), the share of it spent
in the preprocessor (moving the frames, derivatives, normalisation), the bytes a
clip sends to the device and, on a GPU, clips/s and peak memory. --amp steps
through mmengine's AmpOptimWrapper (float16 autocast, dynamic loss scale), as
tools/train.py --amp does; GPU only.
"""
import argparse
import statistics
import time
from pathlib import Path

import torch
from mmaction.registry import MODELS
from mmaction.structures import ActionDataSample
from mmengine import Config
from mmengine.optim import AmpOptimWrapper, OptimWrapper
from mmengine.registry import init_default_scope

import mmvididi  # noqa: F401

ROOT = Path(__file__).parents[2]


def synchronize(device: str) -> None:
    if device == 'cuda':
        torch.cuda.synchronize()


def batch(size: int, clip_len: int, pixels: int) -> dict:
    frames = torch.randint(0, 256, (size, 2, clip_len + 2, pixels, pixels, 3),
                           dtype=torch.uint8)
    samples = []
    for _ in range(size):
        sample = ActionDataSample()
        sample.set_metainfo(dict(derivative_orders=(0, 1, 2)))
        samples.append(sample)
    return dict(inputs=list(frames), data_samples=samples)


def measure(cfg: Config, data: dict, steps: int, device: str,
            amp: bool = False) -> dict:
    torch.manual_seed(0)
    model = MODELS.build(cfg.model).to(device)
    optimizer = torch.optim.AdamW(model.parameters(), lr=1e-4)
    optim = AmpOptimWrapper(optimizer=optimizer, loss_scale='dynamic') if amp \
        else OptimWrapper(optimizer)
    model.train()
    step_times, prep_times = [], []
    if device == 'cuda':
        torch.cuda.reset_peak_memory_stats()
    for i in range(steps + 2):  # 2 warm-up steps
        # as ViDiDiHook(mode='alternate'): one pair a step
        model.set_active_pairs([model.pairs[i % len(model.pairs)]])
        synchronize(device)
        start = time.perf_counter()
        prepared = model.data_preprocessor(data, True)
        synchronize(device)
        prep = time.perf_counter() - start
        with optim.optim_context(model):
            losses = model(**prepared, mode='loss')
        loss, _ = model.parse_losses(losses)
        optim.update_params(loss)
        synchronize(device)
        if i >= 2:
            step_times.append(time.perf_counter() - start)
            prep_times.append(prep)
    clips = len(data['inputs']) * 2
    step = statistics.median(step_times)
    result = dict(step=step, prep_share=statistics.median(prep_times) / step,
                  clips_per_s=clips / step,
                  bytes_per_clip=data['inputs'][0].numel() / 2)
    if device == 'cuda':
        result['peak_mib'] = torch.cuda.max_memory_allocated() / 2**20
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument('--batch', type=int, default=8)
    parser.add_argument('--clip-len', type=int, default=16)
    parser.add_argument('--size', type=int, default=112)
    parser.add_argument('--base-channels', type=int, default=64)
    parser.add_argument('--steps', type=int, default=10)
    parser.add_argument('--device', default='cuda' if torch.cuda.is_available()
                        else 'cpu')
    parser.add_argument('--channels-last', action=argparse.BooleanOptionalAction,
                        help="default: the config's (model.channels_last)")
    parser.add_argument('--amp', action='store_true',
                        help='mixed precision (AmpOptimWrapper); GPU only')
    parser.add_argument('--frameworks', nargs='+',
                        default=['simclr', 'byol', 'vicreg'])
    args = parser.parse_args()
    if args.amp and args.device != 'cuda':
        parser.error("--amp needs a GPU: mmengine's AmpOptimWrapper does not "
                     'run on CPUs')
    init_default_scope('mmaction')
    data = batch(args.batch, args.clip_len, args.size)
    memory = {None: 'as the config', True: 'channels_last_3d',
              False: 'contiguous'}[args.channels_last]
    print(f'{args.device}, batch {args.batch} videos x 2 views, T = '
          f'{args.clip_len}, {args.size} x {args.size}, R3D-18 with '
          f'{args.base_channels} base channels, memory format {memory}, '
          f'{"mixed precision" if args.amp else "float32"}, '
          f'median of {args.steps} steps\n')
    gpu = args.device == 'cuda'
    print('| framework | model | step (s) | preprocessor share | clips/s | '
          'bytes a clip to the device |' + (' peak memory (MiB) |' if gpu else '')
          + ' step ratio |')
    print('| --- | --- | --- | --- | --- | --- |' + (' --- |' if gpu else '') +
          ' --- |')
    for framework in args.frameworks:
        cfg = Config.fromfile(ROOT / 'configs' / f'vididi_{framework}_r3d_ucf101.py')
        cfg.model.backbone.base_channels = args.base_channels
        cfg.model.neck.in_channels = 8 * args.base_channels
        if args.channels_last is not None:
            cfg.model.channels_last = args.channels_last
        results = {}
        for name, orders in (('baseline', (0, )), ('ViDiDi', (0, 1, 2))):
            cfg.model.orders = orders
            results[name] = measure(cfg, data, args.steps, args.device,
                                    args.amp)
        for name, r in results.items():
            ratio = r['step'] / results['baseline']['step']
            print(f'| {framework} | {name} | {r["step"]:.3f} | '
                  f'{100 * r["prep_share"]:.1f} % | {r["clips_per_s"]:.1f} | '
                  f'{r["bytes_per_clip"]:,.0f} |' +
                  (f' {r["peak_mib"]:.0f} |' if gpu else '') + f' {ratio:.2f} |')


if __name__ == '__main__':
    main()
