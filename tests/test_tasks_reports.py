"""--quick runs of the tasks of reports 000–002 (softmax_ce, relu_mse, two_layer_softplus, mlp_mnist).

Each task runs in-process with --out in a temporary folder; the checks are on
its metrics.json: the keys, the closed forms agreeing to 1e-10, the gradient
check passing, the loss going down and accuracy above chance.  MNIST runs on
a slice of the real files when ../shared/data/mnist exists, and on
scikit-learn's 8×8 digits when no data location is given and the default one
is absent (the `no_data` fixture).
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import numpy as np
import pytest

from tasks import data, mlp_mnist, relu_mse, softmax_ce, two_layer_softplus

DATA = data.SHARED_DATA
needs_mnist = pytest.mark.skipif(not (DATA / "mnist").is_dir(), reason="../shared/data/mnist absent")


def read_metrics(out: Path) -> dict:
    return json.loads((out / "metrics.json").read_text())


def assert_figures(out: Path, *names: str) -> None:
    for name in names:
        assert (out / f"{name}.png").stat().st_size > 0 and (out / f"{name}.svg").stat().st_size > 0, name


def test_softmax_ce_closed_forms_and_large_logits(tmp_path: Path) -> None:
    softmax_ce.main(["--out", str(tmp_path)])
    m = read_metrics(tmp_path)
    assert m["closed_forms_agree"] and m["max_diff"] < 1e-10
    assert set(m["random"]["grad_max_diff"]) == {"fused cross_entropy", "softmax → log → sum", "log_softmax → sum"}
    assert m["random"]["jacobian_max_diff"] < 1e-10
    big = m["large_logits"]
    assert big["loss_finite"] and big["grad_finite"] and big["softmax_finite"] and big["jacobian_finite"]
    assert big["loss"] == pytest.approx(2e4) and big["grad_max_diff"] < 1e-10
    assert big["naive_softmax_has_nan"]
    assert_figures(tmp_path, "softmax_ce")


def test_relu_mse_both_branches(tmp_path: Path) -> None:
    relu_mse.main(["--out", str(tmp_path), "--x", "2", "--m", "3", "--b", "1", "--target", "4"])
    m = read_metrics(tmp_path)
    assert m["closed_forms_agree"] and m["max_diff"] < 1e-10
    assert m["branches"] == ["a > 0", "a ≤ 0"]
    given = m["cases"]["given"]
    assert (given["a"], given["L"]) == (7.0, 9.0)
    assert given["engine_grads"] == {"y": 6.0, "y*": -6.0, "b": 6.0, "m": 12.0, "x": 18.0}
    for case in ("other_branch", "boundary"):
        assert all(m["cases"][case]["engine_grads"][n] == 0.0 for n in ("b", "m", "x"))
    assert m["cases"]["boundary"]["a"] == 0.0
    if "graph_svg" in given:  # with the renderer and Graphviz's dot
        assert "<svg" in Path(given["graph_svg"]).read_text()
        assert Path(given["graph_png"]).read_bytes().startswith(b"\x89PNG")


@pytest.mark.parametrize(
    ("task", "absent"),
    [
        (relu_mse, ["--seed", "--quick", "--data-dir"]),
        (softmax_ce, ["--quick", "--data-dir"]),
        (two_layer_softplus, ["--data-dir"]),
    ],
)
def test_tasks_refuse_options_that_would_do_nothing(task, absent: list[str], capsys) -> None:
    for option in absent:
        with pytest.raises(SystemExit) as exit_:
            task.main([option, "1"] if option != "--quick" else [option])
        assert exit_.value.code == 2 and "unrecognized arguments" in capsys.readouterr().err


@pytest.mark.parametrize("task", [relu_mse, softmax_ce, two_layer_softplus, mlp_mnist])
def test_help_prints_each_default_once(task, capsys) -> None:
    with pytest.raises(SystemExit):
        task.main(["--help"])
    text = " ".join(capsys.readouterr().out.split())
    assert "(default: None)" not in text and "(default: False)" not in text
    assert text.count("default: out/") == 1 and not re.search(r"\(default: [^)]*\) \(default:", text)


def test_two_layer_softplus_trains_and_reloads(tmp_path: Path) -> None:
    two_layer_softplus.main(["--quick", "--out", str(tmp_path)])
    m = read_metrics(tmp_path)
    assert m["gradient_check"]["passed"] and m["gradient_check"]["parameters"] == 101
    assert m["gradient_check"]["max_abs_diff"] < 1e-6
    assert m["final_loss"] < m["first_loss"] and len(m["history"]["test_loss"]) == 150
    assert m["train_accuracy"] > 0.4 and m["test_accuracy"] > 0.4  # 5 classes: chance is 0.2
    assert np.array(m["confusion"]).sum() == m["settings"]["test_size"]
    assert_figures(tmp_path, "loss", "confusion", "boundaries")
    again = two_layer_softplus.main(["--quick", "--out", str(tmp_path), "--predict", str(tmp_path / "model.json")])
    assert again["test_accuracy"] == pytest.approx(m["test_accuracy"])
    assert again["test_cross_entropy"] == pytest.approx(m["test_cross_entropy"])


def check_mnist_metrics(m: dict, out: Path) -> None:
    for key in ("exp1", "exp2", "exp3", "exp4", "wall_seconds", "data_source"):
        assert key in m, key
    exp1 = m["exp1"]
    assert exp1["loss"][-1] < exp1["loss"][0] and exp1["val_loss"][-1] < exp1["val_loss"][0]
    assert exp1["val_accuracy"][-1] > 0.2  # 10 classes: chance is 0.1
    assert len(m["exp2"]["train_loss_std"]) == m["settings"]["epochs"]
    assert set(m["exp3"]["runs"]) == {"0.001", "0.003", "0.01", "0.03"}
    assert max(r["val_accuracy_final"] for r in m["exp3"]["runs"].values()) > 0.2
    assert m["exp4"]["test_accuracy"] > 0.2
    assert_figures(out, "exp1_train_val", "exp2_runs", "exp3_lr_sweep", "exp4_final", "exp4_confusion")


@needs_mnist
def test_mlp_mnist_quick_real_data(tmp_path: Path) -> None:
    mlp_mnist.main(["--quick", "--part", "mnist", "--out", str(tmp_path), "--data-dir", str(DATA)])
    m = read_metrics(tmp_path)
    assert m["data_source"] == "MNIST" and m["sizes"] == [784, 300, 10]
    check_mnist_metrics(m, tmp_path)


def test_mlp_mnist_quick_digits_fallback_and_q4(tmp_path: Path, capsys: pytest.CaptureFixture[str], no_data) -> None:
    mlp_mnist.main(["--quick", "--out", str(tmp_path)])
    said = [line for line in capsys.readouterr().out.splitlines() if line.startswith("[data]")]
    assert len(said) == 1 and "running on scikit-learn's bundled 8x8 digits" in said[0]
    m = read_metrics(tmp_path)
    assert m["data_source"] == "sklearn digits 8x8" and m["sizes"] == [64, 300, 10]
    check_mnist_metrics(m, tmp_path)
    q4 = m["q4"]
    assert q4["final_loss"] < q4["first_loss"] and q4["train_accuracy"] > 0.6
    assert_figures(tmp_path, "q4_loss")


def test_ellipse_circle_data_is_seeded_and_overlapping() -> None:
    x, y = mlp_mnist.make_ellipse_circle(2000, seed=3)
    x2, y2 = mlp_mnist.make_ellipse_circle(2000, seed=3)
    assert np.array_equal(x, x2) and np.array_equal(y, y2)
    in_ellipse = (x[:, 0] / 2) ** 2 + x[:, 1] ** 2 <= 1 + 1e-12
    in_circle = (x[:, 0] - 1.2) ** 2 + (x[:, 1] - 0.3) ** 2 <= 1 + 1e-12
    assert in_ellipse[y == 0].all() and in_circle[y == 1].all()
    assert (in_ellipse & in_circle).mean() > 0.1  # the classes overlap


def test_report_001_data_is_seeded_with_separable_blobs() -> None:
    x, y = two_layer_softplus.make_data(1000, seed=5)
    x2, _ = two_layer_softplus.make_data(1000, seed=5)
    assert np.array_equal(x, x2) and set(np.unique(y)) == {0, 1, 2, 3, 4}
    radius = np.hypot(x[:, 0], x[:, 1])
    assert radius[y == 0].mean() < radius[y == 1].mean() < radius[y == 2].mean()  # nested around the origin
    assert radius[y <= 2].max() <= 4.0 < x[y >= 3, 0].min()  # blobs beyond the rings
    assert np.mean(np.sign(x[y >= 3, 1]) == np.where(y[y >= 3] == 3, 1, -1)) > 0.99  # 3 above, 4 below
