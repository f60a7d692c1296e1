"""Files: atomic writes, and state dicts saved and loaded as `.npz` or `.json` without trusting the file.

Writes go to a temporary file in the same folder, which then replaces the
target in one step (`os.replace`): a write that fails half-way (a full disk, a
crash) leaves the previous file intact.  Tasks use the same helpers for their
metrics and model files:

    from nn.io import atomic_open, atomic_write
    atomic_write("out/metrics.json", json.dumps(metrics))
    with atomic_open("out/table.csv") as f: ...

Loading never unpickles (`allow_pickle=False`), reads each `.npy` header inside
the archive first and checks the name, shape and dtype of every array against
what the model expects before any array is read, so a forged header cannot make
it allocate gigabytes; every fault is an error naming the file and the fault.
"""

from __future__ import annotations

import json
import math
import os
import tempfile
import zipfile
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any

import numpy as np
from numpy.lib import format as npy_format

from nn.module import as_array

__all__ = ["atomic_open", "atomic_write", "save_state", "load_state", "StateFileError", "FORMAT"]

FORMAT = "autograd-nn-state"  # the "format" field of a .json state file


class StateFileError(ValueError):
    """A state file that cannot be loaded (the message names the file and the fault)."""


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


_UMASK = _umask()


@contextmanager
def atomic_open(path: str | Path, mode: str = "w", encoding: str = "utf-8") -> Iterator[IO[Any]]:
    """Open a temporary file next to `path` for writing; when the block ends without an error it
    replaces `path` (in one step), otherwise it is deleted and `path` is left as it was."""
    if mode not in ("w", "wb"):
        raise ValueError(f"atomic_open writes whole files: mode must be 'w' or 'wb', got {mode!r}")
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, mode, encoding=None if "b" in mode else encoding) as f:
            yield f
            f.flush()
            os.fsync(f.fileno())
        os.chmod(tmp, path.stat().st_mode & 0o777 if path.exists() else 0o666 & ~_UMASK)
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        raise


def atomic_write(path: str | Path, data: str | bytes) -> Path:
    """Write text or bytes to `path` atomically (see `atomic_open`); returns the path."""
    with atomic_open(path, "wb" if isinstance(data, bytes) else "w") as f:
        f.write(data)
    return Path(path)


# ----------------------------------------------------------------------------- saving


def save_state(state: Mapping[str, Any], path: str | Path, model: str | None = None) -> Path:
    """Write a state dict to `.npz` (compact) or `.json` (readable: shape, dtype and nested lists per
    array, as report 001's model.json), atomically."""
    path = Path(path)
    arrays = {k: np.asarray(as_array(v), order="C") for k, v in state.items()}  # (0-d stays 0-d)
    if path.suffix == ".json":
        doc = {
            "format": FORMAT,
            "model": model,
            "parameters": {
                k: {"shape": list(a.shape), "dtype": str(a.dtype), "data": a.tolist()} for k, a in arrays.items()
            },
        }
        return atomic_write(path, json.dumps(doc, indent=1))
    if path.suffix == ".npz":
        with atomic_open(path, "wb") as f:
            np.savez(f, **arrays)
        return path
    raise ValueError(f"save: use a .npz or .json file name, got {path.name!r}")


# ----------------------------------------------------------------------------- loading

Expected = Mapping[str, tuple[tuple[int, ...], np.dtype]]


def load_state(path: str | Path, expected: Expected | None = None) -> dict[str, np.ndarray]:
    """Read a state dict written by `save_state` / `Module.save` (.npz or .json).

    With `expected` ({name: (shape, dtype)}, from the model), every name, shape
    and dtype kind is checked before any array is read: missing or unexpected
    names, another shape, or ints where floats belong are a `StateFileError`.
    """
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"no state file at {path}")
    if path.suffix == ".json":
        return _load_json(path, expected)
    if path.suffix == ".npz":
        return _load_npz(path, expected)
    raise StateFileError(f"{path}: expected a .npz or .json state file")


def _fail(path: Path, message: str) -> StateFileError:
    return StateFileError(f"{path}: {message}")


def _check_names(path: Path, names: list[str], expected: Expected | None) -> None:
    if expected is None:
        return
    missing = [k for k in expected if k not in names]
    unexpected = [k for k in names if k not in expected]
    if missing or unexpected:
        parts = ([f"missing {', '.join(missing)}"] if missing else []) + (
            [f"unexpected {', '.join(unexpected)}"] if unexpected else []
        )
        raise _fail(path, "the arrays do not fit the model: " + "; ".join(parts))


def _check_array(path: Path, name: str, shape: tuple[int, ...], dtype: np.dtype, expected: Expected | None) -> None:
    if dtype.hasobject or dtype.kind not in "biuf":
        raise _fail(path, f"array {name!r} has dtype {dtype}; only numbers can be loaded (nothing is unpickled)")
    if expected is None:
        return
    want_shape, want_dtype = expected[name]
    if tuple(shape) != tuple(want_shape):
        raise _fail(path, f"array {name!r} has shape {tuple(shape)}, the model expects {tuple(want_shape)}")
    kinds = {"f": "float", "i": "integer", "u": "integer", "b": "bool"}
    if kinds[dtype.kind] != kinds[np.dtype(want_dtype).kind]:
        raise _fail(path, f"array {name!r} has dtype {dtype}, the model expects {np.dtype(want_dtype)}")


def _load_npz(path: Path, expected: Expected | None) -> dict[str, np.ndarray]:
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError) as e:
        raise _fail(
            path, f"not a .npz archive, or a damaged or truncated one ({e}); was it written by Module.save?"
        ) from None
    with archive:
        members = {}
        for info in archive.infolist():
            if not info.filename.endswith(".npy"):
                raise _fail(path, f"unexpected member {info.filename!r} (a .npz holds only .npy arrays)")
            members[info.filename[:-4]] = info
        _check_names(path, list(members), expected)
        for name, info in members.items():  # every header first: nothing is read before all fit
            shape, dtype, header_len = _npy_header(path, archive, info, name)
            _check_array(path, name, shape, dtype, expected)
            if header_len + math.prod(shape) * dtype.itemsize != info.file_size:
                raise _fail(
                    path,
                    f"array {name!r}: its header says shape {shape} of {dtype} "
                    f"({math.prod(shape) * dtype.itemsize} bytes) but the member holds "
                    f"{info.file_size - header_len} bytes (truncated or forged)",
                )
        out = {}
        for name, info in members.items():
            try:
                with archive.open(info) as f:
                    out[name] = npy_format.read_array(f, allow_pickle=False)
            except (ValueError, OSError, EOFError, zipfile.BadZipFile) as e:
                raise _fail(path, f"array {name!r} cannot be read ({e}): the file is damaged") from None
    return out


def _npy_header(
    path: Path, archive: zipfile.ZipFile, info: zipfile.ZipInfo, name: str
) -> tuple[tuple[int, ...], np.dtype, int]:
    """(shape, dtype, header length) of one .npy member, read without touching its data."""
    try:
        with archive.open(info) as f:
            version = npy_format.read_magic(f)
            if version == (1, 0):
                shape, _, dtype = npy_format.read_array_header_1_0(f)
            elif version == (2, 0):
                shape, _, dtype = npy_format.read_array_header_2_0(f)
            else:
                raise ValueError(f"unsupported .npy format version {version}")
            return tuple(shape), np.dtype(dtype), f.tell()
    except (ValueError, OSError, EOFError, zipfile.BadZipFile, SyntaxError) as e:
        raise _fail(path, f"array {name!r} has a damaged header ({e})") from None


def _load_json(path: Path, expected: Expected | None) -> dict[str, np.ndarray]:
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
    except UnicodeDecodeError:
        raise _fail(path, "not a text file (a .json state file is UTF-8 text)") from None
    except json.JSONDecodeError as e:
        raise _fail(path, f"not valid JSON ({e})") from None
    if not isinstance(doc, dict) or doc.get("format") != FORMAT or not isinstance(doc.get("parameters"), dict):
        raise _fail(path, f'not a state file written by Module.save (no "format": {FORMAT!r} with "parameters")')
    entries = doc["parameters"]
    _check_names(path, list(entries), expected)
    for name, e in entries.items():
        try:
            shape, dtype = tuple(int(n) for n in e["shape"]), np.dtype(e["dtype"])
        except (KeyError, TypeError, ValueError):
            raise _fail(path, f'entry {name!r} needs a "shape" (a list of ints) and a numeric "dtype"') from None
        _check_array(path, name, shape, dtype, expected)
    out = {}
    for name, e in entries.items():
        shape = tuple(int(n) for n in e["shape"])
        try:
            a = np.asarray(e["data"], dtype=np.dtype(e["dtype"]))
        except (KeyError, TypeError, ValueError) as err:
            raise _fail(path, f'entry {name!r}: its "data" are not numbers of shape {shape} ({err})') from None
        if a.shape != shape:
            raise _fail(path, f'entry {name!r}: its "data" have shape {a.shape}, its "shape" says {shape}')
        out[name] = a
    return out
