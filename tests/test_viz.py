"""The graph renderer: what the pictures must show, read back from the SVG that Graphviz draws.

Values and gradients are report 000's (x=2, m=3, b=1, y*=4: a = y = 7, L = 9; gradients
6, 12, 18 by equations 8–12).  The HTML stepper is driven in a real headless Chromium.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path

import numpy as np
import pytest

import nn
from autograd import Tensor, viz
from autograd.tensor import iter_graph
from tasks import graphs

SVG = "{http://www.w3.org/2000/svg}"
needs_dot = pytest.mark.skipif(shutil.which("dot") is None, reason="Graphviz's dot is not installed")
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


def svg_items(svg: str, kind: str) -> dict[str, list[str]]:
    """{title: [texts]} for every <g class=kind> of an SVG (kind "node", "edge" or "cluster")."""
    root = ET.fromstring(svg.encode())
    items = {}
    for g in root.iter(f"{SVG}g"):
        if g.get("class") == kind:
            title = g.find(f"{SVG}title").text
            items[title] = [(t.text or "").strip() for t in g.iter(f"{SVG}text")]
    return items


def by_name(nodes: dict[str, list[str]]) -> dict[str, list[str]]:
    """Value nodes keyed by the name in their first line."""
    return {texts[0]: texts for title, texts in nodes.items() if title.startswith("v")}


# ----------------------------------------------------------------------------- report 000's graph

@needs_dot
def test_report_000_graph_shows_values_gradients_and_edges() -> None:
    loss = graphs.relu_mse_graph()
    svg = viz.draw_graph(loss).pipe(format="svg", encoding="utf-8")
    nodes = by_name(svg_items(svg, "node"))
    expected = {"x": ("data 2", "grad 18"), "m": ("data 3", "grad 12"), "b": ("data 1", "grad 6"),
                "a": ("data 7", "grad 6"), "y": ("data 7", "grad 6"), "L": ("data 9", "grad 1")}
    for name, texts in expected.items():
        assert nodes[name][1:] == list(texts), name
    assert nodes["y*"][1:] == ["data 4"]                  # no gradient for the target
    ops = [texts[0] for title, texts in svg_items(svg, "node").items() if title.startswith("o")]
    assert sorted(ops) == sorted(["×", "+", "ReLU", "−", "** 2"])   # the 2 of ** 2 is folded into its op
    edges = svg_items(svg, "edge")
    assert len(edges) == 13                               # 5 outputs + 8 inputs (the constant 2 folded)
    labels = sorted(t for texts in edges.values() for t in texts)
    assert labels == sorted(["← 18", "← 12", "← 6", "← 6", "← 6", "← 6", "← 6"])


def test_drawing_touches_no_grad_and_needs_no_backward() -> None:
    loss = graphs.relu_mse_graph()
    viz.draw_graph(loss)
    x = next(t for t in iter_graph(loss) if t.name == "x")
    assert x.grad is None
    loss.backward()
    assert x.grad.item() == 18.0


def test_same_graph_gives_identical_dot_text() -> None:
    first = viz.draw_graph(graphs.relu_mse_graph()).source
    assert viz.draw_graph(graphs.relu_mse_graph()).source == first
    assert viz.draw_graph(graphs.network_graph()).source == viz.draw_graph(graphs.network_graph()).source
    assert "0x" not in first and not re.search(r"\d{9,}", first)     # no id()s in node names


def test_local_and_both_edge_labels_follow_the_chain_rule() -> None:
    loss = graphs.relu_mse_graph()
    both = viz.draw_graph(loss, edge_labels="both").source
    assert "← 6 × 3 = 18" in both and "← 6 × 2 = 12" in both     # ∂L/∂x = ḡ_(x·m) · m, ∂L/∂m = ḡ · x
    assert "∂ = 3" in viz.draw_graph(loss, edge_labels="local").source
    assert "←" not in viz.draw_graph(loss, edge_labels="none").source.split("edge [")[1].split("label=<<TABLE")[0]


def test_x_times_x_draws_two_edges_each_with_its_share() -> None:
    x = Tensor(3.0, requires_grad=True, name="x")
    y = x * x
    src = viz.draw_graph(y, legend=False).source
    assert src.count("v0 -> o1") == 2
    assert src.count("← 3</B>") == 2                      # each use carries ḡ·x = 3 ...
    assert "grad 6" in src                                # ... and x's gradient is their sum


def test_non_scalar_graphs_label_edges_with_shapes_and_summarise_big_tensors() -> None:
    w = Tensor(np.linspace(0, 1, 60).reshape(6, 10), requires_grad=True, name="W")
    v = Tensor(np.ones(6), name="v")
    out = (v @ w).sum()
    src = viz.draw_graph(out).source
    assert "← [6×10]" in src                              # gradient of W: a shape, not numbers
    assert "mean 0.5" in src and "range [0, 1]" in src    # 60 entries: summarised
    assert "[1 1 1 1 1 1]" in src                         # 6 entries: in full


def test_roles_have_their_styles() -> None:
    w = nn.Parameter(np.ones(3), name="w")
    x = Tensor(np.arange(3.0), requires_grad=True, name="x")
    out = (x * w + np.array([1.0, 2.0, 3.0])).sum()
    src = viz.draw_graph(out, legend=False).source
    fills = {role: style[0] for role, style in viz.ROLE_STYLE.items()}
    lines = {m.group(1): m.group(2) for m in re.finditer(r"\t(v\d+) \[.*?fillcolor=\"(#\w+)\"", src)}
    assert sorted(lines.values()) == sorted([fills["input"], fills["parameter"], fills["constant"],
                                             fills["intermediate"], fills["intermediate"], fills["output"]])
    assert 'style="rounded,filled,dashed"' in src          # the unnamed constant array


def test_freed_graph_gives_a_clear_error() -> None:
    loss = graphs.relu_mse_graph()
    loss.backward()
    with pytest.raises(RuntimeError, match=r"retain_graph=True"):
        viz.draw_graph(loss)
    kept = graphs.relu_mse_graph()
    kept.backward(retain_graph=True)
    assert "grad 18" in viz.draw_graph(kept).source


def test_missing_dot_says_how_to_install_it_and_dot_text_still_saves(tmp_path: Path, monkeypatch) -> None:
    g = viz.draw_graph(graphs.relu_mse_graph())
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))
    for draw in (lambda: g.render(str(tmp_path / "g"), format="svg"), lambda: g.pipe(format="svg"),
                 g._repr_image_svg_xml):
        with pytest.raises(viz.DotNotFound, match=r"apt-get install graphviz"):
            draw()
    g.save(str(tmp_path / "g.dot"))
    assert (tmp_path / "g.dot").read_text().startswith('digraph "graph"')


# ----------------------------------------------------------------------------- modules

@needs_dot
def test_mlp_layers_are_labelled_clusters_holding_their_parameters() -> None:
    nn.manual_seed(0)
    mlp = nn.MLP([2, 3, 2])
    loss = mlp(Tensor(np.ones((4, 2)), name="x")).sum()
    graph = viz.draw_graph(loss)
    clusters = svg_items(graph.pipe(format="svg", encoding="utf-8"), "cluster")
    assert sorted(texts[0] for texts in clusters.values()) == ["0:Linear", "1:ReLU", "2:Linear", "MLP"]
    body = graph.source.split("0:Linear")[1].split("}")[0]          # the first layer's cluster
    assert body.count("<B>weight</B>") == 1 and body.count("<B>bias</B>") == 1
    assert body.count("<B>@</B>") == 1


def test_collapse_folds_each_module_into_one_node() -> None:
    nn.manual_seed(0)
    mlp = nn.MLP([2, 8, 8, 2])
    loss = mlp(Tensor(np.ones((4, 2)), name="x")).sum()
    src = viz.draw_graph(loss, collapse=2).source
    modules = re.findall(r"\t+(m\d+) \[", src)
    assert len(modules) == 5                              # 3 Linear + 2 ReLU layers
    assert "box3d" in src and "<B>0:Linear</B>" in src and "W" not in re.sub(r"<[^>]*>", "", src.split("m0 [")[0])
    assert len(re.findall(r"\t+(m\d+) -> ", src)) == 5    # a chain: each layer feeds the next node
    whole = viz.draw_graph(loss, collapse=1).source
    assert len(re.findall(r"\t+(m\d+) \[", whole)) == 1


@needs_dot
def test_report_001_network_has_the_reports_names_and_layer_boxes() -> None:
    svg = viz.draw_graph(graphs.network_graph()).pipe(format="svg", encoding="utf-8")
    names = set(by_name(svg_items(svg, "node")))
    assert {"x", "W0", "b0", "h1", "z1", "a1", "W1", "b1", "h2", "z2", "a2", "y_OH", "l", "L"} <= names
    clusters = sorted(texts[0] for texts in svg_items(svg, "cluster").values())
    assert clusters == ["CrossEntropy", "Net", "hidden:Linear", "output:Linear"]
    assert sum(p.size for p in graphs.Net().parameters()) == 101      # report 001: 101 parameters


def test_a_long_chain_renders_to_dot_text() -> None:
    x = Tensor(0.5, requires_grad=True, name="x")
    y = x
    for _ in range(3000):
        y = (y * 0.999).tanh()
    src = viz.draw_graph(y).source                        # iterative all the way: no recursion limit
    assert src.count("->") == 4 * 3000                 # 6000 ops (× 0.999, tanh), two edges each


# ----------------------------------------------------------------------------- backward frames

def test_backward_frames_follow_the_engine_and_show_partial_sums() -> None:
    x = Tensor(2.0, requires_grad=True, name="x")
    s = x + x
    s.name = "s"
    f = s * x                                             # f = 2x², ∂f/∂x = 4x = 8
    f.name = "f"
    frames = [g.source for g in viz.backward_frames(f)]
    assert len(frames) == 3                               # forward + one per op
    assert "step 1 of 2: the VJP of mul at f" in frames[1]
    assert "grad 4  (1 of 3 parts)" in frames[1]          # x has heard from × (ḡ·s = 4), not yet from +
    assert "grad 8" in frames[2] and "parts)" not in frames[2]
    assert 'fillcolor="#ea580c"' in frames[1]             # the current op is highlighted


@needs_dot
def test_backward_html_is_self_contained(tmp_path: Path) -> None:
    page = viz.backward_html(graphs.relu_mse_graph(), tmp_path / "steps.html").read_text()
    assert page.count('<figure class="frame"') == 6
    assert page.count("<svg") == 6
    assert not re.search(r"""(src|href)=["']?(https?:)?//""", page)   # nothing fetched from a network
    assert "<link" not in page and "<?xml" not in page


def run_chromium(url: str, tmp_path: Path, *extra: str) -> str:
    cmd = [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
           "--disable-background-networking", "--disable-component-update", "--disable-sync",
           f"--user-data-dir={tmp_path / 'profile'}", "--virtual-time-budget=3000", *extra, url]
    return subprocess.run(cmd, capture_output=True, text=True, timeout=90).stdout


@needs_dot
@pytest.mark.skipif(CHROMIUM is None, reason="chromium is not installed (apt-get install chromium)")
def test_html_stepper_in_a_real_browser(tmp_path: Path) -> None:
    page = viz.backward_html(graphs.relu_mse_graph(), tmp_path / "steps.html")
    dom = run_chromium(page.as_uri() + "#step=3", tmp_path, "--dump-dom")
    shown = re.findall(r'<figure class="frame current" id="frame-(\d+)" data-step="\d+">', dom)
    assert shown == ["3"]
    assert len(re.findall(r'<figure class="frame" id="frame-\d+" data-step="\d+" hidden="">', dom)) == 5
    assert "step 3 of 5" in dom and '<body data-step="3">' in dom
    current = dom.split('class="frame current"')[1].split("</figure>")[0]
    assert "y = relu(a)" in current and "∂L/∂a += 6" in current      # which VJP ran and what it gave
    shot = tmp_path / "step3.png"
    run_chromium(page.as_uri() + "#step=5", tmp_path, f"--screenshot={shot}", "--window-size=1400,800")
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


# ----------------------------------------------------------------------------- the showcase

@needs_dot
def test_showcase_task_writes_the_pictures(tmp_path: Path) -> None:
    graphs.main(["--out", str(tmp_path)])
    for name in ["relu_mse.svg", "network.svg", "relu_mse_backward.html", "metrics.json"]:
        assert (tmp_path / name).exists(), name
    frames = sorted((tmp_path / "relu_mse_backward").glob("step_*.svg"))
    assert len(frames) == 6
    for path in [tmp_path / "relu_mse.svg", *frames]:
        ET.parse(path)                                    # well-formed SVG
    assert "∂L/∂x += 18" in frames[-1].read_text()
