"""The workloads written directly in numpy, gradients derived by hand: the floor for a numpy engine.

Each `make_*` returns a `step()` that does what the engine's step does
(forward, loss, backward, SGD update) with the same formulas, with no graph
and no bookkeeping.  Notation as in the reports: z = xWᵀ + b (W is (out, in)), ŷ = softmax(z),
∂L/∂z = (ŷ − y)/N for the mean cross-entropy.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from benchmarks.problems import CHAIN_OPS, LR, Net


def make_w1() -> Callable[[], tuple]:
    """a = x·m + b, y = ReLU(a), L = (y − y*)²; ∂L/∂a = 2(y − y*)·[a > 0] (report 000, eqs. 8–12)."""
    x, m, b, y_star = (np.asarray(v) for v in (2.0, 3.0, 1.0, 4.0))

    def step() -> tuple:
        a = x * m + b
        y = np.maximum(a, 0)
        d = y - y_star
        loss = d * d
        da = 2 * d * (a > 0)
        return loss, da * m, da * x, da  # L, ∂L/∂x, ∂L/∂m, ∂L/∂b

    return step


def _activate(z: np.ndarray, name: str) -> tuple[np.ndarray, np.ndarray]:
    """(h, h') for the hidden activation, each computed once (h' reuses the forward's work)."""
    e = np.exp(-np.abs(z))  # e = e^−|z| ≤ 1: nothing overflows
    if name == "sigmoid":  # σ(z) = (1 or e)/(1 + e), σ' = σ(1 − σ)
        h = np.maximum(e, z >= 0)  # (1 or e) = max(e, [z ≥ 0]) as e ≤ 1: 3–13× np.where
        e += 1
        h /= e
        return h, h * (1 - h)
    h = np.maximum(z, 0)  # softplus = max(z, 0) + log(1 + e^−|z|)
    h += np.log1p(e)
    slope = np.maximum(e, z >= 0)  # softplus' = σ(z) = (1 or e^−|z|)/(1 + e^−|z|)
    slope /= 1 + e
    return h, slope


def make_net(p: Net) -> Callable[[], float]:
    """One SGD step of an MLP with one hidden layer and a mean cross-entropy loss."""
    X, y = p.X, p.y
    (W1, W2), (b1, b2) = p.weights, p.biases
    rows = np.arange(len(y))

    def step() -> float:
        z1 = X @ W1.T
        z1 += b1
        h, slope = _activate(z1, p.activation)
        z2 = h @ W2.T
        z2 += b2
        z2 -= z2.max(axis=1, keepdims=True)  # log-softmax, shifted
        e = np.exp(z2)
        lse = np.log(e.sum(axis=1, keepdims=True))
        loss = -(z2[rows, y] - lse[:, 0]).mean()
        e /= np.exp(lse)  # ŷ
        e[rows, y] -= 1  # ŷ − y
        e /= len(y)  # ∂L/∂z2
        dW2 = e.T @ h  # (out, in), as W2
        db2 = e.sum(axis=0)
        dz1 = e @ W2
        dz1 *= slope  # ∂L/∂z1
        dW1 = dz1.T @ X
        db1 = dz1.sum(axis=0)
        for param, grad in ((W1, dW1), (b1, db1), (W2, dW2), (b2, db2)):
            param -= LR * grad
        return float(loss)

    return step


def make_chain(x: np.ndarray, w: np.ndarray, c: np.ndarray, n_ops: int) -> Callable[[], np.ndarray]:
    """h ← h·w, h ← h + c, h ← tanh(h) repeated; L = Σh; returns ∂L/∂x."""
    kinds = [CHAIN_OPS[i % 3] for i in range(n_ops)]

    def step() -> np.ndarray:
        h, saved = x, []
        for kind in kinds:
            if kind == "mul":
                h = h * w
            elif kind == "add":
                h = h + c
            else:
                h = np.tanh(h)
                saved.append(h)
        _loss = h.sum()
        g = np.ones_like(h)
        for kind in reversed(kinds):
            if kind == "mul":
                g = g * w
            elif kind == "tanh":
                t = saved.pop()
                g = g * (1 - t * t)
        return g

    return step
