"""The op table: every differentiable operation, its forward and its VJP side by side.

Room two of two (the engine is `autograd/engine.py`).  Six ops are the engine's
own and are imported from it (`sum_to`, `broadcast_to`, `cast`, `getitem`,
`scatter_add`, `setitem`: the engine needs them to undo broadcasting and to
change a slice in place); all the others are defined here.  Each entry reads

    @primitive(vjp_for_input_0, vjp_for_input_1, ...)
    def name(inputs..., *, params...):
        "what it computes"
        return numpy forward

where `vjp_i(g, y, *inputs, **params)` maps g = ∂L/∂y to ∂L/∂input_i.
Notation: ḡ (g) is the incoming gradient, y the op's output.  Rules that hold
for every entry:

* VJPs use only operators and the functions of this module, so they run on
  ndarrays (ordinary backward) and on Tensors (`create_graph=True`, higher
  derivatives) alike.  They never use `.size` (a method on Tensors, a count on
  arrays): shapes only.
* VJPs may return a gradient of the *broadcast* shape or another dtype; the
  engine brings it to the input's shape and dtype (`engine._unbroadcast`).
* Masks (relu, max, clip, ...) are constants: they are built from raw values
  with `unwrap`, so they never enter the graph.
* Axes arrive normalised (non-negative, a tuple or None) from the Tensor
  methods (`autograd/methods.py`), which translate PyTorch's `dim=`.
* An entry with `saves=True` (softplus, cross_entropy) has a forward that
  returns `(y, saved)`, and its VJPs get `saved=`: a value the forward computed
  anyway, reused instead of computed again.  Saved values are plain arrays, so
  when the VJP runs on Tensors (a second derivative) it rebuilds what it needs
  as ops.

`help(autograd.sigmoid)` shows an op's rule; `autograd.sigmoid??` in a notebook
shows its whole entry.
"""

from __future__ import annotations

import math
import operator
from collections.abc import Sequence
from typing import Any

import numpy as np

from autograd.engine import Tensor, broadcast_to, cast, getitem, primitive, scatter_add, setitem, sum_to, unwrap

__all__ = [
    "add", "sub", "mul", "div", "neg", "pow", "pow_scalar", "matmul", "maximum", "minimum", "where",
    "exp", "log", "sqrt", "abs", "relu", "sigmoid", "tanh", "softplus", "clip", "sin", "cos", "exp2", "log2",
    "log1p", "expm1", "round", "floor", "ceil", "sign",
    "sum", "mean", "max", "min", "prod", "logsumexp", "norm", "cumsum",
    "reshape", "transpose", "broadcast_to", "sum_to", "cast", "getitem", "take", "scatter_add", "setitem", "fill",
    "copy_from", "clone", "tile",
    "concatenate", "stack", "softmax", "log_softmax", "cross_entropy",
]

_builtin_sum, _builtin_max, _builtin_min, _builtin_abs, _builtin_round = sum, max, min, abs, round


def _restore_axes(g: Any, shape: tuple, axis: tuple | None) -> Any:
    """Put back the axes a reduction removed (as length 1), so ḡ broadcasts against its input."""
    if axis is None:
        return reshape(g, shape=(1,) * len(shape))
    kept = list(shape)
    for a in axis:
        kept[a] = 1
    return reshape(g, shape=tuple(kept))


def _count(shape: tuple, axis: tuple | None) -> int:
    """How many entries a reduction over `axis` combines into each output."""
    return math.prod(shape) if axis is None else math.prod(shape[a] for a in axis)


# ----------------------------------------------------------------------------- arithmetic
# Binary ops broadcast like numpy; the engine sums each gradient back to its input.  Their
# forwards are Python's operators: numpy's ufuncs for arrays, its fast scalar math for 0-d values.

@primitive(lambda g, y, a, b: g,                         # ∂(a+b)/∂a = 1
           lambda g, y, a, b: g,                         # ∂(a+b)/∂b = 1
           forward=operator.add)
def add(a: Any, b: Any) -> Any:
    """a + b, elementwise with broadcasting.  Rule: ∂/∂a = ∂/∂b = 1."""


@primitive(lambda g, y, a, b: g,                         # ∂(a−b)/∂a = 1
           lambda g, y, a, b: -g,                        # ∂(a−b)/∂b = −1
           forward=operator.sub)
def sub(a: Any, b: Any) -> Any:
    """a − b, elementwise with broadcasting.  Rule: ∂/∂a = 1, ∂/∂b = −1."""


@primitive(lambda g, y, a, b: g * b,                     # ∂(ab)/∂a = b
           lambda g, y, a, b: g * a,                     # ∂(ab)/∂b = a
           forward=operator.mul)
def mul(a: Any, b: Any) -> Any:
    """a · b, elementwise with broadcasting.  Rule: ∂/∂a = b, ∂/∂b = a."""


@primitive(lambda g, y, a, b: g / b,                     # ∂(a/b)/∂a = 1/b
           lambda g, y, a, b: -g * y / b,                # ∂(a/b)/∂b = −a/b² = −y/b
           forward=operator.truediv)
def div(a: Any, b: Any) -> Any:
    """a / b, elementwise (true division).  Rule: ∂/∂a = 1/b, ∂/∂b = −a/b²."""


@primitive(lambda g, y, a: -g, forward=operator.neg)
def neg(a: Any) -> Any:
    """−a.  Rule: ∂/∂a = −1."""


def _pow_vjp_base(g: Any, y: Any, a: Any, b: Any) -> Any:
    """∂aᵇ/∂a = b·aᵇ⁻¹, and 0 where b = 0 (so x ** 0 has gradient 0 at x = 0, as PyTorch)."""
    zero_exp = unwrap(b) == 0
    d = b * a ** (b - 1)
    return g * (where(zero_exp, 0.0, d) if np.any(zero_exp) else d)


def _pow_vjp_exponent(g: Any, y: Any, a: Any, b: Any) -> Any:
    """∂aᵇ/∂b = aᵇ·ln a, and 0 where a = 0 and b ≥ 0 (the limit; PyTorch's choice)."""
    at_zero = (unwrap(a) == 0) & (unwrap(b) >= 0)
    if np.any(at_zero):
        return g * where(at_zero, 0.0, y * log(where(at_zero, 1.0, a)))
    return g * y * log(a)


@primitive(_pow_vjp_base, _pow_vjp_exponent, forward=np.power)
def pow(a: Any, b: Any) -> Any:
    """aᵇ with a tensor exponent.  Rule: ∂/∂a = b·aᵇ⁻¹, ∂/∂b = aᵇ·ln a."""


def _pow_scalar_vjp(g: Any, y: Any, a: Any, p: float) -> Any:
    """(aᵖ)' = p·aᵖ⁻¹; for p = 0 the gradient is 0 (not 0·0⁻¹ = NaN at a = 0)."""
    if p == 0:
        return g * 0.0
    if p == 1:
        return g
    return g * (p * a ** (p - 1))


@primitive(_pow_scalar_vjp)
def pow_scalar(a: Any, *, p: float) -> Any:
    """aᵖ for a number p (the 2 of x ** 2), a parameter of the op, not an input.  Rule: p·aᵖ⁻¹."""
    return a ** p                                        # numpy squares for p = 2, takes √ for p = ½


def _tie_share(a: Any, b: Any, dtype: Any) -> np.ndarray:
    """1 where a wins, 0 where b wins, ½ on ties (the gradient is split evenly), in the gradient's dtype."""
    a, b = unwrap(a), unwrap(b)
    return ((a > b) + 0.5 * (a == b)).astype(dtype)


@primitive(lambda g, y, a, b: g * _tie_share(a, b, g.dtype),
           lambda g, y, a, b: g * _tie_share(b, a, g.dtype),
           forward=np.maximum)
def maximum(a: Any, b: Any) -> Any:
    """The larger of a and b, elementwise.  Rule: ḡ goes to the larger; ties split it evenly."""


@primitive(lambda g, y, a, b: g * _tie_share(b, a, g.dtype),
           lambda g, y, a, b: g * _tie_share(a, b, g.dtype),
           forward=np.minimum)
def minimum(a: Any, b: Any) -> Any:
    """The smaller of a and b, elementwise.  Rule: ḡ goes to the smaller; ties split it evenly."""


@primitive(lambda g, y, a, b, cond: g * cond,
           lambda g, y, a, b, cond: g * ~cond)
def _where(a: Any, b: Any, *, cond: np.ndarray) -> Any:
    """a where cond holds, else b.  Rule: ḡ goes to whichever was picked."""
    return np.where(cond, a, b)


def where(cond: Any, a: Any, b: Any) -> Any:
    """a where `cond` holds, else b (cond is a boolean mask, never differentiated)."""
    c = np.asarray(unwrap(cond))
    if c.dtype != np.bool_:
        raise TypeError(f"where(): the condition must be a boolean tensor (a mask), got dtype {c.dtype}")
    return _where(a, b, cond=c)


# ----------------------------------------------------------------------------- matmul

def _matmul_vjp_a(g: Any, y: Any, a: Any, b: Any) -> Any:
    """∂L/∂A = ḡ Bᵀ (1-D operands are treated as a row or a column)."""
    if b.ndim == 1:                                      # (…, n) @ (n,) → (…)
        return _column(g) * b
    if a.ndim == 1:                                      # (n,) @ (…, n, m) → (…, m)
        return reshape(b @ _column(g), shape=b.shape[:-1])
    return g @ transpose(b, axes=_swap_last(b.ndim))


def _matmul_vjp_b(g: Any, y: Any, a: Any, b: Any) -> Any:
    """∂L/∂B = Aᵀ ḡ (1-D operands are treated as a row or a column)."""
    if a.ndim == 1 and b.ndim == 1:
        return g * a
    if a.ndim == 1:                                      # outer product a ḡᵀ per batch
        return _column(a) * reshape(g, shape=g.shape[:-1] + (1, g.shape[-1]))
    if b.ndim == 1:                                      # Aᵀ ḡ, batch summed by the engine
        return reshape(transpose(a, axes=_swap_last(a.ndim)) @ _column(g), shape=a.shape[:-2] + a.shape[-1:])
    if a.ndim == 2 and isinstance(b, np.ndarray) and b.flags.f_contiguous and not b.flags.c_contiguous:
        return (g.T @ a).T  # B is a transposed view (x @ W.T): Aᵀḡ laid out as B, so W's gradient is contiguous
    return transpose(a, axes=_swap_last(a.ndim)) @ g


def _swap_last(ndim: int) -> tuple[int, ...]:
    return tuple(range(ndim - 2)) + (ndim - 1, ndim - 2)


def _column(v: Any) -> Any:
    """v with a trailing axis of length 1 (a vector as a column)."""
    return reshape(v, shape=v.shape + (1,))


@primitive(_matmul_vjp_a, _matmul_vjp_b)
def matmul(a: Any, b: Any) -> Any:
    """A @ B (numpy's matmul: batches broadcast, 1-D operands are vectors).  Rule: ∂/∂A = ḡBᵀ, ∂/∂B = Aᵀḡ."""
    if a.ndim == 0 or b.ndim == 0 or a.shape[-1] != b.shape[-2 if b.ndim > 1 else 0]:
        raise ValueError(f"matmul: shapes {a.shape} and {b.shape} do not fit: the last axis of the "
                         f"first ({a.shape[-1] if a.ndim else 'scalar'}) must equal the "
                         f"{'second-to-last' if b.ndim > 1 else 'only'} axis of the second")
    return np.matmul(a, b)


# ----------------------------------------------------------------------------- elementwise functions

@primitive(lambda g, y, x: g * y, forward=np.exp)        # (eˣ)' = eˣ = y
def exp(x: Any) -> Any:
    """eˣ.  Rule: (eˣ)' = eˣ = y."""


@primitive(lambda g, y, x: g / x, forward=np.log)        # (ln x)' = 1/x
def log(x: Any) -> Any:
    """ln x (−inf at 0, nan below).  Rule: (ln x)' = 1/x."""


@primitive(lambda g, y, x: g / (2 * y), forward=np.sqrt)  # (√x)' = 1/(2√x)
def sqrt(x: Any) -> Any:
    """√x.  Rule: (√x)' = 1/(2√x) = 1/(2y)."""


@primitive(lambda g, y, x: g * np.sign(unwrap(x)), forward=np.abs)
def abs(x: Any) -> Any:
    """|x|.  Rule: sign(x), and 0 at x = 0."""


@primitive(lambda g, y, x: g * (unwrap(x) > 0))          # report 000 eq. 7: 1 if x > 0 else 0
def relu(x: Any) -> Any:
    """max(x, 0).  Rule (report 000 eq. 7): ∂/∂x = 1 if x > 0 else 0."""
    return np.maximum(x, 0.0) if x.dtype.kind == "f" else np.maximum(x, 0)


def _sigmoid_from(x: np.ndarray, e: np.ndarray) -> np.ndarray:
    """σ(x) from e = e^−|x| ≤ 1, so nothing overflows at ±1e4: 1/(1+e) for x ≥ 0, e/(1+e) for x < 0.

    The numerator (1 if x ≥ 0 else e) is max(e, [x ≥ 0]) because e ≤ 1: the same
    as np.where, and faster (`benchmarks/README.md`, "sigmoid").
    """
    y = np.maximum(e, x >= 0)
    y /= 1 + e
    return y


@primitive(lambda g, y, x: g * y * (1 - y))              # σ' = σ(1 − σ)
def sigmoid(x: Any) -> Any:
    """σ(x) = 1/(1 + e⁻ˣ), stable at any x.  Rule: σ' = σ(1 − σ)."""
    return _sigmoid_from(x, np.exp(-np.abs(x)))


@primitive(lambda g, y, x: g * (1 - y * y), forward=np.tanh)  # tanh' = 1 − tanh²
def tanh(x: Any) -> Any:
    """tanh x.  Rule: tanh' = 1 − tanh² = 1 − y²."""


def _softplus_vjp(g: Any, y: Any, x: Any, saved: np.ndarray) -> Any:
    """softplus' = σ(x) (report 001), from the forward's e^−|x|: two cheap passes, no exp.
    (σ = −expm1(−y) from the output would need no saved value, but costs an expm1 per entry:
    `benchmarks/README.md`, "softplus".)  Differentiating again (x a Tensor), σ(x) is an op."""
    return g * (sigmoid(x) if isinstance(x, Tensor) else _sigmoid_from(x, saved))


@primitive(_softplus_vjp, saves=True)
def softplus(x: Any) -> Any:
    """ln(1 + eˣ) = max(x, 0) + ln(1 + e^−|x|), finite for any x.  Rule: softplus' = σ(x).

    Also returns e^−|x| for the VJP (saves=True)."""
    e = np.exp(-np.abs(x))
    y = np.maximum(x, 0)
    y += np.log1p(e)
    return y, e


def _inside(x: Any, lo: Any, hi: Any) -> np.ndarray:
    x = unwrap(x)
    mask = np.ones(x.shape, dtype=bool)
    if lo is not None:
        mask &= x >= lo
    if hi is not None:
        mask &= x <= hi
    return mask


@primitive(lambda g, y, x, lo, hi: g * _inside(x, lo, hi))  # 1 inside [lo, hi], 0 outside
def clip(x: Any, *, lo: Any = None, hi: Any = None) -> Any:
    """x limited to [lo, hi] (PyTorch's clamp).  Rule: 1 inside, 0 outside."""
    if lo is None and hi is None:
        raise ValueError("clip/clamp needs at least one of min and max")
    return np.clip(x, lo, hi)


@primitive(lambda g, y, x: g * cos(x), forward=np.sin)
def sin(x: Any) -> Any:
    """sin x.  Rule: sin' = cos."""


@primitive(lambda g, y, x: -g * sin(x), forward=np.cos)
def cos(x: Any) -> Any:
    """cos x.  Rule: cos' = −sin."""


@primitive(lambda g, y, x: g * y * math.log(2), forward=np.exp2)
def exp2(x: Any) -> Any:
    """2ˣ.  Rule: (2ˣ)' = 2ˣ ln 2."""


@primitive(lambda g, y, x: g / (x * math.log(2)), forward=np.log2)
def log2(x: Any) -> Any:
    """log₂ x.  Rule: 1/(x ln 2)."""


@primitive(lambda g, y, x: g / (1 + x), forward=np.log1p)
def log1p(x: Any) -> Any:
    """ln(1 + x), accurate near 0.  Rule: 1/(1 + x)."""


@primitive(lambda g, y, x: g * (y + 1), forward=np.expm1)
def expm1(x: Any) -> Any:
    """eˣ − 1, accurate near 0.  Rule: eˣ = y + 1."""


def _zero_vjp(g: Any, y: Any, x: Any) -> Any:
    return g * 0.0


@primitive(_zero_vjp, forward=np.round)
def round(x: Any) -> Any:
    """x rounded to the nearest integer (halves to even).  Rule: 0 (a step function)."""


@primitive(_zero_vjp, forward=np.floor)
def floor(x: Any) -> Any:
    """⌊x⌋.  Rule: 0."""


@primitive(_zero_vjp, forward=np.ceil)
def ceil(x: Any) -> Any:
    """⌈x⌉.  Rule: 0."""


@primitive(_zero_vjp, forward=np.sign)
def sign(x: Any) -> Any:
    """−1, 0 or 1.  Rule: 0."""


# ----------------------------------------------------------------------------- reductions
# `axis` is None (all axes) or a tuple of non-negative axes; `keepdims` as in numpy.

@primitive(lambda g, y, x, axis, keepdims: g if keepdims else _restore_axes(g, x.shape, axis))
def sum(x: Any, *, axis: tuple | None = None, keepdims: bool = False) -> Any:
    """Σ over `axis`.  Rule: every input entry gets the ḡ of its output slot."""
    return np.sum(x, axis=axis, keepdims=keepdims)


@primitive(lambda g, y, x, axis, keepdims: (g if keepdims else _restore_axes(g, x.shape, axis))
           / _count(x.shape, axis))
def mean(x: Any, *, axis: tuple | None = None, keepdims: bool = False) -> Any:
    """The mean over `axis`.  Rule: every input entry gets ḡ/n (n entries per mean)."""
    return np.mean(x, axis=axis, keepdims=keepdims)


def _extreme_vjp(g: Any, y: Any, x: Any, axis: tuple | None, keepdims: bool) -> Any:
    """ḡ goes to the entries equal to the max (min); ties split it evenly (as in HIPS autograd)."""
    best = unwrap(y) if keepdims else _restore_axes(unwrap(y), x.shape, axis)
    winners = unwrap(x) == best
    share = (winners / winners.sum(axis=axis, keepdims=True)).astype(g.dtype)
    return (g if keepdims else _restore_axes(g, x.shape, axis)) * share


def _nonempty(x: np.ndarray, axis: tuple | None, what: str) -> None:
    if x.size == 0 and (axis is None or _builtin_max((x.shape[a] == 0 for a in axis), default=False)):
        raise ValueError(f"{what} of an empty tensor of shape {x.shape} along dim {axis}: there is no value")


@primitive(_extreme_vjp)
def max(x: Any, *, axis: tuple | None = None, keepdims: bool = False) -> Any:
    """The largest entry over `axis`.  Rule: ḡ goes to the maxima, split evenly between ties."""
    _nonempty(x, axis, "max")
    return np.max(x, axis=axis, keepdims=keepdims)


@primitive(_extreme_vjp)
def min(x: Any, *, axis: tuple | None = None, keepdims: bool = False) -> Any:
    """The smallest entry over `axis`.  Rule: ḡ goes to the minima, split evenly between ties."""
    _nonempty(x, axis, "min")
    return np.min(x, axis=axis, keepdims=keepdims)


def _prod_vjp(g: Any, y: Any, x: Any, axis: tuple | None, keepdims: bool) -> Any:
    """∂(Π x)/∂x_i = the product of the others: y/x_i where x_i ≠ 0, computed directly where it is 0."""
    g = g if keepdims else _restore_axes(g, x.shape, axis)
    xr = unwrap(x)
    if np.all(xr != 0):
        return g * (y if keepdims else _restore_axes(y, x.shape, axis)) / x
    if isinstance(x, Tensor):  # create_graph: the products of the others as ops, so they differentiate again
        return g * _product_of_others_op(x, axis)
    return g * _product_of_others(xr, axis)


def _product_of_others_op(x: Any, axis: tuple | None) -> Any:
    """Π_{j≠i} x_j along the reduced axes, with ops: the reduced entries, flattened to n, repeated n times
    with entry i set to 1 in copy i, then multiplied out (n² entries: only for second derivatives at 0)."""
    axes = tuple(range(x.ndim)) if axis is None else axis
    rest = tuple(a for a in range(x.ndim) if a not in axes)
    moved = transpose(x, axes=rest + axes)
    n = math.prod(x.shape[a] for a in axes)
    kept_shape = tuple(x.shape[a] for a in rest)
    flat = reshape(moved, shape=kept_shape + (1, n))
    copies = where(np.eye(n, dtype=bool), 1.0, broadcast_to(flat, shape=kept_shape + (n, n)))
    others = prod(copies, axis=(len(kept_shape) + 1,))
    back = reshape(others, shape=kept_shape + tuple(x.shape[a] for a in axes))
    return transpose(back, axes=tuple(np.argsort(rest + axes)))


def _product_of_others(x: np.ndarray, axis: tuple | None) -> np.ndarray:
    """Π_{j≠i} x_j along the reduced axes, exact when some x_i are 0 (prefix × suffix products)."""
    axes = tuple(range(x.ndim)) if axis is None else axis
    moved = np.moveaxis(x, axes, tuple(range(x.ndim - len(axes), x.ndim)))
    flat = moved.reshape(moved.shape[:x.ndim - len(axes)] + (-1,))
    ones = np.ones(flat.shape[:-1] + (1,), dtype=x.dtype)
    before = np.cumprod(np.concatenate([ones, flat[..., :-1]], axis=-1), axis=-1)
    after = np.flip(np.cumprod(np.concatenate([ones, np.flip(flat, -1)[..., :-1]], axis=-1), axis=-1), -1)
    others = (before * after).reshape(moved.shape)
    return np.moveaxis(others, tuple(range(x.ndim - len(axes), x.ndim)), axes)


@primitive(_prod_vjp)
def prod(x: Any, *, axis: tuple | None = None, keepdims: bool = False) -> Any:
    """Π over `axis`.  Rule: ∂/∂x_i = the product of the other entries."""
    return np.prod(x, axis=axis, keepdims=keepdims)


def _logsumexp_vjp(g: Any, y: Any, x: Any, axis: tuple | None, keepdims: bool) -> Any:
    """∂/∂x = softmax(x) over the axes, computed from x shifted by its max (not as e^(x − y): where y
    has lost the log n to rounding, at x = [1e300, 1e300], that would give [1, 1] instead of [½, ½])."""
    m = np.max(unwrap(x), axis=axis, keepdims=True) if x.shape and _builtin_min(x.shape) else 0.0
    e = exp(x - np.where(np.isfinite(m), m, 0))
    return (g if keepdims else _restore_axes(g, x.shape, axis)) * (e / sum(e, axis=axis, keepdims=True))


@primitive(_logsumexp_vjp)                              # ∂/∂x = softmax(x)
def logsumexp(x: Any, *, axis: tuple | None = None, keepdims: bool = False) -> Any:
    """ln Σ eˣ over `axis`, shifted by the max so it never overflows.  Rule: ∂/∂x = softmax(x)."""
    if x.size == 0:
        return np.log(np.sum(np.exp(x), axis=axis, keepdims=keepdims))
    m = np.max(x, axis=axis, keepdims=True)
    m = np.where(np.isfinite(m), m, 0)
    out = np.log(np.sum(np.exp(x - m), axis=axis, keepdims=True)) + m
    return out if keepdims else (out.reshape(()) if axis is None else np.squeeze(out, axis=axis))


def _norm_vjp(g: Any, y: Any, x: Any, axis: tuple | None, keepdims: bool) -> Any:
    """∂‖x‖/∂x = x/‖x‖, and 0 where ‖x‖ = 0 (PyTorch's subgradient)."""
    g = g if keepdims else _restore_axes(g, x.shape, axis)
    yk = y if keepdims else _restore_axes(y, x.shape, axis)
    zero = unwrap(yk) == 0
    if np.any(zero):
        return g * where(zero, 0.0, x / where(zero, 1.0, yk))
    return g * x / yk


@primitive(_norm_vjp)
def norm(x: Any, *, axis: tuple | None = None, keepdims: bool = False) -> Any:
    """The Euclidean norm √(Σx²) over `axis`.  Rule: x/‖x‖ (0 at x = 0)."""
    return np.sqrt(np.sum(x * x, axis=axis, keepdims=keepdims))


def _flip(x: Any, axis: int) -> Any:
    index = (slice(None),) * axis + (slice(None, None, -1),)
    return getitem(x, index=index)


@primitive(lambda g, y, x, axis: _flip(cumsum(_flip(g, axis), axis=axis), axis))  # a reversed running sum
def cumsum(x: Any, *, axis: int) -> Any:
    """Running sum along `axis`.  Rule: ∂L/∂x_i = Σ_{j ≥ i} ḡ_j."""
    return np.cumsum(x, axis=axis)


# ----------------------------------------------------------------------------- shape

@primitive(lambda g, y, x, shape: reshape(g, shape=x.shape), view=True)
def reshape(x: Any, *, shape: tuple) -> Any:
    """The same entries in another shape (a view when possible).  Rule: reshape ḡ back."""
    try:
        return np.reshape(x, shape)
    except ValueError:
        raise ValueError(f"cannot reshape a tensor of shape {x.shape} ({x.size} entries) to {tuple(shape)}") from None


@primitive(lambda g, y, x, axes: transpose(g, axes=None if axes is None else tuple(np.argsort(axes))), view=True)
def transpose(x: Any, *, axes: tuple | None = None) -> Any:
    """The axes permuted (reversed when `axes` is None); a view.  Rule: permute ḡ back."""
    return np.transpose(x, axes)


@primitive(lambda g, y, x, index: scatter_add(g, shape=x.shape, index=index))
def take(x: Any, *, index: Any) -> Any:
    """x[index] for integer-array or boolean-mask indices: a copy.  Rule: ḡ is added back at the
    indexed places (an index used twice gets both)."""
    return x[index]


@primitive(lambda g, y, x, value: g * 0.0)               # every entry is replaced: nothing flows back
def fill(x: Any, *, value: Any) -> Any:
    """A tensor of x's shape and dtype with every entry `value` (what `x.fill_(value)` records)."""
    return np.full_like(x, value)


@primitive(lambda g, y, x, src: g * 0.0,                  # x's old values are replaced
           lambda g, y, x, src: g)                        # src's values flow through (summed if broadcast)
def copy_from(x: Any, src: Any) -> Any:
    """src broadcast to x's shape, in x's dtype (what `x.copy_(src)` records)."""
    return np.broadcast_to(src, x.shape).astype(x.dtype)


@primitive(lambda g, y, x: g)
def clone(x: Any) -> Any:
    """A copy with its own memory.  Rule: ḡ passes through."""
    return np.array(x, copy=True, order="C")  # row-major, so a clone can always be viewed


def _tile_vjp(g: Any, y: Any, x: Any, reps: tuple) -> Any:
    """Each copy's ḡ adds back into x: reshape ḡ to (r₁, n₁, r₂, n₂, …) and sum the r axes."""
    shape = (1,) * (len(reps) - x.ndim) + tuple(x.shape)
    split = tuple(d for r, n in zip(reps, shape) for d in (r, n))
    return reshape(sum(reshape(g, shape=split), axis=tuple(range(0, len(split), 2))), shape=x.shape)


@primitive(_tile_vjp)
def tile(x: Any, *, reps: tuple) -> Any:
    """x repeated `reps` times along each axis (PyTorch's repeat, numpy's tile).  Rule: ḡ summed over copies."""
    return np.tile(x, reps)


def _concatenate_vjp(g: Any, y: Any, *xs: Any, axis: int) -> list:
    """One split of ḡ along `axis`, a piece per input (linear in the number of inputs)."""
    bounds = np.cumsum([x.shape[axis] for x in xs])[:-1]
    if isinstance(g, Tensor):
        starts = [0, *bounds.tolist()]
        return [getitem(g, index=(slice(None),) * axis + (slice(s, s + x.shape[axis]),)) for s, x in zip(starts, xs)]
    return np.split(g, bounds, axis=axis)


@primitive(_concatenate_vjp, variadic=True)
def _concatenate(*xs: Any, axis: int = 0) -> Any:
    """Tensors joined along an existing axis.  Rule: each input gets its own slice of ḡ."""
    return np.concatenate(xs, axis=axis)


def concatenate(tensors: Sequence[Any], axis: int = 0) -> Any:
    """Join tensors along an existing axis (numpy.concatenate, PyTorch's cat)."""
    if not len(tensors):
        raise ValueError("concatenate/cat needs at least one tensor")
    return _concatenate(*tensors, axis=axis)


def _stack_vjp(g: Any, y: Any, *xs: Any, axis: int) -> list:
    """Input i gets slice i of ḡ along the new axis (one pass over ḡ for all inputs)."""
    if isinstance(g, Tensor):
        return [getitem(g, index=(slice(None),) * axis + (i,)) for i in range(len(xs))]
    moved = np.moveaxis(g, axis, 0)
    return list(moved)


@primitive(_stack_vjp, variadic=True)
def _stack(*xs: Any, axis: int = 0) -> Any:
    """Tensors joined along a new axis.  Rule: input i gets slice i of ḡ."""
    return np.stack(xs, axis=axis)


def stack(tensors: Sequence[Any], axis: int = 0) -> Any:
    """Join tensors along a new axis (numpy.stack, PyTorch's stack)."""
    if not len(tensors):
        raise ValueError("stack needs at least one tensor")
    return _stack(*tensors, axis=axis)


# ----------------------------------------------------------------------------- softmax family

def _softmax(x: np.ndarray, axis: int) -> np.ndarray:
    """ŷ_i = e^{θ_i} / Σ_j e^{θ_j}, computed on θ − max θ so no e^{θ} overflows."""
    e = np.exp(x - x.max(axis=axis, keepdims=True))
    e /= e.sum(axis=axis, keepdims=True)
    return e


@primitive(lambda g, y, x, axis: y * (g - sum(g * y, axis=(axis,), keepdims=True)))  # ḡJ, J = diag(ŷ) − ŷŷᵀ
def softmax(x: Any, *, axis: int = -1) -> Any:
    """ŷ = e^θ / Σ e^θ along `axis` (report 002 eq. 1.4).  Rule: J = diag(ŷ) − ŷŷᵀ, so ḡJ = ŷ ⊙ (ḡ − ⟨ḡ, ŷ⟩)."""
    return _softmax(x, axis)


@primitive(lambda g, y, x, axis: g - exp(y) * sum(g, axis=(axis,), keepdims=True))  # ∂ log ŷ_i/∂θ_k = δ_ik − ŷ_k
def log_softmax(x: Any, *, axis: int = -1) -> Any:
    """log ŷ = θ − max θ − log Σ e^{θ − max θ}: finite for logits of any size.  Rule: δ_ik − ŷ_k."""
    shifted = x - x.max(axis=axis, keepdims=True)
    return shifted - np.log(np.exp(shifted).sum(axis=axis, keepdims=True))


def _per_row(g: Any, scale: float | None) -> Any:
    """ḡ for each row: g·scale for a reduced loss, g as a column for reduction="none"."""
    return _column(g) if scale is None else g * scale


def _ce_vjp_logits(g: Any, y: Any, z: Any, Y: Any, scale: float | None, unit: bool, saved: tuple) -> Any:
    """∂L_i/∂θ = (Σ_c Y_ic) ŷ_i − Y_i: for rows that sum to 1 (`unit`: one-hot, smoothed), ŷ − y
    (reports 000, 002, 003)."""
    p = softmax(z, axis=-1) if isinstance(z, Tensor) else saved[0]     # ŷ (the forward's, or as an op)
    grad = p - Y if unit else p * sum(Y, axis=(1,), keepdims=True) - Y
    return grad * _per_row(g, scale)


def _ce_vjp_target(g: Any, y: Any, z: Any, Y: Any, scale: float | None, unit: bool, saved: tuple) -> Any:
    """∂L_i/∂Y_ic = −log ŷ_ic (probability targets that require grad get this, as in PyTorch)."""
    logp = log_softmax(z, axis=-1) if isinstance(z, Tensor) else saved[1]
    return -logp * _per_row(g, scale)


@primitive(_ce_vjp_logits, _ce_vjp_target, saves=True)
def _cross_entropy_rows(z: Any, Y: Any, *, scale: float | None, unit: bool = False) -> Any:
    """L_i = −Σ_c Y_ic log ŷ_ic for logits z (M, C) and weighted target rows Y (M, C) (report 000 eq. 1),
    then ΣL_i · scale ("mean": scale = 1/normaliser, "sum": 1), or the L_i themselves (scale None).
    `unit`: every row of Y sums to 1 (the VJP then needs no row sums).

    With θ' = θ − max θ and S = Σ e^θ': log ŷ = θ' − log S (finite at logits of ±1e4), ŷ = e^θ'/S.
    Saves (ŷ, log ŷ) for the VJPs.
    """
    shifted = z - z.max(axis=-1, keepdims=True)
    e = np.exp(shifted)
    total = e.sum(axis=-1, keepdims=True)
    logp = shifted - np.log(total)
    e /= total
    if scale is None:
        return -(Y * logp).sum(axis=-1), (e, logp)
    return -np.vdot(Y, logp) * scale, (e, logp)  # ΣᵢLᵢ as one dot product (row sums over C are slow)


_REDUCTIONS = ("mean", "sum", "none")


def cross_entropy(logits: Any, target: Any, weight: Any = None, reduction: str = "mean",
                  label_smoothing: float = 0.0, ignore_index: int = -100) -> Any:
    """Softmax followed by cross-entropy, fused: one node whose gradient is ŷ − y.

    As `torch.nn.functional.cross_entropy`: `logits` (N, C), (C,) or (N, C, d₁, …);
    `target` integer classes (N,) / (N, d₁, …) or probability rows of the logits'
    shape; `weight` per-class weights (C,) ≥ 0; `reduction` "mean" (divides by
    Σ w[target] for class targets, by the number of rows for probabilities), "sum"
    or "none"; `label_smoothing` ε mixes ε/C into every row; class targets equal
    to `ignore_index` count for nothing.  Targets become weighted rows Y (one-hot
    for classes) and one normaliser first, so the op itself is one rule: ŷ − y.
    Logits of ±1e4 give a finite loss and gradient.
    """
    z = logits if isinstance(logits, Tensor) else np.asarray(logits)
    rows, Y, norm, unit, shape = _target_rows(z, target, weight, reduction, label_smoothing, ignore_index)
    scale = None if reduction == "none" else (1.0 if reduction == "sum" else 1.0 / norm)
    out = _cross_entropy_rows(rows, Y, scale=scale, unit=unit)
    return reshape(out, shape=shape) if reduction == "none" else out


def _target_rows(z: Any, target: Any, weight: Any, reduction: str, eps: float,
                 ignore_index: int) -> tuple[Any, Any, float, bool, tuple]:
    """Logits as rows (M, C), targets as weighted rows Y (M, C), the "mean" normaliser, whether
    every row of Y sums to 1, the per-row output shape; every check of cross_entropy's arguments
    is here."""
    if reduction not in _REDUCTIONS:
        raise ValueError(f"reduction must be 'mean', 'sum' or 'none', got {reduction!r}")
    if not (isinstance(eps, (int, float)) and 0.0 <= eps <= 1.0):
        raise ValueError(f"label_smoothing must be a number in [0, 1], got {eps!r}")
    shape = tuple(z.shape)
    if len(shape) == 0 or (len(shape) >= 2 and shape[1] == 0) or shape[-1] == 0 and len(shape) == 1:
        raise ValueError(f"cross_entropy expects logits of shape (C,), (N, C) or (N, C, d1, ...) with C ≥ 1, "
                         f"got {shape}")
    if z.dtype.kind != "f":
        raise TypeError(f"cross_entropy expects float logits, got dtype {z.dtype}")
    c = shape[0] if len(shape) == 1 else shape[1]
    if len(shape) == 1:
        rows, per_row = reshape(z, shape=(1, c)), ()
    elif len(shape) == 2:
        rows, per_row = z, shape[:1]
    else:                                                # (N, C, d1, …): classes last, then one row per position
        order = (0, *range(2, len(shape)), 1)
        rows, per_row = reshape(transpose(z, axes=order), shape=(-1, c)), (shape[0], *shape[2:])
    m = math.prod(per_row)
    w = _class_weights(weight, c, z.dtype)
    t = unwrap(target)
    t_arr = np.asarray(t)
    if t_arr.dtype.kind in "iu":
        if t_arr.shape != per_row:
            raise ValueError(f"class targets must have shape {per_row} to match logits of shape {shape}, "
                             f"got {t_arr.shape}")
        flat = t_arr.reshape(m)
        every = bool(m) and not 0 <= ignore_index < c and 0 <= np.minimum.reduce(flat) \
            and np.maximum.reduce(flat) < c          # the common case: all are classes, none ignored
        if every:
            at, picked = np.arange(m), flat
        else:
            valid = flat != ignore_index
            at, picked = np.flatnonzero(valid), flat[valid]
            if picked.size and (picked.min() < 0 or picked.max() >= c):
                bad = picked[(picked < 0) | (picked >= c)][0]
                also = f", or ignore_index={ignore_index}" if ignore_index < 0 or ignore_index >= c else ""
                raise IndexError(f"class target {bad} is out of range for {c} classes (valid: 0 to {c - 1}{also})")
        Y = np.zeros((m, c), dtype=z.dtype)
        Y[at, picked] = 1.0 - eps
        if eps:
            Y[at] += eps / c
        if w is not None:
            Y *= w
            norm = float(w[picked].sum())
        else:
            norm = float(picked.size)
        if reduction == "mean" and norm == 0:
            raise ValueError("cross_entropy(reduction='mean'): nothing to average: "
                             + ("the class weights of this batch's targets sum to 0" if picked.size
                                else "every target equals ignore_index"))
        return rows, Y, norm, every and w is None, per_row
    if t_arr.dtype.kind == "f":
        if t_arr.shape != shape:
            if t_arr.shape == per_row:
                raise TypeError(f"your labels are float ({t_arr.dtype}, shape {t_arr.shape}); pass integer "
                                "class indices (e.g. labels.long()), or probability rows of the logits' shape "
                                f"{shape}")
            raise ValueError(f"probability targets must have the logits' shape {shape}, got {t_arr.shape}")
        if not np.all(np.isfinite(t_arr)) or (t_arr < 0).any():
            raise ValueError("probability targets must be finite and ≥ 0 (each row a distribution over the classes)")
        sums = t_arr.sum(axis=0 if len(shape) == 1 else 1)
        if sums.size and np.max(np.abs(sums - 1)) > 1e-6:
            raise ValueError(f"probability targets must sum to 1 over the classes (within 1e-6); a row sums to "
                             f"{sums.reshape(-1)[np.argmax(np.abs(sums - 1).reshape(-1))]:.6g}")
        P = target if isinstance(target, Tensor) and target.requires_grad else t_arr
        if len(shape) == 1:
            P = reshape(P, shape=(1, c))
        elif len(shape) > 2:
            P = reshape(transpose(P, axes=(0, *range(2, len(shape)), 1)), shape=(-1, c))
        Y = P if not eps else P * (1.0 - eps) + eps / c
        if w is not None:
            Y = Y * w
        return rows, Y, float(m), False, per_row
    raise TypeError(f"targets must be integer class indices or float probability rows, got dtype {t_arr.dtype}")


def _class_weights(weight: Any, c: int, dtype: Any) -> np.ndarray | None:
    if weight is None:
        return None
    w = np.asarray(unwrap(weight), dtype=dtype)
    if w.shape != (c,):
        raise ValueError(f"class weights must have shape ({c},) for {c} classes, got {w.shape}")
    if not np.all(np.isfinite(w)) or (w < 0).any():
        raise ValueError(f"class weights must be finite and ≥ 0, got {w.tolist()}")
    return w


# nn.functional.nll_loss encodes its class targets exactly as cross_entropy does (and shares every check)
target_rows = _target_rows
