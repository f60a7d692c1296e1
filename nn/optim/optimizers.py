"""Optimisers with torch.optim's update rules, state and parameter groups, so runs compare number for number.

Each optimiser keeps `param_groups` (a list of dicts: "params" and the
hyper-parameters, which schedulers and users may change between steps) and
per-parameter `state` (`opt.state[p]`: Adam's step count and moments, SGD's
momentum buffer), so a parameter whose gradient first appears at step 5 starts
its own count at 1, as in PyTorch.  `state_dict()` / `load_state_dict()` save
and restore both, so training resumes where it stopped.

Updates happen under `no_grad()` through the tensors' in-place ops (`p.sub_`),
so a parameter changed between a forward and its backward is caught by the
engine's version counters.  Notation as in report 004: θ the parameter, g its
gradient, η the learning rate, λ the weight decay.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable
from typing import Any

import numpy as np

from autograd import Tensor, enable_grad, from_numpy, no_grad
from nn.module import as_array

__all__ = ["Optimizer", "SGD", "Adam", "AdamW", "RMSprop", "Adagrad"]


class Optimizer:
    """Base class: holds `param_groups` and per-parameter `state`; subclasses define `_update`.

    `params` is an iterable of parameters, or of dicts {"params": [...], "lr": ...}
    (parameter groups, each with its own hyper-parameters; missing ones come from
    the optimiser's defaults).  Every parameter may appear once.
    """

    def __init__(self, params: Iterable[Any], defaults: dict[str, Any]) -> None:
        self.defaults = dict(defaults)
        self.state: dict[Tensor, dict[str, Any]] = {}
        self.param_groups: list[dict[str, Any]] = []
        if isinstance(params, Tensor):
            raise TypeError(
                "params must be an iterable of Tensors or of dicts, got a single Tensor; pass [p] or model.parameters()"
            )
        if isinstance(params, (set, frozenset)):
            raise TypeError(
                "optimizer parameters must be an ordered collection (a list), not a set: a set's "
                "order changes between runs"
            )
        groups = list(params)
        if not groups:
            raise ValueError("optimizer got an empty parameter list")
        if not isinstance(groups[0], dict):
            groups = [{"params": groups}]
        for group in groups:
            self.add_param_group(group)

    def add_param_group(self, param_group: dict[str, Any]) -> None:
        """Add a group of parameters with its own hyper-parameters (the rest from `defaults`)."""
        if not isinstance(param_group, dict):
            raise TypeError(f"a parameter group must be a dict, got {type(param_group).__name__}")
        params = param_group.get("params")
        if params is None:
            raise ValueError("a parameter group needs a 'params' entry")
        if isinstance(params, (set, frozenset)):
            raise TypeError(
                "optimizer parameters must be an ordered collection (a list), not a set: a set's "
                "order changes between runs"
            )
        params = [params] if isinstance(params, Tensor) else list(params)
        if not params:
            raise ValueError("optimizer got an empty parameter list")
        seen = {id(p): i for g in self.param_groups for i, p in enumerate(g["params"])}
        for i, p in enumerate(params):
            if not isinstance(p, Tensor):
                raise TypeError(f"optimizer can only optimize Tensors, but parameter {i} is a {type(p).__name__}")
            if not p.is_leaf:
                raise ValueError(
                    f"can't optimize a non-leaf Tensor (parameter {i}, {_called(p)}): optimise the "
                    "leaf it was computed from"
                )
            if id(p) in seen:
                raise ValueError(
                    f"parameter {i} ({_called(p)}) was given to the optimizer twice; each step "
                    "would move it twice. Pass each parameter once (model.parameters() does)"
                )
            seen[id(p)] = i
        unknown = sorted(set(param_group) - set(self.defaults) - {"params", "initial_lr"})
        if unknown:
            raise TypeError(
                f"{type(self).__name__} has no hyper-parameter {unknown[0]!r}; it has {sorted(self.defaults)}"
            )
        group = {**self.defaults, **param_group, "params": params}
        self._check(group)
        self.param_groups.append(group)

    def _check(self, group: dict[str, Any]) -> None:
        """Validate a group's hyper-parameters (every optimiser has lr; subclasses check the rest)."""
        check_number(group, "lr", type(self).__name__)

    # -- stepping
    def zero_grad(self, set_to_none: bool = True) -> None:
        """Forget every gradient (`grad = None`, PyTorch's default), or zero them in place."""
        for group in self.param_groups:
            for p in group["params"]:
                if set_to_none or p.grad is None:
                    p.grad = None
                else:
                    with no_grad():
                        p.grad.zero_()

    def step(self, closure: Callable[[], Any] | None = None) -> Any:
        """One update of every parameter that has a gradient (the others, and their state, are left alone).

        `closure`, when given, re-evaluates the model and returns the loss (as PyTorch's LBFGS-style API).
        """
        loss = None
        if closure is not None:
            with enable_grad():
                loss = closure()
        with no_grad():
            for group in self.param_groups:
                for p in group["params"]:
                    if p.grad is not None:
                        g = p.grad.numpy()
                        state = self.state.get(p)
                        if state is None:
                            state = self.state[p] = {}
                        self._update(p, -g if group.get("maximize") else g, state, group)
        return loss

    def _update(self, p: Tensor, g: np.ndarray, state: dict[str, Any], group: dict[str, Any]) -> None:
        raise NotImplementedError

    @property
    def lr(self) -> float:
        """The learning rate when every group shares one (a convenience; PyTorch spells it param_groups[0]["lr"])."""
        rates = {g["lr"] for g in self.param_groups}
        if len(rates) != 1:
            raise AttributeError(
                f"the parameter groups have different learning rates {sorted(rates)}; read "
                "optimizer.param_groups[i]['lr']"
            )
        return rates.pop()

    @lr.setter
    def lr(self, value: float) -> None:
        for group in self.param_groups:
            check_number({"lr": value}, "lr", type(self).__name__)
            group["lr"] = value

    # -- saving and resuming
    def state_dict(self) -> dict[str, Any]:
        """{"state": {index: {...}}, "param_groups": [{..., "params": [indices]}]}, PyTorch's layout.

        As in PyTorch the state's tensors are the optimiser's own (not copies);
        `load_state_dict` copies what it loads.
        """
        index: dict[int, int] = {}
        groups = []
        for group in self.param_groups:
            packed = {k: v for k, v in group.items() if k != "params"}
            packed["params"] = [index.setdefault(id(p), len(index)) for p in group["params"]]
            groups.append(packed)
        state = {index[id(p)]: dict(s) for p, s in self.state.items() if id(p) in index}
        return {"state": state, "param_groups": groups}

    def load_state_dict(self, state_dict: dict[str, Any]) -> None:
        """Restore hyper-parameters and state saved by `state_dict()` (ours, or torch.optim's of the same kind)."""
        try:
            saved_groups, saved_state = state_dict["param_groups"], state_dict["state"]
        except (KeyError, TypeError):
            raise ValueError("an optimizer state dict needs 'state' and 'param_groups' entries") from None
        if len(saved_groups) != len(self.param_groups):
            raise ValueError(
                f"the state dict has {len(saved_groups)} parameter groups, this optimizer {len(self.param_groups)}"
            )
        params: dict[Any, Tensor] = {}
        for i, (mine, saved) in enumerate(zip(self.param_groups, saved_groups)):
            if len(saved["params"]) != len(mine["params"]):
                raise ValueError(
                    f"parameter group {i} of the state dict holds {len(saved['params'])} parameters, "
                    f"this optimizer's {len(mine['params'])}"
                )
            params.update(zip(saved["params"], mine["params"]))
        new_state: dict[Tensor, dict[str, Any]] = {}
        for key, entries in saved_state.items():
            if key not in params:
                raise ValueError(f"the state dict has state for parameter {key!r}, which is in no parameter group")
            new_state[params[key]] = {name: _state_value(v, params[key], name) for name, v in entries.items()}
        new_groups = []
        for mine, saved in zip(self.param_groups, saved_groups):
            group = {**mine, **{k: v for k, v in saved.items() if k != "params" and k in mine}}
            if "initial_lr" in saved:
                group["initial_lr"] = saved["initial_lr"]
            self._check(group)
            new_groups.append(group)
        self.param_groups, self.state = new_groups, new_state

    def __repr__(self) -> str:
        lines = [f"{type(self).__name__} ("]
        for i, group in enumerate(self.param_groups):
            lines.append(f"Parameter Group {i}")
            lines += [f"    {k}: {v}" for k, v in sorted(group.items()) if k != "params"]
        return "\n".join(lines + [")"])


def _called(p: Tensor) -> str:
    label = p.name or getattr(p, "path", None)
    return f"{label!r}, shape {p.shape}" if label else f"shape {p.shape}"


def check_number(group: dict[str, Any], key: str, owner: str, positive: bool = False, below_one: bool = False) -> float:
    """group[key] as a checked number: finite, ≥ 0 (> 0 with `positive`, < 1 with `below_one`)."""
    v = group[key]
    if isinstance(v, bool) or not isinstance(v, (int, float, np.integer, np.floating)):
        raise TypeError(f"{owner}: {key} must be a number, got {v!r}")
    bad = not math.isfinite(v) or v < 0 or (positive and v == 0) or (below_one and v >= 1)
    if bad:
        need = "in [0, 1)" if below_one else ("finite and > 0" if positive else "finite and ≥ 0")
        raise ValueError(f"{owner}: {key} must be {need}, got {v!r}")
    return float(v)


def _state_value(v: Any, p: Tensor, name: str) -> Any:
    """A loaded state entry: "step" as an int, buffers as our tensors of p's shape and dtype (copied)."""
    if name == "step":
        return int(np.asarray(as_array(v)).item())
    if isinstance(v, (int, float)) or v is None:
        return v
    arr = np.array(as_array(v), dtype=p.dtype, copy=True)
    if arr.shape != p.shape:
        raise ValueError(f"optimizer state {name!r} has shape {arr.shape} but its parameter has shape {p.shape}")
    return from_numpy(arr)


def _buffer(state: dict[str, Any], name: str, like: Tensor, fill: float = 0.0) -> np.ndarray:
    """The array of a state buffer (a Tensor in `state`, made on first use, filled with `fill`)."""
    t = state.get(name)
    if t is None:
        t = state[name] = from_numpy(np.full(like.shape, fill, dtype=like.dtype))
    return t.numpy()


class SGD(Optimizer):
    """Stochastic gradient descent, as torch.optim.SGD: θ ← θ − η·d.

    d = g + λθ (weight_decay λ); with momentum μ: b ← μb + (1 − dampening)·d
    (b = d at the first step), then d = b, or d + μb with `nesterov=True`.
    """

    def __init__(
        self,
        params: Iterable[Any],
        lr: float = 1e-3,
        momentum: float = 0.0,
        dampening: float = 0.0,
        weight_decay: float = 0.0,
        nesterov: bool = False,
        *,
        maximize: bool = False,
    ) -> None:
        super().__init__(
            params,
            dict(
                lr=lr,
                momentum=momentum,
                dampening=dampening,
                weight_decay=weight_decay,
                nesterov=nesterov,
                maximize=maximize,
            ),
        )

    def _check(self, group: dict[str, Any]) -> None:
        super()._check(group)
        for key in ("momentum", "dampening", "weight_decay"):
            check_number(group, key, "SGD")
        if group["nesterov"] and (group["momentum"] <= 0 or group["dampening"] != 0):
            raise ValueError(
                "SGD: Nesterov momentum needs momentum > 0 and dampening = 0, got "
                f"momentum={group['momentum']}, dampening={group['dampening']}"
            )

    def _update(self, p: Tensor, g: np.ndarray, state: dict[str, Any], group: dict[str, Any]) -> None:
        wd, mu = group["weight_decay"], group["momentum"]
        d = g + wd * p.numpy() if wd else g
        if mu:
            buf = state.get("momentum_buffer")
            if buf is None:
                state["momentum_buffer"] = from_numpy(np.array(d, dtype=p.dtype, copy=True))
                b = state["momentum_buffer"].numpy()
            else:
                b = buf.numpy()
                b *= mu
                b += (1 - group["dampening"]) * d
            d = d + mu * b if group["nesterov"] else b
        p.sub_(group["lr"] * d)


class Adam(Optimizer):
    """Adam (Kingma & Ba), optionally AMSGrad (Reddi et al.), as torch.optim.Adam.

    Per parameter, with its own step count t: m ← β₁m + (1−β₁)g, v ← β₂v + (1−β₂)g²,
    θ ← θ − η·m̂/(√v̂ + ε), m̂ = m/(1−β₁ᵗ), v̂ = v/(1−β₂ᵗ) (AMSGrad: v̂ from the running
    max of v).  `weight_decay` adds λθ to g (L2); AdamW decays θ itself instead.
    """

    _decoupled = False

    def __init__(
        self,
        params: Iterable[Any],
        lr: float = 1e-3,
        betas: tuple[float, float] = (0.9, 0.999),
        eps: float = 1e-8,
        weight_decay: float = 0.0,
        amsgrad: bool = False,
        *,
        maximize: bool = False,
    ) -> None:
        super().__init__(
            params, dict(lr=lr, betas=betas, eps=eps, weight_decay=weight_decay, amsgrad=amsgrad, maximize=maximize)
        )

    def _check(self, group: dict[str, Any]) -> None:
        super()._check(group)
        name = type(self).__name__
        betas = group["betas"]
        if not isinstance(betas, (tuple, list)) or len(betas) != 2:
            raise ValueError(f"{name}: betas must be a pair (β₁, β₂), got {betas!r}")
        for i, b in enumerate(betas):
            check_number({f"betas[{i}]": b}, f"betas[{i}]", name, below_one=True)
        group["betas"] = tuple(betas)
        check_number(group, "eps", name, positive=True)
        check_number(group, "weight_decay", name)

    def _update(self, p: Tensor, g: np.ndarray, state: dict[str, Any], group: dict[str, Any]) -> None:
        lr, (b1, b2), wd = group["lr"], group["betas"], group["weight_decay"]
        m, v = _buffer(state, "exp_avg", p), _buffer(state, "exp_avg_sq", p)
        state["step"] = t = state.get("step", 0) + 1
        if wd and self._decoupled:
            p.mul_(1 - lr * wd)
        elif wd:
            g = g + wd * p.numpy()
        m += (1 - b1) * (g - m)
        v *= b2
        v += (1 - b2) * g * g
        if group["amsgrad"]:
            vmax = _buffer(state, "max_exp_avg_sq", p)
            v = np.maximum(vmax, v, out=vmax)
        denom = np.sqrt(v) / math.sqrt(1 - b2**t) + group["eps"]
        p.sub_((lr / (1 - b1**t)) * m / denom)


class AdamW(Adam):
    """Adam with decoupled weight decay (Loshchilov & Hutter), as torch.optim.AdamW: θ ← θ(1 − ηλ) first,
    then the Adam step on g alone (default λ = 0.01)."""

    _decoupled = True

    def __init__(
        self,
        params: Iterable[Any],
        lr: float = 1e-3,
        betas: tuple[float, float] = (0.9, 0.999),
        eps: float = 1e-8,
        weight_decay: float = 1e-2,
        amsgrad: bool = False,
        *,
        maximize: bool = False,
    ) -> None:
        super().__init__(params, lr, betas, eps, weight_decay, amsgrad, maximize=maximize)


class RMSprop(Optimizer):
    """RMSprop (Hinton), as torch.optim.RMSprop: s ← αs + (1−α)g², θ ← θ − η·g/(√s + ε).

    `centered`: divide by √(s − ḡ²) with ḡ the running mean of g; `momentum` μ:
    b ← μb + g/(√s + ε), θ ← θ − ηb.
    """

    def __init__(
        self,
        params: Iterable[Any],
        lr: float = 1e-2,
        alpha: float = 0.99,
        eps: float = 1e-8,
        weight_decay: float = 0.0,
        momentum: float = 0.0,
        centered: bool = False,
        *,
        maximize: bool = False,
    ) -> None:
        super().__init__(
            params,
            dict(
                lr=lr,
                alpha=alpha,
                eps=eps,
                weight_decay=weight_decay,
                momentum=momentum,
                centered=centered,
                maximize=maximize,
            ),
        )

    def _check(self, group: dict[str, Any]) -> None:
        super()._check(group)
        check_number(group, "alpha", "RMSprop", below_one=True)
        check_number(group, "eps", "RMSprop", positive=True)
        check_number(group, "weight_decay", "RMSprop")
        check_number(group, "momentum", "RMSprop")

    def _update(self, p: Tensor, g: np.ndarray, state: dict[str, Any], group: dict[str, Any]) -> None:
        alpha, wd, mu = group["alpha"], group["weight_decay"], group["momentum"]
        state["step"] = state.get("step", 0) + 1
        s = _buffer(state, "square_avg", p)
        if wd:
            g = g + wd * p.numpy()
        s *= alpha
        s += (1 - alpha) * g * g
        if group["centered"]:
            mean = _buffer(state, "grad_avg", p)
            mean += (1 - alpha) * (g - mean)
            avg = np.sqrt(s - mean * mean)
        else:
            avg = np.sqrt(s)
        avg += group["eps"]
        if mu > 0:
            b = _buffer(state, "momentum_buffer", p)
            b *= mu
            b += g / avg
            p.sub_(group["lr"] * b)
        else:
            p.sub_(group["lr"] * (g / avg))


class Adagrad(Optimizer):
    """Adagrad (Duchi et al.), as torch.optim.Adagrad: s ← s + g², θ ← θ − η_t·g/(√s + ε),
    η_t = η/(1 + (t − 1)·lr_decay); s starts at `initial_accumulator_value`."""

    def __init__(
        self,
        params: Iterable[Any],
        lr: float = 1e-2,
        lr_decay: float = 0.0,
        weight_decay: float = 0.0,
        initial_accumulator_value: float = 0.0,
        eps: float = 1e-10,
        *,
        maximize: bool = False,
    ) -> None:
        super().__init__(
            params,
            dict(
                lr=lr,
                lr_decay=lr_decay,
                weight_decay=weight_decay,
                initial_accumulator_value=initial_accumulator_value,
                eps=eps,
                maximize=maximize,
            ),
        )
        for group in self.param_groups:  # as PyTorch: the state exists from the start
            for p in group["params"]:
                self.state[p] = {"step": 0}
                _buffer(self.state[p], "sum", p, group["initial_accumulator_value"])

    def _check(self, group: dict[str, Any]) -> None:
        super()._check(group)
        for key in ("lr_decay", "weight_decay", "initial_accumulator_value"):
            check_number(group, key, "Adagrad")
        check_number(group, "eps", "Adagrad", positive=True)

    def _update(self, p: Tensor, g: np.ndarray, state: dict[str, Any], group: dict[str, Any]) -> None:
        state["step"] = t = state.get("step", 0) + 1
        s = _buffer(state, "sum", p, group["initial_accumulator_value"])
        if group["weight_decay"]:
            g = g + group["weight_decay"] * p.numpy()
        s += g * g
        lr = group["lr"] / (1 + (t - 1) * group["lr_decay"])
        p.sub_(lr * (g / (np.sqrt(s) + group["eps"])))
