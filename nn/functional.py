"""nn.functional, as `torch.nn.functional` (`import nn.functional as F`): the one home of each layer's and
loss's math; the modules of `nn.layers` and `nn.losses` are thin wrappers that hold the settings.

Argument names are PyTorch's (`input`, `target`, `dim=`, `reduction=`,
`weight=`, `label_smoothing=`).  Everything is built from the engine's ops, so
each function's gradient is the engine's (checked by finite differences and
against torch in tests/test_nn_torch.py).  Where PyTorch would broadcast a
prediction against a target of another shape (with a warning), these raise:
that broadcast is almost always a bug.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Sequence
from typing import Any

import numpy as np

from autograd import Tensor, as_tensor, no_grad, ops
from autograd.engine import unwrap
from autograd.factories import generator
from nn.module import as_array

__all__ = [
    "linear",
    "relu",
    "leaky_relu",
    "sigmoid",
    "tanh",
    "softplus",
    "softmax",
    "log_softmax",
    "dropout",
    "one_hot",
    "layer_norm",
    "batch_norm",
    "cross_entropy",
    "nll_loss",
    "mse_loss",
    "l1_loss",
    "binary_cross_entropy",
    "binary_cross_entropy_with_logits",
    "class_weights",
    "as_float",
]

REDUCTIONS = ("mean", "sum", "none")


def _tensor(x: Any) -> Tensor:
    return x if isinstance(x, Tensor) else as_tensor(x)


# ----------------------------------------------------------------------------- layers


def linear(input: Any, weight: Tensor, bias: Tensor | None = None) -> Tensor:
    """y = x Wᵀ + b with W of shape (out, in), as PyTorch (and reports 001, 003: z = W x + b per sample)."""
    shape = input.shape if isinstance(input, (Tensor, np.ndarray)) else np.shape(input)
    if not shape or shape[-1] != weight.shape[-1]:
        raise ValueError(
            f"Linear({weight.shape[-1]}, {weight.shape[0]}) expects inputs whose last axis is "
            f"in_features = {weight.shape[-1]} (weight shape {tuple(weight.shape)} is (out, in)), "
            f"got input shape {tuple(shape)}"
        )
    y = ops.matmul(input, ops.transpose(weight, axes=None))
    return y if bias is None else y + bias


def relu(input: Tensor, inplace: bool = False) -> Tensor:
    """max(x, 0)."""
    return input.relu_() if inplace else ops.relu(input)


def leaky_relu(input: Tensor, negative_slope: float = 0.01, inplace: bool = False) -> Tensor:
    """x for x > 0, negative_slope·x otherwise (gradient negative_slope at 0, as PyTorch)."""
    if inplace:
        raise NotImplementedError("leaky_relu(inplace=True) is not supported; use the out-of-place form")
    return ops.where(np.asarray(unwrap(input)) > 0, input, input * negative_slope)


def sigmoid(input: Tensor) -> Tensor:
    return ops.sigmoid(input)


def tanh(input: Tensor) -> Tensor:
    return ops.tanh(input)


def softplus(input: Tensor, beta: float = 1.0, threshold: float = 20.0) -> Tensor:
    """(1/β) ln(1 + e^{βx}), and x itself where βx > threshold (PyTorch's cut-off, for speed there)."""
    if beta <= 0:
        raise ValueError(f"softplus: beta must be > 0, got {beta}")
    y = ops.softplus(input) if beta == 1 else ops.softplus(input * beta) / beta
    above = np.asarray(unwrap(input)) * beta > threshold
    return ops.where(above, input, y) if above.any() else y


def _implicit_dim(name: str, ndim: int) -> int:
    warnings.warn(
        f"Implicit dimension choice for {name} has been deprecated (as in PyTorch): pass dim=",
        UserWarning,
        stacklevel=3,
    )
    return 0 if ndim in (0, 1, 3) else 1


def softmax(input: Tensor, dim: int | None = None) -> Tensor:
    """ŷ = e^z / Σ e^z along `dim` (report 002 eq. 1.4)."""
    x = _tensor(input)
    return x.softmax(dim=_implicit_dim("softmax", x.ndim) if dim is None else dim)


def log_softmax(input: Tensor, dim: int | None = None) -> Tensor:
    """log ŷ, computed stably (z − max z − log Σ e^{z − max z})."""
    x = _tensor(input)
    return x.log_softmax(dim=_implicit_dim("log_softmax", x.ndim) if dim is None else dim)


def dropout(input: Tensor, p: float = 0.5, training: bool = True, inplace: bool = False) -> Tensor:
    """Zero each entry with probability p and scale the rest by 1/(1 − p) (inverted dropout), so the
    expected value is unchanged and eval mode is the identity.  Masks come from `autograd.generator()`."""
    if not (isinstance(p, (int, float)) and 0.0 <= p <= 1.0):
        raise ValueError(f"dropout probability has to be between 0 and 1, but got {p!r}")
    if not training or p == 0:
        return input
    x = _tensor(input)
    keep = generator().random(x.shape) >= p
    scale = np.zeros(x.shape, x.dtype) if p == 1 else keep.astype(x.dtype) / (1.0 - p)
    return x.mul_(scale) if inplace else x * scale


def one_hot(tensor: Any, num_classes: int = -1) -> Tensor:
    """Integer classes (...) → int64 rows (..., num_classes) with a 1 at each class."""
    t = np.asarray(unwrap(tensor))
    if t.dtype.kind not in "iu":
        raise TypeError(f"one_hot expects integer class indices, got dtype {t.dtype}")
    if num_classes == -1:
        num_classes = int(t.max()) + 1 if t.size else 0
    if t.size and (t.min() < 0 or t.max() >= num_classes):
        raise ValueError(f"one_hot: class values must lie in 0..{num_classes - 1}, got {t.min()}..{t.max()}")
    return Tensor(np.eye(num_classes, dtype=np.int64)[t])


def layer_norm(
    input: Tensor,
    normalized_shape: Sequence[int] | int,
    weight: Tensor | None = None,
    bias: Tensor | None = None,
    eps: float = 1e-5,
) -> Tensor:
    """(x − μ)/√(σ² + ε) · γ + β, with μ, σ² (biased) over the last len(normalized_shape) axes of each sample."""
    x = _tensor(input)
    shape = (normalized_shape,) if isinstance(normalized_shape, int) else tuple(normalized_shape)
    if tuple(x.shape[x.ndim - len(shape) :]) != shape or len(shape) > x.ndim:
        raise ValueError(
            f"layer_norm: the input's last axes must be normalized_shape {shape}, got input shape {tuple(x.shape)}"
        )
    dims = tuple(range(x.ndim - len(shape), x.ndim))
    return _normalise(x, dims, weight, bias, eps, lambda s: s)


def _normalise(x: Tensor, dims: tuple[int, ...], weight: Any, bias: Any, eps: float, along: Any) -> Tensor:
    """x̂ = (x − μ)/√(σ² + ε) from the batch's own statistics over `dims`, then x̂·γ + β."""
    xc = x - x.mean(dim=dims, keepdim=True)
    y = xc / ((xc * xc).mean(dim=dims, keepdim=True) + eps).sqrt()
    if weight is not None:
        y = y * along(weight)
    return y if bias is None else y + along(bias)


def batch_norm(
    input: Tensor,
    running_mean: Tensor | None,
    running_var: Tensor | None,
    weight: Tensor | None = None,
    bias: Tensor | None = None,
    training: bool = False,
    momentum: float = 0.1,
    eps: float = 1e-5,
) -> Tensor:
    """Normalise each channel c of x (N, C) or (N, C, L) by statistics over the batch (and L):

    training: x̂ = (x − μ_B)/√(σ²_B + ε) with the batch's mean and biased variance, and the running
    statistics move: r ← (1 − momentum)·r + momentum·s, with the *unbiased* variance (n/(n−1))·σ²_B;
    eval: x̂ = (x − r_mean)/√(r_var + ε).  Then x̂·γ + β (as torch.nn.functional.batch_norm).
    """
    x = _tensor(input)
    if x.ndim not in (2, 3):
        raise ValueError(f"batch_norm expects input of shape (N, C) or (N, C, L), got {tuple(x.shape)}")
    dims = (0,) if x.ndim == 2 else (0, 2)
    c = x.shape[1]
    for name, t in (("running_mean", running_mean), ("running_var", running_var), ("weight", weight), ("bias", bias)):
        if t is not None and tuple(t.shape) != (c,):
            raise ValueError(f"batch_norm: {name} must have shape ({c},) for {c} channels, got {tuple(t.shape)}")

    def along(t: Any) -> Any:  # a (C,) vector against (N, C) or (N, C, L)
        return t if x.ndim == 2 else t.reshape(c, 1)

    if not training:
        if running_mean is None or running_var is None:
            raise ValueError("batch_norm(training=False) needs running_mean and running_var")
        mean, var = along(running_mean.numpy()), along(running_var.numpy())
        y = (x - mean) / np.sqrt(var + eps)
        if weight is not None:
            y = y * along(weight)
        return y if bias is None else y + along(bias)
    n = math.prod(x.shape[d] for d in dims)
    if n <= 1:
        raise ValueError(f"Expected more than 1 value per channel when training, got input size {tuple(x.shape)}")
    if running_mean is not None and running_var is not None:
        with no_grad():
            data = x.numpy()
            mu = data.mean(axis=dims)
            var = data.var(axis=dims) * (n / (n - 1))
            running_mean.mul_(1 - momentum).add_(mu * momentum)
            running_var.mul_(1 - momentum).add_(var * momentum)
    return _normalise(x, dims, weight, bias, eps, along)


# ----------------------------------------------------------------------------- losses


def check_reduction(reduction: str) -> None:
    if reduction not in REDUCTIONS:
        raise ValueError(f"reduction must be 'mean', 'sum' or 'none', got {reduction!r}")


def _reduce(losses: Tensor, reduction: str) -> Tensor:
    if reduction == "mean":
        return losses.mean()
    return losses.sum() if reduction == "sum" else losses


def class_weights(weight: Any, what: str) -> np.ndarray | None:
    """Per-class weights as a float array, checked: 1-D, finite, ≥ 0 (a loss with a negative weight
    rewards mistakes).  Loss modules call it when they are built, so the error points at that line."""
    if weight is None:
        return None
    w = as_float(weight)
    if w.ndim != 1:
        raise ValueError(f"{what}: weight must be a 1-D tensor of per-class weights, got shape {w.shape}")
    if not np.all(np.isfinite(w)) or (w < 0).any():
        raise ValueError(f"{what}: class weights must be finite and ≥ 0, got {w.tolist()}")
    return w


def as_float(x: Any) -> np.ndarray:
    """A float64 array from an array, a list, one of our tensors or a torch tensor."""
    return np.asarray(as_array(x), dtype=np.float64)


def _same_shape(input: Any, target: Any, what: str) -> None:
    a, b = tuple(np.shape(unwrap(input))), tuple(np.shape(unwrap(target)))
    if a != b:
        raise ValueError(
            f"{what}: prediction shape {a} and target shape {b} differ; reshape one so they match "
            "(broadcasting here is almost always a bug)"
        )


def cross_entropy(
    input: Tensor,
    target: Any,
    weight: Any = None,
    ignore_index: int = -100,
    reduction: str = "mean",
    label_smoothing: float = 0.0,
) -> Tensor:
    """Softmax and cross-entropy on logits, fused: ∂L/∂z = ŷ − y (report 000 eq. 6).

    The engine's `autograd.ops.cross_entropy` is the one home of this loss (class
    or probability targets, (N, C, d1, ...) logits, weights, label smoothing,
    ignore_index, and every check of its arguments).
    """
    return ops.cross_entropy(
        input, target, weight=weight, reduction=reduction, label_smoothing=label_smoothing, ignore_index=ignore_index
    )


def nll_loss(
    input: Tensor, target: Any, weight: Any = None, ignore_index: int = -100, reduction: str = "mean"
) -> Tensor:
    """−Σ w[t] log p[t] over the rows, for log-probabilities (e.g. from `log_softmax`) and class targets.

    "mean" divides by Σ w[t] over the targets that are not ignore_index, as
    PyTorch.  Targets are encoded exactly as cross_entropy encodes them (one-hot
    rows times the class weights), so the two share every check.
    """
    t = np.asarray(unwrap(target))
    if t.dtype.kind == "f":
        raise TypeError(
            f"nll_loss: your labels are float ({t.dtype}, shape {t.shape}); pass integer class "
            "indices (e.g. labels.long())"
        )
    if t.dtype.kind not in "iu":
        raise TypeError(f"nll_loss expects integer class indices, got dtype {t.dtype}")
    rows, Y, norm, _, shape = ops.target_rows(input, t, weight, reduction, 0.0, ignore_index)
    losses = -ops.sum(ops.mul(rows, Y), axis=(1,))
    if reduction == "none":
        return ops.reshape(losses, shape=shape)
    total = ops.sum(losses)
    return total if reduction == "sum" else total / norm


def mse_loss(input: Tensor, target: Any, reduction: str = "mean") -> Tensor:
    """(ŷ − y)² averaged (report 000 part 2: ∂/∂ŷ = 2(ŷ − y)); shapes must match exactly."""
    check_reduction(reduction)
    _same_shape(input, target, "mse_loss")
    diff = _tensor(input) - target
    return _reduce(diff * diff, reduction)


def l1_loss(input: Tensor, target: Any, reduction: str = "mean") -> Tensor:
    """|ŷ − y| averaged (gradient sign(ŷ − y), 0 at a tie); shapes must match exactly."""
    check_reduction(reduction)
    _same_shape(input, target, "l1_loss")
    return _reduce((_tensor(input) - target).abs(), reduction)


def _in_unit_interval(x: Any, what: str, hint: str = "") -> None:
    a = np.asarray(unwrap(x))
    if a.size and not (np.all(np.isfinite(a)) and a.min() >= 0 and a.max() <= 1):
        raise ValueError(f"{what} must lie in [0, 1], got values from {a.min():.4g} to {a.max():.4g}{hint}")


def _elementwise_weight(weight: Any, input: Any, what: str) -> Any:
    if weight is None:
        return None
    w = weight if isinstance(weight, Tensor) else np.asarray(weight, dtype=np.float64)
    wa = np.asarray(unwrap(w))
    try:
        np.broadcast_shapes(wa.shape, tuple(np.shape(unwrap(input))))
    except ValueError:
        raise ValueError(
            f"{what}: weight of shape {wa.shape} does not broadcast to the input's shape "
            f"{tuple(np.shape(unwrap(input)))}"
        ) from None
    if not np.all(np.isfinite(wa)) or (wa < 0).any():
        raise ValueError(f"{what}: weight must be finite and ≥ 0")
    return w


_TINY_LOG = math.exp(-100.0)  # PyTorch clamps log p at −100 so that p = 0 gives a finite loss


def binary_cross_entropy(input: Tensor, target: Any, weight: Any = None, reduction: str = "mean") -> Tensor:
    """−w [t log p + (1 − t) log(1 − p)] for probabilities p (after a sigmoid), logs clamped at −100 as PyTorch.

    For logits, `binary_cross_entropy_with_logits` is the stable choice.
    """
    check_reduction(reduction)
    _same_shape(input, target, "binary_cross_entropy")
    _in_unit_interval(
        input, "binary_cross_entropy: input (probabilities)", "; for logits use binary_cross_entropy_with_logits"
    )
    _in_unit_interval(target, "binary_cross_entropy: target")
    w = _elementwise_weight(weight, input, "binary_cross_entropy")
    p = _tensor(input)
    losses = -(ops.log(ops.clip(p, lo=_TINY_LOG)) * target + ops.log(ops.clip(1 - p, lo=_TINY_LOG)) * (1 - target))
    return _reduce(losses if w is None else losses * w, reduction)


def binary_cross_entropy_with_logits(
    input: Tensor, target: Any, weight: Any = None, reduction: str = "mean", pos_weight: Any = None
) -> Tensor:
    """σ and binary cross-entropy fused, stable at any logit z: (1 − t)·z + (1 + (p_w − 1)t)·softplus(−z).

    (softplus(−z) = −log σ(z) is computed without overflow.)  The gradient is σ(z) − t without pos_weight.
    """
    check_reduction(reduction)
    _same_shape(input, target, "binary_cross_entropy_with_logits")
    _in_unit_interval(target, "binary_cross_entropy_with_logits: target")
    w = _elementwise_weight(weight, input, "binary_cross_entropy_with_logits")
    z = _tensor(input)
    tail = ops.softplus(-z)
    if pos_weight is not None:
        pw = _elementwise_weight(pos_weight, input, "binary_cross_entropy_with_logits (pos_weight)")
        tail = tail * ((pw - 1) * target + 1)
    losses = z * (1 - target) + tail
    return _reduce(losses if w is None else losses * w, reduction)
