"""Tests for tasks/data.py and tasks/text.py: small hand-made files (valid and
corrupt) plus, when ../shared/data exists next to the repository, checks on
the real data against the counts documented in its PROVENANCE.md."""

from __future__ import annotations

import gzip
import struct
import time
from collections import Counter
from pathlib import Path

import numpy as np
import pytest

from tasks import data, text
from tasks.data import DataError

# --------------------------------------------------------------------------
# helpers that write small files
# --------------------------------------------------------------------------


def idx_bytes(array: np.ndarray, magic: int | None = None) -> bytes:
    """Serialize a uint8 array in IDX format (magic from its number of dimensions)."""
    if magic is None:
        magic = {3: 2051, 1: 2049}[array.ndim]
    header = struct.pack(f">i{array.ndim}i", magic, *array.shape)
    return header + array.astype(np.uint8).tobytes()


def write_gz(path: Path, payload: bytes) -> Path:
    path.write_bytes(gzip.compress(payload))
    return path


def write_mnist(
    directory: Path, train_labels: list[int] | None = None, n_train: int = 3, n_test: int = 2, size: int = 28
) -> None:
    """Write the four MNIST files with tiny random images."""
    rng = np.random.default_rng(0)
    labels = {"train": train_labels or [5, 0, 4][:n_train], "test": [7, 2][:n_test]}
    counts = {"train": n_train, "test": n_test}
    for split, (image_name, label_name) in data.MNIST_FILES.items():
        images = rng.integers(0, 256, size=(counts[split], size, size), dtype=np.uint8)
        images[0, 0, 0], images[0, 0, 1] = 0, 255
        write_gz(directory / image_name, idx_bytes(images))
        write_gz(directory / label_name, idx_bytes(np.array(labels[split], dtype=np.uint8)))


def write_ngram(directory: Path, vocab_size: int = 5, n: int = 4) -> None:
    rng = np.random.default_rng(0)
    np.save(directory / "vocab.npy", np.array([f"w{i}" for i in range(vocab_size)]))
    for split in data.NGRAM_SPLITS:
        np.save(directory / f"{split}_inputs.npy", rng.integers(0, vocab_size, (n, 3)).astype(np.int32))
        np.save(directory / f"{split}_targets.npy", rng.integers(0, vocab_size, n).astype(np.int32))


# --------------------------------------------------------------------------
# finding the data folder
# --------------------------------------------------------------------------


@pytest.fixture
def locations(tmp_path, monkeypatch):
    """A default location (absent at first) and a data folder holding mnist/ with its four files."""
    monkeypatch.delenv(data.DATA_ENV_VAR, raising=False)
    monkeypatch.setattr(data, "SHARED_DATA", tmp_path / "shared")
    given = tmp_path / "given"
    (given / "mnist").mkdir(parents=True)
    for name in data.MNIST_FILE_NAMES:
        (given / "mnist" / name).write_bytes(b"")
    return tmp_path


def find_mnist(data_dir):
    return data.find_dataset("mnist", data.MNIST_FILE_NAMES, data_dir, "the stand-in")


def test_find_dataset_option_then_env_then_default(locations, monkeypatch):
    assert find_mnist(str(locations / "given")) == locations / "given" / "mnist"
    monkeypatch.setenv(data.DATA_ENV_VAR, str(locations / "given"))
    assert find_mnist(None) == locations / "given" / "mnist"
    monkeypatch.delenv(data.DATA_ENV_VAR)
    (locations / "given").rename(locations / "shared")
    assert find_mnist(None) == locations / "shared" / "mnist"


def test_find_dataset_falls_back_only_without_a_location(locations, capsys):
    assert find_mnist(None) is None  # nothing given, ../shared/data absent
    assert capsys.readouterr().out == (
        f"[data] no data location given (--data-dir, $AUTOGRAD_DATA) and "
        f"{locations / 'shared'}/ is absent: running on the stand-in\n"
    )
    (locations / "shared").mkdir()
    assert find_mnist(None) is None and "shared/ has no mnist/" in capsys.readouterr().out


@pytest.mark.parametrize("how", ["option", "env"])
def test_find_dataset_given_location_must_exist(locations, monkeypatch, how):
    typo = str(locations / "giveen")
    if how == "env":
        monkeypatch.setenv(data.DATA_ENV_VAR, typo)
    given_by = "--data-dir" if how == "option" else r"\$AUTOGRAD_DATA"
    with pytest.raises(DataError, match=rf"giveen: data folder not found \(given by {given_by}\)"):
        find_mnist(typo if how == "option" else None)


def test_find_dataset_names_what_is_missing(locations):
    with pytest.raises(DataError, match=r"given/mnist: no mnist/ folder in this data folder \(given by --data-dir\)"):
        find_mnist(str(locations / "given" / "mnist"))  # the data set's own folder instead of the one holding it
    (locations / "given" / "mnist" / "t10k-labels-idx1-ubyte.gz").unlink()
    with pytest.raises(DataError, match=r"given/mnist: missing t10k-labels-idx1-ubyte\.gz$"):
        find_mnist(str(locations / "given"))
    (locations / "plain-file").write_text("x")
    with pytest.raises(DataError, match=r"plain-file: not a folder \(given by --data-dir\)"):
        find_mnist(str(locations / "plain-file"))


def test_find_dataset_incomplete_default_is_an_error_too(locations):
    (locations / "given").rename(locations / "shared")
    (locations / "shared" / "mnist" / "train-images-idx3-ubyte.gz").unlink()
    with pytest.raises(DataError, match=r"shared/mnist: missing train-images-idx3-ubyte\.gz"):
        find_mnist(None)


# --------------------------------------------------------------------------
# IDX / MNIST
# --------------------------------------------------------------------------


def test_load_idx_reads_images_and_labels(tmp_path):
    images = np.arange(2 * 3 * 4, dtype=np.uint8).reshape(2, 3, 4)
    labels = np.array([1, 2], dtype=np.uint8)
    got_images = data.load_idx(write_gz(tmp_path / "img.gz", idx_bytes(images)))
    got_labels = data.load_idx(write_gz(tmp_path / "lab.gz", idx_bytes(labels)))
    assert got_images.dtype == np.uint8 and np.array_equal(got_images, images)
    assert np.array_equal(got_labels, labels)
    got_images[0, 0, 0] = 9  # a normal, writable array


def test_load_idx_bad_magic(tmp_path):
    path = write_gz(tmp_path / "bad-magic.gz", idx_bytes(np.zeros(3, np.uint8), magic=1234))
    with pytest.raises(DataError, match=r"bad-magic\.gz.*bad magic number 1234"):
        data.load_idx(path)


def test_load_idx_truncated_data(tmp_path):
    payload = idx_bytes(np.zeros((4, 28, 28), np.uint8))[:-100]
    path = write_gz(tmp_path / "short-images.gz", payload)
    with pytest.raises(DataError, match=r"short-images\.gz.*truncated.*3136.*found only 3036"):
        data.load_idx(path)


def test_load_idx_truncated_header(tmp_path):
    path = write_gz(tmp_path / "stub.gz", struct.pack(">ii", 2051, 10))
    with pytest.raises(DataError, match=r"stub\.gz.*truncated header"):
        data.load_idx(path)


def test_load_idx_trailing_bytes(tmp_path):
    path = write_gz(tmp_path / "long.gz", idx_bytes(np.zeros(3, np.uint8)) + b"xx")
    with pytest.raises(DataError, match=r"long\.gz.*2 unexpected bytes"):
        data.load_idx(path)


def test_load_idx_not_gzip(tmp_path):
    path = tmp_path / "plain.gz"
    path.write_bytes(idx_bytes(np.zeros(3, np.uint8)))
    with pytest.raises(DataError, match=r"plain\.gz.*not a valid gzip file"):
        data.load_idx(path)


def test_load_idx_cut_off_gzip_stream(tmp_path):
    compressed = gzip.compress(idx_bytes(np.arange(5000, dtype=np.uint8) % 7))
    path = tmp_path / "cut.gz"
    path.write_bytes(compressed[: len(compressed) // 2])
    with pytest.raises(DataError, match=r"cut\.gz.*truncated or corrupt gzip"):
        data.load_idx(path)


def test_load_idx_missing_file(tmp_path):
    with pytest.raises(DataError, match=r"nothing\.gz.*file not found"):
        data.load_idx(tmp_path / "nothing.gz")


def test_load_mnist_small(tmp_path):
    write_mnist(tmp_path)
    mnist = data.load_mnist(tmp_path)
    assert set(mnist) == {"train_images", "train_labels", "test_images", "test_labels"}
    assert mnist["train_images"].shape == (3, 784) and mnist["test_images"].shape == (2, 784)
    assert mnist["train_images"].dtype == np.float32
    assert mnist["train_images"][0, 0] == 0.0 and mnist["train_images"][0, 1] == 1.0
    assert 0.0 <= mnist["train_images"].min() and mnist["train_images"].max() <= 1.0
    assert mnist["train_labels"].dtype == np.int64
    assert mnist["train_labels"].tolist() == [5, 0, 4]
    assert mnist["test_labels"].tolist() == [7, 2]


def test_load_mnist_label_out_of_range(tmp_path):
    write_mnist(tmp_path, train_labels=[5, 12, 4])
    with pytest.raises(DataError, match=r"train-labels-idx1-ubyte\.gz.*label 12 at index 1"):
        data.load_mnist(tmp_path)


def test_load_mnist_count_mismatch(tmp_path):
    write_mnist(tmp_path)
    write_gz(tmp_path / "t10k-labels-idx1-ubyte.gz", idx_bytes(np.array([1, 2, 3], np.uint8)))
    with pytest.raises(DataError, match=r"t10k-images.*2 images.*t10k-labels.*3 labels"):
        data.load_mnist(tmp_path)


def test_load_mnist_wrong_image_size(tmp_path):
    write_mnist(tmp_path, size=8)
    with pytest.raises(DataError, match=r"train-images-idx3-ubyte\.gz.*\(8, 8\)"):
        data.load_mnist(tmp_path)


def test_load_mnist_missing_file(tmp_path):
    write_mnist(tmp_path)
    (tmp_path / "t10k-images-idx3-ubyte.gz").unlink()
    with pytest.raises(DataError, match=r"t10k-images-idx3-ubyte\.gz.*file not found"):
        data.load_mnist(tmp_path)


# --------------------------------------------------------------------------
# 4-gram data
# --------------------------------------------------------------------------


def test_load_ngram_small(tmp_path):
    write_ngram(tmp_path)
    ngram = data.load_ngram(tmp_path)
    assert ngram["vocab"] == ["w0", "w1", "w2", "w3", "w4"]
    for split in data.NGRAM_SPLITS:
        assert ngram[f"{split}_inputs"].shape == (4, 3)
        assert ngram[f"{split}_inputs"].dtype == np.int64
        assert ngram[f"{split}_targets"].shape == (4,)
        assert ngram[f"{split}_targets"].dtype == np.int64


def test_load_ngram_index_out_of_range(tmp_path):
    write_ngram(tmp_path)
    inputs = np.zeros((4, 3), np.int32)
    inputs[2, 1] = 5
    np.save(tmp_path / "valid_inputs.npy", inputs)
    with pytest.raises(DataError, match=r"valid_inputs\.npy.*word index 5 in row 2.*0\.\.4"):
        data.load_ngram(tmp_path)


def test_load_ngram_wrong_shape(tmp_path):
    write_ngram(tmp_path)
    np.save(tmp_path / "train_inputs.npy", np.zeros((4, 4), np.int32))
    with pytest.raises(DataError, match=r"train_inputs\.npy.*\(N, 3\).*\(4, 4\)"):
        data.load_ngram(tmp_path)


def test_load_ngram_length_mismatch(tmp_path):
    write_ngram(tmp_path)
    np.save(tmp_path / "test_targets.npy", np.zeros(3, np.int32))
    with pytest.raises(DataError, match=r"test_inputs\.npy has 4 rows.*test_targets\.npy has 3"):
        data.load_ngram(tmp_path)


def test_load_ngram_not_npy(tmp_path):
    write_ngram(tmp_path)
    (tmp_path / "vocab.npy").write_text("hello")
    with pytest.raises(DataError, match=r"vocab\.npy: not a \.npy file") as info:
        data.load_ngram(tmp_path)
    assert "pickle" not in str(info.value)


def test_load_ngram_object_array_is_refused_without_mentioning_pickles(tmp_path):
    write_ngram(tmp_path)
    np.save(tmp_path / "vocab.npy", np.array(["a", 1, None], dtype=object), allow_pickle=True)
    with pytest.raises(DataError, match=r"vocab\.npy: holds Python objects") as info:
        data.load_ngram(tmp_path)
    assert "pickle" not in str(info.value)


def test_load_ngram_truncated_npy(tmp_path):
    write_ngram(tmp_path)
    raw = (tmp_path / "train_inputs.npy").read_bytes()
    (tmp_path / "train_inputs.npy").write_bytes(raw[:-10])
    with pytest.raises(DataError, match=r"train_inputs\.npy: truncated or corrupt \.npy data") as info:
        data.load_ngram(tmp_path)
    assert "pickle" not in str(info.value)


# --------------------------------------------------------------------------
# TAB-separated labelled text
# --------------------------------------------------------------------------


def test_load_labelled_text(tmp_path):
    path = tmp_path / "tiny.train.txt"
    path.write_text("good hotel\tpos.tru\nodd\ttext\t\tsports\nbad, bad\tneg.dec\n", encoding="utf-8")
    texts, labels = data.load_labelled_text(path)
    assert texts == ["good hotel", "odd\ttext\t", "bad, bad"]
    assert labels == ["pos.tru", "sports", "neg.dec"]


def test_load_labelled_text_without_final_newline_and_crlf(tmp_path):
    path = tmp_path / "crlf.txt"
    path.write_bytes(b"a b\tx\r\nc\ty")
    assert data.load_labelled_text(path) == (["a b", "c"], ["x", "y"])


def test_load_labelled_text_line_without_tab(tmp_path):
    path = tmp_path / "notab.txt"
    path.write_text("fine\tpos\nno tab here\n", encoding="utf-8")
    with pytest.raises(DataError, match=r"notab\.txt: line 2: no TAB"):
        data.load_labelled_text(path)


def test_load_labelled_text_empty_line(tmp_path):
    path = tmp_path / "blank.txt"
    path.write_text("fine\tpos\n\nmore\tneg\n", encoding="utf-8")
    with pytest.raises(DataError, match=r"blank\.txt: line 2: empty line"):
        data.load_labelled_text(path)


def test_load_labelled_text_empty_label(tmp_path):
    path = tmp_path / "nolabel.txt"
    path.write_text("fine\tpos\nmissing label\t\n", encoding="utf-8")
    with pytest.raises(DataError, match=r"nolabel\.txt: line 2: empty label"):
        data.load_labelled_text(path)


def test_load_labelled_text_bad_utf8(tmp_path):
    path = tmp_path / "latin1.txt"
    path.write_bytes("ok\tpos\ncaf\u00e9\tneg\n".encode("latin-1"))
    with pytest.raises(DataError, match=r"latin1\.txt: line 2: not valid UTF-8"):
        data.load_labelled_text(path)


# --------------------------------------------------------------------------
# GloVe
# --------------------------------------------------------------------------

GLOVE_TEXT = "the 0.1 0.2 0.3\n, 1 2 3\ncat -1.5 0 2.25\nthe 9 9 9\n"


def test_load_glove(tmp_path):
    path = tmp_path / "vectors.txt"
    path.write_text(GLOVE_TEXT, encoding="utf-8")
    index, matrix = data.load_glove(path)
    assert index == {"the": 0, ",": 1, "cat": 2}  # duplicate "the" keeps the first vector
    assert matrix.dtype == np.float32 and matrix.shape == (3, 3)
    np.testing.assert_array_equal(matrix[2], np.array([-1.5, 0, 2.25], np.float32))


def test_load_glove_vocab_filter(tmp_path):
    path = tmp_path / "vectors.txt"
    path.write_text(GLOVE_TEXT, encoding="utf-8")
    index, matrix = data.load_glove(path, vocab=iter(["cat", "dog"]), dim=3)
    assert index == {"cat": 0}
    np.testing.assert_array_equal(matrix, np.array([[-1.5, 0, 2.25]], np.float32))
    index, matrix = data.load_glove(path, vocab=[])
    assert index == {} and matrix.shape == (0, 3)


def test_load_glove_wrong_dimension(tmp_path):
    path = tmp_path / "broken-vectors.txt"
    path.write_text("the 0.1 0.2 0.3\n, 1 2 3\ncat 1 2\n", encoding="utf-8")
    with pytest.raises(DataError, match=r"broken-vectors\.txt: line 3: expected dimension 3, found 2"):
        data.load_glove(path)


def test_load_glove_explicit_dim_checked_on_first_line(tmp_path):
    path = tmp_path / "vectors.txt"
    path.write_text(GLOVE_TEXT, encoding="utf-8")
    with pytest.raises(DataError, match=r"vectors\.txt: line 1: expected dimension 50, found 3"):
        data.load_glove(path, dim=50)


def test_load_glove_non_numeric(tmp_path):
    path = tmp_path / "vectors.txt"
    path.write_text("the 0.1 0.2\ncat 1 oops\n", encoding="utf-8")
    with pytest.raises(DataError, match=r"vectors\.txt: line 2: .*not all numbers"):
        data.load_glove(path)


@pytest.mark.parametrize("value", ["nan", "inf", "-Infinity", "1e39"])
def test_load_glove_non_finite_values(tmp_path, value):
    path = tmp_path / "vectors.txt"
    path.write_text(f"the 0.1 0.2\ncat 1 {value}\n", encoding="utf-8")
    with pytest.raises(DataError, match=rf"vectors\.txt: line 2: value '{value}' is not a finite float32"):
        data.load_glove(path, vocab=["the"])  # every line is checked, kept or not


def test_load_glove_empty_file(tmp_path):
    path = tmp_path / "empty.txt"
    path.write_text("", encoding="utf-8")
    with pytest.raises(DataError, match=r"empty\.txt: file is empty"):
        data.load_glove(path)


# --------------------------------------------------------------------------
# vaccine tweets CSV
# --------------------------------------------------------------------------


def test_load_vaccine(tmp_path):
    path = tmp_path / "tweets.csv"
    path.write_text(
        ',tweet,label\n0,plain tweet,0\n1,"with, comma and ""quotes""",2\n2,"two\nlines",1\n', encoding="utf-8"
    )
    texts, labels = data.load_vaccine(path)
    assert texts == ["plain tweet", 'with, comma and "quotes"', "two\nlines"]
    assert labels.dtype == np.int64 and labels.tolist() == [0, 2, 1]


def test_load_vaccine_bad_label(tmp_path):
    path = tmp_path / "tweets.csv"
    path.write_text(",tweet,label\n0,fine,0\n1,not fine,3\n", encoding="utf-8")
    with pytest.raises(DataError, match=r"tweets\.csv: row 2 \(line 3\): label '3' is not 0, 1 or 2"):
        data.load_vaccine(path)


def test_load_vaccine_bad_header(tmp_path):
    path = tmp_path / "tweets.csv"
    path.write_text("id,text,label\n0,fine,0\n", encoding="utf-8")
    with pytest.raises(DataError, match=r"tweets\.csv: bad header 'id,text,label'"):
        data.load_vaccine(path)


def test_load_vaccine_wrong_field_count(tmp_path):
    path = tmp_path / "tweets.csv"
    path.write_text(",tweet,label\n0,fine,0\n1,unquoted, comma,1\n", encoding="utf-8")
    with pytest.raises(DataError, match=r"tweets\.csv: row 2 \(line 3\): expected 3 fields, found 4"):
        data.load_vaccine(path)


def test_load_vaccine_header_only(tmp_path):
    path = tmp_path / "tweets.csv"
    path.write_text(",tweet,label\n", encoding="utf-8")
    with pytest.raises(DataError, match=r"tweets\.csv: no data rows"):
        data.load_vaccine(path)


# --------------------------------------------------------------------------
# text features (tasks/text.py) and splitting
# --------------------------------------------------------------------------


def test_tokenize_cleans_tweets():
    tweet = "RT @CDCgov: Vaccines WORK!!! See https://t.co/abc &amp; www.cdc.gov #VaccinesWork \u2764\ufe0f"
    assert text.tokenize(tweet) == ["rt", "vaccines", "work", "see", "vaccineswork"]


def test_tokenize_stop_words_and_negations():
    assert text.tokenize("I don't think it is safe") == ["dont", "think", "safe"]
    assert text.tokenize("It is NOT safe", remove_stopwords=False) == ["it", "is", "not", "safe"]
    assert "not" not in text.STOP_WORDS and "the" in text.STOP_WORDS


def test_tokenize_keeps_odia_words_whole():
    odia = " ଅବସର ପାଇଁ ଚିନ୍ତା ନାହିଁ: ମାତ୍ର ୩୩% ଲୋକ"
    assert text.tokenize(odia) == ["ଅବସର", "ପାଇଁ", "ଚିନ୍ତା", "ନାହିଁ", "ମାତ୍ର", "୩୩", "ଲୋକ"]


def test_mean_vectors():
    index = {"a": 0, "b": 1}
    matrix = np.array([[1.0, 2.0], [3.0, 6.0]])
    result = text.mean_vectors([["a", "b", "zzz"], ["zzz"], [], ["b"]], index, matrix)
    assert result.dtype == np.float32
    np.testing.assert_allclose(result, [[2.0, 4.0], [0.0, 0.0], [0.0, 0.0], [3.0, 6.0]])


def test_bag_of_words_counts_and_reuses_vocab():
    docs = [["b", "a", "b"], ["c", "a"], ["b"]]
    matrix, vocab = text.bag_of_words(docs, vocab_size=2)
    assert vocab == ["b", "a"]  # most frequent first
    assert matrix.dtype == np.float32
    np.testing.assert_array_equal(matrix, [[2, 1], [0, 1], [1, 0]])
    other, same_vocab = text.bag_of_words([["a", "x"], []], vocab=vocab)
    assert same_vocab == vocab
    np.testing.assert_array_equal(other, [[0, 1], [0, 0]])
    tf, _ = text.bag_of_words(docs, vocab=vocab, normalize=True)
    np.testing.assert_allclose(tf, [[2 / 3, 1 / 3], [0, 1], [1, 0]])


def test_bag_of_words_ties_are_alphabetical():
    _, vocab = text.bag_of_words([["z", "y", "x"]], vocab_size=2)
    assert vocab == ["x", "y"]


def test_read_json_names_the_file_and_the_fault(tmp_path):
    path = tmp_path / "metrics.json"
    path.write_text('{"a": [1, 2')
    with pytest.raises(DataError, match=r"metrics\.json: not valid JSON: .*\(truncated\?\)"):
        data.read_json(path)
    path.write_text("[" * 100_000 + "]" * 100_000)
    with pytest.raises(DataError, match=r"metrics\.json: JSON nested too deeply to read"):
        data.read_json(path)
    path.write_text('{"a": NaN}')
    with pytest.raises(DataError, match=r"metrics\.json: not valid JSON: NaN is not valid JSON"):
        data.read_json(path)
    path.write_text(" " * 2000 + "{}")
    with pytest.raises(DataError, match=r"metrics\.json: 2,002 bytes, more than the 1,000"):
        data.read_json(path, max_bytes=1000)
    assert data.read_json(path) == {}


def test_train_val_split():
    train, val = data.train_val_split(100, 0.2, seed=3)
    assert len(train) == 80 and len(val) == 20
    assert train.dtype == np.int64
    assert sorted(np.concatenate([train, val]).tolist()) == list(range(100))
    again_train, again_val = data.train_val_split(100, 0.2, seed=3)
    assert np.array_equal(train, again_train) and np.array_equal(val, again_val)
    assert not np.array_equal(val, data.train_val_split(100, 0.2, seed=4)[1])
    assert len(data.train_val_split(10, 0.0, seed=0)[1]) == 0
    with pytest.raises(ValueError):
        data.train_val_split(10, 1.0, seed=0)


# --------------------------------------------------------------------------
# real data (skipped when ../shared/data is absent)
# --------------------------------------------------------------------------

REAL_DATA = Path(__file__).resolve().parents[1].parent / "shared" / "data"


def real(name: str) -> Path:
    """Return a real data subfolder, skipping the test if it is not there."""
    folder = REAL_DATA / name
    if not folder.is_dir():
        pytest.skip(f"real data not found at {folder}")
    return folder


def test_real_mnist():
    mnist = data.load_mnist(real("mnist"))
    assert mnist["train_images"].shape == (60000, 784)
    assert mnist["test_images"].shape == (10000, 784)
    assert mnist["train_labels"][:5].tolist() == [5, 0, 4, 1, 9]
    assert mnist["test_labels"][:5].tolist() == [7, 2, 1, 0, 4]
    assert np.bincount(mnist["train_labels"]).tolist() == [5923, 6742, 5958, 6131, 5842, 5421, 5918, 6265, 5851, 5949]
    assert np.bincount(mnist["test_labels"]).tolist() == [980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009]
    assert abs(float(mnist["train_images"].mean()) - 0.1307) < 1e-3


def test_real_ngram():
    ngram = data.load_ngram(real("ngram4"))
    assert ngram["train_inputs"].shape == (372500, 3)
    assert ngram["train_targets"].shape == (372500,)
    for split in ("valid", "test"):
        assert ngram[f"{split}_inputs"].shape == (46500, 3)
        assert ngram[f"{split}_targets"].shape == (46500,)
    assert len(ngram["vocab"]) == 250
    assert ngram["vocab"][:5] == ["all", "set", "just", "show", "being"]


def test_real_vaccine():
    folder = real("vaccine_tweets")
    texts, labels = data.load_vaccine(folder / "vaccine_train_set.csv")
    assert len(texts) == len(labels) == 15976
    assert Counter(labels.tolist()) == {0: 7458, 1: 2073, 2: 6445}
    texts, labels = data.load_vaccine(folder / "vaccine_validation_set.csv")
    assert len(texts) == 2282
    assert Counter(labels.tolist()) == {0: 1065, 1: 296, 2: 921}


@pytest.mark.parametrize(
    ("name", "counts"),
    [
        ("4dim.train.txt", {"pos.dec": 392, "pos.tru": 385, "neg.dec": 392, "neg.tru": 391}),
        ("odiya.train.txt", {"business": 4613, "entertainment": 3666, "sports": 6921}),
        ("questions.train.txt", {"0": 855, "1": 929, "2": 65, "3": 926, "4": 639, "5": 675}),
        ("products.val_sample.txt", {"pos": 3844, "neg": 2670}),
    ],
)
def test_real_csci662(name, counts):
    texts, labels = data.load_labelled_text(real("csci662") / name)
    assert len(texts) == sum(counts.values())
    assert Counter(labels) == counts


def test_real_odiya_lines_with_extra_tab():
    texts, labels = data.load_labelled_text(real("csci662") / "odiya.train.txt")
    for i in (415, 4479, 9366, 9384):  # 0-based lines with a tab inside the text
        assert "\t" in texts[i]
        assert labels[i] in {"business", "entertainment", "sports"}


def test_real_glove():
    path = real("glove") / "glove.6B.50d.subset.txt"
    start = time.perf_counter()
    index, matrix = data.load_glove(path, dim=50)
    assert time.perf_counter() - start < 10
    assert len(index) == 39604 and matrix.shape == (39604, 50)
    assert index["the"] == 0
    np.testing.assert_allclose(matrix[0, :3], [0.418, 0.24968, -0.41242], rtol=1e-6)
    small_index, small = data.load_glove(path, vocab=["vaccine", "the", "notawordatall"])
    assert set(small_index) == {"vaccine", "the"}
    np.testing.assert_array_equal(small[small_index["vaccine"]], matrix[index["vaccine"]])
