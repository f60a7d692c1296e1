"""Build the teaching notebooks (`notebooks/NN_name.ipynb`) from their sources (`notebooks/src/NN_name.py`).

    python notebooks/build.py          # rewrite every notebook from its source
    python notebooks/build.py --check  # exit 1 if a committed notebook differs from its source

A source is plain Python in the "percent" format that Jupytext, VS Code and
Spyder read: a line `# %%` starts a code cell, `# %% [markdown]` a Markdown
cell whose lines are comments (`# ` is stripped).  Sources diff and review
like code; the notebooks are written without outputs, ready to run.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import nbformat

HERE = Path(__file__).resolve().parent
SOURCES = HERE / "src"
KERNEL = {"display_name": "Python 3", "language": "python", "name": "python3"}


def cells_of(text: str) -> list[nbformat.NotebookNode]:
    """Split a percent-format source into notebook cells (no outputs, no execution counts)."""
    cells: list[nbformat.NotebookNode] = []
    kind, lines = None, []

    def flush() -> None:
        body = "\n".join(lines).strip("\n")
        if kind == "markdown":
            cells.append(nbformat.v4.new_markdown_cell(body))
        elif kind == "code" and body:
            cells.append(nbformat.v4.new_code_cell(body))

    for line in text.splitlines():
        if line.startswith("# %%"):
            flush()
            kind, lines = ("markdown" if "[markdown]" in line else "code"), []
        elif kind == "markdown":
            lines.append(line[2:] if line.startswith("# ") else line.lstrip("#"))
        elif kind == "code":
            lines.append(line)
    flush()
    return cells


def build(source: Path) -> nbformat.NotebookNode:
    """The notebook for one source file, with stable cell ids (so rebuilding changes nothing)."""
    nb = nbformat.v4.new_notebook()
    nb.metadata = {"kernelspec": KERNEL, "language_info": {"name": "python"}}
    nb.cells = cells_of(source.read_text(encoding="utf-8"))
    for i, cell in enumerate(nb.cells):
        cell["id"] = f"{source.stem[:2]}-{i:02d}"
    return nb


def text_of(nb: nbformat.NotebookNode) -> str:
    return nbformat.writes(nb) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="only compare, write nothing")
    args = parser.parse_args(argv)
    stale = []
    for source in sorted(SOURCES.glob("[0-9][0-9]_*.py")):
        target = HERE / f"{source.stem}.ipynb"
        text = text_of(build(source))
        if args.check:
            if not target.exists() or target.read_text(encoding="utf-8") != text:
                stale.append(target.name)
        else:
            target.write_text(text, encoding="utf-8")
            print(f"wrote {target.relative_to(HERE.parent)}")
    if stale:
        print(f"out of date with notebooks/src/: {', '.join(stale)}; run `python notebooks/build.py`")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
