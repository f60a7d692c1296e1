"""The program: the traced lines turned into one readable Python function, and the code that runs it.

From the `Builder`'s lines (`autograd/compiler/build.py`) this module

1. drops lines nothing needs (dead code),
2. replaces copies (`g_a = g_y`) by the value itself, except where a copy names a leaf's gradient,
3. writes an intermediate used once in the forward pass into its user (`a = x * m + b`),
4. names every value: arguments by the function's parameters, closed-over tensors by their
   `.name` or module path (`W0`, `b0`), op outputs by their `.name`, else by the traced
   function's local variable that held them when it returned (`a`, `loss`), else by their
   module (`linear0`) or op (`mul1`), gradients `g_<name>`,
5. writes the function with a comment per backward step (the op, its rule, the report's equation),
6. and runs it: arrays in, arrays out, the leaves' `.grad` filled as `backward()` fills them.
"""

from __future__ import annotations

import ast
import re
from collections import Counter
from collections.abc import Callable
from typing import Any

import numpy as np

from autograd.compiler.build import Builder, CompileError, Line, Var, check_classes, identifier
from autograd.engine import Tensor, accumulate_grad, from_numpy, unwrap

RESERVED = frozenset({"np", "list", "slice", "None", "True", "False", "program", "_check_classes"})
_REF = re.compile(r"\{(\d+)\}")


class Program:
    """One compiled signature: the generated function `fn`, its `source`, and how to call it."""

    def __init__(self, builder: Builder, result: Any, signature: str, name: str = "program") -> None:
        self.result_spec, outputs = _result_spec(builder, result)
        grads = [g for kind, _, g in builder.grad_events if kind == "acc"]
        lines = _live(_untranspose(builder.lines, builder), outputs + grads)
        raw = {
            id(r)
            for line in lines
            for r in line.refs[1:]
            if line.targets
            and r.kind == "grad"
            and line.targets[0].kind == "grad"
            and r.of is line.targets[0].of
            and r is not line.targets[0]
        }
        named = {
            id(v) for v in builder.vars if v.kind == "grad" and v.of is not None and _named(v.of) and id(v) not in raw
        }
        lines = _transposed_products(lines, builder)
        lines = _propagate_copies(lines, keep={id(g) for g in grads} | {id(v) for v in outputs} | named)
        lines = _inline(lines, builder, protect={id(v) for v in outputs} | {id(g) for g in grads})
        lines = _in_place(lines, alive={id(v) for v in outputs} | {id(g) for g in grads})
        self.names = _name_all(builder, lines, outputs, grads)
        self.name = name
        self.source = _render(builder, lines, outputs, grads, self.names, name, signature)
        self.globals = _program_globals(builder, self.names)
        namespace: dict[str, Any] = dict(self.globals)
        exec(compile(self.source, f"<autograd.compile: {name}>", "exec"), namespace)
        self.fn = namespace[name]
        self.externals = [v.tensor for v in builder.externals]
        self.guards = [(v.shape, v.dtype, v.rg) for v in builder.externals]
        self.n_args = len(builder.args)
        self.events = [
            (kind, (leaf.kind, leaf.index), None if g is None else grads.index(g))
            for kind, leaf, g in builder.grad_events
        ]
        self._make_run()
        self.fallbacks = sorted(builder.fallbacks)
        self.own_calls = sorted(builder.own_calls)
        used = {line.group for line in lines}
        self.reports = sorted(
            {
                builder.groups[k].report
                for k in used
                if builder.groups[k].report and builder.groups[k].section == "backward"
            }
        )
        # the builder (every traced value) is not kept: only the program, its constants and the
        # closed-over tensors it reads on each call

    def guards_hold(self) -> bool:
        """The closed-over tensors still have the shapes, dtypes and requires_grad the program was traced with."""
        for t, (shape, dtype, rg) in zip(self.externals, self.guards):
            d = unwrap(t)
            if d.shape != shape or d.dtype != dtype or t.requires_grad is not rg:
                return False
        return True

    def _make_run(self) -> None:
        """`run(tensors)`, written out for this program: read the arrays (checking the closed-over tensors'
        shapes, dtypes and requires_grad: `Stale` if one changed), call `fn`, fill `.grad`, return the result."""
        body = ["def run(tensors):"]
        body += [f"    a{k} = unwrap(tensors[{k}])" for k in range(self.n_args)]
        env: dict[str, Any] = {
            "unwrap": unwrap,
            "accumulate_grad": accumulate_grad,
            "from_numpy": from_numpy,
            "asarray": np.asarray,
            "ndarray": np.ndarray,
            "Stale": Stale,
            "fn": self.fn,
        }
        for k, (t, (shape, dtype, rg)) in enumerate(zip(self.externals, self.guards)):
            env[f"E{k}"], env[f"S{k}"], env[f"D{k}"] = t, shape, dtype
            body.append(f"    e{k} = unwrap(E{k})")
            body.append(
                f"    if e{k}.shape != S{k} or e{k}.dtype is not D{k} and e{k}.dtype != D{k} "
                f"or E{k}.requires_grad is not {rg}:"
            )
            body.append("        raise Stale")
        params = [f"a{k}" for k in range(self.n_args)] + [f"e{k}" for k in range(len(self.externals))]
        body.append(f"    outs, grads = fn({', '.join(params)})")
        for kind, leaf, gi in _fused_events(self.events):
            leaf = f"tensors[{leaf[1]}]" if leaf[0] == "arg" else f"E{leaf[1]}"
            if kind == "none":
                body.append(f"    {leaf}.grad = None")
            else:
                body.append(f"    accumulate_grad({leaf}, grads[{gi}]{', True' if kind == 'fresh' else ''})")
        body.append("    return " + _result_code(self.result_spec, env))
        self.glue = "\n".join(body) + "\n"
        exec(compile(self.glue, f"<autograd.compile glue: {self.name}>", "exec"), env)
        self.run = env["run"]


def _fused_events(events: list[tuple]) -> list[tuple]:
    """The `.grad` events in order, with `leaf.grad = None` followed by a gradient for that leaf (and
    nothing else for it in between) written as one ("fresh", leaf, gradient): one call instead of two."""
    out: list[tuple] = []
    for kind, leaf, gi in events:
        pending = next((k for k, e in enumerate(out) if e[1] == leaf and e[0] == "none"), None)
        if kind == "acc" and pending is not None and all(e[1] != leaf for e in out[pending + 1 :]):
            del out[pending]
            out.append(("fresh", leaf, gi))
        else:
            out.append((kind, leaf, gi))
    return out


# ----------------------------------------------------------------------------- what the function returns


def _result_spec(builder: Builder, result: Any) -> tuple[Any, list[Var]]:
    """The returned structure with every tensor replaced by where it comes from; and the Vars to return."""
    outputs: list[Var] = []
    grad_of = {}
    for kind, leaf, _ in builder.grad_events:
        if kind == "acc" and leaf.tensor is not None and leaf.tensor.grad is not None:
            grad_of[id(leaf.tensor.grad)] = leaf

    def walk(obj: Any) -> Any:
        if isinstance(obj, Tensor):
            v = builder.by_id.get(id(obj))
            if v is not None and v.kind in ("arg", "ext"):
                return ("input", v.kind, v.index)
            if v is None:
                v = builder.by_array.get(id(unwrap(obj)))
                if v is None and id(obj) in grad_of:
                    leaf = grad_of[id(obj)]
                    return ("grad", leaf.kind, leaf.index)
                if v is None or v.kind not in ("op", "arg", "ext"):
                    raise CompileError(
                        "the compiled function returns a tensor the trace cannot account for (made "
                        "outside the engine's ops, e.g. by Tensor(...) of numpy values); return "
                        "tensors computed by ops, the arguments, or .grad of a leaf"
                    )
                if v.kind in ("arg", "ext"):
                    return ("input", v.kind, v.index)
            if v.rg and not builder.backwards:
                raise CompileError(
                    "the compiled function returns a tensor that requires grad but calls no backward(): a "
                    "program has no graph to differentiate later. Compile the whole training step (forward, "
                    "loss.backward(), return the loss), or call it under autograd.no_grad() for inference."
                )
            outputs.append(v)
            return ("out", len(outputs) - 1)
        if isinstance(obj, tuple) and type(obj) is not tuple:  # a namedtuple (MaxResult, ...)
            return ("named", type(obj), [walk(o) for o in obj])
        if isinstance(obj, (tuple, list)):
            return (type(obj).__name__, [walk(o) for o in obj])
        if isinstance(obj, dict):
            return ("dict", [(k, walk(o)) for k, o in obj.items()])
        if obj is None or isinstance(obj, (bool, int, float, str, complex, np.dtype)):
            return ("value", obj)
        raise CompileError(
            f"the compiled function returns a {type(obj).__name__}; return tensors, numbers, "
            "strings and tuples, lists or dicts of them"
        )

    return walk(result), outputs


class Stale(Exception):
    """A closed-over tensor no longer has the shape, dtype or requires_grad the program was traced with."""


def _result_code(spec: Any, env: dict[str, Any]) -> str:
    """Python code that rebuilds what the function returned from the program's outputs."""
    kind = spec[0]
    if kind == "out":
        return f"from_numpy(outs[{spec[1]}] if type(outs[{spec[1]}]) is ndarray else asarray(outs[{spec[1]}]))"
    if kind == "input":
        return f"tensors[{spec[2]}]" if spec[1] == "arg" else f"E{spec[2]}"
    if kind == "grad":
        return (f"tensors[{spec[2]}]" if spec[1] == "arg" else f"E{spec[2]}") + ".grad"
    if kind == "value":
        name = f"V{len(env)}"
        env[name] = spec[1]
        return name
    if kind == "named":
        name = f"T{len(env)}"
        env[name] = spec[1]
        return f"{name}(" + ", ".join(_result_code(s, env) for s in spec[2]) + ")"
    if kind == "dict":
        return "{" + ", ".join(f"{_result_code(('value', k), env)}: {_result_code(s, env)}" for k, s in spec[1]) + "}"
    items = [_result_code(s, env) for s in spec[1]]
    if kind == "tuple":
        return "(" + ", ".join(items) + ("," if len(items) == 1 else "") + ")"
    return "[" + ", ".join(items) + "]"


# ----------------------------------------------------------------------------- cleaning the lines


def _live(lines: list[Line], needed: list[Var]) -> list[Line]:
    """The lines some needed value depends on, in order (an in-place line needs its target's definition)."""
    want = {id(v) for v in needed}
    kept = []
    for line in reversed(lines):
        if not line.keep and not any(id(t) in want for t in line.targets):
            continue
        kept.append(line)
        for v in line.refs:
            if v not in line.targets or line.effect:
                want.add(id(v))
    return kept[::-1]


def _named(v: Var) -> bool:
    """An argument, a closed-over tensor, or a tensor the user named: its gradient keeps its own line."""
    return v.kind in ("arg", "ext") or bool(v.label)


_COPY = re.compile(r"^\{0\} = \{(\d+)\}$")


def _is_copy(line: Line) -> bool:
    return bool(_COPY.match(line.text)) and len(line.targets) == 1 and line.targets[0] is line.refs[0]


def _propagate_copies(lines: list[Line], keep: set[int]) -> list[Line]:
    """Drop `a = b` lines, using b itself; kept where a is a leaf's gradient or a returned value."""
    alias: dict[int, Var] = {}
    out = []
    for line in lines:
        if alias:
            line.refs = [alias.get(id(v), v) for v in line.refs]
        if _is_copy(line):
            src = line.refs[int(_COPY.match(line.text).group(1))]
            if id(line.refs[0]) not in keep and src.kind != "const":
                alias[id(line.refs[0])] = src
                continue
            line.text, line.refs = "{0} = {1}", [line.refs[0], src]
        out.append(line)
    return out


def _untranspose(lines: list[Line], builder: Builder) -> list[Line]:
    """`(W.T).T` is W: write the transpose's source where a line transposes a transposed matrix back."""
    source = {}
    for line in lines:
        if line.text == "{0} = {1}.T" and line.refs[0].kind == "op":
            source[id(line.refs[0])] = line.refs[1]
    for line in lines:
        for k, v in enumerate(list(line.refs)):
            if id(v) in source and "{%d}.T" % k in line.text and v not in line.targets:
                line.refs.append(source[id(v)])
                line.text = line.text.replace("{%d}.T" % k, "{%d}" % (len(line.refs) - 1))
    return lines


def _transposed_products(lines: list[Line], builder: Builder) -> list[Line]:
    """`g_W = (x.T @ g_z).T` as `g_W = g_z.T @ x`: the same products, and ∂L/∂W in W's own (out, in)
    layout, so the optimiser's update runs over contiguous memory (nn.Linear keeps W as (out, in))."""
    uses: dict[int, int] = {}
    for line in lines:
        for k in {int(n) for n in _REF.findall(line.text)}:
            if line.refs[k] not in line.targets:
                uses[id(line.refs[k])] = uses.get(id(line.refs[k]), 0) + 1
    made = {id(line.targets[0]): line for line in lines if len(line.targets) == 1}
    dropped = set()
    for line in lines:
        if line.text != "{0} = {1}.T" or line.refs[0].kind != "grad":
            continue
        src = made.get(id(line.refs[1]))
        if src is None or uses.get(id(line.refs[1])) != 1 or src.refs[0].kind != "grad":
            continue
        for form, symbol in (("{0} = {1}.T @ {2}", "·"), ('{0} = np.einsum("ni,nj->ij", {1}, {2})', "·")):
            if src.text == form:
                a, g = src.refs[1], src.refs[2]
                line.text, line.refs = form, [line.refs[0], g, a]
                group = builder.groups[line.group]
                group.title = "matmul, transposed"
                group.math = [
                    (
                        "∂L/∂{w} = ({a}ᵀ %s ∂L/∂{z})ᵀ = (∂L/∂{z})ᵀ %s {a}" % (symbol, symbol),
                        {"w": line.refs[0].of, "a": a, "z": g.of},
                    )
                ]
                dropped.add(id(src))
                break
    return [line for line in lines if id(line) not in dropped]


def _inline(lines: list[Line], builder: Builder, protect: set[int]) -> list[Line]:
    """Write a forward intermediate into its only user: `a = x * m + b` rather than `t = x * m; a = t + b`."""
    uses: dict[int, int] = {}
    for line in lines:
        for k, v in enumerate(line.refs):
            if v not in line.targets or line.effect:
                uses[id(v)] = uses.get(id(v), 0) + len(re.findall(r"\{%d\}" % k, line.text))
    forward = {id(line): builder.groups[line.group].section == "forward" for line in lines}
    by_target = {id(line.targets[0]): line for line in lines if len(line.targets) == 1 and not line.effect}
    out: list[Line] = []
    dropped: set[int] = set()
    for line in lines:
        if not forward[id(line)] or line.effect:
            out.append(line)
            continue
        for k, v in enumerate(list(line.refs)):
            src = by_target.get(id(v))
            if (
                src is None
                or id(src) in dropped
                or v in line.targets
                or uses.get(id(v)) != 1
                or id(v) in protect
                or not forward[id(src)]
                or v.kind not in ("op", "tmp")
                or v.label
                or not _inlinable(src)
            ):
                continue
            _substitute(line, k, src)
            dropped.add(id(src))
        out.append(line)
    return [line for line in out if id(line) not in dropped]


def _inlinable(src: Line) -> bool:
    return len(src.targets) == 1 and src.text.startswith("{0} = ") and src.refs[0] is src.targets[0]


def _substitute(line: Line, k: int, src: Line) -> None:
    """Put src's expression where line refers to ref k; `ast.unparse` adds the parentheses precedence needs."""
    expr = src.text[len("{0} = ") :]
    src.targets[0].expr = (expr, list(src.refs))
    offset = len(line.refs) - 1
    inner = _parse(_REF.sub(lambda m: "{%d}" % (int(m.group(1)) + offset), expr))
    lhs, _, rhs = line.text.partition(" = ")
    tree = _parse(rhs)

    class Put(ast.NodeTransformer):
        def visit_Name(self, node: ast.Name) -> ast.AST:
            return inner if node.id == f"__{k}" else node

    rhs = _REF_NAME.sub(lambda m: "{%s}" % m.group(1), ast.unparse(Put().visit(tree)))
    line.text = f"{lhs} = {rhs}"
    line.refs = line.refs + src.refs[1:]


_REF_NAME = re.compile(r"__(\d+)")


def _parse(text: str) -> ast.AST:
    return ast.parse(_REF.sub(lambda m: f"__{m.group(1)}", text), mode="eval").body


# ----------------------------------------------------------------------------- reusing memory

_AUGMENTED = {ast.Add: "+=", ast.Sub: "-=", ast.Mult: "*=", ast.Div: "/="}
_UFUNCS = frozenset(
    {
        "exp",
        "log",
        "tanh",
        "sqrt",
        "abs",
        "negative",
        "log1p",
        "expm1",
        "sin",
        "cos",
        "exp2",
        "log2",
        "sign",
        "floor",
        "ceil",
        "maximum",
        "minimum",
        "clip",
        "where",
        "square",
    }
)


def _fresh(rhs: ast.AST) -> bool:
    """Does this expression make a new array (an operator, a numpy ufunc), rather than a view?"""
    if isinstance(rhs, (ast.BinOp, ast.UnaryOp)):
        return True
    return (
        isinstance(rhs, ast.Call)
        and isinstance(rhs.func, ast.Attribute)
        and isinstance(rhs.func.value, ast.Name)
        and rhs.func.value.id == "np"
        and rhs.func.attr in _UFUNCS | {"zeros", "array", "full_like"}
    )


def _in_place(lines: list[Line], alive: set[int]) -> list[Line]:
    """Write a result into the memory of an operand that is not needed after this line (numpy's own
    temporary elision, across lines): `g_z = g_h; g_z *= h; g_z *= 1 - h` instead of three new arrays,
    `np.exp(t, out=t)`.  Only an array this program made (never an argument, a closed-over tensor,
    a view or anything that shares memory with a value still needed), of the result's shape and dtype.
    """
    group: dict[int, int] = {}  # union-find over arrays that may share memory

    def find(k: int) -> int:
        while group.get(k, k) != k:
            k = group[k]
        return k

    def join(a: int, b: int) -> None:
        group[find(a)] = find(b)

    owned: set[int] = set()
    last: dict[int, int] = {}
    trees: list[ast.AST | None] = []
    for i, line in enumerate(lines):
        used = [line.refs[int(n)] for n in _REF.findall(line.text)]
        for v in used:
            last[id(v)] = i
        tree = None
        if (
            len(line.targets) == 1
            and not line.effect
            and line.text.startswith("{0} = ")
            and line.refs[0] is line.targets[0]
        ):
            tree = _parse(line.text[len("{0} = ") :])
            t = line.targets[0]
            if _fresh(tree):
                owned.add(id(t))
            else:  # a view or a copy: it shares memory with its operands
                for v in used[1:]:
                    join(id(t), id(v))
        else:
            for t in line.targets:
                for v in used:
                    if v is not t:
                        join(id(t), id(v))
        trees.append(tree)
    end = len(lines)
    for k in alive:
        last[k] = end
    # a group lives as long as its longest-lived member
    group_last: dict[int, int] = {}
    for k, i in last.items():
        r = find(k)
        group_last[r] = max(group_last.get(r, -1), i)

    out: list[Line] = []
    for i, (line, tree) in enumerate(zip(lines, trees)):
        if tree is None or not line.targets or not line.targets[0].shape:
            out.append(line)
            continue
        t = line.targets[0]
        k = _reusable(tree, line, i, owned, find, group_last, t)
        if k is None:
            out.append(line)
            continue
        join(id(t), id(line.refs[k]))
        r = find(id(t))
        group_last[r] = max(group_last.get(r, -1), last.get(id(t), i), group_last.get(find(id(line.refs[k])), i))
        out.extend(_rewrite(line, tree, k))
    return out


def _reusable(
    tree: ast.AST, line: Line, i: int, owned: set[int], find: Callable, group_last: dict, t: Var
) -> int | None:
    """The ref whose memory line i may write its result into, if any."""

    def ok(node: ast.AST) -> int | None:
        if not (isinstance(node, ast.Name) and node.id.startswith("__")):
            return None
        k = int(node.id[2:])
        v = line.refs[k]
        if id(v) not in owned or v.shape != t.shape or v.dtype != t.dtype or v is t:
            return None
        return k if group_last.get(find(id(v)), i) <= i else None

    def mentions(node: ast.AST, k: int) -> bool:
        return any(isinstance(n, ast.Name) and n.id == f"__{k}" for n in ast.walk(node))

    if isinstance(tree, ast.BinOp):
        node, rights = tree, []
        while isinstance(node, ast.BinOp) and type(node.op) in _AUGMENTED:
            rights.append(node.right)
            node = node.left
        k = ok(node)
        if k is not None and rights and not any(mentions(r, k) for r in rights):
            return k
        if type(tree.op) in (ast.Add, ast.Mult):  # commutative: the right operand may be the one
            k = ok(tree.right)
            if k is not None and not mentions(tree.left, k):
                return k
        return None
    if (
        isinstance(tree, ast.Call)
        and tree.args
        and not tree.keywords
        and _fresh(tree)
        and tree.func.attr in _UFUNCS - {"clip", "where"}
    ):
        k = ok(tree.args[0])
        if k is not None and not any(mentions(a, k) for a in tree.args[1:]):
            return k
    return None


def _rewrite(line: Line, tree: ast.AST, k: int) -> list[Line]:
    """`t = A op B op C` as `t = A; t op= B; t op= C` (or `t = f(A, out=A)`), A being ref k."""

    def text(node: ast.AST) -> str:
        return _REF_NAME.sub(lambda m: "{%s}" % m.group(1), ast.unparse(node))

    def new(s: str, effect: bool) -> Line:
        made = Line(s, line.refs, line.targets, group=line.group, effect=effect)
        return made

    if isinstance(tree, ast.Call):
        tree.keywords = [ast.keyword(arg="out", value=ast.Name(id=f"__{k}"))]
        return [new("{0} = " + text(tree), False)]
    rights = []
    node = tree
    while isinstance(node, ast.BinOp) and type(node.op) in _AUGMENTED:
        rights.append((node.op, node.right))
        node = node.left
    if not (isinstance(node, ast.Name) and node.id == f"__{k}"):  # the commutative case: swap
        rights = [(tree.op, tree.left)]
    steps = [new("{0} = {%d}" % k, False)]
    for op, right in reversed(rights):
        steps.append(new("{0} %s %s" % (_AUGMENTED[type(op)], text(right)), True))
    return steps


# ----------------------------------------------------------------------------- names

_SHORT = {
    "matmul": "mm",
    "_cross_entropy_rows": "loss",
    "pow_scalar": "pow",
    "transpose": "T",
    "_concatenate": "cat",
    "_stack": "stack",
    "_where": "where",
    "broadcast_to": "bcast",
}


def _name_all(builder: Builder, lines: list[Line], outputs: list[Var], grads: list[Var]) -> dict[int, str]:
    """A readable, unique Python name for every Var the lines use."""
    used: set[str] = set(RESERVED) | set(builder.calls)
    names: dict[int, str] = {}
    counters: dict[str, int] = {}
    suffixes: dict[str, int] = {}  # base -> the next _k to try (so n values of one name cost n, not n²)

    def take(base: str, counted: bool = False) -> str:
        base = identifier(base)
        if counted:
            counters[base] = counters.get(base, 0) + 1
            name = f"{base}{counters[base]}"
        else:
            name = base
        k = suffixes.get(base, 2)
        while name in used:
            name = f"{base}_{k}"
            k += 1
        if name != base:
            suffixes[base] = k
        used.add(name)
        return name

    for v in builder.args:
        names[id(v)] = take(v.hint)
    for v in builder.externals:
        names[id(v)] = take(_external_name(v))
    seen: list[Var] = []
    seen_ids: set[int] = set()
    for line in lines:
        for k in sorted({int(n) for n in _REF.findall(line.text)}):
            v = line.refs[k]
            if id(v) not in names and id(v) not in seen_ids:
                seen_ids.add(id(v))
                seen.append(v)
    last_of_scope = _scope_outputs([v for v in builder.vars if v.kind == "op"])

    def base(v: Var) -> str:
        """What a value would be called (also for one written into its user's line, for its gradient)."""
        if v.kind == "op":
            if v.label:
                return v.label
            if id(v) in last_of_scope:
                return last_of_scope[id(v)]
            src = _source(builder, v)
            if v.op == "transpose" and src is not None:
                return (names.get(id(src)) or base(src)) + "_T"
            return _SHORT.get(v.op, v.op.lstrip("_"))
        return names.get(id(v)) or v.hint or "t"

    for v in seen:
        if v.kind == "const":
            names[id(v)] = v.literal if v.literal is not None else take(v.hint or "c", counted=v.hint == "c")
        elif v.kind == "op":
            counted = not v.label
            counted = counted and id(v) not in last_of_scope and not (v.op == "transpose" and _source(builder, v))
            names[id(v)] = take(base(v), counted=counted)
        elif v.kind in ("tmp", "saved"):
            names[id(v)] = take(v.hint or "t")
    for v in reversed(seen):  # gradients last, the final one of each value plainly g_<name>
        if v.kind == "grad":
            of = v.of
            names[id(v)] = take("g_" + (names.get(id(of)) or base(of)).strip("()"))
    for v in builder.vars:  # values the program does not compute still have a name in comments
        if v.kind == "op" and id(v) not in names and not v.expr:
            v.expr = (base(v), [])
    return names


def _source(builder: Builder, v: Var) -> Var | None:
    spec = builder.ops.get(v)
    return spec[2][0] if spec else None


def _scope_outputs(ops: list[Var]) -> dict[int, str]:
    """The last op of each run of ops made inside one module: named after the module (`linear0`)."""
    out = {}
    for k, v in enumerate(ops):
        if not v.scope:
            continue
        nxt = ops[k + 1].scope if k + 1 < len(ops) else None
        if nxt != v.scope and not (nxt or "").startswith(v.scope + "/"):
            label = v.scope.split("/")[-1]
            index, _, kind = label.rpartition(":")
            kind = (kind or label).lower()
            out[id(v)] = "loss" if kind.endswith("loss") else kind + index.replace(".", "_")
    return out


def _external_name(v: Var) -> str:
    t = v.tensor
    if t.name:
        return t.name
    path = getattr(t, "path", None)
    if path:
        *where, attr = path.split(".")
        base = {"weight": "W", "bias": "b"}.get(attr, attr)
        where_s = "_".join(where)
        return base + where_s if where_s.isdigit() else (f"{base}_{where_s}" if where_s else base)
    return v.hint or "c"


# ----------------------------------------------------------------------------- the source


def _render(
    builder: Builder,
    lines: list[Line],
    outputs: list[Var],
    grads: list[Var],
    names: dict[int, str],
    name: str,
    signature: str,
) -> str:
    params = [names[id(v)] for v in builder.args] + [names[id(v)] for v in builder.externals]
    head = [
        f"def {name}({', '.join(params)}):",
        f'    """Generated by autograd.compile from one traced call ({signature}).',
        "",
        "    Plain numpy in execution order: the forward pass, then the backward pass, one block",
        "    per VJP; ∂L/∂v is written g_v.  Returns (outputs, gradients of the leaves).",
        '    """',
    ]
    body: list[str] = []
    section, group = None, None
    group_sizes = Counter(line.group for line in lines)
    for line in lines:
        g = builder.groups[line.group]
        if g.section != section:
            section = g.section
            body.append(f"    # ---- {section}")
        if line.group != group:
            group = line.group
            comment = (
                _comment(g, names, builder)
                if g.section == "backward"
                else (f"# {g.title}" if group_sizes[line.group] > 1 else "")
            )
            if comment:
                body.append("    " + comment)
        body.append("    " + line.text.format(*[names.get(id(v), "_") for v in line.refs]))
    outs = ", ".join(names[id(v)] for v in outputs)
    gs = ", ".join(names[id(v)] for v in grads)
    body.append(f"    return ({outs}{',' if len(outputs) == 1 else ''}), ({gs}{',' if len(grads) == 1 else ''})")
    return "\n".join(head + body) + "\n"


def _comment(group: Any, names: dict[int, str], builder: Builder) -> str:
    parts = []
    for text, mapping in group.math:
        parts.append(re.sub(r"\{(\w+)\}", lambda m: _math_name(mapping.get(m.group(1)), names), text))
    if group.title == "backward":
        return "# " + "; ".join(parts)
    title = group.title
    text = f"# {title}: " + "; ".join(p for p in parts if p) if parts else f"# {title}"
    if group.report:
        text += f"   ({group.report})"
    return text


def _math_name(v: Var | None, names: dict[int, str]) -> str:
    """A value's name in a comment; one written into its user's line is shown as its expression."""
    if v is None:
        return "?"
    if id(v) in names:
        return names[id(v)].strip("()")
    if not v.expr:
        return "…"
    text, refs = v.expr
    if not refs:
        return text
    values = [""] + [r.literal if r.literal is not None else _math_name(r, names) for r in refs[1:]]
    return "(" + text.format(*values) + ")"


def _program_globals(builder: Builder, names: dict[int, str]) -> dict[str, Any]:
    glob: dict[str, Any] = {"np": np, "_check_classes": check_classes, **builder.calls}
    for v in builder.vars:
        if v.kind == "const" and v.literal is None and id(v) in names:
            glob[names[id(v)]] = builder.consts[v.key]
    return glob
