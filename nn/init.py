"""Weight initialisers, and the seeded random generator every layer draws from.

Each initialiser fills a new array of `shape` = (fan_in, fan_out) for a
weight matrix (the engine stores Linear weights as W in x·W + b).
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

__all__ = ["manual_seed", "rng", "initialise", "INITIALISERS"]

_rng = np.random.default_rng(0)


def manual_seed(seed: int) -> None:
    """Reseed the generator used by all initialisers (and DataLoader when given no seed)."""
    global _rng
    _rng = np.random.default_rng(seed)


def rng() -> np.random.Generator:
    return _rng


def _fans(shape: tuple[int, ...]) -> tuple[int, int]:
    if len(shape) == 1:
        return shape[0], shape[0]
    return shape[0], shape[1]


def normal(shape: tuple[int, ...], std: float = 0.01) -> np.ndarray:
    """N(0, std²). Report 003 used std 0.01 (and stalled: see tasks/next_word.py)."""
    return _rng.normal(0.0, std, size=shape)


def uniform(shape: tuple[int, ...], std: float | None = None) -> np.ndarray:
    """U(−1/√fan_in, 1/√fan_in): PyTorch's default for Linear layers."""
    bound = 1 / np.sqrt(_fans(shape)[0])
    return _rng.uniform(-bound, bound, size=shape)


def xavier(shape: tuple[int, ...], std: float | None = None) -> np.ndarray:
    """Glorot/Xavier uniform: U(±√(6/(fan_in+fan_out))); keeps sigmoid/tanh units unsaturated."""
    fan_in, fan_out = _fans(shape)
    bound = np.sqrt(6.0 / (fan_in + fan_out))
    return _rng.uniform(-bound, bound, size=shape)


def he(shape: tuple[int, ...], std: float | None = None) -> np.ndarray:
    """He/Kaiming normal: N(0, 2/fan_in), made for ReLU layers."""
    return _rng.normal(0.0, np.sqrt(2.0 / _fans(shape)[0]), size=shape)


def zeros(shape: tuple[int, ...], std: float | None = None) -> np.ndarray:
    return np.zeros(shape)


INITIALISERS: dict[str, Callable[..., np.ndarray]] = {
    "normal": normal, "uniform": uniform, "xavier": xavier, "glorot": xavier,
    "he": he, "kaiming": he, "zeros": zeros,
}


def initialise(init: str | Callable[..., np.ndarray], shape: tuple[int, ...], std: float | None = None,
               dtype: np.dtype | type = np.float64) -> np.ndarray:
    """An array of `shape` drawn by the initialiser `init` (a name or a function of shape)."""
    if callable(init):
        data = init(shape)
    else:
        if init not in INITIALISERS:
            raise ValueError(f"unknown init {init!r}; choose one of {sorted(INITIALISERS)} or pass a function")
        fn = INITIALISERS[init]
        data = fn(shape) if std is None else fn(shape, std=std)
    data = np.asarray(data, dtype=dtype)
    if data.shape != tuple(shape):
        raise ValueError(f"init {init!r} returned shape {data.shape}, expected {tuple(shape)}")
    return data
