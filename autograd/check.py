"""Checking gradients: finite differences (`gradcheck`) and full Jacobians (`jacobian`)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from autograd.tensor import Tensor, grad

__all__ = ["gradcheck", "jacobian", "numerical_grad"]


def _as_inputs(inputs: Any) -> list[Tensor]:
    return [inputs] if isinstance(inputs, Tensor) else list(inputs)


def numerical_grad(fn: Callable[..., Tensor], inputs: Sequence[Tensor], eps: float = 1e-6,
                   direction: np.ndarray | None = None) -> list[np.ndarray]:
    """∂⟨v, fn(inputs)⟩/∂inputs by central differences, one entry at a time.

    `v` is `direction` (default: ones, i.e. the sum of the outputs).
    """
    grads = []
    for x in inputs:
        g = np.zeros_like(x.data)
        flat, gflat = x.data.reshape(-1), g.reshape(-1)
        for k in range(flat.size):
            old = flat[k]
            flat[k] = old + eps
            up = np.array(fn(*inputs).data, dtype=np.float64)  # a copy: outputs may be views of x
            flat[k] = old - eps
            down = np.array(fn(*inputs).data, dtype=np.float64)
            flat[k] = old
            diff = (up - down) if direction is None else (up - down) * direction
            gflat[k] = diff.sum() / (2 * eps)
        grads.append(g)
    return grads


def gradcheck(fn: Callable[..., Tensor], inputs: Tensor | Sequence[Tensor], eps: float = 1e-6,
              atol: float = 1e-5, rtol: float = 1e-3, seed: int = 0) -> bool:
    """Compare reverse-mode gradients of `fn(*inputs)` with central differences.

    Inputs must be float64 tensors with `requires_grad=True` (float32 has too
    few digits for differences at eps = 1e-6).  A random direction v is used
    for non-scalar outputs, so every output entry counts.  Returns True, or
    raises AssertionError naming the input, the worst entry and both values.
    """
    inputs = _as_inputs(inputs)
    for i, x in enumerate(inputs):
        if x.dtype != np.float64:
            raise TypeError(f"gradcheck needs float64 inputs; input {i} has dtype {x.dtype}")
        if not x.requires_grad:
            raise ValueError(f"gradcheck: input {i} (shape {x.shape}) has requires_grad=False")
    out = fn(*inputs)
    v = np.random.default_rng(seed).standard_normal(out.shape) if out.size > 1 else None
    analytic = grad(out, inputs, grad_outputs=v if v is not None else np.ones_like(out.data),
                    allow_unused=True)
    numeric = numerical_grad(fn, inputs, eps, v)
    for i, (a, n) in enumerate(zip(analytic, numeric)):
        a = np.zeros_like(n) if a is None else a.data
        err = np.abs(a - n) - (atol + rtol * np.abs(n))
        if err.size and err.max() > 0:
            k = np.unravel_index(np.argmax(err), err.shape)
            raise AssertionError(f"gradcheck failed for input {i} (shape {inputs[i].shape}) at index "
                                 f"{tuple(int(j) for j in k)}: backward gives {a[k]:.10g}, finite "
                                 f"differences give {n[k]:.10g} (atol={atol}, rtol={rtol})")
    return True


def jacobian(fn: Callable[[Tensor], Tensor], x: Tensor) -> np.ndarray:
    """The full Jacobian ∂fn(x)_i/∂x_j by reverse mode: one backward per output entry.

    Returns an array of shape fn(x).shape + x.shape.  Example: the softmax
    Jacobian of report 002 eq. 1.4, `jacobian(softmax, z)` = diag(ŷ) − ŷŷᵀ.
    """
    if not x.requires_grad:
        x = Tensor(x.data, requires_grad=True)
    out = fn(x)
    rows = np.zeros((out.size,) + x.shape, dtype=x.dtype)
    for i in range(out.size):
        seed = np.zeros(out.size, dtype=out.dtype)
        seed[i] = 1
        (g,) = grad(out, x, grad_outputs=seed.reshape(out.shape), retain_graph=True, allow_unused=True)
        if g is not None:
            rows[i] = g.data
    return rows.reshape(out.shape + x.shape)
