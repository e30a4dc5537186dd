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
from llr_sim.policy._frame import Columns, reason_dtype, result
from llr_sim.policy.parameters import INSTRUMENTS, Constraint, ParameterSet, violations

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

#: The relations between parameters that the instrument modules declare, in registry order.
CONSTRAINTS: tuple[Constraint, ...] = tuple(c for m in _MODULES.values() for c in m.CONSTRAINTS)

#: The reason of everyone in an instrument that the ontwikkelbudget replaces.
_REPLACED = reason_dtype(("replaced by the ontwikkelbudget in this scenario",))


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
    frame = Columns(population)  # each column looked up once for the five instruments
    parts = {
        name: module.columns(frame, snapshot)
        for name, module in _MODULES.items()
        if name not in closed
    }
    # The constant columns of the closed instruments come after the rules of the others: built
    # first, they moved the rules' large arrays to memory that had to be paged in anew (at full
    # scale five times the page faults, a third slower).
    n = len(population)
    for name in closed:
        parts[name] = columns = {}
        for col, dtype in _closed_dtypes(name, population, when, parameters):
            if col == f"{name}_eligible":
                columns[col] = np.zeros(n, dtype=bool)
            elif col == f"{name}_reason":
                columns[col] = pd.Categorical.from_codes(
                    np.zeros(n, dtype=np.int8), dtype=_REPLACED, validate=False
                )
            elif col.endswith("_own_contribution_eur"):
                columns[col] = np.full(n, np.nan, dtype=np.float32)
            else:
                columns[col] = np.zeros(n, dtype=dtype)
    # One frame for all instruments: cheaper than a frame per instrument put side by side.
    return result({c: v for name in _MODULES for c, v in parts[name].items()}, population.index)


def check_constraints(parameters: ParameterSet) -> list[tuple[str, list[str], str]]:
    """The relations between parameters, declared by the instruments, that ``parameters`` break.

    Args:
        parameters: The parameter set (of a scenario).

    Returns:
        A list of (parameter at fault, parameters involved, message) for every violation, each
        at the first date it breaks.
    """
    return violations(parameters, CONSTRAINTS)


#: The columns and dtypes of closed instruments, by (instrument, id of the parameter set, date);
#: each entry keeps its parameter set, so that the id cannot be reused while the entry exists.
_CLOSED: dict[tuple[str, int, dt.date], tuple[ParameterSet, list[tuple[str, np.dtype]]]] = {}


def _closed_dtypes(
    name: str, population: pd.DataFrame, when: dt.date, parameters: ParameterSet
) -> list[tuple[str, np.dtype]]:
    """The columns of instrument ``name`` and their dtypes, from its rules run on no persons.

    Run once per instrument, parameter set and date: every column of the rules has a dtype of
    its own (an amount is float32 or int16 whatever the input), so the persons do not change it.
    """
    key = (name, id(parameters), when)
    entry = _CLOSED.get(key)
    if entry is None or entry[0] is not parameters:
        if len(_CLOSED) >= 256:
            _CLOSED.clear()
        empty = Columns(population.iloc[:0])
        dtypes = [
            (col, values.dtype)
            for col, values in _MODULES[name].columns(empty, parameters.at(when)).items()
        ]
        entry = _CLOSED[key] = (parameters, dtypes)
    return entry[1]
