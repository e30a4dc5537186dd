"""One-at-a-time sensitivity of the results to the behavioural assumptions.

Each assumption at the low and the high end of its plausible range (``behaviour.yaml``),
everything else central, on the same random draws.

The difference to the central run is then the assumption's effect, not noise (common random
numbers: every run uses the same seed). The result feeds the tornado chart.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from llr_sim.analysis.variants import variant
from llr_sim.behaviour.parameters import load_behaviour
from llr_sim.errors import InputError
from llr_sim.simulation import simulate

#: Assumptions looked at by default: the ones the scenarios act on and that are not fitted.
DEFAULT_PARAMETERS = (
    "awareness.overview_multiplier",
    "awareness.word_of_mouth",
    "hassle.single_counter_factor",
    "ontwikkelbudget.salience",
    "employer.substitution",
    "barrier.money",
    "barrier.time",
    "provider.price_pass_through",
)


def behaviour_leaves() -> dict[str, Any]:
    """The behavioural parameters (dotted name to definition with ``range`` and ``value``)."""
    return dict(load_behaviour().leaves)


def choose_parameters(requested: list[str] | None) -> list[str]:
    """The parameters to vary: ``requested`` (checked), or the defaults that exist.

    Raises:
        InputError: For a name that is not a behavioural parameter, or one without a range.
    """
    leaves = behaviour_leaves()
    if not requested:
        return [p for p in DEFAULT_PARAMETERS if p in leaves and _has_range(leaves[p])]
    for name in requested:
        if name not in leaves:
            raise InputError(f"parameters: {name}", "not a behavioural parameter")
        if not _has_range(leaves[name]):
            raise InputError(f"parameters: {name}", "has no range to vary over")
    return list(requested)


def _has_range(leaf: Any) -> bool:
    low, high = leaf.range
    return high > low


def run_sensitivity(
    scenario: Any,
    parameters: list[str] | None = None,
    indicators: tuple[str, ...] = ("public_cost_eur", "additional_participants"),
    show_progress: bool = False,
    **simulate_kwargs: Any,
) -> tuple[pd.DataFrame, dict[str, float]]:
    """Run the central case and every parameter at both ends of its range.

    Args:
        scenario: A loaded scenario.
        parameters: Behavioural parameter names; None for :data:`DEFAULT_PARAMETERS`.
        indicators: Period totals from ``summary["period"]`` (or last-year values) to report.
        show_progress: A progress bar over the runs.
        **simulate_kwargs: Passed to ``simulate`` (scale, seed, years, ...).

    Returns:
        One row per parameter and indicator (``parameter``, ``label``, ``indicator``, ``low``,
        ``high``, ``range``), and the central values by indicator.
    """
    names = choose_parameters(parameters)
    leaves = behaviour_leaves()

    def values(summary: dict) -> dict[str, float]:
        out = {}
        for name in indicators:
            period = summary.get("period") or {}
            out[name] = period[name] if name in period else summary["last_year"][name]
        return out

    ends_of = [(n, end) for n in names for end in (0, 1)]
    changed = [
        variant(
            scenario,
            f"{scenario.name}_{i}_{'low' if end == 0 else 'high'}",
            behaviour={**dict(scenario.behaviour), name: leaves[name].range[end]},
        )
        for i, (name, end) in enumerate(ends_of)
    ]
    # One call: the variants whose values only describe responses to the incentives share a
    # world and a counterfactual with the central run.
    runs = simulate([scenario, *changed], show_progress=show_progress, **simulate_kwargs)
    central = values(runs[0].summary)
    ends = {key: values(run.summary) for key, run in zip(ends_of, runs[1:], strict=True)}
    rows = []
    for name in names:
        low, high = leaves[name].range
        for indicator in indicators:
            rows.append(
                {
                    "parameter": name,
                    "label": f"{name} [{low:g} – {high:g}]",
                    "range_low": low,
                    "range_high": high,
                    "description": leaves[name].description,
                    "indicator": indicator,
                    "low": ends[(name, 0)][indicator],
                    "high": ends[(name, 1)][indicator],
                    "central": central[indicator],
                }
            )
    return pd.DataFrame(rows), central
