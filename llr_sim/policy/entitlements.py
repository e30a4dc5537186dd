"""All five instruments at once, with the instruments a portable budget replaces closed."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from llr_sim.policy import (
    loopbaancheques,
    ontwikkelbudget,
    opleidingscheques,
    opleidingskrediet,
    opleidingsverlof,
)
from llr_sim.policy.parameters import INSTRUMENTS, ParameterSet

_MODULES = {
    m.ID: m
    for m in (
        opleidingscheques,
        loopbaancheques,
        opleidingsverlof,
        opleidingskrediet,
        ontwikkelbudget,
    )
}
assert tuple(_MODULES) == INSTRUMENTS


def entitlements(population: pd.DataFrame, when: dt.date, parameters: ParameterSet) -> pd.DataFrame:
    """Eligibility, reason and amounts of every instrument for every person on ``when``.

    An instrument listed in ``ontwikkelbudget.replaces`` is closed (not eligible, amounts 0 or
    NaN) while the ontwikkelbudget is enabled: its money goes into the budget.

    Args:
        population: One row per person (DESIGN.md section 4 columns, optional portfolio columns).
        when: The date at which the rules are read.
        parameters: The parameter set of the scenario.

    Returns:
        The columns of every instrument module, same index as ``population``.
    """
    parts = {
        name: module.compute(population, when, parameters) for name, module in _MODULES.items()
    }
    snapshot = parameters.at(when)
    if snapshot["ontwikkelbudget.enabled"]:
        n = len(population)
        replaced = pd.Categorical.from_codes(
            np.zeros(n, dtype=np.int8),
            categories=["replaced by the ontwikkelbudget in this scenario"],
        )
        for name in snapshot["ontwikkelbudget.replaces"]:
            frame = parts[name]
            for col in frame.columns:
                if col == f"{name}_eligible":
                    frame[col] = np.zeros(n, dtype=bool)
                elif col == f"{name}_reason":
                    frame[col] = replaced
                elif col.endswith("_own_contribution_eur"):
                    frame[col] = np.full(n, np.nan, dtype=np.float32)
                else:
                    frame[col] = np.zeros(n, dtype=frame[col].dtype)
    return pd.concat(parts.values(), axis=1)
