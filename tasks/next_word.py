"""Report 003: next-word prediction from three words (shared 16-d embedding, 128 sigmoid units, 250-way softmax).

The network of report 003, in its notation: one shared embedding W1 (here
`nn.Embedding(250, 16)`, i.e. W1ᵀ: looking up a row is W1·x for a one-hot x)
for the three context words, concatenated to 48 numbers, a hidden layer
σ(W2·e + b1) of 128 sigmoid units and a softmax output γ(W3·h + b2) over the
250 words, trained with cross-entropy on mini-batches.

The report stalled at 17.3 % test accuracy. That number is exactly the share
of "." among the targets: the network always predicted the most frequent
word. `--report-setting` reproduces it (normal init with std 0.01, plain SGD at
lr 0.001 with decay, batches of 1490): with weights of 0.01 every hidden
pre-activation is ≈ 0, every sigmoid sits at 0.5 for every input (the report
saw "0.4999999 and 0.5"), and the gradients reaching W2 and W1 are multiplied
by the tiny W3 and W2, so only the output bias learns: the unigram
distribution. The defaults (PyTorch's default init, std-1 embeddings, Adam at
lr 0.001, batches of 100) break that symmetry and reach about 35 % within a
few epochs.

    python -m tasks.next_word                       # train, evaluate, t-SNE, a few predictions
    python -m tasks.next_word --report-setting      # the report's stall at 17 %
    python -m tasks.next_word eval --predict "going to be" "i do not"
"""

from __future__ import annotations

import argparse
from typing import Any

import numpy as np

import autograd
import nn
from autograd import Tensor
from tasks.common import Timer, evaluate, fit, load_model, output_dir, positive, run_task, save_metrics, task_parser
from tasks.data import NGRAM_FILES, DataError, find_dataset, load_ngram, read_json
from tasks.plots import plot_loss_and_accuracy, plot_tsne, save_figure, use_agg

REPORT_TEST_ACCURACY = 0.17292
REPORT_SETTING = {
    "init": "normal",
    "init_std": 0.01,
    "optimizer": "sgd",
    "lr": 0.001,
    "lr_decay": 0.9,
    "batch_size": 1490,
    "epochs": 4,
}
DEFAULT_PREDICT = ["going to be", "i do not", "he said that", "it is a", "what do you"]
LOSS = nn.CrossEntropyLoss()


class NextWordModel(nn.Module):
    """W1 shared by the three positions → concat e (48) → h = σ(W2·e + b1) (128) → logits W3·h + b2 (250).

    `hidden.weight` is W2 (128×48) and `output.weight` is W3 (250×128), (out, in) as in the report.
    """

    def __init__(
        self,
        vocab_size: int = 250,
        embed_dim: int = 16,
        hidden: int = 128,
        init: str = "default",
        init_std: float | None = None,
        embed_std: float = 1.0,
        dtype: Any = np.float32,
    ) -> None:
        super().__init__()
        self.embed = nn.Embedding(vocab_size, embed_dim, init="normal", std=embed_std, dtype=dtype)
        self.hidden = nn.Linear(3 * embed_dim, hidden, init=init, std=init_std, dtype=dtype)
        self.output = nn.Linear(hidden, vocab_size, init=init, std=init_std, dtype=dtype)

    def forward(self, words: np.ndarray) -> Tensor:
        e = self.embed(words)  # (N, 3, 16)
        e = e.reshape((e.shape[0], -1))  # (N, 48): [W1x1; W1x2; W1x3]
        return self.output(self.hidden(e).sigmoid())  # logits (N, 250)

    def hidden_activations(self, words: np.ndarray) -> np.ndarray:
        """σ(W2·e + b1) for a batch, as numbers (to show the report's 0.5 plateau)."""
        with autograd.no_grad():
            e = self.embed(words)
            return self.hidden(e.reshape((e.shape[0], -1))).sigmoid().numpy()


# ----------------------------------------------------------------------------- data

_SUBJECTS = ["i", "you", "we", "they", "he", "she"]
_OBJECT = {"want": "more", "need": "help", "like": "it", "have": "time", "see": "them", "know": "that"}
_END = {"more": ".", "help": "now", "it": "?", "time": "today", "them": "again", "that": "too"}


def tiny_corpus(seed: int, n_sentences: int = 3000) -> dict[str, Any]:
    """A generated stand-in for ngram4/ when it is absent: 4-grams of short templated sentences.

    Sentences are "SUBJ do not VERB OBJ END" or "SUBJ VERB to VERB OBJ END"
    with random subjects and verbs; each verb has its own object and each
    object its own ending, so two thirds of the 4-grams are predictable. They
    become (3 words → 4th word) examples with the layout of `load_ngram`
    (80/10/10 train/valid/test split).
    """
    rng = np.random.default_rng(seed)
    verbs = list(_OBJECT)
    vocab = sorted(set(_SUBJECTS + verbs + list(_END) + list(_END.values()) + ["do", "not", "to"]))
    col = {w: i for i, w in enumerate(vocab)}
    grams = []
    for _ in range(n_sentences):
        s, v1, v2 = str(rng.choice(_SUBJECTS)), str(rng.choice(verbs)), str(rng.choice(verbs))
        words = [s, "do", "not", v1] if rng.random() < 0.5 else [s, v1, "to", v2]
        words += [_OBJECT[words[-1]], _END[_OBJECT[words[-1]]]]
        grams += [[col[w] for w in words[i : i + 4]] for i in range(len(words) - 3)]
    grams = np.array(grams, dtype=np.int64)[rng.permutation(len(grams))]
    cut1, cut2 = int(0.8 * len(grams)), int(0.9 * len(grams))
    data: dict[str, Any] = {"vocab": vocab}
    for split, part in (("train", grams[:cut1]), ("valid", grams[cut1:cut2]), ("test", grams[cut2:])):
        data[f"{split}_inputs"], data[f"{split}_targets"] = part[:, :3], part[:, 3]
    return data


def load_data(args: argparse.Namespace) -> tuple[dict[str, Any], str]:
    """The 4-gram data (sliced with --quick) and where it came from."""
    folder = find_dataset("ngram4", NGRAM_FILES, args.data_dir, "a tiny generated corpus of templated sentences")
    data, source = (tiny_corpus(args.seed), "generated") if folder is None else (load_ngram(folder), str(folder))
    if args.quick:
        for split, n in (("train", 20000), ("valid", 3000), ("test", 3000)):
            data[f"{split}_inputs"] = data[f"{split}_inputs"][:n]
            data[f"{split}_targets"] = data[f"{split}_targets"][:n]
    return data, source


# ----------------------------------------------------------------------------- training


def make_optimizer(args: argparse.Namespace, params: Any) -> Any:
    if args.optimizer == "adam":
        return nn.optim.Adam(params, lr=args.lr)
    return nn.optim.SGD(params, lr=args.lr, momentum=args.momentum)


def train(args: argparse.Namespace, model: NextWordModel, data: dict[str, Any]) -> dict[str, list[float]]:
    """Mini-batch training, the lr times `--lr-decay` after each epoch; the loss and accuracies per epoch."""
    opt = make_optimizer(args, model.parameters())
    return fit(
        model,
        opt,
        LOSS,
        (data["train_inputs"], data["train_targets"]),
        args.epochs,
        args.batch_size,
        seed=args.seed,
        scheduler=nn.optim.lr_scheduler.ExponentialLR(opt, gamma=args.lr_decay),
        eval_sets={
            "train": (data["train_inputs"], data["train_targets"]),
            "val": (data["valid_inputs"], data["valid_targets"]),
        },
        log=True,
        desc="next_word",
        quiet=args.quick,
    )


# ----------------------------------------------------------------------------- outputs


def predict(model: NextWordModel, vocab: list[str], starts: list[str], k: int = 5) -> dict[str, Any]:
    """The k most likely next words for each sentence start (its last three words are used)."""
    col = {w: i for i, w in enumerate(vocab)}
    results: dict[str, Any] = {}
    for start in starts:
        words = start.lower().split()[-3:]
        unknown = [w for w in words if w not in col]
        if len(words) < 3 or unknown:
            why = f"unknown words {unknown}" if unknown else "needs three words"
            print(f"  {start!r}: skipped ({why}; the vocabulary has {len(vocab)} words)")
            results[start] = {"skipped": why}
            continue
        with autograd.no_grad():
            probs = autograd.softmax(model(np.array([[col[w] for w in words]])), dim=-1).numpy()[0]
        best = np.argsort(probs)[::-1][:k]
        results[start] = {vocab[i]: float(probs[i]) for i in best}
        print(f"  {start!r} → " + ", ".join(f"{vocab[i]} ({probs[i]:.2f})" for i in best))
    return results


def tsne_figure(model: NextWordModel, vocab: list[str], seed: int, quick: bool = False) -> Any:
    """t-SNE of the learned embeddings (rows of W1ᵀ) in 2-D, each point labelled with its word.

    With `quick`, fewer iterations and only the first 40 words labelled (drawing 250 labels takes seconds).
    """
    from sklearn.manifold import TSNE

    emb = model.embed.weight.numpy().astype(np.float64)
    xy = TSNE(
        n_components=2,
        perplexity=min(30.0, len(vocab) / 4),
        init="pca",
        random_state=seed,
        max_iter=250 if quick else 1000,
    ).fit_transform(emb)
    return plot_tsne(
        xy,
        vocab,
        f"t-SNE of the {len(vocab)} learned {emb.shape[1]}-d word embeddings (W1)",
        labelled=40 if quick else None,
    )


# ----------------------------------------------------------------------------- command line


def build_parser() -> argparse.ArgumentParser:
    p = task_parser("next_word", __doc__.splitlines()[0])
    p.add_argument(
        "mode",
        nargs="?",
        choices=["train", "eval"],
        default="train",
        help="train (then evaluate), or eval: load OUT/model.npz and report test accuracy",
    )
    p.add_argument("--epochs", type=positive(int), default=10, help="epochs (--quick: at most 2)")
    p.add_argument("--batch-size", type=positive(int), default=100, help="report: 1490 (250 batches per epoch)")
    p.add_argument("--optimizer", choices=["adam", "sgd"], default="adam", help="report: sgd")
    p.add_argument("--lr", type=positive(float), default=0.001, help="report: 0.001 (with SGD)")
    p.add_argument("--momentum", type=float, default=0.0, help="SGD momentum")
    p.add_argument("--lr-decay", type=positive(float), default=1.0, help="lr multiplied by this after each epoch")
    p.add_argument(
        "--init",
        choices=["default", "normal", "xavier", "he"],
        default="default",
        help="W2, W3 initialiser; default: PyTorch's (report: normal, std 0.01)",
    )
    p.add_argument("--init-std", type=positive(float), default=None, help="std of the normal initialiser")
    p.add_argument("--embed-std", type=positive(float), default=1.0, help="std of the embedding init (report: 0.01)")
    p.add_argument(
        "--report-setting",
        action="store_true",
        help="report 003's setting: normal(0, 0.01) init, SGD lr 0.001 ×0.9 per epoch, batch 1490, "
        "4 epochs (stalls at 17 %%)",
    )
    p.add_argument(
        "--predict",
        nargs="*",
        default=None,
        metavar="START",
        help="sentence starts whose next word to predict (default: a few examples)",
    )
    return p


def configure(args: argparse.Namespace) -> None:
    """Apply --report-setting and --quick to the options."""
    if args.report_setting:
        for key, value in REPORT_SETTING.items():
            setattr(args, key, value)
        args.embed_std = REPORT_SETTING["init_std"]
    if args.quick:
        args.epochs = min(args.epochs, 2)


def run(args: argparse.Namespace) -> dict[str, Any]:
    configure(args)
    use_agg()
    out = output_dir(args)
    model_path = out / "model.npz"
    if args.mode == "eval" and not model_path.exists():
        raise DataError(f"{model_path}: no saved parameters; run `python -m tasks.next_word` first")
    data, source = load_data(args)
    vocab = data["vocab"]
    nn.manual_seed(args.seed)
    model = NextWordModel(len(vocab), init=args.init, init_std=args.init_std, embed_std=args.embed_std)
    metrics: dict[str, Any] = {
        "data": source,
        "mode": args.mode,
        "report_test_accuracy": REPORT_TEST_ACCURACY,
        "majority_test_accuracy": float(np.mean(data["test_targets"] == np.bincount(data["train_targets"]).argmax())),
    }
    if args.mode == "eval":
        load_model(model, model_path)
        print(f"loaded {model_path}")
        if (out / "metrics.json").exists():  # keep the training record, refresh the test numbers
            metrics = {**read_json(out / "metrics.json"), **metrics}
    else:
        config = {
            k: getattr(args, k)
            for k in (
                "epochs",
                "batch_size",
                "optimizer",
                "lr",
                "momentum",
                "lr_decay",
                "init",
                "init_std",
                "embed_std",
                "report_setting",
                "seed",
            )
        }
        print(f"data: {source}; {len(data['train_targets'])} training 4-grams; settings {config}")
        with Timer() as timer:
            history = train(args, model, data)
        model.save(model_path)
        metrics.update(config=config, history=history, train_seconds=timer.seconds)
        setting = "report's setting" if args.report_setting else f"{args.optimizer} lr {args.lr}"
        title = f"Report 003 network: {setting}"
        save_figure(
            plot_loss_and_accuracy(history, (REPORT_TEST_ACCURACY, "report 003, test (17.3 %)"), title), out, "curves"
        )
        save_figure(tsne_figure(model, vocab, args.seed, args.quick), out, "tsne")
        h = model.hidden_activations(data["valid_inputs"][:2000])
        metrics["hidden_sigmoid_spread"] = {"mean": float(h.mean()), "std_over_examples": float(h.std(axis=0).mean())}
        print(f"hidden sigmoid outputs: mean {h.mean():.4f}, std across examples {h.std(axis=0).mean():.5f}")
    test_loss, test_acc, _ = evaluate(model, data["test_inputs"], data["test_targets"], LOSS)
    print(
        f"test accuracy {test_acc:.4f} (report 003: {REPORT_TEST_ACCURACY}; always '.': "
        f"{metrics['majority_test_accuracy']:.4f}), test cross-entropy {test_loss:.4f}"
    )
    metrics.update(test_loss=test_loss, test_accuracy=test_acc)
    print("next-word predictions:")
    metrics["predictions"] = predict(model, vocab, DEFAULT_PREDICT if args.predict is None else args.predict)
    save_metrics(out, metrics)
    print(f"outputs in {out}/")
    return metrics


def main(argv: list[str] | None = None) -> dict[str, Any]:
    return run_task(build_parser(), run, argv)


if __name__ == "__main__":
    main()
