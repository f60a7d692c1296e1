"""What every teaching notebook does first, kept in one place: `from nbsetup import draw, viz`.

This file sits next to the notebooks, and Jupyter starts a notebook's kernel in
the notebook's folder, so the import finds it.  On import it

* puts the repository on `sys.path`, so the notebooks run from `notebooks/`
  without installing the project;
* limits BLAS to one thread: the notebooks multiply small matrices, and several
  threads competing for the cores made such products up to 20× slower here.

`draw(root, **options)` returns the picture of the graph (`autograd.viz`), or
prints one line saying what is missing; `viz` is the renderer module, or None
when it cannot be imported.  Graph pictures are optional: everything else runs
without them.
"""

import shutil
import sys
from pathlib import Path

ROOT = next(p for p in (Path.cwd(), *Path.cwd().parents) if (p / "autograd" / "tensor.py").exists())
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

try:
    from threadpoolctl import threadpool_limits

    threadpool_limits(1, "blas")
except ImportError:
    pass

try:
    from autograd import viz
except ImportError:
    viz = None


def can_draw() -> bool:
    """True when the renderer imports and Graphviz's `dot` program is on the PATH."""
    return viz is not None and shutil.which("dot") is not None


def draw(root, **options):
    """The computational graph of `root` as a picture (needs autograd.viz and Graphviz's `dot`)."""
    if not can_draw():
        return print("(graph pictures need autograd.viz and Graphviz's `dot` program)")
    return viz.draw_graph(root, **options)
