"""Making tensors: `tensor`, the factories (`zeros`, `randn`, ...), dtype names and the one seeded generator.

Every random draw of the library comes from one generator: the factories here,
`Tensor.normal_`/`uniform_`, nn's initialisers, dropout masks and
`DataLoader(shuffle=True)` (unless that loader was given its own `seed=` or
`generator=`; `gradcheck`'s random direction has its own `seed=` too).
`manual_seed(n)` reseeds it, so one call makes a whole run repeatable (the
numbers differ from PyTorch's: the generator is numpy's PCG64).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from autograd.engine import Tensor, as_array, as_dtype, check_device, from_numpy

_FLOAT = np.dtype(np.float64)  # the default dtype (see get_default_dtype)

__all__ = [
    "tensor",
    "as_tensor",
    "from_numpy",
    "zeros",
    "ones",
    "full",
    "empty",
    "zeros_like",
    "ones_like",
    "full_like",
    "empty_like",
    "arange",
    "linspace",
    "eye",
    "rand",
    "randn",
    "randint",
    "randperm",
    "rand_like",
    "randn_like",
    "manual_seed",
    "seed",
    "generator",
    "get_default_dtype",
]

_generator = np.random.default_rng(0)


def manual_seed(seed: Any) -> np.random.Generator:
    """Reseed the generator behind the library's random draws (factories, init, dropout, and the shuffling
    of a DataLoader without its own seed= or generator=); returns it."""
    global _generator
    _generator = np.random.default_rng(seed)
    return _generator


def seed() -> None:
    """Reseed from the operating system's entropy (a different run each time)."""
    manual_seed(None)


def generator() -> np.random.Generator:
    """The generator `manual_seed` seeds (for code that draws numpy arrays itself)."""
    return _generator


def get_default_dtype() -> np.dtype:
    """float64: Python floats and factories make float64 here (PyTorch's default is float32)."""
    return _FLOAT


def tensor(
    data: Any, dtype: Any = None, requires_grad: bool = False, *, device: Any = None, name: str | None = None
) -> Tensor:
    """A new tensor holding a copy of `data` (as torch.tensor): numbers, nested lists, arrays or tensors.

    Python ints give int64, floats float64, bools bool; arrays keep their dtype.
    """
    return Tensor(data, dtype=dtype, requires_grad=requires_grad, name=name, device=device)


def as_tensor(data: Any, dtype: Any = None, device: Any = None) -> Tensor:
    """`data` as a tensor, sharing memory when it already is an array of that dtype (as torch.as_tensor)."""
    check_device(device)
    if isinstance(data, Tensor) and (dtype is None or as_dtype(dtype) == data.dtype):
        return data
    if isinstance(data, np.ndarray) and (dtype is None or as_dtype(dtype) == data.dtype):
        return from_numpy(data)
    return tensor(data, dtype=dtype)


def _shape(size: tuple, what: str) -> tuple:
    """Sizes given as `f(2, 3)` or `f((2, 3))`, checked."""
    if len(size) == 1 and isinstance(size[0], (tuple, list)):
        size = tuple(size[0])
    if any(isinstance(n, float) or not isinstance(n, (int, np.integer)) for n in size):
        raise TypeError(f"{what}: sizes must be integers, got {size}")
    shape = tuple(int(n) for n in size)
    if any(n < 0 for n in shape):
        raise ValueError(f"{what}: sizes must be ≥ 0, got {shape}")
    return shape


def _made(data: np.ndarray, requires_grad: bool, device: Any) -> Tensor:
    check_device(device)
    t = from_numpy(data)
    if requires_grad:
        t.requires_grad_()
    return t


def _float_dtype(dtype: Any) -> np.dtype:
    return _FLOAT if dtype is None else as_dtype(dtype)


def zeros(*size: Any, dtype: Any = None, requires_grad: bool = False, device: Any = None) -> Tensor:
    """A tensor of 0s (float64 unless `dtype`)."""
    return _made(np.zeros(_shape(size, "zeros"), _float_dtype(dtype)), requires_grad, device)


def ones(*size: Any, dtype: Any = None, requires_grad: bool = False, device: Any = None) -> Tensor:
    return _made(np.ones(_shape(size, "ones"), _float_dtype(dtype)), requires_grad, device)


def empty(*size: Any, dtype: Any = None, requires_grad: bool = False, device: Any = None) -> Tensor:
    """A tensor of the given shape with unset values (here: zeros, so nothing is ever garbage)."""
    return zeros(*size, dtype=dtype, requires_grad=requires_grad, device=device)


def full(size: Any, fill_value: Any, *, dtype: Any = None, requires_grad: bool = False, device: Any = None) -> Tensor:
    """A tensor of `fill_value`s; the dtype follows the value (int64 for ints, float64 for floats) unless given."""
    shape = _shape((size,) if not isinstance(size, (tuple, list)) else (size,), "full")
    dt = as_array(fill_value, None, "fill_value").dtype if dtype is None else as_dtype(dtype)
    return _made(np.full(shape, fill_value, dt), requires_grad, device)


def _like(t: Any, dtype: Any) -> tuple[tuple, np.dtype]:
    arr = np.asarray(t._data if isinstance(t, Tensor) else t)
    return arr.shape, (arr.dtype if dtype is None else as_dtype(dtype))


def zeros_like(input: Any, *, dtype: Any = None, requires_grad: bool = False, device: Any = None) -> Tensor:
    shape, dt = _like(input, dtype)
    return _made(np.zeros(shape, dt), requires_grad, device)


def ones_like(input: Any, *, dtype: Any = None, requires_grad: bool = False, device: Any = None) -> Tensor:
    shape, dt = _like(input, dtype)
    return _made(np.ones(shape, dt), requires_grad, device)


def empty_like(input: Any, *, dtype: Any = None, requires_grad: bool = False, device: Any = None) -> Tensor:
    return zeros_like(input, dtype=dtype, requires_grad=requires_grad, device=device)


def full_like(
    input: Any, fill_value: Any, *, dtype: Any = None, requires_grad: bool = False, device: Any = None
) -> Tensor:
    shape, dt = _like(input, dtype)
    return _made(np.full(shape, fill_value, dt), requires_grad, device)


def arange(
    start: Any, end: Any = None, step: Any = 1, *, dtype: Any = None, requires_grad: bool = False, device: Any = None
) -> Tensor:
    """start, start + step, ... below end (`arange(5)` is 0..4); int64 for integer arguments, as PyTorch."""
    if end is None:
        start, end = 0, start
    if step == 0:
        raise ValueError("arange: step must not be 0")
    values = [start, end, step]
    dt = (
        as_dtype(dtype)
        if dtype is not None
        else (
            np.dtype(np.int64)
            if all(isinstance(v, (int, np.integer)) and not isinstance(v, bool) for v in values)
            else _FLOAT
        )
    )
    return _made(np.arange(start, end, step, dtype=dt), requires_grad, device)


def linspace(
    start: float, end: float, steps: int, *, dtype: Any = None, requires_grad: bool = False, device: Any = None
) -> Tensor:
    """`steps` evenly spaced values from start to end, both included."""
    if steps < 0:
        raise ValueError(f"linspace: steps must be ≥ 0, got {steps}")
    return _made(np.linspace(start, end, steps, dtype=_float_dtype(dtype)), requires_grad, device)


def eye(n: int, m: int | None = None, *, dtype: Any = None, requires_grad: bool = False, device: Any = None) -> Tensor:
    """The n × m identity matrix."""
    return _made(np.eye(n, m, dtype=_float_dtype(dtype)), requires_grad, device)


def rand(*size: Any, dtype: Any = None, requires_grad: bool = False, device: Any = None) -> Tensor:
    """Draws from U[0, 1) (float64 unless `dtype`)."""
    return _made(_generator.random(_shape(size, "rand")).astype(_float_dtype(dtype), copy=False), requires_grad, device)


def randn(*size: Any, dtype: Any = None, requires_grad: bool = False, device: Any = None) -> Tensor:
    """Draws from N(0, 1) (float64 unless `dtype`)."""
    return _made(
        _generator.standard_normal(_shape(size, "randn")).astype(_float_dtype(dtype), copy=False), requires_grad, device
    )


def rand_like(input: Any, *, dtype: Any = None) -> Tensor:
    shape, dt = _like(input, dtype)
    return _made(_generator.random(shape).astype(dt), False, None)


def randn_like(input: Any, *, dtype: Any = None) -> Tensor:
    shape, dt = _like(input, dtype)
    return _made(_generator.standard_normal(shape).astype(dt), False, None)


def randint(low: int, high: int | None = None, size: Any = None, *, dtype: Any = None, device: Any = None) -> Tensor:
    """Integers drawn uniformly from [low, high) (`randint(10, (3,))` draws from [0, 10)); int64."""
    if size is None:
        raise TypeError("randint needs size=, e.g. randint(0, 10, (3,))")
    if high is None:
        low, high = 0, low
    if high <= low:
        raise ValueError(f"randint: high ({high}) must be greater than low ({low})")
    shape = _shape((size,) if not isinstance(size, (tuple, list)) else (size,), "randint")
    dt = np.dtype(np.int64) if dtype is None else as_dtype(dtype)
    return _made(_generator.integers(low, high, size=shape).astype(dt), False, device)


def randperm(n: int, *, dtype: Any = None, device: Any = None) -> Tensor:
    """A random permutation of 0..n-1 (int64)."""
    dt = np.dtype(np.int64) if dtype is None else as_dtype(dtype)
    return _made(_generator.permutation(n).astype(dt), False, device)
