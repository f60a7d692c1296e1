"""nn without torch: modules and parameters, layers by finite differences, losses, optimisers and schedules by
hand, initialisers and the one seed, data loading, saving and loading.  (Against torch: test_nn_torch.py.)"""

import json
import os

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import autograd as ag
import nn
import nn.functional as F
from autograd import Tensor

# ----------------------------------------------------------------------------- modules and parameters


def test_module_finds_parameters_in_order():
    model = nn.MLP([3, 4, 2], activation="tanh")
    names = [n for n, _ in model.named_parameters()]
    assert names == ["0.weight", "0.bias", "2.weight", "2.bias"]
    assert [p.shape for p in model.parameters()] == [(4, 3), (4,), (2, 4), (2,)]  # (out, in), as PyTorch
    assert model.num_parameters() == 3 * 4 + 4 + 4 * 2 + 2
    model.eval()
    assert not any(m.training for m in model.modules())


def test_paths_are_set_and_names_are_the_students():
    class Net(nn.Module):
        def __init__(self):
            super().__init__()
            self.hidden = nn.Linear(2, 3)
            self.out = nn.Sequential(nn.Tanh(), nn.Linear(3, 1))
            self.hidden.weight.name = "W0"

    net = Net()
    assert [p.path for p in net.parameters()] == ["hidden.weight", "hidden.bias", "out.1.weight", "out.1.bias"]
    assert net.hidden.weight.name == "W0" and net.hidden.bias.name is None  # never overwritten by the attribute
    p = nn.Parameter(np.ones(2), name="mine")
    net.extra = p
    assert p.name == "mine" and p.path == "extra"


def test_tied_weights_are_one_parameter():
    class Tied(nn.Module):
        def __init__(self):
            super().__init__()
            self.a = nn.Linear(3, 3)
            self.b = nn.Linear(3, 3)
            self.b.weight = self.a.weight

    m = Tied()
    assert [n for n, _ in m.named_parameters()] == ["a.weight", "a.bias", "b.bias"]
    assert m.num_parameters() == 9 + 3 + 3 and m.a.weight.path == "a.weight"
    assert list(m.state_dict()) == ["a.weight", "a.bias", "b.weight", "b.bias"]  # as torch: every name
    p = m.a.weight
    before = p.numpy().copy()
    p.grad = Tensor(np.ones((3, 3)))
    nn.optim.SGD(m.parameters(), lr=0.1).step()
    np.testing.assert_allclose(p.numpy(), before - 0.1)  # moved once, not twice
    assert len(list(nn.Sequential(m.a, m.a).parameters())) == 2  # a shared module, once too


def test_optimiser_rejects_a_parameter_given_twice():
    p = nn.Parameter(np.ones(2))
    with pytest.raises(ValueError, match="twice"):
        nn.optim.SGD([p, p], lr=0.1)
    with pytest.raises(ValueError, match="twice"):
        nn.optim.Adam([{"params": [p]}, {"params": [p], "lr": 0.1}])


def test_custom_module_and_zero_grad():
    class Net(nn.Module):
        def __init__(self):
            super().__init__()
            self.emb = nn.Embedding(10, 3)
            self.out = nn.Linear(6, 2)

        def forward(self, idx):
            e = self.emb(idx)
            return self.out(e.reshape(e.shape[0], 6))

    net = Net()
    net(np.array([[1, 2], [3, 3]])).sum().backward()
    assert net.emb.weight.grad.shape == (10, 3)
    assert np.count_nonzero(net.emb.weight.grad.numpy().any(axis=1)) == 3  # rows 1, 2, 3 used
    net.zero_grad()
    assert all(p.grad is None for p in net.parameters())


def test_module_misuse_is_a_clear_error():
    class Bad(nn.Module):
        def __init__(self):
            self.w = nn.Parameter(np.ones(2))

    with pytest.raises(AttributeError, match="super"):
        Bad()
    layer = nn.Linear(2, 2)
    with pytest.raises(TypeError, match="parameter 'weight'.*copy_"):
        layer.weight = Tensor(np.ones((2, 2)))
    with pytest.raises(ValueError, match=r"Linear\(3, 2\).*last axis.*\(2, 4\)"):
        nn.Linear(3, 2)(Tensor(np.ones((2, 4))))
    with pytest.raises(IndexError, match="index 5 is out of range.*0..4"):
        nn.Embedding(5, 2)(np.array([0, 5]))
    with pytest.raises(TypeError, match="integer"):
        nn.Embedding(5, 2)(np.array([0.5]))


def test_buffers_train_eval_and_dtype():
    bn = nn.BatchNorm1d(3)
    assert [n for n, _ in bn.named_buffers()] == ["running_mean", "running_var", "num_batches_tracked"]
    assert list(bn.state_dict()) == ["weight", "bias", "running_mean", "running_var", "num_batches_tracked"]
    model = nn.Sequential(nn.Linear(3, 3), bn).float()
    assert all(p.dtype == np.float32 for p in model.parameters()) and bn.running_mean.dtype == np.float32
    assert bn.num_batches_tracked.dtype == np.int64
    assert model.eval() is model and not bn.training and model.train().training


# ----------------------------------------------------------------------------- layers by finite differences


@settings(max_examples=15, deadline=None)
@given(
    n=st.integers(2, 5), c=st.integers(1, 4), length=st.integers(0, 3), affine=st.booleans(), seed=st.integers(0, 1000)
)
def test_batchnorm_gradients_by_finite_differences(n, c, length, affine, seed):
    rng = np.random.default_rng(seed)
    shape = (n, c) if length == 0 else (n, c, length)
    x = Tensor(rng.standard_normal(shape) * 2 + 1, requires_grad=True)
    bn = nn.BatchNorm1d(c, affine=affine)
    if affine:
        with ag.no_grad():
            bn.weight.copy_(rng.standard_normal(c))
            bn.bias.copy_(rng.standard_normal(c))
    assert ag.gradcheck(lambda *_: bn(x), [x, *bn.parameters()])
    bn.eval()
    assert ag.gradcheck(lambda *_: bn(x), [x, *bn.parameters()])


@settings(max_examples=15, deadline=None)
@given(
    lead=st.lists(st.integers(1, 3), max_size=2),
    norm=st.lists(st.integers(1, 4), min_size=1, max_size=2),
    seed=st.integers(0, 1000),
)
def test_layernorm_gradients_by_finite_differences(lead, norm, seed):
    rng = np.random.default_rng(seed)
    x = Tensor(rng.standard_normal((*lead, *norm)), requires_grad=True)
    ln = nn.LayerNorm(norm)
    with ag.no_grad():
        ln.weight.copy_(rng.standard_normal(norm))
    y = ln(x).numpy()
    axes = tuple(range(len(lead), x.ndim))
    assert ag.gradcheck(lambda *_: ln(x), [x, *ln.parameters()])
    plain = nn.LayerNorm(norm, elementwise_affine=False)(x).numpy()
    np.testing.assert_allclose(plain.mean(axis=axes), 0, atol=1e-12)
    assert y.shape == x.shape


@pytest.mark.parametrize(
    "make",
    [
        lambda: nn.Linear(3, 2),
        lambda: nn.Softplus(beta=2.0),
        nn.Tanh,
        nn.Sigmoid,
        lambda: nn.LeakyReLU(0.2),
        lambda: nn.Softmax(dim=1),
        lambda: nn.LogSoftmax(1),
        nn.Flatten,
    ],
)
def test_layers_by_finite_differences(make):
    ag.manual_seed(0)
    layer = make()
    x = Tensor(np.random.default_rng(0).standard_normal((4, 3)) + 0.05, requires_grad=True)
    assert ag.gradcheck(lambda *_: layer(x), [x, *layer.parameters()])


def test_dropout_is_a_fixed_mask_for_a_fixed_seed_and_identity_in_eval():
    x = Tensor(np.random.default_rng(0).standard_normal((5, 4)), requires_grad=True)
    drop = nn.Dropout(0.4)

    def f(*_):
        ag.manual_seed(7)
        return drop(x)

    assert ag.gradcheck(f, [x])
    y = f().numpy()
    kept = y != 0
    np.testing.assert_allclose(y[kept], x.numpy()[kept] / 0.6)
    assert drop.eval()(x) is x
    with pytest.raises(ValueError, match="between 0 and 1"):
        nn.Dropout(1.5)


# ----------------------------------------------------------------------------- losses


def test_losses_are_modules_over_functional():
    rng = np.random.default_rng(0)
    z, t, w = rng.standard_normal((6, 4)), rng.integers(0, 4, 6), rng.uniform(0.5, 2, 4)
    ce = nn.CrossEntropyLoss(weight=w)(Tensor(z), t)
    assert ce.item() == pytest.approx(F.cross_entropy(Tensor(z), t, weight=w).item(), rel=1e-15)
    nll = nn.NLLLoss(weight=w)(F.log_softmax(Tensor(z), dim=1), t)
    assert ce.item() == pytest.approx(nll.item(), rel=1e-12)
    assert list(nn.CrossEntropyLoss(weight=w).state_dict()) == ["weight"]  # a buffer, as torch
    pred = Tensor(np.array([1.0, 2.0]), requires_grad=True)
    loss = nn.MSELoss()(pred, np.array([0.0, 4.0]))
    assert loss.item() == pytest.approx(2.5)
    loss.backward()
    np.testing.assert_allclose(pred.grad.numpy(), [1.0, -2.0])


@pytest.mark.parametrize("fn", [F.mse_loss, F.l1_loss, F.binary_cross_entropy_with_logits])
def test_shape_mismatch_is_an_error_not_a_broadcast(fn):
    with pytest.raises(ValueError, match=r"\(2, 1\).*\(2,\).*broadcast"):
        fn(Tensor(np.full((2, 1), 0.5)), np.full(2, 0.5))


def test_meaningless_loss_arguments_are_rejected():
    with pytest.raises(ValueError, match="finite and ≥ 0"):
        nn.CrossEntropyLoss(weight=[1.0, -1.0, 0.0])
    z = Tensor(np.zeros((2, 3)))
    with pytest.raises(ValueError, match="sum to 0"):
        nn.CrossEntropyLoss(weight=[0.0, 1.0, 1.0])(z, np.array([0, 0]))
    with pytest.raises(TypeError, match="your labels are float"):
        nn.CrossEntropyLoss()(z, np.array([0.0, 1.0]))
    with pytest.raises(TypeError, match="your labels are float"):
        nn.NLLLoss()(z, np.array([0.0, 1.0]))
    with pytest.raises(ValueError, match="sum to 1"):
        F.cross_entropy(z, np.full((2, 3), 0.5))
    with pytest.raises(ValueError, match="≥ 0"):
        F.cross_entropy(z, np.array([[1.5, -0.5, 0.0], [1.0, 0.0, 0.0]]))
    with pytest.raises(ValueError, match=r"\[0, 1\].*logits"):
        F.binary_cross_entropy(Tensor(np.array([1.2, 0.5])), np.array([1.0, 0.0]))
    with pytest.raises(ValueError, match="reduction"):
        nn.MSELoss(reduction="avg")


# ----------------------------------------------------------------------------- optimisers and schedules


def test_sgd_rules_by_hand():
    p = nn.Parameter(np.array([1.0]))
    opt = nn.optim.SGD([p], lr=0.1, momentum=0.9, nesterov=True, weight_decay=0.01)
    v, theta = None, 1.0
    for g in (0.5, -0.2, 0.3):
        p.grad = Tensor(np.array([g]))
        opt.step()
        d = g + 0.01 * theta
        v = d if v is None else 0.9 * v + d
        theta -= 0.1 * (d + 0.9 * v)
        assert p.item() == pytest.approx(theta, abs=1e-15)


def test_adam_counts_steps_per_parameter():
    """The issue's example: w2's first gradient comes at step 2; its first Adam step is exactly lr."""
    w1, w2 = nn.Parameter(np.array([1.0])), nn.Parameter(np.array([3.0]))
    opt = nn.optim.Adam([w1, w2], lr=0.1)
    w1.grad = Tensor([1.0])
    opt.step()
    w2.grad = Tensor([1.0])
    opt.step()
    assert w2.item() == pytest.approx(2.9, abs=1e-8)
    assert opt.state[w1]["step"] == 2 and opt.state[w2]["step"] == 1


@pytest.mark.parametrize(
    "make, match",
    [
        (lambda ps: nn.optim.SGD(ps, lr=float("nan")), "lr must be finite"),
        (lambda ps: nn.optim.SGD(ps, lr=-1.0), "lr must be finite and ≥ 0"),
        (lambda ps: nn.optim.SGD(ps, lr=0.1, momentum=-0.5), "momentum"),
        (lambda ps: nn.optim.SGD(ps, lr=0.1, nesterov=True), "Nesterov.*momentum"),
        (lambda ps: nn.optim.SGD(ps, lr=0.1, weight_decay=-1), "weight_decay"),
        (lambda ps: nn.optim.Adam(ps, betas=(0.9, 1.0)), r"betas\[1\] must be in \[0, 1\)"),
        (lambda ps: nn.optim.Adam(ps, betas=(-0.1, 0.99)), r"betas\[0\]"),
        (lambda ps: nn.optim.Adam(ps, eps=0.0), "eps must be finite and > 0"),
        (lambda ps: nn.optim.RMSprop(ps, alpha=1.0), "alpha"),
        (lambda ps: nn.optim.Adagrad(ps, lr_decay=-1.0), "lr_decay"),
        (lambda ps: nn.optim.SGD([], lr=0.1), "empty"),
        (lambda ps: nn.optim.SGD(ps[0], lr=0.1), "single Tensor"),
        (lambda ps: nn.optim.SGD(set(ps), lr=0.1), "not a set"),
        (lambda ps: nn.optim.SGD([np.ones(2)], lr=0.1), "only optimize Tensors"),
        (lambda ps: nn.optim.SGD([{"params": ps, "betas": (0.9, 0.9)}], lr=0.1), "no hyper-parameter 'betas'"),
        (lambda ps: nn.optim.SGD(ps, lr="0.1"), "must be a number"),
    ],
)
def test_bad_hyper_parameters_are_clear_errors(make, match):
    with pytest.raises((ValueError, TypeError), match=match):
        make([nn.Parameter(np.ones(2))])


def test_param_groups_and_the_lr_convenience():
    a, b = nn.Parameter(np.ones(2)), nn.Parameter(np.ones(2))
    opt = nn.optim.SGD([{"params": [a]}, {"params": [b], "lr": 0.5}], lr=0.1, momentum=0.9)
    assert [g["lr"] for g in opt.param_groups] == [0.1, 0.5] and opt.param_groups[1]["momentum"] == 0.9
    with pytest.raises(AttributeError, match="different learning rates"):
        _ = opt.lr
    opt.lr = 0.2
    assert [g["lr"] for g in opt.param_groups] == [0.2, 0.2] and opt.lr == 0.2
    with pytest.raises(ValueError, match="lr"):
        opt.lr = -1


def test_schedulers_by_hand():
    p = nn.Parameter(np.ones(1))
    opt = nn.optim.SGD([p], lr=1.0)
    s = nn.optim.StepLR(opt, step_size=2, gamma=0.5)
    lrs = []
    for _ in range(4):
        s.step()
        lrs.append(opt.param_groups[0]["lr"])
    assert lrs == [1.0, 0.5, 0.5, 0.25] and s.get_last_lr() == [0.25]
    e = nn.optim.lr_scheduler.ExponentialLR(nn.optim.SGD([p], lr=1.0), gamma=0.9)
    e.step()
    e.step()
    assert e.optimizer.lr == pytest.approx(0.81)
    c = nn.optim.lr_scheduler.CosineAnnealingLR(nn.optim.SGD([p], lr=1.0), T_max=4)
    for _ in range(2):
        c.step()
    assert c.get_last_lr()[0] == pytest.approx(0.5)  # η₀(1 + cos(π/2))/2
    with pytest.raises(ValueError, match="LambdaLR.*lr must be finite"):
        nn.optim.lr_scheduler.LambdaLR(nn.optim.SGD([p], lr=1.0), lambda epoch: -1.0)


def test_clip_grad_norm_by_hand():
    a, b = nn.Parameter(np.zeros(2)), nn.Parameter(np.zeros(1))
    a.grad, b.grad = Tensor([3.0, 0.0]), Tensor([4.0])
    total = nn.utils.clip_grad_norm_([a, b], max_norm=1.0)
    assert total.item() == pytest.approx(5.0)
    np.testing.assert_allclose(np.concatenate([a.grad.numpy(), b.grad.numpy()]), np.array([3, 0, 4]) / (5 + 1e-6))
    with pytest.raises(RuntimeError, match="non|nan|inf"):
        a.grad = Tensor([np.nan, 0.0])
        nn.utils.clip_grad_norm_([a], 1.0, error_if_nonfinite=True)


def test_training_reduces_the_loss():
    ag.manual_seed(0)
    rng = np.random.default_rng(0)
    X = rng.standard_normal((200, 2))
    y = (X[:, 0] * X[:, 1] > 0).astype(int)
    model = nn.MLP([2, 16, 2], activation="tanh")
    opt = nn.optim.AdamW(model.parameters(), lr=0.05)
    first = None
    for _ in range(150):
        loss = nn.CrossEntropyLoss()(model(X), y)
        first = first if first is not None else loss.item()
        opt.zero_grad()
        loss.backward()
        opt.step()
    assert loss.item() < 0.5 * first


def test_a_step_between_forward_and_backward_is_caught():
    model = nn.Linear(2, 1)
    opt = nn.optim.SGD(model.parameters(), lr=0.1)
    loss = (model(np.ones((3, 2))) ** 2).sum()
    model.weight.grad = Tensor(np.ones((1, 2)))
    opt.step()  # changes the weight the graph saved
    with pytest.raises(RuntimeError, match="modified by an inplace operation|version|in-place"):
        loss.backward()


# ----------------------------------------------------------------------------- seeds, init, data


def test_one_seed_makes_init_dropout_and_shuffling_repeatable():
    def run():
        ag.manual_seed(5)
        m = nn.MLP([3, 4, 2])
        mask = nn.Dropout(0.5)(Tensor(np.ones(8))).numpy()
        order = [yb.tolist() for _, yb in nn.DataLoader(np.ones((6, 1)), np.arange(6), batch_size=3, shuffle=True)]
        return [p.numpy().copy() for p in m.parameters()], mask, order

    (w1, m1, o1), (w2, m2, o2) = run(), run()
    assert all(np.array_equal(a, b) for a, b in zip(w1, w2)) and np.array_equal(m1, m2) and o1 == o2
    assert nn.manual_seed is ag.manual_seed and not hasattr(nn.init, "rng")


def test_initialisers():
    ag.manual_seed(0)
    w = nn.Linear(400, 300, init="normal", std=0.01)
    assert abs(w.weight.numpy().std() - 0.01) < 5e-4 and not w.bias.numpy().any()
    he = nn.Linear(400, 300, init="he").weight.numpy()
    assert abs(he.std() - np.sqrt(2 / 400)) < 0.003
    xav = nn.Linear(400, 300, init="xavier").weight.numpy()
    assert np.abs(xav).max() <= np.sqrt(6 / 700)
    assert not nn.Linear(3, 3, init="zeros").weight.numpy().any()
    assert nn.Linear(2, 2, dtype=np.float32).weight.dtype == np.float32
    t = nn.init.kaiming_uniform_(nn.Parameter(np.zeros((30, 20))), nonlinearity="relu")
    assert np.abs(t.numpy()).max() <= np.sqrt(6 / 20)
    assert nn.init.fans(np.zeros((5, 3, 2))) == (6, 10)
    custom = nn.Linear(3, 2, init=nn.init.ones_)
    assert (custom.weight.numpy() == 1).all() and not custom.bias.numpy().any()
    with pytest.raises(ValueError, match="unknown init 'bogus'"):
        nn.Linear(2, 2, init="bogus")


def test_dataloader_arrays_and_tensor_dataset():
    X, y = np.arange(10).reshape(10, 1), np.arange(10)
    batches = list(nn.DataLoader(X, y, batch_size=4))
    assert [len(b[1]) for b in batches] == [4, 4, 2] and isinstance(batches[0][0], np.ndarray)
    assert [len(b[1]) for b in nn.DataLoader((X, y), batch_size=4)] == [4, 4, 2]
    assert len(nn.DataLoader(X, y, batch_size=4, drop_last=True)) == 2
    a = [b[1].tolist() for b in nn.DataLoader(X, y, batch_size=5, shuffle=True, seed=1)]
    b = [b[1].tolist() for b in nn.DataLoader(X, y, batch_size=5, shuffle=True, generator=np.random.default_rng(1))]
    assert a == b and sorted(sum(a, [])) == list(range(10)) and a != [[0, 1, 2, 3, 4], [5, 6, 7, 8, 9]]
    ds = nn.data.TensorDataset(X.astype(float), y)
    assert len(ds) == 10 and ds[3][1].item() == 3
    xb, yb = next(iter(nn.data.DataLoader(ds, batch_size=4, shuffle=True, seed=0)))
    assert isinstance(xb, Tensor) and xb.shape == (4, 1) and yb.dtype == np.int64
    assert np.array_equal(xb.numpy()[:, 0], yb.numpy())

    class Squares(nn.data.Dataset):
        def __len__(self):
            return 5

        def __getitem__(self, i):
            return np.array([i, i * i]), i

    xs, ys = next(iter(nn.data.DataLoader(Squares(), batch_size=5)))
    assert xs.numpy().tolist() == [[i, i * i] for i in range(5)] and ys.numpy().tolist() == list(range(5))
    with pytest.raises(ValueError, match="differ in length"):
        nn.DataLoader(X, y[:5])
    with pytest.raises(TypeError, match="by name"):
        nn.DataLoader(X, 32)
    with pytest.raises(ValueError, match="same first axis"):
        nn.data.TensorDataset(np.ones(3), np.ones(4))


# ----------------------------------------------------------------------------- saving and loading


@pytest.mark.parametrize("suffix", [".npz", ".json"])
def test_save_and_load_round_trip(tmp_path, suffix):
    a = nn.Sequential(nn.Linear(2, 12), nn.Softplus(), nn.Linear(12, 5), nn.BatchNorm1d(5))
    a(np.ones((3, 2)))  # moves the running statistics
    path = a.save(tmp_path / f"model{suffix}")
    b = nn.Sequential(nn.Linear(2, 12, init="zeros"), nn.Softplus(), nn.Linear(12, 5), nn.BatchNorm1d(5)).load(path)
    for (na, va), (nb, vb) in zip(a.state_dict().items(), b.state_dict().items()):
        assert na == nb
        np.testing.assert_array_equal(va.numpy(), vb.numpy())
    if suffix == ".json":
        doc = json.loads(path.read_text())
        assert doc["parameters"]["0.weight"]["shape"] == [12, 2]
    assert [p.name for p in tmp_path.iterdir()] == [f"model{suffix}"]  # no temporary file left behind


def test_a_failed_save_leaves_the_previous_file(tmp_path, monkeypatch):
    model = nn.Linear(2, 2)
    path = model.save(tmp_path / "m.npz")
    good = path.read_bytes()

    def full_disk(*args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(np, "savez", full_disk)
    with pytest.raises(OSError, match="No space"):
        nn.Linear(2, 2).save(path)
    assert path.read_bytes() == good and os.listdir(tmp_path) == ["m.npz"]


def test_atomic_write_for_tasks(tmp_path):
    target = nn.io.atomic_write(tmp_path / "sub" / "metrics.json", json.dumps({"acc": 0.9}))
    assert json.loads(target.read_text()) == {"acc": 0.9}
    with pytest.raises(RuntimeError, match="crash"):
        with nn.io.atomic_open(target) as f:
            f.write("half")
            raise RuntimeError("crash half-way")
    assert json.loads(target.read_text()) == {"acc": 0.9}
