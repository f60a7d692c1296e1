# ---- loaders and task CLIs
"""Bad input to the task scripts: each ends with exit status 2 and one line on stderr naming the file and the fault.

Every case runs a task in-process through its `main(argv)` on small files
written here (a valid copy of each data set, then one file broken): missing
or incomplete data folders, corrupt, truncated, ragged and NaN/Inf data files,
labels out of range, an `--out` that cannot be written, truncated or foreign
model files, deeply nested or oversized JSON, and option values out of range.
Each checks the message (the file and what is wrong with it), not only that
something was raised, and that no traceback is printed.
"""

from __future__ import annotations

import csv
import gzip
import json
import struct
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from tasks import data, mlp_mnist, next_word, relu_mse, softmax_ce, text_classify, two_layer_softplus, vaccine_tweets

TaskMain = Callable[[list[str]], Any]


def fails(capsys: pytest.CaptureFixture[str], task: Any, argv: list[str], *needles: str) -> str:
    """Run `task.main(argv)`: it must exit with status 2 and one stderr line holding every needle."""
    with pytest.raises(SystemExit) as exit_:
        task.main(argv)
    err = capsys.readouterr().err
    assert exit_.value.code == 2, err
    assert "Traceback" not in err
    lines = err.strip().splitlines()
    ours = not lines[0].startswith("usage:")  # argparse prints its usage block, then the one error line
    assert len(lines) == 1 or not ours, err
    for needle in needles:
        assert needle in lines[-1], (needle, lines[-1])
    return lines[-1]


# ----------------------------------------------------------------------------- small valid data sets


def idx(array: np.ndarray) -> bytes:
    magic = {3: 2051, 1: 2049}[array.ndim]
    return struct.pack(f">i{array.ndim}i", magic, *array.shape) + array.astype(np.uint8).tobytes()


def write_mnist(folder: Path, n: int = 30) -> None:
    rng = np.random.default_rng(0)
    folder.mkdir(parents=True)
    for images, labels in data.MNIST_FILES.values():
        (folder / images).write_bytes(gzip.compress(idx(rng.integers(0, 256, (n, 28, 28)))))
        (folder / labels).write_bytes(gzip.compress(idx(rng.integers(0, 10, n))))


def write_ngram(folder: Path) -> None:
    folder.mkdir(parents=True)
    rng = np.random.default_rng(0)
    np.save(folder / "vocab.npy", np.array([f"w{i}" for i in range(6)]))
    for split in data.NGRAM_SPLITS:
        np.save(folder / f"{split}_inputs.npy", rng.integers(0, 6, (40, 3)).astype(np.int32))
        np.save(folder / f"{split}_targets.npy", rng.integers(0, 6, 40).astype(np.int32))


WORDS = ["good", "bad", "vaccine", "safe", "danger", "the", "news"]


def write_glove(folder: Path) -> Path:
    folder.mkdir(parents=True)
    rng = np.random.default_rng(0)
    path = folder / data.GLOVE_FILE
    path.write_text("".join(f"{w} " + " ".join(f"{v:.3f}" for v in rng.normal(size=4)) + "\n" for w in WORDS))
    return path


def write_csci662(folder: Path) -> None:
    folder.mkdir(parents=True)
    rng = np.random.default_rng(0)
    for name in data.CSCI662_FILES.values():
        rows = [(" ".join(rng.choice(WORDS, 4)), str(rng.choice(["a", "b"]))) for _ in range(30)]
        (folder / name).write_text("".join(f"{t}\t{c}\n" for t, c in rows), encoding="utf-8")


def write_vaccine(folder: Path) -> None:
    folder.mkdir(parents=True)
    rng = np.random.default_rng(0)
    for name in data.VACCINE_FILES.values():
        with open(folder / name, "w", newline="", encoding="utf-8") as f:
            writer = csv.writer(f)
            writer.writerow(["", "tweet", "label"])
            writer.writerows([i, " ".join(rng.choice(WORDS, 5)), i % 3] for i in range(30))


@pytest.fixture
def root(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A data folder with a small valid copy of every data set (and no default location to fall back on)."""
    monkeypatch.delenv(data.DATA_ENV_VAR, raising=False)
    monkeypatch.setattr(data, "SHARED_DATA", tmp_path / "no-shared-data")
    d = tmp_path / "data"
    write_mnist(d / "mnist")
    write_ngram(d / "ngram4")
    write_glove(d / "glove")
    write_csci662(d / "csci662")
    write_vaccine(d / "vaccine_tweets")
    return d


def quick(root: Path, tmp_path: Path, *more: str) -> list[str]:
    return ["--quick", "--data-dir", str(root), "--out", str(tmp_path / "out"), *more]


TEXT_ONLY = ["--datasets", "4dim", "--activations", "relu", "--l2", "off"]
DATA_TASKS = [(mlp_mnist, ["--part", "mnist"]), (next_word, []), (text_classify, TEXT_ONLY), (vaccine_tweets, [])]


# ----------------------------------------------------------------------------- where the data is


@pytest.mark.parametrize(("task", "extra"), DATA_TASKS)
def test_given_data_dir_that_does_not_exist(task, extra, root, tmp_path, capsys):
    line = fails(capsys, task, quick(tmp_path / "typo", tmp_path, *extra), "typo: data folder not found",
                 "(given by --data-dir)")
    assert not (tmp_path / "out" / "metrics.json").exists() and line.startswith(f"python -m tasks.{task.__name__[6:]}")


@pytest.mark.parametrize(("task", "extra"), DATA_TASKS)
def test_autograd_data_that_does_not_exist(task, extra, root, tmp_path, capsys, monkeypatch):
    monkeypatch.setenv(data.DATA_ENV_VAR, str(tmp_path / "elsewhere"))
    fails(capsys, task, ["--quick", "--out", str(tmp_path / "out"), *extra], "elsewhere: data folder not found",
          "(given by $AUTOGRAD_DATA)")


@pytest.mark.parametrize(("task", "extra", "subdir"), [(mlp_mnist, ["--part", "mnist"], "mnist"),
                                                       (next_word, [], "ngram4"), (text_classify, TEXT_ONLY, "csci662"),
                                                       (vaccine_tweets, [], "vaccine_tweets")])
def test_given_data_dir_without_the_data_set(task, extra, subdir, root, tmp_path, capsys):
    empty = tmp_path / "empty"
    empty.mkdir()
    fails(capsys, task, quick(empty, tmp_path, *extra), f"empty: no {subdir}/ folder in this data folder")
    fails(capsys, task, quick(root / subdir, tmp_path, *extra), f"{subdir}: no {subdir}/ folder")  # one level too deep


def test_given_data_dir_that_is_a_file(root, tmp_path, capsys):
    (tmp_path / "a-file").write_text("x")
    fails(capsys, next_word, quick(tmp_path / "a-file", tmp_path), "a-file: not a folder (given by --data-dir)")


@pytest.mark.parametrize(("task", "extra", "missing"), [
    (mlp_mnist, ["--part", "mnist"], "mnist/t10k-labels-idx1-ubyte.gz"),
    (next_word, [], "ngram4/valid_targets.npy"),
    (text_classify, TEXT_ONLY, "csci662/4dim.train.txt"),
    (text_classify, TEXT_ONLY, "glove/glove.6B.50d.subset.txt"),
    (vaccine_tweets, [], "vaccine_tweets/vaccine_validation_set.csv"),
    (vaccine_tweets, [], "glove/glove.6B.50d.subset.txt")])
def test_data_set_folder_missing_a_file(task, extra, missing, root, tmp_path, capsys):
    (root / missing).unlink()
    folder, name = missing.split("/")
    fails(capsys, task, quick(root, tmp_path, *extra), f"{folder}: missing {name}")


def test_default_data_runs_only_without_a_location_and_says_so(root, tmp_path, capsys):
    m = next_word.main(["--quick", "--out", str(tmp_path / "out"), "--epochs", "1"])
    out = capsys.readouterr().out
    assert m["data"] == "generated" and sum(line.startswith("[data]") for line in out.splitlines()) == 1


# ----------------------------------------------------------------------------- corrupt data files


IMAGES = idx(np.zeros((30, 28, 28)))
GZ_IMAGES = gzip.compress(IMAGES)


@pytest.mark.parametrize(("name", "payload", "fault"), [
    ("train-images-idx3-ubyte.gz", GZ_IMAGES[: len(GZ_IMAGES) // 2], "truncated or corrupt gzip data"),
    ("train-images-idx3-ubyte.gz", IMAGES, "not a valid gzip file"),
    ("train-images-idx3-ubyte.gz", b"", "truncated: 0 bytes, too short for an IDX header"),
    ("t10k-images-idx3-ubyte.gz", gzip.compress(IMAGES[:-50]), "truncated: header announces shape"),
    ("t10k-images-idx3-ubyte.gz", gzip.compress(IMAGES + b"xx"), "2 unexpected bytes after the data"),
    ("t10k-labels-idx1-ubyte.gz", gzip.compress(struct.pack(">ii", 1234, 3) + b"abc"), "bad magic number 1234"),
    ("train-labels-idx1-ubyte.gz", gzip.compress(idx(np.full(30, 12))), "label 12 at index 0 is outside 0..9"),
    ("train-images-idx3-ubyte.gz", gzip.compress(idx(np.zeros((30, 8, 8)))), "images are (8, 8), expected (28, 28)"),
    ("train-labels-idx1-ubyte.gz", gzip.compress(IMAGES), "expected a label file (magic 2049), found images"),
    ("t10k-labels-idx1-ubyte.gz", gzip.compress(idx(np.zeros(29))), "has 29 labels"),
], ids=lambda v: v if isinstance(v, str) else "")
def test_corrupt_mnist(name, payload, fault, root, tmp_path, capsys):
    (root / "mnist" / name).write_bytes(payload)
    fails(capsys, mlp_mnist, quick(root, tmp_path, "--part", "mnist"), name, fault)


@pytest.mark.parametrize(("name", "write", "fault"), [
    ("vocab.npy", lambda p: p.write_text("w0 w1 w2"), "vocab.npy: not a .npy file"),
    ("vocab.npy", lambda p: np.save(p, np.array(["a", 1], dtype=object), allow_pickle=True),
     "vocab.npy: holds Python objects"),
    ("train_inputs.npy", lambda p: p.write_bytes(p.read_bytes()[:-30]), "train_inputs.npy: truncated or corrupt .npy"),
    ("train_inputs.npy", lambda p: p.write_bytes(b""), "train_inputs.npy: not a .npy file"),
    ("valid_inputs.npy", lambda p: np.save(p, np.full((40, 3), 9, np.int32)), "word index 9 in row 0 is outside 0..5"),
    ("test_targets.npy", lambda p: np.save(p, np.full(40, -1, np.int32)), "word index -1 in row 0 is outside 0..5"),
    ("train_inputs.npy", lambda p: np.save(p, np.zeros((40, 4), np.int32)), "expected integers shaped (N, 3)"),
    ("train_targets.npy", lambda p: np.save(p, np.zeros(40)), "expected integers shaped (N,), found float64"),
    ("test_targets.npy", lambda p: np.save(p, np.zeros(39, np.int32)), "has 40 rows but"),
    ("vocab.npy", lambda p: np.save(p, np.zeros(3)), "expected a non-empty 1-D array of strings"),
])
def test_corrupt_ngram(name, write, fault, root, tmp_path, capsys):
    write(root / "ngram4" / name)
    line = fails(capsys, next_word, quick(root, tmp_path), fault)
    assert "pickle" not in line  # never numpy's advice to load pickles


@pytest.mark.parametrize(("line", "fault"), [
    ("cat 1 2 nan 4", "line 8: value 'nan' is not a finite float32"),
    ("cat 1 2 -inf 4", "line 8: value '-inf' is not a finite float32"),
    ("cat 1 2 1e39 4", "line 8: value '1e39' is not a finite float32"),
    ("cat 1 2 3", "line 8: expected dimension 4, found 3 values"),
    ("cat 1 2 3 4 5", "line 8: expected dimension 4, found 5 values"),
    ("cat 1 two 3 4", "line 8: vector values are not all numbers"),
])
@pytest.mark.parametrize(("task", "extra"), [(vaccine_tweets, []), (text_classify, TEXT_ONLY)])
def test_bad_glove_rows(line, fault, task, extra, root, tmp_path, capsys):
    path = root / "glove" / data.GLOVE_FILE
    path.write_text(path.read_text() + line + "\n")
    fails(capsys, task, quick(root, tmp_path, *extra), f"{data.GLOVE_FILE}: {fault}")


def test_empty_glove(root, tmp_path, capsys):
    (root / "glove" / data.GLOVE_FILE).write_text("")
    fails(capsys, vaccine_tweets, quick(root, tmp_path), f"{data.GLOVE_FILE}: file is empty")


@pytest.mark.parametrize(("content", "fault"), [
    (b"good text\ta\nno tab here\n", "4dim.train.txt: line 2: no TAB between text and label"),
    (b"good text\ta\n\nmore\tb\n", "4dim.train.txt: line 2: empty line"),
    (b"good text\t\n", "4dim.train.txt: line 1: empty label"),
    ("ok\ta\ncaf\u00e9\tb\n".encode("latin-1"), "4dim.train.txt: line 2: not valid UTF-8"),
    (b"", "4dim.train.txt: file is empty"),
])
def test_bad_labelled_text(content, fault, root, tmp_path, capsys):
    (root / "csci662" / "4dim.train.txt").write_bytes(content)
    fails(capsys, text_classify, quick(root, tmp_path, *TEXT_ONLY), fault)


@pytest.mark.parametrize(("content", "fault"), [
    ("id,text,label\n0,x,0\n", "vaccine_train_set.csv: bad header 'id,text,label'"),
    (",tweet,label\n0,fine,0\n1,not fine,3\n", "vaccine_train_set.csv: row 2 (line 3): label '3' is not 0, 1 or 2"),
    (",tweet,label\n0,fine,0\n1,a, b,1\n", "vaccine_train_set.csv: row 2 (line 3): expected 3 fields, found 4"),
    (",tweet,label\n", "vaccine_train_set.csv: no data rows"),
    ("", "vaccine_train_set.csv: file is empty"),
    (',tweet,label\n0,"never closed,0\n', "vaccine_train_set.csv: row 1"),
])
def test_bad_vaccine_csv(content, fault, root, tmp_path, capsys):
    (root / "vaccine_tweets" / "vaccine_train_set.csv").write_text(content, encoding="utf-8")
    fails(capsys, vaccine_tweets, quick(root, tmp_path), fault)


# ----------------------------------------------------------------------------- outputs


@pytest.mark.parametrize(("task", "argv"), [(relu_mse, []), (softmax_ce, []), (two_layer_softplus, ["--quick"]),
                                            (mlp_mnist, ["--quick", "--part", "q4"]), (next_word, ["--quick"])])
def test_out_that_is_a_file_or_below_one(task, argv, tmp_path, capsys):
    (tmp_path / "taken").write_text("not a folder")
    fails(capsys, task, [*argv, "--out", str(tmp_path / "taken")], "taken: --out names a file, not a folder")
    fails(capsys, task, [*argv, "--out", str(tmp_path / "taken" / "sub")], "taken/sub: cannot write the output folder")


def test_metrics_and_model_are_written_atomically(tmp_path, monkeypatch):
    """A write that fails half-way leaves the previous metrics.json whole (nn.io's temporary file + os.replace)."""
    out = tmp_path / "out"
    two_layer_softplus.main(["--quick", "--epochs", "5", "--out", str(out)])
    before = (out / "metrics.json").read_text()

    def broken(*args: Any, **kwargs: Any) -> str:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(json, "dumps", lambda *a, **k: "{" + "x" * 10)  # a write that would be cut off ...
    monkeypatch.setattr("nn.io.os.replace", broken)                        # ... and fails before the swap
    with pytest.raises(SystemExit):
        two_layer_softplus.main(["--quick", "--epochs", "5", "--out", str(out)])
    assert (out / "metrics.json").read_text() == before and json.loads((out / "model.json").read_text())
    assert json.loads(before)["settings"]["epochs"] == 5
    assert sorted(p.name for p in out.iterdir() if p.name.startswith(".")) == []  # no temporary file left


# ----------------------------------------------------------------------------- saved models and JSON


@pytest.fixture
def model_json(tmp_path: Path) -> Path:
    two_layer_softplus.main(["--quick", "--epochs", "3", "--out", str(tmp_path / "trained")])
    return tmp_path / "trained" / "model.json"


@pytest.mark.parametrize(("damage", "fault"), [
    (lambda p: p.write_text(p.read_text()[:300]), "cannot load the model: "),
    (lambda p: p.write_text("{}"), "cannot load the model: "),
    (lambda p: p.write_text(""), "cannot load the model: "),
    (lambda p: p.write_text("[" * 50_000 + "]" * 50_000), "cannot load the model: "),
    (lambda p: p.write_bytes(b"\x00\xff" * 100), "cannot load the model: "),
])
def test_predict_with_a_broken_model(damage, fault, model_json, tmp_path, capsys):
    damage(model_json)
    line = fails(capsys, two_layer_softplus, ["--quick", "--out", str(tmp_path / "o"), "--predict", str(model_json)],
                 f"{model_json}: {fault}")
    assert "RecursionError" not in line


def test_predict_with_a_model_of_another_network(model_json, tmp_path, capsys):
    doc = json.loads(model_json.read_text())
    doc["parameters"]["0.weight"] = {"shape": [3, 2], "dtype": "float64", "data": [[0, 0]] * 3}
    model_json.write_text(json.dumps(doc))
    fails(capsys, two_layer_softplus, ["--quick", "--out", str(tmp_path / "o"), "--predict", str(model_json)],
          f"{model_json}: cannot load the model", "0.weight")


def test_predict_with_a_missing_model(tmp_path, capsys):
    fails(capsys, two_layer_softplus, ["--quick", "--out", str(tmp_path / "o"), "--predict", str(tmp_path / "no.json")],
          "no.json: model file not found")


@pytest.fixture
def trained_next_word(root: Path, tmp_path: Path) -> Path:
    next_word.main(quick(root, tmp_path, "--epochs", "1", "--predict"))
    return tmp_path / "out"


@pytest.mark.parametrize(("damage", "fault"), [
    (lambda p: p.write_text("not an archive"), "model.npz: cannot load the model: not a .npz archive"),
    (lambda p: p.write_bytes(p.read_bytes()[: len(p.read_bytes()) // 2]), "model.npz: cannot load the model"),
    (lambda p: p.write_bytes(b""), "model.npz: cannot load the model"),
])
def test_next_word_eval_with_a_broken_model(damage, fault, trained_next_word, root, tmp_path, capsys):
    damage(trained_next_word / "model.npz")
    line = fails(capsys, next_word, ["eval", *quick(root, tmp_path)], fault)
    assert "pickle" not in line


@pytest.mark.parametrize(("content", "fault"), [
    ("[" * 100_000 + "]" * 100_000, "metrics.json: JSON nested too deeply to read"),
    ('{"history": [1, 2', "metrics.json: not valid JSON"),
    ('{"a": NaN}', "metrics.json: not valid JSON: NaN is not valid JSON"),
])
def test_next_word_eval_with_a_broken_metrics_file(content, fault, trained_next_word, root, tmp_path, capsys):
    (trained_next_word / "metrics.json").write_text(content)
    fails(capsys, next_word, ["eval", *quick(root, tmp_path)], fault)


def test_next_word_eval_with_a_huge_metrics_file(trained_next_word, root, tmp_path, capsys, monkeypatch):
    monkeypatch.setattr(data, "MAX_JSON_BYTES", 100)
    fails(capsys, next_word, ["eval", *quick(root, tmp_path)], "metrics.json:", "bytes, more than the 100")


def test_debug_shows_the_traceback(tmp_path):
    with pytest.raises(data.DataError, match="typo: data folder not found"):
        next_word.main(["--quick", "--data-dir", str(tmp_path / "typo"), "--out", str(tmp_path / "o"), "--debug"])


# ----------------------------------------------------------------------------- option values


@pytest.mark.parametrize(("task", "argv", "fault"), [
    (two_layer_softplus, ["--epochs", "0"], "argument --epochs: must be a finite number above 0, got 0"),
    (two_layer_softplus, ["--lr", "-0.1"], "argument --lr: must be a finite number above 0, got -0.1"),
    (two_layer_softplus, ["--lr", "nan"], "argument --lr: must be a finite number above 0, got nan"),
    (two_layer_softplus, ["--train-size", "2.5"], "argument --train-size: '2.5' is not an integer"),
    (softmax_ce, ["--classes", "0"], "argument --classes: must be a finite number above 0, got 0"),
    (softmax_ce, ["--large", "inf"], "argument --large: must be a finite number above 0, got inf"),
    (mlp_mnist, ["--batch-size", "-1"], "argument --batch-size: must be a finite number above 0, got -1"),
    (mlp_mnist, ["--part", "b"], "argument --part: invalid choice: 'b'"),
    (next_word, ["--lr-decay", "0"], "argument --lr-decay: must be a finite number above 0, got 0"),
    (next_word, ["--init", "uniformm"], "argument --init: invalid choice: 'uniformm'"),
    (text_classify, ["--val-fraction", "1.5"], "argument --val-fraction: must be at least 0 and below 1, got 1.5"),
    (text_classify, ["--hidden", "0"], "argument --hidden: must be a finite number above 0, got 0"),
    (vaccine_tweets, ["--layers", "4"], "argument --layers: invalid choice: 4"),
    (vaccine_tweets, ["--epochs", "x"], "argument --epochs: 'x' is not an integer"),
    (relu_mse, ["--seed", "1"], "unrecognized arguments: --seed 1"),
])
def test_option_values_out_of_range(task, argv, fault, tmp_path, capsys):
    fails(capsys, task, [*argv, "--out", str(tmp_path / "o")], fault)
    assert not (tmp_path / "o").exists()
