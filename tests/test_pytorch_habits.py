"""PyTorch habits: small programs written the PyTorch way, run on autograd and on real torch, compared.

Each snippet is a function of one argument, the module, named `torch` so it reads like PyTorch
code: it runs once as `snippet(autograd)` and, when torch is installed, once as `snippet(torch)`;
the results (tensors, numbers, shapes, dtype names, booleans, error kinds) must agree value for
value: same shape, same dtype *category* (float, int, bool), same values (rtol 1e-5, since torch
computes Python floats in float32), same requires_grad.

Deliberate differences are stated where they matter, never hidden:
* Python floats make float64 here, float32 in torch: snippets compare `x.dtype == default_float(torch)`.
* Errors are compared by exception type and by phrases both messages contain.
* micrograd's `p.grad = 0.0` (a TypeError in torch) and a few conveniences torch lacks are tested at the
  end, against autograd only (`test_conveniences_beyond_torch`).
"""

from __future__ import annotations

import threading
import warnings

import numpy as np
import pytest

import autograd

SNIPPETS = []


def habit(fn):
    SNIPPETS.append(fn)
    return fn


def default_float(torch):
    """The library's default float dtype: float64 here (documented), float32 in torch."""
    return torch.float64 if torch is autograd else torch.float32


def error(fn, *phrases):
    """What a user sees when fn() fails: the exception type and whether its message has every phrase."""
    try:
        fn()
    except Exception as e:  # noqa: BLE001  (the type is the result)
        return type(e).__name__, all(p in str(e) for p in phrases)
    return "no error"


def data(*shape, seed=0):
    """The same float64 numbers for both libraries (as a numpy array)."""
    return np.random.default_rng(seed).standard_normal(shape)


# ----------------------------------------------------------------------------- construction and dtypes


@habit
def int_list_is_int64(torch):
    y = torch.tensor([0, 2, 1])
    return y, str(y.dtype)


@habit
def float_list_is_the_default_float(torch):
    x = torch.tensor([1.0, 2.5])
    return x, x.dtype == default_float(torch)


@habit
def python_ints_keep_a_small_integer_dtype(torch):
    x = torch.tensor([1, 2, 3], dtype=torch.int32)
    u = torch.tensor([1, 2, 250], dtype=torch.uint8)
    results = [x * 3, x + 1, 7 - x, x // 2, x % 2, u + 1, x * torch.tensor(2)]
    return [str(r.dtype) for r in results], [r.tolist() for r in results]


@habit
def bool_list_is_bool(torch):
    m = torch.tensor([True, False])
    return m, str(m.dtype)


@habit
def mixed_int_float_list_is_float(torch):
    x = torch.tensor([1, 2.5, 3])
    return x, x.dtype == default_float(torch)


@habit
def explicit_dtype(torch):
    x = torch.tensor([1, 2], dtype=torch.float32)
    return x, str(x.dtype)


@habit
def numpy_arrays_keep_their_dtype(torch):
    a = torch.tensor(np.array([1, 2]))
    b = torch.tensor(np.array([1.0, 2.0], dtype=np.float32))
    c = torch.tensor(np.array([1.0, 2.0]))
    return str(a.dtype), str(b.dtype), str(c.dtype)


@habit
def requires_grad_leaf(torch):
    x = torch.tensor([1.0, 2.0], requires_grad=True)
    return x.requires_grad, x.is_leaf, x.grad is None, x.grad_fn is None


@habit
def zeros_and_ones(torch):
    a, b = torch.zeros(2, 3), torch.ones((2, 3))
    return a, b, a.dtype == default_float(torch), tuple(a.shape)


@habit
def like_factories_keep_dtype(torch):
    i = torch.tensor([1, 2, 3])
    return torch.zeros_like(i), torch.ones_like(i), str(torch.full_like(i, 7).dtype)


@habit
def full_takes_the_fill_values_type(torch):
    return torch.full((2, 2), 7), str(torch.full((2,), 7).dtype), torch.full((2,), 1.5).dtype == default_float(torch)


@habit
def arange_int_and_float(torch):
    a, b = torch.arange(5), torch.arange(0, 1, 0.25)
    return a, str(a.dtype), b, b.dtype == default_float(torch)


@habit
def linspace_and_eye(torch):
    return torch.linspace(0, 1, 5), torch.eye(3), torch.eye(2, 3)


@habit
def factories_with_dtype_and_requires_grad(torch):
    w = torch.zeros(3, dtype=torch.float32, requires_grad=True)
    v = torch.ones(2, 2, dtype=torch.float64, requires_grad=True)
    return str(w.dtype), w.requires_grad, w.is_leaf, str(v.dtype), v.requires_grad


@habit
def random_factories_shapes(torch):
    x = torch.randn(3, 4, requires_grad=True)
    u = torch.rand(2, 5)
    return tuple(x.shape), x.requires_grad, x.dtype == default_float(torch), bool(((u >= 0) & (u < 1)).all())


@habit
def randint_range_and_dtype(torch):
    torch.manual_seed(3)
    r = torch.randint(0, 10, (50,))
    return str(r.dtype), bool((r >= 0).all()), bool((r < 10).all()), tuple(r.shape)


@habit
def randperm_is_a_permutation(torch):
    p = torch.randperm(6)
    return torch.sort(p).values, p.sort().values, str(p.dtype)


@habit
def manual_seed_repeats(torch):
    torch.manual_seed(0)
    a = torch.randn(3)
    torch.manual_seed(0)
    b = torch.randn(3)
    c = torch.randn(3)
    return bool((a == b).all()), bool((a == c).all())


@habit
def from_numpy_shares_memory(torch):
    a = np.zeros(3)
    t = torch.from_numpy(a)
    a[0] = 5.0
    t[1] = 7.0
    return t, a.tolist()


@habit
def tensor_copies_its_input(torch):
    a = np.zeros(3)
    t = torch.tensor(a)
    a[0] = 5.0
    return t


@habit
def edited_array_does_not_change_the_graph(torch):
    """Issue 11: editing the caller's array after building the graph gave x.grad = [20, 20]."""
    a = np.array([1.0, 2.0])
    x = torch.tensor(a, requires_grad=True)
    loss = (x * x).sum()
    a[:] = 10
    loss.backward()
    return x.grad


@habit
def device_is_cpu(torch):
    x = torch.ones(2)
    return str(x.device), str(x.to("cpu").device), x.cpu().shape == x.shape


@habit
def casts(torch):
    x = torch.tensor([1.7, -2.2])
    return (
        str(x.float().dtype),
        str(x.double().dtype),
        x.long(),
        str(x.long().dtype),
        x.int(),
        x.bool(),
        str(x.half().dtype),
    )


@habit
def to_dtype_and_to_other(torch):
    x = torch.tensor([1, 2])
    y = torch.tensor([0.5], dtype=torch.float32)
    return x.to(torch.float32), str(x.to(y).dtype), str(x.to(dtype=torch.float64).dtype)


@habit
def numpy_tolist_item(torch):
    x = torch.tensor([[1.5, 2.0]])
    arr = x.numpy()
    arr[0, 0] = 9.0  # shares memory
    return type(arr).__name__, x.tolist(), x[0, 1].item(), type(x.sum().item()).__name__


@habit
def is_floating_point(torch):
    return torch.tensor([1.0]).is_floating_point(), torch.tensor([1]).is_floating_point()


# ----------------------------------------------------------------------------- shapes


@habit
def size_numel_dim(torch):
    x = torch.zeros(2, 3, 4)
    return tuple(x.size()), x.size(1), x.size(-1), x.numel(), x.dim(), x.ndim, len(x), tuple(x.shape)


@habit
def shape_compares_with_a_tuple(torch):
    x = torch.zeros(2, 3)
    return x.shape == (2, 3), x.size() == (2, 3), x.shape[0], x.size()[1]


@habit
def view_and_reshape(torch):
    x = torch.arange(6.0)
    return x.view(2, 3), x.view(-1, 2), x.reshape(3, -1), x.view(2, 3).view(6)


@habit
def view_of_a_transpose_needs_reshape(torch):
    x = torch.arange(6.0).view(2, 3).t()
    return error(lambda: x.view(-1), ".reshape("), x.reshape(-1)


@habit
def transpose_swaps_two_dims(torch):
    """Issue 11: on 2-D, transpose(0, 1) returned x unchanged (numpy's permutation)."""
    x = torch.arange(6).view(2, 3)
    return x.transpose(0, 1), x.transpose(1, 0), x.t(), x.T


@habit
def transpose_3d_and_negative_dims(torch):
    x = torch.arange(24).view(2, 3, 4)
    return x.transpose(0, 2).shape, x.transpose(-1, -2).shape, x.mT.shape, x.permute(2, 0, 1).shape


@habit
def permute_values(torch):
    x = torch.arange(6).view(1, 2, 3)
    return x.permute(2, 1, 0), x.permute(0, 2, 1).contiguous().view(-1)


@habit
def unsqueeze_and_squeeze(torch):
    x = torch.zeros(3)
    y = torch.zeros(1, 3, 1)
    return (
        x.unsqueeze(0).shape,
        x.unsqueeze(-1).shape,
        y.squeeze().shape,
        y.squeeze(0).shape,
        y.squeeze(-1).shape,
        y.squeeze(1).shape,
    )  # squeeze of a dim that is not 1: a no-op


@habit
def flatten_dims(torch):
    x = torch.zeros(2, 3, 4, 5)
    return x.flatten().shape, x.flatten(1).shape, x.flatten(0, 1).shape, x.flatten(start_dim=1, end_dim=2).shape


@habit
def expand_and_repeat(torch):
    x = torch.tensor([[1], [2]])
    return x.expand(2, 3), x.expand(-1, 4).shape, x.repeat(2, 3), x.repeat(1, 1, 2).shape


@habit
def clone_is_independent(torch):
    x = torch.tensor([1.0, 2.0])
    y = x.clone()
    y[0] = 100.0
    return x, y


@habit
def cat_and_stack(torch):
    a, b = torch.ones(2, 3), torch.zeros(2, 3)
    return (
        torch.cat([a, b]).shape,
        torch.cat((a, b), dim=1).shape,
        torch.stack([a, b]).shape,
        torch.stack([a, b], dim=-1).shape,
        torch.cat([a, b], -1),
    )


@habit
def split_and_chunk(torch):
    x = torch.arange(10)
    return (
        [p.tolist() for p in x.split(3)],
        [p.tolist() for p in x.chunk(3)],
        [p.tolist() for p in x.split([2, 8])],
        [p.shape for p in torch.arange(12).view(3, 4).split(2, dim=1)],
    )


@habit
def flip_and_unbind(torch):
    x = torch.arange(6).view(2, 3)
    return x.flip(0), x.flip(1), [t.tolist() for t in x.unbind(1)]


# ----------------------------------------------------------------------------- comparisons, masks, indexing


@habit
def equality_is_elementwise(torch):
    """Issue 11: `a == b` was one Python bool (identity)."""
    a, b = torch.tensor([1, 2, 3]), torch.tensor([1, 0, 3])
    return a == b, a != b, (a == b).sum(), bool((a == a).all())


@habit
def equality_mask_selects_rows(torch):
    """Issue 11: X[y == 1] silently selected nothing."""
    X = torch.tensor(data(5, 2))
    y = torch.tensor([0, 1, 1, 0, 1])
    return X[y == 1], X[y == 1].shape


@habit
def comparison_with_a_number(torch):
    x = torch.tensor([-1.0, 0.0, 2.0])
    return x > 0, x <= 0, (x > 0).float(), str((x > 0).float().dtype), x == 0.0


@habit
def masks_combine(torch):
    x = torch.tensor([-2.0, -0.5, 0.5, 2.0])
    return (x > -1) & (x < 1), (x < -1) | (x > 1), ~(x > 0), x[(x > -1) & (x < 1)]


@habit
def accuracy(torch):
    logits = torch.tensor(data(6, 3))
    labels = torch.tensor([0, 1, 2, 0, 1, 2])
    pred = logits.argmax(dim=1)
    return pred, (pred == labels).float().mean().item(), (pred == labels).sum().item()


@habit
def masked_assignment_under_no_grad(torch):
    x = torch.tensor([-1.0, 2.0, -3.0])
    x[x < 0] = 0.0
    return x


@habit
def where_and_masked_fill(torch):
    x = torch.tensor([-1.0, 2.0, -3.0])
    return torch.where(x > 0, x, torch.zeros_like(x)), x.masked_fill(x < 0, 9.0), torch.where(x > 0, x, 0.0)


@habit
def basic_indexing(torch):
    x = torch.arange(12).view(3, 4)
    return x[0], x[:, 0], x[1:3], x[..., -1], x[-1, -2], x[None].shape, x[:, None, 1].shape


@habit
def integer_array_indexing(torch):
    x = torch.arange(12).view(3, 4)
    return x[[0, 2]], x[torch.tensor([0, 0, 1])], x[torch.tensor([0, 2]), torch.tensor([1, 3])], x[:, [3, 0]]


@habit
def picking_one_entry_per_row(torch):
    logp = torch.tensor(data(4, 3)).log_softmax(dim=1)
    y = torch.tensor([2, 0, 1, 1])
    return logp[torch.arange(4), y], -logp[range(4), y].mean()


@habit
def argmax_as_an_index(torch):
    x = torch.tensor([3.0, 9.0, 1.0])
    i = x.argmax()
    return i, x[i], int(i), str(i.dtype)


@habit
def contains_and_iteration(torch):
    x = torch.tensor([1, 2, 3])
    return 2 in x, 5 in x, [int(v) for v in x], int(sum(x))


# ----------------------------------------------------------------------------- reductions


@habit
def sums_and_means(torch):
    x = torch.tensor(data(2, 3))
    return x.sum(), x.sum(dim=0), x.sum(1, keepdim=True), x.mean(dim=-1), x.mean((0, 1)), torch.sum(x, 0)


@habit
def max_without_dim_is_a_value(torch):
    x = torch.tensor([[1.0, 5.0], [7.0, 2.0]])
    return x.max(), x.min(), torch.max(x)


@habit
def max_with_dim_gives_values_and_indices(torch):
    x = torch.tensor([[1.0, 5.0, 3.0], [7.0, 2.0, 7.0]])
    values, indices = x.max(dim=1)
    v0, i0 = x.max(0)
    return values, indices, v0, i0, x.max(1)[0], x.max(1).indices, x.min(dim=1, keepdim=True).values.shape


@habit
def argmax_argmin(torch):
    x = torch.tensor([[1.0, 5.0, 3.0], [7.0, 2.0, 0.0]])
    return x.argmax(), x.argmax(dim=1), x.argmin(0), x.argmax(1, keepdim=True)


@habit
def var_std_correction(torch):
    """PyTorch's default is correction=1 (numpy's is 0)."""
    x = torch.tensor([1.0, 2.0, 4.0, 7.0])
    return (
        x.var(),
        x.std(),
        x.var(unbiased=False),
        x.std(correction=0),
        x.var(correction=0),
        torch.tensor(data(3, 4)).var(dim=1),
    )


@habit
def prod_logsumexp_norm(torch):
    x = torch.tensor([[1.0, -2.0], [3.0, 0.5]])
    return x.prod(), x.prod(1), x.logsumexp(dim=1), x.norm(), x.norm(p=1), x.norm(dim=0)


@habit
def cumsum_amax_amin(torch):
    x = torch.tensor([[1.0, -2.0, 4.0], [3.0, 0.5, -1.0]])
    return x.cumsum(dim=1), x.cumsum(0), x.amax(dim=(0, 1)), x.amin(dim=0), x.amax(1, keepdim=True)


@habit
def elementwise_max_of_two(torch):
    a, b = torch.tensor([1.0, 5.0]), torch.tensor([3.0, 2.0])
    return torch.max(a, b), torch.min(a, b), torch.maximum(a, b), a.clamp(min=2.0), a.clamp(2.0, 4.0)


@habit
def all_any(torch):
    x = torch.tensor([[True, False], [True, True]])
    return x.all(), x.any(), x.all(dim=1), x.any(dim=0)


# ----------------------------------------------------------------------------- arithmetic and numbers


@habit
def format_a_loss(torch):
    """Issue 11: f"{loss:.4f}" was a TypeError."""
    loss = torch.tensor([0.5, 0.25]).mean()
    return f"{loss:.4f}", f"{loss.item():.2e}", f"{float(loss):.3f}"


@habit
def numbers_from_one_element_tensors(torch):
    t = torch.tensor(3.7)
    return float(t), int(t), int(torch.tensor([2])), bool(torch.tensor(1.0)), t.item()


@habit
def tensors_in_if_statements(torch):
    loss = torch.tensor(0.2)
    return "small" if loss < 0.5 else "big", bool(torch.tensor([0.0]))


@habit
def ambiguous_truth_value(torch):
    return error(lambda: bool(torch.tensor([1.0, 2.0])), "ambiguous")


@habit
def operators(torch):
    x = torch.tensor([1.0, 2.0, 3.0])
    return x**2, 2**x, x / 2, 1 / x, -x, abs(-x), x - 1, 10 - x, x * x


@habit
def integer_arithmetic(torch):
    i = torch.tensor([3, -3, 7])
    return i // 2, i % 2, i * 2, str((i * 2).dtype), (i / 2), (i / 2).is_floating_point()


@habit
def int_tensor_plus_float_is_float(torch):
    i = torch.tensor([1, 2])
    return (i + 0.5), (i + 0.5).is_floating_point(), (i + 1).is_floating_point()


@habit
def float32_stays_float32(torch):
    x = torch.tensor([1.0, 2.0], dtype=torch.float32)
    return str((x * 2.5 + 1).dtype), str((x * torch.tensor(2.0)).dtype), str((x / 3).exp().dtype)


@habit
def matmul_forms(torch):
    A, v = torch.tensor(data(2, 3)), torch.tensor(data(3))
    B = torch.tensor(data(3, 4, seed=1))
    return A @ B, A @ v, v @ v, torch.matmul(A, B), A.mm(B), A.mv(v), torch.dot(v, v)


@habit
def broadcasting(torch):
    col, row = torch.tensor([[1.0], [2.0], [3.0]]), torch.tensor([10.0, 20.0])
    return (col + row).shape, col * row, (torch.ones(2, 1, 3) + torch.ones(4, 1)).shape


@habit
def elementwise_functions(torch):
    x = torch.tensor([0.5, 1.0, 2.0])
    return (
        x.exp(),
        x.log(),
        x.sqrt(),
        x.sin(),
        x.cos(),
        x.tanh(),
        x.sigmoid(),
        x.relu(),
        torch.exp(x),
        x.log2(),
        x.exp2(),
        x.log1p(),
        x.expm1(),
        x.rsqrt(),
        x.reciprocal(),
        x.square(),
    )


@habit
def softmax_functions(torch):
    z = torch.tensor(data(2, 3))
    return torch.softmax(z, dim=1), z.softmax(0), z.log_softmax(dim=-1), torch.log_softmax(z, 1)


@habit
def rounding(torch):
    x = torch.tensor([-1.5, -0.4, 0.5, 1.6])
    return x.round(), x.floor(), x.ceil(), x.sign(), x.abs()


@habit
def python_sum_of_tensors(torch):
    xs = [torch.tensor(1.5), torch.tensor(2.0), torch.tensor(-0.5)]
    return sum(xs), sum(x * x for x in xs)


# ----------------------------------------------------------------------------- autograd basics


@habit
def backward_of_a_square(torch):
    x = torch.tensor(3.0, requires_grad=True)
    y = x**2
    y.backward()
    return x.grad, y.grad_fn is not None, x.grad_fn is None


@habit
def report_000_graph(torch):
    x, m, b = (torch.tensor(v, requires_grad=True) for v in (2.0, 3.0, 1.0))
    loss = ((x * m + b).relu() - 4.0) ** 2
    loss.backward()
    return loss, x.grad, m.grad, b.grad


@habit
def gradients_accumulate(torch):
    x = torch.tensor([1.0, 2.0], requires_grad=True)
    (x * 3).sum().backward()
    (x * x).sum().backward()
    return x.grad


@habit
def zero_the_gradient(torch):
    x = torch.tensor([1.0, 2.0], requires_grad=True)
    (x * 3).sum().backward()
    g = x.grad
    x.grad.zero_()
    (x * 2).sum().backward()
    return x.grad, g is x.grad  # zero_ worked in place on the same tensor


@habit
def grad_set_to_none(torch):
    x = torch.tensor([1.0, 2.0], requires_grad=True)
    (x * 3).sum().backward()
    x.grad = None
    (x * 2).sum().backward()
    return x.grad


@habit
def grad_is_a_tensor(torch):
    x = torch.tensor([1.0, 2.0], requires_grad=True)
    (x * x).sum().backward()
    return isinstance(x.grad, torch.Tensor), type(x.grad) is type(x), x.grad.requires_grad, tuple(x.grad.shape)


@habit
def broadcast_gradients_have_the_inputs_shape(torch):
    a = torch.ones(3, 1, requires_grad=True)
    b = torch.ones(4, requires_grad=True)
    (a * b * 2).sum().backward()
    return a.grad, b.grad


@habit
def node_used_twice(torch):
    x = torch.tensor(3.0, requires_grad=True)
    ((x + x) * x).backward()
    return x.grad


@habit
def backward_with_a_gradient(torch):
    x = torch.tensor([1.0, 2.0, 3.0], requires_grad=True)
    y = x * 2
    y.backward(torch.tensor([1.0, 0.0, -1.0]))
    return x.grad


@habit
def backward_of_a_vector_needs_a_gradient(torch):
    y = torch.tensor([1.0, 2.0], requires_grad=True) * 2
    return error(lambda: y.backward(), "grad can be implicitly created only for")


@habit
def backward_twice_is_an_error(torch):
    x = torch.tensor(2.0, requires_grad=True)
    y = (x * x).exp()
    y.backward()
    return error(lambda: y.backward(), "second time", "retain_graph=True")


@habit
def retain_graph_allows_a_second_backward(torch):
    x = torch.tensor(2.0, requires_grad=True)
    y = x * x
    y.backward(retain_graph=True)
    y.backward()
    return x.grad


@habit
def backward_without_requires_grad(torch):
    return error(lambda: torch.tensor(1.0).backward(), "does not require grad")


@habit
def constants_get_no_gradient(torch):
    x = torch.ones(3, requires_grad=True)
    c = torch.full((3,), 2.0)
    (x * c).sum().backward()
    return c.grad is None, x.grad


@habit
def requires_grad_in_place(torch):
    w = (torch.ones(3) * 0.5).requires_grad_()
    (w * 2).sum().backward()
    return w.is_leaf, w.grad


@habit
def detach(torch):
    x = torch.tensor([1.0, 2.0], requires_grad=True)
    y = x * 2
    d = y.detach()
    return d.requires_grad, d.is_leaf, d, y.requires_grad


@habit
def data_is_a_detached_tensor(torch):
    x = torch.tensor([1.0, 2.0], requires_grad=True)
    d = x.data
    d[0] = 5.0  # shares memory with x
    return isinstance(d, torch.Tensor), d.requires_grad, x


@habit
def grad_of_a_non_leaf_is_none_with_a_warning(torch):
    x = torch.tensor([1.0, 2.0], requires_grad=True)
    h = x * 2
    h.sum().backward()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        g = h.grad
    return g is None, any(issubclass(w.category, UserWarning) for w in caught)


@habit
def retain_grad_keeps_an_intermediates_gradient(torch):
    x = torch.tensor([1.0, 2.0], requires_grad=True)
    h = x * 2
    h.retain_grad()
    (h * h).sum().backward()
    return h.grad, x.grad, h.retains_grad


@habit
def register_hook_sees_and_replaces(torch):
    x = torch.tensor([1.0, 2.0], requires_grad=True)
    seen = []
    h = x * 3
    handle = h.register_hook(lambda g: seen.append(g.clone()) or g * 10)
    h.sum().backward()
    first = x.grad.clone()
    handle.remove()
    x.grad = None
    (x * 3).sum().backward()
    return seen[0], first, x.grad, len(seen)


@habit
def hook_on_a_leaf(torch):
    w = torch.tensor([1.0, -1.0], requires_grad=True)
    w.register_hook(lambda g: g.clamp(min=0))
    (w * torch.tensor([2.0, -3.0])).sum().backward()
    return w.grad


@habit
def grad_fn_names_and_next_functions(torch):
    x = torch.tensor([1.0, 2.0], requires_grad=True)
    y = (x * 2).exp()
    fn = y.grad_fn
    mul = fn.next_functions[0][0]
    return fn.name(), mul.name(), [None if f is None else f.name() for f, _ in mul.next_functions]


@habit
def walk_the_graph_by_next_functions(torch):
    a = torch.tensor(2.0, requires_grad=True)
    b = torch.tensor(3.0, requires_grad=True)
    loss = (a * b + a).exp()
    names, stack, seen = [], [loss.grad_fn], set()
    while stack:
        fn = stack.pop()
        if fn is None or fn in seen:
            continue
        seen.add(fn)
        names.append(fn.name())
        stack.extend(f for f, _ in fn.next_functions)
    return sorted(names)


@habit
def no_grad_records_nothing(torch):
    x = torch.tensor([1.0], requires_grad=True)
    with torch.no_grad():
        y = x * 2
        with torch.enable_grad():
            z = x * 2
    return y.requires_grad, y.grad_fn is None, z.requires_grad, torch.is_grad_enabled()


@habit
def no_grad_as_a_decorator(torch):
    @torch.no_grad()
    def evaluate(t):
        return t * 2

    x = torch.tensor([1.0], requires_grad=True)
    return evaluate(x).requires_grad, (x * 2).requires_grad


@habit
def no_grad_on_a_generator(torch):
    @torch.no_grad()
    def batches(t):
        for k in range(3):
            yield t * k, torch.is_grad_enabled()

    x = torch.tensor([1.0], requires_grad=True)
    out = []
    for y, enabled in batches(x):
        out.append((y.requires_grad, enabled, torch.is_grad_enabled()))
    return out


@habit
def set_grad_enabled_function_and_context(torch):
    x = torch.tensor([1.0], requires_grad=True)
    with torch.set_grad_enabled(False):
        a = x * 2
    torch.set_grad_enabled(False)
    b = x * 2
    torch.set_grad_enabled(True)
    c = x * 2
    return a.requires_grad, b.requires_grad, c.requires_grad


@habit
def inference_mode(torch):
    x = torch.tensor([1.0], requires_grad=True)
    with torch.inference_mode():
        y = x * 2
    return y.requires_grad, (x * 2).requires_grad


@habit
def grad_mode_is_per_thread(torch):
    """Grad mode is thread-local: a thread inside no_grad does not stop another from recording."""
    x = torch.tensor([1.0], requires_grad=True)
    inside, go, results = threading.Event(), threading.Event(), {}

    def evaluator():
        with torch.no_grad():
            inside.set()
            go.wait(5)
            results["evaluator"] = (x * 2).requires_grad

    t = threading.Thread(target=evaluator)
    t.start()
    inside.wait(5)
    results["trainer"] = (x * 2).requires_grad  # while the other thread is inside no_grad
    go.set()
    t.join()
    return results["trainer"], results["evaluator"], torch.is_grad_enabled()


@habit
def autograd_grad_returns_a_tuple(torch):
    x = torch.tensor(3.0, requires_grad=True)
    h = x * x
    y = h * 2
    gx, gh = torch.autograd.grad(y, [x, h])
    return gx, gh, x.grad is None


@habit
def autograd_grad_allow_unused(torch):
    x, z = torch.tensor(1.0, requires_grad=True), torch.tensor(2.0, requires_grad=True)
    y = x * 2
    return error(lambda: torch.autograd.grad(y, [x, z], retain_graph=True), "allow_unused"), torch.autograd.grad(
        y, [x, z], allow_unused=True
    )[1] is None


@habit
def second_derivative(torch):
    x = torch.tensor(2.0, requires_grad=True)
    (g1,) = torch.autograd.grad(x**3, x, create_graph=True)
    (g2,) = torch.autograd.grad(g1, x, create_graph=True)
    (g3,) = torch.autograd.grad(g2, x)
    return g1, g2, g3


@habit
def backward_create_graph(torch):
    x = torch.tensor(1.5, requires_grad=True)
    (x**4).backward(create_graph=True)
    g = x.grad
    x.grad = None
    g.backward()
    return g, x.grad


@habit
def jacobian_of_softmax(torch):
    z = torch.tensor([0.3, -1.2, 0.8])
    return torch.autograd.functional.jacobian(lambda t: torch.softmax(t, dim=0), z)


@habit
def jacobian_of_two_inputs(torch):
    a, b = torch.tensor([1.0, 2.0]), torch.tensor([3.0, -1.0])
    ja, jb = torch.autograd.functional.jacobian(lambda a, b: a * b + a.exp(), (a, b))
    return ja, jb


@habit
def hessian_of_a_cubic(torch):
    x = torch.tensor([1.0, -2.0, 0.5])
    return torch.autograd.functional.hessian(lambda t: (t**3).sum() + t[0] * t[1], x)


# ----------------------------------------------------------------------------- in place


@habit
def sub_assign_under_no_grad_trains(torch):
    """Issue 11: `p -= 0.1 * p.grad` rebound the name, so the model never changed."""
    X = torch.tensor(data(8, 2))
    y = X @ torch.tensor([2.0, -1.0], dtype=torch.float64) + 0.5
    w = torch.zeros(2, dtype=torch.float64, requires_grad=True)
    b = torch.zeros(1, dtype=torch.float64, requires_grad=True)
    losses = []
    for _ in range(20):
        loss = ((X @ w + b - y) ** 2).mean()
        losses.append(loss.item())
        loss.backward()
        with torch.no_grad():
            for p in (w, b):
                p -= 0.1 * p.grad
                p.grad.zero_()
    return w, b, losses[-1] < losses[0] / 10, w.is_leaf, w.requires_grad


@habit
def micrograd_style_data_update(torch):
    """micrograd's `p.data += -lr * p.grad` (here .data and .grad are both Tensors, as in PyTorch)."""
    w = torch.tensor([1.0, -2.0], requires_grad=True)
    for _ in range(3):
        loss = (w * w).sum()
        w.grad = None
        loss.backward()
        w.data += -0.1 * w.grad
    return w, w.is_leaf, w.requires_grad


@habit
def in_place_update_then_next_backward(torch):
    """Issue 11: `w -= lr * w.grad` inside no_grad made w a constant; the next backward failed."""
    w = torch.tensor([1.0, 2.0], requires_grad=True)
    (w * w).sum().backward()
    with torch.no_grad():
        w -= 0.5 * w.grad
    w.grad = None
    (w * w).sum().backward()
    return w, w.grad


@habit
def leaf_in_place_outside_no_grad_is_an_error(torch):
    w = torch.tensor([1.0, 2.0], requires_grad=True)
    return error(lambda: w.add_(1.0), "is being used in an in-place operation"), error(
        lambda: w.__isub__(1.0), "in-place operation"
    )


@habit
def version_counter_catches_an_update_between_forward_and_backward(torch):
    """An opt.step()-like in-place update after the forward pass must raise at backward, not
    give a gradient computed from the new values."""
    w = torch.tensor([1.0, 2.0], requires_grad=True)
    loss = (w**2).sum()  # pow's VJP needs w as it was
    with torch.no_grad():
        w -= 0.1  # the "step"
    return error(lambda: loss.backward(), "modified by an inplace operation")


@habit
def version_counter_on_an_output(torch):
    x = torch.tensor([1.0, 2.0], requires_grad=True)
    y = x.exp()
    y.add_(1.0)  # exp's VJP needs its output
    return error(lambda: y.sum().backward(), "modified by an inplace operation")


@habit
def versions_count_changes(torch):
    x = torch.zeros(3)
    v0 = x._version
    x.add_(1)
    x.mul_(2)
    x[0] = 5.0
    return v0, x._version, x


@habit
def in_place_on_a_non_leaf_is_recorded(torch):
    x = torch.tensor([1.0, 2.0], requires_grad=True)
    y = x * 2
    y.add_(1.0)
    y.mul_(3.0)
    y.sum().backward()
    return y, x.grad


@habit
def setitem_on_a_non_leaf_is_recorded(torch):
    x = torch.tensor([1.0, 2.0, 3.0], requires_grad=True)
    v = torch.tensor(10.0, requires_grad=True)
    y = x * 1.0
    y[1] = v * 2
    (y * torch.tensor([1.0, 2.0, 3.0])).sum().backward()
    return y, x.grad, v.grad


@habit
def in_place_methods(torch):
    x = torch.tensor([1.0, -2.0, 3.0])
    x.add_(1).mul_(2).sub_(1).div_(2)
    y = torch.tensor([1.0, -2.0, 3.0]).clamp_(-1, 1)
    z = torch.ones(3).fill_(7.0)
    c = torch.zeros(3).copy_(torch.tensor([1.0, 2.0, 3.0]))
    return x, y, z, c, torch.ones(2).zero_(), torch.tensor([2.0]).pow_(3)


@habit
def in_place_operators(torch):
    x = torch.tensor([1.0, 2.0])
    same = x
    x += 1
    x *= 3
    x -= 1
    x /= 2
    return x, same is x


@habit
def add_with_alpha(torch):
    x = torch.tensor([1.0, 2.0])
    return x.add(torch.tensor([1.0, 1.0]), alpha=3), torch.add(x, 1), x.sub(x, alpha=0.5), x.add_(x, alpha=2)


@habit
def masked_fill_in_place(torch):
    x = torch.tensor([1.0, -2.0, 3.0])
    x.masked_fill_(x < 0, 0.0)
    return x


@habit
def normal_and_uniform_fill(torch):
    torch.manual_seed(0)
    w = torch.empty(1000)
    w.normal_(0.0, 0.01)
    u = torch.empty(1000).uniform_(-1, 1)
    return tuple(w.shape), bool(w.std() < 0.02), bool((u >= -1).all() and (u <= 1).all())


# ----------------------------------------------------------------------------- small programs


@habit
def logistic_regression_by_hand(torch):
    X = torch.tensor(data(20, 2))
    y = (X[:, 0] + X[:, 1] > 0).to(torch.float64)
    w = torch.zeros(2, dtype=torch.float64, requires_grad=True)
    b = torch.zeros((), dtype=torch.float64, requires_grad=True)
    for _ in range(50):
        p = (X @ w + b).sigmoid()
        loss = -(y * p.log() + (1 - y) * (1 - p).log()).mean()
        w.grad = b.grad = None
        loss.backward()
        with torch.no_grad():
            w -= 0.5 * w.grad
            b -= 0.5 * b.grad
    acc = ((X @ w + b > 0).to(torch.float64) == y).to(torch.float64).mean()
    return loss, w, b, acc


@habit
def softmax_regression_with_log_softmax(torch):
    X = torch.tensor(data(12, 3))
    y = torch.tensor([0, 1, 2] * 4)
    W = torch.zeros(3, 3, dtype=torch.float64, requires_grad=True)
    for _ in range(10):
        logp = (X @ W).log_softmax(dim=1)
        loss = -logp[torch.arange(12), y].mean()
        W.grad = None
        loss.backward()
        with torch.no_grad():
            W -= W.grad
    return loss, W


@habit
def mlp_by_hand(torch):
    torch.manual_seed(0)
    X = torch.tensor(data(16, 2))
    y = torch.tensor(data(16, seed=1))
    W1 = torch.tensor(data(2, 8, seed=2) * 0.5, requires_grad=True)
    W2 = torch.tensor(data(8, seed=3) * 0.5, requires_grad=True)
    for _ in range(5):
        pred = (X @ W1).tanh() @ W2
        loss = ((pred - y) ** 2).mean()
        for p in (W1, W2):
            p.grad = None
        loss.backward()
        with torch.no_grad():
            for p in (W1, W2):
                p.sub_(0.1 * p.grad)
    return loss, W2


@habit
def gradient_clipping_by_norm(torch):
    w = torch.tensor([3.0, 4.0], requires_grad=True)
    (w * w).sum().backward()
    norm = w.grad.norm()
    with torch.no_grad():
        if norm > 1.0:
            w.grad.mul_(1.0 / norm)
    return norm, w.grad, w.grad.norm()


@habit
def early_stopping_with_item(torch):
    history = [torch.tensor(v) for v in (0.9, 0.5, 0.51, 0.52)]
    best, patience = float("inf"), 0
    for loss in history:
        if loss.item() < best:
            best, patience = loss.item(), 0
        else:
            patience += 1
    return best, patience


@habit
def one_hot_by_indexing(torch):
    y = torch.tensor([2, 0, 1])
    return torch.eye(3)[y], torch.eye(3)[y].argmax(dim=1)


@habit
def normalise_features(torch):
    X = torch.tensor(data(10, 3))
    Z = (X - X.mean(dim=0)) / X.std(dim=0)
    return Z.mean(dim=0).abs().max() < 1e-12, Z.std(dim=0)


@habit
def pairwise_distances(torch):
    A, B = torch.tensor(data(4, 2)), torch.tensor(data(3, 2, seed=1))
    d = ((A.unsqueeze(1) - B.unsqueeze(0)) ** 2).sum(dim=-1).sqrt()
    return d, d.argmin(dim=1)


@habit
def attention_scores(torch):
    q, k, v = torch.tensor(data(2, 4, 8)), torch.tensor(data(2, 4, 8, seed=1)), torch.tensor(data(2, 4, 8, seed=2))
    q.requires_grad_()
    att = (q @ k.transpose(-2, -1) / 8**0.5).softmax(dim=-1)
    out = att @ v
    out.sum().backward()
    return out.shape, att.sum(dim=-1), q.grad.shape, q.grad


@habit
def causal_mask(torch):
    scores = torch.tensor(data(3, 3))
    mask = torch.ones(3, 3).tril() == 0
    return scores.masked_fill(mask, float("-inf")).softmax(dim=-1), scores.triu(1), scores.tril(-1)


@habit
def batched_matmul_shapes(torch):
    a, b = torch.zeros(5, 2, 3), torch.zeros(5, 3, 4)
    return (a @ b).shape, torch.bmm(a, b).shape, (a @ torch.zeros(3, 4)).shape, (a.mT @ a).shape


@habit
def stack_a_list_of_scalars(torch):
    losses = [torch.tensor(0.5), torch.tensor(0.25), torch.tensor(0.125)]
    return torch.stack(losses), torch.stack(losses).mean()


@habit
def polynomial_features_with_x_to_the_0(torch):
    """Issue 13 item 2: x ** 0 had a NaN gradient at x = 0 (one NaN poisons a training run)."""
    x = torch.tensor([0.0, 1.0, 2.0], requires_grad=True)
    feats = torch.stack([x**k for k in range(4)], dim=1)
    feats.sum().backward()
    return feats, x.grad


@habit
def pow_with_a_tensor_exponent_at_zero(torch):
    a = torch.tensor([0.0, 0.0, 2.0], requires_grad=True)
    b = torch.tensor([0.0, 2.0, 0.0], requires_grad=True)
    (a**b).sum().backward()
    return a.grad, b.grad


@habit
def max_gradient_goes_to_the_returned_index(torch):
    x = torch.tensor([[1.0, 3.0, 3.0], [2.0, 2.0, 0.0]], requires_grad=True)
    x.max(dim=1).values.sum().backward()
    return x.grad


@habit
def max_of_everything_shares_ties(torch):
    x = torch.tensor([1.0, 3.0, 3.0], requires_grad=True)
    x.max().backward()
    return x.grad


@habit
def clamp_gradient(torch):
    x = torch.tensor([-2.0, 0.5, 2.0], requires_grad=True)
    x.clamp(-1.0, 1.0).sum().backward()
    return x.grad


@habit
def relu_gradient_at_zero(torch):
    x = torch.tensor([-1.0, 0.0, 1.0], requires_grad=True)
    x.relu().sum().backward()
    return x.grad


@habit
def abs_and_sqrt_edges(torch):
    x = torch.tensor([0.0, 4.0], requires_grad=True)
    (x.abs() + x.sqrt()).sum().backward()
    return x.grad


@habit
def norm_gradient_at_zero(torch):
    x = torch.zeros(3, requires_grad=True)
    x.norm().backward()
    return x.grad


@habit
def log_of_zero(torch):
    x = torch.tensor([0.0, 1.0], requires_grad=True)
    y = x.log()
    y.sum().backward()
    return y, x.grad


@habit
def float32_training_step_keeps_float32(torch):
    w = torch.tensor([0.5, -0.5], dtype=torch.float32, requires_grad=True)
    x = torch.tensor([[1.0, 2.0]], dtype=torch.float32)
    loss = ((x @ w).sigmoid() - 1.0).pow(2).mean()
    loss.backward()
    with torch.no_grad():
        w -= 0.1 * w.grad
    return str(loss.dtype), str(w.grad.dtype), str(w.dtype)


@habit
def scalar_tensor_times_float32(torch):
    w = torch.ones(2, dtype=torch.float32, requires_grad=True)
    lr = torch.tensor(0.1, dtype=torch.float64)
    y = (w * lr).sum()
    y.backward()
    return str(y.dtype), str(w.grad.dtype), w.grad


@habit
def new_tensors_like_another(torch):
    x = torch.tensor([1.0, 2.0], dtype=torch.float32)
    return (
        x.new_zeros(2, 3),
        str(x.new_ones((2,)).dtype),
        x.new_full((2,), 7),
        str(x.new_tensor([1, 2]).dtype),
        x.new_empty(3).shape,
        x.type(),
        str(x.type(torch.float64).dtype),
        torch.is_tensor(x),
        torch.is_tensor(3),
        torch.numel(x),
        x.clamp_min(1.5),
        x.clamp_max(1.5),
    )


@habit
def in_place_on_a_row_of_a_tensor_in_the_graph(torch):
    x = torch.tensor([[1.0, 2.0], [3.0, 4.0]], dtype=torch.float64, requires_grad=True)
    h = x * 2
    h[0] += 1
    h[:, 1] *= 3
    (h * torch.tensor([[1.0, 2.0], [3.0, 4.0]], dtype=torch.float64)).sum().backward()
    return h, x.grad


# ----------------------------------------------------------------------------- running them


def normalise(v, torch):
    """A comparable form: tensors as (shape, dtype category, float values, requires_grad)."""
    if isinstance(v, (autograd.Tensor,)) or (torch is not None and isinstance(v, torch.Tensor)):
        arr = v.detach().numpy() if hasattr(v, "detach") else v.numpy()
        kind = {"f": "float", "i": "int", "u": "int", "b": "bool"}[np.asarray(arr).dtype.kind]
        return ("tensor", tuple(v.shape), kind, np.asarray(arr, dtype=np.float64), bool(v.requires_grad))
    if hasattr(v, "values") and hasattr(v, "indices") and isinstance(v, tuple):  # (values, indices)
        return ("max", normalise(v.values, torch), normalise(v.indices, torch))
    if torch is not None and isinstance(v, torch.Size):
        return normalise(tuple(v), torch)
    if isinstance(v, (list, tuple)):
        return type(v).__name__, [normalise(x, torch) for x in v]
    if isinstance(v, np.ndarray):
        return ("array", v.shape, np.asarray(v, dtype=np.float64))
    if isinstance(v, (bool, np.bool_)):
        return bool(v)
    if isinstance(v, (int, float, np.integer, np.floating)):
        return float(v)
    if isinstance(v, str):
        return v.removeprefix("torch.")
    if torch is not None and isinstance(v, torch.dtype) or isinstance(v, np.dtype):
        return str(v).removeprefix("torch.")
    return v


def assert_same(ours, theirs, where="result"):
    if isinstance(ours, tuple) and ours and ours[0] == "tensor":
        assert isinstance(theirs, tuple) and theirs and theirs[0] == "tensor", f"{where}: {ours} vs {theirs}"
        assert ours[1:3] == theirs[1:3], f"{where}: shape/dtype {ours[1:3]} vs torch {theirs[1:3]}"
        assert ours[4] == theirs[4], f"{where}: requires_grad {ours[4]} vs torch {theirs[4]}"
        np.testing.assert_allclose(ours[3], theirs[3], rtol=1e-5, atol=1e-6, err_msg=where)
    elif isinstance(ours, tuple) and len(ours) == 2 and isinstance(ours[1], list):
        assert isinstance(theirs, tuple) and len(theirs[1]) == len(ours[1]), f"{where}: {ours} vs {theirs}"
        for k, (a, b) in enumerate(zip(ours[1], theirs[1])):
            assert_same(a, b, f"{where}[{k}]")
    elif isinstance(ours, tuple) and ours and ours[0] in ("max", "array"):
        assert theirs[0] == ours[0], f"{where}: {ours} vs {theirs}"
        for k, (a, b) in enumerate(zip(ours[1:], theirs[1:])):
            if isinstance(a, np.ndarray):
                np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-6, err_msg=where)
            else:
                assert_same(a, b, f"{where}.{k}")
    elif isinstance(ours, float) and isinstance(theirs, float):
        assert ours == pytest.approx(theirs, rel=1e-5, abs=1e-6, nan_ok=True), f"{where}: {ours} vs torch {theirs}"
    else:
        assert ours == theirs, f"{where}: {ours!r} vs torch {theirs!r}"


@habit
def jacobian_and_hessian_with_create_graph_can_be_differentiated(torch):
    x = torch.tensor([1.0, 2.0, 3.0], dtype=torch.float64, requires_grad=True)
    J = torch.autograd.functional.jacobian(lambda v: v**3, x, create_graph=True)
    J.sum().backward()
    g1 = x.grad.clone()
    x.grad = None
    H = torch.autograd.functional.hessian(lambda v: (v**3).sum(), x, create_graph=True)
    H.sum().backward()
    plain = torch.autograd.functional.jacobian(lambda v: v * 2, x)
    return J, g1, H, x.grad, plain.requires_grad


def test_there_are_at_least_100_snippets():
    assert len(SNIPPETS) >= 100, len(SNIPPETS)


@pytest.mark.parametrize("snippet", SNIPPETS, ids=[s.__name__ for s in SNIPPETS])
def test_runs_on_autograd(snippet):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # log 0 and friends
        result = snippet(autograd)
    assert result is not None
    assert autograd.is_grad_enabled()  # no snippet leaves grad mode off


@pytest.mark.parametrize("snippet", SNIPPETS, ids=[s.__name__ for s in SNIPPETS])
def test_matches_torch(snippet):
    torch = pytest.importorskip("torch")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ours = normalise(snippet(autograd), torch)
        theirs = normalise(snippet(torch), torch)
    assert_same(ours, theirs, snippet.__name__)


# ----------------------------------------------------------------------------- beyond torch (ours only)


def test_conveniences_beyond_torch():
    """Habits from micrograd and numpy that torch rejects but a student will try; each works here."""
    ag = autograd
    p = ag.tensor([1.0, 2.0], requires_grad=True)
    (p * p).sum().backward()
    p.grad = 0.0  # micrograd's reset (torch: TypeError); a number fills the gradient
    assert isinstance(p.grad, ag.Tensor) and p.grad.tolist() == [0.0, 0.0]
    (p * p).sum().backward()
    assert p.grad.tolist() == [2.0, 4.0]
    with pytest.raises(ValueError, match=r"shape \(3,\).*\(2,\)"):
        p.grad = np.zeros(3)
    with pytest.raises(TypeError, match="dtype float32.*float64"):
        p.grad = np.zeros(2, np.float32)
    assert f"{ag.tensor([0.123456]):.3f}" == "0.123"  # one element, not only 0-d (torch: 0-d only)
    assert round(ag.tensor(1.23456), 3) == 1.235  # torch: TypeError
    assert ag.tensor([1.0]).device == "cpu"  # a string here (torch: a torch.device)
    x = ag.tensor([[1.0, 2.0], [3.0, 4.0]])
    assert x.max(axis=0).tolist() == [3.0, 4.0]  # numpy's axis= gives the values only
    assert x.transpose().tolist() == [[1.0, 3.0], [2.0, 4.0]] and x.swapaxes(0, 1).shape == (2, 2)
    assert x.sum(axis=1, keepdims=True).shape == (2, 1) and x.astype(np.float32).dtype == np.float32
    assert x[::-1, 0].tolist() == [3.0, 1.0]  # negative steps (torch: ValueError)
    assert ag.tensor([1, 2], requires_grad=True).dtype == np.float64  # ints made float64 (torch: error)
