"""How much of the camera's motion stabilising leaves in a clip, along the
camera ladder.

    python tools/benchmark/camera_residual.py [--videos 64] [--size 32]
        [--estimate-size 64] [--from-reference] [--no-identity-fallback]
        [--json work_dirs/camera_residual.json]

For each rung and each of --videos videos (seed 0, the frames before
encoding), the training-like clip of camera_derivatives.py (10 frames, every
2nd, from the middle of the video, resized to --size) is stabilised as
ViDiDiDataPreprocessor stabilises it (``MotionCompensation(model=
'similarity', stabilize=True)`` with its defaults): every frame warped onto
the reference frame ``r`` = 3, the middle of order 0's 8 frames when orders 0
to 2 are taken. The renderer knows the camera (``RenderedVideo.camera``, view
to world pixels), so the map a fixed camera needs, from the reference frame's
pixels to frame t's, is ``W*[r, t] = camera[t]^-1 o camera[r]``. For every
frame ``t != r``:

- the residual: the mean over the clip's pixels of ``|W[r, t](p) - W*[r,
  t](p)|``, the estimated chain against the true one, in pixels of the
  --size clip (how far a pixel of the stabilised frame is from where a fixed
  camera would show it);
- the camera's displacement: the mean of ``|W*[r, t](p) - p|`` (what the
  plain clip shows of the camera).

--from-reference and --no-identity-fallback measure the estimate with those
options of MotionCompensation (each W[r, t] estimated from the reference
frame; every estimate kept).

The table gives both (means over frames and clips), their ratio (the share
of the camera's motion that the estimate leaves in the stabilised clip), the
median clip's residual, the share of clips whose residual exceeds a quarter
pixel, the residual three and six frames after the reference, and the share
of the motions between consecutive frames (what a stabilised clip's chain is
composed of) that the identity fallback replaced. ``--estimate-size 64``
also estimates each chain on the frames resized to 64 pixels (the rendered
size) and scales it to the clip's pixels: what the clip's resolution costs
the estimate.
"""
import json
import sys
from pathlib import Path
from typing import Dict, Sequence, Tuple

import numpy as np
import torch

from mmvididi.data_preparation.synthetic_motion import (MotionDatasetSpec,
                                                        render_scene)
from mmvididi.motion_compensation import (MotionCompensation, apply_motion,
                                          camera_chains, centred_grid,
                                          identity_motions)

sys.path.insert(0, str(Path(__file__).resolve().parent))
from camera_derivatives import (CLIP, LADDER, clip, clip_indices,  # noqa: E402
                                clip_parser)

#: the synthetic configs' highest order: the clip is 8 frames + 2
MAX_ORDER = 2
#: the frame ViDiDiDataPreprocessor stabilises onto: the middle of order 0's
#: frames (MotionCompensation._stabilised_derivatives)
REFERENCE = (CLIP - MAX_ORDER - 1) // 2
#: a clip whose residual exceeds this many pixels counts as poorly aligned
POOR = 0.25


def true_chains(camera: np.ndarray, reference: int, frame_size: Tuple[int,
                                                                      int],
                size: int) -> np.ndarray:
    """The maps ``W*[r, t]`` from the reference frame's pixels to frame t's
    (``(L, 2, 3)``), for a clip of ``camera`` ``(L, 2, 3)`` maps (view to
    world pixels, the renderer's corner-origin pixels of ``frame_size``
    ``(height, width)`` frames), in MotionCompensation's coordinates of the
    clip resized to ``size``: pixels of the ``size`` clip, centred on its
    centre (cv2's resize maps centred coordinates by the scale alone)."""
    height, width = frame_size
    if not np.isclose(size / width, size / height):
        raise ValueError(f'true_chains: frames of {frame_size} are not '
                         'square; the clip is.')
    maps = torch.from_numpy(np.asarray(camera, dtype=np.float64))
    # view r -> world -> view t, in the renderer's corner-origin pixels
    chains = camera_chains(maps[None], reference)[0]
    # p_c' = A p_c + (A c + b - c) about the frame's centre, then scaled
    centre = maps.new_tensor([(width - 1) / 2, (height - 1) / 2])
    chains[..., 2] = (chains[..., :2] @ centre + chains[..., 2] - centre) * (
        size / width)
    return chains.numpy()


def displacement(first: torch.Tensor, second: torch.Tensor,
                 size: int) -> torch.Tensor:
    """``(..., L)`` mean over a ``size`` clip's pixels of the distance
    between where ``first`` and ``second`` (``(..., L, 2, 3)`` maps) take
    them."""
    points = centred_grid(size, size, size, size, first.dtype, first.device)
    shape = first.shape[:-2]
    a = apply_motion(first.reshape(-1, 2, 3), points)
    b = apply_motion(second.reshape(-1, 2, 3), points)
    return (a - b).norm(dim=-1).mean(dim=(-2, -1)).view(shape)


def summarise(residual: torch.Tensor, camera: torch.Tensor) -> dict:
    """The table's row from ``(videos, L)`` residuals and camera
    displacements (the reference frame's column is left out of the means;
    ``by_frame``: the mean residual of each frame of the clip)."""
    by_frame = [round(float(x), 4) for x in residual.mean(dim=0)]
    others = [t for t in range(residual.shape[1]) if t != REFERENCE]
    residual, camera = residual[:, others], camera[:, others]
    per_clip = residual.mean(dim=1)
    moved = float(camera.mean())
    return dict(residual=float(residual.mean()),
                camera=moved,
                left=float(residual.mean()) / moved if moved > 0 else None,
                median_clip=float(per_clip.median()),
                poor=float((per_clip > POOR).float().mean()),
                by_frame=by_frame)


def identity_share(motion: torch.Tensor) -> float:
    """The share of ``(..., 2, 3)`` motions that are exactly the identity
    (what ``identity_fallback`` puts in place of an estimate)."""
    identity = identity_motions(dtype=motion.dtype, device=motion.device)
    return float((motion == identity).flatten(-2).all(dim=-1).float().mean())


def measure(videos: int, size: int, estimate_sizes: Sequence[int],
            **options) -> Dict[str, Dict[int, dict]]:
    """``{rung: {estimate size: row}}``: ``summarise`` of each rung's
    videos, the chains estimated on the clip resized to each size by
    ``MotionCompensation(model='similarity', stabilize=True, **options)``."""
    compensation = MotionCompensation(model='similarity', stabilize=True,
                                      **options)
    identity = identity_motions()
    rows: Dict[str, Dict[int, dict]] = {}
    for name in LADDER:
        spec = MotionDatasetSpec.preset(name)
        clips: Dict[int, list] = {s: [] for s in estimate_sizes}
        truth = []
        for index in range(videos):
            video = render_scene(np.random.default_rng([0, index]), spec,
                                 index % len(spec.classes))
            picked = clip_indices(len(video.frames))
            for s in estimate_sizes:
                clips[s].append(clip(video.frames, s))
            truth.append(true_chains(video.camera[picked], REFERENCE,
                                     spec.size, size))
        truth = torch.from_numpy(np.stack(truth)).float()
        camera = displacement(truth, identity.expand_as(truth), size)
        rows[name] = {}
        for s in estimate_sizes:
            frames = torch.from_numpy(np.stack(clips[s]))
            chains = compensation.reference_motions(frames, REFERENCE)
            chains[..., 2] *= size / s  # to the clip's pixels
            rows[name][s] = summarise(displacement(chains, truth, size),
                                      camera)
            # the steps between consecutive frames that the identity took
            rows[name][s]['identity_steps'] = identity_share(
                compensation.estimate(frames))
    return rows


def main() -> None:
    parser = clip_parser(__doc__)
    parser.add_argument('--estimate-size', type=int, action='append',
                        default=[],
                        help='also estimate on the frames resized to this '
                        'side (repeatable)')
    parser.add_argument('--from-reference', action='store_true',
                        help='MotionCompensation(from_reference=True)')
    parser.add_argument('--no-identity-fallback', action='store_true',
                        help='MotionCompensation(identity_fallback=False)')
    parser.add_argument('--json', type=Path,
                        default=Path('work_dirs/camera_residual.json'))
    args = parser.parse_args()
    torch.set_num_threads(1)
    sizes = [args.size] + [s for s in args.estimate_size if s != args.size]
    rows = measure(args.videos, args.size, sizes,
                   from_reference=args.from_reference,
                   identity_fallback=not args.no_identity_fallback)
    print(f'(pixels of the {args.size}-pixel clip; mean over {args.videos} '
          f'videos and the {CLIP - 1} frames other than the reference)')
    print('| camera | estimated on | camera displacement, px | residual, px '
          f'| share left | median clip, px | clips over {POOR} px | residual '
          '3 and 6 frames on, px | steps the identity took |')
    print('| --- | --- | --- | --- | --- | --- | --- | --- | --- |')
    for name, by_size in rows.items():
        for s, row in by_size.items():
            left = '-' if row['left'] is None else f'{100 * row["left"]:.0f} %'
            later = row['by_frame'][REFERENCE + 3], row['by_frame'][-1]
            print(f'| {name} | {s} px | {row["camera"]:.2f} | '
                  f'{row["residual"]:.2f} | {left} | '
                  f'{row["median_clip"]:.2f} | {100 * row["poor"]:.0f} % | '
                  f'{later[0]:.2f}, {later[1]:.2f} | '
                  f'{100 * row["identity_steps"]:.0f} % |')
    args.json.parent.mkdir(parents=True, exist_ok=True)
    record = dict(vars(args), reference=REFERENCE, rows=rows)
    args.json.write_text(json.dumps(record, default=str, indent=2))
    print(f'wrote {args.json}')


if __name__ == '__main__':
    main()
