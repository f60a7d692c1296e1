"""Report 000 §1, report 002 Q1–Q2: ∂CE(softmax θ)/∂θ = ŷ − y, and the softmax Jacobian diag(ŷ) − ŷŷᵀ.

For random logits θ and a one-hot target y the engine computes ∂L/∂θ of
L = −Σ_i y_i log ŷ_i, ŷ = softmax(θ), three ways:

* fused: `nn.CrossEntropyLoss()(θ, y)` (the op `autograd.cross_entropy`), one
  node whose VJP is ŷ − y;
* unfused: the graph softmax → log → (−y ·) → sum, whose backward chains the
  softmax Jacobian (report 002 eqs. 1.2–1.4) with ∂L/∂ŷ = −y/ŷ (eq. 1.1);
* unfused through `log_softmax` → (−y ·) → sum;

and prints each beside report 000 eq. 6 (ŷ − y), with the largest difference.
`autograd.jacobian(softmax, θ)` is printed beside diag(ŷ) − ŷŷᵀ (report 002
eq. 1.4).  All must agree to 1e-10.

Large logits (±1e4): the fused loss and gradient and the engine's (shifted)
softmax and its Jacobian stay finite, while a naive, unshifted
exp(θ)/Σ exp(θ) overflows to inf/inf = nan.

Outputs in --out: softmax_ce.png/svg (ŷ, y, the engine's ∂L/∂θ beside ŷ − y,
and the Jacobian) and metrics.json.  The run takes well under a second, so
there is no --quick, and no data, so no --data-dir.
"""

from __future__ import annotations

import argparse

import numpy as np

import autograd
import nn
from autograd import Tensor
from tasks.common import output_dir, positive, run_task, save_metrics, task_parser
from tasks.plots import plot_softmax_ce, save_figure, use_agg

TOLERANCE = 1e-10


def loss_fused(theta: Tensor, y: np.ndarray) -> Tensor:
    """L through the fused op (nn.CrossEntropyLoss with a probability target): one node, VJP ŷ − y."""
    return nn.CrossEntropyLoss()(theta, y)


def loss_softmax_log(theta: Tensor, y: np.ndarray) -> Tensor:
    """L = −Σ y_i log softmax(θ)_i as separate nodes: softmax → log → multiply → sum."""
    return -(Tensor(y) * autograd.softmax(theta).log()).sum()


def loss_log_softmax(theta: Tensor, y: np.ndarray) -> Tensor:
    """L = −Σ y_i log_softmax(θ)_i: log-sum-exp shifted, so finite at any logits."""
    return -(Tensor(y) * autograd.log_softmax(theta)).sum()


def naive_softmax(theta: Tensor) -> Tensor:
    """exp(θ) / Σ exp(θ) from elementary ops, without subtracting max θ: overflows for θ ≳ 710."""
    e = theta.exp()
    return e / e.sum()


ROUTES = {
    "fused cross_entropy": loss_fused,
    "softmax → log → sum": loss_softmax_log,
    "log_softmax → sum": loss_log_softmax,
}


def gradients(theta: np.ndarray, y: np.ndarray) -> dict[str, np.ndarray]:
    """∂L/∂θ by each route of ROUTES, computed by the engine's backward pass."""
    grads = {}
    for name, loss_fn in ROUTES.items():
        t = Tensor(theta, requires_grad=True)
        loss_fn(t, y).backward()
        grads[name] = t.grad.numpy()
    return grads


def softmax_jacobian_closed_form(theta: np.ndarray) -> np.ndarray:
    """Report 002 eq. 1.4: ∂ŷ_i/∂θ_j = ŷ_i(δ_ij − ŷ_j), i.e. diag(ŷ) − ŷŷᵀ."""
    e = np.exp(theta - theta.max())
    p = e / e.sum()
    return np.diag(p) - np.outer(p, p)


def compare(theta: np.ndarray, y: np.ndarray, label: str) -> dict[str, object]:
    """Print and return the gradients of every route and the Jacobian beside their closed forms."""
    p = np.exp(theta - theta.max())
    p /= p.sum()
    closed = p - y
    print(f"\n== {label} ==")
    print(f"θ (logits)        = {np.array2string(theta, precision=4)}")
    print(f"y (one-hot)       = {y}")
    print(f"ŷ = softmax(θ)    = {np.array2string(p, precision=6)}")
    print(f"ŷ − y (eq. 6)     = {np.array2string(closed, precision=6)}")
    result: dict[str, object] = {"theta": theta, "target": y, "y_hat": p, "closed_form_grad": closed}
    grads = gradients(theta, y)
    diffs = {name: float(np.abs(g - closed).max()) for name, g in grads.items()}
    for name, g in grads.items():
        print(f"engine, {name:<20} = {np.array2string(g, precision=6)}   max |diff| = {diffs[name]:.2e}")
    result["grad_max_diff"] = diffs
    result["grads"] = grads
    jac = autograd.jacobian(autograd.softmax, Tensor(theta)).numpy()
    jac_closed = softmax_jacobian_closed_form(theta)
    result["jacobian_max_diff"] = float(np.abs(jac - jac_closed).max())
    result["jacobian_finite"] = bool(np.isfinite(jac).all())
    with np.printoptions(precision=5, suppress=True, linewidth=120):
        print(f"autograd.jacobian(softmax, θ) =\n{jac}")
        print(f"diag(ŷ) − ŷŷᵀ (report 002 eq. 1.4) =\n{jac_closed}")
    print(
        f"Jacobian max |diff| = {result['jacobian_max_diff']:.2e}   (rows sum to 0: "
        f"max |row sum| = {np.abs(jac.sum(axis=1)).max():.1e})"
    )
    result["jacobian"] = jac
    return result


def large_logits(classes: int, target: int, scale: float = 1e4) -> dict[str, object]:
    """Logits of ±scale: the engine's shifted softmax and fused loss stay finite, the naive softmax gives nan.

    The unfused softmax → log route is not finite either: ŷ_i underflows to 0, log 0 = −inf, 0·(−inf) = nan.
    """
    wrong = (target + 1) % classes
    theta = np.full(classes, -scale)
    theta[wrong] = scale  # a confidently wrong prediction: L = 2·scale
    y = np.eye(classes)[target]
    t = Tensor(theta, requires_grad=True)
    loss = loss_fused(t, y)
    loss.backward()
    with np.errstate(over="ignore", invalid="ignore"):
        naive = naive_softmax(Tensor(theta)).numpy()
    engine = autograd.softmax(Tensor(theta)).numpy()
    jac = autograd.jacobian(autograd.softmax, Tensor(theta)).numpy()
    closed = engine - y
    with np.errstate(divide="ignore", invalid="ignore"):
        unfused = {name: fn(Tensor(theta), y).item() for name, fn in ROUTES.items()}
    print(f"\n== large logits θ = ±{scale:g} (target {target}, the +{scale:g} logit on class {wrong}) ==")
    print(f"fused cross_entropy: L = {loss.item():.6g} (= 2·{scale:g}), ∂L/∂θ = {t.grad.numpy()}")
    print(f"ŷ − y = {closed}   max |diff| = {np.abs(t.grad.numpy() - closed).max():.2e}")
    print(f"engine softmax(θ) = {engine}, Jacobian finite: {np.isfinite(jac).all()}")
    print(f"naive exp(θ)/Σexp(θ) = {naive}   ← exp(1e4) = inf, inf/inf = nan")
    print(
        "L by route: "
        + ", ".join(f"{name}: {value:g}" for name, value in unfused.items())
        + "   (softmax → log: log 0 = −inf, 0·(−inf) = nan)"
    )
    return {
        "theta": theta,
        "loss": loss.item(),
        "grad": t.grad.numpy(),
        "grad_max_diff": float(np.abs(t.grad.numpy() - closed).max()),
        "loss_by_route": {name: value if np.isfinite(value) else str(value) for name, value in unfused.items()},
        "loss_finite": bool(np.isfinite(loss.item())),
        "grad_finite": bool(np.isfinite(t.grad.numpy()).all()),
        "softmax_finite": bool(np.isfinite(engine).all()),
        "jacobian_finite": bool(np.isfinite(jac).all()),
        "naive_softmax": [None if np.isnan(v) else float(v) for v in naive],
        "naive_softmax_has_nan": bool(np.isnan(naive).any()),
    }


def build_parser() -> argparse.ArgumentParser:
    parser = task_parser("softmax_ce", __doc__.splitlines()[0], quick=False, data=False)
    parser.add_argument("--classes", type=positive(int), default=5, help="number of classes C")
    parser.add_argument("--scale", type=positive(float), default=3.0, help="standard deviation of the random logits")
    parser.add_argument("--large", type=positive(float), default=1e4, help="magnitude of the large logits")
    return parser


def run(args: argparse.Namespace) -> dict[str, object]:
    use_agg()
    out = output_dir(args)
    rng = np.random.default_rng(args.seed)
    theta = rng.normal(scale=args.scale, size=args.classes)
    target = int(rng.integers(args.classes))
    random_case = compare(theta, np.eye(args.classes)[target], f"random logits, C = {args.classes}, target {target}")
    large_case = large_logits(args.classes, target, args.large)
    worst = max(
        max(random_case["grad_max_diff"].values()), random_case["jacobian_max_diff"], large_case["grad_max_diff"]
    )
    agree = bool(worst < TOLERANCE)
    print(f"\nlargest difference from the closed forms: {worst:.2e} ({'<' if agree else '≥'} {TOLERANCE:g})")
    fig = plot_softmax_ce(random_case["y_hat"], random_case["target"], random_case["grads"], random_case["jacobian"])
    figures = [str(p) for p in save_figure(fig, out, "softmax_ce")]
    metrics = {
        "random": random_case,
        "large_logits": large_case,
        "max_diff": worst,
        "tolerance": TOLERANCE,
        "closed_forms_agree": agree,
        "figures": figures,
    }
    print(f"figure written to {figures[0]} and .svg; metrics written to {save_metrics(out, metrics)}")
    return metrics


def main(argv: list[str] | None = None) -> dict[str, object]:
    return run_task(build_parser(), run, argv)


if __name__ == "__main__":
    main()
