"""The notebooks as users run them: papermill from the repository root or from notebooks/."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

from llr_sim.reporting import batch
from llr_sim.reporting.notebook import NOTEBOOK_DIR, PROJECT_ROOT

from .conftest import SCALE, YEARS


def _errors(path: Path) -> list:
    book = nbformat.read(path, as_version=4)
    return [o for c in book.cells for o in c.get("outputs", []) if o.output_type == "error"]


def test_notebooks_are_committed_clean():
    for path in sorted(NOTEBOOK_DIR.glob("*.ipynb")):
        book = nbformat.read(path, as_version=4)
        tagged = [c for c in book.cells if "parameters" in c.metadata.get("tags", [])]
        assert len(tagged) == 1, path.name
        for cell in book.cells:
            if cell.cell_type == "code":
                assert not cell.outputs and cell.execution_count is None, path.name
    names = sorted(p.stem for p in NOTEBOOK_DIR.glob("*.ipynb"))
    assert names == [
        "01_population",
        "02_scenario_report",
        "03_compare_scenarios",
        "04_sensitivity",
        "05_explore",
    ]


def test_papermill_command_line_from_the_repository_root(tmp_path):
    out = tmp_path / "out.ipynb"
    report = tmp_path / "report"
    command = [
        str(Path(sys.executable).with_name("papermill")),
        "notebooks/02_scenario_report.ipynb",
        str(out),
        "-p",
        "scenario",
        "scenarios/harmonised.yaml",
        "-p",
        "scale",
        str(SCALE),
        "-p",
        "years",
        YEARS,
        "-p",
        "output_dir",
        str(report),
        "-k",
        batch.kernel_name(),
    ]
    done = subprocess.run(command, cwd=PROJECT_ROOT, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr[-2000:]
    assert not _errors(out)
    summary = json.loads((report / "run" / "summary.json").read_text())
    assert summary["scenario"] == "harmonised" and summary["scale"] == SCALE
    assert (report / "figures" / "gebruik.png").is_file()
    assert (report / "tables" / "tabellen.xlsx").is_file()


def test_sensitivity_notebook(tmp_path):
    out = tmp_path / "04.ipynb"
    batch.execute_notebook(
        str(NOTEBOOK_DIR / "04_sensitivity.ipynb"),
        str(out),
        parameters={
            "scenario": "portable_budget",
            "scale": SCALE,
            "years": YEARS,
            "parameters": ["awareness.overview_multiplier"],
            "indicators": ["public_cost_eur"],
            "lang": "en",
            "output_dir": str(tmp_path / "report"),
        },
        kernel_name=batch.kernel_name(),
        execution_timeout=300,
    )
    assert not _errors(out)
    assert (tmp_path / "report" / "figures" / "tornado_public_cost_eur.svg").is_file()
    svg = (tmp_path / "report" / "figures" / "tornado_public_cost_eur.svg").read_text()
    assert "Sensitivity" in svg and "Source: llr-sim" in svg


def test_explore_notebook_from_the_notebooks_folder(tmp_path):
    pytest.importorskip("ipywidgets")
    out = tmp_path / "05.ipynb"
    batch.execute_notebook(
        str(NOTEBOOK_DIR / "05_explore.ipynb"),
        str(out),
        parameters={
            "scenario": "scenarios/portable_budget.yaml",
            "scale": SCALE,
            "years": YEARS,
            "output_dir": str(tmp_path / "explore"),
        },
        kernel_name=batch.kernel_name(),
        cwd=str(NOTEBOOK_DIR),
        execution_timeout=300,
    )
    assert not _errors(out)
    book = nbformat.read(out, as_version=4)
    mimes = {m for c in book.cells for o in c.get("outputs", []) for m in o.get("data", {})}
    assert "application/vnd.jupyter.widget-view+json" in mimes
    assert (tmp_path / "explore").is_dir()  # not reports/ in the working tree
