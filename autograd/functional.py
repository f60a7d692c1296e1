"""Whole derivatives at once, as `torch.autograd.functional`: `jacobian` and `hessian`.

Both are built from reverse mode: one backward pass per output entry (the
Hessian is the Jacobian of the gradient, so its rows come from second
derivatives, `create_graph=True`).  Fine for the sizes of a lesson; a function
with 1000 output entries costs 1000 backward passes, and so does the Hessian of a
function of 1000 inputs.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from autograd.engine import Tensor, grad
from autograd.ops import stack

__all__ = ["jacobian", "hessian"]


def _fresh(inputs: Any, create_graph: bool) -> tuple[tuple[Tensor, ...], bool]:
    """The inputs as tensors to differentiate at: new leaves that require grad (the caller's tensors
    are not touched), except, with `create_graph`, the caller's own tensors that require grad (a view
    of each), so the result can be differentiated with respect to them (as PyTorch)."""
    single = isinstance(inputs, Tensor)
    items = (inputs,) if single else tuple(inputs)
    out = []
    for k, x in enumerate(items):
        if not isinstance(x, Tensor):
            raise TypeError(f"jacobian/hessian: input {k} is a {type(x).__name__}, not a Tensor")
        if x.dtype.kind != "f":
            raise TypeError(f"jacobian/hessian: input {k} has dtype {x.dtype}; derivatives need float inputs")
        out.append(x.view_as(x) if create_graph and x.requires_grad else Tensor(x.numpy(), requires_grad=True))
    return tuple(out), single


def jacobian(func: Callable[..., Any], inputs: Any, create_graph: bool = False, strict: bool = False) -> Any:
    """∂func(inputs)_i / ∂inputs_j, shaped output.shape + input.shape (as torch.autograd.functional.jacobian).

    `inputs` is a Tensor or a tuple of them; with a tuple the result is a tuple
    (one Jacobian per input), and with several outputs a tuple of those.
    Example: the softmax Jacobian of report 002 eq. 1.4, `jacobian(softmax, z)` = diag(ŷ) − ŷŷᵀ.
    """
    xs, single_in = _fresh(inputs, create_graph)
    outs = func(*xs)
    single_out = isinstance(outs, Tensor)
    outs = (outs,) if single_out else tuple(outs)
    result = []
    for k, y in enumerate(outs):
        if not isinstance(y, Tensor):
            raise TypeError(f"jacobian: output {k} of func is a {type(y).__name__}, not a Tensor")
        rows: list[list[Any]] = [[Tensor(np.zeros(x.shape, dtype=x.dtype))] * y.numel() for x in xs]
        if y.requires_grad:
            for i in range(y.numel()):  # row i: the gradient of output entry i (one backward pass)
                seed = np.zeros(y.numel(), dtype=y.dtype)
                seed[i] = 1
                gs = grad(
                    y,
                    xs,
                    grad_outputs=seed.reshape(y.shape),
                    retain_graph=True,
                    allow_unused=True,
                    create_graph=create_graph,
                )
                for r, g in zip(rows, gs):
                    if g is not None:
                        r[i] = g
                    elif strict:
                        raise RuntimeError(f"jacobian(strict=True): output {k} does not depend on an input")
        elif strict:
            raise RuntimeError(f"jacobian(strict=True): output {k} does not depend on the inputs")
        result.append(tuple(_rows(r, y.shape + x.shape, create_graph) for r, x in zip(rows, xs)))
    per_out = [r[0] if single_in else r for r in result]
    return per_out[0] if single_out else tuple(per_out)


def _rows(rows: list[Tensor], shape: tuple, create_graph: bool) -> Tensor:
    """The Jacobian rows as one tensor of `shape`: recorded (stack) under create_graph, else plain."""
    if create_graph:
        return stack(rows).reshape(shape)
    return Tensor(np.stack([r.numpy() for r in rows]).reshape(shape))


def hessian(func: Callable[..., Tensor], inputs: Any, create_graph: bool = False, strict: bool = False) -> Any:
    """∂²func/∂inputs² for a function with one output entry (as torch.autograd.functional.hessian)."""
    xs, single_in = _fresh(inputs, create_graph)

    def gradient(*args: Tensor) -> Any:
        y = func(*args)
        if not isinstance(y, Tensor) or y.numel() != 1:
            raise ValueError("hessian: func must return a tensor with a single element")
        gs = grad(y, args, create_graph=True, allow_unused=True)
        gs = tuple(g if g is not None else Tensor(np.zeros(a.shape, a.dtype)) for g, a in zip(gs, args))
        return gs[0] if single_in else gs

    h = jacobian(gradient, xs[0] if single_in else xs, create_graph=create_graph, strict=strict)
    return h
