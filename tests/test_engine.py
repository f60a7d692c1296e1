"""The engine's semantics: accumulation, reuse, freeing, grad modes, higher order, errors, stability."""

import numpy as np
import pytest

import autograd as ag
from autograd import Tensor


def leaf(v):
    return Tensor(v, requires_grad=True)


# -- construction and dtypes
def test_dtypes_follow_pytorch_with_a_float64_default():
    # issue 11 changed this on purpose: Python ints stay int64 as in PyTorch (they were float64);
    # Python floats stay float64 (our documented default; PyTorch's is float32)
    assert Tensor(3).dtype == np.int64
    assert Tensor([1, 2]).dtype == np.int64
    assert Tensor(3.0).dtype == Tensor([1.0, 2]).dtype == np.float64
    assert Tensor(True).dtype == np.bool_
    assert Tensor([1, 2], requires_grad=True).dtype == np.float64  # a convenience: ints made float64
    assert Tensor(np.ones(2, dtype=np.float32)).dtype == np.float32
    assert Tensor(np.array([1, 2])).dtype.kind == "i"  # labels stay integer
    x = Tensor(np.ones(3, dtype=np.float32), requires_grad=True)
    assert (x * 2.0 + 1).dtype == np.float32  # Python numbers do not promote float32


def test_requires_grad_on_integer_data_is_a_clear_error():
    with pytest.raises(TypeError, match="floating-point.*int64"):
        Tensor(np.array([1, 2]), requires_grad=True)


def test_attributes_and_repr():
    x = Tensor([[1.0, 2.0]], requires_grad=True, name="x")
    y = x * 2
    # issue 11: .size() is the shape (PyTorch's meaning), numel() the count (numpy's .size)
    assert (x.shape, x.ndim, x.size(), x.size(-1), x.numel(), x.dim()) == ((1, 2), 2, (1, 2), 2, 2, 2)
    assert x.is_leaf and not y.is_leaf
    assert "grad_fn=<MulBackward0>" in repr(y) and "name='x'" in repr(x)  # PyTorch's repr (was "op=mul")
    assert Tensor(2.5).item() == 2.5
    assert isinstance(x.numpy(), np.ndarray)
    d = y.detach()
    # .data and .detach() are Tensors sharing y's memory (PyTorch), no longer the same ndarray
    assert not d.requires_grad and d.is_leaf and np.shares_memory(d.numpy(), y.numpy())
    assert isinstance(y.data, Tensor) and np.shares_memory(y.data.numpy(), y.numpy())


# -- the known bugs of small engines
def test_node_used_twice():
    x = leaf(3.0)
    (x * x).backward()
    assert x.grad.item() == 6.0
    x = leaf(3.0)
    ((x + x) * x).backward()  # d(2x²)/dx = 4x
    assert x.grad.item() == 12.0


def test_gradients_accumulate_across_backward_calls():
    x = leaf(2.0)
    (x * 3).backward()
    (x * 4).backward()
    assert x.grad.item() == 7.0
    x.zero_grad()
    assert x.grad is None


def test_backward_twice_through_a_freed_graph_is_a_clear_error():
    x = leaf(2.0)
    y = (x * x).exp()
    y.backward()
    with pytest.raises(RuntimeError, match="second time.*retain_graph=True"):
        y.backward()


def test_retain_graph_allows_a_second_backward():
    x = leaf(2.0)
    y = x * x
    y.backward(retain_graph=True)
    y.backward()
    assert x.grad.item() == 8.0


def test_broadcast_gradients_have_the_inputs_shape():
    a, b = leaf(np.ones((3, 1))), leaf(np.ones(4))
    c = leaf(2.0)
    (a * b * c).sum().backward()
    assert a.grad.shape == (3, 1) and b.grad.shape == (4,) and c.grad.shape == ()
    np.testing.assert_allclose(a.grad.numpy(), 8.0)
    np.testing.assert_allclose(b.grad.numpy(), 6.0)
    assert c.grad.item() == 12.0


def test_max_ties_split_the_gradient_evenly():
    x = leaf([1.0, 3.0, 3.0, 2.0])
    x.max().backward()
    np.testing.assert_allclose(x.grad.numpy(), [0, 0.5, 0.5, 0])
    y = leaf([[1.0, 1.0], [0.0, 2.0]])
    y.max(axis=1).sum().backward()
    np.testing.assert_allclose(y.grad.numpy(), [[0.5, 0.5], [0, 1]])


def test_repeated_indices_accumulate():
    x = leaf(np.arange(4.0))
    x[np.array([1, 1, 3, 1])].sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), [0, 3, 0, 1])


def test_deep_chain_has_no_recursion_limit():
    x = leaf(np.full(3, 0.5))
    y = x
    for _ in range(100_000):
        y = y * 1.0
    y.sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), 1.0)


# -- grad modes
def test_no_grad_records_nothing():
    x = leaf(2.0)
    with ag.no_grad():
        y = x * x
        with ag.enable_grad():
            z = x * x
    assert not y.requires_grad and y.is_leaf
    assert z.requires_grad
    assert ag.is_grad_enabled()

    @ag.no_grad()
    def f(t):
        return t * 2

    assert not f(x).requires_grad


def test_constants_need_no_gradient():
    x = leaf(np.ones(3))
    c = Tensor(np.full(3, 2.0))
    (x * c).sum().backward()
    assert c.grad is None


# -- autograd.grad and higher order
def test_grad_returns_without_touching_dot_grad():
    x = leaf(3.0)
    h = x * x
    y = h * 2
    gx, gh = ag.grad(y, [x, h])
    assert (gx.item(), gh.item()) == (12.0, 2.0)
    assert x.grad is None


def test_unused_input():
    x, z = leaf(1.0), leaf(2.0)
    with pytest.raises(RuntimeError, match="not used"):
        ag.grad(x * 2, [x, z], retain_graph=True)
    assert ag.grad(x * 2, [x, z], allow_unused=True)[1] is None


@pytest.mark.parametrize("v", [-1.3, 0.2, 0.9])
def test_third_derivative_of_tanh(v):
    x = leaf(v)
    t = np.tanh(v)
    (g1,) = ag.grad(x.tanh(), x, create_graph=True)
    (g2,) = ag.grad(g1, x, create_graph=True)
    (g3,) = ag.grad(g2, x)
    np.testing.assert_allclose(g1.item(), 1 - t**2)
    np.testing.assert_allclose(g2.item(), -2 * t * (1 - t**2))
    np.testing.assert_allclose(g3.item(), -2 * (1 - t**2) * (1 - 3 * t**2))


def test_derivatives_of_x_cubed():
    x = leaf(2.0)
    (g1,) = ag.grad(x**3, x, create_graph=True)
    (g2,) = ag.grad(g1, x, create_graph=True)
    (g3,) = ag.grad(g2, x)
    assert (g1.item(), g2.item(), g3.item()) == (12.0, 12.0, 6.0)


def assert_hessian_matches_fd(f, z0):
    """The Jacobian of ∇f (built with create_graph) equals central differences of ∇f."""

    def first(z):
        (g,) = ag.grad(f(z), z, create_graph=True)
        return g

    hessian = np.asarray(ag.jacobian(first, leaf(z0.copy()))).reshape(z0.size, z0.size)
    eps = 1e-6
    for k in range(z0.size):
        up, down = z0.copy(), z0.copy()
        up.flat[k] += eps
        down.flat[k] -= eps
        fd = (first(leaf(up)).numpy() - first(leaf(down)).numpy()) / (2 * eps)
        np.testing.assert_allclose(hessian[:, k], fd.ravel(), atol=1e-6)


def test_second_derivative_of_softmax_output_matches_finite_differences():
    assert_hessian_matches_fd(lambda z: ag.softmax(z)[0], np.array([0.3, -1.2, 0.8]))


# cross-entropy and softplus reuse forward values in their VJPs (saves=True); differentiating
# again must not treat those saved values as constants
def test_second_derivative_of_cross_entropy_matches_finite_differences():
    z0 = np.array([[0.3, -1.2, 0.8], [1.0, 0.1, -0.4]])
    assert_hessian_matches_fd(lambda z: ag.cross_entropy(z, np.array([2, 0])), z0)
    w = np.array([0.5, 2.0, 1.0])
    assert_hessian_matches_fd(lambda z: ag.cross_entropy(z, np.array([1, 2]), weight=w), z0)


def test_second_derivative_of_softplus_matches_finite_differences():
    assert_hessian_matches_fd(lambda x: (x.softplus() * Tensor([1.0, -2.0, 0.5])).sum(), np.array([-3.0, 0.2, 4.0]))


def test_an_op_can_save_a_forward_value_for_its_vjp():
    seen = []

    def forward(x):
        e = np.exp(x)
        return e + 1, e  # (output, saved)

    def vjp(g, y, x, saved):
        seen.append(saved)
        return g * saved

    f = ag.primitive(vjp, forward=forward, name="exp_plus_one", saves=True)
    np.testing.assert_allclose(f(np.zeros(2)), [2.0, 2.0])  # on arrays: just the output
    x = leaf([0.0, 1.0])
    f(x).sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), np.exp([0.0, 1.0]))
    assert len(seen) == 1 and seen[0] is not None


def test_number_exponent_is_a_parameter_not_a_node():
    x = leaf(3.0)
    y = x**2
    assert [t.op.name if t.op else None for t in ag.walk(y)] == [None, "pow_scalar"]  # x, then pow: no constant 2
    y.backward()
    assert x.grad.item() == 6.0


def test_toposort_puts_every_node_after_its_inputs():
    x = leaf(np.arange(3.0))
    a = x * 2
    b = x.exp()
    loss = (a * b + a).sum()
    order = list(ag.walk(loss))  # (was toposort, which skipped constants: walk lists them too)
    position = {id(t): i for i, t in enumerate(order)}
    assert order[0] is x and order[-1] is loss
    assert len([t for t in order if t.requires_grad]) == 6 and len(order) == len({id(t) for t in order})
    for t in order:
        assert all(position[id(p)] < position[id(t)] for p in ag.inputs_of(t))


def test_backward_create_graph_gives_differentiable_grad():
    x = leaf(1.5)
    (x**4).backward(create_graph=True)
    g = x.grad  # 4x³, itself a graph
    x.grad = None
    g.backward()
    assert x.grad.item() == pytest.approx(12 * 1.5**2)


# -- errors that name what is wrong
def test_matmul_shape_mismatch_names_both_shapes():
    with pytest.raises(ValueError, match=r"\(2, 3\).*\(4, 5\)"):
        leaf(np.ones((2, 3))) @ Tensor(np.ones((4, 5)))


def test_backward_on_non_scalar_needs_grad():
    y = leaf(np.ones(3)) * 2
    with pytest.raises(RuntimeError, match=r"shape \(3,\)"):
        y.backward()
    y.backward(np.ones(3))


def test_backward_grad_of_wrong_shape():
    y = leaf(np.ones(3)) * 2
    with pytest.raises(ValueError, match=r"\(2,\).*\(3,\)"):
        y.backward(np.ones(2))


def test_backward_on_tensor_without_grad():
    with pytest.raises(RuntimeError, match="does not require grad"):
        Tensor(1.0).backward()


def test_reshape_error_names_shapes():
    with pytest.raises(ValueError, match=r"\(2, 3\).*\(4,\)"):
        Tensor(np.ones((2, 3))).reshape(4)


def test_cross_entropy_bad_targets():
    z = leaf(np.zeros((2, 3)))
    with pytest.raises(IndexError, match="0 to 2"):  # an IndexError, as PyTorch's (was ValueError)
        ag.cross_entropy(z, np.array([0, 3]))
    with pytest.raises(ValueError, match=r"\(2,\)"):
        ag.cross_entropy(z, np.array([0, 1, 2]))


# -- stability at extreme inputs
@pytest.mark.parametrize("big", [1e4, -1e4])
def test_extremes_stay_finite(big):
    z = leaf(np.array([big, 0.0, -big]))
    for f in (ag.softmax, ag.log_softmax, ag.sigmoid, ag.softplus, ag.tanh):
        z.grad = None
        out = f(z)
        assert np.all(np.isfinite(out.numpy())), f
        out.sum().backward()
        assert np.all(np.isfinite(z.grad.numpy())), f
    z.grad = None
    loss = ag.cross_entropy(z.reshape(1, 3), np.array([2]))
    loss.backward()
    assert np.isfinite(loss.item()) and np.all(np.isfinite(z.grad.numpy()))
    assert loss.item() == pytest.approx(2e4 if big > 0 else 0.0)


def test_sigmoid_and_softplus_values():
    x = np.linspace(-30, 30, 13)
    np.testing.assert_allclose(ag.sigmoid(Tensor(x)).numpy(), 1 / (1 + np.exp(-x)), rtol=1e-12, atol=1e-15)
    np.testing.assert_allclose(ag.softplus(Tensor(x)).numpy(), np.log1p(np.exp(x)), rtol=1e-12)


def test_float32_stays_float32_through_a_training_step():
    import nn

    model = nn.MLP([4, 8, 3], activation="sigmoid", dtype=np.float32)
    X = np.random.default_rng(0).standard_normal((5, 4)).astype(np.float32)
    loss = nn.CrossEntropyLoss()(model(X), np.array([0, 1, 2, 0, 1]))
    assert loss.dtype == np.float32
    loss.backward()
    nn.optim.SGD(model.parameters(), lr=0.1, momentum=0.9).step()
    assert all(p.dtype == np.float32 and p.grad.dtype == np.float32 for p in model.parameters())


def test_transpose_forms():
    x = Tensor(np.arange(6.0).reshape(1, 2, 3), requires_grad=True)
    assert x.transpose().shape == x.T.shape == x.transpose(None).shape == (3, 2, 1)
    assert x.transpose(1, 0, 2).shape == x.transpose((1, 0, 2)).shape == (2, 1, 3)
    assert x.swapaxes(0, 2).shape == (3, 2, 1)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_bias_gradients_sum_over_the_batch_in_the_input_dtype(dtype):
    """Σ over leading axes runs as a BLAS product with ones; it must match numpy's sum, keep the
    dtype, and accept non-contiguous and empty gradients."""
    rng = np.random.default_rng(0)
    b = Tensor(np.zeros(5, dtype), requires_grad=True)
    g = rng.standard_normal((5, 7, 3)).astype(dtype).transpose(2, 1, 0)  # (3, 7, 5), not contiguous
    (Tensor(np.zeros((3, 7, 5), dtype)) + b).backward(g)
    assert b.grad.dtype == dtype
    np.testing.assert_allclose(b.grad.numpy(), g.sum(axis=(0, 1)), rtol=1e-5)
    empty = Tensor(np.zeros(5, dtype), requires_grad=True)
    (Tensor(np.zeros((0, 5), dtype)) + empty).backward(np.zeros((0, 5), dtype))
    np.testing.assert_array_equal(empty.grad.numpy(), np.zeros(5))


def test_a_tensor_computed_from_constants_is_a_leaf():
    """Ops on tensors that need no gradient record nothing, so their output is a leaf:
    `(Tensor(w0) * 0.01).requires_grad_()` is a parameter like any other (as in PyTorch)."""
    w = (Tensor(np.ones(3)) * 0.5).requires_grad_()
    assert w.is_leaf and w.op is None
    (w * 2).sum().backward()
    np.testing.assert_array_equal(w.grad.numpy(), [2.0, 2.0, 2.0])
    with ag.no_grad():
        v = leaf(np.ones(2)) * 3
    assert v.is_leaf and not v.requires_grad


# -- issue 13, items 1-8: regression tests (each failed on the old engine, commit 0a1189e)


@pytest.mark.parametrize("name", ["max", "min", "maximum", "minimum", "max_axis", "tie"])
def test_issue13_1_gradients_of_float32_inputs_are_float32(name):
    """The tie-share mask of max/min/maximum/minimum was float64, so autograd.grad returned float64
    gradients for float32 inputs (backward() hid it by casting at the leaf)."""
    x = Tensor(np.array([[1.0, 3.0], [3.0, 2.0]], dtype=np.float32), requires_grad=True)
    other = Tensor(np.array([[2.0, 3.0], [1.0, 0.0]], dtype=np.float32))
    f = {
        "max": lambda: x.max(),
        "min": lambda: x.min(),
        "maximum": lambda: ag.maximum(x, other).sum(),
        "minimum": lambda: ag.minimum(x, other).sum(),
        "max_axis": lambda: x.max(axis=0).sum(),
        "tie": lambda: ag.maximum(x, x * 1.0).sum(),
    }[name]
    (g,) = ag.grad(f(), x)
    assert g.dtype == np.float32
    (g2,) = ag.grad(f(), x, create_graph=True)
    assert g2.dtype == np.float32
    f().backward()
    assert x.grad.dtype == np.float32


def test_issue13_2_pow_at_zero_has_pytorchs_gradients():
    """x ** 0 at x = 0 had a NaN gradient (0 · 0⁻¹), and a ** b at a = b = 0 gave (NaN, −inf);
    PyTorch: ∂/∂a = 0 where b = 0, ∂/∂b = 0 where a = 0 and b ≥ 0."""
    x = Tensor(np.array([0.0, 0.0, 2.0]), requires_grad=True)
    (x**0).sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), [0.0, 0.0, 0.0])
    a = Tensor(np.array([0.0, 0.0, 0.0, 2.0]), requires_grad=True)
    b = Tensor(np.array([0.0, 1.0, 2.0, 0.0]), requires_grad=True)
    (a**b).sum().backward()
    np.testing.assert_array_equal(a.grad.numpy(), [0.0, 1.0, 0.0, 0.0])
    np.testing.assert_array_equal(b.grad.numpy(), [0.0, 0.0, 0.0, np.log(2.0)])
    assert np.all(np.isfinite(a.grad.numpy())) and np.all(np.isfinite(b.grad.numpy()))


def test_issue13_3_min_is_its_own_op():
    """min was −max(−x): wrong at integer limits (min of int32 [0, −2³¹] gave 0), a TypeError on bools."""
    assert Tensor(np.array([0, -(2**31)], dtype=np.int32)).min().item() == -(2**31)
    assert Tensor(np.array([5, 2**63 - 1], dtype=np.int64)).min().item() == 5
    assert Tensor(np.array([True, False])).min().item() is False
    assert Tensor(np.array([7, 3], dtype=np.uint8)).min().item() == 3
    x = Tensor(np.array([2.0, -1.0, 4.0]), requires_grad=True)
    x.min().backward()
    np.testing.assert_array_equal(x.grad.numpy(), [0.0, 1.0, 0.0])


@pytest.mark.parametrize("reduce", ["sum0", "sum-1", "max0", "mean0", "min-1"])
def test_issue13_4_reductions_of_0d_tensors_over_dim_0_and_minus_1(reduce):
    """t.sum(0), t.sum(-1), t.max(0) on a 0-d tensor worked forward but crashed in backward."""
    t = Tensor(np.array(2.5), requires_grad=True)
    out = {
        "sum0": lambda: t.sum(0),
        "sum-1": lambda: t.sum(-1),
        "max0": lambda: t.max(0),
        "mean0": lambda: t.mean(0),
        "min-1": lambda: t.min(-1),
    }[reduce]()
    out = out[0] if isinstance(out, tuple) else out  # max(dim) is (values, indices), as in PyTorch
    assert out.shape == () and out.item() == 2.5
    (out * 3.0).backward()
    assert t.grad.item() == 3.0


@pytest.mark.parametrize("axes", [(0, -1, 1), (-1, 0, 1), (1, -1, -3)])
def test_issue13_5_negative_axes_in_transpose_and_permute(axes):
    """Negative axes got the wrong inverse permutation in backward (and crashed)."""
    x0 = np.arange(24.0).reshape(2, 3, 4)
    x = Tensor(x0, requires_grad=True)
    y = x.transpose(axes)  # numpy's spelling with three or more dims: a permutation
    w = np.random.default_rng(0).standard_normal(np.transpose(x0, axes).shape)
    (y * Tensor(w)).sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), np.transpose(w, np.argsort([a % 3 for a in axes])))


def _counting_vjp(op_function, counter):
    """Make the op's (variadic) VJP count its calls; returns a function that restores it."""
    spec = op_function.op
    original = spec.vjps

    def counted(*args, **kwargs):
        counter.append(1)
        return original[0](*args, **kwargs)

    spec.vjps = (counted,) + original[1:]
    return lambda: setattr(spec, "vjps", original)


@pytest.mark.parametrize("which, n", [("cat", 50_000), ("stack", 100_000)])
def test_issue13_6_wide_graphs_are_linear(which, n):
    """The backward of cat of 50,000 pieces (stack of 100,000 inputs) took minutes: every input's VJP
    sliced ḡ again.  Now one VJP call splits ḡ once for all inputs (structure, not a timing): the VJP
    runs once per node, and every input's gradient is its own piece of that one split."""
    rng = np.random.default_rng(0)
    pieces = [Tensor(rng.standard_normal(2 if which == "cat" else ()), requires_grad=True) for _ in range(n)]
    calls = []
    restore = _counting_vjp(ag.ops._concatenate if which == "cat" else ag.ops._stack, calls)
    try:
        y = ag.cat(pieces) if which == "cat" else ag.stack(pieces)
        w = rng.standard_normal(y.shape)
        (y * Tensor(w)).sum().backward()
    finally:
        restore()
    assert len(calls) == 1
    got = np.concatenate([p.grad.numpy().reshape(-1) for p in pieces])
    np.testing.assert_array_equal(got, w.reshape(-1))


def test_issue13_7_cross_entropy_probability_targets_get_a_gradient():
    """Probability targets got no gradient; PyTorch gives −log ŷ · scale."""
    rng = np.random.default_rng(0)
    z0 = rng.standard_normal((3, 4))
    p0 = rng.dirichlet(np.ones(4), size=3)
    z, p = Tensor(z0, requires_grad=True), Tensor(p0, requires_grad=True)
    ag.cross_entropy(z, p).backward()
    logp = z0 - np.log(np.exp(z0).sum(axis=1, keepdims=True))
    assert p.grad is not None
    np.testing.assert_allclose(p.grad.numpy(), -logp / 3, rtol=1e-12)
    np.testing.assert_allclose(z.grad.numpy(), (np.exp(logp) - p0) / 3, rtol=1e-12, atol=1e-15)


def test_issue13_7_cross_entropy_takes_spatial_logits():
    """Only (N, C) logits were accepted, not (N, C, d₁, …) as PyTorch's losses do."""
    rng = np.random.default_rng(1)
    spatial = rng.standard_normal((2, 4, 3, 5))  # (N, C, d1, d2)
    labels = rng.integers(0, 4, size=(2, 3, 5))
    s = Tensor(spatial, requires_grad=True)
    loss = ag.cross_entropy(s, labels)
    rows = np.moveaxis(spatial, 1, -1).reshape(-1, 4)
    lp = rows - np.log(np.exp(rows).sum(axis=1, keepdims=True))
    assert loss.item() == pytest.approx(-lp[np.arange(30), labels.reshape(-1)].mean(), rel=1e-12)
    assert ag.cross_entropy(s, labels, reduction="none").shape == (2, 3, 5)
    loss.backward()
    expected = np.exp(lp)
    expected[np.arange(30), labels.reshape(-1)] -= 1
    np.testing.assert_allclose(s.grad.numpy(), np.moveaxis((expected / 30).reshape(2, 3, 5, 4), -1, 1), atol=1e-15)


def _two_outputs_one_grad_output():
    x = Tensor(np.array([1.0, 2.0]), requires_grad=True)
    ag.grad([x * 2, x * 3], x, grad_outputs=[np.ones(2)])  # zip dropped y2


def _backward_with(seed):
    x = Tensor(np.array([1.0, 2.0]), requires_grad=True)
    y = (x * 2).sum() if isinstance(seed, str) else x * 2
    y.backward(seed)


SILENT = {  # name: (what a user did, the exception, what its message must say)
    "grad_outputs_too_short": (_two_outputs_one_grad_output, ValueError, "2 outputs but 1 grad_outputs"),
    "tensor_of_none": (lambda: Tensor(None), TypeError, "is None"),
    "none_inside_a_list": (lambda: Tensor([1, None, 3]), TypeError, "contains None"),  # was NaN
    "seed_is_a_list": (lambda: _backward_with([1.0, 1.0]), TypeError, "must be a Tensor.*got list"),
    "seed_is_a_string": (lambda: _backward_with("1"), TypeError, "must be a Tensor.*got str"),
    "swapaxes_out_of_range": (
        lambda: Tensor(np.ones((2, 3))).swapaxes(0, 5),
        IndexError,
        "dim 5 is out of range for a tensor with 2 dimensions",
    ),
}


@pytest.mark.parametrize("name", sorted(SILENT))
def test_issue13_8_silent_acceptance_is_a_clear_error(name):
    fn, error, message = SILENT[name]
    with pytest.raises(error, match=message):
        fn()


def test_names_with_control_characters_are_shown_escaped():
    """(Issue 13 item 8's `dot` failure on such names is the renderer's; here: the engine keeps them.)"""
    named = Tensor(np.ones(2), name="a\x00b\n<c>")
    assert "\\x00" in repr(named) and "\n" not in repr(named)


def test_create_graph_without_retain_graph_on_matrices():
    """create_graph=True with retain_graph=False walks Tensors; freeing a 2-D node read `.size` of a Tensor
    (a method there) and crashed."""
    x = leaf(np.arange(6.0).reshape(2, 3))
    (g,) = ag.grad((x * x).sum(), x, create_graph=True, retain_graph=False)
    np.testing.assert_array_equal(g.numpy(), 2 * x.numpy())
    (h,) = ag.grad(g.sum(), x)
    np.testing.assert_array_equal(h.numpy(), np.full((2, 3), 2.0))


def test_tensors_hash_by_identity_and_compare_elementwise():
    a, b = Tensor([1.0, 2.0]), Tensor([1.0, 2.0])
    seen = {a: "a", b: "b"}
    assert seen[a] == "a" and seen[b] == "b" and len({a, b, a}) == 2
    assert (a == b).dtype == np.bool_ and (a == b).all() and a is not b
    with pytest.raises(RuntimeError, match="ambiguous"):
        a in [b]  # noqa: B015  (as in PyTorch: `in` compares elementwise, then asks for one bool)


def test_constructor_arguments_in_pytorchs_order():
    w = Tensor([1.0, 2.0], ag.float32, True, "w")
    assert (w.dtype, w.requires_grad, w.name, w.is_leaf) == (np.float32, True, "w", True)
    assert ag.tensor([1, 2], dtype=ag.float64, requires_grad=True).requires_grad


@pytest.mark.parametrize(
    "make",
    [
        lambda **k: ag.zeros(2, 3, **k),
        lambda **k: ag.ones((2, 3), **k),
        lambda **k: ag.full((2, 3), 1.5, **k),
        lambda **k: ag.empty(2, 3, **k),
        lambda **k: ag.zeros_like(ag.ones(2, 3), **k),
        lambda **k: ag.ones_like(ag.ones(2, 3), **k),
        lambda **k: ag.full_like(ag.ones(2, 3), 7.0, **k),
        lambda **k: ag.arange(0.0, 3.0, **k),
        lambda **k: ag.linspace(0, 1, 4, **k),
        lambda **k: ag.eye(3, **k),
        lambda **k: ag.rand(2, 3, **k),
        lambda **k: ag.randn(2, 3, **k),
    ],
)
def test_factories_take_dtype_and_requires_grad(make):
    t = make(dtype=ag.float32, requires_grad=True)
    assert t.dtype == np.float32 and t.requires_grad and t.is_leaf
    assert make().dtype == np.float64 and not make().requires_grad  # our documented default: float64
    (t * 2).sum().backward()
    assert t.grad.dtype == np.float32 and np.all(t.grad.numpy() == 2)


def test_integer_factories():
    assert ag.randint(0, 5, (4,)).dtype == np.int64 and ag.randperm(4).dtype == np.int64
    assert ag.arange(4).dtype == np.int64 and ag.full((2,), 3).dtype == np.int64
    assert ag.randint(0, 5, (4,), dtype=ag.int32).dtype == np.int32
    with pytest.raises(TypeError, match="only floating-point tensors can require gradients"):
        ag.arange(3, requires_grad=True)


def test_numpy_spellings_beside_pytorchs():
    """axis=/keepdims= keep working wherever dim=/keepdim= do (numpy's spelling, PyTorch's meaning)."""
    x = Tensor(np.arange(6.0).reshape(2, 3))
    for name in ("sum", "mean", "prod", "amax", "amin", "logsumexp", "norm", "var", "std", "all", "any"):
        fn = getattr(x, name)
        assert fn(axis=1, keepdims=True).shape == fn(dim=1, keepdim=True).shape == (2, 1), name
    assert x.argmax(axis=1, keepdims=True).shape == (2, 1) and x.count_nonzero(axis=0).tolist() == [1, 2, 2]
    assert x.max(axis=1).shape == (2,) and isinstance(x.max(1), tuple)  # axis=: values; dim: (values, indices)
