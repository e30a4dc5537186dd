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
    amount,
    as_float,
    decide,
    equals,
    is_in,
    result,
    status_condition,
)
from llr_sim.policy.parameters import ParameterSet
from llr_sim.population.schema import EMPLOYED_STATUSES

ID = "ontwikkelbudget"


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
    p = parameters.at(when).sub(ID)
    n = len(population)
    enabled = bool(p["enabled"])
    age = as_float(population["age"])
    min_age, max_age = p["eligibility.min_age"], p["eligibility.max_age"]
    eligible, reason = decide(
        [
            (
                np.bool_(enabled),
                "no ontwikkelbudget in this scenario (ontwikkelbudget.enabled is false)",
            ),
            (
                (age >= min_age) & (age <= max_age),
                f"age outside {min_age:g}-{max_age:g}",
            ),
            status_condition(population, p["eligibility.statuses"]),
        ],
        n,
    )
    if not enabled:  # nobody is credited: no arithmetic over every person
        zeros = np.zeros(n)
        amounts = dict.fromkeys(("annual_credit_eur", "cap_eur", "co_payment_eur"), zeros)
        amounts["co_payment_share"] = zeros
    else:
        low = equals(population["education"], "low")
        threshold = p["credit.prorata_below_work_fraction"]
        work_fraction = as_float(population["work_fraction"])
        working = is_in(population["status"], EMPLOYED_STATUSES)
        # Workers below the threshold get credit x work_fraction / threshold; others in full.
        factor = (
            1.0 - working * np.maximum(1.0 - work_fraction / threshold, 0.0)
            if threshold > 0
            else 1.0
        )
        credit = (
            float(p["credit.annual_eur"]) * factor
            + low * float(p["topup.low_educated_eur"])
            + (age >= p["topup.older_from_age"]) * float(p["topup.older_eur"])
            + equals(population["status"], "unemployed") * float(p["topup.jobseeker_eur"])
        )
        cap = float(p["credit.cap_eur"]) + low * float(p["topup.low_educated_cap_eur"])
        amounts = {
            "annual_credit_eur": amount(eligible, credit),
            "cap_eur": amount(eligible, cap),
            "co_payment_eur": amount(eligible, float(p["co_payment.flat_eur"])),
            "co_payment_share": amount(eligible, float(p["co_payment.share"])),
        }
    return result(
        {
            f"{ID}_eligible": eligible,
            f"{ID}_reason": reason,
            **{f"{ID}_{name}": values for name, values in amounts.items()},
        },
        population.index,
    )
