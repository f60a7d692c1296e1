# ---- nn misuse and save/load
"""Bad input to nn: each case must raise a clear error whose message names the fault (the argument, shape,
dtype, value or file), never a wrong answer or a numpy/pickle message from deep inside."""

import io
import json
import zipfile

import numpy as np
import pytest

import nn
import nn.functional as F
from autograd import Tensor


def _p(*shape):
    return nn.Parameter(np.ones(shape))


def _ce(target, **kw):
    return lambda: F.cross_entropy(Tensor(np.zeros((2, 3))), target, **kw)


def _opt(cls, **kw):
    return lambda: cls([_p(2)], **kw)


def _assign_tensor_to_weight():
    nn.Linear(2, 2).weight = Tensor(np.ones((2, 2)))


def _set_lr(value):
    def run():
        nn.optim.SGD([_p(2)], lr=0.1).lr = value
    return run


def _opt_load(state):
    return lambda: nn.optim.Adam([_p(2)]).load_state_dict(state)


def _bn_single_sample():
    nn.BatchNorm1d(3)(Tensor(np.ones((1, 3))))


def _non_leaf():
    p = _p(2)
    nn.optim.SGD([p * 2], lr=0.1)


def _lambda_lr_negative():
    nn.optim.lr_scheduler.LambdaLR(nn.optim.SGD([_p(2)], lr=0.1), lambda e: -1.0)


def _clip_nonfinite():
    p = _p(2)
    p.grad = Tensor([np.inf, 0.0])
    nn.utils.clip_grad_norm_([p], 1.0, error_if_nonfinite=True)


MISUSE = [
    # layers
    ("linear width", lambda: nn.Linear(3, 2)(Tensor(np.ones((2, 4)))), ValueError, r"in_features = 3.*\(2, 4\)"),
    ("linear 0-d input", lambda: nn.Linear(3, 2)(Tensor(1.0)), ValueError, "in_features = 3"),
    ("linear negative size", lambda: nn.Linear(3, -2), ValueError, "out_features must be a non-negative integer"),
    ("linear float size", lambda: nn.Linear(2.5, 2), ValueError, "in_features must be a non-negative integer"),
    ("linear cuda", lambda: nn.Linear(2, 2, device="cuda"), RuntimeError, "CPU only"),
    ("linear int dtype", lambda: nn.Linear(2, 2, dtype=np.int64), TypeError, "floating-point dtype"),
    ("linear bad dtype", lambda: nn.Linear(2, 2, dtype="banana"), TypeError, "'banana' is not a dtype"),
    ("linear unknown init", lambda: nn.Linear(2, 2, init="bogus"), ValueError, "unknown init 'bogus'"),
    ("embedding index too big", lambda: nn.Embedding(5, 2)(np.array([0, 5])), IndexError, "index 5.*0..4"),
    ("embedding negative index", lambda: nn.Embedding(5, 2)(np.array([-1])), IndexError, "index -1.*0..4"),
    ("embedding float index", lambda: nn.Embedding(5, 2)(np.array([0.5])), TypeError, "integer indices.*float64"),
    ("batchnorm channels", lambda: nn.BatchNorm1d(3)(Tensor(np.ones((4, 5)))), ValueError,
     r"BatchNorm1d\(3\).*\(4, 5\)"),
    ("batchnorm 4-d", lambda: nn.BatchNorm1d(3)(Tensor(np.ones((2, 3, 1, 1)))), ValueError, r"\(N, 3, L\)"),
    ("batchnorm one sample", _bn_single_sample, ValueError, "more than 1 value per channel"),
    ("batchnorm eps", lambda: nn.BatchNorm1d(3, eps=0), ValueError, "eps must be > 0"),
    ("batchnorm momentum", lambda: nn.BatchNorm1d(3, momentum=2.0), ValueError, "momentum must be in"),
    ("layernorm shape", lambda: nn.LayerNorm(4)(Tensor(np.ones((2, 3)))), ValueError, r"normalized_shape \(4,\)"),
    ("layernorm eps", lambda: nn.LayerNorm(4, eps=-1.0), ValueError, "eps must be > 0"),
    ("dropout p", lambda: nn.Dropout(-0.1), ValueError, "between 0 and 1.*-0.1"),
    ("functional dropout p", lambda: F.dropout(Tensor(np.ones(2)), p=2), ValueError, "between 0 and 1"),
    ("softplus beta", lambda: F.softplus(Tensor(np.ones(2)), beta=0), ValueError, "beta must be > 0"),
    ("mlp one size", lambda: nn.MLP([3]), ValueError, "at least an input and an output"),
    ("unknown activation", lambda: nn.MLP([2, 2, 2], activation="gelu"), ValueError, "unknown activation 'gelu'"),
    ("sequential non-module", lambda: nn.Sequential(nn.ReLU(), 3), TypeError, "argument 1 is a int"),
    ("modulelist non-module", lambda: nn.ModuleList([nn.ReLU(), "x"]), TypeError, "nn.Modules, got a str"),
    ("assign tensor as parameter", _assign_tensor_to_weight, TypeError, "parameter 'weight'"),
    ("module to int", lambda: nn.Linear(2, 2).to(np.int64), TypeError, "floating-point dtype"),
    ("train mode not bool", lambda: nn.Linear(2, 2).train("yes"), ValueError, "expects a bool"),
    ("state dict missing", lambda: nn.Linear(2, 2).load_state_dict({"weight": np.ones((2, 2))}), RuntimeError,
     "missing key.*bias"),
    ("state dict unexpected", lambda: nn.Linear(2, 2).load_state_dict(
        {"weight": np.ones((2, 2)), "bias": np.ones(2), "extra": np.ones(1)}), RuntimeError, "unexpected key.*extra"),
    ("state dict shape", lambda: nn.Linear(3, 2).load_state_dict({"weight": np.ones((3, 2)), "bias": np.ones(2)}),
     RuntimeError, r"size mismatch for weight.*\(3, 2\).*\(2, 3\)"),
    ("state dict dtype", lambda: nn.Linear(2, 2).load_state_dict({"weight": np.ones((2, 2), int), "bias": np.ones(2)}),
     RuntimeError, "dtype mismatch for weight.*int64"),
    ("state dict not a dict", lambda: nn.Linear(2, 2).load_state_dict([1, 2]), TypeError, "dict of name"),
    # losses
    ("ce negative weight", lambda: nn.CrossEntropyLoss(weight=[1.0, -1.0, 0.0]), ValueError, "finite and ≥ 0"),
    ("ce nan weight", lambda: nn.CrossEntropyLoss(weight=[1.0, np.nan]), ValueError, "finite and ≥ 0"),
    ("ce 2-d weight", lambda: nn.CrossEntropyLoss(weight=np.ones((2, 2))), ValueError, r"1-D.*\(2, 2\)"),
    ("ce weight count", _ce(np.array([0, 1]), weight=np.ones(4)), ValueError, r"shape \(3,\) for 3 classes"),
    ("ce weights sum to 0", _ce(np.array([0, 0]), weight=np.array([0.0, 1.0, 1.0])), ValueError, "sum to 0"),
    ("ce all ignored", _ce(np.array([-100, -100])), ValueError, "ignore_index"),
    ("ce float labels", _ce(np.array([0.0, 1.0])), TypeError, "your labels are float"),
    ("ce target out of range", _ce(np.array([0, 3])), IndexError, "class target 3 is out of range for 3 classes"),
    ("ce negative target", _ce(np.array([0, -2])), IndexError, "class target -2"),
    ("ce target shape", _ce(np.array([0, 1, 2])), ValueError, r"shape \(2,\)"),
    ("ce probabilities sum", _ce(np.full((2, 3), 0.5)), ValueError, "sum to 1"),
    ("ce negative probability", _ce(np.array([[1.5, -0.5, 0.0], [1.0, 0.0, 0.0]])), ValueError, "≥ 0"),
    ("ce bool target", _ce(np.array([True, False])), TypeError, "integer class indices or float probability"),
    ("ce label smoothing", lambda: nn.CrossEntropyLoss(label_smoothing=1.5), ValueError, "label_smoothing.*1.5"),
    ("ce reduction", lambda: nn.CrossEntropyLoss(reduction="avg"), ValueError, "reduction.*'avg'"),
    ("ce int logits", lambda: F.cross_entropy(Tensor(np.zeros((2, 3), int)), np.array([0, 1])), TypeError,
     "float logits"),
    ("nll float labels", lambda: F.nll_loss(Tensor(np.zeros((2, 3))), np.array([0.0, 1.0])), TypeError,
     "your labels are float"),
    ("nll target range", lambda: F.nll_loss(Tensor(np.zeros((2, 3))), np.array([0, 7])), IndexError, "class target 7"),
    ("nll negative weight", lambda: nn.NLLLoss(weight=[-1.0, 1.0]), ValueError, "finite and ≥ 0"),
    ("mse shapes", lambda: F.mse_loss(Tensor(np.ones((2, 1))), np.ones(2)), ValueError, r"\(2, 1\).*\(2,\)"),
    ("l1 shapes", lambda: nn.L1Loss()(Tensor(np.ones(3)), np.ones(2)), ValueError, r"\(3,\).*\(2,\)"),
    ("mse reduction", lambda: F.mse_loss(Tensor(np.ones(2)), np.ones(2), reduction="mean "), ValueError, "reduction"),
    ("bce input outside", lambda: F.binary_cross_entropy(Tensor([1.2, 0.5]), np.array([1.0, 0.0])), ValueError,
     r"input \(probabilities\) must lie in \[0, 1\].*1.2.*with_logits"),
    ("bce nan input", lambda: F.binary_cross_entropy(Tensor([np.nan, 0.5]), np.array([1.0, 0.0])), ValueError,
     r"\[0, 1\]"),
    ("bce target outside", lambda: F.binary_cross_entropy(Tensor([0.2, 0.5]), np.array([2.0, 0.0])), ValueError,
     r"target must lie in \[0, 1\]"),
    ("bce negative weight", lambda: F.binary_cross_entropy(Tensor([0.2, 0.5]), np.array([1.0, 0.0]),
                                                          weight=np.array([-1.0, 1.0])), ValueError, "finite and ≥ 0"),
    ("bce weight shape", lambda: F.binary_cross_entropy(Tensor([0.2, 0.5]), np.array([1.0, 0.0]),
                                                       weight=np.ones(3)), ValueError, "does not broadcast"),
    ("bce logits target", lambda: nn.BCEWithLogitsLoss()(Tensor([0.2, 5.0]), np.array([2.0, 0.0])), ValueError,
     r"target must lie in \[0, 1\]"),
    ("bce logits shapes", lambda: F.binary_cross_entropy_with_logits(Tensor([0.2, 5.0]), np.ones((2, 1))),
     ValueError, "differ"),
    ("one hot float", lambda: F.one_hot(np.array([0.0, 1.0])), TypeError, "integer class indices"),
    ("one hot range", lambda: F.one_hot(np.array([0, 4]), 3), ValueError, "0..2.*0..4"),
    # optimisers
    ("lr nan", _opt(nn.optim.SGD, lr=float("nan")), ValueError, "lr must be finite and ≥ 0, got nan"),
    ("lr inf", _opt(nn.optim.Adam, lr=float("inf")), ValueError, "lr must be finite"),
    ("lr negative", _opt(nn.optim.SGD, lr=-0.1), ValueError, "lr must be finite and ≥ 0, got -0.1"),
    ("lr string", _opt(nn.optim.SGD, lr="0.1"), TypeError, "lr must be a number"),
    ("lr bool", _opt(nn.optim.SGD, lr=True), TypeError, "lr must be a number"),
    ("momentum negative", _opt(nn.optim.SGD, lr=0.1, momentum=-0.9), ValueError, "momentum must be finite"),
    ("dampening nan", _opt(nn.optim.SGD, lr=0.1, dampening=float("nan")), ValueError, "dampening"),
    ("weight decay negative", _opt(nn.optim.SGD, lr=0.1, weight_decay=-1e-3), ValueError, "weight_decay"),
    ("nesterov without momentum", _opt(nn.optim.SGD, lr=0.1, nesterov=True), ValueError, "Nesterov.*momentum > 0"),
    ("nesterov with dampening", _opt(nn.optim.SGD, lr=0.1, momentum=0.9, dampening=0.1, nesterov=True), ValueError,
     "dampening = 0"),
    ("beta2 is 1", _opt(nn.optim.Adam, betas=(0.9, 1.0)), ValueError, r"betas\[1\] must be in \[0, 1\), got 1.0"),
    ("beta1 negative", _opt(nn.optim.AdamW, betas=(-0.1, 0.9)), ValueError, r"betas\[0\]"),
    ("betas three", _opt(nn.optim.Adam, betas=(0.9, 0.99, 0.9)), ValueError, r"betas must be a pair"),
    ("eps zero", _opt(nn.optim.Adam, eps=0.0), ValueError, "eps must be finite and > 0"),
    ("eps negative", _opt(nn.optim.RMSprop, eps=-1e-8), ValueError, "eps must be finite and > 0"),
    ("adam weight decay", _opt(nn.optim.Adam, weight_decay=-0.1), ValueError, "weight_decay"),
    ("rmsprop alpha", _opt(nn.optim.RMSprop, alpha=1.0), ValueError, r"alpha must be in \[0, 1\)"),
    ("rmsprop momentum", _opt(nn.optim.RMSprop, momentum=-1.0), ValueError, "momentum"),
    ("adagrad lr decay", _opt(nn.optim.Adagrad, lr_decay=-1.0), ValueError, "lr_decay"),
    ("adagrad accumulator", _opt(nn.optim.Adagrad, initial_accumulator_value=-1.0), ValueError,
     "initial_accumulator_value"),
    ("empty params", lambda: nn.optim.SGD([], lr=0.1), ValueError, "empty parameter list"),
    ("empty group", lambda: nn.optim.SGD([{"params": []}], lr=0.1), ValueError, "empty parameter list"),
    ("group without params", lambda: nn.optim.SGD([{"lr": 0.1}], lr=0.1), ValueError, "'params'"),
    ("parameter twice", lambda: (lambda p: nn.optim.SGD([p, p], lr=0.1))(_p(2)), ValueError, "parameter 1.*twice"),
    ("parameter in two groups", lambda: (lambda p: nn.optim.SGD([{"params": [p]}, {"params": [p]}], lr=0.1))(_p(2)),
     ValueError, "twice"),
    ("single tensor", lambda: nn.optim.SGD(_p(2), lr=0.1), TypeError, "single Tensor"),
    ("a set", lambda: nn.optim.SGD({_p(2)}, lr=0.1), TypeError, "not a set"),
    ("an array", lambda: nn.optim.SGD([np.ones(2)], lr=0.1), TypeError, "parameter 0 is a ndarray"),
    ("non-leaf", _non_leaf, ValueError, "non-leaf"),
    ("unknown group key", lambda: nn.optim.SGD([{"params": [_p(2)], "betas": 1}], lr=0.1), TypeError,
     "no hyper-parameter 'betas'"),
    ("set lr nan", _set_lr(float("nan")), ValueError, "lr must be finite"),
    ("optimizer state not a dict", _opt_load([]), ValueError, "'state' and 'param_groups'"),
    ("optimizer state groups", _opt_load({"state": {}, "param_groups": []}), ValueError, "0 parameter groups"),
    ("optimizer state params", _opt_load({"state": {}, "param_groups": [{"params": [0, 1]}]}), ValueError,
     "holds 2 parameters"),
    ("optimizer state shape", _opt_load({"state": {0: {"step": 1, "exp_avg": np.ones(3), "exp_avg_sq": np.ones(2)}},
                                         "param_groups": [{"params": [0], "lr": 0.1}]}), ValueError,
     r"'exp_avg' has shape \(3,\).*\(2,\)"),
    ("optimizer state unknown index", _opt_load({"state": {5: {}}, "param_groups": [{"params": [0]}]}), ValueError,
     "parameter 5"),
    # schedulers and clipping
    ("steplr step size", lambda: nn.optim.StepLR(nn.optim.SGD([_p(2)], lr=0.1), step_size=0), ValueError,
     "step_size must be a positive integer"),
    ("steplr gamma", lambda: nn.optim.StepLR(nn.optim.SGD([_p(2)], lr=0.1), 2, gamma=-0.5), ValueError, "gamma"),
    ("exponential gamma nan", lambda: nn.optim.ExponentialLR(nn.optim.SGD([_p(2)], lr=0.1), float("nan")),
     ValueError, "gamma"),
    ("cosine t max", lambda: nn.optim.CosineAnnealingLR(nn.optim.SGD([_p(2)], lr=0.1), T_max=0), ValueError,
     "T_max must be a positive integer"),
    ("lambdalr count", lambda: nn.optim.LambdaLR(nn.optim.SGD([_p(2)], lr=0.1), [lambda e: 1, lambda e: 1]),
     ValueError, "expected 1 lr_lambdas"),
    ("lambdalr not callable", lambda: nn.optim.LambdaLR(nn.optim.SGD([_p(2)], lr=0.1), 0.5), TypeError, "function"),
    ("lambdalr negative rate", _lambda_lr_negative, ValueError, r"LambdaLR \(group 0, epoch 0\): lr must be"),
    ("scheduler without optimizer", lambda: nn.optim.StepLR("sgd", 2), TypeError, "needs an nn.optim optimizer"),
    ("clip max norm", lambda: nn.utils.clip_grad_norm_([_p(2)], float("nan")), ValueError, "max_norm"),
    ("clip norm type", lambda: nn.utils.clip_grad_norm_([_p(2)], 1.0, norm_type=0), ValueError, "norm_type"),
    ("clip value", lambda: nn.utils.clip_grad_value_([_p(2)], -1.0), ValueError, "clip_value"),
    ("clip non-finite", _clip_nonfinite, RuntimeError, "total norm.*inf"),
    # data
    ("batch size zero", lambda: nn.DataLoader(np.ones(3), batch_size=0), ValueError, "batch_size must be a positive"),
    ("batch size positional", lambda: nn.DataLoader(np.ones(3), 32), TypeError, "by name"),
    ("arrays differ", lambda: nn.DataLoader(np.ones(3), np.ones(4)), ValueError, r"differ in length: \[3, 4\]"),
    ("0-d array", lambda: nn.DataLoader(np.array(1.0)), ValueError, "differ in length"),
    ("tensors in a tuple", lambda: nn.DataLoader((Tensor(np.ones(3)),)), TypeError, "TensorDataset"),
    ("not a dataset", lambda: nn.DataLoader(42), TypeError, "expects a Dataset.*int"),
    ("generator type", lambda: nn.DataLoader(np.ones(3), generator=3), TypeError, "numpy.random.Generator"),
    ("generator and seed", lambda: nn.DataLoader(np.ones(3), seed=1, generator=np.random.default_rng(1)), ValueError,
     "not both"),
    ("tensor dataset lengths", lambda: nn.data.TensorDataset(np.ones(3), np.ones(4)), ValueError, "same first axis"),
    ("tensor dataset empty", lambda: nn.data.TensorDataset(), ValueError, "at least one"),
]


@pytest.mark.parametrize("make, error, match", [c[1:] for c in MISUSE], ids=[c[0] for c in MISUSE])
def test_nn_misuse_is_a_clear_error(make, error, match):
    with pytest.raises(error, match=match):
        make()


# ----------------------------------------------------------------------------- files

def _npy(shape, descr="<f8", payload=None):
    header = io.BytesIO()
    np.lib.format.write_array_header_1_0(header, {"descr": descr, "fortran_order": False, "shape": shape})
    data = np.zeros(shape).tobytes() if payload is None else payload
    return header.getvalue() + data  # the header starts with the magic string


def _zip(path, members):
    with zipfile.ZipFile(path, "w") as z:
        for name, data in members.items():
            z.writestr(name, data)


def _json_doc(**changes):
    doc = {"format": "autograd-nn-state", "model": "Linear",
           "parameters": {"weight": {"shape": [2, 3], "dtype": "float64", "data": np.zeros((2, 3)).tolist()},
                          "bias": {"shape": [2], "dtype": "float64", "data": [0.0, 0.0]}}}
    for key, value in changes.items():
        name, field = key.split("__")
        if field == "drop":
            del doc["parameters"][name]["shape"]
        else:
            doc["parameters"][name][field] = value
    return json.dumps(doc)


def _write(name, content):
    def make(tmp):
        path = tmp / name
        if isinstance(content, bytes):
            path.write_bytes(content)
        elif isinstance(content, str):
            path.write_text(content)
        else:
            content(path)
        return path
    return make


def _truncated(path):
    nn.Linear(3, 2).save(path.with_name("full.npz"))
    data = path.with_name("full.npz").read_bytes()
    path.write_bytes(data[: len(data) // 2])


FILES = [
    ("text named npz", _write("m.npz", "hello, I am text\n"), "m.npz: not a .npz archive"),
    ("empty npz", _write("m.npz", b""), "m.npz: not a .npz archive"),
    ("truncated npz", _write("m.npz", _truncated), "m.npz: not a .npz archive.*truncated"),
    ("forged huge header", _write("m.npz", lambda p: _zip(p, {"weight.npy": _npy((100000, 100000), payload=b""),
                                                              "bias.npy": _npy((2,))})),
     r"array 'weight' has shape \(100000, 100000\), the model expects \(2, 3\)"),
    ("forged short data", _write("m.npz", lambda p: _zip(p, {"weight.npy": _npy((2, 3), payload=b"\0" * 8),
                                                             "bias.npy": _npy((2,))})),
     r"array 'weight'.*48 bytes.*holds 8 bytes \(truncated or forged\)"),
    ("damaged header", _write("m.npz", lambda p: _zip(p, {"weight.npy": b"\x93NUMPY\x01\x00garbage",
                                                          "bias.npy": _npy((2,))})),
     "array 'weight' has a damaged header"),
    ("not npy magic", _write("m.npz", lambda p: _zip(p, {"weight.npy": b"PK not an array", "bias.npy": _npy((2,))})),
     "array 'weight' has a damaged header"),
    ("object dtype", _write("m.npz", lambda p: np.savez(p, weight=np.array([None] * 6, dtype=object).reshape(2, 3),
                                                        bias=np.ones(2))),
     "array 'weight' has dtype object.*nothing is unpickled"),
    ("int dtype", _write("m.npz", lambda p: np.savez(p, weight=np.ones((2, 3), int), bias=np.ones(2))),
     "array 'weight' has dtype int64, the model expects float64"),
    ("complex dtype", _write("m.npz", lambda p: np.savez(p, weight=np.ones((2, 3), complex), bias=np.ones(2))),
     "dtype complex128; only numbers"),
    ("wrong shape", _write("m.npz", lambda p: np.savez(p, weight=np.ones((3, 2)), bias=np.ones(2))),
     r"array 'weight' has shape \(3, 2\), the model expects \(2, 3\)"),
    ("missing array", _write("m.npz", lambda p: np.savez(p, weight=np.ones((2, 3)))), "missing bias"),
    ("extra array", _write("m.npz", lambda p: np.savez(p, weight=np.ones((2, 3)), bias=np.ones(2), w2=np.ones(1))),
     "unexpected w2"),
    ("non-npy member", _write("m.npz", lambda p: _zip(p, {"weight.npy": _npy((2, 3)), "bias.npy": _npy((2,)),
                                                          "evil.pkl": b"x"})), "unexpected member 'evil.pkl'"),
    ("bad json", _write("m.json", "{oops"), "m.json: not valid JSON"),
    ("binary json", _write("m.json", b"\xff\xfe\x00\x01"), "m.json: not a text file"),
    ("json not ours", _write("m.json", json.dumps({"weights": [1, 2]})), "not a state file written by Module.save"),
    ("json list", _write("m.json", "[1, 2, 3]"), "not a state file written by Module.save"),
    ("json ragged", _write("m.json", _json_doc(weight__data=[[1, 2], [3]])), "entry 'weight'.*not numbers"),
    ("json data shape", _write("m.json", _json_doc(bias__data=[1.0, 2.0, 3.0])),
     r"entry 'bias'.*shape \(3,\).*says \(2,\)"),
    ("json huge shape", _write("m.json", _json_doc(weight__shape=[100000, 100000])),
     r"array 'weight' has shape \(100000, 100000\)"),
    ("json object dtype", _write("m.json", _json_doc(weight__dtype="object")), "dtype object"),
    ("json unknown dtype", _write("m.json", _json_doc(weight__dtype="banana")), "entry 'weight' needs.*dtype"),
    ("json no shape", _write("m.json", _json_doc(weight__drop=True)), "entry 'weight' needs a \"shape\""),
    ("json strings", _write("m.json", _json_doc(bias__data=["a", "b"])), "entry 'bias'.*not numbers"),
    ("other suffix", _write("m.txt", "x"), "expected a .npz or .json state file"),
]


@pytest.mark.parametrize("make, match", [c[1:] for c in FILES], ids=[c[0] for c in FILES])
def test_bad_state_files_name_the_file_and_the_fault(tmp_path, make, match):
    path = make(tmp_path)
    with pytest.raises(nn.io.StateFileError, match=match) as info:
        nn.Linear(3, 2).load(path)
    assert str(path) in str(info.value) and "pickle" not in str(info.value).replace("unpickled", "")


def test_missing_file_and_bad_save_name(tmp_path):
    with pytest.raises(FileNotFoundError, match="no state file at .*absent.npz"):
        nn.Linear(3, 2).load(tmp_path / "absent.npz")
    with pytest.raises(ValueError, match="use a .npz or .json file name, got 'm.pt'"):
        nn.Linear(3, 2).save(tmp_path / "m.pt")
    assert list(tmp_path.iterdir()) == []
