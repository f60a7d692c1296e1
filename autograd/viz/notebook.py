"""What every teaching notebook runs first, from the installed package: `from autograd import viz; viz.notebook()`.

It checks that the modules a notebook needs are installed (one line says what to
`pip install` if not), limits BLAS to one thread (`nn.tuning.one_blas_thread`:
the notebooks multiply small matrices, where competing BLAS threads only slow
things down: `benchmarks/README.md`, "one BLAS thread"), and says whether graph
pictures will show (they need Graphviz's `dot`; without it a picture displays as
one line saying how to install it, and everything else runs).
"""

from __future__ import annotations

import importlib.util
from collections.abc import Sequence

from autograd.viz.dot import has_dot

PIP_NAMES = {"sklearn": "scikit-learn", "IPython": "ipython", "matplotlib": "matplotlib", "nn": "teachgrad"}
INSTALL = "pip install 'teachgrad[notebooks]'  (in the repository: pip install -e '.[notebooks]')"
NO_DOT = (
    "graph pictures off: install Graphviz's dot "
    "(apt-get install graphviz, brew install graphviz, conda install graphviz)"
)


def missing_modules(needs: Sequence[str]) -> list[str]:
    """Which of the importable module names `needs` are not installed."""
    return [m for m in needs if importlib.util.find_spec(m) is None]


def notebook(needs: Sequence[str] = ("matplotlib",), quiet: bool = False) -> str:
    """Set up a notebook: check `needs`, one BLAS thread, report on pictures; returns the status line.

    Raises ModuleNotFoundError with one line naming what to install when a module in
    `needs` (import names: "sklearn", "matplotlib", ...) is missing.
    """
    missing = missing_modules(["nn", *needs])
    if missing:
        names = " ".join(PIP_NAMES.get(m, m) for m in missing)
        raise ModuleNotFoundError(f"this notebook needs {names}: {INSTALL}, or pip install {names}")
    from nn.tuning import one_blas_thread

    one_blas_thread()
    import autograd

    line = f"teachgrad {autograd.__version__}: BLAS on one thread; " + (
        "graph pictures inline" if has_dot() else NO_DOT
    )
    if not quiet:
        print(line)
    return line
