"""Gradient clipping, as torch.nn.utils: call between `loss.backward()` and `opt.step()`."""

from __future__ import annotations

import math
from collections.abc import Iterable

import numpy as np

from autograd import Tensor, no_grad

__all__ = ["clip_grad_norm_", "clip_grad_value_"]


def _grads(parameters: Tensor | Iterable[Tensor]) -> list[Tensor]:
    params = [parameters] if isinstance(parameters, Tensor) else list(parameters)
    return [p.grad for p in params if p.grad is not None]


def clip_grad_norm_(
    parameters: Tensor | Iterable[Tensor], max_norm: float, norm_type: float = 2.0, error_if_nonfinite: bool = False
) -> Tensor:
    """Scale all gradients together so their joint norm ‖(g₁, g₂, …)‖ is at most `max_norm`.

    The factor is max_norm/(‖g‖ + 1e-6), capped at 1 (PyTorch's rule); returns
    ‖g‖ before clipping.  `norm_type` p: any p > 0, or inf (the largest |g|).
    """
    if not (max_norm >= 0 and math.isfinite(max_norm)):
        raise ValueError(f"clip_grad_norm_: max_norm must be finite and ≥ 0, got {max_norm!r}")
    norm_type = float(norm_type)
    if not norm_type > 0:
        raise ValueError(f"clip_grad_norm_: norm_type must be > 0 (or inf), got {norm_type}")
    grads = _grads(parameters)
    if not grads:
        return Tensor(0.0)
    arrays = [g.numpy() for g in grads]
    if norm_type == math.inf:
        total = max(float(np.abs(a).max(initial=0.0)) for a in arrays)
    else:
        total = float(sum(float((np.abs(a) ** norm_type).sum()) for a in arrays) ** (1.0 / norm_type))
    if error_if_nonfinite and not math.isfinite(total):
        raise RuntimeError(
            f"the total norm of order {norm_type} of the gradients is {total}, so they cannot be "
            "clipped; set error_if_nonfinite=False to go on anyway"
        )
    coef = min(max_norm / (total + 1e-6), 1.0)
    with no_grad():
        for g in grads:
            g.mul_(coef)
    return Tensor(total)


def clip_grad_value_(parameters: Tensor | Iterable[Tensor], clip_value: float) -> None:
    """Clamp every gradient entry to [−clip_value, clip_value], in place."""
    if not (clip_value >= 0 and math.isfinite(clip_value)):
        raise ValueError(f"clip_grad_value_: clip_value must be finite and ≥ 0, got {clip_value!r}")
    with no_grad():
        for g in _grads(parameters):
            g.clamp_(-clip_value, clip_value)
