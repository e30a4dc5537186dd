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
6. low or medium educated, or high educated with a POP after career guidance.

Amounts: the gross monthly premium for the form of interruption, plus the supplement for people
living alone; the maximum duration in months. 0 when not eligible.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from llr_sim.policy._frame import (
    EPS,
    as_bool,
    as_float,
    column,
    decide,
    equals,
    is_in,
    listing,
    pct,
)
from llr_sim.policy.parameters import ParameterSet

ID = "opleidingskrediet"


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
    p = parameters.at(when).sub(ID)
    n = len(population)
    statuses = p["eligibility.statuses"]
    regions = p["eligibility.work_regions"]
    min_fraction = p["eligibility.min_work_fraction"]
    interruptions = p["eligibility.interruption_types"]
    career_break = column(population, "career_break")
    min_tenure = p["eligibility.min_tenure_years"]
    high = equals(population["education"], "high")
    eligible, reason = decide(
        [
            (
                is_in(population["status"], statuses),
                (f"status {{}} is not eligible (only {listing(statuses)})", population["status"]),
            ),
            (
                is_in(column(population, "work_region"), regions),
                f"does not work in {listing(regions)}",
            ),
            (
                as_float(population["work_fraction"]) >= min_fraction - EPS,
                f"works less than {pct(min_fraction)} of full time",
            ),
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
                as_float(population["tenure_years"]) >= min_tenure,
                f"less than {min_tenure:g} years with the current employer",
            ),
            (
                ~(
                    high
                    & p["eligibility.high_educated_requires_pop"]
                    & ~as_bool(column(population, "career_guidance_pop"))
                ),
                "high educated without a personal development plan (POP) after career guidance",
            ),
        ],
        n,
    )
    premium = np.select(
        [
            equals(career_break, "full"),
            equals(career_break, "half"),
            equals(career_break, "one_fifth"),
        ],
        [
            p["premium.full_eur_per_month"],
            p["premium.half_eur_per_month"],
            p["premium.one_fifth_eur_per_month"],
        ],
        default=0.0,
    ) + np.where(
        as_bool(population["lives_alone"]), p["premium.lives_alone_supplement_eur_per_month"], 0.0
    )
    return pd.DataFrame(
        {
            f"{ID}_eligible": eligible,
            f"{ID}_reason": reason,
            f"{ID}_monthly_premium_eur": np.where(eligible, premium, 0.0),
            f"{ID}_max_months": np.where(eligible, p["duration.max_months"], 0),
        },
        index=population.index,
    )
