"""A small DataLoader over numpy arrays: batches, shuffling with a seed, drop_last."""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np

__all__ = ["DataLoader"]


class DataLoader:
    """Iterate over aligned arrays in batches: `for xb, yb in DataLoader(X, y, batch_size=32)`.

    With `shuffle=True` the order is redrawn at every pass, from `seed`, so
    a run is reproducible.
    """

    def __init__(self, *arrays: np.ndarray, batch_size: int = 32, shuffle: bool = False,
                 seed: int | None = 0, drop_last: bool = False) -> None:
        if not arrays:
            raise ValueError("DataLoader needs at least one array")
        n = len(arrays[0])
        for a in arrays:
            if len(a) != n:
                raise ValueError(f"DataLoader arrays differ in length: {[len(a) for a in arrays]}")
        if batch_size < 1:
            raise ValueError(f"batch_size must be >= 1, got {batch_size}")
        self.arrays, self.n, self.batch_size = arrays, n, batch_size
        self.shuffle, self.drop_last = shuffle, drop_last
        self.rng = np.random.default_rng(seed)

    def __len__(self) -> int:
        full, rest = divmod(self.n, self.batch_size)
        return full if (self.drop_last or rest == 0) else full + 1

    def __iter__(self) -> Iterator[tuple[np.ndarray, ...]]:
        order = self.rng.permutation(self.n) if self.shuffle else None
        for k in range(len(self)):
            sl = slice(k * self.batch_size, (k + 1) * self.batch_size)
            idx = sl if order is None else order[sl]
            batch = tuple(a[idx] for a in self.arrays)
            yield batch if len(batch) > 1 else batch[0]
