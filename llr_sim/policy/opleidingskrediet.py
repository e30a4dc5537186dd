"""Vlaams opleidingskrediet: a monthly Flemish premium on federal time credit for training.

Conditions in the order of the regulation (vlaanderen.be, aanmoedigingspremie opleidingskrediet,
voorwaarden privésector):

1. an employee in the private or social-profit sector;
2. working in the Flemish Region (``work_region``, default ``flanders``);
3. (harmonised scenarios only) a minimum work fraction, 0 in the baseline;
4. on federal time credit with a training motive and an RVA benefit: ``career_break`` is
   ``full``, ``half`` or ``one_fifth`` (one fifth since 1 September 2019). The model reads any
   career break in the input as time credit with a training motive;
5. the federal seniority condition for time credit: at least 2 years with the employer;
6. the federal condition from 1 February 2023 for the RVA benefit: 12 months of full-time
   employment before the time credit. The population has no monthly work history: the model
   reads ``work_fraction`` as the contract before the interruption and takes a full-time
   contract (with the 2 years' seniority of condition 5) as 12 months of full-time work (an
   assumption; a part-timer who worked full-time in the past year is wrongly excluded);
7. low or medium educated, or high educated with a POP after career guidance.

Amounts: the gross monthly premium for the form of interruption, plus the supplement for people
living alone; the maximum duration in months. 0 when not eligible.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from llr_sim.policy._frame import (
    Columns,
    Frame,
    amount,
    amount_of_terms,
    as_bool,
    column,
    compare,
    decide,
    equals,
    is_in,
    listing,
    pop_condition,
    region_condition,
    result,
    share_at_least,
    status_condition,
    work_fraction_condition,
)
from llr_sim.policy.parameters import ParameterSet, Snapshot, whole_number_up_to

ID = "opleidingskrediet"

#: Relations between the parameters that must hold at every date: the months are counted in an
#: int16 column.
CONSTRAINTS = [
    whole_number_up_to(f"{ID}.duration.max_months", int(np.iinfo(np.int16).max), "months"),
]


def compute(population: pd.DataFrame, when: dt.date, parameters: ParameterSet) -> pd.DataFrame:
    """Eligibility, reason and amounts for every person on ``when``.

    Args:
        population: One row per person (DESIGN.md section 4 columns; optional
            ``career_break`` (default ``none``), ``work_region`` and ``career_guidance_pop``).
        when: The date at which the rules are read.
        parameters: The parameter set of the scenario.

    Returns:
        Columns ``opleidingskrediet_eligible``, ``_reason``, ``_monthly_premium_eur``,
        ``_max_months``, same index.
    """
    return result(columns(Columns(population), parameters.at(when)), population.index)


def columns(population: Frame, snapshot: Snapshot) -> dict[str, object]:
    """The columns of :func:`compute` as arrays, with the parameters in force (``snapshot``)."""
    p = snapshot.sub(ID)
    interruptions = p["eligibility.interruption_types"]
    career_break = column(population, "career_break")
    min_tenure = p["eligibility.min_tenure_years"]
    full_time_months = p["eligibility.full_time_months_before"]
    # The seniority condition (2 years) already covers the months; what remains is full time.
    full_time_before = (
        np.bool_(True) if full_time_months == 0 else share_at_least(population["work_fraction"], 1)
    )
    eligible, reason = decide(
        [
            status_condition(population, p["eligibility.statuses"]),
            region_condition(population, p["eligibility.work_regions"], "does not work in {}"),
            work_fraction_condition(population, p["eligibility.min_work_fraction"]),
            (
                ~equals(career_break, "none"),
                "not on time credit with a training motive",
            ),
            (
                is_in(career_break, interruptions),
                (
                    f"time credit of type {{}} does not qualify (only {listing(interruptions)})",
                    career_break,
                ),
            ),
            (
                compare(population["tenure_years"], ">=", min_tenure),
                f"less than {min_tenure:g} years with the current employer",
            ),
            (
                full_time_before,
                f"not {full_time_months:g} months full-time before the time credit",
            ),
            pop_condition(population, p["eligibility.high_educated_requires_pop"]),
        ],
        len(population),
    )
    # The premium for the form of interruption (one per person), plus the supplement for people
    # living alone.
    premium = amount_of_terms(
        eligible,
        [
            (equals(career_break, "full"), p["premium.full_eur_per_month"]),
            (equals(career_break, "half"), p["premium.half_eur_per_month"]),
            (equals(career_break, "one_fifth"), p["premium.one_fifth_eur_per_month"]),
            (as_bool(population["lives_alone"]), p["premium.lives_alone_supplement_eur_per_month"]),
        ],
    )
    return {
        f"{ID}_eligible": eligible,
        f"{ID}_reason": reason,
        f"{ID}_monthly_premium_eur": premium,
        f"{ID}_max_months": amount(eligible, int(p["duration.max_months"]), np.int16),
    }


# --- what time credit earns ------------------------------------------------------------------


def premium_for(monthly_premium: np.ndarray, months: float) -> np.ndarray:
    """The Flemish premium over ``months`` of time credit, EUR.

    The premium is paid per month of time credit with a training motive: the monthly premium
    (``opleidingskrediet_monthly_premium_eur``, 0 when not eligible) times the months.

    Args:
        monthly_premium: Each person's gross monthly premium, EUR.
        months: The months of time credit taken.

    Returns:
        The premium per person, EUR.
    """
    return monthly_premium * months


def has_federal_seniority(tenure_years: np.ndarray, snapshot: Snapshot) -> np.ndarray:
    """Whether a person meets the federal seniority condition of time credit.

    "At least 2 years' seniority with the employer": ``tenure_years`` at least
    ``eligibility.min_tenure_years``. Federal time credit with a training motive exists with or
    without the Flemish premium.

    Args:
        tenure_years: Each person's years with the current employer.
        snapshot: The parameters in force.

    Returns:
        True where the seniority condition is met.
    """
    return tenure_years >= snapshot["opleidingskrediet.eligibility.min_tenure_years"]
