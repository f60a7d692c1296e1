"""Report 001: the 2→12 softplus→5 softmax network (101 parameters), steepest descent on 5 classes of 2-D points.

The network (report 001 §1): z1 = W⁽⁰⁾x + b0, a1 = softplus(z1),
z2 = W⁽¹⁾a1 + b1, a2 = softmax(z2), loss L = (1/S) Σ_s −Σ_i y_i^OH ln a2_i,
i.e. `nn.MLP([2, 12, 5], activation="softplus")` with
`nn.CrossEntropyLoss` (2·12 + 12 + 12·5 + 5 = 101 parameters; as in the
report, W⁽⁰⁾ is 12×2 (`0.weight`, PyTorch's (out, in) layout), and a batch X
of row vectors gives Z1 = X W⁽⁰⁾ᵀ + b0).
Training is steepest descent on the full batch, lr 0.1, 1000 epochs
(`--lr-sweep` also trains with the report's 0.01, 0.15 and 0.25).

Before training, `autograd.gradcheck` compares the engine's gradient of L on
the whole training set with central differences for all 101 parameters
(float64), as report 001 §1.8 does with its hand-derived backward pass.

The data: the report's data set is not public, so it is generated to its
description (`make_data`): 2-D points of 5 classes with equal probability;
classes 0, 1, 2 are nested around the origin with circular boundaries at
radii 1 and 2 (class 0 inside, class 1 the ring 1–2, class 2 the ring 2–3),
each band widened by `--overlap` (default 1.0) on both sides so that
neighbouring classes overlap; classes 3 and 4 are Gaussian blobs (σ = 0.5)
at (6, 2) and (6, −2), simply separable from the rest.  Training set:
400 points (seed `--seed`), test set: 200 points (seed `--seed` + 1).
How many points the network gets right depends on the overlap: the report's
65.75 % / 66 % belong to its own data and are not a target these points can
match exactly (see the README's table).

Outputs in --out: loss.png/svg (training and test cross-entropy per epoch),
confusion.png/svg (test set, with a colour bar), boundaries.png/svg
(decision regions over the training and test points), lr_sweep.png/svg with
`--lr-sweep`, model.json (the final parameters, `Module.save`) and
metrics.json, and backward.py: one training step of this network as the
engine writes it (`autograd.compile`: forward, loss, backward in plain numpy,
each VJP commented with report 002's and 000's equations), also printed; its
gradients are checked against the eager engine's.  `--predict model.json`
loads a saved model and evaluates it on the test set instead of training.  The data are generated, so the task takes
no --data-dir.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

import numpy as np

import autograd
import nn
from autograd import Tensor, viz
from tasks.common import (
    Timer,
    compiled_step,
    confusion_matrix,
    evaluate,
    fit,
    load_model,
    output_dir,
    positive,
    run_task,
    save_metrics,
    task_parser,
)
from tasks.plots import plot_confusion, plot_curves, plot_decision_regions, save_figure, use_agg

SIZES = [2, 12, 5]
SWEEP = (0.01, 0.1, 0.15, 0.25)
RING_EDGES = (0.0, 1.0, 2.0, 3.0)
BLOBS = {3: (6.0, 2.0), 4: (6.0, -2.0)}
REPORT = {"train_accuracy": 0.6575, "test_accuracy": 0.66, "test_cross_entropy": 0.702}
LOSS = nn.CrossEntropyLoss()  # L = (1/S) Σ_s −Σ_i y_i ln softmax(z2)_i


def make_data(n: int, seed: int, overlap: float = 1.0) -> tuple[np.ndarray, np.ndarray]:
    """n points (n, 2) and their classes 0–4 (n,), as described in the module docstring.

    Ring class k has its radius uniform in area between max(e_k − overlap, 0)
    and e_{k+1} + overlap (e = 0, 1, 2, 3) at a uniform angle; classes 3 and 4
    are normal around BLOBS with σ = 0.5.
    """
    rng = np.random.default_rng(seed)
    labels = rng.integers(0, 5, n)
    points = np.zeros((n, 2))
    for k in range(3):
        mask = labels == k
        inner, outer = max(RING_EDGES[k] - overlap, 0.0), RING_EDGES[k + 1] + overlap
        radius = np.sqrt(rng.uniform(inner**2, outer**2, mask.sum()))
        angle = rng.uniform(0.0, 2 * np.pi, mask.sum())
        points[mask] = np.column_stack([radius * np.cos(angle), radius * np.sin(angle)])
    for k, centre in BLOBS.items():
        mask = labels == k
        points[mask] = np.asarray(centre) + 0.5 * rng.normal(size=(mask.sum(), 2))
    return points, labels.astype(np.int64)


def build_model(seed: int) -> nn.MLP:
    """Report 001's network, float64, initialised from `seed`."""
    nn.manual_seed(seed)
    return nn.MLP(SIZES, activation="softplus")


def check_gradients(model: nn.Module, x: np.ndarray, y: np.ndarray) -> dict[str, object]:
    """Engine gradient of L on the whole training set vs central differences, for every parameter."""
    params = list(model.parameters())

    def loss(*_: Tensor) -> Tensor:
        return LOSS(model(x), y)

    passed = autograd.gradcheck(loss, params)
    analytic = autograd.grad(loss(), params)
    numeric = autograd.numerical_grad(loss, params)
    diff = max(float(np.abs(a.numpy() - n).max()) for a, n in zip(analytic, numeric))
    count = sum(p.numel() for p in params)
    print(
        f"gradient check on all {count} parameters (float64, central differences): "
        f"{'passed' if passed else 'FAILED'}, max |engine − numeric| = {diff:.2e}"
    )
    return {"passed": bool(passed), "parameters": count, "max_abs_diff": diff}


def generated_step(model: nn.Module, x: np.ndarray, y: np.ndarray, out: Path) -> dict[str, Any]:
    """One full-batch step as the program `autograd.compile` writes: printed, saved as backward.py, and its
    gradients compared with the eager engine's (the model's .grad is left empty, as before)."""
    eager_loss = LOSS(model(x), y)
    eager = [g.numpy().copy() for g in autograd.grad(eager_loss, list(model.parameters()))]
    step = compiled_step(model, LOSS)
    for _ in range(3):  # traced, checked against eager, then the program alone
        model.zero_grad()
        step(x, y)
    diff = max(float(np.abs(p.grad.numpy() - e).max()) for p, e in zip(model.parameters(), eager))
    model.zero_grad()
    path = out / "backward.py"
    path.write_text(
        '"""Written by autograd.compile: one full-batch step of report 001\'s 2-12-5 network '
        '(python -m tasks.two_layer_softplus)."""\n\nimport numpy as np\n\n\n' + step.source,
        encoding="utf-8",
    )
    print("\nthe training step, as the engine writes it (autograd.compile):")
    step.show()
    print(f"written to {path}; its gradients differ from the eager engine's by at most {diff:.1e}")
    return {"path": str(path), "max_abs_diff": diff, "lines": len(step.source.splitlines())}


def train(
    model: nn.Module,
    data: dict[str, np.ndarray],
    lr: float,
    epochs: int,
    quiet: bool = False,
    film: viz.TrainingFilm | None = None,
) -> dict[str, list[float]]:
    """Steepest descent on the full batch: `loss` is L on the training set before each step, `test_loss` after it.
    With `film`, every step is offered to it (`film.record`)."""
    train_set = (data["x_train"], data["y_train"])
    on_step = None if film is None else (lambda step, loss: film.record(loss))
    return fit(
        model,
        nn.optim.SGD(model.parameters(), lr=lr),
        LOSS,
        train_set,
        epochs,
        len(data["x_train"]),
        shuffle=False,
        eval_sets={"test": (data["x_test"], data["y_test"])},
        desc=f"lr {lr:g}",
        quiet=quiet,
        on_step=on_step,
    )


def scores(model: nn.Module, data: dict[str, np.ndarray]) -> dict[str, float]:
    """Accuracy and cross-entropy on the training and test sets."""
    result = {}
    for split in ("train", "test"):
        ce, acc, _ = evaluate(model, data[f"x_{split}"], data[f"y_{split}"], LOSS)
        result.update({f"{split}_accuracy": acc, f"{split}_cross_entropy": ce})
    return result


def predict(path: str, data: dict[str, np.ndarray], out: Path) -> dict[str, object]:
    """Inference mode: load model.json and evaluate it on the test set, without any training."""
    model = load_model(build_model(0), path)
    ce, acc, pred = evaluate(model, data["x_test"], data["y_test"], LOSS)
    print(f"loaded {path}: test accuracy {100 * acc:.2f} %, cross-entropy {ce:.3f}")
    metrics = {
        "model": str(path),
        "test_accuracy": acc,
        "test_cross_entropy": ce,
        "confusion": confusion_matrix(data["y_test"], pred, SIZES[-1]),
    }
    print(f"metrics written to {save_metrics(out, metrics)}")
    return metrics


def build_parser() -> argparse.ArgumentParser:
    parser = task_parser("two_layer_softplus", __doc__.splitlines()[0], data=False)
    parser.add_argument("--lr", type=positive(float), default=0.1, help="step size α of steepest descent")
    parser.add_argument("--epochs", type=positive(int), default=1000, help="full-batch steps (--quick: 150)")
    parser.add_argument("--lr-sweep", action="store_true", help=f"also train with each lr of {SWEEP}")
    parser.add_argument("--train-size", type=positive(int), default=400, help="training points")
    parser.add_argument("--test-size", type=positive(int), default=200, help="test points")
    parser.add_argument("--overlap", type=float, default=1.0, help="how far the ring classes 0–2 spill over")
    parser.add_argument(
        "--predict",
        metavar="MODEL_JSON",
        default=None,
        help="load a saved model and evaluate it on the test set instead of training",
    )
    return parser


def run(args: argparse.Namespace) -> dict[str, Any]:
    if args.quick:
        args.epochs = min(args.epochs, 150)
    use_agg()
    out = output_dir(args)
    x_train, y_train = make_data(args.train_size, args.seed, args.overlap)
    x_test, y_test = make_data(args.test_size, args.seed + 1, args.overlap)
    data = {"x_train": x_train, "y_train": y_train, "x_test": x_test, "y_test": y_test}
    if args.predict:
        return predict(args.predict, data, output_dir(args, "predict"))

    model = build_model(args.seed)
    metrics: dict[str, Any] = {
        "settings": {k: v for k, v in vars(args).items() if k not in ("task_name", "debug")},
        "report": REPORT,
    }
    metrics["gradient_check"] = check_gradients(model, x_train, y_train)
    metrics["compiled"] = generated_step(model, x_train, y_train, out)
    film = viz.TrainingFilm(
        model,
        every=max(1, args.epochs // 50),
        inputs=x_train,
        targets=y_train,
        title=f"Report 001: the 2-12-5 network learning (lr {args.lr:g})",
    )
    with Timer() as timer:
        history = train(model, data, args.lr, args.epochs, quiet=args.quick, film=film)
    print(
        f"lr {args.lr:g}, {args.epochs} epochs: loss {history['loss'][0]:.3f} → "
        f"{history['loss'][-1]:.3f} in {timer.seconds:.2f} s"
    )
    metrics.update(scores(model, data))
    print(
        f"train: accuracy {100 * metrics['train_accuracy']:.2f} % (report 65.75 %), "
        f"cross-entropy {metrics['train_cross_entropy']:.3f}"
    )
    print(
        f"test:  accuracy {100 * metrics['test_accuracy']:.2f} % (report 66 %),    "
        f"cross-entropy {metrics['test_cross_entropy']:.3f} (report 0.702)"
    )
    metrics.update(
        first_loss=history["loss"][0], final_loss=history["loss"][-1], train_seconds=timer.seconds, history=history
    )
    pred = evaluate(model, x_test, y_test, LOSS)[2]
    counts = confusion_matrix(y_test, pred, SIZES[-1])
    print(f"confusion matrix (test; rows true, columns predicted):\n{counts}")
    metrics["confusion"] = counts
    metrics["model_json"] = str(model.save(out / "model.json"))

    save_figure(
        plot_curves(
            {"training set": history["loss"], "test set": history["test_loss"]},
            f"Report 001: cross-entropy, steepest descent, lr {args.lr:g}",
            "cross-entropy L",
        ),
        out,
        "loss",
    )
    save_figure(
        plot_confusion(counts, f"Test confusion matrix (accuracy {100 * metrics['test_accuracy']:.1f} %)"),
        out,
        "confusion",
    )
    points, labels = np.concatenate([x_train, x_test]), np.concatenate([y_train, y_test])
    save_figure(
        plot_decision_regions(
            lambda p: evaluate(model, p, np.zeros(len(p), np.int64), LOSS)[2],
            points,
            labels,
            "Decision regions of the 2-12-5 network (training and test points)",
        ),
        out,
        "boundaries",
    )
    film_path = film.html(out / "film.html")
    metrics["film"] = {"path": str(film_path), "frames": len(film), "bytes": film_path.stat().st_size}
    print(
        f"training film: {film_path} ({len(film)} frames, {film_path.stat().st_size / 1e3:.0f} kB; "
        "open it in a browser: play, step, scrub)"
    )
    if args.lr_sweep:
        metrics["lr_sweep"] = lr_sweep(data, args, out)
    print(f"model written to {metrics['model_json']}; metrics written to {save_metrics(out, metrics)}")
    return metrics


def lr_sweep(data: dict[str, np.ndarray], args: argparse.Namespace, out: Path) -> dict[str, dict[str, float]]:
    """Train from the same initialisation with each of the report's learning rates; plot the training losses."""
    curves, results = {}, {}
    for lr in SWEEP:
        model = build_model(args.seed)
        curves[f"lr {lr:g}"] = train(model, data, lr, args.epochs, quiet=args.quick)["loss"]
        results[f"{lr:g}"] = r = scores(model, data)
        print(
            f"sweep lr {lr:<5g} train {100 * r['train_accuracy']:.2f} %  test {100 * r['test_accuracy']:.2f} %  "
            f"CE train {r['train_cross_entropy']:.3f} test {r['test_cross_entropy']:.3f}"
        )
    save_figure(
        plot_curves(curves, "Report 001: training cross-entropy for each learning rate", "cross-entropy L"),
        out,
        "lr_sweep",
    )
    return results


def main(argv: list[str] | None = None) -> dict[str, Any]:
    return run_task(build_parser(), run, argv)


if __name__ == "__main__":
    main()
