"""Save, or compare bit for bit, the indicator tables of every scenario: the check of a refactor.

A refactor keeps the numbers exactly. Save the tables before the change, compare after:

    .venv/bin/python benchmarks/same_numbers.py save DIR
    .venv/bin/python benchmarks/same_numbers.py compare DIR

Every scenario in ``scenarios/``, at scales 0.01 and 0.1, seeds 0 and 3, reported over
2024-2030; each alone, and (``compare``) also all together in one ``simulate`` call, which must
give each scenario's table alone. ``pandas.testing.assert_frame_equal(check_exact=True)``; the
model series (``Results.series``) to a relative 1e-12. Exit code 1 on any difference.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import pandas as pd
from pandas.testing import assert_frame_equal

from llr_sim.simulation import simulate

ROOT = Path(__file__).resolve().parents[1]
SCALES, SEEDS, YEARS = (0.01, 0.1), (0, 3), range(2024, 2031)


def _same(result, folder: Path, stem: str) -> str | None:
    try:
        expected = pd.read_parquet(folder / f"{stem}.parquet")
        assert_frame_equal(result.indicators.reset_index(drop=True), expected, check_exact=True)
        series = pd.read_parquet(folder / f"{stem}_series.parquet")
        assert_frame_equal(result.series.reset_index(drop=True), series, rtol=1e-12)
    except AssertionError as err:
        return str(err).splitlines()[0]
    return None


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("mode", choices=("save", "compare"))
    parser.add_argument("folder")
    args = parser.parse_args()
    folder = Path(args.folder)
    folder.mkdir(parents=True, exist_ok=True)
    names = sorted(p.stem for p in (ROOT / "scenarios").glob("*.yaml"))
    differences = 0
    for scale in SCALES:
        for seed in SEEDS:
            start = time.perf_counter()
            alone = [simulate(name, scale=scale, seed=seed, years=YEARS) for name in names]
            runs = [("alone", alone)]
            if args.mode == "compare":
                runs.append(("together", simulate(names, scale=scale, seed=seed, years=YEARS)))
            for how, results in runs:
                for name, result in zip(names, results, strict=True):
                    stem = f"{name}_s{scale}_seed{seed}"
                    if args.mode == "save":
                        result.indicators.reset_index(drop=True).to_parquet(
                            folder / f"{stem}.parquet"
                        )
                        result.series.reset_index(drop=True).to_parquet(
                            folder / f"{stem}_series.parquet"
                        )
                    elif (why := _same(result, folder, stem)) is not None:
                        differences += 1
                        print(f"DIFFERENT {how} {stem}: {why}")
            seconds = time.perf_counter() - start
            print(f"scale {scale} seed {seed}: {len(names)} scenarios, {seconds:.0f} s")
    if args.mode == "compare":
        print(f"{differences} difference(s)")
    return 1 if differences else 0


if __name__ == "__main__":
    sys.exit(main())
