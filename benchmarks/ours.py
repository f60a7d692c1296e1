"""The workloads on our engine, written as a student would write them."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

import nn
from autograd import Tensor
from benchmarks.problems import CHAIN_OPS, LR, Net


def make_w1() -> Callable[[], None]:
    """Report 000's graph on 0-d tensors: forward, backward, gradients of x, m, b."""
    x, m, b = (Tensor(v, requires_grad=True) for v in (2.0, 3.0, 1.0))
    y_star = Tensor(4.0)

    def step() -> None:
        x.grad = m.grad = b.grad = None
        a = x * m + b
        y = a.relu()
        loss = (y - y_star) ** 2
        loss.backward()

    return step


def make_net(p: Net) -> Callable[[], None]:
    """`nn.MLP` + `nn.CrossEntropyLoss` + `nn.optim.SGD`, starting from the problem's weights."""
    sizes = [p.weights[0].shape[0]] + [w.shape[1] for w in p.weights]
    model = nn.MLP(sizes, activation=p.activation, dtype=p.X.dtype)
    linears = [layer for layer in model if isinstance(layer, nn.Linear)]
    for layer, w, b in zip(linears, p.weights, p.biases):
        layer.weight.data, layer.bias.data = w.copy(), b.copy()
    loss_fn = nn.CrossEntropyLoss()
    opt = nn.optim.SGD(model.parameters(), lr=LR)
    X, y = Tensor(p.X), p.y

    def step() -> None:
        opt.zero_grad()
        loss = loss_fn(model(X), y)
        loss.backward()
        opt.step()

    return step


def make_chain(x: np.ndarray, w: np.ndarray, c: np.ndarray, n_ops: int) -> Callable[[], None]:
    """A chain of `n_ops` elementwise ops on x (100,), summed, backward to x."""
    xt, wt, ct = Tensor(x, requires_grad=True), Tensor(w), Tensor(c)
    kinds = [CHAIN_OPS[i % 3] for i in range(n_ops)]

    def step() -> None:
        xt.grad = None
        h = xt
        for kind in kinds:
            h = h * wt if kind == "mul" else h + ct if kind == "add" else h.tanh()
        h.sum().backward()

    return step
