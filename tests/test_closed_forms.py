"""The reports' hand-derived results, as tests."""

import numpy as np
import pytest

import autograd as ag
import nn
from autograd import Tensor


def test_softmax_jacobian_is_diag_minus_outer():
    """Report 002 eq. 1.4 (report 000 eqs. 3–4): ∂ŷ_i/∂θ_k = ŷ_i(δ_ik − ŷ_k)."""
    rng = np.random.default_rng(0)
    for n in (2, 5, 10):
        z = Tensor(rng.standard_normal(n), requires_grad=True)
        y = ag.softmax(z).numpy()
        np.testing.assert_allclose(ag.jacobian(ag.softmax, z), np.diag(y) - np.outer(y, y), atol=1e-12)


@pytest.mark.parametrize("fused", [True, False])
def test_cross_entropy_of_softmax_gradient_is_yhat_minus_y(fused):
    """Reports 000 eq. 6, 002 and 003: ∂L/∂θ = ŷ − y for a one-hot y."""
    rng = np.random.default_rng(1)
    theta = Tensor(rng.standard_normal(6) * 3, requires_grad=True)
    y = np.eye(6)[2]
    if fused:
        loss = ag.cross_entropy(theta.reshape(1, 6), np.array([2]))
    else:
        loss = -(Tensor(y) * ag.softmax(theta).log()).sum()  # eq. 1, term by term
    loss.backward()
    np.testing.assert_allclose(theta.grad.numpy(), ag.softmax(theta).numpy() - y, atol=1e-12)


def test_batched_cross_entropy_mean_gradient():
    rng = np.random.default_rng(2)
    z = Tensor(rng.standard_normal((8, 4)), requires_grad=True)
    t = rng.integers(0, 4, 8)
    nn.CrossEntropyLoss()(z, t).backward()
    np.testing.assert_allclose(z.grad.numpy(), (ag.softmax(z, axis=1).numpy() - np.eye(4)[t]) / 8, atol=1e-12)


def test_class_weighted_cross_entropy_matches_definition():
    """Report 000 §6: class weights, reduction 'mean' divides by Σ w[target] (PyTorch's rule)."""
    rng = np.random.default_rng(3)
    z = rng.standard_normal((5, 3))
    t = np.array([0, 2, 2, 1, 0])
    w = np.array([0.5, 2.0, 1.5])
    logp = z - np.log(np.exp(z).sum(1, keepdims=True))
    expected = -(w[t] * logp[np.arange(5), t]).sum() / w[t].sum()
    assert nn.CrossEntropyLoss(weight=w)(Tensor(z), t).item() == pytest.approx(expected, rel=1e-12)


def relu_mse(x, m, b, target):
    xs = [Tensor(v, requires_grad=True) for v in (x, m, b)]
    y_star = Tensor(target, requires_grad=True)
    a = xs[0] * xs[1] + xs[2]
    y = a.relu()
    loss = (y - y_star) ** 2
    loss.backward()
    return a.item(), y.item(), [t.grad.item() for t in xs], y_star.grad.item()


@pytest.mark.parametrize("x,m,b,target", [(2.0, 3.0, 1.0, 4.0), (1.5, 0.5, 0.25, 2.0), (0.3, 2.0, -0.1, -1.0)])
def test_report_000_equations_7_to_12_when_a_is_positive(x, m, b, target):
    a, y, (gx, gm, gb), g_star = relu_mse(x, m, b, target)
    assert a > 0 and y == a
    d = 2 * (y - target)  # eq. 8
    assert g_star == pytest.approx(-d)  # eq. 9: 2(y* − y)
    assert gb == pytest.approx(d)  # eq. 10
    assert gm == pytest.approx(d * x)  # eq. 11
    assert gx == pytest.approx(d * m)  # eq. 12


@pytest.mark.parametrize("x,m,b,target", [(2.0, -3.0, 1.0, 4.0), (1.0, 1.0, -1.0, 0.5)])
def test_report_000_equations_10_to_12_vanish_when_a_is_not_positive(x, m, b, target):
    a, y, grads, g_star = relu_mse(x, m, b, target)
    assert a <= 0 and y == 0  # eq. 7: ReLU'(a) = 0 for a ≤ 0 (a = 0 included)
    assert grads == [0.0, 0.0, 0.0]
    assert g_star == pytest.approx(2 * target)  # eq. 9 still holds: 2(y* − y) with y = 0


def test_report_001_network_has_101_parameters():
    model = nn.MLP([2, 12, 5], activation="softplus")
    assert model.num_parameters() == 101
    assert [p.shape for p in model.parameters()] == [(12, 2), (12,), (5, 12), (5,)]  # W as (out, in), as report 001


def test_report_001_backward_equations_by_hand():
    """δ2 = (ŷ − y)/N, δ1 = δ2 W1 ⊙ σ(z1) (W as (out, in), rows as samples): the 2-12-5 network's backprop by hand."""
    nn.manual_seed(0)
    rng = np.random.default_rng(0)
    X, t = rng.standard_normal((7, 2)), rng.integers(0, 5, 7)
    model = nn.MLP([2, 12, 5], activation="softplus")
    nn.CrossEntropyLoss()(model(X), t).backward()
    W0, b0, W1, b1 = (p.numpy() for p in model.parameters())
    z1 = X @ W0.T + b0
    a1 = np.logaddexp(0, z1)
    z2 = a1 @ W1.T + b1
    yhat = np.exp(z2 - z2.max(1, keepdims=True))
    yhat /= yhat.sum(1, keepdims=True)
    d2 = (yhat - np.eye(5)[t]) / 7
    d1 = d2 @ W1 / (1 + np.exp(-z1))
    for p, g in zip(model.parameters(), [d1.T @ X, d1.sum(0), d2.T @ a1, d2.sum(0)]):
        np.testing.assert_allclose(p.grad.numpy(), g, atol=1e-12)
