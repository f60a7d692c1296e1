"""Report 000 §2: a = x·m + b → y = ReLU(a) → L = (y − y*)², every value and the gradients of eqs. 8–12.

The engine's gradients (`autograd.grad`) are printed beside the report's closed
forms, for both branches of ReLU (eq. 7: ∂ReLU/∂a = 1 for a > 0, 0 for a ≤ 0):

    eq. 8   ∂L/∂y  = 2(y − y*)
    eq. 9   ∂L/∂y* = 2(y* − y)
    eq. 10  ∂L/∂b  = 2(y − y*)        if a > 0, else 0
    eq. 11  ∂L/∂m  = 2(y − y*)·x      if a > 0, else 0
    eq. 12  ∂L/∂x  = 2(y − y*)·m      if a > 0, else 0

Three cases run: the given x, m, b, y* (default x=2, m=3, b=1, y*=4: a = 7,
L = 9, ∂L/∂b = 6, ∂L/∂m = 12, ∂L/∂x = 18); the same with b shifted to
b − 2a so that a changes sign (the other branch); and b = −x·m, so a = 0
exactly, where eq. 7 says the derivative is 0.  Each case's graph, with
values and gradients on its boxes and edges, is written as
relu_mse_<case>.png and .svg (when the renderer and Graphviz's `dot` are
there); every number goes to metrics.json.  Then the engine writes the
backward pass itself: `autograd.compile` traces the graph once and prints the
numpy function it generated (also saved as backward.py), whose gradients are
checked against eqs. 8–12 on the three cases.  The task has no randomness, no
long run and no data, so it takes no --seed, --quick or --data-dir.
"""

from __future__ import annotations

import argparse
from pathlib import Path

import autograd
from autograd import Tensor
from tasks.common import output_dir, run_task, save_metrics, task_parser

TOLERANCE = 1e-10
NAMES = ("y", "y*", "b", "m", "x")


def build(x: float, m: float, b: float, target: float) -> dict[str, Tensor]:
    """The graph of report 000 part 2 with the report's names on every tensor."""
    t = leaves(x, m, b, target)
    return {**t, **forward(t)}


def leaves(x: float, m: float, b: float, target: float) -> dict[str, Tensor]:
    return {n: Tensor(v, requires_grad=True, name=n) for n, v in [("x", x), ("m", m), ("b", b), ("y*", target)]}


def forward(t: dict[str, Tensor]) -> dict[str, Tensor]:
    """a = x·m + b, y = ReLU(a), L = (y − y*)², named as in the report."""
    a = t["x"] * t["m"] + t["b"]
    y = a.relu()
    loss = (y - t["y*"]) ** 2
    a.name, y.name, loss.name = "a", "y", "L"
    return {"a": a, "y": y, "L": loss}


def generated_backward(x: float, m: float, target: float, biases: list[float], out: Path) -> dict[str, object]:
    """The backward pass as the engine writes it (`autograd.compile`): printed, saved as backward.py, and run
    for each case's b, its gradients compared with eqs. 8–12."""
    t = leaves(x, m, biases[0], target)

    @autograd.compile
    def step() -> Tensor:
        loss = forward(t)["L"]
        loss.backward()
        return loss

    worst = 0.0
    for b in biases:
        with autograd.no_grad():
            t["b"].copy_(Tensor(b))
        for leaf in t.values():
            leaf.grad = None
        step()
        closed = closed_forms(x, m, b, target)
        worst = max(worst, *(abs(t[n].grad.item() - closed[n]) for n in ("y*", "b", "m", "x")))
    path = out / "backward.py"
    path.write_text(
        '"""Written by autograd.compile for report 000\'s graph (python -m tasks.relu_mse)."""\n\n'
        "import numpy as np\n\n\n" + step.source,
        encoding="utf-8",
    )
    print("\n== the backward pass, as the engine writes it (autograd.compile; eqs. 7–9 in the comments) ==")
    step.show()
    print(f"written to {path}; its gradients on the three cases differ from eqs. 8–12 by at most {worst:.1e}")
    return {"path": str(path), "max_diff": worst, "traces": step.traces, "lines": len(step.source.splitlines())}


def closed_forms(x: float, m: float, b: float, target: float) -> dict[str, float]:
    """Equations 8–12 of report 000."""
    a = x * m + b
    y = max(a, 0.0)
    d = 2.0 * (y - target)
    on = 1.0 if a > 0 else 0.0  # eq. 7: ReLU'(a) = 0 for a ≤ 0
    return {"y": d, "y*": -d, "b": on * d, "m": on * d * x, "x": on * d * m}


def run_case(key: str, label: str, x: float, m: float, b: float, target: float, out: Path) -> dict[str, object]:
    """Forward, engine gradients, closed forms, and the graph picture for one (x, m, b, y*)."""
    g = build(x, m, b, target)
    a, y, loss = g["a"].item(), g["y"].item(), g["L"].item()
    grads = autograd.grad(g["L"], [g[n] for n in NAMES], retain_graph=True)
    engine = {n: v.item() + 0.0 for n, v in zip(NAMES, grads)}  # + 0.0 turns −0 into 0
    closed = {n: v + 0.0 for n, v in closed_forms(x, m, b, target).items()}
    diff = max(abs(engine[n] - closed[n]) for n in NAMES)
    branch = "a > 0" if a > 0 else "a ≤ 0"
    print(f"\n== {label}: x = {x:g}, m = {m:g}, b = {b:g}, y* = {target:g}  ({branch}) ==")
    print(f"a = x·m + b = {a:g}    y = ReLU(a) = {y:g}    L = (y − y*)² = {loss:g}")
    rows = [
        ("eq. 8 ", "y", "2(y − y*)"),
        ("eq. 9 ", "y*", "2(y* − y)"),
        ("eq. 10", "b", "2(y − y*)·[a > 0]"),
        ("eq. 11", "m", "2(y − y*)·x·[a > 0]"),
        ("eq. 12", "x", "2(y − y*)·m·[a > 0]"),
    ]
    for eq, n, formula in rows:
        print(f"{eq} ∂L/∂{n:<2} engine {engine[n]:>9g}   report {formula:<20} = {closed[n]:>9g}")
    print(f"max |engine − report| = {diff:.1e}")
    case: dict[str, object] = {
        "inputs": {"x": x, "m": m, "b": b, "y*": target},
        "a": a,
        "y": y,
        "L": loss,
        "branch": branch,
        "engine_grads": engine,
        "closed_form_grads": closed,
        "max_diff": diff,
    }
    pictures = draw(g["L"], out / f"relu_mse_{key}", f"report 000: {branch}, x={x:g}, m={m:g}, b={b:g}, y*={target:g}")
    if pictures:
        case["graph_png"], case["graph_svg"] = pictures
    return case


def draw(loss: Tensor, stem: Path, title: str) -> tuple[str, str] | None:
    """The graph with values and gradients as STEM.png and STEM.svg; None without the renderer or Graphviz's `dot`."""
    try:
        from autograd import viz
    except ImportError as exc:
        print(f"[graph] no pictures: the renderer does not import ({exc})")
        return None
    loss.backward(retain_graph=True)
    graph = viz.draw_graph(loss, edge_labels="both", title=title)
    try:
        paths = tuple(str(graph.render(str(stem), format=fmt, cleanup=True)) for fmt in ("png", "svg"))
    except viz.DotNotFound as exc:
        graph.save(str(stem) + ".gv")
        print(f"[graph] {exc}")
        return None
    print(f"graph written to {paths[0]} and {paths[1]}")
    return paths  # type: ignore[return-value]


def build_parser() -> argparse.ArgumentParser:
    parser = task_parser("relu_mse", __doc__.splitlines()[0], seed=False, quick=False, data=False)
    parser.add_argument("--x", type=float, default=2.0, help="input x")
    parser.add_argument("--m", type=float, default=3.0, help="weight m")
    parser.add_argument("--b", type=float, default=1.0, help="bias b")
    parser.add_argument("--target", type=float, default=4.0, help="target y*")
    return parser


def run(args: argparse.Namespace) -> dict[str, object]:
    out = output_dir(args)
    a = args.x * args.m + args.b
    settings = [
        ("given", "given values", args.b),
        ("other_branch", "other branch (b → b − 2a)", args.b - 2 * a),
        ("boundary", "boundary (b = −x·m, a = 0)", -args.x * args.m),
    ]
    cases = {key: run_case(key, label, args.x, args.m, b, args.target, out) for key, label, b in settings}
    worst = max(float(c["max_diff"]) for c in cases.values())
    branches = sorted({str(c["branch"]) for c in cases.values()})
    print(f"\nbranches run: {', '.join(branches)}; largest difference from eqs. 8–12: {worst:.1e}")
    program = generated_backward(args.x, args.m, args.target, [b for _, _, b in settings], out)
    metrics = {
        "cases": cases,
        "max_diff": worst,
        "tolerance": TOLERANCE,
        "branches": branches,
        "closed_forms_agree": bool(worst < TOLERANCE),
        "compiled": program,
    }
    print(f"metrics written to {save_metrics(out, metrics)}")
    return metrics


def main(argv: list[str] | None = None) -> dict[str, object]:
    return run_task(build_parser(), run, argv)


if __name__ == "__main__":
    main()
