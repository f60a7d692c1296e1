"""Models to and from PyTorch: `model.to_torch()` and `nn.Module.from_torch(torch_model)`.

Each of our layer types has a torch.nn twin with the same constructor
arguments, attribute names and state-dict keys; a model is rebuilt layer by
layer from that table and the weights are copied through `state_dict()`, so
the two compute the same function (tests/test_nn_torch.py checks outputs and
gradients to 1e-12 in float64).  `MLP` becomes a `torch.nn.Sequential`.
Your own `nn.Module` subclasses cannot be translated (their forward is Python
code); build the same class in torch and `load_state_dict(model.state_dict())`:
the keys match.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from nn import layers, losses
from nn.module import Module, Sequential, as_array

__all__ = ["to_torch", "from_torch", "TWINS"]

# our class → the constructor arguments it shares with its torch.nn twin (same class name)
TWINS: dict[type[Module], tuple[str, ...]] = {
    layers.Linear: ("in_features", "out_features", "bias"),
    layers.Embedding: ("num_embeddings", "embedding_dim"),
    layers.ReLU: (),
    layers.Sigmoid: (),
    layers.Tanh: (),
    layers.Identity: (),
    layers.Softplus: ("beta", "threshold"),
    layers.LeakyReLU: ("negative_slope",),
    layers.Flatten: ("start_dim", "end_dim"),
    layers.Softmax: ("dim",),
    layers.LogSoftmax: ("dim",),
    layers.Dropout: ("p",),
    layers.BatchNorm1d: ("num_features", "eps", "momentum", "affine", "track_running_stats"),
    layers.LayerNorm: ("normalized_shape", "eps", "elementwise_affine", "bias"),
    losses.MSELoss: ("reduction",),
    losses.L1Loss: ("reduction",),
}
_WITH_DTYPE = (layers.Linear, layers.Embedding, layers.BatchNorm1d, layers.LayerNorm)


def _args(module: Any, names: tuple[str, ...]) -> dict[str, Any]:
    """Constructor arguments read off a module (ours or torch's): "bias" means "has a bias"."""
    return {n: (getattr(module, n) is not None) if n == "bias" else getattr(module, n) for n in names}


def _dtype_of(module: Any) -> Any:
    for t in module.state_dict().values():
        if np.dtype(str(t.dtype).removeprefix("torch.")).kind == "f":
            return t.dtype
    return None


def _known() -> str:
    return ", ".join(sorted({c.__name__ for c in TWINS} | {"Sequential", "MLP"}))


def to_torch(module: Module) -> Any:
    """The equivalent torch.nn module, with a copy of the weights and the same train/eval mode."""
    import torch

    twin = _build_torch(module, torch)
    twin.load_state_dict({k: torch.from_numpy(v.numpy().copy()) for k, v in module.state_dict().items()})
    return twin


def _build_torch(module: Module, torch: Any) -> Any:
    if isinstance(module, Sequential) and type(module) in (Sequential, layers.MLP):
        twin = torch.nn.Sequential(*(_build_torch(m, torch) for m in module))
    elif type(module) in TWINS:
        kwargs = _args(module, TWINS[type(module)])
        if isinstance(module, _WITH_DTYPE):
            kwargs["dtype"] = getattr(torch, str(_dtype_of(module)))
        twin = getattr(torch.nn, type(module).__name__)(**kwargs)
    else:
        raise TypeError(
            f"to_torch() translates {_known()}; {type(module).__name__} is not one of them. For your "
            "own Module, write the same class with torch.nn and load_state_dict(model.state_dict()) "
            "into it: the keys and shapes match"
        )
    twin.train(module.training)
    return twin


def from_torch(module: Any) -> Module:
    """Our equivalent of a torch.nn module (Linear, Sequential, ...), with a copy of its weights."""
    ours = _build_ours(module)
    ours.load_state_dict({k: as_array(v).copy() for k, v in module.state_dict().items()})
    return ours


def _build_ours(module: Any) -> Module:
    import torch

    if not isinstance(module, torch.nn.Module):
        raise TypeError(f"from_torch expects a torch.nn.Module, got {type(module).__name__}")
    by_name = {c.__name__: c for c in TWINS}
    kind = type(module)
    if kind is torch.nn.Sequential:
        ours: Module = Sequential(*(_build_ours(m) for m in module))
    elif kind.__name__ in by_name and kind is getattr(torch.nn, kind.__name__, None):
        cls = by_name[kind.__name__]
        kwargs = _args(module, TWINS[cls])
        if issubclass(cls, _WITH_DTYPE):
            kwargs["dtype"] = _dtype_of(module)
        ours = cls(**kwargs)
    else:
        raise TypeError(
            f"from_torch() translates torch.nn.{{{_known().replace('MLP, ', '')}}}; "
            f"{kind.__module__}.{kind.__name__} is not one of them. For your own torch module, write the "
            "same class with nn and load_state_dict(torch_model.state_dict()) into it"
        )
    ours.train(module.training)
    return ours
