"""The op table: every differentiable operation, its forward and its VJP side by side.

Room two of two (the engine is `autograd/tensor.py`).  Each entry reads

    name = primitive("name", forward, vjp_for_input_0, vjp_for_input_1, ...)

where `forward` works on numpy arrays and `vjp_i(g, out, *inputs, **params)`
maps g = ∂L/∂out to ∂L/∂input_i.  Notation: ḡ is the incoming gradient, y the
op's output.  Rules that hold for every entry:

* VJPs use only operators and the functions of this module, so they run on
  ndarrays (ordinary backward) and on Tensors (`create_graph=True`, higher
  derivatives) alike.
* VJPs may return a gradient of the *broadcast* shape; the engine sums it back
  to the input's shape (`tensor._fit`).  So no VJP here un-broadcasts.
* Masks (relu, max, clip, ...) are constants: they are built from raw data
  with `_raw`, so they never enter the graph.
* An entry made with `saves=True` (softplus, cross_entropy) has a forward that
  returns `(out, saved)`, and its VJPs get `saved=`: a value the forward
  computed anyway (e^−|x|, ŷ), reused instead of computed again.  Saved values
  are plain arrays, so when the VJP runs on Tensors (a second derivative) it
  rebuilds what it needs as ops (`sigmoid(x)`, `softmax(z)`).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import numpy as np

from autograd.tensor import Tensor, primitive

__all__ = [
    "add", "sub", "mul", "div", "neg", "pow", "matmul", "maximum", "minimum", "where",
    "exp", "log", "sqrt", "abs", "relu", "sigmoid", "tanh", "softplus", "clip",
    "sum", "mean", "max", "reshape", "transpose", "broadcast_to", "sum_to", "getitem",
    "concatenate", "stack", "softmax", "log_softmax", "cross_entropy",
]

_builtin_sum = sum


def _raw(x: Any) -> Any:
    """The numpy value of an ndarray or Tensor (for masks, which are constants)."""
    return x.data if isinstance(x, Tensor) else x


def _keep(g: Any, shape: tuple, axis: Any) -> Any:
    """Re-insert the axes a reduction removed, so ḡ broadcasts against its input."""
    if axis is None:
        return g.reshape((1,) * len(shape))
    axes = (axis,) if isinstance(axis, int) else tuple(axis)
    kept = list(shape)
    for a in axes:
        kept[a % len(shape)] = 1
    return g.reshape(tuple(kept))


# ----------------------------------------------------------------------------- arithmetic
# Binary ops broadcast like numpy; the engine sums each gradient back to its input.

add = primitive("add", np.add,
                lambda g, y, a, b: g,                    # ∂(a+b)/∂a = 1
                lambda g, y, a, b: g)                    # ∂(a+b)/∂b = 1

sub = primitive("sub", np.subtract,
                lambda g, y, a, b: g,                    # ∂(a−b)/∂a = 1
                lambda g, y, a, b: -g)                   # ∂(a−b)/∂b = −1

mul = primitive("mul", np.multiply,
                lambda g, y, a, b: g * b,                # ∂(ab)/∂a = b
                lambda g, y, a, b: g * a)                # ∂(ab)/∂b = a

div = primitive("div", np.true_divide,
                lambda g, y, a, b: g / b,                # ∂(a/b)/∂a = 1/b
                lambda g, y, a, b: -g * y / b)           # ∂(a/b)/∂b = −a/b² = −y/b

neg = primitive("neg", np.negative,
                lambda g, y, a: -g)

_pow_tensor = primitive("pow", np.power,
                        lambda g, y, a, b: g * b * a ** (b - 1),  # ∂aᵇ/∂a = b·aᵇ⁻¹
                        lambda g, y, a, b: g * y * log(a))       # ∂aᵇ/∂b = aᵇ·ln a (a > 0)


def _pow_number(a: np.ndarray, *, p: float) -> np.ndarray:
    return a ** p                                        # numpy squares for p = 2, takes √ for p = ½


_pow_op = primitive("pow", _pow_number,
                    lambda g, y, a, p: g * (p * a ** (p - 1)))   # (aᵖ)' = p·aᵖ⁻¹


def pow(a: Any, b: Any) -> Any:
    """aᵇ.  A number exponent (the 2 of x ** 2) is a parameter of the op, not an input:
    no constant tensor is made and no gradient is computed for it."""
    if isinstance(b, (int, float)) and isinstance(a, Tensor):
        return _pow_op(a, p=b)
    return _pow_tensor(a, b)


def _tie_share(a: Any, b: Any) -> np.ndarray:
    """1 where a wins, 0 where b wins, ½ on ties (the gradient is split evenly)."""
    a, b = _raw(a), _raw(b)
    return (a > b) + 0.5 * (a == b)


maximum = primitive("maximum", np.maximum,
                    lambda g, y, a, b: g * _tie_share(a, b),
                    lambda g, y, a, b: g * _tie_share(b, a))

minimum = primitive("minimum", np.minimum,
                    lambda g, y, a, b: g * _tie_share(b, a),
                    lambda g, y, a, b: g * _tie_share(a, b))


def _where(a: np.ndarray, b: np.ndarray, *, cond: np.ndarray) -> np.ndarray:
    return np.where(cond, a, b)


_where_op = primitive("where", _where,
                      lambda g, y, a, b, cond: g * cond,
                      lambda g, y, a, b, cond: g * ~cond)


def where(cond: Any, a: Any, b: Any) -> Any:
    """Pick `a` where `cond` holds, else `b`; the gradient goes to whichever was picked."""
    return _where_op(a, b, cond=np.asarray(_raw(cond), dtype=bool))


# ----------------------------------------------------------------------------- matmul

def _matmul_vjp_a(g: Any, y: Any, a: Any, b: Any) -> Any:
    """∂L/∂A = ḡ Bᵀ (1-D operands are treated as a row or a column)."""
    if b.ndim == 1:                                      # (…, n) @ (n,) → (…)
        return g.reshape(g.shape + (1,)) * b
    if a.ndim == 1:                                      # (n,) @ (…, n, m) → (…, m)
        return (b @ g.reshape(g.shape + (1,))).reshape(b.shape[:-1])
    return g @ b.swapaxes(-1, -2)


def _matmul_vjp_b(g: Any, y: Any, a: Any, b: Any) -> Any:
    """∂L/∂B = Aᵀ ḡ (1-D operands are treated as a row or a column)."""
    if a.ndim == 1 and b.ndim == 1:
        return g * a
    if a.ndim == 1:                                      # outer product a ḡᵀ per batch
        return a.reshape(a.shape + (1,)) * g.reshape(g.shape[:-1] + (1, g.shape[-1]))
    if b.ndim == 1:                                      # Aᵀ ḡ, batch summed by the engine
        return (a.swapaxes(-1, -2) @ g.reshape(g.shape + (1,))).reshape(a.shape[:-2] + a.shape[-1:])
    return a.swapaxes(-1, -2) @ g


def _matmul(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    if a.ndim == 0 or b.ndim == 0 or a.shape[-1] != b.shape[-2 if b.ndim > 1 else 0]:
        raise ValueError(f"matmul: shapes {a.shape} and {b.shape} do not fit: the last axis of the "
                         f"first ({a.shape[-1] if a.ndim else 'scalar'}) must equal the "
                         f"{'second-to-last' if b.ndim > 1 else 'only'} axis of the second")
    return np.matmul(a, b)


matmul = primitive("matmul", _matmul, _matmul_vjp_a, _matmul_vjp_b)


# ----------------------------------------------------------------------------- elementwise functions

exp = primitive("exp", np.exp,
                lambda g, y, x: g * y)                   # (eˣ)' = eˣ = y

log = primitive("log", np.log,
                lambda g, y, x: g / x)                   # (ln x)' = 1/x

sqrt = primitive("sqrt", np.sqrt,
                 lambda g, y, x: g / (2 * y))            # (√x)' = 1/(2√x)

abs = primitive("abs", np.abs,
                lambda g, y, x: g * np.sign(_raw(x)))    # sign(x); 0 at x = 0


def _relu(x: np.ndarray) -> np.ndarray:
    return np.maximum(x, 0.0)


relu = primitive("relu", _relu,
                 lambda g, y, x: g * (_raw(x) > 0))      # report 000 eq. 7: 1 if x > 0 else 0


def _sigmoid_from(x: np.ndarray, e: np.ndarray) -> np.ndarray:
    """σ(x) from e = e^−|x| ≤ 1, so nothing overflows at ±1e4: 1/(1+e) for x ≥ 0, e/(1+e) for x < 0.

    The numerator (1 if x ≥ 0 else e) is max(e, [x ≥ 0]) because e ≤ 1; np.where
    computes the same 3–13× slower here (1.4 ms vs 0.1 ms for 1024 × 300 float32).
    """
    y = np.maximum(e, x >= 0)
    y /= 1 + e
    return y


def _sigmoid(x: np.ndarray) -> np.ndarray:
    """σ(x) = 1/(1+e⁻ˣ).  (np.exp is ~2.5× faster than np.tanh in float64.)"""
    return _sigmoid_from(x, np.exp(-np.abs(x)))


sigmoid = primitive("sigmoid", _sigmoid,
                    lambda g, y, x: g * y * (1 - y))     # σ' = σ(1 − σ)

tanh = primitive("tanh", np.tanh,
                 lambda g, y, x: g * (1 - y * y))        # tanh' = 1 − tanh²


def _softplus(x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """softplus(x) = ln(1 + eˣ) = max(x, 0) + ln(1 + e^−|x|), finite for any x.

    Also returns e = e^−|x|, which the VJP reuses (saves=True).
    """
    e = np.exp(-np.abs(x))
    y = np.maximum(x, 0)
    y += np.log1p(e)
    return y, e


def _softplus_vjp(g: Any, y: Any, x: Any, saved: np.ndarray) -> Any:
    """softplus' = σ(x) (report 001), from the forward's e^−|x|: no exp in the backward pass.
    Differentiating again (x a Tensor), σ(x) is recorded as an op instead."""
    return g * (sigmoid(x) if isinstance(x, Tensor) else _sigmoid_from(x, saved))


softplus = primitive("softplus", _softplus, _softplus_vjp, saves=True)


def _clip(x: np.ndarray, *, lo: float | None, hi: float | None) -> np.ndarray:
    return np.clip(x, lo, hi)


def _inside(x: Any, lo: float | None, hi: float | None) -> np.ndarray:
    x = _raw(x)
    mask = np.ones(x.shape, dtype=bool)
    if lo is not None:
        mask &= x >= lo
    if hi is not None:
        mask &= x <= hi
    return mask


clip = primitive("clip", _clip,
                 lambda g, y, x, lo, hi: g * _inside(x, lo, hi))  # 1 inside [lo, hi], 0 outside


# ----------------------------------------------------------------------------- reductions

def _sum(x: np.ndarray, *, axis: Any = None, keepdims: bool = False) -> np.ndarray:
    return np.sum(x, axis=axis, keepdims=keepdims)


sum = primitive("sum", _sum,                             # every input entry gets ḡ of its slot
                lambda g, y, x, axis, keepdims: g if keepdims else _keep(g, x.shape, axis))


def _mean(x: np.ndarray, *, axis: Any = None, keepdims: bool = False) -> np.ndarray:
    return np.mean(x, axis=axis, keepdims=keepdims)


def _mean_vjp(g: Any, y: Any, x: Any, axis: Any, keepdims: bool) -> Any:
    n = x.size // (y.size or 1)                         # entries averaged into each output
    return (g if keepdims else _keep(g, x.shape, axis)) / n


mean = primitive("mean", _mean, _mean_vjp)


def _max(x: np.ndarray, *, axis: Any = None, keepdims: bool = False) -> np.ndarray:
    if x.size == 0:
        raise ValueError(f"max of an empty tensor of shape {x.shape}")
    return np.max(x, axis=axis, keepdims=keepdims)


def _max_vjp(g: Any, y: Any, x: Any, axis: Any, keepdims: bool) -> Any:
    """ḡ goes to the maximal entries; ties split it evenly (as in HIPS autograd)."""
    ymax = _raw(y) if keepdims else _keep(_raw(y), x.shape, axis)
    winners = _raw(x) == ymax
    share = winners / winners.sum(axis=axis, keepdims=True)
    return (g if keepdims else _keep(g, x.shape, axis)) * share


max = primitive("max", _max, _max_vjp)


# ----------------------------------------------------------------------------- shape

def _reshape(x: np.ndarray, *, shape: tuple) -> np.ndarray:
    try:
        return np.reshape(x, shape)
    except ValueError:
        raise ValueError(f"cannot reshape a tensor of shape {x.shape} ({x.size} entries) "
                         f"to {tuple(shape)}") from None


reshape = primitive("reshape", _reshape,
                    lambda g, y, x, shape: g.reshape(x.shape))


def _transpose(x: np.ndarray, *, axes: Sequence[int] | None = None) -> np.ndarray:
    return np.transpose(x, axes)


def _transpose_vjp(g: Any, y: Any, x: Any, axes: Sequence[int] | None) -> Any:
    return transpose(g, axes=None if axes is None else tuple(np.argsort(axes)))


transpose = primitive("transpose", _transpose, _transpose_vjp)


def _broadcast_to(x: np.ndarray, *, shape: tuple) -> np.ndarray:
    return np.broadcast_to(x, shape)


def _sum_to(x: np.ndarray, *, shape: tuple) -> np.ndarray:
    """Sum `x` down to `shape`: the inverse of broadcasting (and its VJP).

    The common case, a bias gradient Σ_n ḡ_n over the leading (batch) axes,
    is a product with a vector of ones: BLAS does it 1.3–5× faster than
    numpy's strided reduction over axis 0 (30 µs → 6 µs for 1024 × 12 here).
    """
    lead = x.ndim - len(shape)
    if lead and x.shape[lead:] == shape and x.dtype.char in "fd" and x.size:  # float32/64: BLAS types
        n = math.prod(x.shape[:lead])
        ones = np.empty(n, x.dtype)
        ones.fill(1)                                     # (np.ones costs 5× more on small arrays)
        return (ones @ x.reshape(n, -1)).reshape(shape)
    axes = tuple(range(lead)) + tuple(lead + i for i, s in enumerate(shape) if s == 1 and x.shape[lead + i] != 1)
    return (x.sum(axis=axes, keepdims=True) if axes else x).reshape(shape)


broadcast_to = primitive("broadcast_to", _broadcast_to,
                         lambda g, y, x, shape: sum_to(g, shape=x.shape))

sum_to = primitive("sum_to", _sum_to,
                   lambda g, y, x, shape: broadcast_to(g, shape=x.shape))


def _is_basic(index: Any) -> bool:
    """True for indices made of ints, slices, None and Ellipsis (no repeats possible)."""
    parts = index if isinstance(index, tuple) else (index,)
    return all(isinstance(i, (int, np.integer, slice)) or i is None or i is Ellipsis for i in parts)


def _getitem(x: np.ndarray, *, index: Any) -> np.ndarray:
    return x[index]


def _scatter_add(g: np.ndarray, *, shape: tuple, index: Any) -> np.ndarray:
    """A zero array of `shape` with ḡ added at `index`; repeated indices accumulate."""
    out = np.zeros(shape, dtype=g.dtype)
    if _is_basic(index):
        out[index] = g
    else:
        np.add.at(out, index, g)
    return out


getitem = primitive("getitem", _getitem,
                    lambda g, y, x, index: scatter_add(g, shape=x.shape, index=index))

scatter_add = primitive("scatter_add", _scatter_add,
                        lambda g, y, x, shape, index: getitem(g, index=index))


def _concatenate(*xs: np.ndarray, axis: int = 0) -> np.ndarray:
    return np.concatenate(xs, axis=axis)


def _concatenate_vjp(g: Any, y: Any, *xs: Any, axis: int, argnum: int) -> Any:
    """Input i gets its own slice of ḡ along `axis`."""
    ax = axis % y.ndim
    start = _builtin_sum(x.shape[ax] for x in xs[:argnum])
    return getitem(g, index=(slice(None),) * ax + (slice(start, start + xs[argnum].shape[ax]),))


_concatenate_op = primitive("concatenate", _concatenate, _concatenate_vjp, variadic=True)


def concatenate(tensors: Sequence[Any], axis: int = 0) -> Any:
    """Join tensors along an existing axis (numpy.concatenate)."""
    return _concatenate_op(*tensors, axis=axis)


def _stack(*xs: np.ndarray, axis: int = 0) -> np.ndarray:
    return np.stack(xs, axis=axis)


def _stack_vjp(g: Any, y: Any, *xs: Any, axis: int, argnum: int) -> Any:
    """Input i gets slice i of ḡ along the new axis."""
    return getitem(g, index=(slice(None),) * (axis % y.ndim) + (argnum,))


_stack_op = primitive("stack", _stack, _stack_vjp, variadic=True)


def stack(tensors: Sequence[Any], axis: int = 0) -> Any:
    """Join tensors along a new axis (numpy.stack)."""
    return _stack_op(*tensors, axis=axis)


# ----------------------------------------------------------------------------- softmax family

def _softmax(x: np.ndarray, *, axis: int = -1) -> np.ndarray:
    """ŷ_i = e^{θ_i} / Σ_j e^{θ_j}, computed on θ − max θ so no e^{θ} overflows."""
    e = np.exp(x - x.max(axis=axis, keepdims=True))
    e /= e.sum(axis=axis, keepdims=True)
    return e


softmax = primitive("softmax", _softmax,                 # report 002 eq. 1.4: J = diag(ŷ) − ŷŷᵀ,
                    lambda g, y, x, axis: y * (g - (g * y).sum(axis=axis, keepdims=True)))  # ḡJ


def _log_softmax(x: np.ndarray, *, axis: int = -1) -> np.ndarray:
    """log ŷ_i = θ_i − max θ − log Σ_j e^{θ_j − max θ}: finite for logits of any size."""
    shifted = x - x.max(axis=axis, keepdims=True)
    return shifted - np.log(np.exp(shifted).sum(axis=axis, keepdims=True))


log_softmax = primitive("log_softmax", _log_softmax,     # ∂ log ŷ_i/∂θ_k = δ_ik − ŷ_k
                        lambda g, y, x, axis: g - exp(y) * g.sum(axis=axis, keepdims=True))


def _ce_forward(z: np.ndarray, *, target: np.ndarray, weight: np.ndarray | None,
                reduction: str) -> tuple[np.ndarray, np.ndarray]:
    """L = −Σ_i w_i y_i log ŷ_i per row (report 000 eq. 1), then reduced.

    Also returns ŷ = softmax(z) for the VJP (saves=True).  With θ' = θ − max θ
    and S = Σ_j e^{θ'_j}: log ŷ_i = θ'_i − log S and ŷ_i = e^{θ'_i} / S.
    """
    shifted = z - z.max(axis=-1, keepdims=True)
    e = np.exp(shifted)
    total = e.sum(axis=-1, keepdims=True)
    log_total = np.log(total)
    if target.dtype.kind in "iu":                        # class indices: only log ŷ_target is needed
        losses = log_total[:, 0] - shifted[np.arange(len(target)), target]
        wsum = float(len(target))  # a Python float keeps float32 losses float32
        if weight is not None:
            losses = losses * weight[target]
            wsum = weight[target].sum()
    else:                                                # one-hot or probability rows
        wy = target if weight is None else target * weight
        shifted -= log_total                             # log ŷ
        losses = -(wy * shifted).sum(axis=-1)
        wsum = float(len(target))
    e /= total                                           # ŷ
    if reduction == "none":
        return losses, e
    total_loss = losses.sum()
    return (total_loss / wsum if reduction == "mean" else total_loss), e


def _ce_vjp(g: Any, y: Any, z: Any, target: np.ndarray, weight: np.ndarray | None,
            reduction: str, saved: np.ndarray) -> Any:
    """∂L/∂θ = ŷ − y per row (reports 000, 002, 003), scaled by weights and the reduction.

    With class weights w: ∂L_i/∂θ = (Σ_k w_k y_ik) ŷ − w ⊙ y_i.  ŷ is the
    forward's (`saved`); differentiating again (z a Tensor), it is recorded as
    softmax(z) instead, so the second derivative sees how ŷ depends on θ.
    """
    zr = _raw(z)
    p = softmax(z, axis=-1) if isinstance(z, Tensor) else saved
    if target.dtype.kind in "iu":
        wy = np.zeros(zr.shape, dtype=zr.dtype)
        wy[np.arange(len(target)), target] = 1 if weight is None else weight[target]
    else:
        wy = (target if weight is None else target * weight).astype(zr.dtype, copy=False)
    if weight is None and target.dtype.kind in "iu":    # one-hot rows: Σ_k y_ik = 1, so ∂L_i/∂θ = ŷ − y_i
        grad = p - wy
    else:
        rowsum = wy.sum(axis=-1, keepdims=True)
        grad = p * rowsum - wy
    if reduction == "none":
        return grad * g.reshape(g.shape + (1,))
    if reduction == "mean":
        norm = rowsum.sum() if (weight is not None and target.dtype.kind in "iu") else len(target)
        return grad * (g / norm)
    return grad * g


_cross_entropy = primitive("cross_entropy", _ce_forward, _ce_vjp, saves=True)


def cross_entropy(logits: Any, target: Any, weight: Any = None, reduction: str = "mean") -> Any:
    """Softmax followed by cross-entropy, fused: one node whose gradient is ŷ − y.

    `logits` (N, C) or (C,); `target` integer classes (N,) or rows of
    probabilities / one-hot (N, C); `weight` optional per-class weights (C,)
    as in PyTorch: with class targets, "mean" divides by Σ w[target].
    Logits of ±1e4 give a finite loss and gradient (log-sum-exp is shifted).
    """
    z = logits if isinstance(logits, Tensor) else np.asarray(logits)
    t = np.asarray(_raw(target))
    single = z.ndim == 1
    if single:
        z = z.reshape((1, z.shape[0]))
        t = t.reshape((1,) + t.shape)
    if z.ndim != 2:
        raise ValueError(f"cross_entropy expects logits of shape (N, C) or (C,), got {tuple(z.shape)}")
    n, c = z.shape
    if t.dtype.kind in "iu":
        if t.shape != (n,):
            raise ValueError(f"class targets must have shape ({n},) to match logits {tuple(z.shape)}, got {t.shape}")
        if n and (np.minimum.reduce(t) < 0 or np.maximum.reduce(t) >= c):  # (t.min() adds a Python layer)
            raise ValueError(f"class targets must lie in 0..{c - 1} for {c} classes; got values "
                             f"from {t.min()} to {t.max()}")
    elif t.dtype.kind == "f":
        if t.shape != (n, c):
            raise ValueError(f"probability targets must have the logits' shape {tuple(z.shape)}, got {t.shape}")
    else:
        raise TypeError(f"targets must be integer classes or float probabilities, got dtype {t.dtype}")
    if reduction not in ("mean", "sum", "none"):
        raise ValueError(f"reduction must be 'mean', 'sum' or 'none', got {reduction!r}")
    w = None
    if weight is not None:
        w = np.asarray(_raw(weight), dtype=z.dtype)
        if w.shape != (c,):
            raise ValueError(f"class weights must have shape ({c},) for {c} classes, got {w.shape}")
    out = _cross_entropy(z, target=t, weight=w, reduction=reduction)
    return out[0] if (single and reduction == "none") else out
