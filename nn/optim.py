"""Optimisers and learning-rate schedules, with PyTorch's update rules so runs compare number for number.

Parameters are updated in place (`p.data -= ...`), which keeps their memory
and avoids allocating a new array per parameter per step.
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np

from autograd import no_grad
from nn.module import Parameter

__all__ = ["Optimizer", "SGD", "Adam", "StepLR", "ExponentialLR"]


class Optimizer:
    """Holds the parameters and a learning rate `lr`; subclasses define `update`."""

    def __init__(self, params: Iterable[Parameter], lr: float) -> None:
        self.params = list(params)
        if not self.params:
            raise ValueError("optimizer got an empty parameter list")
        if lr < 0:
            raise ValueError(f"learning rate must be >= 0, got {lr}")
        self.lr = lr
        self.state: list[dict[str, np.ndarray]] = [{} for _ in self.params]
        self.steps = 0

    def zero_grad(self) -> None:
        for p in self.params:
            p.grad = None

    def step(self) -> None:
        """Apply one update to every parameter that has a gradient."""
        self.steps += 1
        with no_grad():
            for p, state in zip(self.params, self.state):
                if p.grad is not None:
                    self.update(p, p.grad.numpy(), state)

    def update(self, p: Parameter, g: np.ndarray, state: dict[str, np.ndarray]) -> None:
        raise NotImplementedError


class SGD(Optimizer):
    """θ ← θ − lr·d, with d = g + λθ, optionally through momentum (heavy-ball or Nesterov).

    momentum μ: v ← μv + d; d ← v (or d + μv with `nesterov=True`), as torch.optim.SGD.
    """

    def __init__(self, params: Iterable[Parameter], lr: float, momentum: float = 0.0,
                 nesterov: bool = False, weight_decay: float = 0.0) -> None:
        super().__init__(params, lr)
        if nesterov and momentum <= 0:
            raise ValueError("Nesterov momentum needs momentum > 0")
        self.momentum, self.nesterov, self.weight_decay = momentum, nesterov, weight_decay

    def update(self, p: Parameter, g: np.ndarray, state: dict[str, np.ndarray]) -> None:
        if self.weight_decay:
            g = g + self.weight_decay * p.numpy()
        if self.momentum:
            v = state.get("velocity")
            if v is None:
                v = state["velocity"] = np.array(g, dtype=p.dtype)
            else:
                v *= self.momentum
                v += g
            g = g + self.momentum * v if self.nesterov else v
        p.sub_(self.lr * g)


class Adam(Optimizer):
    """Adam (Kingma & Ba), optionally AMSGrad (Reddi et al.), as torch.optim.Adam.

    m ← β₁m + (1−β₁)g,  v ← β₂v + (1−β₂)g²,  θ ← θ − lr·m̂/(√v̂ + ε), with bias
    corrections m̂ = m/(1−β₁ᵗ), v̂ = v/(1−β₂ᵗ); AMSGrad uses the running max of v.
    `weight_decay` adds λθ to g (L2, not AdamW).
    """

    def __init__(self, params: Iterable[Parameter], lr: float = 1e-3, betas: tuple[float, float] = (0.9, 0.999),
                 eps: float = 1e-8, weight_decay: float = 0.0, amsgrad: bool = False) -> None:
        super().__init__(params, lr)
        self.betas, self.eps, self.weight_decay, self.amsgrad = betas, eps, weight_decay, amsgrad

    def update(self, p: Parameter, g: np.ndarray, state: dict[str, np.ndarray]) -> None:
        b1, b2 = self.betas
        if self.weight_decay:
            g = g + self.weight_decay * p.numpy()
        if not state:
            state["m"], state["v"] = np.zeros_like(p.numpy()), np.zeros_like(p.numpy())
            if self.amsgrad:
                state["vmax"] = np.zeros_like(p.numpy())
        m, v = state["m"], state["v"]
        m *= b1
        m += (1 - b1) * g
        v *= b2
        v += (1 - b2) * g * g
        if self.amsgrad:
            np.maximum(state["vmax"], v, out=state["vmax"])
            v = state["vmax"]
        t = self.steps
        denom = np.sqrt(v) / np.sqrt(1 - b2 ** t) + self.eps
        p.sub_((self.lr / (1 - b1 ** t)) * m / denom)


class StepLR:
    """Multiply the learning rate by `gamma` every `step_size` calls of `step()` (epochs)."""

    def __init__(self, optimizer: Optimizer, step_size: int, gamma: float = 0.1) -> None:
        self.optimizer, self.step_size, self.gamma = optimizer, step_size, gamma
        self.base_lr, self.epoch = optimizer.lr, 0

    def step(self) -> None:
        self.epoch += 1
        self.optimizer.lr = self.base_lr * self.gamma ** (self.epoch // self.step_size)


class ExponentialLR:
    """Multiply the learning rate by `gamma` at every `step()` (epoch)."""

    def __init__(self, optimizer: Optimizer, gamma: float) -> None:
        self.optimizer, self.gamma = optimizer, gamma
        self.base_lr, self.epoch = optimizer.lr, 0

    def step(self) -> None:
        self.epoch += 1
        self.optimizer.lr = self.base_lr * self.gamma ** self.epoch
