"""The stepper and the film driven in a real headless Chromium, inline (inside an <iframe srcdoc>, as a
notebook shows them) and as files: step, scrub, play, keys, and what the page shows at a step.

Each test loads a host page holding the page in an iframe, runs a script that presses the page's
buttons, moves its slider and sends keys, and reads back what the frame shows (Chromium's
--dump-dom prints the host page, into which the script writes its findings as JSON).
"""

from __future__ import annotations

import html
import json
import re
import shutil
import subprocess
from pathlib import Path

import numpy as np
import pytest

import nn
from autograd import viz
from tasks import graphs

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
pytestmark = [
    pytest.mark.skipif(shutil.which("dot") is None, reason="Graphviz's dot is not installed"),
    pytest.mark.skipif(CHROMIUM is None, reason="chromium is not installed (apt-get install chromium)"),
]

HOST = """<!doctype html><html><head><meta charset="utf-8"><style>body {{ margin: 0; width: 1000px; }}</style></head>
<body><button id="outside">a notebook's own button</button>
<iframe id="f" style="width: 1000px; height: {height}px; border: 0" srcdoc="{srcdoc}"></iframe>
<pre id="out">pending</pre>
<script>
var results = {{}};
function inner() {{ return document.getElementById("f").contentDocument; }}
function key(doc, k) {{ doc.dispatchEvent(new KeyboardEvent("keydown", {{key: k, bubbles: true}})); }}
function later(ms, fn) {{ setTimeout(fn, ms); }}
function done() {{ document.getElementById("out").textContent = JSON.stringify(results); }}
document.getElementById("f").onload = function () {{
{script}
}};
</script></body></html>
"""


def run_chromium(url: str, tmp_path: Path, *extra: str, budget: int = 4000) -> str:
    cmd = [
        CHROMIUM,
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        f"--user-data-dir={tmp_path / 'profile'}",
        f"--virtual-time-budget={budget}",
        *extra,
        url,
    ]
    return subprocess.run(cmd, capture_output=True, text=True, timeout=120).stdout


def drive(page: viz.Page, script: str, tmp_path: Path, budget: int = 4000, shot: Path | None = None) -> dict:
    """Load `page` inline in a host page, run `script` there, return what it wrote into `results`."""
    host = tmp_path / "host.html"
    host.write_text(
        HOST.format(height=page.height, srcdoc=html.escape(page.text, quote=True), script=script), encoding="utf-8"
    )
    extra = [f"--screenshot={shot}", f"--window-size=1000,{page.height + 40}"] if shot else ["--dump-dom"]
    out = run_chromium(host.as_uri(), tmp_path, *extra, budget=budget)
    if shot:
        return {}
    found = re.search(r'<pre id="out">(.*?)</pre>', out, re.S)
    assert found and found.group(1) != "pending", out[-2000:]
    return json.loads(html.unescape(found.group(1)))


STEPPER_SCRIPT = """
var d = inner();
function shown() { var f = d.querySelector(".frame:not([hidden])"); return f ? f.id : null; }
function info() { return d.querySelector(".frame:not([hidden]) .info").textContent; }
results.start = shown();
d.getElementById("next").click(); d.getElementById("next").click();
results.after_two_steps = shown(); results.counter = d.getElementById("counter").textContent;
var s = d.getElementById("slider"); s.value = 4; s.dispatchEvent(new Event("input"));
results.scrubbed = shown(); results.info4 = info();
key(d, "ArrowLeft"); results.key_left = shown();
key(document, "ArrowRight"); results.outside_key = shown();
results.outside_radius = getComputedStyle(document.getElementById("outside")).borderTopLeftRadius;
results.inside_radius = d.defaultView.getComputedStyle(d.getElementById("next")).borderTopLeftRadius;
d.getElementById("play").click();
later(9000, function () { results.played_to = shown(); results.play_label = d.getElementById("play").textContent;
                          done(); });
"""


def test_inline_stepper_steps_scrubs_plays_and_keeps_its_keys_and_css_inside(tmp_path: Path) -> None:
    r = drive(viz.backward_stepper(graphs.relu_mse_graph()), STEPPER_SCRIPT, tmp_path, budget=15000)
    assert r["start"] == "frame-0"
    assert r["after_two_steps"] == "frame-2" and r["counter"] == "step 2 of 5"
    assert r["scrubbed"] == "frame-4"
    assert "VJP ran at a = add(x×m, b)" in r["info4"] and "∂L/∂b += 6" in r["info4"]  # what step 4 shows
    assert r["key_left"] == "frame-3"  # keys work while the frame has them ...
    assert r["outside_key"] == "frame-3"  # ... and the notebook's keys do not reach it
    assert r["inside_radius"] == "6px" and r["outside_radius"] != "6px"  # its CSS stays inside
    assert r["played_to"] == "frame-5" and "play" in r["play_label"]  # play runs to the end and stops


def test_stepper_file_opens_at_a_step_and_looks_right(tmp_path: Path) -> None:
    page = viz.backward_html(graphs.relu_mse_graph(), tmp_path / "steps.html")
    dom = run_chromium(Path(page).as_uri() + "#step=3", tmp_path, "--dump-dom")
    assert re.findall(r'<figure class="frame current" id="frame-(\d+)"', dom) == ["3"]
    assert "step 3 of 5" in dom and '<body data-step="3"' in dom
    shot = tmp_path / "step3.png"
    run_chromium(Path(page).as_uri() + "#step=3", tmp_path, f"--screenshot={shot}", "--window-size=1000,800")
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def small_film(frames: int = 12) -> viz.TrainingFilm:
    """Report 001's 2-12-5 softplus network on its kind of data, a few steepest-descent steps."""
    from tasks.two_layer_softplus import make_data

    x, y = make_data(200, 0)[:2]
    nn.manual_seed(0)
    model = nn.MLP([2, 12, 5], activation="softplus")
    opt = nn.optim.SGD(model.parameters(), lr=0.5)
    loss_fn = nn.CrossEntropyLoss()
    film = viz.TrainingFilm(model, every=5, inputs=x, targets=y, title="report 001's network learning")
    for _ in range(5 * frames):
        opt.zero_grad()
        loss = loss_fn(model(x), y)
        loss.backward()
        film.record(loss)
        opt.step()
    return film


FILM_SCRIPT = """
var d = inner();
function status() { return d.getElementById("status").textContent; }
results.start = status();
d.getElementById("next").click(); results.next = status();
var s = d.getElementById("slider"); s.value = 7; s.dispatchEvent(new Event("input")); results.scrubbed = status();
results.edges = d.querySelectorAll("#net line").length;
results.widths_w = Array.prototype.map.call(d.querySelectorAll("#net line"), function (l) {
  return +l.getAttribute("stroke-width"); }).slice(0, 200);
var g = d.querySelector("input[value=g]"); g.checked = true; g.dispatchEvent(new Event("change"));
results.widths_g = Array.prototype.map.call(d.querySelectorAll("#net line"), function (l) {
  return +l.getAttribute("stroke-width"); }).slice(0, 200);
results.rows = Array.prototype.map.call(d.querySelectorAll("#params tbody tr"), function (tr) {
  return tr.textContent; });
results.loss_points = d.querySelectorAll("#loss polyline")[1].getAttribute("points").split(" ").length;
results.regions_shown = !d.getElementById("regions").hidden;
d.getElementById("play").click();
later(6000, function () { results.played = status(); results.counter = d.getElementById("counter").textContent;
                          done(); });
"""


def test_film_steps_scrubs_plays_and_shows_weights_gradients_loss_and_regions(tmp_path: Path) -> None:
    film = small_film()
    assert len(film) == 12
    r = drive(film.page(), FILM_SCRIPT, tmp_path, budget=10000)
    assert r["start"].startswith("step 0 · loss") and r["next"].startswith("step 5 · loss")
    assert r["scrubbed"].startswith("step 35 · loss")
    assert r["edges"] == 2 * 12 + 12 * 5  # one line per weight
    assert r["widths_w"] != r["widths_g"]  # the switch redraws by gradient
    assert [row.split("12")[0] for row in r["rows"][:1]] == ["0.weight"]
    assert any(row.startswith("2.bias5") for row in r["rows"])
    assert r["loss_points"] == 36  # the loss curve up to step 35
    assert r["regions_shown"]
    assert r["played"].startswith("step 55 · loss") and r["counter"] == "frame 11 of 11"


def test_film_page_is_small_self_contained_and_safe(tmp_path: Path) -> None:
    film = small_film(30)
    page = film.page().text
    assert len(page.encode()) < 300_000
    assert not re.search(r"""(src|href)=["']?(https?:)?//""", page) and "<link" not in page
    assert page.count("<script") == 3  # data, player, film: nothing else
    assert "_repr_html_" and film._repr_html_().startswith("<iframe srcdoc=")
    path = film.html(tmp_path / "film.html")
    assert Path(path).read_text(encoding="utf-8") == page


def test_film_keeps_a_bounded_number_of_frames() -> None:
    nn.manual_seed(0)
    model = nn.MLP([2, 3, 2])
    film = viz.TrainingFilm(model, every=1, max_frames=10)
    x = np.ones((4, 2))
    for _ in range(100):
        model.zero_grad()
        loss = model(x).sum()
        loss.backward()
        film.record(loss)
    assert len(film) <= 10 and film.every >= 10 and len(film.losses) == 100
