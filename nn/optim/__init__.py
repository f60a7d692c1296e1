"""Optimisers and learning-rate schedules, as torch.optim (`nn.optim.SGD`, `nn.optim.lr_scheduler.StepLR`).

The schedulers are importable from here too (`nn.optim.StepLR`), as they were before they moved.
"""

from nn.optim import lr_scheduler
from nn.optim.lr_scheduler import CosineAnnealingLR, ExponentialLR, LambdaLR, LRScheduler, MultiStepLR, StepLR
from nn.optim.optimizers import SGD, Adagrad, Adam, AdamW, Optimizer, RMSprop

__all__ = [
    "Optimizer",
    "SGD",
    "Adam",
    "AdamW",
    "RMSprop",
    "Adagrad",
    "lr_scheduler",
    "LRScheduler",
    "StepLR",
    "MultiStepLR",
    "ExponentialLR",
    "CosineAnnealingLR",
    "LambdaLR",
]
