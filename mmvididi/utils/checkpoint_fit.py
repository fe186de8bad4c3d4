"""Does a checkpoint fit a model? Every backbone weight there, with its shape.

mmengine loads a state dict with ``strict=False``: keys the model lacks, or
weights of another shape, are logged and skipped. For a head, a neck or BYOL's
target network that is what one wants; for the backbone it means testing a
randomly initialised encoder under the checkpoint's name (a checkpoint of
another width, a converted backbone without its ``backbone.`` prefix). This
check makes that a :class:`CheckpointMismatchError` that names the checkpoint
and the fix; the Runner runs it through ``CheckpointFitHook``,
:func:`mmvididi.apis.init_model` directly, and the command-line tools print
it as one line (:mod:`mmvididi.utils.cli`).
"""
from typing import Dict, Mapping

import torch


class CheckpointMismatchError(ValueError):
    """A checkpoint does not fit the model: no state dict, or backbone weights
    missing or of another shape. The message names the checkpoint and the
    fix."""


#: The prefix of a model's backbone weights in its state dict.
BACKBONE_PREFIX = 'backbone.'
#: The prefix a wrapped (distributed) model's state dict adds to every key.
WRAPPER_PREFIX = 'module.'


def checkpoint_state(loaded, checkpoint: str) -> Dict[str, torch.Tensor]:
    """The state dict of a loaded checkpoint (its ``state_dict``, or the file
    itself when it is one), ``module.`` prefixes dropped."""
    state = loaded.get('state_dict', loaded) if isinstance(loaded, dict) \
        else None
    if not isinstance(state, dict):
        raise CheckpointMismatchError(
            f'checkpoint {checkpoint} holds no state dict: give a checkpoint '
            'that tools/train.py wrote (or a state dict saved with '
            'torch.save).')
    return {k[len(WRAPPER_PREFIX):] if k.startswith(WRAPPER_PREFIX) else k: v
            for k, v in state.items()}


def check_checkpoint_fits(model: torch.nn.Module,
                          state: Mapping[str, torch.Tensor],
                          checkpoint: str) -> None:
    """Raise :class:`CheckpointMismatchError` unless ``state`` holds every
    ``backbone.*`` weight of ``model`` (every weight if it has no backbone)
    with the model's shape; other keys may be missing or extra."""
    own = model.state_dict()
    prefix = BACKBONE_PREFIX if any(
        k.startswith(BACKBONE_PREFIX) for k in own) else ''
    needed = [k for k in own if k.startswith(prefix)
              and not k.endswith('num_batches_tracked')]
    missing = [k for k in needed if k not in state]
    mismatched = [f'{k} {tuple(state[k].shape)} (the model has '
                  f'{tuple(own[k].shape)})' for k in needed
                  if k in state and state[k].shape != own[k].shape]
    if not missing and not mismatched:
        return
    part = 'backbone' if prefix else 'model'
    problems = (f'{len(missing)} of the {len(needed)} {part} weights are '
                f'missing, e.g. {missing[:3]}' if missing
                else f'{len(mismatched)} weights have other shapes, e.g. '
                f'{mismatched[:3]}')
    hint = ''
    if missing and prefix and all(f'{prefix}{k}' in own for k in state):
        hint = (' Its keys lack the "backbone." prefix: it is a converted '
                'MMAction2 backbone; give the ViDiDi checkpoint, or '
                'convert with --prefix backbone.')
    elif mismatched:
        hint = (' Was it trained with another config? Give that config, '
                'or change the model with cfg_options.')
    raise CheckpointMismatchError(
        f'checkpoint {checkpoint} does not fit the model: {problems}.{hint}')
