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
    snapshot = parameters.at(when)
    closed = snapshot["ontwikkelbudget.replaces"] if snapshot["ontwikkelbudget.enabled"] else []
    parts = {
        # A closed instrument's rules are only run on no persons, for its columns and dtypes.
        name: module.compute(
            population.iloc[:0] if name in closed else population, when, parameters
        )
        for name, module in _MODULES.items()
    }
    if closed:
        n = len(population)
        replaced = pd.Categorical.from_codes(
            np.zeros(n, dtype=np.int8),
            categories=["replaced by the ontwikkelbudget in this scenario"],
        )
        for name in closed:
            columns = {}
            for col, dtype in parts[name].dtypes.items():
                if col == f"{name}_eligible":
                    columns[col] = np.zeros(n, dtype=bool)
                elif col == f"{name}_reason":
                    columns[col] = replaced
                elif col.endswith("_own_contribution_eur"):
                    columns[col] = np.full(n, np.nan, dtype=np.float32)
                else:
                    columns[col] = np.zeros(n, dtype=dtype)
            parts[name] = pd.DataFrame(columns, index=population.index, copy=False)
    return pd.concat(parts.values(), axis=1)
