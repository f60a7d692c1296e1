"""Modules and parameters: the building blocks of networks.

A `Module` owns `Parameter`s and other modules, assigned as attributes; it
finds them itself (`parameters()`, `named_parameters()`), and saves and loads
them (`state_dict()`, `save()`, `load()`).  Calling a module runs `forward` and
tags the nodes it creates with the module's path, so the graph renderer can
draw each layer as a labelled box.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from autograd import Parameter, Tensor, module_scope, ops
from nn.init import initialise

__all__ = ["Parameter", "Module", "Sequential", "Linear", "Embedding", "MLP",
           "ReLU", "Sigmoid", "Tanh", "Softplus", "Identity", "get_activation", "load_state"]


class Module:
    """Base class: subclasses set parameters and sub-modules as attributes and define `forward`."""

    def __init__(self) -> None:
        object.__setattr__(self, "_parameters", {})
        object.__setattr__(self, "_modules", {})
        object.__setattr__(self, "_label", type(self).__name__)
        object.__setattr__(self, "training", True)

    def __setattr__(self, key: str, value: Any) -> None:
        if "_parameters" not in self.__dict__:
            raise AttributeError(f"{type(self).__name__}.__init__ must call super().__init__() "
                                 f"before assigning {key!r}")
        self._parameters.pop(key, None)
        self._modules.pop(key, None)
        if isinstance(value, Parameter):
            self._parameters[key] = value
            if value.name is None:
                value.name = key
        elif isinstance(value, Module):
            self._modules[key] = value
            object.__setattr__(value, "_label", f"{key}:{type(value).__name__}")
        object.__setattr__(self, key, value)

    def forward(self, *args: Any, **kwargs: Any) -> Any:
        raise NotImplementedError(f"{type(self).__name__} must define forward()")

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        with module_scope(self._label):
            return self.forward(*args, **kwargs)

    # -- parameters
    def named_parameters(self, prefix: str = "") -> Iterator[tuple[str, Parameter]]:
        """(dotted name, parameter) for every parameter, sub-modules included, in definition order."""
        for name, p in self._parameters.items():
            yield prefix + name, p
        for name, m in self._modules.items():
            yield from m.named_parameters(prefix + name + ".")

    def parameters(self) -> list[Parameter]:
        return [p for _, p in self.named_parameters()]

    def modules(self) -> Iterator[Module]:
        yield self
        for m in self._modules.values():
            yield from m.modules()

    def num_parameters(self) -> int:
        """How many numbers the model learns (report 001's network: 101)."""
        return sum(p.numel() for p in self.parameters())

    def zero_grad(self) -> None:
        for p in self.parameters():
            p.grad = None

    def train(self, mode: bool = True) -> Module:
        for m in self.modules():
            object.__setattr__(m, "training", mode)
        return self

    def eval(self) -> Module:
        return self.train(False)

    # -- saving and loading
    def state_dict(self) -> dict[str, np.ndarray]:
        """{dotted name: copy of the parameter's array}."""
        return {name: p.numpy().copy() for name, p in self.named_parameters()}

    def load_state_dict(self, state: dict[str, Any]) -> None:
        """Copy arrays into the parameters; names and shapes must match exactly."""
        own = dict(self.named_parameters())
        missing, unexpected = sorted(set(own) - set(state)), sorted(set(state) - set(own))
        if missing or unexpected:
            raise KeyError(f"state does not fit {type(self).__name__}: missing {missing}, unexpected {unexpected}")
        for name, p in own.items():
            value = np.asarray(state[name], dtype=p.dtype)
            if value.shape != p.shape:
                raise ValueError(f"parameter {name!r} has shape {p.shape} but the state holds {value.shape}")
            p.data = value.copy()
            p.grad = None

    def save(self, path: str | Path) -> Path:
        """Write the parameters to `.npz` (compact) or `.json` (readable, as report 001's model.json)."""
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        state = self.state_dict()
        if path.suffix == ".json":
            doc = {"format": "autograd-nn-state", "model": type(self).__name__,
                   "parameters": {k: {"shape": list(v.shape), "dtype": str(v.dtype), "data": v.tolist()}
                                  for k, v in state.items()}}
            path.write_text(json.dumps(doc, indent=1))
        elif path.suffix == ".npz":
            np.savez(path, **state)
        else:
            raise ValueError(f"save(): use a .npz or .json file name, got {path.name!r}")
        return path

    def load(self, path: str | Path) -> Module:
        """Load parameters written by `save()` (either format)."""
        self.load_state_dict(load_state(path))
        return self

    def __repr__(self) -> str:
        inner = "".join(f"\n  ({k}): " + repr(m).replace("\n", "\n  ") for k, m in self._modules.items())
        return f"{type(self).__name__}({self.extra_repr()}{inner}{chr(10) if inner else ''})"

    def extra_repr(self) -> str:
        return ""


def load_state(path: str | Path) -> dict[str, np.ndarray]:
    """Read a state dict from a `.npz` or `.json` file written by `Module.save`."""
    path = Path(path)
    if path.suffix == ".json":
        doc = json.loads(path.read_text())
        if doc.get("format") != "autograd-nn-state":
            raise ValueError(f"{path} is not a parameter file written by Module.save")
        return {k: np.asarray(v["data"], dtype=v.get("dtype", "float64")).reshape(v["shape"])
                for k, v in doc["parameters"].items()}
    with np.load(path) as f:
        return {k: f[k] for k in f.files}


# ----------------------------------------------------------------------------- layers

class Linear(Module):
    """y = x·W + b with W of shape (in_features, out_features).

    `init` names the initialiser ("uniform" (PyTorch's default), "normal",
    "xavier"/"glorot", "he"/"kaiming", "zeros") or is a function of the shape;
    `std` goes to "normal".  Biases start at zero.
    """

    def __init__(self, in_features: int, out_features: int, bias: bool = True,
                 init: str | Callable = "uniform", std: float | None = None,
                 dtype: Any = np.float64) -> None:
        super().__init__()
        self.in_features, self.out_features = in_features, out_features
        self.weight = Parameter(initialise(init, (in_features, out_features), std, dtype))
        self.bias = Parameter(np.zeros(out_features, dtype=dtype)) if bias else None

    def forward(self, x: Any) -> Tensor:
        shape = getattr(x, "shape", None)
        if shape is None or not shape or shape[-1] != self.in_features:
            raise ValueError(f"Linear({self.in_features}, {self.out_features}) expects inputs whose last "
                             f"axis is {self.in_features}, got shape {shape}")
        y = ops.matmul(x, self.weight)
        return y if self.bias is None else y + self.bias

    def extra_repr(self) -> str:
        return f"{self.in_features}, {self.out_features}, bias={self.bias is not None}"


class Embedding(Module):
    """A lookup table: integer indices of any shape → rows of W (num_embeddings, dim).

    Looking up row i is the same as multiplying a one-hot vector by W (report
    003); the gradient adds ḡ into the rows used, once per use.
    """

    def __init__(self, num_embeddings: int, embedding_dim: int, init: str | Callable = "normal",
                 std: float | None = 1.0, dtype: Any = np.float64) -> None:
        super().__init__()
        self.num_embeddings, self.embedding_dim = num_embeddings, embedding_dim
        self.weight = Parameter(initialise(init, (num_embeddings, embedding_dim), std, dtype))

    def forward(self, indices: Any) -> Tensor:
        idx = np.asarray(indices.numpy() if isinstance(indices, Tensor) else indices)
        if idx.dtype.kind not in "iu":
            raise TypeError(f"Embedding takes integer indices, got dtype {idx.dtype}")
        if idx.size and (idx.min() < 0 or idx.max() >= self.num_embeddings):
            raise IndexError(f"Embedding({self.num_embeddings}, {self.embedding_dim}): indices must lie in "
                             f"0..{self.num_embeddings - 1}, got {idx.min()}..{idx.max()}")
        return self.weight[idx]

    def extra_repr(self) -> str:
        return f"{self.num_embeddings}, {self.embedding_dim}"


class Sequential(Module):
    """Modules applied one after another; sub-modules are named "0", "1", ..."""

    def __init__(self, *layers: Module) -> None:
        super().__init__()
        for i, layer in enumerate(layers):
            setattr(self, str(i), layer)

    def __iter__(self) -> Iterator[Module]:
        return iter(self._modules.values())

    def __len__(self) -> int:
        return len(self._modules)

    def __getitem__(self, i: int) -> Module:
        return list(self._modules.values())[i]

    def forward(self, x: Any) -> Any:
        for layer in self._modules.values():
            x = layer(x)
        return x


class _Activation(Module):
    fn: Callable[[Any], Tensor]

    def forward(self, x: Any) -> Tensor:
        return type(self).fn(x)


class ReLU(_Activation):
    fn = ops.relu


class Sigmoid(_Activation):
    fn = ops.sigmoid


class Tanh(_Activation):
    fn = ops.tanh


class Softplus(_Activation):
    fn = ops.softplus


class Identity(Module):
    def forward(self, x: Any) -> Any:
        return x


ACTIVATIONS: dict[str, type[Module]] = {"relu": ReLU, "sigmoid": Sigmoid, "tanh": Tanh,
                                        "softplus": Softplus, "identity": Identity, "linear": Identity}


def get_activation(name: str) -> Module:
    """An activation module by name: relu, sigmoid, tanh, softplus, identity."""
    if name not in ACTIVATIONS:
        raise ValueError(f"unknown activation {name!r}; choose one of {sorted(ACTIVATIONS)}")
    return ACTIVATIONS[name]()


class MLP(Sequential):
    """A multi-layer perceptron of any shape: Linear layers with an activation between them.

    `MLP([2, 12, 5], activation="softplus")` is report 001's network
    (2·12 + 12 + 12·5 + 5 = 101 parameters); it returns logits, for
    `CrossEntropyLoss` (which applies the softmax).
    """

    def __init__(self, sizes: Sequence[int], activation: str = "relu", output_activation: str | None = None,
                 init: str | Callable = "uniform", std: float | None = None, bias: bool = True,
                 dtype: Any = np.float64) -> None:
        if len(sizes) < 2:
            raise ValueError(f"MLP needs at least an input and an output size, got {list(sizes)}")
        layers: list[Module] = []
        for i, (a, b) in enumerate(zip(sizes[:-1], sizes[1:])):
            layers.append(Linear(a, b, bias=bias, init=init, std=std, dtype=dtype))
            last = i == len(sizes) - 2
            if not last:
                layers.append(get_activation(activation))
            elif output_activation:
                layers.append(get_activation(output_activation))
        super().__init__(*layers)
        self.sizes = list(sizes)
