"""The workloads on PyTorch and micrograd (each imported only when its workload runs; steps in `steps.py`)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from benchmarks import steps
from benchmarks.problems import LR, Net


def _torch() -> Any:
    import torch

    torch.set_num_threads(1)
    return torch


def torch_w1() -> Callable[[], None]:
    torch = _torch()
    x, m, b = (torch.tensor(v, dtype=torch.float64, requires_grad=True) for v in (2.0, 3.0, 1.0))
    return steps.scalar_graph(x, m, b, torch.tensor(4.0, dtype=torch.float64))


def torch_net(p: Net) -> Callable[[], None]:
    """torch.nn.Linear keeps W as (out, in), as the problem does."""
    torch = _torch()
    act = {"sigmoid": torch.nn.Sigmoid, "softplus": torch.nn.Softplus}[p.activation]
    layers = [torch.nn.Linear(w.shape[1], w.shape[0], dtype=getattr(torch, str(p.X.dtype))) for w in p.weights]
    with torch.no_grad():
        for layer, w, b in zip(layers, p.weights, p.biases):
            layer.weight.copy_(torch.from_numpy(w))
            layer.bias.copy_(torch.from_numpy(b))
    model = torch.nn.Sequential(layers[0], act(), layers[1])
    opt = torch.optim.SGD(model.parameters(), lr=LR)
    return steps.train(model, torch.nn.CrossEntropyLoss(), opt, torch.from_numpy(p.X), torch.from_numpy(p.y))


def torch_chain(x: np.ndarray, w: np.ndarray, c: np.ndarray, n_ops: int) -> Callable[[], None]:
    torch = _torch()
    return steps.chain(torch.tensor(x, requires_grad=True), torch.from_numpy(w), torch.from_numpy(c), n_ops)


def torch_wide() -> Callable[[], None]:
    torch = _torch()
    from benchmarks.problems import wide

    rows, values = wide()
    pieces = [torch.tensor(r, requires_grad=True) for r in rows]
    scalars = [torch.tensor(v, requires_grad=True) for v in values]
    return steps.wide(pieces, scalars, torch.cat, torch.stack)


def micrograd_w1() -> Callable[[], None]:
    """micrograd's Values hold Python floats; its grads reset to 0.0 rather than None."""
    from micrograd.engine import Value

    return steps.scalar_graph(Value(2.0), Value(3.0), Value(1.0), 4.0, no_grad=0.0)
