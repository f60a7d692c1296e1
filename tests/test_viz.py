"""The graph renderer: what the pictures must show, read back from the SVG that Graphviz draws.

Values and gradients are report 000's (x=2, m=3, b=1, y*=4: a = y = 7, L = 9; gradients
6, 12, 18 by equations 8–12).  Pages (the stepper, the film) are driven in a real headless
Chromium in tests/test_viz_pages.py.
"""

from __future__ import annotations

import gc
import re
import shutil
import weakref
import xml.etree.ElementTree as ET
from pathlib import Path

import numpy as np
import pytest

import nn
from autograd import Tensor, viz, walk
from autograd.viz.dot import natural_size, svg_size, text_px
from tasks import graphs

SVG = "{http://www.w3.org/2000/svg}"
needs_dot = pytest.mark.skipif(shutil.which("dot") is None, reason="Graphviz's dot is not installed")


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


def svg_of(graph: viz.Graph) -> str:
    return graph.pipe(format="svg", encoding="utf-8")


def mlp_loss(sizes: list[int], seed: int = 0) -> Tensor:
    """The issue's examples: a 2-3-1 MLP with MSE, a 4-16-16-3 MLP with cross-entropy, one sample."""
    nn.manual_seed(seed)
    model = nn.MLP(sizes)
    x = Tensor(np.ones((1, sizes[0])), name="x")
    if sizes[-1] == 1:
        return nn.MSELoss()(model(x), Tensor(np.ones((1, 1))))
    return nn.CrossEntropyLoss()(model(x), np.zeros(1, dtype=int))


# ----------------------------------------------------------------------------- report 000's graph


@needs_dot
def test_report_000_graph_shows_values_gradients_and_edges() -> None:
    svg = svg_of(viz.draw_graph(graphs.relu_mse_graph()))
    nodes = by_name(svg_items(svg, "node"))
    expected = {
        "x": ("data 2", "grad 18"),
        "m": ("data 3", "grad 12"),
        "b": ("data 1", "grad 6"),
        "a": ("data 7", "grad 6"),
        "y": ("data 7", "grad 6"),
        "L": ("data 9", "grad 1"),
    }
    for name, texts in expected.items():
        assert nodes[name][1:] == list(texts), name
    assert nodes["y*"][1:] == ["data 4"]  # no gradient for the target
    ops = [texts[0] for title, texts in svg_items(svg, "node").items() if title.startswith("o")]
    assert sorted(ops) == sorted(["×", "+", "ReLU", "−", "** 2"])  # the 2 of ** 2 is folded into its op
    edges = svg_items(svg, "edge")
    assert len(edges) == 13  # 5 outputs + 8 inputs (the constant 2 folded)
    labels = sorted(t for texts in edges.values() for t in texts)
    assert labels == sorted(["← 18", "← 12", "← 6", "← 6", "← 6", "← 6", "← 6"])


def test_drawing_touches_no_grad() -> None:
    loss = graphs.relu_mse_graph()
    viz.draw_graph(loss)
    x = next(t for t in walk(loss) if t.name == "x")
    assert x.grad is None
    loss.backward()
    assert x.grad.item() == 18.0


def test_drawing_after_backward_runs_no_hook_and_leaves_retained_grads_alone() -> None:
    x = Tensor(2.0, requires_grad=True, name="x")
    y = x * 3
    y.retain_grad()
    calls = []
    y.register_hook(lambda g: calls.append(g.item()))
    loss = (y - 4) ** 2
    loss.backward()
    viz.draw_graph(loss)
    viz.backward_frames(loss)
    assert calls == [4.0] and y.grad.item() == 4.0 and x.grad.item() == 12.0


def test_same_graph_gives_identical_dot_text() -> None:
    first = viz.draw_graph(graphs.relu_mse_graph()).source
    assert viz.draw_graph(graphs.relu_mse_graph()).source == first
    assert viz.draw_graph(graphs.network_graph()).source == viz.draw_graph(graphs.network_graph()).source
    assert "0x" not in first and not re.search(r"\d{9,}", first)  # no id()s in node names


def test_local_and_both_edge_labels_follow_the_chain_rule() -> None:
    loss = graphs.relu_mse_graph()
    both = viz.draw_graph(loss, edge_labels="both", rankdir="LR").source
    assert "← 6 × 3 = 18" in both and "← 6 × 2 = 12" in both  # ∂L/∂x = ḡ_(x·m) · m, ∂L/∂m = ḡ · x
    assert "∂ = 3" in viz.draw_graph(loss, edge_labels="local").source
    assert "←" not in viz.draw_graph(loss, edge_labels="none", legend=False).source


def test_x_times_x_draws_two_edges_each_with_its_share() -> None:
    x = Tensor(3.0, requires_grad=True, name="x")
    y = x * x
    src = viz.draw_graph(y, legend=False, rankdir="LR").source
    assert src.count("v0 -> o1") == 2
    assert src.count("← 3</B>") == 2  # each use carries ḡ·x = 3 ...
    assert "grad 6" in src  # ... and x's gradient is their sum


def test_non_scalar_graphs_label_edges_with_shapes_and_summarise_big_tensors() -> None:
    w = Tensor(np.linspace(0, 1, 60).reshape(6, 10), requires_grad=True, name="W")
    v = Tensor(np.ones(6), name="v")
    out = (v @ w).sum()
    src = viz.draw_graph(out, rankdir="LR").source
    assert "← [6×10]" in src  # gradient of W: a shape, not numbers
    assert "mean 0.5" in src and "range [0, 1]" in src  # 60 entries: summarised
    assert "[1 1 1 1 1 1]" in src  # 6 entries: in full


def test_roles_have_their_styles_and_parameters_are_told_apart_by_type() -> None:
    w = nn.Parameter(np.ones(3), name="w")
    x = Tensor(np.arange(3.0), requires_grad=True, name="x")
    out = (x * w + np.array([1.0, 2.0, 3.0])).sum()
    src = viz.draw_graph(out, legend=False).source
    fills = {role: style[0] for role, style in viz.ROLE_STYLE.items()}
    lines = {m.group(1): m.group(2) for m in re.finditer(r"\t(v\d+) \[.*?fillcolor=\"(#\w+)\"", src)}
    assert sorted(lines.values()) == sorted(
        [
            fills["input"],
            fills["parameter"],
            fills["constant"],
            fills["intermediate"],
            fills["intermediate"],
            fills["output"],
        ]
    )
    assert 'style="rounded,filled,dashed"' in src  # the unnamed constant array

    class Weight(nn.Parameter):  # a subclass is still a parameter
        pass

    src = viz.draw_graph((Weight(np.ones(2)) * 2).sum(), legend=False).source
    assert fills["parameter"] in src


def test_missing_dot_says_how_to_install_it_and_dot_text_still_saves(tmp_path: Path, monkeypatch) -> None:
    g = viz.draw_graph(graphs.relu_mse_graph())
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))
    for draw in (lambda: g.render(str(tmp_path / "g"), format="svg"), lambda: g.pipe(format="svg")):
        with pytest.raises(viz.DotNotFound, match=r"apt-get install graphviz"):
            draw()
    shown = g._repr_mimebundle_()  # a notebook cell shows one line, and goes on
    assert list(shown) == ["text/plain"] and "apt-get install graphviz" in shown["text/plain"]
    assert "graph pictures off" in viz.notebook(quiet=True)
    g.save(str(tmp_path / "g.dot"))
    assert (tmp_path / "g.dot").read_text().startswith('digraph "graph"')
    assert "rankdir=TB" in viz.draw_graph(mlp_loss([4, 16, 16, 3])).source  # without dot: an estimate


# ----------------------------------------------------------------------------- fitting a notebook column


@needs_dot
@pytest.mark.parametrize("sizes", [[2, 3, 1], [4, 16, 16, 3]], ids=["2-3-1", "4-16-16-3"])
def test_default_pictures_fit_a_1000_px_column_with_readable_text(sizes: list[int]) -> None:
    loss = mlp_loss(sizes)
    graph = viz.draw_graph(loss)
    width_pt, _ = svg_size(svg_of(graph))
    assert width_pt <= 750.5  # 1000 px = 750 pt: never wider than the column
    natural = natural_size(graph)[0]
    assert text_px(natural, 1000) >= 11  # 12-pt text at least 11 px high in the column
    old = natural_size(viz.draw_graph(loss, rankdir="LR", width=None))[0]
    assert text_px(old, 1000) < 7  # what left-to-right gave (3–6 px text)


@needs_dot
def test_width_and_rankdir_override_the_fit() -> None:
    loss = mlp_loss([2, 3, 1])
    lr = viz.draw_graph(loss, rankdir="LR")
    assert "rankdir=LR" in lr.source and svg_size(svg_of(lr))[0] <= 750.5  # LR, scaled into the column
    wide = viz.draw_graph(loss, width=None)
    assert "rankdir=LR" in wide.source and not re.search(r"[ [](size=)", wide.source)
    assert svg_size(svg_of(wide))[0] > 1500  # natural size: wider than any column
    narrow = viz.draw_graph(loss, width=500)
    assert svg_size(svg_of(narrow))[0] <= 375.5


def test_fit_options_are_checked() -> None:
    loss = mlp_loss([2, 3, 1])
    for kwargs, match in [
        ({"rankdir": "up"}, "rankdir"),
        ({"width": 5}, "width"),
        ({"collapse": 0}, "collapse"),
        ({"edge_labels": "all"}, "edge_labels"),
        ({"limit": -1}, "limit"),
    ]:
        with pytest.raises(ValueError, match=match):
            viz.draw_graph(loss, **kwargs)


# ----------------------------------------------------------------------------- names


def node_names(graph: viz.Graph) -> list[str]:
    return re.findall(r"\tv\d+ \[label=<<TABLE[^>]*><TR><TD>(?:<[BI]>)?([^<]*)", graph.source)


def test_names_explain_every_node_and_no_bare_numbers() -> None:
    loss = mlp_loss([4, 16, 16, 3])
    names = node_names(viz.draw_graph(loss, rankdir="LR", legend=False))
    assert {"x", "0.weight", "0.bias", "2.weight", "2.bias", "4.weight", "4.bias"} <= set(names)
    assert {"relu₁", "relu₂", "matmul₂", "L"} <= set(names)  # an unnamed scalar output is the loss L
    assert "x@0.weightᵀ" in names  # a short expression keeps its formula
    assert not any(re.fullmatch(r"#\d+", n) for n in names)
    assert not any(re.search(r"[₀-₉].*[(+×@]|[(+×@].*[₀-₉]", n) for n in names)  # no relu₁@… mixtures


def test_a_student_given_name_wins_and_the_path_is_still_shown() -> None:
    nn.manual_seed(0)
    model = nn.MLP([2, 3, 1])
    model[0].weight.name = "W⁽⁰⁾"
    h = model(Tensor(np.ones((1, 2)), name="x"))
    h.name = "ŷ"
    src = viz.draw_graph(h.sum(), legend=False).source
    names = node_names(viz.draw_graph(h.sum(), legend=False))
    assert "W⁽⁰⁾" in names and "0.weight" not in names and "ŷ" in names
    assert "0.weight</FONT>" in src  # the module path, small, under the name


def test_parameters_show_their_module_path_in_frames_and_stepper_text() -> None:
    loss = mlp_loss([2, 3, 1])
    page = viz.backward_stepper(loss).text
    assert "∂L/∂0.weight += " in page and "∂L/∂2.weight += " in page
    assert "∂weight" not in page


BAD_NAMES = [
    "<script>alert(1)</script>",
    'say "hi"',
    "{braces} [and] |pipes|",
    "two\nlines",
    "nul\x00bell\x07",
    "\u202eevil",
    "a" * 300,
    "&amp; <b>bold</b> \\ back\\slash",
]


@needs_dot
@pytest.mark.parametrize("name", BAD_NAMES, ids=range(len(BAD_NAMES)))
def test_hostile_names_neither_break_dot_nor_inject_html(name: str) -> None:
    x = Tensor(2.0, requires_grad=True, name=name)
    p = nn.Parameter(np.ones(2), name=name)
    y = (x * p).sum()
    y.name = name
    svg = svg_of(viz.draw_graph(y))
    ET.fromstring(svg.encode())  # well-formed: nothing broke out of a label
    assert "<script" not in svg and "<b>" not in svg
    page = viz.backward_stepper(y).text
    assert page.count("<script") == 2  # the page's own two scripts, none from a name
    assert "<b>bold" not in page and "\x00" not in page and "\x07" not in page
    assert viz.backward_stepper(y)._repr_html_().count("<script") == 0  # inline: all inside srcdoc, escaped


# ----------------------------------------------------------------------------- draw after backward


def test_draw_after_backward_shows_the_gradients_just_computed() -> None:
    loss = graphs.relu_mse_graph()
    loss.backward()  # micrograd's order: backward, then draw
    nodes = by_name(
        {
            k: [re.sub("<[^>]+>", "", t) for t in v]
            for k, v in {
                m.group(1): m.group(2).split("</TD></TR><TR><TD>")
                for m in re.finditer(r"\t(v\d+) \[label=<(.*?)> ", viz.draw_graph(loss).source)
            }.items()
        }
    )
    assert nodes["x"][1:] == ["data 2", "grad 18"] and nodes["a"][1:] == ["data 7", "grad 6"]
    x = next(t for t in walk(loss) if t.name == "x")
    assert x.grad.item() == 18.0  # drawing added nothing to .grad
    frames = viz.backward_frames(loss)  # the stepper works after backward too
    assert len(frames) == 6 and "∂L/∂x += 18" in frames[-1].source
    with pytest.raises(RuntimeError, match="retain_graph"):
        loss.backward()  # the engine's own rule is unchanged


def test_big_nodes_freed_by_backward_are_drawn_as_freed_with_a_hint() -> None:
    nn.manual_seed(0)
    model = nn.MLP([2, 64, 1])
    loss = model(Tensor(np.ones((32, 2)), name="x")).sum()  # hidden layer: 32×64 = 2048 entries > 1024
    loss.backward()
    graph = viz.draw_graph(loss)
    src = graph.source
    assert "inputs freed by backward()" in src and "retain_graph=True" in src
    assert viz.ROLE_STYLE["freed"][0] in src
    assert "2.weight" in src and "grad" in src  # what is still linked keeps its gradient
    w = model[2].weight
    assert f"grad {w.grad.numpy().mean():.4g}" in src.replace("grad mean ", "grad ")
    frames = viz.backward_frames(loss)  # frames stop at the freed node, without raising
    assert len(frames) >= 2


def test_after_opt_step_the_picture_says_why_gradients_are_from_grad() -> None:
    nn.manual_seed(0)
    model = nn.MLP([2, 3, 1])
    loss = model(Tensor(np.ones((1, 2)))).sum()
    loss.backward()
    nn.optim.SGD(model.parameters(), lr=0.1).step()  # changes the weights in place
    src = viz.draw_graph(loss).source
    assert "gradients not recomputed" in src and "opt.step()" in src


def test_the_renderer_keeps_nothing_alive() -> None:
    """W5's rule for pictures: after drawing, the graph's tensors die with the training step."""
    nn.manual_seed(0)
    model = nn.MLP([2, 8, 1])
    refs = []
    for _ in range(3):
        loss = model(Tensor(np.ones((4, 2)))).sum()
        loss.backward()
        assert viz.draw_graph(loss).source
        if shutil.which("dot"):
            viz.backward_stepper(loss)
        refs += [weakref.ref(t) for t in walk(loss) if t.op is not None]
        del loss
    gc.collect()
    assert not [r for r in refs if r() is not None]


# ----------------------------------------------------------------------------- modules


@needs_dot
def test_mlp_layers_are_labelled_clusters_holding_their_parameters() -> None:
    nn.manual_seed(0)
    mlp = nn.MLP([2, 3, 2])
    loss = mlp(Tensor(np.ones((4, 2)), name="x")).sum()
    graph = viz.draw_graph(loss, rankdir="LR")
    clusters = svg_items(svg_of(graph), "cluster")
    assert sorted(texts[0] for texts in clusters.values()) == ["0:Linear", "1:ReLU", "2:Linear", "MLP"]
    body = graph.source.split("0:Linear")[1].split("}")[0]  # the first layer's cluster
    assert body.count("<B>0.weight</B>") == 1 and body.count("<B>0.bias</B>") == 1
    assert body.count("<B>@</B>") == 1


def test_collapse_folds_each_module_into_one_node() -> None:
    nn.manual_seed(0)
    mlp = nn.MLP([2, 8, 8, 2])
    loss = mlp(Tensor(np.ones((4, 2)), name="x")).sum()
    src = viz.draw_graph(loss, collapse=2).source
    modules = re.findall(r"\t+(m\d+) \[", src)
    assert len(modules) == 5  # 3 Linear + 2 ReLU layers
    assert "box3d" in src and "<B>0:Linear</B>" in src and "0.weight 8×2" in src
    assert len(re.findall(r"\t+(m\d+) -> ", src)) == 5  # a chain: each layer feeds the next node
    whole = viz.draw_graph(loss, collapse=1).source
    assert len(re.findall(r"\t+(m\d+) \[", whole)) == 1


@needs_dot
def test_report_001_network_has_the_reports_names_and_layer_boxes() -> None:
    svg = svg_of(viz.draw_graph(graphs.network_graph(), rankdir="TB"))
    names = set(by_name(svg_items(svg, "node")))
    assert {"x", "W0", "b0", "h1", "z1", "a1", "W1", "b1", "h2", "z2", "a2", "y_OH", "l", "L"} <= names
    clusters = sorted(texts[0] for texts in svg_items(svg, "cluster").values())
    assert clusters == ["CrossEntropy", "Net", "hidden:Linear", "output:Linear"]
    assert sum(p.numel() for p in graphs.Net().parameters()) == 101  # report 001: 101 parameters
    fitted = svg_of(viz.draw_graph(graphs.network_graph()))
    assert svg_size(fitted)[0] <= 750.5 and "hidden:Linear" in fitted


def test_a_long_chain_renders_to_dot_text() -> None:
    x = Tensor(0.5, requires_grad=True, name="x")
    y = x
    for _ in range(3000):
        y = (y * 0.999).tanh()
    src = viz.draw_graph(y).source  # iterative all the way, and no layout runs
    assert src.count("->") == 4 * 3000  # 6000 ops (× 0.999, tanh), two edges each


# ----------------------------------------------------------------------------- backward frames and pages


def test_backward_frames_follow_the_engine_and_show_partial_sums() -> None:
    x = Tensor(2.0, requires_grad=True, name="x")
    s = x + x
    s.name = "s"
    f = s * x  # f = 2x², ∂f/∂x = 4x = 8
    f.name = "f"
    frames = [g.source for g in viz.backward_frames(f)]
    assert len(frames) == 3  # forward + one per op
    assert "step 1 of 2: the VJP of mul at f" in frames[1]
    assert "grad 4  (1 of 3 parts)" in frames[1]  # x has heard from × (ḡ·s = 4), not yet from +
    assert "grad 8" in frames[2] and "parts)" not in frames[2]
    assert 'fillcolor="#ea580c"' in frames[1]  # the current op is highlighted
    layouts = {re.search(r"rankdir=(\w+)", s).group(1) for s in frames}
    assert len(layouts) == 1  # every frame in one layout


@needs_dot
def test_the_stepper_is_self_contained_and_displays_in_an_isolated_frame(tmp_path: Path) -> None:
    stepper = viz.backward_stepper(graphs.relu_mse_graph())
    page = stepper.text
    assert page.count('<figure class="frame"') == 6 and page.count("<svg") == 6
    assert not re.search(r"""(src|href)=["']?(https?:)?//""", page)  # nothing fetched from a network
    assert "<link" not in page and "<?xml" not in page
    shown = stepper._repr_html_()
    assert shown.startswith("<iframe srcdoc=") and 'sandbox="allow-scripts"' in shown
    assert "<style" not in shown and "<script" not in shown  # CSS and keys stay inside the frame
    import html as _html

    assert _html.unescape(re.search(r'srcdoc="([^"]*)"', shown).group(1)) == page
    saved = viz.backward_html(graphs.relu_mse_graph(), tmp_path / "steps.html")
    assert Path(saved) == tmp_path / "steps.html" and Path(saved).read_text() == page
    assert str(saved) == str(tmp_path / "steps.html")


def test_templates_are_package_data() -> None:
    from autograd.viz.stepper import template

    for name in ["page.html", "page.css", "player.js", "stepper.js", "film.js", "film.css"]:
        assert template(name).strip(), name
    text = (Path(__file__).resolve().parent.parent / "pyproject.toml").read_text()
    assert "templates/*" in text


# ----------------------------------------------------------------------------- the showcase


@needs_dot
def test_showcase_task_writes_the_pictures(tmp_path: Path) -> None:
    graphs.main(["--out", str(tmp_path)])
    for name in ["relu_mse.svg", "network.svg", "relu_mse_backward.html", "metrics.json"]:
        assert (tmp_path / name).exists(), name
    frames = sorted((tmp_path / "relu_mse_backward").glob("step_*.svg"))
    assert len(frames) == 6
    for path in [tmp_path / "relu_mse.svg", tmp_path / "network.svg", *frames]:
        ET.parse(path)  # well-formed SVG
        assert svg_size(path.read_text())[0] <= 750.5, path.name
    assert "∂L/∂x += 18" in frames[-1].read_text()
