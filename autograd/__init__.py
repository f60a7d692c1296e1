"""autograd: a small, fast, readable reverse-mode automatic differentiation engine.

    from autograd import Tensor
    x = Tensor(2.0, requires_grad=True)
    y = (x * x + 3 * x).tanh()
    y.backward()
    x.grad           # dy/dx

Where things live: the engine (Tensor, backward, grad modes) is
`autograd/tensor.py`; every operation with its vector-Jacobian product is in
`autograd/ops.py`; gradient checking is in `autograd/check.py`.
"""

from autograd.check import gradcheck, jacobian, numerical_grad
from autograd.ops import (
    abs,
    add,
    broadcast_to,
    clip,
    concatenate,
    cross_entropy,
    div,
    exp,
    getitem,
    log,
    log_softmax,
    matmul,
    max,
    maximum,
    mean,
    minimum,
    mul,
    neg,
    pow,
    relu,
    reshape,
    sigmoid,
    softmax,
    softplus,
    sqrt,
    stack,
    sub,
    sum,
    sum_to,
    tanh,
    transpose,
    where,
)
from autograd.tensor import Tensor, enable_grad, grad, is_grad_enabled, no_grad, primitive, toposort

__version__ = "0.1.0"

__all__ = [
    "Tensor", "grad", "no_grad", "enable_grad", "is_grad_enabled", "primitive", "toposort",
    "gradcheck", "jacobian", "numerical_grad",
    "abs", "add", "broadcast_to", "clip", "concatenate", "cross_entropy", "div", "exp", "getitem",
    "log", "log_softmax", "matmul", "max", "maximum", "mean", "minimum", "mul", "neg", "pow", "relu",
    "reshape", "sigmoid", "softmax", "softplus", "sqrt", "stack", "sub", "sum", "sum_to", "tanh",
    "transpose", "where",
]
