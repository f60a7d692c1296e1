"""Where the tasks' data sets live, and loaders that check what they read.

Each loader raises `DataError` (a `ValueError`) whose message starts with the
file and says what is wrong with it, so a corrupt or truncated download gives
one clear line instead of a shape error deep inside training.  The formats,
sizes and quirks of the files are described in the data folder's
PROVENANCE.md.  Only numpy and the standard library are used.

The data location is the `--data-dir` option, else the AUTOGRAD_DATA
environment variable, else `../shared/data` next to the repository; each data
set is a sub-folder of it (`mnist/`, `ngram4/`, `csci662/`, `glove/`,
`vaccine_tweets/`).  `find_dataset` applies that rule for every task.
"""

from __future__ import annotations

import csv
import gzip
import io
import json
import os
import struct
import zlib
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import numpy as np

REPO_ROOT = Path(__file__).resolve().parent.parent
SHARED_DATA = REPO_ROOT.parent / "shared" / "data"  # the default data location
DATA_ENV_VAR = "AUTOGRAD_DATA"
MAX_JSON_BYTES = 256 * 2**20  # a metrics or results file is a few MB at most


class DataError(ValueError):
    """A data file or folder is missing, malformed or inconsistent with what we expect."""


def _error(path: str | Path, message: str) -> DataError:
    """Build a DataError whose message starts with the offending file."""
    return DataError(f"{path}: {message}")


# --------------------------------------------------------------------------
# Where the data lives
# --------------------------------------------------------------------------


def find_dataset(name: str, files: Iterable[str], data_dir: str | Path | None, fallback: str) -> Path | None:
    """The folder of data set `name` (`<data location>/name/`) holding every one of `files`, or None.

    The data location is `data_dir` (the `--data-dir` option) when given, else
    `$AUTOGRAD_DATA` when set, else `SHARED_DATA` (`../shared/data`).  A
    location given by the option or the variable must be a folder holding
    `name/` with all of `files`: anything missing raises DataError naming it
    (a typo must not quietly run on other data).  The default location is
    optional: when it, or its `name/`, is absent, prints one line saying that
    the task runs on `fallback` instead, and returns None.  A `name/` that is
    there but incomplete is an error wherever it is.
    """
    if data_dir is not None:
        root, given = Path(data_dir).expanduser(), "--data-dir"
    elif os.environ.get(DATA_ENV_VAR):
        root, given = Path(os.environ[DATA_ENV_VAR]).expanduser(), f"${DATA_ENV_VAR}"
    else:
        root, given = SHARED_DATA, None
    folder = root / name
    if given is None and not folder.is_dir():
        where = f"{root}/ has no {name}/" if root.is_dir() else f"{root}/ is absent"
        print(f"[data] no data location given (--data-dir, ${DATA_ENV_VAR}) and {where}: running on {fallback}")
        return None
    if not root.is_dir():
        raise _error(
            root,
            f"data folder not found (given by {given})" if not root.exists() else f"not a folder (given by {given})",
        )
    if not folder.is_dir():
        raise _error(root, f"no {name}/ folder in this data folder (given by {given})")
    missing = [f for f in files if not (folder / f).is_file()]
    if missing:
        raise _error(folder, f"missing {', '.join(missing)}")
    return folder


# --------------------------------------------------------------------------
# Reading raw bytes, text and JSON
# --------------------------------------------------------------------------


def _read_gzip(path: Path) -> bytes:
    """Return the decompressed content of a gzip file, or raise DataError."""
    try:
        with gzip.open(path, "rb") as f:
            return f.read()
    except FileNotFoundError:
        raise _error(path, "file not found") from None
    except gzip.BadGzipFile as exc:
        raise _error(path, f"not a valid gzip file ({exc})") from None
    except (EOFError, zlib.error) as exc:
        raise _error(path, f"truncated or corrupt gzip data ({exc})") from None
    except OSError as exc:
        raise _error(path, f"cannot read file ({exc.strerror or exc})") from None


def _read_bytes(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except FileNotFoundError:
        raise _error(path, "file not found") from None
    except IsADirectoryError:
        raise _error(path, "is a folder, not a file") from None
    except OSError as exc:
        raise _error(path, f"cannot read file ({exc.strerror or exc})") from None


def _read_text(path: Path) -> str:
    """Return the content of a UTF-8 text file (a leading BOM is dropped)."""
    raw = _read_bytes(path)
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        raise _error(path, f"line {line}: not valid UTF-8 text") from None


def _read_lines(path: Path) -> list[str]:
    """Return the lines of a UTF-8 text file without their line endings.

    Lines are split on '\\n' only (not on other Unicode line separators that
    may appear inside text), and a final newline does not make an empty line.
    """
    lines = _read_text(path).split("\n")
    if lines[-1] == "":
        lines.pop()
    return [line.removesuffix("\r") for line in lines]


def read_json(path: str | Path, max_bytes: int | None = None) -> Any:
    """The content of a JSON file, or DataError naming the file and the fault.

    Files over `max_bytes` (default `MAX_JSON_BYTES`) are refused before reading, and nesting too deep for
    Python's parser (a RecursionError) is reported as such.  NaN and Infinity,
    which are not JSON, are refused too.
    """
    path = Path(path)
    try:
        size = path.stat().st_size
    except FileNotFoundError:
        raise _error(path, "file not found") from None
    except OSError as exc:
        raise _error(path, f"cannot read file ({exc.strerror or exc})") from None
    max_bytes = MAX_JSON_BYTES if max_bytes is None else max_bytes
    if size > max_bytes:
        raise _error(path, f"{size:,} bytes, more than the {max_bytes:,} a JSON file here may have")

    def no_constants(name: str) -> None:
        raise ValueError(f"{name} is not valid JSON")

    try:
        return json.loads(_read_text(path), parse_constant=no_constants)
    except RecursionError:
        raise _error(path, "JSON nested too deeply to read") from None
    except json.JSONDecodeError as exc:
        raise _error(
            path,
            f"not valid JSON: {exc.msg} at line {exc.lineno}, column {exc.colno}"
            f"{' (truncated?)' if exc.pos >= len(exc.doc.rstrip()) else ''}",
        ) from None
    except ValueError as exc:
        raise _error(path, f"not valid JSON: {exc}") from None


# --------------------------------------------------------------------------
# MNIST (IDX format, gzip-compressed)
# --------------------------------------------------------------------------

IDX_IMAGES_MAGIC = 2051  # 0x00000803: unsigned bytes, 3 dimensions (N, rows, cols)
IDX_LABELS_MAGIC = 2049  # 0x00000801: unsigned bytes, 1 dimension (N,)

MNIST_FILES = {
    "train": ("train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz"),
    "test": ("t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz"),
}
MNIST_FILE_NAMES = tuple(name for pair in MNIST_FILES.values() for name in pair)


def load_idx(path: str | Path) -> np.ndarray:
    """Read a gzip-compressed IDX file of unsigned bytes (the MNIST format).

    The header is a big-endian magic number (2051 for images, 2049 for
    labels) followed by one 32-bit size per dimension. Returns a uint8 array
    of shape (N, rows, cols) or (N,). Raises DataError when the file is not
    gzip, has an unknown magic number, or holds fewer or more bytes than the
    header announces (a truncated download is the usual cause).
    """
    path = Path(path)
    raw = _read_gzip(path)
    if len(raw) < 4:
        raise _error(path, f"truncated: {len(raw)} bytes, too short for an IDX header")
    (magic,) = struct.unpack(">i", raw[:4])
    if magic == IDX_IMAGES_MAGIC:
        ndim = 3
    elif magic == IDX_LABELS_MAGIC:
        ndim = 1
    else:
        raise _error(
            path, f"bad magic number {magic}, expected {IDX_IMAGES_MAGIC} (images) or {IDX_LABELS_MAGIC} (labels)"
        )
    header_size = 4 + 4 * ndim
    if len(raw) < header_size:
        raise _error(path, f"truncated header: {len(raw)} bytes, expected at least {header_size}")
    shape = struct.unpack(f">{ndim}i", raw[4:header_size])
    if any(size <= 0 for size in shape):
        raise _error(path, f"bad dimensions {shape} in header")
    expected = int(np.prod(shape))
    found = len(raw) - header_size
    if found < expected:
        raise _error(path, f"truncated: header announces shape {shape} = {expected} data bytes, found only {found}")
    if found > expected:
        raise _error(
            path,
            f"{found - expected} unexpected bytes after the data (header announces shape {shape} = {expected} bytes)",
        )
    return np.frombuffer(raw, dtype=np.uint8, offset=header_size).reshape(shape).copy()


def load_mnist(directory: str | Path) -> dict[str, np.ndarray]:
    """Load the four MNIST files from `directory`.

    Returns a dict with keys "train_images", "train_labels", "test_images",
    "test_labels". Images are float32 in [0, 1] shaped (N, 784) (pixels
    divided by 255); labels are int64 in 0..9. Checks that each image file
    holds 28x28 images, that labels are in range and that the image and label
    counts agree.
    """
    directory = Path(directory)
    result: dict[str, np.ndarray] = {}
    for split, (image_name, label_name) in MNIST_FILES.items():
        image_path, label_path = directory / image_name, directory / label_name
        images = load_idx(image_path)
        labels = load_idx(label_path)
        if images.ndim != 3:
            raise _error(image_path, "expected an image file (magic 2051), found labels")
        if labels.ndim != 1:
            raise _error(label_path, "expected a label file (magic 2049), found images")
        if images.shape[1:] != (28, 28):
            raise _error(image_path, f"images are {images.shape[1:]}, expected (28, 28)")
        if labels.max() > 9:
            bad = int(np.argmax(labels > 9))
            raise _error(label_path, f"label {labels[bad]} at index {bad} is outside 0..9")
        if len(images) != len(labels):
            raise DataError(f"{image_path} has {len(images)} images but {label_path} has {len(labels)} labels")
        flat = images.reshape(len(images), -1).astype(np.float32)
        flat /= 255.0
        result[f"{split}_images"] = flat
        result[f"{split}_labels"] = labels.astype(np.int64)
    return result


# --------------------------------------------------------------------------
# 4-gram next-word data (.npy arrays + 250-word vocabulary)
# --------------------------------------------------------------------------

NGRAM_SPLITS = ("train", "valid", "test")
NGRAM_FILES = ("vocab.npy", *(f"{split}_{part}.npy" for split in NGRAM_SPLITS for part in ("inputs", "targets")))


def _load_npy(path: Path) -> np.ndarray:
    """np.load of a plain (non-object) .npy array, turning every failure into a DataError naming the file."""
    raw = _read_bytes(path)
    if not raw.startswith(b"\x93NUMPY"):
        raise _error(path, "not a .npy file (it does not start with numpy's header)")
    try:
        return np.load(io.BytesIO(raw), allow_pickle=False)
    except ValueError as exc:
        if "pickle" in str(exc):  # an object array: its entries are pickled Python objects, which we never load
            raise _error(
                path, "holds Python objects, not numbers or strings (this loader reads plain arrays only)"
            ) from None
        raise _error(path, f"truncated or corrupt .npy data ({exc})") from None
    except (OSError, EOFError) as exc:
        raise _error(path, f"truncated or corrupt .npy data ({exc})") from None


def load_ngram(directory: str | Path) -> dict[str, Any]:
    """Load the 4-gram data set (three context words -> next word).

    Returns a dict with "vocab" (list of str) and, for each split in
    train/valid/test, "<split>_inputs" int64 (N, 3) and "<split>_targets"
    int64 (N,): word indices into the vocabulary. Checks the shapes, that
    inputs and targets have the same length and that every index is a valid
    vocabulary position.
    """
    directory = Path(directory)
    vocab_path = directory / "vocab.npy"
    vocab_array = _load_npy(vocab_path)
    if vocab_array.ndim != 1 or vocab_array.dtype.kind != "U" or len(vocab_array) == 0:
        raise _error(
            vocab_path, f"expected a non-empty 1-D array of strings, found {vocab_array.dtype} {vocab_array.shape}"
        )
    vocab = [str(word) for word in vocab_array]
    result: dict[str, Any] = {"vocab": vocab}
    for split in NGRAM_SPLITS:
        inputs_path = directory / f"{split}_inputs.npy"
        targets_path = directory / f"{split}_targets.npy"
        inputs = _load_npy(inputs_path)
        targets = _load_npy(targets_path)
        if inputs.dtype.kind not in "iu" or inputs.ndim != 2 or inputs.shape[1] != 3:
            raise _error(inputs_path, f"expected integers shaped (N, 3), found {inputs.dtype} {inputs.shape}")
        if targets.dtype.kind not in "iu" or targets.ndim != 1:
            raise _error(targets_path, f"expected integers shaped (N,), found {targets.dtype} {targets.shape}")
        if len(inputs) != len(targets):
            raise DataError(f"{inputs_path} has {len(inputs)} rows but {targets_path} has {len(targets)}")
        for path, array in ((inputs_path, inputs), (targets_path, targets)):
            bad = np.argwhere((array < 0) | (array >= len(vocab)))
            if len(bad):
                raise _error(
                    path,
                    f"word index {array[tuple(bad[0])]} in row {bad[0][0]} is outside "
                    f"0..{len(vocab) - 1} (vocabulary size {len(vocab)})",
                )
        result[f"{split}_inputs"] = inputs.astype(np.int64)
        result[f"{split}_targets"] = targets.astype(np.int64)
    return result


# --------------------------------------------------------------------------
# CSCI 662 text classification files: "<text>TAB<label>" per line
# --------------------------------------------------------------------------

CSCI662_FILES = {
    "4dim": "4dim.train.txt",
    "odiya": "odiya.train.txt",
    "questions": "questions.train.txt",
    "products": "products.val_sample.txt",
}  # only a 20 % sample of products.train.txt exists


def load_labelled_text(path: str | Path) -> tuple[list[str], list[str]]:
    """Read a file of `<text>TAB<label>` lines; return (texts, labels).

    The label is what follows the last tab (a few Odia lines have another tab
    inside the text, which stays part of the text). An empty line, a line
    without a tab or an empty label raises DataError with the line number.
    """
    path = Path(path)
    texts: list[str] = []
    labels: list[str] = []
    for number, line in enumerate(_read_lines(path), start=1):
        if not line.strip():
            raise _error(path, f"line {number}: empty line, expected <text>TAB<label>")
        if "\t" not in line:
            raise _error(path, f"line {number}: no TAB between text and label")
        text, label = line.rsplit("\t", 1)
        if not label.strip():
            raise _error(path, f"line {number}: empty label after the TAB")
        texts.append(text)
        labels.append(label.strip())
    if not texts:
        raise _error(path, "file is empty")
    return texts, labels


# --------------------------------------------------------------------------
# GloVe word vectors (text format: "word v1 ... vD" per line)
# --------------------------------------------------------------------------

GLOVE_FILE = "glove.6B.50d.subset.txt"  # in glove/: the 50-d vectors of 39,604 words


def load_glove(
    path: str | Path, vocab: Iterable[str] | None = None, dim: int | None = None
) -> tuple[dict[str, int], np.ndarray]:
    """Read GloVe vectors; return (word -> row index, float32 matrix (V, dim)).

    If `vocab` is given only those words are kept, which keeps the matrix
    small when a task needs a few thousand words. `dim` is the expected vector
    length; when None it is taken from the first line. Every line is checked,
    kept or not: a line with a different number of values, a value that is not
    a number, or NaN, Inf or a value beyond float32's range raises DataError
    naming the line. If a word occurs twice its first vector is kept.
    """
    path = Path(path)
    wanted = None if vocab is None else set(vocab)
    index: dict[str, int] = {}
    rows: list[np.ndarray] = []
    for number, line in enumerate(_read_lines(path), start=1):
        parts = line.rstrip().split(" ")
        found = len(parts) - 1
        if dim is None:
            dim = found
            if dim < 1:
                raise _error(path, f"line {number}: no vector values after the word")
        if found != dim:
            raise _error(path, f"line {number}: expected dimension {dim}, found {found} values")
        try:
            with np.errstate(over="ignore"):  # a value beyond float32 becomes inf, refused just below
                vector = np.array(parts[1:], dtype=np.float32)
        except ValueError:
            raise _error(path, f"line {number}: vector values are not all numbers") from None
        finite = np.isfinite(vector)
        if not finite.all():
            bad = parts[1 + int(np.argmin(finite))]
            raise _error(path, f"line {number}: value {bad!r} is not a finite float32 (NaN, Inf or too large)")
        word = parts[0]
        if (wanted is None or word in wanted) and word not in index:
            index[word] = len(rows)
            rows.append(vector)
    if dim is None:
        raise _error(path, "file is empty")
    matrix = np.stack(rows) if rows else np.zeros((0, dim), dtype=np.float32)
    return index, matrix


# --------------------------------------------------------------------------
# COVID vaccine tweets CSV: header ",tweet,label"
# --------------------------------------------------------------------------

VACCINE_HEADER = ["", "tweet", "label"]
VACCINE_LABELS = ("neutral", "anti-vax", "pro-vax")  # label 0, 1, 2
VACCINE_FILES = {"train": "vaccine_train_set.csv", "val": "vaccine_validation_set.csv"}


def load_vaccine(path: str | Path) -> tuple[list[str], np.ndarray]:
    """Read a vaccine tweet CSV; return (tweets, int64 labels).

    The file has header `,tweet,label` (first column is a row index that we
    ignore); labels are 0 = neutral, 1 = anti-vax, 2 = pro-vax
    (`VACCINE_LABELS`). Some tweets span several lines inside quotes, so
    errors give both the data row number and the file line where it ends.
    """
    path = Path(path)
    reader = csv.reader(io.StringIO(_read_text(path), newline=""))
    texts: list[str] = []
    labels: list[int] = []
    try:
        header = next(reader, None)
        if header is None:
            raise _error(path, "file is empty")
        if header != VACCINE_HEADER:
            raise _error(path, f"bad header {','.join(header)!r}, expected ',tweet,label'")
        for row_number, row in enumerate(reader, start=1):
            where = f"row {row_number} (line {reader.line_num})"
            if len(row) != 3:
                raise _error(path, f"{where}: expected 3 fields, found {len(row)}")
            label = row[2].strip()
            if label not in ("0", "1", "2"):
                raise _error(path, f"{where}: label {row[2]!r} is not 0, 1 or 2")
            texts.append(row[1])
            labels.append(int(label))
    except csv.Error as exc:
        raise _error(path, f"line {reader.line_num}: bad CSV ({exc})") from None
    if not texts:
        raise _error(path, "no data rows after the header")
    return texts, np.array(labels, dtype=np.int64)


# --------------------------------------------------------------------------
# Splitting
# --------------------------------------------------------------------------


def train_val_split(n: int, val_fraction: float, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """Split indices 0..n-1 at random into (train_idx, val_idx), both sorted int64.

    `round(n * val_fraction)` indices go to validation. The same seed always
    gives the same split, so runs are comparable.
    """
    if not 0.0 <= val_fraction < 1.0:
        raise ValueError(f"val_fraction must be in [0, 1), got {val_fraction}")
    order = np.random.default_rng(seed).permutation(n)
    n_val = round(n * val_fraction)
    return np.sort(order[n_val:]).astype(np.int64), np.sort(order[:n_val]).astype(np.int64)
