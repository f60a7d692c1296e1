"""The data and starting weights of each workload, shared by every engine so all do the same math."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

LR = 0.1


@dataclass
class Net:
    """An MLP problem: inputs X, integer labels y, weights W_i (out, in) as torch.nn.Linear's, and biases b_i."""

    X: np.ndarray
    y: np.ndarray
    weights: list[np.ndarray]
    biases: list[np.ndarray]
    activation: str


def net(sizes: list[int], batch: int, activation: str, dtype: str = "float64", seed: int = 0) -> Net:
    """Random inputs in [0, 1), labels and PyTorch-style uniform ±1/√fan_in weights."""
    rng = np.random.default_rng(seed)
    X = rng.random((batch, sizes[0])).astype(dtype)
    y = rng.integers(0, sizes[-1], batch)
    weights = [
        (rng.uniform(-1, 1, (a, b)).astype(dtype) / np.sqrt(a).astype(dtype)).T.copy()  # same draws as (in, out)
        for a, b in zip(sizes, sizes[1:])
    ]
    biases = [np.zeros(b, dtype) for b in sizes[1:]]
    return Net(X, y, weights, biases, activation)


def w2() -> Net:
    """Report 001's network: 2 inputs, 12 softplus units, 5 classes, 1000 points (float64)."""
    return net([2, 12, 5], 1000, "softplus")


def w3(batch: int, dtype: str) -> Net:
    """Report 002's network: 784 inputs (MNIST-sized), 300 sigmoid units, 10 classes."""
    return net([784, 300, 10], batch, "sigmoid", dtype)


def chain(n: int = 100, seed: int = 0) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """W4's x and the constant factor w and offset c of the multiply and add steps."""
    rng = np.random.default_rng(seed)
    return rng.normal(size=n), rng.uniform(0.9, 1.1, n), rng.normal(0, 0.1, n)


def wide(pieces: int = 50_000, scalars: int = 100_000, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """W6's inputs: `pieces` rows of 2 to concatenate and `scalars` numbers to stack (one wide node each)."""
    rng = np.random.default_rng(seed)
    return rng.normal(size=(pieces, 2)), rng.normal(size=scalars)


# the op applied at step i of the W4 chain, alternating
CHAIN_OPS = ("mul", "add", "tanh")
