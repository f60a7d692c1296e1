"""The main demo: report 000's scalar graph x·m + b → ReLU → MSE, its gradients, and its pictures."""

from __future__ import annotations

import argparse
from pathlib import Path

from autograd import Tensor


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m tasks.demo", description=__doc__)
    parser.add_argument("--out", default="out/demo", help="folder for the pictures")
    args = parser.parse_args(argv)

    x, m, b = (Tensor(v, requires_grad=True, name=n) for v, n in [(2.0, "x"), (3.0, "m"), (1.0, "b")])
    y_star = Tensor(4.0, name="y*")
    a = x * m + b
    y = a.relu()
    loss = (y - y_star) ** 2
    loss.backward()  # micrograd's order: backward, then draw (the picture shows these gradients)
    print(f"a = x·m + b = {a.item()}   y = ReLU(a) = {y.item()}   L = (y − y*)² = {loss.item()}")
    print(f"eq. 8:  dL/dy = 2(y − y*) = {2 * (y.item() - y_star.item())}")
    print(f"eq. 10: dL/db = {b.grad.item()}   eq. 11: dL/dm = {m.grad.item()}   eq. 12: dL/dx = {x.grad.item()}")
    from autograd import viz
    from tasks.graphs import write_showcase

    out = Path(args.out)
    try:
        viz.draw_graph(loss, title="report 000 after loss.backward()").render(
            str(out / "after_backward"), format="svg", cleanup=True
        )
        paths = write_showcase(out, x.item(), m.item(), b.item(), y_star.item())
    except viz.DotNotFound as e:
        print(f"no pictures: {e}")
        return
    print(
        f"graphs: {paths['relu_mse']} (report 000), {out / 'after_backward.svg'} (the same graph drawn after "
        f"backward), {paths['network']} (report 001, Figure 1)"
    )
    print(
        f"backward, step by step: {paths['step_00'].parent}/step_*.svg and {paths['html']} "
        "(open it in a browser; ← → step)"
    )


if __name__ == "__main__":
    main()
