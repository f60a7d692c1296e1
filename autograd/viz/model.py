"""The graph a picture shows, read once through the engine's public API: nodes, roles, names, module scopes.

Everything here is fixed for one graph and shared by all its pictures (the
plain graph, every backward frame): which tensor is an input, a parameter, a
constant, an intermediate, the output or a node that backward freed; the name
shown for it; the module box it sits in.

Names, in order of precedence:

1. the student's own `name=` (`Tensor(2.0, name="x")`, `loss.name = "L"`);
2. a parameter's module path, as `named_parameters()` gives it ("0.weight",
   "hidden.bias"), or its module scope plus a short role name;
3. for an intermediate, the expression that made it when that is short
   (`x×m`, `relu(a)`), else its op and its position among the ops of that
   kind (`relu₁`, `matmul₂`); for a leaf, `input₁` or the constant's value;
   an unnamed scalar output is `L`, the reports' name for the loss.

Every name is made safe once, here (`clean`): control characters become
visible marks and long names are cut, so neither Graphviz nor an HTML page
can be broken by a name; HTML escaping happens where the text is written.
"""

from __future__ import annotations

import unicodedata
from typing import Any

import numpy as np

from autograd.engine import Parameter, Tensor, inputs_of, is_freed, walk

SUBSCRIPTS = str.maketrans("0123456789", "₀₁₂₃₄₅₆₇₈₉")
SYMBOLS = {
    "add": "+",
    "sub": "−",
    "mul": "×",
    "div": "÷",
    "matmul": "@",
    "pow": "**",
    "pow_scalar": "**",
    "neg": "−",
    "relu": "ReLU",
    "exp": "exp",
    "log": "ln",
}
INFIX = {"add", "sub", "mul", "div", "matmul", "pow", "pow_scalar"}
MAX_NAME = 40  # characters of a shown name
MAX_EXPRESSION = 18  # an intermediate is named by its expression up to this length


def clean(text: Any, limit: int = MAX_NAME) -> str:
    """`text` as one safe line: control characters shown as ␊-style marks or �, at most `limit` characters.

    Graphviz and HTML both accept any printable text once it is escaped; what
    breaks them is a raw control character (a newline ends a DOT line, NUL ends
    a C string), so those never get through.
    """
    out = []
    for ch in str(text):
        if ch in "\n\r\t":
            out.append(" ")
        elif unicodedata.category(ch) in ("Cc", "Cs", "Co", "Cn") or ch in "\u202a\u202b\u202c\u202d\u202e":
            out.append(chr(0x2400 + ord(ch)) if ord(ch) < 32 else "�")
        else:
            out.append(ch)
    s = "".join(out).strip()
    return s if len(s) <= limit else s[: limit - 1] + "…"


def num(x: Any) -> str:
    """A number in at most 4 significant digits (−0 shown as 0; nan and inf as they are)."""
    x = np.asarray(x).item()
    if isinstance(x, bool):
        return str(x)
    if isinstance(x, float) and x == 0:
        return "0"
    return f"{x:.4g}"


def shape_text(shape: tuple) -> str:
    return "×".join(str(n) for n in shape) if shape else "scalar"


def _short(x: float) -> str:
    """An entry of a printed array: 3 significant digits, no negative zero."""
    return "0" if x == 0 else f"{x:.3g}"


def values(a: Any, limit: int) -> list[str]:
    """Lines showing an array: all entries when it has at most `limit`, else mean and range (NaN counted)."""
    a = np.asarray(a)
    if a.size == 1:
        return [num(a)]
    if a.size == 0:
        return ["(empty)"]
    if a.size <= limit:
        return np.array2string(
            a, separator=" ", max_line_width=48, formatter={"float_kind": _short, "int_kind": str}
        ).splitlines()
    if a.dtype.kind == "b":
        return [f"{int(a.sum())} of {a.size} true"]
    finite = np.isfinite(a) if a.dtype.kind == "f" else None
    if finite is not None and not finite.all():
        bad = int(a.size - finite.sum())
        if bad == a.size:
            return [f"all {a.size} not finite"]
        a = a[finite]
        lines = values(a, 0)
        return [*lines, f"{bad} not finite (nan/inf)"]
    lo, hi = a.min(), a.max()
    if lo == hi:
        return [f"all {num(lo)}"]
    mean = a.mean()
    if abs(mean) < 1e-12 * max(abs(lo), abs(hi)):  # round-off, e.g. softmax gradients summing to 0
        mean = 0.0
    return [f"mean {num(mean)}", f"range [{num(lo)}, {num(hi)}]"]


def one_line(a: Any, limit: int) -> str:
    return "  ".join(line.strip() for line in values(a, limit))


def wrt(name: str) -> str:
    """A name as it reads after ∂: expressions in parentheses (∂L/∂(x×m))."""
    return f"({name})" if any(c in name for c in "+−×÷@*( ") else name


def params_text(params: dict) -> str:
    """Op parameters worth showing (axis=1, shape=(3, 4)); defaults and arrays left out."""
    parts = []
    for k, v in params.items():
        if v is None or v is False or isinstance(v, (np.ndarray, Tensor)):
            continue
        text = clean(repr(v), 16)
        parts.append(f"{clean(k, 12)}={text}")
    return ", ".join(parts)


class GraphModel:
    """The recorded graph in walk order (inputs first, root last) with what every picture of it needs.

    `nodes[i]` is a Tensor; `parents[i]` the positions of its inputs; `roles[i]` one of
    input / parameter / constant / intermediate / output / freed; `names[i]` the shown
    name; `scopes[i]` the module path it is drawn in; `freed[i]` marks an op node whose
    links backward() cut (its inputs are not in the graph any more).
    """

    def __init__(self, root: Tensor, fold_scalars: bool = True) -> None:
        if not isinstance(root, Tensor):
            raise TypeError(f"draw_graph expects a Tensor (the output of a computation), got {type(root).__name__}")
        nodes = list(walk(root))
        self.root, self.nodes = root, nodes
        index = {id(t): i for i, t in enumerate(nodes)}
        self.parents = [[index[id(p)] for p in inputs_of(t)] for t in nodes]
        self.consumers: list[list[int]] = [[] for _ in nodes]
        for j, ps in enumerate(self.parents):
            for i in ps:
                self.consumers[i].append(j)
        self.freed = [t.op is not None and not self.parents[i] for i, t in enumerate(nodes)]
        self.walked = any(is_freed(t) for t in nodes)  # a backward without retain_graph went through
        self.roles = [self._role(i) for i in range(len(nodes))]
        self.folded = {
            i
            for i, t in enumerate(nodes)
            if fold_scalars and self.roles[i] == "constant" and t.numel() == 1 and self.consumers[i]
        }
        self.scopes = [self._scope(i) for i in range(len(nodes))]
        self.names: list[str] = []
        self.counted: set[int] = set()  # nodes named by op and position (relu₁): never part of an expression
        counts: dict[str, int] = {}
        for i in range(len(nodes)):
            self.names.append(self._name(i, counts))
        # how many gradient contributions each node will receive (one per edge into a recorded op)
        self.needed = [
            sum(1 for j in self.consumers[i] if nodes[j].requires_grad) if t.requires_grad else 0
            for i, t in enumerate(nodes)
        ]

    def has_op(self, i: int) -> bool:
        """True when node i is drawn with an op ellipse (it was computed and its inputs are known)."""
        return bool(self.parents[i])

    def _role(self, i: int) -> str:
        t = self.nodes[i]
        if self.freed[i]:
            return "freed"
        if t is self.root:
            return "output"
        if isinstance(t, Parameter):
            return "parameter"
        if t.op is not None:
            return "intermediate"
        if t.requires_grad or t.name:
            return "input"
        return "constant"

    def _name(self, i: int, counts: dict[str, int]) -> str:
        t = self.nodes[i]
        if t.name:
            return clean(t.name)
        role = self.roles[i]
        if role == "parameter":
            path = getattr(t, "path", None)
            if path:
                return clean(path)
            return clean(".".join(s.split(":")[0] for s in self.scopes[i]) + ".param" if self.scopes[i] else "param")
        if t is self.root and t.ndim == 0 and t.op is not None:
            return "L"  # an unnamed scalar output is the loss: the reports' L
        if t.op is None:
            if role == "constant" and t.numel() == 1:
                return num(t.numpy())
            return self._counted("input" if role == "input" else "const", counts)
        op = op_name(t)
        text = self._expression(i)
        if text is not None and len(text) <= MAX_EXPRESSION and not self.counted.intersection(self.parents[i]):
            counts[op] = counts.get(op, 0) + 1  # positions count every op of a kind, named or not
            return text
        self.counted.add(i)
        return self._counted(op, counts)

    @staticmethod
    def _counted(kind: str, counts: dict[str, int]) -> str:
        counts[kind] = counts.get(kind, 0) + 1
        return clean(kind, 24) + str(counts[kind]).translate(SUBSCRIPTS)

    def _expression(self, i: int) -> str | None:
        """The expression that made node i from its inputs' names (x×m, relu(a), Wᵀ), or None if freed."""
        t = self.nodes[i]
        if not self.parents[i]:
            return None
        names = [self.names[p] for p in self.parents[i]] + number_operand(t)
        op = op_name(t)
        if op in INFIX and len(names) == 2:
            return SYMBOLS[op].join(f"({n})" if any(c in n for c in "+−×÷@ ") else n for n in names)
        if op == "neg":
            return f"−{names[0]}"
        if op in ("transpose", "permute", "T") and len(names) == 1 and t.ndim == 2 and not t.params.get("axes"):
            return f"{names[0]}ᵀ" if not any(c in names[0] for c in "+−×÷@ ") else f"({names[0]})ᵀ"
        return f"{SYMBOLS.get(op, op)}({', '.join(names)})"

    def _scope(self, i: int) -> tuple[str, ...]:
        """The module path of a node; a parameter or constant joins the module that uses it."""
        t = self.nodes[i]
        if t.scope:
            return tuple(t.scope.split("/"))
        if self.roles[i] in ("parameter", "constant") and self.consumers[i]:
            scopes = [tuple(s.split("/")) if (s := self.nodes[j].scope) else () for j in self.consumers[i]]
            common = scopes[0]
            for s in scopes[1:]:
                n = 0
                while n < min(len(common), len(s)) and common[n] == s[n]:
                    n += 1
                common = common[:n]
            return common
        return ()


def op_name(t: Tensor) -> str:
    """The op's name as a student reads it: private helpers' leading underscores and suffixes dropped."""
    name = t.op.name.lstrip("_")
    return name.removesuffix("_rows")


def number_operand(t: Tensor) -> list[str]:
    """The exponent of `x ** 2`, which pow_scalar keeps as a parameter p, shown as a second operand."""
    if t.op is not None and t.op.name == "pow_scalar" and "p" in t.params:
        return [num(t.params["p"])]
    return []
