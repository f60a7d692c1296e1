"""The workloads on the compiled engine: the same student-style steps as `ours.py`, under `autograd.compile`.

W1's step (`steps.scalar_graph`, which zeroes the grads itself) is compiled unchanged.  The
network steps compile forward + loss + backward and leave the optimiser outside, as the
README shows (`opt.zero_grad(); step(X, y); opt.step()`): an in-place update inside a
compiled function is refused.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

import autograd
import nn
from autograd import Tensor
from benchmarks import steps
from benchmarks.problems import LR, Net


def _warm(step: Callable[[], None]) -> Callable[[], None]:
    """The first call traces, the second checks the program against eager: both done here, so what
    is timed (or measured) is the program."""
    step()
    step()
    return step


def make_w1() -> Callable[[], None]:
    """Report 000's graph on 0-d float64 tensors, the step of `steps.scalar_graph` compiled."""
    x, m, b = (Tensor(v, requires_grad=True) for v in (2.0, 3.0, 1.0))
    return _warm(autograd.compile(steps.scalar_graph(x, m, b, Tensor(4.0))))


def make_net(p: Net) -> Callable[[], None]:
    """`nn.MLP` + `nn.CrossEntropyLoss`, forward and backward compiled; `nn.optim.SGD` outside."""
    model, opt = _model(p)
    loss_fn = nn.CrossEntropyLoss()
    X, y = Tensor(p.X), p.y  # (the closures hold these, not the problem with its own copy of X)

    @autograd.compile
    def forward_backward(x: Tensor, y: np.ndarray) -> Tensor:
        loss = loss_fn(model(x), y)
        loss.backward()
        return loss

    def step() -> None:
        opt.zero_grad()
        forward_backward(X, y)
        opt.step()

    forward_backward(X, y)
    forward_backward(X, y)  # traced, then checked (the gradients are zeroed by the first step)
    return step


def _model(p: Net) -> tuple[nn.Module, nn.optim.SGD]:
    sizes = [p.weights[0].shape[1]] + [w.shape[0] for w in p.weights]
    model = nn.MLP(sizes, activation=p.activation, dtype=p.X.dtype)
    linears = [layer for layer in model if isinstance(layer, nn.Linear)]
    for layer, w, b in zip(linears, p.weights, p.biases):
        layer.weight.data, layer.bias.data = w, b  # shares the problem's arrays (no copies)
    return model, nn.optim.SGD(model.parameters(), lr=LR)


def make_chain(x: np.ndarray, w: np.ndarray, c: np.ndarray, n_ops: int) -> Callable[[], None]:
    """A chain of `n_ops` elementwise ops on x (100,), summed, backward to x: `steps.chain` compiled.
    Not warmed up: W4-memory measures its first call, the trace."""
    return autograd.compile(steps.chain(Tensor(x, requires_grad=True), Tensor(w), Tensor(c), n_ops))
