"""The workloads on PyTorch and micrograd (each imported only when its workload runs)."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from benchmarks.problems import CHAIN_OPS, LR, Net


def _torch():  # noqa: ANN202
    import torch

    torch.set_num_threads(1)
    return torch


def torch_w1() -> Callable[[], None]:
    torch = _torch()
    x, m, b = (torch.tensor(v, dtype=torch.float64, requires_grad=True) for v in (2.0, 3.0, 1.0))
    y_star = torch.tensor(4.0, dtype=torch.float64)

    def step() -> None:
        x.grad = m.grad = b.grad = None
        loss = ((x * m + b).relu() - y_star) ** 2
        loss.backward()

    return step


def torch_net(p: Net) -> Callable[[], None]:
    torch = _torch()
    act = {"sigmoid": torch.nn.Sigmoid, "softplus": torch.nn.Softplus}[p.activation]
    layers = [torch.nn.Linear(*w.shape, dtype=getattr(torch, str(p.X.dtype))) for w in p.weights]
    with torch.no_grad():
        for layer, w, b in zip(layers, p.weights, p.biases):
            layer.weight.copy_(torch.from_numpy(w.T.copy()))
            layer.bias.copy_(torch.from_numpy(b))
    model = torch.nn.Sequential(layers[0], act(), layers[1])
    loss_fn = torch.nn.CrossEntropyLoss()
    opt = torch.optim.SGD(model.parameters(), lr=LR)
    X, y = torch.from_numpy(p.X), torch.from_numpy(p.y)

    def step() -> None:
        opt.zero_grad()
        loss = loss_fn(model(X), y)
        loss.backward()
        opt.step()

    return step


def torch_chain(x: np.ndarray, w: np.ndarray, c: np.ndarray, n_ops: int) -> Callable[[], None]:
    torch = _torch()
    xt = torch.tensor(x, requires_grad=True)
    wt, ct = torch.from_numpy(w), torch.from_numpy(c)
    kinds = [CHAIN_OPS[i % 3] for i in range(n_ops)]

    def step() -> None:
        xt.grad = None
        h = xt
        for kind in kinds:
            h = h * wt if kind == "mul" else h + ct if kind == "add" else h.tanh()
        h.sum().backward()

    return step


def micrograd_w1() -> Callable[[], None]:
    from micrograd.engine import Value

    x, m, b = Value(2.0), Value(3.0), Value(1.0)

    def step() -> None:
        x.grad = m.grad = b.grad = 0.0
        loss = ((x * m + b).relu() - 4.0) ** 2
        loss.backward()

    return step
