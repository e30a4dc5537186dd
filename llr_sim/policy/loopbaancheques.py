"""Loopbaancheques: two career-guidance cheques every 6 years, for workers with a career.

Conditions in the order of the regulation (odin.vlaanderen.be, "over loopbaanbegeleiding met de
loopbaancheque"):

1. residence in Flanders or Brussels: assumed for the whole population, not checked;
2. working, full-time or part-time, as an employee or self-employed;
3. at least 7 years of work over the career (from 2020; 0 before);
4. at least 1 year of work in the last 2: the population has no yearly work history, so the model
   takes ``min(years_worked, 2)`` for a person who works now (assumes no gap in the window);
5. no cheques used in the last 6 years: ``last_loopbaancheque_year`` empty (never), or at least
   6 calendar years before the year of ``when``.

Amounts: the own contribution per cheque (NaN when not eligible: nothing to pay); the value
paid to the career centre for one 7-hour trajectory (the dated parameter), and the government
payment, which is that value minus the person's own contributions for the cheques of the
trajectory (0 when not eligible).
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from llr_sim.policy._frame import (
    Columns,
    Frame,
    amount,
    amount_or_nan,
    as_float,
    column,
    compare,
    decide,
    result,
    status_condition,
)
from llr_sim.policy.parameters import Constraint, ParameterSet, Snapshot, whole_number_up_to

ID = "loopbaancheques"

_VALUE = f"{ID}.provider.value_eur_per_trajectory"
_OWN = f"{ID}.own_contribution.eur_per_cheque"
_CHEQUES = f"{ID}.cheques.per_period"

#: Relations between the parameters that must hold at every date.
CONSTRAINTS = [
    # The government pays the provider's value less the person's contributions: not below 0.
    Constraint(
        _VALUE,
        (_VALUE, _OWN, _CHEQUES),
        lambda p: p[_VALUE] >= p[_CHEQUES] * p[_OWN],
        lambda p: (
            f"the value paid to the provider ({p[_VALUE]:g}) is below the own contributions "
            f"({p[_CHEQUES]:g} x {p[_OWN]:g})"
        ),
    ),
    # The cheques are counted in an int16 column.
    whole_number_up_to(_CHEQUES, int(np.iinfo(np.int16).max), "cheques per period"),
]


def compute(population: pd.DataFrame, when: dt.date, parameters: ParameterSet) -> pd.DataFrame:
    """Eligibility, reason and amounts for every person on ``when``.

    Args:
        population: One row per person (DESIGN.md section 4 columns; optional
            ``last_loopbaancheque_year``, default never).
        when: The date at which the rules are read.
        parameters: The parameter set of the scenario.

    Returns:
        Columns ``loopbaancheques_eligible``, ``_reason``, ``_own_contribution_eur`` (per
        cheque), ``_cheques``, ``_provider_value_eur`` and ``_government_payment_eur`` (per
        trajectory), same index.
    """
    return result(columns(Columns(population), parameters.at(when)), population.index)


def columns(population: Frame, snapshot: Snapshot) -> dict[str, object]:
    """The columns of :func:`compute` as arrays, with the parameters in force (``snapshot``)."""
    p = snapshot.sub(ID)
    n = len(population)
    years_worked = population["years_worked"]
    min_career = p["eligibility.min_career_years"]
    window = p["eligibility.recent_window_years"]
    min_recent = p["eligibility.min_recent_years_worked"]
    # At least min_recent years of work in the last `window` years: with no gap in the window,
    # min(years_worked, window) >= min_recent, i.e. years_worked >= min_recent if the window is
    # long enough.
    recent = compare(years_worked, ">=", min_recent) if window >= min_recent else np.bool_(False)
    last = as_float(column(population, "last_loopbaancheque_year"))
    period = p["cheques.period_years"]
    next_year = last + period
    used_recently = snapshot.when.year < next_year  # false when never used: NaN compares false

    def next_whole(rows: np.ndarray) -> np.ndarray:
        """The year from which the persons at ``rows`` may use cheques again."""
        return np.nan_to_num(next_year[rows]).astype("int64")

    eligible, reason = decide(
        [
            status_condition(population, p["eligibility.statuses"]),
            (
                compare(years_worked, ">=", min_career),
                f"fewer than {min_career:g} years of work over the career",
            ),
            (
                recent,
                f"less than {min_recent:g} year of work in the last {window:g} years",
            ),
            (
                ~used_recently,
                (f"used loopbaancheques in the last {period:g} years; next from {{}}", next_whole),
            ),
        ],
        n,
    )
    own = float(p["own_contribution.eur_per_cheque"])
    value = float(p["provider.value_eur_per_trajectory"])
    government = value - p["cheques.per_period"] * own
    return {
        f"{ID}_eligible": eligible,
        f"{ID}_reason": reason,
        f"{ID}_own_contribution_eur": amount_or_nan(eligible, own),
        f"{ID}_cheques": amount(eligible, int(p["cheques.per_period"]), np.int16),
        f"{ID}_provider_value_eur": amount(eligible, value),
        f"{ID}_government_payment_eur": amount(eligible, float(government)),
    }


# --- what a trajectory costs and what guidance leaves ----------------------------------------


def trajectory_payments(
    government_payment: np.ndarray, own_contribution: np.ndarray, snapshot: Snapshot
) -> tuple[np.ndarray, np.ndarray]:
    """(government's payment, the person's own contributions) for one trajectory of cheques.

    A trajectory uses the cheques of a period ("2 cheques every 6 years", together 7 hours of
    guidance): the person pays the own contribution for each of the ``cheques.per_period``
    cheques (nothing where the contribution is NaN, i.e. not eligible), the government the rest
    of the value paid to the career centre (``loopbaancheques_government_payment_eur``).

    Args:
        government_payment: Each person's government payment per trajectory, EUR.
        own_contribution: Each person's own contribution per cheque, EUR (NaN when not
            eligible).
        snapshot: The parameters in force.

    Returns:
        The government's payment and the person's own contributions per trajectory, EUR.
    """
    own = np.nan_to_num(own_contribution) * snapshot["loopbaancheques.cheques.per_period"]
    return government_payment, own


def holds_pop(year: int, pop_year: np.ndarray, snapshot: Snapshot) -> np.ndarray:
    """Whether a person holds a personal development plan (POP) after career guidance.

    Career guidance ends with a POP; the opleidingscheques admit the high educated who "followed
    career guidance in the last 6 years" for a course in their POP: guidance in a year less
    than ``pop.validity_years`` before ``year``. False where there was no guidance (``pop_year``
    NaN: NaN compares false).

    Args:
        year: The calendar year.
        pop_year: The year of each person's last career guidance (NaN: never).
        snapshot: The parameters in force.

    Returns:
        True where the person holds a POP in ``year``.
    """
    return year - pop_year < snapshot["loopbaancheques.pop.validity_years"]
