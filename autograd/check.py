"""Checking gradients against float64 central differences: `gradcheck` and `numerical_grad`."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from autograd.engine import Tensor, grad

__all__ = ["gradcheck", "numerical_grad"]


def _as_inputs(inputs: Any) -> list[Tensor]:
    return [inputs] if isinstance(inputs, Tensor) else list(inputs)


def numerical_grad(
    fn: Callable[..., Tensor], inputs: Sequence[Tensor], eps: float = 1e-6, direction: np.ndarray | None = None
) -> list[np.ndarray]:
    """∂⟨v, fn(inputs)⟩/∂inputs by central differences, one entry at a time.

    `v` is `direction` (default: ones, i.e. the sum of the outputs).
    """
    grads = []
    for x in inputs:
        g = np.zeros_like(x.numpy())
        flat, gflat = x.numpy().reshape(-1), g.reshape(-1)  # a view: entries are nudged in place
        for k in range(flat.size):
            old = flat[k]
            flat[k] = old + eps
            up = np.array(fn(*inputs).numpy(), dtype=np.float64)  # a copy: outputs may be views of x
            flat[k] = old - eps
            down = np.array(fn(*inputs).numpy(), dtype=np.float64)
            flat[k] = old
            diff = (up - down) if direction is None else (up - down) * direction
            gflat[k] = diff.sum() / (2 * eps)
        grads.append(g)
    return grads


def gradcheck(
    fn: Callable[..., Tensor],
    inputs: Tensor | Sequence[Tensor],
    eps: float = 1e-6,
    atol: float = 1e-5,
    rtol: float = 1e-3,
    seed: int = 0,
) -> bool:
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
    v = np.random.default_rng(seed).standard_normal(out.shape) if out.numel() > 1 else None
    analytic = grad(out, inputs, grad_outputs=v if v is not None else np.ones_like(out.numpy()), allow_unused=True)
    numeric = numerical_grad(fn, inputs, eps, v)
    for i, (a, n) in enumerate(zip(analytic, numeric)):
        a = np.zeros_like(n) if a is None else a.numpy()
        err = np.asarray(np.abs(a - n) - (atol + rtol * np.abs(n)))
        err[np.isnan(a) | np.isnan(n)] = np.inf  # a NaN on either side is a failure, never a pass
        if err.size and err.max() > 0:
            k = np.unravel_index(np.argmax(err), err.shape)
            raise AssertionError(
                f"gradcheck failed for input {i} (shape {inputs[i].shape}) at index "
                f"{tuple(int(j) for j in k)}: backward gives {a[k]:.10g}, finite "
                f"differences give {n[k]:.10g} (atol={atol}, rtol={rtol})"
            )
    return True
