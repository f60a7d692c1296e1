"""Step functions written once for every engine with PyTorch's names (ours, PyTorch, and micrograd for W1).

Our engine and PyTorch share `x * m`, `.relu()`, `.tanh()`, `.sum()`,
`.backward()`, `.grad`, `opt.zero_grad()` and `opt.step()`, so the same
student-style code runs on both; only how the tensors are made differs.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from benchmarks.problems import CHAIN_OPS


def scalar_graph(x: Any, m: Any, b: Any, y_star: Any, no_grad: Any = None) -> Callable[[], None]:
    """Report 000's graph: a = x·m + b, y = ReLU(a), L = (y − y*)², backward to x, m, b."""

    def step() -> None:
        x.grad = m.grad = b.grad = no_grad
        loss = ((x * m + b).relu() - y_star) ** 2
        loss.backward()

    return step


def train(model: Callable, loss_fn: Callable, opt: Any, X: Any, y: Any) -> Callable[[], None]:
    """One SGD step: forward, loss, backward, update."""

    def step() -> None:
        opt.zero_grad()
        loss = loss_fn(model(X), y)
        loss.backward()
        opt.step()

    return step


def wide(pieces: list, scalars: list, cat: Callable, stack: Callable) -> Callable[[], None]:
    """One node with 50,000 inputs (cat) and one with 100,000 (stack), summed, backward to every input:
    the walk must split ḡ once per node, not once per input (issue 13 item 6)."""

    def step() -> None:
        (cat(pieces).sum() + stack(scalars).sum()).backward()

    return step


def chain(x: Any, w: Any, c: Any, n_ops: int) -> Callable[[], None]:
    """h ← h·w, h ← h + c, h ← tanh(h) for `n_ops` steps from h = x; then Σh backward to x."""
    kinds = [CHAIN_OPS[i % 3] for i in range(n_ops)]

    def step() -> None:
        x.grad = None
        h = x
        for kind in kinds:
            h = h * w if kind == "mul" else h + c if kind == "add" else h.tanh()
        h.sum().backward()

    return step
