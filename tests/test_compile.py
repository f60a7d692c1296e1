"""`autograd.compile`: the generated program against the eager engine, op by op and on whole training steps.

Every comparison runs the same function eagerly and compiled on three calls with
different values (the trace, the checking call, and a plain program call), and
asserts equal outputs and gradients: to 1e-12 in float64, 1e-5 in float32.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

import autograd as ag
import nn
from autograd import Tensor
from autograd.compiler import CompileError, Compiled
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
    "neg": (lambda x: -x, "any"), "exp": (lambda x: x.exp(), "any"), "log": (lambda x: x.log(), "pos"),
    "sqrt": (lambda x: x.sqrt(), "pos"), "abs": (lambda x: x.abs(), "distinct"), "relu": (lambda x: x.relu(), "any"),
    "sigmoid": (lambda x: x.sigmoid(), "any"), "tanh": (lambda x: x.tanh(), "any"),
    "softplus": (lambda x: ag.nn.functional.softplus(x), "any"), "clip": (lambda x: x.clamp(-0.5, 0.7), "any"),
    "clip_lo": (lambda x: x.clamp(min=-0.5), "any"), "sin": (lambda x: x.sin(), "any"), "cos": (lambda x: x.cos(), "any"),
    "exp2": (lambda x: ag.ops.exp2(x), "any"), "log2": (lambda x: ag.ops.log2(x), "pos"),
    "log1p": (lambda x: ag.ops.log1p(x), "pos"), "expm1": (lambda x: ag.ops.expm1(x), "any"),
    "round": (lambda x: x.round() + x, "any"), "floor": (lambda x: x.floor() + x, "any"),
    "ceil": (lambda x: x.ceil() + x, "any"), "sign": (lambda x: x.sign() + x, "any"),
    "square": (lambda x: x ** 2, "any"), "cube": (lambda x: x ** 3, "any"), "pow_half": (lambda x: x ** 0.5, "pos"),
    "pow_0": (lambda x: x ** 0 + x, "any"), "pow_1": (lambda x: x ** 1, "any"),
    "sum": (lambda x: x.sum(), "any"), "sum_dim": (lambda x: x.sum(dim=-1), "any"),
    "sum_keepdim": (lambda x: x.sum(dim=0, keepdim=True), "any"), "mean": (lambda x: x.mean(dim=1), "any"),
    "mean_all": (lambda x: x.mean(), "any"), "max": (lambda x: x.amax(dim=1), "distinct"),
    "min_all": (lambda x: x.amin(), "distinct"), "prod": (lambda x: x.prod(dim=1), "pos"),
    "logsumexp": (lambda x: x.logsumexp(dim=1), "any"), "norm": (lambda x: x.norm(dim=1), "any"),
    "cumsum": (lambda x: x.cumsum(dim=1), "any"), "reshape": (lambda x: x.reshape(-1) * 2.0, "any"),
    "transpose": (lambda x: x.T * 2.0, "any"), "permute": (lambda x: x.reshape(2, 3, 2).permute(2, 0, 1) * 2.0, "any"),
    "expand": (lambda x: x[:1].expand(4, 3) * 2.0, "any"), "getitem": (lambda x: x[1:, ::2] * 2.0, "any"),
    "getitem_int": (lambda x: x[1] * 2.0, "any"), "take": (lambda x: x[np.array([0, 2, 2])] * 2.0, "any"),
    "take_cols": (lambda x: x[:, np.array([1, 1, 0])] * 2.0, "any"), "cast": (lambda x: x.float().double() * 2.0, "any"),
    "clone": (lambda x: x.clone() * 2.0, "any"), "repeat": (lambda x: x.repeat(2, 1) * 2.0, "any"),
    "softmax": (lambda x: x.softmax(dim=-1), "any"), "softmax_0": (lambda x: x.softmax(dim=0), "any"),
    "log_softmax": (lambda x: x.log_softmax(dim=-1), "any"),
    "cross_entropy_probs": (lambda x: ag.cross_entropy(x, np.full((4, 3), 1 / 3)), "any"),
    "cross_entropy_none": (lambda x: ag.cross_entropy(x, np.array([0, 2, 1, 1]), reduction="none"), "any"),
    "cross_entropy_sum": (lambda x: ag.cross_entropy(x, np.array([0, 2, 1, 1]), reduction="sum"), "any"),
    "cross_entropy_1d": (lambda x: ag.cross_entropy(x[0], np.array(2)), "any"),
    "flip": (lambda x: x.flip(0) * 2.0, "any"), "unsqueeze": (lambda x: x.unsqueeze(1) * 2.0, "any"),
}

BINARY = {  # name: (f, kind a, kind b, shape b)  (a is (4, 3))
    "add": (lambda a, b: a + b, "any", "any", (3,)), "sub": (lambda a, b: a - b, "any", "any", (4, 1)),
    "mul": (lambda a, b: a * b, "any", "any", (4, 3)), "div": (lambda a, b: a / b, "any", "pos", (3,)),
    "pow": (lambda a, b: a ** b, "pos", "any", (4, 3)), "maximum": (lambda a, b: ag.maximum(a, b), "distinct", "distinct", (4, 3)),
    "minimum": (lambda a, b: ag.minimum(a, b), "distinct", "distinct", (3,)),
    "matmul": (lambda a, b: a @ b, "any", "any", (3, 5)), "matmul_vec": (lambda a, b: a @ b, "any", "any", (3,)),
    "vec_matmul": (lambda a, b: a[0] @ b, "any", "any", (3, 5)), "dot": (lambda a, b: a[0] @ b, "any", "any", (3,)),
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
    "tanh": lambda x: x.tanh(), "sigmoid": lambda x: x.sigmoid(), "relu": lambda x: x.relu() + x * 0.1,
    "softplus": lambda x: ag.nn.functional.softplus(x), "exp": lambda x: x.tanh().exp(), "abs": lambda x: x.abs(),
    "log": lambda x: (x * x + 1.0).log(), "square": lambda x: x ** 2, "neg": lambda x: -x,
    "scale": lambda x: x * 0.5 - 1.0, "sum_keep": lambda x: x.sum(dim=-1, keepdim=True) if x.ndim else x,
    "mean0": lambda x: x.mean(dim=0, keepdim=True) if x.ndim else x, "T": lambda x: x.T if x.ndim == 2 else x,
    "softmax": lambda x: x.softmax(dim=-1) if x.ndim else x, "clone": lambda x: x.clone(),
}
GRAPH_BINARY = {
    "add": lambda a, b: a + b, "sub": lambda a, b: a - b, "mul": lambda a, b: a * b,
    "div": lambda a, b: a / (b * b + 1.0), "maximum": lambda a, b: ag.maximum(a, b + 0.01),
    "minimum": lambda a, b: ag.minimum(a, b - 0.01),
}


@st.composite
def graphs(draw):
    """A random program over a pool of tensors: each step applies an op to earlier values (reused freely)."""
    steps = []
    pool = 4                                     # three arguments and one closed-over tensor
    for _ in range(draw(st.integers(2, 9))):
        kind = draw(st.sampled_from(["unary", "binary", "binary", "cat", "stack"]))
        if kind == "unary":
            steps.append(("unary", draw(st.sampled_from(sorted(GRAPH_UNARY))), draw(st.integers(0, pool - 1))))
        elif kind == "binary":
            steps.append(("binary", draw(st.sampled_from(sorted(GRAPH_BINARY))),
                          draw(st.integers(0, pool - 1)), draw(st.integers(0, pool - 1))))
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
    try:                                         # shapes that do not broadcast: not a graph
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
