"""Bad and edge inputs, each asserting what a careful user wants (issue 13's probe suite).

Two kinds of case:

* ERRORS: the call must raise, and the message must name the fault (the argument, shape,
  dtype or value): checked with `match=`, never "raises" alone.
* VALUES: the call must give the right value, finite where the math is finite: compared with an
  expected value written here and, when torch is installed, with torch (values and gradients,
  NaN and ±inf included) wherever torch defines the answer.

Sections: tensor construction, op domains, shapes and indexing, in-place rules, backward misuse,
grad() misuse.  Other helpers append their own families at the end of the file.
"""

from __future__ import annotations

import math
import warnings

import numpy as np
import pytest

import autograd as ag
from autograd import Tensor

try:
    import torch
except ImportError:
    torch = None


def leaf(v, dtype=None):
    return ag.tensor(v, dtype=dtype, requires_grad=True)


def _read_only(shape=(3,)):
    a = np.arange(float(np.prod(shape))).reshape(shape)
    a.flags.writeable = False
    return a


def _backward(y, *args, **kwargs):
    y.backward(*args, **kwargs)


def _chain(n):
    x = leaf(1.0)
    y = x
    for _ in range(n):
        y = y * 1.0
    return x, y


# ----------------------------------------------------------------------------- errors

ERRORS = {
    # -- construction
    "tensor_of_none": (lambda: Tensor(None), TypeError, r"data is None"),
    "none_in_a_list": (lambda: Tensor([1.0, None, 3.0]), TypeError, r"contains None"),
    "none_deep_in_a_list": (lambda: Tensor([[1.0, 2.0], [3.0, None]]), TypeError, r"contains None"),
    "ragged_rows": (lambda: Tensor([[1, 2], [3]]), ValueError, r"ragged"),
    # (torch wraps this one silently: int32 [1] * 2**40 gives [0])
    "int_too_big_for_an_int32_tensor": (
        lambda: ag.tensor([1], dtype=ag.int32) * 2**40,
        RuntimeError,
        r"1099511627776 cannot be converted to the tensor's dtype int32",
    ),
    "ragged_deep": (lambda: Tensor([[[1.0]], [[1.0, 2.0]]]), ValueError, r"ragged"),
    "object_array": (lambda: Tensor(np.array([1, "a"], dtype=object)), ValueError, r"ragged or not numeric"),
    "object_in_a_list": (lambda: Tensor([object()]), ValueError, r"not numeric"),
    "string": (lambda: Tensor("1.5"), TypeError, r"string"),
    "bytes": (lambda: Tensor(b"12"), TypeError, r"string"),
    "list_of_strings": (lambda: Tensor(["1", "2"]), TypeError, r"dtype <U1, which is not a number type"),
    "number_and_string": (lambda: Tensor([1.0, "a"]), TypeError, r"not a number type"),
    "dict": (lambda: Tensor({"a": 1}), TypeError, r"is a dict"),
    "set": (lambda: Tensor({1, 2}), TypeError, r"is a set"),
    "complex_number": (lambda: Tensor(1 + 2j), TypeError, r"complex"),
    "complex_array": (lambda: Tensor(np.array([1j])), TypeError, r"complex.*real numbers only"),
    "datetime_array": (
        lambda: Tensor(np.array(["2020-01-01"], dtype="datetime64[D]")),
        TypeError,
        r"datetime64.*not a number type",
    ),
    "int_too_big": (lambda: Tensor(2**70), OverflowError, r"too large for int64"),
    "int_too_big_in_a_list": (lambda: Tensor([1, 2**70]), OverflowError, r"too large for int64"),
    "complex_dtype": (lambda: Tensor([1.0], dtype="complex64"), TypeError, r"complex64 is not supported"),
    "unknown_dtype": (lambda: Tensor([1.0], dtype="banana"), TypeError, r"'banana' is not a dtype"),
    "cuda_device": (lambda: Tensor([1.0], device="cuda"), ValueError, r"'cuda' is not available.*CPU only"),
    "to_cuda": (lambda: Tensor([1.0]).to("cuda"), ValueError, r"CPU only"),
    "dot_cuda": (lambda: Tensor([1.0]).cuda(), RuntimeError, r"no CUDA here"),
    "requires_grad_int_array": (
        lambda: Tensor(np.array([1, 2]), requires_grad=True),
        TypeError,
        r"floating-point data, got dtype int64.*\.double\(\)",
    ),
    "requires_grad_bool_array": (lambda: Tensor(np.array([True]), requires_grad=True), TypeError, r"dtype bool"),
    "requires_grad_int_dtype": (lambda: Tensor([1, 2], dtype="int32", requires_grad=True), TypeError, r"int32"),
    "requires_grad__on_int": (
        lambda: Tensor([1, 2]).requires_grad_(),
        TypeError,
        r"only floating-point tensors can require gradients.*int64",
    ),
    "requires_grad_false_on_non_leaf": (
        lambda: (leaf([1.0]) * 2).requires_grad_(False),
        RuntimeError,
        r"leaf tensors.*detach",
    ),
    "zeros_negative": (lambda: ag.zeros(-1), ValueError, r"zeros: sizes must be ≥ 0, got \(-1,\)"),
    "zeros_float_size": (lambda: ag.zeros(2.5), TypeError, r"zeros: sizes must be integers"),
    "ones_string_size": (lambda: ag.ones("3"), TypeError, r"ones: sizes must be integers"),
    "arange_zero_step": (lambda: ag.arange(0, 10, 0), ValueError, r"step must not be 0"),
    "linspace_negative_steps": (lambda: ag.linspace(0, 1, -1), ValueError, r"steps must be ≥ 0, got -1"),
    "randint_empty_range": (lambda: ag.randint(5, 2, (3,)), ValueError, r"high \(2\) must be greater than low \(5\)"),
    "randint_no_size": (lambda: ag.randint(10), TypeError, r"randint needs size="),
    "full_of_none": (lambda: ag.full((2,), None), TypeError, r"fill_value is None"),
    "from_numpy_of_a_list": (lambda: ag.from_numpy([1.0, 2.0]), TypeError, r"expects a numpy array, got list"),
    "from_numpy_of_strings": (lambda: ag.from_numpy(np.array(["a"])), TypeError, r"dtype <U1 are not supported"),
    "grad_of_wrong_shape": (
        lambda: setattr(leaf([1.0, 2.0]), "grad", np.zeros(3)),
        ValueError,
        r"assigned grad has shape \(3,\) but the tensor has shape \(2,\)",
    ),
    "grad_of_wrong_dtype": (
        lambda: setattr(leaf([1.0, 2.0]), "grad", np.zeros(2, np.float32)),
        TypeError,
        r"assigned grad has dtype float32 but the tensor has dtype float64",
    ),
    "grad_of_wrong_type": (
        lambda: setattr(leaf([1.0, 2.0]), "grad", "0"),
        TypeError,
        r"grad must be a Tensor, an array, a number or None, got str",
    ),
    "item_of_many": (lambda: Tensor([1.0, 2.0]).item(), ValueError, r"one element, got shape \(2,\)"),
    "float_of_many": (lambda: float(Tensor([1.0, 2.0])), TypeError, r"float\(\) needs a tensor with one element"),
    "bool_of_many": (lambda: bool(Tensor([1.0, 2.0])), RuntimeError, r"2 elements.*ambiguous.*any\(\) or \.all\(\)"),
    "index_with_a_float_tensor": (lambda: [1, 2][Tensor(1.0)], TypeError, r"only integer tensors.*float64"),
    "format_spec_of_many": (lambda: f"{Tensor([1.0, 2.0]):.2f}", TypeError, r"one-element tensor.*\(2,\)"),
    "len_of_0d": (lambda: len(Tensor(1.0)), TypeError, r"len\(\) of a 0-d tensor"),
    "iter_of_0d": (lambda: iter(Tensor(1.0)), TypeError, r"iteration over a 0-d tensor"),
    # -- op domains and arguments
    "matmul_mismatch": (
        lambda: leaf(np.ones((2, 3))) @ Tensor(np.ones((4, 5))),
        ValueError,
        r"\(2, 3\) and \(4, 5\) do not fit",
    ),
    "matmul_0d": (lambda: Tensor(2.0) @ Tensor(np.ones(2)), ValueError, r"matmul: shapes \(\) and \(2,\)"),
    "mm_of_vectors": (lambda: Tensor(np.ones(2)).mm(Tensor(np.ones(2))), ValueError, r"mm expects two matrices"),
    "bmm_of_matrices": (
        lambda: ag.bmm(Tensor(np.ones((2, 2))), Tensor(np.ones((2, 2)))),
        ValueError,
        r"bmm expects two batches",
    ),
    "dot_of_matrices": (
        lambda: ag.dot(Tensor(np.ones((2, 2))), Tensor(np.ones(2))),
        ValueError,
        r"dot expects two vectors",
    ),
    "broadcast_mismatch": (
        lambda: Tensor(np.ones(3)) + Tensor(np.ones(4)),
        ValueError,
        r"add: .*\(inputs: \(3,\) float64, \(4,\) float64\)",
    ),
    "max_of_empty": (lambda: Tensor(np.zeros((0, 3))).max(), ValueError, r"max of an empty tensor of shape \(0, 3\)"),
    "min_dim_of_empty": (lambda: Tensor(np.zeros((2, 0))).min(1), ValueError, r"shape \(2, 0\): that dim is empty"),
    "argmax_of_empty": (lambda: Tensor(np.zeros(0)).argmax(), ValueError, r"argmax of an empty tensor"),
    "sum_dim_out_of_range": (
        lambda: Tensor(np.ones((2, 3))).sum(dim=5),
        IndexError,
        r"sum: dim 5 is out of range for a tensor with 2 dimensions \(valid: -2 to 1\)",
    ),
    "mean_dim_twice": (lambda: Tensor(np.ones((2, 3))).mean(dim=(0, -2)), ValueError, r"names the same dim twice"),
    "dim_and_axis": (lambda: Tensor(np.ones((2, 3))).sum(dim=0, axis=1), TypeError, r"give dim= or axis=, not both"),
    "dim_not_an_int": (lambda: Tensor(np.ones((2, 3))).sum(dim="0"), TypeError, r"dim must be an integer"),
    "softmax_dim_out_of_range": (
        lambda: Tensor(np.ones((2, 3))).softmax(2),
        IndexError,
        r"softmax: dim 2 is out of range",
    ),
    "max_tuple_dim": (lambda: Tensor(np.ones((2, 3))).max((0, 1)), TypeError, r"use amax/amin for several"),
    "var_two_corrections": (
        lambda: Tensor(np.ones(3)).var(correction=1, unbiased=True),
        TypeError,
        r"only one of correction=, unbiased= and ddof=",
    ),
    "norm_bad_p": (lambda: Tensor(np.ones(3)).norm(p=-1), ValueError, r"p must be a positive number.*-1"),
    "cumsum_without_dim": (lambda: Tensor(np.ones(3)).cumsum(), TypeError, r"cumsum needs dim="),
    "clamp_without_bounds": (lambda: Tensor(np.ones(3)).clamp(), ValueError, r"at least one of min and max"),
    "where_float_condition": (
        lambda: ag.where(Tensor([1.0, 0.0]), Tensor([1.0, 2.0]), 0.0),
        TypeError,
        r"condition must be a boolean tensor.*float64",
    ),
    "masked_fill_float_mask": (
        lambda: Tensor([1.0, 2.0]).masked_fill(Tensor([1.0, 0.0]), 0.0),
        TypeError,
        r"mask must be a boolean tensor, got dtype float64",
    ),
    "and_of_floats": (lambda: Tensor([1.0]) & Tensor([0.0]), TypeError, r"& needs boolean or integer tensors"),
    "invert_float": (lambda: ~Tensor([1.0]), TypeError, r"~ needs a boolean or integer tensor"),
    "int_floor_division_by_zero": (lambda: Tensor([1, 2]) // 0, ZeroDivisionError, r"integer division by zero"),
    "int_modulo_by_zero": (lambda: Tensor([1, 2]) % Tensor([1, 0]), ZeroDivisionError, r"integer division by zero"),
    "numpy_ufunc_without_gradient": (
        lambda: np.logaddexp(leaf([1.0]), 1.0),
        TypeError,
        r"numpy's logaddexp has no differentiable version",
    ),
    "sum_out_argument": (lambda: Tensor([1.0]).sum(out=Tensor([0.0])), TypeError, r"out= is not supported"),
    "cross_entropy_int_logits": (
        lambda: ag.cross_entropy(Tensor([[1, 2]]), Tensor([0])),
        TypeError,
        r"float logits, got dtype int64",
    ),
    "cross_entropy_target_out_of_range": (
        lambda: ag.cross_entropy(leaf(np.zeros((2, 3))), Tensor([0, 3])),
        IndexError,
        r"class target 3 is out of range for 3 classes \(valid: 0 to 2",
    ),
    "cross_entropy_negative_target": (
        lambda: ag.cross_entropy(leaf(np.zeros((2, 3))), Tensor([-1, 0])),
        IndexError,
        r"class target -1 is out of range",
    ),
    "cross_entropy_target_shape": (
        lambda: ag.cross_entropy(leaf(np.zeros((2, 3))), Tensor([0, 1, 2])),
        ValueError,
        r"class targets must have shape \(2,\).*got \(3,\)",
    ),
    "cross_entropy_float_labels": (
        lambda: ag.cross_entropy(leaf(np.zeros((2, 3))), Tensor([0.0, 1.0])),
        TypeError,
        r"labels are float.*labels\.long\(\)",
    ),
    "cross_entropy_probs_not_summing_to_1": (
        lambda: ag.cross_entropy(leaf(np.zeros((1, 2))), Tensor([[0.5, 0.6]])),
        ValueError,
        r"sum to 1.*1\.1",
    ),
    "cross_entropy_negative_probs": (
        lambda: ag.cross_entropy(leaf(np.zeros((1, 2))), Tensor([[1.5, -0.5]])),
        ValueError,
        r"finite and ≥ 0",
    ),
    "cross_entropy_nan_probs": (
        lambda: ag.cross_entropy(leaf(np.zeros((1, 2))), Tensor([[np.nan, 1.0]])),
        ValueError,
        r"finite and ≥ 0",
    ),
    "cross_entropy_weight_shape": (
        lambda: ag.cross_entropy(leaf(np.zeros((2, 3))), Tensor([0, 1]), weight=np.ones(2)),
        ValueError,
        r"class weights must have shape \(3,\) for 3 classes, got \(2,\)",
    ),
    "cross_entropy_negative_weight": (
        lambda: ag.cross_entropy(leaf(np.zeros((2, 3))), Tensor([0, 1]), weight=np.array([1.0, -1.0, 1.0])),
        ValueError,
        r"finite and ≥ 0",
    ),
    "cross_entropy_reduction": (
        lambda: ag.cross_entropy(leaf(np.zeros((2, 3))), Tensor([0, 1]), reduction="avg"),
        ValueError,
        r"reduction must be 'mean', 'sum' or 'none', got 'avg'",
    ),
    "cross_entropy_smoothing": (
        lambda: ag.cross_entropy(leaf(np.zeros((2, 3))), Tensor([0, 1]), label_smoothing=2),
        ValueError,
        r"label_smoothing must be a number in \[0, 1\], got 2",
    ),
    "cross_entropy_all_ignored": (
        lambda: ag.cross_entropy(leaf(np.zeros((2, 3))), Tensor([-100, -100])),
        ValueError,
        r"nothing to average.*ignore_index",
    ),
    "cross_entropy_0d_logits": (
        lambda: ag.cross_entropy(leaf(1.0), Tensor(0)),
        ValueError,
        r"logits of shape \(C,\), \(N, C\) or \(N, C, d1, ...\).*got \(\)",
    ),
    # -- shapes and indexing
    "reshape_wrong_count": (
        lambda: Tensor(np.ones((2, 3))).reshape(4),
        ValueError,
        r"cannot reshape a tensor of shape \(2, 3\) \(6 entries\) to \(4,\)",
    ),
    "view_needs_a_copy": (
        lambda: Tensor(np.ones((2, 3))).t().view(-1),
        RuntimeError,
        r"view of a tensor of shape \(3, 2\).*needs a copy.*\.reshape",
    ),
    "view_wrong_count": (lambda: Tensor(np.ones(6)).view(4), ValueError, r"cannot view a tensor of shape \(6,\)"),
    "expand_incompatible": (
        lambda: Tensor(np.ones((2, 3))).expand(4, 3),
        ValueError,
        r"shape \(2, 3\) cannot be expanded to \(4, 3\)",
    ),
    "expand_fewer_dims": (lambda: Tensor(np.ones((2, 3))).expand(3), ValueError, r"fewer dims"),
    "repeat_too_few": (lambda: Tensor(np.ones((2, 3))).repeat(2), ValueError, r"at least one count per dim"),
    "permute_not_a_permutation": (
        lambda: Tensor(np.ones((2, 3))).permute(0, 0),
        ValueError,
        r"\(0, 0\) is not a permutation of the 2 dims",
    ),
    "transpose_dim_out_of_range": (
        lambda: Tensor(np.ones((2, 3))).transpose(0, 2),
        IndexError,
        r"transpose: dim 2 is out of range",
    ),
    "swapaxes_dim_out_of_range": (
        lambda: Tensor(np.ones((2, 3))).swapaxes(0, 5),
        IndexError,
        r"dim 5 is out of range for a tensor with 2 dimensions",
    ),
    "mT_of_a_vector": (lambda: Tensor(np.ones(3)).mT, ValueError, r"\.mT needs at least 2 dims"),
    "t_of_3d": (lambda: Tensor(np.ones((2, 2, 2))).t(), ValueError, r"at most 2 dims.*transpose\(d0, d1\)"),
    "squeeze_dim_out_of_range": (lambda: Tensor(np.ones((1, 3))).squeeze(2), IndexError, r"squeeze: dim 2"),
    "unsqueeze_dim_out_of_range": (lambda: Tensor(np.ones(3)).unsqueeze(3), IndexError, r"unsqueeze: dim 3"),
    "flatten_reversed": (lambda: Tensor(np.ones((2, 3, 4))).flatten(2, 1), ValueError, r"start_dim 2 comes after"),
    "cat_mismatch": (
        lambda: ag.cat([Tensor(np.ones((2, 3))), Tensor(np.ones((2, 4)))]),
        ValueError,
        r"tensor 1 has shape \(2, 4\).*tensor 0's shape \(2, 3\) outside dim 0",
    ),
    "cat_empty": (lambda: ag.cat([]), ValueError, r"cat needs at least one tensor"),
    "stack_mismatch": (
        lambda: ag.stack([Tensor(np.ones(2)), Tensor(np.ones(3))]),
        ValueError,
        r"tensor 1 has shape \(3,\) but tensor 0 has \(2,\)",
    ),
    "split_sizes": (lambda: Tensor(np.ones(5)).split([2, 2]), ValueError, r"sizes \[2, 2\] do not add up.*5"),
    "index_out_of_range": (lambda: Tensor(np.ones((2, 3)))[5], IndexError, r"index 5 does not fit a tensor of shape"),
    "index_too_many": (lambda: Tensor(np.ones(3))[0, 0], IndexError, r"does not fit a tensor of shape \(3,\)"),
    "fancy_index_out_of_range": (lambda: Tensor(np.ones(3))[Tensor([0, 7])], IndexError, r"shape \(3,\)"),
    "mask_of_wrong_shape": (lambda: Tensor(np.ones(3))[Tensor([True, False])], IndexError, r"shape \(3,\)"),
    "setitem_out_of_range": (
        lambda: Tensor(np.ones(3)).__setitem__(4, 1.0),
        IndexError,
        r"index 4 does not fit a tensor of shape \(3,\)",
    ),
    "gather_out_of_range": (
        lambda: Tensor(np.ones((2, 3))).gather(1, Tensor([[0, 3]])),
        IndexError,
        r"gather: index 3 is out of range for dim 1 of size 3",
    ),
    "gather_float_index": (
        lambda: Tensor(np.ones((2, 3))).gather(1, Tensor([[0.0]])),
        TypeError,
        r"index must be an integer tensor",
    ),
    "topk_too_many": (lambda: Tensor(np.ones(3)).topk(4), ValueError, r"k=4 is out of range for dim -1 of size 3"),
    "sum_to_size_bad": (lambda: Tensor(np.ones((2, 3))).sum_to_size(4), ValueError, r"\(4,\) is not expandable"),
    # -- in-place rules
    "leaf_in_place": (
        lambda: leaf([1.0, 2.0]).add_(1.0),
        RuntimeError,
        r"leaf tensor that requires grad.*in-place operation.*no_grad",
    ),
    "leaf_in_place_operator": (lambda: leaf([1.0]).__imul__(2.0), RuntimeError, r"in-place operation"),
    "leaf_setitem": (lambda: leaf([1.0, 2.0]).__setitem__(0, 5.0), RuntimeError, r"in-place operation"),
    "float_into_int_in_place": (
        lambda: Tensor([1, 2]).add_(0.5),
        RuntimeError,
        r"result type float64 can't be cast to the tensor's dtype int64",
    ),
    "in_place_changes_shape": (
        lambda: Tensor(np.ones(3)).add_(Tensor(np.ones((2, 3)))),
        RuntimeError,
        r"in-place add.*shape \(3,\)",
    ),
    "in_place_on_expand": (
        lambda: Tensor(np.ones((1, 3))).expand(2, 3).add_(1.0),
        RuntimeError,
        r"read-only.*expand\(\).*clone\(\)",
    ),
    "in_place_on_a_read_only_array": (lambda: ag.from_numpy(_read_only()).mul_(2.0), RuntimeError, r"read-only"),
    "fill_of_a_read_only_array": (lambda: ag.from_numpy(_read_only()).fill_(0.0), RuntimeError, r"read-only"),
    "in_place_on_a_reshaped_view_in_the_graph": (
        lambda: (leaf([1.0, 2.0]) * 2).reshape(2, 1).mul_(3.0),
        RuntimeError,
        r"in-place mul on a view.*slices x\[index\] only",
    ),
    "in_place_on_a_slice_of_a_leaf": (
        lambda: leaf([1.0, 2.0])[0:1].mul_(3.0),
        RuntimeError,
        r"leaf tensor that requires grad.*in-place operation",
    ),
    # -- backward misuse
    "backward_of_a_constant": (lambda: Tensor(1.0).backward(), RuntimeError, r"does not require grad"),
    "backward_under_no_grad": (
        lambda: _under_no_grad(lambda x: x * 2).backward(),
        RuntimeError,
        r"does not require grad.*no_grad",
    ),
    "backward_of_a_vector": (
        lambda: (leaf([1.0, 2.0]) * 2).backward(),
        RuntimeError,
        r"only for one-element outputs.*shape \(2,\).*\.sum\(\)",
    ),
    "backward_seed_shape": (
        lambda: (leaf([1.0, 2.0]) * 2).backward(np.ones(3)),
        ValueError,
        r"has shape \(3,\) but the output has shape \(2,\)",
    ),
    "backward_seed_bool": (
        lambda: (leaf([1.0, 2.0]) * 2).backward(np.array([True, False])),
        TypeError,
        r"dtype bool.*must hold numbers",
    ),
    "backward_seed_list": (
        lambda: (leaf([1.0, 2.0]) * 2).backward([1.0, 1.0]),
        TypeError,
        r"must be a Tensor \(or an array\) of the output's shape \(2,\), got list",
    ),
    "backward_seed_string": (lambda: (leaf([1.0]) * 2).sum().backward("1"), TypeError, r"got str"),
    "backward_seed_dict": (lambda: (leaf([1.0]) * 2).sum().backward({}), TypeError, r"got dict"),
    "backward_gradient_and_grad": (
        lambda: (leaf(1.0) * 2).backward(Tensor(1.0), grad=Tensor(1.0)),
        TypeError,
        r"both gradient= and grad=",
    ),
    "backward_twice": (lambda: _twice(lambda y: y.backward()), RuntimeError, r"second time.*retain_graph=True"),
    "backward_after_free_through_another_output": (lambda: _after_free(), RuntimeError, r"second time"),
    "backward_inputs_not_tensors": (
        lambda: (leaf(1.0) * 2).backward(inputs=[1.0]),
        TypeError,
        r"backward\(inputs=...\): item 0 is a float",
    ),
    "version_changed_input": (
        lambda: _changed_between_forward_and_backward(),
        RuntimeError,
        r"modified by an inplace operation.*pow_scalar.*version 1",
    ),
    "version_changed_output": (
        lambda: _output_changed(),
        RuntimeError,
        r"modified by an inplace operation: the VJP of exp.*its output",
    ),
    "hook_returns_wrong_shape": (lambda: _bad_hook(), ValueError, r"hook on a tensor of shape \(2,\) returned"),
    "hook_on_a_constant": (
        lambda: Tensor([1.0]).register_hook(print),
        RuntimeError,
        r"hook on a tensor that does not require grad",
    ),
    # -- grad() misuse
    "grad_outputs_too_short": (
        lambda: ag.grad([leaf(1.0) * 2, leaf(1.0) * 3], [], grad_outputs=[1.0]),
        ValueError,
        r"2 outputs but 1 grad_outputs",
    ),
    "grad_outputs_too_long": (
        lambda: _grad_of(lambda x: [x * 2], grad_outputs=[1.0, 1.0]),
        ValueError,
        r"1 outputs but 2 grad_outputs",
    ),
    "grad_outputs_shape": (
        lambda: _grad_of(lambda x: x * 2, grad_outputs=np.ones(3), shape=(2,)),
        ValueError,
        r"grad\(grad_outputs\[0\]\) has shape \(3,\) but the output has shape \(2,\)",
    ),
    "grad_unused_input": (
        lambda: ag.grad(leaf(1.0) * 2, [leaf(2.0)]),
        RuntimeError,
        r"input 0 .* was not used.*allow_unused=True",
    ),
    "grad_input_without_grad": (
        lambda: ag.grad(leaf(1.0) * 2, [Tensor(1.0)]),
        RuntimeError,
        r"input 0 \(shape \(\)\) does not require grad",
    ),
    "grad_output_not_a_tensor": (lambda: ag.grad([2.0], [leaf(1.0)]), TypeError, r"item 0 is a float"),
    "grad_input_not_a_tensor": (
        lambda: ag.grad(leaf(1.0) * 2, [np.ones(1)]),
        TypeError,
        r"grad\(inputs=...\): item 0 is a ndarray",
    ),
    "grad_of_a_vector_without_grad_outputs": (
        lambda: _grad_of(lambda x: x * 2, shape=(2,)),
        RuntimeError,
        r"one-element outputs",
    ),
    "grad_of_argmax": (lambda: ag.grad(leaf([1.0, 2.0]).argmax(), []), RuntimeError, r"does not require grad"),
    "grad_twice_through_a_freed_graph": (lambda: _grad_twice(), RuntimeError, r"second time"),
    "gradcheck_float32": (
        lambda: ag.gradcheck(lambda x: x * 2, [leaf([1.0], dtype=ag.float32)]),
        TypeError,
        r"needs float64 inputs; input 0 has dtype float32",
    ),
    "gradcheck_wrong_gradient": (
        lambda: ag.gradcheck(_wrong_op(), [leaf([0.3, 0.5])]),
        AssertionError,
        r"gradcheck failed for input 0.*backward gives.*finite differences give",
    ),
    "jacobian_of_ints": (lambda: ag.jacobian(lambda x: x, Tensor([1, 2])), TypeError, r"need float inputs"),
    "hessian_of_a_vector": (
        lambda: ag.hessian(lambda x: x * 2, Tensor([1.0, 2.0])),
        ValueError,
        r"func must return a tensor with a single element",
    ),
}


def _under_no_grad(f):
    with ag.no_grad():
        return f(leaf(1.0))


def _twice(how):
    y = (leaf(2.0) * leaf(3.0)).exp()
    y.backward()
    how(y)


def _after_free():
    """y's graph was walked by z's backward (without retain_graph): a backward through y again fails."""
    x = leaf(2.0)
    y = x.exp()
    (y * 2).backward()
    (y * 3).backward()


def _changed_between_forward_and_backward():
    """An optimizer-like step between forward and backward: the gradient would use the new w."""
    w = leaf([1.0, 2.0])
    loss = (w**2).sum()
    with ag.no_grad():
        w -= 0.1
    loss.backward()


def _output_changed():
    y = leaf([1.0, 2.0]).exp()
    y.add_(1.0)
    y.sum().backward()


def _bad_hook():
    x = leaf([1.0, 2.0])
    h = x * 2
    h.register_hook(lambda g: Tensor(np.ones(3)))
    h.sum().backward()


def _grad_of(f, grad_outputs=None, shape=()):
    x = leaf(np.ones(shape))
    return ag.grad(f(x), x, grad_outputs=grad_outputs)


def _grad_twice():
    x = leaf(2.0)
    y = x.exp() * 2
    ag.grad(y, x)
    ag.grad(y, x)


def _wrong_op():
    wrong = ag.primitive(lambda g, y, x: g * 2 * x * 1.1, forward=np.square, name="square_wrong")
    return lambda x: wrong(x)


@pytest.mark.parametrize("name", sorted(ERRORS))
def test_error(name):
    fn, error, message = ERRORS[name]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        with pytest.raises(error, match=message):
            fn()


# ----------------------------------------------------------------------------- values


def _g(M, y, *xs):
    """y and the gradients of y.sum() with respect to xs (a flat tuple of tensors)."""
    grads = (ag.grad if M is ag else torch.autograd.grad)(y.sum(), xs)
    return (y, *grads)


def _leaf(M, v, dtype=None):
    """A float64 leaf in either library (torch's default float is float32; ours float64)."""
    dt = dtype or M.float64
    return M.tensor(v, dtype=dt, requires_grad=True)


def _constant(M, v):
    return M.tensor(v, dtype=M.float64)


INF, NAN = math.inf, math.nan

# name: (f(M) returning a tuple of tensors/numbers, the expected values (None: torch only))
VALUES = {
    # -- construction
    "empty_list": (lambda M: (M.tensor([]).shape[0], M.tensor([]).sum()), (0, 0.0)),
    "empty_matrix_sum": (lambda M: (M.zeros(0, 3).sum(0), M.zeros(0, 3).mean()), ([0, 0, 0], NAN)),
    "zero_d": (lambda M: (M.tensor(3.5), M.tensor(3.5).dim(), M.tensor(3.5).numel()), (3.5, 0, 1)),
    "nan_and_inf_kept": (lambda M: (M.tensor([NAN, INF, -INF]),), ([NAN, INF, -INF],)),
    "nan_propagates_in_gradients": (lambda M: _g(M, (x := _leaf(M, [NAN, 1.0])) * x, x), ([NAN, 1.0], [NAN, 2.0])),
    "float16_array": (lambda M: (M.tensor(np.array([1.5, 2.25], np.float16)) * 2,), ([3.0, 4.5],)),
    "float16_gradient": (lambda M: _g(M, (lambda x: x * x)(x := _leaf(M, [1.5, 2.0], M.float16)), x), None),
    "bool_sum_is_int": (lambda M: (M.tensor([True, True, False]).sum(),), (2,)),
    "bools_and_ints": (lambda M: (M.tensor([True, 2]),), ([1, 2],)),
    "int_list_requires_grad_is_float64": (lambda M: (M.tensor([1, 2], requires_grad=True) * 2,), ([2.0, 4.0],)),
    "read_only_array_is_copied": (lambda M: (_copy_of_read_only(M),), ([10.0, 1.0, 2.0],)),
    "non_contiguous_array": (lambda M: _g(M, (x := _leaf(M, np.arange(6.0).reshape(2, 3).T)) * x, x), None),
    "strided_array": (lambda M: (M.tensor(np.arange(10.0)[::3]),), ([0.0, 3.0, 6.0, 9.0],)),
    "nested_tuples": (lambda M: (M.tensor(((1, 2), (3, 4))),), ([[1, 2], [3, 4]],)),
    "numpy_scalar_float32": (lambda M: (M.tensor(np.float32(2.5)) * 2,), (5.0,)),
    "tensor_of_a_tensor_copies": (lambda M: (_copy_of_tensor(M),), ([1.0, 2.0],)),
    # -- op domains (values and gradients as PyTorch)
    "log_of_0": (lambda M: _g(M, (x := _leaf(M, [0.0, 1.0])).log(), x), ([-INF, 0.0], [INF, 1.0])),
    "log_of_negative": (lambda M: _g(M, (x := _leaf(M, [-1.0])).log(), x), ([NAN], [-1.0])),
    "log2_log1p_at_edges": (lambda M: (_leaf(M, [0.0]).log2(), _leaf(M, [-1.0]).log1p()), ([-INF], [-INF])),
    "sqrt_of_0": (lambda M: _g(M, (x := _leaf(M, [0.0, 4.0])).sqrt(), x), ([0.0, 2.0], [INF, 0.25])),
    "sqrt_of_negative": (lambda M: _g(M, (x := _leaf(M, [-4.0])).sqrt(), x), ([NAN], [NAN])),
    "rsqrt_of_0": (lambda M: (_constant(M, [0.0]).rsqrt(),), ([INF],)),
    "division_by_0": (
        lambda M: _g(M, (a := _leaf(M, [1.0, -1.0, 0.0])) / (b := _leaf(M, [0.0, 0.0, 0.0])), a, b),
        ([INF, -INF, NAN], [INF, INF, INF], [-INF, INF, NAN]),
    ),
    "int_true_division_by_0": (lambda M: (M.tensor([1, 0]) / 0,), ([INF, NAN],)),
    "zero_to_the_zero": (lambda M: _g(M, (x := _leaf(M, [0.0, 2.0])) ** 0, x), ([1.0, 1.0], [0.0, 0.0])),
    "zero_to_the_zero_tensor": (
        lambda M: _g(M, (a := _leaf(M, [0.0])) ** (b := _leaf(M, [0.0])), a, b),
        ([1.0], [0.0], [0.0]),
    ),
    "zero_to_the_half": (lambda M: _g(M, (x := _leaf(M, [0.0])) ** 0.5, x), ([0.0], [INF])),
    "zero_to_the_minus_1": (lambda M: _g(M, (x := _leaf(M, [0.0])) ** -1, x), ([INF], [-INF])),
    "negative_to_a_fraction": (lambda M: (_constant(M, [-8.0]) ** (1 / 3),), ([NAN],)),
    "negative_base_tensor_exponent": (
        lambda M: _g(M, (a := _leaf(M, [-2.0])) ** (b := _leaf(M, [2.0])), a, b),
        ([4.0], [-4.0], [NAN]),
    ),
    "exp_overflow_float64": (lambda M: _g(M, (x := _leaf(M, [1000.0])).exp(), x), ([INF], [INF])),
    "exp_overflow_float32": (lambda M: (_constant(M, [100.0]).float().exp(),), ([INF],)),
    "float32_multiply_overflow": (lambda M: (M.tensor([3e38], dtype=M.float32) * 10,), ([INF],)),
    "float32_sum_overflow": (lambda M: (M.tensor([3e38, 3e38], dtype=M.float32).sum(),), (INF,)),
    "int64_wraps": (lambda M: (M.tensor([2**63 - 1]) + 1,), ([-(2**63)],)),
    "softmax_at_1e4": (
        lambda M: _g(M, (x := _leaf(M, [1e4, 0.0, -1e4])).softmax(0) * _constant(M, [1.0, 2.0, 3.0]), x),
        None,
    ),
    "log_softmax_at_1e4": (
        lambda M: _g(M, (x := _leaf(M, [1e4, 0.0, -1e4])).log_softmax(0), x),
        ([0.0, -1e4, -2e4], [-2.0, 1.0, 1.0]),
    ),
    "softmax_at_1e300": (
        lambda M: _g(M, (x := _leaf(M, [1e300, -1e300])).softmax(0) * _constant(M, [1.0, 2.0]), x),
        ([1.0, 0.0], [0.0, 0.0]),
    ),
    "cross_entropy_at_1e4": (
        lambda M: _g(M, F(M).cross_entropy(z := _leaf(M, [[1e4, 0.0, -1e4]]), M.tensor([2])), z),
        (2e4, [[1.0, 0.0, -1.0]]),
    ),
    "cross_entropy_at_minus_1e4": (
        lambda M: _g(M, F(M).cross_entropy(z := _leaf(M, [[-1e4, 0.0, 1e4]]), M.tensor([2])), z),
        (0.0, [[0.0, 0.0, 0.0]]),
    ),
    "cross_entropy_at_1e300": (
        lambda M: _g(M, F(M).cross_entropy(z := _leaf(M, [[1e300, -1e300]]), M.tensor([1])), z),
        (2e300, [[1.0, -1.0]]),
    ),
    "cross_entropy_probs_at_1e4": (
        lambda M: _g(M, F(M).cross_entropy(z := _leaf(M, [[1e4, -1e4]]), _constant(M, [[0.5, 0.5]])), z),
        (1e4, [[0.5, -0.5]]),
    ),
    "sigmoid_at_1e4": (lambda M: _g(M, (x := _leaf(M, [1e4, -1e4])).sigmoid(), x), ([1.0, 0.0], [0.0, 0.0])),
    "softplus_at_1e4": (lambda M: _g(M, F(M).softplus(x := _leaf(M, [1e4, -1e4])), x), ([1e4, 0.0], [1.0, 0.0])),
    "tanh_at_1e300": (lambda M: _g(M, (x := _leaf(M, [1e300, -1e300])).tanh(), x), ([1.0, -1.0], [0.0, 0.0])),
    "logsumexp_at_1e300": (lambda M: _g(M, (x := _leaf(M, [1e300, 1e300])).logsumexp(0), x), (1e300, [0.5, 0.5])),
    "logsumexp_of_minus_inf": (lambda M: (_constant(M, [-INF, -INF]).logsumexp(0),), (-INF,)),
    "logsumexp_with_inf": (lambda M: (_constant(M, [INF, 0.0]).logsumexp(0),), (INF,)),
    "logsumexp_empty": (lambda M: (M.zeros(0, dtype=M.float64).logsumexp(0),), (-INF,)),
    "max_ties_split": (lambda M: _g(M, (x := _leaf(M, [1.0, 3.0, 3.0])).max(), x), (3.0, [0.0, 0.5, 0.5])),
    "min_ties_split": (lambda M: _g(M, (x := _leaf(M, [2.0, 2.0, 5.0])).min(), x), (2.0, [0.5, 0.5, 0.0])),
    "amax_ties_split": (
        lambda M: _g(M, (x := _leaf(M, [[1.0, 1.0], [2.0, 0.0]])).amax(dim=1), x),
        ([1.0, 2.0], [[0.5, 0.5], [1.0, 0.0]]),
    ),
    "max_dim_ties_first_index": (
        lambda M: _g(M, (x := _leaf(M, [[4.0, 4.0, 1.0]])).max(dim=1).values, x),
        ([4.0], [[1.0, 0.0, 0.0]]),
    ),
    "max_dim_tie_index": (lambda M: (_constant(M, [[4.0, 4.0, 1.0]]).max(dim=1).indices,), ([0],)),
    "maximum_ties_split": (
        lambda M: _g(M, M.maximum(a := _leaf(M, [1.0, 2.0]), b := _leaf(M, [1.0, 3.0])), a, b),
        ([1.0, 3.0], [0.5, 0.0], [0.5, 1.0]),
    ),
    "minimum_ties_split": (
        lambda M: _g(M, M.minimum(a := _leaf(M, [1.0]), b := _leaf(M, [1.0])), a, b),
        ([1.0], [0.5], [0.5]),
    ),
    "clamp_at_its_bounds": (
        lambda M: _g(M, (x := _leaf(M, [-1.0, 0.0, 1.0, 2.0])).clamp(-1.0, 1.0), x),
        ([-1.0, 0.0, 1.0, 1.0], [1.0, 1.0, 1.0, 0.0]),
    ),
    "relu_at_0": (lambda M: _g(M, (x := _leaf(M, [0.0])).relu(), x), ([0.0], [0.0])),
    "abs_at_0": (lambda M: _g(M, (x := _leaf(M, [0.0])).abs(), x), ([0.0], [0.0])),
    "norm_at_0": (lambda M: _g(M, (x := _leaf(M, [0.0, 0.0])).norm(), x), (0.0, [0.0, 0.0])),
    "norm_dim_at_0": (
        lambda M: _g(M, (x := _leaf(M, [[0.0, 0.0], [3.0, 4.0]])).norm(dim=1), x),
        ([0.0, 5.0], [[0.0, 0.0], [0.6, 0.8]]),
    ),
    "std_of_a_constant": (lambda M: _g(M, (x := _leaf(M, [2.0, 2.0])).std(), x), (0.0, [0.0, 0.0])),
    "var_of_one_entry": (lambda M: (_constant(M, [2.0]).var(),), (NAN,)),
    "prod_with_zeros": (lambda M: _g(M, (x := _leaf(M, [0.0, 2.0, 3.0])).prod(), x), (0.0, [6.0, 0.0, 0.0])),
    "prod_with_two_zeros": (lambda M: _g(M, (x := _leaf(M, [0.0, 0.0, 3.0])).prod(), x), (0.0, [0.0, 0.0, 0.0])),
    "mean_of_empty": (lambda M: (M.zeros(0, dtype=M.float64).mean(),), (NAN,)),
    "cumsum_of_empty": (lambda M: (M.zeros(0, dtype=M.float64).cumsum(0),), ([],)),
    "equal_to_none": (lambda M: (M.tensor([1.0]) == None,), (False,)),  # noqa: E711
    "int_floor_division": (lambda M: (M.tensor([7, -7]) // 2, M.tensor([7, -7]) % 3), ([3, -4], [1, 2])),
    "float_floor_division_by_0": (lambda M: (M.tensor([1.0, -1.0]) // 0.0,), ([INF, -INF],)),
    # -- backward
    "backward_on_a_leaf": (lambda M: _backward_on_leaf(M), (1.0,)),
    "backward_int_seed": (lambda M: _int_seed(M), ([2.0, 2.0],)),
    "backward_nan_seed": (lambda M: _nan_seed(M), ([NAN, 2.0],)),
    "node_used_100000_times": (lambda M: _used_many_times(M, 100_000), (200_000.0,)),
    "node_in_a_stack_100000_times": (lambda M: _stacked_many_times(M, 100_000), (100_000.0,)),
    "long_chain": (lambda M: _long_chain(M), (1.0,)),
    "unused_input_with_allow_unused": (lambda M: _allow_unused(M), (True, 2.0)),
    "retain_graph_three_times": (lambda M: _three_times(M), (3 * math.e,)),
}


def F(M):
    return ag if M is ag else torch.nn.functional


def _copy_of_read_only(M):
    a = _read_only()
    t = M.tensor(a)
    t[0] = 10.0  # a copy, so writable
    return t


def _copy_of_tensor(M):
    a = M.tensor([1.0, 2.0])
    b = M.tensor(a) if M is ag else a.clone()  # torch.tensor(tensor) warns; clone is its spelling
    a[0] = 99.0
    return b


def _backward_on_leaf(M):
    x = _leaf(M, 3.0)
    x.backward()
    return (x.grad,)


def _int_seed(M):
    x = _leaf(M, [1.0, 2.0])
    y = x * 2
    y.backward(np.array([1, 1]) if M is ag else M.tensor([1.0, 1.0], dtype=M.float64))
    return (x.grad,)


def _nan_seed(M):
    x = _leaf(M, [1.0, 2.0])
    (x * 2).backward(_constant(M, [NAN, 1.0]))
    return (x.grad,)


def _used_many_times(M, n):
    x = _leaf(M, 1.0)
    h = x * 2
    total = h * 1.0
    for _ in range(n - 1):
        total = total + h
    total.backward()
    return (x.grad,)


def _stacked_many_times(M, n):
    x = _leaf(M, 1.0)
    M.stack([x] * n).sum().backward()
    return (x.grad,)


# A chain of 10⁶ cheap 0-d ops takes ~6 s here (about 6 µs per op, forward and backward), too slow for
# a unit test; 3·10⁵ runs the same code path (the walk is a heap, never recursion; memory per op is
# constant) in 2-4 s.
LONG_CHAIN = 300_000


def _long_chain(M):
    x = _leaf(M, 1.0)
    y = x
    for _ in range(LONG_CHAIN):
        y = y * 1.0
    y.backward()
    return (x.grad,)


def _allow_unused(M):
    x, z = _leaf(M, 1.0), _leaf(M, 2.0)
    gx, gz = (ag.grad if M is ag else torch.autograd.grad)(x * 2, [x, z], allow_unused=True)
    return gz is None, gx


def _three_times(M):
    x = _leaf(M, 1.0)
    y = x.exp()
    for _ in range(3):
        y.backward(retain_graph=True)
    return (x.grad,)


def _as_array(v):
    if torch is not None and isinstance(v, torch.Tensor):
        return v.detach().to(torch.float64).numpy()
    if isinstance(v, Tensor):
        return v.numpy().astype(np.float64)
    return np.asarray(v, dtype=np.float64)


def _check_values(got, want, where):
    assert len(got) == len(want), f"{where}: {len(got)} results, expected {len(want)}"
    for k, (g, w) in enumerate(zip(got, want)):
        np.testing.assert_allclose(
            _as_array(g), _as_array(w), rtol=1e-6, atol=1e-12, equal_nan=True, err_msg=f"{where}, result {k}"
        )


OURS_ONLY = {
    "int_list_requires_grad_is_float64",  # a convenience of ours: torch rejects requires_grad on ints
    "logsumexp_at_1e300",  # torch's e^(x − y) gives [1, 1]: y = 1e300 has lost ln 2 to rounding; softmax is [½, ½]
    "long_chain",
    "node_used_100000_times",  # exact expected values; torch would only add its own seconds
}


@pytest.mark.parametrize("name", sorted(VALUES))
def test_value(name):
    f, expected = VALUES[name]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # numpy's "divide by zero" etc.: the values are checked
        ours = f(ag)
        if expected is not None:
            _check_values(ours, expected, f"{name} (expected)")
        if torch is not None and name not in OURS_ONLY:
            _check_values(ours, f(torch), f"{name} (torch)")
        elif expected is None:
            pytest.skip("torch is not installed: this case is checked against torch only")


def test_there_are_at_least_150_cases():
    assert len(ERRORS) + len(VALUES) >= 150, len(ERRORS) + len(VALUES)


# ---- sections: nn and save/load, the renderer, loaders and task CLIs


# ---- nn misuse and save/load
# Bad input to nn: each case must raise a clear error whose message names the fault (the argument, shape, dtype,
# value or file), never a wrong answer or a numpy/pickle message from deep inside.

import io  # noqa: E402
import json  # noqa: E402
import zipfile  # noqa: E402

import nn  # noqa: E402
import nn.functional as NF  # noqa: E402 (F is the functional-module picker above)


def _p(*shape):
    return nn.Parameter(np.ones(shape))


def _ce(target, **kw):
    return lambda: NF.cross_entropy(Tensor(np.zeros((2, 3))), target, **kw)


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
    (
        "batchnorm channels",
        lambda: nn.BatchNorm1d(3)(Tensor(np.ones((4, 5)))),
        ValueError,
        r"BatchNorm1d\(3\).*\(4, 5\)",
    ),
    ("batchnorm 4-d", lambda: nn.BatchNorm1d(3)(Tensor(np.ones((2, 3, 1, 1)))), ValueError, r"\(N, 3, L\)"),
    ("batchnorm one sample", _bn_single_sample, ValueError, "more than 1 value per channel"),
    ("batchnorm eps", lambda: nn.BatchNorm1d(3, eps=0), ValueError, "eps must be > 0"),
    ("batchnorm momentum", lambda: nn.BatchNorm1d(3, momentum=2.0), ValueError, "momentum must be in"),
    ("layernorm shape", lambda: nn.LayerNorm(4)(Tensor(np.ones((2, 3)))), ValueError, r"normalized_shape \(4,\)"),
    ("layernorm eps", lambda: nn.LayerNorm(4, eps=-1.0), ValueError, "eps must be > 0"),
    ("dropout p", lambda: nn.Dropout(-0.1), ValueError, "between 0 and 1.*-0.1"),
    ("functional dropout p", lambda: NF.dropout(Tensor(np.ones(2)), p=2), ValueError, "between 0 and 1"),
    ("softplus beta", lambda: NF.softplus(Tensor(np.ones(2)), beta=0), ValueError, "beta must be > 0"),
    ("mlp one size", lambda: nn.MLP([3]), ValueError, "at least an input and an output"),
    ("unknown activation", lambda: nn.MLP([2, 2, 2], activation="gelu"), ValueError, "unknown activation 'gelu'"),
    ("sequential non-module", lambda: nn.Sequential(nn.ReLU(), 3), TypeError, "argument 1 is a int"),
    ("modulelist non-module", lambda: nn.ModuleList([nn.ReLU(), "x"]), TypeError, "nn.Modules, got a str"),
    ("assign tensor as parameter", _assign_tensor_to_weight, TypeError, "parameter 'weight'"),
    ("module to int", lambda: nn.Linear(2, 2).to(np.int64), TypeError, "floating-point dtype"),
    ("train mode not bool", lambda: nn.Linear(2, 2).train("yes"), ValueError, "expects a bool"),
    (
        "state dict missing",
        lambda: nn.Linear(2, 2).load_state_dict({"weight": np.ones((2, 2))}),
        RuntimeError,
        "missing key.*bias",
    ),
    (
        "state dict unexpected",
        lambda: nn.Linear(2, 2).load_state_dict({"weight": np.ones((2, 2)), "bias": np.ones(2), "extra": np.ones(1)}),
        RuntimeError,
        "unexpected key.*extra",
    ),
    (
        "state dict shape",
        lambda: nn.Linear(3, 2).load_state_dict({"weight": np.ones((3, 2)), "bias": np.ones(2)}),
        RuntimeError,
        r"size mismatch for weight.*\(3, 2\).*\(2, 3\)",
    ),
    (
        "state dict dtype",
        lambda: nn.Linear(2, 2).load_state_dict({"weight": np.ones((2, 2), int), "bias": np.ones(2)}),
        RuntimeError,
        "dtype mismatch for weight.*int64",
    ),
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
    (
        "ce int logits",
        lambda: NF.cross_entropy(Tensor(np.zeros((2, 3), int)), np.array([0, 1])),
        TypeError,
        "float logits",
    ),
    (
        "nll float labels",
        lambda: NF.nll_loss(Tensor(np.zeros((2, 3))), np.array([0.0, 1.0])),
        TypeError,
        "your labels are float",
    ),
    ("nll target range", lambda: NF.nll_loss(Tensor(np.zeros((2, 3))), np.array([0, 7])), IndexError, "class target 7"),
    ("nll negative weight", lambda: nn.NLLLoss(weight=[-1.0, 1.0]), ValueError, "finite and ≥ 0"),
    ("mse shapes", lambda: NF.mse_loss(Tensor(np.ones((2, 1))), np.ones(2)), ValueError, r"\(2, 1\).*\(2,\)"),
    ("l1 shapes", lambda: nn.L1Loss()(Tensor(np.ones(3)), np.ones(2)), ValueError, r"\(3,\).*\(2,\)"),
    ("mse reduction", lambda: NF.mse_loss(Tensor(np.ones(2)), np.ones(2), reduction="mean "), ValueError, "reduction"),
    (
        "bce input outside",
        lambda: NF.binary_cross_entropy(Tensor([1.2, 0.5]), np.array([1.0, 0.0])),
        ValueError,
        r"input \(probabilities\) must lie in \[0, 1\].*1.2.*with_logits",
    ),
    (
        "bce nan input",
        lambda: NF.binary_cross_entropy(Tensor([np.nan, 0.5]), np.array([1.0, 0.0])),
        ValueError,
        r"\[0, 1\]",
    ),
    (
        "bce target outside",
        lambda: NF.binary_cross_entropy(Tensor([0.2, 0.5]), np.array([2.0, 0.0])),
        ValueError,
        r"target must lie in \[0, 1\]",
    ),
    (
        "bce negative weight",
        lambda: NF.binary_cross_entropy(Tensor([0.2, 0.5]), np.array([1.0, 0.0]), weight=np.array([-1.0, 1.0])),
        ValueError,
        "finite and ≥ 0",
    ),
    (
        "bce weight shape",
        lambda: NF.binary_cross_entropy(Tensor([0.2, 0.5]), np.array([1.0, 0.0]), weight=np.ones(3)),
        ValueError,
        "does not broadcast",
    ),
    (
        "bce logits target",
        lambda: nn.BCEWithLogitsLoss()(Tensor([0.2, 5.0]), np.array([2.0, 0.0])),
        ValueError,
        r"target must lie in \[0, 1\]",
    ),
    (
        "bce logits shapes",
        lambda: NF.binary_cross_entropy_with_logits(Tensor([0.2, 5.0]), np.ones((2, 1))),
        ValueError,
        "differ",
    ),
    ("one hot float", lambda: NF.one_hot(np.array([0.0, 1.0])), TypeError, "integer class indices"),
    ("one hot range", lambda: NF.one_hot(np.array([0, 4]), 3), ValueError, "0..2.*0..4"),
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
    (
        "nesterov with dampening",
        _opt(nn.optim.SGD, lr=0.1, momentum=0.9, dampening=0.1, nesterov=True),
        ValueError,
        "dampening = 0",
    ),
    ("beta2 is 1", _opt(nn.optim.Adam, betas=(0.9, 1.0)), ValueError, r"betas\[1\] must be in \[0, 1\), got 1.0"),
    ("beta1 negative", _opt(nn.optim.AdamW, betas=(-0.1, 0.9)), ValueError, r"betas\[0\]"),
    ("betas three", _opt(nn.optim.Adam, betas=(0.9, 0.99, 0.9)), ValueError, r"betas must be a pair"),
    ("eps zero", _opt(nn.optim.Adam, eps=0.0), ValueError, "eps must be finite and > 0"),
    ("eps negative", _opt(nn.optim.RMSprop, eps=-1e-8), ValueError, "eps must be finite and > 0"),
    ("adam weight decay", _opt(nn.optim.Adam, weight_decay=-0.1), ValueError, "weight_decay"),
    ("rmsprop alpha", _opt(nn.optim.RMSprop, alpha=1.0), ValueError, r"alpha must be in \[0, 1\)"),
    ("rmsprop momentum", _opt(nn.optim.RMSprop, momentum=-1.0), ValueError, "momentum"),
    ("adagrad lr decay", _opt(nn.optim.Adagrad, lr_decay=-1.0), ValueError, "lr_decay"),
    (
        "adagrad accumulator",
        _opt(nn.optim.Adagrad, initial_accumulator_value=-1.0),
        ValueError,
        "initial_accumulator_value",
    ),
    ("empty params", lambda: nn.optim.SGD([], lr=0.1), ValueError, "empty parameter list"),
    ("empty group", lambda: nn.optim.SGD([{"params": []}], lr=0.1), ValueError, "empty parameter list"),
    ("group without params", lambda: nn.optim.SGD([{"lr": 0.1}], lr=0.1), ValueError, "'params'"),
    ("parameter twice", lambda: (lambda p: nn.optim.SGD([p, p], lr=0.1))(_p(2)), ValueError, "parameter 1.*twice"),
    (
        "parameter in two groups",
        lambda: (lambda p: nn.optim.SGD([{"params": [p]}, {"params": [p]}], lr=0.1))(_p(2)),
        ValueError,
        "twice",
    ),
    ("single tensor", lambda: nn.optim.SGD(_p(2), lr=0.1), TypeError, "single Tensor"),
    ("a set", lambda: nn.optim.SGD({_p(2)}, lr=0.1), TypeError, "not a set"),
    ("an array", lambda: nn.optim.SGD([np.ones(2)], lr=0.1), TypeError, "parameter 0 is a ndarray"),
    ("non-leaf", _non_leaf, ValueError, "non-leaf"),
    (
        "unknown group key",
        lambda: nn.optim.SGD([{"params": [_p(2)], "betas": 1}], lr=0.1),
        TypeError,
        "no hyper-parameter 'betas'",
    ),
    ("set lr nan", _set_lr(float("nan")), ValueError, "lr must be finite"),
    ("optimizer state not a dict", _opt_load([]), ValueError, "'state' and 'param_groups'"),
    ("optimizer state groups", _opt_load({"state": {}, "param_groups": []}), ValueError, "0 parameter groups"),
    (
        "optimizer state params",
        _opt_load({"state": {}, "param_groups": [{"params": [0, 1]}]}),
        ValueError,
        "holds 2 parameters",
    ),
    (
        "optimizer state shape",
        _opt_load(
            {
                "state": {0: {"step": 1, "exp_avg": np.ones(3), "exp_avg_sq": np.ones(2)}},
                "param_groups": [{"params": [0], "lr": 0.1}],
            }
        ),
        ValueError,
        r"'exp_avg' has shape \(3,\).*\(2,\)",
    ),
    (
        "optimizer state unknown index",
        _opt_load({"state": {5: {}}, "param_groups": [{"params": [0]}]}),
        ValueError,
        "parameter 5",
    ),
    # schedulers and clipping
    (
        "steplr step size",
        lambda: nn.optim.StepLR(nn.optim.SGD([_p(2)], lr=0.1), step_size=0),
        ValueError,
        "step_size must be a positive integer",
    ),
    ("steplr gamma", lambda: nn.optim.StepLR(nn.optim.SGD([_p(2)], lr=0.1), 2, gamma=-0.5), ValueError, "gamma"),
    (
        "exponential gamma nan",
        lambda: nn.optim.ExponentialLR(nn.optim.SGD([_p(2)], lr=0.1), float("nan")),
        ValueError,
        "gamma",
    ),
    (
        "cosine t max",
        lambda: nn.optim.CosineAnnealingLR(nn.optim.SGD([_p(2)], lr=0.1), T_max=0),
        ValueError,
        "T_max must be a positive integer",
    ),
    (
        "lambdalr count",
        lambda: nn.optim.LambdaLR(nn.optim.SGD([_p(2)], lr=0.1), [lambda e: 1, lambda e: 1]),
        ValueError,
        "expected 1 lr_lambdas",
    ),
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
    (
        "generator and seed",
        lambda: nn.DataLoader(np.ones(3), seed=1, generator=np.random.default_rng(1)),
        ValueError,
        "not both",
    ),
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
    doc = {
        "format": "autograd-nn-state",
        "model": "Linear",
        "parameters": {
            "weight": {"shape": [2, 3], "dtype": "float64", "data": np.zeros((2, 3)).tolist()},
            "bias": {"shape": [2], "dtype": "float64", "data": [0.0, 0.0]},
        },
    }
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
    (
        "forged huge header",
        _write("m.npz", lambda p: _zip(p, {"weight.npy": _npy((100000, 100000), payload=b""), "bias.npy": _npy((2,))})),
        r"array 'weight' has shape \(100000, 100000\), the model expects \(2, 3\)",
    ),
    (
        "forged short data",
        _write("m.npz", lambda p: _zip(p, {"weight.npy": _npy((2, 3), payload=b"\0" * 8), "bias.npy": _npy((2,))})),
        r"array 'weight'.*48 bytes.*holds 8 bytes \(truncated or forged\)",
    ),
    (
        "damaged header",
        _write("m.npz", lambda p: _zip(p, {"weight.npy": b"\x93NUMPY\x01\x00garbage", "bias.npy": _npy((2,))})),
        "array 'weight' has a damaged header",
    ),
    (
        "not npy magic",
        _write("m.npz", lambda p: _zip(p, {"weight.npy": b"PK not an array", "bias.npy": _npy((2,))})),
        "array 'weight' has a damaged header",
    ),
    (
        "object dtype",
        _write(
            "m.npz", lambda p: np.savez(p, weight=np.array([None] * 6, dtype=object).reshape(2, 3), bias=np.ones(2))
        ),
        "array 'weight' has dtype object.*nothing is unpickled",
    ),
    (
        "int dtype",
        _write("m.npz", lambda p: np.savez(p, weight=np.ones((2, 3), int), bias=np.ones(2))),
        "array 'weight' has dtype int64, the model expects float64",
    ),
    (
        "complex dtype",
        _write("m.npz", lambda p: np.savez(p, weight=np.ones((2, 3), complex), bias=np.ones(2))),
        "dtype complex128; only numbers",
    ),
    (
        "wrong shape",
        _write("m.npz", lambda p: np.savez(p, weight=np.ones((3, 2)), bias=np.ones(2))),
        r"array 'weight' has shape \(3, 2\), the model expects \(2, 3\)",
    ),
    ("missing array", _write("m.npz", lambda p: np.savez(p, weight=np.ones((2, 3)))), "missing bias"),
    (
        "extra array",
        _write("m.npz", lambda p: np.savez(p, weight=np.ones((2, 3)), bias=np.ones(2), w2=np.ones(1))),
        "unexpected w2",
    ),
    (
        "non-npy member",
        _write("m.npz", lambda p: _zip(p, {"weight.npy": _npy((2, 3)), "bias.npy": _npy((2,)), "evil.pkl": b"x"})),
        "unexpected member 'evil.pkl'",
    ),
    ("bad json", _write("m.json", "{oops"), "m.json: not valid JSON"),
    ("binary json", _write("m.json", b"\xff\xfe\x00\x01"), "m.json: not a text file"),
    ("json not ours", _write("m.json", json.dumps({"weights": [1, 2]})), "not a state file written by Module.save"),
    ("json list", _write("m.json", "[1, 2, 3]"), "not a state file written by Module.save"),
    ("json ragged", _write("m.json", _json_doc(weight__data=[[1, 2], [3]])), "entry 'weight'.*not numbers"),
    (
        "json data shape",
        _write("m.json", _json_doc(bias__data=[1.0, 2.0, 3.0])),
        r"entry 'bias'.*shape \(3,\).*says \(2,\)",
    ),
    (
        "json huge shape",
        _write("m.json", _json_doc(weight__shape=[100000, 100000])),
        r"array 'weight' has shape \(100000, 100000\)",
    ),
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


# ---- renderer
# Hostile names, NaN values, freed graphs and misused options: each gives a picture that says what it is, or an
# error that names the argument.  (More pictures of the same in tests/test_viz.py.)

import re  # noqa: E402
import shutil  # noqa: E402

from autograd import viz as _viz  # noqa: E402

HOSTILE_NAMES = {
    "script": "<script>alert(1)</script>",
    "quotes": "\"'`",
    "braces": "{a} [b] <c> |d|",
    "newlines": "line 1\nline 2\r\n",
    "controls": "\x00\x01\x1b[31m\x7f",
    "bidi": "\u202eabc",
    "html_entity": "&lt;&amp;",
    "long": "n" * 500,
    "backslash": 'a\\b\\"c',
}


@pytest.mark.parametrize("case", sorted(HOSTILE_NAMES))
def test_renderer_hostile_names_stay_text(case):
    name = HOSTILE_NAMES[case]
    x = ag.tensor(2.0, requires_grad=True)
    x.name = name
    y = x * 3
    y.name = name
    src = _viz.draw_graph(y, legend=False).source
    assert "<script" not in src and "\x00" not in src and "\x1b" not in src and "\n\t" in src
    labels = re.findall(r"label=(<.*?>)\]", src)
    assert labels and all("\n" not in label for label in labels)  # one DOT line per statement
    page = _viz.backward_stepper(y).text if shutil.which("dot") else ""
    assert page.count("<script") in (0, 2)  # only the page's own scripts


def test_renderer_nan_and_inf_values_are_shown_not_hidden():
    x = ag.tensor([1.0, float("nan"), float("inf"), 2.0] * 3, requires_grad=True)
    x.name = "x"
    src = _viz.draw_graph((x * 2).sum(), legend=False).source
    assert src.count("6 not finite (nan/inf)") >= 2 and "mean 1.5" in src  # 12 entries: 6 bad, the rest summarised
    small = ag.tensor([float("nan"), 1.0], requires_grad=True)
    assert "nan" in _viz.draw_graph((small * 1).sum(), legend=False).source


def test_renderer_nan_loss_still_draws_and_records():
    import nn as _nn

    model = _nn.Linear(2, 1)
    film = _viz.TrainingFilm(model, every=1)
    loss = model(ag.tensor([[float("nan"), 1.0]])).sum()
    loss.backward()
    assert "nan" in _viz.draw_graph(loss).source
    assert film.record(loss) and film.losses == [None]  # NaN kept as "no value", JSON stays valid
    assert "NaN" not in film.page().text


def test_renderer_freed_graph_is_drawn_not_raised():
    w = ag.tensor([[1.0] * 40] * 40, requires_grad=True)
    h = (w * 2).tanh()  # 1,600 entries: backward cuts its links
    loss = h.sum()
    loss.backward()
    src = _viz.draw_graph(loss).source
    assert "inputs freed by backward()" in src and "retain_graph=True" in src
    with pytest.raises(RuntimeError, match="retain_graph"):
        loss.backward()


@pytest.mark.parametrize(
    "kwargs, match",
    [
        ({"rankdir": "sideways"}, r"rankdir must be one of \['BT', 'LR', 'RL', 'TB'\] or None"),
        ({"width": 10}, r"width is the column width in pixels \(100 to 100000\) or None, got 10"),
        ({"width": "wide"}, r"width is the column width in pixels"),
        ({"collapse": 0}, r"collapse is a module depth \(1, 2, ...\), got 0"),
        ({"collapse": 1.5}, r"collapse is a module depth"),
        ({"edge_labels": "values"}, r"edge_labels must be one of \('grad', 'local', 'both', 'none'\), got 'values'"),
        ({"limit": -3}, r"limit is a number of entries \(0, 1, ...\), got -3"),
        ({"grad": np.ones(3)}, r"grad \(the seed ∂L/∂root\) has shape \(3,\) but the root has shape \(\)"),
    ],
)
def test_renderer_bad_options_name_the_argument(kwargs, match):
    x = ag.tensor(2.0, requires_grad=True)
    with pytest.raises(ValueError, match=match):
        _viz.draw_graph(x * x, **kwargs)


@pytest.mark.parametrize(
    "call, error, match",
    [
        (lambda: _viz.draw_graph(np.ones(3)), TypeError, r"draw_graph expects a Tensor .*, got ndarray"),
        (
            lambda: _viz.backward_frames(ag.tensor(1.0) * 2),
            RuntimeError,
            r"does not require grad: there is no backward",
        ),
        (lambda: _viz.TrainingFilm(object()), TypeError, r"TrainingFilm records an nn.Module, got object"),
        (lambda: _viz.TrainingFilm(__import__("nn").Linear(2, 1), every=0), ValueError, r"every must be .* got 0"),
        (lambda: _viz.TrainingFilm(__import__("nn").Linear(2, 1)).page(), RuntimeError, r"this film has no frames yet"),
        (
            lambda: _viz.TrainingFilm(__import__("nn").Linear(2, 1), inputs=np.ones((3, 2)), targets=np.ones(2)),
            ValueError,
            r"inputs have 3 rows but targets 2",
        ),
        (lambda: __import__("os").fspath(_viz.Page("<p>", 10, "t")), TypeError, r"not saved yet: call \.save\(path\)"),
        (
            lambda: _viz.notebook(needs=["no_such_module_xyz"]),
            ModuleNotFoundError,
            r"this notebook needs no_such_module_xyz: pip install",
        ),
    ],
)
def test_renderer_misuse_gives_a_clear_error(call, error, match):
    with pytest.raises(error, match=match):
        call()


# ---- loaders and task CLIs
# Bad input to the task scripts: each ends with exit status 2 and one line on stderr naming the file and the fault.
#
# Every case runs a task in-process through its `main(argv)` on small files
# written here (a valid copy of each data set, then one file broken): missing
# or incomplete data folders, corrupt, truncated, ragged and NaN/Inf data files,
# labels out of range, an `--out` that cannot be written, truncated or foreign
# model files, deeply nested or oversized JSON, and option values out of range.
# Each checks the message (the file and what is wrong with it), not only that
# something was raised, and that no traceback is printed.


import csv  # noqa: E402
import gzip  # noqa: E402
import struct  # noqa: E402
from collections.abc import Callable  # noqa: E402
from pathlib import Path  # noqa: E402
from typing import Any  # noqa: E402

from tasks import data, mlp_mnist, next_word, relu_mse, softmax_ce, text_classify, two_layer_softplus, vaccine_tweets  # noqa: E402

TaskMain = Callable[[list[str]], Any]


def fails(capsys: pytest.CaptureFixture[str], task: Any, argv: list[str], *needles: str) -> str:
    """Run `task.main(argv)`: it must exit with status 2 and one stderr line holding every needle."""
    with pytest.raises(SystemExit) as exit_:
        task.main(argv)
    err = capsys.readouterr().err
    assert exit_.value.code == 2, err
    assert "Traceback" not in err
    lines = err.strip().splitlines()
    ours = not lines[0].startswith("usage:")  # argparse prints its usage block, then the one error line
    assert len(lines) == 1 or not ours, err
    for needle in needles:
        assert needle in lines[-1], (needle, lines[-1])
    return lines[-1]


# ----------------------------------------------------------------------------- small valid data sets


def idx(array: np.ndarray) -> bytes:
    magic = {3: 2051, 1: 2049}[array.ndim]
    return struct.pack(f">i{array.ndim}i", magic, *array.shape) + array.astype(np.uint8).tobytes()


def write_mnist(folder: Path, n: int = 30) -> None:
    rng = np.random.default_rng(0)
    folder.mkdir(parents=True)
    for images, labels in data.MNIST_FILES.values():
        (folder / images).write_bytes(gzip.compress(idx(rng.integers(0, 256, (n, 28, 28)))))
        (folder / labels).write_bytes(gzip.compress(idx(rng.integers(0, 10, n))))


def write_ngram(folder: Path) -> None:
    folder.mkdir(parents=True)
    rng = np.random.default_rng(0)
    np.save(folder / "vocab.npy", np.array([f"w{i}" for i in range(6)]))
    for split in data.NGRAM_SPLITS:
        np.save(folder / f"{split}_inputs.npy", rng.integers(0, 6, (40, 3)).astype(np.int32))
        np.save(folder / f"{split}_targets.npy", rng.integers(0, 6, 40).astype(np.int32))


WORDS = ["good", "bad", "vaccine", "safe", "danger", "the", "news"]


def write_glove(folder: Path) -> Path:
    folder.mkdir(parents=True)
    rng = np.random.default_rng(0)
    path = folder / data.GLOVE_FILE
    path.write_text("".join(f"{w} " + " ".join(f"{v:.3f}" for v in rng.normal(size=4)) + "\n" for w in WORDS))
    return path


def write_csci662(folder: Path) -> None:
    folder.mkdir(parents=True)
    rng = np.random.default_rng(0)
    for name in data.CSCI662_FILES.values():
        rows = [(" ".join(rng.choice(WORDS, 4)), str(rng.choice(["a", "b"]))) for _ in range(30)]
        (folder / name).write_text("".join(f"{t}\t{c}\n" for t, c in rows), encoding="utf-8")


def write_vaccine(folder: Path) -> None:
    folder.mkdir(parents=True)
    rng = np.random.default_rng(0)
    for name in data.VACCINE_FILES.values():
        with open(folder / name, "w", newline="", encoding="utf-8") as f:
            writer = csv.writer(f)
            writer.writerow(["", "tweet", "label"])
            writer.writerows([i, " ".join(rng.choice(WORDS, 5)), i % 3] for i in range(30))


@pytest.fixture
def data_root(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A data folder with a small valid copy of every data set (and no default location to fall back on)."""
    monkeypatch.delenv(data.DATA_ENV_VAR, raising=False)
    monkeypatch.setattr(data, "SHARED_DATA", tmp_path / "no-shared-data")
    d = tmp_path / "data"
    write_mnist(d / "mnist")
    write_ngram(d / "ngram4")
    write_glove(d / "glove")
    write_csci662(d / "csci662")
    write_vaccine(d / "vaccine_tweets")
    return d


def quick(data_root: Path, tmp_path: Path, *more: str) -> list[str]:
    return ["--quick", "--data-dir", str(data_root), "--out", str(tmp_path / "out"), *more]


TEXT_ONLY = ["--datasets", "4dim", "--activations", "relu", "--l2", "off"]
DATA_TASKS = [(mlp_mnist, ["--part", "mnist"]), (next_word, []), (text_classify, TEXT_ONLY), (vaccine_tweets, [])]


# ----------------------------------------------------------------------------- where the data is


@pytest.mark.parametrize(("task", "extra"), DATA_TASKS)
def test_given_data_dir_that_does_not_exist(task, extra, data_root, tmp_path, capsys):
    line = fails(
        capsys, task, quick(tmp_path / "typo", tmp_path, *extra), "typo: data folder not found", "(given by --data-dir)"
    )
    assert not (tmp_path / "out" / "metrics.json").exists() and line.startswith(f"python -m tasks.{task.__name__[6:]}")


@pytest.mark.parametrize(("task", "extra"), DATA_TASKS)
def test_autograd_data_that_does_not_exist(task, extra, data_root, tmp_path, capsys, monkeypatch):
    monkeypatch.setenv(data.DATA_ENV_VAR, str(tmp_path / "elsewhere"))
    fails(
        capsys,
        task,
        ["--quick", "--out", str(tmp_path / "out"), *extra],
        "elsewhere: data folder not found",
        "(given by $AUTOGRAD_DATA)",
    )


@pytest.mark.parametrize(
    ("task", "extra", "subdir"),
    [
        (mlp_mnist, ["--part", "mnist"], "mnist"),
        (next_word, [], "ngram4"),
        (text_classify, TEXT_ONLY, "csci662"),
        (vaccine_tweets, [], "vaccine_tweets"),
    ],
)
def test_given_data_dir_without_the_data_set(task, extra, subdir, data_root, tmp_path, capsys):
    empty = tmp_path / "empty"
    empty.mkdir()
    fails(capsys, task, quick(empty, tmp_path, *extra), f"empty: no {subdir}/ folder in this data folder")
    one_level_too_deep = data_root / subdir
    fails(capsys, task, quick(one_level_too_deep, tmp_path, *extra), f"{subdir}: no {subdir}/ folder")


def test_given_data_dir_that_is_a_file(data_root, tmp_path, capsys):
    (tmp_path / "a-file").write_text("x")
    fails(capsys, next_word, quick(tmp_path / "a-file", tmp_path), "a-file: not a folder (given by --data-dir)")


@pytest.mark.parametrize(
    ("task", "extra", "missing"),
    [
        (mlp_mnist, ["--part", "mnist"], "mnist/t10k-labels-idx1-ubyte.gz"),
        (next_word, [], "ngram4/valid_targets.npy"),
        (text_classify, TEXT_ONLY, "csci662/4dim.train.txt"),
        (text_classify, TEXT_ONLY, "glove/glove.6B.50d.subset.txt"),
        (vaccine_tweets, [], "vaccine_tweets/vaccine_validation_set.csv"),
        (vaccine_tweets, [], "glove/glove.6B.50d.subset.txt"),
    ],
)
def test_data_set_folder_missing_a_file(task, extra, missing, data_root, tmp_path, capsys):
    (data_root / missing).unlink()
    folder, name = missing.split("/")
    fails(capsys, task, quick(data_root, tmp_path, *extra), f"{folder}: missing {name}")


def test_default_data_runs_only_without_a_location_and_says_so(data_root, tmp_path, capsys):
    m = next_word.main(["--quick", "--out", str(tmp_path / "out"), "--epochs", "1"])
    out = capsys.readouterr().out
    assert m["data"] == "generated" and sum(line.startswith("[data]") for line in out.splitlines()) == 1


# ----------------------------------------------------------------------------- corrupt data files


IMAGES = idx(np.zeros((30, 28, 28)))
GZ_IMAGES = gzip.compress(IMAGES)


@pytest.mark.parametrize(
    ("name", "payload", "fault"),
    [
        ("train-images-idx3-ubyte.gz", GZ_IMAGES[: len(GZ_IMAGES) // 2], "truncated or corrupt gzip data"),
        ("train-images-idx3-ubyte.gz", IMAGES, "not a valid gzip file"),
        ("train-images-idx3-ubyte.gz", b"", "truncated: 0 bytes, too short for an IDX header"),
        ("t10k-images-idx3-ubyte.gz", gzip.compress(IMAGES[:-50]), "truncated: header announces shape"),
        ("t10k-images-idx3-ubyte.gz", gzip.compress(IMAGES + b"xx"), "2 unexpected bytes after the data"),
        ("t10k-labels-idx1-ubyte.gz", gzip.compress(struct.pack(">ii", 1234, 3) + b"abc"), "bad magic number 1234"),
        ("train-labels-idx1-ubyte.gz", gzip.compress(idx(np.full(30, 12))), "label 12 at index 0 is outside 0..9"),
        (
            "train-images-idx3-ubyte.gz",
            gzip.compress(idx(np.zeros((30, 8, 8)))),
            "images are (8, 8), expected (28, 28)",
        ),
        ("train-labels-idx1-ubyte.gz", gzip.compress(IMAGES), "expected a label file (magic 2049), found images"),
        ("t10k-labels-idx1-ubyte.gz", gzip.compress(idx(np.zeros(29))), "has 29 labels"),
    ],
    ids=lambda v: v if isinstance(v, str) else "",
)
def test_corrupt_mnist(name, payload, fault, data_root, tmp_path, capsys):
    (data_root / "mnist" / name).write_bytes(payload)
    fails(capsys, mlp_mnist, quick(data_root, tmp_path, "--part", "mnist"), name, fault)


@pytest.mark.parametrize(
    ("name", "write", "fault"),
    [
        ("vocab.npy", lambda p: p.write_text("w0 w1 w2"), "vocab.npy: not a .npy file"),
        (
            "vocab.npy",
            lambda p: np.save(p, np.array(["a", 1], dtype=object), allow_pickle=True),
            "vocab.npy: holds Python objects",
        ),
        (
            "train_inputs.npy",
            lambda p: p.write_bytes(p.read_bytes()[:-30]),
            "train_inputs.npy: truncated or corrupt .npy",
        ),
        ("train_inputs.npy", lambda p: p.write_bytes(b""), "train_inputs.npy: not a .npy file"),
        (
            "valid_inputs.npy",
            lambda p: np.save(p, np.full((40, 3), 9, np.int32)),
            "word index 9 in row 0 is outside 0..5",
        ),
        ("test_targets.npy", lambda p: np.save(p, np.full(40, -1, np.int32)), "word index -1 in row 0 is outside 0..5"),
        ("train_inputs.npy", lambda p: np.save(p, np.zeros((40, 4), np.int32)), "expected integers shaped (N, 3)"),
        ("train_targets.npy", lambda p: np.save(p, np.zeros(40)), "expected integers shaped (N,), found float64"),
        ("test_targets.npy", lambda p: np.save(p, np.zeros(39, np.int32)), "has 40 rows but"),
        ("vocab.npy", lambda p: np.save(p, np.zeros(3)), "expected a non-empty 1-D array of strings"),
    ],
)
def test_corrupt_ngram(name, write, fault, data_root, tmp_path, capsys):
    write(data_root / "ngram4" / name)
    line = fails(capsys, next_word, quick(data_root, tmp_path), fault)
    assert "pickle" not in line  # never numpy's advice to load pickles


@pytest.mark.parametrize(
    ("line", "fault"),
    [
        ("cat 1 2 nan 4", "line 8: value 'nan' is not a finite float32"),
        ("cat 1 2 -inf 4", "line 8: value '-inf' is not a finite float32"),
        ("cat 1 2 1e39 4", "line 8: value '1e39' is not a finite float32"),
        ("cat 1 2 3", "line 8: expected dimension 4, found 3 values"),
        ("cat 1 2 3 4 5", "line 8: expected dimension 4, found 5 values"),
        ("cat 1 two 3 4", "line 8: vector values are not all numbers"),
    ],
)
@pytest.mark.parametrize(("task", "extra"), [(vaccine_tweets, []), (text_classify, TEXT_ONLY)])
def test_bad_glove_rows(line, fault, task, extra, data_root, tmp_path, capsys):
    path = data_root / "glove" / data.GLOVE_FILE
    path.write_text(path.read_text() + line + "\n")
    fails(capsys, task, quick(data_root, tmp_path, *extra), f"{data.GLOVE_FILE}: {fault}")


def test_empty_glove(data_root, tmp_path, capsys):
    (data_root / "glove" / data.GLOVE_FILE).write_text("")
    fails(capsys, vaccine_tweets, quick(data_root, tmp_path), f"{data.GLOVE_FILE}: file is empty")


@pytest.mark.parametrize(
    ("content", "fault"),
    [
        (b"good text\ta\nno tab here\n", "4dim.train.txt: line 2: no TAB between text and label"),
        (b"good text\ta\n\nmore\tb\n", "4dim.train.txt: line 2: empty line"),
        (b"good text\t\n", "4dim.train.txt: line 1: empty label"),
        ("ok\ta\ncaf\u00e9\tb\n".encode("latin-1"), "4dim.train.txt: line 2: not valid UTF-8"),
        (b"", "4dim.train.txt: file is empty"),
    ],
)
def test_bad_labelled_text(content, fault, data_root, tmp_path, capsys):
    (data_root / "csci662" / "4dim.train.txt").write_bytes(content)
    fails(capsys, text_classify, quick(data_root, tmp_path, *TEXT_ONLY), fault)


@pytest.mark.parametrize(
    ("content", "fault"),
    [
        ("id,text,label\n0,x,0\n", "vaccine_train_set.csv: bad header 'id,text,label'"),
        (",tweet,label\n0,fine,0\n1,not fine,3\n", "vaccine_train_set.csv: row 2 (line 3): label '3' is not 0, 1 or 2"),
        (",tweet,label\n0,fine,0\n1,a, b,1\n", "vaccine_train_set.csv: row 2 (line 3): expected 3 fields, found 4"),
        (",tweet,label\n", "vaccine_train_set.csv: no data rows"),
        ("", "vaccine_train_set.csv: file is empty"),
        (',tweet,label\n0,"never closed,0\n', "vaccine_train_set.csv: row 1"),
    ],
)
def test_bad_vaccine_csv(content, fault, data_root, tmp_path, capsys):
    (data_root / "vaccine_tweets" / "vaccine_train_set.csv").write_text(content, encoding="utf-8")
    fails(capsys, vaccine_tweets, quick(data_root, tmp_path), fault)


# ----------------------------------------------------------------------------- outputs


@pytest.mark.parametrize(
    ("task", "argv"),
    [
        (relu_mse, []),
        (softmax_ce, []),
        (two_layer_softplus, ["--quick"]),
        (mlp_mnist, ["--quick", "--part", "q4"]),
        (next_word, ["--quick"]),
    ],
)
def test_out_that_is_a_file_or_below_one(task, argv, tmp_path, capsys):
    (tmp_path / "taken").write_text("not a folder")
    fails(capsys, task, [*argv, "--out", str(tmp_path / "taken")], "taken: --out names a file, not a folder")
    fails(capsys, task, [*argv, "--out", str(tmp_path / "taken" / "sub")], "taken/sub: cannot write the output folder")


def test_metrics_and_model_are_written_atomically(tmp_path, monkeypatch):
    """A write that fails half-way leaves the previous metrics.json whole (nn.io's temporary file + os.replace)."""
    out = tmp_path / "out"
    two_layer_softplus.main(["--quick", "--epochs", "5", "--out", str(out)])
    before = (out / "metrics.json").read_text()

    def broken(*args: Any, **kwargs: Any) -> str:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(json, "dumps", lambda *a, **k: "{" + "x" * 10)  # a write that would be cut off ...
    monkeypatch.setattr("nn.io.os.replace", broken)  # ... and fails before the swap
    with pytest.raises(SystemExit):
        two_layer_softplus.main(["--quick", "--epochs", "5", "--out", str(out)])
    assert (out / "metrics.json").read_text() == before and json.loads((out / "model.json").read_text())
    assert json.loads(before)["settings"]["epochs"] == 5
    assert sorted(p.name for p in out.iterdir() if p.name.startswith(".")) == []  # no temporary file left


# ----------------------------------------------------------------------------- saved models and JSON


@pytest.fixture
def model_json(tmp_path: Path) -> Path:
    two_layer_softplus.main(["--quick", "--epochs", "3", "--out", str(tmp_path / "trained")])
    return tmp_path / "trained" / "model.json"


@pytest.mark.parametrize(
    ("damage", "fault"),
    [
        (lambda p: p.write_text(p.read_text()[:300]), "cannot load the model: "),
        (lambda p: p.write_text("{}"), "cannot load the model: "),
        (lambda p: p.write_text(""), "cannot load the model: "),
        (lambda p: p.write_text("[" * 50_000 + "]" * 50_000), "cannot load the model: "),
        (lambda p: p.write_bytes(b"\x00\xff" * 100), "cannot load the model: "),
    ],
)
def test_predict_with_a_broken_model(damage, fault, model_json, tmp_path, capsys):
    damage(model_json)
    line = fails(
        capsys,
        two_layer_softplus,
        ["--quick", "--out", str(tmp_path / "o"), "--predict", str(model_json)],
        f"{model_json}: {fault}",
    )
    assert "RecursionError" not in line


def test_predict_with_a_model_of_another_network(model_json, tmp_path, capsys):
    doc = json.loads(model_json.read_text())
    doc["parameters"]["0.weight"] = {"shape": [3, 2], "dtype": "float64", "data": [[0, 0]] * 3}
    model_json.write_text(json.dumps(doc))
    fails(
        capsys,
        two_layer_softplus,
        ["--quick", "--out", str(tmp_path / "o"), "--predict", str(model_json)],
        f"{model_json}: cannot load the model",
        "0.weight",
    )


def test_predict_with_a_missing_model(tmp_path, capsys):
    fails(
        capsys,
        two_layer_softplus,
        ["--quick", "--out", str(tmp_path / "o"), "--predict", str(tmp_path / "no.json")],
        "no.json: model file not found",
    )


@pytest.fixture
def trained_next_word(data_root: Path, tmp_path: Path) -> Path:
    next_word.main(quick(data_root, tmp_path, "--epochs", "1", "--predict"))
    return tmp_path / "out"


@pytest.mark.parametrize(
    ("damage", "fault"),
    [
        (lambda p: p.write_text("not an archive"), "model.npz: cannot load the model: not a .npz archive"),
        (lambda p: p.write_bytes(p.read_bytes()[: len(p.read_bytes()) // 2]), "model.npz: cannot load the model"),
        (lambda p: p.write_bytes(b""), "model.npz: cannot load the model"),
    ],
)
def test_next_word_eval_with_a_broken_model(damage, fault, trained_next_word, data_root, tmp_path, capsys):
    damage(trained_next_word / "model.npz")
    line = fails(capsys, next_word, ["eval", *quick(data_root, tmp_path)], fault)
    assert "pickle" not in line


@pytest.mark.parametrize(
    ("content", "fault"),
    [
        ("[" * 100_000 + "]" * 100_000, "metrics.json: JSON nested too deeply to read"),
        ('{"history": [1, 2', "metrics.json: not valid JSON"),
        ('{"a": NaN}', "metrics.json: not valid JSON: NaN is not valid JSON"),
    ],
)
def test_next_word_eval_with_a_broken_metrics_file(content, fault, trained_next_word, data_root, tmp_path, capsys):
    (trained_next_word / "metrics.json").write_text(content)
    fails(capsys, next_word, ["eval", *quick(data_root, tmp_path)], fault)


def test_next_word_eval_with_a_huge_metrics_file(trained_next_word, data_root, tmp_path, capsys, monkeypatch):
    monkeypatch.setattr(data, "MAX_JSON_BYTES", 100)
    fails(capsys, next_word, ["eval", *quick(data_root, tmp_path)], "metrics.json:", "bytes, more than the 100")


def test_debug_shows_the_traceback(tmp_path):
    with pytest.raises(data.DataError, match="typo: data folder not found"):
        next_word.main(["--quick", "--data-dir", str(tmp_path / "typo"), "--out", str(tmp_path / "o"), "--debug"])


# ----------------------------------------------------------------------------- option values


@pytest.mark.parametrize(
    ("task", "argv", "fault"),
    [
        (two_layer_softplus, ["--epochs", "0"], "argument --epochs: must be a finite number above 0, got 0"),
        (two_layer_softplus, ["--lr", "-0.1"], "argument --lr: must be a finite number above 0, got -0.1"),
        (two_layer_softplus, ["--lr", "nan"], "argument --lr: must be a finite number above 0, got nan"),
        (two_layer_softplus, ["--train-size", "2.5"], "argument --train-size: '2.5' is not an integer"),
        (softmax_ce, ["--classes", "0"], "argument --classes: must be a finite number above 0, got 0"),
        (softmax_ce, ["--large", "inf"], "argument --large: must be a finite number above 0, got inf"),
        (mlp_mnist, ["--batch-size", "-1"], "argument --batch-size: must be a finite number above 0, got -1"),
        (mlp_mnist, ["--part", "b"], "argument --part: invalid choice: 'b'"),
        (next_word, ["--lr-decay", "0"], "argument --lr-decay: must be a finite number above 0, got 0"),
        (next_word, ["--init", "uniformm"], "argument --init: invalid choice: 'uniformm'"),
        (text_classify, ["--val-fraction", "1.5"], "argument --val-fraction: must be at least 0 and below 1, got 1.5"),
        (text_classify, ["--hidden", "0"], "argument --hidden: must be a finite number above 0, got 0"),
        (vaccine_tweets, ["--layers", "4"], "argument --layers: invalid choice: 4"),
        (vaccine_tweets, ["--epochs", "x"], "argument --epochs: 'x' is not an integer"),
        (relu_mse, ["--seed", "1"], "unrecognized arguments: --seed 1"),
    ],
)
def test_option_values_out_of_range(task, argv, fault, tmp_path, capsys):
    fails(capsys, task, [*argv, "--out", str(tmp_path / "o")], fault)
    assert not (tmp_path / "o").exists()
