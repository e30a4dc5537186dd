"""The report batch: the notebooks run by papermill for several scenarios, in parallel.

Layout of a batch folder (``--out``)::

    index.html                 the headline table and links to everything (works offline)
    batch.json                 what ran, with what parameters, and how it ended
    population/                notebook 01: notebook.ipynb, report.html, figures/, tables/
    scenarios/<name>/          notebook 02 per scenario, plus run/ (the model's run folder)
    comparison/                notebook 03 over the scenarios that succeeded
    scenarios/<name>.failed/   what a failed scenario left (notebook with the error)

Every folder is written under a hidden temporary name and renamed when complete, so an
interrupted batch leaves no half-written folder, and a re-run skips folders that exist (unless
``force``). One failing scenario does not stop the others.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import yaml

from llr_sim.errors import InputError, InputErrors
from llr_sim.reporting import notebook as nb

NOTEBOOKS = {
    "population": "01_population.ipynb",
    "scenario": "02_scenario_report.ipynb",
    "comparison": "03_compare_scenarios.ipynb",
}
#: Parameters the batch sets itself (from its flags); ``--param`` may not set them.
MANAGED = {
    "scenario",
    "scenarios",
    "run_dirs",
    "output_dir",
    "scale",
    "seed",
    "years",
    "replicates",
    "lang",
}
PREFERRED_KERNEL = "llr-sim"


# ---------------------------------------------------------------------------------------------
# Checks before any kernel starts


def notebook_parameters(path: Path) -> dict[str, Any]:
    """The parameters a notebook declares in its cell tagged ``parameters`` (name to default)."""
    import papermill

    if not path.is_file():
        raise InputError(str(path), "notebook not found")
    found = papermill.inspect_notebook(str(path))
    return {name: spec.get("default") for name, spec in found.items()}


def check_parameters(path: Path, params: dict[str, Any]) -> None:
    """Refuse a parameter the notebook does not declare (papermill would only warn).

    Raises:
        InputError: Naming the unknown parameter and the ones the notebook takes.
    """
    known = notebook_parameters(path)
    for name in params:
        if name not in known:
            raise InputError(
                f"{path.name}: parameter {name}",
                f"unknown notebook parameter; it takes {', '.join(sorted(known))}",
            )


def kernel_name() -> str:
    """The project's kernel ``llr-sim`` (``make install`` registers it), else ``python3``."""
    from jupyter_client.kernelspec import KernelSpecManager

    specs = KernelSpecManager().find_kernel_specs()
    if PREFERRED_KERNEL in specs:
        return PREFERRED_KERNEL
    if "python3" in specs:
        return "python3"
    raise InputError("kernel", "no Jupyter kernel 'llr-sim' or 'python3'; run `make install`")


def parse_param(text: str) -> tuple[str, Any]:
    """``NAME=VALUE`` with the value read as YAML (``3``, ``0.5``, ``[a, b]``, ``text``)."""
    name, sep, value = text.partition("=")
    if not sep or not name.strip():
        raise InputError("--param", f"expected NAME=VALUE, got {text!r}")
    try:
        parsed = yaml.safe_load(value) if value.strip() else None
    except yaml.YAMLError:
        parsed = value
    return name.strip(), parsed


@dataclass
class Plan:
    """A checked batch: everything the jobs need, with absolute paths.

    Attributes:
        scenarios: Scenario name to its file.
        out: The batch folder.
        scale: Share of the population.
        seed: Random seed.
        years: ``FIRST-LAST`` or None.
        replicates: Replicates per scenario.
        lang: ``nl`` or ``en``.
        jobs: Parallel processes.
        force: Redo finished folders.
        params: Extra notebook parameters, per notebook kind.
        kernel: The Jupyter kernel.
        notebook_dir: Where the notebooks are.
        population: Whether to include the population report.
    """

    scenarios: dict[str, str]
    out: Path
    scale: float = 0.02
    seed: int = 0
    years: str | None = None
    replicates: int = 1
    lang: str = "nl"
    jobs: int = 2
    force: bool = False
    params: dict[str, dict[str, Any]] = field(default_factory=dict)
    kernel: str = PREFERRED_KERNEL
    notebook_dir: Path = nb.NOTEBOOK_DIR
    population: bool = True


def default_scenarios() -> list[str]:
    """Every scenario file in the project's ``scenarios/`` folder."""
    return sorted(str(p) for p in (nb.PROJECT_ROOT / "scenarios").glob("*.yaml"))


def make_plan(
    scenarios: list[str] | None,
    out: str | os.PathLike,
    scale: Any = 0.02,
    seed: Any = 0,
    years: Any = None,
    replicates: Any = 1,
    lang: str = "nl",
    jobs: Any = None,
    force: bool = False,
    params: list[str] | dict[str, Any] | None = None,
    notebook_dir: str | os.PathLike | None = None,
    population: bool = True,
) -> Plan:
    """Check everything a batch needs; every problem at once, before any kernel starts.

    Raises:
        InputError: For a bad scenario, folder, flag or notebook parameter.
    """
    problems: list[InputError] = []

    def attempt(fn, *args):
        try:
            return fn(*args)
        except InputErrors as err:
            problems.extend(err.problems)
        except InputError as err:
            problems.append(err)
        return None

    refs = list(scenarios) if scenarios else default_scenarios()
    if not refs:
        problems.append(InputError("SCENARIO", "no scenarios given and none in scenarios/"))
    found: dict[str, str] = {}
    for ref in refs:
        scenario = attempt(nb.resolve_scenario, ref, ref)
        if scenario is None:
            continue
        if scenario.name in found:
            problems.append(InputError(ref, f"scenario {scenario.name!r} given twice"))
            continue
        found[scenario.name] = str(Path(scenario.path).resolve()) if scenario.path else ref
    if not scenarios:
        # The default set in the order of the growth path: each scenario after what it extends.
        found = dict(sorted(found.items(), key=lambda item: (_depth(item[1]), item[0])))
    folder = attempt(nb.check_output_dir, out, "--out")
    scale = attempt(nb.check_scale, scale, "--scale")
    seed = attempt(nb.check_int, seed, "--seed", 0)
    replicates = attempt(nb.check_int, replicates, "--replicates", 1)
    year_range = attempt(nb.check_years, years, "--years")
    lang = attempt(nb.check_lang, lang)
    jobs = attempt(nb.check_int, jobs if jobs is not None else (os.cpu_count() or 1), "--jobs", 1)
    book_dir = Path(notebook_dir) if notebook_dir else nb.NOTEBOOK_DIR
    extra: dict[str, dict[str, Any]] = {kind: {} for kind in NOTEBOOKS}
    pairs = params.items() if isinstance(params, dict) else (parse_param(p) for p in params or [])
    declared = {}
    for kind, name in NOTEBOOKS.items():
        declared[kind] = attempt(notebook_parameters, book_dir / name) or {}
    for name, value in pairs:
        if name in MANAGED:
            problems.append(InputError(f"--param {name}", "set by the batch's own flags"))
            continue
        takers = [kind for kind in NOTEBOOKS if name in declared[kind]]
        if not takers:
            every = sorted(set().union(*declared.values()) - MANAGED)
            takes = f"they take {', '.join(every)}" if every else "the flags set all of them"
            problems.append(
                InputError(f"--param {name}", f"unknown notebook parameter of the batch; {takes}")
            )
        for kind in takers:
            extra[kind][name] = value
    kernel = attempt(kernel_name)
    if problems:
        unique = list({str(p): p for p in problems}.values())
        raise unique[0] if len(unique) == 1 else InputErrors(unique)
    return Plan(
        scenarios=found,
        out=folder.resolve(),
        scale=scale,
        seed=seed,
        years=f"{year_range[0]}-{year_range[-1]}" if year_range else None,
        replicates=replicates,
        lang=lang,
        jobs=jobs,
        force=force,
        params=extra,
        kernel=kernel,
        notebook_dir=book_dir.resolve(),
        population=population,
    )


def _depth(path: str) -> int:
    from llr_sim.policy.scenarios import load_scenario

    return len(load_scenario(path).chain)


# ---------------------------------------------------------------------------------------------
# One job: a notebook into a folder, atomically


@dataclass
class Job:
    """One notebook run into one folder."""

    kind: str
    name: str
    folder: str
    notebook: str
    parameters: dict[str, Any]
    kernel: str
    title: str


def run_job(job: Job) -> dict[str, Any]:
    """Execute the notebook into a hidden temporary folder, export HTML, then rename.

    On failure the partial folder becomes ``<folder>.failed`` (the notebook shows the error)
    and the finished folder, if any, is left as it was.
    """
    import papermill

    from llr_sim.reporting.html import export_html

    final = Path(job.folder)
    final.parent.mkdir(parents=True, exist_ok=True)
    tmp = final.parent / f".{final.name}.tmp-{os.getpid()}"
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir()
    started = time.monotonic()
    output = tmp / "notebook.ipynb"
    status: dict[str, Any] = {"kind": job.kind, "name": job.name, "folder": str(final)}
    try:
        try:
            papermill.execute_notebook(
                job.notebook,
                str(output),
                parameters={**job.parameters, "output_dir": str(tmp)},
                kernel_name=job.kernel,
                cwd=str(tmp),
                progress_bar=False,
                log_output=False,
                report_mode=False,
            )
        except Exception as err:  # noqa: BLE001 - a failed notebook is a result, not a crash
            status.update(status="failed", error=_error_line(err))
            if output.is_file():
                try:
                    export_html(output, tmp / "report.html", title=f"{job.title} (mislukt)")
                except Exception:  # noqa: BLE001 - the error is already recorded
                    pass
            failed = final.with_name(final.name + ".failed")
            shutil.rmtree(failed, ignore_errors=True)
            os.replace(tmp, failed)
            status["failed_folder"] = str(failed)
            return status
        export_html(output, tmp / "report.html", title=job.title)
        _replace_folder(tmp, final)
        shutil.rmtree(final.with_name(final.name + ".failed"), ignore_errors=True)
        status["status"] = "ok"
        return status
    finally:
        status["seconds"] = round(time.monotonic() - started, 1)
        shutil.rmtree(tmp, ignore_errors=True)


def run_job_in_process(job: Job) -> dict[str, Any]:
    """:func:`run_job` in a fresh Python process; a crash of that process is one failure."""
    done = subprocess.run(
        [sys.executable, "-m", "llr_sim.reporting.batch", json.dumps(asdict(job))],
        capture_output=True,
        text=True,
        check=False,
    )
    lines = done.stdout.strip().splitlines()
    try:
        return json.loads(lines[-1])
    except (IndexError, ValueError):
        error = (done.stderr.strip().splitlines() or [f"exit code {done.returncode}"])[-1]
        return {
            "kind": job.kind,
            "name": job.name,
            "folder": job.folder,
            "status": "failed",
            "error": error[:300],
        }


def _replace_folder(new: Path, final: Path) -> None:
    """Put ``new`` in place of ``final``; the old one is only removed once the new is there."""
    if final.exists():
        old = final.with_name(f".{final.name}.old-{os.getpid()}")
        os.replace(final, old)
        os.replace(new, final)
        shutil.rmtree(old, ignore_errors=True)
    else:
        os.replace(new, final)


def _error_line(err: Exception) -> str:
    """One line for the index: the notebook's exception, not papermill's banner."""
    ename = getattr(err, "ename", None)
    evalue = getattr(err, "evalue", None)
    if ename:
        return f"{ename}: {evalue}".splitlines()[0][:300]
    return f"{type(err).__name__}: {err}".splitlines()[0][:300]


def is_done(folder: Path) -> bool:
    """A finished folder: it exists under its final name (renames are atomic)."""
    return (folder / "report.html").is_file() and (folder / "notebook.ipynb").is_file()


def clean_stale(out: Path) -> list[Path]:
    """Remove temporary folders an interrupted batch left behind."""
    removed = []
    for parent in (out, out / "scenarios"):
        if not parent.is_dir():
            continue
        for path in parent.iterdir():
            if path.name.startswith(".") and (".tmp-" in path.name or ".old-" in path.name):
                shutil.rmtree(path, ignore_errors=True)
                removed.append(path)
    return removed


# ---------------------------------------------------------------------------------------------
# The batch


@dataclass
class BatchResult:
    """How a batch ended: one status per job, the index, and the exit code."""

    statuses: list[dict[str, Any]]
    index: Path

    @property
    def failed(self) -> list[dict[str, Any]]:
        """The jobs that failed."""
        return [s for s in self.statuses if s["status"] == "failed"]

    @property
    def exit_code(self) -> int:
        """0 when everything succeeded (or was already done), 1 otherwise."""
        return 1 if self.failed else 0


def _common(plan: Plan) -> dict[str, Any]:
    params: dict[str, Any] = {"scale": plan.scale, "seed": plan.seed, "lang": plan.lang}
    return params


def _jobs(plan: Plan) -> list[Job]:
    jobs = []
    if plan.population:
        jobs.append(
            Job(
                "population",
                "population",
                str(plan.out / "population"),
                str(plan.notebook_dir / NOTEBOOKS["population"]),
                {**_common(plan), **plan.params.get("population", {})},
                plan.kernel,
                "Synthetische bevolking" if plan.lang == "nl" else "Synthetic population",
            )
        )
    for name, path in plan.scenarios.items():
        parameters = {
            **_common(plan),
            "scenario": path,
            "replicates": plan.replicates,
            "years": plan.years,
            **plan.params.get("scenario", {}),
        }
        jobs.append(
            Job(
                "scenario",
                name,
                str(plan.out / "scenarios" / name),
                str(plan.notebook_dir / NOTEBOOKS["scenario"]),
                parameters,
                plan.kernel,
                name,
            )
        )
    return jobs


def run_batch(plan: Plan, progress: bool = True) -> BatchResult:
    """Run the batch of a checked :class:`Plan`; write the index; never raise for a notebook.

    Scenario folders that are finished are skipped unless ``plan.force``; the comparison is
    redone when a scenario ran or the set of scenarios changed.
    """
    from tqdm.auto import tqdm

    plan.out.mkdir(parents=True, exist_ok=True)
    clean_stale(plan.out)
    statuses: list[dict[str, Any]] = []
    todo: list[Job] = []
    for job in _jobs(plan):
        if not plan.force and is_done(Path(job.folder)):
            statuses.append(
                {"kind": job.kind, "name": job.name, "folder": job.folder, "status": "skipped"}
            )
        else:
            todo.append(job)
    ok_names = [n for n in plan.scenarios if is_done(plan.out / "scenarios" / n)]
    bar = tqdm(total=len(todo) + 1, desc="report", unit="notebook", disable=not progress)
    try:
        if todo:
            workers = max(1, min(plan.jobs, len(todo)))
            # Threads that each wait on a worker process: the notebooks run in parallel
            # processes without multiprocessing's pickling and main-module rules.
            with ThreadPoolExecutor(workers) as pool:
                futures = {pool.submit(run_job_in_process, job): job for job in todo}
                for future in as_completed(futures):
                    job = futures[future]
                    status = future.result()
                    statuses.append(status)
                    bar.set_postfix_str(f"{job.name}: {status['status']}")
                    bar.update()
        ok_names = [n for n in plan.scenarios if is_done(plan.out / "scenarios" / n)]
        ran = any(s["kind"] == "scenario" and s["status"] == "ok" for s in statuses)
        statuses.append(_comparison(plan, ok_names, ran))
        bar.update()
    finally:
        bar.close()
    order = {"population": 0, "scenario": 1, "comparison": 2}
    names = list(plan.scenarios)
    statuses.sort(
        key=lambda s: (order[s["kind"]], names.index(s["name"]) if s["name"] in names else 0)
    )
    from llr_sim.reporting.html import write_index

    _write_json(plan.out / "batch.json", _batch_record(plan, statuses))
    index = write_index(plan.out, statuses, plan.lang)
    return BatchResult(statuses, index)


def _comparison(plan: Plan, names: list[str], ran: bool) -> dict[str, Any]:
    folder = plan.out / "comparison"
    status = {"kind": "comparison", "name": "comparison", "folder": str(folder)}
    if not names:
        return {**status, "status": "failed", "error": "no scenario succeeded"}
    previous = _read_json(folder / "report.json").get("scenarios")
    if not plan.force and not ran and is_done(folder) and previous == names:
        return {**status, "status": "skipped"}
    job = Job(
        "comparison",
        "comparison",
        str(folder),
        str(plan.notebook_dir / NOTEBOOKS["comparison"]),
        {
            **_common(plan),
            "scenarios": names,
            "run_dirs": [str(plan.out / "scenarios" / n / "run") for n in names],
            "replicates": plan.replicates,
            "years": plan.years,
            **plan.params.get("comparison", {}),
        },
        plan.kernel,
        "Vergelijking van de scenario's" if plan.lang == "nl" else "Scenario comparison",
    )
    return run_job_in_process(job)


def _batch_record(plan: Plan, statuses: list[dict[str, Any]]) -> dict[str, Any]:
    from llr_sim import __version__

    record = asdict(plan)
    record["out"] = str(plan.out)
    record["notebook_dir"] = str(plan.notebook_dir)
    return {
        "llr_sim_version": __version__,
        "finished": datetime.now(UTC).isoformat(timespec="seconds"),
        "plan": record,
        "jobs": statuses,
    }


def _read_json(path: Path) -> dict[str, Any]:
    try:
        return json.loads(path.read_text())
    except (OSError, ValueError):
        return {}


def _write_json(path: Path, data: Any) -> None:
    tmp = path.with_name(f".{path.name}.tmp-{os.getpid()}")
    tmp.write_text(json.dumps(data, indent=2, default=str) + "\n")
    os.replace(tmp, path)


if __name__ == "__main__":  # a worker process of run_batch: one job, its status on stdout
    print(json.dumps(run_job(Job(**json.loads(sys.argv[1])))))
