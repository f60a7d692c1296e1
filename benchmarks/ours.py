"""The workloads on our engine, written as a student would write them (the steps are in `steps.py`)."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

import nn
from autograd import Tensor, cat, stack
from benchmarks import problems, steps
from benchmarks.problems import LR, Net


def make_w1() -> Callable[[], None]:
    """Report 000's graph on 0-d float64 tensors."""
    x, m, b = (Tensor(v, requires_grad=True) for v in (2.0, 3.0, 1.0))
    return steps.scalar_graph(x, m, b, Tensor(4.0))


def make_net(p: Net) -> Callable[[], None]:
    """`nn.MLP` + `nn.CrossEntropyLoss` + `nn.optim.SGD`, on the problem's own weight arrays (no copies)."""
    sizes = [p.weights[0].shape[1]] + [w.shape[0] for w in p.weights]
    model = nn.MLP(sizes, activation=p.activation, dtype=p.X.dtype)
    linears = [layer for layer in model if isinstance(layer, nn.Linear)]
    for layer, w, b in zip(linears, p.weights, p.biases):
        layer.weight.data, layer.bias.data = w, b  # shares the arrays (no copies)
    opt = nn.optim.SGD(model.parameters(), lr=LR)
    return steps.train(model, nn.CrossEntropyLoss(), opt, Tensor(p.X), p.y)


def make_wide() -> Callable[[], None]:
    """W6: cat of 50,000 leaves of shape (2,) and stack of 100,000 0-d leaves (gradients accumulate)."""
    rows, values = problems.wide()
    pieces = [Tensor(r, requires_grad=True) for r in rows]
    scalars = [Tensor(v, requires_grad=True) for v in values]
    return steps.wide(pieces, scalars, cat, stack)


def make_chain(x: np.ndarray, w: np.ndarray, c: np.ndarray, n_ops: int) -> Callable[[], None]:
    """A chain of `n_ops` elementwise ops on x (100,), summed, backward to x."""
    return steps.chain(Tensor(x, requires_grad=True), Tensor(w), Tensor(c), n_ops)
