"""The compiler's rule table: for every op of `autograd/ops.py`, the numpy code it writes.

The VJPs in `ops.py` are Python functions the eager engine calls on arrays; a
mask like `unwrap(x) > 0` is computed from values each time, so a VJP cannot
be replayed from the trace.  Each entry here says instead what to *write*: the
forward as a numpy expression and one VJP expression per input, in the names
of the graph, with the rule in the reports' notation for the comment:

    "relu": Rule(("x",), "np.maximum({x}, 0.0)",
                 "{g} * ({x} > 0)",
                 math="∂L/∂{x} = ∂L/∂{y} · [{x} > 0]", report="report 000 eq. 7"),

Placeholders: the op's inputs by the names in the entry (`{x}`, `{a}`, `{b}`),
`{y}` its output, `{g}` the incoming gradient ∂L/∂y, its parameters by name
(`{axis}`, `{shape}`, written as Python literals) and the values a `saves=True`
op keeps (`{saved0}`, ...).  A forward or VJP is either one expression or a
list of statements `{target} = ...` (a target that is not `{y}`/`{gx}` is a new
temporary); a callable gets a `Context` and returns either (for rules that
depend on shapes, e.g. matmul of vectors or of a batch of one).

The compiler evaluates every line it writes on the traced values and compares
the result with what the engine computed (`autograd/compiler/build.py`), so a
wrong entry is an error at trace time, never a wrong program; every entry is
also tested against the eager engine (`tests/test_compile.py`).  An op with no
entry (a user's own `autograd.primitive`) is still compiled: the program calls
that op's own forward and VJP functions (`CALL`), which is correct because they
are evaluated on each call's arrays.

Broadcasting is undone by the compiler (`∑` down to the input's shape, as the
engine's `_unbroadcast`), so no entry handles it.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

Code = str | list[str] | Callable[["Context"], "str | list[str]"]

# precedence of a forward expression, for writing `a = x * m + b` without needless parentheses
ATOM, POWER, UNARY, PRODUCT, SUM, COMPARE = 9, 8, 7, 6, 5, 3


@dataclass(frozen=True)
class Rule:
    """What the compiler writes for one op: its forward, one VJP per input, and the comment."""

    inputs: tuple[str, ...]               # placeholder names of the op's inputs ("*" for variadic)
    forward: Code
    vjps: tuple[Code, ...] = ()
    math: str | tuple[str, ...] = ""      # the rule in the reports' notation (one per input, or one for all)
    report: str = ""                      # where the reports derive it ("report 000 eq. 7")
    prec: int = ATOM                      # precedence of a one-expression forward
    name: str = ""                        # how the comment names the op (default: its own name)
    saves: tuple[str, ...] = field(default=())   # names of the saved values, for `saves=True` ops


@dataclass
class Context:
    """What a callable rule may look at: the shapes and dtypes of the traced values and the parameters."""

    shapes: dict[str, tuple[int, ...]]
    dtypes: dict[str, np.dtype]
    params: dict[str, Any]

    def ndim(self, name: str) -> int:
        return len(self.shapes[name])


# ----------------------------------------------------------------------------- helpers for callable rules

def _kept_shape(c: Context) -> tuple[int, ...]:
    """The input's shape with the reduced axes kept as length 1 (what `ops._restore_axes` reshapes ḡ to)."""
    shape, axis = c.shapes["x"], c.params.get("axis")
    if axis is None:
        return (1,) * len(shape)
    return tuple(1 if k in axis else n for k, n in enumerate(shape))


def _restored(name: str) -> Callable[[Context], str]:
    """`{name}` with a reduction's removed axes put back (as `ops._restore_axes`), unless keepdims."""
    def code(c: Context) -> str:
        if c.params.get("keepdims"):
            return "{%s}" % name
        return "np.reshape({%s}, %r)" % (name, _kept_shape(c))
    return code


def _count(c: Context) -> int:
    shape, axis = c.shapes["x"], c.params.get("axis")
    return int(np.prod(shape if axis is None else [shape[a] for a in axis], dtype=np.int64))


def _swap(name: str, ndim: int) -> str:
    """The last two axes of `{name}` swapped: `.T` for a matrix."""
    return "{%s}.T" % name if ndim == 2 else "np.swapaxes({%s}, -1, -2)" % name


def _matmul_vjp_a(c: Context) -> str:
    """∂L/∂A = ḡBᵀ (a 1-D operand is a row or a column, as `ops._matmul_vjp_a`)."""
    a, b = c.ndim("a"), c.ndim("b")
    if b == 1:
        return "{g}[..., None] * {b}"
    if a == 1:
        return "np.reshape({b} @ {g}[..., None], %r)" % (c.shapes["b"][:-1],)
    return "{g} @ " + _swap("b", b)


def _matmul_vjp_b(c: Context) -> str:
    """∂L/∂B = Aᵀḡ; for a batch of one row (A of shape (1, n)) the product is an outer product, written
    with einsum: the same numbers (a sum of one term), faster than BLAS's product with an inner size of 1
    and than numpy's broadcast `Aᵀ * ḡ` (`benchmarks/README.md`, "outer products")."""
    a, b = c.ndim("a"), c.ndim("b")
    if a == 1 and b == 1:
        return "{g} * {a}"
    if a == 1:
        return "{a}[:, None] * np.reshape({g}, %r)" % (c.shapes["g"][:-1] + (1, c.shapes["g"][-1]),)
    if b == 1:
        return "np.reshape(%s @ {g}[..., None], %r)" % (_swap("a", a), c.shapes["a"][:-2] + c.shapes["a"][-1:])
    if a == 2 and c.shapes["a"][0] == 1:
        return 'np.einsum("ni,nj->ij", {a}, {g})'        # a batch of one: the outer product aᵀḡ
    return _swap("a", a) + " @ {g}"


def _pow_scalar_vjp(c: Context) -> str:
    p = c.params["p"]
    if p == 0:
        return "{g} * 0.0"
    if p == 1:
        return "{g}"
    if p == 2:
        return "{g} * (2 * {a})"                        # p·aᵖ⁻¹ = 2a (a ** 1 is a itself)
    return "{g} * ({p} * {a} ** %r)" % (p - 1,)


def _pow_scalar_math(c: Context) -> str:
    return "∂L/∂{a} = ∂L/∂{y} · 2·{a}" if c.params["p"] == 2 else "∂L/∂{a} = ∂L/∂{y} · p{a}ᵖ⁻¹"


def _tie(win: str, lose: str) -> Callable[[Context], str]:
    """ḡ to the winner, half each on a tie (as `ops._tie_share`), in ḡ's dtype."""
    return lambda c: "{g} * (({%s} > {%s}) + 0.5 * ({%s} == {%s})).astype(np.%s)" % (
        win, lose, win, lose, c.dtypes["g"].name)


def _clip_vjp(c: Context) -> str:
    parts = ([] if c.params.get("lo") is None else ["({x} >= {lo})"]) + \
            ([] if c.params.get("hi") is None else ["({x} <= {hi})"])
    return "{g} * (%s)" % " & ".join(parts)


def _extreme_vjp(c: Context) -> list[str]:
    """ḡ to the entries equal to the max (min), split evenly between ties (as `ops._extreme_vjp`)."""
    best = _restored("y")(c)
    return ["{win} = {x} == %s" % best,
            "{gx} = %s * ({win} / {win}.sum(axis={axis}, keepdims=True)).astype(np.%s)"
            % (_restored("g")(c), c.dtypes["g"].name)]


def _cumsum_vjp(c: Context) -> str:
    return "np.flip(np.cumsum(np.flip({g}, {axis}), axis={axis}), {axis})"


def _tile_vjp(c: Context) -> str:
    reps, shape = c.params["reps"], c.shapes["x"]
    full = (1,) * (len(reps) - len(shape)) + tuple(shape)
    split = tuple(d for r, n in zip(reps, full) for d in (r, n))
    return "np.reshape(np.reshape({g}, %r).sum(axis=%r), %r)" % (split, tuple(range(0, len(split), 2)), tuple(shape))


def _inverse_axes(c: Context) -> str:
    axes = c.params.get("axes")
    if axes is None and c.ndim("x") == 2:
        return "{g}.T"
    return "np.transpose({g})" if axes is None else "np.transpose({g}, %r)" % (tuple(int(a) for a in np.argsort(axes)),)


def _transpose_forward(c: Context) -> str:
    axes = c.params.get("axes")
    if axes is None or (c.ndim("x") == 2 and tuple(axes) == (1, 0)):
        return "{x}.T"
    return "np.transpose({x}, {axes})"


def _concat_vjp(c: Context) -> str:
    bounds = np.cumsum([s[c.params["axis"]] for s in c.shapes["*"]])[:-1].tolist()
    return "np.split({g}, %r, axis={axis})" % (bounds,)


def _scatter(c: Context) -> list[str]:
    """ḡ added back at the indexed places (`ops.scatter_add`): a plain assignment for basic indices."""
    how = "{gx}[{index}] = {g}" if _basic(c.params["index"]) else "np.add.at({gx}, {index_tuple}, {g})"
    return ["{gx} = np.zeros(%r, np.%s)" % (tuple(c.shapes["x"]), c.dtypes["g"].name), how]


def _scatter_forward(c: Context) -> list[str]:
    how = "{y}[{index}] = {g}" if _basic(c.params["index"]) else "np.add.at({y}, {index_tuple}, {g})"
    return ["{y} = np.zeros({shape}, np.%s)" % c.dtypes["g"].name, how]


def _basic(index: Any) -> bool:
    parts = index if isinstance(index, tuple) else (index,)
    return all(isinstance(i, (int, np.integer, slice)) or i is None or i is Ellipsis for i in parts)


def _ce_scale(c: Context) -> str:
    """ḡ per row: ḡ·scale for a reduced loss, ḡ as a column for reduction="none" (`ops._per_row`)."""
    return "{g}[..., None]" if c.params["scale"] is None else "({g} * {scale})"


def _ce_forward(c: Context) -> list[str]:
    """−Σ Y log ŷ on the shifted logits θ' = θ − max θ, as `ops._cross_entropy_rows` computes it."""
    total = "-({Y} * {saved1}).sum(axis=-1)" if c.params["scale"] is None else "-np.vdot({Y}, {saved1}) * {scale}"
    return ["{shifted} = {z} - {z}.max(axis=-1, keepdims=True)",
            "{e} = np.exp({shifted})",
            "{total} = {e}.sum(axis=-1, keepdims=True)",
            "{saved1} = {shifted} - np.log({total})",
            "{saved0} = {e} / {total}",
            "{y} = " + total]


def _ce_vjp(c: Context) -> str:
    """ŷ − Y for rows that sum to one (`unit`), ŷ·ΣY − Y otherwise; times ḡ per row."""
    rows = "({saved0} - {Y})" if c.params.get("unit") else "({saved0} * np.sum({Y}, axis=(1,), keepdims=True) - {Y})"
    return rows + " * " + _ce_scale(c)


def _sum_forward(c: Context) -> str:
    return "{x}.sum()" if c.params.get("axis") is None and not c.params.get("keepdims") else \
        "{x}.sum(axis={axis}, keepdims={keepdims})"


UNARY_ZERO = "{g} * 0.0"

# ----------------------------------------------------------------------------- the table, in ops.py's order

RULES: dict[str, Rule] = {
    # arithmetic (broadcasting is undone by the compiler)
    "add": Rule(("a", "b"), "{a} + {b}", ("{g}", "{g}"), ("∂L/∂{a} = ∂L/∂{y}", "∂L/∂{b} = ∂L/∂{y}"), prec=SUM),
    "sub": Rule(("a", "b"), "{a} - {b}", ("{g}", "-{g}"), ("∂L/∂{a} = ∂L/∂{y}", "∂L/∂{b} = −∂L/∂{y}"), prec=SUM),
    "mul": Rule(("a", "b"), "{a} * {b}", ("{g} * {b}", "{g} * {a}"),
                ("∂L/∂{a} = ∂L/∂{y} · {b}", "∂L/∂{b} = ∂L/∂{y} · {a}"), prec=PRODUCT),
    "div": Rule(("a", "b"), "{a} / {b}", ("{g} / {b}", "-{g} * {y} / {b}"),
                ("∂L/∂{a} = ∂L/∂{y} / {b}", "∂L/∂{b} = −∂L/∂{y} · {a}/{b}²"), prec=PRODUCT),
    "neg": Rule(("a",), "-{a}", ("-{g}",), "∂L/∂{a} = −∂L/∂{y}", prec=UNARY),
    "pow": Rule(("a", "b"), "np.power({a}, {b})",
                ("{g} * np.where({b} == 0, 0.0, {b} * {a} ** ({b} - 1))",
                 "{g} * np.where(({a} == 0) & ({b} >= 0), 0.0,"
                 " {y} * np.log(np.where(({a} == 0) & ({b} >= 0), 1.0, {a})))"),
                ("∂L/∂{a} = ∂L/∂{y} · {b}{a}^({b}−1)", "∂L/∂{b} = ∂L/∂{y} · {y} ln {a}")),
    "pow_scalar": Rule(("a",), "{a} ** {p}", (_pow_scalar_vjp,), _pow_scalar_math, prec=POWER, name="pow",
                       report="report 000 eqs. 8–9 for (y − y*)²"),
    "matmul": Rule(("a", "b"), "{a} @ {b}", (_matmul_vjp_a, _matmul_vjp_b),
                   ("∂L/∂{a} = ∂L/∂{y} · {b}ᵀ", "∂L/∂{b} = {a}ᵀ · ∂L/∂{y}"), prec=PRODUCT,
                   report="report 002 eqs. 1.8, 1.9, 1.11"),
    "maximum": Rule(("a", "b"), "np.maximum({a}, {b})", (_tie("a", "b"), _tie("b", "a")),
                    ("∂L/∂{a} = ∂L/∂{y} · [{a} > {b}] (½ on ties)", "∂L/∂{b} = ∂L/∂{y} · [{b} > {a}] (½ on ties)")),
    "minimum": Rule(("a", "b"), "np.minimum({a}, {b})", (_tie("b", "a"), _tie("a", "b")),
                    ("∂L/∂{a} = ∂L/∂{y} · [{a} < {b}] (½ on ties)", "∂L/∂{b} = ∂L/∂{y} · [{b} < {a}] (½ on ties)")),
    "_where": Rule(("a", "b"), "np.where({cond}, {a}, {b})", ("{g} * {cond}", "{g} * ~{cond}"),
                   ("∂L/∂{a} = ∂L/∂{y} · [cond]", "∂L/∂{b} = ∂L/∂{y} · [not cond]"), name="where"),
    # elementwise functions
    "exp": Rule(("x",), "np.exp({x})", ("{g} * {y}",), "∂L/∂{x} = ∂L/∂{y} · e^{x} = ∂L/∂{y} · {y}"),
    "log": Rule(("x",), "np.log({x})", ("{g} / {x}",), "∂L/∂{x} = ∂L/∂{y} / {x}"),
    "sqrt": Rule(("x",), "np.sqrt({x})", ("{g} / (2 * {y})",), "∂L/∂{x} = ∂L/∂{y} / (2√{x})"),
    "abs": Rule(("x",), "np.abs({x})", ("{g} * np.sign({x})",), "∂L/∂{x} = ∂L/∂{y} · sign({x})"),
    "relu": Rule(("x",), lambda c: "np.maximum({x}, 0.0)" if c.dtypes["x"].kind == "f" else "np.maximum({x}, 0)",
                 ("{g} * ({x} > 0)",), "∂L/∂{x} = ∂L/∂{y} · [{x} > 0]", report="report 000 eq. 7"),
    "sigmoid": Rule(("x",), ["{e} = np.exp(-np.abs({x}))",                       # e^−|x| ≤ 1: no overflow
                             "{y} = np.maximum({e}, {x} >= 0) / (1 + {e})"],     # (1 or e^−|x|)/(1 + e^−|x|)
                    ("{g} * {y} * (1 - {y})",), "∂L/∂{x} = ∂L/∂{y} · {y}(1 − {y})",
                    report="report 002 eq. 1.10"),
    "tanh": Rule(("x",), "np.tanh({x})", ("{g} * (1 - {y} * {y})",), "∂L/∂{x} = ∂L/∂{y} · (1 − {y}²)"),
    "softplus": Rule(("x",), ["{saved0} = np.exp(-np.abs({x}))",                 # e^−|x|, kept for the VJP
                              "{y} = np.maximum({x}, 0) + np.log1p({saved0})"],
                     ("{g} * (np.maximum({saved0}, {x} >= 0) / (1 + {saved0}))",),
                     "∂L/∂{x} = ∂L/∂{y} · σ({x})", report="report 001 Q5: softplus' = eᶻ/(1 + eᶻ)", saves=("e",)),
    "clip": Rule(("x",), "np.clip({x}, {lo}, {hi})", (_clip_vjp,), "∂L/∂{x} = ∂L/∂{y} · [lo ≤ {x} ≤ hi]"),
    "sin": Rule(("x",), "np.sin({x})", ("{g} * np.cos({x})",), "∂L/∂{x} = ∂L/∂{y} · cos {x}"),
    "cos": Rule(("x",), "np.cos({x})", ("-{g} * np.sin({x})",), "∂L/∂{x} = −∂L/∂{y} · sin {x}"),
    "exp2": Rule(("x",), "np.exp2({x})", ("{g} * {y} * %r" % float(np.log(2)),), "∂L/∂{x} = ∂L/∂{y} · {y} ln 2"),
    "log2": Rule(("x",), "np.log2({x})", ("{g} / ({x} * %r)" % float(np.log(2)),),
                 "∂L/∂{x} = ∂L/∂{y} / ({x} ln 2)"),
    "log1p": Rule(("x",), "np.log1p({x})", ("{g} / (1 + {x})",), "∂L/∂{x} = ∂L/∂{y} / (1 + {x})"),
    "expm1": Rule(("x",), "np.expm1({x})", ("{g} * ({y} + 1)",), "∂L/∂{x} = ∂L/∂{y} · ({y} + 1)"),
    "round": Rule(("x",), "np.round({x})", (UNARY_ZERO,), "∂L/∂{x} = 0 (a step function)"),
    "floor": Rule(("x",), "np.floor({x})", (UNARY_ZERO,), "∂L/∂{x} = 0 (a step function)"),
    "ceil": Rule(("x",), "np.ceil({x})", (UNARY_ZERO,), "∂L/∂{x} = 0 (a step function)"),
    "sign": Rule(("x",), "np.sign({x})", (UNARY_ZERO,), "∂L/∂{x} = 0 (a step function)"),
    # reductions: ḡ is reshaped to the input's rank (the compiler broadcasts it to the input's shape)
    "sum": Rule(("x",), _sum_forward, (_restored("g"),), "∂L/∂{x}_i = ∂L/∂{y} (every entry of its sum)"),
    "mean": Rule(("x",), "np.mean({x}, axis={axis}, keepdims={keepdims})",
                 (lambda c: "%s / %d" % (_restored("g")(c), _count(c)),), "∂L/∂{x}_i = ∂L/∂{y} / n"),
    "max": Rule(("x",), "np.max({x}, axis={axis}, keepdims={keepdims})", (_extreme_vjp,),
                "∂L/∂{x}_i = ∂L/∂{y} · [{x}_i = max] / #ties"),
    "min": Rule(("x",), "np.min({x}, axis={axis}, keepdims={keepdims})", (_extreme_vjp,),
                "∂L/∂{x}_i = ∂L/∂{y} · [{x}_i = min] / #ties"),
    "prod": Rule(("x",), "np.prod({x}, axis={axis}, keepdims={keepdims})", (),
                 "∂L/∂{x}_i = ∂L/∂{y} · Π_{j≠i} {x}_j (its own VJP: exact where an entry is 0)"),
    "norm": Rule(("x",), "np.sqrt(np.sum({x} * {x}, axis={axis}, keepdims={keepdims}))", (),
                 "∂L/∂{x} = ∂L/∂{y} · {x}/‖{x}‖ (its own VJP: 0 where ‖{x}‖ = 0)"),
    "logsumexp": Rule(("x",), "CALL", (lambda c: "%s * np.exp({x} - %s)" % (_restored("g")(c), _restored("y")(c)),),
                      "∂L/∂{x} = ∂L/∂{y} · softmax({x})"),
    "cumsum": Rule(("x",), "np.cumsum({x}, axis={axis})", (_cumsum_vjp,), "∂L/∂{x}_i = Σ_{j ≥ i} ∂L/∂{y}_j"),
    # shape
    "reshape": Rule(("x",), "np.reshape({x}, {shape})", (lambda c: "np.reshape({g}, %r)" % (tuple(c.shapes["x"]),),),
                    "∂L/∂{x} = ∂L/∂{y} reshaped back"),
    "transpose": Rule(("x",), _transpose_forward, (_inverse_axes,), "∂L/∂{x} = (∂L/∂{y}) with the axes put back"),
    "broadcast_to": Rule(("x",), "np.broadcast_to({x}, {shape})", ("{g}",),
                         "∂L/∂{x} = Σ ∂L/∂{y} over the broadcast axes"),
    "sum_to": Rule(("x",), "CALL", ("{g}",), "∂L/∂{x} = ∂L/∂{y} broadcast back"),
    "cast": Rule(("x",), "{x}.astype({dtype})", ("{g}",), "∂L/∂{x} = ∂L/∂{y} in {x}'s dtype"),
    "getitem": Rule(("x",), "{x}[{index}]", (_scatter,), "∂L/∂{x} = ∂L/∂{y} at the indexed places, 0 elsewhere"),
    "take": Rule(("x",), "{x}[{index}]", (_scatter,), "∂L/∂{x} = Σ ∂L/∂{y} at the indexed places (repeats add up)"),
    "scatter_add": Rule(("g",), _scatter_forward, ("{g}[{index}]",), "∂L/∂{g} = ∂L/∂{y} at the indexed places"),
    "setitem": Rule(("x", "v"), ["{y} = np.array({x}, copy=True)", "{y}[{index}] = {v}"], (),
                    ("∂L/∂{x} = ∂L/∂{y} where nothing was written", "∂L/∂{v} = ∂L/∂{y} at the written places")),
    "fill": Rule(("x",), "np.full_like({x}, {value})", (UNARY_ZERO,), "∂L/∂{x} = 0 (every entry replaced)"),
    "copy_from": Rule(("x", "src"), "np.broadcast_to({src}, {x}.shape).astype({x}.dtype)", (UNARY_ZERO, "{g}"),
                      ("∂L/∂{x} = 0 (replaced)", "∂L/∂{src} = Σ ∂L/∂{y} over the broadcast axes")),
    "clone": Rule(("x",), "np.array({x}, copy=True, order='C')", ("{g}",), "∂L/∂{x} = ∂L/∂{y}"),
    "tile": Rule(("x",), "np.tile({x}, {reps})", (_tile_vjp,), "∂L/∂{x} = Σ ∂L/∂{y} over the copies"),
    "_concatenate": Rule(("*",), "np.concatenate([{*}], axis={axis})", (_concat_vjp,),
                         "each input gets its slice of ∂L/∂{y}", name="concatenate"),
    "_stack": Rule(("*",), "np.stack([{*}], axis={axis})", ("list(np.moveaxis({g}, {axis}, 0))",),
                   "input i gets slice i of ∂L/∂{y}", name="stack"),
    # softmax family
    "softmax": Rule(("x",), ["{e} = np.exp({x} - {x}.max(axis={axis}, keepdims=True))",
                             "{y} = {e} / {e}.sum(axis={axis}, keepdims=True)"],
                    ("{y} * ({g} - np.sum({g} * {y}, axis=({axis},), keepdims=True))",),
                    "∂L/∂{x} = ŷ ⊙ (∂L/∂ŷ − ⟨∂L/∂ŷ, ŷ⟩), J = diag(ŷ) − ŷŷᵀ", report="report 002 eq. 1.4"),
    "log_softmax": Rule(("x",), ["{shifted} = {x} - {x}.max(axis={axis}, keepdims=True)",
                                 "{y} = {shifted} - np.log(np.exp({shifted}).sum(axis={axis}, keepdims=True))"],
                        ("{g} - np.exp({y}) * np.sum({g}, axis=({axis},), keepdims=True)",),
                        "∂L/∂{x}_k = ∂L/∂{y}_k − ŷ_k Σ_i ∂L/∂{y}_i"),
    "_cross_entropy_rows": Rule(
        ("z", "Y"), _ce_forward,
        (_ce_vjp, lambda c: "-{saved1} * " + _ce_scale(c)),
        ("∂L/∂{z} = (ŷ − y) · scale, ŷ = softmax({z}), y the target rows", "∂L/∂{Y} = −log ŷ · scale"),
        report="report 000 eq. 6, report 002 eqs. 1.5–1.6", name="cross_entropy", saves=("yhat", "logp")),
}
"""One entry per op.  "CALL" as a forward means: call the op's own numpy forward (shown by name)."""

# Ops whose VJP branches on the values (zeros of a product, of a norm) or which index their own
# bookkeeping (setitem's surviving writes): the program calls the op's own VJP function, which is
# correct on each call's arrays, rather than restating it here.
CALLS_ITS_OWN_VJP = frozenset({"prod", "norm", "setitem"})


def rule_for(name: str) -> Rule | None:
    """The entry for op `name`, or None (then the program calls the op's own functions)."""
    return RULES.get(name)


def covered(op_names: Sequence[str]) -> list[str]:
    """Which of `op_names` have an entry or are known to call their own VJP (for the tests)."""
    return [n for n in op_names if n in RULES or n in CALLS_ITS_OWN_VJP]
