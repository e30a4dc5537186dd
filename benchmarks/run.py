"""Benchmark harness: time and peak memory of the main jobs, each in a fresh process.

Writes ``benchmarks/results.json`` and prints a table. Run with ``make bench``.
"""

from __future__ import annotations

import argparse
import json
import platform
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent

SYNTHESIS = """
import sys
from llr_sim.population.synthesis import synthesise_population
pop = synthesise_population(scale=float(sys.argv[1]), seed=0)
pop.save(sys.argv[2])
assert not pop.calibration["fails"].any(), "a published target missed its tolerance"
"""


def measure(code: str, *args: str) -> tuple[float, float]:
    """Wall time (s) and peak resident memory (MiB) of ``code`` run in a child process."""
    start = time.perf_counter()
    subprocess.run([sys.executable, "-c", code, *args], check=True)
    seconds = time.perf_counter() - start
    peak_kib = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return seconds, peak_kib / 1024


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=1.0, help="population scale (default 1.0)")
    parser.add_argument("--out", default=str(HERE / "results.json"))
    args = parser.parse_args()

    results: dict[str, object] = {
        "machine": {
            "python": platform.python_version(),
            "platform": platform.platform(),
            "cpus": __import__("os").cpu_count(),
        },
        "scale": args.scale,
    }
    with tempfile.TemporaryDirectory() as tmp:
        seconds, peak = measure(SYNTHESIS, str(args.scale), str(Path(tmp) / "pop.parquet"))
    results["synthesis_seconds"] = round(seconds, 2)
    results["synthesis_peak_mib"] = round(peak, 1)

    Path(args.out).write_text(json.dumps(results, indent=2) + "\n")
    print(f"{'benchmark':<24} {'value':>10}")
    for key, value in results.items():
        if isinstance(value, int | float):
            print(f"{key:<24} {value:>10}")
    print(f"written: {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
