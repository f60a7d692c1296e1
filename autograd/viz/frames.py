"""Gradients computed on the side, and the pictures made from them: `draw_graph` and `backward_frames`.

The gradients in a picture come from the engine's own backward walk
(`autograd.engine.backprop` with `accumulate=False`), watched step by step
through its `on_step` callback: no `.grad` is touched, and a graph that a plain
`backward()` already walked can be walked again on the side (`side=True`),
so micrograd's order, `loss.backward(); draw_graph(loss)`, works.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from autograd.engine import Tensor, backprop, unwrap
from autograd.viz.dot import COLUMN_PX, Graph, Options, choose_layout, make_options, render
from autograd.viz.model import GraphModel, one_line, op_name, wrt

__all__ = ["draw_graph", "backward_frames", "Frame", "GradState", "frames_of"]

STALE_NOTE = (
    "gradients not recomputed ({why}); the parameters show the .grad that backward() left. "
    "Draw before opt.step() to see every gradient."
)


@dataclass
class Step:
    """One step of the backward walk: node `j`'s VJP turned ḡ into one gradient per input slot."""

    j: int
    g: Any
    produced: dict[int, Any]


@dataclass
class GradState:
    """What is known after some steps: gradient sums, how many parts arrived, per-edge gradients,
    and the local derivatives ∂out/∂input of scalar edges (for `edge_labels="local"/"both"`)."""

    grads: dict[int, Any]
    parts: dict[int, int] = field(default_factory=dict)
    edges: dict[tuple[int, int], Any] = field(default_factory=dict)
    local: dict[tuple[int, int], Any] = field(default_factory=dict)

    def add(self, g: GraphModel, step: Step) -> None:
        for slot, gi in step.produced.items():
            i = g.parents[step.j][slot]
            self.edges[(step.j, slot)] = gi
            self.grads[i] = gi if i not in self.grads else self.grads[i] + gi
            self.parts[i] = self.parts.get(i, 0) + 1


def _seed(root: Tensor, grad: Any) -> np.ndarray:
    data = root.numpy()
    if grad is None:
        return np.ones_like(data)
    seed = np.asarray(unwrap(grad), dtype=data.dtype)
    if seed.shape != data.shape:
        raise ValueError(f"grad (the seed ∂L/∂root) has shape {seed.shape} but the root has shape {data.shape}")
    return seed


def backward_steps(g: GraphModel, seed: np.ndarray) -> list[Step]:
    """Run the engine's backward walk on the side (no `.grad` touched) and record its steps in order."""
    index = {id(t): i for i, t in enumerate(g.nodes)}
    steps: list[Step] = []

    def on_step(node: Tensor, grad: Any, pairs: list) -> None:
        j = index[id(node)]
        slots = [s for s, p in enumerate(node.inputs) if p.requires_grad]
        steps.append(Step(j, np.asarray(grad), {s: np.asarray(gi) for s, (_, gi) in zip(slots, pairs)}))

    root_seed = seed[()] if seed.ndim == 0 else seed
    backprop([g.root], [root_seed], True, False, accumulate=False, on_step=on_step, side=True)
    return steps


def local_derivatives(g: GraphModel) -> dict[tuple[int, int], Any]:
    """∂out/∂input for scalar edges (the VJP of a seed of 1), keyed by (op node, slot)."""
    local = {}
    for j, t in enumerate(g.nodes):
        if not g.has_op(j) or t.numel() != 1 or t.op.variadic:
            continue
        args = [p.numpy() for p in t.inputs]
        out = t.numpy()
        for slot, p in enumerate(t.inputs):
            if p.requires_grad and p.numel() == 1:
                d = t.op.vjps[slot](np.ones_like(out), out, *args, **t.params)
                local[(j, slot)] = np.sum(d)
    return local


def start(g: GraphModel, seed: np.ndarray, edge_labels: str) -> GradState:
    n = len(g.nodes) - 1
    local = local_derivatives(g) if edge_labels in ("local", "both") else {}
    return GradState({n: seed}, {n: 0}, {}, local)


def gradients(g: GraphModel, grad: Any, edge_labels: str) -> tuple[GradState, str | None]:
    """Every gradient ∂root/∂node, and a note when they could not be recomputed.

    They cannot be when a value a VJP needs was changed in place since the forward pass
    (`opt.step()` after `backward()`): then the leaves' `.grad` is shown instead, and the note says so.
    """
    seed = _seed(g.root, grad)
    state = start(g, seed, edge_labels)
    try:
        steps = backward_steps(g, seed)
    except RuntimeError as e:
        why = "a value was changed in place since the forward pass" if "inplace" in str(e) else str(e)[:120]
        state = GradState(
            {
                i: t.grad.numpy()
                for i, t in enumerate(g.nodes)
                if t.op is None and t.requires_grad and t.grad is not None
            }
        )
        return state, STALE_NOTE.format(why=why)
    for step in steps:
        state.add(g, step)
    return state, None


def draw_graph(
    root: Tensor,
    show_data: bool = True,
    show_grad: bool = True,
    rankdir: str | None = None,
    edge_labels: str = "grad",
    limit: int = 8,
    clusters: bool = True,
    collapse: int | None = None,
    legend: bool = True,
    grad: Any = None,
    title: str | None = None,
    width: int | None = COLUMN_PX,
) -> Graph:
    """The graph that computed `root`, as a `graphviz.Digraph` (`.render(path, format="svg")`, `.source`).

    Works before and after `root.backward()` (micrograd's order: `loss.backward(); draw_graph(loss)`).

    show_data / show_grad: print values and ∂root/∂tensor in each box (gradients are
        computed here, without touching any `.grad`; `grad` is the seed ∂L/∂root, ones by default).
    width: the column the picture must fit, in px (a notebook: about 1000).  With `rankdir=None`
        the layout is chosen to fit it with readable text: left to right, else top to bottom, else
        with modules folded; the picture is never wider.  `width=None`: natural size, left to right.
    rankdir: "LR" (inputs on the left), "TB", "RL" or "BT": use this direction, whatever the width.
    edge_labels: "grad" (the gradient flowing back along each edge), "local" (∂out/∂input,
        scalar edges), "both" (upstream × local = gradient, scalar edges) or "none".
    limit: tensors with at most this many entries are printed in full; bigger ones as mean and range.
    clusters: draw each nn.Module's operations and parameters inside a labelled box.
    collapse: fold each module nested at this depth into one node (1: top-level modules;
        2: their children, e.g. the layers of an MLP).
    """
    opts = make_options(show_data, show_grad, rankdir, edge_labels, limit, clusters, collapse, legend, width)
    g = GraphModel(root)
    state, note = None, None
    if show_grad and root.requires_grad:
        state, note = gradients(g, grad, edge_labels)

    def draw(o: Options) -> Graph:
        return render(g, state, o, caption=title, note=note)

    if rankdir is None and width is not None:
        return choose_layout(g, opts, draw)[1]
    return draw(opts)


@dataclass
class Frame:
    """One picture of the backward pass and what happened in it (for captions and the HTML page)."""

    graph: Graph
    title: str
    ran: str  # "y = relu(a)": the op whose VJP ran ("" for the forward frame)
    upstream: str  # "ḡ = ∂L/∂y = 6"
    produced: list[str]


def frames_of(root: Tensor, grad: Any, opts: Options, fit: bool) -> list[Frame]:
    """The forward frame and one frame per backward step, all in the layout chosen for the first."""
    if not isinstance(root, Tensor) or not root.requires_grad:
        raise RuntimeError(
            "the output does not require grad: there is no backward pass to show "
            "(make an input with requires_grad=True)"
        )
    g = GraphModel(root)
    seed = _seed(root, grad)
    state = start(g, seed, opts.edge_labels)
    steps = backward_steps(g, seed)
    n = len(steps)
    out = g.names[-1]
    limit = opts.limit
    seed_text = f"∂{out}/∂{wrt(out)} = {one_line(seed, limit)}"
    title = f"forward pass done: {out} = {one_line(root.numpy(), limit)}; backward starts with {seed_text}"
    if fit:
        opts = choose_layout(g, opts, lambda o: render(g, state, o, caption=title, frames=True))[0]
    frames = [Frame(render(g, state, opts, caption=title, frames=True), "forward pass", "", f"seed {seed_text}", [])]
    for k, step in enumerate(steps, 1):
        state.add(g, step)
        j = step.j
        node = g.nodes[j]
        args = ", ".join(g.names[p] for p in g.parents[j])
        ran = f"{g.names[j]} = {op_name(node)}({args})"
        upstream = f"ḡ = ∂{out}/∂{wrt(g.names[j])} = {one_line(step.g, limit)}"
        produced = [
            f"∂{out}/∂{wrt(g.names[g.parents[j][s]])} += {one_line(gi, limit)}" for s, gi in step.produced.items()
        ]
        title = f"step {k} of {n}: the VJP of {op_name(node)} at {g.names[j]}"
        caption = f"{title}: {upstream}  →  " + ";  ".join(produced)
        frames.append(
            Frame(render(g, state, opts, current=j, caption=caption, frames=True), title, ran, upstream, produced)
        )
    return frames


def backward_frames(
    root: Tensor,
    grad: Any = None,
    show_data: bool = True,
    rankdir: str | None = None,
    edge_labels: str = "grad",
    limit: int = 8,
    clusters: bool = True,
    legend: bool = True,
    width: int | None = COLUMN_PX,
) -> list[Graph]:
    """One picture per step of the backward pass, in the order the engine computes gradients.

    Frame 0 is the forward graph with the seed ∂L/∂L = 1 on the output; frame k shows the
    k-th VJP: its node highlighted, the gradients it produced on its input edges, and every
    gradient known so far (a sum still waiting for more parts says "1 of 2 parts").  All frames
    share one layout, chosen to fit `width` as in `draw_graph`.  For a notebook,
    `backward_stepper(root)` shows them in one cell with step / play / scrub controls.
    """
    opts = make_options(show_data, True, rankdir, edge_labels, limit, clusters, None, legend, width)
    return [f.graph for f in frames_of(root, grad, opts, fit=rankdir is None and width is not None)]
