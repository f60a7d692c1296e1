"""Opt-in process tuning for training loops.

Nothing here runs on import: a program calls `tune_malloc()` itself if it wants it.
"""

from __future__ import annotations

import ctypes
import ctypes.util

__all__ = ["tune_malloc"]

_M_TRIM_THRESHOLD = -1
_M_MMAP_THRESHOLD = -3


def tune_malloc(threshold: int = 32 * 2**20) -> bool:
    """Keep freed arrays up to `threshold` bytes inside the process (glibc only).

    By default glibc serves every array over 128 KiB with a fresh `mmap` and
    returns it to the system on free, so a loop that allocates the same
    temporaries every step (a 784-300-10 step: ~2 MB gradients) pays page
    faults every step.  Raising malloc's mmap and trim thresholds lets it reuse
    that memory instead.  32 MiB is glibc's largest allowed mmap threshold.
    Returns False (and changes nothing) where glibc's `mallopt` is missing.
    """
    name = ctypes.util.find_library("c")
    try:
        libc = ctypes.CDLL(name or "libc.so.6")
        mallopt = libc.mallopt
    except (OSError, AttributeError):
        return False
    return bool(mallopt(_M_MMAP_THRESHOLD, threshold)) and bool(mallopt(_M_TRIM_THRESHOLD, 2 * threshold))
