"""The README's result tables, generated from committed metrics files, so every number there is one a command printed.

    python -m tasks.results run [NAME ...]   # run the commands of RUNS (long), then save each one's metrics
    python -m tasks.results save NAME OUT    # copy OUT/metrics.json to docs/results/NAME.json
    python -m tasks.results readme           # rewrite the README's tables from docs/results/
    python -m tasks.results readme --check   # exit 1 when the README and docs/results/ disagree (the test does this)

`RUNS` names each run and its command; `run` executes them one at a time with
one BLAS thread (`OMP_NUM_THREADS=1`, as the README's wall times were
measured), output in out/results/NAME/, and saves each metrics.json with the
command and its wall time as docs/results/NAME.json.  In README.md each table
stands between `<!-- results: ID -->` and `<!-- /results: ID -->`, and
`TABLES[ID]` writes it from the saved results.
"""

from __future__ import annotations

import argparse
import importlib
import json
import os
import re
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from tasks.data import REPO_ROOT, DataError, read_json

RESULTS = REPO_ROOT / "docs" / "results"
README = REPO_ROOT / "README.md"

# name → the command after `python -m tasks.` (its first word is the task)
_SMALL_INIT = "--init normal --init-std 0.01 --embed-std 0.01"  # report 003's N(0, 0.01²) initialisation
_COMMANDS = {
    "softmax_ce": "softmax_ce",
    "relu_mse": "relu_mse",
    "two_layer_softplus": "two_layer_softplus --lr-sweep",
    "two_layer_softplus_overlap2": "two_layer_softplus --overlap 2",
    "mlp_mnist": "mlp_mnist",
    "mlp_mnist_batch1": "mlp_mnist --repeat-batch-size 1",
    "next_word": "next_word",
    "next_word_report": "next_word --report-setting",
    "next_word_batch100": (
        f"next_word {_SMALL_INIT} --optimizer sgd --lr 0.001 --lr-decay 0.9 --batch-size 100 --epochs 4"
    ),
    "next_word_default_init": "next_word --optimizer sgd --lr 0.001 --lr-decay 0.9 --batch-size 1490 --epochs 4",
    "next_word_adam": (
        f"next_word {_SMALL_INIT} --optimizer adam --lr 0.001 --lr-decay 0.9 --batch-size 1490 --epochs 4"
    ),
    "next_word_momentum": (
        f"next_word {_SMALL_INIT} --optimizer sgd --lr 0.1 --momentum 0.9 --lr-decay 0.9 --batch-size 100 --epochs 4"
    ),
    "text_classify": "text_classify",
    "text_classify_hidden": "text_classify --hidden 10 20 50 100 --activations relu --l2 on",
    "vaccine_tweets": "vaccine_tweets --grid",
    "vaccine_tweets_30": "vaccine_tweets --epochs 30",
}
RUNS: dict[str, list[str]] = {name: line.split() for name, line in _COMMANDS.items()}


def command(name: str) -> str:
    return "python -m tasks." + " ".join(RUNS[name])


# ----------------------------------------------------------------------------- running and saving


def save(name: str, out: Path, seconds: float | None = None) -> Path:
    """Copy OUT/metrics.json to docs/results/NAME.json, with the command (and its wall time when measured)."""
    from nn.io import atomic_write

    metrics = read_json(Path(out) / "metrics.json")
    record = {
        "command": command(name),
        **({"run_seconds": round(seconds, 1)} if seconds is not None else {}),
        **metrics,
    }
    text = json.dumps(record, indent=1, ensure_ascii=False).replace(f"{REPO_ROOT}/", "")  # paths inside the repo
    RESULTS.mkdir(parents=True, exist_ok=True)
    return atomic_write(RESULTS / f"{name}.json", text + "\n")


def run(names: Sequence[str]) -> None:
    """Run each named command in its own process, one after another, and save its metrics."""
    env = {**os.environ, "OMP_NUM_THREADS": "1"}
    for name in names:
        out = REPO_ROOT / "out" / "results" / name
        start = time.perf_counter()
        print(f"[results] {command(name)}  (output in {out}/)", flush=True)
        subprocess.run(
            [sys.executable, "-m", f"tasks.{RUNS[name][0]}", *RUNS[name][1:], "--out", str(out)],
            cwd=REPO_ROOT,
            env=env,
            check=True,
        )
        print(f"[results] saved {save(name, out, time.perf_counter() - start)}", flush=True)


def load() -> dict[str, dict[str, Any]]:
    """Every saved result, by run name."""
    missing = [n for n in RUNS if not (RESULTS / f"{n}.json").is_file()]
    if missing:
        raise DataError(
            f"{RESULTS}: no results for {', '.join(missing)} (python -m tasks.results run {' '.join(missing)})"
        )
    results = {name: read_json(RESULTS / f"{name}.json") for name in RUNS}
    bench = RESULTS / "benchmarks.json"  # written by `python -m benchmarks --out docs/results/benchmarks.json`
    if not bench.is_file():
        raise DataError(f"{bench}: missing (python -m benchmarks --out {bench.relative_to(REPO_ROOT)})")
    results["benchmarks"] = read_json(bench)
    return results


def settings_of(name: str) -> dict[str, Any]:
    """The options RUNS[name] gives its task, as the task's parser reads them (for checking saved settings)."""
    task = importlib.import_module(f"tasks.{RUNS[name][0]}")
    return vars(task.build_parser().parse_args(RUNS[name][1:]))


# ----------------------------------------------------------------------------- formatting


def pct(x: float, digits: int = 2) -> str:
    return f"{100 * x:.{digits}f} %"


def num(x: float, digits: int = 3) -> str:
    return f"{x:.{digits}f}"


def sci(x: float) -> str:
    return "0" if x == 0 else f"{x:.1e}"


def secs(x: float) -> str:
    if x < 10:
        return f"{x:.1f} s"
    return f"{x:.0f} s" if x < 120 else f"{x:.0f} s ({x / 60:.1f} min)"


def minsec(x: float) -> str:
    return f"{int(x // 60)} min {x % 60:.0f} s" if x >= 60 else f"{x:.0f} s"


def table(header: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    return "\n".join(lines + ["| " + " | ".join(row) + " |" for row in rows])


# ----------------------------------------------------------------------------- the tables


def reports_000_002(r: dict[str, dict[str, Any]]) -> str:
    """The tasks section's table: reports 000–002."""
    sm, rm, tl, tl2, mm = (
        r[k] for k in ("softmax_ce", "relu_mse", "two_layer_softplus", "two_layer_softplus_overlap2", "mlp_mnist")
    )
    diffs = sm["random"]["grad_max_diff"]
    big = sm["large_logits"]
    routes = big["loss_by_route"]
    given, other = rm["cases"]["given"], rm["cases"]["other_branch"]
    g = given["engine_grads"]
    zero = all(rm["cases"][c]["engine_grads"][n] == 0 for c in ("other_branch", "boundary") for n in "bmx")
    gc = tl["gradient_check"]
    sweep = tl["lr_sweep"]
    e1, e2, e3, e4, q4 = mm["exp1"], mm["exp2"], mm["exp3"], mm["exp4"], mm["q4"]
    chunk_std = sorted(e2["chunk_loss_std"])[len(e2["chunk_loss_std"]) // 2]
    rows = [
        [
            "000 §1, 002 Q1–2",
            "∂CE(softmax θ)/∂θ = ŷ − y (eq. 6 / 1.5)",
            "closed form",
            f"max diff {sci(max(diffs.values()))} (fused {sci(diffs['fused cross_entropy'])}, softmax→log "
            f"{sci(diffs['softmax → log → sum'])}, log_softmax {sci(diffs['log_softmax → sum'])})",
            f"`softmax_ce` · {secs(sm['run_seconds'])}",
        ],
        [
            "002 eq. 1.4",
            "`autograd.jacobian(softmax)` = diag(ŷ) − ŷŷᵀ",
            "closed form",
            f"max diff {sci(sm['random']['jacobian_max_diff'])}",
            "〃",
        ],
        [
            "000 §1",
            "logits ±1e4",
            "—",
            f"fused loss {big['loss']:g}, gradient ŷ − y "
            + ("exactly" if big["grad_max_diff"] == 0 else f"to {sci(big['grad_max_diff'])}")
            + f"; naive exp(θ)/Σexp(θ) gives {'nan' if big['naive_softmax_has_nan'] else 'finite values'}, "
            f"softmax→log gives {routes['softmax → log → sum']}",
            "〃",
        ],
        [
            "000 §2",
            "eqs. 8–12 at x=2, m=3, b=1, y*=4",
            "∂L/∂b, ∂L/∂m, ∂L/∂x = 6, 12, 18",
            f"{g['b']:g}, {g['m']:g}, {g['x']:g} (diff {sci(given['max_diff'])}); "
            f"a = {other['a']:g} and a = 0: ".replace("= -", "= −")
            + ("all three 0" if zero else "NOT all 0"),
            f"`relu_mse` · {secs(rm['run_seconds'])}",
        ],
        [
            "001 §1.8",
            f"gradient check, all {gc['parameters']} parameters",
            '"correct"',
            f"{'passed' if gc['passed'] else 'FAILED'}, max \\|engine − numeric\\| {sci(gc['max_abs_diff'])}",
            f"`two_layer_softplus --lr-sweep` · {secs(tl['run_seconds'])}",
        ],
        [
            "001 §2–3",
            f"train accuracy, lr {tl['settings']['lr']:g}, {tl['settings']['epochs']} epochs",
            "65.75 %",
            pct(tl["train_accuracy"]),
            "〃",
        ],
        [
            "001 §3",
            "test accuracy / cross-entropy",
            "66 % / 0.702",
            f"{pct(tl['test_accuracy'])} / {num(tl['test_cross_entropy'])}",
            "〃",
        ],
        [
            "001 §2",
            "lr " + ", ".join(sweep) + " (test acc.)",
            "0.1 best (stability)",
            ", ".join(f"{100 * v['test_accuracy']:.1f}" for v in sweep.values()) + " %",
            "〃",
        ],
        [
            "001",
            "more overlap between the rings (`--overlap 2`): train / test accuracy, test cross-entropy",
            "—",
            f"{pct(tl2['train_accuracy'])} / {pct(tl2['test_accuracy'])}, {num(tl2['test_cross_entropy'])}",
            f"`two_layer_softplus --overlap 2` · {secs(tl2['run_seconds'])}",
        ],
        [
            "002 Q4",
            "ellipse + circle, 2-3-2 sigmoid, SGD",
            "loss drops",
            f"mean loss per 1000 obs. {num(q4['first_loss'])} → {num(q4['final_loss'])} "
            f"({pct(q4['train_accuracy'], 1)} accuracy; the classes overlap)",
            f"`mlp_mnist` · {secs(q4['seconds'])} of it",
        ],
        [
            "002 exp. 1",
            f"validation accuracy, lr 0.01, batch {e1['batch_size']}, {len(e1['loss'])} epochs",
            "91.2 %",
            f"{pct(e1['val_accuracy'][-1])} (val. loss {num(e1['val_loss'][0])} → {num(e1['val_loss'][-1])})",
            f"{secs(e1['seconds'])} of it" + (", beside exp. 2" if e1.get("beside") else ""),
        ],
        [
            "002 exp. 2",
            f"{mm['settings']['runs']} runs, spread of the training loss",
            "wide at first, then shrinks",
            "std per epoch "
            + ", ".join(f"{v:.1e}" for v in e2["train_loss_std"])
            + f" (loss {num(e2['train_loss_mean'][0])} → {num(e2['train_loss_mean'][-1])}); per 1000 observations "
            f"≈ {chunk_std:.0e} (median), the noise of which examples were drawn (batch {e2['batch_size']})",
            f"{secs(e2['seconds'])} of it",
        ],
        [
            "002 exp. 3",
            "val. accuracy at lr " + ", ".join(e3["runs"]),
            "89.82, 94.8, 92.60, 96.14 %",
            ", ".join(f"{100 * v['val_accuracy_final']:.2f}" for v in e3["runs"].values())
            + f" % (batch {e3['batch_size']}, lr × {e3['batch_size']})",
            f"{secs(e3['seconds'])} of it",
        ],
        [
            "002 exp. 4",
            f"best lr on all {mm['n_train'] + mm['n_val']:,}, test set",
            "91.55 % (lr 0.003)",
            f"{pct(e4['test_accuracy'])} (lr {e4['lr']:g}, batch {e4['batch_size']})",
            f"{secs(e4['seconds'])} of it",
        ],
        [
            "002",
            "the whole `mlp_mnist` default run",
            "—",
            f"{secs(mm['wall_seconds'])} on 2 shared cores",
            "`OMP_NUM_THREADS=1 python -m tasks.mlp_mnist`",
        ],
    ]
    return table(["report", "experiment", "report's number", "ours", "command · wall time"], rows)


def mlp_mnist_batch(r: dict[str, dict[str, Any]]) -> str:
    """Batch 1 (experiment 1) beside batch 10 at lr × 10 (experiments 2 and 3) at lr 0.01."""
    mm = r["mlp_mnist"]
    e1, e2, e3 = mm["exp1"], mm["exp2"], mm["exp3"]["runs"]["0.01"]
    rows = [
        [f"batch {e1['batch_size']}, lr 0.01 (exp. 1)", num(e1["loss"][-1]), pct(e1["val_accuracy"][-1])],
        [
            f"batch {e2['batch_size']}, lr {e2['lr']:g} (exp. 2: mean of {mm['settings']['runs']} runs; exp. 3)",
            num(e2["train_loss_mean"][-1]),
            pct(e3["val_accuracy_final"]),
        ],
    ]
    return table(["SGD setting", "training loss, last epoch", "validation accuracy"], rows)


def mlp_mnist_batch1(r: dict[str, dict[str, Any]]) -> str:
    """Report 002's own setting, every run at batch size 1, trained with the compiled step: wall times."""
    mm = r["mlp_mnist_batch1"]
    s, n, n_all = mm["settings"], mm["n_train"], mm["n_train"] + mm["n_val"]
    e = s["epochs"]
    rows = []
    for label, key, runs, examples in [
        ("exp. 1: lr 0.01", "exp1", 1, n),
        (f"exp. 2: {s['runs']} runs", "exp2", s["runs"], n),
        (f"exp. 3: {len(mm['exp3']['runs'])} learning rates", "exp3", len(mm["exp3"]["runs"]), n),
        ("exp. 4: the final model", "exp4", 1, n_all),
    ]:
        per_run = e * examples // mm[key]["batch_size"]
        pooled = runs + (key == "exp2" and bool(mm["exp1"].get("beside")))  # (exp. 1's run joins exp. 2's pool)
        jobs = min(s.get("jobs", 1), pooled)
        rounds = -(-pooled // jobs)  # runs one after another in each process
        per_step = f"{1e3 * mm[key]['seconds'] / (rounds * per_run):.2f} ms"
        where = f" ({runs} runs on {jobs} processes)" if jobs > 1 else ""
        if mm[key].get("beside"):
            where = " (in experiment 2's pool)"
        rows.append([label, f"{runs * per_run:,}", minsec(mm[key]["seconds"]), per_step + where])
    rows.append(["**all, with Q4 and the figures**", "", f"**{minsec(mm['wall_seconds'])}**", ""])
    runs3, theirs = mm["exp3"]["runs"], mm["report"]["exp3_val_accuracy"]
    ours = ", ".join(f"{pct(runs3[lr]['val_accuracy_final'])}" for lr in theirs)
    accuracy = (
        f"\n\nAt batch 1, experiment 3's validation accuracies at lr {', '.join(theirs)} are {ours} (the report: "
        f"{', '.join(pct(v) for v in theirs.values())}); the final model (lr {mm['exp4']['lr']:g}) reaches "
        f"{pct(mm['exp4']['test_accuracy'])} on the test set (the report: {pct(mm['report']['exp4_test_accuracy'])})."
    )
    return (
        f"`{mm['command']}` ({'compiled' if s.get('compile', False) else 'eager'} step, "
        f"{mm['data_source']}):\n\n"
        + table(["experiment (batch size 1)", "SGD steps", "wall time", "per step, evaluation included"], rows)
        + accuracy
    )


def benchmarks(r: dict[str, dict[str, Any]]) -> str:
    """The benchmark table of the last full `python -m benchmarks` run (docs/results/benchmarks.json)."""
    b = r["benchmarks"]
    m = b["machine"]
    return (
        f"Machine: {m['cpu']}, {m['cores']} cores (shared), {m['platform']}, Python {m['python']}, numpy "
        f"{m['numpy']} ({m['blas_threads']} BLAS thread), torch {m['torch']}, micrograd {m['micrograd']}; "
        f"{m['date']}.  Times: min (median) CPU time per step, best of {b.get('rounds', 3)} interleaved rounds "
        "(`python -m benchmarks`).\n\n" + b["table"]
    )


# issue 14's targets for the compiled engine: (case, ratio, at most, what)
COMPILE_TARGETS = [
    ("W1", "compiled/numpy", 1.5, "report 000's scalar graph"),
    ("W1", "compiled/micrograd", 0.5, "2× micrograd"),
    ("W2", "compiled/numpy", 1.0, "report 001's network"),
    ("W2", "compiled/numpy", 0.9, "stretch"),
    *[
        (f"W3-{b}-{d}", "compiled/numpy", 1.0, "report 002's network")
        for b in (64, 1024)
        for d in ("float32", "float64")
    ],
    *[(f"W3-64-{d}", "compiled/numpy", 0.9, "stretch") for d in ("float32", "float64")],
    ("W4", "compiled/numpy", 1.0, "5,000-op chain"),
    ("W5", "compiled/numpy", 1.0, "peak memory"),
]


def benchmark_targets(r: dict[str, dict[str, Any]]) -> str:
    """Issue 14's speed targets against the same run's ratios: met or missed."""
    ratios = r["benchmarks"]["ratios"]
    rows = []
    for case, key, limit, what in COMPILE_TARGETS:
        got = ratios.get(case, {}).get(key)
        verdict = "not measured" if got is None else ("met" if got <= limit else "**missed**")
        rows.append([case, what, f"{key} ≤ {limit:.2f}", "" if got is None else f"{got:.2f}", verdict])
    return table(["case", "what", "target", "measured", ""], rows)


def text_tasks(r: dict[str, dict[str, Any]]) -> str:
    """The tasks-text section's main table."""
    nw, nr, tc, va = r["next_word"], r["next_word_report"], r["text_classify"], r["vaccine_tweets"]
    rows = [
        [
            "`next_word` (report 003), test accuracy",
            "17.3 %",
            f"**{pct(nw['test_accuracy'], 1)}** (val {pct(nw['history']['val_accuracy'][-1], 1)})",
            minsec(nw["run_seconds"]),
        ],
        [
            "`next_word --report-setting`",
            "17.3 %",
            f"{pct(nr['test_accuracy'], 1)} (the stall, reproduced)"
            if abs(nr["test_accuracy"] - nr["majority_test_accuracy"]) < 1e-9
            else pct(nr["test_accuracy"], 1),
            minsec(nr["run_seconds"]),
        ],
    ]
    notes = {"products": "; 20 % sample only", "odiya": "; bag-of-words", "questions": "; bag-of-words"}
    first = True
    for key in ("4dim", "products", "odiya", "questions"):
        d = tc["datasets"][key]
        run_ = d["runs"][d["best"]]
        what = f"{run_['activation']}{', L2 on' if run_['l2'] == 'on' else ''}"
        report = '— (report had "authors")' if d["report_val_accuracy"] is None else pct(d["report_val_accuracy"], 0)
        best = pct(d["best_val_accuracy"], 1)
        rows.append(
            [
                f"`text_classify` {key}, validation accuracy",
                report,
                f"{best if key == 'questions' else f'**{best}**'} ({what}{notes.get(key, '')})",
                f"{minsec(tc['run_seconds'])} (all four sets, {len(d['runs'])} runs each)" if first else "(same run)",
            ]
        )
        first = False
    grid_runs = len(va.get("grid", {}))
    rows.append(
        [
            "`vaccine_tweets`, validation macro F1",
            "0.56",
            f"**{num(va['macro_f1'])}** ({va['macro_f1_gain']:+.3f})",
            f"{minsec(va['run_seconds'])} (with `--grid`: {grid_runs + 1} trainings)",
        ]
    )
    return table(["task", "report's number", "ours (full default run)", "wall time"], rows)


def next_word_ablation(r: dict[str, dict[str, Any]]) -> str:
    rows = [
        ("none", "next_word_report"),
        ("batch 100 instead of 1490 (still SGD lr 0.001, std 0.01)", "next_word_batch100"),
        ("default init (PyTorch's for W2, W3; std-1 embeddings), still SGD lr 0.001", "next_word_default_init"),
        ("Adam (lr 0.001) instead of SGD", "next_word_adam"),
        ("SGD lr 0.1 + momentum 0.9, batch 100 (std-0.01 init kept)", "next_word_momentum"),
        (
            f"our default: default init + Adam lr 0.001, batch 100, {r['next_word']['config']['epochs']} epochs",
            "next_word",
        ),
    ]
    return table(
        ["change from the report's setting", "test accuracy", "command"],
        [[what, pct(r[name]["test_accuracy"], 1), f"`{command(name)}`"] for what, name in rows],
    )


def next_word_predictions(r: dict[str, dict[str, Any]]) -> str:
    preds = r["next_word"]["predictions"]
    parts = []
    for start in ("i do not", "what do you", "it is a"):
        top = list(preds[start].items())[:2]
        parts.append(f'"{start}" → ' + ", ".join(f"{w} {p:.2f}" for w, p in top))
    return "Predictions of the default model (`next_word`): " + "; ".join(parts) + "."


def text_classify_grid(r: dict[str, dict[str, Any]]) -> str:
    tc = r["text_classify"]
    combos = [(a, l2) for a in ("relu", "sigmoid", "tanh") for l2 in ("off", "on")]
    rows = []
    for name in ("4dim", "odiya", "questions", "products"):
        d = tc["datasets"][name]
        hidden = tc["settings"]["hidden"][0]
        rows.append(
            [name]
            + [f"{100 * d['runs'][f'h{hidden}-{a}-l2{l2}']['val_accuracy']:.1f}" for a, l2 in combos]
            + [f"{100 * d['majority_val_accuracy']:.1f}"]
        )
    return table(["set", "relu", "relu + L2", "sigmoid", "sigmoid + L2", "tanh", "tanh + L2", "majority"], rows)


def text_classify_hidden(r: dict[str, dict[str, Any]]) -> str:
    th = r["text_classify_hidden"]
    sizes = th["settings"]["hidden"]
    rows = [
        [name] + [f"{100 * d['runs'][f'h{h}-relu-l2on']['val_accuracy']:.1f}" for h in sizes]
        for name, d in th["datasets"].items()
    ]
    return (
        table(["set (ReLU + L2)", *[f"hidden {h}" for h in sizes]], rows)
        + f"\n\n(`{command('text_classify_hidden')}`, {minsec(th['run_seconds'])})"
    )


def vaccine_report(r: dict[str, dict[str, Any]]) -> str:
    """The default model's classification report and ROC AUCs on the validation set, and the 30-epoch run."""
    va, v30 = r["vaccine_tweets"], r["vaccine_tweets_30"]
    rep, auc = va["report"], va["auc"]
    classes = ("neutral", "anti-vax", "pro-vax")
    rows = [
        [
            k,
            num(rep[k]["precision"]),
            num(rep[k]["recall"]),
            num(rep[k]["f1-score"]),
            num(auc["train"][k]) if k in classes else "",
            num(auc["val"][k]) if k in classes else "",
        ]
        for k in (*classes, "macro avg", "weighted avg")
    ]
    rows.append(["accuracy", "", "", num(rep["accuracy"]), "", ""])
    hist = v30["history"]["val_loss"]
    low = min(range(len(hist)), key=hist.__getitem__) + 1
    return (
        table(["validation set", "precision", "recall", "F1", "ROC AUC, training", "ROC AUC, validation"], rows)
        + f"\n\nWith 30 epochs (`{command('vaccine_tweets_30')}`) the validation loss is lowest after epoch "
        f"{low} and rises after it, and the macro F1 ends at {num(v30['macro_f1'])}, hence 12 epochs."
    )


def vaccine_grid(r: dict[str, dict[str, Any]]) -> str:
    grid = r["vaccine_tweets"]["grid"]
    best = max(grid.values(), key=lambda g: g["macro_f1"])["macro_f1"]
    names = {1: "1", 2: "2 (64)", 3: "3 (128, 64)"}
    opts = ["sgd", "momentum", "nesterov", "adam", "amsgrad"]

    def cell(v: float) -> str:
        return f"**{num(v)}**" if v == best else num(v)

    rows = [[names[n]] + [cell(grid[f"{n}L-{o}"]["macro_f1"]) for o in opts] for n in (1, 2, 3)]
    return table(["layers", "SGD", "SGD + momentum", "SGD + Nesterov", "Adam", "Adam + AMSGrad"], rows)


TABLES: dict[str, Callable[[dict[str, dict[str, Any]]], str]] = {
    "reports-000-002": reports_000_002,
    "mlp-mnist-batch": mlp_mnist_batch,
    "mlp-mnist-batch1": mlp_mnist_batch1,
    "benchmarks": benchmarks,
    "benchmark-targets": benchmark_targets,
    "text-tasks": text_tasks,
    "next-word-ablation": next_word_ablation,
    "next-word-predictions": next_word_predictions,
    "text-classify-grid": text_classify_grid,
    "text-classify-hidden": text_classify_hidden,
    "vaccine-report": vaccine_report,
    "vaccine-grid": vaccine_grid,
}

_BLOCK = re.compile(r"(<!-- results: ([\w-]+) -->\n)(.*?)(\n<!-- /results: \2 -->)", re.S)


def render(readme: str, results: dict[str, dict[str, Any]]) -> str:
    """The README with every results block rewritten from `results`."""
    unknown = sorted({m.group(2) for m in _BLOCK.finditer(readme)} - set(TABLES))
    if unknown:
        raise DataError(f"{README}: unknown results blocks {unknown} (known: {sorted(TABLES)})")
    return _BLOCK.sub(lambda m: m.group(1) + TABLES[m.group(2)](results) + m.group(4), readme)


def blocks(readme: str) -> list[str]:
    return [m.group(2) for m in _BLOCK.finditer(readme)]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tasks.results", description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="what", required=True)
    p_run = sub.add_parser("run", help="run commands of RUNS (all by default) and save their metrics")
    p_run.add_argument("names", nargs="*", metavar="NAME", help=f"some of: {', '.join(RUNS)}")
    p_save = sub.add_parser("save", help="copy OUT/metrics.json to docs/results/NAME.json")
    p_save.add_argument("name", choices=list(RUNS))
    p_save.add_argument("out", type=Path)
    p_readme = sub.add_parser("readme", help="rewrite the README's result tables from docs/results/")
    p_readme.add_argument("--check", action="store_true", help="only say whether the README is up to date")
    args = parser.parse_args(argv)
    unknown = [n for n in getattr(args, "names", []) if n not in RUNS]
    if unknown:
        parser.error(f"unknown run names {unknown}; choose from {', '.join(RUNS)}")
    try:
        if args.what == "run":
            run(args.names or list(RUNS))
        elif args.what == "save":
            print(f"saved {save(args.name, args.out)}")
        else:
            text = README.read_text(encoding="utf-8")
            new = render(text, load())
            if args.check:
                print(
                    "README tables match docs/results/"
                    if new == text
                    else "README tables differ from docs/results/: run `python -m tasks.results readme`"
                )
                return int(new != text)
            README.write_text(new, encoding="utf-8")
            print(f"rewrote {len(blocks(text))} tables in {README}")
    except DataError as exc:
        print(f"python -m tasks.results: error: {exc}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
