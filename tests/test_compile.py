"""`autograd.compile`: the generated program against the eager engine, op by op and on whole training steps.

Every comparison runs the same function eagerly and compiled on three calls with
different values (the trace, the checking call, and a plain program call), and
asserts equal outputs and gradients: to 1e-12 in float64, 1e-5 in float32.
"""

from __future__ import annotations

import math
import re
from pathlib import Path

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

import autograd as ag
import nn
from autograd import Tensor
from autograd.compiler import CompileError
from autograd.compiler.rules import CALLS_ITS_OWN_VJP, RULES

TOL = {np.float64: 1e-12, np.float32: 1e-5}


def data(shape, seed, kind="any", dtype=np.float64):
    rng = np.random.default_rng(seed)
    n = math.prod(shape)
    if kind == "pos":
        a = rng.uniform(0.3, 2.5, size=shape)
    elif kind == "distinct":
        a = ((rng.permutation(n) - n / 2) * 0.25 + rng.uniform(0, 0.05, size=n)).reshape(shape)
    elif kind == "unit":
        a = rng.uniform(-0.9, 0.9, size=shape)
    else:
        a = rng.uniform(-2.0, 2.0, size=shape)
    return np.asarray(a, dtype=dtype)


def assert_close(a, b, dtype, what):
    a, b = np.asarray(a), np.asarray(b)
    assert a.shape == b.shape, f"{what}: shapes {a.shape} and {b.shape}"
    assert a.dtype == b.dtype, f"{what}: dtypes {a.dtype} and {b.dtype}"
    tol = TOL[np.dtype(dtype).type]
    np.testing.assert_allclose(a, b, rtol=tol, atol=tol, err_msg=what)


def compare(f, inputs, kinds=None, dtype=np.float64, calls=3, seed=0):
    """f(*tensors) → tensor, eager and compiled on `calls` draws of inputs of the given shapes; the loss
    is ⟨v, f⟩ with a fixed random v, backward to every input (the inputs are the leaves)."""
    kinds = kinds or ["any"] * len(inputs)

    def step(*xs):
        y = f(*xs)
        v = np.random.default_rng(99).uniform(0.5, 1.5, y.shape).astype(y.dtype)
        (y * v).sum().backward()
        return y

    compiled = ag.compile(step)
    for call in range(calls):
        arrays = [data(s, seed + 10 * call + k, kind, dtype) for k, (s, kind) in enumerate(zip(inputs, kinds))]
        eager_xs = [Tensor(a, requires_grad=True) for a in arrays]
        comp_xs = [Tensor(a, requires_grad=True) for a in arrays]
        ye = step(*eager_xs)
        yc = compiled(*comp_xs)
        assert_close(ye.numpy(), yc.numpy(), dtype, f"output, call {call}")
        for k, (e, c) in enumerate(zip(eager_xs, comp_xs)):
            assert_close(e.grad.numpy(), c.grad.numpy(), dtype, f"∂/∂input {k}, call {call}")
    assert compiled.traces == 1
    assert not compiled.last.fallbacks, f"ops written as calls of their own functions: {compiled.last.fallbacks}"
    return compiled


# ----------------------------------------------------------------------------- every op

UNARY = {  # name: (f, input kind)
    "neg": (lambda x: -x, "any"),
    "exp": (lambda x: x.exp(), "any"),
    "log": (lambda x: x.log(), "pos"),
    "sqrt": (lambda x: x.sqrt(), "pos"),
    "abs": (lambda x: x.abs(), "distinct"),
    "relu": (lambda x: x.relu(), "any"),
    "sigmoid": (lambda x: x.sigmoid(), "any"),
    "tanh": (lambda x: x.tanh(), "any"),
    "softplus": (lambda x: ag.nn.functional.softplus(x), "any"),
    "clip": (lambda x: x.clamp(-0.5, 0.7), "any"),
    "clip_lo": (lambda x: x.clamp(min=-0.5), "any"),
    "sin": (lambda x: x.sin(), "any"),
    "cos": (lambda x: x.cos(), "any"),
    "exp2": (lambda x: ag.ops.exp2(x), "any"),
    "log2": (lambda x: ag.ops.log2(x), "pos"),
    "log1p": (lambda x: ag.ops.log1p(x), "pos"),
    "expm1": (lambda x: ag.ops.expm1(x), "any"),
    "round": (lambda x: x.round() + x, "any"),
    "floor": (lambda x: x.floor() + x, "any"),
    "ceil": (lambda x: x.ceil() + x, "any"),
    "sign": (lambda x: x.sign() + x, "any"),
    "square": (lambda x: x**2, "any"),
    "cube": (lambda x: x**3, "any"),
    "pow_half": (lambda x: x**0.5, "pos"),
    "pow_0": (lambda x: x**0 + x, "any"),
    "pow_1": (lambda x: x**1, "any"),
    "sum": (lambda x: x.sum(), "any"),
    "sum_dim": (lambda x: x.sum(dim=-1), "any"),
    "sum_keepdim": (lambda x: x.sum(dim=0, keepdim=True), "any"),
    "mean": (lambda x: x.mean(dim=1), "any"),
    "mean_all": (lambda x: x.mean(), "any"),
    "max": (lambda x: x.amax(dim=1), "distinct"),
    "min_all": (lambda x: x.amin(), "distinct"),
    "prod": (lambda x: x.prod(dim=1), "pos"),
    "logsumexp": (lambda x: x.logsumexp(dim=1), "any"),
    "norm": (lambda x: x.norm(dim=1), "any"),
    "cumsum": (lambda x: x.cumsum(dim=1), "any"),
    "reshape": (lambda x: x.reshape(-1) * 2.0, "any"),
    "transpose": (lambda x: x.T * 2.0, "any"),
    "permute": (lambda x: x.reshape(2, 3, 2).permute(2, 0, 1) * 2.0, "any"),
    "expand": (lambda x: x[:1].expand(4, 3) * 2.0, "any"),
    "getitem": (lambda x: x[1:, ::2] * 2.0, "any"),
    "getitem_int": (lambda x: x[1] * 2.0, "any"),
    "take": (lambda x: x[np.array([0, 2, 2])] * 2.0, "any"),
    "take_cols": (lambda x: x[:, np.array([1, 1, 0])] * 2.0, "any"),
    "cast": (lambda x: x.float().double() * 2.0, "any"),
    "clone": (lambda x: x.clone() * 2.0, "any"),
    "repeat": (lambda x: x.repeat(2, 1) * 2.0, "any"),
    "softmax": (lambda x: x.softmax(dim=-1), "any"),
    "softmax_0": (lambda x: x.softmax(dim=0), "any"),
    "log_softmax": (lambda x: x.log_softmax(dim=-1), "any"),
    "cross_entropy_probs": (lambda x: ag.cross_entropy(x, np.full((4, 3), 1 / 3)), "any"),
    "cross_entropy_none": (lambda x: ag.cross_entropy(x, np.array([0, 2, 1, 1]), reduction="none"), "any"),
    "cross_entropy_sum": (lambda x: ag.cross_entropy(x, np.array([0, 2, 1, 1]), reduction="sum"), "any"),
    "cross_entropy_1d": (lambda x: ag.cross_entropy(x[0], np.array(2)), "any"),
    "flip": (lambda x: x.flip(0) * 2.0, "any"),
    "unsqueeze": (lambda x: x.unsqueeze(1) * 2.0, "any"),
}

BINARY = {  # name: (f, kind a, kind b, shape b)  (a is (4, 3))
    "add": (lambda a, b: a + b, "any", "any", (3,)),
    "sub": (lambda a, b: a - b, "any", "any", (4, 1)),
    "mul": (lambda a, b: a * b, "any", "any", (4, 3)),
    "div": (lambda a, b: a / b, "any", "pos", (3,)),
    "pow": (lambda a, b: a**b, "pos", "any", (4, 3)),
    "maximum": (lambda a, b: ag.maximum(a, b), "distinct", "distinct", (4, 3)),
    "minimum": (lambda a, b: ag.minimum(a, b), "distinct", "distinct", (3,)),
    "matmul": (lambda a, b: a @ b, "any", "any", (3, 5)),
    "matmul_vec": (lambda a, b: a @ b, "any", "any", (3,)),
    "vec_matmul": (lambda a, b: a[0] @ b, "any", "any", (3, 5)),
    "dot": (lambda a, b: a[0] @ b, "any", "any", (3,)),
    "batched_matmul": (lambda a, b: a.reshape(2, 2, 3) @ b, "any", "any", (2, 3, 5)),
    "row_matmul": (lambda a, b: a[:1] @ b, "any", "any", (3, 5)),
    "cat": (lambda a, b: ag.cat([a, b, a], dim=0), "any", "any", (2, 3)),
    "stack": (lambda a, b: ag.stack([a, b], dim=1), "any", "any", (4, 3)),
    "copy_into": (lambda a, b: a * b.sum(), "any", "any", (2,)),
    "cross_entropy_targets": (lambda a, b: ag.cross_entropy(a, b.softmax(dim=-1)), "any", "any", (4, 3)),
}


@pytest.mark.parametrize("dtype", [np.float64, np.float32], ids=["float64", "float32"])
@pytest.mark.parametrize("name", sorted(UNARY))
def test_unary_ops_match_eager(name, dtype):
    f, kind = UNARY[name]
    compare(f, [(4, 3)], [kind], dtype)


@pytest.mark.parametrize("dtype", [np.float64, np.float32], ids=["float64", "float32"])
@pytest.mark.parametrize("name", sorted(BINARY))
def test_binary_ops_match_eager(name, dtype):
    f, ka, kb, shape_b = BINARY[name]
    compare(f, [(4, 3), shape_b], [ka, kb], dtype)


def test_every_op_of_the_table_has_a_rule():
    """Each primitive of autograd.ops has an entry in the rule table or is one of the few that call their
    own VJP; and none of the op tests above fell back to calling an op's own functions for its forward."""
    names = {f.op.name for f in vars(ag.ops).values() if isinstance(getattr(f, "op", None), ag.engine.Op)}
    names |= {ag.engine.sum_to.op.name, ag.engine.broadcast_to.op.name, ag.engine.cast.op.name}
    missing = sorted(n for n in names if n not in RULES and n not in CALLS_ITS_OWN_VJP)
    assert not missing, f"ops without a compile rule: {missing}"


# ----------------------------------------------------------------------------- random expression graphs

SHAPES = [(3, 4), (4,), (3, 1), (1, 4), ()]
GRAPH_UNARY = {
    "tanh": lambda x: x.tanh(),
    "sigmoid": lambda x: x.sigmoid(),
    "relu": lambda x: x.relu() + x * 0.1,
    "softplus": lambda x: ag.nn.functional.softplus(x),
    "exp": lambda x: x.tanh().exp(),
    "abs": lambda x: x.abs(),
    "log": lambda x: (x * x + 1.0).log(),
    "square": lambda x: x**2,
    "neg": lambda x: -x,
    "scale": lambda x: x * 0.5 - 1.0,
    "sum_keep": lambda x: x.sum(dim=-1, keepdim=True) if x.ndim else x,
    "mean0": lambda x: x.mean(dim=0, keepdim=True) if x.ndim else x,
    "T": lambda x: x.T if x.ndim == 2 else x,
    "softmax": lambda x: x.softmax(dim=-1) if x.ndim else x,
    "clone": lambda x: x.clone(),
}
GRAPH_BINARY = {
    "add": lambda a, b: a + b,
    "sub": lambda a, b: a - b,
    "mul": lambda a, b: a * b,
    "div": lambda a, b: a / (b * b + 1.0),
    "maximum": lambda a, b: ag.maximum(a, b + 0.01),
    "minimum": lambda a, b: ag.minimum(a, b - 0.01),
}


@st.composite
def graphs(draw):
    """A random program over a pool of tensors: each step applies an op to earlier values (reused freely)."""
    steps = []
    pool = 4  # three arguments and one closed-over tensor
    for _ in range(draw(st.integers(2, 9))):
        kind = draw(st.sampled_from(["unary", "binary", "binary", "cat", "stack"]))
        if kind == "unary":
            steps.append(("unary", draw(st.sampled_from(sorted(GRAPH_UNARY))), draw(st.integers(0, pool - 1))))
        elif kind == "binary":
            steps.append(
                (
                    "binary",
                    draw(st.sampled_from(sorted(GRAPH_BINARY))),
                    draw(st.integers(0, pool - 1)),
                    draw(st.integers(0, pool - 1)),
                )
            )
        else:
            steps.append((kind, draw(st.lists(st.integers(0, pool - 1), min_size=1, max_size=3))))
        pool += 1
    return steps


def run_graph(steps, values):
    vals = list(values)
    for step in steps:
        if step[0] == "unary":
            vals.append(GRAPH_UNARY[step[1]](vals[step[2]]))
        elif step[0] == "binary":
            vals.append(GRAPH_BINARY[step[1]](vals[step[2]], vals[step[3]]))
        else:
            parts = [vals[k] for k in step[1]]
            parts = [p.reshape(-1) if step[0] == "cat" else p.sum() for p in parts]
            vals.append(ag.cat(parts) if step[0] == "cat" else ag.stack(parts))
    return sum((v * (k + 1.0)).sum() for k, v in enumerate(vals[-3:]))


@pytest.mark.parametrize("dtype", [np.float64, np.float32], ids=["float64", "float32"])
@settings(max_examples=40, deadline=None)
@given(steps=graphs(), seed=st.integers(0, 2**16))
def test_random_graphs_match_eager(steps, seed, dtype):
    """Random graphs over unary, binary (broadcasting), saves=True (softplus) and variadic (cat, stack) ops,
    with values reused: outputs and gradients of the arguments and of a closed-over tensor equal eager's."""
    shapes = [(3, 4), (4,), (3, 1)]
    w_eager = Tensor(data((1, 4), seed + 7, dtype=dtype), requires_grad=True)
    w_comp = Tensor(w_eager.numpy().copy(), requires_grad=True)

    def make(w):
        def step(a, b, c):
            loss = run_graph(steps, [a, b, c, w])
            loss.backward()
            return loss

        return step

    eager, compiled = make(w_eager), ag.compile(make(w_comp))
    try:  # shapes that do not broadcast: not a graph
        run_graph(steps, [Tensor(data(s, 0, dtype=dtype)) for s in shapes] + [w_eager.detach()])
    except ValueError:
        assume(False)
    for call in range(3):
        arrays = [data(s, seed + 10 * call + k, dtype=dtype) for k, s in enumerate(shapes)]
        xe = [Tensor(a, requires_grad=True) for a in arrays]
        xc = [Tensor(a, requires_grad=True) for a in arrays]
        le, lc = eager(*xe), compiled(*xc)
        assert_close(le.numpy(), lc.numpy(), dtype, f"loss, call {call}")
        for k, (e, c) in enumerate(zip(xe + [w_eager], xc + [w_comp])):
            if e.grad is None:
                assert c.grad is None
            else:
                assert_close(e.grad.numpy(), c.grad.numpy(), dtype, f"∂L/∂input {k}, call {call}")
    assert compiled.traces == 1 and not compiled.last.fallbacks


# ----------------------------------------------------------------------------- training steps of the tasks


def _mlp_pair(sizes, activation, dtype, seed=0):
    nn.manual_seed(seed)
    a = nn.MLP(sizes, activation=activation, dtype=dtype)
    nn.manual_seed(seed)
    b = nn.MLP(sizes, activation=activation, dtype=dtype)
    return a, b


def _train_both(make_step, models, batches, dtype, lr=0.1):
    """The same SGD run eagerly and compiled: losses and every parameter equal after each step."""
    (me, mc), steps = models, (make_step(models[0]), ag.compile(make_step(models[1])))
    opts = [nn.optim.SGD(m.parameters(), lr=lr) for m in models]
    for k, batch in enumerate(batches):
        losses = []
        for step, opt in zip(steps, opts):
            opt.zero_grad()
            losses.append(step(*batch))
            opt.step()
        assert_close(losses[0].numpy(), losses[1].numpy(), dtype, f"loss at step {k}")
        for (name, pe), pc in zip(me.named_parameters(), mc.parameters()):
            assert_close(pe.numpy(), pc.numpy(), dtype, f"{name} after step {k}")
    return steps[1]


@pytest.mark.parametrize("dtype", [np.float64, np.float32], ids=["float64", "float32"])
@pytest.mark.parametrize(
    "sizes,activation,batch",
    [
        ([784, 30, 10], "sigmoid", 16),
        ([784, 30, 10], "sigmoid", 1),
        ([2, 12, 5], "softplus", 50),
        ([2, 3, 2], "sigmoid", 1),
    ],
    ids=["report002-mnist", "report002-batch1", "report001", "report002-q4"],
)
def test_mlp_training_steps_match_eager(sizes, activation, batch, dtype):
    """Reports 001 and 002's networks (nn.MLP + cross-entropy + SGD), at their batch sizes: the compiled
    step trains number for number like the eager one, including a last, smaller batch (a retrace)."""
    rng = np.random.default_rng(1)
    loss_fn = nn.CrossEntropyLoss()

    def make_step(model):
        def step(x, y):
            loss = loss_fn(model(x), y)
            loss.backward()
            return loss

        return step

    batches = [(rng.random((batch, sizes[0])).astype(dtype), rng.integers(0, sizes[-1], batch)) for _ in range(4)]
    batches.append((rng.random((batch + 1, sizes[0])).astype(dtype), rng.integers(0, sizes[-1], batch + 1)))
    compiled = _train_both(make_step, _mlp_pair(sizes, activation, dtype), batches, dtype)
    assert compiled.traces == 2 and len(compiled.cache) == 2


@pytest.mark.parametrize("dtype", [np.float64, np.float32], ids=["float64", "float32"])
def test_embedding_network_training_step_matches_eager(dtype):
    """Report 003's next-word network (Embedding shared by three positions → sigmoid → 250 logits): the
    indices are an argument, so each call's own rows are looked up (and their gradients added up)."""
    from tasks.next_word import NextWordModel

    def make_step(model):
        def step(words, target):
            loss = nn.CrossEntropyLoss()(model(words), target)
            loss.backward()
            return loss

        return step

    nn.manual_seed(3)
    me = NextWordModel(vocab_size=40, embed_dim=4, hidden=8, dtype=dtype)
    nn.manual_seed(3)
    mc = NextWordModel(vocab_size=40, embed_dim=4, hidden=8, dtype=dtype)
    rng = np.random.default_rng(2)
    batches = [(rng.integers(0, 40, (6, 3)), rng.integers(0, 40, 6)) for _ in range(4)]
    batches[1][0][0] = [5, 5, 5]  # a row used three times in one example
    _train_both(make_step, (me, mc), batches, dtype)


def test_report_000_graph_steps_match_the_closed_forms():
    """relu_mse's graph, compiled, gives eqs. 8–12 on both branches of ReLU and at a = 0 (eq. 7)."""
    x, m, b, t = (Tensor(v, requires_grad=True) for v in (2.0, 3.0, 1.0, 4.0))

    @ag.compile
    def step():
        loss = ((x * m + b).relu() - t) ** 2
        loss.backward()
        return loss

    for bias in (1.0, -13.0, -6.0):  # a = 7, a = −7, a = 0
        with ag.no_grad():
            b.copy_(Tensor(bias))
        for p in (x, m, b, t):
            p.grad = None
        loss = step()
        a = 2.0 * 3.0 + bias
        d = 2 * (max(a, 0.0) - 4.0)
        on = 1.0 if a > 0 else 0.0
        assert loss.item() == (max(a, 0.0) - 4.0) ** 2
        assert (x.grad.item(), m.grad.item(), b.grad.item(), t.grad.item()) == (on * d * 3.0, on * d * 2.0, on * d, -d)
    assert step.traces == 1


# ----------------------------------------------------------------------------- tracing, caching, checking


def _loss_step(w):
    def step(x):
        loss = (x @ w).tanh().sum()
        loss.backward()
        return loss

    return step


def test_a_new_shape_or_dtype_traces_again_and_the_cache_keeps_a_few():
    w = Tensor(np.ones((3, 2)), requires_grad=True)
    step = ag.compile(_loss_step(w), cache_size=2)
    step(Tensor(np.ones((4, 3))))
    step(Tensor(np.ones((4, 3))) * 2)
    assert step.traces == 1
    step(Tensor(np.ones((5, 3))))  # new shape
    step(Tensor(np.ones((5, 3), dtype=np.float32)))  # new dtype (float32 @ float64 → float64)
    assert step.traces == 3 and len(step.cache) == 2  # the (4, 3) program was dropped: cache of 2
    step(Tensor(np.ones((4, 3))))
    assert step.traces == 4
    x = Tensor(np.ones((5, 3)), requires_grad=True)  # requires_grad is part of the signature
    step(x)
    assert step.traces == 5 and x.grad is not None


def test_closed_over_parameters_are_read_at_call_time():
    """An optimiser's in-place update between calls is seen by the next call (the program reads the
    parameter's array each time), and so is a new array assigned with .data of the same shape."""
    w = Tensor(np.ones((3, 2)), requires_grad=True)
    step = ag.compile(_loss_step(w))
    x = Tensor(np.arange(12.0).reshape(4, 3) / 10)
    for _ in range(4):
        w.grad = None
        loss = step(x)
        expected = np.tanh(x.numpy() @ w.numpy()).sum()
        assert loss.item() == pytest.approx(expected, rel=1e-14)
        with ag.no_grad():
            w -= 0.5 * w.grad
    w.data = np.full((3, 2), 0.25)
    assert step(x).item() == pytest.approx(np.tanh(x.numpy() @ np.full((3, 2), 0.25)).sum(), rel=1e-14)
    assert step.traces == 1
    w.data, w.grad = np.ones((2, 2)), None  # another shape: traced again, not misread
    assert step(Tensor(np.ones((4, 2)))).item() == pytest.approx(np.tanh(np.full((4, 2), 2.0)).sum())
    assert step.traces == 2


MODEL = nn.Linear(3, 2)


def test_rebinding_a_name_the_function_uses_traces_again():
    """The program reads the tensors it found while tracing; when a global or closure name it uses is bound to
    another object (a new model), it traces again instead of reading the old model's parameters."""
    global MODEL

    @ag.compile
    def step(x):
        loss = MODEL(x).sum()
        loss.backward()
        return loss

    x = Tensor(np.ones((4, 3)))
    first = MODEL
    step(x)
    MODEL = nn.Linear(3, 2)
    step(x)
    assert step.traces == 2 and MODEL.weight.grad is not None and first.weight.grad is not None
    np.testing.assert_allclose(MODEL.weight.grad.numpy(), np.full((2, 3), 4.0))


def test_gradients_accumulate_across_calls_without_zero_grad():
    w = Tensor(np.array([[0.5, -1.0], [2.0, 0.1], [0.3, 0.3]]), requires_grad=True)
    we = Tensor(w.numpy().copy(), requires_grad=True)
    step, eager = ag.compile(_loss_step(w)), _loss_step(we)
    for k in range(4):
        x = Tensor(np.random.default_rng(k).normal(size=(4, 3)))
        step(x)
        eager(x)
        np.testing.assert_allclose(w.grad.numpy(), we.grad.numpy(), rtol=1e-13)
    held = w.grad  # a reference to .grad sees the next sum, as eager
    step(x)
    eager(x)
    assert held is w.grad
    np.testing.assert_allclose(held.numpy(), we.grad.numpy(), rtol=1e-13)


def test_zero_grad_inside_the_compiled_function():
    w = Tensor(np.ones((3, 2)), requires_grad=True)
    opt = nn.optim.SGD([w], lr=0.1)

    @ag.compile
    def step(x):
        opt.zero_grad()
        loss = (x @ w).sum()
        loss.backward()
        return loss

    x = Tensor(np.ones((4, 3)))
    for _ in range(3):
        step(x)
        np.testing.assert_array_equal(w.grad.numpy(), np.full((3, 2), 4.0))


@pytest.mark.parametrize(
    "body,what",
    [
        (lambda x, w: float((x * w).sum()), "float"),
        (lambda x, w: (x * w).sum().item(), "item"),
        (lambda x, w: x * w if (x * w).sum() > 1 else x, "bool"),
        (lambda x, w: [v for v in (x * w).sum(dim=0).tolist()], "tolist"),
    ],
)
def test_reading_a_value_while_tracing_names_the_line(body, what):
    w = Tensor(np.ones(3), requires_grad=True)
    step = ag.compile(lambda x: body(x, w))
    with pytest.raises(CompileError, match=r"reads a tensor's value while tracing, at .*test_compile\.py:\d+:"):
        step(Tensor(np.ones(3)))


def test_if_loss_greater_than_one_is_refused_with_its_line():
    w = Tensor(np.ones(3), requires_grad=True)

    @ag.compile
    def step(x):
        loss = (x * w).sum()
        if loss > 1:  # this line is named in the error
            loss = loss * 2
        loss.backward()
        return loss

    with pytest.raises(CompileError, match=r"bool\(tensor\).*test_compile\.py:\d+: if loss > 1:"):
        step(Tensor(np.ones(3)))


@pytest.mark.parametrize(
    "body,match",
    [
        (lambda x, w: (x * w).sum().backward(create_graph=True), "create_graph=True"),
        (lambda x, w: ag.grad((x * w).sum(), [w]), r"autograd.grad\(\)"),
        (lambda x, w: (x * w).sum().backward(inputs=[w]), r"inputs="),
        (lambda x, w: (x * w).register_hook(lambda g: g), r"register_hook"),
        (lambda x, w: (x * w).retain_grad(), r"retain_grad"),
        (lambda x, w: (x * w).add_(1.0), r"in-place"),
        (lambda x, w: setattr(x * w, "data", np.zeros(3)), r"\.data"),
        (lambda x, w: (x * w).sum(), r"requires grad but calls no backward"),
    ],
)
def test_what_cannot_be_compiled_is_a_clear_error(body, match):
    w = Tensor(np.ones(3), requires_grad=True)
    step = ag.compile(lambda x: body(x, w))
    with pytest.raises(CompileError, match=match):
        step(Tensor(np.ones(3)))


def test_a_value_frozen_by_numpy_is_caught_by_the_checking_call():
    """A mask computed from a tensor's values with numpy is a constant of the trace; the call after the
    trace runs eager beside the program and refuses it (no silent wrong answer), and check=True compares
    every call."""
    w = Tensor(np.ones(3), requires_grad=True)

    def step(x):
        mask = ag.from_numpy(x.numpy() > 0)  # numpy on the values: frozen by the trace
        loss = (x * w * mask).sum()
        loss.backward()
        return loss

    compiled = ag.compile(step)
    compiled(Tensor(np.array([1.0, -1.0, 1.0])))
    with pytest.raises(CompileError, match="disagrees with the eager function"):
        compiled(Tensor(np.array([-1.0, 1.0, 1.0])))
    checked = ag.compile(step, check=True)
    for x in ([1.0, -1.0, 1.0], [1.0, -2.0, 3.0], [2.0, -1.0, 1.0]):  # the same mask: fine every time
        checked(Tensor(np.array(x)))
    with pytest.raises(CompileError, match="disagrees"):
        checked(Tensor(np.array([-1.0, 1.0, 1.0])))


def test_results_have_eager_types_and_values():
    w = Tensor(np.ones((3, 2)), requires_grad=True)

    @ag.compile
    def step(x):
        h = x @ w
        loss = h.sum()
        loss.backward()
        return {"loss": loss, "pair": (h, 3), "grad": w.grad, "x": x, "name": "step"}

    x = Tensor(np.ones((4, 3)))
    first = step(x)
    w.grad = None
    out = step(x)
    assert isinstance(out, dict) and set(out) == {"loss", "pair", "grad", "x", "name"}
    assert isinstance(out["loss"], Tensor) and out["loss"].item() == first["loss"].item() == 24.0
    assert isinstance(out["pair"], tuple) and out["pair"][1] == 3
    np.testing.assert_array_equal(out["pair"][0].numpy(), np.full((4, 2), 3.0))
    assert out["grad"] is w.grad and out["x"] is x and out["name"] == "step"


def test_compiled_inside_a_trace_runs_eagerly_and_is_recorded():
    w = Tensor(np.ones(3), requires_grad=True)
    inner = ag.compile(lambda x: x * w)
    with pytest.raises(CompileError):  # a graph tensor out of a compiled function
        inner(Tensor(np.ones(3)))

    @ag.compile
    def outer(x):
        loss = inner(x).sum()
        loss.backward()
        return loss

    outer(Tensor(np.ones(3)))
    outer(Tensor(np.ones(3)))
    np.testing.assert_array_equal(w.grad.numpy(), np.full(3, 2.0))


# ----------------------------------------------------------------------------- the source it writes


def test_report_000_source_reads_as_documented():
    """The README shows this program; a few of its lines, exactly."""
    t = {n: Tensor(v, requires_grad=True, name=n) for n, v in [("x", 2.0), ("m", 3.0), ("b", 1.0), ("y*", 4.0)]}

    @ag.compile
    def step():
        a = t["x"] * t["m"] + t["b"]
        y = a.relu()
        loss = (y - t["y*"]) ** 2
        a.name, y.name, loss.name = "a", "y", "L"
        loss.backward()
        return loss

    step()
    src = step.source
    lines = [line.strip() for line in src.splitlines()]
    assert src.startswith("def step(x, m, b, y_star):")
    for line in [
        "a = x * m + b",
        "y = np.maximum(a, 0.0)",
        "g_L = 1.0",
        "g_a = g_y * (a > 0)",
        "# relu: ∂L/∂a = ∂L/∂y · [a > 0]   (report 000 eq. 7)",
        "g_x = g_a * m",
        "g_m = g_a * x",
        "g_b = g_a",
        "return (L,), (g_y_star, g_b, g_x, g_m)",
    ]:
        assert line in lines, f"{line!r} not in\n{src}"
    assert "Tensor" not in src.split('"""')[2]  # plain numpy: no Tensor, no graph inside
    compile(src, "<test>", "exec")


def test_show_prints_the_source_and_the_report_equations(capsys):
    model = nn.MLP([4, 3, 2], activation="sigmoid")

    @ag.compile
    def step(x, y):
        loss = nn.CrossEntropyLoss()(model(x), y)
        loss.backward()
        return loss

    step(np.ones((5, 4)), np.array([0, 1, 1, 0, 1]))
    step.show()
    out = capsys.readouterr().out
    assert out.startswith(step.source)
    assert "report 002 eq. 1.10" in out and "report 000 eq. 6" in out
    assert "g_W0 = g_linear0.T @ x" in step.source  # ∂L/∂W in W's own (out, in) layout
    with pytest.raises(RuntimeError, match="has not been called"):
        _ = ag.compile(lambda: None).source


def test_the_readme_shows_what_report_000s_program_prints_today(capsys):
    """The README's compile section: its first code block, run, prints exactly its text block."""
    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")
    section = readme.split("<!-- section: compile -->", 1)[1].split("<!-- /section: compile -->", 1)[0]
    code = re.search(r"```python\n(.*?)```", section, re.S).group(1)
    shown = re.search(r"```text\n(.*?)```", section, re.S).group(1)
    exec(compile(code, "README.md (compile)", "exec"), {})
    assert capsys.readouterr().out == shown


def test_grad_reset_inside_the_function_then_backward_is_one_fresh_gradient():
    """`x.grad = None` then backward inside the function: the glue writes one call per leaf, and the
    result is eager's on every call (a hook on the leaf still sees each gradient)."""
    x = Tensor(np.array([1.0, 2.0]), requires_grad=True)
    w = Tensor(np.array([3.0, 4.0]), requires_grad=True)
    seen = []
    w.register_hook(lambda g: seen.append(g))  # (reading its value while tracing is refused)

    @ag.compile
    def step():
        x.grad = w.grad = None
        ((x * w) ** 2).sum().backward()

    for _ in range(3):
        step()
        assert x.grad.tolist() == [18.0, 64.0] and w.grad.tolist() == [6.0, 32.0]
    assert "accumulate_grad(E0, grads[" in step.last.glue and ".grad = None" not in step.last.glue
    assert len(seen) == 3 + 1 and seen[-1].tolist() == [6.0, 32.0]  # (+1: the checking call runs eagerly)
