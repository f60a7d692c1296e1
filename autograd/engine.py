"""The engine: `Tensor`, how operations are recorded, and the backward walk.

Room one of two.  The operations and their vector-Jacobian products (VJPs) live in
`autograd/ops.py`, which imports this module (never the other way round), except
the six the engine needs itself: `sum_to`, `broadcast_to` and `cast` (for
`_unbroadcast`), and `getitem`, its VJP `scatter_add`, and `setitem` (for the
in-place change of a slice), defined at the end of this file and re-exported
by `ops`.  The Tensor's PyTorch-style methods (`x + y`, `x.sum(dim=1)`,
`x.add_(1)`) are installed by `autograd/methods.py`.

How it works, in five points:

1. An op made by `primitive` runs its numpy forward on the inputs' arrays and,
   when gradients are wanted, returns a Tensor that remembers the op, its input
   Tensors, the op's parameters (axis, shape, ...) and a creation number.
2. `backward()` walks from the output to the leaves, newest node first (a heap
   keyed by creation number: a node's consumers are all newer than it, so its
   gradient is complete when it comes out), calling each op's VJP:
   ḡ_input = VJP(ḡ_output).  Gradients of a node used several times add up.
3. Broadcasting is undone here, once, when a gradient reaches an input whose
   shape differs (`_unbroadcast`), so no op can forget it.
4. VJPs are written with operators and functions that accept both ndarrays and
   Tensors.  A plain backward feeds them ndarrays, or numpy scalars for 0-d nodes
   (fast: nothing is recorded);
   `create_graph=True` feeds them Tensors, so the gradient is itself a graph and
   can be differentiated again (higher-order derivatives, no second rule set).
5. In-place changes follow PyTorch's rules: each bumps a version, and a VJP
   that needs a value changed since the forward pass raises instead of
   computing a wrong gradient.
"""

from __future__ import annotations

import dis
import functools
import inspect
import itertools
import math
import operator
import threading
import warnings
from collections.abc import Callable, Iterator, Sequence
from heapq import heappop, heappush
from typing import Any

import numpy as np

__all__ = [
    "Tensor",
    "Op",
    "primitive",
    "no_grad",
    "enable_grad",
    "set_grad_enabled",
    "inference_mode",
    "is_grad_enabled",
    "module_scope",
    "grad",
    "walk",
    "inputs_of",
    "is_freed",
    "unwrap",
    "from_numpy",
    "inplace",
    "record",
    "backprop",
    "tracers",
    "accumulate_grad",
    "Parameter",
    "GradFn",
    "AccumulateGrad",
    "RemovableHandle",
    "SMALL",
    "is_basic_index",
]


# ----------------------------------------------------------------------------- grad mode (per thread)


class _ThreadState(threading.local):
    """What each thread records: is grad mode on, and which nn.Module is building nodes now."""

    enabled = True
    scope: str | None = None


_local = _ThreadState()
# Fast paths: reading a thread-local costs more than a plain global (benchmarks/README.md, "Costs met
# on the way"), and `record` runs for every op.
# `_off` holds one entry per thread whose grad mode is off, `_scoped` one per open module
# scope, so the common case (every thread recording, no module) reads two plain lists.
_off: list[None] = []
_scoped: list[None] = []
# Tracers (autograd.compile): while one is set, `record` reports every op it runs, `backprop` the
# start of each walk and every VJP step, and the Tensor every read of a value by Python (`.item()`,
# `bool()`, ...) and every change it cannot record (in place, `.data =`, `.grad =`, hooks), to
# tracers[-1]: `.op(spec, parents, params, out)`, `.backward(roots, seeds, accumulate, only, create)`,
# `.step(node, g, [(input, gradient), ...])`, `.note(tensor, what)`.  Empty, as nearly always, it
# costs one list check per op.
tracers: list[Any] = []


def is_grad_enabled() -> bool:
    """True when new operations are recorded for backward (in this thread)."""
    return _local.enabled


def _set_enabled(flag: bool) -> None:
    if flag != _local.enabled:
        _local.enabled = flag
        if flag:
            _off.pop()
        else:
            _off.append(None)


class _GradMode:
    """Sets grad mode for a `with` block; also a decorator (generator functions included)."""

    def __init__(self, enabled: bool) -> None:
        self.enabled = enabled
        self._prev: list[bool] = []

    def __enter__(self) -> None:
        self._prev.append(_local.enabled)
        _set_enabled(self.enabled)

    def __exit__(self, *exc: object) -> None:
        _set_enabled(self._prev.pop())

    def __call__(self, fn: Callable) -> Callable:
        enabled = self.enabled
        if inspect.isgeneratorfunction(fn):

            @functools.wraps(fn)
            def generator(*args: Any, **kwargs: Any) -> Any:
                gen = fn(*args, **kwargs)
                sent = None
                while True:  # each resumption of the generator runs in the mode, as in PyTorch
                    with _GradMode(enabled):
                        try:
                            value = gen.send(sent)
                        except StopIteration as stop:
                            return stop.value
                    sent = yield value

            return generator

        @functools.wraps(fn)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            with _GradMode(enabled):
                return fn(*args, **kwargs)

        return wrapper


class no_grad(_GradMode):
    """Context manager (and decorator) under which nothing is recorded.

    Use it for evaluation and for parameter updates: results have
    `requires_grad=False`, no graph is kept alive, and leaves may be changed in
    place.  Grad mode is per thread, as in PyTorch.
    """

    def __init__(self) -> None:
        super().__init__(False)


class enable_grad(_GradMode):
    """Context manager (and decorator) that turns recording back on inside `no_grad`."""

    def __init__(self) -> None:
        super().__init__(True)


class inference_mode(_GradMode):
    """PyTorch's `inference_mode(mode=True)`: here the same as `no_grad()` (or a no-op with mode=False)."""

    def __init__(self, mode: bool = True) -> None:
        super().__init__(not mode)


class set_grad_enabled(_GradMode):
    """Turn grad mode on or off now (`set_grad_enabled(False)`), or for a `with` block."""

    def __init__(self, mode: bool) -> None:
        super().__init__(bool(mode))
        self._prev.append(_local.enabled)
        _set_enabled(self.enabled)

    def __enter__(self) -> None:
        pass  # already set by __init__

    def __call__(self, fn: Callable) -> Callable:
        _set_enabled(self._prev.pop())  # as a decorator it must not stay set
        return _GradMode(self.enabled)(fn)


class module_scope:
    """`with module_scope("0:Linear"): ...` tags the nodes made inside with that module path.

    `nn.Module.__call__` opens one around `forward`, so the renderer can draw each
    layer as a labelled box.  Nested scopes join with "/".  Per thread.
    """

    def __init__(self, label: str) -> None:
        self.label = label

    def __enter__(self) -> None:
        self.outer = _local.scope
        _local.scope = self.label if self.outer is None else f"{self.outer}/{self.label}"
        _scoped.append(None)

    def __exit__(self, *exc: object) -> None:
        _local.scope = self.outer
        _scoped.pop()


# ----------------------------------------------------------------------------- primitives

_METADATA = frozenset({"shape", "ndim", "dtype"})  # reading these does not read a value


def _value_reads(fn: Callable, names: Sequence[str]) -> frozenset[str]:
    """Which of `names` the function `fn` reads the *values* of (not just .shape/.ndim/.dtype).

    Found from its bytecode, conservatively (a name passed on to another function
    counts as read).  The backward walk uses it to decide which in-place changes
    since the forward pass make a VJP's result wrong (see `_check_versions`).
    """
    code = getattr(fn, "__code__", None)
    if code is None:
        return frozenset(names)
    wanted = set(names)
    if wanted & set(code.co_cellvars):  # captured by an inner function: assume read
        return frozenset(wanted & set(code.co_cellvars)) | _value_reads_plain(code, wanted)
    return _value_reads_plain(code, wanted)


def _value_reads_plain(code: Any, wanted: set[str]) -> frozenset[str]:
    instructions = list(dis.get_instructions(code))
    read = set()
    for k, ins in enumerate(instructions):
        if not ins.opname.startswith("LOAD_FAST"):
            continue
        loaded = ins.argval if isinstance(ins.argval, tuple) else (ins.argval,)
        nxt = instructions[k + 1] if k + 1 < len(instructions) else None
        for name in loaded:
            if name in wanted and not (
                nxt is not None and nxt.opname == "LOAD_ATTR" and len(loaded) == 1 and nxt.argval in _METADATA
            ):
                read.add(name)
    return frozenset(read)


class Op:
    """A differentiable primitive: a numpy forward and one VJP per input.

    `vjps[i](g, y, *inputs, **params)` returns ∂L/∂inputs[i] given g = ∂L/∂y.
    A variadic op (cat, stack) has one VJP that returns the gradients of all its
    inputs at once (one split of ḡ shared by all, so wide graphs stay linear).
    `saves`: the forward returns `(y, saved)`, a value computed on the way that
    the VJPs reuse (they get it as `saved=`).  `view`: the output shares the
    first input's memory (reshape, transpose, basic indexing), so an in-place
    change of one is a change of the other.  `reads[i]`: the positions
    (0 = the output y, 1.. = the inputs) whose values VJP i reads ({-1}: not
    known, so all of them).
    """

    __slots__ = ("name", "forward", "vjps", "variadic", "saves", "view", "reads")

    def __init__(
        self,
        name: str,
        forward: Callable,
        vjps: tuple[Callable, ...],
        variadic: bool = False,
        saves: bool = False,
        view: bool = False,
    ) -> None:
        self.name, self.forward, self.vjps = name, forward, vjps
        self.variadic, self.saves, self.view = variadic, saves, view
        self.reads = tuple(_positions_read(v) for v in vjps)

    def __repr__(self) -> str:
        return f"<op {self.name}>"


def _positions_read(vjp: Callable) -> frozenset[int]:
    """Positions (0 = y, 1.. = inputs) whose values `vjp(g, y, *inputs, **params)` reads."""
    try:
        params = list(inspect.signature(vjp).parameters.values())
    except (TypeError, ValueError):
        return frozenset({-1})  # unknown: everything
    if any(p.kind is p.VAR_POSITIONAL for p in params):
        return frozenset({-1})
    positional = [p.name for p in params if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)][1:]
    read = _value_reads(vjp, positional)
    return frozenset(k for k, name in enumerate(positional) if name in read)


def primitive(
    *vjps: Callable,
    forward: Callable | None = None,
    name: str | None = None,
    variadic: bool = False,
    saves: bool = False,
    view: bool = False,
) -> Callable:
    """Make a differentiable function from a numpy forward and its VJPs.

    As a decorator on the forward (the usual way; the op table reads this way)::

        @primitive(lambda g, y, x: g * y * (1 - y))         # σ' = σ(1 − σ)
        def sigmoid(x):
            "σ(x) = 1/(1 + e⁻ˣ)"
            ...

    or with an existing numpy function, the decorated def then only names and
    documents it (`@primitive(vjp_a, vjp_b, forward=np.multiply) def mul(a, b): ...`),
    or called directly: `primitive(vjp, forward=np.square, name="square")`.

    Positional arguments of the op are its differentiable inputs (Tensors,
    arrays or numbers); keyword arguments are parameters (axis, shape, ...).
    Called on plain arrays, the op is just its forward: that is how VJPs written
    with these functions stay fast during an ordinary backward.
    """

    def make(doc_fn: Callable | None) -> Callable:
        fwd = forward if forward is not None else doc_fn
        op_name = name or doc_fn.__name__
        spec = Op(op_name, fwd, vjps, variadic, saves, view)
        # keyword defaults of the forward (dim=-1, ...) are recorded too, so VJPs always see them
        src = doc_fn if doc_fn is not None else fwd
        defaults = (
            {
                k: p.default
                for k, p in inspect.signature(src).parameters.items()
                if p.kind is p.KEYWORD_ONLY and p.default is not p.empty
            }
            if inspect.isfunction(src)
            else {}
        )

        def op(*args: Any, **params: Any) -> Any:
            for a in args:
                if isinstance(a, Tensor):
                    return record(spec, args, {**defaults, **params} if defaults else params)
            return fwd(*args, **params)[0] if saves else fwd(*args, **params)

        if doc_fn is not None:
            functools.update_wrapper(op, doc_fn)  # name, doc, module, signature, source (op.__wrapped__)
        else:
            op.__name__ = op.__qualname__ = op_name
        op.op = spec  # type: ignore[attr-defined]
        return op

    return make if forward is None or name is None else make(None)


def from_numpy(array: np.ndarray) -> Tensor:
    """A Tensor sharing `array`'s memory (as torch.from_numpy): editing one edits the other.

    Unlike `Tensor(array)`, nothing is copied; changes made to the array behind
    the engine's back are not seen by its version counter.
    """
    if not isinstance(array, np.ndarray):
        raise TypeError(f"from_numpy expects a numpy array, got {type(array).__name__}")
    if array.dtype.kind not in "biuf":
        raise TypeError(f"from_numpy: arrays of dtype {array.dtype} are not supported (bool, integer or float only)")
    return _leaf(array)


def unwrap(x: Any) -> Any:
    """The numpy value of a Tensor (an ndarray, or a numpy scalar for a 0-d result); anything else as it is."""
    return x._data if isinstance(x, Tensor) else x


def _own(t: Tensor) -> np.ndarray:
    """t's value as an ndarray that t owns, ready to be shared or written.

    A 0-d result keeps the numpy scalar numpy computed: making a 0-d array and
    computing with 0-d arrays both cost more than scalar arithmetic, and a scalar
    graph (report 000) is all 0-d results (`benchmarks/README.md`, "0-d values").
    Whatever shares or changes t's memory (a view, detach, .data, .numpy(), an
    in-place op) turns it into a 0-d array first, so sharing works as for any array.
    """
    d = t._data
    if type(d) is not np.ndarray:
        d = t._data = np.asarray(d)
    return d


_new = object.__new__
_next_seq = itertools.count(1).__next__  # numbers recorded ops (and in-place changes) in creation order
_rare = [0]  # creation number of the last in-place change, hook or retain_grad (see backprop)


def _fill(
    t: Tensor,
    data: np.ndarray,
    requires_grad: bool,
    op: Op | None,
    parents: tuple,
    params: dict | None,
    seq: int,
    scope: str | None,
) -> Tensor:
    """The one place a Tensor's fields are set (Tensor(), recorded ops, leaves, gradients)."""
    t._data = data
    t._rg = requires_grad
    t._grad = t.name = None
    t._op = op
    t._parents = parents
    t._params = params
    t._seq = seq
    t._scope = scope
    t._freed = t._retains = t._borrowed = False
    t._base = t._history = t._hooks = None
    t._changed = t._count = 0
    return t


def _leaf(data: np.ndarray, requires_grad: bool = False) -> Tensor:
    return _fill(_new(Tensor), data, requires_grad, None, (), None, 0, None)


def record(spec: Op, args: Sequence[Any], params: dict) -> Tensor:
    """Run op `spec` on `args` (Tensors, arrays or numbers) and return the output Tensor, wired into
    the graph when any input requires a gradient and grad mode is on.

    What every op function does when it meets a Tensor; the Tensor methods call it
    directly (`x * y` is `record(mul.op, (x, y), {})`), which saves the op
    function's look for a Tensor.  `params` is stored as it is: never change it.
    """
    parents = args
    for a in args:  # fast path: all inputs are Tensors already, so `args` is the parents tuple
        if not isinstance(a, Tensor):
            parents = _with_constants(args)
            break
    try:  # fast paths: unary and binary ops (nearly all) build no list
        if params:
            data = (
                spec.forward(parents[0]._data, **params)
                if len(parents) == 1
                else spec.forward(*[p._data for p in parents], **params)
            )
            if len(parents) == 2 and parents[0]._data.ndim != parents[1]._data.ndim:
                data = _zero_d_rule(spec, parents, params, data)
        elif len(parents) == 2:
            a, b = parents[0]._data, parents[1]._data
            data = spec.forward(a, b)
            if type(a) is not type(b):  # a numpy scalar (a 0-d value) meets an array: PyTorch's promotion
                # (a 0-d *array*, a 0-d tensor whose memory was shared by .numpy(), .data, from_numpy or an
                # in-place op, keeps numpy's promotion: comparing ndims on every op costs 1-2 % of W4)
                data = _zero_d_rule(spec, parents, params, data)
        elif len(parents) == 1:
            data = spec.forward(parents[0]._data)
        else:
            data = spec.forward(*[p._data for p in parents])
    except (ValueError, TypeError, IndexError) as e:
        raise _op_error(spec, parents, e) from None
    saved = None
    if spec.saves:
        data, saved = data
    if type(data) is not _ndarray:
        if not isinstance(data, _generic):
            data = np.asarray(data)  # (a 0-d result stays numpy's scalar: see _own)
    if not _off or _local.enabled:
        for p in parents:
            if p._rg:
                out = _fill(
                    _new(Tensor),
                    data,
                    True,
                    spec,
                    parents,
                    params if saved is None else {**params, "saved": saved},
                    _next_seq(),
                    _local.scope if _scoped else None,
                )
                break
        else:
            out = _fill(_new(Tensor), data, False, None, (), None, 0, None)  # nothing recorded: a leaf
    else:
        out = _fill(_new(Tensor), data, False, None, (), None, 0, None)
    if spec.view:  # the output shares its first input's memory, so it shares its version too
        src = parents[0]
        out._base = src if src._base is None else src._base
        if type(out._data) is not np.ndarray:  # a view of a numpy scalar is a copy: view an array instead
            out._data = spec.forward(_own(src), **params)
    if tracers:
        tracers[-1].op(spec, parents, params, out)
    return out


_CATEGORY = {"b": 0, "u": 1, "i": 1, "f": 2}
_ndarray, _generic = np.ndarray, np.generic


def _zero_d_rule(spec: Op, parents: Sequence[Tensor], params: dict, data: Any) -> Any:
    """PyTorch's promotion for a 0-d operand meeting a dimensioned one (numpy's differs): the 0-d one
    counts only when it is of a higher category (bool < integer < float), and then with its own dtype.

    So float32 x * tensor(2.0) stays float32 (numpy: float64), int x / tensor(2) is float (true
    division, as for int x / int x), int32 x * tensor(2.5, float32) is float32.  When numpy's result
    differs, the forward runs again with the lesser operand converted (rare: mixed dtypes only).
    """
    a, b = parents[0]._data, parents[1]._data
    if a.ndim and b.ndim:
        return data
    d, z = (a, b) if a.ndim else (b, a)
    z_wins = _CATEGORY.get(z.dtype.kind, 2) > _CATEGORY.get(d.dtype.kind, 2)
    y = data[0] if spec.saves else data  # (the forward's result, before the split of saved values)
    if z_wins:
        if y.dtype == z.dtype or y.dtype.kind != z.dtype.kind:
            return data
        d = d.astype(z.dtype)
    else:
        z = np.asarray(z).astype(d.dtype)
        if z.dtype == b.dtype and z.dtype == a.dtype:
            return data
    return spec.forward(*((d, z) if a.ndim else (z, d)), **params)


def _op_error(spec: Op, parents: Sequence[Tensor], e: Exception) -> Exception:
    """The forward's exception, with the op's name and its inputs' shapes and dtypes in front."""
    shapes = ", ".join(f"{tuple(p._data.shape)} {p._data.dtype}" for p in parents)
    message = str(e)
    if message.startswith(f"{spec.name}:") or message.startswith(f"{spec.name}("):
        return e
    try:
        return type(e)(f"{spec.name}: {message} (inputs: {shapes})")
    except Exception:  # an exception type that wants other arguments
        return e


def _with_constants(args: Sequence[Any]) -> tuple[Tensor, ...]:
    """`args` with every number or array wrapped as a constant Tensor.

    A Python number takes the dtype of the Tensor it meets when it is of the same
    kind or lower (as in PyTorch): float32 x * 2.5 and int32 x * 3 keep x's dtype,
    and an int that does not fit x's integer dtype is an error, not a wrap-around.
    Other numbers become 0-d arrays of as_array's dtypes (int x * 2.5 is float64,
    our default float; bool x + 1 is int64); arrays keep their own dtype.
    """
    like = None
    for a in args:
        if isinstance(a, Tensor):
            like = a._data.dtype
            break
    out = []
    for a in args:
        if isinstance(a, Tensor):
            out.append(a)
        elif isinstance(a, (int, float)) and not isinstance(a, bool) and like is not None and like.kind == "f":
            out.append(_leaf(like.type(a)))  # a numpy scalar (see _own)
        elif isinstance(a, int) and not isinstance(a, bool) and like is not None and like.kind in "iu":
            if not np.iinfo(like).min <= a <= np.iinfo(like).max:
                raise RuntimeError(f"value {a} cannot be converted to the tensor's dtype {like} without overflow")
            out.append(_leaf(like.type(a)))
        else:
            out.append(_leaf(as_array(a, None, "an operand")))
    return tuple(out)


# ----------------------------------------------------------------------------- making arrays

_INT, _FLOAT, _BOOL = np.dtype(np.int64), np.dtype(np.float64), np.dtype(np.bool_)


def as_array(data: Any, dtype: Any, what: str = "data", copy: bool = True) -> np.ndarray:
    """`data` as an ndarray with PyTorch's dtype rules: Python ints → int64, floats → float64, bools → bool.

    Rejects what cannot be a numeric tensor (None, strings, ragged lists, complex)
    with an error that says what was wrong.
    """
    want = None if dtype is None else as_dtype(dtype)
    if isinstance(data, Tensor):
        data = data._data
    if isinstance(data, np.ndarray):
        if copy:
            arr = np.array(data, dtype=want, copy=True)
        else:
            arr = data if want is None else data.astype(want, copy=False)
    elif data is None:
        raise TypeError(f"{what} is None; a tensor needs numbers (e.g. Tensor(0.0) or zeros(shape))")
    elif isinstance(data, (str, bytes)):
        raise TypeError(f"{what} is a string ({data!r:.40}); a tensor needs numbers")
    elif isinstance(data, (dict, set, frozenset)):
        raise TypeError(f"{what} is a {type(data).__name__}; a tensor needs numbers, a list of them or an array")
    else:
        try:
            arr = np.array(data, dtype=want)
        except (ValueError, TypeError) as e:
            raise _array_error(data, what, e) from None
        except OverflowError:
            raise OverflowError(f"{what} holds an integer too large for int64") from None
        if want is None and arr.dtype.kind == "i":
            arr = arr.astype(_INT, copy=False)
    kind = arr.dtype.kind
    if kind == "O":
        raise _array_error(data, what, None)
    if kind == "c":
        raise TypeError(f"{what} is complex ({arr.dtype}); this engine works with real numbers only")
    if kind not in "biuf":
        raise TypeError(f"{what} has dtype {arr.dtype}, which is not a number type")
    return arr


def _array_error(data: Any, what: str, e: Exception | None) -> Exception:
    if _contains_none(data):
        return TypeError(f"{what} contains None; every entry of a tensor must be a number")
    big = _big_int(data)
    if big is not None:
        return OverflowError(f"{what} holds an integer too large for int64: {big}")
    return ValueError(
        f"{what} is ragged or not numeric (rows of different lengths, or non-numbers): "
        f"{str(data)[:80]}" + (f" ({e})" if e else "")
    )


def _big_int(data: Any) -> int | None:
    """A Python int in data outside int64's range (numpy makes an object array of it), or None."""
    stack = [data]
    while stack:
        item = stack.pop()
        if isinstance(item, int) and not -(2**63) <= item < 2**63:
            return item
        if isinstance(item, (list, tuple)):
            stack.extend(item)
    return None


def _contains_none(data: Any) -> bool:
    stack = [data]
    while stack:
        item = stack.pop()
        if item is None:
            return True
        if isinstance(item, (list, tuple)):
            stack.extend(item)
    return False


def as_dtype(dtype: Any) -> np.dtype:
    """A numpy dtype from a dtype, a type, a name ("float32") or a PyTorch dtype."""
    if dtype is bool:
        return _BOOL
    if dtype is int:
        return _INT
    if dtype is float:
        return _FLOAT
    if not isinstance(dtype, (np.dtype, type, str)) and "torch" in type(dtype).__module__:
        dtype = str(dtype).removeprefix("torch.")  # torch.float32 → "float32"
    try:
        dt = np.dtype(dtype)
    except TypeError:
        raise TypeError(f"dtype {dtype!r} is not a dtype (use e.g. float32, float64, int64, bool)") from None
    if dt.kind not in "biuf":
        raise TypeError(f"dtype {dt} is not supported: tensors hold bool, integer or float numbers")
    return dt


# ----------------------------------------------------------------------------- Tensor


class Tensor:
    """An n-dimensional array that records the operations applied to it.

    >>> x = Tensor([1.0, 2.0, 3.0], requires_grad=True)
    >>> (x * x).sum().backward()
    >>> x.grad
    Tensor([2., 4., 6.])

    dtypes as in PyTorch, except the float default: Python floats make float64
    (exact gradient checks), Python ints int64, bools bool; arrays keep their
    dtype.  `Tensor(array)` copies, as `torch.tensor` does (`from_numpy`
    shares).  `requires_grad=True` needs floats; on Python ints it makes float64.

    The op methods (`+`, `.exp()`, `.sum(dim=1)`, `.add_()`, ...) are installed
    by `autograd/methods.py`; this class holds the engine's state and the
    backward pass.
    """

    # _data: the ndarray.  _rg: requires_grad.  _op/_parents/_params/_seq/_scope: how it was
    # made (None/()/None/0/None for a leaf); _freed: a backward without retain_graph walked it.
    # _base: the tensor whose memory this one views (None: its own); _changed/_count: the
    # creation number of its memory's last in-place change, and how many there were; _history:
    # its earlier selves (see inplace); _hooks, _retains: see register_hook, retain_grad;
    # _borrowed: its array may be shared with another gradient (copy before writing).
    __slots__ = (
        "_data",
        "_rg",
        "_grad",
        "name",
        "_op",
        "_parents",
        "_params",
        "_seq",
        "_scope",
        "_freed",
        "_base",
        "_changed",
        "_count",
        "_history",
        "_hooks",
        "_retains",
        "_borrowed",
        "__weakref__",
    )
    __array_priority__ = 1000

    def __init__(
        self, data: Any, dtype: Any = None, requires_grad: bool = False, name: str | None = None, *, device: Any = None
    ) -> None:
        check_device(device)
        arr = as_array(data, dtype)
        if requires_grad and arr.dtype.kind != "f":
            if dtype is None and not isinstance(data, (np.ndarray, Tensor, np.generic)):
                arr = arr.astype(_FLOAT)  # Tensor([1, 2], requires_grad=True): a convenience, float64
            else:
                raise TypeError(
                    f"requires_grad=True needs floating-point data, got dtype {arr.dtype} "
                    f"(shape {arr.shape}); pass dtype=float64 or convert with .double() first"
                )
        _fill(self, arr if arr.ndim else arr[()], bool(requires_grad), None, (), None, 0, None)  # 0-d: see _own
        self.name = name

    # -- array facts
    @property
    def shape(self) -> tuple[int, ...]:
        return self._data.shape

    @property
    def dtype(self) -> np.dtype:
        return self._data.dtype

    @property
    def ndim(self) -> int:
        return self._data.ndim

    @property
    def device(self) -> str:
        """Always "cpu": this engine computes with numpy on the CPU."""
        return "cpu"

    def size(self, dim: int | None = None) -> Any:
        """The shape (PyTorch's meaning), or its length along `dim`.  The entry count is `numel()`."""
        if dim is None:
            return self._data.shape
        return self._data.shape[wrap_dim(dim, self._data.ndim, "size")]

    def numel(self) -> int:
        """How many entries the tensor holds (numpy's `.size`)."""
        return self._data.size

    def nelement(self) -> int:
        return self._data.size

    def dim(self) -> int:
        return self._data.ndim

    def __len__(self) -> int:
        if not self._data.ndim:
            raise TypeError("len() of a 0-d tensor")
        return len(self._data)

    @property
    def is_leaf(self) -> bool:
        """True for tensors made by the user, and for all that need no gradient."""
        return not self._rg or self._op is None

    @property
    def op(self) -> Op | None:
        """The op that made this tensor (None for leaves): `.name`, `.forward`, `.vjps`."""
        return self._op

    @property
    def inputs(self) -> tuple[Tensor, ...]:
        """The tensors this one was computed from (() for leaves, and for big nodes after backward)."""
        return self._parents

    @property
    def params(self) -> dict:
        """The op's non-differentiable parameters (axis, shape, ...), without values saved for backward."""
        return {k: v for k, v in (self._params or {}).items() if k != "saved"}

    @property
    def scope(self) -> str | None:
        """The nn.Module path that made this tensor ("0:Linear"), or None."""
        return self._scope

    @property
    def requires_grad(self) -> bool:
        return self._rg

    @requires_grad.setter
    def requires_grad(self, flag: bool) -> None:
        self.requires_grad_(flag)

    def requires_grad_(self, requires_grad: bool = True) -> Tensor:
        """Make this leaf require (or stop requiring) gradients, in place; returns self."""
        if self._op is not None and not requires_grad:
            raise RuntimeError(
                "you can only change requires_grad flags of leaf tensors; "
                "use .detach() for a copy that is cut off from the graph"
            )
        if requires_grad and self._data.dtype.kind != "f":
            raise TypeError(
                f"only floating-point tensors can require gradients, this one has dtype "
                f"{self.dtype}; convert it first with .double() or .float()"
            )
        self._rg = bool(requires_grad)
        return self

    # -- the gradient
    @property
    def grad(self) -> Tensor | None:
        """∂L/∂self after `L.backward()`: a Tensor of this tensor's shape and dtype (leaves, and
        intermediates after `retain_grad()`); None before.  Gradients add up across backward calls."""
        g = self._grad
        if g is None and self._op is not None and self._rg and not self._retains:
            warnings.warn(
                "The .grad of a tensor that is not a leaf is not kept by backward(); "
                "call .retain_grad() on it before backward() to keep it",
                UserWarning,
                stacklevel=2,
            )
        return g

    @grad.setter
    def grad(self, value: Any) -> None:
        if value is None:
            self._grad = None
            if tracers:
                tracers[-1].note(self, "grad=")
            return
        if tracers:
            tracers[-1].note(self, "grad=")
        if isinstance(value, (int, float)) and not isinstance(value, bool):  # micrograd's `p.grad = 0.0`
            self._grad = _leaf(np.full(self._data.shape, value, dtype=self._data.dtype))
            return
        if not isinstance(value, (Tensor, np.ndarray)):
            raise TypeError(f"grad must be a Tensor, an array, a number or None, got {type(value).__name__}")
        arr = unwrap(value)
        if arr.shape != self._data.shape:
            raise ValueError(f"assigned grad has shape {arr.shape} but the tensor has shape {self.shape}")
        if arr.dtype != self._data.dtype:
            raise TypeError(f"assigned grad has dtype {arr.dtype} but the tensor has dtype {self.dtype}")
        self._grad = value if isinstance(value, Tensor) else _leaf(arr.copy())

    def zero_grad(self) -> None:
        """Forget the gradient (`grad = None`)."""
        self._grad = None

    def retain_grad(self) -> None:
        """Keep this intermediate's gradient in `.grad` during backward (leaves always keep theirs)."""
        if self._op is not None and self._rg:
            if tracers:
                tracers[-1].note(self, "retain_grad()")
            self._retains = True
            _rare[0] = _next_seq()

    @property
    def retains_grad(self) -> bool:
        return bool(self._retains)

    def register_hook(self, hook: Callable[[Tensor], Tensor | None]) -> RemovableHandle:
        """Call `hook(grad)` when this tensor's gradient is computed; a returned Tensor replaces it.

        Returns a handle; `handle.remove()` takes the hook off again.
        """
        if not self._rg:
            raise RuntimeError("cannot register a hook on a tensor that does not require grad")
        if tracers:
            tracers[-1].note(self, "register_hook()")
        hooks = self._hooks
        if hooks is None:
            hooks = self._hooks = {}
        key = next(_hook_ids)
        hooks[key] = hook
        _rare[0] = _next_seq()
        return RemovableHandle(hooks, key)

    @property
    def grad_fn(self) -> GradFn | None:
        """The backward function of the op that made this tensor (None for leaves), as in PyTorch:
        `.name()` ("MulBackward0") and `.next_functions` to walk the graph."""
        if self._op is None:
            return None
        return GradFn(self)

    @property
    def _version(self) -> int:
        """How many in-place changes this tensor's memory has had (PyTorch's `_version`)."""
        return _base_of(self)._count

    # -- values
    @property
    def data(self) -> Tensor:
        """This tensor's values as a new tensor cut off from the graph, sharing memory (PyTorch's
        `.data`): `p.data -= lr * p.grad` changes p in place.  The numpy array is `.numpy()`."""
        t = _leaf(_own(self))
        t._base = _base_of(self)
        return t

    @data.setter
    def data(self, value: Any) -> None:
        arr = unwrap(value) if isinstance(value, Tensor) else as_array(value, None, "data", copy=False)
        if not isinstance(arr, np.ndarray):
            arr = np.asarray(arr)
        if self._rg and arr.dtype.kind != "f":
            raise TypeError(f"a tensor that requires grad needs float data, got dtype {arr.dtype}")
        if tracers:
            tracers[-1].note(self, "assigning .data")
        self._data = arr
        _bump(self)

    def item(self) -> Any:
        """The value of a one-element tensor as a Python number."""
        if self._data.size != 1:
            raise ValueError(
                f"item() needs a tensor with one element, got shape {self.shape} ({self._data.size} elements)"
            )
        if tracers:
            tracers[-1].note(self, "item")
        return self._data.item()

    def numpy(self, *, force: bool = False) -> np.ndarray:
        """The data as a numpy array (shared, not copied: editing it edits the tensor)."""
        return _own(self)

    def tolist(self) -> Any:
        if tracers:
            tracers[-1].note(self, "tolist")
        return self._data.tolist()

    def __array__(self, dtype: Any = None, copy: bool | None = None) -> np.ndarray:
        if dtype is not None and np.dtype(dtype) != self._data.dtype:
            return np.asarray(self._data).astype(dtype)
        return np.array(self._data) if copy else _own(self)

    def detach(self) -> Tensor:
        """A new leaf sharing this tensor's memory (and its version), cut off from the graph."""
        t = _leaf(_own(self))
        t._base = _base_of(self)
        return t

    def detach_(self) -> Tensor:
        """Cut this tensor off from the graph, in place (it becomes a leaf)."""
        self._op, self._parents, self._params, self._seq, self._rg = None, (), None, 0, False
        return self

    def __repr__(self) -> str:
        body = np.array2string(np.asarray(self._data), separator=", ", prefix="Tensor(", threshold=20)
        extra = ""
        if self._data.dtype != _FLOAT and self._data.dtype != _INT and self._data.dtype != _BOOL:
            extra += f", dtype={self._data.dtype}"
        if self._op is not None:
            extra += f", grad_fn=<{GradFn.name_of(self._op)}>"
        elif self._rg:
            extra += ", requires_grad=True"
        if self.name:
            extra += f", name={self.name!r}"
        return f"Tensor({body}{extra})"

    def __format__(self, spec: str) -> str:
        if self._data.size == 1 and self._data.ndim == 0 or (spec and self._data.size == 1):
            return format(self._data.item(), spec)
        if spec:
            raise TypeError(f"format spec {spec!r} needs a one-element tensor, this one has shape {self.shape}")
        return repr(self)

    def __bool__(self) -> bool:
        if self._data.size != 1:
            raise RuntimeError(
                f"the truth value of a tensor with {self._data.size} elements (shape {self.shape}) "
                "is ambiguous; use .any() or .all()"
            )
        if tracers:
            tracers[-1].note(self, "bool")
        return bool(self._data.item())

    def __float__(self) -> float:
        return float(self._one("float"))

    def __int__(self) -> int:
        return int(self._one("int"))

    def __index__(self) -> int:
        if self._data.dtype.kind not in "biu":
            raise TypeError(f"only integer tensors can be used as an index, this one has dtype {self.dtype}")
        return int(self._one("index"))

    def __round__(self, ndigits: int | None = None) -> Any:
        return round(self._one("round"), ndigits)

    def _one(self, what: str) -> Any:
        if self._data.size != 1:
            raise TypeError(f"{what}() needs a tensor with one element, this one has shape {self.shape}")
        if tracers:
            tracers[-1].note(self, what)
        return self._data.item()

    __hash__ = object.__hash__  # by identity, as in PyTorch (== is elementwise)

    # -- backward
    def backward(
        self,
        gradient: Any = None,
        retain_graph: bool | None = None,
        create_graph: bool = False,
        inputs: Sequence[Tensor] | None = None,
        *,
        grad: Any = None,
    ) -> None:
        """Fill `.grad` of every leaf this tensor depends on with ∂self/∂leaf.

        `gradient` is ∂L/∂self and must be given unless self has one element
        (`grad=` is accepted too).  Gradients *add* into `.grad` (zero them
        between steps).  Without `retain_graph` every node walked is marked
        freed, so a second backward through it is an error, and nodes of more
        than `SMALL` entries let go of their inputs (smaller ones keep their
        links, for pictures; see `is_freed`).  `create_graph=True` records the
        backward pass too, so gradients can be differentiated again.  `inputs`:
        accumulate only into these tensors.
        """
        if grad is not None:
            if gradient is not None:
                raise TypeError("backward() got both gradient= and grad=; pass one")
            gradient = grad
        if gradient is None and not create_graph and self._rg and self._data.ndim == 0:
            seed = self._data.dtype.type(1)  # the common case, loss.backward(): ∂L/∂L = 1
        else:
            seed = _seed(self, gradient, create_graph, "backward(gradient=...)")
        keep = create_graph if retain_graph is None else retain_graph
        only = None if inputs is None else _tensor_list(inputs, "backward(inputs=...)")
        backprop([self], [seed], keep, create_graph, True, only)


class Parameter(Tensor):
    """A Tensor that a module trains: requires_grad=True by default, float data (ints become float64).

    `path` is the dotted name the owning nn.Module gives it ("0.weight"); the
    renderer shows it when no `name` was given.  (`nn.Parameter` is this class.)
    """

    __slots__ = ("path",)

    def __init__(self, data: Any = None, requires_grad: bool = True, name: str | None = None) -> None:
        arr = as_array(0.0 if data is None else data, None, "Parameter data")
        if arr.dtype.kind != "f":
            arr = arr.astype(_FLOAT)
        super().__init__(arr, requires_grad=requires_grad, name=name)
        self.path: str | None = None

    def __repr__(self) -> str:
        return "Parameter containing:\n" + super().__repr__()


class RemovableHandle:
    """Returned by `register_hook`: `.remove()` takes the hook off."""

    def __init__(self, hooks: dict, key: int) -> None:
        self._hooks, self._key = hooks, key

    def remove(self) -> None:
        self._hooks.pop(self._key, None)


_hook_ids = itertools.count()


def check_device(device: Any) -> None:
    """Accept None and "cpu" (the only device); anything else is a clear error."""
    if device is not None and str(device) != "cpu":
        raise ValueError(f"device {device!r} is not available: this engine runs on the CPU only (device='cpu')")


def wrap_dim(d: Any, ndim: int, what: str) -> int:
    """A dimension index in 0..ndim-1 from d in -ndim..ndim-1, or a clear IndexError."""
    try:
        d = operator.index(d)  # (not int(): "1" and 1.5 are not dims)
    except TypeError:
        raise TypeError(f"{what}: dim must be an integer, got {d!r}") from None
    n = ndim if ndim else 1
    if not -n <= d < n:
        raise IndexError(
            f"{what}: dim {d} is out of range for a tensor with {ndim} dimensions (valid: {-n} to {n - 1})"
        )
    return d % n


def _base_of(t: Tensor) -> Tensor:
    """The tensor that owns `t`'s memory (t itself unless t is a view); versions live there."""
    b = t._base
    return t if b is None else b


def _bump(t: Tensor) -> None:
    """Record an in-place change of t's memory: a new version for t and every view of it."""
    base = _base_of(t)
    base._changed = _rare[0] = _next_seq()
    base._count += 1


# ----------------------------------------------------------------------------- grad_fn, for PyTorch habits


class GradFn:
    """PyTorch's `grad_fn`: the backward function of the op that made a tensor.

    `name()` is "MulBackward0" for mul; `next_functions` holds one `(fn, 0)` pair per
    input: the input's own GradFn, an `AccumulateGrad` for a leaf that requires
    grad, or None for a constant.
    """

    def __init__(self, node: Any) -> None:
        self._node = node

    @staticmethod
    def name_of(op: Op) -> str:
        return "".join(part.capitalize() for part in op.name.split("_")) + "Backward0"

    def name(self) -> str:
        return self.name_of(self._node._op)

    @property
    def next_functions(self) -> tuple:
        out = []
        for p in inputs_of(self._node):
            if not p.requires_grad:
                out.append((None, 0))
            elif p.op is None:
                out.append((AccumulateGrad(p), 0))
            else:
                out.append((GradFn(p), 0))
        return tuple(out)

    @property
    def metadata(self) -> dict:
        return {}

    def __eq__(self, other: object) -> bool:
        return isinstance(other, GradFn) and other._node is self._node

    def __hash__(self) -> int:
        return id(self._node)

    def __repr__(self) -> str:
        return f"<{self.name()}>"


class AccumulateGrad:
    """The `next_functions` entry of a leaf: it adds the gradient into `variable.grad`."""

    next_functions: tuple = ()

    def __init__(self, variable: Tensor) -> None:
        self.variable = variable

    def name(self) -> str:
        return "torch::autograd::AccumulateGrad"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, AccumulateGrad) and other.variable is self.variable

    def __hash__(self) -> int:
        return id(self.variable)

    def __repr__(self) -> str:
        return "<AccumulateGrad>"


# ----------------------------------------------------------------------------- in-place changes


def inplace(t: Tensor, op: Callable, *args: Any, direct: Callable | None = None, **params: Any) -> Tensor:
    """t ← op(t, *args, **params), written into t's own memory, by PyTorch's rules; returns t.

    * A leaf that requires grad may be changed only under `no_grad()`.
    * Not recording (no_grad, or nothing requires grad): numpy writes into t's
      array, and t's version is bumped, so a VJP that saved t's old value raises.
    * Recording: the op is recorded like any other, t becomes its output, and
      its earlier self lives on (`_history`) for the nodes that used it before.

    `direct(array, *arrays, **params)`, when given, does the unrecorded change by
    writing into the array itself (x[i] = v, fill_), instead of computing a copy.
    """
    if not isinstance(t, Tensor):
        raise TypeError(f"in-place {_op_name(op)} needs a Tensor, got {type(t).__name__}")
    grad_on = not _off or _local.enabled
    if grad_on and t._rg and t._op is None:
        raise RuntimeError(
            f"a leaf tensor that requires grad{_called(t)} is being used in an in-place "
            "operation; do it under `with no_grad():` (as optimisers do), or use an "
            "out-of-place op (y = x + 1)"
        )
    if tracers:
        tracers[-1].note(t, f"the in-place {_op_name(op)}")
    _own(t)
    if not (grad_on and (t._rg or any(isinstance(a, Tensor) and a._rg for a in args))):
        spec = op.op  # type: ignore[attr-defined]
        arrays = [unwrap(a) for a in args]
        ufunc = _UFUNC_OF.get(spec.forward, spec.forward)
        if isinstance(ufunc, np.ufunc) and not params and not t._borrowed:
            _write_ufunc(t, spec, ufunc, arrays)  # straight into t's memory: no temporary
        elif direct is not None:
            _write_direct(t, direct, arrays, params, spec)
        else:
            _write(t, op(t._data, *arrays, **params), op)
        return t
    if t._base is not None:
        return _inplace_on_a_slice(t, op, args, params)
    spec = op.op  # type: ignore[attr-defined]
    earlier = _fill(_new(Tensor), t._data, t._rg, t._op, t._parents, t._params, t._seq, t._scope)
    earlier.name = t.name
    if _needs_value_before(spec, args):
        earlier._data = t._data.copy()  # the new op's VJP needs the value from before (pow_): keep it, as PyTorch does
    else:
        earlier._base = t  # the earlier self stands for t's memory: it has t's version (a copy has its own)
    _bump(t)  # before recording, so the new node (newer) sees its input at the current version
    out = op(earlier, *[earlier if a is t else a for a in args], **params)
    _write(t, out._data, op, bump=False)
    t._rg, t._op, t._parents, t._params, t._seq = True, out._op, out._parents, out._params, out._seq
    t._scope = out._scope
    t._history = [*(t._history or []), (t._seq, earlier)]
    return t


# the ufunc behind each Python operator that ops use as a forward (x += y runs np.add(x, y, out=x))
_UFUNC_OF = {
    operator.add: np.add,
    operator.sub: np.subtract,
    operator.mul: np.multiply,
    operator.truediv: np.true_divide,
    operator.neg: np.negative,
}


def _needs_value_before(spec: Op, args: tuple) -> bool:
    """Does the VJP of `t.op_(*args)` read t's value from before the change?  (Only VJPs of inputs that
    get a gradient count: t's own, and those of args that require grad.)"""
    for i, r in enumerate(spec.reads):
        if (1 in r or -1 in r) and (i == 0 or i <= len(args) and isinstance(args[i - 1], Tensor) and args[i - 1]._rg):
            return True
    return False


def _inplace_on_a_slice(t: Tensor, op: Callable, args: tuple, params: dict) -> Tensor:
    """`h[0] += 5`, `x[:, 1].mul_(2)` on a tensor in the graph: the slice's new value is computed out of
    place and written into its base as a recorded `base[index] = value` (so the base's gradient is
    right), and t becomes that slice of the new base, as in PyTorch.  Views of other kinds (reshape,
    transpose, expand) and views of views are not supported: an error says so."""
    base, parent = t._base, t._parents[0] if t._parents else None
    if t._op is None or t._op.name != "getitem" or parent is not base:
        raise RuntimeError(
            f"in-place {_op_name(op)} on a view{_called(t)} of a tensor in the graph is "
            "supported for slices x[index] only (its base's gradient would be wrong); use an "
            "out-of-place op instead"
        )
    index = t._params["index"]
    before = _fill(_new(Tensor), t._data, t._rg, t._op, t._parents, t._params, t._seq, t._scope)
    if _needs_value_before(op.op, args):  # t as it is now (t itself becomes the slice of the new base below)
        before._data = t._data.copy()
    else:
        before._base = base
    value = op(before, *[before if a is t else a for a in args], **params)  # out of place
    inplace(base, setitem, value, index=index)
    fresh = getitem(base, index=index)
    t._rg, t._op, t._parents, t._params, t._seq = fresh._rg, fresh._op, fresh._parents, fresh._params, fresh._seq
    t._data = fresh._data  # a view of the base's memory, which now holds the new values
    return t


def _write_ufunc(t: Tensor, spec: Op, ufunc: np.ufunc, arrays: list) -> None:
    try:
        ufunc(t._data, *arrays, out=t._data)
    except (TypeError, ValueError) as e:  # numpy's casting and broadcasting errors, in PyTorch's words
        other = np.asarray(arrays[0]) if arrays else None
        if other is not None and not np.can_cast(np.result_type(t._data, other), t._data.dtype, "same_kind"):
            raise RuntimeError(
                f"in-place {spec.name}: result type {np.result_type(t._data, other)} can't be cast "
                f"to the tensor's dtype {t._data.dtype}; use an out-of-place op or convert "
                "first"
            ) from None
        if not t._data.flags.writeable:
            raise RuntimeError(_READ_ONLY.format(op=spec.name)) from None
        raise RuntimeError(f"in-place {spec.name} on a tensor of shape {t.shape}: {e}") from None
    _bump(t)


def _write_direct(t: Tensor, direct: Callable, arrays: list, params: dict, spec: Op) -> None:
    if t._borrowed:
        t._data = t._data.copy()
        t._borrowed = False
    if not t._data.flags.writeable:
        raise RuntimeError(_READ_ONLY.format(op=spec.name))
    try:
        direct(t._data, *arrays, **params)
    except (TypeError, ValueError) as e:
        raise RuntimeError(f"in-place {spec.name} on a tensor of shape {t.shape}, dtype {t.dtype}: {e}") from None
    _bump(t)


_READ_ONLY = (
    "in-place {op}: this tensor's memory is read-only (made by expand(), or from a read-only array); use .clone() first"
)


def _called(t: Tensor) -> str:
    return f" ({t.name!r}, shape {t.shape})" if t.name else f" (shape {t.shape}, dtype {t.dtype})"


def _op_name(op: Callable) -> str:
    return getattr(getattr(op, "op", None), "name", getattr(op, "__name__", "op"))


def _write(t: Tensor, result: Any, op: Callable, bump: bool = True) -> None:
    """Copy `result` into t's array (keeping its memory, dtype and shape) and bump t's version."""
    arr = t._data
    if t._borrowed:  # a gradient array that may be shared with another tensor's gradient
        arr = t._data = arr.copy()
        t._borrowed = False
    if result is not arr:
        result = np.asarray(result)
        if result.shape != arr.shape:
            raise RuntimeError(
                f"in-place {_op_name(op)}: the result has shape {result.shape} but the tensor "
                f"has shape {arr.shape} (an in-place op cannot change a tensor's shape)"
            )
        if not np.can_cast(result.dtype, arr.dtype, casting="same_kind"):
            raise RuntimeError(
                f"in-place {_op_name(op)}: result type {result.dtype} can't be cast to the "
                f"tensor's dtype {arr.dtype}; use an out-of-place op or convert first"
            )
        if not arr.flags.writeable:
            raise RuntimeError(_READ_ONLY.format(op=_op_name(op)))
        np.copyto(arr, result, casting="same_kind")
    if bump:
        _bump(t)


# ----------------------------------------------------------------------------- backward

_FREED_MESSAGE = (
    "Trying to backward through the graph a second time (or directly access saved tensors after "
    "they have already been freed): saved values of `{node}` were freed by the first backward(). "
    "Pass retain_graph=True to the first call if you need to go through it again."
)


def _seed(root: Tensor, gradient: Any, create: bool, what: str) -> Any:
    """The starting gradient ∂L/∂root: ones for a one-element root, else `gradient`, checked."""
    if not isinstance(root, Tensor):
        raise TypeError(f"{what}: outputs must be Tensors, got {type(root).__name__}")
    if not root._rg:
        raise RuntimeError(
            f"element 0 of tensors does not require grad and does not have a grad_fn: the output "
            f"(shape {root.shape}) was computed from no tensor with requires_grad=True, or under "
            "no_grad()"
        )
    if gradient is None:
        if root._data.size != 1:
            raise RuntimeError(
                f"grad can be implicitly created only for one-element outputs, but this tensor "
                f"has shape {root.shape}; pass {what.split('(')[0]}(gradient) of that shape (e.g. "
                "the tensor of ones), or reduce it with .sum() or .mean() first"
            )
        one = root._data.dtype.type(1)  # ∂root/∂root = 1; a numpy scalar for 0-d (see _scalars)
        arr = one if root._data.ndim == 0 else np.full(root._data.shape, one)
        return _leaf(np.asarray(arr)) if create else arr
    if isinstance(gradient, Tensor):
        arr = gradient._data
    elif isinstance(gradient, np.ndarray) or (
        isinstance(gradient, (int, float, np.number)) and not isinstance(gradient, bool)
    ):
        arr = np.asarray(gradient)
    else:
        raise TypeError(
            f"{what} must be a Tensor (or an array) of the output's shape {root.shape}, got {type(gradient).__name__}"
        )
    if arr.shape != root._data.shape:
        raise ValueError(f"{what} has shape {arr.shape} but the output has shape {root.shape}")
    if arr.dtype.kind not in "fiub" or arr.dtype.kind == "b":
        raise TypeError(f"{what} has dtype {arr.dtype}; it must hold numbers like the output ({root.dtype})")
    arr = arr.astype(root._data.dtype, copy=True)  # a copy: .grad must never share the caller's array
    if create:
        return gradient if isinstance(gradient, Tensor) and gradient._data.dtype == root._data.dtype else _leaf(arr)
    return arr[()] if arr.ndim == 0 else arr


def _tensor_list(xs: Any, what: str) -> list[Tensor]:
    items = [xs] if isinstance(xs, Tensor) else list(xs)
    for k, t in enumerate(items):
        if not isinstance(t, Tensor):
            raise TypeError(f"{what}: item {k} is a {type(t).__name__}, not a Tensor")
    return items


def _unbroadcast(g: Any, t: Tensor) -> Any:
    """Bring gradient g to t's shape and dtype.

    A gradient with extra leading axes, or longer along an axis where t has
    length 1, comes from an input that was broadcast in the forward pass: it is
    summed over those axes.  Otherwise it is a reduction's VJP (kept axes of
    length 1) and is broadcast up.  (Shapes, not sizes, decide: a batch of 0
    rows has no entries but still sums to the input's shape.)  Every gradient
    has its tensor's dtype (float32 stays float32).
    """
    shape, dtype = t._data.shape, t._data.dtype
    gshape = g.shape
    if gshape != shape:
        if len(gshape) > len(shape) or any(
            s == 1 and n != 1 for n, s in zip(gshape[len(gshape) - len(shape) :], shape)
        ):
            g = sum_to(g, shape=shape)
        else:
            g = broadcast_to(g, shape=shape)
    if g.dtype != dtype:
        g = g.astype(dtype) if not isinstance(g, Tensor) else cast(g, dtype=dtype)
    return g


def _scalars(parents: tuple, out: np.ndarray) -> tuple[Any, Any]:
    """A 0-d node's inputs and output as numpy scalars, whose arithmetic is cheaper than 0-d arrays'
    (`benchmarks/README.md`, "0-d values")."""
    if len(parents) == 2:
        return (parents[0]._data[()], parents[1]._data[()]), out[()]
    return [p._data[()] for p in parents], out[()]


SMALL = 1024  # entries: backward keeps the links of nodes this small (see is_freed)


def backprop(
    roots: list[Tensor],
    seeds: list[Any],
    keep: bool,
    create: bool,
    accumulate: bool = True,
    only: list[Tensor] | None = None,
    on_step: Callable | None = None,
    side: bool = False,
) -> dict[Tensor, Any]:
    """The backward walk: from `roots` (seeded with `seeds`) back to the leaves.  Returns the
    gradients that reached the leaves, by tensor (with `only`: those of `only`'s tensors instead),
    and adds them into `.grad` when `accumulate`.  `Tensor.backward` and `grad` call it; so do
    tools (the renderer, `compile`) that watch it through `on_step(node, ḡ, [(input, ḡ_input),
    ...])`, called after each node's VJPs.

    Pending gradients wait in a dict keyed by node; the heap holds (−creation number, node), so
    the newest waiting node comes out first, its gradient complete (its consumers are all newer);
    leaves wait in the dict until the end.  Without `keep`, each node is marked freed (see
    `is_freed`).  `side=True` is a walk on the side (the renderer's, after `backward()`):
    a node whose links were cut ends it like a leaf, and hooks and `retain_grad` are not run.
    """
    if tracers:  # autograd.compile is watching (autograd/compiler/build.py)
        tracers[-1].backward(roots, seeds, accumulate, only, create)
        on_step = on_step or tracers[-1].step
    pending: dict[Tensor, Any] = {}
    heap: list[tuple[int, Tensor]] = []
    for root, seed in zip(roots, seeds):
        if root in pending:  # a root given twice: its seeds add up
            pending[root] = pending[root] + seed
        else:
            pending[root] = seed
            if root._op is not None:
                heappush(heap, (-root._seq, root))
    wanted, found = (None, pending) if only is None else (set(only), {})
    restore = create and not _local.enabled  # a create_graph walk records its VJPs, even under no_grad
    if restore:
        _set_enabled(True)
    try:
        while heap:
            node = heappop(heap)[1]
            g = pending.pop(node)
            parents = node._parents
            if not parents or node._freed and not side:
                if not side:
                    raise RuntimeError(_FREED_MESSAGE.format(node=_label(node)))
                pending[node] = g  # a big node whose links backward cut: its gradient stops here
                continue
            if _rare[0] > node._seq:  # an in-place change, hook or retain_grad happened since it was made
                g = _rare_node(node, g, create, side)
                parents = node._parents  # (inputs changed in place since are rerouted to their earlier selves)
            if wanted is not None and node in wanted:
                found[node] = g
            nd = node._data.ndim
            if create:  # VJPs get Tensors, so they are recorded
                args, out = parents, node
            elif nd:  # VJPs get arrays
                out = node._data
                args = (parents[0]._data, parents[1]._data) if len(parents) == 2 else tuple(map(_data_of, parents))
            else:  # a 0-d node: numpy scalars
                args, out = _scalars(parents, node._data)
            spec, params = node._op, node._params
            vjps = spec.vjps
            grads = vjps[0](g, out, *args, **params) if spec.variadic else None  # (one VJP for all inputs)
            step = [] if on_step is not None else None
            for i, p in enumerate(parents):
                if p._rg:
                    gi = vjps[i](g, out, *args, **params) if grads is None else grads[i]  # ḡ_i = VJP_i(ḡ)
                    if gi.shape != p._data.shape:
                        gi = _unbroadcast(gi, p)
                    if step is not None:
                        step.append((p, gi))
                    old = pending.get(p)
                    if old is None:  # its first gradient: queue it (a leaf just waits in `pending`)
                        pending[p] = gi
                        if p._op is not None:
                            heappush(heap, (-p._seq, p))
                    else:
                        pending[p] = old + gi  # a node used several times: its gradients add up
            if step is not None:
                on_step(node, g, step)
            if not keep:  # mark it walked; big nodes let go of their inputs (see is_freed)
                node._freed = True
                if nd and (len(out) if nd == 1 else node._data.size) > SMALL:  # (out is a Tensor under create)
                    node._parents = ()
    finally:
        if restore:
            _set_enabled(False)
    return _finish(found, pending, wanted, accumulate, create)


def _finish(found: dict, pending: dict, wanted: set | None, accumulate: bool, create: bool) -> dict:
    """What the walk returns: the leaves' gradients (summed over every path), or `only`'s; added
    into `.grad` when accumulating."""
    if wanted is not None:
        found.update((t, g) for t, g in pending.items() if t in wanted)
    if accumulate:
        for t, g in found.items():
            _accumulate(t, g, create)
    return found


_data_of = operator.attrgetter("_data")


def _rare_node(node: Tensor, g: Any, create: bool, side: bool = False) -> Any:
    """The slow path of the walk for a node made before an in-place change, hook or retain_grad
    (a walk on the `side` checks versions only)."""
    _check_versions(node)
    if side:
        return g
    g = _in_dtype(g, node)  # hooks and retain_grad show it: in the node's dtype
    hooks = node._hooks
    if hooks:
        g = _run_hooks(node, g, hooks, create)
    if node._retains:
        _accumulate(node, g, create)
    return g


def _run_hooks(t: Tensor, g: Any, hooks: dict, create: bool) -> Any:
    for hook in list(hooks.values()):
        arg = g if isinstance(g, Tensor) else _leaf(np.asarray(g))
        new = hook(arg)
        if new is not None:
            if not isinstance(new, Tensor) or new.shape != t.shape:
                raise ValueError(
                    f"a hook on a tensor of shape {t.shape} returned "
                    f"{type(new).__name__} {getattr(new, 'shape', '')}; it must return None or a "
                    "Tensor of the same shape"
                )
            g = new if create else (new._data[()] if new._data.ndim == 0 else new._data)
    return g


def _check_versions(node: Tensor) -> None:
    """Raise if a value this node's VJPs read was changed in place after the node was made.

    Also reroutes inputs that were changed by a *recorded* in-place op to their
    earlier selves (`_history`), so the gradient follows the graph as it was.
    """
    seq, parents = node._seq, node._parents
    reads: set[int] = set()
    for i, p in enumerate(parents):
        if p._rg or node._op.variadic:
            reads |= node._op.reads[0 if node._op.variadic else i]
    rerouted = list(parents)
    for k, p in enumerate(parents):
        if _base_of(p)._changed > seq:
            if (k + 1) in reads or -1 in reads:
                raise RuntimeError(_version_message(node, p, k))
            if p._history:
                rerouted[k] = _as_it_was(p, seq, p._history)
    if _base_of(node)._changed > seq and (0 in reads or -1 in reads):
        raise RuntimeError(_version_message(node, node, -1))
    if any(a is not b for a, b in zip(rerouted, parents)):  # (identity: == on tensors is elementwise)
        node._parents = tuple(rerouted)


def _as_it_was(t: Tensor, seq: int, history: list) -> Tensor:
    for changed_at, earlier in history:  # oldest first
        if changed_at > seq:
            return earlier
    return t


def _version_message(node: Tensor, t: Tensor, k: int) -> str:
    what = f"its output {_label(t)}" if k < 0 else f"its input {k} {_label(t)}"
    return (
        f"one of the variables needed for gradient computation has been modified by an inplace operation: "
        f"the VJP of {node._op.name} (made as {_label(node)}) needs {what}, which was changed in place after "
        f"the forward pass (now at version {t._version}). Compute the change out of place (y = x * 2 instead "
        "of x.mul_(2)), or move it after backward() (e.g. opt.step() after loss.backward())."
    )


def _label(t: Any) -> str:
    shape = tuple(t._data.shape)
    name = f"'{t.name}' " if getattr(t, "name", None) else ""
    op = f"output of {t._op.name}, " if t._op is not None else ""
    return f"{name}({op}shape {shape}, dtype {t._data.dtype})"


def _in_dtype(g: Any, t: Tensor) -> Any:
    """g in t's dtype (every gradient a user sees has its tensor's dtype; a cast op under create_graph).

    The walk itself checks only shapes per edge (cheap); dtypes are fixed here,
    where a gradient becomes visible: hooks, retain_grad, .grad, grad()'s results.
    """
    dtype = t._data.dtype
    if g.dtype == dtype:
        return g
    return cast(g, dtype=dtype) if isinstance(g, Tensor) else g.astype(dtype)


def accumulate_grad(t: Tensor, g: np.ndarray, fresh: bool = False) -> None:
    """`t.grad += g` exactly as `backward()` does it (leaf hooks run; in place when t owns its .grad),
    for tools that compute gradients themselves (`autograd.compile`'s programs).  `fresh`: `t.grad =
    None` first (a `zero_grad()` then a backward, in one call)."""
    if fresh:
        t._grad = None
    _accumulate(t, g, False)


def _accumulate(t: Tensor, g: Any, create: bool) -> None:
    """`t.grad += g`, never writing into an array another tensor may share."""
    if t._hooks and t._op is None:
        g = _run_hooks(t, g, t._hooks, create)
    old = t._grad
    if create:
        g = _in_dtype(g if isinstance(g, Tensor) else _leaf(np.asarray(g)), t)
        t._grad = g if old is None else old + g
        return
    if g.dtype != t._data.dtype:
        g = g.astype(t._data.dtype)
    if old is None:
        old = t._grad = _fill(_new(Tensor), g, False, None, (), None, 0, None)
        old._borrowed = True  # g may be another tensor's gradient too (x + y sends ḡ to both)
    elif old._borrowed or old._rg or not _own(old).flags.writeable:  # (a create_graph gradient may be a view)
        old._data = old._data + g
        old._borrowed = False
        _bump(old)
    else:
        old._data += g  # in place, as PyTorch: a reference to .grad sees the sum
        _bump(old)


def grad(
    outputs: Tensor | Sequence[Tensor],
    inputs: Tensor | Sequence[Tensor],
    grad_outputs: Any = None,
    retain_graph: bool | None = None,
    create_graph: bool = False,
    allow_unused: bool = False,
) -> tuple[Tensor | None, ...]:
    """Gradients of `outputs` with respect to `inputs`, returned, not stored.

    Like `torch.autograd.grad`: `.grad` fields are not touched, `inputs` may be
    intermediate tensors, and with `create_graph=True` the results are
    differentiable again (second and third derivatives).
    """
    outs = _tensor_list(outputs, "grad(outputs=...)")
    ins = _tensor_list(inputs, "grad(inputs=...)")
    if grad_outputs is None:
        gos: list[Any] = [None] * len(outs)
    elif isinstance(grad_outputs, (Tensor, np.ndarray)) or np.isscalar(grad_outputs):
        gos = [grad_outputs]
    else:
        gos = list(grad_outputs)
    if len(gos) != len(outs):
        raise ValueError(
            f"grad(): {len(outs)} outputs but {len(gos)} grad_outputs; give one per output "
            "(None for one-element outputs)"
        )
    seeds = [_seed(o, go, create_graph, f"grad(grad_outputs[{k}])") for k, (o, go) in enumerate(zip(outs, gos))]
    for k, t in enumerate(ins):
        if not t._rg:
            raise RuntimeError(f"grad(): input {k} (shape {t.shape}) does not require grad")
    keep = create_graph if retain_graph is None else retain_graph
    found = backprop(outs, seeds, keep, create_graph, accumulate=False, only=ins)
    result: list[Tensor | None] = []
    for k, t in enumerate(ins):
        g = found.get(t)
        if g is None:
            if not allow_unused:
                raise RuntimeError(
                    f"grad(): input {k} (shape {t.shape}) was not used to compute the outputs; "
                    "pass allow_unused=True to get None for it"
                )
            result.append(None)
        elif isinstance(g, Tensor):
            result.append(_in_dtype(g, t))
        else:
            result.append(_leaf(np.asarray(g, dtype=t._data.dtype)))
    return tuple(result)


# ----------------------------------------------------------------------------- the graph, for readers


def inputs_of(t: Tensor) -> tuple[Tensor, ...]:
    """The tensors t was computed from (() for a leaf, and for a big node after backward freed it)."""
    return t._parents


def walk(root: Tensor) -> Iterator[Tensor]:
    """Every tensor `root` was computed from (constants included), inputs before the nodes that use
    them, each once, without recursion."""
    order: list[Any] = []
    seen: set[int] = {id(root)}
    stack = [(root, iter(inputs_of(root)))]
    while stack:
        node, it = stack[-1]
        for p in it:
            if id(p) not in seen:
                seen.add(id(p))
                stack.append((p, iter(inputs_of(p))))
                break
        else:
            stack.pop()
            order.append(node)
    return iter(order)


def is_freed(t: Tensor) -> bool:
    """True when a backward without retain_graph walked t (a second backward through it is an error).

    Its links to its inputs are kept when it is small (at most `SMALL` entries,
    whatever its inputs' sizes; 0-d nodes always), so lecture-size graphs can
    still be drawn; otherwise they were cut, so big intermediate arrays are not
    kept alive.
    """
    return t._freed


# ----------------------------------------------------------------------------- the engine's own ops
# Undoing broadcasting (and keeping each gradient's dtype) is the engine's job, and so is an
# in-place change of a slice (recorded as base[index] = value), so the ops these need live
# here; autograd/ops.py re-exports them with the rest.


def _sum_to_shape(x: np.ndarray, *, shape: tuple) -> np.ndarray:
    """Sum `x` down to `shape`: the inverse of broadcasting.

    The common case, a bias gradient Σ_n ḡ_n over the leading (batch) axes, is a
    product with a vector of ones, which BLAS does faster than numpy's strided
    reduction over axis 0 (`benchmarks/README.md`, "bias sums").
    """
    lead = x.ndim - len(shape)
    if lead and x.shape[lead:] == shape and x.dtype.char in "fd" and x.size:  # float32/64: BLAS types
        n = x.size // max(1, int(np.prod(shape, dtype=np.int64)))
        ones = np.empty(n, x.dtype)
        ones.fill(1)
        return (ones @ x.reshape(n, -1)).reshape(shape)
    axes = tuple(range(lead)) + tuple(lead + i for i, s in enumerate(shape) if s == 1 and x.shape[lead + i] != 1)
    return (x.sum(axis=axes, keepdims=True) if axes else x).reshape(shape)


@primitive(lambda g, y, x, shape: broadcast_to(g, shape=x.shape))  # the VJP of a sum is a broadcast
def sum_to(x: Any, *, shape: tuple) -> Any:
    """Sum x down to `shape` (undo broadcasting: sum over the axes broadcasting added or stretched)."""
    return _sum_to_shape(x, shape=shape)


@primitive(lambda g, y, x, shape: sum_to(g, shape=x.shape), view=True)  # and the VJP of a broadcast a sum
def broadcast_to(x: Any, *, shape: tuple) -> Any:
    """x repeated (without copying) to `shape`, by numpy's broadcasting rules."""
    return np.broadcast_to(x, shape)


@primitive(lambda g, y, x, dtype: cast(g, dtype=x.dtype))  # a cast's VJP casts back
def cast(x: Any, *, dtype: Any) -> Any:
    """x converted to `dtype` (a copy); differentiable between float dtypes."""
    return x.astype(dtype)


def is_basic_index(index: Any) -> bool:
    """True for indices made of ints, slices, None and Ellipsis (no repeats possible; a view)."""
    parts = index if isinstance(index, tuple) else (index,)
    return all(isinstance(i, (int, np.integer, slice)) or i is None or i is Ellipsis for i in parts)


@primitive(lambda g, y, x, index: scatter_add(g, shape=x.shape, index=index), view=True)
def getitem(x: Any, *, index: Any) -> Any:
    """x[index] for basic indices (ints, slices, None, ...): a view.  Rule: ḡ goes back to the indexed places."""
    return x[index]


@primitive(lambda g, y, x, shape, index: getitem(g, index=index))
def scatter_add(g: Any, *, shape: tuple, index: Any) -> Any:
    """A zero array of `shape` with g added at `index`; repeated indices accumulate (getitem's VJP)."""
    out = np.zeros(shape, dtype=g.dtype)
    if is_basic_index(index):
        out[index] = g
    else:
        np.add.at(out, index, g)
    return out


def _setitem_vjp_value(g: Any, y: Any, x: Any, v: Any, index: Any) -> Any:
    """ḡ at the written places; where an index repeats, only the write that stayed (the last) gets it."""
    picked = getitem(g, index=index)
    return picked if is_basic_index(index) else picked * _kept_writes(x.shape, index)


def _kept_writes(shape: tuple, index: Any) -> np.ndarray:
    """For `x[index] = v` with an advanced index: True for the entries of v (broadcast to x[index]'s
    shape) whose write survived, False for those overwritten by a later write to the same place."""
    ids = np.full(shape, -1, dtype=np.int64)
    written = np.empty(shape, dtype=np.int8)[index].shape
    ids[index] = np.arange(math.prod(written)).reshape(written)  # the same assignment as the forward's
    kept = np.zeros(math.prod(written), dtype=bool)
    kept[ids[ids >= 0]] = True
    return kept.reshape(written)


@primitive(
    lambda g, y, x, v, index: g * _unset(x.shape, index),  # the overwritten places get nothing
    _setitem_vjp_value,
)  # the value gets ḡ at its places
def setitem(x: Any, v: Any, *, index: Any) -> Any:
    """A copy of x with x[index] = v (what `x[index] = v` records).  Rule: ḡ splits by place."""
    out = np.array(x, copy=True)
    out[index] = v
    return out


def _unset(shape: tuple, index: Any) -> np.ndarray:
    mask = np.ones(shape, dtype=bool)
    mask[index] = False
    return mask
