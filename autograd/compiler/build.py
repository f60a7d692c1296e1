"""Tracing: watch one eager call through the engine's tracer hooks and write the program as it runs.

`Builder` is the object on `autograd.engine.tracers` while the compiled function
runs eagerly for the first time with a signature.  The engine tells it

* `op(spec, parents, params, out)` after every op it runs,
* `backward(roots, seeds, accumulate, only, create)` when a backward walk starts,
* `step(node, g, [(input, gradient), ...])` after each VJP of that walk,
* `note(tensor, what)` when Python reads a tensor's value (`.item()`, `bool()`, ...) or
  changes a tensor (in place, `.data =`, `.grad =`, hooks), which a program cannot repeat.

For each op and each VJP it writes the lines of the rule table
(`autograd/compiler/rules.py`) and runs them at once on the traced values,
comparing every result with what the engine computed: a rule that disagrees is
an error here, never a wrong program.  Lines refer to values through `Var`s;
the names are chosen at the end (`autograd/compiler/program.py`), when every
`.name` the user set is known.
"""

from __future__ import annotations

import keyword
import linecache
import math
import os
import re
import sys
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from autograd.compiler.rules import ATOM, CALLS_ITS_OWN_VJP, Context, Rule, rule_for
from autograd.engine import Op, Tensor, unwrap


class CompileError(RuntimeError):
    """The function cannot be compiled (or a compiled program disagrees with the eager engine)."""


# ----------------------------------------------------------------------------- values and lines


class Var:
    """One value of the program: an argument, a closed-over tensor, a constant, an op's output, a gradient."""

    __slots__ = (
        "key",
        "kind",
        "tensor",
        "shape",
        "dtype",
        "hint",
        "name",
        "literal",
        "rg",
        "index",
        "op",
        "scope",
        "of",
        "expr",
        "label",
    )

    def __init__(self, key: str, kind: str, value: Any, hint: str = "", tensor: Tensor | None = None) -> None:
        self.key, self.kind, self.tensor, self.hint = key, kind, tensor, hint
        arr = np.asarray(value) if not isinstance(value, (list, tuple)) else None
        self.shape = tuple(arr.shape) if arr is not None else ()
        self.dtype = arr.dtype if arr is not None else None
        self.name: str | None = None
        self.literal: str | None = None  # a constant written into the code (`2.0`)
        self.rg = bool(tensor is not None and tensor.requires_grad)
        self.index = -1  # position among the arguments / closed-over tensors
        self.op: str | None = None  # the op that made it (kind "op")
        self.scope: str | None = None
        self.of: Var | None = None  # for a gradient: the value it is the gradient of
        self.expr = ""  # set when written into its user's line (for comments)
        self.label: str | None = None  # the user's name for it: its `.name`, or the local variable that held it

    def __repr__(self) -> str:
        return f"<{self.kind} {self.name or self.key} {self.shape}>"


class Line:
    """One statement: `text` with `{0}`, `{1}`, ... standing for `refs`; `targets` are the Vars it assigns."""

    __slots__ = ("text", "refs", "targets", "keep", "prec", "group", "effect")

    def __init__(
        self, text: str, refs: list[Var], targets: list[Var], prec: int = ATOM, group: int = 0, effect: bool = False
    ) -> None:
        self.text, self.refs, self.targets, self.prec, self.group = text, refs, targets, prec, group
        self.keep = False  # a guard (it raises on bad input): never dropped
        self.effect = effect  # mutates its first target in place (np.add.at, x[i] = v)


class Group:
    """The lines of one op's forward or one node's VJPs, with the comment above them."""

    __slots__ = ("section", "title", "math", "report", "scope")

    def __init__(
        self, section: str, title: str, math: list[tuple[str, list[Var]]], report: str, scope: str | None
    ) -> None:
        self.section, self.title, self.math, self.report, self.scope = section, title, math, report, scope


# ----------------------------------------------------------------------------- where the user's line is

_HERE = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))  # autograd/
_LIBRARY = (_HERE, os.path.join(os.path.dirname(_HERE), "nn"))


def user_line() -> str:
    """`file:line: code` of the innermost frame outside autograd/ and nn/ (the user's own line)."""
    frame = sys._getframe(1)
    while frame is not None:
        path = os.path.abspath(frame.f_code.co_filename)
        if not path.startswith(_LIBRARY):
            code = linecache.getline(path, frame.f_lineno).strip()
            return f"{os.path.relpath(path) if path.startswith(os.getcwd()) else path}:{frame.f_lineno}: {code}"
        frame = frame.f_back
    return "(unknown line)"


# ----------------------------------------------------------------------------- numbers written into code


def literal(value: Any) -> str:
    """Python source for a parameter value: numbers, tuples, slices, None, dtypes."""
    if isinstance(value, np.dtype) or (isinstance(value, type) and issubclass(value, np.generic)):
        return f"np.{np.dtype(value).name}"
    if isinstance(value, slice):
        return f"slice({value.start!r}, {value.stop!r}, {value.step!r})"
    if isinstance(value, tuple):
        inner = ", ".join(literal(v) for v in value)
        return f"({inner},)" if len(value) == 1 else f"({inner})"
    if isinstance(value, list):
        return "[" + ", ".join(literal(v) for v in value) + "]"
    if isinstance(value, (np.integer, np.floating, np.bool_)):
        return repr(value.item())
    if value is Ellipsis:
        return "..."
    return repr(value)


def _subscript(index: Any, name_of: Callable[[Any], str]) -> str:
    """`x[...]` contents in numpy's own spelling: `:, 0`, `1:3`, `None`, an index array's name."""
    parts = index if isinstance(index, tuple) else (index,)
    out = []
    for part in parts:
        if isinstance(part, slice):
            s = "" if part.start is None else literal(part.start)
            s += ":" + ("" if part.stop is None else literal(part.stop))
            if part.step is not None:
                s += ":" + literal(part.step)
            out.append(s)
        elif isinstance(part, (np.ndarray, list)):
            out.append(name_of(part))
        else:
            out.append(literal(part))
    text = ", ".join(out)
    return text + "," if isinstance(index, tuple) and len(index) == 1 else text


# ----------------------------------------------------------------------------- the builder

SCALAR_READS = ("item", "tolist", "bool", "float", "int", "index", "round")
_ASSIGN = re.compile(r"^(\{\w+\}(?:, (?:\{\w+\}|_))*,?) = ")  # "{y} = ...", "{a}, _ = ..."
_EFFECT = re.compile(r"^(?:np\.add\.at\(\{(\w+)\}|\{(\w+)\}\[.*\] = )")  # writes into an existing array


class Builder:
    """Records one eager call and writes its program (see the module docstring)."""

    def __init__(
        self, arg_tensors: list[Tensor], arg_names: list[str], closure_names: dict[int, str] | None = None
    ) -> None:
        self.closure_names = closure_names or {}
        self.vars: list[Var] = []
        self.by_id: dict[int, Var] = {}  # id(tensor) -> Var
        self.by_array: dict[int, Var] = {}  # id(array) -> Var, for arrays met as parameters or views
        self.keep: list[Any] = []  # every tensor and array seen, so no id is reused while tracing
        self.values: dict[str, Any] = {}  # Var key -> its traced value (to run the lines now)
        self.lines: list[Line] = []
        self.groups: list[Group] = []
        self.consts: dict[str, Any] = {}  # Var key -> value baked into the program
        self.calls: dict[str, Callable] = {}  # global name -> an op's own forward or VJP (ops without a rule)
        self.args: list[Var] = []
        self.externals: list[Var] = []  # tensors from outside the call, read on every call
        self.pending: dict[Var, Var] | None = None  # during a backward walk: node -> its gradient so far
        self.grad_events: list[tuple[str, Var, Var | None]] = []  # ("none", leaf, None) / ("acc", leaf, ḡ)
        self.ops: dict[Var, tuple] = {}  # op output -> (spec, rule, inputs, params, saved Vars)
        self.backwards = 0
        self.fallbacks: set[str] = set()  # ops with no rule (or one that disagreed): their own functions called
        self.own_calls: set[str] = set()  # ops whose rule says: call the op's own function
        self._codes: dict[str, Any] = {}
        self._ones: dict[tuple, Var] = {}
        self._globals: dict[str, Any] = {"np": np, "_check_classes": check_classes}
        for k, (t, name) in enumerate(zip(arg_tensors, arg_names)):
            v = self._new("arg", unwrap(t), name, t)
            v.index = k
            self.args.append(v)
            self._know(t, v)

    # -- values
    def _new(self, kind: str, value: Any, hint: str = "", tensor: Tensor | None = None) -> Var:
        v = Var(f"v{len(self.vars)}", kind, value, hint, tensor)
        self.vars.append(v)
        if value is not None:
            self.values[v.key] = value
        return v

    def _know(self, t: Tensor, v: Var) -> None:
        self.by_id[id(t)] = v
        data = unwrap(t)
        self.by_array.setdefault(id(data), v)
        self.keep += (t, data)

    def _var_of(self, t: Tensor, wrapped: bool = False) -> Var:
        """The Var of a tensor met as an op's input: known, sharing a known value's memory (`.detach()`,
        `.data`), a constant the engine wrapped for this op, or a tensor from outside (read on each call)."""
        v = self.by_id.get(id(t))
        if v is not None:
            return v
        data = unwrap(t)
        if wrapped:
            v = self._constant(data)
        else:
            v = self._sharing(t)
            if v is None:
                v = self._new("ext", data, self.closure_names.get(id(t), ""), t)
                v.index = len(self.externals)
                self.externals.append(v)
        self._know(t, v)
        return v

    def _sharing(self, t: Tensor) -> Var | None:
        """The argument or op output whose memory t shares (t = x.detach(), x.data), if any."""
        data = unwrap(t)
        for v in self.vars:
            if v.kind in ("arg", "op") and v.tensor is not None and unwrap(v.tensor) is data:
                if t.requires_grad:
                    raise CompileError(
                        f"a tensor detached from the graph and made to require grad inside the "
                        f"compiled function ({user_line()}) cannot be compiled: its .grad would "
                        "belong to a new tensor on every call"
                    )
                return v
        return None

    def _constant(self, value: Any, hint: str = "c") -> Var:
        v = self._new("const", value, hint)
        arr = np.asarray(value)
        if arr.ndim == 0 and arr.dtype in (np.float64, np.int64) and np.isfinite(arr):
            text = repr(arr.item())
            if float(text) == arr.item():
                v.literal = text if not text.startswith("-") else f"({text})"
        if v.literal is None:
            self.consts[v.key] = value
        return v

    # -- the engine's hooks
    def op(self, spec: Op, parents: Sequence[Tensor], params: dict, out: Tensor) -> None:
        wrapped = _wrapped(parents)
        self._close_backward()
        ins = [self._var_of(p, w) for p, w in zip(parents, wrapped)]
        if spec.name == "_cross_entropy_rows" and ins[1].kind == "const":
            ins[1] = self._class_rows(ins[1], params, out.scope)
        y = self._new("op", unwrap(out), "", out)
        y.op, y.scope = spec.name, out.scope
        rule = rule_for(spec.name)
        saved = self._forward(spec, rule, ins, params, y, out)
        self._know(out, y)
        self.ops[y] = (spec, rule, ins, params, saved)

    def backward(
        self, roots: Sequence[Tensor], seeds: Sequence[Any], accumulate: bool, only: Any, create: bool
    ) -> None:
        self._close_backward()
        where = user_line()
        if create:
            raise CompileError(
                f"backward(create_graph=True) inside a compiled function is not supported ({where}): "
                "a program computes gradients as numbers, not as a graph to differentiate again"
            )
        if not accumulate:
            raise CompileError(
                f"autograd.grad() inside a compiled function is not supported ({where}); call "
                "loss.backward() in it and read the .grad of the leaves"
            )
        if only is not None:
            raise CompileError(f"backward(inputs=...) inside a compiled function is not supported ({where})")
        self.backwards += 1
        self.pending = {}
        group = self._group("backward", "backward", [], "", None)
        for root, seed in zip(roots, seeds):
            rv = self._var_of(root)
            arr = np.asarray(seed)
            if arr.ndim == 0 and arr == 1:
                sv = self._new("const", seed, "one")
                sv.literal = "1.0" if arr.dtype == np.float64 else f"np.{arr.dtype.name}(1)"
                self.groups[group].math = [("∂{y}/∂{y} = 1", {"y": rv})]
            else:
                sv = self._constant(seed, "seed")
            g = self._grad(rv)
            self.values[g.key] = seed
            self._line("{0} = {1}", [g, sv], [g], group)
            self._accumulate(rv, g, group)

    def step(self, node: Tensor, g: Any, pairs: list[tuple[Tensor, Any]]) -> None:
        nv = self.by_id.get(id(node))
        if nv is None or nv.kind != "op" or self.pending is None or nv not in self.pending:
            raise CompileError(
                "backward() inside the compiled function reaches a tensor computed outside it "
                f"({user_line()}); compute everything it depends on inside the function, or "
                "detach it"
            )
        if isinstance(g, Tensor):
            raise CompileError("create_graph=True is not supported inside a compiled function")
        mine = self.pending.pop(nv)
        self._agree(mine, g, f"the gradient reaching {nv.op}")
        self.values[mine.key] = g
        self._vjps(nv, mine, pairs)

    def note(self, t: Tensor, what: str) -> None:
        where = user_line()
        if what in SCALAR_READS:
            raise CompileError(
                f"{_spelled(what)} reads a tensor's value while tracing, at {where}. A compiled program "
                "repeats the array operations of the first call; it cannot repeat Python decisions made on "
                "values (an `if` on a tensor would take the same branch on every call). Move the value read, "
                "and the control flow that depends on it, out of the compiled function (return the loss and "
                "call .item() on the result)."
            )
        if what == "grad=" and t.is_leaf and t.grad is None:
            self._close_backward()
            self.grad_events.append(("none", self._var_of(t), None))
            return
        if what == "grad=":
            what = "assigning a .grad other than None"
        raise CompileError(
            f"{what} inside a compiled function ({where}): the program would not repeat it, so it cannot be "
            "compiled. Do in-place updates, hooks and retain_grad outside the compiled function (e.g. "
            "opt.step() after calling it), or write the change out of place (y = x + 1)."
        )

    def finish(self, local_names: dict[int, str] | None = None) -> None:
        """End the trace; `local_names` (id(tensor) -> the traced function's local variable holding it
        when it returned) name op outputs the user did not name with `.name`."""
        self._close_backward()
        for v in self.vars:
            if v.tensor is not None:
                v.label = v.tensor.name or (local_names or {}).get(id(v.tensor)) if v.kind == "op" else v.tensor.name

    def _class_rows(self, Y: Var, params: dict, scope: str | None) -> Var:
        """cross_entropy's target rows Y, when they are the one-hot rows of an integer tensor of the trace.

        `cross_entropy` builds Y from class labels with numpy, outside the ops, so the trace sees a
        constant.  With `unit` set (no class weights, every label a class, ignore_index not one of
        them) Y is exactly one-hot, and the program rebuilds it from each call's labels as rows of
        the identity matrix.  Otherwise (weights, ignore_index, label smoothing) Y stays a constant
        and the checking call after the trace refuses the program if the labels change.
        """
        rows = np.asarray(self.values[Y.key])
        if not params.get("unit") or rows.ndim != 2 or rows.dtype.kind != "f":
            return Y
        m, c = rows.shape
        for v in reversed(self.vars):
            if v.kind not in ("arg", "op") or v.dtype is None or v.dtype.kind not in "iu" or math.prod(v.shape) != m:
                continue
            labels = np.asarray(self.values[v.key]).reshape(m)
            if labels.size and (labels.min() < 0 or labels.max() >= c):
                continue
            if not np.array_equal(np.eye(c, dtype=rows.dtype)[labels], rows):
                continue
            group = self._group("forward", "class labels as one-hot rows (rows of the identity)", [], "", scope)
            eye = self._constant(np.eye(c, dtype=rows.dtype), f"eye_{c}")
            flat = v
            if v.shape != (m,):
                flat = self._new("tmp", None, "labels")
                self._line("{0} = np.reshape({1}, (%d,))" % m, [flat, v], [flat], group)
            self._line("_check_classes({0}, %d)" % c, [flat], [], group)
            self.lines[-1].keep = True
            onehot = self._new("tmp", None, "Y")
            self._line("{0} = {1}[{2}]", [onehot, eye, flat], [onehot], group)
            return onehot
        return Y

    # -- forward
    def _forward(self, spec: Op, rule: Rule | None, ins: list[Var], params: dict, y: Var, out: Tensor) -> list[Var]:
        """Write the op's forward lines, run them, and check them against the engine's output."""
        group = self._group("forward", rule.name if rule and rule.name else spec.name.lstrip("_"), [], "", out.scope)
        start = len(self.lines)
        if rule is not None and rule.forward != "CALL" and bool(spec.saves) == bool(rule.saves):
            code = rule.forward(self._context(rule, ins, params, y)) if callable(rule.forward) else rule.forward
            saved = self._emit(code, rule, ins, params, y, group)
            if self._matches(y, out):
                return saved
            del self.lines[start:]
            for k in self._promotable(ins, out):  # PyTorch's promotion of a 0-d operand (engine._zero_d_rule)
                cast = self._new("tmp", None, "cast")
                self._line("{0} = {1}.astype(np.%s)" % out.dtype.name, [cast, ins[k]], [cast], group)
                saved = self._emit(code, rule, [cast if j == k else ins[j] for j in (0, 1)], params, y, group)
                if self._matches(y, out):
                    return saved
                del self.lines[start:]
        saved = self._call_forward(spec, ins, params, y, group)
        if not self._matches(y, out):
            raise CompileError(
                f"internal: the compiled forward of {spec.name} differs from the engine's "
                f"(shape {np.shape(self.values[y.key])} vs {out.shape}, dtype "
                f"{np.asarray(self.values[y.key]).dtype} vs {out.dtype})"
            )
        return saved

    def _call_forward(self, spec: Op, ins: list[Var], params: dict, y: Var, group: int) -> list[Var]:
        """`y = op_forward(inputs, **params)`: the op's own numpy forward, for ops without a rule."""
        rule = rule_for(spec.name)
        (self.own_calls if rule is not None and rule.forward == "CALL" else self.fallbacks).add(spec.name)
        fname = self._call_name(spec, "forward", spec.forward)
        refs: list[Var] = [y, *ins]
        args = ["{%d}" % k for k in range(1, len(refs))]
        args += [f"{k}={self._param(val, refs)}" for k, val in params.items() if k != "saved"]
        saved: list[Var] = []
        lhs = "{0}"
        if spec.saves:
            saved.append(self._new("saved", None, "saved"))
            refs.append(saved[0])
            lhs = "{0}, {%d}" % (len(refs) - 1)
        self._line(f"{lhs} = {fname}({', '.join(args)})", refs, [y, *saved], group)
        return saved

    def _call_name(self, spec: Op, what: str, fn: Callable) -> str:
        name = f"{spec.name.lstrip('_')}_{what}"
        self.calls[name] = fn
        self._globals[name] = fn
        return name

    @staticmethod
    def _promotable(ins: list[Var], out: Tensor) -> list[int]:
        """Which operand to cast to the result's dtype, as `engine._zero_d_rule` does when a 0-d operand
        meets a dimensioned one (tried only when the plain line gave another dtype)."""
        if len(ins) != 2 or (len(ins[0].shape) == 0) == (len(ins[1].shape) == 0):
            return []
        return [k for k in (0, 1) if ins[k].dtype != out.dtype]

    def _matches(self, y: Var, out: Tensor) -> bool:
        mine, theirs = self.values.get(y.key), unwrap(out)
        if np.shape(mine) != out.shape or np.asarray(mine).dtype != out.dtype or not _close(mine, theirs):
            return False
        self.values[y.key] = theirs  # later lines run on the engine's own value
        return True

    # -- backward
    def _vjps(self, y: Var, g: Var, pairs: list[tuple[Tensor, Any]]) -> None:
        """Write the VJP lines of one node for its inputs that require grad, check each against the engine's."""
        spec, rule, ins, params, saved = self.ops[y]
        wanted = [k for k, v in enumerate(ins) if v.rg]
        theirs = dict(zip(wanted, (gi for _, gi in pairs)))
        use_rule = rule is not None and bool(rule.vjps) and spec.name not in CALLS_ITS_OWN_VJP
        ctx = self._context(rule, ins, params, y, g) if rule is not None else None
        math_: list[tuple[str, list[Var]]] = []
        if use_rule:
            texts = rule.math if isinstance(rule.math, tuple) else (rule.math,)
            for k in wanted if not spec.variadic else [0]:
                m = texts[min(k, len(texts) - 1)]
                math_.append((m(ctx) if callable(m) else m, {"y": y, **dict(zip(rule.inputs, ins))}))
        group = self._group(
            "backward",
            rule.name if rule and rule.name else spec.name.lstrip("_"),
            math_,
            rule.report if rule else "",
            y.scope,
        )
        if spec.variadic:
            start = len(self.lines)
            parts = [self._grad(v) if v.rg else None for v in ins]
            if use_rule:
                code = rule.vjps[0](ctx) if callable(rule.vjps[0]) else rule.vjps[0]
                self._emit_parts(code, rule, ins, params, y, g, parts, group)
            if not use_rule or not self._settle(parts, ins, theirs, group):
                del self.lines[start:]
                parts = [self._grad(v) if v.rg else None for v in ins]
                self._call_vjp(spec, 0, ins, params, y, g, saved, parts, group)
                if not self._settle(parts, ins, theirs, group):
                    raise CompileError(
                        f"internal: the VJP of {spec.name} written by the compiler differs from the "
                        "engine's; please report this"
                    )
        else:
            for k in wanted:
                start = len(self.lines)
                gx = self._grad(ins[k])
                if use_rule:
                    code = rule.vjps[k](ctx) if callable(rule.vjps[k]) else rule.vjps[k]
                    self._emit(code, rule, ins, params, y, group, g=g, gx=gx, saved=saved)
                if not use_rule or not self._settle(
                    [gx if j == k else None for j in range(len(ins))], ins, theirs, group
                ):
                    del self.lines[start:]
                    gx = self._grad(ins[k])
                    self._call_vjp(spec, k, ins, params, y, g, saved, [gx], group)
                    if not self._settle([gx if j == k else None for j in range(len(ins))], ins, theirs, group):
                        raise CompileError(
                            f"internal: the VJP of {spec.name} for its input {k} differs from the "
                            "engine's; please report this"
                        )
        self.values.pop(g.key, None)  # a node's gradient is used by its own VJPs only: free it

    def _settle(self, parts: list[Var | None], ins: list[Var], theirs: dict[int, Any], group: int) -> bool:
        """Bring each written ḡ to its input's shape and dtype; if all equal the engine's, add them up."""
        fitted = []
        for k, gx in enumerate(parts):
            if gx is None:
                continue
            gx = self._unbroadcast(gx, ins[k], group)
            value = self.values.get(gx.key)
            if np.shape(value) != np.shape(theirs[k]) or not _close(value, theirs[k]):
                return False
            self.values[gx.key] = theirs[k]
            fitted.append((k, gx))
        for k, gx in fitted:
            self._accumulate(ins[k], gx, group)
        return True

    def _grad(self, of: Var) -> Var:
        g = self._new("grad", None)
        g.of = of
        return g

    def _call_vjp(
        self,
        spec: Op,
        k: int,
        ins: list[Var],
        params: dict,
        y: Var,
        g: Var,
        saved: list[Var],
        outs: list[Var | None],
        group: int,
    ) -> None:
        """`g_x = op_vjp(g, y, inputs, **params)`: the op's own VJP function (correct on each call's arrays)."""
        (self.own_calls if spec.name in CALLS_ITS_OWN_VJP else self.fallbacks).add(spec.name)
        fname = self._call_name(spec, f"vjp{k}", spec.vjps[k])
        refs: list[Var] = [g, y, *ins]
        args = ["{%d}" % i for i in range(len(refs))]
        args += [f"{key}={self._param(val, refs)}" for key, val in params.items() if key != "saved"]
        if saved:
            slots = []
            for v in saved:
                refs.append(v)
                slots.append("{%d}" % (len(refs) - 1))
            args.append("saved=" + (slots[0] if len(slots) == 1 else "(" + ", ".join(slots) + ")"))
        lhs = []
        for o in outs:
            if o is None:
                lhs.append("_")
            else:
                refs.append(o)
                lhs.append("{%d}" % (len(refs) - 1))
        left = ", ".join(lhs) + ("," if spec.variadic and len(lhs) == 1 else "")
        self._line(f"{left} = {fname}({', '.join(args)})", refs, [o for o in outs if o is not None], group)

    def _unbroadcast(self, gx: Var, v: Var, group: int) -> Var:
        """ḡ brought to the input's shape and dtype, as `engine._unbroadcast`: summed over broadcast axes."""
        value = np.asarray(self.values[gx.key])
        gshape, shape = value.shape, v.shape
        if gshape != shape:
            out = self._grad(v)
            if len(gshape) > len(shape) or any(
                s == 1 and n != 1 for n, s in zip(gshape[len(gshape) - len(shape) :], shape)
            ):
                self._sum_to(out, gx, gshape, shape, value.dtype, group)
            else:
                self._line("{0} = np.broadcast_to({1}, %s)" % literal(shape), [out, gx], [out], group)
            gx = out
        if np.asarray(self.values[gx.key]).dtype != v.dtype:
            out = self._grad(v)
            self._line("{0} = {1}.astype(np.%s)" % v.dtype.name, [out, gx], [out], group)
            gx = out
        return gx

    def _sum_to(self, out: Var, g: Var, gshape: tuple, shape: tuple, dtype: np.dtype, group: int) -> None:
        """Σ down to `shape` (engine._sum_to_shape): over the batch as a product with ones (BLAS)."""
        lead = len(gshape) - len(shape)
        size = math.prod(gshape)
        if lead and tuple(gshape[lead:]) == tuple(shape) and dtype.char in "fd" and size:
            n = size // max(1, math.prod(shape))
            ones = self._ones.get((n, dtype.name))
            if ones is None:
                ones = self._ones[(n, dtype.name)] = self._constant(np.ones(n, dtype), f"ones_{n}")
            text = "{1} @ {2}" if len(gshape) == 2 and len(shape) == 1 else "{1} @ np.reshape({2}, (%d, -1))" % n
            if len(shape) != 1:
                text = f"np.reshape({text}, {literal(tuple(shape))})"
            self._line("{0} = " + text, [out, ones, g], [out], group)
            return
        axes = tuple(range(lead)) + tuple(lead + i for i, s in enumerate(shape) if s == 1 and gshape[lead + i] != 1)
        self._line(
            "{0} = {1}.sum(axis=%s, keepdims=True).reshape(%s)" % (literal(axes), literal(tuple(shape))),
            [out, g],
            [out],
            group,
        )

    def _accumulate(self, v: Var, gx: Var, group: int) -> None:
        """pending[v] += ḡ, in the engine's order (`old + gi`)."""
        old = self.pending.get(v)
        if old is None:
            self.pending[v] = gx
            return
        total = self._grad(v)
        self._line("{0} = {1} + {2}", [total, old, gx], [total], group)
        self.pending[v] = total

    def _close_backward(self) -> None:
        """At the end of a backward walk the gradients still waiting are the leaves': they go into .grad."""
        if self.pending is None:
            return
        for v, g in self.pending.items():
            if v.kind not in ("arg", "ext"):
                raise CompileError(f"internal: a gradient was left waiting at {v}")
            self.grad_events.append(("acc", v, g))
        self.pending = None

    # -- writing and running lines
    def _group(self, section: str, title: str, math_: list, report: str, scope: str | None) -> int:
        self.groups.append(Group(section, title, math_, report, scope))
        return len(self.groups) - 1

    def _line(
        self, text: str, refs: list[Var], targets: list[Var], group: int, prec: int = ATOM, effect: bool = False
    ) -> None:
        line = Line(text, refs, targets, prec, group, effect)
        self.lines.append(line)
        self._run(line)

    def _run(self, line: Line) -> None:
        """Execute one line on the traced values; its targets' values are then known."""
        names, local = [], {}
        for k, v in enumerate(line.refs):
            if v.literal is not None:
                names.append(v.literal)
            else:
                names.append(f"_{k}")
                if v.key in self.values:
                    local[f"_{k}"] = self.values[v.key]
                elif v.key in self.consts:
                    local[f"_{k}"] = self.consts[v.key]
        src = line.text.format(*names)
        code = self._codes.get(src)
        if code is None:
            code = self._codes[src] = compile(src, "<compiled line>", "exec")
        try:
            exec(code, self._globals, local)
        except Exception as e:
            raise CompileError(
                f"internal: the compiled line `{src}` failed on the traced values: {type(e).__name__}: {e}"
            ) from e
        for k, v in enumerate(line.refs):
            if v in line.targets:
                value = self.values[v.key] = local[f"_{k}"]
                if not isinstance(value, (list, tuple)):
                    v.shape, v.dtype = np.shape(value), np.asarray(value).dtype

    def _emit(
        self,
        code: str | list[str],
        rule: Rule,
        ins: list[Var],
        params: dict,
        y: Var,
        group: int,
        g: Var | None = None,
        gx: Var | None = None,
        saved: list[Var] | None = None,
    ) -> list[Var]:
        """Write a rule's forward (gx None) or one of its VJPs (into gx) as lines over the op's Vars."""
        stmts = [code] if isinstance(code, str) else list(code)
        names: dict[str, Var] = {"y": y}
        if g is not None:
            names["g"] = g
        if gx is not None:
            names["gx"] = gx
        variadic = rule.inputs == ("*",)
        if not variadic:
            names.update(zip(rule.inputs, ins))
        new_saved: list[Var] = []
        if gx is None:
            for k, hint in enumerate(rule.saves):
                new_saved.append(self._new("saved", None, hint))
                names[f"saved{k}"] = new_saved[-1]
        else:
            names.update((f"saved{k}", s) for k, s in enumerate(saved or []))
        for text in stmts:
            if not _ASSIGN.match(text) and not _EFFECT.match(text):
                text = ("{y} = " if gx is None else "{gx} = ") + text
            prec = rule.prec if gx is None and len(stmts) == 1 else ATOM
            self._emit_one(text, names, ins if variadic else None, params, group, prec)
        return new_saved

    def _emit_parts(
        self, code: str, rule: Rule, ins: list[Var], params: dict, y: Var, g: Var, parts: list[Var | None], group: int
    ) -> None:
        """A variadic VJP: one expression unpacked into the inputs' gradients (`_` for the others)."""
        names: dict[str, Var] = {"y": y, "g": g}
        lhs = []
        for k, p in enumerate(parts):
            if p is None:
                lhs.append("_")
            else:
                names[f"part{k}"] = p
                lhs.append("{part%d}" % k)
        self._emit_one(", ".join(lhs) + ("," if len(lhs) == 1 else "") + " = " + code, names, ins, params, group)

    def _emit_one(
        self, text: str, names: dict[str, Var], variadic: list[Var] | None, params: dict, group: int, prec: int = ATOM
    ) -> None:
        """Resolve the `{name}` placeholders of one statement into Var references and write it."""
        refs: list[Var] = []
        pos: dict[int, int] = {}
        targets: list[Var] = []

        def ref(v: Var) -> str:
            if id(v) not in pos:
                pos[id(v)] = len(refs)
                refs.append(v)
            return "{%d}" % pos[id(v)]

        effect = _EFFECT.match(text)
        assign = None if effect else _ASSIGN.match(text)
        split = assign.end() if assign else 0
        lhs, rhs = text[:split], text[split:]
        for key in re.findall(r"\{(\w+)\}", lhs):
            v = names.get(key) or self._tmp(key, names)
            targets.append(v)
        if effect:
            key = effect.group(1) or effect.group(2)
            targets.append(names[key])
        src = re.sub(r"\{(\*|\w+)\}", lambda m: self._placeholder(m.group(1), names, variadic, params, ref), lhs)
        src += re.sub(r"\{(\*|\w+)\}", lambda m: self._placeholder(m.group(1), names, variadic, params, ref), rhs)
        self._line(src, refs, targets, group, prec=prec, effect=bool(effect))

    def _tmp(self, key: str, names: dict[str, Var]) -> Var:
        """A temporary a rule introduces (`{e}`, `{shifted}`)."""
        v = self._new("tmp", None, key)
        names[key] = v
        return v

    def _placeholder(
        self, key: str, names: dict[str, Var], variadic: list[Var] | None, params: dict, ref: Callable[[Var], str]
    ) -> str:
        if key == "*":
            return ", ".join(ref(v) for v in variadic or [])
        if key in names:
            return ref(names[key])
        if key == "index":
            return _subscript(params["index"], lambda arr: ref(self._array_param(arr)))
        if key == "index_tuple":
            return self._param(params["index"], None, ref)
        if key in params:
            return self._param(params[key], None, ref)
        return ref(self._tmp(key, names))

    def _param(self, value: Any, refs: list[Var] | None, ref: Callable | None = None) -> str:
        """A parameter as code: a literal, or the name of an array (the traced value it is, if any)."""
        if ref is None:

            def ref(v: Var) -> str:
                refs.append(v)
                return "{%d}" % (len(refs) - 1)

        if isinstance(value, np.ndarray):
            return ref(self._array_param(value))
        if isinstance(value, tuple) and any(isinstance(p, np.ndarray) for p in value):
            inner = [ref(self._array_param(p)) if isinstance(p, np.ndarray) else literal(p) for p in value]
            return "(" + ", ".join(inner) + ("," if len(inner) == 1 else "") + ")"
        return literal(value).replace("{", "{{").replace("}", "}}")

    def _array_param(self, arr: np.ndarray) -> Var:
        """The Var of an array parameter (an index, a mask): the traced value it is or views, else a constant.

        An index read from an argument (`Embedding`'s `weight[idx]`) is that argument, so the program
        indexes with each call's own indices."""
        v = self.by_array.get(id(arr))
        if v is None and isinstance(arr, np.ndarray) and arr.base is not None:
            v = self.by_array.get(id(arr.base))
            if v is not None and (v.shape != arr.shape or v.dtype != arr.dtype):
                v = None
        if v is None:
            hint = "mask" if arr.dtype == np.bool_ else "idx" if arr.dtype.kind in "iu" else "c"
            v = self._constant(arr, hint)
            self.by_array[id(arr)] = v
            self.keep.append(arr)
        return v

    def _context(self, rule: Rule, ins: list[Var], params: dict, y: Var, g: Var | None = None) -> Context:
        shapes: dict[str, Any] = {}
        dtypes: dict[str, Any] = {}
        if rule.inputs == ("*",):
            shapes["*"] = [v.shape for v in ins]
        else:
            for name, v in zip(rule.inputs, ins):
                shapes[name], dtypes[name] = v.shape, v.dtype
        shapes["y"], dtypes["y"] = y.shape, y.dtype
        if g is not None and g.key in self.values:
            val = np.asarray(self.values[g.key])
            shapes["g"], dtypes["g"] = val.shape, val.dtype
        return Context(shapes, dtypes, {k: v for k, v in params.items() if k != "saved"})

    def _agree(self, mine: Var, theirs: Any, what: str) -> None:
        value = self.values.get(mine.key)
        if np.shape(value) != np.shape(theirs) or not _close(value, theirs):
            raise CompileError(
                f"internal: {what} written by the compiler differs from the engine's "
                f"(shapes {np.shape(value)} and {np.shape(theirs)}); please report this"
            )


def check_classes(labels: np.ndarray, classes: int) -> None:
    """Raise as cross_entropy does for a label that is not one of the classes (the program's guard)."""
    if labels.size and (labels.min() < 0 or labels.max() >= classes):
        bad = labels[(labels < 0) | (labels >= classes)][0]
        raise IndexError(
            f"class target {bad} is out of range for {classes} classes (valid: 0 to {classes - 1}); "
            "a compiled program accepts only class labels (no ignore_index)"
        )


def _close(a: Any, b: Any) -> bool:
    """Equal, or within a relative 1e-12 (float64) / 1e-5 (float32): a rule may associate a product
    differently."""
    a, b = np.asarray(a), np.asarray(b)
    if a.dtype != b.dtype and not (a.dtype.kind == b.dtype.kind == "f"):
        return False
    if np.array_equal(a, b, equal_nan=a.dtype.kind in "fc"):
        return True
    if a.dtype.kind != "f":
        return False
    tol = 1e-12 if a.dtype == np.float64 else 1e-5
    return bool(np.allclose(a, b, rtol=tol, atol=tol * 1e-3, equal_nan=True))


_BASELINE: list[int] = []  # references to a constant the engine wrapped for one op, as _refcounts counts them


def _refcounts(parents: Sequence[Tensor]) -> list[int]:
    return [sys.getrefcount(p) for p in parents]


def _wrapped(parents: Sequence[Tensor]) -> list[bool]:
    """Which inputs are constants the engine made from a Python number or array for this one op.

    Nothing but the op's input tuple holds such a tensor, so nobody can change it later and it may
    be written into the program; found by the reference count, calibrated once on a real op.
    """
    if not _BASELINE:
        _calibrate()
    return [n <= _BASELINE[0] and p.op is None and not p.requires_grad for n, p in zip(_refcounts(parents), parents)]


class _Probe:
    def op(self, spec: Op, parents: Sequence[Tensor], params: dict, out: Tensor) -> None:
        _BASELINE.append(_refcounts(parents)[1])


def _calibrate() -> None:
    from autograd import engine

    engine.tracers.append(_Probe())
    try:
        Tensor(1.0) + 2.0
    finally:
        engine.tracers.pop()


def _spelled(what: str) -> str:
    return {
        "item": ".item()",
        "tolist": ".tolist()",
        "bool": "bool(tensor) (an `if`, `while`, `and`/`or` on it)",
        "float": "float(tensor)",
        "int": "int(tensor)",
        "index": "using a tensor as an index or an int",
        "round": "round(tensor)",
    }.get(what, what)


def identifier(text: str) -> str:
    """`text` as a Python name: `y*` → `y_star`."""
    text = text.replace("*", "_star").replace("'", "_prime")
    out = "".join(ch if ch.isalnum() or ch == "_" else "_" for ch in text).strip("_")
    if not out:
        return "t"
    if out[0].isdigit():
        out = "t" + out
    if keyword.iskeyword(out):
        out += "_"
    return out
