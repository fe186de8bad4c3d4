"""Camera-motion compensation against scenes rendered with known motion."""
import math

import pytest
import torch
import torch.nn.functional as F

from mmvididi.derivatives import temporal_derivatives
from mmvididi.motion_compensation import (MotionCompensation, block_matching,
                                          centred_grid, compose,
                                          estimate_motion, invert,
                                          reference_chains)

SIZE = 32


pytestmark = pytest.mark.usefixtures('one_torch_thread')


def texture(seed: int, waves: int = 300):
    """A function of centred pixel coordinates ``(..., 2)``: a grey texture
    with natural-image statistics (amplitude falling with frequency, up to
    0.35 cycles a pixel), defined everywhere, so that any motion of it can be
    rendered exactly."""
    gen = torch.Generator().manual_seed(seed)
    magnitude = 0.01 * 35 ** torch.rand(waves, generator=gen,
                                        dtype=torch.float64)
    angle = torch.rand(waves, generator=gen, dtype=torch.float64) * 2 * math.pi
    freqs = torch.stack([magnitude * angle.cos(), magnitude * angle.sin()],
                        dim=1) * 2 * math.pi
    phases = torch.rand(waves, generator=gen, dtype=torch.float64) * 2 * math.pi
    amplitudes = magnitude.rsqrt()
    norm = (amplitudes.pow(2).sum() / 2).sqrt()
    return lambda p: 128 + 50 * (torch.cos(p @ freqs.T + phases) *
                                 amplitudes).sum(-1) / norm


def similarity(degrees: float = 0.0, zoom: float = 1.0,
               shift=(0.0, 0.0)) -> torch.Tensor:
    """``[A | b]``, float64."""
    angle = math.radians(degrees)
    return torch.tensor([[zoom * math.cos(angle), -zoom * math.sin(angle),
                          shift[0]],
                         [zoom * math.sin(angle), zoom * math.cos(angle),
                          shift[1]]], dtype=torch.float64)


def render(scene, motion: torch.Tensor, size: int = SIZE) -> torch.Tensor:
    """The frame whose content is ``scene`` carried by ``motion``:
    ``frame(A p + b) = scene(p)``."""
    points = centred_grid(size, size, size, size, torch.float64, 'cpu')
    linear, shift = motion[:, :2], motion[:, 2]
    return scene((points - shift) @ torch.linalg.inv(linear).T)


def point_error(estimate: torch.Tensor, truth: torch.Tensor) -> torch.Tensor:
    """Mean distance, over the frame's pixels, between where the two motions
    carry them."""
    points = centred_grid(SIZE, SIZE, SIZE, SIZE, torch.float64,
                          'cpu').flatten(0, 1)
    diff = estimate.double() - truth
    return (points @ diff[..., :2].transpose(-1, -2) +
            diff[..., None, :, 2]).norm(dim=-1).mean(dim=-1)


def pair(seed: int, motion: torch.Tensor):
    scene = texture(seed)
    return (render(scene, similarity()).float(),
            render(scene, motion).float())


@pytest.mark.parametrize('model', ['translation', 'similarity', 'affine'])
@pytest.mark.parametrize('shift', [(1.3, -2.7), (-4.6, 0.4), (0.25, 0.0)])
def test_translation_is_recovered_to_a_tenth_of_a_pixel(model, shift):
    truth = similarity(shift=shift)
    reference, moved = pair(0, truth)
    estimate = estimate_motion(reference[None], moved[None], model)[0]
    assert (estimate[:, 2].double() - truth[:, 2]).abs().max() < 0.1
    assert (estimate[:, :2].double() - truth[:, :2]).abs().max() < 0.005


@pytest.mark.parametrize('model', ['similarity', 'affine'])
def test_rotation_and_zoom_are_recovered(model):
    truths = [similarity(3.0, 1.0, (0.4, 0.2)), similarity(0.0, 1.05, (0.5, -0.3)),
              similarity(-2.0, 0.97, (-1.5, 0.8))]
    frames = [pair(seed, truth) for seed, truth in enumerate(truths)]
    estimate = estimate_motion(torch.stack([f[0] for f in frames]),
                               torch.stack([f[1] for f in frames]), model)
    for got, truth in zip(estimate.double(), truths):
        angle = math.degrees(math.atan2(got[1, 0] - got[0, 1],
                                        got[0, 0] + got[1, 1]))
        true_angle = math.degrees(math.atan2(truth[1, 0], truth[0, 0]))
        assert abs(angle - true_angle) < 0.1
        assert abs(torch.linalg.det(got[:, :2]).sqrt() -
                   torch.linalg.det(truth[:, :2]).sqrt()) < 0.002
        assert point_error(got, truth) < 0.1


def test_affine_model_recovers_shear():
    truth = torch.tensor([[1.03, 0.02, -1.1], [-0.01, 0.98, 0.6]],
                         dtype=torch.float64)
    reference, moved = pair(3, truth)
    estimate = estimate_motion(reference[None], moved[None], 'affine')[0]
    assert (estimate.double() - truth)[:, :2].abs().max() < 0.005
    assert point_error(estimate, truth) < 0.1


def test_a_moving_object_does_not_pull_the_camera_estimate():
    """A textured square, a tenth of the frame, moving against the pan."""
    points = centred_grid(SIZE, SIZE, SIZE, SIZE, torch.float64, 'cpu')
    side = math.sqrt(0.1) * SIZE / 2
    truth = similarity(1.0, 1.01, (2.6, -1.7))
    references, moved_frames = [], []
    for seed in range(6):
        reference, moved = pair(seed, truth)
        thing = texture(100 + seed)
        for frame, centre, offset in ((reference, (-4, 3), (0, 0)),
                                      (moved, (-6, 4), (2, -1))):
            inside = ((points[..., 0] - centre[0]).abs() < side) & \
                ((points[..., 1] - centre[1]).abs() < side)
            frame[inside] = thing(points + torch.tensor(
                offset, dtype=torch.float64))[inside].float()
        references.append(reference)
        moved_frames.append(moved)
    estimate = estimate_motion(torch.stack(references), torch.stack(moved_frames))
    assert point_error(estimate, truth).max() < 0.1


def test_block_matching_finds_the_shift_most_pixels_agree_on():
    reference = torch.rand(2, 16, 16, generator=torch.Generator().manual_seed(0))
    moved = torch.roll(reference, shifts=(2, -3), dims=(1, 2))  # dy, dx
    moved[1, :6, :6] = 5  # an object: matches nowhere
    found = block_matching(reference, moved, radius=3)
    assert found.tolist() == [[-3.0, 2.0], [-3.0, 2.0]]


def test_flicker_and_a_static_camera_give_the_identity():
    scene = texture(4)
    reference = render(scene, similarity()).float()
    brighter = reference * 1.15 + 8  # lighting changes, nothing moves
    estimate = estimate_motion(reference[None], brighter[None])[0]
    assert point_error(estimate, similarity()) < 0.02


def test_a_textureless_pair_is_left_unaligned():
    flat = torch.full((1, SIZE, SIZE), 100.0)
    estimate = estimate_motion(flat, flat + 1)[0]
    torch.testing.assert_close(estimate, similarity().float())


def panned_clip(length: int = 10, seed: int = 0, moving_object: bool = False,
                camera: bool = True) -> torch.Tensor:
    """``(1, length, H, W, 3)`` frames of a scene panned, rolled and zoomed
    by a camera (fractional pixels a frame), with an optional textured square
    moving across it."""
    scene = texture(seed)
    thing = texture(50 + seed)
    frames = []
    for t in range(length):
        motion = similarity(0.5 * t, 1 + 0.01 * t, (1.7 * t, -0.6 * t)) \
            if camera else similarity()
        frame = render(scene, motion)
        if moving_object:  # its own motion in the scene, then the camera's
            points = centred_grid(SIZE, SIZE, SIZE, SIZE, torch.float64, 'cpu')
            scene_points = (points - motion[:, 2]) @ torch.linalg.inv(
                motion[:, :2]).T
            centre = torch.tensor([-6.0 + 2.5 * t, 2.0], dtype=torch.float64)
            inside = ((scene_points - centre).abs() < 4).all(dim=-1)
            frame[inside] = 255 * (thing(scene_points - centre)[inside] > 128).double()
        frames.append(frame)
    clip = torch.stack(frames).float()
    return clip[None, ..., None].expand(-1, -1, -1, -1, 3).contiguous()


def interior_rms(x: torch.Tensor, mask: torch.Tensor) -> float:
    return x[mask].pow(2).mean().sqrt().item()


@pytest.mark.parametrize('model', ['translation', 'similarity'])
def test_a_panned_static_scene_has_near_zero_compensated_derivatives(model):
    clip = panned_clip()
    outputs, masks = MotionCompensation(model).derivatives(clip, (0, 1, 2))
    plain = temporal_derivatives(clip, (0, 1, 2), time_dim=1)
    torch.testing.assert_close(outputs[0], plain[0])
    assert masks[0].all()
    # a model that cannot roll or zoom leaves more behind
    limit = 0.1 if model == 'similarity' else 0.2
    for order in (1, 2):
        assert masks[order].float().mean() > 0.6
        assert interior_rms(outputs[order], masks[order]) < \
            limit * interior_rms(plain[order], masks[order])
        assert (outputs[order][~masks[order]] == 0).all()  # no data: 0


@pytest.mark.parametrize('stabilize', [False, True])
def test_the_moving_object_survives_compensation(stabilize):
    """Compensated, a moving object on a panned background looks as it does
    to a static camera: its derivative is kept, the background's is gone."""
    moving = panned_clip(moving_object=True)
    static_camera = panned_clip(moving_object=True, camera=False)
    background_only = panned_clip()
    compensation = MotionCompensation(stabilize=stabilize)
    (got, ), (mask, ) = compensation.derivatives(moving, (1, ))
    (reference, ), _ = compensation.derivatives(static_camera, (1, ))
    (background, ), (background_mask, ) = compensation.derivatives(
        background_only, (1, ))
    object_energy = interior_rms(got, mask)
    assert object_energy > 3 * interior_rms(background, background_mask)
    # as much motion energy as a static camera sees, within a quarter
    assert object_energy == pytest.approx(
        interior_rms(reference, torch.ones_like(mask)) *
        math.sqrt(mask.numel() / mask.sum().item()), rel=0.25)


def test_alignment_is_anchored_at_frame_t():
    """Order 2 at t uses frames t, t+1, t+2, all read where the camera
    carried frame t's pixels: composing the estimated steps."""
    clip = panned_clip(length=4)
    compensation = MotionCompensation()
    steps = compensation.estimate(clip)[0]  # M[0], M[1], M[2]
    two = compose(steps[1], steps[0])
    truth = similarity(1.0, 1.02, (3.4, -1.2))  # frame 0 to frame 2
    assert point_error(two, truth) < 0.1


def test_chains_to_the_reference_compose_and_invert_the_steps():
    steps = torch.stack([similarity(0.5 * t, 1 + 0.01 * t, (1.7, -0.6 * t))
                         for t in range(4)])[None]  # M[0..3], 5 frames
    identity = similarity()
    torch.testing.assert_close(compose(invert(steps[0, 2]), steps[0, 2]),
                               identity)
    chains = reference_chains(steps, reference=2)[0]
    torch.testing.assert_close(chains[2], identity)
    torch.testing.assert_close(chains[3], steps[0, 2])
    torch.testing.assert_close(chains[4], compose(steps[0, 3], steps[0, 2]))
    torch.testing.assert_close(chains[1], invert(steps[0, 1]))
    torch.testing.assert_close(
        chains[0], invert(compose(steps[0, 1], steps[0, 0])))


def camera_poses(length: int) -> list:
    """panned_clip's camera: frame t shows the scene carried by pose t."""
    return [similarity(0.5 * t, 1 + 0.01 * t, (1.7 * t, -0.6 * t))
            for t in range(length)]


@pytest.mark.parametrize('model', ['translation', 'similarity'])
def test_a_stabilised_clip_is_the_scene_seen_from_its_reference_frame(model):
    """Stabilised, every frame of a panned, rolled and zoomed static scene
    is the reference frame (the middle of order 0's frames) where it has
    data, the reference frame itself exactly; every order is 0 where a
    frame it differences has no data."""
    clip = panned_clip(length=10)  # T = 8 frames of order 0, orders up to 2
    compensation = MotionCompensation(model, stabilize=True)
    stabilised, valid = compensation.stabilised(clip, reference=3)
    assert torch.equal(stabilised[:, 3], clip[:, 3]) and valid[:, 3].all()
    scene = texture(0)
    truth = render(scene, camera_poses(10)[3]).float()[..., None]
    # of what the camera's motion left (a model that cannot roll or zoom
    # leaves more behind)
    limit = 0.06 if model == 'similarity' else 0.25
    for t in set(range(10)) - {3}:
        inside = valid[0, t]
        assert inside.float().mean() > 0.4
        error = (stabilised[0, t] - truth)[inside].pow(2).mean().sqrt()
        unaligned = (clip[0, t] - truth)[inside].pow(2).mean().sqrt()
        assert error < limit * unaligned, (t, error, unaligned)
    outputs, masks = compensation.derivatives(clip, (0, 1, 2))
    plain = temporal_derivatives(clip, (0, 1, 2), time_dim=1)
    assert all(x.shape == p.shape for x, p in zip(outputs, plain))
    assert not masks[0].all()
    torch.testing.assert_close(outputs[0][masks[0]],
                               stabilised[:, :8][masks[0]])
    for order in (1, 2):
        assert torch.equal(masks[order], masks[order - 1] & valid[:, order:order + 8])
        assert interior_rms(outputs[order], masks[order]) < \
            (0.1 if model == 'similarity' else 0.2) * \
            interior_rms(plain[order], masks[order])
    for order in (0, 1, 2):
        assert (outputs[order][~masks[order]] == 0).all()  # no data: 0


@pytest.mark.parametrize('source', ['estimate', 'supplied'])
def test_a_crop_margin_keeps_the_border_out_of_the_stabilised_clip(source):
    """With ``crop_margin=m`` the stabilised clip is the central ``1 - 2m``
    of the reference frame's view at the clip's size, every frame the scene
    seen so (the reference resampled too), and no pixel of any order lacks
    data while the camera moves less than ``m``; without it, the border
    moves with the camera."""
    # orders up to 2 of 5 frames: 3 of order 0, the reference frame 1, which
    # the last frame is 5.1 + 1.8 pixels of pan from
    clip = panned_clip(length=5)
    poses = camera_poses(5)
    cameras = invert(torch.stack(poses))[None].float() \
        if source == 'supplied' else None
    margin = 0.25
    cropped = MotionCompensation(stabilize=True, crop_margin=margin,
                                 motion_source=source)
    whole = MotionCompensation(stabilize=True, motion_source=source)
    stabilised, valid = cropped.stabilised(clip, 1, cameras)
    assert valid.all()
    assert not whole.stabilised(clip, 1, cameras)[1].all()
    # the reference frame's centre at the clip's size: the reference frame
    # read at s p (torch's own affine grid), and the scene seen so
    s = 1 - 2 * margin
    grid = F.affine_grid(torch.tensor([[[s, 0.0, 0.0], [0.0, s, 0.0]]]),
                         (1, 3, SIZE, SIZE), align_corners=False)
    zoomed = F.grid_sample(clip[:, 1].permute(0, 3, 1, 2), grid,
                           mode='bicubic', align_corners=False)
    torch.testing.assert_close(stabilised[:, 1], zoomed.permute(0, 2, 3, 1),
                               rtol=1e-5, atol=1e-3)  # grey levels
    single, inside = cropped.stabilised(clip[:, 1:2], 0, None if cameras is
                                        None else cameras[:, 1:2])
    assert inside.all()
    torch.testing.assert_close(single[:, 0], zoomed.permute(0, 2, 3, 1),
                               rtol=1e-5, atol=1e-3)  # one frame: its centre
    truth = render(texture(0), compose(similarity(zoom=1 / s), poses[1]))
    truth = truth.float()[..., None]
    spread = (truth - truth.mean()).pow(2).mean().sqrt()
    for t in range(5):
        error = (stabilised[0, t] - truth).pow(2).mean().sqrt()
        assert error < 0.05 * spread, (t, error, spread)
    outputs, masks = cropped.derivatives(clip, (0, 1, 2), cameras)
    plain = temporal_derivatives(clip, (0, 1, 2), time_dim=1)
    assert all(mask.all() for mask in masks)
    torch.testing.assert_close(outputs[0], stabilised[:, :3])
    for order in (1, 2):
        assert interior_rms(outputs[order], masks[order]) < \
            0.1 * interior_rms(plain[order], masks[order])


def slow_noisy_clip(seed: int, noise: float, step: float,
                    length: int = 10):
    """``(1, length, H, W, 3)`` frames of a scene under a slow camera
    (``step`` pixels a frame, a little roll and zoom) with sensor noise, and
    the camera's poses."""
    scene = texture(seed)
    poses = [similarity(0.1 * t, 1 + 0.002 * t, (step * t, -0.5 * step * t))
             for t in range(length)]
    frames = torch.stack([render(scene, pose) for pose in poses]).float()
    gen = torch.Generator().manual_seed(seed)
    frames = frames + noise * torch.randn(frames.shape, generator=gen)
    return frames[None, ..., None].expand(-1, -1, -1, -1, 3).contiguous(), \
        poses


def true_reference_motions(poses: list, reference: int) -> torch.Tensor:
    """``W[r, t]``: the reference frame's pixel to where frame t shows it."""
    return torch.stack([compose(pose, invert(poses[reference]))
                        for pose in poses])


@pytest.mark.parametrize('seed', range(4))
def test_from_reference_does_not_add_up_the_steps_errors(seed):
    """Estimated from the reference frame, the motions of a noisy, slowly
    panned clip are nearer the truth than the chain of its steps, whose
    errors add up away from the reference."""
    clip, poses = slow_noisy_clip(seed, noise=8.0, step=0.25)
    truth = true_reference_motions(poses, 3)
    chained = MotionCompensation(stabilize=True).reference_motions(clip, 3)
    direct = MotionCompensation(stabilize=True, from_reference=True)
    estimated = direct.reference_motions(clip, 3)
    torch.testing.assert_close(estimated[0, 3], similarity().float())
    assert point_error(estimated[0], truth).mean() < \
        point_error(chained[0], truth).mean()
    # the stabilised clip warps with them
    stabilised, _ = direct.stabilised(clip, 3)
    assert torch.equal(stabilised[:, 3], clip[:, 3])


def test_without_the_identity_fallback_every_step_is_kept():
    """A camera moving a tenth of a pixel a frame under noise: the identity
    explains some steps better and replaces them by default, which loses
    their motion; ``identity_fallback=False`` keeps every estimate."""
    clip, poses = slow_noisy_clip(0, noise=12.0, step=0.1)
    truth = true_reference_motions(poses, 3)
    identity = similarity().float()

    def identity_steps(compensation):
        steps = compensation.estimate(clip)[0]
        return int(((steps - identity).abs().amax(dim=(-1, -2)) < 1e-9
                    ).sum())

    fallback = MotionCompensation(stabilize=True)
    kept = MotionCompensation(stabilize=True, identity_fallback=False)
    assert identity_steps(fallback) >= 1 and identity_steps(kept) == 0
    assert point_error(kept.reference_motions(clip, 3)[0], truth).mean() < \
        point_error(fallback.reference_motions(clip, 3)[0], truth).mean()
    assert kept.settings()['identity_fallback'] is False


def test_stabilised_order_0_is_the_same_whatever_the_highest_order():
    """The reference is the middle of order 0's frames: the baseline
    (order 0 only) and ViDiDi (orders 0, 1, 2) see the same frames."""
    clip = panned_clip(length=10)
    compensation = MotionCompensation(stabilize=True)
    (alone, ), (alone_mask, ) = compensation.derivatives(clip[:, :8], (0, ))
    (with_orders, _, _), (mask, _, _) = compensation.derivatives(clip,
                                                                 (0, 1, 2))
    assert torch.equal(alone_mask, mask)
    torch.testing.assert_close(alone, with_orders, rtol=1e-4, atol=1e-3)


def test_batches_give_the_per_sample_results():
    clips = torch.cat([panned_clip(length=5, seed=s) for s in range(3)])
    clips[1] = clips[1].flip(0)  # another motion
    compensation = MotionCompensation()
    together, masks = compensation.derivatives(clips, (1, 2))
    for i in range(3):
        alone, alone_masks = compensation.derivatives(clips[i:i + 1], (1, 2))
        for order in range(2):
            torch.testing.assert_close(together[order][i:i + 1], alone[order],
                                       rtol=1e-4, atol=1e-3)
            assert torch.equal(masks[order][i:i + 1], alone_masks[order])


@pytest.mark.parametrize('device', [
    'cpu',
    pytest.param('cuda', marks=pytest.mark.skipif(
        not torch.cuda.is_available(), reason='needs a CUDA GPU')),
])
def test_device_and_dtype_agnostic(device):
    clip = panned_clip(length=4).to(device)
    compensation = MotionCompensation()
    single, _ = compensation.derivatives(clip, (1, ))
    double, _ = compensation.derivatives(clip.double(), (1, ))
    assert single[0].dtype == torch.float32 and double[0].dtype == torch.float64
    assert single[0].device.type == device
    torch.testing.assert_close(single[0].double(), double[0], rtol=0,
                               atol=0.05)


def test_bad_options_name_the_fix():
    with pytest.raises(ValueError, match="model='rigid' is not one of"):
        MotionCompensation('rigid')
    with pytest.raises(ValueError, match='interpolation'):
        MotionCompensation(interpolation='nearest')
    with pytest.raises(ValueError, match='from_reference=True needs '
                       'stabilize=True'):
        MotionCompensation(from_reference=True)
    with pytest.raises(ValueError, match=r'crop_margin=0.5 must be in \[0, '
                       r'0.5\)'):
        MotionCompensation(stabilize=True, crop_margin=0.5)
    with pytest.raises(ValueError, match='crop_margin needs stabilize=True'):
        MotionCompensation(crop_margin=0.1)
    with pytest.raises(ValueError, match='reference=5 is not a frame of 4'):
        MotionCompensation(stabilize=True).stabilised(panned_clip(length=4), 5)


def test_cpu_threads_apply_during_the_compensation_only(monkeypatch):
    import mmvididi.motion_compensation as module
    seen = []
    estimate = module.estimate_motion

    def spy(*args, **kwargs):
        seen.append(torch.get_num_threads())
        return estimate(*args, **kwargs)

    monkeypatch.setattr(module, 'estimate_motion', spy)
    torch.set_num_threads(2)
    MotionCompensation(cpu_threads=1).derivatives(panned_clip(length=3), (1, ))
    MotionCompensation(cpu_threads=None).derivatives(panned_clip(length=3),
                                                     (1, ))
    assert seen == [1, 2] and torch.get_num_threads() == 2
