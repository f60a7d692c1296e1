"""dtype names, as torch.float32 and friends: they are numpy's types, and `dtype=` accepts any numpy dtype too.

`float` is float32 and `int` is int32, as in PyTorch (`torch.float`, `torch.int`); the
engine's *default* float, for Python numbers and factories, is float64 (see README,
"Coming from PyTorch").
"""

import numpy as np

float16 = half = np.float16
float32 = float = np.float32  # noqa: A001
float64 = double = np.float64
int8, int16, int32, int64, uint8 = np.int8, np.int16, np.int32, np.int64, np.uint8
int = np.int32  # noqa: A001
long = np.int64
bool = np.bool_  # noqa: A001
dtype = np.dtype

__all__ = [
    "float16",
    "half",
    "float32",
    "float",
    "float64",
    "double",
    "int8",
    "int16",
    "int32",
    "int64",
    "uint8",
    "int",
    "long",
    "bool",
    "dtype",
]
