"""The explorer of notebook 05, driven as a user drives it: a slider moved, the button clicked."""

from __future__ import annotations

import pytest

from llr_sim.analysis import explore
from llr_sim.reporting import notebook

SCALE = 0.003
YEARS = "2024-2025"


def test_explorer_slider_changes_the_results(tmp_path):
    pytest.importorskip("ipywidgets")

    setup = notebook.setup(
        "05_explore",
        scenario="portable_budget",
        scale=SCALE,
        years=YEARS,
        output_dir=tmp_path / "explore",
    )
    app = explore.Explorer(setup)
    first = app.run().summary["period"]["public_cost_eur"]
    control, slider = app.sliders["ontwikkelbudget.credit.annual_eur"]
    slider.value = control.high if slider.value != control.high else control.low
    app.button.click()  # what the user does: the button reruns with the slider's value
    second = app.results.summary["period"]["public_cost_eur"]
    assert second != pytest.approx(first, rel=1e-3)
    assert app.values()[0]["ontwikkelbudget.credit.annual_eur"] == int(slider.value)
