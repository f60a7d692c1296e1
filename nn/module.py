"""Modules: the building blocks of networks, as `torch.nn.Module`.

A `Module` owns `Parameter`s, buffers (tensors it keeps but does not train,
such as BatchNorm's running statistics) and other modules, assigned as
attributes; it finds them itself (`parameters()`, `named_parameters()`, each
parameter once even when two layers share it), and moves them in and out as a
state dict with exactly PyTorch's keys and shapes (`state_dict()`,
`load_state_dict()`, `save()`, `load()`, `to_torch()`, `from_torch()`).
Calling a module runs `forward` and tags the nodes it creates with the
module's path, so the graph renderer can draw each layer as a labelled box.
"""

from __future__ import annotations

from collections import namedtuple
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any

import numpy as np

from autograd import Parameter, Tensor, module_scope, no_grad
from autograd.engine import unwrap

__all__ = ["Parameter", "Module", "Sequential", "ModuleList", "IncompatibleKeys", "as_array", "float_dtype"]

IncompatibleKeys = namedtuple("IncompatibleKeys", ["missing_keys", "unexpected_keys"])


class Module:
    """Base class: subclasses set parameters and sub-modules as attributes and define `forward`.

    class Net(nn.Module):
        def __init__(self):
            super().__init__()
            self.hidden = nn.Linear(2, 12)
            self.out = nn.Linear(12, 5)

        def forward(self, x):
            return self.out(self.hidden(x).softplus())
    """

    training: bool

    def __init__(self) -> None:
        object.__setattr__(self, "_parameters", {})
        object.__setattr__(self, "_buffers", {})
        object.__setattr__(self, "_persistent", set())
        object.__setattr__(self, "_modules", {})
        object.__setattr__(self, "_label", type(self).__name__)
        object.__setattr__(self, "training", True)

    def __setattr__(self, key: str, value: Any) -> None:
        if "_parameters" not in self.__dict__:
            raise AttributeError(
                f"{type(self).__name__}.__init__ must call super().__init__() before assigning {key!r}"
            )
        params, buffers, modules = self._parameters, self._buffers, self._modules
        if isinstance(value, Parameter):
            buffers.pop(key, None)
            modules.pop(key, None)
            params[key] = value
            if value.path is None:  # the dotted path; `name` stays the student's own (the renderer shows both)
                value.path = key
        elif isinstance(value, Module):
            params.pop(key, None)
            buffers.pop(key, None)
            modules[key] = value
            object.__setattr__(value, "_label", f"{key}:{type(value).__name__}")
            for name, p in value.named_parameters(prefix=key):
                p.path = name
        elif key in params:
            if value is not None:
                raise TypeError(
                    f"cannot assign a {type(value).__name__} as parameter {key!r} of "
                    f"{type(self).__name__}: use nn.Parameter(...) or None (to change the values, "
                    f"copy into it: `with no_grad(): self.{key}.copy_(new)`)"
                )
            params[key] = None
        elif key in buffers:
            if value is not None and not isinstance(value, Tensor):
                raise TypeError(
                    f"cannot assign a {type(value).__name__} as buffer {key!r} of "
                    f"{type(self).__name__}: use a Tensor or None"
                )
            buffers[key] = value
        elif key in modules:
            if value is not None:
                raise TypeError(
                    f"cannot assign a {type(value).__name__} as child module {key!r} of "
                    f"{type(self).__name__}: use an nn.Module or None"
                )
            modules[key] = None
        object.__setattr__(self, key, value)

    def __delattr__(self, key: str) -> None:
        for table in (self._parameters, self._buffers, self._modules):
            table.pop(key, None)
        self._persistent.discard(key)
        object.__delattr__(self, key)

    # -- registering
    def register_parameter(self, name: str, param: Parameter | None) -> None:
        """Add a parameter (or a None placeholder, as `Linear(bias=False)` does) under `name`."""
        if param is not None and not isinstance(param, Parameter):
            raise TypeError(
                f"register_parameter({name!r}): expected an nn.Parameter or None, got {type(param).__name__}"
            )
        self._parameters[name] = param
        if param is not None and param.path is None:
            param.path = name
        object.__setattr__(self, name, param)

    def register_buffer(self, name: str, tensor: Tensor | None, persistent: bool = True) -> None:
        """Add a tensor the module keeps but does not train (in `state_dict()` when `persistent`)."""
        if tensor is not None and not isinstance(tensor, Tensor):
            raise TypeError(f"register_buffer({name!r}): expected a Tensor or None, got {type(tensor).__name__}")
        self._buffers[name] = tensor
        if persistent:
            self._persistent.add(name)
        object.__setattr__(self, name, tensor)

    def add_module(self, name: str, module: Module | None) -> None:
        setattr(self, name, module) if module is not None else self._modules.__setitem__(name, None)

    # -- running
    def forward(self, *args: Any, **kwargs: Any) -> Any:
        raise NotImplementedError(f"{type(self).__name__} must define forward()")

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        with module_scope(self._label):
            return self.forward(*args, **kwargs)

    # -- walking the tree
    def named_modules(
        self, memo: set[int] | None = None, prefix: str = "", remove_duplicate: bool = True
    ) -> Iterator[tuple[str, Module]]:
        """(dotted path, module) for this module and every module inside it, each once, parents first."""
        if memo is None:
            memo = set()
        if remove_duplicate:
            if id(self) in memo:
                return
            memo.add(id(self))
        yield prefix, self
        for name, m in self._modules.items():
            if m is not None:
                yield from m.named_modules(memo, f"{prefix}.{name}" if prefix else name, remove_duplicate)

    def modules(self) -> Iterator[Module]:
        for _, m in self.named_modules():
            yield m

    def named_children(self) -> Iterator[tuple[str, Module]]:
        seen: set[int] = set()
        for name, m in self._modules.items():
            if m is not None and id(m) not in seen:
                seen.add(id(m))
                yield name, m

    def children(self) -> Iterator[Module]:
        for _, m in self.named_children():
            yield m

    def _named_members(
        self, table: str, prefix: str, recurse: bool, remove_duplicate: bool
    ) -> Iterator[tuple[str, Tensor]]:
        seen: set[int] = set()
        walked = self.named_modules(prefix=prefix, remove_duplicate=remove_duplicate) if recurse else [(prefix, self)]
        for path, m in walked:
            for name, t in getattr(m, table).items():
                if t is None or (remove_duplicate and id(t) in seen):
                    continue
                seen.add(id(t))
                yield (f"{path}.{name}" if path else name), t

    def named_parameters(
        self, prefix: str = "", recurse: bool = True, remove_duplicate: bool = True
    ) -> Iterator[tuple[str, Parameter]]:
        """(dotted name, parameter) for every parameter, each once (a tied weight under its first name)."""
        return self._named_members("_parameters", prefix, recurse, remove_duplicate)  # type: ignore[return-value]

    def parameters(self, recurse: bool = True) -> Iterator[Parameter]:
        """Every parameter once, in definition order (an iterator, as in PyTorch: `list(...)` to keep it)."""
        for _, p in self.named_parameters(recurse=recurse):
            yield p

    def named_buffers(
        self, prefix: str = "", recurse: bool = True, remove_duplicate: bool = True
    ) -> Iterator[tuple[str, Tensor]]:
        return self._named_members("_buffers", prefix, recurse, remove_duplicate)

    def buffers(self, recurse: bool = True) -> Iterator[Tensor]:
        for _, b in self.named_buffers(recurse=recurse):
            yield b

    def num_parameters(self) -> int:
        """How many numbers the model learns (report 001's network: 101); tied weights count once."""
        return sum(p.numel() for p in self.parameters())

    def apply(self, fn: Callable[[Module], Any]) -> Module:
        """Call fn on every sub-module, then on self (as torch: children first)."""
        for m in self.children():
            m.apply(fn)
        fn(self)
        return self

    # -- training state
    def zero_grad(self, set_to_none: bool = True) -> None:
        for p in self.parameters():
            if set_to_none or p.grad is None:
                p.grad = None
            else:
                p.grad.zero_()

    def requires_grad_(self, requires_grad: bool = True) -> Module:
        for p in self.parameters():
            p.requires_grad_(requires_grad)
        return self

    def train(self, mode: bool = True) -> Module:
        """Training mode (Dropout drops, BatchNorm uses and updates batch statistics), or eval with False."""
        if not isinstance(mode, bool):
            raise ValueError(f"train(mode) expects a bool, got {mode!r}")
        for m in self.modules():
            object.__setattr__(m, "training", mode)
        return self

    def eval(self) -> Module:
        return self.train(False)

    def to(self, dtype: Any) -> Module:
        """Cast every floating-point parameter and buffer to `dtype` (float32 or float64), in place."""
        dt = float_dtype(dtype, "Module.to(dtype)")
        with no_grad():
            for t in [*self.parameters(), *self.buffers()]:
                if t.dtype.kind == "f" and t.dtype != dt:
                    t.data = t.numpy().astype(dt)
                    if t.grad is not None:
                        t.grad = t.grad.numpy().astype(dt)
        return self

    def double(self) -> Module:
        return self.to(np.float64)

    def float(self) -> Module:
        return self.to(np.float32)

    # -- state: PyTorch's keys and shapes
    def state_dict(self, prefix: str = "", keep_vars: bool = False) -> dict[str, Tensor]:
        """{dotted name: tensor} for every parameter and persistent buffer, with torch.nn's keys.

        As in PyTorch the tensors share memory with the module (training changes
        them; `{k: v.clone() ...}` for a snapshot), and a tied weight appears
        under each of its names.
        """
        out: dict[str, Tensor] = {}
        self._state_into(out, prefix, keep_vars)
        return out

    def _state_into(self, out: dict[str, Tensor], prefix: str, keep_vars: bool) -> None:
        for name, p in self._parameters.items():
            if p is not None:
                out[prefix + name] = p if keep_vars else p.detach()
        for name, b in self._buffers.items():
            if b is not None and name in self._persistent:
                out[prefix + name] = b if keep_vars else b.detach()
        for name, m in self._modules.items():
            if m is not None:
                m._state_into(out, prefix + name + ".", keep_vars)

    def load_state_dict(self, state_dict: dict[str, Any], strict: bool = True) -> IncompatibleKeys:
        """Copy values into the parameters and buffers (numpy arrays, our tensors or torch tensors).

        Everything is checked before anything is copied: with `strict=True` (the
        default) missing and unexpected keys are errors; a shape that differs, or
        a dtype of another kind (ints into floats), is always one.  Float values
        are cast to the module's dtype.  Returns (missing_keys, unexpected_keys).
        """
        if not hasattr(state_dict, "keys"):
            raise TypeError(f"load_state_dict expects a dict of name → array, got {type(state_dict).__name__}")
        own = self.state_dict(keep_vars=True)
        missing = [k for k in own if k not in state_dict]
        unexpected = [k for k in state_dict if k not in own]
        faults = []
        if strict and missing:
            faults.append(f"missing key(s): {', '.join(missing)}")
        if strict and unexpected:
            faults.append(f"unexpected key(s): {', '.join(map(str, unexpected))}")
        values = {}
        for k, t in own.items():
            if k not in state_dict:
                continue
            v = as_array(state_dict[k])
            if v.shape != t.shape:
                faults.append(f"size mismatch for {k}: the state holds shape {v.shape}, the model has {t.shape}")
            elif not _same_kind(v.dtype, t.dtype):
                faults.append(f"dtype mismatch for {k}: the state holds {v.dtype}, the model has {t.dtype}")
            else:
                values[k] = v
        if faults:
            raise RuntimeError(f"Error(s) in loading state_dict for {type(self).__name__}:\n  " + "\n  ".join(faults))
        with no_grad():
            for k, v in values.items():
                own[k].copy_(v)
                if isinstance(own[k], Parameter):
                    own[k].grad = None
        return IncompatibleKeys(missing, unexpected)

    def save(self, path: str | Path) -> Path:
        """Write the state dict to `.npz` (compact) or `.json` (readable, as report 001's model.json),
        atomically: a failed write leaves the previous file as it was."""
        from nn.io import save_state

        return save_state(self.state_dict(), path, model=type(self).__name__)

    def load(self, path: str | Path) -> Module:
        """Load a state written by `save()` (either format), checking every array's name, shape and
        dtype against this module before reading its data."""
        from nn.io import load_state

        expected = {k: (t.shape, t.dtype) for k, t in self.state_dict().items()}
        self.load_state_dict(load_state(path, expected=expected))
        return self

    # -- PyTorch
    def to_torch(self) -> Any:
        """The equivalent `torch.nn.Module` holding a copy of these weights (needs torch installed)."""
        from nn.torch_bridge import to_torch

        return to_torch(self)

    @classmethod
    def from_torch(cls, module: Any) -> Module:
        """Our equivalent of a `torch.nn` module (Linear, Sequential, ...), with a copy of its weights."""
        from nn.torch_bridge import from_torch

        return from_torch(module)

    def __repr__(self) -> str:
        inner = "".join(f"\n  ({k}): " + repr(m).replace("\n", "\n  ") for k, m in self._modules.items())
        return f"{type(self).__name__}({self.extra_repr()}{inner}{chr(10) if inner else ''})"

    def extra_repr(self) -> str:
        return ""


def float_dtype(dtype: Any, what: str) -> np.dtype:
    """A floating numpy dtype from None (float64, our default), a numpy type or name, or a torch dtype."""
    if dtype is None:
        return np.dtype(np.float64)
    if type(dtype).__module__.split(".")[0] == "torch":
        dtype = str(dtype).removeprefix("torch.")  # torch.float32 → "float32"
    try:
        dt = np.dtype(dtype)
    except TypeError:
        raise TypeError(f"{what}: {dtype!r} is not a dtype (use float32 or float64)") from None
    if dt.kind != "f":
        raise TypeError(f"{what}: expected a floating-point dtype (float32 or float64), got {dt}")
    return dt


def _same_kind(a: np.dtype, b: np.dtype) -> bool:
    """Floats load into floats (cast), integers into integers; nothing else mixes."""
    kind = {"f": "f", "i": "i", "u": "i", "b": "b"}
    return kind.get(a.kind, a.kind) == kind.get(b.kind, b.kind)


def as_array(value: Any) -> np.ndarray:
    """A numpy view of an array, one of our tensors or a torch tensor (torch is never imported here)."""
    if isinstance(value, Tensor):
        return value.numpy()
    if type(value).__module__.split(".")[0] == "torch" and hasattr(value, "detach"):
        return value.detach().cpu().numpy()
    return np.asarray(unwrap(value))


class Sequential(Module):
    """Modules applied one after another; sub-modules are named "0", "1", ... (torch.nn.Sequential)."""

    def __init__(self, *layers: Module) -> None:
        super().__init__()
        for i, layer in enumerate(layers):
            if not isinstance(layer, Module):
                raise TypeError(f"Sequential: argument {i} is a {type(layer).__name__}, not an nn.Module")
            setattr(self, str(i), layer)

    def __iter__(self) -> Iterator[Module]:
        return iter(self._modules.values())

    def __len__(self) -> int:
        return len(self._modules)

    def __getitem__(self, i: int | slice) -> Any:
        layers = list(self._modules.values())
        return Sequential(*layers[i]) if isinstance(i, slice) else layers[i]

    def append(self, module: Module) -> Sequential:
        setattr(self, str(len(self)), module)
        return self

    def forward(self, x: Any) -> Any:
        for layer in self._modules.values():
            x = layer(x)
        return x


class ModuleList(Module):
    """A list of modules whose parameters the parent finds (a plain Python list would hide them)."""

    def __init__(self, modules: Iterable[Module] = ()) -> None:
        super().__init__()
        for m in modules:
            self.append(m)

    def append(self, module: Module) -> ModuleList:
        if not isinstance(module, Module):
            raise TypeError(f"ModuleList holds nn.Modules, got a {type(module).__name__}")
        setattr(self, str(len(self)), module)
        return self

    def extend(self, modules: Iterable[Module]) -> ModuleList:
        for m in modules:
            self.append(m)
        return self

    def __iter__(self) -> Iterator[Module]:
        return iter(self._modules.values())

    def __len__(self) -> int:
        return len(self._modules)

    def __getitem__(self, i: int) -> Module:
        return list(self._modules.values())[i]

    def forward(self, *args: Any) -> Any:
        raise NotImplementedError("ModuleList has no forward(): iterate over it in your module's forward")
