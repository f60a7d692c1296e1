"""Against PyTorch, when it is installed (the `peers` extra); skipped cleanly otherwise."""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import autograd as ag
import nn
from autograd import Tensor

torch = pytest.importorskip("torch")

# (our function, torch function) on the same inputs
UNARY = [
    (lambda x: x.exp(), torch.exp),
    (lambda x: x.tanh(), torch.tanh),
    (lambda x: x.sigmoid(), torch.sigmoid),
    (lambda x: x.softplus(), torch.nn.functional.softplus),
    (lambda x: x.relu(), torch.relu),
    (lambda x: (x * x + 1).log(), lambda x: (x * x + 1).log()),
    (lambda x: x.abs(), torch.abs),
    (lambda x: ag.softmax(x, axis=-1), lambda x: torch.softmax(x, -1)),
    (lambda x: ag.log_softmax(x, axis=-1), lambda x: torch.log_softmax(x, -1)),
]
BINARY = [
    (lambda a, b: a + b, lambda a, b: a + b),
    (lambda a, b: a * b, lambda a, b: a * b),
    (lambda a, b: a - b, lambda a, b: a - b),
    (lambda a, b: a / (b * b + 1), lambda a, b: a / (b * b + 1)),
    (lambda a, b: ag.maximum(a, b), torch.maximum),
]


@given(seed=st.integers(0, 10_000), depth=st.integers(2, 6))
def test_random_expression_graphs(seed, depth):
    """Random compositions of ops on broadcastable shapes: same values, same gradients."""
    rng = np.random.default_rng(seed)
    a0, b0 = rng.standard_normal((3, 4)), rng.standard_normal((4,))
    ours = [Tensor(a0, requires_grad=True), Tensor(b0, requires_grad=True)]
    theirs = [torch.tensor(a0, requires_grad=True), torch.tensor(b0, requires_grad=True)]
    x, tx = ours[0], theirs[0]
    for _ in range(depth):
        if rng.random() < 0.5:
            f, tf = UNARY[rng.integers(len(UNARY))]
            x, tx = f(x), tf(tx)
        else:
            f, tf = BINARY[rng.integers(len(BINARY))]
            k = rng.integers(2)
            x, tx = f(x, ours[k]), tf(tx, theirs[k])
    w = rng.standard_normal((3, 4))
    (x * Tensor(w)).sum().backward()
    (tx * torch.tensor(w)).sum().backward()
    np.testing.assert_allclose(x.numpy(), tx.detach().numpy(), rtol=1e-10, atol=1e-12)
    for o, t in zip(ours, theirs):
        got = np.zeros_like(o.numpy()) if o.grad is None else o.grad.numpy()
        want = np.zeros_like(o.numpy()) if t.grad is None else t.grad.numpy()
        np.testing.assert_allclose(got, want, rtol=1e-9, atol=1e-11)


def test_matmul_and_reductions():
    rng = np.random.default_rng(0)
    a0, b0 = rng.standard_normal((5, 2, 3)), rng.standard_normal((3, 4))
    a, b = Tensor(a0, requires_grad=True), Tensor(b0, requires_grad=True)
    ta, tb = torch.tensor(a0, requires_grad=True), torch.tensor(b0, requires_grad=True)
    ((a @ b).max(axis=1).mean() + (a @ b).sum(axis=(0, 2)).tanh().sum()).backward()
    ((ta @ tb).max(dim=1).values.mean() + (ta @ tb).sum(dim=(0, 2)).tanh().sum()).backward()
    np.testing.assert_allclose(a.grad.numpy(), ta.grad.numpy(), rtol=1e-10)
    np.testing.assert_allclose(b.grad.numpy(), tb.grad.numpy(), rtol=1e-10)


@pytest.mark.parametrize("weighted", [False, True])
@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
@pytest.mark.parametrize("probs", [False, True])
def test_cross_entropy_with_class_weights(weighted, reduction, probs):
    rng = np.random.default_rng(4)
    z0 = rng.standard_normal((6, 3)) * 3
    t = rng.integers(0, 3, 6)
    target = rng.dirichlet(np.ones(3), 6) if probs else t
    w = rng.uniform(0.3, 3, 3) if weighted else None
    z, tz = Tensor(z0, requires_grad=True), torch.tensor(z0, requires_grad=True)
    ours = ag.cross_entropy(z, target, weight=w, reduction=reduction)
    theirs = torch.nn.CrossEntropyLoss(weight=None if w is None else torch.tensor(w), reduction=reduction)(
        tz, torch.tensor(target)
    )
    np.testing.assert_allclose(ours.numpy(), theirs.detach().numpy(), rtol=1e-12)
    ours.sum().backward() if reduction == "none" else ours.backward()
    theirs.sum().backward()
    np.testing.assert_allclose(z.grad.numpy(), tz.grad.numpy(), rtol=1e-10, atol=1e-14)


def test_mse_and_nll():
    rng = np.random.default_rng(5)
    p0, y0 = rng.standard_normal((4, 3)), rng.standard_normal((4, 3))
    assert nn.MSELoss()(Tensor(p0), y0).item() == pytest.approx(
        torch.nn.MSELoss()(torch.tensor(p0), torch.tensor(y0)).item(), rel=1e-12
    )
    t = rng.integers(0, 3, 4)
    w = np.array([1.0, 2.0, 0.5])
    ours = nn.NLLLoss(weight=w)(Tensor(p0).log_softmax(axis=1), t).item()
    theirs = torch.nn.NLLLoss(weight=torch.tensor(w))(torch.log_softmax(torch.tensor(p0), 1), torch.tensor(t))
    assert ours == pytest.approx(theirs.item(), rel=1e-12)


# the optimiser comparisons live in tests/test_nn_torch.py (nn's own file)


def test_second_derivatives_match_torch():
    x0 = np.array([0.3, -0.7, 1.1])
    x, tx = Tensor(x0, requires_grad=True), torch.tensor(x0, requires_grad=True)
    f = lambda x: (x.tanh() * x.sigmoid()).sum()  # noqa: E731
    (g,) = ag.grad(f(x), x, create_graph=True)
    (h,) = ag.grad(g.sum(), x)
    (tg,) = torch.autograd.grad((tx.tanh() * tx.sigmoid()).sum(), tx, create_graph=True)
    (th,) = torch.autograd.grad(tg.sum(), tx)
    np.testing.assert_allclose(h.numpy(), th.numpy(), rtol=1e-10)
