"""``simulate(scenarios, ...) -> Results``: scenarios and their counterfactual, as indicators.

The dynamic model runs every scenario and, on the same world and draws, the same people without
any incentive (the counterfactual), from the base population of 2021; the reported years become
the tidy indicator table, a summary and provenance. Several scenarios share one world and one
counterfactual (``run_once``); ``Replay`` reruns a policy layer on a recorded world;
``year_outcome`` gives the person-level outcome of one year (for the calibration).

The run folder (``Results.save``) holds ``summary.json``, ``indicators.parquet`` and ``.csv``,
``provenance.json`` and ``scenario.yaml``; it is written to a temporary folder beside the
target and renamed into place only when complete, so a failure leaves nothing behind.
"""

from __future__ import annotations

import copy
import hashlib
import json
import os
import shutil
import tempfile
import warnings
from collections.abc import Iterable
from concurrent.futures import Future
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import pandas as pd
import yaml

from llr_sim import __version__
from llr_sim.behaviour.parameters import CALIBRATED_FILE, Behaviour, load_behaviour
from llr_sim.errors import InputError, InputErrors
from llr_sim.fileio import publish
from llr_sim.indicators import COLUMNS, cells_of, year_table
from llr_sim.inputs import (  # the checks every entry point shares
    DEFAULT_YEARS,
    START_YEAR,
    check_replicates,
    check_years,
    resolve_scenario,
)
from llr_sim.model.engine import Engine
from llr_sim.model.layer import PolicyLayer
from llr_sim.model.model import LLRModel, Schedule
from llr_sim.model.outcome import YearOutcome
from llr_sim.model.projection import load_data as load_demography
from llr_sim.model.streams import Streams
from llr_sim.policy.scenarios import load_scenario
from llr_sim.population.population import Population, git_commit, load_population
from llr_sim.population.synthesis import check_scale, check_seed, synthesise_population
from llr_sim.population.targets import load_targets

CALIBRATION_SCENARIO = "status_quo"
CACHE_DIR = Path(__file__).resolve().parents[1] / "data" / "synthetic" / "cache"


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


def _schedules(scenario, behaviour: Behaviour, base=None):
    """Functions year -> parameters and year -> behaviour for a scenario.

    A scenario that extends the status quo applies its reform from the first year of its
    ``period``; before that (2021 to the calibration year 2023) the status-quo rules and behaviour
    hold, so every scenario shares the calibrated base year. ``base`` is the status quo, if
    already loaded.
    """
    own_behaviour = behaviour.with_values(scenario.behaviour)
    start = scenario.period[0] if scenario.period else None
    if start is None or CALIBRATION_SCENARIO not in scenario.chain:
        return (lambda y: scenario.parameters), (lambda y: own_behaviour)
    if scenario.name == CALIBRATION_SCENARIO:
        base = scenario
    elif base is None:
        base = load_scenario(CALIBRATION_SCENARIO)
    base_behaviour = behaviour.with_values(base.behaviour)

    def parameters_for(year: int):
        return scenario.parameters if year >= start else base.parameters

    def behaviour_for(year: int):
        return own_behaviour if year >= start else base_behaviour

    return parameters_for, behaviour_for


#: Behavioural values that describe a response to an incentive: only the policy layers read
#: them, so scenarios that differ only in these share one world and one counterfactual.
POLICY_RESPONSES = (
    "awareness.",
    "hassle.",
    "ontwikkelbudget.salience",
    "employer.vov_boost",
    "employer.vov_registration",
    "employer.substitution",
)


def world_key(schedule: Schedule, last_year: int) -> tuple:
    """What the world and the counterfactual of a schedule read: the other behavioural values."""
    return tuple(
        tuple(
            (k, v)
            for k, v in sorted(schedule.behaviour_for(year).values.items())
            if not k.startswith(POLICY_RESPONSES)
        )
        for year in range(START_YEAR, last_year + 1)
    )


def run_once(
    scenarios: list,
    population: Population,
    years: list[int],
    streams: Streams,
    behaviour: Behaviour,
    *,
    engine: Engine,
    counterfactual: bool = True,
    progress=None,
) -> list[tuple[pd.DataFrame, pd.DataFrame, dict]]:
    """One replicate of several scenarios: one world and one counterfactual per world they share.

    Returns:
        Per scenario (in order): the indicator rows of the reported years, the
        DataCollector's model series, and the world's demographic record.
    """
    # The status quo read once: every reform starts from it, and scenarios whose rules are the
    # same object in a year step as one layer (see ``LLRModel``).
    base = load_scenario(CALIBRATION_SCENARIO)
    base = next((s for s in scenarios if s.to_dict() == base.to_dict()), base)
    schedules = [Schedule(s.name, *_schedules(s, behaviour, base)) for s in scenarios]
    groups: dict[tuple, list[int]] = {}
    for i, schedule in enumerate(schedules):
        groups.setdefault(world_key(schedule, years[-1]), []).append(i)
    out: list = [None] * len(scenarios)
    for members in groups.values():
        results = _run_world(
            [schedules[i] for i in members],
            population,
            years,
            streams,
            engine=engine,
            counterfactual=counterfactual,
            progress=progress,
        )
        for i, result in zip(members, results, strict=True):
            out[i] = result
    return out


def _table(name: str, s: YearOutcome, cf: YearOutcome, shared: dict) -> pd.DataFrame:
    """A layer's indicator table, with the cells of its year made once (tables run in turn)."""
    if s.year not in shared:
        shared.clear()
        shared[s.year] = cells_of(s)
    return year_table(name, s, cf, shared[s.year])


def _run_world(
    schedules: list[Schedule],
    population: Population,
    years: list[int],
    streams: Streams,
    *,
    engine: Engine,
    counterfactual: bool,
    progress,
) -> list[tuple[pd.DataFrame, pd.DataFrame, dict]]:
    """Schedules that share their world, from the base year to the last year reported."""
    model = LLRModel(
        population, schedules, streams, START_YEAR, engine=engine, counterfactual=counterfactual
    )
    model.world.last_year = years[-1]
    tables: dict[str, list] = {s.name: [] for s in schedules}
    pending: list[Future] = []
    shared: dict[int, object] = {}  # the year's cells, made once for the layers of the world

    def table_of(layer) -> None:
        # A layer's indicator table is summed in the tables' thread while the next layer steps;
        # one table at a time, so that few layers' outcomes are alive at once.
        if layer is model.counterfactual or model.year < years[0]:
            return
        cf = model.counterfactual.outcome if model.counterfactual is not None else layer.outcome
        if pending:
            pending.pop().result()
        outcome = layer.outcome
        if layer.lead is None:  # a twin's outcome is its lead's, already trimmed
            # What the table does not read goes before it waits in the tables' thread.
            for unread in ("balance_start", "credit", "spent", "expired", "employer_trained"):
                setattr(outcome, unread, None)
        future = engine.table(_table, layer.name, outcome, cf, shared)
        tables[layer.name].append(future)
        pending.append(future)
        layer.outcome = None  # the table holds what it reads

    model.on_layer_done = table_of
    for _year in range(START_YEAR, years[-1] + 1):
        model.step()
        if model.counterfactual is not None:
            model.counterfactual.outcome = None  # the year's tables hold what they read
        if progress is not None and model.year >= years[0]:
            progress.update(1)
    out = []
    for schedule, layer in zip(schedules, model.layers, strict=True):
        series = layer.datacollector.get_model_vars_dataframe()
        frames = [future.result() for future in tables[schedule.name]]
        out.append(
            (
                pd.concat(frames, ignore_index=True),
                series[series["year"] >= years[0]],
                _demography_record(model.world.demography),
            )
        )
    return out


def _demography_record(demography) -> dict:
    """What the world's population did: the projection it followed and each year's accounts."""
    return {
        "projection": copy.deepcopy(demography.projection.fit),  # the projection is cached
        "years": copy.deepcopy(demography.log),
        "method": "persons are rows with weights: an entrant takes the row of a leaver; deaths "
        "and net migration change weights; each sex and five-year band is aligned to the "
        "projection (llr_sim/model/demography.py)",
    }


class Replay:
    """One world, recorded once, on which scenarios are replayed: only their policy layers run.

    For the explorer: a moved policy slider (or a behavioural value that only describes a
    response to an incentive) reruns the scenario's policy layer over the recorded years, not
    the world or the counterfactual. A scenario whose other behavioural values differ needs a
    world of its own, which is then recorded anew. The numbers are those of :func:`simulate`.
    The recorded years take memory (about 50 MB a year at scale 0.05): use it at small scales.

    Args:
        scenario: The scenario the world is recorded with (a Scenario, a path or a name).
        scale, seed, years: As for :func:`simulate` (one replicate).
        population: A synthetic population to use instead of the cached one.
    """

    def __init__(self, scenario, scale=0.01, seed=0, years=DEFAULT_YEARS, *, population=None):
        scale, seed, self.years = check_scale(scale), check_seed(seed), check_years(years)
        self.scale, self.seed = scale, seed
        self.population = population if population is not None else cached_population(scale, seed)
        self.behaviour = load_behaviour()
        self._base = load_scenario(CALIBRATION_SCENARIO)
        self.worlds, self.counterfactual = [], []
        self.employers = self.initial_rights = self.demography = None
        self.key = None
        #: The scenario's Results on the recorded world.
        self.results = self.run(scenario)

    def _record(self, schedule: Schedule) -> None:
        """Run the world and the counterfactual once, keeping every year of both."""
        model = LLRModel(self.population, [schedule], Streams(self.seed), START_YEAR)
        model.world.last_year = self.years[-1]
        self.worlds, self.counterfactual = [], []
        for _ in range(START_YEAR, self.years[-1] + 1):
            model.step()
            w = model.world_year
            w.persons = w.persons.copy()  # the live persons move on next year
            self.worlds.append(w)
            self.counterfactual.append(model.counterfactual.outcome)
        self.employers = model.world.employers
        self.initial_rights = model.world.initial_rights
        self.demography = _demography_record(model.world.demography)
        self.key = world_key(schedule, self.years[-1])

    def run(self, scenario) -> Results:
        """The scenario on the recorded world: its policy layer only, when the world allows."""
        resolved = resolve_scenario(scenario)
        schedule = Schedule(resolved.name, *_schedules(resolved, self.behaviour, self._base))
        if world_key(schedule, self.years[-1]) != self.key:
            self._record(schedule)  # another world: recorded anew
        layer = PolicyLayer(
            resolved.name,
            schedule.parameters_for,
            schedule.behaviour_for,
            self.employers,
            self.initial_rights,
        )
        frames, shared = [], {}
        with Engine() as engine:  # a year's table is summed while the next year steps
            for w, cf in zip(self.worlds, self.counterfactual, strict=True):
                layer.ask_rules(w, engine)
                layer.step(w, engine)
                layer.datacollector.collect(None)
                if w.year >= self.years[0]:
                    frames.append(engine.table(_table, resolved.name, layer.outcome, cf, shared))
            table = pd.concat([frame.result() for frame in frames], ignore_index=True)
        series = layer.datacollector.get_model_vars_dataframe()
        return _results(
            resolved,
            (table, series[series["year"] >= self.years[0]], self.demography),
            self.population,
            self.scale,
            self.seed,
            self.years,
            1,
        )


def year_outcome(
    scenario,
    year: int,
    *,
    population: Population,
    seed: int = 0,
    behaviour: Behaviour | None = None,
) -> YearOutcome:
    """A scenario's per-person outcome of one year, from the base population (no counterfactual).

    The entry point of the calibration: the person-level arrays (who trained, who used what,
    at what cost) that the indicator table sums.

    Args:
        scenario: A Scenario, a path or a name.
        year: The year, at least the first simulated one (2021).
        population: The synthetic population.
        seed: The root seed (replicate 0).
        behaviour: The behavioural values (default: the calibrated ones).
    """
    resolved = resolve_scenario(scenario)
    behaviour = behaviour if behaviour is not None else load_behaviour()
    schedule = Schedule(resolved.name, *_schedules(resolved, behaviour))
    model = LLRModel(population, [schedule], Streams(seed), START_YEAR, counterfactual=False)
    model.world.last_year = year
    for _ in range(START_YEAR, year + 1):
        model.step()
    return model.outcome


def simulate(
    scenario,
    scale: float = 0.01,
    seed: int = 0,
    years: Iterable[int] = DEFAULT_YEARS,
    replicates: int = 1,
    *,
    population: Population | None = None,
    show_progress: bool = False,
    background: bool = True,
) -> Results | list[Results]:
    """Simulate scenarios and their counterfactual; return the indicators and headline figures.

    Several scenarios run on one population, one world of the year and one counterfactual
    (scenarios whose behaviour differs beyond the responses to incentives get a world of their
    own); each scenario's numbers are those it has when run alone, bit for bit.

    Args:
        scenario: A Scenario, a path to a scenario file or a scenario name, or a list of them.
        scale: Share of the population simulated, in (0, 1].
        seed: Root of the random generator tree.
        years: Reported years, contiguous, within 2023-2035 (2023 is the calibration year).
            Every run simulates every year from the base population (2021); the years only
            choose what is reported.
        replicates: Monte Carlo replicates (1-1000). With more than one, every replicate draws
            the non-calibrated behavioural parameters from their ranges and uses fresh random
            draws; ``value`` stays the central run and ``ci_low``/``ci_high`` give the 5th and
            95th percentiles over the replicates.
        population: A synthetic population to use instead of the cached one for (scale, seed).
        show_progress: A progress bar on stderr.
        background: Use background threads (the same numbers without).

    Returns:
        The Results (a list of them, in order, when ``scenario`` is a list).

    Raises:
        InputError: For a bad scenario, scale, seed, years or replicates (before any work).
    """
    several = isinstance(scenario, list | tuple)
    refs = list(scenario) if several else [scenario]
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
    resolved = []
    for ref in refs:
        try:
            resolved.append(resolve_scenario(ref))
        except InputErrors as err:
            problems.extend(err.problems)
        except InputError as err:
            problems.append(err)
    if not refs:
        problems.append(InputError("scenario", "no scenario given"))
    try:  # the demography the world follows: a damaged file is named before any work
        load_demography()
    except InputError as err:
        problems.append(err)
    names = [r.name for r in resolved]
    if len(set(names)) != len(names):
        problems.append(InputError("scenario", f"a scenario is named twice: {names}"))
    if problems:
        raise problems[0] if len(problems) == 1 else InputErrors(problems)
    scale, seed, years, replicates = (checked[k] for k in ("scale", "seed", "years", "replicates"))

    if population is None:
        population = cached_population(scale, seed, show_progress=show_progress)
    behaviour = load_behaviour()
    progress = None
    if show_progress:
        from tqdm import tqdm  # noqa: PLC0415 - optional progress bar

        label = resolved[0].name if len(resolved) == 1 else f"{len(resolved)} scenarios"
        progress = tqdm(total=len(years) * replicates, desc=label, unit="year")
    try:
        with Engine(background=background) as engine:
            runs = _replicates(
                resolved, population, years, seed, replicates, behaviour, engine, progress
            )
    finally:
        if progress is not None:
            progress.close()
    out = [
        _results(r, run, population, scale, seed, years, replicates)
        for r, run in zip(resolved, runs, strict=True)
    ]
    return out if several else out[0]


def _replicates(scenarios, population, years, seed, replicates, behaviour, engine, progress):
    """The central run and (with replicates) the 90% band of every scenario."""
    central = run_once(
        scenarios, population, years, Streams(seed, 0), behaviour, engine=engine, progress=progress
    )
    if replicates == 1:
        return central
    draws = [[table["value"].to_numpy()] for table, *_ in central]
    for r in range(1, replicates):
        streams = Streams(seed, r)
        sampled = behaviour.sample(streams.rng(0, "parameters"))
        runs = run_once(
            scenarios, population, years, streams, sampled, engine=engine, progress=progress
        )
        for values, (table, *_) in zip(draws, runs, strict=True):
            values.append(table["value"].to_numpy())
    out = []
    for values, (table, series, record) in zip(draws, central, strict=True):
        stack = np.vstack(values)
        with np.errstate(all="ignore"), warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)
            low = np.nanpercentile(stack, 5, axis=0)
            high = np.nanpercentile(stack, 95, axis=0)
        out.append((table.assign(ci_low=low, ci_high=high), series, record))
    return out


def _results(resolved, run, population, scale, seed, years, replicates) -> Results:
    """A scenario's Results: its indicators, summary and provenance (``run``: from run_once)."""
    indicators, series, demography = run
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
        "demography": demography,
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
