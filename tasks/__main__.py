"""`python -m tasks`: list the task scripts with one line each."""

from __future__ import annotations

import importlib
import pkgutil
from pathlib import Path

NOT_TASKS = {"common", "data", "__main__"}


def main() -> None:
    here = Path(__file__).parent
    names = sorted(m.name for m in pkgutil.iter_modules([str(here)]) if m.name not in NOT_TASKS)
    print("Tasks (run with: python -m tasks.NAME --help):")
    for name in names:
        doc = (importlib.import_module(f"tasks.{name}").__doc__ or "").strip().splitlines()
        print(f"  {name:<20} {doc[0] if doc else ''}")


if __name__ == "__main__":
    main()
