"""The teaching notebooks run anywhere: each one, copied alone into an empty folder outside the repository,
runs top to bottom with only the installed package; they are committed without outputs and match their sources.

Each notebook is executed with nbclient in a fresh python3 kernel whose working folder is a temporary
folder outside the repository and whose PYTHONPATH is cleared, so nothing repository-local (no
`tasks`, no helper file beside the notebook) can be imported: what a notebook needs comes from the
installed `autograd` and `nn` (`viz.notebook()` in its first cell).
"""

from __future__ import annotations

import importlib.util
import os
import shutil
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = ROOT / "notebooks"
PATHS = sorted(NOTEBOOKS.glob("[0-9][0-9]_*.ipynb"))
EXPECTED = [
    "01_softmax_cross_entropy",
    "02_scalar_graph_relu_mse",
    "03_two_layer_network",
    "04_mlp_training_and_learning_rates",
    "05_embeddings_next_word",
    "06_optimizers",
]
# many small matrix products: BLAS threads fighting over 2 busy cores make them up to 20x slower
ONE_THREAD = {"OMP_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}


def _build_module():
    spec = importlib.util.spec_from_file_location("notebooks_build", NOTEBOOKS / "build.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_all_six_notebooks_are_there_and_nothing_else_sits_beside_them() -> None:
    assert [p.stem for p in PATHS] == EXPECTED
    assert not (NOTEBOOKS / "nbsetup.py").exists()  # the shared setup comes from the package now


@pytest.mark.parametrize("path", PATHS, ids=lambda p: p.stem)
def test_committed_without_outputs(path: Path) -> None:
    nb = nbformat.read(path, as_version=4)
    dirty = [
        i
        for i, c in enumerate(nb.cells)
        if c.cell_type == "code" and (c.get("outputs") or c.get("execution_count") is not None)
    ]
    assert not dirty, f"{path.name}: cells {dirty} hold outputs; clear them (or run `python notebooks/build.py`)"


@pytest.mark.parametrize("path", PATHS, ids=lambda p: p.stem)
def test_notebook_matches_its_source(path: Path) -> None:
    build = _build_module()
    source = NOTEBOOKS / "src" / f"{path.stem}.py"
    assert source.exists(), f"{path.name} has no source notebooks/src/{source.name}"
    assert path.read_text(encoding="utf-8") == build.text_of(build.build(source)), (
        f"{path.name} differs from notebooks/src/{source.name}: edit the source, then run `python notebooks/build.py`"
    )


@pytest.mark.parametrize("path", PATHS, ids=lambda p: p.stem)
def test_first_cell_says_what_to_install(path: Path) -> None:
    nb = nbformat.read(path, as_version=4)
    first = next(c for c in nb.cells if c.cell_type == "code").source
    assert "pip install 'teachgrad[notebooks]'" in first and "viz.notebook(" in first
    assert "sys.path" not in first and "nbsetup" not in first


def run_alone(path: Path, folder: Path) -> nbformat.NotebookNode:
    """Execute a copy of `path`, alone in `folder`, with nothing of the repository importable."""
    from nbclient import NotebookClient

    copy = folder / path.name
    shutil.copy(path, copy)
    nb = nbformat.read(copy, as_version=4)
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    client = NotebookClient(nb, timeout=180, kernel_name="python3", resources={"metadata": {"path": str(folder)}})
    client.execute(env={**env, **ONE_THREAD})
    return nb


def outputs(nb: nbformat.NotebookNode, kind: str) -> list:
    return [o for c in nb.cells if c.cell_type == "code" for o in c.outputs if o.output_type == kind]


@pytest.mark.parametrize("path", PATHS, ids=lambda p: p.stem)
def test_notebook_runs_alone_outside_the_repository(path: Path, tmp_path_factory) -> None:
    folder = tmp_path_factory.mktemp(path.stem)
    assert ROOT not in folder.parents
    nb = run_alone(path, folder)
    errors = outputs(nb, "error")
    assert not errors, f"{path.name}: {errors[0].ename}: {errors[0].evalue}"
    html = " ".join(
        o.get("data", {}).get("text/html", "") for o in outputs(nb, "display_data") + outputs(nb, "execute_result")
    )
    if path.stem.startswith("02"):
        assert "<iframe srcdoc=" in html and "Backpropagation through" in html  # the stepper, inline
    if path.stem.startswith("03"):
        assert html.count("<iframe srcdoc=") == 1 and "film-data" in html  # the film, inline
    if shutil.which("dot") and path.stem[:2] in ("01", "02", "03"):
        svgs = [
            o
            for o in outputs(nb, "display_data") + outputs(nb, "execute_result")
            if "image/svg+xml" in o.get("data", {})
        ]
        assert svgs, f"{path.name}: no graph picture shown"


def test_the_first_cell_fails_in_one_line_without_the_package(tmp_path: Path) -> None:
    """What a student sees where teachgrad is not installed: the first cell's one-line message."""
    import subprocess
    import sys

    nb = nbformat.read(PATHS[0], as_version=4)
    first = next(c for c in nb.cells if c.cell_type == "code").source
    bare = tmp_path / "bare"  # a Python with nothing installed
    subprocess.run(
        [getattr(sys, "_base_executable", sys.executable), "-m", "venv", "--without-pip", str(bare)], check=True
    )
    run = subprocess.run(
        [str(bare / "bin" / "python"), "-c", first],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        env={k: v for k, v in os.environ.items() if k != "PYTHONPATH"},
    )
    assert run.returncode != 0
    assert run.stderr.strip().splitlines()[-1].startswith("ImportError: this notebook needs teachgrad: pip install")
