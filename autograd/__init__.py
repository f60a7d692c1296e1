"""autograd: a small, fast, readable reverse-mode automatic differentiation engine, with PyTorch's names.

    import autograd as ag
    x = ag.tensor(2.0, requires_grad=True)
    y = (x * x + 3 * x).tanh()
    y.backward()
    x.grad           # dy/dx

Where things live: the engine (Tensor, backward, grad modes, in-place rules) is
`autograd/engine.py`; every operation with its vector-Jacobian product is in
`autograd/ops.py` (six the engine needs itself are defined in engine.py and
re-exported there); the Tensor's PyTorch-style methods, which are also this
package's functions (`autograd.sum(x, dim=1)` is `x.sum(dim=1)`), are in
`autograd/methods.py`; factories and the seeded generator in
`autograd/factories.py`; gradient checking in `autograd/check.py`; Jacobians and
Hessians in `autograd/functional.py`; `autograd.compile` in `autograd/compiler/`;
pictures in `autograd/viz`.

`import autograd as torch` runs most PyTorch tutorial code: `torch.nn` and
`torch.optim` are this project's `nn` package and `nn.optim`, and
`torch.autograd.grad` is `autograd.grad`.
"""

import sys as _sys

from autograd import functional, ops
from autograd.check import gradcheck, numerical_grad
from autograd.compiler import compile  # noqa: A004  @autograd.compile: the engine writes the step as numpy
from autograd.dtypes import *  # noqa: F403  float32, int64, ...
from autograd.dtypes import __all__ as _dtype_names
from autograd.engine import (
    Parameter,
    Tensor,
    enable_grad,
    from_numpy,
    grad,
    inference_mode,
    inputs_of,
    is_freed,
    is_grad_enabled,
    module_scope,
    no_grad,
    primitive,
    set_grad_enabled,
    walk,
)
from autograd.factories import *  # noqa: F403  tensor, zeros, randn, manual_seed, ...
from autograd.factories import __all__ as _factory_names
from autograd.functional import hessian, jacobian
from autograd.methods import *  # noqa: F403  sum, max, cat, softmax, ... (each also a Tensor method)
from autograd.methods import MaxResult
from autograd.methods import __all__ as _method_names
from autograd.ops import cross_entropy

__version__ = "0.2.0"

autograd = _sys.modules[__name__]  # so `torch.autograd.grad` runs unchanged after `import autograd as torch`


def __getattr__(name: str):  # `torch.nn` and `torch.optim` after `import autograd as torch`
    if name == "nn":
        import nn

        return nn
    if name == "optim":
        from nn import optim

        return optim
    raise AttributeError(f"module 'autograd' has no attribute {name!r}")


__all__ = [
    "Tensor",
    "Parameter",
    "grad",
    "no_grad",
    "enable_grad",
    "set_grad_enabled",
    "inference_mode",
    "is_grad_enabled",
    "primitive",
    "module_scope",
    "walk",
    "inputs_of",
    "is_freed",
    "from_numpy",
    "gradcheck",
    "numerical_grad",
    "jacobian",
    "hessian",
    "functional",
    "ops",
    "cross_entropy",
    "MaxResult",
    "compile",
    *_dtype_names,
    *_factory_names,
    *_method_names,
]
