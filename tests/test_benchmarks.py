"""The benchmark runs end to end and writes its JSON (a smoke run: times are never checked)."""

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_quick_benchmark_writes_results(tmp_path: Path) -> None:
    out = tmp_path / "results.json"
    cmd = [
        sys.executable,
        "-m",
        "benchmarks",
        "--quick",
        "--out",
        str(out),
        "--cases",
        "W1",
        "W4-memory",
        "W5",
        "--engines",
        "ours",
        "numpy",
    ]
    proc = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    doc = json.loads(out.read_text())
    assert {"machine", "quick", "threads", "results", "ratios", "table"} <= set(doc)
    assert doc["quick"] is True and doc["threads"]["OPENBLAS_NUM_THREADS"] == "1"
    by = {(r["case"], r["engine"]): r for r in doc["results"]}
    assert set(by) == {(c, e) for c in ("W1", "W4-memory", "W5") for e in ("ours", "numpy")}
    assert not any("skipped" in r for r in doc["results"]), doc["results"]
    assert {"median_s", "min_s", "repeats", "number"} <= set(by["W1", "ours"])
    assert {"held_bytes", "peak_bytes", "growth_bytes", "steps"} <= set(by["W5", "ours"])
    assert {"ops", "peak_bytes", "bytes_per_op", "ratio"} <= set(by["W4-memory", "ours"])
    assert set(doc["ratios"]["W1"]) == {"ours/numpy"}
    assert "| W1 |" in doc["table"]


def test_best_round_keeps_the_fastest_and_every_rounds_min() -> None:
    from benchmarks.__main__ import best_round

    runs = [{"min_s": 3.0, "median_s": 4.0}, {"min_s": 2.0, "median_s": 5.0}, {"min_s": 2.5, "median_s": 2.6}]
    best = best_round(runs)
    assert best["min_s"] == 2.0 and best["median_s"] == 5.0 and best["round_mins_s"] == [3.0, 2.0, 2.5]
    skipped = [{"skipped": "not installed (torch)"}] * 2
    assert best_round(skipped) == skipped[0]
    assert best_round(runs[:1]) == runs[0]


def test_instruction_counter_parts_run_without_valgrind() -> None:
    """The child run and the parsing of callgrind's total; valgrind itself is optional."""
    import pytest

    from benchmarks import instructions

    instructions.run_steps("W1", "ours", 3)
    instructions.run_steps("W1", "numpy", 3)
    assert instructions.collected("==1== Events    : Ir\n==1== Collected : 123456\n") == 123456
    with pytest.raises(RuntimeError, match="no instruction count"):
        instructions.collected("valgrind: not found")
    with pytest.raises(SystemExit, match="memory"):
        instructions.run_steps("W5", "ours", 1)
