"""Runtime adjustments of a config to the machine it runs on."""
import gc

import torch
import torch.distributed as dist
from mmengine.config import Config
from mmengine.model import is_model_wrapper


def unwrap_model(model: torch.nn.Module) -> torch.nn.Module:
    """The model inside a DDP (or other) model wrapper; the model itself if
    it is not wrapped."""
    return model.module if is_model_wrapper(model) else model


def adapt_to_device(cfg: Config) -> Config:
    """Let a GPU config also run distributed on CPUs (gloo).

    Nothing changes where CUDA is available or the run is not distributed.
    Without CUDA, a ``--launcher pytorch`` run (``tools/dist_train.sh``)
    initialises the gloo process group here, because mmengine's ``init_dist``
    calls ``torch.cuda.set_device``, and wraps the model in DDP without
    ``device_ids`` (mmengine passes ``[LOCAL_RANK]``, which PyTorch refuses for
    a CPU model).
    """
    launcher = cfg.get('launcher', 'none')
    if torch.cuda.is_available() or launcher == 'none':
        return cfg
    if launcher != 'pytorch':
        raise ValueError(f'--launcher {launcher} needs CUDA; on CPUs start '
                         'distributed runs with --launcher pytorch '
                         '(tools/dist_train.sh).')
    if not dist.is_initialized():
        dist.init_process_group(backend='gloo')
    wrapper = cfg.get('model_wrapper_cfg') or dict(
        type='MMDistributedDataParallel')
    wrapper['device_ids'] = None
    cfg.model_wrapper_cfg = wrapper
    return cfg


def close_process_group() -> None:
    """Destroy the default process group, if one was initialised: the end of
    a distributed run (``tools/train.py``, ``tools/test.py``).

    The run's objects are collected first: a Runner sits in reference cycles,
    and its DDP model holds the group, so ``destroy_process_group`` alone left
    gloo's worker threads running (seen on every rank). Left to the
    interpreter's exit, such a thread that releases a last collective's
    tensors aborts the rank after its run has finished ("terminate called
    without an active exception", exit status -6), and torchrun then fails a
    run that succeeded. Collected, the group is destroyed here and its
    threads joined. The caller holds no reference to the Runner (the tools
    build it as a temporary)."""
    if dist.is_available() and dist.is_initialized():
        gc.collect()
        dist.destroy_process_group()
