"""Persoonsvolgend ontwikkelbudget: the portable personal budget (off in the baseline).

Conditions, in the order of the design parameters:

1. the budget exists (``ontwikkelbudget.enabled``);
2. age between the minimum and maximum age;
3. a status in which the account is credited (by default workers and jobseekers).

Amounts: the yearly credit: the base credit, reduced in proportion for workers below the
pro-rata work fraction (jobseekers get it in full), plus top-ups for the low educated, for older
people and for jobseekers; and the account cap (higher for the low educated). 0 when not
eligible. How the balance accumulates, expires and follows a person is the model's business;
the rule only says what is credited this year.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from llr_sim.policy._frame import as_float, decide, equals, is_in, listing
from llr_sim.policy.parameters import ParameterSet

ID = "ontwikkelbudget"
_WORKING = ("employee_private", "employee_public", "self_employed")


def compute(population: pd.DataFrame, when: dt.date, parameters: ParameterSet) -> pd.DataFrame:
    """Eligibility, reason and the yearly credit for every person on ``when``.

    Args:
        population: One row per person (DESIGN.md section 4 columns).
        when: The date at which the rules are read.
        parameters: The parameter set of the scenario.

    Returns:
        Columns ``ontwikkelbudget_eligible``, ``_reason``, ``_annual_credit_eur``, ``_cap_eur``,
        same index.
    """
    p = parameters.at(when).sub(ID)
    n = len(population)
    statuses = p["eligibility.statuses"]
    age = as_float(population["age"])
    min_age, max_age = p["eligibility.min_age"], p["eligibility.max_age"]
    low = equals(population["education"], "low")
    eligible, reason = decide(
        [
            (
                np.full(n, bool(p["enabled"])),
                "no ontwikkelbudget in this scenario (ontwikkelbudget.enabled is false)",
            ),
            (
                (age >= min_age) & (age <= max_age),
                f"age outside {min_age:g}-{max_age:g}",
            ),
            (
                is_in(population["status"], statuses),
                (f"status {{}} is not eligible (only {listing(statuses)})", population["status"]),
            ),
        ],
        n,
    )
    threshold = p["credit.prorata_below_work_fraction"]
    work_fraction = as_float(population["work_fraction"])
    working = is_in(population["status"], _WORKING)
    factor = (
        np.where(working, np.minimum(work_fraction / threshold, 1.0), 1.0)
        if threshold > 0
        else np.ones(n)
    )
    credit = (
        p["credit.annual_eur"] * factor
        + np.where(low, p["topup.low_educated_eur"], 0.0)
        + np.where(age >= p["topup.older_from_age"], p["topup.older_eur"], 0.0)
        + np.where(equals(population["status"], "unemployed"), p["topup.jobseeker_eur"], 0.0)
    )
    cap = p["credit.cap_eur"] + np.where(low, p["topup.low_educated_cap_eur"], 0.0)
    return pd.DataFrame(
        {
            f"{ID}_eligible": eligible,
            f"{ID}_reason": reason,
            f"{ID}_annual_credit_eur": np.where(eligible, credit, 0.0),
            f"{ID}_cap_eur": np.where(eligible, cap, 0.0),
        },
        index=population.index,
    )
