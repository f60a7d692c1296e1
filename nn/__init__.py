"""nn: modules, layers, losses, optimisers and data loading on top of `autograd`.

    import nn
    model = nn.MLP([2, 12, 5], activation="softplus")   # report 001: 101 parameters
    loss = nn.CrossEntropyLoss()(model(X), y)
    loss.backward()
    nn.optim.SGD(model.parameters(), lr=0.1).step()
"""

from nn import init, optim
from nn.data import DataLoader
from nn.init import manual_seed
from nn.losses import CrossEntropyLoss, MSELoss, NLLLoss, mse_loss, nll_loss
from nn.module import (
    MLP,
    Embedding,
    Identity,
    Linear,
    Module,
    Parameter,
    ReLU,
    Sequential,
    Sigmoid,
    Softplus,
    Tanh,
    get_activation,
    load_state,
)

__all__ = [
    "init", "optim", "DataLoader", "manual_seed", "CrossEntropyLoss", "MSELoss", "NLLLoss", "mse_loss",
    "nll_loss", "MLP", "Embedding", "Identity", "Linear", "Module", "Parameter", "ReLU", "Sequential",
    "Sigmoid", "Softplus", "Tanh", "get_activation", "load_state",
]
