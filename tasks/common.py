"""What every task script shares: the command line, the output folder, metrics, figures, progress bars.

A task is `python -m tasks.NAME [options]`.  Each builds its parser with
`task_parser`, which adds the options every task has (`--seed`, `--out`,
`--quick`, `--data-dir`), and ends by writing `metrics.json` with
`save_metrics` and its figures (PNG and SVG) with `save_figure`.
"""

from __future__ import annotations

import argparse
import json
import time
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any, TypeVar

import numpy as np

from tasks.data import data_subdir, find_data_dir

T = TypeVar("T")


def task_parser(name: str, description: str) -> argparse.ArgumentParser:
    """An argparse parser with the options common to every task."""
    parser = argparse.ArgumentParser(prog=f"python -m tasks.{name}", description=description,
                                     formatter_class=argparse.ArgumentDefaultsHelpFormatter)
    parser.add_argument("--seed", type=int, default=0, help="random seed (data, initialisation, shuffling)")
    parser.add_argument("--out", default=None, help=f"output folder (default: out/{name}/)")
    parser.add_argument("--quick", action="store_true", help="a seconds-long run (what the tests use)")
    parser.add_argument("--data-dir", default=None,
                        help="data folder (default: $AUTOGRAD_DATA, else ../shared/data)")
    parser.set_defaults(task_name=name)
    return parser


def output_dir(args: argparse.Namespace) -> Path:
    """The task's output folder, created: `--out`, else `out/NAME/`."""
    out = Path(args.out) if args.out else Path("out") / args.task_name
    out.mkdir(parents=True, exist_ok=True)
    return out


def find_dataset(args: argparse.Namespace, subdir: str, fallback: str) -> Path | None:
    """The dataset's folder (`--data-dir`, `$AUTOGRAD_DATA`, `../shared/data`), or None.

    When it is absent, prints one line saying that the task runs on `fallback` instead.
    """
    folder = data_subdir(find_data_dir(args.data_dir), subdir)
    if folder is None:
        print(f"[data] {subdir}/ not found (--data-dir, $AUTOGRAD_DATA, ../shared/data): running on {fallback}")
    return folder


def _jsonable(value: Any) -> Any:
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    if isinstance(value, np.ndarray):
        return value.tolist()
    if isinstance(value, np.generic):
        return value.item()
    return value


def save_metrics(out: Path, metrics: dict[str, Any]) -> Path:
    """Write `metrics.json` (every number the task printed) and return its path."""
    path = out / "metrics.json"
    path.write_text(json.dumps(_jsonable(metrics), indent=2, allow_nan=False))
    return path


def save_figure(fig: Any, out: Path, name: str) -> list[Path]:
    """Save a matplotlib figure as NAME.png and NAME.svg in `out`, then close it."""
    import matplotlib.pyplot as plt

    paths = [out / f"{name}.png", out / f"{name}.svg"]
    fig.savefig(paths[0], dpi=120, bbox_inches="tight")
    fig.savefig(paths[1], bbox_inches="tight")
    plt.close(fig)
    return paths


def use_agg() -> None:
    """Draw figures without a screen (task scripts only write files)."""
    import matplotlib

    matplotlib.use("Agg")


def progress(iterable: Iterable[T], desc: str, total: int | None = None, quiet: bool = False) -> Iterator[T]:
    """A tqdm progress bar on a terminal (plain iteration in logs, when tqdm is missing, or `quiet`)."""
    if quiet:
        return iter(iterable)
    try:
        from tqdm import tqdm
    except ImportError:
        return iter(iterable)
    # disable=None: no bar when stderr is not a terminal, so redirected logs stay readable
    return iter(tqdm(iterable, desc=desc, total=total, leave=False, dynamic_ncols=True, disable=None))


class Timer:
    """`with Timer() as t: ...` then `t.seconds`."""

    def __enter__(self) -> Timer:
        self.start = time.perf_counter()
        self.seconds = 0.0
        return self

    def __exit__(self, *exc: object) -> None:
        self.seconds = time.perf_counter() - self.start


def tune_malloc() -> None:
    """Keep freed arrays inside the process (glibc only; elsewhere a no-op).

    glibc hands big freed arrays back to the system, so a training loop that
    allocates the same temporaries every step takes page faults every step;
    raising the trim and mmap thresholds makes small-batch steps 1.2–1.5×
    faster on the MNIST-size network (DESIGN.md, performance notes).
    """
    import ctypes
    import ctypes.util

    name = ctypes.util.find_library("c")
    try:
        libc = ctypes.CDLL(name or "libc.so.6")
        mallopt = libc.mallopt
    except (OSError, AttributeError):
        return
    m_trim_threshold, m_mmap_threshold = -1, -3
    mallopt(m_trim_threshold, 1 << 30)
    mallopt(m_mmap_threshold, 1 << 30)



def one_blas_thread() -> Any:
    """A context that limits BLAS to one thread (threadpoolctl; a no-op without it).

    Small matrix products gain nothing from threads, and on a shared two-core
    machine two spinning BLAS threads made MNIST-size SGD steps up to 20× slower
    (measured).  `with one_blas_thread(): train(...)`.
    """
    import contextlib

    try:
        from threadpoolctl import threadpool_limits
    except ImportError:
        return contextlib.nullcontext()
    return threadpool_limits(limits=1, user_api="blas")

def confusion_matrix(y_true: np.ndarray, y_pred: np.ndarray, classes: int) -> np.ndarray:
    """counts[i, j] = how many examples of true class i were predicted as class j."""
    counts = np.zeros((classes, classes), dtype=np.int64)
    np.add.at(counts, (np.asarray(y_true), np.asarray(y_pred)), 1)
    return counts


def plot_confusion(counts: np.ndarray, title: str, labels: list[str] | None = None) -> Any:
    """A confusion-matrix figure (rows: true class, columns: predicted) with the counts and a colour bar."""
    import matplotlib.pyplot as plt

    k = len(counts)
    labels = labels or [str(i) for i in range(k)]
    fig, ax = plt.subplots(figsize=(1.0 + 0.75 * k, 0.6 + 0.75 * k))
    image = ax.imshow(counts, cmap="Blues")
    fig.colorbar(image, ax=ax, label="examples")
    for i in range(k):
        for j in range(k):
            dark = counts[i, j] > counts.max() / 2
            ax.text(j, i, str(counts[i, j]), ha="center", va="center", color="white" if dark else "black")
    ax.set(xticks=range(k), yticks=range(k), xticklabels=labels, yticklabels=labels,
           xlabel="predicted class", ylabel="true class", title=title)
    return fig


def plot_decision_regions(predict: Any, points: np.ndarray, labels: np.ndarray, title: str,
                          resolution: int = 300) -> Any:
    """The classes `predict` (an (n, 2) array → (n,) class indices) gives over the plane, with the points on top."""
    import matplotlib.pyplot as plt

    classes = int(labels.max()) + 1
    lo, hi = points.min(axis=0), points.max(axis=0)
    pad = 0.05 * (hi - lo)
    gx, gy = np.meshgrid(np.linspace(lo[0] - pad[0], hi[0] + pad[0], resolution),
                         np.linspace(lo[1] - pad[1], hi[1] + pad[1], resolution))
    regions = np.asarray(predict(np.column_stack([gx.ravel(), gy.ravel()]))).reshape(gx.shape)
    cmap = plt.get_cmap("tab10", 10)
    fig, ax = plt.subplots(figsize=(6.4, 5.4))
    ax.contourf(gx, gy, regions, levels=np.arange(classes + 1) - 0.5, colors=[cmap(c) for c in range(classes)],
                alpha=0.25)
    for c in range(classes):
        mask = labels == c
        ax.scatter(points[mask, 0], points[mask, 1], s=10, color=cmap(c), edgecolors="k", linewidths=0.2,
                   label=f"class {c}")
    ax.set(xlabel="$x_1$", ylabel="$x_2$", title=title)
    ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize=8, markerscale=1.5)
    return fig


def fit_classifier(model: Any, optimizer: Any, loss_fn: Any, train: tuple[np.ndarray, np.ndarray],
                   val: tuple[np.ndarray, np.ndarray], epochs: int, batch_size: int, seed: int = 0,
                   quiet: bool = False, desc: str = "train") -> dict[str, list[float]]:
    """Mini-batch training of a classifier (model returns logits) on feature arrays.

    After each epoch the loss and accuracy on the whole training and
    validation sets are measured (without building a graph); returns them as
    lists `train_loss`, `val_loss`, `train_acc`, `val_acc`, one entry per epoch.
    """
    import autograd
    from nn import DataLoader

    loader = DataLoader(*train, batch_size=batch_size, shuffle=True, seed=seed)
    history: dict[str, list[float]] = {"train_loss": [], "val_loss": [], "train_acc": [], "val_acc": []}
    with one_blas_thread():  # small products: a second BLAS thread only spins (see one_blas_thread)
        for _ in progress(range(epochs), desc, total=epochs, quiet=quiet):
            model.train()
            for xb, yb in loader:
                loss = loss_fn(model(xb), yb)
                optimizer.zero_grad()
                loss.backward()
                optimizer.step()
            model.eval()
            with autograd.no_grad():
                for split, (x, y) in (("train", train), ("val", val)):
                    logits = model(x)
                    history[f"{split}_loss"].append(float(loss_fn(logits, y).item()))
                    history[f"{split}_acc"].append(float(np.mean(logits.numpy().argmax(axis=1) == y)))
    return history
