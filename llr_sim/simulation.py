"""``simulate(scenario, ...) -> Results``: a scenario and its counterfactual, as indicators.

The dynamic model runs the scenario and, on the same draws, the same people without any
incentive; the years become the tidy indicator table, a summary and provenance.

The run folder (``Results.save``) holds ``summary.json``, ``indicators.parquet`` and ``.csv``,
``provenance.json`` and ``scenario.yaml``; it is written to a temporary folder beside the
target and renamed into place only when complete, so a failure leaves nothing behind.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import tempfile
from collections.abc import Iterable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import yaml

from llr_sim import __version__
from llr_sim.behaviour.parameters import Behaviour, check_overrides, load_behaviour
from llr_sim.errors import InputError, InputErrors
from llr_sim.fileio import publish
from llr_sim.indicators import COLUMNS, year_table
from llr_sim.inputs import DEFAULT_YEARS, FIRST_YEAR, LAST_YEAR, START_YEAR
from llr_sim.model.model import LLRModel
from llr_sim.model.streams import Streams, in_background
from llr_sim.population.population import Population, git_commit, load_population
from llr_sim.population.synthesis import check_scale, check_seed, synthesise_population
from llr_sim.population.targets import load_targets

CALIBRATION_SCENARIO = "status_quo"
CACHE_DIR = Path(__file__).resolve().parents[1] / "data" / "synthetic" / "cache"


def check_years(years: object) -> list[int]:
    """The years as a list, or an InputError naming ``years``."""
    try:
        values = [int(y) for y in years]  # type: ignore[union-attr]
    except (TypeError, ValueError):
        raise InputError(
            "years", f"expected a range of years such as 2023-2030, got {years!r}"
        ) from None
    if not values:
        raise InputError("years", "no years given")
    if values[0] < FIRST_YEAR or values[-1] > LAST_YEAR:
        raise InputError(
            "years", f"must lie within {FIRST_YEAR}-{LAST_YEAR}, got {values[0]}-{values[-1]}"
        )
    if values != list(range(values[0], values[-1] + 1)):
        raise InputError("years", "must be increasing and contiguous (one step is one year)")
    return values


def check_replicates(replicates: object) -> int:
    """The number of replicates, or an InputError naming ``replicates``."""
    if isinstance(replicates, bool) or not isinstance(replicates, int | np.integer):
        raise InputError("replicates", f"must be a whole number 1-1000, got {replicates!r}")
    if not 1 <= int(replicates) <= 1000:
        raise InputError("replicates", f"must be 1-1000, got {replicates}")
    return int(replicates)


def resolve_scenario(scenario: Any):
    """A Scenario from a Scenario, a path or a name (validated whole, behaviour included)."""
    from llr_sim.policy.scenarios import Scenario, load_scenario

    if isinstance(scenario, Scenario):
        problems = check_overrides(scenario.behaviour, scenario.name)
        if problems:
            raise InputErrors(problems)
        return scenario
    if not isinstance(scenario, str | os.PathLike):
        raise InputError(
            "scenario", f"expected a scenario name, path or Scenario, got {scenario!r}"
        )
    return load_scenario(scenario)


def cached_population(scale: float, seed: int, *, show_progress: bool = False) -> Population:
    """The synthetic population for (scale, seed, targets), from the cache or made and cached.

    The cache lives in ``data/synthetic/cache/`` (not committed); a file is keyed by scale,
    seed, the hash of the targets and of the synthesis code, and written atomically by
    ``Population.save``.
    """
    sha = load_targets().sha256
    code = hashlib.sha256()
    for source in sorted((Path(__file__).parent / "population").glob("*.py")):
        code.update(source.read_bytes())  # a change to the synthesis invalidates the cache
    key = f"{sha[:12]}_{code.hexdigest()[:8]}"
    path = CACHE_DIR / f"population_s{scale:g}_seed{seed}_{key}.parquet"
    if path.is_file():
        try:
            return load_population(path)
        except InputError:
            pass  # a damaged cache file is rebuilt
    population = synthesise_population(scale=scale, seed=seed, show_progress=show_progress)
    try:
        CACHE_DIR.mkdir(parents=True, exist_ok=True)
        population.save(path)
    except (OSError, InputError):
        pass  # a read-only checkout still runs, without a cache
    return population


@dataclass
class Results:
    """The results of a run.

    Attributes:
        scenario_name: The scenario's name.
        label: Its labels (``nl``, ``en``).
        indicators: The tidy indicator table.
        summary: Headline figures (JSON-able).
        provenance: How the run was made.
        scenario: The resolved scenario as plain data.
        series: The model-level series of the DataCollector (central run), for inspection.
    """

    scenario_name: str
    label: dict
    indicators: pd.DataFrame
    summary: dict
    provenance: dict
    scenario: dict
    series: pd.DataFrame = field(default_factory=pd.DataFrame, repr=False)

    def save(self, out_dir: str | os.PathLike) -> Path:
        """Write the run folder atomically and return its path.

        Everything is written into a temporary folder beside ``out_dir`` which is renamed to
        ``out_dir`` when complete; an existing run folder of that name is replaced.
        """
        target = Path(out_dir)
        parent = target.parent if str(target.parent) else Path(".")
        if not parent.is_dir():
            raise InputError("--out", f"the folder {parent} does not exist")
        if target.exists() and not target.is_dir():
            raise InputError("--out", f"{target} exists and is not a folder")
        tmp = Path(tempfile.mkdtemp(prefix=f".{target.name}.", dir=parent))
        try:
            (tmp / "summary.json").write_text(json.dumps(self.summary, indent=2) + "\n")
            self.indicators.to_parquet(tmp / "indicators.parquet", index=False)
            self.indicators.to_csv(tmp / "indicators.csv", index=False)
            (tmp / "provenance.json").write_text(json.dumps(self.provenance, indent=2) + "\n")
            (tmp / "scenario.yaml").write_text(
                yaml.safe_dump(self.scenario, sort_keys=False, allow_unicode=True)
            )
            publish(tmp)
            old = None
            if target.exists():
                old = Path(tempfile.mkdtemp(prefix=f".{target.name}.old.", dir=parent))
                os.replace(target, old / "run")
            os.replace(tmp, target)
            if old is not None:
                shutil.rmtree(old, ignore_errors=True)
        except BaseException:
            shutil.rmtree(tmp, ignore_errors=True)
            raise
        return target


def load_results(run_dir: str | os.PathLike) -> Results:
    """Read a run folder written by ``Results.save``."""
    run = Path(run_dir)
    for name in ("summary.json", "indicators.parquet", "provenance.json", "scenario.yaml"):
        if not (run / name).is_file():
            raise InputError(str(run), f"not a run folder: {name} is missing")
    summary = json.loads((run / "summary.json").read_text())
    scenario = yaml.safe_load((run / "scenario.yaml").read_text())
    return Results(
        scenario_name=summary["scenario"],
        label=summary["label"],
        indicators=pd.read_parquet(run / "indicators.parquet"),
        summary=summary,
        provenance=json.loads((run / "provenance.json").read_text()),
        scenario=scenario,
    )


def _schedules(scenario, behaviour: Behaviour):
    """Functions year -> parameters and year -> behaviour for a scenario.

    A scenario that extends the status quo applies its reform from the first year of its
    ``period``; before that (the burn-in and the base year) the status-quo rules and behaviour
    hold, so every scenario shares the calibrated base year.
    """
    from llr_sim.policy.scenarios import load_scenario

    own_behaviour = behaviour.with_values(scenario.behaviour)
    start = scenario.period[0] if scenario.period else None
    if start is None or CALIBRATION_SCENARIO not in scenario.chain:
        return (lambda y: scenario.parameters), (lambda y: own_behaviour)
    base = (
        scenario if scenario.name == CALIBRATION_SCENARIO else load_scenario(CALIBRATION_SCENARIO)
    )
    base_behaviour = behaviour.with_values(base.behaviour)

    def parameters_for(year: int):
        return scenario.parameters if year >= start else base.parameters

    def behaviour_for(year: int):
        return own_behaviour if year >= start else base_behaviour

    return parameters_for, behaviour_for


def run_once(
    scenario,
    population: Population,
    years: list[int],
    streams: Streams,
    behaviour: Behaviour,
    *,
    counterfactual: bool = True,
    progress=None,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """One run of a scenario and (by default) its counterfactual on the same draws.

    Returns:
        The indicator rows of the reported years, and the DataCollector's model series.
    """
    parameters_for, behaviour_for = _schedules(scenario, behaviour)
    first = START_YEAR
    cf = None
    if counterfactual:
        # The counterfactual draws what the scenario draws: drawn once, and the same persons.
        streams = streams.sharing()
    model = LLRModel(population, parameters_for, behaviour_for, streams, first)
    model.last_year = years[-1]
    if counterfactual:
        cf = LLRModel(
            population,
            parameters_for,
            behaviour_for,
            streams,
            first,
            incentives=False,
            follow=model,
        )
    tables: list[Future] = []
    # The counterfactual steps through a year in the background thread as soon as the
    # scenario run has made the arrays they share (``LLRModel.when_shared``), while the scenario
    # run finishes its year: from then on the scenario run writes only its own state (budgets,
    # employers, providers), never the persons or the shared arrays.
    following: list[Future] = []
    if cf is not None and streams.background:
        model.when_shared = lambda: following.append(in_background(True, cf.step))
    # A year's indicator table is summed in a second thread while the model steps through the
    # next year (numpy releases the GIL in both): it reads only that year's outcomes, which no
    # later step writes. One table at a time, so at most two years' outcomes are alive.
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="llr-sim-tables") as pool:
        try:
            for year in range(first, years[-1] + 1):
                model.step()
                if cf is not None:
                    # The counterfactual's step ends by freeing the arrays it shared.
                    if following:
                        following.pop().result()
                    else:
                        cf.step()
                if year >= years[0]:
                    if tables:
                        tables[-1].result()
                        if progress is not None:
                            progress.update(1)
                    outcomes = (model.outcome, (cf or model).outcome)
                    tables.append(pool.submit(year_table, scenario.name, *outcomes))
                if cf is not None:
                    # Only the year's indicators are kept: the counterfactual's per-person
                    # arrays and the year's shared draws go before the next year starts.
                    cf.outcome = None
                    streams.release()
            frames = [table.result() for table in tables]
        finally:
            # After a failure, nothing is left running in the background for the next run.
            for pending in following:
                pending.exception()
    if progress is not None:
        progress.update(1)
    series = model.datacollector.get_model_vars_dataframe()
    return pd.concat(frames, ignore_index=True), series[series["year"] >= years[0]]


def simulate(
    scenario,
    scale: float = 0.01,
    seed: int = 0,
    years: Iterable[int] = DEFAULT_YEARS,
    replicates: int = 1,
    *,
    population: Population | None = None,
    show_progress: bool = False,
) -> Results:
    """Simulate a scenario and its counterfactual; return the indicators and headline figures.

    Args:
        scenario: A Scenario, a path to a scenario file, or a scenario name.
        scale: Share of the population simulated, in (0, 1].
        seed: Root of the random generator tree.
        years: Reported years, contiguous, within 2023-2035 (2023 is the calibration year).
        replicates: Monte Carlo replicates (1-1000). With more than one, every replicate draws
            the non-calibrated behavioural parameters from their ranges and uses fresh random
            draws; ``value`` stays the central run and ``ci_low``/``ci_high`` give the 5th and
            95th percentiles over the replicates.
        population: A synthetic population to use instead of the cached one for (scale, seed).
        show_progress: A progress bar on stderr.

    Returns:
        The Results.

    Raises:
        InputError: For a bad scenario, scale, seed, years or replicates (before any work).
    """
    problems = []
    checked = {}
    for name, check, value in (
        ("scale", check_scale, scale),
        ("seed", check_seed, seed),
        ("years", check_years, years),
        ("replicates", check_replicates, replicates),
    ):
        try:
            checked[name] = check(value)
        except InputError as err:
            problems.append(err)
    try:
        resolved = resolve_scenario(scenario)
    except InputErrors as err:
        problems.extend(err.problems)
    except InputError as err:
        problems.append(err)
    if problems:
        raise problems[0] if len(problems) == 1 else InputErrors(problems)
    scale, seed, years, replicates = (checked[k] for k in ("scale", "seed", "years", "replicates"))

    if population is None:
        population = cached_population(scale, seed, show_progress=show_progress)
    behaviour = load_behaviour()
    progress = None
    if show_progress:
        from tqdm import tqdm

        progress = tqdm(total=len(years) * replicates, desc=resolved.name, unit="year")
    try:
        central, series = run_once(
            resolved, population, years, Streams(seed, 0), behaviour, progress=progress
        )
        indicators = central
        if replicates > 1:
            draws = [central["value"].to_numpy()]
            for r in range(1, replicates):
                streams = Streams(seed, r)
                sampled = behaviour.sample(streams.rng(0, "parameters"))
                table, _ = run_once(
                    resolved, population, years, streams, sampled, progress=progress
                )
                draws.append(table["value"].to_numpy())
            stack = np.vstack(draws)
            with np.errstate(all="ignore"):
                import warnings

                with warnings.catch_warnings():
                    warnings.simplefilter("ignore", RuntimeWarning)
                    low = np.nanpercentile(stack, 5, axis=0)
                    high = np.nanpercentile(stack, 95, axis=0)
            indicators = central.assign(ci_low=low, ci_high=high)
    finally:
        if progress is not None:
            progress.close()

    scenario_dict = resolved.to_dict()
    digest = hashlib.sha256(
        json.dumps(scenario_dict, sort_keys=True, default=str).encode()
    ).hexdigest()
    provenance = {
        "llr_sim_version": __version__,
        "git_commit": git_commit(),
        "scenario": resolved.name,
        "scenario_sha256": digest,
        "seed": seed,
        "scale": scale,
        "years": [years[0], years[-1]],
        "replicates": replicates,
        "start_year": START_YEAR,
        "behaviour_calibrated": _calibration_stamp(),
        "created": datetime.now(UTC).isoformat(timespec="seconds"),
        "population": {
            "scale": population.meta.get("scale", scale),
            "seed": population.meta.get("seed", seed),
            "targets_sha256": population.meta.get("targets_sha256"),
            "persons": int(len(population.persons)),
            "employers": int(len(population.employers)),
        },
    }
    summary = make_summary(resolved, indicators, scale, seed, replicates, years)
    return Results(
        scenario_name=resolved.name,
        label=dict(resolved.label),
        indicators=indicators[[*COLUMNS, *(["ci_low", "ci_high"] if replicates > 1 else [])]],
        summary=summary,
        provenance=provenance,
        scenario=scenario_dict,
        series=series.reset_index(drop=True),
    )


def _calibration_stamp() -> str | None:
    from llr_sim.behaviour.parameters import CALIBRATED_FILE

    if not CALIBRATED_FILE.is_file():
        return None
    data = yaml.safe_load(CALIBRATED_FILE.read_text()) or {}
    return data.get("fitted")


def _num(value: float) -> float | None:
    return None if value is None or not np.isfinite(value) else float(value)


def make_summary(scenario, indicators: pd.DataFrame, scale, seed, replicates, years) -> dict:
    """The headline figures of the last year and the totals over the simulated years."""
    totals = indicators[(indicators["group_by"] == "all")]
    last = totals[totals["year"] == years[-1]]
    every = last[last["instrument"] == "all"].set_index("indicator")["value"]
    by_instrument = {}
    for instrument, rows in last[last["instrument"] != "all"].groupby("instrument"):
        values = rows.set_index("indicator")["value"]
        by_instrument[instrument] = {
            k: _num(values.get(k)) for k in ("users", "public_cost_eur", "eligible", "take_up_rate")
        }
    overall = totals[totals["instrument"] == "all"]

    def period_sum(indicator: str) -> float:
        return float(overall.loc[overall["indicator"] == indicator, "value"].sum())

    cost, extra = period_sum("public_cost_eur"), period_sum("additional_participants")
    rate = overall.loc[overall["indicator"] == "participation_rate_25_64", "value"]
    return {
        "scenario": scenario.name,
        "label": dict(scenario.label),
        "scale": scale,
        "seed": seed,
        "replicates": replicates,
        "years": [years[0], years[-1]],
        "last_year": {k: _num(v) for k, v in every.items()},
        "period": {
            "public_cost_eur": cost,
            "users": period_sum("users"),
            "participants": period_sum("participants"),
            "additional_participants": extra,
            "cost_per_additional_participant_eur": _num(cost / extra) if extra > 0 else None,
            # A rate does not add up over years: the mean of the yearly rates, comparable with
            # the LFS figure for 25-64 (22.4% in 2022) that the base year is calibrated to.
            "participation_rate_25_64_mean": _num(rate.mean()) if len(rate) else None,
        },
        "by_instrument_last_year": by_instrument,
    }
