"""Self-contained HTML pages (the backward stepper, the training film) that also display inside a notebook.

A page is one file: its CSS and JavaScript come from `autograd/viz/templates/`
(read when a page is made) and are written into it, with every picture as
inline SVG, so it opens from disk with no server and no network.  In Jupyter a
`Page` shows itself in an `<iframe srcdoc=...>`: its styles and key handlers
live inside the frame, act only when the frame has focus, and cannot leak into
the notebook around it.
"""

from __future__ import annotations

import html
import os
import re
from importlib import resources
from pathlib import Path
from typing import Any

from autograd.engine import Tensor
from autograd.viz.dot import COLUMN_PX, make_options, svg_size
from autograd.viz.frames import frames_of

__all__ = ["Page", "backward_stepper", "backward_html", "template"]

FRAME_MARGIN = 48  # px of a column that the page's padding and scroll bar take


def template(name: str) -> str:
    """The text of `autograd/viz/templates/<name>` (package data, read at run time)."""
    return resources.files("autograd.viz").joinpath("templates", name).read_text(encoding="utf-8")


def page(title: str, body: str, script: str, last: int, kind: str, unit: str = "step", css: str = "") -> str:
    """A whole page from the shared shell: title, controls for frames 0..last, body, and its script."""
    parts = {
        "title": html.escape(title),
        "css": template("page.css") + css,
        "kind": kind,
        "last": str(last),
        "unit": unit,
        "body": body,
        "player": template("player.js"),
        "script": script,
    }
    return re.sub(r"\{\{(\w+)\}\}", lambda m: parts[m.group(1)], template("page.html"))


class Page:
    """An HTML page (`.text`) that Jupyter displays inline in an isolated frame; `.save(path)` writes it.

    Once saved, it stands for its file too: `str(page)` and `os.fspath(page)` give the path.
    """

    def __init__(self, text: str, height: int, title: str) -> None:
        self.text, self.height, self.title = text, int(height), title
        self.path: Path | None = None

    def save(self, path: str | os.PathLike) -> Path:
        """Write the page to `path` (folders made as needed) and return the path."""
        p = Path(path)
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text(self.text, encoding="utf-8")
        self.path = p
        return p

    def iframe(self) -> str:
        """The page as an `<iframe srcdoc>` element: what a notebook cell shows."""
        srcdoc = html.escape(self.text, quote=True).replace("\n", "&#10;")  # one line: Markdown keeps it whole
        return (
            f'<iframe srcdoc="{srcdoc}" title="{html.escape(self.title)}" '
            f'sandbox="allow-scripts" loading="lazy" '
            f'style="width: 100%; height: {self.height}px; border: 1px solid #cbd5e1; border-radius: 6px">'
            "</iframe>"
        )

    def _repr_html_(self) -> str:
        return self.iframe()

    def __fspath__(self) -> str:
        if self.path is None:
            raise TypeError("this page was not saved yet: call .save(path) first")
        return str(self.path)

    def __str__(self) -> str:
        return str(self.path) if self.path is not None else f"<page {self.title!r}, not saved>"

    def __repr__(self) -> str:
        where = f", saved to {self.path}" if self.path is not None else ""
        return f"<viz.Page {self.title!r}: {len(self.text):,} characters{where}>"


def inline_svg(svg: str, prefix: str) -> str:
    """A Graphviz SVG for inlining: no XML prolog, its element ids prefixed so several can share a page."""
    svg = svg[svg.index("<svg") :]
    return re.sub(r'\bid="', f'id="{prefix}', svg)


def shown_height(width_pt: float, height_pt: float, column: int) -> float:
    """How many px high an SVG is once scaled down (never up) to a column's inner width."""
    w, h = width_pt * 4 / 3, height_pt * 4 / 3
    return h * min(1.0, (column - FRAME_MARGIN) / w)


def backward_stepper(
    root: Tensor,
    grad: Any = None,
    title: str | None = None,
    show_data: bool = True,
    rankdir: str | None = None,
    edge_labels: str = "grad",
    limit: int = 8,
    clusters: bool = True,
    width: int | None = COLUMN_PX,
) -> Page:
    """The backward pass of `root`, step by step, as one page; in a notebook it shows inline.

    The page holds the forward graph and every backward frame as inline SVG (all in one
    layout, fitted to `width` as in `draw_graph`).  Buttons step / back / play and a slider
    scrubs; ← → step, space plays, Home/End jump (keys act while the page has focus: click it).
    `#step=3` in the address opens step 3.  Each step says which VJP ran, the gradient it
    received and what it produced.  `.save("backprop.html")` writes the file.
    """
    inner = None if width is None else width - FRAME_MARGIN  # the page's own margins inside the iframe
    opts = make_options(show_data, True, rankdir, edge_labels, limit, clusters, None, True, inner)
    frames = frames_of(root, grad, opts, fit=rankdir is None and width is not None)
    title = title or f"Backpropagation through {len(frames) - 1} steps"
    figures, tallest = [], 0.0
    for k, f in enumerate(frames):
        items = "".join(f"<li>{html.escape(p)}</li>" for p in f.produced)
        info = (
            f'<p class="title">{html.escape(f.title)}</p>'
            + (f'<p><span class="k">VJP ran at</span> <code>{html.escape(f.ran)}</code></p>' if f.ran else "")
            + f'<p><span class="k">received</span> <code>{html.escape(f.upstream)}</code></p>'
            + (f'<p><span class="k">produced</span></p><ul>{items}</ul>' if items else "")
        )
        svg = f.graph.pipe(format="svg", encoding="utf-8")
        tallest = max(tallest, shown_height(*svg_size(svg), width or COLUMN_PX) + 26 * len(f.produced) + 150)
        figures.append(
            f'<figure class="frame" id="frame-{k}" data-step="{k}"{" hidden" if k else ""}>'
            f'<div class="info">{info}</div>{inline_svg(svg, f"f{k}-")}</figure>'
        )
    text = page(title, "\n".join(figures), template("stepper.js"), len(frames) - 1, "stepper")
    return Page(text, min(1400, int(tallest) + 100), title)  # + the sticky header


def backward_html(
    root: Tensor,
    path: str | os.PathLike | None = None,
    grad: Any = None,
    title: str | None = None,
    show_data: bool = True,
    rankdir: str | None = None,
    edge_labels: str = "grad",
    limit: int = 8,
    clusters: bool = True,
    width: int | None = COLUMN_PX,
) -> Page:
    """`backward_stepper(root, ...)`, written to `path` when one is given; returns the `Page`
    (which displays inline in Jupyter, and stands for its file: `Path(page)`)."""
    p = backward_stepper(root, grad, title, show_data, rankdir, edge_labels, limit, clusters, width)
    if path is not None:
        p.save(path)
    return p
