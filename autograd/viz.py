"""Pictures of computational graphs, made for teaching: values, gradients, and backprop step by step.

    from autograd import Tensor, viz
    x = Tensor(2.0, requires_grad=True, name="x")
    L = ((x * 3 + 1).relu() - 4) ** 2
    viz.draw_graph(L).render("graph", format="svg")       # or just `g` in Jupyter
    viz.backward_html(L, "backprop.html")                 # a page that steps through backward

Draw *before* `L.backward()`, or call `L.backward(retain_graph=True)`: a plain
backward frees the graph (it cuts the links to the inputs), and a freed graph
cannot be drawn.  The gradients in the picture are computed here, on the side,
by the engine's own backward walk (`tensor._backprop`); no `.grad` is touched.

What a picture shows:

* one box per tensor: its name (or the expression that made it), its shape,
  its data and ∂L/∂tensor (in full for small tensors, mean and range for big ones);
  colour and border tell inputs, parameters (`nn.Parameter`), constants,
  intermediates and the output apart (the legend says which is which);
* one ellipse per operation, between its inputs and its output; numeric
  constants (the 4 of `y - 4`) are folded into the ellipse ("− 4"), and so is
  the exponent of `x ** 2`, which pow keeps as a parameter ("** 2");
* on every input edge, the gradient flowing back along it (the VJP's result
  for that input): a number for scalars, a shape otherwise.  Where a tensor is
  used twice (`x * x`) there are two edges, and its gradient is their sum;
* operations of one `nn.Module` inside a labelled box (nested modules nest),
  together with the parameters only that module uses; `collapse=depth` folds
  each module at that depth into a single node, for big networks.

Node names in the DOT text come from each tensor's position in the graph
(never from `id()`), so the same graph always gives the same text.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import graphviz
import numpy as np

from autograd.tensor import Tensor, _backprop, iter_graph

__all__ = ["draw_graph", "backward_frames", "backward_html", "DotNotFound", "Graph"]

INSTALL_HINT = ("Graphviz's `dot` program is needed to turn the graph into a picture, and it was not found on "
                "PATH. Install it: Debian/Ubuntu `sudo apt-get install graphviz`, macOS `brew install graphviz`, "
                "conda `conda install graphviz`. The DOT text does not need it: `g.source` holds it and "
                "`g.save('graph.dot')` writes it.")

FREED_MESSAGE = ("this graph was freed by backward(): backward() without retain_graph=True cuts every node's "
                 "links to its inputs (node {node}). Draw the graph before calling backward(), or call "
                 "loss.backward(retain_graph=True) first.")


class DotNotFound(graphviz.ExecutableNotFound):
    """Graphviz's `dot` program is missing; the message says how to install it."""

    def __init__(self) -> None:
        RuntimeError.__init__(self, INSTALL_HINT)


class Graph(graphviz.Digraph):
    """A `graphviz.Digraph` whose `render`/`pipe` (and Jupyter display) explain a missing `dot`."""

    def render(self, *args: Any, **kwargs: Any) -> str:
        try:
            return super().render(*args, **kwargs)
        except graphviz.ExecutableNotFound as e:
            raise DotNotFound() from e

    def pipe(self, *args: Any, **kwargs: Any) -> Any:
        try:
            return super().pipe(*args, **kwargs)
        except graphviz.ExecutableNotFound as e:
            raise DotNotFound() from e


# ----------------------------------------------------------------------------- styles

FONT = "Helvetica"
GRAD_COLOR = "#b91c1c"      # gradients: red text on nodes and edges
HIGHLIGHT = "#ea580c"       # the step being shown in a backward frame
ROLE_STYLE = {              # role: (fill, border, style, legend text)
    "input": ("#dbeafe", "#1d4ed8", "rounded,filled", "input"),
    "parameter": ("#fde68a", "#b45309", "rounded,filled", "parameter"),
    "constant": ("#f3f4f6", "#6b7280", "rounded,filled,dashed", "constant"),
    "intermediate": ("#ffffff", "#374151", "rounded,filled", "intermediate"),
    "output": ("#dcfce7", "#15803d", "rounded,filled,bold", "output"),
}
OP_STYLE = ("#ede9fe", "#6d28d9")
MODULE_STYLE = ("#e0f2fe", "#0369a1")
CLUSTER_COLORS = ("#f8fafc", "#94a3b8")
SYMBOLS = {"add": "+", "sub": "−", "mul": "×", "div": "÷", "matmul": "@", "pow": "**", "neg": "−",
           "relu": "ReLU", "exp": "exp", "log": "ln"}
INFIX = {"add", "sub", "mul", "div", "matmul", "pow"}
ARROWS = {"LR": "←", "RL": "→", "TB": "↑", "BT": "↓"}
EDGE_LABELS = ("grad", "local", "both", "none")


@dataclass(frozen=True)
class _Options:
    show_data: bool = True
    show_grad: bool = True
    rankdir: str = "LR"
    edge_labels: str = "grad"
    limit: int = 8
    clusters: bool = True
    collapse: int | None = None
    legend: bool = True
    fold_constants: bool = True


# ----------------------------------------------------------------------------- formatting

def _num(x: Any) -> str:
    """A number in at most 4 significant digits (-0 shown as 0)."""
    x = np.asarray(x).item()
    if isinstance(x, bool):
        return str(x)
    if isinstance(x, float) and x == 0:
        return "0"
    return f"{x:.4g}"


def _shape(shape: tuple) -> str:
    return "×".join(str(n) for n in shape) if shape else "scalar"


def _values(a: Any, limit: int) -> list[str]:
    """Lines showing an array: all entries when it has at most `limit`, else mean and range."""
    a = np.asarray(a)
    if a.size == 1:
        return [_num(a)]
    if a.size == 0:
        return ["(empty)"]
    if a.size <= limit:
        return np.array2string(a, separator=" ", max_line_width=48,
                               formatter={"float_kind": _short, "int_kind": str}).splitlines()
    if a.dtype.kind == "b":
        return [f"{int(a.sum())} of {a.size} true"]
    lo, hi = a.min(), a.max()
    if lo == hi:
        return [f"all {_num(lo)}"]
    mean = a.mean()
    if abs(mean) < 1e-12 * max(abs(lo), abs(hi)):        # round-off, e.g. softmax gradients summing to 0
        mean = 0.0
    return [f"mean {_num(mean)}", f"range [{_num(lo)}, {_num(hi)}]"]


def _short(x: float) -> str:
    """An entry of a printed array: 3 significant digits, no negative zero."""
    return "0" if x == 0 else f"{x:.3g}"


def _one_line(a: Any, limit: int) -> str:
    return "  ".join(line.strip() for line in _values(a, limit))


def _quote(value: Any) -> str:
    """A DOT attribute value: HTML labels (<...>) as they are, anything else as a quoted string."""
    s = str(value)
    if s.startswith("<") and s.endswith(">"):
        return s
    return '"' + s.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _stmt(head: str, attrs: dict[str, Any]) -> str:
    body = " ".join(f"{k}={_quote(v)}" for k, v in attrs.items() if v is not None)
    return f"\t{head} [{body}]" if body else f"\t{head}"


def _font(text: str, color: str | None = None, size: int | None = None, bold: bool = False,
          italic: bool = False) -> str:
    out = html.escape(text, quote=False)
    if bold:
        out = f"<B>{out}</B>"
    if italic:
        out = f"<I>{out}</I>"
    attrs = (f' COLOR="{color}"' if color else "") + (f' POINT-SIZE="{size}"' if size else "")
    return f"<FONT{attrs}>{out}</FONT>" if attrs else out


def _html(text: str) -> str:
    """Mark `text` as an HTML-like DOT label."""
    return f"<{text}>"


def _table(rows: list[str]) -> str:
    """An HTML-like label: one row per entry, thin rules between rows."""
    cells = "".join(f"<TR><TD>{r}</TD></TR>" for r in rows)
    return _html(f'<TABLE BORDER="0" CELLBORDER="0" CELLSPACING="0" CELLPADDING="3" ROWS="*">{cells}</TABLE>')


def _params_text(params: dict | None) -> str:
    """Op parameters worth showing (axis=1, shape=(3, 4)); defaults and arrays left out."""
    parts = []
    for k, v in (params or {}).items():
        if v is None or v is False or isinstance(v, (np.ndarray, Tensor)):
            continue
        text = repr(v)
        parts.append(f"{k}={text if len(text) <= 16 else text[:14] + '…'}")
    return ", ".join(parts)


# ----------------------------------------------------------------------------- the graph, read once

class _View:
    """The recorded graph in a fixed order, with everything the pictures need that does not change
    between frames: roles, display names, op labels, module scopes, local derivatives."""

    def __init__(self, root: Tensor, opts: _Options) -> None:
        nodes = list(iter_graph(root))            # inputs first, root last; order comes from the graph
        for i, t in enumerate(nodes):
            if t._op is not None and t.requires_grad and not t._parents:
                raise RuntimeError(FREED_MESSAGE.format(node=t.name or f"#{i}, op {t._op.name}"))
        self.root, self.nodes, self.opts = root, nodes, opts
        index = {id(t): i for i, t in enumerate(nodes)}
        self.parents = [[index[id(p)] for p in t._parents] for t in nodes]
        self.consumers: list[list[int]] = [[] for _ in nodes]
        for j, ps in enumerate(self.parents):
            for i in ps:
                self.consumers[i].append(j)
        self.roles = [_role(t, t is root) for t in nodes]
        self.folded = {i for i, t in enumerate(nodes)
                       if opts.fold_constants and self.roles[i] == "constant" and t.data.size == 1
                       and self.consumers[i]}
        self.names: list[str] = []
        for i, t in enumerate(nodes):
            self.names.append(t.name or self._expression(i))
        self.op_labels = [self._op_label(j) if t._parents else "" for j, t in enumerate(nodes)]
        self.scopes = [self._scope(i) for i in range(len(nodes))]
        self._data_lines: dict[int, list[str]] = {}
        # how many gradient contributions each node will receive (one per edge into a recorded op)
        self.needed = [sum(1 for j in self.consumers[i] if nodes[j].requires_grad) if t.requires_grad else 0
                       for i, t in enumerate(nodes)]
        self.local = self._local_derivatives() if opts.edge_labels in ("local", "both") else {}

    def data_lines(self, i: int) -> list[str]:
        """The printed data of node i, made once (frames redraw the same values) and only if drawn."""
        if i not in self._data_lines:
            self._data_lines[i] = _values(self.nodes[i].data, self.opts.limit) if self.opts.show_data else []
        return self._data_lines[i]

    def _expression(self, i: int) -> str:
        """A short name for an unnamed tensor: the expression that made it (x×m, relu(a)), else #i."""
        t = self.nodes[i]
        if t._op is None:
            return _num(t.data) if t.data.size == 1 and self.roles[i] == "constant" else f"#{i}"
        names = [self.names[p] for p in self.parents[i]] + self._number_operand(t)
        op = t._op.name
        if op in INFIX and len(names) == 2:
            text = SYMBOLS[op].join(f"({n})" if any(c in n for c in "+−×÷@ ") else n for n in names)
        elif op == "neg":
            text = f"−{names[0]}"
        else:
            text = f"{SYMBOLS.get(op, op)}({', '.join(names)})"
        return text if len(text) <= 18 else f"#{i}"

    def _op_label(self, j: int) -> str:
        t = self.nodes[j]
        op = t._op.name
        text = SYMBOLS.get(op, op)
        for slot, p in enumerate(self.parents[j]):
            if p in self.folded:
                c = _num(self.nodes[p].data)
                text = f"{text} {c}" if slot else f"{c} {text}"
        for c in self._number_operand(t):
            text = f"{text} {c}"
        extra = _params_text({k: v for k, v in t._params.items() if k != "p"} if t._op.name == "pow" else t._params)
        label = _font(text, size=14 if len(text) <= 2 else None, bold=True)
        return _html(label + ("<BR/>" + _font(extra, size=10) if extra else ""))

    @staticmethod
    def _number_operand(t: Tensor) -> list[str]:
        """The exponent of `x ** 2`, which the op keeps as a parameter p, shown as a second operand."""
        return [_num(t._params["p"])] if t._op.name == "pow" and "p" in (t._params or {}) else []

    def _scope(self, i: int) -> tuple[str, ...]:
        """The module path of a node; a parameter or constant joins the module that uses it."""
        t = self.nodes[i]
        if t._scope:
            return tuple(t._scope.split("/"))
        if self.roles[i] in ("parameter", "constant") and self.consumers[i]:
            scopes = [tuple(self.nodes[j]._scope.split("/")) if self.nodes[j]._scope else ()
                      for j in self.consumers[i]]
            common = scopes[0]
            for s in scopes[1:]:
                n = 0
                while n < min(len(common), len(s)) and common[n] == s[n]:
                    n += 1
                common = common[:n]
            return common
        return ()

    def _local_derivatives(self) -> dict[tuple[int, int], Any]:
        """∂out/∂input for scalar edges (the VJP of a seed of 1), keyed by (op node, slot)."""
        local = {}
        for j, t in enumerate(self.nodes):
            if t._op is None or not t._parents or t.data.size != 1:
                continue
            args = [p.data for p in t._parents]
            for slot, p in enumerate(t._parents):
                if p.requires_grad and p.data.size == 1:
                    d = t._op.vjps[slot](np.ones_like(t.data), t.data, *args, **t._params)
                    local[(j, slot)] = np.sum(d)
        return local


def _role(t: Tensor, is_root: bool) -> str:
    if is_root:
        return "output"
    if type(t).__name__ == "Parameter":       # nn.Parameter (autograd does not import nn)
        return "parameter"
    if t._parents:
        return "intermediate"
    if t.requires_grad or t.name:
        return "input"
    return "constant"


# ----------------------------------------------------------------------------- gradients

@dataclass
class _Step:
    """One step of the backward walk: node `j`'s VJP turned ḡ into one gradient per input slot."""

    j: int
    g: Any
    produced: dict[int, Any]


@dataclass
class _State:
    """What is known after some steps: gradient sums, how many parts arrived, per-edge gradients."""

    grads: dict[int, Any]
    parts: dict[int, int]
    edges: dict[tuple[int, int], Any]

    def add(self, view: _View, step: _Step) -> None:
        for slot, gi in step.produced.items():
            i = view.parents[step.j][slot]
            self.edges[(step.j, slot)] = gi
            self.grads[i] = gi if i not in self.grads else self.grads[i] + gi
            self.parts[i] = self.parts.get(i, 0) + 1


def _backward_steps(view: _View, seed: Any) -> list[_Step]:
    """Run the engine's backward walk on the side (no `.grad` touched) and record its steps in order."""
    trace: list = []
    _backprop([view.root], [seed], True, False, {}, trace)
    index = {id(t): i for i, t in enumerate(view.nodes)}
    steps = []
    for node, g, pairs in trace:
        j = index[id(node)]
        slots = [s for s, p in enumerate(node._parents) if p.requires_grad]
        steps.append(_Step(j, np.asarray(g), {s: np.asarray(gi) for s, (_, gi) in zip(slots, pairs)}))
    return steps


def _seed(root: Tensor, grad: Any) -> np.ndarray:
    if grad is not None:
        return np.asarray(grad.data if isinstance(grad, Tensor) else grad, dtype=root.data.dtype)
    return np.ones_like(root.data)


def _start(view: _View, seed: np.ndarray) -> _State:
    n = len(view.nodes) - 1
    return _State({n: seed}, {n: 0}, {})


# ----------------------------------------------------------------------------- DOT

def _value_label(view: _View, i: int, state: _State | None) -> str:
    t = view.nodes[i]
    o = view.opts
    title = _font(view.names[i], bold=bool(t.name), italic=not t.name)
    if t.data.ndim:
        title += "  " + _font(_shape(t.shape), color="#6b7280", size=11)
    rows = [title]
    data = view.data_lines(i)
    if data:
        rows.append("<BR/>".join(_font(("data " if k == 0 else "") + line) for k, line in enumerate(data)))
    if o.show_grad and t.requires_grad and state is not None and i in state.grads:
        lines = _values(state.grads[i], o.limit)
        need, got = view.needed[i], state.parts.get(i, 0)
        if 0 < got < need:
            lines[-1] += f"  ({got} of {need} parts)"
        rows.append("<BR/>".join(_font(("grad " if k == 0 else "") + line, color=GRAD_COLOR, bold=k == 0)
                                 for k, line in enumerate(lines)))
    return _table(rows)


def _edge_label(view: _View, j: int, slot: int, state: _State | None) -> str | None:
    mode = view.opts.edge_labels
    gi = state.edges.get((j, slot)) if state is not None and view.opts.show_grad else None
    local = view.local.get((j, slot))
    arrow = ARROWS.get(view.opts.rankdir, "←")
    if mode == "none" or (gi is None and local is None):
        return None
    if gi is not None and np.size(gi) != 1:
        return _html(_font(f"{arrow} [{_shape(np.shape(gi))}]", color=GRAD_COLOR, size=11))
    if mode == "local" or gi is None:
        return None if local is None else _html(_font(f"∂ = {_num(local)}", color=OP_STYLE[1], size=11))
    if mode == "both" and local is not None:
        g = state.grads.get(j) if state is not None else None
        if g is not None:
            return _html(_font(f"{arrow} {_num(g)} × {_num(local)} = {_num(gi)}", color=GRAD_COLOR, size=11))
    return _html(_font(f"{arrow} {_num(gi)}", color=GRAD_COLOR, size=12, bold=True))


def _swatch(fill: str, line: str, text: str, extra: str = "") -> str:
    return (f'<TD BGCOLOR="{fill}" COLOR="{line}" BORDER="1" WIDTH="22"{extra}> </TD>'
            f'<TD ALIGN="LEFT">{html.escape(text)}</TD>')


def _heading(opts: _Options, caption: str | None, frames: bool) -> str:
    """The graph's label: the caption (if any) over a one-line legend of the styles."""
    cells = [_swatch(fill, line, text, ' STYLE="dashed"' if "dashed" in style else "")
             for fill, line, style, text in ROLE_STYLE.values()]
    cells.append(_swatch(*OP_STYLE, "operation", ' STYLE="rounded"'))
    if opts.collapse is not None:
        cells.append(_swatch(*MODULE_STYLE, "module folded into one node"))
    if opts.show_grad:
        arrow = ARROWS.get(opts.rankdir, "←")
        cells.append(f'<TD>{_font("grad", GRAD_COLOR, bold=True)}</TD><TD ALIGN="LEFT">∂L/∂tensor</TD>')
        cells.append(f'<TD>{_font(arrow + " g", GRAD_COLOR, bold=True)}</TD>'
                     f'<TD ALIGN="LEFT">gradient sent back along the edge</TD>')
    if frames:
        cells.append(f'<TD COLOR="{HIGHLIGHT}" BORDER="3" WIDTH="22"> </TD><TD ALIGN="LEFT">this step</TD>')
    legend = ('<TABLE BORDER="0" CELLBORDER="0" CELLSPACING="3" CELLPADDING="2"><TR>'
              + "".join(cells) + "</TR></TABLE>") if opts.legend else ""
    rows = []
    if caption:
        rows.append(f'<TR><TD ALIGN="LEFT">{_font(caption, size=17, bold=True)}</TD></TR>')
    if legend:
        rows.append(f'<TR><TD ALIGN="LEFT">{legend}</TD></TR>')
    if not rows:
        return ""
    return _html(f'<TABLE BORDER="0" CELLBORDER="0" CELLSPACING="0" CELLPADDING="2">{"".join(rows)}</TABLE>')


def _render(view: _View, state: _State | None, current: int | None = None, caption: str | None = None,
            frames: bool = False) -> Graph:
    """The DOT text for one picture: every node and edge once (linear in the graph's size)."""
    o = view.opts
    nodes = view.nodes
    depth = o.collapse
    group: dict[int, str] = {}          # node index -> module node id, for collapsed modules
    modules: dict[str, list[int]] = {}  # module node id -> its members, in graph order
    keys: dict[tuple[str, ...], str] = {}
    if depth is not None:
        for i, scope in enumerate(view.scopes):
            if len(scope) >= depth and i not in view.folded:
                key = keys.setdefault(scope[:depth], f"m{len(keys)}")
                group[i] = key
                modules.setdefault(key, []).append(i)
    where: dict[tuple[str, ...], list[str]] = {}   # cluster path -> statements drawn inside it

    def place(scope: tuple[str, ...], line: str) -> None:
        where.setdefault(scope if o.clusters else (), []).append(line)

    for i, t in enumerate(nodes):
        if i in view.folded or i in group:
            continue
        fill, line, style, _ = ROLE_STYLE[view.roles[i]]
        hot = current == i
        place(view.scopes[i], _stmt(f"v{i}", {
            "label": _value_label(view, i, state), "shape": "box", "style": style,
            "fillcolor": "#ffedd5" if hot else fill, "color": HIGHLIGHT if hot else line,
            "penwidth": 3 if hot else (2 if view.roles[i] == "output" else 1.2)}))
        if t._parents:
            place(view.scopes[i], _stmt(f"o{i}", {
                "label": view.op_labels[i], "shape": "ellipse", "style": "filled",
                "fillcolor": HIGHLIGHT if hot else OP_STYLE[0], "color": HIGHLIGHT if hot else OP_STYLE[1],
                "fontcolor": "white" if hot else None, "penwidth": 3 if hot else 1.2}))
    for key, members in modules.items():
        scope = view.scopes[members[0]][:depth]
        params = [f"{view.names[i]} {_shape(nodes[i].shape)}" for i in members if view.roles[i] == "parameter"]
        ops = sum(1 for i in members if nodes[i]._parents)
        outs = [i for i in members if any(group.get(j) != key for j in view.consumers[i]) or i == len(nodes) - 1]
        rows = [_font(scope[-1], bold=True), _font(f"{ops} operations", size=11)]
        rows += [_font(p, size=11) for p in params]
        rows += [_font(f"→ {view.names[i]} {_shape(nodes[i].shape)}", size=11) for i in outs]
        place(scope[:-1], _stmt(key, {"label": _table(rows), "shape": "box3d", "style": "filled",
                                      "fillcolor": MODULE_STYLE[0], "color": MODULE_STYLE[1]}))

    edges: list[str] = []
    seen: set[tuple[str, str]] = set()
    for j, t in enumerate(nodes):
        if not t._parents:
            continue
        op_id = group.get(j, f"o{j}")
        if op_id == f"o{j}":
            edges.append(_stmt(f"o{j} -> v{j}", {"color": HIGHLIGHT if current == j else None,
                                                 "penwidth": 2.5 if current == j else None}))
        for slot, i in enumerate(view.parents[j]):
            if i in view.folded:
                continue
            src = group.get(i, f"v{i}")
            if src == op_id or (src, op_id) in seen:
                continue
            if src in modules or op_id in modules:
                seen.add((src, op_id))
            hot = current == j and nodes[i].requires_grad
            edges.append(_stmt(f"{src} -> {op_id}", {
                "label": _edge_label(view, j, slot, state), "color": HIGHLIGHT if hot else None,
                "penwidth": 2.5 if hot else None}))

    body = _clusters(where)
    body += edges
    graph_attr = {"rankdir": o.rankdir, "fontname": FONT, "bgcolor": "white", "nodesep": "0.25",
                  "ranksep": "0.35", "newrank": "true"}
    heading = _heading(o, caption, frames)
    if heading:
        graph_attr.update(label=heading, labelloc="t", labeljust="l", fontsize="11")
    return Graph(name="graph", graph_attr=graph_attr, body=[line + "\n" for line in body],
                 node_attr={"fontname": FONT, "fontsize": "12", "margin": "0.06,0.03"},
                 edge_attr={"fontname": FONT, "color": "#475569", "arrowsize": "0.7"})


def _clusters(where: dict[tuple[str, ...], list[str]]) -> list[str]:
    """Statements nested in `subgraph cluster_k { ... }` blocks, one per module path, in first-seen order."""
    paths = list(where)
    for path in list(paths):                     # make sure every ancestor of a path has an entry
        for n in range(1, len(path)):
            if path[:n] not in where:
                where[path[:n]] = []
                paths.append(path[:n])
    children: dict[tuple[str, ...], list[tuple[str, ...]]] = {}
    for path in paths:
        if path:
            children.setdefault(path[:-1], []).append(path)
    ids = {path: k for k, path in enumerate(sorted(paths, key=paths.index))}
    out: list[str] = []

    def emit(path: tuple[str, ...], indent: str) -> None:
        for kid in children.get(path, []):
            out.append(f"{indent}subgraph cluster_{ids[kid]} {{")
            out.append(f'{indent}\tlabel={_quote(kid[-1])} style="rounded,filled" fillcolor="{CLUSTER_COLORS[0]}" '
                       f'color="{CLUSTER_COLORS[1]}" fontsize="13" fontcolor="#334155"')
            out.extend(indent + line for line in where[kid])
            emit(kid, indent + "\t")
            out.append(f"{indent}}}")

    out.extend(where.get((), []))
    emit((), "\t")
    return out


# ----------------------------------------------------------------------------- public functions

def draw_graph(root: Tensor, show_data: bool = True, show_grad: bool = True, rankdir: str = "LR",
               edge_labels: str = "grad", limit: int = 8, clusters: bool = True, collapse: int | None = None,
               legend: bool = True, grad: Any = None, title: str | None = None) -> Graph:
    """The graph that computed `root`, as a `graphviz.Digraph` (`.render(path, format="svg")`, `.source`).

    show_data / show_grad: print values and ∂root/∂tensor in each box (gradients are
        computed here, without touching any `.grad`; `grad` is the seed ∂L/∂root, ones by default).
    rankdir: "LR" (inputs on the left), "TB", "RL" or "BT".
    edge_labels: "grad" (the gradient flowing back along each edge), "local" (∂out/∂input,
        scalar edges), "both" (upstream × local = gradient, scalar edges) or "none".
    limit: tensors with at most this many entries are printed in full; bigger ones as mean and range.
    clusters: draw each nn.Module's operations and parameters inside a labelled box.
    collapse: fold each module nested at this depth into one node (1: top-level modules;
        2: their children, e.g. the layers of an MLP).
    """
    opts = _make_options(show_data, show_grad, rankdir, edge_labels, limit, clusters, collapse, legend)
    view = _View(root, opts)
    state = None
    if show_grad and root.requires_grad:
        state = _start(view, _seed(root, grad))
        for step in _backward_steps(view, state.grads[len(view.nodes) - 1]):
            state.add(view, step)
    return _render(view, state, caption=title)


def _make_options(show_data: bool, show_grad: bool, rankdir: str, edge_labels: str, limit: int,
                  clusters: bool, collapse: int | None, legend: bool) -> _Options:
    if rankdir not in ARROWS:
        raise ValueError(f"rankdir must be one of {sorted(ARROWS)}, got {rankdir!r}")
    if edge_labels not in EDGE_LABELS:
        raise ValueError(f"edge_labels must be one of {EDGE_LABELS}, got {edge_labels!r}")
    if collapse is not None and collapse < 1:
        raise ValueError(f"collapse is a module depth (1, 2, ...), got {collapse}")
    return _Options(show_data, show_grad, rankdir, edge_labels, limit, clusters, collapse, legend)


@dataclass
class Frame:
    """One picture of the backward pass and what happened in it (for captions and the HTML page)."""

    graph: Graph
    title: str
    ran: str          # "y = ReLU(a)": the op whose VJP ran ("" for the forward frame)
    upstream: str     # "ḡ = ∂L/∂y = 6"
    produced: list[str]


def _wrt(name: str) -> str:
    """A name as it reads after ∂: expressions in parentheses (∂L/∂(x×m))."""
    return f"({name})" if any(c in name for c in "+−×÷@*( ") else name


def _frames(root: Tensor, grad: Any, opts: _Options) -> list[Frame]:
    if not root.requires_grad:
        raise RuntimeError("the output does not require grad: there is no backward pass to show")
    view = _View(root, opts)
    state = _start(view, _seed(root, grad))
    steps = _backward_steps(view, state.grads[len(view.nodes) - 1])
    n = len(steps)
    out_name = view.names[-1]
    seed = f"∂{out_name}/∂{_wrt(out_name)} = {_one_line(state.grads[len(view.nodes) - 1], opts.limit)}"
    title = f"forward pass done: {out_name} = {_one_line(root.data, opts.limit)}; backward starts with {seed}"
    frames = [Frame(_render(view, state, caption=title, frames=True), "forward pass", "", f"seed {seed}", [])]
    for k, step in enumerate(steps, 1):
        state.add(view, step)
        j = step.j
        node = view.nodes[j]
        args = ", ".join(view.names[p] for p in view.parents[j])
        ran = f"{view.names[j]} = {node._op.name}({args})"
        upstream = f"ḡ = ∂{out_name}/∂{_wrt(view.names[j])} = {_one_line(step.g, opts.limit)}"
        produced = [f"∂{out_name}/∂{_wrt(view.names[view.parents[j][s]])} += {_one_line(gi, opts.limit)}"
                    for s, gi in step.produced.items()]
        title = f"step {k} of {n}: the VJP of {node._op.name} at {view.names[j]}"
        caption = f"{title}: {upstream}  →  " + ";  ".join(produced)
        frames.append(Frame(_render(view, state, current=j, caption=caption, frames=True), title, ran,
                            upstream, produced))
    return frames


def backward_frames(root: Tensor, grad: Any = None, show_data: bool = True, rankdir: str = "LR",
                    edge_labels: str = "grad", limit: int = 8, clusters: bool = True,
                    legend: bool = True) -> list[Graph]:
    """One picture per step of the backward pass, in the order the engine computes gradients.

    Frame 0 is the forward graph with the seed ∂L/∂L = 1 on the output; frame k shows the
    k-th VJP: its node highlighted, the gradients it produced on its input edges, and every
    gradient known so far (a sum still waiting for more parts says "1 of 2 parts").
    """
    opts = _make_options(show_data, True, rankdir, edge_labels, limit, clusters, None, legend)
    return [f.graph for f in _frames(root, grad, opts)]


def _svg(graph: Graph, prefix: str) -> str:
    """The picture as inline SVG (no XML prolog), its element ids prefixed so frames do not clash."""
    svg = graph.pipe(format="svg", encoding="utf-8")
    svg = svg[svg.index("<svg"):]
    return re.sub(r'\bid="', f'id="{prefix}', svg)


def backward_html(root: Tensor, path: str | Path, grad: Any = None, title: str | None = None,
                  show_data: bool = True, rankdir: str = "LR", edge_labels: str = "grad", limit: int = 8,
                  clusters: bool = True) -> Path:
    """Write one self-contained HTML page that steps through the backward pass; return its path.

    The page holds the forward graph and every backward frame as inline SVG (no network, no
    server: open the file in a browser).  Buttons step / back / play, the ← → keys step, Home/End
    jump, and the address fragment `#step=3` opens step 3 (the page keeps it up to date).
    Each step says which VJP ran, the gradient it received and what it produced.
    """
    opts = _make_options(show_data, True, rankdir, edge_labels, limit, clusters, None, True)
    frames = _frames(root, grad, opts)
    title = title or f"Backpropagation through {len(frames) - 1} steps"
    figures = []
    for k, f in enumerate(frames):
        items = "".join(f"<li>{html.escape(p)}</li>" for p in f.produced)
        info = (f'<p class="title">{html.escape(f.title)}</p>'
                + (f'<p><span class="k">VJP ran at</span> <code>{html.escape(f.ran)}</code></p>' if f.ran else "")
                + f'<p><span class="k">received</span> <code>{html.escape(f.upstream)}</code></p>'
                + (f'<p><span class="k">produced</span></p><ul>{items}</ul>' if items else ""))
        figures.append(f'<figure class="frame" id="frame-{k}" data-step="{k}"{" hidden" if k else ""}>'
                       f'<div class="info">{info}</div>{_svg(f.graph, f"f{k}-")}</figure>')
    page = _PAGE.format(title=html.escape(title), last=len(frames) - 1, figures="\n".join(figures))
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(page, encoding="utf-8")
    return path


_PAGE = """<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title}</title>
<style>
  body {{ font-family: Helvetica, Arial, sans-serif; margin: 0; color: #0f172a; background: #f8fafc; }}
  header {{ position: sticky; top: 0; background: #1e293b; color: white; padding: 10px 18px; z-index: 1;
            display: flex; flex-wrap: wrap; align-items: center; gap: 12px; }}
  header h1 {{ font-size: 18px; margin: 0 16px 0 0; font-weight: 600; }}
  button {{ font-size: 15px; padding: 6px 14px; border-radius: 6px; border: 1px solid #94a3b8;
            background: #f1f5f9; cursor: pointer; }}
  button:hover {{ background: #e2e8f0; }}
  #counter {{ font-variant-numeric: tabular-nums; min-width: 7em; }}
  input[type=range] {{ width: 220px; }}
  .hint {{ color: #cbd5e1; font-size: 13px; }}
  main {{ padding: 12px 18px; }}
  .frame {{ margin: 0; }}
  .info {{ background: white; border: 1px solid #e2e8f0; border-left: 5px solid #ea580c; border-radius: 6px;
           padding: 8px 14px; margin-bottom: 10px; font-size: 15px; }}
  .info p {{ margin: 4px 0; }}
  .info ul {{ margin: 2px 0 4px 0; }}
  .info .title {{ font-weight: 600; font-size: 17px; }}
  .k {{ color: #64748b; display: inline-block; min-width: 7em; }}
  code {{ font-size: 15px; color: #b91c1c; }}
  svg {{ max-width: 100%; height: auto; background: white; border-radius: 6px; }}
</style>
</head>
<body data-step="0">
<header>
  <h1>{title}</h1>
  <button id="first" title="first (Home)">« first</button>
  <button id="prev" title="back (←)">◀ back</button>
  <button id="play" title="play / pause (space)">▶ play</button>
  <button id="next" title="step (→)">step ▶</button>
  <button id="last" title="last (End)">last »</button>
  <input id="slider" type="range" min="0" max="{last}" value="0" aria-label="step">
  <span id="counter">step 0 of {last}</span>
  <span class="hint">keys: ← → space</span>
</header>
<main>
{figures}
</main>
<script>
(function () {{
  var frames = Array.prototype.slice.call(document.querySelectorAll(".frame"));
  var last = frames.length - 1, cur = -1, timer = null;
  var counter = document.getElementById("counter"), slider = document.getElementById("slider");
  var play = document.getElementById("play");
  function show(k) {{
    k = Math.max(0, Math.min(last, k | 0));
    frames.forEach(function (f, i) {{ f.hidden = i !== k; f.classList.toggle("current", i === k); }});
    cur = k;
    counter.textContent = "step " + k + " of " + last;
    slider.value = k;
    document.body.setAttribute("data-step", k);
    if (location.hash !== "#step=" + k) {{
      try {{ history.replaceState(null, "", "#step=" + k); }} catch (e) {{}}
    }}
  }}
  function stop() {{ if (timer) {{ clearInterval(timer); timer = null; }} play.textContent = "▶ play"; }}
  function toggle() {{
    if (timer) {{ stop(); return; }}
    if (cur >= last) show(0);
    play.textContent = "⏸ pause";
    timer = setInterval(function () {{ if (cur >= last) stop(); else show(cur + 1); }}, 1400);
  }}
  function fromUrl() {{
    var m = /step=(\\d+)/.exec(location.hash) || /step=(\\d+)/.exec(location.search);
    return m ? parseInt(m[1], 10) : 0;
  }}
  document.getElementById("first").onclick = function () {{ stop(); show(0); }};
  document.getElementById("prev").onclick = function () {{ stop(); show(cur - 1); }};
  document.getElementById("next").onclick = function () {{ stop(); show(cur + 1); }};
  document.getElementById("last").onclick = function () {{ stop(); show(last); }};
  play.onclick = toggle;
  slider.oninput = function () {{ stop(); show(parseInt(slider.value, 10)); }};
  document.addEventListener("keydown", function (e) {{
    if (e.key === "ArrowRight") {{ stop(); show(cur + 1); }}
    else if (e.key === "ArrowLeft") {{ stop(); show(cur - 1); }}
    else if (e.key === "Home") {{ stop(); show(0); }}
    else if (e.key === "End") {{ stop(); show(last); }}
    else if (e.key === " ") {{ e.preventDefault(); toggle(); }}
  }});
  window.addEventListener("hashchange", function () {{ var k = fromUrl(); if (k !== cur) show(k); }});
  show(fromUrl());
}})();
</script>
</body>
</html>
"""
