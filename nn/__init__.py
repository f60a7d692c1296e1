"""nn: modules, layers, losses, optimisers and data loading on top of `autograd`, with torch.nn's names,
layouts and state-dict keys (so models move to and from PyTorch: `model.to_torch()`, `nn.Module.from_torch`).

    import nn
    import nn.functional as F
    model = nn.MLP([2, 12, 5], activation="softplus")   # report 001: 101 parameters
    loss = nn.CrossEntropyLoss()(model(X), y)           # = F.cross_entropy(model(X), y)
    loss.backward()
    nn.optim.SGD(model.parameters(), lr=0.1).step()

Where things live: `nn.module` (Module, Sequential, ModuleList, state dicts),
`nn.layers` (Linear, Embedding, activations, Dropout, BatchNorm1d, LayerNorm,
MLP), `nn.functional` (the math of every layer and loss), `nn.losses`,
`nn.optim` (optimisers; `nn.optim.lr_scheduler`), `nn.init`, `nn.utils`
(gradient clipping), `nn.data` (TensorDataset, DataLoader), `nn.io` (atomic
writes, safe .npz/.json loading), `nn.torch_bridge` (to and from PyTorch), `nn.tuning` (malloc and
BLAS-thread settings for training runs).
"""

from autograd import Parameter, manual_seed  # nn.manual_seed(n) is autograd.manual_seed(n): one generator for all
from nn import data, functional, init, io, optim, utils
from nn.data import DataLoader, Dataset, TensorDataset
from nn.io import load_state
from nn.layers import (
    MLP,
    BatchNorm1d,
    Dropout,
    Embedding,
    Flatten,
    Identity,
    LayerNorm,
    LeakyReLU,
    Linear,
    LogSoftmax,
    ReLU,
    Sigmoid,
    Softmax,
    Softplus,
    Tanh,
    get_activation,
)
from nn.losses import BCELoss, BCEWithLogitsLoss, CrossEntropyLoss, L1Loss, MSELoss, NLLLoss
from nn.module import Module, ModuleList, Sequential

__all__ = [
    "Parameter",
    "manual_seed",
    "data",
    "functional",
    "init",
    "io",
    "optim",
    "utils",
    "DataLoader",
    "Dataset",
    "TensorDataset",
    "load_state",
    "MLP",
    "BatchNorm1d",
    "Dropout",
    "Embedding",
    "Flatten",
    "Identity",
    "LayerNorm",
    "LeakyReLU",
    "Linear",
    "LogSoftmax",
    "ReLU",
    "Sigmoid",
    "Softmax",
    "Softplus",
    "Tanh",
    "get_activation",
    "BCELoss",
    "BCEWithLogitsLoss",
    "CrossEntropyLoss",
    "L1Loss",
    "MSELoss",
    "NLLLoss",
    "Module",
    "ModuleList",
    "Sequential",
]
