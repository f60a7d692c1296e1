"""Loaders for the real data sets used by the task scripts.

Each loader checks what it reads and raises `DataError` (a `ValueError`)
naming the file and the fault, so a corrupt or truncated download gives a
clear message instead of a shape error deep inside training. The formats,
sizes and quirks of the files are described in the data folder's
PROVENANCE.md. Only numpy and the standard library are used.

The data folder is found by `find_data_dir`: the `--data-dir` option, else
the AUTOGRAD_DATA environment variable, else `../shared/data` next to the
repository.
"""

from __future__ import annotations

import csv
import gzip
import html
import io
import os
import re
import struct
import unicodedata
import zlib
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np

REPO_ROOT = Path(__file__).resolve().parent.parent
DATA_ENV_VAR = "AUTOGRAD_DATA"


class DataError(ValueError):
    """A data file is missing, malformed or inconsistent with what we expect."""


def _error(path: str | Path, message: str) -> DataError:
    """Build a DataError whose message starts with the offending file."""
    return DataError(f"{path}: {message}")


# --------------------------------------------------------------------------
# Where the data lives
# --------------------------------------------------------------------------


def find_data_dir(cli_value: str | None = None) -> Path | None:
    """Return the data folder to use, or None when there is none.

    In order of preference: the `--data-dir` value given on the command line,
    the AUTOGRAD_DATA environment variable, and `../shared/data` relative to
    the repository root if that folder exists. A folder given explicitly is
    returned even if it does not exist, so the caller can report the mistake.
    """
    if cli_value:
        return Path(cli_value).expanduser()
    from_env = os.environ.get(DATA_ENV_VAR)
    if from_env:
        return Path(from_env).expanduser()
    default = REPO_ROOT.parent / "shared" / "data"
    return default if default.is_dir() else None


def data_subdir(data_dir: str | Path | None, name: str) -> Path | None:
    """Return `data_dir/name` if that folder exists, else None.

    Lets a task script fall back to synthetic data when one data set is absent.
    """
    if data_dir is None:
        return None
    sub = Path(data_dir) / name
    return sub if sub.is_dir() else None


# --------------------------------------------------------------------------
# Reading raw bytes and text
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
        raise _error(path, f"cannot read file ({exc})") from None


def _read_text(path: Path) -> str:
    """Return the content of a UTF-8 text file (a leading BOM is dropped)."""
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise _error(path, "file not found") from None
    except OSError as exc:
        raise _error(path, f"cannot read file ({exc})") from None
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


# --------------------------------------------------------------------------
# MNIST (IDX format, gzip-compressed)
# --------------------------------------------------------------------------

IDX_IMAGES_MAGIC = 2051  # 0x00000803: unsigned bytes, 3 dimensions (N, rows, cols)
IDX_LABELS_MAGIC = 2049  # 0x00000801: unsigned bytes, 1 dimension (N,)

MNIST_FILES = {
    "train": ("train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz"),
    "test": ("t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz"),
}


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
            path,
            f"bad magic number {magic}, expected {IDX_IMAGES_MAGIC} (images) "
            f"or {IDX_LABELS_MAGIC} (labels)",
        )
    header_size = 4 + 4 * ndim
    if len(raw) < header_size:
        raise _error(
            path, f"truncated header: {len(raw)} bytes, expected at least {header_size}"
        )
    shape = struct.unpack(f">{ndim}i", raw[4:header_size])
    if any(size <= 0 for size in shape):
        raise _error(path, f"bad dimensions {shape} in header")
    expected = int(np.prod(shape))
    found = len(raw) - header_size
    if found < expected:
        raise _error(
            path,
            f"truncated: header announces shape {shape} = {expected} data bytes, "
            f"found only {found}",
        )
    if found > expected:
        raise _error(
            path,
            f"{found - expected} unexpected bytes after the data "
            f"(header announces shape {shape} = {expected} bytes)",
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
            raise _error(
                image_path, "expected an image file (magic 2051), found labels"
            )
        if labels.ndim != 1:
            raise _error(label_path, "expected a label file (magic 2049), found images")
        if images.shape[1:] != (28, 28):
            raise _error(
                image_path, f"images are {images.shape[1:]}, expected (28, 28)"
            )
        if labels.max() > 9:
            bad = int(np.argmax(labels > 9))
            raise _error(
                label_path, f"label {labels[bad]} at index {bad} is outside 0..9"
            )
        if len(images) != len(labels):
            raise DataError(
                f"{image_path} has {len(images)} images but {label_path} "
                f"has {len(labels)} labels"
            )
        flat = images.reshape(len(images), -1).astype(np.float32)
        flat /= 255.0
        result[f"{split}_images"] = flat
        result[f"{split}_labels"] = labels.astype(np.int64)
    return result


# --------------------------------------------------------------------------
# 4-gram next-word data (.npy arrays + 250-word vocabulary)
# --------------------------------------------------------------------------

NGRAM_SPLITS = ("train", "valid", "test")


def _load_npy(path: Path) -> np.ndarray:
    """np.load without pickles, turning failures into DataError."""
    try:
        return np.load(path, allow_pickle=False)
    except FileNotFoundError:
        raise _error(path, "file not found") from None
    except (ValueError, OSError, EOFError) as exc:
        raise _error(path, f"not a readable .npy file ({exc})") from None


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
            vocab_path,
            f"expected a non-empty 1-D array of strings, found {vocab_array.dtype} "
            f"{vocab_array.shape}",
        )
    vocab = [str(word) for word in vocab_array]
    result: dict[str, Any] = {"vocab": vocab}
    for split in NGRAM_SPLITS:
        inputs_path = directory / f"{split}_inputs.npy"
        targets_path = directory / f"{split}_targets.npy"
        inputs = _load_npy(inputs_path)
        targets = _load_npy(targets_path)
        if inputs.dtype.kind not in "iu" or inputs.ndim != 2 or inputs.shape[1] != 3:
            raise _error(
                inputs_path,
                f"expected integers shaped (N, 3), found {inputs.dtype} {inputs.shape}",
            )
        if targets.dtype.kind not in "iu" or targets.ndim != 1:
            raise _error(
                targets_path,
                f"expected integers shaped (N,), found {targets.dtype} {targets.shape}",
            )
        if len(inputs) != len(targets):
            raise DataError(
                f"{inputs_path} has {len(inputs)} rows but {targets_path} has {len(targets)}"
            )
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


def load_glove(
    path: str | Path, vocab: Iterable[str] | None = None, dim: int | None = None
) -> tuple[dict[str, int], np.ndarray]:
    """Read GloVe vectors; return (word -> row index, float32 matrix (V, dim)).

    If `vocab` is given only those words are kept, which keeps the matrix
    small when a task needs a few thousand words. `dim` is the expected vector
    length; when None it is taken from the first line. A line with a different
    number of values raises DataError naming the line, the expected and the
    found dimension. If a word occurs twice its first vector is kept.
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
            raise _error(
                path, f"line {number}: expected dimension {dim}, found {found} values"
            )
        word = parts[0]
        if (wanted is not None and word not in wanted) or word in index:
            continue
        try:
            vector = np.array(parts[1:], dtype=np.float32)
        except ValueError:
            raise _error(
                path, f"line {number}: vector values are not all numbers"
            ) from None
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
            raise _error(
                path, f"bad header {','.join(header)!r}, expected ',tweet,label'"
            )
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
# Text helpers
# --------------------------------------------------------------------------

# A small English stop-word list. Negations (no, not, nor, dont, ...) are
# deliberately absent: they carry the sentiment in "do not take the vaccine".
_STOP_WORDS_TEXT = """
    a about above after again against all am an and any are as at be because
    been before being below between both but by can could did do does doing
    down during each few for from further had has have having he her here
    hers herself him himself his how i if im in into is it its itself ive
    just me more most my myself of off on once only or other our ours
    ourselves out over own same she should so some such than that thats the
    their theirs them themselves then there these they theyre this those
    through to too under until up very was we were weve what when where which
    while who whom why will with would you youre your yours yourself
    yourselves
"""
STOP_WORDS = frozenset(_STOP_WORDS_TEXT.split())

_URL = re.compile(r"https?://\S+|www\.\S+")
_MENTION = re.compile(r"@\w+")


class _PunctuationTable(dict):
    """A `str.translate` table: punctuation and symbols -> space.

    Letters, combining marks and digits are kept, so scripts such as Odia
    (whose vowel signs are marks, not letters) stay whole. Deleted outright:
    apostrophes, so "don't" becomes "dont" (a GloVe word); invisible format
    characters such as the zero-width joiner used inside Indic words; and
    emoji variation selectors. Entries are computed on first use of each
    character and cached.
    """

    def __missing__(self, code: int) -> int | str | None:
        char = chr(code)
        category = unicodedata.category(char)
        if char in "'\u2019\ufe0e\ufe0f" or category == "Cf":
            value: int | str | None = None
        elif category[0] in "LMN":
            value = code
        else:
            value = " "
        self[code] = value
        return value


_PUNCTUATION = _PunctuationTable()


def tokenize(text: str, remove_stopwords: bool = True) -> list[str]:
    """Split text into lower-case word tokens.

    HTML entities are decoded, URLs and @mentions removed, punctuation and
    symbols (including emoji and '#') turned into spaces, and, by default,
    the words in `STOP_WORDS` dropped. Works for non-Latin scripts too.
    """
    text = html.unescape(text).lower()
    text = _URL.sub(" ", text)
    text = _MENTION.sub(" ", text)
    tokens = text.translate(_PUNCTUATION).split()
    if remove_stopwords:
        tokens = [token for token in tokens if token not in STOP_WORDS]
    return tokens


def mean_vectors(
    token_lists: Sequence[Sequence[str]],
    word_index: Mapping[str, int],
    matrix: np.ndarray,
) -> np.ndarray:
    """Average the word vectors of each token list: a float32 (N, dim) array.

    Tokens missing from `word_index` are ignored; a text with no known token
    gets a zero vector.
    """
    matrix = np.asarray(matrix, dtype=np.float32)
    result = np.zeros((len(token_lists), matrix.shape[1]), dtype=np.float32)
    for i, tokens in enumerate(token_lists):
        rows = [word_index[token] for token in tokens if token in word_index]
        if rows:
            result[i] = matrix[rows].mean(axis=0)
    return result


def bag_of_words(
    token_lists: Sequence[Sequence[str]],
    vocab_size: int = 2000,
    vocab: Sequence[str] | None = None,
    normalize: bool = False,
) -> tuple[np.ndarray, list[str]]:
    """Count how often each vocabulary word occurs in each text.

    Without `vocab`, the vocabulary is the `vocab_size` most frequent tokens
    of `token_lists` (ties broken alphabetically, so it is reproducible).
    Pass the returned vocabulary back in to encode validation or test texts
    with the same columns. Returns (float32 (N, V) matrix, vocabulary list);
    with `normalize=True` each non-empty row is divided by its sum (term
    frequencies). Useful where GloVe has no vectors (e.g. Odia text). The
    matrix is dense: N x V x 4 bytes, so keep V modest.
    """
    if vocab is None:
        counts = Counter(token for tokens in token_lists for token in tokens)
        ranked = sorted(counts.items(), key=lambda item: (-item[1], item[0]))
        vocab = [word for word, _ in ranked[:vocab_size]]
    vocab = list(vocab)
    column = {word: j for j, word in enumerate(vocab)}
    rows: list[int] = []
    cols: list[int] = []
    for i, tokens in enumerate(token_lists):
        for token in tokens:
            j = column.get(token)
            if j is not None:
                rows.append(i)
                cols.append(j)
    matrix = np.zeros((len(token_lists), len(vocab)), dtype=np.float32)
    np.add.at(
        matrix, (np.array(rows, dtype=np.int64), np.array(cols, dtype=np.int64)), 1.0
    )
    if normalize:
        totals = matrix.sum(axis=1, keepdims=True)
        np.divide(matrix, totals, out=matrix, where=totals > 0)
    return matrix, vocab


# --------------------------------------------------------------------------
# Splitting
# --------------------------------------------------------------------------


def train_val_split(
    n: int, val_fraction: float, seed: int
) -> tuple[np.ndarray, np.ndarray]:
    """Split indices 0..n-1 at random into (train_idx, val_idx), both sorted int64.

    `round(n * val_fraction)` indices go to validation. The same seed always
    gives the same split, so runs are comparable.
    """
    if not 0.0 <= val_fraction < 1.0:
        raise ValueError(f"val_fraction must be in [0, 1), got {val_fraction}")
    order = np.random.default_rng(seed).permutation(n)
    n_val = round(n * val_fraction)
    return np.sort(order[n_val:]).astype(np.int64), np.sort(order[:n_val]).astype(
        np.int64
    )
