"""Vlaamse opleidingscheques voor werknemers: training vouchers, 50% paid by the government.

Conditions in the order of the regulation (vlaanderen.be/opleidingscheques-voor-werknemers):

1. an employee or temporary agency worker, private or public sector (not self-employed, not a
   jobseeker on benefit);
2. residence in Flanders or Brussels (or EU/EEA with work there): the population lives in the
   Flemish Region, so only the region of work is checked, against a list that by default holds
   every region;
3. (harmonised scenarios only) a minimum work fraction, 0 in the baseline;
4. not on a student contract: ``in_education`` is read as such (an assumption);
5. low and medium educated for any listed course; the high educated only with a personal
   development plan (POP) after career guidance in the last 6 years (``career_guidance_pop``).

Amounts: the largest subsidy a person can receive in a school year on an ordinary course (the
standard ceiling times the government share), and, for information, the subsidy on a priority
course and when a low or medium educated person starts higher education. 0 when not eligible.
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

ID = "opleidingscheques"


def compute(population: pd.DataFrame, when: dt.date, parameters: ParameterSet) -> pd.DataFrame:
    """Eligibility, reason and amounts for every person on ``when``.

    Args:
        population: One row per person (DESIGN.md section 4 columns; optional portfolio columns
            default as in :data:`llr_sim.policy._frame.OPTIONAL_DEFAULTS`).
        when: The date at which the rules are read.
        parameters: The parameter set of the scenario.

    Returns:
        Columns ``opleidingscheques_eligible``, ``_reason``, ``_max_subsidy_eur``,
        ``_max_subsidy_priority_eur``, ``_max_subsidy_higher_education_eur``, same index.
    """
    p = parameters.at(when).sub(ID)
    n = len(population)
    high = equals(population["education"], "high")
    statuses = p["eligibility.statuses"]
    regions = p["eligibility.work_regions"]
    min_fraction = p["eligibility.min_work_fraction"]
    eligible, reason = decide(
        [
            (
                is_in(population["status"], statuses),
                (f"status {{}} is not eligible (only {listing(statuses)})", population["status"]),
            ),
            (
                is_in(column(population, "work_region"), regions),
                f"works outside the eligible regions ({listing(regions)})",
            ),
            (
                as_float(population["work_fraction"]) >= min_fraction - EPS,
                f"works less than {pct(min_fraction)} of full time",
            ),
            (
                ~(
                    p["eligibility.excludes_student_contracts"]
                    & as_bool(population["in_education"])
                ),
                "on a student contract (still in initial education)",
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
    share = p["co_financing.government_share"]
    standard = np.where(eligible, p["ceiling.standard_eur"] * share, 0.0)
    priority = np.where(eligible, p["ceiling.priority_course_subsidy_eur"], 0.0)
    higher = np.where(eligible & ~high, p["ceiling.higher_education_start_eur"] * share, 0.0)
    return pd.DataFrame(
        {
            f"{ID}_eligible": eligible,
            f"{ID}_reason": reason,
            f"{ID}_max_subsidy_eur": standard,
            f"{ID}_max_subsidy_priority_eur": priority,
            f"{ID}_max_subsidy_higher_education_eur": higher,
        },
        index=population.index,
    )
