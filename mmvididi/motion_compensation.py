"""Camera-motion compensation: temporal derivatives of aligned frames.

A moving camera moves every background edge, and the plain derivatives of
:mod:`mmvididi.derivatives` light all of them up. Here the global (camera)
motion between consecutive frames is estimated, batched, on the device, and
each order is computed from frames warped onto a common reference:

    order n at t = sum_k (-1)**(n - k) * C(n, k) * x[t + k](W[t, k](p)),

where ``W[t, k]`` maps a pixel ``p`` of frame ``t`` to where the camera has
carried it in frame ``t + k`` (``W[t, 0]`` is the identity, so order 0 is the
frames themselves and order n at t is aligned to frame t). ``W[t, k]`` is the
composition ``M[t + k - 1] o ... o M[t]`` of the motions between consecutive
frames. Pixels of frame t whose ``W[t, k](p)`` falls outside frame ``t + k``
for some ``k <= n`` have no data: their order-n derivative is set to 0 and a
mask says which pixels are valid.

Stabilised (``MotionCompensation(stabilize=True)``), every frame is warped
onto one reference, the middle ``r`` of the ``T`` frames of order 0 (the
same frame whatever the highest order), frames included:

    y[t](p) = x[t](W[r, t](p)),
    order n at t = sum_k (-1)**(n - k) * C(n, k) * y[t + k],

with ``W[r, t] = M[t - 1] o ... o M[r]`` after ``r`` and
``M[t]^-1 o ... o M[r - 1]^-1`` before it: the clip as a camera fixed on the
scene would film it, and its plain derivatives. Order 0 (the frames the
encoder is evaluated on) then shows the movers' motion against the scene
without the camera's, as the derivatives do. Pixels a frame has no data for
are 0 in every order it enters, order 0 included: a border that moves with
the camera. ``crop_margin=m`` crops it away as a video stabiliser does: the
clip shows the central ``1 - 2 m`` of the reference frame's field of view,
resampled to the clip's size (``y[t](p) = x[t](W[r, t](s p))``, ``s = 1 -
2 m``, the reference frame resampled too), so that a camera moving less than
``m`` of the frame leaves every pixel with data. With ``from_reference=True``
each ``W[r, t]`` is estimated between frames ``r`` and ``t`` themselves, as
below, instead of being composed from the steps: a composition adds up every
step's error.

Estimation of ``M[t]`` (frame t to frame t + 1), for every pair at once:

1. grey frames, each standardised (zero mean, unit spread);
2. an initial translation by block matching on the frames shrunk to 16
   pixels: the shift, up to 3 of those pixels each way, with the least mean
   truncated absolute difference, i.e. the shift that most pixels agree on.
   A moving object's pixels match nowhere and cost the same whatever the
   shift, so the background wins while it covers most of the frame. (Phase
   correlation, tried first, locked onto a central moving object a tenth of
   the frame in size: whitening gives its edges as much weight as the
   background's, and the window weighs the centre most.)
3. Gauss-Newton refinement of a ``'translation'`` (2 parameters),
   ``'similarity'`` (4: zoom, roll, translation) or ``'affine'`` (6)
   model on a coarse-to-fine pyramid, with the efficient second-order
   gradient (the mean of both frames' gradients), Tukey weights from the
   residuals' median absolute deviation, so that a moving object does not
   pull the camera estimate, and a gain and offset fitted at every step
   (lighting changes and the edges entering the frame are not motion);
4. the identity instead wherever it explains the frames better (median
   absolute residual): textureless or ambiguous pairs are left unaligned
   (``identity_fallback``, on by default; on the synthetic benchmark's
   32-pixel clips it also picks the identity for 9 to 29 % of the
   consecutive pairs of a moving camera, whose motion is then lost).

Supplied instead of estimated (``motion_source='supplied'``): where the
camera is known (a renderer's, a gyroscope's, an offline stabiliser's), the
clip comes with one ``2 x 3`` map a frame, ``C[t]``, from the clip's pixels
to a common frame's (the scene's), and the motions are exact:
``M[t] = C[t + 1]^-1 o C[t]``, ``W[r, t] = C[t]^-1 o C[r]``
(:func:`camera_steps`, :func:`camera_chains`). ``LoadCameraMotion`` reads
them from a file beside the video and carries them through the crop and
resize of the pipeline; the synthetic benchmark writes such files
(``generate.py --write-camera``), where they measure what a perfect estimate
would give (docs/motion_benchmark.md).

Coordinates: pixels ``(x, y)`` (column, row) centred on the frame centre,
``(x - (W - 1) / 2, y - (H - 1) / 2)``; a motion is a ``2 x 3`` matrix
``[A | b]`` with ``p' = A p + b`` in those pixel units.
"""
import contextlib
from math import comb
from typing import List, Optional, Sequence, Tuple

import torch
import torch.nn.functional as F

from mmvididi.derivatives import temporal_derivatives

#: Where the motions come from: estimated from the frames, or supplied with
#: them (``C[t]``, see the module docstring).
MOTION_SOURCES = ('estimate', 'supplied')
#: A sample's key for its cameras ``C[t]``, set by ``LoadCameraMotion`` and
#: read by ``ViDiDiDataPreprocessor`` (``PackActionInputs(meta_keys=(...,
#: CAMERA_KEY))``)
CAMERA_KEY = 'camera_motion'
#: Motion models, by number of parameters.
MOTION_MODELS = {'translation': 2, 'similarity': 4, 'affine': 6}
INTERPOLATIONS = ('bilinear', 'bicubic')
#: Pixels, beyond the sample, that each interpolation reads.
_REACH = {'bilinear': 0.0, 'bicubic': 1.0}
#: Tukey's biweight cut-off, in robust standard deviations of the residuals:
#: lower than the usual 4.685, so that a moving object covering a fifth of
#: the frame is rejected (tests/test_motion_compensation.py).
TUKEY_C = 3.0
MAD_TO_SIGMA = 1.4826
#: Pixels the robust scale (a median) is taken from: enough for a scale.
MEDIAN_SAMPLES = 128
#: Block matching: the cost of a pixel saturates at this difference (frames
#: standardised to unit spread).
TRUNCATION = 0.5


def centred_grid(height: int, width: int, full_height: int, full_width: int,
                 dtype: torch.dtype, device) -> torch.Tensor:
    """``(h, w, 2)`` centred coordinates ``(x, y)``, in pixels of the full
    ``full_height x full_width`` frame, of the pixel centres of a
    ``height x width`` image of the same field of view."""
    ys = (torch.arange(height, dtype=dtype, device=device) - (height - 1) / 2)
    xs = (torch.arange(width, dtype=dtype, device=device) - (width - 1) / 2)
    ys, xs = ys * (full_height / height), xs * (full_width / width)
    return torch.stack(torch.meshgrid(xs, ys, indexing='xy'), dim=-1)


def apply_motion(motion: torch.Tensor, points: torch.Tensor) -> torch.Tensor:
    """``p' = A p + b`` for ``(B, 2, 3)`` motions and ``(h, w, 2)`` or
    ``(B, h, w, 2)`` points; ``(B, h, w, 2)``."""
    return torch.einsum('bij,b...j->b...i', motion[:, :, :2],
                        points.expand(motion.shape[:1] + points.shape[-3:])) \
        + motion[:, None, None, :, 2]


def sample(images: torch.Tensor, points: torch.Tensor, full_height: int,
           full_width: int, mode: str = 'bilinear',
           reach: float = 0.0) -> Tuple[torch.Tensor, torch.Tensor]:
    """``images`` ``(B, C, h, w)`` read at the centred full-frame ``points``
    ``(B, h', w', 2)``: ``(B, C, h', w')`` values and a ``(B, h', w')`` mask
    of the points whose interpolation reads only pixels of the image (at
    least ``reach`` pixels inside its outer pixel centres)."""
    height, width = images.shape[-2:]
    scale = points.new_tensor([2 / full_width, 2 / full_height])
    values = F.grid_sample(images, points * scale, mode=mode,
                           padding_mode='zeros', align_corners=False)
    # the point in this image's pixel indices
    x = points[..., 0] * (width / full_width) + (width - 1) / 2
    y = points[..., 1] * (height / full_height) + (height - 1) / 2
    eps = 1e-4
    valid = ((x >= reach - eps) & (x <= width - 1 - reach + eps) &
             (y >= reach - eps) & (y <= height - 1 - reach + eps))
    return values, valid


def standardise(grey: torch.Tensor) -> torch.Tensor:
    """``(B, H, W)`` images with zero mean and unit spread each."""
    centred = grey - grey.mean(dim=(-2, -1), keepdim=True)
    spread = centred.pow(2).mean(dim=(-2, -1), keepdim=True).sqrt()
    return centred / spread.clamp_min(1e-6)


def block_matching(reference: torch.Tensor, moved: torch.Tensor,
                   radius: int, truncation: float = TRUNCATION) -> torch.Tensor:
    """The integer translation ``d`` (``(B, 2)`` as ``(dx, dy)``, pixels of
    these ``(B, h, w)`` images, ``|d| <= radius``) with
    ``moved(p + d) ~ reference(p)`` that most pixels agree on: the least
    sum of absolute differences truncated at ``truncation``, so that a pixel
    that matches nowhere (a moving object, or one that left the frame) costs
    the same whatever ``d``."""
    num, height, width = reference.shape
    side = 2 * radius + 1
    outside = 1e4  # any difference with it is truncated: left the frame
    windows = F.unfold(F.pad(moved[:, None], (radius, ) * 4, value=outside),
                       (height, width))  # B x (h w) x side**2
    cost = (windows - reference.flatten(1)[..., None]).abs_().clamp_max_(
        truncation).sum(dim=1)
    best = cost.argmin(dim=1)
    return torch.stack([best % side, best // side], dim=1).to(
        reference.dtype) - radius


def _gradients(images: torch.Tensor) -> Tuple[torch.Tensor, torch.Tensor]:
    """``(B, h, w)`` images to their ``(B, h * w)`` x and y differences
    ``x[i + 1] - x[i - 1]`` (twice the gradient), one-sided at the edges."""
    padded = F.pad(images[:, None], (1, 1, 1, 1), mode='replicate')[:, 0]
    gx = padded[:, 1:-1, 2:] - padded[:, 1:-1, :-2]
    gy = padded[:, 2:, 1:-1] - padded[:, :-2, 1:-1]
    return gx.flatten(1), gy.flatten(1)


def _pyramid(images: torch.Tensor, levels: int,
             min_size: int) -> List[torch.Tensor]:
    """``images`` ``(B, H, W)`` and area-downsampled halves, coarsest first,
    stopping before a side would fall under ``min_size``."""
    pyramid = [images]
    for _ in range(levels - 1):
        height, width = pyramid[-1].shape[-2:]
        if min(height, width) // 2 < min_size:
            break
        pyramid.append(F.interpolate(pyramid[-1][:, None],
                                     size=(height // 2, width // 2),
                                     mode='area')[:, 0])
    return pyramid[::-1]


#: Affine parameters ``(A11, A12, b1, A21, A22, b2)`` of each model's
#: parameters: ``affine = BASIS[model] @ parameters``. Similarity:
#: ``(a, r, tx, ty)`` with ``A = [[1 + a, -r], [r, 1 + a]]``.
BASIS = {
    'translation': ((0, 0), (0, 0), (1, 0), (0, 0), (0, 0), (0, 1)),
    'similarity': ((1, 0, 0, 0), (0, -1, 0, 0), (0, 0, 1, 0), (0, 1, 0, 0),
                   (1, 0, 0, 0), (0, 0, 0, 1)),
    'affine': tuple(tuple(int(i == j) for j in range(6)) for i in range(6)),
}


def _normal_equations(gx: torch.Tensor, gy: torch.Tensor,
                      residual: torch.Tensor, weights: torch.Tensor,
                      coords: torch.Tensor, outer: torch.Tensor
                      ) -> Tuple[torch.Tensor, torch.Tensor]:
    """Gauss-Newton normal equations of the affine parameters,
    ``sum_p w J^T J`` ``(B, 6, 6)`` and ``sum_p w J^T r`` ``(B, 6)``, where
    the Jacobian row of pixel p is ``(gx c, gy c)``, ``c = (x, y, 1)``, built
    from per-pixel moments: nothing of size ``B x pixels x 6`` is formed.

    Args:
        gx, gy: ``(B, n)`` image gradients; residual, weights: ``(B, n)``;
        coords: ``(n, 3)`` the ``c``; outer: ``(n, 9)`` their ``c c^T``.
    """
    wgx, wgy = gx * weights, gy * weights
    blocks = [(a * b) @ outer for a, b in ((wgx, gx), (wgy, gx), (wgy, gy))]
    blocks = [block.view(-1, 3, 3) for block in blocks]  # xx, yx, yy
    hessian = torch.cat([torch.cat([blocks[0], blocks[1]], dim=2),
                         torch.cat([blocks[1], blocks[2]], dim=2)], dim=1)
    rhs = torch.cat([(wgx * residual) @ coords, (wgy * residual) @ coords],
                    dim=1)
    return hessian, rhs


def _update(motion: torch.Tensor, step: torch.Tensor,
            scale: float) -> torch.Tensor:
    """``motion`` plus a Gauss-Newton ``step`` of the affine parameters (the
    linear part in units of ``1 / scale``)."""
    delta = step.view(-1, 2, 3) * step.new_tensor([1 / scale, 1 / scale, 1])
    return motion + delta


def _median_abs(residual: torch.Tensor, valid: torch.Tensor,
                stride: int = 1) -> torch.Tensor:
    """``(B,)`` median (the lower of the middle two) of ``|residual|`` over
    the ``valid`` of ``(B, n)``, of every ``stride``-th pixel (cheaper,
    nearly the same); inf if none is valid."""
    residual, valid = residual[:, ::stride], valid[:, ::stride]
    values = torch.where(valid, residual.abs(),
                         torch.full_like(residual, float('inf')))
    middle = (valid.sum(dim=1, keepdim=True) - 1).clamp_min(0) // 2
    return values.sort(dim=1).values.gather(1, middle)[:, 0]


def _robust_weights(residual: torch.Tensor, valid: torch.Tensor) -> torch.Tensor:
    """Tukey biweights of ``(B, n)`` residuals, the scale from the median
    absolute residual over the ``valid`` ones (of about ``MEDIAN_SAMPLES``
    pixels spread over the frame); 0 where not valid."""
    stride = max(1, residual.shape[1] // MEDIAN_SAMPLES)
    median = _median_abs(residual, valid, stride)[:, None]
    sigma = (MAD_TO_SIGMA * median.nan_to_num(1.0, posinf=1.0)).clamp_min(1e-3)
    ratio = residual * (1 / (TUKEY_C * sigma))
    weights = torch.addcmul(torch.ones_like(ratio), ratio, ratio,
                            value=-1).clamp_min_(0)
    return weights.mul_(weights).mul_(valid)


def _photometric(reference: torch.Tensor, warped: torch.Tensor,
                 weights: torch.Tensor) -> Tuple[torch.Tensor, torch.Tensor]:
    """``(B, 1)`` gain and offset that give ``warped`` the mean and spread of
    ``reference`` over the pixels, weighted by ``weights`` (``(B, n)`` each,
    the valid pixels or the robust weights of the last step): a change of
    lighting, or of what the frame shows at its edges, is not taken for
    motion, nor is a moving object."""
    weights = weights.to(reference.dtype)
    total = weights.sum(dim=1, keepdim=True).clamp_min(1e-6)

    def moments(image):  # weighted mean and spread, (B, 1) each
        weighted = weights * image
        mean = weighted.sum(dim=1, keepdim=True) / total
        square = (weighted * image).sum(dim=1, keepdim=True) / total
        return mean, (square - mean.pow(2)).clamp_min(0).sqrt()

    (mean_ref, spread_ref), (mean_warped, spread_warped) = map(
        moments, (reference, warped))
    gain = spread_ref / spread_warped.clamp_min(1e-6)
    return gain, mean_ref - gain * mean_warped


def estimate_motion(reference: torch.Tensor, moved: torch.Tensor,
                    model: str = 'similarity', levels: int = 3,
                    iterations: int = 3, min_size: int = 16,
                    search_size: int = 16, search_radius: int = 3,
                    damping: float = 1e-3,
                    identity_fallback: bool = True) -> torch.Tensor:
    """Global motion from ``reference`` to ``moved``, ``(B, H, W)`` grey
    images: ``(B, 2, 3)`` ``[A | b]`` with ``moved(A p + b) ~ reference(p)``
    in centred pixel coordinates (module docstring).

    Args:
        model: ``'translation'``, ``'similarity'`` or ``'affine'``.
        levels: most pyramid levels (halvings) of the refinement.
        iterations: Gauss-Newton steps a level.
        min_size: the coarsest level's smaller side is at least this.
        search_size, search_radius: the initial translation is searched on
            the frames shrunk to ``search_size`` pixels (larger side), up to
            ``search_radius`` of those pixels each way.
        damping: Levenberg-Marquardt damping, relative to the diagonal.
        identity_fallback: return the identity for a pair the identity
            explains better (step 4 of the module docstring); False: the
            estimate whatever it explains.
    """
    if model not in MOTION_MODELS:
        raise ValueError(f'estimate_motion: model={model!r} is not one of '
                         f'{tuple(MOTION_MODELS)}.')
    num, height, width = reference.shape
    reference, moved = standardise(reference), standardise(moved)
    motion = identity_motions(num, dtype=reference.dtype,
                              device=reference.device)
    shrink = min(1.0, search_size / max(height, width))
    size = (max(1, round(height * shrink)), max(1, round(width * shrink)))
    small = [F.interpolate(x[:, None], size=size, mode='area')[:, 0]
             for x in (reference, moved)]
    motion[:, :, 2] = block_matching(*small, search_radius) * \
        reference.new_tensor([width / size[1], height / size[0]])
    scale = max(height, width) / 2  # the linear part's unit in the Jacobian
    to_units = reference.new_tensor([scale, scale, 1])
    to_grid = reference.new_tensor([2 / width, 2 / height])[:, None]
    basis = reference.new_tensor(BASIS[model])  # 6 x P
    eye = torch.eye(basis.shape[1], dtype=reference.dtype,
                    device=reference.device)
    for ref, mov in zip(_pyramid(reference, levels, min_size),
                        _pyramid(moved, levels, min_size)):
        h, w = ref.shape[-2:]
        points = centred_grid(h, w, height, width, ref.dtype,
                              ref.device).flatten(0, 1) / scale
        coords = torch.cat([points, points.new_ones(len(points), 1)], dim=1)
        outer = (coords[:, :, None] * coords[:, None, :]).flatten(1)
        bound = ref.new_tensor([1 - 1 / w, 1 - 1 / h]) + 1e-6
        # d(image) / d(full-frame pixel) from twice the gradient, halved
        # again for the mean of the two frames' gradients
        per_pixel = (w / width / 4, h / height / 4)
        ref_gx, ref_gy = _gradients(ref)
        ref_gx, ref_gy = ref_gx * per_pixel[0], ref_gy * per_pixel[1]
        ref = ref.flatten(1)
        weights = None
        for _ in range(iterations):
            grid = coords @ (motion * to_units * to_grid).transpose(1, 2)
            warped = F.grid_sample(mov[:, None], grid.view(num, h, w, 2),
                                   mode='bilinear', padding_mode='zeros',
                                   align_corners=False)[:, 0]
            valid = (grid.abs() <= bound).all(dim=-1)
            gain, offset = _photometric(
                ref, warped.flatten(1), valid if weights is None else weights)
            residual = torch.addcmul(offset - ref, warped.flatten(1), gain)
            warped_gx, warped_gy = _gradients(warped)
            gx = torch.addcmul(ref_gx, warped_gx, gain * per_pixel[0])
            gy = torch.addcmul(ref_gy, warped_gy, gain * per_pixel[1])
            weights = _robust_weights(residual, valid)
            hessian, rhs = _normal_equations(gx, gy, residual, weights, coords,
                                             outer)
            hessian = basis.T @ hessian @ basis
            rhs = rhs @ basis
            diagonal = torch.diagonal(hessian, dim1=1, dim2=2)
            hessian = hessian + eye * (damping * diagonal[:, None] + 1e-9)
            step = torch.linalg.solve(hessian, -rhs[..., None])[..., 0]
            motion = _update(motion, step @ basis.T, scale)
    if not identity_fallback:
        return motion
    # keep the identity where it explains the frames better
    points = centred_grid(height, width, height, width, reference.dtype,
                          reference.device)
    warped, valid = sample(moved[:, None], apply_motion(motion, points),
                           height, width)
    medians = []
    for image, inside in ((warped[:, 0], valid), (moved, torch.ones_like(valid))):
        image, inside = image.flatten(1), inside.flatten(1)
        gain, offset = _photometric(reference.flatten(1), image, inside)
        stride = max(1, image.shape[1] // MEDIAN_SAMPLES)
        medians.append(_median_abs(image * gain + offset - reference.flatten(1),
                                   inside, stride))
    aligned, still = medians
    identity = identity_motions(num, dtype=motion.dtype, device=motion.device)
    return torch.where((aligned < still)[:, None, None], motion, identity)


def identity_motions(*batch: int, dtype: torch.dtype = torch.float32,
                     device=None) -> torch.Tensor:
    """``(*batch, 2, 3)`` identity motions ``[I | 0]``."""
    motion = torch.zeros(*batch, 2, 3, dtype=dtype, device=device)
    motion[..., 0, 0] = motion[..., 1, 1] = 1
    return motion


def compose(second: torch.Tensor, first: torch.Tensor) -> torch.Tensor:
    """``second o first`` of ``(..., 2, 3)`` motions."""
    linear = second[..., :2] @ first[..., :2]
    shift = (second[..., :2] @ first[..., 2:]) + second[..., 2:]
    return torch.cat([linear, shift], dim=-1)


def invert(motion: torch.Tensor) -> torch.Tensor:
    """The inverse ``[A^-1 | -A^-1 b]`` of ``(..., 2, 3)`` motions."""
    linear = torch.linalg.inv(motion[..., :2])
    return torch.cat([linear, -(linear @ motion[..., 2:])], dim=-1)


def reference_chains(motion: torch.Tensor, reference: int) -> torch.Tensor:
    """``(B, L - 1, 2, 3)`` motions ``M[t]`` (frame t to t + 1) to the
    ``(B, L, 2, 3)`` motions ``W[r, t]`` from frame ``r = reference`` to each
    frame t of the clip (the identity at ``r``)."""
    num, steps = motion.shape[:2]
    identity = identity_motions(num, dtype=motion.dtype, device=motion.device)
    chains = [identity] * (steps + 1)
    for t in range(reference + 1, steps + 1):
        chains[t] = compose(motion[:, t - 1], chains[t - 1])
    for t in range(reference - 1, -1, -1):
        chains[t] = compose(invert(motion[:, t]), chains[t + 1])
    return torch.stack(chains, dim=1)


def camera_steps(cameras: torch.Tensor) -> torch.Tensor:
    """``(B, L, 2, 3)`` cameras ``C[t]`` (clip pixels to a common frame's) to
    the ``(B, L - 1, 2, 3)`` motions ``M[t] = C[t + 1]^-1 o C[t]`` from frame
    t to frame t + 1."""
    return compose(invert(cameras[:, 1:]), cameras[:, :-1])


def camera_chains(cameras: torch.Tensor, reference: int) -> torch.Tensor:
    """``(B, L, 2, 3)`` cameras ``C[t]`` to the ``(B, L, 2, 3)`` motions
    ``W[r, t] = C[t]^-1 o C[r]`` from frame ``r = reference`` to each frame
    t."""
    return compose(invert(cameras),
                   cameras[:, reference:reference + 1].expand_as(cameras))


class MotionCompensation:
    """Temporal derivatives of frames aligned for the camera's motion.

    Args:
        model: global motion model: ``'translation'``, ``'similarity'``
            (default: pan, zoom and roll of a camera) or ``'affine'``.
        levels, iterations, min_size, search_size, search_radius: of the
            estimation (:func:`estimate_motion`).
        interpolation: ``'bicubic'`` (default: sharper, so that a warped
            frame is not blurred against its unwarped reference) or
            ``'bilinear'``; a pixel is valid when the interpolation reads
            only pixels of the frame.
        stabilize: warp every frame of the clip onto its middle frame (a
            stabilised clip, module docstring) and return the orders of
            that, order 0 included, with a mask for each; False (default):
            order n at t is aligned to frame t, order 0 is the frames as
            they are.
        from_reference: with ``stabilize``, estimate each frame's motion
            ``W[r, t]`` from the reference frame itself instead of composing
            the motions between consecutive frames (False, the default, as
            first built): a chain adds up every step's error, so that the
            frames far from the reference are the worst aligned.
        identity_fallback: keep the identity for a pair of frames that it
            explains better than the estimate (True, the default): on
            small, noisy frames of a slowly moving camera it wins often and
            throws that camera's motion away; False keeps every estimate.
            With ``from_reference`` it leaves about half the camera motion
            in the benchmark's 32-pixel clips, but did not lift the frame
            features in training (docs/motion_benchmark.md, "What
            stabilising leaves"): both are off by default.
        motion_source: ``'estimate'`` (default): the motions are estimated
            from the frames; ``'supplied'``: computed from the cameras that
            come with the clip (``derivatives(frames, orders, cameras)``,
            module docstring), and the estimation options are unused.
        crop_margin: with ``stabilize``, the share ``m`` of each side of the
            reference frame left out of the stabilised clip, which shows the
            central ``1 - 2 m`` of it at the clip's size (module docstring):
            the border without data, which moves with the camera, stays
            outside the clip while the camera moves less than ``m``. 0 (the
            default): the whole frame, the border masked.
        cpu_threads: torch threads for the compensation of frames on a CPU
            (restored afterwards); ``None``: torch's setting. Defaults to 1:
            its many element-wise steps stall in OpenMP when the cores are
            shared (dataloader workers, other jobs); on a loaded 2-core
            machine one thread was tens of times faster than two
            (docs/method.md).
    """

    def __init__(self, model: str = 'similarity', levels: int = 3,
                 iterations: int = 3, min_size: int = 16,
                 search_size: int = 16, search_radius: int = 3,
                 interpolation: str = 'bicubic', stabilize: bool = False,
                 from_reference: bool = False, identity_fallback: bool = True,
                 motion_source: str = 'estimate', crop_margin: float = 0.0,
                 cpu_threads: Optional[int] = 1) -> None:
        if model not in MOTION_MODELS:
            raise ValueError(f'MotionCompensation: model={model!r} is not one '
                             f'of {tuple(MOTION_MODELS)}.')
        if interpolation not in INTERPOLATIONS:
            raise ValueError(f'MotionCompensation: interpolation='
                             f'{interpolation!r} is not one of {INTERPOLATIONS}.')
        if min(levels, iterations, search_radius) < 1 or \
                min(min_size, search_size) < 4:
            raise ValueError('MotionCompensation: levels, iterations and '
                             'search_radius must be >= 1, min_size and '
                             'search_size >= 4.')
        self.model = model
        self.options = dict(levels=levels, iterations=iterations,
                            min_size=min_size, search_size=search_size,
                            search_radius=search_radius)
        self.interpolation = interpolation
        self.stabilize = bool(stabilize)
        if from_reference and not self.stabilize:
            raise ValueError('MotionCompensation: from_reference=True needs '
                             'stabilize=True (it estimates the motion from '
                             "a stabilised clip's reference frame).")
        self.from_reference = bool(from_reference)
        self.identity_fallback = bool(identity_fallback)
        if motion_source not in MOTION_SOURCES:
            raise ValueError(f'MotionCompensation: motion_source='
                             f'{motion_source!r} is not one of '
                             f'{MOTION_SOURCES}.')
        self.motion_source = motion_source
        if not 0.0 <= crop_margin < 0.5:
            raise ValueError(f'MotionCompensation: crop_margin={crop_margin} '
                             'must be in [0, 0.5): the share of each side of '
                             'the frame left out.')
        if crop_margin and not self.stabilize:
            raise ValueError('MotionCompensation: crop_margin needs '
                             'stabilize=True (it crops the stabilised clip '
                             "to the reference frame's centre).")
        self.crop_margin = float(crop_margin)
        if cpu_threads is not None and cpu_threads < 1:
            raise ValueError('MotionCompensation: cpu_threads must be None or '
                             '>= 1.')
        self.cpu_threads = cpu_threads

    def settings(self) -> dict:
        """The arguments that decide the output (``cpu_threads`` only decides
        the speed), as a dict of them."""
        return dict(model=self.model, **self.options,
                    interpolation=self.interpolation, stabilize=self.stabilize,
                    from_reference=self.from_reference,
                    identity_fallback=self.identity_fallback,
                    motion_source=self.motion_source,
                    crop_margin=self.crop_margin)

    def __repr__(self) -> str:
        options = ', '.join(f'{k}={v}' for k, v in self.options.items())
        return (f'{self.__class__.__name__}(model={self.model!r}, {options}, '
                f'interpolation={self.interpolation!r}, '
                f'stabilize={self.stabilize}, '
                f'from_reference={self.from_reference}, '
                f'identity_fallback={self.identity_fallback}, '
                f'motion_source={self.motion_source!r}, '
                f'crop_margin={self.crop_margin}, '
                f'cpu_threads={self.cpu_threads})')

    def estimate(self, frames: torch.Tensor) -> torch.Tensor:
        """``(B, T', H, W, C)`` frames to ``(B, T' - 1, 2, 3)`` motions
        ``M[t]`` from frame t to frame t + 1."""
        num, length = frames.shape[:2]
        grey = frames.mean(dim=-1)
        with self._threads(frames):
            motion = estimate_motion(grey[:, :-1].flatten(0, 1),
                                     grey[:, 1:].flatten(0, 1), self.model,
                                     identity_fallback=self.identity_fallback,
                                     **self.options)
        return motion.view(num, length - 1, 2, 3)

    @property
    def supplied(self) -> bool:
        """Whether the motions come from cameras supplied with the clip
        (``motion_source='supplied'``)."""
        return self.motion_source == 'supplied'

    def _check_cameras(self, frames: torch.Tensor,
                       cameras: Optional[torch.Tensor]
                       ) -> Optional[torch.Tensor]:
        """``cameras`` in ``frames``' dtype and device, checked against the
        motion source and the frames' ``(B, L)``."""
        if not self.supplied:
            if cameras is not None:
                raise ValueError("MotionCompensation: cameras were given but "
                                 "motion_source='estimate'; set motion_source="
                                 "'supplied' to use them.")
            return None
        if cameras is None:
            raise ValueError("MotionCompensation(motion_source='supplied') "
                             'needs the cameras of the clip (C[t], one 2 x 3 '
                             'map a frame); none were given.')
        if tuple(cameras.shape) != tuple(frames.shape[:2]) + (2, 3):
            raise ValueError(
                f'MotionCompensation: cameras of shape {tuple(cameras.shape)}'
                f' for frames {tuple(frames.shape)}: expected '
                f'{tuple(frames.shape[:2]) + (2, 3)}, one map a frame.')
        return cameras.to(device=frames.device, dtype=frames.dtype)

    def reference_motions(self, frames: torch.Tensor, reference: int,
                          cameras: Optional[torch.Tensor] = None
                          ) -> torch.Tensor:
        """``(B, L, H, W, C)`` frames to the ``(B, L, 2, 3)`` motions
        ``W[r, t]`` that ``stabilised`` warps with: from the supplied
        ``cameras`` (``motion_source='supplied'``), estimated from frame
        ``r = reference`` (``from_reference``) or composed from the motions
        between consecutive frames."""
        cameras = self._check_cameras(frames, cameras)
        if cameras is not None:
            return camera_chains(cameras, reference)
        if self.from_reference:
            return self.estimate_from(frames, reference)
        return reference_chains(self.estimate(frames), reference)

    def estimate_from(self, frames: torch.Tensor, reference: int
                      ) -> torch.Tensor:
        """``(B, L, H, W, C)`` frames to the ``(B, L, 2, 3)`` motions
        ``W[r, t]`` from frame ``r = reference`` to each frame t, each
        estimated between the two frames (the identity at ``r``)."""
        num, length = frames.shape[:2]
        grey = frames.mean(dim=-1)
        others = [t for t in range(length) if t != reference]
        with self._threads(frames):
            motion = estimate_motion(
                grey[:, reference:reference + 1].expand(
                    -1, len(others), -1, -1).flatten(0, 1),
                grey[:, others].flatten(0, 1), self.model,
                identity_fallback=self.identity_fallback, **self.options)
        chains = identity_motions(num, length, dtype=motion.dtype,
                                  device=motion.device)
        chains[:, others] = motion.view(num, len(others), 2, 3)
        return chains

    def derivatives(self, frames: torch.Tensor, orders: Sequence[int],
                    cameras: Optional[torch.Tensor] = None
                    ) -> Tuple[List[torch.Tensor], List[torch.Tensor]]:
        """Aligned temporal derivatives (module docstring).

        Args:
            frames: ``(B, T + max(orders), H, W, C)`` channel-last frames,
                floating point.
            orders: derivative orders to return.
            cameras: with ``motion_source='supplied'`` (and only then), the
                ``(B, T + max(orders), 2, 3)`` cameras ``C[t]`` of the
                frames, from the clip's centred pixels to a common frame's.

        Returns:
            One ``(B, T, H, W, C)`` tensor per order (0 where not valid) and
            one ``(B, T, H, W)`` bool mask per order of the valid pixels (all
            true for order 0 unless ``stabilize``).
        """
        num, length, height, width, channels = frames.shape
        top = max(orders)
        steps = length - top
        cameras = self._check_cameras(frames, cameras)
        if self.stabilize:
            with self._threads(frames):
                return self._stabilised_derivatives(frames, orders, cameras)
        images = frames[:, :steps].flatten(0, 1)
        if top == 0:
            mask = torch.ones(images.shape[:3], dtype=torch.bool,
                              device=frames.device)
            return ([images.view(num, steps, height, width, channels)],
                    [mask.view(num, steps, height, width)])
        with self._threads(frames):
            return self._aligned_derivatives(frames, orders, cameras)

    def stabilised(self, frames: torch.Tensor, reference: Optional[int] = None,
                   cameras: Optional[torch.Tensor] = None
                   ) -> Tuple[torch.Tensor, torch.Tensor]:
        """``(B, L, H, W, C)`` frames warped onto frame ``r = reference``
        (default: the middle one, ``(L - 1) // 2``),
        ``y[t](p) = x[t](W[r, t](s p))`` with ``s = 1 - 2 crop_margin``, and
        the ``(B, L, H, W)`` mask of the pixels each frame has data for
        (without a crop margin frame ``r`` is itself, every pixel valid);
        ``cameras`` as for ``derivatives``."""
        num, length, height, width, channels = frames.shape
        reference = (length - 1) // 2 if reference is None else reference
        if not 0 <= reference < length:
            raise ValueError(f'MotionCompensation.stabilised: reference='
                             f'{reference} is not a frame of {length}.')
        if length == 1 and not self.crop_margin:
            return frames, torch.ones(frames.shape[:-1], dtype=torch.bool,
                                      device=frames.device)
        chains = identity_motions(num, 1, dtype=frames.dtype,
                                  device=frames.device) if length == 1 \
            else self.reference_motions(frames, reference, cameras)
        points = centred_grid(height, width, height, width, frames.dtype,
                              frames.device) * (1 - 2 * self.crop_margin)
        values, valid = sample(
            frames.flatten(0, 1).permute(0, 3, 1, 2),
            apply_motion(chains.flatten(0, 1), points), height, width,
            self.interpolation, _REACH[self.interpolation])
        stabilised = values.permute(0, 2, 3, 1).reshape(frames.shape).clone()
        valid = valid.view(num, length, height, width).clone()
        if not self.crop_margin:  # the reference exactly, no border
            stabilised[:, reference] = frames[:, reference]
            valid[:, reference] = True
        return stabilised, valid

    def _stabilised_derivatives(self, frames: torch.Tensor,
                                orders: Sequence[int],
                                cameras: Optional[torch.Tensor]
                                ) -> Tuple[List[torch.Tensor],
                                           List[torch.Tensor]]:
        steps = frames.shape[1] - max(orders)
        stabilised, valid = self.stabilised(frames, (steps - 1) // 2, cameras)
        outputs, masks = [], []
        for order, derivative in zip(
                orders, temporal_derivatives(stabilised, orders, time_dim=1)):
            mask = valid[:, :steps].clone()
            for k in range(1, order + 1):
                mask &= valid[:, k:k + steps]
            outputs.append(derivative * mask[..., None])
            masks.append(mask)
        return outputs, masks

    @contextlib.contextmanager
    def _threads(self, frames: torch.Tensor):
        """``cpu_threads`` torch threads while frames on a CPU are worked on."""
        if frames.device.type != 'cpu' or self.cpu_threads is None:
            yield
            return
        threads = torch.get_num_threads()
        torch.set_num_threads(self.cpu_threads)
        try:
            yield
        finally:
            torch.set_num_threads(threads)

    def _aligned_derivatives(self, frames: torch.Tensor, orders: Sequence[int],
                             cameras: Optional[torch.Tensor]
                             ) -> Tuple[List[torch.Tensor], List[torch.Tensor]]:
        num, length, height, width, channels = frames.shape
        top = max(orders)
        steps = length - top
        motion = self.estimate(frames) if cameras is None else \
            camera_steps(cameras)
        points = centred_grid(height, width, height, width, frames.dtype,
                              frames.device)
        # aligned[k]: frame t + k read at W[t, k](p), for t = 0..T-1
        aligned = [frames[:, :steps]]
        valid = [torch.ones(num, steps, height, width, dtype=torch.bool,
                            device=frames.device)]
        chain = motion[:, :steps]  # W[t, 1] = M[t]
        for k in range(1, top + 1):
            if k > 1:
                chain = compose(motion[:, k - 1:k - 1 + steps], chain)
            source = frames[:, k:k + steps].flatten(0, 1).permute(0, 3, 1, 2)
            values, inside = sample(source, apply_motion(chain.flatten(0, 1),
                                                         points),
                                    height, width, self.interpolation,
                                    _REACH[self.interpolation])
            aligned.append(values.permute(0, 2, 3, 1).reshape(
                num, steps, height, width, channels))
            valid.append(valid[-1] & inside.view(num, steps, height, width))
        outputs, masks = [], []
        for order in orders:
            derivative = sum((-1)**(order - k) * comb(order, k) * aligned[k]
                             for k in range(order + 1))
            mask = valid[order]
            outputs.append(derivative * mask[..., None])
            masks.append(mask)
        return outputs, masks
