"""Linear motion probes: folds by source video, a logistic-regression probe,
frame-shuffle sensitivity and the hand-made motion-energy reference feature."""
import contextlib
from typing import Dict

import numpy as np
import torch
import torch.nn.functional as F

#: L-BFGS stops when the largest gradient entry or the change of the loss
#: falls under these: the probe's accuracy no longer changes by then.
TOLERANCE_GRAD = 1e-6
TOLERANCE_CHANGE = 1e-10
#: Probes with fewer feature entries (clips x dimensions) than this are fitted
#: on one torch thread: their many small steps stalled in OpenMP, tens of
#: times slower with two threads than with one on a loaded 2-core machine.
SMALL_PROBE = 2**20


@contextlib.contextmanager
def _threads_for(numel: int):
    """One torch thread for a small problem, torch's setting otherwise."""
    threads = torch.get_num_threads()
    if numel < SMALL_PROBE:
        torch.set_num_threads(1)
    try:
        yield
    finally:
        torch.set_num_threads(threads)


def source_folds(sources: np.ndarray, num_folds: int, seed: int) -> np.ndarray:
    """The fold (``0..num_folds-1``) of each clip, by its source video: the
    videos are shuffled with ``seed`` and dealt round the folds, so no video
    has clips in two folds and the folds differ by at most one video."""
    videos = np.unique(sources)
    if len(videos) < 2:
        raise ValueError(f'motion probe: clips of {len(videos)} source video; '
                         'a split by video needs at least 2.')
    num_folds = min(num_folds, len(videos))
    order = np.random.default_rng(seed).permutation(len(videos))
    fold_of_video = np.empty(len(videos), dtype=np.int64)
    fold_of_video[order] = np.arange(len(videos)) % num_folds
    return fold_of_video[np.searchsorted(videos, sources)]


def fit_logistic_regression(features: torch.Tensor, labels: torch.Tensor,
                            num_classes: int, l2: float = 1e-2,
                            max_iter: int = 300) -> torch.nn.Linear:
    """Multinomial logistic regression, full batch, L-BFGS from zero weights
    (deterministic), minimising the mean cross-entropy plus ``l2 / 2 *
    |W|^2`` (the bias is not penalised). Features as given: standardise
    them first."""
    features = features.double()
    probe = torch.nn.Linear(features.shape[1], num_classes).double()
    torch.nn.init.zeros_(probe.weight)
    torch.nn.init.zeros_(probe.bias)
    optimizer = torch.optim.LBFGS(probe.parameters(), lr=1, max_iter=max_iter,
                                  tolerance_grad=TOLERANCE_GRAD,
                                  tolerance_change=TOLERANCE_CHANGE,
                                  history_size=20,
                                  line_search_fn='strong_wolfe')

    def closure():
        optimizer.zero_grad()
        loss = F.cross_entropy(probe(features), labels) + \
            0.5 * l2 * probe.weight.pow(2).sum()
        loss.backward()
        return loss

    with torch.enable_grad():
        optimizer.step(closure)
    return probe


def cross_validated_accuracy(features: torch.Tensor, labels: torch.Tensor,
                             folds: np.ndarray, l2: float = 1e-2,
                             max_iter: int = 300) -> float:
    """Accuracy (%) of linear probes over all clips, each clip predicted by
    the probe trained on the other folds' clips, features standardised with
    the training clips' mean and spread."""
    num_classes = int(labels.max()) + 1
    correct = 0
    for fold in np.unique(folds):
        test = torch.from_numpy(folds == fold)
        train_x, test_x = features[~test].double(), features[test].double()
        mean, std = train_x.mean(dim=0), train_x.std(dim=0).clamp_min(1e-8)
        with _threads_for(train_x.numel()):
            probe = fit_logistic_regression((train_x - mean) / std,
                                            labels[~test], num_classes, l2,
                                            max_iter)
        with torch.no_grad():
            predicted = probe((test_x - mean) / std).argmax(dim=1)
        correct += int((predicted == labels[test]).sum())
    return 100.0 * correct / len(labels)


def shuffle_sensitivity(features: torch.Tensor,
                        shuffled: torch.Tensor) -> float:
    """Mean cosine distance ``1 - cos`` between each clip's feature and its
    frame-shuffled self's (rows paired): 0 for a feature blind to frame
    order."""
    return float((1 - F.cosine_similarity(features.double(), shuffled.double(),
                                          dim=1)).mean())


def motion_energy(frames: torch.Tensor) -> torch.Tensor:
    """The hand-made motion-energy feature of a clip: the logs of the RMS of
    its raw first and second temporal differences and of its spatial
    gradient, ``(3,)``. It sees how much moves, relative to how much texture
    there is to move: the floor a learned encoder should clear on speed. It
    is blind to direction (a reversed clip has the same feature).

    Args:
        frames: ``(..., T, H, W, C)`` grey levels (0-255), ``T >= 3``; the
            leading dimensions (views) are averaged over.
    """
    x = frames.double()
    first = x[..., 1:, :, :, :] - x[..., :-1, :, :, :]
    second = first[..., 1:, :, :, :] - first[..., :-1, :, :, :]
    dx = x[..., :, :, 1:, :] - x[..., :, :, :-1, :]
    dy = x[..., :, 1:, :, :] - x[..., :, :-1, :, :]
    gradient = torch.cat([dx.pow(2).flatten(-4), dy.pow(2).flatten(-4)], -1)

    def log_rms(squares):
        return torch.log(squares.mean(dim=-1).sqrt() + 1e-3)

    feature = torch.stack([log_rms(first.pow(2).flatten(-4)),
                           log_rms(second.pow(2).flatten(-4)),
                           log_rms(gradient)], dim=-1)
    return feature.reshape(-1, 3).mean(dim=0)


def probe_accuracies(features: torch.Tensor, speeds: torch.Tensor,
                     reversed_: torch.Tensor, sources: np.ndarray,
                     num_folds: int = 5, seed: int = 0, l2: float = 1e-2,
                     max_iter: int = 300) -> Dict[str, float]:
    """Speed, direction and joint (speed x direction) probe accuracies (%)
    and their chance levels (the largest class's share), folds by source
    video.

    Args:
        features: ``(N, D)`` clip features.
        speeds: ``(N,)`` speed class indices; reversed_: ``(N,)`` 0 / 1.
        sources: ``(N,)`` source video of each clip.
    """
    folds = source_folds(sources, num_folds, seed)
    joint = speeds * 2 + reversed_
    results = {}
    for name, labels in (('speed', speeds), ('direction', reversed_),
                         ('joint', joint)):
        labels = torch.unique(labels, return_inverse=True)[1]
        results[name] = cross_validated_accuracy(features, labels, folds, l2,
                                                 max_iter)
        results[f'{name}_chance'] = 100.0 * float(
            torch.bincount(labels).max()) / len(labels)
    return results
