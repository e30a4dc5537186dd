"""Monte Carlo sweeps on Dask: scenarios x grid points x replicates as independent tasks.

Every task is one scenario at one grid point and replicate, with replicate-specific random draws;
the tasks of one grid point and replicate run together in one ``simulate`` call (one world, one
counterfactual for all their scenarios). The seed of replicate
``r`` is derived from the sweep's seed through one ``numpy.random.SeedSequence``, and is the
same for every scenario and grid point (common random numbers: differences between scenarios
and grid points are the policy or the assumption, not noise). Results therefore do not depend on
the number of workers or the order in which tasks finish.

Each finished task is written to ``OUT/tasks/<task_id>.parquet`` (atomically), so an interrupted
sweep resumes where it stopped; when all tasks are done they are combined, in plan order, into
``OUT/sweep.parquet``: one tidy table with the task's scenario, grid point and replicate as
columns.
"""

from __future__ import annotations

import hashlib
import itertools
import json
import re
from collections.abc import Iterable
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np
import pandas as pd

from llr_sim import __version__
from llr_sim.errors import InputError
from llr_sim.fileio import atomic_write
from llr_sim.inputs import (
    RunInputs,
    behaviour_problems,
    check_output_dir,
    check_run_inputs,
    raise_problems,
)
from llr_sim.simulation import simulate

_GRID = re.compile(
    r"^behaviour\.(?P<path>[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)+)=(?P<values>.+)$"
)
SCHEDULER_TIMEOUT_S = 5


@dataclass(frozen=True)
class Task:
    """One simulation of a sweep.

    The id hashes the scenario's resolved content and the package version too, so a sweep
    folder never mixes results of an edited scenario file or another model version.
    """

    scenario: str
    grid: tuple[tuple[str, float], ...]
    replicate: int
    seed: int
    content: str = ""

    @property
    def grid_point(self) -> str:
        """The grid point as text, e.g. ``awareness.base=0.2`` (``none`` without a grid)."""
        return ";".join(f"{k}={v:g}" for k, v in self.grid) or "none"

    @property
    def task_id(self) -> str:
        """A stable identifier from the task's content."""
        key = json.dumps([self.scenario, self.grid_point, self.replicate, self.seed, self.content])
        return hashlib.sha256(key.encode()).hexdigest()[:16]


def parse_grid(items: Iterable[str]) -> list[tuple[tuple[str, float], ...]]:
    """Parse ``--grid behaviour.PATH=a,b,c`` flags into the grid points (their product).

    Raises:
        InputError: Naming ``--grid`` and the malformed item.
    """
    axes: list[list[tuple[str, float]]] = []
    seen: set[str] = set()
    for item in items:
        m = _GRID.match(item.strip())
        if not m:
            raise InputError(
                "--grid", f"{item!r} is not behaviour.PATH=a,b,c (numbers, comma-separated)"
            )
        path = m["path"]
        if path in seen:
            raise InputError("--grid", f"behaviour.{path} is given twice")
        seen.add(path)
        values = []
        for text in m["values"].split(","):
            try:
                value = float(text)
            except ValueError:
                raise InputError("--grid", f"behaviour.{path}: {text!r} is not a number") from None
            if not np.isfinite(value):
                raise InputError("--grid", f"behaviour.{path}: {text!r} is not a finite number")
            values.append(value)
        if len(set(values)) != len(values):
            raise InputError("--grid", f"behaviour.{path}: repeated values")
        axes.append([(path, v) for v in values])
    return [tuple(point) for point in itertools.product(*axes)] if axes else [()]


def replicate_seeds(seed: int, replicates: int) -> list[int]:
    """One seed per replicate, derived from the sweep's seed."""
    children = np.random.SeedSequence(seed).spawn(replicates)
    return [int(c.generate_state(1, dtype=np.uint32)[0]) for c in children]


def plan_tasks(
    scenarios: list[str], grid: list, replicates: int, seed: int, content: dict | None = None
) -> list[Task]:
    """Every task of the sweep, in a fixed order (scenario, grid point, replicate).

    ``content`` maps a scenario name to a hash of what the task depends on besides its own
    fields (the resolved scenario, the package version).
    """
    seeds = replicate_seeds(seed, replicates)
    content = content or {}
    return [
        Task(scenario, point, r, seeds[r], content.get(scenario, ""))
        for scenario in scenarios
        for point in grid
        for r in range(replicates)
    ]


def _content_hash(scenario) -> str:
    data = json.dumps([scenario.to_dict(), __version__], sort_keys=True, default=str)
    return hashlib.sha256(data.encode()).hexdigest()[:16]


def _atomic_text(text: str, path: Path) -> None:
    atomic_write(path, lambda tmp: tmp.write_text(text))


def _atomic_parquet(frame: pd.DataFrame, path: Path) -> None:
    atomic_write(path, lambda tmp: frame.to_parquet(tmp, index=False))


def run_task(task: Task, scenario, scale: float, years: tuple[int, int], out: str) -> str:
    """Run one task and write its tidy indicators; returns the file written."""
    return run_tasks([task], [scenario], scale, years, out)[0]


def run_tasks(tasks: list[Task], scenarios: list, scale: float, years, out: str) -> list[str]:
    """Run the tasks of one grid point and replicate at once; returns the files written.

    All their scenarios run in one ``simulate`` call, on one world and one counterfactual
    (each scenario's numbers are those it has alone). Runs in a Dask worker, which receives the
    resolved scenarios (so a remote worker needs the package, not the scenario files) and writes
    one file per task to ``out`` (a folder all workers can reach).
    """
    first = tasks[0]
    if any((t.grid, t.replicate) != (first.grid, first.replicate) for t in tasks):
        raise ValueError("run_tasks runs the tasks of one grid point and replicate")
    if first.grid:
        scenarios = [replace(s, behaviour={**s.behaviour, **dict(first.grid)}) for s in scenarios]
    runs = simulate(
        list(scenarios), scale=scale, seed=first.seed, years=range(years[0], years[1] + 1)
    )
    written = []
    for task, results in zip(tasks, runs, strict=True):
        frame = results.indicators.copy()
        frame.insert(0, "replicate", np.int32(task.replicate))
        frame.insert(0, "grid_point", task.grid_point)
        frame.insert(0, "task_id", task.task_id)
        for path, value in task.grid:
            frame[f"behaviour.{path}"] = value
        target = Path(out) / "tasks" / f"{task.task_id}.parquet"
        _atomic_parquet(frame, target)
        written.append(str(target))
    return written


def check_behaviour_overrides(overrides: dict[str, float]) -> list[InputError]:
    """The problems of grid values (each naming ``--grid``): names and ranges of behaviour.yaml."""
    return behaviour_problems(overrides, "--grid") if overrides else []


def _client(workers: int, scheduler: str | None):
    from distributed import Client, LocalCluster  # noqa: PLC0415 - Dask loads only to run a sweep

    if scheduler:
        try:
            return Client(scheduler, timeout=f"{SCHEDULER_TIMEOUT_S}s"), None
        except (OSError, TimeoutError, ValueError) as err:
            raise InputError(
                "--scheduler",
                f"cannot reach the Dask scheduler at {scheduler} "
                f"within {SCHEDULER_TIMEOUT_S} s ({type(err).__name__})",
            ) from None
    cluster = LocalCluster(
        n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=":0"
    )
    return Client(cluster), cluster


def run_sweep(
    scenarios: list,
    out: str | Path,
    *,
    replicates: int = 1,
    grid: list | None = None,
    scale: float = 0.01,
    seed: int = 0,
    years: tuple[int, int] = (2024, 2030),
    workers: int = 2,
    scheduler: str | None = None,
    show_progress: bool = False,
) -> Path:
    """Run (or resume) a sweep and return the combined table's path.

    Args:
        scenarios: Scenario names, paths or Scenarios (a scenario given twice is refused).
        out: The sweep folder (created if needed; holds the task files and the result).
        replicates: Replicates per scenario and grid point.
        grid: Grid points from ``parse_grid``; one point without overrides by default.
        scale: Population scale of every task.
        seed: Root seed of the sweep.
        years: The years reported: ``(first, last)``, a range or ``"2024-2030"``.
        workers: Worker processes of the local cluster (ignored with ``scheduler``).
        scheduler: Address of an existing Dask scheduler, e.g. ``tcp://10.0.0.5:8786``.
        show_progress: A progress bar on stderr.

    Raises:
        InputError: Bad input, an unreachable scheduler, or a folder holding another sweep.
    """
    grid = grid if grid is not None else [()]
    # Every input, every scenario and every grid value before any task starts, all at once.
    problems: list[InputError] = []
    run = RunInputs()
    try:
        run = check_run_inputs(
            scenarios=scenarios, scale=scale, seed=seed, years=years, replicates=replicates
        )
    except InputError as err:
        problems.append(err)
    for point in grid:
        problems.extend(check_behaviour_overrides(dict(point)))
    try:
        out = check_output_dir(out, "--out", make=False)
    except InputError as err:
        problems.append(err)
    raise_problems(problems)
    scale, seed, replicates = run.scale, run.seed, run.replicates
    years = (run.years[0], run.years[-1])
    resolved = {scenario.name: scenario for scenario in run.scenarios}
    content = {name: _content_hash(s) for name, s in resolved.items()}
    tasks = plan_tasks(list(resolved), grid, replicates, seed, content)
    manifest = {
        "scenarios": list(resolved),
        "grid": [dict(p) for p in grid],
        "replicates": replicates,
        "seed": seed,
        "scale": scale,
        "years": list(years),
        "contents": content,
        "tasks": [t.task_id for t in tasks],
    }
    manifest_path = out / "sweep.json"
    if manifest_path.exists():
        try:
            previous = json.loads(manifest_path.read_text())
        except (OSError, ValueError):
            raise InputError(
                "--out", f"{manifest_path} is unreadable; remove it or choose another folder"
            ) from None
        if previous != manifest:
            raise InputError(
                "--out",
                f"{out} holds a different sweep (other scenarios, grid, replicates, "
                "seed, scale, years, scenario contents or llr-sim version); choose another folder",
            )
    pending = [t for t in tasks if not (out / "tasks" / f"{t.task_id}.parquet").exists()]
    if pending:
        # Connect before writing anything: an unreachable scheduler leaves no folder behind.
        client, cluster = _client(workers, scheduler)
        try:
            try:
                (out / "tasks").mkdir(parents=True, exist_ok=True)
            except OSError as err:
                raise InputError("--out", f"cannot create {out} ({err.strerror})") from None
            _atomic_text(json.dumps(manifest, indent=2) + "\n", manifest_path)
            _run_pending(client, pending, resolved, scale, years, out, show_progress, len(tasks))
        finally:
            client.close()
            if cluster is not None:
                cluster.close()
    frames = [pd.read_parquet(out / "tasks" / f"{t.task_id}.parquet") for t in tasks]
    combined = pd.concat(frames, ignore_index=True)
    target = out / "sweep.parquet"
    _atomic_parquet(combined, target)
    return target


def _run_pending(client, pending, resolved, scale, years, out, show_progress, total) -> None:
    from distributed import as_completed  # noqa: PLC0415 - Dask loads only to run a sweep
    from tqdm import tqdm  # noqa: PLC0415 - optional progress bar

    # The pending tasks of one grid point and replicate run together: one world for all their
    # scenarios.
    groups: dict[tuple, list[Task]] = {}
    for task in pending:
        groups.setdefault((task.grid, task.replicate), []).append(task)
    batches = list(groups.values())
    scenarios = [[resolved[t.scenario] for t in batch] for batch in batches]
    futures = client.map(
        run_tasks, batches, scenarios, scale=scale, years=years, out=str(out), pure=False
    )
    with tqdm(
        total=total,
        initial=total - len(pending),
        disable=not show_progress,
        desc="sweep",
        unit="task",
    ) as bar:
        for future in as_completed(futures):
            # A task's error surfaces here; finished tasks stay on disk.
            bar.update(len(future.result()))
