"""The teaching notebooks run top to bottom without errors, are committed without outputs, and match their sources.

Each notebook is executed with nbclient in a fresh python3 kernel, from the
`notebooks/` folder, as a student would run it (`jupyter lab notebooks/`).
"""

from __future__ import annotations

import importlib.util
import os
from pathlib import Path

import nbformat
import pytest

NOTEBOOKS = Path(__file__).resolve().parent.parent / "notebooks"
PATHS = sorted(NOTEBOOKS.glob("[0-9][0-9]_*.ipynb"))
EXPECTED = ["01_softmax_cross_entropy", "02_scalar_graph_relu_mse", "03_two_layer_network",
            "04_mlp_training_and_learning_rates", "05_embeddings_next_word", "06_optimizers"]
# many small matrix products: BLAS threads fighting over 2 busy cores make them up to 20x slower
ONE_THREAD = {"OMP_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}


def _build_module():
    spec = importlib.util.spec_from_file_location("notebooks_build", NOTEBOOKS / "build.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_all_six_notebooks_are_there() -> None:
    assert [p.stem for p in PATHS] == EXPECTED


@pytest.mark.parametrize("path", PATHS, ids=lambda p: p.stem)
def test_committed_without_outputs(path: Path) -> None:
    nb = nbformat.read(path, as_version=4)
    dirty = [i for i, c in enumerate(nb.cells)
             if c.cell_type == "code" and (c.get("outputs") or c.get("execution_count") is not None)]
    assert not dirty, f"{path.name}: cells {dirty} hold outputs; clear them (or run `python notebooks/build.py`)"


@pytest.mark.parametrize("path", PATHS, ids=lambda p: p.stem)
def test_notebook_matches_its_source(path: Path) -> None:
    build = _build_module()
    source = NOTEBOOKS / "src" / f"{path.stem}.py"
    assert source.exists(), f"{path.name} has no source notebooks/src/{source.name}"
    assert path.read_text(encoding="utf-8") == build.text_of(build.build(source)), (
        f"{path.name} differs from notebooks/src/{source.name}: edit the source, then run "
        "`python notebooks/build.py`")


@pytest.mark.parametrize("path", PATHS, ids=lambda p: p.stem)
def test_notebook_runs(path: Path) -> None:
    from nbclient import NotebookClient

    nb = nbformat.read(path, as_version=4)
    client = NotebookClient(nb, timeout=120, kernel_name="python3", resources={"metadata": {"path": str(NOTEBOOKS)}})
    client.execute(env={**os.environ, **ONE_THREAD})
    errors = [o for c in nb.cells if c.cell_type == "code" for o in c.outputs if o.output_type == "error"]
    assert not errors, f"{path.name}: {errors[0].ename}: {errors[0].evalue}"
