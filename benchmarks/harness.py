"""One benchmark case on one engine, in this process: `python -m benchmarks.harness CASE ENGINE [--quick]`.

Prints one line of JSON.  The driver (`python -m benchmarks`) starts one such
process per case and engine, with one BLAS thread, so no run warms or pollutes
another's caches, allocator or thread pools.
"""

from __future__ import annotations

import argparse
import gc
import json
import statistics
import sys
import time
import tracemalloc
from collections.abc import Callable
from typing import Any

from benchmarks import compiled, numpy_ref, ours, peers, problems
from nn.tuning import tune_malloc

Builder = Callable[[], Callable[[], Any]]


def _w3(batch: int, dtype: str) -> dict[str, Builder]:
    return {
        "ours": lambda: ours.make_net(problems.w3(batch, dtype)),
        "compiled": lambda: compiled.make_net(problems.w3(batch, dtype)),
        "numpy": lambda: numpy_ref.make_net(problems.w3(batch, dtype)),
        "torch": lambda: peers.torch_net(problems.w3(batch, dtype)),
    }


def _chain(n_ops: int) -> dict[str, Builder]:
    return {
        "ours": lambda: ours.make_chain(*problems.chain(), n_ops),
        "compiled": lambda: compiled.make_chain(*problems.chain(), n_ops),
        "numpy": lambda: numpy_ref.make_chain(*problems.chain(), n_ops),
        "torch": lambda: peers.torch_chain(*problems.chain(), n_ops),
    }


# case id -> (workload, what it is, how it is measured, engine -> builder of a step function)
CASES: dict[str, tuple[str, str, str, dict[str, Builder]]] = {
    "W1": (
        "W1",
        "scalar graph x·m+b → ReLU → (y−y*)², fwd+bwd",
        "time",
        {
            "ours": ours.make_w1,
            "compiled": compiled.make_w1,
            "numpy": numpy_ref.make_w1,
            "torch": peers.torch_w1,
            "micrograd": peers.micrograd_w1,
        },
    ),
    "W2": (
        "W2",
        "2-12-5 softplus, N=1000, float64, fwd+bwd+SGD",
        "time",
        {
            "ours": lambda: ours.make_net(problems.w2()),
            "compiled": lambda: compiled.make_net(problems.w2()),
            "numpy": lambda: numpy_ref.make_net(problems.w2()),
            "torch": lambda: peers.torch_net(problems.w2()),
        },
    ),
    **{
        f"W3-{b}-{d}": ("W3", f"784-300-10 sigmoid, batch {b}, {d}, fwd+bwd+SGD", "time", _w3(b, d))
        for b in (64, 1024)
        for d in ("float32", "float64")
    },
    "W4": ("W4", "5,000-op chain on x (100,), sum, backward", "time", _chain(5000)),
    "W4-memory": (
        "W4",
        "peak memory of 10,000- vs 100,000-op chains",
        "chain-memory",
        {
            "ours": lambda: ours.make_chain,
            "compiled": lambda: compiled.make_chain,
            "numpy": lambda: numpy_ref.make_chain,
        },
    ),
    # tracemalloc sees numpy's arrays but not PyTorch's own allocator, so PyTorch has no W5 entry
    "W5": (
        "W5",
        "memory of a W3 step, batch 1024, float64",
        "memory",
        {k: v for k, v in _w3(1024, "float64").items() if k != "torch"},
    ),
    "W6": (
        "W6",
        "wide nodes: cat of 50,000 inputs + stack of 100,000, fwd+bwd",
        "time",
        {"ours": ours.make_wide, "torch": peers.torch_wide},
    ),
}


def time_step(step: Callable[[], Any], quick: bool) -> dict[str, Any]:
    """Median and min CPU seconds per call over repeats of `number` calls each, after a warm-up.

    CPU time of this process (`time.process_time`): everything runs on one
    thread, so it equals wall time on an idle machine, and on a shared one it
    does not count the time other programs hold the core.
    """
    clock = time.process_time
    warm, per_repeat, repeats = (0.01, 0.005, 3) if quick else (0.5, 0.2, 21)
    start, calls = clock(), 0
    while calls < 2 or clock() - start < warm:
        step()
        calls += 1
    number = max(1, int(per_repeat / ((clock() - start) / calls)))
    times = []
    for _ in range(repeats):
        t = clock()
        for _ in range(number):
            step()
        times.append((clock() - t) / number)
    return {"median_s": statistics.median(times), "min_s": min(times), "repeats": repeats, "number": number}


def memory_step(step: Callable[[], Any], steps: int) -> dict[str, Any]:
    """Bytes numpy holds between steps, its peak during one step, and its growth over `steps` more steps.

    Needs tracemalloc running since before the workload was built (numpy reports its arrays to it).
    """
    step()  # the first step creates gradients and optimiser state
    gc.collect()
    held = tracemalloc.get_traced_memory()[0]
    tracemalloc.reset_peak()
    step()
    peak = tracemalloc.get_traced_memory()[1]
    gc.collect()
    before = tracemalloc.get_traced_memory()[0]
    for _ in range(steps):
        step()
    gc.collect()
    return {
        "held_bytes": held,
        "peak_bytes": peak,
        "growth_bytes": tracemalloc.get_traced_memory()[0] - before,
        "steps": steps,
    }


def chain_memory(make: Callable[..., Callable[[], Any]], quick: bool) -> dict[str, Any]:
    """Peak bytes of a chain step at n and 10n ops: linear memory gives a ratio near 10.

    The time of building and running that first step is kept too (for the compiled engine it is
    the trace and the writing of the program; measured, never checked against a limit).
    """
    sizes = (1_000, 10_000) if quick else (10_000, 100_000)
    peaks, seconds = [], []
    for n in sizes:
        gc.collect()
        tracemalloc.start()
        t = time.process_time()
        make(*problems.chain(), n)()
        seconds.append(time.process_time() - t)
        peaks.append(tracemalloc.get_traced_memory()[1])
        tracemalloc.stop()
    return {
        "ops": list(sizes),
        "peak_bytes": peaks,
        "bytes_per_op": [p / n for p, n in zip(peaks, sizes)],
        "ratio": peaks[1] / peaks[0],
        "first_step_s": seconds,
    }


def run(case: str, engine: str, quick: bool, malloc: bool = True) -> dict[str, Any]:
    """Build and measure one case on one engine; `skipped` says why when the engine is missing.

    `malloc`: raise glibc's malloc thresholds first (`nn.tuning.tune_malloc`), as every engine does here.
    """
    workload, label, kind, builders = CASES[case]
    result: dict[str, Any] = {"case": case, "workload": workload, "label": label, "kind": kind, "engine": engine}
    if malloc:
        result["tune_malloc"] = tune_malloc()
    if kind == "memory":
        tracemalloc.start()
    try:
        made = builders[engine]()
    except ImportError as e:
        return {**result, "skipped": f"not installed ({e.name})"}
    if kind == "time":
        result.update(time_step(made, quick))
    elif kind == "memory":
        result.update(memory_step(made, 20 if quick else 1000))
    else:
        result.update(chain_memory(made, quick))
    return result


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("case", choices=sorted(CASES))
    parser.add_argument("engine")
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--default-malloc", action="store_true", help="leave glibc's malloc settings alone")
    args = parser.parse_args(argv)
    json.dump(run(args.case, args.engine, args.quick, not args.default_malloc), sys.stdout)
    print()


if __name__ == "__main__":
    main()
