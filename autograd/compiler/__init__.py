"""`autograd.compile`: the engine writes the backward pass as code, and runs it at the speed of numpy.

    @autograd.compile
    def step(x, y):
        loss = F.cross_entropy(model(x), y)
        loss.backward()
        return loss

    for xb, yb in loader:
        opt.zero_grad(); loss = step(xb, yb); opt.step()
    print(step.source)          # the generated forward + backward, as readable Python

How it works.  The first call with a signature (grad mode; each tensor or array
argument's shape and dtype and whether it requires grad; Python numbers, strings
and None by value, other objects such as a module by identity) runs the
function eagerly with a tracer on the engine (`autograd/compiler/build.py`), which
writes, for every op and every VJP of the backward walk, the numpy lines of the
rule table (`autograd/compiler/rules.py`) and checks each against the engine's
own result.  The lines become one Python function (`autograd/compiler/program.py`):
no Tensor, no graph, no heap; the array library is the one name `np`.  Later
calls with the same signature run that function on the arguments' arrays and the
closed-over tensors' *current* arrays (so an optimiser's in-place updates are
seen), then add the gradients into `.grad` as `backward()` does.  A new signature
traces again; the last `cache_size` (8) programs are kept, and all are dropped when
a global or closed-over name the function uses is rebound (`model = nn.MLP(...)`).

What it checks.  The call after each trace runs the eager function beside the
program and raises `CompileError` if any result or gradient differs by more than
1e-12 (float64) or 1e-5 (float32): a value computed in Python outside the
engine's ops (a numpy mask from `x.numpy()`, a random draw) would be frozen into
the program, and this is where it shows.  `check=True` compares on every call.

What it refuses, with an error naming the line: reading a tensor's value while
tracing (`.item()`, `bool()`, `float()`, `if loss > 1:`), in-place changes, hooks
and `retain_grad()` on the function's tensors, `.data =`, `create_graph=True`,
`autograd.grad()` and `backward(inputs=...)` inside the function, and returning a
tensor that requires grad without calling backward (there is no graph to
differentiate later).  `opt.zero_grad()` (`p.grad = None`) inside is fine.
"""

from __future__ import annotations

import functools
import inspect
import sys
from collections import OrderedDict
from collections.abc import Callable
from typing import Any

import numpy as np

from autograd import engine
from autograd.compiler.build import Builder, CompileError
from autograd.compiler.program import Program, Stale
from autograd.engine import Tensor, from_numpy, is_grad_enabled, unwrap

__all__ = ["compile", "Compiled", "CompileError", "CACHE_SIZE"]

CACHE_SIZE = 8
_EAGER: list[None] = []  # non-empty while a checking call runs eagerly (compiled calls inside it run eagerly too)
TOLERANCE = {np.dtype(np.float64): 1e-12, np.dtype(np.float32): 1e-5}


class Compiled:
    """A compiled function: call it like the original; `.source` and `.show()` show the program."""

    def __init__(self, fn: Callable, check: bool = False, cache_size: int = CACHE_SIZE) -> None:
        functools.update_wrapper(self, fn)
        self.fn, self.check, self.cache_size = fn, bool(check), cache_size
        self.cache: OrderedDict[tuple, Program] = OrderedDict()
        self.traces = 0
        self.last: Program | None = None
        self._bound: list[tuple[Any, str, Any]] = []
        try:
            self._signature: inspect.Signature | None = inspect.signature(fn)
        except (TypeError, ValueError):
            self._signature = None

    # -- calling
    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        if engine.tracers or _EAGER:  # inside another trace, or its eager check: run eagerly, so it records
            return self.fn(*args, **kwargs)
        if self._bound and not _still_bound(self._bound):
            self.cache.clear()  # a name the function uses now means another object
        key, tensors, call_args, call_kwargs = self._prepare(args, kwargs)
        program = self.cache.get(key)
        if program is not None and not (self.check or not program.checked):
            if self.last is not program:
                self.cache.move_to_end(key)
                self.last = program
            try:
                return program.run(tensors)
            except Stale:  # a closed-over tensor changed shape, dtype or requires_grad
                program = None
        if program is not None and not program.guards_hold():
            program = None
        if program is None:
            self.cache.pop(key, None)
            return self._trace(key, tensors, call_args, call_kwargs)
        self.cache.move_to_end(key)
        self.last = program
        return self._checked(program, tensors, call_args, call_kwargs)

    def _prepare(self, args: tuple, kwargs: dict) -> tuple[tuple, list[Tensor], Any, dict]:
        """The cache key, the argument tensors (arrays wrapped, sharing memory) and the call's arguments."""
        parts: list[Any] = [is_grad_enabled()]
        tensors: list[Tensor] = []
        if not kwargs:
            for a in args:  # the common case, tensors only: no new argument list
                if not isinstance(a, Tensor):
                    break
                d = unwrap(a)
                parts.append((d.shape, d.dtype, a.requires_grad))
                tensors.append(a)
            else:
                return tuple(parts), tensors, args, kwargs
            parts, tensors = parts[:1], []
        call_args = [self._arg(a, parts, tensors) for a in args]
        call_kwargs = {k: self._arg(v, parts, tensors, k) for k, v in kwargs.items()}
        return tuple(parts), tensors, call_args, call_kwargs

    @staticmethod
    def _arg(a: Any, parts: list, tensors: list[Tensor], name: str = "") -> Any:
        if isinstance(a, Tensor):
            d = unwrap(a)
            parts.append((d.shape, d.dtype, a.requires_grad) if not name else (name, d.shape, d.dtype, a.requires_grad))
            tensors.append(a)
            return a
        if isinstance(a, np.ndarray) and a.dtype.kind in "biuf":
            parts.append((name, "array", a.shape, a.dtype))
            t = from_numpy(a)
            tensors.append(t)
            return t
        if a is None or isinstance(a, (bool, int, float, str, np.generic)):
            parts.append((name, type(a), a))
            return a
        parts.append((name, "object", id(a)))  # a module, a list, ...: by identity (its tensors are read
        return a  # on each call like any closed-over tensor)

    def _trace(self, key: tuple, tensors: list[Tensor], call_args: list, call_kwargs: dict) -> Any:
        names, signature = self._arg_names(call_args, call_kwargs, tensors)
        builder = Builder(tensors, names, _closure_names(self.fn))
        engine.tracers.append(builder)
        try:
            result, local_names = _with_local_names(self.fn, call_args, call_kwargs)
            builder.finish(local_names)
        finally:
            engine.tracers.remove(builder)
        program = Program(builder, result, signature, name=_program_name(self.fn))
        self._bound = _bindings(self.fn)
        program.checked = False
        self.traces += 1
        self.cache[key] = program
        while len(self.cache) > self.cache_size:
            self.cache.popitem(last=False)
        self.last = program
        return result

    def _checked(self, program: Program, tensors: list[Tensor], call_args: list, call_kwargs: dict) -> Any:
        """Run the eager function and the program on the same call; raise if they disagree."""
        leaves = _leaves(program, tensors)
        before = {id(t): _copy(t.grad) for t in leaves}
        _EAGER.append(None)
        try:
            eager = self.fn(*call_args, **call_kwargs)
        finally:
            _EAGER.pop()
        eager_grads = {id(t): _copy(t.grad) for t in leaves}
        for t in leaves:
            t.grad = before[id(t)]
        result = program.run(tensors)
        problems = []
        _compare(eager, result, "the result", problems)
        for t in leaves:
            _compare(eager_grads[id(t)], t.grad, f".grad of {_label(t)}", problems)
        if problems:
            raise CompileError(
                "the compiled program disagrees with the eager function on this call: "
                + "; ".join(problems[:4])
                + ". The trace froze a value that depends on the arguments: something computed in Python or "
                "numpy from a tensor's values (e.g. through .numpy()), a random draw, or state outside the "
                "function. Compute it with tensor ops inside the function, or leave this function eager."
            )
        program.checked = True
        return result

    def _arg_names(self, call_args: list, call_kwargs: dict, tensors: list[Tensor]) -> tuple[list[str], str]:
        params = list(self._signature.parameters.values()) if self._signature else []
        positional = [p for p in params if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)]
        star = next((p.name for p in params if p.kind is p.VAR_POSITIONAL), "arg")
        names, described = [], []
        ids = {id(t) for t in tensors}
        for k, a in enumerate(call_args):
            name = positional[k].name if k < len(positional) else f"{star}{k - len(positional)}"
            if id(a) in ids:
                names.append(name)
                described.append(f"{name}: {tuple(a.shape)} {a.dtype}" + (", requires grad" if a.requires_grad else ""))
        for name, a in call_kwargs.items():
            if id(a) in ids:
                names.append(name)
                described.append(f"{name}: {tuple(a.shape)} {a.dtype}")
        return names, "; ".join(described) or "no tensor arguments"

    # -- reading the program
    @property
    def source(self) -> str:
        """The generated function of the most recent call's signature (trace it first by calling)."""
        if self.last is None:
            raise RuntimeError(
                f"{self.__name__} has not been called yet: call it once (that traces it), then read .source"
            )
        return self.last.source

    def show(self) -> None:
        """Print the program, with the report equations its rules come from."""
        print(self.source, end="")
        if self.last.reports:
            print("# rules from the reports: " + "; ".join(self.last.reports))
        if self.last.own_calls:
            print("# calls of an op's own numpy function (by its rule): " + ", ".join(self.last.own_calls))
        if self.last.fallbacks:
            print(
                "# ops with no rule in autograd/compiler/rules.py, called as their own functions: "
                + ", ".join(self.last.fallbacks)
            )

    def __repr__(self) -> str:
        return f"<autograd.compile of {self.__name__}: {len(self.cache)} program(s) cached, {self.traces} trace(s)>"


def _with_local_names(fn: Callable, args: list, kwargs: dict) -> tuple[Any, dict[int, str]]:
    """fn(*args, **kwargs), and the names of fn's local variables that held tensors when it returned
    (id(tensor) -> name), so the program says `a = x * m + b` where the function did."""
    code = getattr(inspect.unwrap(fn), "__code__", None)
    names: dict[int, str] = {}
    if code is None or sys.getprofile() is not None:  # (a profiler is running: names fall back to the ops')
        return fn(*args, **kwargs), names

    def watch(frame: Any, event: str, arg: Any) -> None:
        if event == "return" and frame.f_code is code:
            for name, value in frame.f_locals.items():
                if isinstance(value, Tensor) and not name.startswith("_"):
                    names.setdefault(id(value), name)

    sys.setprofile(watch)
    try:
        return fn(*args, **kwargs), names
    finally:
        sys.setprofile(None)


def compile(fn: Callable | None = None, *, check: bool = False, cache_size: int = CACHE_SIZE) -> Any:
    """Compile `fn` (a training step or any function of tensors) into a generated numpy program.

    Use as `@autograd.compile`, `@autograd.compile(check=True)` or `autograd.compile(fn)`.
    See `autograd/compiler/__init__.py` for what is traced, cached, checked and refused.
    """
    if fn is None:
        return lambda f: Compiled(f, check, cache_size)
    if not callable(fn):
        raise TypeError(f"autograd.compile expects a function, got {type(fn).__name__}")
    return Compiled(fn, check, cache_size)


# ----------------------------------------------------------------------------- helpers


def _closure_names(fn: Callable) -> dict[int, str]:
    """The names a function gives the tensors it closes over (its free variables and globals), by id."""
    names: dict[int, str] = {}
    code = getattr(fn, "__code__", None)
    if code is None:
        return names
    for name, cell in zip(code.co_freevars, getattr(fn, "__closure__", None) or ()):
        try:
            obj = cell.cell_contents
        except ValueError:
            continue
        if isinstance(obj, Tensor):
            names[id(obj)] = name
    for name in code.co_names:
        obj = getattr(fn, "__globals__", {}).get(name)
        if isinstance(obj, Tensor):
            names.setdefault(id(obj), name)
    return names


def _bindings(fn: Callable) -> list[tuple[Any, str, Any]]:
    """(closure cell or globals, name, object) for every free variable and global the function's code names:
    if one of them is rebound (model = nn.MLP(...) again), the programs are stale (they read the old tensors)."""
    code = getattr(fn, "__code__", None)
    if code is None:
        return []
    bound: list[tuple[Any, str, Any]] = []
    for cell in getattr(fn, "__closure__", None) or ():
        try:
            bound.append((cell, "", cell.cell_contents))
        except ValueError:
            continue
    glob = getattr(fn, "__globals__", {})
    bound += [(glob, name, glob[name]) for name in code.co_names if name in glob]
    return bound


def _still_bound(bound: list[tuple[Any, str, Any]]) -> bool:
    for where, name, obj in bound:
        try:
            now = where[name] if name else where.cell_contents
        except (KeyError, ValueError):
            return False
        if now is not obj:
            return False
    return True


def _program_name(fn: Callable) -> str:
    name = getattr(fn, "__name__", "program")
    return name if name.isidentifier() and name != "<lambda>" else "program"


def _leaves(program: Program, tensors: list[Tensor]) -> list[Tensor]:
    """Every leaf the function could give a gradient to: its tensor arguments and closed-over tensors."""
    seen, out = set(), []
    for t in [*tensors, *program.externals]:
        if t.requires_grad and t.is_leaf and id(t) not in seen:
            seen.add(id(t))
            out.append(t)
    return out


def _copy(g: Tensor | None) -> Tensor | None:
    return None if g is None else Tensor(g.numpy())


def _label(t: Tensor) -> str:
    return repr(t.name) if t.name else repr(getattr(t, "path", None) or f"tensor of shape {tuple(t.shape)}")


def _compare(a: Any, b: Any, what: str, problems: list[str]) -> None:
    if isinstance(a, Tensor) or isinstance(b, Tensor):
        if not (isinstance(a, Tensor) and isinstance(b, Tensor)):
            problems.append(f"{what}: {type(a).__name__} eager, {type(b).__name__} compiled")
            return
        x, y = np.asarray(a.numpy()), np.asarray(b.numpy())
        if x.shape != y.shape or x.dtype != y.dtype:
            problems.append(f"{what}: shape/dtype {x.shape} {x.dtype} eager, {y.shape} {y.dtype} compiled")
            return
        tol = TOLERANCE.get(x.dtype, 0)
        if x.dtype.kind == "f" and not np.allclose(x, y, rtol=tol, atol=tol, equal_nan=True):
            problems.append(f"{what} differs by up to {np.nanmax(np.abs(x - y)):.3g}")
        elif x.dtype.kind != "f" and not np.array_equal(x, y):
            problems.append(f"{what} differs")
        return
    if isinstance(a, (tuple, list)) and isinstance(b, (tuple, list)) and len(a) == len(b):
        for k, (x, y) in enumerate(zip(a, b)):
            _compare(x, y, f"{what}[{k}]", problems)
        return
    if isinstance(a, dict) and isinstance(b, dict) and a.keys() == b.keys():
        for k in a:
            _compare(a[k], b[k], f"{what}[{k!r}]", problems)
        return
    if (a is None) != (b is None) or (a is not None and type(a) is not type(b)):
        problems.append(f"{what}: {a!r} eager, {b!r} compiled")
    elif a is not None and not isinstance(a, (tuple, list, dict)) and a != b:
        problems.append(f"{what}: {a!r} eager, {b!r} compiled")
