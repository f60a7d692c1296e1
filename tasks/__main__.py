"""`python -m tasks`: list the task scripts with one line each."""

from __future__ import annotations

import ast
import pkgutil
from pathlib import Path

NOT_TASKS = {"common", "data", "plots", "results", "text", "__main__"}  # shared modules and tools


def main() -> None:
    here = Path(__file__).parent
    names = sorted(m.name for m in pkgutil.iter_modules([str(here)]) if m.name not in NOT_TASKS)
    print("Tasks (run with: python -m tasks.NAME --help):")
    for name in names:  # the first docstring line, read without importing the task (and its dependencies)
        doc = (ast.get_docstring(ast.parse((here / f"{name}.py").read_text(encoding="utf-8"))) or "").splitlines()
        print(f"  {name:<20} {doc[0] if doc else ''}")


if __name__ == "__main__":
    main()
