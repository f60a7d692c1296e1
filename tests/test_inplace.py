"""In-place changes by PyTorch's rules: recorded on tensors in the graph, version counters, slices, history.

Each case runs on autograd and, when installed, on torch with the same code, and returns values (or
the kind of error) that must agree; a few behaviours that differ on purpose are tested at the end.
"""

from __future__ import annotations

import numpy as np
import pytest

import autograd as ag

try:
    import torch
except ImportError:
    torch = None

CASES = []


def case(fn):
    CASES.append(fn)
    return fn


def leaf(M, v):
    return M.tensor(v, dtype=M.float64, requires_grad=True)


def weights(M, *shape):
    return M.tensor(np.arange(1.0, 1.0 + np.prod(shape)).reshape(shape), dtype=M.float64)


def version_error(fn):
    """True when fn raises the version-counter error (both libraries say "modified by an inplace operation")."""
    try:
        fn()
    except RuntimeError as e:
        return "modified by an inplace operation" in str(e)
    return False


@case
def earlier_users_see_the_value_from_before(M):
    """a = h * 3 was made before h.add_(1): its gradient goes to h as it was (the walk reroutes a's input)."""
    x = leaf(M, [1.0, 2.0])
    h = x * 1
    a = h * 3
    h.add_(1)
    (a + h * weights(M, 2)).sum().backward()
    return a, h, x.grad


@case
def chain_of_in_place_ops_on_a_non_leaf(M):
    x = leaf(M, [1.0, 2.0, 3.0])
    y = x * 1
    y.masked_fill_(y > 2.5, 0.0)
    y.clamp_(min=0.5)
    y.pow_(2)
    y.add_(1).mul_(2).sub_(0.5).div_(3)
    (y * weights(M, 3)).sum().backward()
    return y, x.grad


@case
def in_place_operators_on_a_non_leaf(M):
    x = leaf(M, [1.0, -2.0])
    y = x * 2
    y += 1
    y *= x
    y -= 3
    y /= 2
    (y * weights(M, 2)).sum().backward()
    return y, x.grad


@case
def matmul_in_place(M):
    x = leaf(M, [[1.0, 2.0], [3.0, 4.0]])
    y = x * 1
    y @= M.tensor([[0.0, 1.0], [1.0, 0.0]], dtype=M.float64)
    (y * weights(M, 2, 2)).sum().backward()
    return y, x.grad


@case
def augmented_assignment_on_a_slice(M):
    """h[0] += 5 on a tensor in the graph: written into h and recorded (it raised before)."""
    x = leaf(M, [[1.0, 2.0], [3.0, 4.0]])
    h = x * 1
    h[0] += 5
    h[:, 1] *= 2
    h[1] = h[1] * 3
    (h * weights(M, 2, 2)).sum().backward()
    return h, x.grad


@case
def in_place_methods_on_a_slice(M):
    x = leaf(M, [[1.0, 2.0], [3.0, 4.0]])
    h = x * 1
    row = h[0]
    row.mul_(10)
    row.add_(row)
    h[1:, :].clamp_(max=3.5)
    (h * weights(M, 2, 2)).sum().backward()
    return h, row, x.grad


@case
def setitem_of_a_tensor_that_needs_grad_into_a_constant(M):
    """buf = zeros(...); buf[0] = w: buf joins the graph (it is no longer a leaf)."""
    w = leaf(M, [1.0, 2.0])
    buf = M.zeros(3, 2, dtype=M.float64)
    buf[0] = w
    buf[2] = w**2
    (buf * weights(M, 3, 2)).sum().backward()
    return buf, buf.requires_grad, buf.is_leaf, w.grad


@case
def masked_setitem_in_the_graph(M):
    x = leaf(M, [1.0, -2.0, 3.0])
    y = x * 2
    y[y < 0] = 0.0
    (y * weights(M, 3)).sum().backward()
    return y, x.grad


@case
def update_of_a_saved_input_is_caught(M):
    w = leaf(M, [1.0, 2.0])
    loss = (w * w).sum()
    with M.no_grad():
        w.mul_(0.5)
    return version_error(loss.backward), w


@case
def update_of_a_saved_output_is_caught(M):
    x = leaf(M, [1.0, 2.0])
    y = x.sigmoid()  # σ' = σ(1 − σ) reads the output
    y.mul_(2)
    return version_error(lambda: y.sum().backward())


@case
def update_through_detach_is_caught(M):
    """detach() shares the version counter, as in PyTorch."""
    x = leaf(M, [1.0, 2.0])
    y = x.exp()
    y.detach().zero_()
    return version_error(lambda: y.sum().backward())


@case
def update_of_an_unsaved_input_is_fine(M):
    """add's VJP reads neither input: changing one after the forward pass is no error (as in PyTorch)."""
    x = leaf(M, [1.0, 2.0])
    c = M.tensor([1.0, 1.0], dtype=M.float64)
    y = x + c
    c.add_(5)
    y.sum().backward()
    return x.grad


@case
def slice_update_of_a_saved_output_is_caught(M):
    x = leaf(M, [1.0, 2.0])
    y = x.exp()
    return version_error(lambda: (y.__setitem__(0, 7.0), y.sum().backward()))


@case
def versions_count(M):
    t = M.zeros(3, dtype=M.float64)
    versions = [t._version]
    t.add_(1)
    versions.append(t._version)
    t[0] = 2.0
    versions.append(t._version)
    t.view(3).mul_(2)  # through a view: the same counter
    versions.append(t._version)
    return versions, t


@case
def no_grad_update_then_a_new_graph(M):
    w = leaf(M, [1.0, 2.0])
    for _ in range(3):
        loss = (w * w * weights(M, 2)).sum()
        w.grad = None
        loss.backward()
        with M.no_grad():
            w.sub_(0.1 * w.grad)
    return w, w.grad, w.is_leaf


@case
def in_place_under_no_grad_writes_through_views(M):
    a = M.zeros(2, 3, dtype=M.float64)
    a[:, 1] += 1
    a.t()[2].fill_(5)
    a.view(-1)[0] = -1
    return a


@case
def leaf_errors(M):
    def attempt(fn):
        try:
            fn()
        except RuntimeError as e:
            return "in-place operation" in str(e)
        return False

    w = leaf(M, [1.0, 2.0])
    return (
        attempt(lambda: w.add_(1)),
        attempt(lambda: w.__setitem__(0, 1.0)),
        attempt(lambda: w[0:1].mul_(2)),
        attempt(lambda: w.zero_()),
    )


def _plain(v, M):
    if isinstance(v, (tuple, list)):
        return [_plain(x, M) for x in v]
    if isinstance(v, ag.Tensor):
        return v.numpy().astype(float).tolist()
    if torch is not None and isinstance(v, torch.Tensor):
        return v.detach().double().numpy().tolist()
    return v


@pytest.mark.parametrize("fn", CASES, ids=[f.__name__ for f in CASES])
def test_runs_on_autograd(fn):
    assert fn(ag) is not None


@pytest.mark.parametrize("fn", CASES, ids=[f.__name__ for f in CASES])
def test_matches_torch(fn):
    if torch is None:
        pytest.skip("torch is not installed")
    ours, theirs = _plain(fn(ag), ag), _plain(fn(torch), torch)
    np.testing.assert_equal(ours, theirs) if not _has_floats(ours) else _close(ours, theirs)


def _has_floats(v):
    return isinstance(v, float) or isinstance(v, list) and any(_has_floats(x) for x in v)


def _close(a, b):
    if isinstance(a, list):
        assert isinstance(b, list) and len(a) == len(b), (a, b)
        for x, y in zip(a, b):
            _close(x, y)
    elif isinstance(a, float):
        assert a == pytest.approx(b, rel=1e-12, abs=1e-12), (a, b)
    else:
        assert a == b, (a, b)


# ----------------------------------------------------------------------------- deliberate differences


def test_repeated_in_place_on_itself_is_exact_here():
    """y.mul_(y) after y.pow_(2): torch raises (mul_ saved y, then changed it); here the new node keeps a
    copy of y from before (as pow_ does in both), so the gradient is exact: d/dx (x²)² = 4x³."""
    x = ag.tensor([1.0, 2.0], requires_grad=True)
    y = x * 1
    y.pow_(2)
    y.mul_(y)
    y.sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), 4 * x.numpy() ** 3)


def test_changes_through_data_are_caught_here():
    """torch does not count changes made through `.data` (so its backward then silently uses the new
    values); here `.data` shares the version counter, so the mistake is an error."""
    w = ag.tensor([1.0, 2.0], requires_grad=True)
    loss = (w * w).sum()
    w.data.mul_(0.5)
    with pytest.raises(RuntimeError, match="modified by an inplace operation"):
        loss.backward()


def test_views_other_than_slices_are_an_error_in_the_graph():
    """torch also supports in-place ops on reshape/transpose/expand views of tensors in the graph; here only
    slices (x[index]) are, and the error says what to do instead."""
    h = ag.tensor([1.0, 2.0], requires_grad=True) * 2
    with pytest.raises(RuntimeError, match=r"slices x\[index\] only.*out-of-place"):
        h.reshape(2, 1).add_(1)
    with pytest.raises(RuntimeError, match=r"slices x\[index\] only"):
        h[0:2][0:1].add_(1)  # a view of a view
