"""Every op against float64 central differences, over random shapes with broadcasting (hypothesis)."""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import autograd as ag
from autograd import Tensor, gradcheck

dims = st.integers(1, 4)
shapes = st.lists(dims, min_size=0, max_size=3).map(tuple)


@st.composite
def broadcast_pair(draw):
    """Two shapes that broadcast together: some axes of one set to 1 or dropped."""
    full = draw(st.lists(dims, min_size=1, max_size=3).map(tuple))

    def shrink(shape):
        out = [1 if draw(st.booleans()) else s for s in shape]
        drop = draw(st.integers(0, len(out)))
        return tuple(out[drop:])

    return shrink(full), shrink(full)


def tensor(shape, seed, low=-2.0, high=2.0):
    rng = np.random.default_rng(seed)
    return Tensor(rng.uniform(low, high, size=shape), requires_grad=True)


def away_from_kinks(t, points=(0.0,), gap=0.05):
    """Move entries off non-differentiable points (relu at 0, abs at 0, clip edges)."""
    d = t.numpy()  # the shared array: edited in place
    for p in points:
        close = np.abs(d - p) < gap
        d[close] = p + gap * np.sign(d[close] - p + 1e-12) * 2
    return t


BINARY = {
    "add": lambda a, b: a + b,
    "sub": lambda a, b: a - b,
    "mul": lambda a, b: a * b,
    "div": lambda a, b: a / (b * b + 0.5),
    "rsub_scalar": lambda a, b: 3.0 - a * b,
    "maximum": lambda a, b: ag.maximum(a, b),
    "minimum": lambda a, b: ag.minimum(a, b),
    "where": lambda a, b: ag.where(a > 0, a, b),
}


@pytest.mark.parametrize("name", sorted(BINARY))
@given(pair=broadcast_pair(), seed=st.integers(0, 2**16))
def test_binary_ops_with_broadcasting(name, pair, seed):
    a, b = tensor(pair[0], seed), tensor(pair[1], seed + 1)
    if name in ("maximum", "minimum", "where"):
        b.data += 0.3  # keep entries apart: the kink at a == b has no derivative
    assert gradcheck(BINARY[name], [a, b])


def test_pow_tensor_exponent():
    a, b = tensor((3, 2), 0, 0.5, 2.0), tensor((2,), 1)
    assert gradcheck(lambda a, b: a**b, [a, b])
    assert gradcheck(lambda a: 2.0**a, [tensor((4,), 2)])


UNARY = {
    "neg": (lambda x: -x, None),
    "exp": (lambda x: x.exp(), None),
    "log": (lambda x: x.log(), "positive"),
    "sqrt": (lambda x: x.sqrt(), "positive"),
    "abs": (lambda x: x.abs(), (0.0,)),
    "relu": (lambda x: x.relu(), (0.0,)),
    "sigmoid": (lambda x: x.sigmoid(), None),
    "tanh": (lambda x: x.tanh(), None),
    "softplus": (lambda x: x.softplus(), None),
    "clip": (lambda x: x.clip(-0.5, 0.7), (-0.5, 0.7)),
    "square": (lambda x: x**2, None),
    "cube": (lambda x: x**3, None),
    "pow_fraction": (lambda x: x**1.5, "positive"),
    "pow_negative": (lambda x: x**-2, "positive"),
    "rdiv": (lambda x: 1.0 / (x * x + 1.0), None),
    "sum": (lambda x: x.sum(), None),
    "mean": (lambda x: x.mean(), None),
    "max": (lambda x: x.max(), "distinct"),
    "min": (lambda x: x.min(), "distinct"),
    "transpose": (lambda x: x.T * Tensor(np.arange(x.numel()).reshape(x.T.shape) + 1.0), None),
    "reshape": (lambda x: x.reshape(-1) * Tensor(np.arange(x.numel()) + 1.0), None),
    "softmax": (lambda x: ag.softmax(x, axis=-1) if x.ndim else x, None),
    "log_softmax": (lambda x: ag.log_softmax(x, axis=-1) if x.ndim else x, None),
}


@pytest.mark.parametrize("name", sorted(UNARY))
@given(shape=shapes, seed=st.integers(0, 2**16))
def test_unary_ops(name, shape, seed):
    fn, domain = UNARY[name]
    x = tensor(shape, seed, *((0.2, 3.0) if domain == "positive" else (-2.0, 2.0)))
    if isinstance(domain, tuple):
        away_from_kinks(x, domain)
    if domain == "distinct":
        x.data += np.arange(x.numel()).reshape(shape) * 0.1 if x.numel() else 0
    assert gradcheck(fn, [x])


@st.composite
def shape_and_axis(draw):
    shape = draw(st.lists(dims, min_size=1, max_size=3).map(tuple))
    axis = draw(st.one_of(st.none(), st.integers(-len(shape), len(shape) - 1)))
    return shape, axis, draw(st.booleans())


@pytest.mark.parametrize("red", ["sum", "mean", "max"])
@given(sak=shape_and_axis(), seed=st.integers(0, 2**16))
def test_reductions_over_axes(red, sak, seed):
    shape, axis, keepdims = sak
    x = tensor(shape, seed)
    x.data += np.arange(x.numel()).reshape(shape) * 0.05  # distinct entries for max
    w = np.random.default_rng(seed).standard_normal(np.sum(x.numpy(), axis=axis, keepdims=keepdims).shape)
    assert gradcheck(lambda x: getattr(x, red)(axis=axis, keepdims=keepdims) * Tensor(w), [x])


@pytest.mark.parametrize("axis", [0, 1, -1])
def test_softmax_family_other_axes(axis):
    x = tensor((3, 4), 7)
    assert gradcheck(lambda x: ag.softmax(x, axis=axis), [x])
    assert gradcheck(lambda x: ag.log_softmax(x, axis=axis), [x])


MATMUL_SHAPES = [
    ((3,), (3,)),
    ((2, 3), (3,)),
    ((3,), (3, 4)),
    ((2, 3), (3, 4)),
    ((5, 2, 3), (3, 4)),
    ((2, 3), (5, 3, 4)),
    ((5, 2, 3), (5, 3, 4)),
    ((3,), (5, 3, 4)),
    ((5, 2, 3), (3,)),
    ((1, 2, 3), (4, 3, 2)),
]


@pytest.mark.parametrize("sa,sb", MATMUL_SHAPES)
def test_matmul_shapes(sa, sb):
    assert gradcheck(lambda a, b: a @ b, [tensor(sa, 1), tensor(sb, 2)])


@given(shape=st.lists(dims, min_size=1, max_size=3).map(tuple), seed=st.integers(0, 2**16))
def test_indexing(shape, seed):
    x = tensor(shape, seed)
    rng = np.random.default_rng(seed)
    idx = rng.integers(0, shape[0], size=5)  # repeated indices must accumulate
    w = Tensor(rng.standard_normal((5,) + shape[1:]))
    assert gradcheck(lambda x: x[idx] * w, [x])
    assert gradcheck(lambda x: x[: max(1, shape[0] // 2)], [x])
    assert gradcheck(lambda x: x[..., -1], [x])


def test_fancy_indexing_rows_and_columns():
    x = tensor((4, 3), 0)
    rows, cols = np.array([0, 1, 1, 3]), np.array([2, 0, 0, 1])
    assert gradcheck(lambda x: x[rows, cols], [x])
    assert gradcheck(lambda x: x[x.numpy() > 0], [x])
    assert gradcheck(lambda x: x[x.detach() > 0], [x])  # a boolean Tensor mask


@pytest.mark.parametrize("axis", [0, 1, -1])
def test_concatenate_and_stack(axis):
    a, b, c = tensor((2, 3), 0), tensor((2, 3), 1), tensor((2, 3), 2)
    assert gradcheck(lambda a, b, c: ag.concatenate([a, b, c], axis=axis), [a, b, c])
    assert gradcheck(lambda a, b, c: ag.stack([a, b, c], axis=axis), [a, b, c])


def test_broadcast_to_and_sum_to():
    x = tensor((3, 1), 0)
    assert gradcheck(lambda x: ag.broadcast_to(x, shape=(2, 3, 4)), [x])
    y = tensor((2, 3, 4), 1)
    assert gradcheck(lambda y: ag.ops.sum_to(y, shape=(3, 1)), [y])  # the engine's op (was ag.sum_to)
    assert gradcheck(lambda y: y.sum_to_size(3, 1), [y])  # PyTorch's spelling


@given(
    seed=st.integers(0, 2**16),
    weighted=st.booleans(),
    reduction=st.sampled_from(["mean", "sum", "none"]),
    onehot=st.booleans(),
)
def test_cross_entropy(seed, weighted, reduction, onehot):
    rng = np.random.default_rng(seed)
    z = tensor((6, 4), seed)
    y = rng.integers(0, 4, size=6)
    target = np.eye(4)[y] if onehot else y
    w = rng.uniform(0.5, 2.0, size=4) if weighted else None
    assert gradcheck(lambda z: ag.cross_entropy(z, target, weight=w, reduction=reduction), [z])


def test_probability_targets():
    rng = np.random.default_rng(3)
    p = rng.dirichlet(np.ones(5), size=4)
    assert gradcheck(lambda z: ag.cross_entropy(z, p), [tensor((4, 5), 3)])


def test_composite_expression_graph():
    """A small network-shaped graph, node reuse included."""
    x, W, b = tensor((4, 3), 0), tensor((3, 2), 1), tensor((2,), 2)

    def f(x, W, b):
        h = (x @ W + b).tanh()
        return (h * h + h).sigmoid().sum(axis=0) * (x.exp().mean())

    assert gradcheck(f, [x, W, b])
