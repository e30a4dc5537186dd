"""The report batch: the notebooks run by papermill for several scenarios, in parallel.

Layout of a batch folder (``--out``)::

    index.html                 the headline table and links to everything (works offline)
    batch.json                 what ran, with what parameters, and how it ended
    population/                notebook 01: notebook.ipynb, report.html, figures/, tables/
    scenarios/<name>/          notebook 02 per scenario, plus run/ (the model's run folder)
    comparison/                notebook 03 over the scenarios that succeeded
    scenarios/<name>.failed/   what a failed scenario left (notebook with the error)

Every folder is written under a hidden temporary name and renamed when complete, so an
interrupted batch leaves no half-written folder. Each finished folder's ``report.json`` records
the job's parameters and the notebook's hash; a re-run skips the folders made with the same
ones (unless ``force``) and refuses, before any kernel starts, a folder made with other ones.
One failing scenario does not stop the others.
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
import re
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

from llr_sim import __version__
from llr_sim.errors import InputError
from llr_sim.fileio import replace_dir
from llr_sim.inputs import (
    CLI_NAMES,
    RunInputs,
    check_output_dir,
    check_run_inputs,
    check_whole_number,
    missing_folders,
    raise_problems,
    remove_empty,
)
from llr_sim.reporting import notebook as nb
from llr_sim.reporting.html import export_html, write_index

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
    import papermill  # noqa: PLC0415 - papermill loads only to run notebooks

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


@functools.cache
def kernel_name() -> str:
    """The project's kernel ``llr-sim`` (``make install`` registers it), else ``python3``.

    Only a kernel that can import llr_sim is taken: ``python3`` may belong to another Python.

    Raises:
        InputError: When neither kernel exists or can import llr_sim.
    """
    from jupyter_client.kernelspec import KernelSpecManager, NoSuchKernel  # noqa: PLC0415 - Jupyter loads only to run notebooks

    manager = KernelSpecManager()
    tried = []
    for name in (PREFERRED_KERNEL, "python3"):
        try:
            spec = manager.get_kernel_spec(name)
        except NoSuchKernel:
            continue
        if _imports_llr_sim(spec.argv[0] if spec.argv else ""):
            return name
        tried.append(f"{name} ({spec.argv[0] if spec.argv else 'no command'})")
    if tried:
        raise InputError(
            "kernel",
            f"the Jupyter kernel {', '.join(tried)} cannot import llr_sim; run `make install`",
        )
    raise InputError("kernel", "no Jupyter kernel 'llr-sim' or 'python3'; run `make install`")


def _imports_llr_sim(command: str) -> bool:
    """Whether the kernel's Python (``argv[0]`` of its spec) can import llr_sim."""
    if not command:
        return False
    # jupyter_client runs a bare "python" kernel with the interpreter that starts it.
    major, minor = sys.version_info[:2]
    if command in ("python", f"python{major}", f"python{major}.{minor}"):
        return True
    found = shutil.which(command)
    if found is None:
        return False
    try:
        if os.path.samefile(found, sys.executable):
            return True
    except OSError:
        return False
    try:
        done = subprocess.run(
            [found, "-c", "import llr_sim"], capture_output=True, timeout=120, check=False
        )
    except (OSError, subprocess.SubprocessError):
        return False
    return done.returncode == 0


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
        InputError: For a bad scenario, folder, flag or notebook parameter (InputErrors for
            several).
    """
    problems: list[InputError] = []

    def attempt(fn, *args):
        try:
            return fn(*args)
        except InputError as err:  # InputErrors too: flattened when raised
            problems.append(err)
        return None

    refs = list(scenarios) if scenarios else default_scenarios()
    if not refs:
        problems.append(InputError("SCENARIO", "no scenarios given and none in scenarios/"))
    # The same checks as `llr-sim run`, the API and the notebooks (llr_sim.inputs), so a
    # kernel never refuses what the batch accepted.
    run = RunInputs()
    try:
        run = check_run_inputs(
            scenarios=refs,
            scale=scale,
            seed=seed,
            years=years,
            replicates=replicates,
            names=CLI_NAMES,
        )
    except InputError as err:
        problems.append(err)
    missing = missing_folders(out)
    folder = attempt(check_output_dir, out, "--out")
    lang = attempt(nb.check_lang, lang, "--lang")
    jobs = attempt(
        check_whole_number, jobs if jobs is not None else (os.cpu_count() or 1), "--jobs", 1
    )
    book_dir = Path(notebook_dir) if notebook_dir else nb.NOTEBOOK_DIR
    extra: dict[str, dict[str, Any]] = {kind: {} for kind in NOTEBOOKS}
    if isinstance(params, dict):
        pairs = list(params.items())
    else:
        pairs = [pair for pair in (attempt(parse_param, p) for p in params or []) if pair]
    declared: dict[str, dict[str, Any]] = {}
    for kind, name in NOTEBOOKS.items():
        path = book_dir / name
        declared[kind] = {}
        if not path.is_file():
            problems.append(InputError(str(path), "notebook not found"))
        elif pairs:  # papermill takes seconds to load: read the notebooks only to check --param
            declared[kind] = attempt(notebook_parameters, path) or {}
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
    # The kernel is looked for once the inputs are good (it may start a Python to try it).
    kernel = attempt(kernel_name) if not problems else None
    if problems:
        remove_empty(missing)  # leave no trace of a batch that does not start
        raise_problems(problems)
    found = {
        s.name: str(Path(s.path).resolve()) if s.path is not None else str(ref)
        for ref, s in zip(refs, run.scenarios, strict=True)
    }
    if not scenarios:
        # The default set in the order of the growth path: each scenario after what it extends.
        depth = {s.name: len(s.chain) for s in run.scenarios}
        found = dict(sorted(found.items(), key=lambda item: (depth[item[0]], item[0])))
    plan = Plan(
        scenarios=found,
        out=folder.resolve(),
        scale=run.scale,
        seed=run.seed,
        # None stays None (the notebooks' default window): a batch folder records what it was
        # asked for, and a re-run with the same flags finds the same record.
        years=None if years is None or years == "" else f"{run.years[0]}-{run.years[-1]}",
        replicates=run.replicates,
        lang=lang,
        jobs=jobs,
        force=force,
        params=extra,
        kernel=kernel,
        notebook_dir=book_dir.resolve(),
        population=population,
    )
    try:
        check_existing(plan)
    except InputError:
        remove_empty(missing)
        raise
    return plan


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


#: Longest a notebook cell may run (s); a kernel that stops answering fails instead of hanging.
CELL_TIMEOUT_S = 1800


def execute_notebook(notebook: str, output: str, *, tries: int = 2, **kwargs: Any) -> None:
    """Run a notebook with papermill on a real kernel, with a cell timeout.

    Rarely a kernel and its client wait on each other forever after a cell (both idle). Such a
    cell times out after ``CELL_TIMEOUT_S`` and the notebook is run once more from the start;
    an error raised by the notebook's own code is not retried.
    """
    import papermill  # noqa: PLC0415 - papermill loads only to run notebooks
    from nbclient.exceptions import CellTimeoutError, DeadKernelError  # noqa: PLC0415 - Jupyter loads only to run notebooks

    kwargs.setdefault("execution_timeout", CELL_TIMEOUT_S)
    for attempt in range(1, tries + 1):
        try:
            papermill.execute_notebook(notebook, output, progress_bar=False, **kwargs)
            return
        except (CellTimeoutError, DeadKernelError, TimeoutError):
            if attempt == tries:
                raise


def run_job(job: Job) -> dict[str, Any]:
    """Execute the notebook into a hidden temporary folder, export HTML, then rename.

    On failure the partial folder becomes ``<folder>.failed`` (the notebook shows the error)
    and the finished folder, if any, is left as it was.
    """
    final = Path(job.folder)
    final.parent.mkdir(parents=True, exist_ok=True)
    # The process id in the name tells clean_stale whether the writer is still alive.
    tmp = final.parent / f".{final.name}.tmp-{os.getpid()}"
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir()
    started = time.monotonic()
    output = tmp / "notebook.ipynb"
    status: dict[str, Any] = {"kind": job.kind, "name": job.name, "folder": str(final)}
    try:
        try:
            execute_notebook(
                job.notebook,
                str(output),
                parameters={**job.parameters, "output_dir": str(tmp)},
                kernel_name=job.kernel,
                cwd=str(tmp),
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
            replace_dir(tmp, failed)
            status["failed_folder"] = str(failed)
            return status
        export_html(output, tmp / "report.html", title=job.title)
        _record_job(tmp, job)
        # replace_dir publishes the folder first: the model's run folder inside it is made
        # with mkdtemp (owner-only), and colleagues on a shared drive must read the reports.
        replace_dir(tmp, final)
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


def _error_line(err: Exception) -> str:
    """One line for the index: the notebook's exception, not papermill's banner."""
    ename = getattr(err, "ename", None)
    evalue = getattr(err, "evalue", None)
    if ename:
        return f"{ename}: {evalue}".splitlines()[0][:300]
    return f"{type(err).__name__}: {err}".splitlines()[0][:300]


# ---------------------------------------------------------------------------------------------
# What a finished folder was made with

#: The settings shown when a folder was made with other ones, in this order.
SETTINGS = ("scale", "seed", "lang", "years", "replicates")
#: Parameters of the comparison that say which scenarios it holds, not how it was made: a
#: different set of scenarios redoes the comparison rather than refusing the folder.
MEMBERSHIP = ("scenarios", "run_dirs")


def file_hash(path: str | os.PathLike) -> str:
    """SHA-256 of a file's bytes."""
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def job_record(job: Job) -> dict[str, Any]:
    """What a job's folder is made with: the notebook (name and hash) and its parameters."""
    # Where the notebook writes and the shared run it reads are not settings of the report.
    params = {k: v for k, v in job.parameters.items() if k not in ("output_dir", "run_dir")}
    return {
        "notebook": Path(job.notebook).name,
        "notebook_sha256": file_hash(job.notebook),
        "parameters": json.loads(json.dumps(params, default=str)),
    }


def _record_job(folder: Path, job: Job) -> None:
    """Add the job's record to the ``report.json`` the notebook wrote."""
    manifest = _read_json(folder / "report.json")
    manifest["batch"] = job_record(job)
    nb.write_json(folder / "report.json", manifest)


def recorded(folder: Path) -> dict[str, Any] | None:
    """The job record in a finished folder's ``report.json``, or None."""
    record = _read_json(Path(folder) / "report.json").get("batch")
    return record if isinstance(record, dict) else None


def _settings(record: dict[str, Any], ignore: tuple[str, ...] = ()) -> dict[str, Any]:
    return {k: v for k, v in (record.get("parameters") or {}).items() if k not in ignore}


def mismatch(folder: Path, job: Job) -> str | None:
    """Why the finished ``folder`` was not made by ``job`` (None when it was, or not finished)."""
    if not _finished(folder):
        return None
    found = recorded(folder)
    if found is None:
        return "holds reports without a record of their settings"
    wanted = job_record(job)
    ignore = MEMBERSHIP if job.kind == "comparison" else ()
    if _settings(found, ignore) != _settings(wanted, ignore):
        old = found.get("parameters") or {}
        shown = [f"{k} {old[k]}" for k in SETTINGS if k in old and old[k] is not None]
        new = wanted["parameters"]
        others = sorted(
            k
            for k in set(old) | set(new)
            if k not in SETTINGS and k not in ignore and old.get(k) != new.get(k)
        )
        shown += [f"{k} {old.get(k)}" for k in others]
        return f"holds a batch made with {', '.join(shown)}"
    if found.get("notebook_sha256") != wanted["notebook_sha256"]:
        return f"holds reports made with another version of {wanted['notebook']}"
    return None


def check_existing(plan: Plan) -> None:
    """Refuse a batch folder whose finished reports were made with other settings.

    A re-run skips finished folders; skipping ones made with another scale or seed would mix
    two batches in one index without a word. With ``force`` every job is redone anyway.

    Raises:
        InputError: Naming ``--out`` and the settings the folder holds.
    """
    if plan.force:
        return
    jobs = _jobs(plan)
    jobs.append(_comparison_job(plan, list(plan.scenarios)))
    for job in jobs:
        why = mismatch(Path(job.folder), job)
        if why:
            raise InputError("--out", f"{why}; use --force or another folder")


def _finished(folder: Path) -> bool:
    return (folder / "report.html").is_file() and (folder / "notebook.ipynb").is_file()


def is_done(folder: Path, job: Job | None = None) -> bool:
    """A finished folder (renames are atomic), made by ``job`` when one is given."""
    if not _finished(folder):
        return False
    return job is None or (recorded(folder) is not None and mismatch(folder, job) is None)


_STALE = re.compile(r"^\..+\.(?:tmp|old)-(\d+)")


def _alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's process: alive
        return True
    except OSError:
        return False
    # A killed worker whose parent died too may linger as a zombie until someone reaps it.
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return True
    return state not in ("Z", "X")


def clean_stale(out: Path) -> list[Path]:
    """Remove temporary folders and files an interrupted batch left behind.

    Only those whose writer (the process id in the name) is gone: a second batch writing to
    the same folder keeps its live ones.
    """
    removed = []
    for parent in (out, out / "scenarios"):
        if not parent.is_dir():
            continue
        for path in sorted(parent.iterdir()):
            match = _STALE.match(path.name)
            if not match or _alive(int(match.group(1))):
                continue
            if path.is_dir() and not path.is_symlink():
                shutil.rmtree(path, ignore_errors=True)
            else:
                path.unlink(missing_ok=True)
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
    from tqdm.auto import tqdm  # noqa: PLC0415 - optional progress bar

    plan.out.mkdir(parents=True, exist_ok=True)
    clean_stale(plan.out)
    statuses: list[dict[str, Any]] = []
    todo: list[Job] = []
    check_existing(plan)
    for job in _jobs(plan):
        if not plan.force and is_done(Path(job.folder), job):
            statuses.append(
                {"kind": job.kind, "name": job.name, "folder": job.folder, "status": "skipped"}
            )
        else:
            todo.append(job)
    ok_names = [n for n in plan.scenarios if is_done(plan.out / "scenarios" / n)]
    bar = tqdm(total=len(todo) + 1, desc="report", unit="notebook", disable=not progress)
    shared = plan.out / f".runs.tmp-{os.getpid()}"
    try:
        # The scenarios to report are simulated at once, on one world and one counterfactual;
        # each notebook then reads its run folder (or simulates itself if this failed).
        for job, run_dir in shared_runs(plan, todo, shared):
            job.parameters.setdefault("run_dir", run_dir)
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
        shutil.rmtree(shared, ignore_errors=True)
    order = {"population": 0, "scenario": 1, "comparison": 2}
    names = list(plan.scenarios)
    statuses.sort(
        key=lambda s: (order[s["kind"]], names.index(s["name"]) if s["name"] in names else 0)
    )

    nb.write_json(plan.out / "batch.json", _batch_record(plan, statuses))
    index = write_index(plan.out, statuses, plan.lang)
    return BatchResult(statuses, index)


def shared_runs(plan: Plan, jobs: list[Job], folder: Path) -> list[tuple[Job, str]]:
    """Simulate the scenarios of ``jobs`` in one fresh process; each job with its run folder.

    One population, one world and one counterfactual for all (``simulate([...])``): each
    scenario's numbers are those it has alone. Empty when there is nothing to simulate or the
    process failed: each notebook then simulates its scenario itself, and reports its error.
    """
    scenario_jobs = [j for j in jobs if j.kind == "scenario" and "run_dir" not in j.parameters]
    if not scenario_jobs:
        return []
    spec = {
        "scenarios": {j.name: j.parameters["scenario"] for j in scenario_jobs},
        "scale": plan.scale,
        "seed": plan.seed,
        "years": plan.years,
        "replicates": plan.replicates,
        "out": str(folder),
    }
    done = subprocess.run(
        [sys.executable, "-m", "llr_sim.reporting.batch", "--runs", json.dumps(spec)],
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        return []
    return [(j, str(folder / j.name)) for j in scenario_jobs]


def _simulate_runs(spec: dict[str, Any]) -> None:
    """The worker of :func:`shared_runs`: simulate and save one run folder per scenario."""
    from llr_sim.inputs import resolve_scenario  # noqa: PLC0415 - in the worker only
    from llr_sim.simulation import simulate  # noqa: PLC0415 - the model, in the worker only

    names = list(spec["scenarios"])
    Path(spec["out"]).mkdir(parents=True, exist_ok=True)
    runs = simulate(
        [resolve_scenario(spec["scenarios"][name]) for name in names],
        scale=spec["scale"],
        seed=spec["seed"],
        years=spec["years"],
        replicates=spec["replicates"],
    )
    for name, results in zip(names, runs, strict=True):
        results.save(Path(spec["out"]) / name)


def _comparison(plan: Plan, names: list[str], ran: bool) -> dict[str, Any]:
    folder = plan.out / "comparison"
    status = {"kind": "comparison", "name": "comparison", "folder": str(folder)}
    if not names:
        return {**status, "status": "failed", "error": "no scenario succeeded"}
    previous = _read_json(folder / "report.json").get("scenarios")
    job = _comparison_job(plan, names)
    if not plan.force and not ran and is_done(folder, job) and previous == names:
        return {**status, "status": "skipped"}
    return run_job_in_process(job)


def _comparison_job(plan: Plan, names: list[str]) -> Job:
    folder = plan.out / "comparison"
    return Job(
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


def _batch_record(plan: Plan, statuses: list[dict[str, Any]]) -> dict[str, Any]:
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


if __name__ == "__main__":  # a worker process of run_batch
    if sys.argv[1] == "--runs":  # the scenarios simulated at once (shared_runs)
        _simulate_runs(json.loads(sys.argv[2]))
    else:  # one job, its status on stdout
        print(json.dumps(run_job(Job(**json.loads(sys.argv[1])))))
