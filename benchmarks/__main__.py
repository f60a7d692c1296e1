"""`python -m benchmarks [--quick] [--rounds R] [--out PATH] [--cases W1 W3-64-float32 ...] [--engines ours numpy ...]`

Runs every case on every engine, each in a fresh process with one BLAS thread,
prints the table and writes it as JSON (default out/benchmarks/results.json).
Timed cases run in R rounds with the engines interleaved (ours, numpy, torch,
ours, ...), and the best round counts: on a shared machine a slow spell then
hits every engine alike instead of whichever happened to run during it.
"""

from __future__ import annotations

import argparse
import datetime
import importlib.metadata
import json
import os
import platform
import subprocess
import sys
from pathlib import Path
from typing import Any

from benchmarks.harness import CASES

ENGINES = ("ours", "compiled", "numpy", "torch", "micrograd")
MINE = ("ours", "compiled")  # the engines the ratios are computed for (ours/numpy, compiled/numpy, ...)
THREADS = {"OMP_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}
ROOT = Path(__file__).resolve().parent.parent


def machine() -> dict[str, Any]:
    """What the numbers were measured on."""
    cpu = platform.processor() or platform.machine()
    try:
        cpu = next(
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        )
    except (OSError, StopIteration):
        pass
    versions = {}
    for name in ("numpy", "torch", "micrograd"):
        try:
            versions[name] = importlib.metadata.version(name)
        except importlib.metadata.PackageNotFoundError:
            versions[name] = None
    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "python": platform.python_version(),
        **versions,
        "platform": platform.platform(),
        "blas_threads": 1,
        "date": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
    }


def run_case(case: str, engine: str, quick: bool, default_malloc: bool = False) -> dict[str, Any]:
    """One case on one engine in a child process (threads pinned to 1 before numpy loads)."""
    cmd = [sys.executable, "-m", "benchmarks.harness", case, engine]
    cmd += (["--quick"] if quick else []) + (["--default-malloc"] if default_malloc else [])
    proc = subprocess.run(cmd, capture_output=True, text=True, cwd=ROOT, env={**os.environ, **THREADS})
    if proc.returncode != 0:
        last = (proc.stderr.strip().splitlines() or [f"exit status {proc.returncode}"])[-1]  # (killed: no stderr)
        return {"case": case, "engine": engine, "skipped": "failed: " + last}
    return json.loads(proc.stdout.strip().splitlines()[-1])


def best_round(runs: list[dict[str, Any]]) -> dict[str, Any]:
    """The round with the lowest min time (a skipped engine is skipped in every round); its
    `round_mins_s` lists every round's min, so the spread between rounds stays visible."""
    if len(runs) == 1 or any("skipped" in r for r in runs):
        return runs[0]
    best = min(runs, key=lambda r: r["min_s"])
    return {**best, "round_mins_s": [r["min_s"] for r in runs]}


def ratios(results: list[dict[str, Any]]) -> dict[str, dict[str, float]]:
    """ours / numpy-by-hand, ours / PyTorch, ours / micrograd per case, and the same for the compiled engine
    (with compiled / ours too): min time, peak memory, or bytes per op."""
    value = {
        "time": lambda r: r["min_s"],
        "memory": lambda r: r["peak_bytes"],
        "chain-memory": lambda r: r["bytes_per_op"][-1],
    }
    by = {(r["case"], r["engine"]): r for r in results if "skipped" not in r}
    out: dict[str, dict[str, float]] = {}
    for case, (_, _, kind, _) in CASES.items():
        row = {}
        for engine in MINE:
            mine = by.get((case, engine))
            if mine is None:
                continue
            peers = ("numpy", "torch", "micrograd") if engine == "ours" else ("numpy", "ours", "torch", "micrograd")
            row.update(
                {
                    f"{engine}/{peer}": value[kind](mine) / value[kind](by[(case, peer)])
                    for peer in peers
                    if (case, peer) in by
                }
            )
        if row:
            out[case] = row
    return out


def _fmt_time(s: float) -> str:
    return f"{s * 1e6:.1f} µs" if s < 1e-3 else f"{s * 1e3:.2f} ms"


def _cell(r: dict[str, Any] | None) -> str:
    if r is None:
        return ""
    if "skipped" in r:
        return "–"
    if r["kind"] == "time":
        return f"{_fmt_time(r['min_s'])} ({_fmt_time(r['median_s'])})"
    if r["kind"] == "memory":
        return (
            f"peak {r['peak_bytes'] / 2**20:.1f} MiB (held {r['held_bytes'] / 2**20:.1f}), "
            f"growth {r['growth_bytes'] / 1024:+.0f} KiB in {r['steps']} steps"
        )
    return f"{r['bytes_per_op'][0]:.0f} → {r['bytes_per_op'][1]:.0f} B/op (×{r['ratio']:.1f} for ×10 ops)"


def table(results: list[dict[str, Any]], engines: list[str]) -> str:
    """A Markdown table: min (median) per engine, then the ratios."""
    by = {(r["case"], r["engine"]): r for r in results}
    rat = ratios(results)
    peers = [
        f"{m}/{e}"
        for m in MINE
        if m in engines
        for e in ("numpy", "ours", "torch", "micrograd")
        if e in engines and e != m and not (m == "ours" and e == "compiled")
    ]
    head = ["case", "what"] + engines + peers
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for case, (_, label, _, _) in CASES.items():
        if not any((case, e) in by for e in engines):
            continue
        r = rat.get(case, {})
        cells = [_cell(by.get((case, e))) for e in engines]
        cells += [f"{r[k]:.2f}" if k in r else "" for k in peers]
        lines.append("| " + " | ".join([case, label] + cells) + " |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Benchmarks: our engine vs numpy by hand, PyTorch, micrograd")
    parser.add_argument("--quick", action="store_true", help="a smoke run: tiny repeats (times are meaningless)")
    parser.add_argument("--out", type=Path, default=ROOT / "out" / "benchmarks" / "results.json")
    parser.add_argument("--cases", nargs="+", choices=list(CASES), default=list(CASES))
    parser.add_argument("--engines", nargs="+", choices=ENGINES, default=list(ENGINES))
    parser.add_argument(
        "--rounds",
        type=int,
        default=3,
        help="timed cases run this many times, engines interleaved; the best round counts (default 3)",
    )
    parser.add_argument(
        "--default-malloc",
        action="store_true",
        help="do not call nn.tuning.tune_malloc() in the runs (glibc's default thresholds)",
    )
    args = parser.parse_args(argv)
    malloc = (
        "glibc's default malloc settings"
        if args.default_malloc
        else "glibc malloc thresholds raised (nn.tuning.tune_malloc)"
    )
    print(
        "Each case runs in its own process with one BLAS thread (OMP/OPENBLAS/MKL_NUM_THREADS=1, "
        f"torch.set_num_threads(1)) and {malloc} for every engine; times are CPU time per step, "
        f"min (median) of repeats after a warm-up, best of {args.rounds} interleaved rounds.",
        flush=True,
    )
    results = []
    for case in args.cases:
        engines = [e for e in args.engines if e in CASES[case][3]]
        rounds = args.rounds if CASES[case][2] == "time" and not args.quick else 1
        runs: dict[str, list[dict[str, Any]]] = {e: [] for e in engines}
        for _ in range(rounds):  # engines interleaved, so a slow spell of a shared machine hits them alike
            for engine in engines:
                runs[engine].append(run_case(case, engine, args.quick, args.default_malloc))
        for engine in engines:
            results.append(best_round(runs[engine]))
            print(f"  {case:12s} {engine:10s} {_cell(results[-1])}", flush=True)
    text = table(results, args.engines)
    print(text)
    doc = {
        "machine": machine(),
        "quick": args.quick,
        "rounds": args.rounds,
        "tune_malloc": not args.default_malloc,
        "threads": THREADS,
        "results": results,
        "ratios": ratios(results),
        "table": text,
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(doc, indent=1, ensure_ascii=False))
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
