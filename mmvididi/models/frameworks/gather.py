"""All-gather across processes with gradients, for losses over the global batch."""
import torch
import torch.distributed as dist


class _GatherWithGradient(torch.autograd.Function):
    """Forward: every rank's ``x`` concatenated. Backward: the gradient of the
    own slice, summed over the ranks that used it (as facebookresearch/vicreg's
    FullGatherLayer)."""

    @staticmethod
    def forward(ctx, x: torch.Tensor) -> torch.Tensor:
        parts = [torch.zeros_like(x) for _ in range(dist.get_world_size())]
        dist.all_gather(parts, x.contiguous())
        return torch.cat(parts)

    @staticmethod
    def backward(ctx, grad: torch.Tensor) -> torch.Tensor:
        grad = grad.contiguous()
        dist.all_reduce(grad)
        return grad.chunk(dist.get_world_size())[dist.get_rank()]


def gather_batch(x: torch.Tensor) -> torch.Tensor:
    """Concatenate ``x`` (``(N, D)``, N equal on every rank) of every process.

    Every rank then computes the loss over the global batch; DDP averages the
    ranks' gradients, which makes them the gradient of that global loss.
    """
    if not dist.is_available() or not dist.is_initialized() or \
            dist.get_world_size() == 1:
        return x
    return _GatherWithGradient.apply(x)
