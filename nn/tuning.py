"""Opt-in process tuning for training loops: glibc's malloc thresholds and one BLAS thread.

Nothing here runs on import, and nothing in `autograd` or `nn` calls it: a
training script, a benchmark or a notebook calls it itself.

    from nn.tuning import one_blas_thread, tune_malloc
    tune_malloc()                  # once, at the start of the program
    with one_blas_thread():        # or call one_blas_thread() bare: then it holds for the whole process
        train(...)

Both change only speed, never a result.
"""

from __future__ import annotations

import contextlib
import ctypes
import ctypes.util
from typing import Any

__all__ = ["tune_malloc", "one_blas_thread"]

_M_TRIM_THRESHOLD = -1  # mallopt parameter numbers, from glibc's <malloc.h>
_M_MMAP_THRESHOLD = -3


def tune_malloc(threshold: int = 32 * 2**20) -> bool:
    """Keep freed arrays of up to `threshold` bytes inside the process (glibc only).

    By default glibc serves every block over 128 KiB with a fresh `mmap` and
    hands it back to the system on free (its dynamic threshold rises only as
    far as 32 MiB, `DEFAULT_MMAP_THRESHOLD_MAX` on 64-bit), so a loop that
    allocates the same temporaries every step (a 784-300-10 step: ~2 MB of
    gradients) takes fresh page faults every step.  Raising the mmap threshold
    to `threshold` and the trim threshold to twice that lets malloc reuse the
    memory instead.

    The default, 32 MiB, covers every per-step array of the tasks and
    benchmarks and is accepted by every glibc.  Larger values: the mallopt(3)
    manual gives 32 MiB as the upper limit on 64-bit, which is what older glibc
    releases enforced (`HEAP_MAX_SIZE / 2`); glibc 2.36 (measured here) accepts
    any `int`, and a 1 GiB threshold then serves a 100 MiB block from the heap.
    Returns True when glibc accepted both settings, False (and changes
    nothing) where `mallopt` is missing (macOS, Windows, musl).
    """
    if not 0 < threshold < 2**31:
        raise ValueError(f"tune_malloc: threshold must be between 1 and 2**31 - 1 bytes (a C int), got {threshold}")
    name = ctypes.util.find_library("c")
    try:
        mallopt = ctypes.CDLL(name or "libc.so.6").mallopt
    except (OSError, AttributeError):
        return False
    trim = min(2 * threshold, 2**31 - 1)
    return bool(mallopt(_M_MMAP_THRESHOLD, threshold)) and bool(mallopt(_M_TRIM_THRESHOLD, trim))


def one_blas_thread() -> Any:
    """Limit BLAS to one thread, at once; as a context manager, until the `with` block ends.

    The products of these networks are small, so a second BLAS thread gains
    nothing, and competing BLAS threads slow small steps down
    (`benchmarks/README.md`, "one BLAS thread").  Uses threadpoolctl
    (installed with scikit-learn); without it this is a no-op context, and
    `OMP_NUM_THREADS=1` in the environment before Python starts does the same.
    """
    try:
        from threadpoolctl import threadpool_limits
    except ImportError:
        return contextlib.nullcontext()
    return threadpool_limits(limits=1, user_api="blas")
