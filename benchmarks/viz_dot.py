"""How long the renderer takes to write the DOT text of big graphs (no Graphviz layout involved).

    python -m benchmarks.viz_dot [--nodes 10000] [--repeat 3]

Builds (1) a chain of scalar ops with about --nodes tensors and (2) an MLP of many small
layers with about as many, then times `draw_graph(...).source` with values and gradients
(the gradients cost one backward walk), with `show_grad=False`, and with the MLP's layers
collapsed.  DOT generation is linear in the graph's size: doubling --nodes doubles the time.
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable

import numpy as np

import nn
from autograd import Tensor, viz, walk


def chain(nodes: int) -> Tensor:
    """x → (·0.999) → tanh → ... with about `nodes` tensors (constants included)."""
    y = Tensor(0.5, requires_grad=True, name="x")
    for _ in range(nodes // 3):
        y = (y * 0.999).tanh()
    return y


def mlp(nodes: int) -> Tensor:
    """The loss of an MLP with 4 units per layer and enough layers for about `nodes` tensors."""
    nn.manual_seed(0)
    net = nn.MLP([4] * (nodes // 6 + 1), activation="tanh")
    return net(Tensor(np.ones((2, 4)), name="x")).sum()


def best_of(repeat: int, fn: Callable[[], str]) -> tuple[float, int]:
    times, size = [], 0
    for _ in range(repeat):
        start = time.perf_counter()
        size = len(fn())
        times.append(time.perf_counter() - start)
    return min(times), size


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.viz_dot", description=__doc__.splitlines()[0])
    parser.add_argument("--nodes", type=int, default=10_000, help="about this many tensors per graph")
    parser.add_argument("--repeat", type=int, default=3, help="best of this many runs")
    args = parser.parse_args(argv)
    print(f"{'graph':<28}{'tensors':>9}{'DOT chars':>12}{'seconds':>10}{'µs/tensor':>11}")
    for n in (args.nodes // 2, args.nodes):
        for label, build, kwargs in [
            ("chain, values + grads", chain, {}),
            ("chain, values only", chain, {"show_grad": False}),
            ("MLP, values + grads", mlp, {}),
            ("MLP, layers collapsed", mlp, {"collapse": 2}),
        ]:
            root = build(n)
            count = sum(1 for _ in walk(root))
            seconds, size = best_of(args.repeat, lambda: viz.draw_graph(root, **kwargs).source)
            print(f"{label:<28}{count:>9}{size:>12}{seconds:>10.3f}{1e6 * seconds / count:>11.1f}")


if __name__ == "__main__":
    main()
