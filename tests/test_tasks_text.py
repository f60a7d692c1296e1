"""--quick runs of the text tasks (next_word, text_classify, vaccine_tweets).

Each task runs in-process on small slices of the real data when
../shared/data exists, on tiny files written here (same layout and formats),
and on its generated stand-in when no data location is given and the default
one is absent (the `no_data` fixture); the checks are on metrics.json: its
keys, accuracy above chance, loss going down.
"""

from __future__ import annotations

import csv
import json
from pathlib import Path

import numpy as np
import pytest

from tasks import data, next_word, text_classify, vaccine_tweets

DATA = data.SHARED_DATA
needs_data = pytest.mark.skipif(not (DATA / "ngram4").is_dir(), reason="../shared/data is absent")


WORDS = {
    0: ["clinic", "dose", "shot", "study"],
    1: ["poison", "lies", "scam", "danger"],
    2: ["safe", "protect", "thanks", "grateful"],
}


def read_metrics(out: Path) -> dict:
    return json.loads((out / "metrics.json").read_text())


def write_glove(path: Path, words: list[str], dim: int = 8, seed: int = 0) -> None:
    """A GloVe-format file with random vectors for `words`."""
    rng = np.random.default_rng(seed)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("".join(f"{w} " + " ".join(f"{v:.4f}" for v in rng.normal(0, 1, dim)) + "\n" for w in words))


def tiny_texts(n: int, seed: int = 0) -> list[tuple[str, int]]:
    """(text, class) pairs whose class shows in two of its words."""
    rng = np.random.default_rng(seed)
    filler = ["the", "people", "today", "news", "week"]
    out = []
    for _ in range(n):
        c = int(rng.choice(3, p=[0.45, 0.2, 0.35]))
        out.append((" ".join(list(rng.choice(filler, 4)) + list(rng.choice(WORDS[c], 2))), c))
    return out


# ----------------------------------------------------------------------------- next_word


@needs_data
def test_next_word_quick_real_data_and_eval(tmp_path: Path) -> None:
    m = next_word.main(["--quick", "--out", str(tmp_path), "--data-dir", str(DATA), "--predict", "going to be"])
    saved = set(read_metrics(tmp_path))
    assert {"history", "test_accuracy", "test_loss", "predictions", "hidden_sigmoid_spread"} <= saved
    assert m["test_accuracy"] > m["majority_test_accuracy"] + 0.02  # above "always '.'" after 2 short epochs
    assert m["history"]["loss"][1] < m["history"]["loss"][0]
    assert len(m["predictions"]["going to be"]) == 5
    for name in ("curves", "tsne"):
        assert (tmp_path / f"{name}.png").exists() and (tmp_path / f"{name}.svg").exists()
    again = next_word.main(["eval", "--quick", "--out", str(tmp_path), "--data-dir", str(DATA), "--predict"])
    assert again["test_accuracy"] == m["test_accuracy"]  # the saved parameters give the same test accuracy
    assert "history" in read_metrics(tmp_path)  # eval keeps the training record


def write_ngram(folder: Path) -> None:
    """ngram4/ in the real layout (.npy files), from the task's generated corpus."""
    folder.mkdir(parents=True)
    data = next_word.tiny_corpus(seed=1, n_sentences=800)
    np.save(folder / "vocab.npy", np.array(data["vocab"]))
    for split in ("train", "valid", "test"):
        np.save(folder / f"{split}_inputs.npy", data[f"{split}_inputs"].astype(np.int32))
        np.save(folder / f"{split}_targets.npy", data[f"{split}_targets"].astype(np.int32))


def test_next_word_tiny_files_learns_and_report_setting_stalls(tmp_path: Path) -> None:
    write_ngram(tmp_path / "ngram4")
    args = ["--quick", "--data-dir", str(tmp_path), "--epochs", "2"]
    good = next_word.main(
        [
            *args,
            "--out",
            str(tmp_path / "good"),
            "--batch-size",
            "20",
            "--lr",
            "0.01",
            "--predict",
            "i do not",
            "zz do not",
        ]
    )
    assert good["test_accuracy"] > good["majority_test_accuracy"] + 0.1
    assert good["predictions"]["zz do not"] == {"skipped": "unknown words ['zz']"}
    stalled = next_word.main([*args, "--out", str(tmp_path / "report"), "--report-setting"])
    # the report's setting predicts one word for every input (its hidden units hardly vary), so its accuracy is
    # that word's share of the test targets (on the real data: the most frequent word, "."; here, after 8 steps,
    # whichever word its tiny weights favour)
    targets = np.load(tmp_path / "ngram4" / "test_targets.npy")
    shares = np.bincount(targets) / len(targets)
    assert np.isclose(shares, stalled["test_accuracy"]).any() and stalled["test_accuracy"] < good["test_accuracy"] / 2
    assert stalled["hidden_sigmoid_spread"]["std_over_examples"] < 1e-3


def test_next_word_generated_corpus_and_eval_without_model(
    tmp_path: Path, capsys: pytest.CaptureFixture, no_data
) -> None:
    m = next_word.main(["--quick", "--out", str(tmp_path), "--predict"])
    assert m["data"] == "generated"
    said = [line for line in capsys.readouterr().out.splitlines() if line.startswith("[data]")]
    assert len(said) == 1 and "no-shared-data/ is absent: running on a tiny generated corpus" in said[0]
    assert m["test_accuracy"] > m["majority_test_accuracy"]
    with pytest.raises(SystemExit) as exit_:
        next_word.main(["eval", "--out", str(tmp_path / "elsewhere")])
    err = capsys.readouterr().err.strip()
    assert exit_.value.code == 2 and len(err.splitlines()) == 1
    assert err.endswith("elsewhere/model.npz: no saved parameters; run `python -m tasks.next_word` first")


# ----------------------------------------------------------------------------- text_classify


def check_classify(m: dict, names: list[str]) -> None:
    assert set(m["datasets"]) == set(names)
    for r in m["datasets"].values():
        keys = {"features", "runs", "best", "best_val_accuracy", "majority_val_accuracy", "report_val_accuracy"}
        assert keys <= set(r)
        assert r["best_val_accuracy"] > r["majority_val_accuracy"]
        for run in r["runs"].values():
            assert run["history"]["train_loss"][-1] < run["history"]["train_loss"][0]


@needs_data
def test_text_classify_quick_real_data(tmp_path: Path) -> None:
    names = ["4dim", "odiya"]  # one GloVe set, one bag-of-words set (the other two take the same paths)
    m = text_classify.main(
        [
            "--quick",
            "--out",
            str(tmp_path),
            "--data-dir",
            str(DATA),
            "--datasets",
            *names,
            "--activations",
            "relu",
            "--l2",
            "off",
        ]
    )
    check_classify(m, names)
    assert m["datasets"]["4dim"]["features"].startswith("mean GloVe")
    assert m["datasets"]["odiya"]["features"].startswith("bag-of-words")
    assert set(m["datasets"]["4dim"]["runs"]) == {"h50-relu-l2off"}
    assert all((tmp_path / f"loss_{n}.png").exists() for n in names)


def test_text_classify_tiny_files(tmp_path: Path) -> None:
    rows = tiny_texts(300)
    folder = tmp_path / "csci662"
    folder.mkdir()
    (folder / "4dim.train.txt").write_text("".join(f"{t}\tlabel{c}\n" for t, c in rows))
    (folder / "odiya.train.txt").write_text("".join(f"{t}\t{['a', 'b', 'c'][c]}\n" for t, c in rows))
    write_glove(tmp_path / "glove" / "glove.6B.50d.subset.txt", sorted({w for t, _ in rows for w in t.split()}))
    m = text_classify.main(
        [
            "--quick",
            "--out",
            str(tmp_path / "out"),
            "--data-dir",
            str(tmp_path),
            "--datasets",
            "4dim",
            "odiya",
            "--hidden",
            "10",
            "20",
            "--activations",
            "sigmoid",
            "--l2",
            "off",
            "--lr",
            "0.03",
        ]
    )
    check_classify(m, ["4dim", "odiya"])
    assert set(m["datasets"]["odiya"]["runs"]) == {"h10-sigmoid-l2off", "h20-sigmoid-l2off"}
    assert m["datasets"]["4dim"]["classes"] == ["label0", "label1", "label2"]


def test_text_classify_without_data(tmp_path: Path, no_data) -> None:
    m = text_classify.main(["--quick", "--out", str(tmp_path), "--activations", "relu", "--l2", "off"])
    check_classify(m, ["tiny"])


# ----------------------------------------------------------------------------- vaccine_tweets


def check_vaccine(m: dict, out: Path) -> None:
    saved = read_metrics(out)
    assert {"report", "macro_f1", "weighted_f1", "auc", "history", "macro_f1_gain"} <= set(saved)
    assert set(m["report"]) >= {"neutral", "anti-vax", "pro-vax", "macro avg", "weighted avg"}
    assert m["macro_f1"] > 0.4  # chance for three classes is about 1/3
    assert all(a > 0.6 for split in m["auc"].values() for a in split.values())
    assert m["history"]["loss"][-1] < m["history"]["loss"][0]
    assert all((out / f"{name}.{ext}").exists() for name in ("roc", "loss") for ext in ("png", "svg"))


@needs_data
def test_vaccine_quick_real_data(tmp_path: Path) -> None:
    m = vaccine_tweets.main(["--quick", "--out", str(tmp_path), "--data-dir", str(DATA)])
    check_vaccine(m, tmp_path)


def test_vaccine_tiny_files_every_optimizer(tmp_path: Path) -> None:
    folder = tmp_path / "vaccine_tweets"
    folder.mkdir()
    for split, n, seed in (("train", 400, 0), ("validation", 150, 1)):
        with open(folder / f"vaccine_{split}_set.csv", "w", newline="") as f:
            writer = csv.writer(f)
            writer.writerow(["", "tweet", "label"])
            rows = enumerate(tiny_texts(n, seed))
            writer.writerows([i, f"{text} https://t.co/x @someone!", c] for i, (text, c) in rows)
    write_glove(
        tmp_path / "glove" / "glove.6B.50d.subset.txt",
        ["the", "people", "today", "news", "week"] + [w for ws in WORDS.values() for w in ws],
    )
    out = tmp_path / "out"
    m = vaccine_tweets.main(
        [
            "--quick",
            "--out",
            str(out),
            "--data-dir",
            str(tmp_path),
            "--layers",
            "2",
            "--optimizer",
            "nesterov",
            "--grid",
            "--epochs",
            "3",
        ]
    )
    check_vaccine(m, out)
    assert set(m["grid"]) == {f"{n}L-{o}" for n in (1, 2, 3) for o in vaccine_tweets.OPTIMIZERS}
    assert max(r["macro_f1"] for r in m["grid"].values()) > 0.6  # chance is about 1/3


def test_class_weights_balance_the_classes() -> None:
    y = np.array([0, 0, 0, 1, 2, 2])
    w = vaccine_tweets.class_weights(y)
    assert np.allclose(w * np.bincount(y), len(y) / 3)  # every class carries the same total weight
