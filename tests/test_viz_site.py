"""The class website (`bash run.sh docs`, docs/build.py): how it splits the README, and, when out/site/ has been
built, that its pages work opened from files in headless Chromium with no network: a notebook with its
pictures, an API page, the film.  (Building the site takes about half a minute, so the suite does not.)
"""

from __future__ import annotations

import importlib.util
import re
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SITE = ROOT / "out" / "site"
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
built = pytest.mark.skipif(not (SITE / "index.html").exists(), reason="the site is not built (bash run.sh docs)")
browser = pytest.mark.skipif(CHROMIUM is None, reason="chromium is not installed")


def _build_module():
    spec = importlib.util.spec_from_file_location("docs_build", ROOT / "docs" / "build.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_readme_becomes_one_page_per_section_with_working_links() -> None:
    build = _build_module()
    pages = build.readme_pages((ROOT / "README.md").read_text(encoding="utf-8"))
    assert list(pages)[0] == "index" and {"renderer", "notebooks", "engine"} <= set(pages)
    assert "<!-- section:" not in pages["index"][1]
    fixed = build.fix_links("![x](docs/img/relu_mse.svg) [nb](notebooks/02_scalar_graph_relu_mse.ipynb)")
    assert fixed == "![x](img/relu_mse.svg) [nb](notebooks/02_scalar_graph_relu_mse.md)"


def dump(url: str, tmp_path: Path) -> str:
    cmd = [
        CHROMIUM,
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--no-first-run",
        "--disable-sync",
        "--disable-background-networking",
        "--disable-component-update",
        f"--user-data-dir={tmp_path / 'p'}",
        "--virtual-time-budget=6000",
        "--dump-dom",
        url,
    ]
    return subprocess.run(cmd, capture_output=True, text=True, timeout=120).stdout


@built
def test_every_page_loads_only_local_files() -> None:
    for page in SITE.rglob("*.html"):
        text = page.read_text(encoding="utf-8", errors="replace")
        remote = re.findall(r"""<(?:script|link|img|iframe)[^>]+(?:src|href)=["']?(https?:)?//""", text)
        assert not remote, f"{page.relative_to(SITE)} loads from the network"
    assert (SITE / "js" / "tex-svg.js").exists(), "MathJax is missing (npm was not found when the site was built)"


@built
@browser
def test_a_notebook_page_shows_its_math_pictures_and_stepper(tmp_path: Path) -> None:
    dom = dump((SITE / "notebooks" / "02_scalar_graph_relu_mse.html").as_uri(), tmp_path)
    assert "<mjx-container" in dom  # MathJax typeset the formulas, from a local file
    assert re.search(r'<img[^>]+src="02_scalar_graph_relu_mse_files/[^"]+\.svg"', dom)  # the graph pictures
    assert "<iframe srcdoc=" in dom and "Backpropagation through" in dom  # the stepper, inline
    for img in re.findall(r'<img[^>]+src="(02_scalar_graph_relu_mse_files/[^"]+)"', dom):
        assert (SITE / "notebooks" / img).exists(), img


@built
@browser
def test_an_api_page_comes_from_the_docstrings(tmp_path: Path) -> None:
    dom = dump((SITE / "api" / "viz.html").as_uri(), tmp_path)
    assert "draw_graph" in dom and "TrainingFilm" in dom and "backward_stepper" in dom
    assert "micrograd's order" in dom  # a sentence of draw_graph's docstring


@built
@browser
def test_the_showcase_film_plays_from_a_file(tmp_path: Path) -> None:
    dom = dump((SITE / "showcase" / "film.html").as_uri() + "#step=10", tmp_path)
    assert re.search(r'<span id="status" class="status">step 200 · loss [\d.]+</span>', dom)
    assert dom.count("<line") > 80  # the network's weights, drawn
