"""nn against torch.nn / torch.optim, number for number (float64): layers, losses, optimisers, schedulers,
gradient clipping, state dicts, and models moved both ways.  Skipped cleanly without torch."""

from __future__ import annotations

import math

import numpy as np
import pytest

import autograd as ag
import nn
import nn.functional as F
from autograd import Tensor

torch = pytest.importorskip("torch")
TF = torch.nn.functional
D = torch.float64


def t64(a: np.ndarray, grad: bool = False):
    return torch.tensor(np.asarray(a), dtype=D, requires_grad=grad)


def close(ours, theirs, tol: float = 1e-12) -> None:
    a = ours.numpy() if isinstance(ours, Tensor) else np.asarray(ours)
    b = theirs.detach().numpy() if hasattr(theirs, "detach") else np.asarray(theirs)
    np.testing.assert_allclose(a, b, rtol=tol, atol=tol)


def same_function(ours: nn.Module, theirs, x: np.ndarray, tol: float = 1e-12) -> None:
    """Same output, same input gradient and same parameter gradients for a random output weighting."""
    xo, xt = Tensor(x, requires_grad=True), t64(x, grad=True)
    yo, yt = ours(xo), theirs(xt)
    close(yo, yt, tol)
    w = np.random.default_rng(1).standard_normal(yt.shape)
    (yo * Tensor(w)).sum().backward()
    (yt * t64(w)).sum().backward()
    close(xo.grad, xt.grad, tol)
    named = dict(theirs.named_parameters())
    for name, p in ours.named_parameters():
        close(p.grad, named[name].grad, tol)


# ----------------------------------------------------------------------------- layers


def _layers():
    return [
        torch.nn.Linear(5, 3, dtype=D),
        torch.nn.Linear(5, 3, bias=False, dtype=D),
        torch.nn.ReLU(),
        torch.nn.Sigmoid(),
        torch.nn.Tanh(),
        torch.nn.Softplus(),
        torch.nn.Softplus(beta=2.0, threshold=3.0),
        torch.nn.LeakyReLU(0.2),
        torch.nn.Identity(),
        torch.nn.Softmax(dim=1),
        torch.nn.LogSoftmax(dim=0),
        torch.nn.Flatten(),
        torch.nn.Flatten(0),
        torch.nn.LayerNorm(5, dtype=D),
        torch.nn.LayerNorm(5, elementwise_affine=False, dtype=D),
        torch.nn.LayerNorm(5, bias=False, dtype=D),
        torch.nn.BatchNorm1d(5, dtype=D),
        torch.nn.BatchNorm1d(5, affine=False, dtype=D),
        torch.nn.BatchNorm1d(5, momentum=None, dtype=D),
        torch.nn.BatchNorm1d(5, track_running_stats=False, dtype=D),
        torch.nn.Sequential(torch.nn.Linear(5, 4, dtype=D), torch.nn.Tanh(), torch.nn.Linear(4, 2, dtype=D)),
    ]


@pytest.mark.parametrize("theirs", _layers(), ids=lambda m: repr(m).replace("\n", ""))
def test_layer_matches_torch_in_train_and_eval(theirs):
    torch.manual_seed(0)
    for p in theirs.parameters():  # non-trivial affine parameters
        with torch.no_grad():
            p.copy_(torch.randn_like(p))
    ours = nn.Module.from_torch(theirs)
    assert type(ours).__name__ == type(theirs).__name__
    rng = np.random.default_rng(0)
    for _ in range(3):  # training steps move BatchNorm's running statistics: they must move alike
        same_function(ours, theirs, rng.standard_normal((6, 5)) * 3)
        ours.zero_grad()
        theirs.zero_grad()
    for k, v in theirs.state_dict().items():
        close(ours.state_dict()[k], v)
    ours.eval()
    theirs.eval()
    same_function(ours, theirs, rng.standard_normal((6, 5)) * 3)


def test_softplus_threshold_is_torchs_cut_off():
    x = np.array([-30.0, -1.0, 0.0, 19.9, 20.0, 20.1, 50.0])
    for beta, threshold in [(1.0, 20.0), (0.5, 5.0), (3.0, 1.0)]:
        xo, xt = Tensor(x, requires_grad=True), t64(x, grad=True)
        yo, yt = F.softplus(xo, beta, threshold), TF.softplus(xt, beta, threshold)
        close(yo, yt)
        yo.sum().backward()
        yt.sum().backward()
        close(xo.grad, xt.grad)


def test_batchnorm_on_three_dim_input_and_its_running_statistics():
    torch.manual_seed(0)
    theirs = torch.nn.BatchNorm1d(3, momentum=0.3, eps=1e-3, dtype=D)
    ours = nn.Module.from_torch(theirs)
    rng = np.random.default_rng(2)
    for _ in range(4):
        same_function(ours, theirs, rng.standard_normal((4, 3, 5)) * 2 + 1)
    for k in ("running_mean", "running_var", "num_batches_tracked"):
        close(getattr(ours, k), getattr(theirs, k))


def test_embedding_matches_torch():
    torch.manual_seed(0)
    theirs = torch.nn.Embedding(7, 3, dtype=D)
    ours = nn.Module.from_torch(theirs)
    idx = np.array([[0, 6, 6], [2, 0, 1]])
    yo, yt = ours(idx), theirs(torch.tensor(idx))
    close(yo, yt)
    w = np.random.default_rng(0).standard_normal(yt.shape)
    (yo * Tensor(w)).sum().backward()
    (yt * t64(w)).sum().backward()
    close(ours.weight.grad, theirs.weight.grad)  # a repeated index gets both gradients


def test_dropout_masks_scale_and_eval():
    x = np.ones((200, 50))
    ag.manual_seed(3)
    drop = nn.Dropout(0.3)
    y = drop(Tensor(x)).numpy()
    assert set(np.unique(y)) <= {0.0, 1 / 0.7}
    assert abs((y == 0).mean() - 0.3) < 0.02  # torch drops the same fraction, scales the same way
    ag.manual_seed(3)
    np.testing.assert_array_equal(nn.Dropout(0.3)(Tensor(x)).numpy(), y)  # the seed makes masks repeatable
    drop.eval()
    np.testing.assert_array_equal(drop(Tensor(x)).numpy(), x)
    t = torch.nn.Dropout(0.3).eval()
    close(drop(Tensor(x)), t(t64(x)))
    close(F.dropout(Tensor(x), p=1.0), TF.dropout(t64(x), p=1.0))


# ----------------------------------------------------------------------------- losses


def _ce_cases():
    rng = np.random.default_rng(4)
    z = rng.standard_normal((6, 4)) * 3
    t = rng.integers(0, 4, 6)
    t_ignored = t.copy()
    t_ignored[[1, 4]] = -100
    z3, t3 = rng.standard_normal((2, 4, 3)), rng.integers(0, 4, (2, 3))
    probs = rng.dirichlet(np.ones(4), 6)
    w = rng.uniform(0.3, 3, 4)
    cases = []
    for reduction in ("mean", "sum", "none"):
        cases += [
            (z, t, {}),
            (z, t, {"weight": w}),
            (z, t_ignored, {"weight": w}),
            (z, t, {"label_smoothing": 0.2}),
            (z, t, {"weight": w, "label_smoothing": 0.1}),
            (z, probs, {}),
            (z, probs, {"weight": w}),
            (z3, t3, {"weight": w}),
            (z[0], t[0], {}),
        ]
        cases = [(a, b, {**k, "reduction": reduction}) for a, b, k in cases]
    return cases


@pytest.mark.parametrize("z, target, kw", _ce_cases())
def test_cross_entropy_and_nll_match_torch(z, target, kw):
    tkw = {**kw, "weight": None if "weight" not in kw else t64(kw["weight"])}
    zo, zt = Tensor(z, requires_grad=True), t64(z, grad=True)
    tt = torch.tensor(target) if np.asarray(target).dtype.kind in "iu" else t64(target)
    ours, theirs = F.cross_entropy(zo, target, **kw), TF.cross_entropy(zt, tt, **tkw)
    close(ours, theirs)
    ours.sum().backward()
    theirs.sum().backward()
    close(zo.grad, zt.grad)
    module = nn.CrossEntropyLoss(**kw)(Tensor(z), target)
    close(module, theirs)
    if np.asarray(target).dtype.kind in "iu" and "label_smoothing" not in kw:
        lo, lt = Tensor(z, requires_grad=True), t64(z, grad=True)
        dim = 0 if lo.ndim == 1 else 1
        ours = F.nll_loss(F.log_softmax(lo, dim=dim), target, **kw)
        theirs = TF.nll_loss(TF.log_softmax(lt, dim=dim), tt, **tkw)
        close(ours, theirs)
        ours.sum().backward()
        theirs.sum().backward()
        close(lo.grad, lt.grad)
        close(nn.NLLLoss(**kw)(F.log_softmax(Tensor(z), dim=dim), target), theirs)


@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
def test_regression_and_binary_losses_match_torch(reduction):
    rng = np.random.default_rng(5)
    x, y = rng.standard_normal((5, 3)), rng.standard_normal((5, 3))
    p, t = rng.uniform(0.01, 0.99, (5, 3)), rng.uniform(0, 1, (5, 3))
    logits = rng.standard_normal((5, 3)) * 40  # large logits: the stable form must hold
    w, pw = rng.uniform(0, 2, (5, 3)), rng.uniform(0.5, 3, 3)
    cases = [
        (F.mse_loss, TF.mse_loss, x, y, {}),
        (F.l1_loss, TF.l1_loss, x, y, {}),
        (F.binary_cross_entropy, TF.binary_cross_entropy, p, t, {}),
        (F.binary_cross_entropy, TF.binary_cross_entropy, p, t, {"weight": w}),
        (F.binary_cross_entropy_with_logits, TF.binary_cross_entropy_with_logits, logits, t, {}),
        (F.binary_cross_entropy_with_logits, TF.binary_cross_entropy_with_logits, logits, t, {"weight": w}),
        (F.binary_cross_entropy_with_logits, TF.binary_cross_entropy_with_logits, logits, t, {"pos_weight": pw}),
    ]
    for ours_fn, torch_fn, a, b, kw in cases:
        ao, at = Tensor(a, requires_grad=True), t64(a, grad=True)
        ours = ours_fn(ao, b, reduction=reduction, **kw)
        theirs = torch_fn(at, t64(b), reduction=reduction, **{k: t64(v) for k, v in kw.items()})
        close(ours, theirs)
        ours.sum().backward()
        theirs.sum().backward()
        close(ao.grad, at.grad, 1e-10)
    for module, twin, a, b in [
        (nn.MSELoss, torch.nn.MSELoss, x, y),
        (nn.L1Loss, torch.nn.L1Loss, x, y),
        (nn.BCELoss, torch.nn.BCELoss, p, t),
        (nn.BCEWithLogitsLoss, torch.nn.BCEWithLogitsLoss, logits, t),
    ]:
        close(module(reduction=reduction)(Tensor(a), b), twin(reduction=reduction)(t64(a), t64(b)))


def test_binary_cross_entropy_at_zero_and_one_is_finite_as_torchs():
    p, t = np.array([0.0, 1.0, 0.0, 1.0]), np.array([0.0, 1.0, 1.0, 0.0])
    close(
        F.binary_cross_entropy(Tensor(p), t, reduction="none"),
        TF.binary_cross_entropy(t64(p), t64(t), reduction="none"),
    )


def test_functional_activations_and_one_hot():
    x = np.random.default_rng(6).standard_normal((3, 4)) * 5
    for ours, theirs in [
        (F.relu, TF.relu),
        (F.sigmoid, torch.sigmoid),
        (F.tanh, torch.tanh),
        (F.softplus, TF.softplus),
        (lambda a: F.leaky_relu(a, 0.1), lambda a: TF.leaky_relu(a, 0.1)),
        (lambda a: F.softmax(a, dim=0), lambda a: TF.softmax(a, dim=0)),
        (lambda a: F.log_softmax(a, dim=-1), lambda a: TF.log_softmax(a, dim=-1)),
    ]:
        close(ours(Tensor(x)), theirs(t64(x)))
    w, b = np.ones((2, 4)), np.array([1.0, -1.0])
    close(F.linear(Tensor(x), Tensor(w), Tensor(b)), TF.linear(t64(x), t64(w), t64(b)))
    labels = np.array([0, 3, 1])
    np.testing.assert_array_equal(F.one_hot(labels, 5).numpy(), TF.one_hot(torch.tensor(labels), 5).numpy())
    np.testing.assert_array_equal(F.one_hot(labels).numpy(), TF.one_hot(torch.tensor(labels)).numpy())
    assert F.one_hot(labels).dtype == np.int64


# ----------------------------------------------------------------------------- optimisers

OPTIMISERS = [
    ("SGD", {"lr": 0.1}),
    ("SGD", {"lr": 0.05, "momentum": 0.9}),
    ("SGD", {"lr": 0.05, "momentum": 0.9, "dampening": 0.3, "weight_decay": 0.01}),
    ("SGD", {"lr": 0.05, "momentum": 0.8, "nesterov": True, "weight_decay": 0.1}),
    ("SGD", {"lr": 0.05, "momentum": 0.5, "maximize": True}),
    ("Adam", {"lr": 0.01}),
    ("Adam", {"lr": 0.02, "betas": (0.8, 0.99), "eps": 1e-6, "weight_decay": 0.05}),
    ("Adam", {"lr": 0.02, "amsgrad": True}),
    ("Adam", {"lr": 0.02, "amsgrad": True, "weight_decay": 0.1}),
    ("AdamW", {"lr": 0.01}),
    ("AdamW", {"lr": 0.01, "weight_decay": 0.3, "amsgrad": True}),
    ("RMSprop", {"lr": 0.01}),
    ("RMSprop", {"lr": 0.01, "alpha": 0.9, "centered": True}),
    ("RMSprop", {"lr": 0.01, "momentum": 0.9, "weight_decay": 0.1}),
    ("RMSprop", {"lr": 0.01, "momentum": 0.5, "centered": True}),
    ("Adagrad", {"lr": 0.1}),
    ("Adagrad", {"lr": 0.1, "lr_decay": 0.05, "weight_decay": 0.1, "initial_accumulator_value": 0.3, "eps": 1e-8}),
]


def _gradient(k: int, step: int, theta: np.ndarray) -> np.ndarray | None:
    """Parameter k's gradient at a step: 0 always has one, 1 from step 5 on, 2 never (None throughout)."""
    if k == 2 or (k == 1 and step < 5):
        return None
    return np.sin(3 * theta) + 0.1 * (step % 3) - 0.05 * k


def _run(opt, params, step_fn, steps: int, start: int = 0) -> None:
    for s in range(start, start + steps):
        for k, p in enumerate(params):
            g = _gradient(k, s, step_fn(p))
            p.grad = None if g is None else (Tensor(g) if isinstance(p, Tensor) else t64(g))
        opt.step()


def _pair(name: str, kw: dict, groups: bool = False):
    rng = np.random.default_rng(7)
    start = [rng.standard_normal((3, 2)), rng.standard_normal(4), rng.standard_normal(2)]
    ours = [nn.Parameter(a) for a in start]
    theirs = [torch.nn.Parameter(t64(a)) for a in start]
    if groups:  # two groups, the second with its own learning rate
        ours_arg = [{"params": ours[:1]}, {"params": ours[1:], "lr": kw["lr"] * 3}]
        theirs_arg = [{"params": theirs[:1]}, {"params": theirs[1:], "lr": kw["lr"] * 3}]
    else:
        ours_arg, theirs_arg = ours, theirs
    return (ours, getattr(nn.optim, name)(ours_arg, **kw)), (theirs, getattr(torch.optim, name)(theirs_arg, **kw))


@pytest.mark.parametrize("groups", [False, True])
@pytest.mark.parametrize("name, kw", OPTIMISERS, ids=[f"{n}{k}" for n, k in OPTIMISERS])
def test_optimiser_matches_torch_for_20_steps_with_late_and_missing_gradients(name, kw, groups):
    (ours, opt), (theirs, topt) = _pair(name, kw, groups)
    _run(opt, ours, lambda p: p.numpy(), 20)
    _run(topt, theirs, lambda p: p.detach().numpy(), 20)
    for o, t in zip(ours, theirs):
        close(o, t, 1e-9)
    assert ours[2] not in opt.state or name == "Adagrad"  # no gradient, no state (Adagrad starts it)
    for o, t in zip(ours, theirs):
        for key, value in topt.state[t].items():
            got = opt.state[o][key]
            close(got.numpy() if isinstance(got, Tensor) else got, value, 1e-9)


def test_issue_example_adam_counts_steps_per_parameter():
    w1, w2 = nn.Parameter(np.array([1.0])), nn.Parameter(np.array([3.0]))
    tw1, tw2 = torch.nn.Parameter(t64([1.0])), torch.nn.Parameter(t64([3.0]))
    opt, topt = nn.optim.Adam([w1, w2], lr=0.1), torch.optim.Adam([tw1, tw2], lr=0.1)
    for step in range(2):
        w1.grad, tw1.grad = Tensor([1.0]), t64([1.0])
        w2.grad, tw2.grad = (Tensor([1.0]), t64([1.0])) if step == 1 else (None, None)
        opt.step()
        topt.step()
    assert w2.item() == pytest.approx(2.9, abs=1e-8)  # one step of lr 0.1 (ε moves it by 1e-9)
    assert w2.item() == pytest.approx(tw2.item(), abs=1e-15) and w1.item() == pytest.approx(tw1.item(), abs=1e-15)
    assert opt.state[w1]["step"] == 2 and opt.state[w2]["step"] == 1


@pytest.mark.parametrize("name, kw", OPTIMISERS[::2], ids=[f"{n}{k}" for n, k in OPTIMISERS[::2]])
def test_optimiser_state_dict_round_trip_resumes_training(name, kw):
    (ours, opt), (theirs, topt) = _pair(name, kw)
    _run(opt, ours, lambda p: p.numpy(), 8)
    _run(topt, theirs, lambda p: p.detach().numpy(), 8)
    saved = opt.state_dict()
    assert sorted(saved) == sorted(topt.state_dict()) == ["param_groups", "state"]
    assert saved["param_groups"][0]["params"] == topt.state_dict()["param_groups"][0]["params"] == [0, 1, 2]
    resumed = [nn.Parameter(p.numpy().copy()) for p in ours]
    opt2 = getattr(nn.optim, name)(resumed, **{**kw, "lr": 123.0})  # the state dict brings lr back
    opt2.load_state_dict(saved)
    from_torch = [nn.Parameter(p.numpy().copy()) for p in ours]
    opt3 = getattr(nn.optim, name)(from_torch, **kw)
    opt3.load_state_dict(topt.state_dict())  # torch.optim's state dict loads too
    for o in (opt, opt2, opt3):
        params = o.param_groups[0]["params"]
        _run(o, params, lambda p: p.numpy(), 12, start=8)
    _run(topt, theirs, lambda p: p.detach().numpy(), 12, start=8)
    for a, b, c, t in zip(ours, resumed, from_torch, theirs):
        close(a, t, 1e-9)
        close(b, t, 1e-9)
        close(c, t, 1e-9)


SCHEDULERS = [
    ("StepLR", {"step_size": 3, "gamma": 0.5}),
    ("MultiStepLR", {"milestones": [2, 5, 5, 9], "gamma": 0.3}),
    ("ExponentialLR", {"gamma": 0.9}),
    ("CosineAnnealingLR", {"T_max": 6, "eta_min": 0.001}),
    ("LambdaLR", {"lr_lambda": lambda e: 1 / (1 + e)}),
]


@pytest.mark.parametrize("name, kw", SCHEDULERS, ids=[n for n, _ in SCHEDULERS])
def test_scheduler_sets_the_learning_rates_torch_sets(name, kw):
    (ours, opt), (theirs, topt) = _pair("SGD", {"lr": 0.1, "momentum": 0.9}, groups=True)
    sched = getattr(nn.optim.lr_scheduler, name)(opt, **kw)
    tsched = getattr(torch.optim.lr_scheduler, name)(topt, **kw)
    for epoch in range(20):
        _run(opt, ours, lambda p: p.numpy(), 1, start=epoch)
        _run(topt, theirs, lambda p: p.detach().numpy(), 1, start=epoch)
        sched.step()
        tsched.step()
        np.testing.assert_allclose(
            [g["lr"] for g in opt.param_groups], [g["lr"] for g in topt.param_groups], rtol=1e-12
        )
        np.testing.assert_allclose(sched.get_last_lr(), tsched.get_last_lr(), rtol=1e-12)
    for o, t in zip(ours, theirs):
        close(o, t, 1e-9)
    assert getattr(nn.optim, name) is getattr(nn.optim.lr_scheduler, name)  # nn.optim.StepLR still works


@pytest.mark.parametrize("norm_type", [2.0, 1.0, 3.0, math.inf])
def test_clip_grad_norm_and_value_match_torch(norm_type):
    rng = np.random.default_rng(8)
    arrays = [rng.standard_normal((3, 2)) * 4, rng.standard_normal(5)]
    ours = [nn.Parameter(a) for a in arrays] + [nn.Parameter(np.ones(2))]  # the last has no gradient
    theirs = [torch.nn.Parameter(t64(a)) for a in arrays] + [torch.nn.Parameter(t64(np.ones(2)))]
    for o, t, a in zip(ours, theirs, arrays):
        o.grad, t.grad = Tensor(np.cos(a)), t64(np.cos(a))
    for max_norm in (100.0, 0.5):
        close(
            nn.utils.clip_grad_norm_(ours, max_norm, norm_type),
            torch.nn.utils.clip_grad_norm_(theirs, max_norm, norm_type),
        )
        for o, t in zip(ours[:2], theirs[:2]):
            close(o.grad, t.grad)
    nn.utils.clip_grad_value_(ours, 0.1)
    torch.nn.utils.clip_grad_value_(theirs, 0.1)
    for o, t in zip(ours[:2], theirs[:2]):
        close(o.grad, t.grad)


# ----------------------------------------------------------------------------- tied weights


class TiedOurs(nn.Module):
    def __init__(self):
        super().__init__()
        self.a = nn.Linear(3, 3)
        self.b = nn.Linear(3, 3)
        self.b.weight = self.a.weight

    def forward(self, x):
        return self.b(self.a(x).tanh())


class TiedTorch(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.a = torch.nn.Linear(3, 3, dtype=D)
        self.b = torch.nn.Linear(3, 3, dtype=D)
        self.b.weight = self.a.weight

    def forward(self, x):
        return self.b(self.a(x).tanh())


@pytest.mark.parametrize("name, kw", [("SGD", {"lr": 0.1}), ("Adam", {"lr": 0.05})])
def test_tied_weights_train_as_in_torch(name, kw):
    ours, theirs = TiedOurs(), TiedTorch()
    assert [n for n, _ in ours.named_parameters()] == [n for n, _ in theirs.named_parameters()]
    assert list(ours.state_dict()) == list(theirs.state_dict())  # a.weight, a.bias, b.weight, b.bias
    theirs.load_state_dict({k: torch.from_numpy(v.numpy().copy()) for k, v in ours.state_dict().items()})
    opt, topt = getattr(nn.optim, name)(ours.parameters(), **kw), getattr(torch.optim, name)(theirs.parameters(), **kw)
    x = np.random.default_rng(9).standard_normal((4, 3))
    for _ in range(5):
        for model, o, inp in ((ours, opt, Tensor(x)), (theirs, topt, t64(x))):
            o.zero_grad()
            (model(inp) ** 2).sum().backward()
            o.step()
    for k, v in theirs.state_dict().items():
        close(ours.state_dict()[k], v, 1e-10)


# ----------------------------------------------------------------------------- state dicts and the round trip


def test_state_dict_keys_and_shapes_are_torchs():
    ag.manual_seed(0)
    models = [
        (
            nn.MLP([2, 12, 5], activation="softplus"),
            torch.nn.Sequential(torch.nn.Linear(2, 12), torch.nn.Softplus(), torch.nn.Linear(12, 5)),
        ),
        (
            nn.Sequential(nn.Embedding(10, 4), nn.Flatten(), nn.Linear(12, 3), nn.BatchNorm1d(3), nn.LayerNorm(3)),
            torch.nn.Sequential(
                torch.nn.Embedding(10, 4),
                torch.nn.Flatten(),
                torch.nn.Linear(12, 3),
                torch.nn.BatchNorm1d(3),
                torch.nn.LayerNorm(3),
            ),
        ),
    ]
    for ours, theirs in models:
        assert [(k, tuple(v.shape)) for k, v in ours.state_dict().items()] == [
            (k, tuple(v.shape)) for k, v in theirs.state_dict().items()
        ]
        ours.load_state_dict(theirs.state_dict())  # torch tensors load directly
        for k, v in theirs.state_dict().items():
            close(ours.state_dict()[k], v.double())


def test_linear_default_init_is_torchs_distribution():
    ag.manual_seed(0)
    layer = nn.Linear(400, 300)
    bound = 1 / math.sqrt(400)
    for p in (layer.weight.numpy(), layer.bias.numpy()):
        assert np.abs(p).max() <= bound and np.abs(p).max() > 0.98 * bound
        assert abs(p.std() - bound / math.sqrt(3)) < 0.05 * bound  # U(±b) has std b/√3, as torch's
    ag.manual_seed(0)
    np.testing.assert_array_equal(nn.Linear(400, 300).weight.numpy(), layer.weight.numpy())


def test_round_trip_through_torch_training_step():
    """model → to_torch() → one torch SGD step → from_torch() equals the same step taken here."""
    ag.manual_seed(1)
    ours = nn.MLP([3, 8, 4], activation="tanh")
    rng = np.random.default_rng(10)
    x, y = rng.standard_normal((16, 3)), rng.integers(0, 4, 16)
    theirs = ours.to_torch()
    assert isinstance(theirs, torch.nn.Sequential) and isinstance(theirs[1], torch.nn.Tanh)
    same_function(ours, theirs, x)  # same outputs and gradients, 1e-12
    ours.zero_grad()
    for model, opt, inp, target, loss_fn in (
        (ours, nn.optim.SGD(ours.parameters(), lr=0.3, momentum=0.9), Tensor(x), y, nn.CrossEntropyLoss()),
        (
            theirs,
            torch.optim.SGD(theirs.parameters(), lr=0.3, momentum=0.9),
            t64(x),
            torch.tensor(y),
            torch.nn.CrossEntropyLoss(),
        ),
    ):
        opt.zero_grad()
        loss_fn(model(inp), target).backward()
        opt.step()
    back = nn.Module.from_torch(theirs)
    assert list(back.state_dict()) == list(ours.state_dict())
    for k, v in ours.state_dict().items():
        close(back.state_dict()[k], v)
    close(back(Tensor(x)), ours(Tensor(x)))


def test_unknown_modules_are_clear_errors():
    class Mine(nn.Module):
        def forward(self, x):
            return x

    with pytest.raises(TypeError, match="Mine is not one of them.*load_state_dict"):
        Mine().to_torch()
    with pytest.raises(TypeError, match="GELU is not one of them"):
        nn.Module.from_torch(torch.nn.GELU())

    class Sub(torch.nn.Linear):  # a subclass may have its own forward: not translated silently
        pass

    with pytest.raises(TypeError, match="Sub is not one of them"):
        nn.Module.from_torch(Sub(2, 2))
    with pytest.raises(TypeError, match="torch.nn.Module"):
        nn.Module.from_torch(np.ones(2))


def test_readme_nn_example_runs_and_prints_true_true(capsys):
    import re
    from pathlib import Path

    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text()
    section = readme.split("<!-- section: nn -->")[1].split("<!-- /section: nn -->")[0]
    code = re.search(r"```python\n(.*?)```", section, flags=re.S).group(1)
    exec(compile(code, "README.md (nn)", "exec"), {})
    assert capsys.readouterr().out.strip() == "True True"
