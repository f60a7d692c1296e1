"""Machine instructions per step, counted by valgrind: `python -m benchmarks.instructions W4 ours`.

Times on a shared machine drift by 10–20 % from one minute to the next; an
instruction count does not, so it can tell a 2 % change in the engine apart
from noise.  The case runs twice under `valgrind --tool=callgrind`, once for 0
steps and once for N, each after the same warm-up; the difference divided by N
is the count per step (imports and set-up cancel out).  It counts work, not
time: an instruction of the Python interpreter's loop takes longer on average
than one of numpy's vectorised loops, so a ratio of counts is a lower bound on
the ratio of times when the extra work is interpreter work.

Needs valgrind (Debian: `apt-get install valgrind`); nothing else uses it.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

from benchmarks.harness import CASES
from nn.tuning import tune_malloc

ROOT = Path(__file__).resolve().parent.parent
THREADS = {"OMP_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}


def run_steps(case: str, engine: str, steps: int) -> None:
    """Build the case's step function and call it 2 + `steps` times (what valgrind watches)."""
    _, _, kind, builders = CASES[case]
    if kind != "time":
        raise SystemExit(f"{case} measures memory, not steps; pick a timed case")
    tune_malloc()  # as in the timed runs
    step = builders[engine]()
    for _ in range(2 + steps):
        step()


def collected(stderr: str) -> int:
    """The total instruction count from callgrind's closing lines ("Collected : N")."""
    match = re.search(r"Collected\s*:\s*(\d+)", stderr)
    if match is None:
        raise RuntimeError(f"no instruction count in valgrind's output:\n{stderr[-2000:]}")
    return int(match.group(1))


def count(case: str, engine: str, steps: int) -> float:
    """Instructions per step: (count with `steps` steps − count with 0 steps) / steps."""
    if shutil.which("valgrind") is None:
        raise SystemExit("valgrind is not installed (Debian: apt-get install valgrind)")
    totals = []
    for n in (0, steps):
        cmd = [
            "valgrind",
            "--tool=callgrind",
            "--callgrind-out-file=/dev/null",
            sys.executable,
            "-m",
            "benchmarks.instructions",
            case,
            engine,
            "--child",
            str(n),
        ]
        proc = subprocess.run(cmd, capture_output=True, text=True, cwd=ROOT, env={**os.environ, **THREADS})
        if proc.returncode != 0:
            raise RuntimeError(f"{case} on {engine} failed under valgrind:\n{proc.stderr[-2000:]}")
        totals.append(collected(proc.stderr))
    return (totals[1] - totals[0]) / steps


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("case", choices=[c for c, v in CASES.items() if v[2] == "time"])
    parser.add_argument("engine", choices=["ours", "compiled", "numpy", "torch", "micrograd"])
    parser.add_argument(
        "--steps", type=int, default=None, help="steps to count (default: 200 for W1, 3 for W4, 20 otherwise)"
    )
    parser.add_argument("--child", type=int, default=None, help=argparse.SUPPRESS)  # the run valgrind watches
    args = parser.parse_args(argv)
    if args.child is not None:
        run_steps(args.case, args.engine, args.child)
        return
    steps = args.steps or {"W1": 200, "W4": 3}.get(args.case, 20)
    per_step = count(args.case, args.engine, steps)
    print(f"{args.case} {args.engine}: {per_step / 1e6:.3f} M instructions per step (callgrind, {steps} steps)")


if __name__ == "__main__":
    main()
