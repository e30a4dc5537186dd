"""Persoonsvolgend ontwikkelbudget: the portable personal budget (off in the baseline).

Conditions, in the order of the design parameters:

1. the budget exists (``ontwikkelbudget.enabled``);
2. age between the minimum and maximum age;
3. a status in which the account is credited (by default workers and jobseekers).

Amounts: the yearly credit: the base credit, reduced in proportion for workers below the
pro-rata work fraction (jobseekers get it in full), plus top-ups for the low educated, for older
people and for jobseekers; the account cap (higher for the low educated); and what the person
pays per course booked with the budget (a flat amount and a share of the price). 0 when not
eligible. How the balance accumulates, expires and follows a person is the model's business;
the rule only says what is credited this year.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from llr_sim.policy._frame import (
    Columns,
    Frame,
    add_amounts,
    amount,
    amount_of_either,
    compare,
    decide,
    equals,
    in_proportion_below,
    is_in,
    result,
    status_condition,
)
from llr_sim.policy.parameters import Constraint, ParameterSet, Snapshot
from llr_sim.population.schema import EMPLOYED_STATUSES

ID = "ontwikkelbudget"

_CAP, _ANNUAL = f"{ID}.credit.cap_eur", f"{ID}.credit.annual_eur"
_LOW, _LOW_CAP = f"{ID}.topup.low_educated_eur", f"{ID}.topup.low_educated_cap_eur"
_MIN_AGE, _MAX_AGE = f"{ID}.eligibility.min_age", f"{ID}.eligibility.max_age"
_LIMITED, _LIMIT = f"{ID}.budget.limited", f"{ID}.budget.annual_limit_eur"

#: Relations between the parameters that must hold at every date.
CONSTRAINTS = [
    Constraint(
        _CAP,
        (_CAP, _ANNUAL),
        lambda p: p[_CAP] >= p[_ANNUAL],
        lambda p: f"the cap ({p[_CAP]:g}) is below the annual credit ({p[_ANNUAL]:g})",
    ),
    Constraint(
        _LOW_CAP,
        (_CAP, _ANNUAL, _LOW, _LOW_CAP),
        lambda p: (
            (p[_LOW] == 0 and p[_LOW_CAP] == 0) or p[_CAP] + p[_LOW_CAP] >= p[_ANNUAL] + p[_LOW]
        ),
        lambda p: (
            f"the cap for the low educated ({p[_CAP] + p[_LOW_CAP]:g}) is below their annual "
            f"credit ({p[_ANNUAL] + p[_LOW]:g})"
        ),
    ),
    Constraint(
        _MAX_AGE,
        (_MIN_AGE, _MAX_AGE),
        lambda p: p[_MAX_AGE] >= p[_MIN_AGE],
        lambda p: f"the maximum age ({p[_MAX_AGE]:g}) is below the minimum age ({p[_MIN_AGE]:g})",
    ),
    Constraint(
        _LIMIT,
        (_LIMITED, _LIMIT),
        lambda p: not p[_LIMITED] or p[_LIMIT] > 0,
        lambda p: "a limited budget needs a yearly limit above 0",
    ),
]


def compute(population: pd.DataFrame, when: dt.date, parameters: ParameterSet) -> pd.DataFrame:
    """Eligibility, reason and the yearly credit for every person on ``when``.

    Args:
        population: One row per person (DESIGN.md section 4 columns).
        when: The date at which the rules are read.
        parameters: The parameter set of the scenario.

    Returns:
        Columns ``ontwikkelbudget_eligible``, ``_reason``, ``_annual_credit_eur``, ``_cap_eur``,
        ``_co_payment_eur`` (flat, per course), ``_co_payment_share``, same index.
    """
    return result(columns(Columns(population), parameters.at(when)), population.index)


def columns(population: Frame, snapshot: Snapshot) -> dict[str, object]:
    """The columns of :func:`compute` as arrays, with the parameters in force (``snapshot``)."""
    p = snapshot.sub(ID)
    n = len(population)
    enabled = bool(p["enabled"])
    min_age, max_age = p["eligibility.min_age"], p["eligibility.max_age"]
    checks = [
        (
            np.bool_(enabled),
            "no ontwikkelbudget in this scenario (ontwikkelbudget.enabled is false)",
        )
    ]
    if enabled:  # otherwise nobody gets past the first condition: the others are not computed
        checks += [
            (
                compare(population["age"], ">=", min_age)
                & compare(population["age"], "<=", max_age),
                f"age outside {min_age:g}-{max_age:g}",
            ),
            status_condition(population, p["eligibility.statuses"]),
        ]
    eligible, reason = decide(checks, n)
    if not enabled:  # nobody is credited: no arithmetic over every person
        zeros = np.zeros(n)
        amounts = dict.fromkeys(("annual_credit_eur", "cap_eur", "co_payment_eur"), zeros)
        amounts["co_payment_share"] = zeros
    else:
        low = equals(population["education"], "low")
        cap = float(p["credit.cap_eur"])
        amounts = {
            "annual_credit_eur": amount(eligible, _credit(population, p, low)),
            # The account cap, higher for the low educated.
            "cap_eur": amount_of_either(
                eligible, low, cap + float(p["topup.low_educated_cap_eur"]), cap
            ),
            "co_payment_eur": amount(eligible, float(p["co_payment.flat_eur"])),
            "co_payment_share": amount(eligible, float(p["co_payment.share"])),
        }
    return {
        f"{ID}_eligible": eligible,
        f"{ID}_reason": reason,
        **{f"{ID}_{name}": values for name, values in amounts.items()},
    }


def _credit(population: Frame, p: Snapshot, low: np.ndarray) -> np.ndarray:
    """The yearly credit of every person (float64), whether eligible or not.

    The base credit, for workers below the pro-rata work fraction in proportion to
    ``work_fraction / threshold``; plus the top-ups for the low educated, for older people and
    for jobseekers.
    """
    annual = float(p["credit.annual_eur"])
    threshold = p["credit.prorata_below_work_fraction"]
    if threshold > 0:
        working = is_in(population["status"], EMPLOYED_STATUSES)
        credit = in_proportion_below(annual, population["work_fraction"], threshold, working)
    else:
        credit = np.full(len(population), annual)
    return add_amounts(
        credit,
        [
            (low, p["topup.low_educated_eur"]),
            (compare(population["age"], ">=", p["topup.older_from_age"]), p["topup.older_eur"]),
            (equals(population["status"], "unemployed"), p["topup.jobseeker_eur"]),
        ],
    )


# --- what a course earns ---------------------------------------------------------------------


def payable(price: np.ndarray, snapshot: Snapshot) -> np.ndarray:
    """What the budget may pay of a course of ``price`` EUR.

    The person pays a share of the price (``co_payment.share``) and a flat amount per course
    (``co_payment.flat_eur``); the budget may pay the rest of the price, at least 0. How much
    it does pay depends on the balance, which is the model's business.

    Args:
        price: The price of each person's course, EUR.
        snapshot: The parameters in force.

    Returns:
        The most the budget may pay per person, EUR.
    """
    co_share = float(snapshot["ontwikkelbudget.co_payment.share"])
    flat = float(snapshot["ontwikkelbudget.co_payment.flat_eur"])
    return np.maximum(price * (1 - co_share) - flat, 0.0)
