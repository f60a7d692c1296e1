"""nn: modules, layers, losses, optimisers, initialisers, data loading, save/load."""

import json

import numpy as np
import pytest

import nn
from autograd import Tensor


def test_module_finds_parameters_in_order():
    model = nn.MLP([3, 4, 2], activation="tanh")
    names = [n for n, _ in model.named_parameters()]
    assert names == ["0.weight", "0.bias", "2.weight", "2.bias"]
    assert model.num_parameters() == 3 * 4 + 4 + 4 * 2 + 2
    model.eval()
    assert not any(m.training for m in model.modules())


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
    loss = net(np.array([[1, 2], [3, 3]])).sum()
    loss.backward()
    assert net.emb.weight.grad.shape == (10, 3)
    assert np.count_nonzero(net.emb.weight.grad.data.any(axis=1)) == 3  # rows 1, 2, 3 used
    net.zero_grad()
    assert all(p.grad is None for p in net.parameters())


def test_module_without_super_init_is_a_clear_error():
    class Bad(nn.Module):
        def __init__(self):
            self.w = nn.Parameter(np.ones(2))

    with pytest.raises(AttributeError, match="super"):
        Bad()


def test_embedding_rejects_bad_indices():
    emb = nn.Embedding(5, 2)
    with pytest.raises(IndexError, match="0..4"):
        emb(np.array([0, 5]))
    with pytest.raises(TypeError, match="integer"):
        emb(np.array([0.5]))


def test_linear_shape_error():
    with pytest.raises(ValueError, match=r"last axis is 3.*\(2, 4\)"):
        nn.Linear(3, 2)(Tensor(np.ones((2, 4))))


def test_initialisers():
    nn.manual_seed(0)
    w = nn.Linear(400, 300, init="normal", std=0.01).weight.data
    assert abs(w.std() - 0.01) < 5e-4
    he = nn.Linear(400, 300, init="he").weight.data
    assert abs(he.std() - np.sqrt(2 / 400)) < 0.003
    xav = nn.Linear(400, 300, init="xavier").weight.data
    assert np.abs(xav).max() <= np.sqrt(6 / 700)
    assert not nn.Linear(3, 3, init="zeros").weight.data.any()
    assert nn.Linear(2, 2, dtype=np.float32).weight.dtype == np.float32
    with pytest.raises(ValueError, match="unknown init 'bogus'"):
        nn.Linear(2, 2, init="bogus")


def test_mse_loss_and_shape_mismatch():
    pred = Tensor(np.array([1.0, 2.0]), requires_grad=True)
    loss = nn.MSELoss()(pred, np.array([0.0, 4.0]))
    assert loss.item() == pytest.approx(2.5)
    loss.backward()
    np.testing.assert_allclose(pred.grad.data, [1.0, -2.0])
    with pytest.raises(ValueError, match=r"\(2, 1\).*\(2,\)"):
        nn.MSELoss()(Tensor(np.ones((2, 1))), np.ones(2))


def test_nll_of_log_softmax_equals_cross_entropy():
    rng = np.random.default_rng(0)
    z, t, w = rng.standard_normal((6, 4)), rng.integers(0, 4, 6), rng.uniform(0.5, 2, 4)
    ce = nn.CrossEntropyLoss(weight=w)(Tensor(z), t).item()
    nll = nn.NLLLoss(weight=w)(Tensor(z).log_softmax(axis=1), t).item()
    assert ce == pytest.approx(nll, rel=1e-12)


@pytest.mark.parametrize("suffix", [".npz", ".json"])
def test_save_and_load_round_trip(tmp_path, suffix):
    a = nn.MLP([2, 12, 5], activation="softplus")
    path = a.save(tmp_path / f"model{suffix}")
    b = nn.MLP([2, 12, 5], activation="softplus", init="zeros")
    b.load(path)
    for (na, pa), (nb, pb) in zip(a.named_parameters(), b.named_parameters()):
        assert na == nb
        np.testing.assert_array_equal(pa.data, pb.data)
    if suffix == ".json":
        doc = json.loads(path.read_text())
        assert doc["parameters"]["0.weight"]["shape"] == [12, 2]


def test_load_state_dict_mismatch_is_clear():
    model = nn.MLP([2, 3])
    with pytest.raises(RuntimeError, match="missing"):
        model.load_state_dict({})
    state = model.state_dict()
    state["0.weight"] = np.ones((2, 3))
    with pytest.raises(RuntimeError, match=r"0.weight.*\(2, 3\).*\(3, 2\)"):
        model.load_state_dict(state)


def test_dataloader():
    X, y = np.arange(10).reshape(10, 1), np.arange(10)
    batches = list(nn.DataLoader(X, y, batch_size=4))
    assert [len(b[1]) for b in batches] == [4, 4, 2]
    assert len(nn.DataLoader(X, y, batch_size=4, drop_last=True)) == 2
    a = [b[1].tolist() for b in nn.DataLoader(X, y, batch_size=5, shuffle=True, seed=1)]
    b = [b[1].tolist() for b in nn.DataLoader(X, y, batch_size=5, shuffle=True, seed=1)]
    assert a == b and sorted(sum(a, [])) == list(range(10)) and a != [[0, 1, 2, 3, 4], [5, 6, 7, 8, 9]]
    with pytest.raises(ValueError, match="differ in length"):
        nn.DataLoader(X, y[:5])


def test_training_reduces_the_loss():
    nn.manual_seed(0)
    rng = np.random.default_rng(0)
    X = rng.standard_normal((200, 2))
    y = (X[:, 0] * X[:, 1] > 0).astype(int)
    model = nn.MLP([2, 16, 2], activation="tanh")
    opt = nn.optim.Adam(model.parameters(), lr=0.05)
    first = None
    for _ in range(150):
        loss = nn.CrossEntropyLoss()(model(X), y)
        first = first if first is not None else loss.item()
        opt.zero_grad()
        loss.backward()
        opt.step()
    assert loss.item() < 0.5 * first


def test_schedulers():
    p = nn.Parameter(np.ones(1))
    opt = nn.optim.SGD([p], lr=1.0)
    s = nn.optim.StepLR(opt, step_size=2, gamma=0.5)
    lrs = []
    for _ in range(4):
        s.step()
        lrs.append(opt.lr)
    assert lrs == [1.0, 0.5, 0.5, 0.25]
    e = nn.optim.ExponentialLR(nn.optim.SGD([p], lr=1.0), gamma=0.9)
    e.step()
    e.step()
    assert e.optimizer.lr == pytest.approx(0.81)


def test_sgd_rules_by_hand():
    p = nn.Parameter(np.array([1.0]))
    opt = nn.optim.SGD([p], lr=0.1, momentum=0.9, nesterov=True, weight_decay=0.01)
    v = 0.0
    theta = 1.0
    for g in (0.5, -0.2, 0.3):
        p.grad = Tensor(np.array([g]))
        opt.step()
        d = g + 0.01 * theta
        v = d if v == 0.0 else 0.9 * v + d
        theta -= 0.1 * (d + 0.9 * v)
        assert p.numpy()[0] == pytest.approx(theta)
