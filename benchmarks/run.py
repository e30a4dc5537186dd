"""Benchmark harness: time and peak memory of the main jobs, each in a fresh process.

- ``synthesis_seconds``, ``synthesis_peak_mib``: synthesising the population (scale 1.0).
- ``full_run_seconds``, ``full_run_peak_mib``: ``llr-sim run status_quo --scale 1.0`` over
  2024-2030 (every run simulates 2021-2030) with its counterfactual (simulate and write the
  run folder), in a fresh process
  with the population cache warm (the cache is filled beforehand, untimed). Wall time of the
  whole process, imports and loading the cached population included; the faster of two runs
  (both are kept in ``full_run_seconds_each``), the peak memory the larger of the two.
- ``batch_scenarios``, ``batch_full_seconds``, ``batch_full_peak_mib``: every scenario in
  ``scenarios/`` at full scale over 2024-2030 in one process (one world, one counterfactual),
  run folders written; ``batch_ratio_vs_single`` is that time over ``full_run_seconds``.
- ``explore_update_seconds``: a slider move in the explorer (a policy value of
  ``portable_budget`` changed, scale 0.05): the policy layer rerun on the recorded world, the
  median of three moves.
- ``model_person_years_per_s``, ``mesa_reference_person_years_per_s``,
  ``ratio_vs_mesa_reference``: the vectorised model's yearly step against the same step written
  as per-agent Mesa (``benchmarks/mesa_reference.py``), on the same ~100,000 persons in this
  process, side by side: the fastest of 8 model years and of 3 reference years (medians kept as
  ``*_median_*``). The model's timing includes its rules; the reference's does not.

Writes ``benchmarks/results.json`` and prints a table. Run with ``make bench``.
"""

from __future__ import annotations

import argparse
import json
import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from types import SimpleNamespace

import numpy as np

from llr_sim.behaviour.parameters import load_behaviour
from llr_sim.model.engine import Engine
from llr_sim.model.model import LLRModel, Schedule
from llr_sim.model.persons import rules_date
from llr_sim.model.streams import Streams
from llr_sim.policy.entitlements import entitlements
from llr_sim.policy.scenarios import load_scenario
from llr_sim.simulation import _schedules, cached_population

HERE = Path(__file__).resolve().parent

#: Appended to every child: it reports its own peak resident memory on the last line (the
#: children's peak of ``RUSAGE_CHILDREN`` is a maximum over all children so far).
_PEAK = """
import resource as _r
print("PEAK_KIB", _r.getrusage(_r.RUSAGE_SELF).ru_maxrss)
"""

SYNTHESIS = """
import sys
from llr_sim.population.synthesis import synthesise_population
pop = synthesise_population(scale=float(sys.argv[1]), seed=0)
pop.save(sys.argv[2])
assert not pop.calibration["fails"].any(), "a published target missed its tolerance"
"""

WARM_CACHE = """
import sys
from llr_sim.simulation import cached_population
cached_population(float(sys.argv[1]), 0)
"""

FULL_RUN = """
import sys
from llr_sim.simulation import simulate
results = simulate("status_quo", scale=float(sys.argv[1]), seed=0, years=range(2024, 2031))
results.save(sys.argv[2])
"""

#: Every scenario in scenarios/ in one process: one world, one counterfactual.
BATCH_RUN = """
import sys
from pathlib import Path
from llr_sim.simulation import simulate
names = sorted(p.stem for p in Path("scenarios").glob("*.yaml"))
runs = simulate(names, scale=float(sys.argv[1]), seed=0, years=range(2024, 2031))
for name, results in zip(names, runs):
    results.save(Path(sys.argv[2]) / name)
print("SCENARIOS", len(names))
"""

#: A slider move in the explorer: the policy layer alone on the recorded world (scale 0.05).
EXPLORE = """
import time
from llr_sim.policy.scenarios import load_scenario
from llr_sim.simulation import Replay
replay = Replay("portable_budget", scale=0.05, seed=0)
times = []
for credit in (600, 700, 800):
    moved = load_scenario("portable_budget").with_overrides(
        policy={"ontwikkelbudget.credit.annual_eur": credit}
    )
    start = time.perf_counter()
    replay.run(moved)
    times.append(time.perf_counter() - start)
print("EXPLORE", sorted(times)[1])
"""

#: Persons of the side-by-side comparison with the per-agent Mesa reference.
REFERENCE_PERSONS = 100_000
FULL_SCALE_PERSONS = 4_146_865


def measure(code: str, *args: str, output: bool = False):
    """Wall time (s) and peak resident memory (MiB) of ``code`` run in a child process.

    With ``output``, also the child's ``KEY value`` lines as a dict.
    """
    start = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-c", code + _PEAK, *args],
        check=True,
        stdout=subprocess.PIPE,
        text=True,
        cwd=HERE.parent,
    )
    seconds = time.perf_counter() - start
    lines = done.stdout.strip().splitlines()
    peak_kib = int(lines[-1].split()[-1])
    if not output:
        return seconds, peak_kib / 1024
    keyed = dict(line.split(maxsplit=1) for line in lines if line[:1].isupper() and " " in line)
    return seconds, peak_kib / 1024, keyed


def side_by_side(model_years: int = 8, reference_years: int = 3) -> dict[str, float]:
    """Person-years per second of the model and of the per-agent Mesa reference.

    The same population of about ``REFERENCE_PERSONS`` persons; both start after the model's
    base year (so the reference starts from the model's state, employers and word of mouth).
    Each side's rate is that of its fastest year (``model_years`` and ``reference_years``
    timed years): on a shared machine the least disturbed year is the best estimate of what a
    year costs (the convention of ``timeit``); the same rule applies to both sides.
    """
    sys.path.insert(0, str(HERE))
    from mesa_reference import ReferenceModel  # noqa: PLC0415 - found through sys.path set above

    scale = round(REFERENCE_PERSONS / FULL_SCALE_PERSONS, 5)
    population = cached_population(scale, 0)
    parameters_for, behaviour_for = _schedules(load_scenario("status_quo"), load_behaviour())
    engine = Engine().start()
    schedule = Schedule("status_quo", parameters_for, behaviour_for)
    model = LLRModel(population, [schedule], Streams(0), 2021, engine=engine)
    model.world.last_year = 2021 + model_years  # no draws made ahead while the reference runs
    model.step()  # the base year: no labour transitions yet
    n = model.persons.n
    model_times = []
    for _ in range(model_years):
        start = time.perf_counter()
        model.step()
        model_times.append(time.perf_counter() - start)

    year = model.year
    engine.close()
    ent = entitlements(model.persons.frame(), rules_date(year), parameters_for(year))
    # The reference reads the model's state of the year: the world and the scenario's layer.
    state = SimpleNamespace(
        persons=model.persons,
        behaviour_for=behaviour_for,
        parameters_for=parameters_for,
        rates=model.world.rates,
        employers=model.world.employers,
        colleague_share=model.layers[0].colleague_share,
        year=year,
    )
    reference = ReferenceModel(state, ent, seed=0)
    reference_times = []
    for _ in range(reference_years):
        start = time.perf_counter()
        reference.step()
        reference_times.append(time.perf_counter() - start)
    model_rate = n / min(model_times)
    reference_rate = n / min(reference_times)
    return {
        "reference_persons": n,
        "model_person_years_per_s": round(model_rate),
        "mesa_reference_person_years_per_s": round(reference_rate),
        "ratio_vs_mesa_reference": round(model_rate / reference_rate, 1),
        "model_median_person_years_per_s": round(n / float(np.median(model_times))),
        "mesa_reference_median_person_years_per_s": round(n / float(np.median(reference_times))),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=1.0, help="population scale (default 1.0)")
    parser.add_argument("--out", default=str(HERE / "results.json"))
    parser.add_argument(
        "--skip-synthesis", action="store_true", help="keep the synthesis figures of --out"
    )
    args = parser.parse_args()

    results: dict[str, object] = {
        "machine": {
            "python": platform.python_version(),
            "platform": platform.platform(),
            "cpus": __import__("os").cpu_count(),
        },
        "scale": args.scale,
    }
    previous = json.loads(Path(args.out).read_text()) if Path(args.out).is_file() else {}
    if args.skip_synthesis and "synthesis_seconds" in previous:
        results["synthesis_seconds"] = previous["synthesis_seconds"]
        results["synthesis_peak_mib"] = previous["synthesis_peak_mib"]
    else:
        with tempfile.TemporaryDirectory() as tmp:
            seconds, peak = measure(SYNTHESIS, str(args.scale), str(Path(tmp) / "pop.parquet"))
        results["synthesis_seconds"] = round(seconds, 2)
        results["synthesis_peak_mib"] = round(peak, 1)

    measure(WARM_CACHE, str(args.scale))
    runs = []
    for _ in range(2):
        with tempfile.TemporaryDirectory() as tmp:
            runs.append(measure(FULL_RUN, str(args.scale), str(Path(tmp) / "run")))
    results["full_run_seconds"] = round(min(seconds for seconds, _ in runs), 2)
    results["full_run_peak_mib"] = round(max(peak for _, peak in runs), 1)
    results["full_run_seconds_each"] = [round(seconds, 2) for seconds, _ in runs]
    with tempfile.TemporaryDirectory() as tmp:
        seconds, peak, lines = measure(BATCH_RUN, str(args.scale), tmp, output=True)
    results["batch_scenarios"] = int(lines["SCENARIOS"])
    results["batch_full_seconds"] = round(seconds, 2)
    results["batch_full_peak_mib"] = round(peak, 1)
    results["batch_ratio_vs_single"] = round(seconds / results["full_run_seconds"], 2)
    _, _, lines = measure(EXPLORE, output=True)
    results["explore_update_seconds"] = round(float(lines["EXPLORE"]), 2)
    results.update(side_by_side())

    Path(args.out).write_text(json.dumps(results, indent=2) + "\n")
    print(f"{'benchmark':<34} {'value':>12}")
    for key, value in results.items():
        if isinstance(value, int | float):
            print(f"{key:<34} {value:>12,}")
    print(f"written: {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
