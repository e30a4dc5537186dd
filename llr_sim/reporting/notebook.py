"""What the notebooks call: parameter checks, path handling, and a :class:`Report`.

A report shows a figure or table in the notebook and writes it to the report folder at once.

Notebooks are run from the repository root (``papermill notebooks/02_...ipynb out.ipynb``), from
``notebooks/`` (JupyterLab) or by the batch, so a relative scenario path is looked up in the
working directory first and then in the project root, and a report folder defaults to
``reports/<notebook>/`` under the project root.
"""

from __future__ import annotations

import json
import os
import re
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from llr_sim.errors import InputError
from llr_sim.inputs import DEFAULT_YEARS
from llr_sim.reporting import labels
from llr_sim.reporting.style import Source, save_figure
from llr_sim.reporting.tables import Workbook, to_html

#: The project root (the repository, with an editable install).
PROJECT_ROOT = Path(__file__).resolve().parents[2]
NOTEBOOK_DIR = PROJECT_ROOT / "notebooks"
REPORTS_DIR = PROJECT_ROOT / "reports"


# ---------------------------------------------------------------------------------------------
# Parameter checks (also used by the batch before any kernel starts)


def check_scale(value: Any, where: str = "scale") -> float:
    """A share of the population in (0, 1]."""
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        raise InputError(where, f"expected a number in (0, 1], got {value!r}")
    try:
        scale = float(value)
    except ValueError:
        raise InputError(where, f"not a number: {value!r}") from None
    if not 0.0 < scale <= 1.0:
        raise InputError(where, f"must be greater than 0 and at most 1, got {value}")
    return scale


def check_int(value: Any, where: str, minimum: int) -> int:
    """A whole number at least ``minimum``."""
    if isinstance(value, bool):
        raise InputError(where, f"expected a whole number, got {value!r}")
    try:
        number = int(value)
    except (TypeError, ValueError):
        raise InputError(where, f"expected a whole number, got {value!r}") from None
    if isinstance(value, float) and not value.is_integer():
        raise InputError(where, f"expected a whole number, got {value!r}")
    if number < minimum:
        raise InputError(where, f"must be {minimum} or more, got {number}")
    return number


_YEARS = re.compile(r"^\s*(\d{4})\s*(?:-|\.\.|–)\s*(\d{4})\s*$")


def check_years(value: Any, where: str = "years") -> range | None:
    """Years as ``"2024-2030"``, ``[2024, 2030]`` (first and last) or None (the model's default).

    The range the model accepts is the model's own check
    (:func:`llr_sim.simulation.check_years`), so a batch refuses what a kernel would refuse.
    """
    from llr_sim.simulation import check_years as model_check_years

    if value is None or value == "":
        return None
    if isinstance(value, range):
        first, last = value.start, value.stop - 1
    elif isinstance(value, str) and _YEARS.match(value):
        first, last = (int(x) for x in _YEARS.match(value).groups())
    elif isinstance(value, str) and value.strip().isdigit():
        first = last = int(value)
    elif isinstance(value, list | tuple) and len(value) == 2:
        first, last = (check_int(v, where, 2000) for v in value)
    else:
        raise InputError(where, f"expected FIRST-LAST such as 2024-2030, got {value!r}")
    if first > last:
        raise InputError(where, f"the first year comes after the last: {value!r}")
    try:
        model_check_years(range(first, last + 1))
    except InputError as err:
        raise InputError(where, err.message) from None
    return range(first, last + 1)


def resolve_path(ref: str | os.PathLike) -> Path | None:
    """An existing file: as given (relative to the working directory), else in the project."""
    path = Path(ref)
    for candidate in (path, PROJECT_ROOT / path, NOTEBOOK_DIR / path):
        if candidate.is_file():
            return candidate.resolve()
    return None


def resolve_scenario(ref: Any, where: str = "scenario"):
    """Load a scenario from a name (``harmonised``) or a path, wherever the notebook runs.

    Raises:
        InputError: For a reference that names no scenario, or an invalid scenario file.
    """
    from llr_sim.policy.scenarios import load_scenario

    if not isinstance(ref, str | os.PathLike) or not str(ref).strip():
        raise InputError(where, f"expected a scenario name or YAML file, got {ref!r}")
    text = str(ref)
    looks_like_path = "/" in text or "\\" in text or text.endswith((".yaml", ".yml"))
    if looks_like_path:
        found = resolve_path(text)
        if found is None:
            raise InputError(
                where, f"no scenario file {text!r} (looked in {Path.cwd()} and {PROJECT_ROOT})"
            )
        text = str(found)
    try:
        return load_scenario(text)
    except InputError as err:
        if looks_like_path or "no scenario" not in str(err).lower():
            raise
        raise InputError(where, str(err)) from None


def check_output_dir(value: Any, where: str = "output_dir") -> Path:
    """A folder that exists or can be made, and can be written to: made, and tried.

    ``os.access`` is not enough (it says yes to root on a read-only mount or in ``/proc``), so
    the folder is created and a probe file written and removed (:func:`missing_folders`
    before the check and :func:`remove_empty` after it undo that for a caller that gives up).

    Raises:
        InputError: For a file in the way or a folder that cannot be made or written.
    """
    if not isinstance(value, str | os.PathLike) or not str(value).strip():
        raise InputError(where, f"expected a folder, got {value!r}")
    folder = Path(value).expanduser()
    existing = folder
    while not existing.exists() and existing.parent != existing:
        existing = existing.parent
    if existing.exists() and not existing.is_dir():
        raise InputError(where, f"{existing} is a file, not a folder")
    try:
        folder.mkdir(parents=True, exist_ok=True)
        fd, probe = tempfile.mkstemp(prefix=".write-probe-", dir=folder)
        os.close(fd)
        os.unlink(probe)
    except OSError as err:
        reason = err.strerror or type(err).__name__
        raise InputError(where, f"cannot write to {folder}: {reason}") from None
    return folder


def missing_folders(value: Any) -> list[Path]:
    """The folders of ``value`` that do not exist yet, deepest first (to undo a check)."""
    if not isinstance(value, str | os.PathLike) or not str(value).strip():
        return []
    missing, step = [], Path(value).expanduser().absolute()
    while not step.exists() and step.parent != step:
        missing.append(step)
        step = step.parent
    return missing


def remove_empty(folders: list[Path]) -> None:
    """Remove the folders given, deepest first, as long as they are empty."""
    for folder in folders:
        try:
            folder.rmdir()
        except OSError:
            return


def check_lang(value: Any, where: str = "lang") -> str:
    """``nl`` or ``en``."""
    return labels.check_lang(value, where)


def write_json(path: Path, data: Any) -> Path:
    """Write JSON atomically, with ordinary permissions."""
    from llr_sim.fileio import atomic_write

    text = json.dumps(data, indent=2, default=str) + "\n"
    return atomic_write(path, lambda tmp: tmp.write_text(text, encoding="utf-8"))


def default_output_dir(notebook: str, *parts: str) -> Path:
    """``reports/<notebook>/<parts...>`` under the project root."""
    return REPORTS_DIR.joinpath(notebook, *parts)


# ---------------------------------------------------------------------------------------------
# The report a notebook writes


@dataclass
class Report:
    """A notebook's report folder: figures (PNG + SVG), tables (CSV + one XLSX workbook).

    Each :meth:`figure` and :meth:`table` shows the item in the notebook and writes it, so what
    the notebook shows and what the folder holds are the same thing.

    Attributes:
        folder: The report folder (``figures/`` and ``tables/`` inside).
        source: The source line of every chart and sheet.
        lang: ``nl`` or ``en``.
        show: Display in the notebook (False in scripts and tests).
    """

    folder: Path
    source: Source
    lang: str = "nl"
    show: bool = True
    files: dict[str, list[str]] = field(default_factory=lambda: {"figures": [], "tables": []})
    notes: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.folder = Path(self.folder)
        self.workbook = Workbook(self.folder / "tables", name=self._workbook_name())

    def _workbook_name(self) -> str:
        return "tabellen" if self.lang == "nl" else "tables"

    def uncertainty(self, replicates: int) -> str:
        """Say whether the charts carry uncertainty bands (only with more than one replicate)."""
        text = labels.text("uncertainty_note" if replicates > 1 else "no_bands", self.lang)
        self.markdown(f"*{text}*")
        self.notes.append(text)
        return text

    def heading(self, key: str, level: int = 2, note: str = "") -> None:
        """Show a section heading (from :data:`labels.SECTIONS`) and an optional note."""
        text = "#" * level + " " + labels.section(key, self.lang)
        if note:
            text += "\n\n" + note
        self.markdown(text)

    def markdown(self, text: str) -> None:
        """Show Markdown text in the notebook."""
        if self.show:
            from IPython.display import Markdown, display

            display(Markdown(text))

    def figure(self, fig, name: str) -> dict[str, Path]:
        """Save a figure as ``figures/<name>.png`` and ``.svg``, show it, and close it."""
        import matplotlib.pyplot as plt

        paths = save_figure(fig, self.folder / "figures", name)
        self.files["figures"].append(name)
        if self.show:
            from IPython.display import display

            display(fig)
        plt.close(fig)
        return paths

    def table(self, table: pd.DataFrame, name: str, title: str) -> Path | None:
        """Write a table as ``tables/<name>.csv`` and a sheet of the workbook; show it."""
        if table is None or table.empty:
            return None
        path = self.workbook.add(name, title, table)
        self.files["tables"].append(name)
        if self.show:
            from IPython.display import HTML, display

            display(HTML(f"<h4>{title}</h4>" + to_html(table, self.lang)))
        return path

    def finish(self, **extra: Any) -> Path:
        """Write the workbook and ``report.json`` (what is in the folder); return the folder."""
        if self.workbook.tables:
            self.workbook.write(self.source.line(self.lang))
        # A path inside the report folder is kept relative: the batch writes the folder under
        # a temporary name and renames it when complete.
        inside = str(self.folder.resolve()) + os.sep
        extra = {
            k: os.path.relpath(v, self.folder.resolve())
            if isinstance(v, str) and str(Path(v).resolve()).startswith(inside)
            else v
            for k, v in extra.items()
        }
        manifest = {
            "source": self.source.line(self.lang),
            "lang": self.lang,
            "figures": self.files["figures"],
            "tables": self.files["tables"],
            "workbook": f"tables/{self.workbook.name}.xlsx" if self.workbook.tables else None,
            "notes": self.notes,
            **extra,
        }
        write_json(self.folder / "report.json", manifest)
        if self.show:
            self.markdown(
                f"*{labels.section('files', self.lang)}: `{self.folder}` — "
                f"{len(self.files['figures'])} figures, {len(self.files['tables'])} tables.*"
            )
        return self.folder


# ---------------------------------------------------------------------------------------------
# One call at the top of every notebook


@dataclass
class Setup:
    """A notebook's checked parameters.

    Attributes:
        notebook: The notebook's name (``02_scenario_report``).
        scenario: The loaded scenario, or None.
        scale: Share of the population.
        seed: Random seed.
        years: The years to simulate: as given, else the scenario's period, else None (the
            model's default).
        replicates: Number of replicates.
        lang: ``nl`` or ``en``.
        folder: The report folder.
    """

    notebook: str
    scenario: Any = None
    scale: float = 0.01
    seed: int = 0
    years: range | None = None
    replicates: int = 1
    lang: str = "nl"
    folder: Path = field(default_factory=Path)

    @property
    def simulate_kwargs(self) -> dict[str, Any]:
        """Keyword arguments for :func:`llr_sim.simulation.simulate`."""
        kwargs: dict[str, Any] = {
            "scale": self.scale,
            "seed": self.seed,
            "replicates": self.replicates,
        }
        if self.years is not None:
            kwargs["years"] = self.years
        return kwargs

    def source(self, scenario: str | None = None, extra: str = "") -> Source:
        """The source line for this notebook's charts."""
        name = scenario if scenario is not None else getattr(self.scenario, "name", "")
        return Source(name, self.scale, self.seed, replicates=self.replicates, extra=extra)

    def report(self, source: Source | None = None, show: bool = True) -> Report:
        """The :class:`Report` writing into this notebook's folder."""
        return Report(self.folder, source or self.source(), self.lang, show=show)


def setup(notebook: str, output_dir: Any = None, **params: Any) -> Setup:
    """Check a notebook's parameters and make its report folder.

    Args:
        notebook: The notebook's name, for the default folder ``reports/<notebook>/...``.
        output_dir: The report folder; None for the default.
        **params: Any of ``scenario``, ``scale``, ``seed``, ``years``, ``replicates``, ``lang``.

    Raises:
        InputError: For the first bad parameter, naming it.
    """
    unknown = set(params) - {"scenario", "scale", "seed", "years", "replicates", "lang"}
    if unknown:
        raise InputError(", ".join(sorted(unknown)), "unknown notebook parameter")
    out = Setup(notebook)
    if "scenario" in params:
        out.scenario = resolve_scenario(params["scenario"])
    if "scale" in params:
        out.scale = check_scale(params["scale"])
    if "seed" in params:
        out.seed = check_int(params["seed"], "seed", 0)
    if "years" in params:
        out.years = check_years(params["years"])
    if "replicates" in params:
        out.replicates = check_int(params["replicates"], "replicates", 1)
    if "lang" in params:
        out.lang = check_lang(params["lang"])
    if out.years is None:
        # The same window as every other command (``llr_sim.simulation.DEFAULT_YEARS``).
        out.years = DEFAULT_YEARS
    if output_dir is None or output_dir == "":
        parts = (out.scenario.name,) if out.scenario is not None else ()
        output_dir = default_output_dir(notebook, *parts)
    out.folder = check_output_dir(output_dir)
    out.folder.mkdir(parents=True, exist_ok=True)
    return out


# ---------------------------------------------------------------------------------------------
# Several runs (notebook 03)


def load_or_simulate(scenarios: list | None, run_dirs: list | None, setup: Setup) -> list:
    """Load the run folders ``run_dirs`` or, when there are none, simulate ``scenarios``.

    Raises:
        InputError: For a missing run folder or a bad scenario, before anything is simulated.
    """
    from llr_sim.simulation import load_results, simulate

    if run_dirs:
        folders = []
        for ref in run_dirs:
            folder = Path(ref)
            if not (folder / "summary.json").is_file():
                raise InputError(f"run_dirs: {ref}", "not a run folder (no summary.json)")
            folders.append(folder)
        return [load_results(f) for f in folders]
    if not scenarios:
        raise InputError("scenarios", "give at least one scenario (or run_dirs)")
    loaded = [resolve_scenario(s, f"scenarios: {s}") for s in scenarios]
    runs = []
    for scenario in loaded:
        kwargs = setup.simulate_kwargs
        if setup.years is None and scenario.period:
            kwargs["years"] = range(scenario.period[0], scenario.period[1] + 1)
        runs.append(simulate(scenario, **kwargs))
    return runs


def combine(runs: list) -> tuple[pd.DataFrame, list[dict]]:
    """The indicators of several runs in one table, and their summaries (in run order)."""
    indicators = pd.concat([r.indicators for r in runs], ignore_index=True)
    return indicators, [r.summary for r in runs]


def comparison_source(summaries: list[dict]) -> Source:
    """The source line of a comparison: the scenarios, and their common scale and seed."""
    first = summaries[0]
    names = ", ".join(s["scenario"] for s in summaries)
    if len(names) > 70:
        names = f"{len(summaries)} scenario's"
    return Source(
        names,
        float(first.get("scale", 0)),
        int(first.get("seed", 0)),
        replicates=int(first.get("replicates", 1)),
    )
