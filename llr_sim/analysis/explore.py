"""Interactive exploration in JupyterLab (notebook 05).

Controls for a scenario's key policy and behaviour values; a button reruns the model at a small
scale and redraws the figures.

Needs ``ipywidgets``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import matplotlib.pyplot as plt

from llr_sim.analysis.variants import variant
from llr_sim.behaviour.parameters import load_behaviour
from llr_sim.inputs import DEFAULT_YEARS
from llr_sim.reporting import charts, labels, tables
from llr_sim.simulation import Replay


@dataclass(frozen=True)
class Control:
    """A slider for one parameter: its path, kind (policy or behaviour), range and step."""

    path: str
    kind: str
    low: float
    high: float
    step: float
    label: dict[str, str]


CONTROLS = (
    Control(
        "ontwikkelbudget.credit.annual_eur",
        "policy",
        250,
        1000,
        50,
        {"nl": "Ontwikkelbudget per jaar (€)", "en": "Budget credited a year (EUR)"},
    ),
    Control(
        "ontwikkelbudget.co_payment.share",
        "policy",
        0.0,
        0.5,
        0.05,
        {"nl": "Eigen bijdrage (aandeel)", "en": "Co-payment (share)"},
    ),
    Control(
        "opleidingsverlof.hours.standard",
        "policy",
        0,
        250,
        5,
        {"nl": "Opleidingsverlof (uur per jaar)", "en": "Training leave (hours a year)"},
    ),
    Control(
        "awareness.overview_multiplier",
        "behaviour",
        1.0,
        2.0,
        0.1,
        {
            "nl": "Bekendheid door het digitaal overzicht (×)",
            "en": "Awareness from the overview (×)",
        },
    ),
)


class Explorer:
    """The controls, a run button and an output area for one scenario."""

    def __init__(self, setup: Any, controls: tuple[Control, ...] = CONTROLS):
        import ipywidgets as widgets  # noqa: PLC0415 - widgets load only in a notebook

        self.setup = setup
        self.lang = setup.lang
        self.replay: Replay | None = None
        base = setup.scenario
        self.sliders: dict[str, Any] = {}
        for control in controls:
            current = self._current(control)
            if current is None:
                continue
            self.sliders[control.path] = (
                control,
                widgets.FloatSlider(
                    value=float(min(max(current, control.low), control.high)),
                    min=control.low,
                    max=control.high,
                    step=control.step,
                    description=control.label[self.lang],
                    style={"description_width": "initial"},
                    layout=widgets.Layout(width="520px"),
                    continuous_update=False,
                ),
            )
        self.button = widgets.Button(
            description="Opnieuw berekenen" if self.lang == "nl" else "Run again",
            button_style="primary",
        )
        self.button.on_click(lambda _b: self.run())
        self.output = widgets.Output()
        self.title = widgets.HTML(f"<h3>{base.label[self.lang]}</h3>")
        self.box = widgets.VBox(
            [self.title, *(s for _, s in self.sliders.values()), self.button, self.output]
        )

    def _current(self, control: Control) -> float | None:
        scenario = self.setup.scenario
        if control.kind == "behaviour":
            if control.path in scenario.behaviour:
                return float(scenario.behaviour[control.path])
            try:
                return float(load_behaviour()[control.path])
            except KeyError:
                return None
        if control.path not in scenario.parameters:
            return None

        first = (self.setup.years or range(2024, 2025))[0]
        value = (
            scenario.parameters[control.path].at(dt.date(first, 9, 1))
            if hasattr(scenario.parameters[control.path], "at")
            else None
        )
        return float(value) if isinstance(value, int | float) else None

    def values(self) -> tuple[dict[str, Any], dict[str, float]]:
        """The policy and behaviour overrides the sliders hold now."""
        policy, behaviour = {}, dict(self.setup.scenario.behaviour)
        for control, slider in self.sliders.values():
            value = slider.value
            if control.kind == "policy":
                policy[control.path] = int(value) if float(control.step).is_integer() else value
            else:
                behaviour[control.path] = value
        return policy, behaviour

    def update(self, scenario) -> Any:
        """The scenario's Results on the explorer's recorded world (made on first use).

        Only the policy layer is rerun when a policy slider moves (``llr_sim.simulation.Replay``).
        """
        kwargs = self.setup.simulate_kwargs
        if self.replay is None:
            self.replay = Replay(
                scenario,
                kwargs.get("scale", 0.01),
                kwargs.get("seed", 0),
                kwargs.get("years", DEFAULT_YEARS),
            )
            return self.replay.results
        return self.replay.run(scenario)

    def show(self) -> None:
        """Display the controls."""
        from IPython.display import display  # noqa: PLC0415 - IPython loads only in a notebook

        display(self.box)

    def run(self):
        """Simulate the scenario with the values chosen and show the headline and figures."""
        from IPython.display import HTML, display  # noqa: PLC0415 - IPython loads only in a notebook

        policy, behaviour = self.values()
        scenario = variant(self.setup.scenario, "explore", policy=policy, behaviour=behaviour)
        results = self.update(scenario)
        explored = labels.text("explored", self.lang)
        source = self.setup.source(scenario=f"{self.setup.scenario.name} ({explored})")
        self.output.clear_output(wait=True)
        with self.output:
            table = tables.headline(results.summary, self.lang)
            display(HTML(f"<h4>{labels.section('headline', self.lang)}</h4>"))
            display(HTML(tables.to_html(table, self.lang)))
            for draw in (charts.take_up, charts.cost, charts.participation):
                fig = draw(results.indicators, source, self.lang)
                display(fig)

                plt.close(fig)
        self.results = results
        return results
