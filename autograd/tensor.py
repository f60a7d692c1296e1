"""The engine: `Tensor`, how operations are recorded, and the backward walk.

Room one of two. This file knows nothing about any particular operation; every
op and its vector-Jacobian product (VJP) lives in `autograd/ops.py`.

How it works, in four sentences:

1. An op (made by `primitive`) runs its numpy forward on the inputs' `.data` and,
   when gradients are wanted, returns a Tensor that remembers the op, its parent
   Tensors and the op's non-differentiable parameters (axis, shape, ...).
2. `backward()` orders the recorded graph once (iteratively: no recursion limit)
   and walks it from the output to the leaves, calling each op's VJP:
   ḡ_input = VJP(ḡ_output).  Gradients of a node used several times add up.
3. Broadcasting is undone here, once, when a gradient reaches an input whose
   shape differs (`_fit`), so no op can forget it.
4. VJPs are written with operators and functions that accept both ndarrays and
   Tensors.  A plain backward feeds them ndarrays (fast: nothing is recorded);
   `create_graph=True` feeds them Tensors, so the gradient is itself a graph and
   can be differentiated again (higher-order derivatives, no second rule set).
"""

from __future__ import annotations

import contextlib
import functools
import inspect
import itertools
import operator
from collections.abc import Callable, Iterable, Iterator, Sequence
from heapq import heappop, heappush
from typing import Any

import numpy as np

__all__ = ["Tensor", "no_grad", "enable_grad", "is_grad_enabled", "grad", "primitive", "toposort"]


# ----------------------------------------------------------------------------- grad mode

class _Mode:
    """Global switches: is recording on, and which module is building nodes now."""

    enabled = True
    scope: str | None = None  # set by nn.Module.__call__; the renderer groups nodes by it


_mode = _Mode()


def is_grad_enabled() -> bool:
    """True when new operations are recorded for backward."""
    return _mode.enabled


class _GradMode(contextlib.ContextDecorator):
    def __init__(self, enabled: bool) -> None:
        self.enabled = enabled

    def __enter__(self) -> None:
        self.prev = _mode.enabled
        _mode.enabled = self.enabled

    def __exit__(self, *exc: object) -> None:
        _mode.enabled = self.prev


def no_grad() -> _GradMode:
    """Context manager (and decorator) under which nothing is recorded.

    Use it for evaluation and for parameter updates: results have
    `requires_grad=False`, and no graph is kept alive.
    """
    return _GradMode(False)


def enable_grad() -> _GradMode:
    """Context manager (and decorator) that turns recording back on inside `no_grad`."""
    return _GradMode(True)


# ----------------------------------------------------------------------------- primitives

class Op:
    """A differentiable primitive: a numpy forward and one VJP per input.

    `vjps[i](g, out, *inputs, **params)` returns ∂L/∂inputs[i] given g = ∂L/∂out.
    A variadic op (concatenate, stack) has a single VJP that also gets `argnum=i`.
    An op with `saves=True` has a forward that returns `(out, saved)`: a value
    computed on the way that its VJPs reuse (they get it as `saved=`), so the
    backward pass does not compute it again (softmax's ŷ inside cross-entropy).
    """

    __slots__ = ("name", "forward", "vjps", "variadic", "saves")

    def __init__(self, name: str, forward: Callable, vjps: tuple, variadic: bool, saves: bool = False) -> None:
        self.name, self.forward, self.variadic, self.saves = name, forward, variadic, saves
        self.vjps = _ArgnumVJPs(vjps[0]) if variadic else vjps

    def __repr__(self) -> str:
        return f"<op {self.name}>"


class _ArgnumVJPs:
    """The VJPs of a variadic op: vjps[i] is its one VJP with `argnum=i` bound."""

    __slots__ = ("vjp",)

    def __init__(self, vjp: Callable) -> None:
        self.vjp = vjp

    def __getitem__(self, i: int) -> Callable:
        return functools.partial(self.vjp, argnum=i)


def primitive(name: str, forward: Callable, *vjps: Callable, variadic: bool = False,
              saves: bool = False) -> Callable:
    """Make a differentiable function from a numpy `forward` and its VJPs.

    Positional arguments are the differentiable inputs (Tensors, arrays or
    numbers); keyword arguments are parameters (axis, shape, index, ...).
    Called on plain arrays, the function is just `forward`: that is how VJPs
    written with these functions stay fast during an ordinary backward.
    `saves`: see `Op`.
    """
    spec = Op(name, forward, vjps, variadic, saves)
    # keyword defaults of the forward (axis=-1, ...) are recorded too, so VJPs always see them
    defaults = {k: p.default for k, p in inspect.signature(forward).parameters.items()
                if p.kind is p.KEYWORD_ONLY and p.default is not p.empty} if inspect.isfunction(forward) else {}

    def op(*args: Any, **params: Any) -> Any:
        for a in args:
            if isinstance(a, Tensor):
                return _record(spec, args, {**defaults, **params} if defaults else params)
        return forward(*args, **params)[0] if saves else forward(*args, **params)

    op.__name__ = op.__qualname__ = name
    op.op = spec  # type: ignore[attr-defined]
    return op


_new = object.__new__
_next_seq = itertools.count(1).__next__  # numbers recorded ops in creation order (see _backprop)


def _record(spec: Op, args: Sequence[Any], params: dict) -> Tensor:
    """Run `spec.forward` on the inputs' data and return the output Tensor,
    wired into the graph when any input requires a gradient."""
    parents = args
    for a in args:  # fast path: all inputs are Tensors already, so `args` is the parents tuple
        if not isinstance(a, Tensor):
            parents = _with_constants(args)
            break
    # fast paths: binary and unary ops without parameters (nearly all) skip building a list and a dict
    if params:
        data = spec.forward(*[p.data for p in parents], **params)
    elif len(parents) == 2:
        data = spec.forward(parents[0].data, parents[1].data)
    elif len(parents) == 1:
        data = spec.forward(parents[0].data)
    else:
        data = spec.forward(*[p.data for p in parents])
    saved = None
    if spec.saves:
        data, saved = data
    out = _new(Tensor)
    out.data = data if type(data) is np.ndarray else np.asarray(data)
    out.grad = out.name = out._g = None
    if _mode.enabled:
        for p in parents:
            if p.requires_grad:
                out.requires_grad = True
                out._op = spec
                out._parents = parents
                out._params = params if saved is None else {**params, "saved": saved}
                out._scope = _mode.scope
                out._seq = _next_seq()  # creation number: the backward walk goes newest first
                return out
    out.requires_grad = False  # nothing recorded: a leaf, like a tensor made by hand (requires_grad_() works)
    out._op = None
    out._parents = ()
    out._params = params
    out._scope = None
    out._seq = 0
    return out


def _with_constants(args: Sequence[Any]) -> tuple[Tensor, ...]:
    """`args` with every number or array wrapped as a constant Tensor (see `_constant`)."""
    like = None
    for a in args:
        if isinstance(a, Tensor):
            like = a.data
            break
    return tuple([a if isinstance(a, Tensor) else _constant(a, like) for a in args])


def _constant(value: Any, like: np.ndarray) -> Tensor:
    """Wrap a number or array operand as a constant Tensor.

    A Python number takes the dtype of the Tensor it meets (float32 stays
    float32); arrays keep their own dtype.
    """
    if isinstance(value, (int, float)) and like.dtype.kind == "f":
        data = np.asarray(value, dtype=like.dtype)
    else:
        data = np.asarray(value)
    return _leaf(data, False)


# ----------------------------------------------------------------------------- Tensor

class Tensor:
    """An n-dimensional array that records the operations applied to it.

    >>> x = Tensor([1.0, 2.0, 3.0], requires_grad=True)
    >>> (x * x).sum().backward()
    >>> x.grad
    Tensor([2., 4., 6.])

    Float data keeps its dtype (float32 stays float32); Python numbers and
    lists become float64; integer arrays stay integer (indices, labels) and
    cannot require gradients.
    """

    __slots__ = ("data", "grad", "requires_grad", "name", "_op", "_parents", "_params",
                 "_scope", "_g", "_seq", "__weakref__")
    __array_ufunc__ = None  # ndarray (op) Tensor defers to Tensor's reflected operator
    __array_priority__ = 1000

    def __init__(self, data: Any, requires_grad: bool = False, name: str | None = None) -> None:
        if isinstance(data, Tensor):
            data = data.data
        if isinstance(data, np.ndarray):
            arr = data
        else:
            arr = np.asarray(data)
            if arr.dtype.kind in "biu" or arr.dtype == object:
                arr = np.asarray(data, dtype=np.float64)
        if requires_grad and arr.dtype.kind != "f":
            raise TypeError(f"requires_grad=True needs floating-point data, got dtype {arr.dtype} "
                            f"(shape {arr.shape}); convert with .astype(np.float64) first")
        self.data = arr
        self.requires_grad = bool(requires_grad)
        self.name = name
        self.grad = self._g = self._op = self._scope = None
        self._parents = ()
        self._params = None
        self._seq = 0  # leaves are never queued by the backward walk; only recorded ops are numbered

    # -- array facts
    @property
    def shape(self) -> tuple[int, ...]:
        return self.data.shape

    @property
    def dtype(self) -> np.dtype:
        return self.data.dtype

    @property
    def ndim(self) -> int:
        return self.data.ndim

    @property
    def size(self) -> int:
        return self.data.size

    @property
    def is_leaf(self) -> bool:
        """True for tensors made by the user, and for all that need no gradient."""
        return not self.requires_grad or self._op is None

    @property
    def op(self) -> str | None:
        """Name of the op that produced this tensor (None for leaves)."""
        return self._op.name if self._op is not None else None

    def __len__(self) -> int:
        return len(self.data)

    def item(self) -> float:
        """The value of a one-element tensor as a Python number."""
        if self.data.size != 1:
            raise ValueError(f"item() needs a tensor with one element, got shape {self.shape}")
        return self.data.item()

    def numpy(self) -> np.ndarray:
        """The data as a numpy array (shared, not copied)."""
        return self.data

    def tolist(self) -> Any:
        return self.data.tolist()

    def detach(self) -> Tensor:
        """A new leaf sharing this data, cut off from the graph."""
        return _leaf(self.data, False)

    def astype(self, dtype: Any) -> Tensor:
        """A copy with another dtype, cut off from the graph."""
        return Tensor(self.data.astype(dtype))

    def requires_grad_(self, flag: bool = True) -> Tensor:
        if flag and self.data.dtype.kind != "f":
            raise TypeError(f"requires_grad=True needs floating-point data, got dtype {self.dtype}")
        self.requires_grad = flag
        return self

    def zero_grad(self) -> None:
        self.grad = None

    def __repr__(self) -> str:
        body = np.array2string(self.data, separator=", ", prefix="Tensor(", threshold=20)
        extra = f", op={self.op}" if self._op is not None else ""
        if self.requires_grad and self._op is None:
            extra += ", requires_grad=True"
        if self.name:
            extra += f", name={self.name!r}"
        return f"Tensor({body}{extra})"

    def __bool__(self) -> bool:
        return bool(self.data)

    def __float__(self) -> float:
        return float(self.item())

    __hash__ = object.__hash__

    # -- backward
    def backward(self, grad: Any = None, retain_graph: bool = False, create_graph: bool = False) -> None:
        """Fill `.grad` of every leaf this tensor depends on with ∂self/∂leaf.

        `grad` is ∂L/∂self and must be given unless self has one element.
        Gradients *add* into `.grad` (call `zero_grad()` between steps).
        Without `retain_graph` the graph is freed as it is walked, so a second
        backward through it is an error. `create_graph=True` records the
        backward pass too, so gradients can be differentiated again.
        """
        if grad is None:
            if self.data.size != 1:
                raise RuntimeError(f"backward() without a gradient needs a one-element output, but this "
                                   f"tensor has shape {self.shape}; pass grad= of that shape "
                                   f"(e.g. the tensor of ones), or reduce it with .sum() or .mean() first")
            one = self.data.dtype.type(1)  # the seed ∂self/∂self = 1, a numpy scalar for 0-d (see _backprop)
            grad = one if self.data.ndim == 0 else np.full(self.data.shape, one)
        _backprop([self], [grad], retain_graph or create_graph, create_graph, None)

    # -- operators: each is one op of autograd/ops.py
    def __add__(self, other: Any) -> Tensor:
        return _ops.add(self, other)

    def __radd__(self, other: Any) -> Tensor:
        return _ops.add(other, self)

    def __sub__(self, other: Any) -> Tensor:
        return _ops.sub(self, other)

    def __rsub__(self, other: Any) -> Tensor:
        return _ops.sub(other, self)

    def __mul__(self, other: Any) -> Tensor:
        return _ops.mul(self, other)

    def __rmul__(self, other: Any) -> Tensor:
        return _ops.mul(other, self)

    def __truediv__(self, other: Any) -> Tensor:
        return _ops.div(self, other)

    def __rtruediv__(self, other: Any) -> Tensor:
        return _ops.div(other, self)

    def __pow__(self, other: Any) -> Tensor:
        return _ops.pow(self, other)

    def __rpow__(self, other: Any) -> Tensor:
        return _ops.pow(other, self)

    def __matmul__(self, other: Any) -> Tensor:
        return _ops.matmul(self, other)

    def __rmatmul__(self, other: Any) -> Tensor:
        return _ops.matmul(other, self)

    def __neg__(self) -> Tensor:
        return _ops.neg(self)

    def __getitem__(self, index: Any) -> Tensor:
        return _ops.getitem(self, index=_unwrap_index(index))

    # comparisons give constant boolean tensors (masks, accuracies); == stays identity
    def __lt__(self, other: Any) -> Tensor:
        return Tensor(self.data < _data(other))

    def __le__(self, other: Any) -> Tensor:
        return Tensor(self.data <= _data(other))

    def __gt__(self, other: Any) -> Tensor:
        return Tensor(self.data > _data(other))

    def __ge__(self, other: Any) -> Tensor:
        return Tensor(self.data >= _data(other))

    # -- methods with numpy's names and signatures, so VJPs work on both types
    def sum(self, axis: Any = None, keepdims: bool = False) -> Tensor:
        return _ops.sum(self, axis=axis, keepdims=keepdims)

    def mean(self, axis: Any = None, keepdims: bool = False) -> Tensor:
        return _ops.mean(self, axis=axis, keepdims=keepdims)

    def max(self, axis: Any = None, keepdims: bool = False) -> Tensor:
        return _ops.max(self, axis=axis, keepdims=keepdims)

    def min(self, axis: Any = None, keepdims: bool = False) -> Tensor:
        return -_ops.max(-self, axis=axis, keepdims=keepdims)

    def reshape(self, *shape: Any) -> Tensor:
        if len(shape) == 1 and isinstance(shape[0], (tuple, list)):
            shape = tuple(shape[0])
        return _ops.reshape(self, shape=shape)

    def transpose(self, *axes: Any) -> Tensor:
        if len(axes) == 1 and (axes[0] is None or isinstance(axes[0], (tuple, list))):
            axes = axes[0]
        return _ops.transpose(self, axes=tuple(axes) if axes else None)

    def swapaxes(self, a: int, b: int) -> Tensor:
        axes = list(range(self.ndim))
        axes[a], axes[b] = axes[b], axes[a]
        return _ops.transpose(self, axes=tuple(axes))

    @property
    def T(self) -> Tensor:
        return _ops.transpose(self, axes=None)

    def exp(self) -> Tensor:
        return _ops.exp(self)

    def log(self) -> Tensor:
        return _ops.log(self)

    def sqrt(self) -> Tensor:
        return _ops.sqrt(self)

    def abs(self) -> Tensor:
        return _ops.abs(self)

    def relu(self) -> Tensor:
        return _ops.relu(self)

    def sigmoid(self) -> Tensor:
        return _ops.sigmoid(self)

    def tanh(self) -> Tensor:
        return _ops.tanh(self)

    def softplus(self) -> Tensor:
        return _ops.softplus(self)

    def clip(self, lo: float | None = None, hi: float | None = None) -> Tensor:
        return _ops.clip(self, lo=lo, hi=hi)

    def softmax(self, axis: int = -1) -> Tensor:
        return _ops.softmax(self, axis=axis)

    def log_softmax(self, axis: int = -1) -> Tensor:
        return _ops.log_softmax(self, axis=axis)



def _leaf(data: np.ndarray, requires_grad: bool) -> Tensor:
    """A leaf Tensor around `data` without the checks of `Tensor.__init__`."""
    t = _new(Tensor)
    t.data = data
    t.requires_grad = requires_grad
    t.grad = t.name = t._g = t._op = t._scope = t._params = None
    t._parents = ()
    t._seq = 0
    return t


def _data(x: Any) -> Any:
    return x.data if isinstance(x, Tensor) else x


def _unwrap_index(index: Any) -> Any:
    if isinstance(index, tuple):
        return tuple(_data(i) for i in index)
    return _data(index)


# ----------------------------------------------------------------------------- backward

def toposort(roots: Iterable[Tensor]) -> list[Tensor]:
    """Every recorded node that `roots` depend on, each after all its inputs.

    Nodes are numbered as they are made (`_seq`), and an op's output is made
    after its inputs, so creation order *is* a topological order: collect the
    nodes (iteratively, no recursion limit), then sort them by number.  Only
    nodes that require gradients are visited.
    """
    seen: set[Tensor] = {r for r in roots if r.requires_grad}  # Tensors hash by identity
    stack = list(seen)
    while stack:
        for p in stack.pop()._parents:
            if p.requires_grad and p not in seen:
                seen.add(p)
                stack.append(p)
    return sorted(seen, key=_seq_of)


_seq_of = operator.attrgetter("_seq")
_data_of = operator.attrgetter("data")


def _fit(g: Any, shape: tuple) -> Any:
    """Undo broadcasting: bring gradient `g` to its input's `shape`.

    A gradient with extra leading axes, or longer along an axis where the
    input has length 1, comes from an input that was broadcast in the forward
    pass: it is summed over those axes.  Otherwise it is a reduction's VJP
    (kept axes of length 1) and is broadcast up.  (Shapes, not sizes, decide:
    a batch of 0 rows has no entries but still sums to the input's shape.)
    """
    gshape = g.shape
    if len(gshape) > len(shape) or any(s == 1 and n != 1 for n, s in zip(gshape, shape)):
        return _ops.sum_to(g, shape=shape)
    return _ops.broadcast_to(g, shape=shape)


_FREED_MESSAGE = ("Trying to backward through the graph a second time: its saved values were freed "
                  "by the first backward(). Pass retain_graph=True to the first call if you need to "
                  "go through it again.")


def _backprop(roots: list[Tensor], seeds: list[Any], keep: bool, create: bool,
              wanted: dict[int, Tensor] | None, trace: list | None = None) -> dict[int, Any]:
    """Walk the graph from `roots` back to the leaves.

    The walk takes the newest waiting node first (a heap keyed by `_seq`, as
    PyTorch's engine does): every consumer of a node is newer than the node,
    so by the time a node comes out of the heap all its gradient has arrived.
    Only nodes that receive a gradient are ever touched; there is no separate
    sorting pass.  A gradient that reaches a leaf is stored at once.

    `wanted` None: add gradients into the leaves' `.grad` (backward()).
    Otherwise: return {id(t): gradient} for the tensors in `wanted`, leaving
    every `.grad` untouched (autograd.grad()).  `trace`, when a list, receives
    (node, g, [(parent, gradient), ...]) for each step (the renderer's frames).
    """
    found: dict[int, Any] = {}
    heap: list[tuple[int, Tensor]] = []  # (−seq, node): newest node on top
    for root, seed in zip(roots, seeds):
        if not root.requires_grad:
            raise RuntimeError(f"the output (shape {root.shape}) does not require grad: no input "
                               "with requires_grad=True reached it, or it was computed under no_grad()")
        seed = _data(seed) if not create else (seed if isinstance(seed, Tensor) else Tensor(seed))
        if getattr(seed, "shape", None) != root.data.shape and np.shape(seed) != root.data.shape:  # (lists)
            raise ValueError(f"grad has shape {np.shape(seed)} but the output has shape {root.shape}")
        _send(root, seed, heap, wanted, found, create)

    prev = _mode.enabled
    _mode.enabled = create
    try:
        while heap:
            node = heappop(heap)[1]
            g = node._g
            node._g = None
            if wanted is not None and id(node) in wanted:
                found[id(node)] = g
            parents = node._parents
            if not parents:  # recorded once, then freed by an earlier backward
                raise RuntimeError(_FREED_MESSAGE)
            if create:
                args, out = parents, node
            else:
                out = node.data
                if out.ndim:
                    args = tuple(map(_data_of, parents))
                else:  # 0-d values travel as numpy scalars: ~8× cheaper arithmetic than 0-d arrays
                    out = out[()]                    # (a[()] of an n-d array would be a view)
                    args = ((parents[0].data[()], parents[1].data[()]) if len(parents) == 2
                            else [p.data[()] for p in parents])
            vjps, params = node._op.vjps, node._params
            step = [] if trace is not None else None
            for i, p in enumerate(parents):
                if not p.requires_grad:
                    continue
                gi = vjps[i](g, out, *args, **params)  # ḡ_i = VJP_i(ḡ)
                if getattr(gi, "shape", None) != p.data.shape:
                    gi = _fit(gi, p.data.shape)
                if step is not None:
                    step.append((p, gi))
                if p._g is None and p._op is not None:  # fast path of _send(): first gradient of an op node
                    p._g = gi
                    heappush(heap, (-p._seq, p))
                else:
                    _send(p, gi, heap, wanted, found, create)
            if trace is not None:
                trace.append((node, g, step))
            if not keep:
                node._parents = ()  # frees the intermediates; _op stays for repr
    except BaseException:
        for _, node in heap:
            node._g = None
        raise
    finally:
        _mode.enabled = prev
    return found


def _send(t: Tensor, g: Any, heap: list, wanted: dict | None, found: dict, create: bool) -> None:
    """Deliver gradient g to t: store it (a leaf), or queue t / add g to t's pending sum (an op node)."""
    if t._op is None:
        if wanted is None:
            _accumulate(t, g, create)
        elif id(t) in wanted:
            found[id(t)] = g if id(t) not in found else found[id(t)] + g
    elif t._g is None:
        t._g = g
        heappush(heap, (-t._seq, t))
    else:
        t._g = t._g + g


def _accumulate(leaf: Tensor, g: Any, create: bool) -> None:
    """`leaf.grad += g`, without ever writing into an array another node may share."""
    if create:
        leaf.grad = g if leaf.grad is None else leaf.grad + g
        return
    if type(g) is not np.ndarray or g.dtype != leaf.data.dtype:  # numpy scalars (0-d), other dtypes
        g = np.asarray(g, dtype=leaf.data.dtype)
    leaf.grad = _leaf(g if leaf.grad is None else leaf.grad.data + g, False)


def grad(outputs: Tensor | Sequence[Tensor], inputs: Tensor | Sequence[Tensor],
         grad_outputs: Any = None, retain_graph: bool | None = None,
         create_graph: bool = False, allow_unused: bool = False) -> tuple[Tensor | None, ...]:
    """Gradients of `outputs` with respect to `inputs`, returned, not stored.

    Like `torch.autograd.grad`: `.grad` fields are not touched, `inputs` may
    be intermediate tensors, and with `create_graph=True` the results are
    differentiable again (second and third derivatives).
    """
    outs = [outputs] if isinstance(outputs, Tensor) else list(outputs)
    ins = [inputs] if isinstance(inputs, Tensor) else list(inputs)
    if grad_outputs is None:
        grad_outputs = [None] * len(outs)
    elif isinstance(grad_outputs, (Tensor, np.ndarray)) or np.isscalar(grad_outputs):
        grad_outputs = [grad_outputs]
    seeds = []
    for o, go in zip(outs, grad_outputs):
        if go is None:
            if o.data.size != 1:
                raise RuntimeError(f"grad() of an output of shape {o.shape} needs grad_outputs of that shape")
            go = np.ones_like(o.data)
        seeds.append(go)
    for t in ins:
        if not t.requires_grad:
            raise RuntimeError(f"input of shape {t.shape} does not require grad")
    keep = create_graph if retain_graph is None else retain_graph
    found = _backprop(outs, seeds, keep, create_graph, {id(t): t for t in ins})
    result = []
    for t in ins:
        g = found.get(id(t))
        if g is None:
            if not allow_unused:
                raise RuntimeError(f"an input of shape {t.shape} was not used to compute the outputs; "
                                   "pass allow_unused=True to get None for it")
            result.append(None)
        elif isinstance(g, Tensor):
            result.append(g)
        else:
            result.append(_leaf(np.asarray(g), False))
    return tuple(result)


def iter_graph(root: Tensor) -> Iterator[Tensor]:
    """Every tensor (constants included) that `root` was computed from, inputs first."""
    order: list[Tensor] = []
    seen: set[int] = {id(root)}
    stack = [(root, iter(root._parents))]
    while stack:
        node, parents = stack[-1]
        for p in parents:
            if id(p) not in seen:
                seen.add(id(p))
                stack.append((p, iter(p._parents)))
                break
        else:
            stack.pop()
            order.append(node)
    return iter(order)


from autograd import ops as _ops  # noqa: E402  (ops need Tensor; Tensor's methods need ops)
