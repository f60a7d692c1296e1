"""Every figure the tasks draw, from plain arrays (matplotlib is imported here only, when a figure is drawn).

`save_figure` writes a figure as NAME.png and NAME.svg (each atomically);
`draw_curves` and `plot_curves` draw per-epoch curves, the rest are the
reports' particular figures: confusion matrices, decision regions, ROC curves,
t-SNE maps, learning-rate sweeps, the spread of repeated runs.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from nn.io import atomic_open

Curves = dict[str, Sequence[float]]


def use_agg() -> None:
    """Draw figures without a screen (task scripts only write files)."""
    import matplotlib

    matplotlib.use("Agg")


def figure(cols: int = 1, size: tuple[float, float] = (6.4, 4.2), **options: Any) -> tuple[Any, Any]:
    """(figure, axes) with `cols` panels side by side, laid out to fit their labels."""
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(1, cols, figsize=size, layout="constrained", **options)
    return fig, axes


def save_figure(fig: Any, out: Path, name: str) -> list[Path]:
    """Save a matplotlib figure as NAME.png and NAME.svg in `out`, each atomically, then close it."""
    import matplotlib.pyplot as plt

    paths = [out / f"{name}.png", out / f"{name}.svg"]
    for path in paths:
        with atomic_open(path, "wb") as f:
            fig.savefig(f, format=path.suffix[1:], dpi=120, bbox_inches="tight")
    plt.close(fig)
    return paths


def draw_curves(
    ax: Any,
    curves: Curves,
    title: str,
    ylabel: str = "cross-entropy",
    xlabel: str = "epoch",
    styles: Sequence[str] | None = None,
) -> None:
    """One line per curve against 1, 2, …; markers and integer ticks when there are few points."""
    for k, (label, values) in enumerate(curves.items()):
        x = np.arange(1, len(values) + 1)
        style = styles[k] if styles else ("os^vD"[k % 5] + "-" if len(values) <= 40 else "-")
        ax.plot(x, values, style, ms=4, label=label)
    if max(len(v) for v in curves.values()) <= 40:
        ax.xaxis.get_major_locator().set_params(integer=True)
    ax.set(xlabel=xlabel, ylabel=ylabel, title=title)
    ax.grid(alpha=0.3)
    ax.legend()


def plot_curves(curves: Curves, title: str, ylabel: str = "cross-entropy", xlabel: str = "epoch") -> Any:
    """A one-panel figure of `draw_curves`."""
    fig, ax = figure()
    draw_curves(ax, curves, title, ylabel, xlabel)
    return fig


def plot_confusion(counts: np.ndarray, title: str, labels: list[str] | None = None) -> Any:
    """A confusion-matrix figure (rows: true class, columns: predicted) with the counts and a colour bar."""
    k = len(counts)
    labels = labels or [str(i) for i in range(k)]
    fig, ax = figure(size=(1.0 + 0.75 * k, 0.6 + 0.75 * k))
    image = ax.imshow(counts, cmap="Blues")
    fig.colorbar(image, ax=ax, label="examples")
    for i in range(k):
        for j in range(k):
            dark = counts[i, j] > counts.max() / 2
            ax.text(j, i, str(counts[i, j]), ha="center", va="center", color="white" if dark else "black")
    ax.set(
        xticks=range(k),
        yticks=range(k),
        xticklabels=labels,
        yticklabels=labels,
        xlabel="predicted class",
        ylabel="true class",
        title=title,
    )
    return fig


def plot_decision_regions(
    predict: Callable[[np.ndarray], np.ndarray],
    points: np.ndarray,
    labels: np.ndarray,
    title: str,
    resolution: int = 300,
) -> Any:
    """The classes `predict` (an (n, 2) array → (n,) class indices) gives over the plane, with the points on top."""
    import matplotlib.pyplot as plt

    classes = int(labels.max()) + 1
    lo, hi = points.min(axis=0), points.max(axis=0)
    pad = 0.05 * (hi - lo)
    gx, gy = np.meshgrid(
        np.linspace(lo[0] - pad[0], hi[0] + pad[0], resolution), np.linspace(lo[1] - pad[1], hi[1] + pad[1], resolution)
    )
    regions = np.asarray(predict(np.column_stack([gx.ravel(), gy.ravel()]))).reshape(gx.shape)
    cmap = plt.get_cmap("tab10", 10)
    fig, ax = figure(size=(6.4, 5.4))
    ax.contourf(
        gx, gy, regions, levels=np.arange(classes + 1) - 0.5, colors=[cmap(c) for c in range(classes)], alpha=0.25
    )
    for c in range(classes):
        mask = labels == c
        ax.scatter(
            points[mask, 0], points[mask, 1], s=10, color=cmap(c), edgecolors="k", linewidths=0.2, label=f"class {c}"
        )
    ax.set(xlabel="$x_1$", ylabel="$x_2$", title=title)
    ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize=8, markerscale=1.5)
    return fig


# ----------------------------------------------------------------------------- reports 000–002


def plot_softmax_ce(y_hat: np.ndarray, y: np.ndarray, grads: dict[str, np.ndarray], jacobian: np.ndarray) -> Any:
    """softmax_ce: ŷ, y and ŷ − y per class with the engine's ∂L/∂θ by each route on top; the softmax Jacobian."""
    fig, (ax0, ax1) = figure(2, (12, 4.4))
    classes = np.arange(len(y_hat))
    ax0.bar(classes - 0.27, y_hat, 0.27, label="ŷ = softmax(θ)")
    ax0.bar(classes, y, 0.27, label="y (one-hot)")
    ax0.bar(classes + 0.27, y_hat - y, 0.27, label="ŷ − y (report 000 eq. 6)")
    for k, (route, g) in enumerate(grads.items()):  # the routes agree, so the markers sit on each other
        ax0.plot(
            classes + 0.27,
            g,
            "ox+"[k % 3],
            color="k",
            mfc="none",
            ms=(11, 8, 13)[k % 3],
            label=f"engine ∂L/∂θ: {route}",
        )
    ax0.axhline(0, color="gray", lw=0.8)
    ax0.set(xlabel="class i", xticks=classes, title="Cross-entropy of softmax: the gradient is ŷ − y")
    ax0.legend(fontsize=8)
    limit = np.abs(jacobian).max()
    image = ax1.imshow(jacobian, cmap="RdBu_r", vmin=-limit, vmax=limit)
    fig.colorbar(image, ax=ax1)
    for i, j in np.ndindex(jacobian.shape):
        dark = abs(jacobian[i, j]) > limit / 2
        ax1.text(j, i, f"{jacobian[i, j]:.3f}", ha="center", va="center", fontsize=8, color="w" if dark else "k")
    ax1.set(
        xticks=classes,
        yticks=classes,
        xlabel=r"$\theta_j$",
        ylabel=r"$\hat y_i$",
        title="autograd.jacobian(softmax, θ) = diag(ŷ) − ŷŷᵀ (report 002 eq. 1.4)",
    )
    return fig


# ----------------------------------------------------------------------------- report 002 (mlp_mnist)


def plot_q4(points: np.ndarray, labels: np.ndarray, curve: Sequence[float], chunk: int, lr: float) -> Any:
    """Q4's two classes (at most 2,000 points each) and the mean loss per `chunk` observations."""
    fig, (ax0, ax1) = figure(2, (11, 4.2))
    for c, name in enumerate(["ellipse (class 0)", "circle (class 1)"]):
        pts = points[labels == c][:2000]
        ax0.scatter(pts[:, 0], pts[:, 1], s=3, alpha=0.5, label=name)
    ax0.set(xlabel="$x_1$", ylabel="$x_2$", title="Q4 data: an ellipse and a circle, overlapping", aspect="equal")
    ax0.legend(markerscale=4)
    ax1.plot(np.arange(1, len(curve) + 1) * chunk / 1000, curve)
    ax1.set(
        xlabel="observations seen (thousands)",
        ylabel=f"mean loss per {chunk} observations",
        title=f"Q4: 2-3-2 sigmoid network, SGD batch 1, lr {lr:g}",
    )
    ax1.grid(alpha=0.3)
    return fig


def plot_run_spread(
    chunks: np.ndarray, per_epoch: np.ndarray, chunk: int, n_train: int, lr: float, batch_size: int
) -> Any:
    """Experiment 2: mean ± std over runs of the training loss (per `chunk` observations and per epoch), and the std.

    `chunks` is (runs, points) of losses per `chunk` observations, `per_epoch` (runs, epochs).
    """
    runs, epochs = per_epoch.shape
    mean, std = per_epoch.mean(axis=0), per_epoch.std(axis=0)
    seen = np.arange(1, chunks.shape[1] + 1) * chunk / n_train
    m, s = chunks.mean(axis=0), chunks.std(axis=0)
    fig, (ax, ax_std) = figure(2, (12, 4.2))
    ax.plot(seen, m, label=f"mean of {runs} runs (per {chunk} observations)")
    ax.fill_between(seen, m - s, m + s, alpha=0.3, label="± 1 std")
    ax.errorbar(np.arange(1, epochs + 1), mean, yerr=std, fmt="ko", capsize=4, label="epoch mean ± std")
    ax.set(
        xlabel="epoch",
        ylabel="training cross-entropy",
        title=f"Exp. 2: {runs} SGD runs, lr {lr:g}, batch size {batch_size}",
    )
    ax_std.semilogy(seen, s, label=f"per {chunk} observations")
    ax_std.semilogy(np.arange(1, epochs + 1), std, "ko", label="per epoch")
    ax_std.set(
        xlabel="epoch",
        ylabel="std of the training loss across runs",
        title="Exp. 2: spread of the training loss across runs",
    )
    for a in (ax, ax_std):
        a.grid(alpha=0.3)
        a.legend()
    return fig


def plot_lr_sweep(
    histories: dict[float, dict[str, list[float]]], reported: dict[float, float], source: str, batch_size: int
) -> Any:
    """Experiment 3: training and validation loss per epoch for each lr, and the final validation accuracy vs lr."""
    fig, (ax0, ax1) = figure(2, (12, 4.4))
    for k, (lr, hist) in enumerate(histories.items()):
        epochs = np.arange(1, len(hist["loss"]) + 1)
        ax0.plot(epochs, hist["loss"], "o-", color=f"C{k}", label=f"lr {lr:g}: training")
        ax0.plot(epochs, hist["val_loss"], "s--", color=f"C{k}", label=f"lr {lr:g}: validation")
    ax0.set(
        xlabel="epoch",
        ylabel="cross-entropy",
        xticks=epochs,
        title=f"Exp. 3: loss per learning rate (batch size {batch_size}, lr × {batch_size})",
    )
    ax0.grid(alpha=0.3)
    ax0.legend(fontsize=7, ncol=2)
    rates = list(histories)
    ax1.semilogx(rates, [100 * histories[lr]["val_accuracy"][-1] for lr in rates], "o-", label=f"ours ({source})")
    ax1.semilogx(rates, [100 * reported[lr] for lr in rates], "s--", label="report 002")
    ax1.set(
        xlabel="learning rate (per example)",
        ylabel=f"validation accuracy after {len(epochs)} epochs (%)",
        title="Exp. 3: validation accuracy against learning rate",
    )
    ax1.grid(alpha=0.3, which="both")
    ax1.legend()
    return fig


# ----------------------------------------------------------------------------- the text tasks


def plot_loss_and_accuracy(history: dict[str, list[float]], reference: tuple[float, str], title: str) -> Any:
    """next_word: the losses and the accuracies per epoch side by side, with a reference accuracy line."""
    fig, (ax1, ax2) = figure(2, (10, 4))
    draw_curves(ax1, {"train (mean over the epoch)": history["loss"], "validation": history["val_loss"]}, "Loss")
    draw_curves(
        ax2, {"train": history["train_accuracy"], "validation": history["val_accuracy"]}, "Accuracy", ylabel="accuracy"
    )
    ax2.axhline(reference[0], color="gray", ls="--", label=reference[1])
    ax2.legend()
    fig.suptitle(title)
    return fig


def plot_tsne(xy: np.ndarray, words: Sequence[str], title: str, labelled: int | None = None) -> Any:
    """A 2-D map of word embeddings, each point labelled with its word (only the first `labelled` when given)."""
    fig, ax = figure(size=(14, 12))
    ax.scatter(xy[:, 0], xy[:, 1], s=4, color="lightgray")
    for (x, y), word in list(zip(xy, words))[:labelled]:
        ax.annotate(word, (x, y), fontsize=8, ha="center", va="center")
    ax.set(xlabel="t-SNE 1", ylabel="t-SNE 2", title=title)
    return fig


def plot_loss_panels(runs: dict[str, dict[str, Any]], title: str) -> Any:
    """text_classify: one panel per activation; train (solid) and validation (dashed) loss of each of its runs."""
    activations = list(dict.fromkeys(r["activation"] for r in runs.values()))
    fig, axes = figure(len(activations), (5 * len(activations), 4), squeeze=False, sharey=True)
    for ax, activation in zip(axes[0], activations):
        for i, r in enumerate(r for r in runs.values() if r["activation"] == activation):
            epochs = np.arange(1, len(r["history"]["train_loss"]) + 1)
            label = f"h={r['hidden']}, L2 {r['l2']}"
            ax.plot(epochs, r["history"]["train_loss"], color=f"C{i}", label=f"train, {label}")
            ax.plot(
                epochs,
                r["history"]["val_loss"],
                color=f"C{i}",
                ls="--",
                label=f"validation, {label} (acc {r['val_accuracy']:.2f})",
            )
        ax.set(xlabel="epoch", ylabel="cross-entropy", title=activation)
        ax.legend(fontsize=7)
        ax.grid(alpha=0.3)
    fig.suptitle(title)
    return fig


def plot_roc(
    splits: dict[str, tuple[np.ndarray, np.ndarray]], classes: Sequence[str], title: str
) -> tuple[Any, dict[str, dict[str, float]]]:
    """One-vs-rest ROC curve of each class, one panel per split {name: (probabilities (N, C), labels)}; and the AUCs."""
    from sklearn.metrics import auc, roc_curve

    fig, axes = figure(len(splits), (5.5 * len(splits), 5), squeeze=False)
    aucs: dict[str, dict[str, float]] = {}
    for ax, (split, (probs, y)) in zip(axes[0], splits.items()):
        aucs[split] = {}
        for c, label in enumerate(classes):
            fpr, tpr, _ = roc_curve(y == c, probs[:, c])
            aucs[split][label] = float(auc(fpr, tpr))
            ax.plot(fpr, tpr, label=f"{c} {label} (AUC {aucs[split][label]:.3f})")
        ax.plot([0, 1], [0, 1], color="gray", ls=":", label="chance")
        name = {"train": "training", "val": "validation"}.get(split, split)
        ax.set(xlabel="false positive rate", ylabel="true positive rate", title=f"ROC, {name} set", aspect="equal")
        ax.legend(loc="lower right")
        ax.grid(alpha=0.3)
    fig.suptitle(title)
    return fig, aucs
