"""Datasets and batches, as torch.utils.data: `TensorDataset`, `DataLoader`.

    loader = nn.data.DataLoader(nn.data.TensorDataset(X, y), batch_size=32, shuffle=True)
    for xb, yb in loader:            # Tensors
        ...
    for xb, yb in nn.data.DataLoader(X, y, batch_size=32):     # arrays in, arrays out
        ...

With `shuffle=True` the order is redrawn at every pass, from `autograd.generator()`
(the generator `autograd.manual_seed(n)` seeds, so one seed makes a run repeatable),
or from a generator of the loader's own (`seed=` or `generator=`).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

import numpy as np

from autograd import Tensor, as_tensor, from_numpy
from autograd.factories import generator as global_generator

__all__ = ["Dataset", "TensorDataset", "DataLoader"]


class Dataset:
    """Anything with `__len__` and `__getitem__(i)` (one example) is a dataset; this base is optional."""

    def __getitem__(self, index: int) -> Any:
        raise NotImplementedError(f"{type(self).__name__} must define __getitem__")

    def __len__(self) -> int:
        raise NotImplementedError(f"{type(self).__name__} must define __len__")


class TensorDataset(Dataset):
    """Aligned tensors (or arrays, shared as tensors) indexed together along their first axis."""

    def __init__(self, *tensors: Any) -> None:
        if not tensors:
            raise ValueError("TensorDataset needs at least one tensor")
        self.tensors = tuple(as_tensor(t) for t in tensors)
        sizes = [t.shape[0] if t.ndim else None for t in self.tensors]
        if None in sizes or len(set(sizes)) != 1:
            raise ValueError(
                f"TensorDataset: tensors must have the same first axis, got shapes "
                f"{[tuple(t.shape) for t in self.tensors]}"
            )

    def __getitem__(self, index: Any) -> tuple[Tensor, ...]:
        return tuple(t[index] for t in self.tensors)

    def __len__(self) -> int:
        return self.tensors[0].shape[0]


class DataLoader:
    """Batches of a dataset: `for xb, yb in DataLoader(dataset, batch_size=32, shuffle=True)`.

    `dataset` is a Dataset (a TensorDataset, or anything with len and
    getitem; batches are then Tensors, examples stacked), or aligned numpy
    arrays, `DataLoader(X, y, ...)` or `DataLoader((X, y), ...)` (batches are
    then arrays).  The settings are passed by name, as PyTorch tutorials do.
    `drop_last` drops a last, smaller batch.  Shuffling draws from `generator`
    (a `numpy.random.Generator`), else from a generator seeded with `seed`,
    else from `autograd.generator()`.
    """

    def __init__(
        self,
        dataset: Any,
        *arrays: np.ndarray,
        batch_size: int = 1,
        shuffle: bool = False,
        drop_last: bool = False,
        generator: np.random.Generator | None = None,
        seed: int | None = None,
    ) -> None:
        if arrays:
            if not all(isinstance(a, np.ndarray) for a in (dataset, *arrays)):
                raise TypeError(
                    "DataLoader(dataset, batch_size=..., shuffle=...): pass the settings by name; "
                    "positional arguments after the first are more aligned numpy arrays, got "
                    f"{', '.join(type(a).__name__ for a in arrays)}"
                )
            dataset = (dataset, *arrays)
        if isinstance(batch_size, bool) or not isinstance(batch_size, (int, np.integer)) or batch_size < 1:
            raise ValueError(f"DataLoader: batch_size must be a positive integer, got {batch_size!r}")
        if generator is not None and seed is not None:
            raise ValueError("DataLoader: pass generator= or seed=, not both")
        if generator is not None and not isinstance(generator, np.random.Generator):
            raise TypeError(f"DataLoader: generator must be a numpy.random.Generator, got {type(generator).__name__}")
        self.dataset, self.batch_size, self.shuffle, self.drop_last = dataset, int(batch_size), shuffle, drop_last
        self.generator = np.random.default_rng(seed) if seed is not None else generator
        self._arrays = _arrays(dataset)
        self._n = len(self._arrays[0]) if self._arrays is not None else len(dataset)

    def __len__(self) -> int:
        full, rest = divmod(self._n, self.batch_size)
        return full if (self.drop_last or rest == 0) else full + 1

    def __iter__(self) -> Iterator[Any]:
        if self.shuffle:
            order = (self.generator or global_generator()).permutation(self._n)
        else:
            order = None
        for k in range(len(self)):
            sl = slice(k * self.batch_size, (k + 1) * self.batch_size)
            idx = sl if order is None else order[sl]
            yield self._batch(idx)

    def _batch(self, idx: Any) -> Any:
        if self._arrays is not None:  # arrays in, arrays out
            batch = tuple(a[idx] for a in self._arrays)
            return batch if isinstance(self.dataset, (tuple, list)) else batch[0]
        if isinstance(self.dataset, TensorDataset):  # one gather per tensor, not one lookup per example
            return tuple(t[idx] for t in self.dataset.tensors)
        rows = range(self._n)[idx] if isinstance(idx, slice) else idx
        return collate([self.dataset[int(i)] for i in rows])


def _arrays(dataset: Any) -> tuple[np.ndarray, ...] | None:
    """The aligned arrays of an array or tuple-of-arrays dataset (None for a Dataset object)."""
    if isinstance(dataset, np.ndarray):
        parts: Sequence[Any] = (dataset,)
    elif isinstance(dataset, (tuple, list)) and dataset and all(isinstance(a, np.ndarray) for a in dataset):
        parts = dataset
    elif isinstance(dataset, (tuple, list)) and any(isinstance(a, Tensor) for a in dataset):
        raise TypeError("DataLoader: wrap tensors in a dataset: DataLoader(TensorDataset(X, y), batch_size=...)")
    elif hasattr(dataset, "__len__") and hasattr(dataset, "__getitem__") and not isinstance(dataset, (tuple, list)):
        return None
    else:
        raise TypeError(f"DataLoader expects a Dataset, an array or a tuple of arrays, got {type(dataset).__name__}")
    sizes = [len(a) if a.ndim else None for a in parts]
    if None in sizes or len(set(sizes)) != 1:
        raise ValueError(f"DataLoader arrays differ in length: {sizes}")
    return tuple(parts)


def collate(examples: list[Any]) -> Any:
    """Stack a list of examples into a batch: tuples position by position, numbers and arrays into Tensors."""
    first = examples[0]
    if isinstance(first, (tuple, list)):
        return type(first)(collate(list(column)) for column in zip(*examples))
    if isinstance(first, dict):
        return {k: collate([e[k] for e in examples]) for k in first}
    return from_numpy(np.stack([np.asarray(e.numpy() if isinstance(e, Tensor) else e) for e in examples]))
