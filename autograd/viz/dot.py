"""DOT text for one picture of a graph, and the choice of layout that fits a notebook column.

Every label is an HTML-like Graphviz label built from escaped text (`font`),
so no name or value can end a DOT string or inject markup.  Node ids come from
positions in the graph (`v3`, `o3`, `m0`), never from `id()`, so the same graph
always gives the same text.
"""

from __future__ import annotations

import html
import re
import shutil
from dataclasses import dataclass, replace
from typing import Any

import graphviz
import numpy as np

from autograd.viz.model import SYMBOLS, GraphModel, clean, num, number_operand, op_name, params_text, shape_text, values

INSTALL_HINT = (
    "Graphviz's `dot` program is needed to turn the graph into a picture, and it was not found on "
    "PATH. Install it: Debian/Ubuntu `sudo apt-get install graphviz`, macOS `brew install graphviz`, "
    "conda `conda install graphviz`. The DOT text does not need it: `g.source` holds it and "
    "`g.save('graph.dot')` writes it."
)
FREED_NOTE = (
    "backward() freed the nodes drawn grey and dashed: nodes of more than 1,024 entries let go of their "
    "inputs. "
    "To see them, draw before backward() or call backward(retain_graph=True)."
)

FONT = "Helvetica"
GRAD_COLOR = "#b91c1c"  # gradients: red text on nodes and edges
HIGHLIGHT = "#ea580c"  # the step being shown in a backward frame
ROLE_STYLE = {  # role: (fill, border, style, legend text)
    "input": ("#dbeafe", "#1d4ed8", "rounded,filled", "input"),
    "parameter": ("#fde68a", "#b45309", "rounded,filled", "parameter"),
    "constant": ("#f3f4f6", "#6b7280", "rounded,filled,dashed", "constant"),
    "intermediate": ("#ffffff", "#374151", "rounded,filled", "intermediate"),
    "output": ("#dcfce7", "#15803d", "rounded,filled,bold", "output"),
    "freed": ("#e5e7eb", "#6b7280", "rounded,filled,dashed", "freed by backward()"),
}
OP_STYLE = ("#ede9fe", "#6d28d9")
MODULE_STYLE = ("#e0f2fe", "#0369a1")
CLUSTER_COLORS = ("#f8fafc", "#94a3b8")
ARROWS = {"LR": "←", "RL": "→", "TB": "↑", "BT": "↓"}
EDGE_LABELS = ("grad", "local", "both", "none")

COLUMN_PX = 1000  # a notebook column (JupyterLab, VS Code, the class site)
READABLE_PX = 11  # the 12-pt body text must stay at least this high once the picture is scaled to the column
PX_PER_INCH = 96  # browsers: 1 in = 96 px = 72 pt
FIT_LIMIT = 400  # graphs with more tensors than this are laid out once (by an estimate), not measured


class DotNotFound(graphviz.ExecutableNotFound):
    """Graphviz's `dot` program is missing; the message says how to install it."""

    def __init__(self) -> None:
        RuntimeError.__init__(self, INSTALL_HINT)


class Graph(graphviz.Digraph):
    """A `graphviz.Digraph` whose `render`/`pipe` explain a missing `dot`, and whose Jupyter display
    shows that explanation as text instead of failing the cell."""

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

    def _repr_mimebundle_(self, include: Any = None, exclude: Any = None, **kwargs: Any) -> dict:
        if not has_dot():
            return {"text/plain": f"(no picture: {INSTALL_HINT})"}
        return super()._repr_mimebundle_(include, exclude, **kwargs)


def has_dot() -> bool:
    """True when Graphviz's `dot` program is on the PATH."""
    return shutil.which("dot") is not None


@dataclass(frozen=True)
class Options:
    show_data: bool = True
    show_grad: bool = True
    rankdir: str = "LR"
    edge_labels: str = "grad"
    limit: int = 8
    clusters: bool = True
    collapse: int | None = None
    legend: bool = True
    width: int | None = COLUMN_PX


def make_options(
    show_data: bool = True,
    show_grad: bool = True,
    rankdir: str | None = None,
    edge_labels: str = "grad",
    limit: int = 8,
    clusters: bool = True,
    collapse: int | None = None,
    legend: bool = True,
    width: int | None = COLUMN_PX,
) -> Options:
    """Checked options; `rankdir=None` means "choose the layout that fits `width`" (LR if width is None)."""
    if rankdir is not None and rankdir not in ARROWS:
        raise ValueError(f"rankdir must be one of {sorted(ARROWS)} or None (fit the width), got {rankdir!r}")
    if edge_labels not in EDGE_LABELS:
        raise ValueError(f"edge_labels must be one of {EDGE_LABELS}, got {edge_labels!r}")
    if collapse is not None and (not isinstance(collapse, int) or collapse < 1):
        raise ValueError(f"collapse is a module depth (1, 2, ...), got {collapse!r}")
    if width is not None and (not isinstance(width, (int, float)) or not 100 <= width <= 100_000):
        raise ValueError(f"width is the column width in pixels (100 to 100000) or None, got {width!r}")
    if not isinstance(limit, int) or limit < 0:
        raise ValueError(f"limit is a number of entries (0, 1, ...), got {limit!r}")
    return Options(show_data, show_grad, rankdir or "LR", edge_labels, limit, clusters, collapse, legend, width)


# ----------------------------------------------------------------------------- labels


def font(text: str, color: str | None = None, size: int | None = None, bold: bool = False, italic: bool = False) -> str:
    """Escaped text for an HTML-like label (quotes and <, >, & escaped: nothing in a name is markup)."""
    out = html.escape(clean(text, 10_000), quote=True)
    if bold:
        out = f"<B>{out}</B>"
    if italic:
        out = f"<I>{out}</I>"
    attrs = (f' COLOR="{color}"' if color else "") + (f' POINT-SIZE="{size}"' if size else "")
    return f"<FONT{attrs}>{out}</FONT>" if attrs else out


def _html(text: str) -> str:
    return f"<{text}>"


def _table(rows: list[str]) -> str:
    cells = "".join(f"<TR><TD>{r}</TD></TR>" for r in rows)
    return _html(f'<TABLE BORDER="0" CELLBORDER="0" CELLSPACING="0" CELLPADDING="3" ROWS="*">{cells}</TABLE>')


def _quote(value: Any) -> str:
    """A DOT attribute value: HTML labels (<...>) as they are, anything else as a quoted string."""
    s = str(value)
    if s.startswith("<") and s.endswith(">"):
        return s
    return '"' + clean(s, 10_000).replace("\\", "\\\\").replace('"', '\\"') + '"'


def _stmt(head: str, attrs: dict[str, Any]) -> str:
    body = " ".join(f"{k}={_quote(v)}" for k, v in attrs.items() if v is not None)
    return f"\t{head} [{body}]" if body else f"\t{head}"


def op_label(g: GraphModel, j: int) -> str:
    t = g.nodes[j]
    text = SYMBOLS.get(t.op.name, op_name(t))
    for slot, p in enumerate(g.parents[j]):
        if p in g.folded:
            c = num(g.nodes[p].numpy())
            text = f"{text} {c}" if slot else f"{c} {text}"
    for c in number_operand(t):
        text = f"{text} {c}"
    params = t.params
    extra = params_text({k: v for k, v in params.items() if k != "p"} if t.op.name == "pow_scalar" else params)
    label = font(text, size=14 if len(text) <= 2 else None, bold=True)
    return _html(label + ("<BR/>" + font(extra, size=10) if extra else ""))


def value_label(g: GraphModel, i: int, state: Any, opts: Options) -> str:
    t = g.nodes[i]
    named = bool(t.name) or g.roles[i] == "parameter"
    title = font(g.names[i], bold=named, italic=not named)
    if t.ndim:
        title += "  " + font(shape_text(t.shape), color="#6b7280", size=11)
    rows = [title]
    path = getattr(t, "path", None)
    if t.name and path and clean(path) != g.names[i]:
        rows.append(font(path, color="#6b7280", size=10))
    if opts.show_data:
        lines = values(t.numpy(), opts.limit)
        rows.append("<BR/>".join(font(("data " if k == 0 else "") + line) for k, line in enumerate(lines)))
    if g.freed[i]:
        rows.append(font("inputs freed by backward()", color="#6b7280", size=10, italic=True))
    if opts.show_grad and t.requires_grad and state is not None and i in state.grads:
        lines = values(state.grads[i], opts.limit)
        need, got = g.needed[i], state.parts.get(i, 0)
        if 0 < got < need:
            lines[-1] += f"  ({got} of {need} parts)"
        rows.append(
            "<BR/>".join(
                font(("grad " if k == 0 else "") + line, color=GRAD_COLOR, bold=k == 0) for k, line in enumerate(lines)
            )
        )
    return _table(rows)


def edge_label(g: GraphModel, j: int, slot: int, state: Any, opts: Options) -> str | None:
    mode = opts.edge_labels
    gi = state.edges.get((j, slot)) if state is not None and opts.show_grad else None
    local = state.local.get((j, slot)) if state is not None and mode in ("local", "both") else None
    arrow = ARROWS.get(opts.rankdir, "←")
    if mode == "none" or (gi is None and local is None):
        return None
    if gi is not None and np.size(gi) != 1:
        return _html(font(f"{arrow} [{shape_text(np.shape(gi))}]", color=GRAD_COLOR, size=11))
    if mode == "local" or gi is None:
        return None if local is None else _html(font(f"∂ = {num(local)}", color=OP_STYLE[1], size=11))
    if mode == "both" and local is not None:
        up = state.grads.get(j)
        if up is not None:
            return _html(font(f"{arrow} {num(up)} × {num(local)} = {num(gi)}", color=GRAD_COLOR, size=11))
    return _html(font(f"{arrow} {num(gi)}", color=GRAD_COLOR, size=12, bold=True))


def _swatch(fill: str, line: str, text: str, extra: str = "") -> str:
    return (
        f'<TD BGCOLOR="{fill}" COLOR="{line}" BORDER="1" WIDTH="22"{extra}> </TD>'
        f'<TD ALIGN="LEFT">{html.escape(text)}</TD>'
    )


def _heading(g: GraphModel, opts: Options, caption: str | None, frames: bool, note: str | None) -> str:
    """The graph's label: the caption (if any), the notes (`note`, and FREED_NOTE when nodes were freed),
    and a legend of the styles in use, four entries to a row."""
    used = set(g.roles)
    cells = [
        _swatch(fill, line, text, ' STYLE="dashed"' if "dashed" in style else "")
        for role, (fill, line, style, text) in ROLE_STYLE.items()
        if role in used
    ]
    cells.append(_swatch(*OP_STYLE, "operation", ' STYLE="rounded"'))
    if opts.collapse is not None:
        cells.append(_swatch(*MODULE_STYLE, "module folded into one node"))
    if opts.show_grad:
        arrow = ARROWS.get(opts.rankdir, "←")
        cells.append(
            f'<TD>{font("grad", GRAD_COLOR, bold=True)}</TD><TD ALIGN="LEFT">∂{html.escape(g.names[-1])}/∂tensor</TD>'
        )
        cells.append(
            f"<TD>{font(arrow + ' g', GRAD_COLOR, bold=True)}</TD>"
            f'<TD ALIGN="LEFT">gradient sent back along the edge</TD>'
        )
    if frames:
        cells.append(f'<TD COLOR="{HIGHLIGHT}" BORDER="3" WIDTH="22"> </TD><TD ALIGN="LEFT">this step</TD>')
    rows = []
    if caption:
        rows.append(f'<TR><TD ALIGN="LEFT">{font(caption, size=15, bold=True)}</TD></TR>')
    notes = [n for n in (note, FREED_NOTE if "freed" in used else None) if n]
    rows += [f'<TR><TD ALIGN="LEFT">{font(n, color="#92400e", size=11)}</TD></TR>' for n in notes]
    if opts.legend:
        # the legend wraps into rows of four entries, so a long legend does not widen the picture
        pairs = [cells[k : k + 4] for k in range(0, len(cells), 4)]
        legend = "".join("<TR>" + "".join(p) + "</TR>" for p in pairs)
        rows.append(
            f'<TR><TD ALIGN="LEFT"><TABLE BORDER="0" CELLBORDER="0" CELLSPACING="3" CELLPADDING="2">'
            f"{legend}</TABLE></TD></TR>"
        )
    if not rows:
        return ""
    return _html(f'<TABLE BORDER="0" CELLBORDER="0" CELLSPACING="0" CELLPADDING="2">{"".join(rows)}</TABLE>')


# ----------------------------------------------------------------------------- the picture


def render(
    g: GraphModel,
    state: Any,
    opts: Options,
    current: int | None = None,
    caption: str | None = None,
    frames: bool = False,
    note: str | None = None,
) -> Graph:
    """The DOT text for one picture: every node and edge once (linear in the graph's size)."""
    nodes = g.nodes
    depth = opts.collapse
    group: dict[int, str] = {}  # node index -> module node id, for collapsed modules
    modules: dict[str, list[int]] = {}  # module node id -> its members, in graph order
    keys: dict[tuple[str, ...], str] = {}
    if depth is not None:
        for i, scope in enumerate(g.scopes):
            if len(scope) >= depth and i not in g.folded:
                key = keys.setdefault(scope[:depth], f"m{len(keys)}")
                group[i] = key
                modules.setdefault(key, []).append(i)
    where: dict[tuple[str, ...], list[str]] = {}  # cluster path -> statements drawn inside it

    def place(scope: tuple[str, ...], line: str) -> None:
        where.setdefault(scope if opts.clusters else (), []).append(line)

    for i in range(len(nodes)):
        if i in g.folded or i in group:
            continue
        fill, line, style, _ = ROLE_STYLE[g.roles[i]]
        hot = current == i
        place(
            g.scopes[i],
            _stmt(
                f"v{i}",
                {
                    "label": value_label(g, i, state, opts),
                    "shape": "box",
                    "style": style,
                    "fillcolor": "#ffedd5" if hot else fill,
                    "color": HIGHLIGHT if hot else line,
                    "penwidth": 3 if hot else (2 if g.roles[i] == "output" else 1.2),
                },
            ),
        )
        if g.has_op(i):
            place(
                g.scopes[i],
                _stmt(
                    f"o{i}",
                    {
                        "label": op_label(g, i),
                        "shape": "ellipse",
                        "style": "filled",
                        "fillcolor": HIGHLIGHT if hot else OP_STYLE[0],
                        "color": HIGHLIGHT if hot else OP_STYLE[1],
                        "fontcolor": "white" if hot else None,
                        "penwidth": 3 if hot else 1.2,
                    },
                ),
            )
    for key, members in modules.items():
        scope = g.scopes[members[0]][:depth]
        params = [f"{g.names[i]} {shape_text(nodes[i].shape)}" for i in members if g.roles[i] == "parameter"]
        ops = sum(1 for i in members if g.has_op(i))
        outs = [i for i in members if any(group.get(j) != key for j in g.consumers[i]) or i == len(nodes) - 1]
        rows = [font(scope[-1], bold=True), font(f"{ops} operations", size=11)]
        rows += [font(p, size=11) for p in params]
        rows += [font(f"→ {g.names[i]} {shape_text(nodes[i].shape)}", size=11) for i in outs]
        place(
            scope[:-1],
            _stmt(
                key,
                {
                    "label": _table(rows),
                    "shape": "box3d",
                    "style": "filled",
                    "fillcolor": MODULE_STYLE[0],
                    "color": MODULE_STYLE[1],
                },
            ),
        )

    edges: list[str] = []
    seen: set[tuple[str, str]] = set()
    for j in range(len(nodes)):
        if not g.has_op(j):
            continue
        op_id = group.get(j, f"o{j}")
        if op_id == f"o{j}":
            edges.append(
                _stmt(
                    f"o{j} -> v{j}",
                    {"color": HIGHLIGHT if current == j else None, "penwidth": 2.5 if current == j else None},
                )
            )
        for slot, i in enumerate(g.parents[j]):
            if i in g.folded:
                continue
            src = group.get(i, f"v{i}")
            if src == op_id or (src, op_id) in seen:
                continue
            if src in modules or op_id in modules:
                seen.add((src, op_id))
            hot = current == j and nodes[i].requires_grad
            edges.append(
                _stmt(
                    f"{src} -> {op_id}",
                    {
                        "label": edge_label(g, j, slot, state, opts),
                        "color": HIGHLIGHT if hot else None,
                        "penwidth": 2.5 if hot else None,
                    },
                )
            )

    body = _clusters(where) + edges
    graph_attr = {
        "rankdir": opts.rankdir,
        "fontname": FONT,
        "bgcolor": "white",
        "nodesep": "0.25",
        "ranksep": "0.35",
        "newrank": "true",
    }
    if opts.width is not None:  # never wider than the column: Graphviz scales the drawing down if needed
        graph_attr["size"] = f"{opts.width / PX_PER_INCH:.2f},1000"
    heading = _heading(g, opts, caption, frames, note)
    if heading:
        graph_attr.update(label=heading, labelloc="t", labeljust="l", fontsize="11")
    return Graph(
        name="graph",
        graph_attr=graph_attr,
        body=[line + "\n" for line in body],
        node_attr={"fontname": FONT, "fontsize": "12", "margin": "0.06,0.03"},
        edge_attr={"fontname": FONT, "color": "#475569", "arrowsize": "0.7"},
    )


def _clusters(where: dict[tuple[str, ...], list[str]]) -> list[str]:
    """Statements nested in `subgraph cluster_k { ... }` blocks, one per module path, in first-seen order."""
    paths = list(where)
    for path in list(paths):  # make sure every ancestor of a path has an entry
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
            out.append(
                f'{indent}\tlabel={_html(font(kid[-1]))} style="rounded,filled" '
                f'fillcolor="{CLUSTER_COLORS[0]}" color="{CLUSTER_COLORS[1]}" fontsize="13" '
                f'fontcolor="#334155"'
            )
            out.extend(indent + line for line in where[kid])
            emit(kid, indent + "\t")
            out.append(f"{indent}}}")

    out.extend(where.get((), []))
    emit((), "\t")
    return out


# ----------------------------------------------------------------------------- fitting a column


def natural_size(graph: Graph) -> tuple[float, float]:
    """The picture's width and height in px at 100 % (Graphviz's own layout, without the `size` cap)."""
    attrs = {k: v for k, v in graph.graph_attr.items() if k != "size"}
    probe = Graph(name="graph", graph_attr=attrs, body=graph.body, node_attr=graph.node_attr, edge_attr=graph.edge_attr)
    first = probe.pipe(format="plain", encoding="utf-8").split("\n", 1)[0].split()
    return float(first[2]) * PX_PER_INCH, float(first[3]) * PX_PER_INCH


def text_px(width_px: float, column: float) -> float:
    """How high 12-pt text is once a picture `width_px` wide is shown in a `column`-px column."""
    return 12 * 4 / 3 * min(1.0, column / width_px)


def _ranks(g: GraphModel) -> int:
    """How many ranks a layout has at least: the longest input→output path, counting op ellipses."""
    rank = [0] * len(g.nodes)
    for i in range(len(g.nodes)):
        if g.parents[i]:
            rank[i] = 2 + max(rank[p] for p in g.parents[i])
    return max(rank, default=0) + 1


def choose_layout(g: GraphModel, opts: Options, draw: Any) -> tuple[Options, Graph]:
    """The options (rankdir, collapse) whose picture fits `opts.width` with readable text, and that picture.

    Tried in order: left to right (the order a formula reads), top to bottom, then each module depth
    folded (deepest first), left to right and top to bottom; the first whose 12-pt text is at least
    READABLE_PX high in the column wins, else the one with the largest text.  `draw(opts)` makes a
    picture.  Big graphs and machines without `dot` get an estimate instead of measured layouts.
    """
    column = opts.width
    candidates = [replace(opts, rankdir="LR"), replace(opts, rankdir="TB")]
    depth = 0 if opts.collapse is not None else max((len(s) for s in g.scopes), default=0)
    for d in range(depth, 0, -1):
        candidates += [replace(opts, rankdir="LR", collapse=d), replace(opts, rankdir="TB", collapse=d)]
    if len(g.nodes) > FIT_LIMIT or not has_dot():
        guess = candidates[0] if _ranks(g) * 120 <= column else candidates[1]
        return guess, draw(guess)
    best = None
    for cand in candidates:
        pic = draw(cand)
        size = text_px(natural_size(pic)[0], column)
        if size >= READABLE_PX:
            return cand, pic
        if best is None or size > best[0]:
            best = (size, cand, pic)
    return best[1], best[2]


def svg_size(svg: str) -> tuple[float, float]:
    """(width, height) in pt of an SVG that Graphviz wrote."""
    w = re.search(r'width="([\d.]+)pt"', svg)
    h = re.search(r'height="([\d.]+)pt"', svg)
    return float(w.group(1)), float(h.group(1))
