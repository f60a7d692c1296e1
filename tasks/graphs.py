"""The reports' computational graphs drawn by the engine: report 000's x·m+b → ReLU → MSE and report 001's network.

Writes, into --out (default out/graphs/):

* relu_mse.svg: a = x·m + b, y = ReLU(a), L = (y − y*)² with every value and
  gradient of report 000 equations 8–12 (x=2, m=3, b=1, y*=4: a = y = 7, L = 9,
  ∂L/∂y = 2(y − y*) = 6 = ∂L/∂b, ∂L/∂m = 6·x = 12, ∂L/∂x = 6·m = 18);
* relu_mse_backward/step_00.svg …: one picture per backward step;
* relu_mse_backward.html: the page that steps through them (open it in a browser);
* network.svg: report 001 Figure 1, the 2-12-5 softplus/softmax network
  x, W0, b0 → z1 → softplus → a1, W1, b1 → z2 → softmax → a2 → cross-entropy with
  y_OH → l → mean → L, built from nn.Linear layers (drawn as labelled boxes).
  nn.Linear stores W as (out, in), as the report writes W⁽⁰⁾ ∈ ℝ^{12×2}, and computes x·Wᵀ + b (rows as samples).
"""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np

import nn
from autograd import Tensor, softmax, viz, walk
from tasks.common import output_dir, save_metrics, task_parser


def relu_mse_graph(x: float = 2.0, m: float = 3.0, b: float = 1.0, y_star: float = 4.0) -> Tensor:
    """Report 000 part 2: L = (ReLU(x·m + b) − y*)², with the report's names on the tensors."""
    xt, mt, bt = (Tensor(v, requires_grad=True, name=n) for v, n in [(x, "x"), (m, "m"), (b, "b")])
    target = Tensor(y_star, name="y*")
    a = xt * mt + bt
    y = a.relu()
    loss = (y - target) ** 2
    a.name, y.name, loss.name = "a", "y", "L"
    return loss


class Net(nn.Module):
    """Report 001's 2-12-5 network: z1 = x·W0ᵀ + b0, a1 = softplus(z1), z2 = a1·W1ᵀ + b1, a2 = softmax(z2)."""

    def __init__(self) -> None:
        super().__init__()
        self.hidden = nn.Linear(2, 12, init="xavier")
        self.output = nn.Linear(12, 5, init="xavier")
        for layer, k in [(self.hidden, 0), (self.output, 1)]:
            layer.weight.name, layer.bias.name = f"W{k}", f"b{k}"

    def forward(self, x: Tensor) -> Tensor:
        z1 = self.hidden(x)
        a1 = z1.softplus()
        z2 = self.output(a1)
        a2 = softmax(z2, axis=-1)
        for t, name in [(z1, "z1"), (z1.inputs[0], "h1"), (a1, "a1"), (z2, "z2"), (z2.inputs[0], "h2"), (a2, "a2")]:
            t.name = name
        return a2


class CrossEntropy(nn.Module):
    """l = −Σ_i y_i^OH · ln(a2_i), one value per sample (report 001), as its own labelled box."""

    def forward(self, a2: Tensor, y_oh: Tensor) -> Tensor:
        return -(y_oh * a2.log()).sum(axis=-1)


def network_graph(seed: int = 0, samples: int = 1) -> Tensor:
    """Report 001 Figure 1: the loss L of the 2-12-5 network on `samples` random points (one by default).

    l = −Σ_i y_i^OH ln a2_i per sample, L = mean of l over the samples.
    """
    nn.manual_seed(seed)
    rng = np.random.default_rng(seed)
    x = Tensor(rng.normal(size=(samples, 2)), name="x")
    y_oh = Tensor(np.eye(5)[rng.integers(0, 5, size=samples)], name="y_OH")
    a2 = Net()(x)
    l = CrossEntropy()(a2, y_oh)
    loss = l.mean()
    l.name, loss.name = "l", "L"
    return loss


def write_showcase(
    out: Path, x: float = 2.0, m: float = 3.0, b: float = 1.0, y_star: float = 4.0, seed: int = 0
) -> dict[str, Path]:
    """Write the showcase pictures and the HTML stepper into `out`; return their paths by name.

    Without Graphviz's `dot` the DOT texts are saved instead (`.gv`) and the error says how to install it.
    """
    out.mkdir(parents=True, exist_ok=True)
    relu_mse = relu_mse_graph(x, m, b, y_star)
    network = network_graph(seed)
    pictures = {
        "relu_mse": viz.draw_graph(
            relu_mse, edge_labels="both", title="report 000: a = x·m + b,  y = ReLU(a),  L = (y − y*)²"
        ),
        "network": viz.draw_graph(network, title="report 001, Figure 1: the 2-12-5 softplus/softmax network"),
    }
    paths: dict[str, Path] = {}
    try:
        for name, graph in pictures.items():
            paths[name] = Path(graph.render(str(out / name), format="svg", cleanup=True))
        frames_dir = out / "relu_mse_backward"
        frames_dir.mkdir(exist_ok=True)
        for k, frame in enumerate(viz.backward_frames(relu_mse)):
            paths[f"step_{k:02d}"] = Path(frame.render(str(frames_dir / f"step_{k:02d}"), format="svg", cleanup=True))
        paths["html"] = viz.backward_html(
            relu_mse, out / "relu_mse_backward.html", title="Backpropagation through report 000's graph"
        ).path
    except viz.DotNotFound:
        for name, graph in pictures.items():
            graph.save(str(out / f"{name}.gv"))
        raise
    return paths


def main(argv: list[str] | None = None) -> None:
    parser: argparse.ArgumentParser = task_parser("graphs", __doc__.splitlines()[0])
    parser.add_argument("--x", type=float, default=2.0, help="report 000's input x")
    parser.add_argument("--m", type=float, default=3.0, help="report 000's weight m")
    parser.add_argument("--b", type=float, default=1.0, help="report 000's bias b")
    parser.add_argument("--y-star", type=float, default=4.0, help="report 000's target y*")
    args = parser.parse_args(argv)
    out = output_dir(args)
    paths = write_showcase(out, args.x, args.m, args.b, args.y_star, args.seed)
    loss = relu_mse_graph(args.x, args.m, args.b, args.y_star)
    leaves = {t.name: t for t in walk(loss) if t.name}
    loss.backward()
    metrics = {
        "a": leaves["a"].item(),
        "y": leaves["y"].item(),
        "L": loss.item(),
        **{f"dL/d{n}": leaves[n].grad.item() for n in "xmb"},
    }
    save_metrics(out, metrics)
    print("report 000: " + "  ".join(f"{k} = {v:g}" for k, v in metrics.items()))
    frames = sum(1 for k in paths if k.startswith("step_"))
    print(
        f"wrote {paths['relu_mse']}, {paths['network']}, {frames} backward frames in "
        f"{paths['step_00'].parent}/ and {paths['html']} (open it in a browser: ← → step through)"
    )


if __name__ == "__main__":
    main()
