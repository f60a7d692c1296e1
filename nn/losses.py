"""Loss functions: MSE, cross-entropy on logits (fused with softmax), NLL on log-probabilities."""

from __future__ import annotations

from typing import Any

import numpy as np

from autograd import Tensor, ops

__all__ = ["MSELoss", "CrossEntropyLoss", "NLLLoss", "mse_loss", "nll_loss"]


def _check_reduction(reduction: str) -> str:
    if reduction not in ("mean", "sum", "none"):
        raise ValueError(f"reduction must be 'mean', 'sum' or 'none', got {reduction!r}")
    return reduction


def _reduce(losses: Tensor, reduction: str) -> Tensor:
    if reduction == "mean":
        return losses.mean()
    return losses.sum() if reduction == "sum" else losses


def mse_loss(pred: Tensor, target: Any, reduction: str = "mean") -> Tensor:
    """(ŷ − y)² averaged (report 000 part 2: ∂/∂ŷ = 2(ŷ − y)).

    Shapes must match exactly: a (N, 1) prediction against a (N,) target
    would broadcast to (N, N) and be silently wrong, so it is an error.
    """
    tshape = np.shape(target.numpy() if isinstance(target, Tensor) else target)
    if tuple(pred.shape) != tuple(tshape):
        raise ValueError(f"MSELoss: prediction shape {tuple(pred.shape)} and target shape {tuple(tshape)} "
                         "differ; reshape one so they match (broadcasting here is almost always a bug)")
    diff = pred - target
    return _reduce(diff * diff, _check_reduction(reduction))


def nll_loss(log_probs: Tensor, target: Any, weight: Any = None, reduction: str = "mean") -> Tensor:
    """−log p[target], for log-probabilities (e.g. from `log_softmax`); class weights as in PyTorch."""
    t = np.asarray(target.numpy() if isinstance(target, Tensor) else target)
    if log_probs.ndim != 2 or t.shape != (log_probs.shape[0],) or t.dtype.kind not in "iu":
        raise ValueError(f"NLLLoss expects log-probabilities (N, C) and integer targets (N,), got "
                         f"{tuple(log_probs.shape)} and {t.shape} of dtype {t.dtype}")
    c = log_probs.shape[1]
    if t.size and (t.min() < 0 or t.max() >= c):
        raise ValueError(f"targets must lie in 0..{c - 1}, got {t.min()}..{t.max()}")
    picked = -log_probs[np.arange(len(t)), t]
    if weight is None:
        return _reduce(picked, _check_reduction(reduction))
    w = np.asarray(weight.numpy() if isinstance(weight, Tensor) else weight, dtype=log_probs.dtype)[t]
    if reduction == "mean":
        return (picked * w).sum() / w.sum()
    return _reduce(picked * w, _check_reduction(reduction))


class MSELoss:
    """Mean squared error: `MSELoss()(pred, target)`."""

    def __init__(self, reduction: str = "mean") -> None:
        self.reduction = _check_reduction(reduction)

    def __call__(self, pred: Tensor, target: Any) -> Tensor:
        return mse_loss(pred, target, self.reduction)


class CrossEntropyLoss:
    """Softmax + cross-entropy on logits, fused: ∂L/∂logits = ŷ − y (report 000 eq. 6).

    Targets are integer classes (N,) or one-hot / probability rows (N, C).
    `weight` gives each class a weight (report 000 §6, for imbalanced
    classes); with class targets the mean divides by the summed weights.
    """

    def __init__(self, weight: Any = None, reduction: str = "mean") -> None:
        self.weight = None if weight is None else np.asarray(weight, dtype=np.float64)
        self.reduction = _check_reduction(reduction)

    def __call__(self, logits: Tensor, target: Any) -> Tensor:
        return ops.cross_entropy(logits, target, weight=self.weight, reduction=self.reduction)


class NLLLoss:
    """Negative log-likelihood on log-probabilities: `NLLLoss()(log_softmax(z), y)`."""

    def __init__(self, weight: Any = None, reduction: str = "mean") -> None:
        self.weight = weight
        self.reduction = _check_reduction(reduction)

    def __call__(self, log_probs: Tensor, target: Any) -> Tensor:
        return nll_loss(log_probs, target, self.weight, self.reduction)
