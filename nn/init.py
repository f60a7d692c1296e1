"""Weight initialisers, as `torch.nn.init`: functions that fill a tensor in place and return it.

Every draw comes from `autograd.generator()`, the one generator
`autograd.manual_seed(n)` seeds, so one seed makes a whole run repeatable
(the numbers differ from PyTorch's: the generator is numpy's PCG64).

Fans follow PyTorch's convention for a weight W of shape (out, in), used as
x Wᵀ (reports 001 and 003 write W the same way): fan_in = in = W.shape[1],
fan_out = out = W.shape[0].

`nn.Linear(..., init="xavier")` picks one of these by name (`INITIALISERS`).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

from autograd import Tensor, no_grad

__all__ = [
    "calculate_gain",
    "fans",
    "uniform_",
    "normal_",
    "constant_",
    "zeros_",
    "ones_",
    "xavier_uniform_",
    "xavier_normal_",
    "kaiming_uniform_",
    "kaiming_normal_",
    "default_linear_",
    "INITIALISERS",
    "initialise",
]

_GAINS = {"linear": 1.0, "identity": 1.0, "sigmoid": 1.0, "tanh": 5.0 / 3, "relu": math.sqrt(2.0), "selu": 0.75}


def calculate_gain(nonlinearity: str, param: float | None = None) -> float:
    """The factor that keeps activations' variance steady through `nonlinearity` (as torch.nn.init)."""
    if nonlinearity == "leaky_relu":
        slope = 0.01 if param is None else param
        return math.sqrt(2.0 / (1 + slope**2))
    if nonlinearity not in _GAINS:
        raise ValueError(
            f"calculate_gain: unknown nonlinearity {nonlinearity!r}; choose one of {sorted([*_GAINS, 'leaky_relu'])}"
        )
    return _GAINS[nonlinearity]


def fans(tensor: Any) -> tuple[int, int]:
    """(fan_in, fan_out) of a weight of shape (out, in, *kernel): (in·k, out·k), k = Π kernel."""
    shape = tuple(tensor.shape)
    if len(shape) < 2:
        raise ValueError(f"fan in and fan out need a tensor with at least 2 dims, got shape {shape}")
    k = math.prod(shape[2:])
    return shape[1] * k, shape[0] * k


def _fan(tensor: Any, mode: str) -> int:
    if mode not in ("fan_in", "fan_out"):
        raise ValueError(f"mode must be 'fan_in' or 'fan_out', got {mode!r}")
    fan_in, fan_out = fans(tensor)
    return fan_in if mode == "fan_in" else fan_out


def uniform_(tensor: Tensor, a: float = 0.0, b: float = 1.0) -> Tensor:
    """Fill with draws from U(a, b)."""
    with no_grad():
        return tensor.uniform_(a, b)


def normal_(tensor: Tensor, mean: float = 0.0, std: float = 1.0) -> Tensor:
    """Fill with draws from N(mean, std²)."""
    if std < 0:
        raise ValueError(f"normal_: std must be ≥ 0, got {std}")
    with no_grad():
        return tensor.normal_(mean, std)


def constant_(tensor: Tensor, val: float) -> Tensor:
    with no_grad():
        return tensor.fill_(val)


def zeros_(tensor: Tensor) -> Tensor:
    return constant_(tensor, 0.0)


def ones_(tensor: Tensor) -> Tensor:
    return constant_(tensor, 1.0)


def xavier_uniform_(tensor: Tensor, gain: float = 1.0) -> Tensor:
    """Glorot/Xavier: U(±gain·√(6/(fan_in + fan_out))); keeps sigmoid/tanh units unsaturated."""
    fan_in, fan_out = fans(tensor)
    bound = gain * math.sqrt(6.0 / (fan_in + fan_out))
    return uniform_(tensor, -bound, bound)


def xavier_normal_(tensor: Tensor, gain: float = 1.0) -> Tensor:
    """Glorot/Xavier: N(0, gain²·2/(fan_in + fan_out))."""
    fan_in, fan_out = fans(tensor)
    return normal_(tensor, 0.0, gain * math.sqrt(2.0 / (fan_in + fan_out)))


def kaiming_uniform_(tensor: Tensor, a: float = 0.0, mode: str = "fan_in", nonlinearity: str = "leaky_relu") -> Tensor:
    """He/Kaiming: U(±gain·√(3/fan)), made for ReLU layers."""
    bound = calculate_gain(nonlinearity, a) * math.sqrt(3.0 / _fan(tensor, mode))
    return uniform_(tensor, -bound, bound)


def kaiming_normal_(tensor: Tensor, a: float = 0.0, mode: str = "fan_in", nonlinearity: str = "leaky_relu") -> Tensor:
    """He/Kaiming: N(0, gain²/fan); with nonlinearity="relu" that is N(0, 2/fan_in)."""
    return normal_(tensor, 0.0, calculate_gain(nonlinearity, a) / math.sqrt(_fan(tensor, mode)))


def default_linear_(weight: Tensor, bias: Tensor | None = None) -> None:
    """PyTorch's default for Linear: W and b from U(±1/√fan_in), fan_in = W.shape[1].

    (torch writes it as kaiming_uniform_(W, a=√5), whose bound is the same 1/√fan_in.)
    """
    fan_in = weight.shape[1]
    bound = 1 / math.sqrt(fan_in) if fan_in > 0 else 0.0
    uniform_(weight, -bound, bound)
    if bias is not None:
        uniform_(bias, -bound, bound)


def _normal(weight: Tensor, std: float | None) -> None:
    normal_(weight, 0.0, 0.01 if std is None else std)  # report 003 used std 0.01 (and stalled: tasks/next_word.py)


# name → fill(weight, std); the bias starts at 0 for every named init but "default" / "uniform"
INITIALISERS: dict[str, Callable[[Tensor, float | None], Any]] = {
    "normal": _normal,
    "xavier": lambda w, std: xavier_uniform_(w),
    "glorot": lambda w, std: xavier_uniform_(w),
    "he": lambda w, std: kaiming_normal_(w, nonlinearity="relu"),
    "kaiming": lambda w, std: kaiming_normal_(w, nonlinearity="relu"),
    "zeros": lambda w, std: zeros_(w),
}


def initialise(
    init: str | Callable[[Tensor], Any], weight: Tensor, bias: Tensor | None, std: float | None = None
) -> None:
    """Fill a layer's weight (and bias) by the initialiser `init`.

    "default" (also "uniform"): PyTorch's default for the layer, weight and bias
    from U(±1/√fan_in).  A name of `INITIALISERS` fills the weight (`std` goes
    to "normal") and zeros the bias.  A function is called on the weight, as
    `nn.init.xavier_uniform_` would be, and the bias is zeroed.
    """
    if init in ("default", "uniform"):
        default_linear_(weight, bias)
        return
    if callable(init):
        with no_grad():
            init(weight)
    elif init in INITIALISERS:
        INITIALISERS[init](weight, std)
    else:
        raise ValueError(
            f"unknown init {init!r}; choose one of {sorted(['default', 'uniform', *INITIALISERS])} "
            "or pass a function that fills the weight in place (e.g. nn.init.xavier_uniform_)"
        )
    if bias is not None:
        zeros_(bias)
