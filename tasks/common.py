"""What every task script shares: the command line, failing cleanly, the output folder, metrics, the training loop.

A task is `python -m tasks.NAME [options]`.  Its `main(argv)` is
`run_task(parser, run, argv)`: `task_parser` builds the options every task
has (`--out`, `--debug`, and `--seed`, `--quick`, `--data-dir` where they do
something), `run(args)` does the work and returns the metrics, which it writes
with `save_metrics`; figures go through `tasks.plots.save_figure`.

Bad input (a missing, corrupt or truncated data or model file, an `--out` that
cannot be written) ends the task with one line on stderr naming the file and
the fault, and exit status 2; `--debug` shows the traceback instead.

Every task trains with `fit`, one mini-batch loop: the same five lines as in
PyTorch's tutorials (forward, loss, `zero_grad`, `backward`, `step`), plus what
the reports plot (the mean training loss of each epoch, the loss and accuracy
of held-out sets after each epoch, the loss per k observations).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any, TypeVar

import numpy as np

import autograd
import nn
from nn.io import atomic_write
from nn.tuning import one_blas_thread
from tasks.data import DataError

T = TypeVar("T")


# ----------------------------------------------------------------------------- the command line


class _HelpFormatter(argparse.RawDescriptionHelpFormatter):
    """Appends "(default: X)" to an option's help once: not when the help already names its default, nor for None."""

    def _get_help_string(self, action: argparse.Action) -> str:
        text = action.help or ""
        quiet = action.default is None or action.default is False or action.default == argparse.SUPPRESS
        if "default" in text or quiet or not action.option_strings:
            return text
        return f"{text} (default: %(default)s)"


def task_parser(
    name: str, description: str, *, seed: bool = True, quick: bool = True, data: bool = True
) -> argparse.ArgumentParser:
    """An argparse parser with `--out` and `--debug`, and `--seed`, `--quick`, `--data-dir` unless turned off.

    A task turns off the options that would do nothing for it (relu_mse has no
    randomness, no long run and no data), so none is accepted and ignored.
    """
    parser = argparse.ArgumentParser(
        prog=f"python -m tasks.{name}", description=description, formatter_class=_HelpFormatter
    )
    parser.add_argument("--out", default=None, help=f"output folder (default: out/{name}/)")
    if seed:
        parser.add_argument("--seed", type=int, default=0, help="random seed (data, initialisation, shuffling)")
    if quick:
        parser.add_argument("--quick", action="store_true", help="a seconds-long run (what the tests use)")
    if data:
        parser.add_argument(
            "--data-dir",
            default=None,
            help="the folder holding the data sets (default: $AUTOGRAD_DATA, else ../shared/data)",
        )
    parser.add_argument("--debug", action="store_true", help="on an error, show the Python traceback")
    parser.set_defaults(task_name=name)
    return parser


def positive(kind: type) -> Callable[[str], Any]:
    """An argparse `type=` that accepts numbers of `kind` (int or float) above 0."""

    def parse(text: str) -> Any:
        try:
            value = kind(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{text!r} is not {'an integer' if kind is int else 'a number'}") from None
        if not value > 0 or value == float("inf"):
            raise argparse.ArgumentTypeError(f"must be a finite number above 0, got {text}")
        return value

    parse.__name__ = f"positive {kind.__name__}"
    return parse


def fraction(text: str) -> float:
    """An argparse `type=` for a share in [0, 1)."""
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number") from None
    if not 0 <= value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 0 and below 1, got {text}")
    return value


def run_task(
    parser: argparse.ArgumentParser, run: Callable[[argparse.Namespace], T], argv: list[str] | None = None
) -> T:
    """Parse `argv`, call `run(args)` and return what it returns.

    A DataError or OSError (bad input: a data, model or output file) becomes
    one line on stderr, `python -m tasks.NAME: error: <file>: <fault>`, and
    SystemExit(2), as argparse does for a bad option; with `--debug` it is
    raised with its traceback.  Anything else is a bug and keeps its traceback.
    """
    args = parser.parse_args(argv)
    try:
        return run(args)
    except (DataError, OSError) as exc:
        if args.debug:
            raise
        message = " ".join(str(exc).split())  # one line, whatever the exception held
        print(f"{parser.prog}: error: {message}", file=sys.stderr)
        raise SystemExit(2) from None


# ----------------------------------------------------------------------------- files


def output_dir(args: argparse.Namespace, sub: str = "") -> Path:
    """The task's output folder (`--out`, else `out/NAME/`; `sub` inside it), created and checked to be writable.

    Tasks call it before any work, so a bad `--out` fails at once, not after the training.
    """
    out = (Path(args.out) if args.out else Path("out") / args.task_name) / sub
    if out.exists() and not out.is_dir():
        raise DataError(f"{out}: --out names a file, not a folder")
    try:
        out.mkdir(parents=True, exist_ok=True)
        probe = out / f".write-test-{os.getpid()}"
        probe.write_bytes(b"")
        probe.unlink()
    except OSError as exc:
        raise DataError(f"{out}: cannot write the output folder ({exc.strerror or exc})") from None
    return out


def _jsonable(value: Any) -> Any:
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    if isinstance(value, autograd.Tensor):
        value = value.numpy()
    if isinstance(value, np.ndarray):
        return value.tolist()
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, Path):
        return str(value)
    return value


def save_metrics(out: Path, metrics: dict[str, Any]) -> Path:
    """Write `metrics.json` (every number the task printed), atomically, and return its path."""
    path = out / "metrics.json"
    return atomic_write(path, json.dumps(_jsonable(metrics), indent=2, allow_nan=False, ensure_ascii=False) + "\n")


def load_model(model: nn.Module, path: str | Path) -> nn.Module:
    """`model.load(path)`; a file that is missing, truncated, corrupt or of another network is a DataError naming it."""
    path = Path(path)
    if not path.is_file():
        raise DataError(f"{path}: model file not found" if not path.exists() else f"{path}: not a file")
    try:
        return model.load(path)
    except (ValueError, KeyError, TypeError, RuntimeError, OSError, EOFError, RecursionError) as exc:
        message = str(exc).removeprefix(f"{path}: ").removeprefix(f"{path} ")
        raise DataError(f"{path}: cannot load the model: {message}") from None


# ----------------------------------------------------------------------------- progress and time


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


# ----------------------------------------------------------------------------- training and evaluation


def confusion_matrix(y_true: np.ndarray, y_pred: np.ndarray, classes: int) -> np.ndarray:
    """counts[i, j] = how many examples of true class i were predicted as class j."""
    counts = np.zeros((classes, classes), dtype=np.int64)
    np.add.at(counts, (np.asarray(y_true), np.asarray(y_pred)), 1)
    return counts


def evaluate(
    model: nn.Module, x: np.ndarray, y: np.ndarray, loss_fn: Callable[..., autograd.Tensor], batch_size: int = 5000
) -> tuple[float, float, np.ndarray]:
    """(mean loss, accuracy, predicted classes) of a classifier on a whole set, in batches, without a graph.

    The mean is the one `loss_fn` would give on the whole set at once: with
    class weights w (`loss_fn.weight`, as nn.CrossEntropyLoss has), each batch
    counts by its summed weights Σ w_{y_i}, else by its size.
    """
    weight = getattr(loss_fn, "weight", None)
    weight = None if weight is None else np.asarray(weight.numpy() if isinstance(weight, autograd.Tensor) else weight)
    total, norm, preds = 0.0, 0.0, []
    model.eval()
    with autograd.no_grad():
        for start in range(0, len(x), batch_size):
            xb, yb = x[start : start + batch_size], y[start : start + batch_size]
            logits = model(xb)
            share = float(len(yb) if weight is None else weight[yb].sum())
            total += loss_fn(logits, yb).item() * share
            norm += share
            preds.append(logits.numpy().argmax(axis=1))
    pred = np.concatenate(preds)
    return total / norm, float(np.mean(pred == y)), pred


def compiled_step(model: nn.Module, loss_fn: Callable[..., autograd.Tensor]) -> autograd.compiler.Compiled:
    """`loss = loss_fn(model(x), y); loss.backward()` as one generated numpy function (`autograd.compile`);
    `.source` is its code."""

    def forward_backward(x: Any, y: Any) -> autograd.Tensor:
        loss = loss_fn(model(x), y)
        loss.backward()
        return loss

    return autograd.compile(forward_backward)


def fit(
    model: nn.Module,
    optimizer: Any,
    loss_fn: Callable[..., autograd.Tensor],
    train: tuple[np.ndarray, np.ndarray],
    epochs: int,
    batch_size: int,
    *,
    seed: int = 0,
    shuffle: bool = True,
    eval_sets: dict[str, tuple[np.ndarray, np.ndarray]] | None = None,
    scheduler: Any = None,
    chunk: int | None = None,
    on_step: Callable[[int, autograd.Tensor], None] | None = None,
    log: bool = False,
    desc: str = "train",
    quiet: bool = False,
    compile: bool | autograd.compiler.Compiled = False,
) -> dict[str, list[float]]:
    """Mini-batch training of a classifier (the model returns logits) on arrays; returns the history.

    Each step is PyTorch's

        loss = loss_fn(model(xb), yb); optimizer.zero_grad(); loss.backward(); optimizer.step()

    over `DataLoader(*train, batch_size, shuffle, seed)`; `scheduler.step()`
    after each epoch.  The history, one entry per epoch: `loss`, the mean
    training loss of the epoch's steps (each example counted once, as the
    reports' curves); `<name>_loss` and `<name>_accuracy` for each of
    `eval_sets` ({"val": (x, y)}, {"train": train}, ...), measured after the
    epoch without a graph (`evaluate`); with `chunk`, `chunk_loss`: the mean
    loss of every `chunk` training examples seen.  `on_step(step, loss)`, when
    given, is called after each optimizer step (the gradients are still there).
    `log` prints one line per epoch.  BLAS runs on one thread (small products).
    `compile`: forward, loss and backward run as the program `autograd.compile` writes
    (`compiled_step`, or the one given); the same numbers, without the engine's cost per op.
    """
    loader = nn.DataLoader(*train, batch_size=batch_size, shuffle=shuffle, seed=seed)
    forward_backward = (
        compile
        if isinstance(compile, autograd.compiler.Compiled)
        else compiled_step(model, loss_fn)
        if compile
        else None
    )
    history: dict[str, list[float]] = {"loss": []}
    if chunk:
        history["chunk_loss"] = []
    chunk_sum, chunk_n, step = 0.0, 0, 0
    bar = progress(range(epochs * len(loader)), desc, total=epochs * len(loader), quiet=quiet)
    with one_blas_thread():
        for epoch in range(1, epochs + 1):
            model.train()
            epoch_sum = 0.0
            for xb, yb in loader:
                if forward_backward is not None:
                    optimizer.zero_grad()
                    loss = forward_backward(xb, yb)
                else:
                    loss = loss_fn(model(xb), yb)
                    optimizer.zero_grad()
                    loss.backward()
                optimizer.step()
                next(bar, None)
                step += 1
                if on_step is not None:
                    on_step(step, loss)
                value = loss.item() * len(yb)
                epoch_sum += value
                if chunk:
                    chunk_sum, chunk_n = chunk_sum + value, chunk_n + len(yb)
                    if chunk_n >= chunk:
                        history["chunk_loss"].append(chunk_sum / chunk_n)
                        chunk_sum, chunk_n = 0.0, 0
            history["loss"].append(epoch_sum / len(train[0]))
            for name, (xs, ys) in (eval_sets or {}).items():
                set_loss, accuracy, _ = evaluate(model, xs, ys, loss_fn)
                history.setdefault(f"{name}_loss", []).append(set_loss)
                history.setdefault(f"{name}_accuracy", []).append(accuracy)
            if scheduler is not None:
                scheduler.step()
            if log:
                print(
                    f"{desc} epoch {epoch}/{epochs}: "
                    + "  ".join(f"{k} {v[-1]:.4f}" for k, v in history.items() if k != "chunk_loss")
                )
    return history
