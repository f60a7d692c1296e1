"""The Tensor's PyTorch-style surface: each function here is both `autograd.f(x, ...)` and `x.f(...)`.

Every function translates PyTorch's arguments (`dim=`, `keepdim=`, sizes as
`*args`) into ops of `autograd/ops.py` (usually one; `var`, `std`, `norm(p=3)`
and the like combine several), or, for results with no gradient (comparisons,
`argmax`, `//`, `all`), into a constant tensor; none computes a gradient itself.
Where PyTorch and numpy disagree, PyTorch's meaning wins (`transpose(0, 1)`
swaps two dims, `max(dim)` returns values and indices, `==` is elementwise,
`size()` is the shape); numpy's spelling keeps working where it does not
conflict (`axis=`, `keepdims=`, `x.max(axis=0)` gives the values only,
`astype`, `swapaxes`).

The functions are installed on `Tensor` at the bottom of this file (the ops
they call are defined after the engine, so `engine.Tensor` cannot name them).
"""

from __future__ import annotations

import builtins
from collections import namedtuple
from collections.abc import Sequence
from typing import Any

import numpy as np

from autograd import ops
from autograd.engine import Tensor, as_dtype, cast, from_numpy, inplace, is_basic_index, record, unwrap, wrap_dim

__all__: list[str] = []  # filled by _install: every public function below

MaxResult = namedtuple("MaxResult", ["values", "indices"])  # torch.return_types.max / min
MaxResult.__doc__ = "What max(dim) and min(dim) return, as in PyTorch: (values, indices)."


# ----------------------------------------------------------------------------- arguments


def _sizes(args: tuple, what: str) -> tuple[int, ...]:
    """Sizes given as `f(2, 3)` or `f((2, 3))` (PyTorch accepts both)."""
    if len(args) == 1 and isinstance(args[0], (tuple, list, np.ndarray)):
        args = tuple(args[0])
    try:
        return tuple(builtins.int(a) for a in args)
    except TypeError:
        raise TypeError(f"{what}: sizes must be integers, got {args}") from None


def _axes(x: Tensor, dim: Any, axis: Any, what: str, reduce: bool = True) -> tuple[int, ...] | None:
    """PyTorch's `dim` or numpy's `axis` (an int, a sequence or None) as sorted non-negative axes.

    For a reduction (`reduce`), `dim=()` means every dim, as in PyTorch, while
    numpy's `axis=()` keeps its meaning (no dim reduced).  A dim given twice is an error.
    """
    if dim is not None and axis is not None:
        raise TypeError(f"{what}: give dim= or axis=, not both")
    d = dim if dim is not None else axis
    if d is None:
        return None
    ds = tuple(d) if isinstance(d, (tuple, list)) else (d,)
    if reduce and not ds and dim is not None:
        return None
    if x.ndim == 0:  # PyTorch lets a 0-d tensor be reduced over dim 0 or -1
        for k in ds:
            wrap_dim(k, 0, what)
        return None if ds or not reduce else ()
    axes = [wrap_dim(k, x.ndim, what) for k in ds]
    if len(set(axes)) != len(axes):
        raise ValueError(f"{what}: dim {ds} names the same dim twice (shape {x.shape})")
    return tuple(sorted(axes))


def _keepdim(keepdim: bool | None, keepdims: bool | None) -> bool:
    return builtins.bool(keepdims if keepdims is not None else keepdim)


def _no_out(out: Any, what: str) -> None:
    if out is not None:
        raise TypeError(f"{what}: out= is not supported; assign the result instead")


def _tensor(x: Any) -> Tensor:
    return x if isinstance(x, Tensor) else Tensor(x)


# ----------------------------------------------------------------------------- operators
# The operators record their op directly (`record`), skipping the op function's search for a
# Tensor: `self` is one.  _NONE is the (never written) empty parameter dict they share.

_NONE: dict = {}
_ADD, _SUB, _MUL, _DIV, _POW, _POWS, _MATMUL, _NEG = (
    f.op for f in (ops.add, ops.sub, ops.mul, ops.div, ops.pow, ops.pow_scalar, ops.matmul, ops.neg)
)


def __add__(self: Tensor, other: Any) -> Tensor:
    return record(_ADD, (self, other), _NONE)


def __radd__(self: Tensor, other: Any) -> Tensor:
    return record(_ADD, (other, self), _NONE)


def __sub__(self: Tensor, other: Any) -> Tensor:
    return record(_SUB, (self, other), _NONE)


def __rsub__(self: Tensor, other: Any) -> Tensor:
    return record(_SUB, (other, self), _NONE)


def __mul__(self: Tensor, other: Any) -> Tensor:
    return record(_MUL, (self, other), _NONE)


def __rmul__(self: Tensor, other: Any) -> Tensor:
    return record(_MUL, (other, self), _NONE)


def __truediv__(self: Tensor, other: Any) -> Tensor:
    return record(_DIV, (self, other), _NONE)


def __rtruediv__(self: Tensor, other: Any) -> Tensor:
    return record(_DIV, (other, self), _NONE)


def __pow__(self: Tensor, other: Any) -> Tensor:
    if isinstance(other, (builtins.int, builtins.float)) and not isinstance(other, builtins.bool):
        return record(_POWS, (self,), {"p": other})  # a number exponent is a parameter, not an input
    return record(_POW, (self, other), _NONE)


def __rpow__(self: Tensor, other: Any) -> Tensor:
    return record(_POW, (other, self), _NONE)


def __matmul__(self: Tensor, other: Any) -> Tensor:
    return record(_MATMUL, (self, other), _NONE)


def __rmatmul__(self: Tensor, other: Any) -> Tensor:
    return record(_MATMUL, (other, self), _NONE)


def __neg__(self: Tensor) -> Tensor:
    return record(_NEG, (self,), _NONE)


def __pos__(self: Tensor) -> Tensor:
    return self


def __abs__(self: Tensor) -> Tensor:
    return ops.abs(self)


def _method(op: Any) -> Any:
    """`x.exp()` for op `exp`: records the op on x directly (x is a Tensor)."""
    spec = op.op

    def method(self: Tensor) -> Tensor:
        return record(spec, (self,), _NONE)

    method.__name__ = method.__qualname__ = op.__name__
    method.__doc__ = op.__doc__
    method.__wrapped__ = op  # type: ignore[attr-defined]  (help() and ?? show the op's entry)
    return method


def __floordiv__(self: Tensor, other: Any) -> Tensor:
    return _integer_division(np.floor_divide, self._data, unwrap(other))


def __rfloordiv__(self: Tensor, other: Any) -> Tensor:
    return _integer_division(np.floor_divide, unwrap(other), self._data)


def __mod__(self: Tensor, other: Any) -> Tensor:
    return _integer_division(np.mod, self._data, unwrap(other))


def _integer_division(fn: Any, a: Any, b: Any) -> Tensor:
    """a // b or a % b (no gradient); between integers, a divisor of 0 is an error, as in PyTorch
    (numpy would answer 0 with a warning: a silently wrong number)."""
    if np.asarray(a).dtype.kind in "biu" and np.asarray(b).dtype.kind in "biu" and not np.all(b):
        raise ZeroDivisionError(
            f"integer division by zero: {'//' if fn is np.floor_divide else '%'} with a "
            "divisor that is 0 (convert to float first for inf/nan)"
        )
    return _constant(fn(a, b))


def _constant(arr: Any) -> Tensor:
    return from_numpy(np.asarray(arr))


def _compare(fn: Any, a: Any, b: Any) -> Any:
    if b is None or isinstance(b, (str, bytes, dict, set)):
        return NotImplemented
    return _constant(fn(unwrap(a), unwrap(b)))


def __eq__(self: Tensor, other: Any) -> Any:  # type: ignore[override]
    """Elementwise ==, a boolean tensor (as PyTorch); `torch.equal`-style whole comparison is `equal`."""
    return _compare(np.equal, self, other)


def __ne__(self: Tensor, other: Any) -> Any:  # type: ignore[override]
    return _compare(np.not_equal, self, other)


def __lt__(self: Tensor, other: Any) -> Any:
    return _compare(np.less, self, other)


def __le__(self: Tensor, other: Any) -> Any:
    return _compare(np.less_equal, self, other)


def __gt__(self: Tensor, other: Any) -> Any:
    return _compare(np.greater, self, other)


def __ge__(self: Tensor, other: Any) -> Any:
    return _compare(np.greater_equal, self, other)


def _logical(fn: Any, a: Any, b: Any, what: str) -> Tensor:
    x, y = unwrap(a), unwrap(b)
    for v in (x, y):
        if np.asarray(v).dtype.kind == "f":
            raise TypeError(
                f"{what} needs boolean or integer tensors, got a float one; compare first (e.g. (x > 0) & (x < 1))"
            )
    return _constant(fn(x, y))


def __and__(self: Tensor, other: Any) -> Tensor:
    return _logical(np.bitwise_and, self, other, "&")


def __rand__(self: Tensor, other: Any) -> Tensor:
    return _logical(np.bitwise_and, other, self, "&")


def __or__(self: Tensor, other: Any) -> Tensor:
    return _logical(np.bitwise_or, self, other, "|")


def __ror__(self: Tensor, other: Any) -> Tensor:
    return _logical(np.bitwise_or, other, self, "|")


def __xor__(self: Tensor, other: Any) -> Tensor:
    return _logical(np.bitwise_xor, self, other, "^")


def __invert__(self: Tensor) -> Tensor:
    if self.dtype.kind == "f":
        raise TypeError("~ needs a boolean or integer tensor, got a float one")
    return _constant(np.invert(self._data))


eq, ne, lt, le, gt, ge = __eq__, __ne__, __lt__, __le__, __gt__, __ge__
greater, less, greater_equal, less_equal, not_equal = gt, lt, ge, le, ne


def logical_not(input: Tensor) -> Tensor:
    return _constant(np.logical_not(unwrap(input)))


def logical_and(input: Tensor, other: Any) -> Tensor:
    return _constant(np.logical_and(unwrap(input), unwrap(other)))


def logical_or(input: Tensor, other: Any) -> Tensor:
    return _constant(np.logical_or(unwrap(input), unwrap(other)))


def equal(input: Tensor, other: Any) -> bool:
    """True when both have the same shape and every entry is equal (torch.equal)."""
    a, b = unwrap(input), np.asarray(unwrap(other))
    return a.shape == b.shape and builtins.bool(np.all(a == b))


def allclose(input: Tensor, other: Any, rtol: float = 1e-5, atol: float = 1e-8, equal_nan: bool = False) -> bool:
    return builtins.bool(np.allclose(unwrap(input), unwrap(other), rtol=rtol, atol=atol, equal_nan=equal_nan))


def isclose(input: Tensor, other: Any, rtol: float = 1e-5, atol: float = 1e-8, equal_nan: bool = False) -> Tensor:
    return _constant(np.isclose(unwrap(input), unwrap(other), rtol=rtol, atol=atol, equal_nan=equal_nan))


def isnan(input: Tensor) -> Tensor:
    return _constant(np.isnan(unwrap(input)))


def isinf(input: Tensor) -> Tensor:
    return _constant(np.isinf(unwrap(input)))


def isfinite(input: Tensor) -> Tensor:
    return _constant(np.isfinite(unwrap(input)))


# ----------------------------------------------------------------------------- indexing


def _index(index: Any) -> Any:
    """An index with Tensors replaced by their arrays (boolean tensors are masks)."""
    if isinstance(index, tuple):
        return tuple(_index(i) for i in index)
    if isinstance(index, Tensor):
        return index._data
    if isinstance(index, list) and builtins.any(isinstance(i, Tensor) for i in index):
        return [unwrap(i) for i in index]
    return index


def __getitem__(self: Tensor, index: Any) -> Tensor:
    idx = _index(index)
    try:
        if is_basic_index(idx):
            return ops.getitem(self, index=idx)  # a view, as numpy's and PyTorch's basic indexing
        return ops.take(self, index=idx)
    except IndexError as e:
        raise IndexError(f"index {index!r} does not fit a tensor of shape {self.shape}: {e}") from None


def __setitem__(self: Tensor, index: Any, value: Any) -> None:
    """`x[index] = value`, in place (recorded when a gradient flows through it)."""
    idx = _index(index)
    try:
        inplace(self, ops.setitem, value, index=idx, direct=_assign)
    except IndexError as e:
        raise IndexError(f"index {index!r} does not fit a tensor of shape {self.shape}: {e}") from None


def _assign(a: np.ndarray, v: Any, *, index: Any) -> None:
    a[index] = v


def __iter__(self: Tensor) -> Any:
    if self.ndim == 0:
        raise TypeError("iteration over a 0-d tensor")
    return (self[i] for i in range(self.shape[0]))


def __contains__(self: Tensor, element: Any) -> bool:
    return builtins.bool(np.any(self._data == unwrap(element)))


# ----------------------------------------------------------------------------- in place


def __iadd__(self: Tensor, other: Any) -> Tensor:
    return inplace(self, ops.add, other)


def __isub__(self: Tensor, other: Any) -> Tensor:
    return inplace(self, ops.sub, other)


def __imul__(self: Tensor, other: Any) -> Tensor:
    return inplace(self, ops.mul, other)


def __itruediv__(self: Tensor, other: Any) -> Tensor:
    return inplace(self, ops.div, other)


def __imatmul__(self: Tensor, other: Any) -> Tensor:
    return inplace(self, ops.matmul, other)


def __ipow__(self: Tensor, other: Any) -> Tensor:
    return pow_(self, other)


def add(input: Any, other: Any, *, alpha: float = 1) -> Tensor:
    """input + alpha · other (torch.add)."""
    return ops.add(input, other if alpha == 1 else _scaled(other, alpha))


def sub(input: Any, other: Any, *, alpha: float = 1) -> Tensor:
    """input − alpha · other (torch.sub)."""
    return ops.sub(input, other if alpha == 1 else _scaled(other, alpha))


def mul(input: Any, other: Any) -> Tensor:
    return ops.mul(input, other)


def div(input: Any, other: Any, *, rounding_mode: str | None = None) -> Tensor:
    """input / other (true division), or rounded "floor" / "trunc" (no gradient, as PyTorch's zero)."""
    if rounding_mode is None:
        return ops.div(input, other)
    if rounding_mode == "floor":
        return ops.floor(ops.div(input, other))
    if rounding_mode == "trunc":
        q = ops.div(input, other)
        return ops.sign(q) * ops.floor(ops.abs(q))
    raise ValueError(f"div: rounding_mode must be None, 'floor' or 'trunc', got {rounding_mode!r}")


subtract, multiply, divide, true_divide = sub, mul, div, div


def add_(self: Tensor, other: Any, alpha: float = 1) -> Tensor:
    """self += alpha · other, in place."""
    return inplace(self, ops.add, other if alpha == 1 else _scaled(other, alpha))


def sub_(self: Tensor, other: Any, alpha: float = 1) -> Tensor:
    """self −= alpha · other, in place."""
    return inplace(self, ops.sub, other if alpha == 1 else _scaled(other, alpha))


def _scaled(other: Any, alpha: float) -> Any:
    return other * alpha if isinstance(other, Tensor) else np.multiply(unwrap(other), alpha)


def mul_(self: Tensor, other: Any) -> Tensor:
    return inplace(self, ops.mul, other)


def div_(self: Tensor, other: Any) -> Tensor:
    return inplace(self, ops.div, other)


def pow_(self: Tensor, exponent: Any) -> Tensor:
    if isinstance(exponent, (builtins.int, builtins.float)) and not isinstance(exponent, builtins.bool):
        return inplace(self, ops.pow_scalar, p=exponent)
    return inplace(self, ops.pow, exponent)


def clamp_(self: Tensor, min: Any = None, max: Any = None) -> Tensor:
    return inplace(self, ops.clip, lo=unwrap(min), hi=unwrap(max))


clip_ = clamp_


def zero_(self: Tensor) -> Tensor:
    """Set every entry to 0, in place (`w.grad.zero_()`)."""
    return fill_(self, 0)


def fill_(self: Tensor, value: Any) -> Tensor:
    """Set every entry to `value`, in place."""
    return inplace(self, ops.fill, value=unwrap(value), direct=_fill_array)


def _fill_array(a: np.ndarray, *, value: Any) -> None:
    a.fill(value)


def copy_(self: Tensor, src: Any) -> Tensor:
    """Copy `src`'s values (broadcast to self's shape) into self, in place."""
    if not isinstance(src, Tensor):
        src = np.asarray(src)
    return inplace(self, ops.copy_from, src)


def normal_(self: Tensor, mean: float = 0.0, std: float = 1.0) -> Tensor:
    """Fill with draws from N(mean, std²), from the generator `manual_seed` seeds."""
    from autograd.factories import generator

    return copy_(self, generator().normal(mean, std, size=self.shape))


def uniform_(self: Tensor, a: float = 0.0, b: float = 1.0) -> Tensor:
    """Fill with draws from U(a, b), from the generator `manual_seed` seeds."""
    from autograd.factories import generator

    return copy_(self, generator().uniform(a, b, size=self.shape))


def masked_fill_(self: Tensor, mask: Any, value: Any) -> Tensor:
    return inplace(self, ops.setitem, unwrap(value), index=_mask(mask, self), direct=_assign)


def _unary_inplace(op: Any) -> Any:
    def method(self: Tensor) -> Tensor:
        return inplace(self, op)

    method.__name__ = f"{op.__name__}_"
    method.__doc__ = f"`{op.__name__}`, in place."
    return method


exp_, log_, sqrt_, abs_, neg_, relu_, sigmoid_, tanh_ = (
    _unary_inplace(op) for op in (ops.exp, ops.log, ops.sqrt, ops.abs, ops.neg, ops.relu, ops.sigmoid, ops.tanh)
)


# ----------------------------------------------------------------------------- shape


def reshape(input: Tensor, *shape: Any) -> Tensor:
    """The same entries in another shape (-1 for one inferred size)."""
    return ops.reshape(input, shape=_sizes(shape, "reshape"))


def view(input: Tensor, *shape: Any) -> Tensor:
    """`reshape` that must share memory, as PyTorch's view (else: use reshape)."""
    sizes = _sizes(shape, "view")
    try:
        np.reshape(input._data, sizes, copy=False)
    except ValueError as e:
        if "copy" in str(e):
            raise RuntimeError(
                f"view of a tensor of shape {input.shape} as {sizes} needs a copy (the tensor "
                "is not contiguous, e.g. after transpose); use .reshape(...) instead"
            ) from None
        raise ValueError(f"cannot view a tensor of shape {input.shape} ({input.numel()} entries) as {sizes}") from None
    return ops.reshape(input, shape=sizes)


def view_as(input: Tensor, other: Tensor) -> Tensor:
    return view(input, other.shape)


def reshape_as(input: Tensor, other: Tensor) -> Tensor:
    return reshape(input, other.shape)


def transpose(input: Tensor, *dims: Any) -> Tensor:
    """`transpose(d0, d1)` swaps two dims (PyTorch).  numpy's spellings work too:
    `transpose()` reverses all dims, `transpose((2, 0, 1))` or three or more dims permute."""
    if len(dims) == 2 and not isinstance(dims[0], (tuple, list)):
        axes = list(range(input.ndim))
        a, b = (wrap_dim(d, input.ndim, "transpose") for d in dims)
        axes[a], axes[b] = axes[b], axes[a]
        return ops.transpose(input, axes=tuple(axes))
    if not dims or (len(dims) == 1 and dims[0] is None):
        return ops.transpose(input, axes=None)
    return permute(input, *dims)


def swapaxes(input: Tensor, axis0: int, axis1: int) -> Tensor:
    return transpose(input, axis0, axis1)


swapdims = swapaxes


def movedim(input: Tensor, source: Any, destination: Any) -> Tensor:
    """The dims `source` moved to positions `destination` (ints or sequences), the others in order."""
    src = [source] if isinstance(source, (builtins.int, np.integer)) else list(source)
    dst = [destination] if isinstance(destination, (builtins.int, np.integer)) else list(destination)
    if len(src) != len(dst):
        raise ValueError(f"movedim: source {source} and destination {destination} need the same number of dims")
    n = input.ndim
    src = [wrap_dim(d, n, "movedim") for d in src]
    dst = [wrap_dim(d, n, "movedim") for d in dst]
    if len(set(src)) != len(src) or len(set(dst)) != len(dst):
        raise ValueError(f"movedim: repeated dim in source {source} or destination {destination}")
    order = [d for d in range(n) if d not in src]
    for d, s_ in sorted(zip(dst, src)):
        order.insert(d, s_)
    return ops.transpose(input, axes=tuple(order)) if n else input


moveaxis = movedim


def permute(input: Tensor, *dims: Any) -> Tensor:
    """The dims reordered: `x.permute(2, 0, 1)` (or a tuple)."""
    order = _sizes(dims, "permute")
    if len(order) == 1 and input.ndim <= 1:
        order = (wrap_dim(order[0], input.ndim, "permute"),) if input.ndim else ()
    axes = tuple(wrap_dim(d, input.ndim, "permute") for d in order) if input.ndim else ()
    if sorted(axes) != list(range(input.ndim)):
        raise ValueError(f"permute: {order} is not a permutation of the {input.ndim} dims of shape {input.shape}")
    return ops.transpose(input, axes=axes)


def t(input: Tensor) -> Tensor:
    """The transpose of a matrix (a vector or scalar as it is), as torch.t."""
    if input.ndim > 2:
        raise ValueError(f"t() expects a tensor with at most 2 dims, got shape {input.shape}; use transpose(d0, d1)")
    return ops.transpose(input, axes=None) if input.ndim == 2 else input


def _T(self: Tensor) -> Tensor:
    """All dims reversed (the matrix transpose for 2-D tensors)."""
    return ops.transpose(self, axes=None)


def _mT(self: Tensor) -> Tensor:
    """The last two dims swapped (a batch of matrices transposed)."""
    if self.ndim < 2:
        raise ValueError(f".mT needs at least 2 dims, got shape {self.shape}")
    return transpose(self, -2, -1)


def unsqueeze(input: Tensor, dim: int) -> Tensor:
    """A new dim of length 1 at position `dim` (−ndim−1 ≤ dim ≤ ndim)."""
    d = wrap_dim(dim, input.ndim + 1, "unsqueeze")
    return ops.reshape(input, shape=input.shape[:d] + (1,) + input.shape[d:])


def squeeze(input: Tensor, dim: Any = None) -> Tensor:
    """Dims of length 1 removed (all, or those in `dim`; a dim of another length is left alone, as PyTorch)."""
    if dim is None:
        shape = tuple(n for n in input.shape if n != 1)
    else:
        dims = _axes(input, dim, None, "squeeze", reduce=False) or ()
        shape = tuple(n for k, n in enumerate(input.shape) if not (k in dims and n == 1))
    return input if shape == input.shape else ops.reshape(input, shape=shape)


def flatten(input: Tensor, start_dim: int = 0, end_dim: int = -1) -> Tensor:
    """Dims start_dim..end_dim merged into one."""
    if input.ndim == 0:
        return ops.reshape(input, shape=(1,))
    a, b = wrap_dim(start_dim, input.ndim, "flatten"), wrap_dim(end_dim, input.ndim, "flatten")
    if a > b:
        raise ValueError(f"flatten: start_dim {start_dim} comes after end_dim {end_dim}")
    shape = input.shape[:a] + (builtins.int(np.prod(input.shape[a : b + 1], dtype=np.int64)),) + input.shape[b + 1 :]
    return ops.reshape(input, shape=shape)


def ravel(input: Tensor) -> Tensor:
    return flatten(input)


def expand(input: Tensor, *sizes: Any) -> Tensor:
    """A broadcast view to `sizes` (−1 keeps a dim); no copy, and read-only."""
    target = _sizes(sizes, "expand")
    if len(target) < input.ndim:
        raise ValueError(f"expand: {target} has fewer dims than the tensor's shape {input.shape}")
    lead = len(target) - input.ndim
    shape = tuple(n if n != -1 else input.shape[k - lead] for k, n in enumerate(target))
    if -1 in target[:lead]:
        raise ValueError(f"expand: -1 is not allowed for the new leading dims of {target}")
    try:
        np.broadcast_shapes(input.shape, shape)
    except ValueError:
        raise ValueError(
            f"expand: shape {input.shape} cannot be expanded to {shape} (only dims of length 1 can grow)"
        ) from None
    return ops.broadcast_to(input, shape=shape)


def expand_as(input: Tensor, other: Tensor) -> Tensor:
    return expand(input, other.shape)


def broadcast_to(input: Tensor, shape: Sequence[int]) -> Tensor:
    return expand(input, tuple(shape))


def sum_to_size(input: Tensor, *size: Any) -> Tensor:
    """Summed down to `size`, the inverse of `expand` (PyTorch's sum_to_size): the shape must expand to self's."""
    shape = _sizes(size, "sum_to_size")
    try:
        if np.broadcast_shapes(shape, input.shape) != input.shape:
            raise ValueError
    except ValueError:
        raise ValueError(f"sum_to_size: size {shape} is not expandable to the tensor's shape {input.shape}") from None
    return input if shape == input.shape else ops.sum_to(input, shape=shape)


def repeat(input: Tensor, *sizes: Any) -> Tensor:
    """Tiled copies: `x.repeat(2, 3)` (PyTorch's repeat; numpy's np.tile).  Sizes cover every dim."""
    reps = _sizes(sizes, "repeat")
    if len(reps) < input.ndim:
        raise ValueError(f"repeat: give at least one count per dim ({input.ndim}) for shape {input.shape}, got {reps}")
    return ops.tile(input, reps=reps)


def clone(input: Tensor) -> Tensor:
    """A copy with its own memory; gradients flow through it."""
    return ops.clone(input)


def contiguous(input: Tensor) -> Tensor:
    """self when its memory is already in row-major order, else a copy (gradients flow through)."""
    return input if input._data.flags.c_contiguous else ops.clone(input)


def flip(input: Tensor, dims: Any) -> Tensor:
    axes = _axes(input, dims, None, "flip", reduce=False) or ()
    return input[tuple(slice(None, None, -1) if k in axes else slice(None) for k in range(input.ndim))]


def split(input: Tensor, split_size_or_sections: Any, dim: int = 0) -> tuple[Tensor, ...]:
    """Pieces along `dim`: of `split_size_or_sections` entries each when it is an int (the last may be
    smaller), or of the listed sizes."""
    d = wrap_dim(dim, input.ndim, "split")
    n = input.shape[d]
    if isinstance(split_size_or_sections, (builtins.int, np.integer)):
        step = builtins.int(split_size_or_sections)
        sizes = [builtins.min(step, n - s) for s in range(0, n, step)]
    else:
        sizes = [builtins.int(s) for s in split_size_or_sections]
        if builtins.sum(sizes) != n:
            raise ValueError(f"split: sizes {sizes} do not add up to the dim's length {n}")
    out, start = [], 0
    for s in sizes:
        out.append(input[(slice(None),) * d + (slice(start, start + s),)])
        start += s
    return tuple(out)


def unbind(input: Tensor, dim: int = 0) -> tuple[Tensor, ...]:
    """The slices along `dim`, that dim removed (torch.unbind)."""
    d = wrap_dim(dim, input.ndim, "unbind")
    return tuple(input[(slice(None),) * d + (i,)] for i in range(input.shape[d]))


def chunk(input: Tensor, chunks: int, dim: int = 0) -> tuple[Tensor, ...]:
    n = input.shape[wrap_dim(dim, input.ndim, "chunk")]
    return split(input, -(-n // chunks) or 1, dim)


def cat(tensors: Sequence[Any], dim: int = 0, *, axis: int | None = None) -> Tensor:
    """Join tensors along an existing dim (torch.cat; numpy's `concatenate(axis=)` is the same op)."""
    items = [_tensor(t) if not isinstance(t, Tensor) else t for t in tensors]
    if not items:
        raise ValueError("cat needs at least one tensor")
    d = wrap_dim(axis if axis is not None else dim, items[0].ndim, "cat")
    for k, t in enumerate(items):
        if t.ndim != items[0].ndim or t.shape[:d] + t.shape[d + 1 :] != items[0].shape[:d] + items[0].shape[d + 1 :]:
            raise ValueError(
                f"cat: tensor {k} has shape {t.shape}, which does not fit tensor 0's shape "
                f"{items[0].shape} outside dim {d}"
            )
    return ops.concatenate(items, axis=d)


concatenate = concat = cat


def stack(tensors: Sequence[Any], dim: int = 0, *, axis: int | None = None) -> Tensor:
    """Join tensors along a new dim (all of the same shape)."""
    items = [_tensor(t) if not isinstance(t, Tensor) else t for t in tensors]
    if not items:
        raise ValueError("stack needs at least one tensor")
    for k, t in enumerate(items):
        if t.shape != items[0].shape:
            raise ValueError(f"stack: tensor {k} has shape {t.shape} but tensor 0 has {items[0].shape}; all must match")
    d = wrap_dim(axis if axis is not None else dim, items[0].ndim + 1, "stack")
    return ops.stack(items, axis=d)


# ----------------------------------------------------------------------------- reductions


def sum(
    input: Tensor,
    dim: Any = None,
    keepdim: bool = False,
    *,
    dtype: Any = None,
    axis: Any = None,
    keepdims: bool | None = None,
    out: Any = None,
) -> Tensor:
    """Σ over `dim` (all dims by default); `keepdim` keeps them with length 1."""
    _no_out(out, "sum")
    x = input if dtype is None else to(input, dtype)
    return ops.sum(x, axis=_axes(x, dim, axis, "sum"), keepdims=_keepdim(keepdim, keepdims))


def mean(
    input: Tensor,
    dim: Any = None,
    keepdim: bool = False,
    *,
    dtype: Any = None,
    axis: Any = None,
    keepdims: bool | None = None,
    out: Any = None,
) -> Tensor:
    """The mean over `dim` (all dims by default)."""
    _no_out(out, "mean")
    x = input if dtype is None else to(input, dtype)
    return ops.mean(x, axis=_axes(x, dim, axis, "mean"), keepdims=_keepdim(keepdim, keepdims))


def _extreme(input: Tensor, dim: Any, keepdim: bool, axis: Any, keepdims: Any, out: Any, which: str) -> Any:
    _no_out(out, which)
    op, pair, arg = (ops.max, ops.maximum, np.argmax) if which == "max" else (ops.min, ops.minimum, np.argmin)
    if isinstance(dim, Tensor):  # torch.max(a, b): the elementwise maximum
        return pair(input, dim)
    if dim is None:  # numpy's spelling (axis=) or no dim: the values only
        return op(input, axis=_axes(input, None, axis, which), keepdims=_keepdim(False, keepdims))
    if isinstance(dim, (tuple, list)):
        raise TypeError(f"{which}(dim) takes one dim and returns (values, indices); use amax/amin for several")
    if input.ndim == 0:
        wrap_dim(dim, 0, which)
        return MaxResult(input, _constant(np.asarray(0)))
    d = wrap_dim(dim, input.ndim, which)
    if input.shape[d] == 0:
        raise ValueError(f"{which}(dim={dim}) of a tensor of shape {input.shape}: that dim is empty")
    idx = arg(input._data, axis=d)
    values = _pick(input, np.expand_dims(idx, d), d).squeeze(d)  # ḡ goes to the chosen index, as PyTorch
    if keepdim:
        values, idx = unsqueeze(values, d), np.expand_dims(idx, d)
    return MaxResult(values, _constant(idx.astype(np.int64)))


def max(
    input: Tensor,
    dim: Any = None,
    keepdim: bool = False,
    *,
    axis: Any = None,
    keepdims: bool | None = None,
    out: Any = None,
) -> Any:
    """The largest entry, PyTorch's way: `x.max()` the value, `x.max(dim)` (values, indices),
    `x.max(other)` the elementwise maximum.  numpy's `x.max(axis=0)` gives the values only."""
    return _extreme(input, dim, keepdim, axis, keepdims, out, "max")


def min(
    input: Tensor,
    dim: Any = None,
    keepdim: bool = False,
    *,
    axis: Any = None,
    keepdims: bool | None = None,
    out: Any = None,
) -> Any:
    """The smallest entry: `x.min()`, `x.min(dim)` → (values, indices), `x.min(other)`; `axis=` as numpy."""
    return _extreme(input, dim, keepdim, axis, keepdims, out, "min")


def amax(
    input: Tensor, dim: Any = None, keepdim: bool = False, *, axis: Any = None, keepdims: bool | None = None
) -> Tensor:
    """The max over `dim` (several allowed); ties share the gradient evenly."""
    return ops.max(input, axis=_axes(input, dim, axis, "amax"), keepdims=_keepdim(keepdim, keepdims))


def amin(
    input: Tensor, dim: Any = None, keepdim: bool = False, *, axis: Any = None, keepdims: bool | None = None
) -> Tensor:
    """The min over `dim` (several allowed); ties share the gradient evenly."""
    return ops.min(input, axis=_axes(input, dim, axis, "amin"), keepdims=_keepdim(keepdim, keepdims))


def _pick(input: Tensor, index: np.ndarray, d: int) -> Tensor:
    """out[i][j][k] = input[i][index[i][j][k]][k] for d = 1 (torch.gather): `index` has input's ndim.
    A differentiable take: ḡ goes back to exactly the picked places (added up where one repeats)."""
    grid = list(np.indices(index.shape, sparse=True))
    grid[d] = index
    return ops.take(input, index=tuple(grid))


def gather(input: Tensor, dim: int, index: Any) -> Tensor:
    """The entries of `input` at `index` along `dim` (torch.gather); index has input's number of dims."""
    idx = np.asarray(unwrap(index))
    d = wrap_dim(dim, input.ndim, "gather")
    if idx.dtype.kind not in "iu" or idx.ndim != input.ndim:
        raise TypeError(
            f"gather: index must be an integer tensor with {input.ndim} dims like the input "
            f"(shape {input.shape}), got dtype {idx.dtype}, shape {idx.shape}"
        )
    if builtins.any(n > m for k, (n, m) in enumerate(zip(idx.shape, input.shape)) if k != d):
        raise ValueError(f"gather: index shape {idx.shape} is larger than the input's {input.shape} outside dim {d}")
    if idx.size and (idx.min() < -input.shape[d] or idx.max() >= input.shape[d]):
        raise IndexError(
            f"gather: index {builtins.int(idx.max() if idx.max() >= input.shape[d] else idx.min())} "
            f"is out of range for dim {d} of size {input.shape[d]}"
        )
    return _pick(input, idx, d)


def _order(data: np.ndarray, d: int, descending: bool) -> np.ndarray:
    if descending:
        keyed = data.astype(np.int8) if data.dtype.kind == "b" else data
        return np.argsort(-keyed if keyed.dtype.kind != "u" else ~keyed, axis=d, kind="stable")
    return np.argsort(data, axis=d, kind="stable")


def sort(input: Tensor, dim: int = -1, descending: bool = False, stable: bool = False) -> Any:
    """(values, indices) sorted along `dim` (torch.sort); the values' gradient goes back to where each came from."""
    if input.ndim == 0:
        wrap_dim(dim, 0, "sort")
        return MaxResult(input, _constant(np.asarray(0)))
    d = wrap_dim(dim, input.ndim, "sort")
    idx = _order(input._data, d, descending)
    return MaxResult(_pick(input, idx, d), _constant(idx.astype(np.int64)))


def argsort(input: Tensor, dim: int = -1, descending: bool = False, stable: bool = False) -> Tensor:
    """The indices that sort `input` along `dim` (no gradient)."""
    return sort(input, dim, descending).indices


def topk(input: Tensor, k: int, dim: int = -1, largest: bool = True, sorted: bool = True) -> Any:
    """(values, indices) of the k largest (or smallest) entries along `dim` (torch.topk)."""
    d = wrap_dim(dim, input.ndim, "topk")
    n = input.shape[d] if input.ndim else 1
    if not 0 <= k <= n:
        raise ValueError(f"topk: k={k} is out of range for dim {dim} of size {n}")
    idx = np.take(_order(input._data, d, largest), np.arange(k), axis=d)
    return MaxResult(_pick(input, idx, d), _constant(idx.astype(np.int64)))


def _triangle(input: Tensor, diagonal: int, lower: bool, what: str) -> Tensor:
    if input.ndim < 2:
        raise ValueError(f"{what} needs at least 2 dims, got shape {input.shape}")
    rows, cols = input.shape[-2:]
    keep = np.tri(rows, cols, diagonal, dtype=np.bool_) if lower else ~np.tri(rows, cols, diagonal - 1, dtype=np.bool_)
    return ops.where(keep, input, 0)


def tril(input: Tensor, diagonal: int = 0) -> Tensor:
    """The lower triangle (entries on or below the `diagonal`-th diagonal), the rest 0; gradient where kept."""
    return _triangle(input, diagonal, True, "tril")


def triu(input: Tensor, diagonal: int = 0) -> Tensor:
    """The upper triangle (on or above the `diagonal`-th diagonal), the rest 0."""
    return _triangle(input, diagonal, False, "triu")


def argmax(
    input: Tensor,
    dim: int | None = None,
    keepdim: bool = False,
    *,
    axis: int | None = None,
    keepdims: bool | None = None,
) -> Tensor:
    """The index of the largest entry (over the flattened tensor when dim is None); no gradient."""
    return _arg(np.argmax, input, dim if dim is not None else axis, _keepdim(keepdim, keepdims), "argmax")


def argmin(
    input: Tensor,
    dim: int | None = None,
    keepdim: bool = False,
    *,
    axis: int | None = None,
    keepdims: bool | None = None,
) -> Tensor:
    return _arg(np.argmin, input, dim if dim is not None else axis, _keepdim(keepdim, keepdims), "argmin")


def _arg(fn: Any, x: Tensor, dim: Any, keepdim: bool, what: str) -> Tensor:
    data = unwrap(x)
    if data.size == 0:
        raise ValueError(f"{what} of an empty tensor of shape {data.shape}")
    if dim is None or data.ndim == 0:
        if dim is not None:
            wrap_dim(dim, 0, what)
        idx = np.asarray(fn(data))
        return _constant(idx.reshape((1,) * data.ndim) if keepdim else idx.astype(np.int64))
    d = wrap_dim(dim, data.ndim, what)
    return _constant(fn(data, axis=d, keepdims=builtins.bool(keepdim)).astype(np.int64))


def prod(
    input: Tensor,
    dim: Any = None,
    keepdim: bool = False,
    *,
    axis: Any = None,
    keepdims: bool | None = None,
    dtype: Any = None,
) -> Tensor:
    """Π over `dim` (all dims by default)."""
    x = input if dtype is None else to(input, dtype)
    return ops.prod(x, axis=_axes(x, dim, axis, "prod"), keepdims=_keepdim(keepdim, keepdims))


def var(
    input: Tensor,
    dim: Any = None,
    *args: Any,
    correction: float | None = None,
    keepdim: bool = False,
    unbiased: bool | None = None,
    ddof: float | None = None,
    axis: Any = None,
    keepdims: bool | None = None,
) -> Tensor:
    """Σ(x − x̄)²/(n − correction); `correction=1` by default (PyTorch; numpy's default is ddof=0)."""
    centred, axes, keep, dof = _centred(input, dim, args, correction, unbiased, ddof, axis, keepdim, keepdims, "var")
    return ops.sum(centred * centred, axis=axes, keepdims=keep) / dof


def std(
    input: Tensor,
    dim: Any = None,
    *args: Any,
    correction: float | None = None,
    keepdim: bool = False,
    unbiased: bool | None = None,
    ddof: float | None = None,
    axis: Any = None,
    keepdims: bool | None = None,
) -> Tensor:
    """√var = ‖x − x̄‖/√(n − correction) (same arguments; `correction=1` by default, as PyTorch).

    Written with the norm, whose gradient is 0 where it is 0, so the std of a constant has gradient 0
    (as PyTorch), not √'s 1/(2·0) · 0 = NaN.
    """
    centred, axes, keep, dof = _centred(input, dim, args, correction, unbiased, ddof, axis, keepdim, keepdims, "std")
    return ops.norm(centred, axis=axes, keepdims=keep) / np.sqrt(dof)


def _centred(
    input: Tensor,
    dim: Any,
    args: tuple,
    correction: Any,
    unbiased: Any,
    ddof: Any,
    axis: Any,
    keepdim: Any,
    keepdims: Any,
    what: str,
) -> tuple[Tensor, Any, builtins.bool, builtins.float]:
    """x − x̄ over the dims, those dims, keepdim, and the degrees of freedom n − correction (≥ 0)."""
    c = _correction(args, correction, unbiased, ddof)
    axes = _axes(input, dim, axis, what)
    n = input.numel() if axes is None else builtins.int(np.prod([input.shape[a] for a in axes]))
    centred = input - ops.mean(input, axis=axes, keepdims=True)
    return centred, axes, _keepdim(keepdim, keepdims), builtins.float(builtins.max(n - c, 0))


def _correction(args: tuple, correction: Any, unbiased: Any, ddof: Any) -> float:
    if args:  # torch.var(x, dim, unbiased) or (x, dim, keepdim) in old code: a bool means unbiased
        if len(args) == 1 and isinstance(args[0], builtins.bool):
            unbiased = args[0]
        else:
            raise TypeError("var/std: pass correction=, unbiased= or keepdim= by name")
    given = [v for v in (correction, unbiased, ddof) if v is not None]
    if len(given) > 1:
        raise TypeError("var/std: give only one of correction=, unbiased= and ddof=")
    if unbiased is not None:
        return 1.0 if unbiased else 0.0
    return builtins.float(given[0]) if given else 1.0


def logsumexp(
    input: Tensor, dim: Any = None, keepdim: bool = False, *, axis: Any = None, keepdims: bool | None = None
) -> Tensor:
    """log Σ exp over `dim`, never overflowing."""
    return ops.logsumexp(input, axis=_axes(input, dim, axis, "logsumexp"), keepdims=_keepdim(keepdim, keepdims))


def norm(
    input: Tensor,
    p: Any = "fro",
    dim: Any = None,
    keepdim: bool = False,
    *,
    axis: Any = None,
    keepdims: bool | None = None,
) -> Tensor:
    """The p-norm over `dim` (all dims by default): 2 / "fro" Euclidean, 1, inf, or any p > 0."""
    axes = _axes(input, dim, axis, "norm")
    keep = _keepdim(keepdim, keepdims)
    if p in (2, 2.0, "fro", None):
        return ops.norm(input, axis=axes, keepdims=keep)
    if p in (1, 1.0):
        return ops.sum(ops.abs(input), axis=axes, keepdims=keep)
    if p in (np.inf, builtins.float("inf"), "inf"):
        return ops.max(ops.abs(input), axis=axes, keepdims=keep)
    if isinstance(p, (builtins.int, builtins.float)) and p > 0:
        return ops.pow_scalar(ops.sum(ops.pow_scalar(ops.abs(input), p=p), axis=axes, keepdims=keep), p=1.0 / p)
    raise ValueError(f"norm: p must be a positive number, inf or 'fro', got {p!r}")


def cumsum(input: Tensor, dim: int | None = None, *, axis: int | None = None, dtype: Any = None) -> Tensor:
    """The running sum along `dim`."""
    d = dim if dim is not None else axis
    if d is None:
        raise TypeError("cumsum needs dim= (which dim to run along)")
    x = input if dtype is None else to(input, dtype)
    if x.ndim == 0:
        wrap_dim(d, 0, "cumsum")
        return x
    return ops.cumsum(x, axis=wrap_dim(d, x.ndim, "cumsum"))


def all(
    input: Tensor,
    dim: Any = None,
    keepdim: bool = False,
    *,
    axis: Any = None,
    out: Any = None,
    keepdims: bool | None = None,
) -> Tensor:
    return _constant(np.all(unwrap(input), axis=_axes(input, dim, axis, "all"), keepdims=_keepdim(keepdim, keepdims)))


def any(
    input: Tensor,
    dim: Any = None,
    keepdim: bool = False,
    *,
    axis: Any = None,
    out: Any = None,
    keepdims: bool | None = None,
) -> Tensor:
    return _constant(np.any(unwrap(input), axis=_axes(input, dim, axis, "any"), keepdims=_keepdim(keepdim, keepdims)))


def count_nonzero(input: Tensor, dim: Any = None, *, axis: Any = None) -> Tensor:
    return _constant(
        np.asarray(np.count_nonzero(unwrap(input), axis=_axes(input, dim, axis, "count_nonzero")), dtype=np.int64)
    )


# ----------------------------------------------------------------------------- elementwise

exp, log, sqrt, relu, sigmoid, tanh = ops.exp, ops.log, ops.sqrt, ops.relu, ops.sigmoid, ops.tanh
softplus = ops.softplus
sin, cos, exp2, log2, log1p, expm1 = ops.sin, ops.cos, ops.exp2, ops.log2, ops.log1p, ops.expm1
floor, ceil, sign, neg = ops.floor, ops.ceil, ops.sign, ops.neg
negative = neg


def abs(input: Tensor) -> Tensor:
    return ops.abs(input)


absolute = abs


def round(input: Tensor, decimals: int = 0) -> Tensor:
    """Rounded to `decimals` places (halves to even); gradient 0."""
    if decimals:
        return ops.round(input * 10.0**decimals) / 10.0**decimals
    return ops.round(input)


def square(input: Tensor) -> Tensor:
    return ops.pow_scalar(input, p=2)


def reciprocal(input: Tensor) -> Tensor:
    return ops.div(1.0, input)


def rsqrt(input: Tensor) -> Tensor:
    return ops.div(1.0, ops.sqrt(input))


def pow(input: Any, exponent: Any) -> Tensor:
    return __pow__(input, exponent) if isinstance(input, Tensor) else ops.pow(input, exponent)


def clamp(input: Tensor, min: Any = None, max: Any = None) -> Tensor:
    """Limited to [min, max] (either may be None); gradient 1 inside, 0 outside."""
    return ops.clip(input, lo=unwrap(min), hi=unwrap(max))


def clip(input: Tensor, min: Any = None, max: Any = None, *, a_min: Any = None, a_max: Any = None) -> Tensor:
    """`clamp` (numpy's a_min/a_max spelling too)."""
    return clamp(input, a_min if min is None else min, a_max if max is None else max)


def maximum(input: Any, other: Any) -> Tensor:
    return ops.maximum(input, other)


def minimum(input: Any, other: Any) -> Tensor:
    return ops.minimum(input, other)


def where(condition: Any, input: Any = None, other: Any = None) -> Any:
    """`where(cond, a, b)`: a where cond holds, else b (the gradient follows the pick).
    As a method, `a.where(cond, b)` (PyTorch's order)."""
    if input is None and other is None:
        return tuple(_constant(i) for i in np.nonzero(unwrap(condition)))
    return ops.where(condition, input, other)


def _mask(mask: Any, like: Tensor) -> np.ndarray:
    m = np.asarray(unwrap(mask))
    if m.dtype != np.bool_:
        raise TypeError(f"the mask must be a boolean tensor, got dtype {m.dtype}")
    return np.broadcast_to(m, like.shape)


def masked_fill(input: Tensor, mask: Any, value: Any) -> Tensor:
    """A copy with `value` where `mask` holds (the gradient skips those places)."""
    return ops.where(_mask(mask, input), np.asarray(unwrap(value), dtype=input.dtype), input)


def matmul(input: Any, other: Any) -> Tensor:
    return ops.matmul(input, other)


def bmm(input: Tensor, mat2: Tensor) -> Tensor:
    """Batched matrix product of (b, n, m) and (b, m, p) tensors (torch.bmm: no broadcasting)."""
    if input.ndim != 3 or mat2.ndim != 3 or input.shape[0] != mat2.shape[0]:
        raise ValueError(
            f"bmm expects two batches of matrices (b, n, m) and (b, m, p), got shapes {input.shape} and {mat2.shape}"
        )
    return ops.matmul(input, mat2)


def mm(input: Tensor, mat2: Tensor) -> Tensor:
    if input.ndim != 2 or mat2.ndim != 2:
        raise ValueError(f"mm expects two matrices, got shapes {input.shape} and {mat2.shape}")
    return ops.matmul(input, mat2)


def mv(input: Tensor, vec: Tensor) -> Tensor:
    return ops.matmul(input, vec)


def dot(input: Tensor, other: Tensor) -> Tensor:
    if input.ndim != 1 or other.ndim != 1:
        raise ValueError(f"dot expects two vectors, got shapes {input.shape} and {other.shape}")
    return ops.matmul(input, other)


def outer(input: Tensor, vec2: Tensor) -> Tensor:
    return ops.mul(unsqueeze(input, -1), vec2)


def softmax(input: Tensor, dim: int = -1, *, axis: int | None = None, dtype: Any = None) -> Tensor:
    """e^θ / Σe^θ along `dim` (the last by default)."""
    return _along_one_dim(ops.softmax, input, dim, axis, dtype, "softmax")


def log_softmax(input: Tensor, dim: int = -1, *, axis: int | None = None, dtype: Any = None) -> Tensor:
    """log softmax along `dim`, finite for logits of any size."""
    return _along_one_dim(ops.log_softmax, input, dim, axis, dtype, "log_softmax")


def _along_one_dim(op: Any, input: Tensor, dim: Any, axis: Any, dtype: Any, what: str) -> Tensor:
    """op(x, axis=d) for PyTorch's dim (or numpy's axis); a 0-d tensor counts as one entry along dim 0 or -1."""
    x = input if dtype is None else to(input, dtype)
    d = axis if axis is not None else dim
    if x.ndim == 0:
        wrap_dim(-1 if d is None else d, 0, what)
        return ops.reshape(op(ops.reshape(x, shape=(1,)), axis=0), shape=())
    return op(x, axis=wrap_dim(-1 if d is None else d, x.ndim, what))


# ----------------------------------------------------------------------------- dtypes


def to(input: Tensor, *args: Any, dtype: Any = None, device: Any = None, copy: bool = False, **_: Any) -> Tensor:
    """Another dtype (`x.to(float32)`, `x.to(other)`); devices other than "cpu" are an error.

    A float-to-float change is differentiable; to an integer or bool dtype it is not.
    """
    for a in args:
        if isinstance(a, Tensor):
            dtype = a.dtype
        elif isinstance(a, str) and a in ("cpu", "cuda", "mps") or type(a).__name__ == "device":
            device = a
        else:
            dtype = a
    if device is not None and str(device) != "cpu":
        raise ValueError(f"device {device!r} is not available: this engine runs on the CPU only")
    if dtype is None:
        return clone(input) if copy else input
    dt = as_dtype(dtype)
    if dt == input.dtype and not copy:
        return input
    if dt.kind == "f" and input.dtype.kind == "f":
        return cast(input, dtype=dt)
    return _constant(input._data.astype(dt))  # to integers or bool: no gradient flows, as in PyTorch


def astype(input: Tensor, dtype: Any) -> Tensor:
    """numpy's spelling of `to(dtype)` (differentiable between float dtypes)."""
    return to(input, dtype)


def type_as(input: Tensor, other: Tensor) -> Tensor:
    return to(input, other.dtype)


def float(input: Tensor) -> Tensor:
    """As float32 (PyTorch's `.float()`)."""
    return to(input, np.float32)


def double(input: Tensor) -> Tensor:
    """As float64."""
    return to(input, np.float64)


def half(input: Tensor) -> Tensor:
    return to(input, np.float16)


def long(input: Tensor) -> Tensor:
    """As int64 (class labels, indices)."""
    return to(input, np.int64)


def int(input: Tensor) -> Tensor:
    """As int32 (PyTorch's `.int()`)."""
    return to(input, np.int32)


def bool(input: Tensor) -> Tensor:
    return to(input, np.bool_)


_TYPE_NAMES = {
    "float32": "FloatTensor",
    "float64": "DoubleTensor",
    "float16": "HalfTensor",
    "int64": "LongTensor",
    "int32": "IntTensor",
    "int16": "ShortTensor",
    "int8": "CharTensor",
    "uint8": "ByteTensor",
    "bool": "BoolTensor",
}


def _type(input: Tensor, dtype: Any = None) -> Any:
    """`x.type()`: PyTorch's type name ("torch.FloatTensor"), so `import autograd as torch` code that
    compares it runs; `x.type(dtype)` is `x.to(dtype)`.  (Installed as Tensor.type: the name `type`
    stays Python's here.)"""
    if dtype is None:
        return "torch." + _TYPE_NAMES.get(input.dtype.name, input.dtype.name)
    return to(input, dtype)


def new_tensor(input: Tensor, data: Any, dtype: Any = None, requires_grad: builtins.bool = False) -> Tensor:
    """A new tensor holding a copy of `data`, of input's dtype unless `dtype` is given."""
    return Tensor(data, dtype=input.dtype if dtype is None else dtype, requires_grad=requires_grad)


def new_zeros(input: Tensor, *size: Any, dtype: Any = None, requires_grad: builtins.bool = False) -> Tensor:
    """Zeros of the given size, in input's dtype unless `dtype` is given."""
    return new_full(input, _sizes(size, "new_zeros"), 0, dtype=dtype, requires_grad=requires_grad)


def new_ones(input: Tensor, *size: Any, dtype: Any = None, requires_grad: builtins.bool = False) -> Tensor:
    return new_full(input, _sizes(size, "new_ones"), 1, dtype=dtype, requires_grad=requires_grad)


def new_empty(input: Tensor, *size: Any, dtype: Any = None, requires_grad: builtins.bool = False) -> Tensor:
    return new_zeros(input, *size, dtype=dtype, requires_grad=requires_grad)


def new_full(
    input: Tensor, size: Any, fill_value: Any, *, dtype: Any = None, requires_grad: builtins.bool = False
) -> Tensor:
    from autograd.factories import full

    return full(tuple(size), fill_value, dtype=input.dtype if dtype is None else dtype, requires_grad=requires_grad)


def clamp_min(input: Tensor, min: Any) -> Tensor:
    return clamp(input, min=min)


def clamp_max(input: Tensor, max: Any) -> Tensor:
    return clamp(input, max=max)


def is_tensor(obj: Any) -> builtins.bool:
    """True for a Tensor (torch.is_tensor)."""
    return isinstance(obj, Tensor)


def numel(input: Tensor) -> builtins.int:
    """How many entries (torch.numel)."""
    return input.numel()


def is_floating_point(input: Tensor) -> builtins.bool:
    return input.dtype.kind == "f"


def cpu(input: Tensor) -> Tensor:
    return input


def cuda(input: Tensor, *args: Any, **kwargs: Any) -> Tensor:
    raise RuntimeError("no CUDA here: this engine runs on the CPU only (numpy); drop .cuda() / use device='cpu'")


# ----------------------------------------------------------------------------- numpy interop

_UFUNCS = {
    np.add: ops.add,
    np.subtract: ops.sub,
    np.multiply: ops.mul,
    np.true_divide: ops.div,
    np.power: ops.pow,
    np.negative: ops.neg,
    np.exp: ops.exp,
    np.log: ops.log,
    np.sqrt: ops.sqrt,
    np.absolute: ops.abs,
    np.tanh: ops.tanh,
    np.sin: ops.sin,
    np.cos: ops.cos,
    np.maximum: ops.maximum,
    np.minimum: ops.minimum,
    np.matmul: ops.matmul,
    np.exp2: ops.exp2,
    np.log2: ops.log2,
    np.log1p: ops.log1p,
    np.expm1: ops.expm1,
    np.floor: ops.floor,
    np.ceil: ops.ceil,
    np.sign: ops.sign,
    np.equal: __eq__,
    np.not_equal: __ne__,
    np.less: __lt__,
    np.less_equal: __le__,
    np.greater: __gt__,
    np.greater_equal: __ge__,
}


def __array_ufunc__(self: Tensor, ufunc: np.ufunc, method: str, *inputs: Any, **kwargs: Any) -> Any:
    """numpy functions on Tensors: `np.exp(t)` is `t.exp()` (a Tensor, in the graph); `array += t` works."""
    out = kwargs.pop("out", None)
    if method == "__call__" and out is not None:  # numpy writes into an ndarray: plain values
        return ufunc(*[unwrap(i) for i in inputs], out=tuple(unwrap(o) for o in out), **kwargs)
    op = _UFUNCS.get(ufunc)
    if method != "__call__" or op is None or kwargs:
        # nothing to differentiate (no input requires grad, or a boolean answer such as np.isnan):
        # numpy's answer as a Tensor, as torch gives for np.isfinite(t)
        differentiable = builtins.any(isinstance(i, Tensor) and i.requires_grad for i in inputs)
        if not differentiable or ufunc.types and builtins.all(t.endswith("?") for t in ufunc.types):
            result = getattr(ufunc, method)(*[unwrap(i) for i in inputs], **kwargs)
            return tuple(map(_constant, result)) if isinstance(result, tuple) else _constant(result)
        raise TypeError(
            f"numpy's {ufunc.__name__}{'.' + method if method != '__call__' else ''} has no "
            "differentiable version here; use the tensor's methods, or .numpy() for a plain array"
        )
    return op(*inputs)


# ----------------------------------------------------------------------------- installing

_NOT_METHODS = {"cat", "concatenate", "concat", "stack", "where", "logical_and", "logical_or", "is_tensor", "numel"}
# methods only: as module names, autograd.float / int / bool / long / double / half are dtypes (as torch.float)
_NOT_FUNCTIONS = {
    "float",
    "double",
    "half",
    "long",
    "int",
    "bool",
    "cpu",
    "cuda",
    "to",
    "type_as",
    "astype",
    "view",
    "view_as",
    "reshape_as",
    "expand_as",
    "contiguous",
    "t",
    "new_tensor",
    "new_zeros",
    "new_ones",
    "new_empty",
    "new_full",
}


def _install() -> None:
    """Put every public function of this module on Tensor as a method (and list it in __all__)."""
    for name, fn in list(globals().items()):
        if not callable(fn) or isinstance(fn, type) or name.startswith("_") and not name.startswith("__"):
            continue
        if getattr(fn, "__module__", None) not in (__name__, "autograd.ops"):
            continue  # (the engine's tools imported above, record, inplace, unwrap, ..., are not methods)
        if name.startswith("__") and name.endswith("__"):
            if name in ("__array_ufunc__",) or name.startswith("__") and name[2:-2] in _DUNDERS:
                setattr(Tensor, name, fn)
            continue
        if name not in _NOT_FUNCTIONS:
            __all__.append(name)
        if name not in _NOT_METHODS:
            setattr(Tensor, name, fn)
    for name in _UNARY:
        setattr(Tensor, name, _method(globals()[name]))
    Tensor.type = _type
    Tensor.T = property(_T)
    Tensor.mT = property(_mT)
    Tensor.where = lambda self, condition, other: ops.where(condition, self, other)
    Tensor.where.__doc__ = "`a.where(cond, b)`: a where cond holds, else b (PyTorch's method order)."


_UNARY = (
    "exp",
    "log",
    "sqrt",
    "relu",
    "sigmoid",
    "tanh",
    "softplus",
    "sin",
    "cos",
    "exp2",
    "log2",
    "log1p",
    "expm1",
    "floor",
    "ceil",
    "sign",
    "neg",
    "negative",
)
_DUNDERS = {
    "add",
    "radd",
    "sub",
    "rsub",
    "mul",
    "rmul",
    "truediv",
    "rtruediv",
    "pow",
    "rpow",
    "matmul",
    "rmatmul",
    "neg",
    "pos",
    "abs",
    "floordiv",
    "rfloordiv",
    "mod",
    "eq",
    "ne",
    "lt",
    "le",
    "gt",
    "ge",
    "and",
    "rand",
    "or",
    "ror",
    "xor",
    "invert",
    "getitem",
    "setitem",
    "iter",
    "contains",
    "iadd",
    "isub",
    "imul",
    "itruediv",
    "imatmul",
    "ipow",
}

_install()
