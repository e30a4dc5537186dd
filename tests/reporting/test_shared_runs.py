"""The report batch's one world: a scenario notebook reads the run folder made for it."""

import pandas as pd
import pytest

from llr_sim.errors import InputError
from llr_sim.reporting import notebook
from llr_sim.simulation import simulate

SCALE = 0.003


def _setup(tmp_path, **kwargs):
    params = {"scenario": "portfolio", "scale": SCALE, "seed": 1, "years": "2024-2025", **kwargs}
    return notebook.setup("02_scenario_report", output_dir=str(tmp_path / "nb"), **params)


def test_a_notebook_reads_the_run_made_for_it(tmp_path):
    runs = simulate(["status_quo", "portfolio"], scale=SCALE, seed=1, years=range(2024, 2026))
    folder = runs[1].save(tmp_path / "portfolio")
    loaded = notebook.run_or_load(_setup(tmp_path), folder)
    alone = simulate("portfolio", scale=SCALE, seed=1, years=range(2024, 2026))
    pd.testing.assert_frame_equal(loaded.indicators, alone.indicators, check_exact=True)


@pytest.mark.parametrize("other", [{"seed": 2}, {"scale": 0.004}, {"scenario": "status_quo"}])
def test_a_run_made_with_other_settings_is_refused(tmp_path, other):
    folder = simulate("portfolio", scale=SCALE, seed=1, years=range(2024, 2026)).save(
        tmp_path / "portfolio"
    )
    with pytest.raises(InputError, match="made with"):
        notebook.run_or_load(_setup(tmp_path, **other), folder)


def test_a_missing_run_folder_is_named(tmp_path):
    with pytest.raises(InputError, match="not a run folder"):
        notebook.run_or_load(_setup(tmp_path), tmp_path / "nothing")
