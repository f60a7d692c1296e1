"""Loss modules, as in `torch.nn`: each holds its settings and calls its function in `nn.functional`
(one home for each loss's math and checks).

    loss = nn.CrossEntropyLoss()(logits, labels)      # = F.cross_entropy(logits, labels)
"""

from __future__ import annotations

from typing import Any

from autograd import Tensor
from nn import functional as F
from nn.module import Module

__all__ = ["MSELoss", "L1Loss", "CrossEntropyLoss", "NLLLoss", "BCELoss", "BCEWithLogitsLoss"]


class _Loss(Module):
    def __init__(self, reduction: str = "mean") -> None:
        super().__init__()
        F.check_reduction(reduction)
        self.reduction = reduction

    def extra_repr(self) -> str:
        return "" if self.reduction == "mean" else f"reduction={self.reduction!r}"


class _WeightedLoss(_Loss):
    """A loss with per-class weights, kept as a buffer named "weight" (as PyTorch, so the state dicts match)."""

    def __init__(self, weight: Any, reduction: str) -> None:
        super().__init__(reduction)
        w = F.class_weights(weight, type(self).__name__)
        self.register_buffer("weight", None if w is None else Tensor(w))


class MSELoss(_Loss):
    """Mean squared error (ŷ − y)²: `MSELoss()(pred, target)`; shapes must match."""

    def forward(self, input: Tensor, target: Any) -> Tensor:
        return F.mse_loss(input, target, self.reduction)


class L1Loss(_Loss):
    """Mean absolute error |ŷ − y|; shapes must match."""

    def forward(self, input: Tensor, target: Any) -> Tensor:
        return F.l1_loss(input, target, self.reduction)


class CrossEntropyLoss(_WeightedLoss):
    """Softmax + cross-entropy on logits, fused: ∂L/∂logits = ŷ − y (report 000 eq. 6).

    Targets are integer classes (N,) or probability rows (N, C); `weight` gives
    each class a weight ≥ 0 (report 000 §6, for imbalanced classes), and with
    class targets the mean divides by the summed weights; `label_smoothing`,
    `ignore_index` as PyTorch.
    """

    def __init__(
        self, weight: Any = None, *, ignore_index: int = -100, reduction: str = "mean", label_smoothing: float = 0.0
    ) -> None:
        super().__init__(weight, reduction)
        if not (isinstance(label_smoothing, (int, float)) and 0.0 <= label_smoothing <= 1.0):
            raise ValueError(f"label_smoothing must be a number in [0, 1], got {label_smoothing!r}")
        self.ignore_index, self.label_smoothing = ignore_index, label_smoothing

    def forward(self, input: Tensor, target: Any) -> Tensor:
        return F.cross_entropy(input, target, self.weight, self.ignore_index, self.reduction, self.label_smoothing)


class NLLLoss(_WeightedLoss):
    """Negative log-likelihood on log-probabilities: `NLLLoss()(F.log_softmax(z, dim=1), y)`."""

    def __init__(self, weight: Any = None, *, ignore_index: int = -100, reduction: str = "mean") -> None:
        super().__init__(weight, reduction)
        self.ignore_index = ignore_index

    def forward(self, input: Tensor, target: Any) -> Tensor:
        return F.nll_loss(input, target, self.weight, self.ignore_index, self.reduction)


class BCELoss(_Loss):
    """Binary cross-entropy on probabilities (after a sigmoid); `weight` scales each element's loss."""

    def __init__(self, weight: Any = None, reduction: str = "mean") -> None:
        super().__init__(reduction)
        self.register_buffer("weight", None if weight is None else Tensor(F.as_float(weight)))

    def forward(self, input: Tensor, target: Any) -> Tensor:
        return F.binary_cross_entropy(input, target, self.weight, self.reduction)


class BCEWithLogitsLoss(_Loss):
    """Sigmoid + binary cross-entropy on logits, fused and stable; `pos_weight` weighs the positives."""

    def __init__(self, weight: Any = None, reduction: str = "mean", pos_weight: Any = None) -> None:
        super().__init__(reduction)
        self.register_buffer("weight", None if weight is None else Tensor(F.as_float(weight)))
        self.register_buffer("pos_weight", None if pos_weight is None else Tensor(F.as_float(pos_weight)))

    def forward(self, input: Tensor, target: Any) -> Tensor:
        return F.binary_cross_entropy_with_logits(input, target, self.weight, self.reduction, self.pos_weight)
