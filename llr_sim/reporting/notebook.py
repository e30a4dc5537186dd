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
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import matplotlib.pyplot as plt
import pandas as pd
from IPython.display import HTML, Markdown, display

from llr_sim.errors import InputError
from llr_sim.fileio import atomic_write
from llr_sim.inputs import (
    DEFAULT_YEARS,
    PROJECT_ROOT,
    RunInputs,
    check_output_dir,
    check_run_inputs,
    missing_folders,
    raise_problems,
    remove_empty,
)
from llr_sim.reporting import labels
from llr_sim.reporting.style import Source, save_figure
from llr_sim.reporting.tables import Workbook, to_html

NOTEBOOK_DIR = PROJECT_ROOT / "notebooks"
#: A row's label (an age band, a group) stays on one line however wide the table is.
_TABLE_STYLE = (
    "<style>table.llr-table td:first-child { white-space: nowrap; text-align: left; }</style>"
)
REPORTS_DIR = PROJECT_ROOT / "reports"


# ---------------------------------------------------------------------------------------------
# Parameter checks: llr_sim.inputs (the same as every other entry point), and the language


def check_lang(value: Any, where: str = "lang") -> str:
    """``nl`` or ``en``."""
    return labels.check_lang(value, where)


def write_json(path: Path, data: Any) -> Path:
    """Write JSON atomically, with ordinary permissions."""
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
            display(Markdown(text))

    def figure(self, fig, name: str) -> dict[str, Path]:
        """Save a figure as ``figures/<name>.png`` and ``.svg``, show it, and close it."""
        paths = save_figure(fig, self.folder / "figures", name)
        self.files["figures"].append(name)
        if self.show:
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
            display(HTML(_TABLE_STYLE + f"<h4>{title}</h4>" + to_html(table, self.lang)))
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
            # The folder's own name is not shown: the batch writes it under a temporary name.
            words = {k: labels.text(k, self.lang) for k in ("figures", "tables")}
            self.markdown(
                f"*{labels.section('files', self.lang)}: {len(self.files['figures'])} "
                f"{words['figures']} in `figures/` (PNG, SVG), {len(self.files['tables'])} "
                f"{words['tables']} in `tables/` (CSV"
                + (f", `{self.workbook.name}.xlsx`" if self.workbook.tables else "")
                + ").*"
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
        years: The years reported: as given, else :data:`llr_sim.inputs.DEFAULT_YEARS` (the
            window of every command).
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

    The parameters are checked by :mod:`llr_sim.inputs`, as the API and the commands check
    them, and every problem is reported at once; the folder is only left behind when they are
    all good.

    Args:
        notebook: The notebook's name, for the default folder ``reports/<notebook>/...``.
        output_dir: The report folder; None for the default.
        **params: Any of ``scenario``, ``scale``, ``seed``, ``years``, ``replicates``, ``lang``.

    Raises:
        InputError: For a bad parameter, naming it (InputErrors for several).
    """
    unknown = set(params) - {"scenario", "scale", "seed", "years", "replicates", "lang"}
    if unknown:
        raise InputError(", ".join(sorted(unknown)), "unknown notebook parameter")
    out = Setup(notebook, years=DEFAULT_YEARS)
    problems: list[InputError] = []
    run = RunInputs()
    given = {
        k: params[k] for k in ("scenario", "scale", "seed", "years", "replicates") if k in params
    }
    try:
        run = check_run_inputs(**given)
    except InputError as err:
        problems.append(err)
    for key in given:
        if getattr(run, key) is not None:
            setattr(out, key, getattr(run, key))
    if "lang" in params:
        try:
            out.lang = check_lang(params["lang"])
        except InputError as err:
            problems.append(err)
    if output_dir is None or output_dir == "":
        if "scenario" in params and out.scenario is None:  # its default folder is unknown
            raise_problems(problems)
        parts = (out.scenario.name,) if out.scenario is not None else ()
        output_dir = default_output_dir(notebook, *parts)
    missing = missing_folders(output_dir)
    try:
        out.folder = check_output_dir(output_dir)
    except InputError as err:
        problems.append(err)
    if problems:
        remove_empty(missing)  # a notebook that does not start leaves no folder
        raise_problems(problems)
    return out


# ---------------------------------------------------------------------------------------------
# Several runs (notebook 03)


def run_or_load(setup: Setup, run_dir: str | os.PathLike | None = None):
    """The scenario's Results: loaded from ``run_dir`` (a run folder), or simulated now.

    The report batch simulates every scenario at once, on one world and one counterfactual,
    and hands each scenario's notebook its run folder. A run folder made with other settings
    (scenario, scale, seed, years, replicates) is refused rather than reported as this one.

    Raises:
        InputError: For a missing run folder or one made with other settings.
    """
    from llr_sim.simulation import load_results, simulate  # noqa: PLC0415 - the model

    if run_dir is None or run_dir == "":
        return simulate(setup.scenario, **setup.simulate_kwargs)
    folder = Path(run_dir)
    if not (folder / "summary.json").is_file():
        raise InputError(f"run_dir: {run_dir}", "not a run folder (no summary.json)")
    results = load_results(folder)
    summary = results.summary
    wanted = {
        "scenario": setup.scenario.name,
        "scale": setup.scale,
        "seed": setup.seed,
        "replicates": setup.replicates,
        "years": [setup.years[0], setup.years[-1]],
    }
    for key, value in wanted.items():
        if summary.get(key) != value:
            raise InputError(
                f"run_dir: {run_dir}", f"made with {key} {summary.get(key)!r}, not {value!r}"
            )
    return results


def load_or_simulate(scenarios: list | None, run_dirs: list | None, setup: Setup) -> list:
    """Load the run folders ``run_dirs`` or, when there are none, simulate ``scenarios``.

    Raises:
        InputError: For a missing run folder or a bad scenario, before anything is simulated.
    """
    # The model: imported when a notebook simulates, not with the report helpers.
    from llr_sim.simulation import load_results, simulate  # noqa: PLC0415

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
    loaded = check_run_inputs(scenarios=scenarios).scenarios  # every problem before any run
    return simulate(loaded, **setup.simulate_kwargs)  # one world, one counterfactual


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
