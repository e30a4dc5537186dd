"""Shared fixtures: one small real batch (real model, real kernels), reused by several tests."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import nbformat
import pytest

from llr_sim.reporting import batch
from llr_sim.reporting.notebook import NOTEBOOK_DIR, PROJECT_ROOT

SCALE = 0.003
YEARS = "2024-2025"
FAILING = "portfolio"


@pytest.fixture(scope="session")
def notebooks_with_a_failure(tmp_path_factory) -> Path:
    """The project's notebooks, with 02 made to fail for one scenario (failure isolation)."""
    folder = tmp_path_factory.mktemp("notebooks")
    for path in NOTEBOOK_DIR.glob("*.ipynb"):
        shutil.copy(path, folder / path.name)
    book = nbformat.read(folder / "02_scenario_report.ipynb", as_version=4)
    index = next(i for i, c in enumerate(book.cells) if "parameters" in c.metadata.get("tags", []))
    book.cells.insert(
        index + 1,
        nbformat.v4.new_code_cell(
            f"if str(scenario).endswith('{FAILING}.yaml'):\n"
            "    raise RuntimeError('deliberate failure for the test')"
        ),
    )
    nbformat.write(book, folder / "02_scenario_report.ipynb")
    return folder


@pytest.fixture(scope="session")
def batch_run(tmp_path_factory, notebooks_with_a_failure):
    """Population, three scenarios (one failing) and the comparison, two notebooks at once."""
    out = tmp_path_factory.mktemp("reports") / "batch"
    plan = batch.make_plan(
        ["status_quo", "scenarios/harmonised.yaml", FAILING],
        out,
        scale=SCALE,
        years=YEARS,
        jobs=2,
        notebook_dir=notebooks_with_a_failure,
    )
    result = batch.run_batch(plan, progress=False)
    return plan, result


def summary_of(folder: Path) -> dict:
    return json.loads((folder / "run" / "summary.json").read_text())


__all__ = ["PROJECT_ROOT", "SCALE", "YEARS", "FAILING", "summary_of"]
