"""Every op and Tensor method against float64 central differences and, when installed, against PyTorch.

Each case is a function `f(M, *xs)` written once for both libraries: `M` is the
`autograd` module or `torch`, and `F(M)` the functional namespace (`autograd`
itself, or `torch.nn.functional`).  `check` runs it three ways:

* "fd": `gradcheck` of ours against central differences (float64);
* "torch": the same function on torch tensors, values and gradients (with a random
  direction v for non-scalar outputs) compared value for value (skipped without torch);
* "fd2" (second derivatives, a representative subset): `gradcheck` of the gradient
  itself, built with `create_graph=True`, and the same against torch.

Shapes, dims (negative ones included), keepdim and broadcasting are drawn by hypothesis.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import autograd as ag
from autograd import Tensor, gradcheck

try:
    import torch
except ImportError:  # the torch comparisons skip; the finite differences still run
    torch = None

MODES = ["fd", pytest.param("torch", marks=pytest.mark.skipif(torch is None, reason="torch is not installed"))]


def F(M):
    """The functional namespace: autograd itself, or torch.nn.functional."""
    return ag if M is ag else torch.nn.functional


# ----------------------------------------------------------------------------- data


def data(shape, seed, kind="any"):
    """Random float64 inputs: "any" in [-2, 2]; "pos" in [0.2, 3]; "distinct" entries at least 0.2 apart
    (max/min/sort have no derivative at ties); "offgrid" away from multiples of 0.5 (round, floor, ceil, sign)."""
    rng = np.random.default_rng(seed)
    n = math.prod(shape)
    if kind == "pos":
        return rng.uniform(0.2, 3.0, size=shape)
    if kind == "above-1":  # log1p's domain
        return rng.uniform(-0.8, 2.0, size=shape)
    if kind == "distinct":
        return ((rng.permutation(n) - n / 2) * 0.25 + rng.uniform(0, 0.05, size=n)).reshape(shape)
    if kind == "offgrid":
        return rng.integers(-4, 4, size=shape) * 0.5 + rng.uniform(0.05, 0.45, size=shape)
    if kind == "unit":  # away from 0 and from each other in absolute value: norms p=1, inf
        return ((rng.permutation(n) + 1) * 0.2 * rng.choice([-1, 1], size=n)).reshape(shape)
    return rng.uniform(-2.0, 2.0, size=shape)


def away_from(a, points, gap=0.05):
    """Entries moved at least `gap` away from the kinks `points` (relu, abs, clamp edges)."""
    a = a.copy()
    for p in points:
        close = np.abs(a - p) < gap
        a[close] = p + 2 * gap * np.where(a[close] >= p, 1, -1)
    return a


def _torch_grads(ty, txs, v):
    if not ty.requires_grad:
        return [None] * len(txs)
    return torch.autograd.grad(ty, txs, grad_outputs=torch.tensor(v), allow_unused=True)


def _assert_close(ours, theirs, what, rtol=1e-9, atol=1e-11):
    theirs = theirs.detach().numpy() if torch is not None and isinstance(theirs, torch.Tensor) else theirs
    assert ours.shape == theirs.shape, f"{what}: shape {ours.shape}, torch {theirs.shape}"
    np.testing.assert_allclose(ours, theirs, rtol=rtol, atol=atol, err_msg=what)


def check(mode, f, *arrays, seed=0, rtol=1e-9, atol=1e-11):
    """gradcheck of f(ag, *xs) ("fd"), or values and gradients against torch ("torch")."""
    if mode == "fd":
        xs = [Tensor(a.copy(), requires_grad=True) for a in arrays]
        assert gradcheck(lambda *t: f(ag, *t), xs)
        return
    xs = [Tensor(a.copy(), requires_grad=True) for a in arrays]
    txs = [torch.tensor(a.copy(), requires_grad=True) for a in arrays]
    y, ty = f(ag, *xs), f(torch, *txs)
    assert isinstance(y, Tensor) and y.dtype == np.float64
    _assert_close(y.numpy(), ty, "value", rtol, atol)
    v = np.random.default_rng(seed).standard_normal(y.shape)
    gs = ag.grad(y, xs, grad_outputs=v, allow_unused=True) if y.requires_grad else [None] * len(xs)
    for k, (g, tg, a) in enumerate(zip(gs, _torch_grads(ty, txs, v), arrays)):
        _assert_close(
            np.zeros_like(a) if g is None else g.numpy(),
            np.zeros_like(a) if tg is None else tg,
            f"gradient of input {k}",
            rtol,
            atol,
        )


def check2(mode, f, *arrays, seed=0):
    """Second derivatives: the gradient ⟨v, ∂f/∂x⟩ built with create_graph=True, checked like `check`."""
    v = np.random.default_rng(seed + 1).standard_normal(np.shape(f(ag, *[Tensor(a) for a in arrays])))

    def gradient(M, *xs):
        y = f(M, *xs)
        direction = ag.tensor(v) if M is ag else torch.tensor(v)
        gs = (ag.grad if M is ag else torch.autograd.grad)(y, xs, grad_outputs=direction, create_graph=True)
        return M.cat([g.reshape(-1) for g in gs])

    check(mode, gradient, *arrays, seed=seed, rtol=1e-8, atol=1e-10)


small = st.integers(1, 4)
shapes = st.lists(small, min_size=0, max_size=3).map(tuple)  # 0-d included
nonempty_shapes = st.lists(small, min_size=1, max_size=3).map(tuple)  # at least one dim
seeds = st.integers(0, 2**16)


@st.composite
def broadcast_pair(draw):
    """Two shapes that broadcast together: some dims of each set to 1 or dropped."""
    full = draw(st.lists(small, min_size=1, max_size=3).map(tuple))

    def shrink(shape):
        out = [1 if draw(st.booleans()) else s for s in shape]
        return tuple(out[draw(st.integers(0, len(out))) :])

    return shrink(full), shrink(full)


@st.composite
def shape_and_dim(draw, tuples=True, none=True, min_dims=1):
    """A shape, a dim for it (None, an int, negative ones included, or a tuple of dims) and keepdim."""
    shape = draw(st.lists(small, min_size=min_dims, max_size=3).map(tuple))
    n = len(shape)
    choices = [st.integers(-n, n - 1)] if n else [st.sampled_from([0, -1])]
    if none:
        choices.append(st.none())
    if tuples and n:
        choices.append(
            st.lists(st.integers(0, n - 1), min_size=1, max_size=n, unique=True).map(
                lambda ds: tuple(d - n if k % 2 else d for k, d in enumerate(ds))
            )
        )  # mixed signs
    return shape, draw(st.one_of(*choices)), draw(st.booleans())


# ----------------------------------------------------------------------------- elementwise

UNARY = {  # name: (f(M, x), input kind, kinks to avoid)
    "neg": (lambda M, x: -x, "any", ()),
    "pos": (lambda M, x: +x * 1.0, "any", ()),
    "abs": (lambda M, x: abs(x), "any", (0.0,)),
    "abs_method": (lambda M, x: x.abs(), "any", (0.0,)),
    "exp": (lambda M, x: x.exp(), "any", ()),
    "exp2": (lambda M, x: x.exp2(), "any", ()),
    "expm1": (lambda M, x: x.expm1(), "any", ()),
    "log": (lambda M, x: x.log(), "pos", ()),
    "log2": (lambda M, x: x.log2(), "pos", ()),
    "log1p": (lambda M, x: x.log1p(), "above-1", ()),
    "sqrt": (lambda M, x: x.sqrt(), "pos", ()),
    "rsqrt": (lambda M, x: x.rsqrt(), "pos", ()),
    "reciprocal": (lambda M, x: x.reciprocal(), "pos", ()),
    "square": (lambda M, x: x.square(), "any", ()),
    "sin": (lambda M, x: x.sin(), "any", ()),
    "cos": (lambda M, x: x.cos(), "any", ()),
    "sin_function": (lambda M, x: M.sin(x) * M.cos(x), "any", ()),
    "relu": (lambda M, x: x.relu(), "any", (0.0,)),
    "relu_function": (lambda M, x: M.relu(x), "any", (0.0,)),
    "sigmoid": (lambda M, x: x.sigmoid(), "any", ()),
    "tanh": (lambda M, x: x.tanh(), "any", ()),
    "softplus": (lambda M, x: F(M).softplus(x), "any", ()),
    "clamp_min": (lambda M, x: x.clamp(min=-0.5), "any", (-0.5,)),
    "clamp_max": (lambda M, x: x.clamp(max=0.7), "any", (0.7,)),
    "clamp_both": (lambda M, x: x.clamp(-0.5, 0.7), "any", (-0.5, 0.7)),
    "clip": (lambda M, x: M.clip(x, -0.5, 0.7), "any", (-0.5, 0.7)),
    "pow_0": (lambda M, x: x**0, "any", ()),
    "pow_1": (lambda M, x: x**1, "any", ()),
    "pow_2": (lambda M, x: x**2, "any", ()),
    "pow_3": (lambda M, x: x**3, "any", ()),
    "pow_int_neg": (lambda M, x: x**-2, "pos", ()),
    "pow_half": (lambda M, x: x**0.5, "pos", ()),
    "pow_fraction": (lambda M, x: x**1.5, "pos", ()),
    "pow_method": (lambda M, x: x.pow(3), "any", ()),
    "rpow": (lambda M, x: 2.0**x, "any", ()),
    "rdiv": (lambda M, x: 1.0 / (x * x + 1.0), "any", ()),
    "rsub": (lambda M, x: 3.0 - x, "any", ()),
    "round": (lambda M, x: x.round() + x, "offgrid", ()),
    "floor": (lambda M, x: x.floor() * x, "offgrid", ()),
    "ceil": (lambda M, x: x.ceil() * x, "offgrid", ()),
    "sign": (lambda M, x: x.sign() * x, "offgrid", ()),
    "masked_fill": (lambda M, x: x.masked_fill(x.detach() > 0.3, 0.5) * x, "any", (0.3,)),
    "where_mask": (lambda M, x: M.where(x > 0, x, -2.0 * x), "any", (0.0,)),
    "comparison_mask_mul": (lambda M, x: x * (x > 0), "any", (0.0,)),
}


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("name", sorted(UNARY))
@given(shape=shapes, seed=seeds)
def test_elementwise(mode, name, shape, seed):
    f, kind, kinks = UNARY[name]
    check(mode, f, away_from(data(shape, seed, kind), kinks), seed=seed)


BINARY = {  # name: (f(M, a, b), kind of a, kind of b); shapes broadcast
    "add": (lambda M, a, b: a + b, "any", "any"),
    "sub": (lambda M, a, b: a - b, "any", "any"),
    "mul": (lambda M, a, b: a * b, "any", "any"),
    "div": (lambda M, a, b: a / b, "any", "pos"),
    "div_negative": (lambda M, a, b: a / (-b), "any", "pos"),
    "add_method": (lambda M, a, b: a.add(b), "any", "any"),
    "add_alpha": (lambda M, a, b: a.add(b, alpha=-0.5), "any", "any"),
    "sub_method": (lambda M, a, b: a.sub(b), "any", "any"),
    "mul_method": (lambda M, a, b: a.mul(b), "any", "any"),
    "div_method": (lambda M, a, b: a.div(b), "any", "pos"),
    "pow_tensor": (lambda M, a, b: a**b, "pos", "any"),
    "pow_function": (lambda M, a, b: M.pow(a, b), "pos", "any"),
    "maximum": (lambda M, a, b: M.maximum(a, b), "distinct", "distinct"),
    "minimum": (lambda M, a, b: M.minimum(a, b), "distinct", "distinct"),
    "max_of_two": (lambda M, a, b: M.max(a, b), "distinct", "distinct"),
    "min_of_two": (lambda M, a, b: M.min(a, b), "distinct", "distinct"),
    "where": (lambda M, a, b: M.where(a > b, a * b, b - a), "distinct", "distinct"),
    "where_method": (lambda M, a, b: a.where(a < b, b), "distinct", "distinct"),
    "composite": (lambda M, a, b: (a * b).tanh() + a.exp() / (1.0 + b * b), "any", "any"),
}


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("name", sorted(BINARY))
@given(pair=broadcast_pair(), seed=seeds)
def test_binary_with_broadcasting(mode, name, pair, seed):
    f, ka, kb = BINARY[name]
    a, b = data(pair[0], seed, ka), data(pair[1], seed + 1, kb)
    if ka == "distinct":  # keep a and b apart too: maximum has no derivative where a = b
        b = b + 0.1
    check(mode, f, a, b, seed=seed)


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
    ((2, 1, 2, 3), (3, 3, 2)),
]


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("sa,sb", MATMUL_SHAPES)
def test_matmul(mode, sa, sb):
    check(mode, lambda M, a, b: a @ b, data(sa, 1), data(sb, 2))
    check(mode, lambda M, a, b: M.matmul(a, b), data(sa, 3), data(sb, 4))


@pytest.mark.parametrize("mode", MODES)
def test_matrix_products(mode):
    a, b, v = data((3, 4), 0), data((4, 2), 1), data((4,), 2)
    check(mode, lambda M, a, b: a.mm(b), a, b)
    check(mode, lambda M, a, v: a.mv(v), a, v)
    check(mode, lambda M, v, w: M.dot(v, w), v, data((4,), 3))
    check(mode, lambda M, v, w: M.outer(v, w), v, data((3,), 4))
    check(mode, lambda M, a, b: M.bmm(a, b), data((2, 3, 4), 5), data((2, 4, 5), 6))


# ----------------------------------------------------------------------------- reductions


def _torch_dim(M, x, dim):
    """torch's logsumexp needs a dim: None means all of them."""
    return tuple(range(x.ndim)) if dim is None and M is not ag else dim


def _norm(M, x, p, dim, keepdim):
    """Ours: x.norm(p, dim, keepdim); torch's x.norm takes matrix norms for 2-tuples and rejects 3-tuples,
    so its side is torch.linalg.vector_norm (the same vector p-norm)."""
    if M is ag:
        return x.norm(p, dim, keepdim) if dim is not None or keepdim else x.norm(p)
    return torch.linalg.vector_norm(x, ord=2 if p == "fro" else p, dim=dim, keepdim=keepdim)


REDUCTIONS = {  # name: (f(M, x, dim, keepdim), input kind)
    "sum": (lambda M, x, d, k: x.sum() if d is None and not k else x.sum(dim=_torch_dim(M, x, d), keepdim=k), "any"),
    "mean": (lambda M, x, d, k: x.mean() if d is None and not k else x.mean(dim=_torch_dim(M, x, d), keepdim=k), "any"),
    "prod": (lambda M, x, d, k: x.prod() if d is None else x.prod(d, keepdim=k), "any"),
    "amax": (lambda M, x, d, k: x.amax(dim=_torch_dim(M, x, d), keepdim=k), "distinct"),
    "amin": (lambda M, x, d, k: x.amin(dim=_torch_dim(M, x, d), keepdim=k), "distinct"),
    "logsumexp": (lambda M, x, d, k: x.logsumexp(dim=_torch_dim(M, x, d), keepdim=k), "any"),
    "var": (lambda M, x, d, k: x.var(dim=d, keepdim=k), "any"),
    "var_correction_0": (lambda M, x, d, k: x.var(dim=d, keepdim=k, correction=0), "any"),
    "var_unbiased_false": (lambda M, x, d, k: x.var(dim=d, keepdim=k, unbiased=False), "any"),
    "std": (lambda M, x, d, k: x.std(dim=d, keepdim=k), "any"),
    "std_correction_0": (lambda M, x, d, k: x.std(dim=d, keepdim=k, correction=0), "any"),
    "norm_2": (lambda M, x, d, k: _norm(M, x, 2, d, k), "any"),
    "norm_fro": (lambda M, x, d, k: _norm(M, x, "fro", d, k), "any"),
    "norm_1": (lambda M, x, d, k: _norm(M, x, 1, d, k), "unit"),
    "norm_inf": (lambda M, x, d, k: _norm(M, x, math.inf, d, k), "unit"),
    "norm_3": (lambda M, x, d, k: _norm(M, x, 3, d, k), "unit"),
}


def _enough_for_variance(shape, dim):
    """var with correction 1 needs at least 2 entries per output (else n − 1 = 0: nan, in torch too)."""
    if dim is None:
        return math.prod(shape) >= 2
    dims = dim if isinstance(dim, tuple) else (dim,)
    return math.prod(shape[d] for d in dims) >= 2


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("name", sorted(REDUCTIONS))
@given(sdk=shape_and_dim(), seed=seeds)
def test_reductions_with_dim_and_keepdim(mode, name, sdk, seed):
    shape, dim, keepdim = sdk
    f, kind = REDUCTIONS[name]
    if name in ("var", "std", "var_unbiased_false", "std_correction_0") and not _enough_for_variance(shape, dim):
        dim = None
        if math.prod(shape) < 2:
            shape = shape[:-1] + (2,)
    if name == "prod" and isinstance(dim, tuple):  # torch's prod takes one dim
        dim = dim[0]
    check(mode, lambda M, x: f(M, x, dim, keepdim), data(shape, seed, kind), seed=seed)


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("which", ["max", "min"])
@given(sdk=shape_and_dim(tuples=False, none=False), seed=seeds, ties=st.booleans())
def test_max_min_with_dim_return_values_and_indices(mode, which, sdk, seed, ties):
    """`x.max(d)` is (values, indices), as PyTorch; the values' gradient goes only to the returned index,
    so ties are fine here (both libraries pick the first)."""
    shape, dim, keepdim = sdk
    x0 = data(shape, seed, "distinct")
    if ties:
        x0 = np.round(x0)  # many equal entries

    def values(M, x):
        out = getattr(x, which)(dim, keepdim)
        return out.values * 1.5 + getattr(x, which)(dim=dim, keepdim=keepdim)[0]

    if ties:  # finite differences have no meaning at a tie; the torch comparison does
        if mode == "torch":
            check(mode, values, x0, seed=seed)
    else:
        check(mode, values, x0, seed=seed)
    if mode == "torch":
        ours = getattr(Tensor(x0), which)(dim, keepdim)
        theirs = getattr(torch.tensor(x0), which)(dim, keepdim)
        assert ours.indices.dtype == np.int64
        np.testing.assert_array_equal(ours.indices.numpy(), theirs.indices.numpy())
        np.testing.assert_array_equal(
            getattr(Tensor(x0), "arg" + which)(dim, keepdim).numpy(),
            getattr(torch.tensor(x0), "arg" + which)(dim, keepdim).numpy(),
        )


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("which", ["max", "min", "amax", "amin"])
def test_whole_tensor_extremes_share_ties_evenly(mode, which):
    """`x.max()` (no dim) and amax with ties: the gradient is split evenly between the tied entries,
    as in PyTorch.  (Central differences are meaningless at a tie, so "fd" uses distinct entries.)"""
    tied = np.array([[1.0, 3.0, 3.0], [-2.0, 3.0, -2.0]])
    x0 = tied if mode == "torch" else data((2, 3), 0, "distinct")
    check(mode, lambda M, x: getattr(x, which)(), x0)
    if which.startswith("a"):
        check(mode, lambda M, x: getattr(x, which)(dim=1), x0)


@pytest.mark.parametrize("mode", MODES)
@given(sdk=shape_and_dim(tuples=False, none=False, min_dims=1), seed=seeds)
def test_cumsum(mode, sdk, seed):
    shape, dim, _ = sdk
    check(mode, lambda M, x: x.cumsum(dim), data(shape, seed), seed=seed)
    check(mode, lambda M, x: M.cumsum(x, dim=dim) * x, data(shape, seed + 1), seed=seed)


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("fn", ["softmax", "log_softmax"])
@given(sdk=shape_and_dim(tuples=False, none=False), seed=seeds)
def test_softmax_family_with_dim(mode, fn, sdk, seed):
    shape, dim, _ = sdk
    x0 = data(shape, seed) * 3
    check(mode, lambda M, x: getattr(x, fn)(dim), x0, seed=seed)
    check(mode, lambda M, x: getattr(F(M), fn)(x, dim=dim), x0, seed=seed)
    check(mode, lambda M, x: getattr(M, fn)(x, dim), x0, seed=seed)


@pytest.mark.parametrize("mode", MODES)
def test_reductions_of_0d_tensors_over_dim_0_and_minus_1(mode):
    """Issue 13 item 4: PyTorch lets a 0-d tensor be reduced over dim 0 or −1 (it crashed in backward)."""
    x0 = np.array(1.7)
    for d in (0, -1):
        for f in (
            lambda M, x: x.sum(d),
            lambda M, x: x.mean(d, keepdim=True),
            lambda M, x: x.max(d).values,
            lambda M, x: x.amax(d),
            lambda M, x: x.logsumexp(d),
            lambda M, x: x.prod(d) * x,
            lambda M, x: x.cumsum(d) * x,
            lambda M, x: x.norm(dim=d) * x,
            lambda M, x: x.softmax(d) * x,
            lambda M, x: x.squeeze(d) * x,
            lambda M, x: x.unsqueeze(d) * x,
            lambda M, x: x.flatten() * x,
            lambda M, x: x.var(d, correction=0) + x,
        ):
            check(mode, f, x0)


# ----------------------------------------------------------------------------- shapes and indexing


@st.composite
def shape_and_two_dims(draw):
    shape = draw(st.lists(small, min_size=1, max_size=4).map(tuple))
    n = len(shape)
    return shape, draw(st.integers(-n, n - 1)), draw(st.integers(-n, n - 1))


def _weighted(M, y, seed=7):
    """y times fixed weights, so a wrong placement of the gradient shows (a plain sum would hide a transpose)."""
    w = np.random.default_rng(seed).standard_normal(tuple(y.shape))
    return y * (ag.tensor(w) if M is ag else torch.tensor(w))


@pytest.mark.parametrize("mode", MODES)
@given(s=shape_and_two_dims(), seed=seeds)
def test_transpose_permute_and_friends_with_negative_dims(mode, s, seed):
    shape, d0, d1 = s
    x0 = data(shape, seed)
    n = len(shape)
    order = tuple(np.random.default_rng(seed).permutation(n) - n * np.random.default_rng(seed + 1).integers(0, 2, n))
    check(mode, lambda M, x: _weighted(M, x.transpose(d0, d1)), x0)
    check(mode, lambda M, x: _weighted(M, x.swapaxes(d0, d1)), x0)
    check(mode, lambda M, x: _weighted(M, x.permute(*order)), x0)
    check(mode, lambda M, x: _weighted(M, x.permute(order)), x0)
    check(mode, lambda M, x: _weighted(M, M.permute(x, order)), x0)
    check(mode, lambda M, x: _weighted(M, x.unsqueeze(d0)), x0)
    check(mode, lambda M, x: _weighted(M, x.unsqueeze(-1)), x0)
    check(mode, lambda M, x: _weighted(M, x.flatten(min(d0 % n, d1 % n), max(d0 % n, d1 % n))), x0)
    check(mode, lambda M, x: _weighted(M, x.flatten(-n, -1)), x0)
    check(mode, lambda M, x: _weighted(M, x.reshape(-1)), x0)
    check(mode, lambda M, x: _weighted(M, x.view(-1, shape[-1])), x0)
    check(mode, lambda M, x: _weighted(M, x.squeeze()), x0)
    check(mode, lambda M, x: _weighted(M, x.squeeze(d0)), x0)  # a no-op where that dim is not 1
    check(mode, lambda M, x: _weighted(M, x.flip(d0)), x0)
    check(mode, lambda M, x: _weighted(M, x.flip((d0, d1) if d0 % n != d1 % n else d0)), x0)
    if n >= 2:
        check(mode, lambda M, x: _weighted(M, x.mT), x0)
        check(mode, lambda M, x: _weighted(M, x.transpose(-1, -2) @ x), x0)
        check(mode, lambda M, x: _weighted(M, x.movedim(d0, d1)), x0)
    if n <= 2:
        check(mode, lambda M, x: _weighted(M, x.T), x0)
        check(mode, lambda M, x: _weighted(M, x.t()), x0)


@pytest.mark.parametrize("mode", MODES)
@given(shape=nonempty_shapes, seed=seeds, lead=st.integers(0, 2))
def test_expand_repeat_and_broadcast(mode, shape, seed, lead):
    rng = np.random.default_rng(seed)
    small_shape = tuple(1 if rng.random() < 0.5 else s for s in shape)
    x0 = data(small_shape, seed)
    target = (2,) * lead + shape
    check(mode, lambda M, x: _weighted(M, x.expand(*target)), x0)
    check(mode, lambda M, x: _weighted(M, x.expand(target)), x0)
    check(mode, lambda M, x: _weighted(M, x.expand(*((3,) * lead), *(-1 for _ in small_shape))), x0)
    check(mode, lambda M, x: _weighted(M, x.expand_as(M.zeros(target, dtype=M.float64))), x0)
    check(mode, lambda M, x: _weighted(M, M.broadcast_to(x, target)), x0)
    reps = tuple(int(r) for r in rng.integers(1, 4, size=len(small_shape) + lead))
    check(mode, lambda M, x: _weighted(M, x.repeat(*reps)), x0)
    check(mode, lambda M, x: _weighted(M, x.repeat(reps)), x0)
    check(mode, lambda M, y: _weighted(M, y.sum_to_size(small_shape)), data(target, seed + 1))


@pytest.mark.parametrize("mode", MODES)
@given(sdk=shape_and_dim(tuples=False, none=False), seed=seeds, k=st.integers(1, 3))
def test_cat_stack_split_chunk(mode, sdk, seed, k):
    shape, dim, _ = sdk
    rng = np.random.default_rng(seed)
    d = dim % len(shape)
    parts = [data(shape[:d] + (int(rng.integers(1, 4)),) + shape[d + 1 :], seed + i) for i in range(3)]
    same = [data(shape, seed + 10 + i) for i in range(3)]
    check(mode, lambda M, a, b, c: _weighted(M, M.cat([a, b, c], dim=dim)), *parts)
    check(mode, lambda M, a, b, c: _weighted(M, M.cat((a, b * 2, a), dim)), *parts)
    check(mode, lambda M, a, b, c: _weighted(M, M.concatenate([a, b, c], dim)), *parts)
    check(mode, lambda M, a, b, c: _weighted(M, M.stack([a, b, c], dim=dim)), *same)
    check(mode, lambda M, a, b, c: _weighted(M, M.stack([a, b, a], dim=-1)), *same)
    big = data(shape[:d] + (shape[d] * 3,) + shape[d + 1 :], seed)
    n = big.shape[d]

    def pieces(M, x, how):
        out = x.split(k, dim) if how == "split" else x.chunk(k, dim)
        return M.cat([p * (i + 1.0) for i, p in enumerate(out)], dim)  # each piece weighted differently

    check(mode, lambda M, x: _weighted(M, pieces(M, x, "split")), big)
    check(mode, lambda M, x: _weighted(M, pieces(M, x, "chunk")), big)
    sizes = [1, n - 1] if n > 1 else [1]
    check(mode, lambda M, x: _weighted(M, M.cat([p.exp() for p in x.split(sizes, dim=dim)], dim)), big)
    check(mode, lambda M, x: _weighted(M, M.stack(x.unbind(dim), -1)), big)


INDICES = {  # name: index built from the shape (first dim length n ≥ 2) and numpy's rng
    "int": lambda s, r: 1,
    "negative_int": lambda s, r: -1,
    "slice": lambda s, r: slice(None, max(1, s[0] // 2)),
    "negative_step": lambda s, r: slice(None, None, -2),
    "ellipsis_last": lambda s, r: (Ellipsis, -1),
    "none_and_slice": lambda s, r: (None, slice(1, None)),
    "int_array_repeated": lambda s, r: np.array([1, 1, 0, 1, s[0] - 1]),
    "int_list": lambda s, r: [0, s[0] - 1, 0],
    "bool_mask": lambda s, r: r.random(s) > 0.4,
    "bool_rows": lambda s, r: np.arange(s[0]) % 2 == 0,
    "rows_and_cols": lambda s, r: (np.array([0, 1, 1]), np.array([0, 0, s[1] - 1])) if len(s) > 1 else np.array([0]),
    "array_then_slice": lambda s, r: (np.array([1, 0, 1]), slice(None, None, 2)) if len(s) > 1 else np.array([1]),
    "slice_then_array": lambda s, r: (slice(None), np.array([0, 0])) if len(s) > 1 else np.array([1]),
}


def _as_index(M, index):
    """The index with its arrays as M's tensors (how a PyTorch user writes them)."""
    if isinstance(index, tuple):
        return tuple(_as_index(M, i) for i in index)
    if isinstance(index, np.ndarray):
        return M.tensor(index)
    return index


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("name", sorted(INDICES))
@given(shape=st.lists(st.integers(2, 4), min_size=1, max_size=3).map(tuple), seed=seeds)
def test_getitem(mode, name, shape, seed):
    if mode == "torch" and name == "negative_step":
        return  # torch has no negative steps (ours: numpy's meaning)
    index = INDICES[name](shape, np.random.default_rng(seed))
    x0 = data(shape, seed)
    check(mode, lambda M, x: _weighted(M, x[_as_index(M, index)]), x0)
    check(mode, lambda M, x: _weighted(M, x.exp()[_as_index(M, index)] * 2), x0)


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("name", sorted(INDICES))
@given(shape=st.lists(st.integers(2, 4), min_size=1, max_size=3).map(tuple), seed=seeds)
def test_setitem_is_recorded(mode, name, shape, seed):
    """`y[idx] = v` on a tensor in the graph: x gets ḡ where nothing was written, v gets ḡ at its places
    (where an index repeats, only the value that stayed, as central differences say)."""
    if mode == "torch" and name in (
        "int_array_repeated",
        "int_list",
        "array_then_slice",
        "slice_then_array",
        "negative_step",
    ):
        return  # a place written twice: which write wins is unspecified in torch (ours: the last, as numpy)
    index = INDICES[name](shape, np.random.default_rng(seed))
    x0 = data(shape, seed)
    v_shape = np.empty(shape)[index].shape
    v0 = data(v_shape, seed + 1)

    def f(M, x, v):
        y = x * 1.0
        y[_as_index(M, index)] = v * 3.0
        return _weighted(M, y)

    check(mode, f, x0, v0)

    def broadcast_value(M, x, s):
        y = x * 2.0  # (not x.exp(): exp's VJP reads its output, so writing into it must raise, as in torch)
        y[_as_index(M, index)] = s  # a 0-d value broadcast into every selected place
        return _weighted(M, y)

    check(mode, broadcast_value, x0, data((), seed + 2))


@pytest.mark.parametrize("mode", MODES)
@given(shape=nonempty_shapes, seed=seeds)
def test_masked_fill_and_where_with_broadcast_masks(mode, shape, seed):
    rng = np.random.default_rng(seed)
    mask = rng.random(shape[-1:]) > 0.5  # broadcast along the leading dims
    x0, y0 = data(shape, seed), data(shape[-1:], seed + 1)
    check(mode, lambda M, x: _weighted(M, x.masked_fill(M.tensor(mask), -1.0)), x0)
    check(mode, lambda M, x, y: _weighted(M, M.where(M.tensor(mask), x, y)), x0, y0)
    check(mode, lambda M, x, y: _weighted(M, M.where(M.tensor(mask), x, 0.5) * y), x0, y0)


# ----------------------------------------------------------------------------- cross-entropy


@st.composite
def ce_case(draw):
    """Logits (N, C), (C,) or (N, C, d1, …) and the options of F.cross_entropy."""
    layout = draw(st.sampled_from(["NC", "C", "NCd", "NCdd"]))
    c = draw(st.integers(2, 4))
    n = draw(st.integers(1, 3))
    shape = {"NC": (n, c), "C": (c,), "NCd": (n, c, draw(small)), "NCdd": (n, c, draw(small), draw(small))}[layout]
    return dict(
        shape=shape,
        c=c,
        probs=draw(st.booleans()),
        weighted=draw(st.booleans()),
        reduction=draw(st.sampled_from(["mean", "sum", "none"])),
        smoothing=draw(st.sampled_from([0.0, 0.1, 0.35])),
        ignore=draw(st.booleans()),
        seed=draw(seeds),
    )


def _ce_arrays(case):
    rng = np.random.default_rng(case["seed"])
    shape, c = case["shape"], case["c"]
    z = rng.standard_normal(shape) * 2
    per_row = shape[:1] + shape[2:] if len(shape) > 1 else ()
    classes = rng.integers(0, c, size=per_row)
    if case["ignore"] and classes.size > 1:
        classes.flat[0] = -100 if rng.random() < 0.5 else 1  # ignore_index=-100 (the default) or a class
    w = rng.uniform(0.3, 2.0, size=c) if case["weighted"] else None
    p = rng.dirichlet(np.ones(c), size=per_row)  # (…, C): classes last
    p = np.moveaxis(p, -1, 1 if len(shape) > 1 else 0)
    return z, classes, p, w


@pytest.mark.parametrize("mode", MODES)
@given(case=ce_case())
def test_cross_entropy(mode, case):
    """Class and probability targets, (C,), (N, C) and (N, C, d1, …) logits, weights, label_smoothing,
    ignore_index and every reduction; with probability targets the target gets a gradient too."""
    z, classes, p, w = _ce_arrays(case)
    kw = dict(reduction=case["reduction"], label_smoothing=case["smoothing"])

    def weight(M):
        return None if w is None else M.tensor(w)

    if not case["probs"]:
        ignore = 1 if case["ignore"] and -100 not in classes else -100
        if case["reduction"] == "mean" and np.all(classes == ignore):
            return  # nothing to average (torch: nan; ours: an error, tested in test_bad_input)
        check(
            mode,
            lambda M, z: F(M).cross_entropy(z, M.tensor(classes), weight=weight(M), ignore_index=ignore, **kw),
            z,
            seed=case["seed"],
        )
        return
    check(mode, lambda M, z: F(M).cross_entropy(z, M.tensor(p), weight=weight(M), **kw), z, seed=case["seed"])

    def with_target_gradient(M, z, t):  # normalised inside, so central differences keep a distribution
        cdim = 1 if z.ndim > 1 else 0
        return F(M).cross_entropy(z, t / t.sum(dim=cdim, keepdim=True), weight=weight(M), **kw)

    check(mode, with_target_gradient, z, p, seed=case["seed"])
    if mode == "torch":  # and the raw target gradient −log ŷ (no normalisation in between)
        check(mode, lambda M, z, t: F(M).cross_entropy(z, t, weight=weight(M), **kw), z, p, seed=case["seed"])


# ----------------------------------------------------------------------------- casts


def test_float_casts_are_differentiable():
    """float64 → float32 → float64: the gradient flows back (it stopped at astype before), in each dtype."""
    x = Tensor([0.5, -1.25], requires_grad=True)
    y = x.float()
    assert y.dtype == np.float32 and y.requires_grad
    z = (y * 2).double().exp()
    z.sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), 2 * np.exp(2 * x.numpy()), rtol=1e-6)
    assert x.grad.dtype == np.float64
    assert x.to(ag.float32).to(ag.float64).requires_grad and x.half().float().requires_grad
    assert not x.long().requires_grad and x.long().dtype == np.int64  # to integers: no gradient, as in PyTorch


# ----------------------------------------------------------------------------- second derivatives

SECOND = {  # name: (f(M, *xs), input shapes and kinds)
    "sin_cos": (lambda M, x: (x.sin() * x.cos()).sum(), [((3,), "any")]),
    "exp_log": (lambda M, x: (x.exp() + x.log() * x).sum(), [((2, 2), "pos")]),
    "sqrt_rsqrt": (lambda M, x: (x.sqrt() + x.rsqrt()).sum(), [((3,), "pos")]),
    "tanh_sigmoid": (lambda M, x: (x.tanh() * x.sigmoid()).sum(), [((3,), "any")]),
    "softplus": (lambda M, x: (F(M).softplus(x) * x).sum(), [((4,), "any")]),
    "pow_number": (lambda M, x: (x**3 + x**0.5 + x**0).sum(), [((3,), "pos")]),
    "pow_tensor": (lambda M, a, b: (a**b).sum(), [((3,), "pos"), ((3,), "any")]),
    "div_mul": (lambda M, a, b: (a / b * a).sum(), [((2, 3), "any"), ((3,), "pos")]),
    "maximum": (lambda M, a, b: (M.maximum(a, b) ** 2).sum(), [((4,), "distinct"), ((4,), "distinct")]),
    "matmul": (lambda M, a, b: ((a @ b).tanh()).sum(), [((2, 3), "any"), ((3, 2), "any")]),
    "softmax": (lambda M, x: (x.softmax(-1) * M.arange(3.0, dtype=M.float64)).sum(), [((2, 3), "any")]),
    "log_softmax_dim0": (lambda M, x: (x.log_softmax(0) ** 2).sum(), [((3, 2), "any")]),
    "logsumexp": (lambda M, x: x.logsumexp(dim=1).pow(2).sum(), [((2, 3), "any")]),
    "var_std": (lambda M, x: x.var(dim=0).sum() + x.std(), [((3, 2), "any")]),
    "norm": (lambda M, x: x.norm() + x.norm(dim=-1).sum(), [((2, 3), "any")]),
    "norm_3": (lambda M, x: x.norm(p=3), [((4,), "unit")]),
    "prod": (lambda M, x: x.prod(dim=1).sum(), [((2, 3), "pos")]),
    "prod_at_zero": (
        lambda M, x: (
            (x * M.tensor([[1.0, 0.0, 1.0], [0.0, 0.0, 1.0]], dtype=M.float64)).prod(dim=1).sum()
            + (x * M.tensor([[0.0, 1.0, 1.0], [1.0, 1.0, 1.0]], dtype=M.float64)).prod()
        ),
        [((2, 3), "pos")],
    ),
    "cumsum": (lambda M, x: (x.cumsum(0) ** 2).sum(), [((4,), "any")]),
    "amax_max_dim": (lambda M, x: (x.amax(dim=0) ** 2).sum() + (x.max(1).values ** 3).sum(), [((3, 2), "distinct")]),
    "clamp_where": (lambda M, x: (x.clamp(-0.5, 0.7) * x + M.where(x > 0, x * x, -x)).sum(), [((5,), "any")]),
    "getitem_fancy": (lambda M, x: (x[M.tensor([0, 0, 2])] ** 2).sum() + (x[1:] ** 3).sum(), [((3, 2), "any")]),
    "setitem": (lambda M, x, v: _set_and_square(M, x, v), [((3,), "any"), ((), "any")]),
    "cat_stack": (
        lambda M, a, b: (M.cat([a, b]) ** 2).sum() + (M.stack([a, b], 1) ** 3).sum(),
        [((2,), "any"), ((2,), "any")],
    ),
    "expand_repeat": (lambda M, x: (x.expand(2, 3) ** 2).sum() + (x.repeat(2, 1) ** 3).sum(), [((1, 3), "any")]),
    "transpose_reshape": (
        lambda M, x: ((x.transpose(0, -1).reshape(-1) * M.arange(6.0, dtype=M.float64)) ** 2).sum(),
        [((2, 3), "any")],
    ),
    "masked_fill": (lambda M, x: (x.masked_fill(M.tensor([True, False, True]), 0.0) ** 3).sum(), [((3,), "any")]),
    "mean_sum_dims": (
        lambda M, x: (x.mean(dim=(0, -1)) ** 2).sum() + (x.sum(1, keepdim=True) ** 3).sum(),
        [((2, 2, 2), "any")],
    ),
}


def _set_and_square(M, x, v):
    y = x * 1.0
    y[1] = v * v
    return (y**3).sum()


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("name", sorted(SECOND))
def test_second_derivatives(mode, name):
    f, specs = SECOND[name]
    arrays = [
        away_from(data(s, k + 3, kind), (0.0, -0.5, 0.7)) if kind == "any" else data(s, k + 3, kind)
        for k, (s, kind) in enumerate(specs)
    ]
    check2(mode, f, *arrays)


@pytest.mark.parametrize("mode", MODES)
@given(case=ce_case())
def test_second_derivatives_of_cross_entropy(mode, case):
    z, classes, p, w = _ce_arrays(case)
    if case["reduction"] == "none" or (not case["probs"] and np.all(classes == -100)):
        return
    t = p if case["probs"] else classes
    check2(
        mode,
        lambda M, z: F(M).cross_entropy(
            z,
            M.tensor(t),
            weight=None if w is None else M.tensor(w),
            reduction=case["reduction"],
            label_smoothing=case["smoothing"],
        ),
        z,
    )


# ----------------------------------------------------------------------------- the dtype rule (issue 13 item 1)


def _float32_cases():
    """(name, f, arrays): every case of the tables above at one fixed shape."""
    cases = []
    for name, (f, kind, kinks) in UNARY.items():
        cases.append((f"unary {name}", f, [away_from(data((2, 3), 1, kind), kinks)]))
    for name, (f, ka, kb) in BINARY.items():
        cases.append((f"binary {name}", f, [data((2, 3), 1, ka), data((3,), 2, kb) + 0.1]))
    for name, (f, kind) in REDUCTIONS.items():
        for dim in (None, 1, (0, -1)):
            for keep in (False, True):
                if name == "prod" and isinstance(dim, tuple):
                    continue
                cases.append(
                    (
                        f"{name} dim={dim} keepdim={keep}",
                        lambda M, x, f=f, d=dim, k=keep: f(M, x, d, k),
                        [data((2, 3, 2), 1, kind)],
                    )
                )
    for which in ("max", "min"):
        cases.append((f"{which}(dim)", lambda M, x, w=which: getattr(x, w)(-1).values, [data((2, 3), 1, "distinct")]))
        cases.append((f"{which}()", lambda M, x, w=which: getattr(x, w)(), [data((2, 3), 1, "distinct")]))
        cases.append((f"{which} tie", lambda M, x, w=which: getattr(x, w)(), [np.ones((2, 2))]))  # the tie share
        cases.append((f"{which}imum tie", lambda M, x, w=which: getattr(M, w + "imum")(x, x.detach()), [np.ones(3)]))
    cases += [
        ("cumsum", lambda M, x: x.cumsum(-1), [data((2, 3), 1)]),
        ("softmax", lambda M, x: x.softmax(0), [data((2, 3), 1)]),
        ("log_softmax", lambda M, x: x.log_softmax(-1), [data((2, 3), 1)]),
        ("matmul", lambda M, a, b: a @ b, [data((2, 3), 1), data((3, 4), 2)]),
        ("matmul vector", lambda M, a, b: a @ b, [data((3,), 1), data((2, 3, 4), 2)]),
        ("transpose", lambda M, x: x.transpose(0, -1) * 2.0, [data((2, 3), 1)]),
        ("permute", lambda M, x: x.permute(2, 0, 1) * 2.0, [data((2, 3, 2), 1)]),
        ("expand", lambda M, x: x.expand(2, 3) * 2.0, [data((1, 3), 1)]),
        ("repeat", lambda M, x: x.repeat(2, 2) * 2.0, [data((1, 3), 1)]),
        ("reshape", lambda M, x: x.reshape(3, 2) * 2.0, [data((2, 3), 1)]),
        ("cat", lambda M, a, b: M.cat([a, b, a], -1), [data((2, 3), 1), data((2, 1), 2)]),
        ("stack", lambda M, a, b: M.stack([a, b], 1), [data((2, 3), 1), data((2, 3), 2)]),
        ("split", lambda M, x: x.split(1, 1)[1] * 2.0, [data((2, 3), 1)]),
        ("pow 0 at 0", lambda M, x: x**0, [np.zeros(3)]),
        ("pow tensor at 0", lambda M, a, b: a**b, [np.zeros(3), np.array([0.0, 1.0, 2.0])]),
        ("norm at 0", lambda M, x: x.norm(), [np.zeros(3)]),
        ("prod with a 0", lambda M, x: x.prod(), [np.array([0.0, 2.0, 3.0])]),
        ("cast round trip", lambda M, x: x.double().float() * 2.0, [data((3,), 1)]),
        ("where python number", lambda M, x: M.where(x > 0, x, 0.0), [data((2, 3), 1)]),
        ("clamp", lambda M, x: x.clamp(-0.5, 0.5), [data((2, 3), 1)]),
        ("masked_fill", lambda M, x: x.masked_fill(x.detach() > 0, 1.0), [data((2, 3), 1)]),
        ("float64 constant", lambda M, x: x * M.tensor(np.ones(3)), [data((2, 3), 1)]),  # float64 out, as torch
        ("float64 0-d constant", lambda M, x: x * M.tensor(2.0), [data((2, 3), 1)]),  # 0-d: float32, as torch
        ("0-d graph", lambda M, x: (x * 3.0 + 1.0).relu() ** 2, [np.array(0.7)]),
    ]
    for name, index in INDICES.items():
        cases.append(
            (
                f"getitem {name}",
                lambda M, x, i=index: x[_as_index(M, i((3, 3), np.random.default_rng(0)))],
                [data((3, 3), 1)],
            )
        )

    def setitem(M, x, v):
        y = x * 2.0
        y[1] = v
        return y

    cases.append(("setitem", setitem, [data((3, 2), 1), data((2,), 2)]))
    for layout in ("NC", "NCd"):
        for probs in (False, True):
            for smoothing in (0.0, 0.2):
                case = dict(
                    shape=(2, 3) if layout == "NC" else (2, 3, 2),
                    c=3,
                    probs=probs,
                    weighted=True,
                    reduction="mean",
                    smoothing=smoothing,
                    ignore=False,
                    seed=3,
                )
                z, classes, p, w = _ce_arrays(case)
                target = p.astype(np.float32) if probs else classes
                w32 = w.astype(np.float32)
                cases.append(
                    (
                        f"cross_entropy {layout} probs={probs} ε={smoothing}",
                        lambda M, z, t=target, w=w32, s=smoothing: F(M).cross_entropy(
                            z, M.tensor(t), weight=M.tensor(w), label_smoothing=s
                        ),
                        [z],
                    )
                )
    for name, (f, specs) in SECOND.items():
        cases.append((f"composite {name}", f, [data(s, k + 3, kind) for k, (s, kind) in enumerate(specs)]))
    return cases


FLOAT32_CASES = _float32_cases()


def _grads_have_their_tensors_dtype(y, where):
    for t in ag.walk(y):
        if t.requires_grad and t.retains_grad or t.is_leaf and t.requires_grad:
            g = t.grad
            assert g is None or g.dtype == t.dtype, f"{where}: a {t.dtype} tensor {t!r:.60} got a {g.dtype} gradient"


@pytest.mark.parametrize("create", [False, True], ids=["plain", "create_graph"])
@pytest.mark.parametrize("case", FLOAT32_CASES, ids=[c[0] for c in FLOAT32_CASES])
def test_every_gradient_has_its_tensors_dtype_in_float32(case, create):
    """Issue 13 item 1: in float32, every gradient a user can see has its tensor's dtype: at the leaves, at
    intermediates (retain_grad, hooks), from autograd.grad on leaves and intermediates, with and without
    create_graph (and the second derivative too); the output's dtype is torch's."""
    name, f, arrays = case
    seen = []

    def build():
        xs = [Tensor(a.astype(np.float32), requires_grad=True) for a in arrays]
        hs = [x * 1.0 for x in xs]  # intermediates, float32
        for h in hs:
            h.register_hook(lambda g: seen.append(g.dtype))
        y = f(ag, *hs)
        for t in ag.walk(y):
            if t.requires_grad and not t.is_leaf:
                t.retain_grad()
        return xs, hs, y

    xs, hs, y = build()
    if torch is not None and "negative_step" not in name:  # (torch has no negative steps)
        ty = f(torch, *[torch.tensor(a.astype(np.float32), requires_grad=True) for a in arrays])
        assert str(y.dtype) == str(ty.dtype).removeprefix("torch."), f"{name}: output dtype {y.dtype}, torch {ty.dtype}"
    v = np.random.default_rng(0).standard_normal(y.shape).astype(y.dtype)
    y.backward(v, create_graph=create)
    _grads_have_their_tensors_dtype(y, f"{name}: backward")
    assert seen and all(d == np.float32 for d in seen), f"{name}: hooks saw {seen}"
    xs, hs, y = build()
    gs = ag.grad(y, hs + xs, grad_outputs=v, create_graph=create, allow_unused=True)
    for g in gs:
        assert g is None or g.dtype == np.float32, f"{name}: autograd.grad gave {g.dtype} for a float32 input"
    if create:
        total = sum((g * g).sum() for g in gs if g is not None and g.requires_grad)
        if isinstance(total, Tensor):
            for g in ag.grad(total, xs, allow_unused=True):
                assert g is None or g.dtype == np.float32, f"{name}: a second derivative of dtype {g.dtype}"


@pytest.mark.parametrize("mode", MODES)
@given(sdk=shape_and_dim(tuples=False, none=False), seed=seeds, descending=st.booleans())
def test_sort_topk_gather(mode, sdk, seed, descending):
    """The values of sort/topk/gather get ḡ at the places they came from (distinct entries: no ties)."""
    shape, dim, _ = sdk
    x0 = data(shape, seed, "distinct")
    n = shape[dim]
    k = max(1, n // 2)
    check(mode, lambda M, x: _weighted(M, x.sort(dim, descending=descending).values), x0)
    check(mode, lambda M, x: _weighted(M, M.sort(x, dim=dim).values * 2), x0)
    check(mode, lambda M, x: _weighted(M, x.topk(k, dim, largest=not descending).values), x0)
    index = np.random.default_rng(seed).integers(0, n, size=shape)  # repeated indices accumulate
    check(mode, lambda M, x: _weighted(M, x.gather(dim, M.tensor(index))), x0)
    check(
        mode,
        lambda M, x: _weighted(
            M, M.gather(x, dim, M.tensor(index[..., :1] if dim % len(shape) != len(shape) - 1 else index))
        ),
        x0,
    )
    if mode == "torch":
        ours, theirs = Tensor(x0), torch.tensor(x0)
        np.testing.assert_array_equal(
            ours.argsort(dim, descending=descending).numpy(), theirs.argsort(dim, descending=descending).numpy()
        )
        np.testing.assert_array_equal(ours.topk(k, dim).indices.numpy(), theirs.topk(k, dim).indices.numpy())


@pytest.mark.parametrize("mode", MODES)
@given(shape=st.lists(small, min_size=2, max_size=3).map(tuple), seed=seeds, diagonal=st.integers(-2, 2))
def test_tril_triu(mode, shape, seed, diagonal):
    x0 = data(shape, seed)
    check(mode, lambda M, x: _weighted(M, x.tril(diagonal)), x0)
    check(mode, lambda M, x: _weighted(M, M.triu(x, diagonal)), x0)


def _in_place(M, x, method, *args):
    y = x * 1.0
    getattr(y, method)(*args)
    return y


OTHER_METHODS = {  # name: (f(M, x), input kind, shape); the rest of the surface, each once
    "clone": (lambda M, x: _weighted(M, x.clone()), "any", (2, 3)),
    "contiguous": (lambda M, x: _weighted(M, x.t().contiguous().view(-1)), "any", (2, 3)),
    "view_as": (lambda M, x: _weighted(M, x.view_as(M.zeros(3, 2))), "any", (2, 3)),
    "reshape_as": (lambda M, x: _weighted(M, x.t().reshape_as(M.zeros(6))), "any", (2, 3)),
    "ravel": (lambda M, x: _weighted(M, x.ravel()), "any", (2, 3)),
    "swapdims": (lambda M, x: _weighted(M, x.swapdims(0, -1)), "any", (2, 3, 2)),
    "type_as": (lambda M, x: _weighted(M, x.type_as(x) * 2.0), "any", (3,)),
    "round_decimals": (lambda M, x: x.round(decimals=1) + x * x, "offgrid", (4,)),
    "div_floor": (lambda M, x: M.div(x, 0.7, rounding_mode="floor") + x * x, "offgrid", (4,)),
    "clamp_min": (lambda M, x: x.clamp_min(0.3), "any", (5,)),
    "clamp_max": (lambda M, x: x.clamp_max(-0.3), "any", (5,)),
    "fill_recorded": (lambda M, x: _weighted(M, _in_place(M, x, "fill_", 2.0) + x), "any", (3,)),
    "zero_recorded": (lambda M, x: _weighted(M, _in_place(M, x, "zero_") + x * x), "any", (3,)),
    "copy_recorded": (lambda M, x: _weighted(M, _in_place(M, x[:1] * 0.0, "copy_", x[1:2] * 3) + x[2]), "any", (3,)),
    "exp_in_place": (lambda M, x: _weighted(M, _in_place(M, x, "exp_")), "any", (3,)),
    "sigmoid_tanh_in_place": (
        lambda M, x: _weighted(M, _in_place(M, _in_place(M, x, "sigmoid_"), "tanh_")),
        "any",
        (3,),
    ),
    "sqrt_log_in_place": (lambda M, x: _weighted(M, _in_place(M, _in_place(M, x, "sqrt_"), "log_")), "pos", (3,)),
    "abs_neg_relu_in_place": (
        lambda M, x: _weighted(M, _in_place(M, _in_place(M, _in_place(M, x, "abs_"), "neg_"), "relu_") + x),
        "unit",
        (3,),
    ),
    "pow_in_place_tensor": (lambda M, x: _weighted(M, _in_place(M, x, "pow_", x.detach() * 0 + 3.0)), "pos", (3,)),
    "square_and_reciprocal": (lambda M, x: _weighted(M, x.square() + M.reciprocal(x)), "pos", (3,)),
}


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("name", sorted(OTHER_METHODS))
def test_other_methods(mode, name):
    f, kind, shape = OTHER_METHODS[name]
    check(mode, f, data(shape, 5, kind))


def test_scatter_add_and_cast_ops():
    """The engine's helper ops, directly: scatter_add (getitem's VJP) and a float64 → float64 cast."""
    index = (np.array([0, 2, 0]),)
    assert gradcheck(
        lambda g: ag.ops.scatter_add(g, shape=(4,), index=index) * Tensor(np.arange(4.0)),
        [Tensor(data((3,), 1), requires_grad=True)],
    )
    assert gradcheck(lambda x: ag.ops.cast(x, dtype=np.float64) * x, [Tensor(data((3,), 2), requires_grad=True)])
