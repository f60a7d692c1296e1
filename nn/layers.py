"""Layers, as in `torch.nn`: each holds its parameters and settings; its math lives in `nn.functional`.

Shapes and state-dict keys are PyTorch's: `Linear.weight` is (out, in) and the
layer computes x Wᵀ + b (reports 001 and 003 write W as (out, in) too:
z = W x + b for one sample x); `Embedding.weight` is (num_embeddings, dim).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from autograd import Parameter, Tensor, as_tensor, no_grad
from autograd.engine import unwrap
from nn import functional as F
from nn.init import initialise
from nn.module import Module, Sequential, float_dtype

__all__ = [
    "Linear",
    "Embedding",
    "ReLU",
    "LeakyReLU",
    "Sigmoid",
    "Tanh",
    "Softplus",
    "Identity",
    "Flatten",
    "Softmax",
    "LogSoftmax",
    "Dropout",
    "BatchNorm1d",
    "LayerNorm",
    "MLP",
    "get_activation",
    "ACTIVATIONS",
]


class Linear(Module):
    """y = x Wᵀ + b, with W of shape (out_features, in_features), as torch.nn.Linear.

    W and b start as PyTorch's do (U(±1/√in_features)), drawn from the generator
    `autograd.manual_seed` seeds.  `init` picks another initialiser by name
    ("normal" with `std`, "xavier"/"glorot", "he"/"kaiming", "zeros"; the bias
    then starts at 0) or is a function that fills the weight in place
    (`nn.init.xavier_uniform_`).
    """

    def __init__(
        self,
        in_features: int,
        out_features: int,
        bias: bool = True,
        device: Any = None,
        dtype: Any = None,
        *,
        init: str | Callable = "default",
        std: float | None = None,
    ) -> None:
        super().__init__()
        _sizes(Linear, in_features=in_features, out_features=out_features)
        _cpu(device)
        dt = float_dtype(dtype, "Linear(dtype=)")
        self.in_features, self.out_features = in_features, out_features
        self.weight = Parameter(np.empty((out_features, in_features), dtype=dt))
        self.register_parameter("bias", Parameter(np.empty(out_features, dtype=dt)) if bias else None)
        initialise(init, self.weight, self.bias, std)

    def forward(self, input: Any) -> Tensor:
        return F.linear(input, self.weight, self.bias)

    def extra_repr(self) -> str:
        return f"in_features={self.in_features}, out_features={self.out_features}, bias={self.bias is not None}"


def _sizes(cls: type, **sizes: Any) -> None:
    for name, n in sizes.items():
        if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or n < 0:
            raise ValueError(f"{cls.__name__}: {name} must be a non-negative integer, got {n!r}")


def _cpu(device: Any) -> None:
    if device is not None and str(device) != "cpu":
        raise RuntimeError(f"no {device} here: this engine runs on the CPU only (numpy); drop device= or use 'cpu'")


class Embedding(Module):
    """A lookup table: integer indices of any shape → rows of W (num_embeddings, embedding_dim).

    Looking up row i is the same as multiplying a one-hot vector by W (report
    003's W1ᵀ); the gradient adds ḡ into the rows used, once per use.  W starts
    as PyTorch's, N(0, 1) (`init`, `std` as for Linear).
    """

    def __init__(
        self,
        num_embeddings: int,
        embedding_dim: int,
        device: Any = None,
        dtype: Any = None,
        *,
        init: str | Callable = "normal",
        std: float | None = 1.0,
    ) -> None:
        super().__init__()
        _sizes(Embedding, num_embeddings=num_embeddings, embedding_dim=embedding_dim)
        _cpu(device)
        self.num_embeddings, self.embedding_dim = num_embeddings, embedding_dim
        self.weight = Parameter(np.empty((num_embeddings, embedding_dim), dtype=float_dtype(dtype, "Embedding")))
        initialise(init, self.weight, None, std)

    def forward(self, input: Any) -> Tensor:
        idx = np.asarray(unwrap(input))
        if idx.dtype.kind not in "iu":
            raise TypeError(f"Embedding takes integer indices, got dtype {idx.dtype}")
        if idx.size and (idx.min() < 0 or idx.max() >= self.num_embeddings):
            bad = idx[(idx < 0) | (idx >= self.num_embeddings)].flat[0]
            raise IndexError(
                f"Embedding({self.num_embeddings}, {self.embedding_dim}): index {bad} is out of range; "
                f"indices must lie in 0..{self.num_embeddings - 1}"
            )
        return self.weight[idx]

    def extra_repr(self) -> str:
        return f"{self.num_embeddings}, {self.embedding_dim}"


# ----------------------------------------------------------------------------- activations and shape


class ReLU(Module):
    def forward(self, input: Tensor) -> Tensor:
        return F.relu(input)


class Sigmoid(Module):
    def forward(self, input: Tensor) -> Tensor:
        return F.sigmoid(input)


class Tanh(Module):
    def forward(self, input: Tensor) -> Tensor:
        return F.tanh(input)


class Softplus(Module):
    """(1/β) ln(1 + e^{βx}) (report 001's activation), x where βx > threshold, as torch.nn.Softplus."""

    def __init__(self, beta: float = 1.0, threshold: float = 20.0) -> None:
        super().__init__()
        self.beta, self.threshold = beta, threshold

    def forward(self, input: Tensor) -> Tensor:
        return F.softplus(input, self.beta, self.threshold)

    def extra_repr(self) -> str:
        return "" if (self.beta, self.threshold) == (1.0, 20.0) else f"beta={self.beta}, threshold={self.threshold}"


class LeakyReLU(Module):
    def __init__(self, negative_slope: float = 0.01) -> None:
        super().__init__()
        self.negative_slope = negative_slope

    def forward(self, input: Tensor) -> Tensor:
        return F.leaky_relu(input, self.negative_slope)

    def extra_repr(self) -> str:
        return f"negative_slope={self.negative_slope}"


class Identity(Module):
    def __init__(self, *args: Any, **kwargs: Any) -> None:  # torch accepts (and ignores) any arguments
        super().__init__()

    def forward(self, input: Any) -> Any:
        return input


class Flatten(Module):
    """Axes start_dim..end_dim joined into one (default: everything but the batch axis)."""

    def __init__(self, start_dim: int = 1, end_dim: int = -1) -> None:
        super().__init__()
        self.start_dim, self.end_dim = start_dim, end_dim

    def forward(self, input: Tensor) -> Tensor:
        return as_tensor(input).flatten(self.start_dim, self.end_dim)

    def extra_repr(self) -> str:
        return f"start_dim={self.start_dim}, end_dim={self.end_dim}"


class _AlongDim(Module):
    """A function applied along one axis `dim`."""

    fn: Callable[[Tensor, int | None], Tensor]

    def __init__(self, dim: int | None = None) -> None:
        super().__init__()
        self.dim = dim

    def forward(self, input: Tensor) -> Tensor:
        return type(self).fn(input, self.dim)

    def extra_repr(self) -> str:
        return f"dim={self.dim}"


class Softmax(_AlongDim):
    fn = staticmethod(F.softmax)


class LogSoftmax(_AlongDim):
    fn = staticmethod(F.log_softmax)


# ----------------------------------------------------------------------------- regularisation and normalisation


class Dropout(Module):
    """In training mode zero each entry with probability p and scale the rest by 1/(1 − p); in eval
    mode (`model.eval()`) pass everything through.  Masks come from `autograd.generator()`."""

    def __init__(self, p: float = 0.5, inplace: bool = False) -> None:
        super().__init__()
        if not (isinstance(p, (int, float)) and 0.0 <= p <= 1.0):
            raise ValueError(f"dropout probability has to be between 0 and 1, but got {p!r}")
        self.p, self.inplace = p, inplace

    def forward(self, input: Tensor) -> Tensor:
        return F.dropout(input, self.p, self.training, self.inplace)

    def extra_repr(self) -> str:
        return f"p={self.p}, inplace={self.inplace}"


class BatchNorm1d(Module):
    """Batch normalisation of (N, C) or (N, C, L) inputs over the batch, per channel (torch.nn.BatchNorm1d).

    Training: normalise by the batch's mean and (biased) variance, and move the
    running statistics r ← (1 − momentum)·r + momentum·s (unbiased variance;
    `momentum=None`: the plain average of all batches so far).  Eval: normalise
    by the running statistics.  `affine`: then scale by γ (weight) and shift by
    β (bias), learnt.  Buffers running_mean, running_var, num_batches_tracked
    are in the state dict under PyTorch's keys.
    """

    def __init__(
        self,
        num_features: int,
        eps: float = 1e-5,
        momentum: float | None = 0.1,
        affine: bool = True,
        track_running_stats: bool = True,
        device: Any = None,
        dtype: Any = None,
    ) -> None:
        super().__init__()
        _sizes(BatchNorm1d, num_features=num_features)
        _cpu(device)
        if not eps > 0:
            raise ValueError(f"BatchNorm1d: eps must be > 0, got {eps}")
        if momentum is not None and not 0 <= momentum <= 1:
            raise ValueError(f"BatchNorm1d: momentum must be in [0, 1] or None, got {momentum}")
        dt = float_dtype(dtype, "BatchNorm1d(dtype=)")
        self.num_features, self.eps, self.momentum = num_features, eps, momentum
        self.affine, self.track_running_stats = affine, track_running_stats
        self.register_parameter("weight", Parameter(np.ones(num_features, dt)) if affine else None)
        self.register_parameter("bias", Parameter(np.zeros(num_features, dt)) if affine else None)
        if track_running_stats:
            self.register_buffer("running_mean", Tensor(np.zeros(num_features, dt)))
            self.register_buffer("running_var", Tensor(np.ones(num_features, dt)))
            self.register_buffer("num_batches_tracked", Tensor(np.array(0, np.int64)))
        else:
            for name in ("running_mean", "running_var", "num_batches_tracked"):
                self.register_buffer(name, None)

    def forward(self, input: Tensor) -> Tensor:
        x = as_tensor(input)
        if x.ndim not in (2, 3) or x.shape[1] != self.num_features:
            raise ValueError(
                f"BatchNorm1d({self.num_features}) expects input of shape (N, {self.num_features}) or "
                f"(N, {self.num_features}, L), got {tuple(x.shape)}"
            )
        factor = 0.0 if self.momentum is None else self.momentum
        if self.training and self.track_running_stats:
            with no_grad():
                self.num_batches_tracked.add_(1)
            if self.momentum is None:
                factor = 1.0 / self.num_batches_tracked.item()
        use_batch = self.training or self.running_mean is None
        track = not self.training or self.track_running_stats
        return F.batch_norm(
            x,
            self.running_mean if track else None,
            self.running_var if track else None,
            self.weight,
            self.bias,
            use_batch,
            factor,
            self.eps,
        )

    def extra_repr(self) -> str:
        return (
            f"{self.num_features}, eps={self.eps}, momentum={self.momentum}, affine={self.affine}, "
            f"track_running_stats={self.track_running_stats}"
        )


class LayerNorm(Module):
    """Normalise each sample over its last axes `normalized_shape`, then scale by γ and shift by β
    (torch.nn.LayerNorm; no running statistics: the same in training and eval)."""

    def __init__(
        self,
        normalized_shape: int | Sequence[int],
        eps: float = 1e-5,
        elementwise_affine: bool = True,
        bias: bool = True,
        device: Any = None,
        dtype: Any = None,
    ) -> None:
        super().__init__()
        _cpu(device)
        shape = (normalized_shape,) if isinstance(normalized_shape, (int, np.integer)) else tuple(normalized_shape)
        _sizes(LayerNorm, **{f"normalized_shape[{i}]": n for i, n in enumerate(shape)})
        if not eps > 0:
            raise ValueError(f"LayerNorm: eps must be > 0, got {eps}")
        dt = float_dtype(dtype, "LayerNorm(dtype=)")
        self.normalized_shape, self.eps, self.elementwise_affine = shape, eps, elementwise_affine
        self.register_parameter("weight", Parameter(np.ones(shape, dt)) if elementwise_affine else None)
        self.register_parameter("bias", Parameter(np.zeros(shape, dt)) if elementwise_affine and bias else None)

    def forward(self, input: Tensor) -> Tensor:
        return F.layer_norm(input, self.normalized_shape, self.weight, self.bias, self.eps)

    def extra_repr(self) -> str:
        return f"{self.normalized_shape}, eps={self.eps}, elementwise_affine={self.elementwise_affine}"


# ----------------------------------------------------------------------------- MLP

ACTIVATIONS: dict[str, type[Module]] = {
    "relu": ReLU,
    "sigmoid": Sigmoid,
    "tanh": Tanh,
    "softplus": Softplus,
    "leaky_relu": LeakyReLU,
    "identity": Identity,
    "linear": Identity,
}


def get_activation(name: str) -> Module:
    """An activation module by name: relu, sigmoid, tanh, softplus, leaky_relu, identity."""
    if name not in ACTIVATIONS:
        raise ValueError(f"unknown activation {name!r}; choose one of {sorted(ACTIVATIONS)}")
    return ACTIVATIONS[name]()


class MLP(Sequential):
    """A multi-layer perceptron: Linear layers with an activation module between them.

    `MLP([2, 12, 5], activation="softplus")` is report 001's network
    (2·12 + 12 + 12·5 + 5 = 101 parameters) and is
    `Sequential(Linear(2, 12), Softplus(), Linear(12, 5))`: the same keys
    ("0.weight", "0.bias", "2.weight", "2.bias"), and `to_torch()` gives that
    torch.nn.Sequential.  It returns logits, for `CrossEntropyLoss`.
    """

    def __init__(
        self,
        sizes: Sequence[int],
        activation: str = "relu",
        output_activation: str | None = None,
        init: str | Callable = "default",
        std: float | None = None,
        bias: bool = True,
        dtype: Any = None,
    ) -> None:
        if len(sizes) < 2:
            raise ValueError(f"MLP needs at least an input and an output size, got {list(sizes)}")
        layers: list[Module] = []
        for i, (a, b) in enumerate(zip(sizes[:-1], sizes[1:])):
            layers.append(Linear(a, b, bias=bias, dtype=dtype, init=init, std=std))
            if i < len(sizes) - 2:
                layers.append(get_activation(activation))
            elif output_activation:
                layers.append(get_activation(output_activation))
        super().__init__(*layers)
