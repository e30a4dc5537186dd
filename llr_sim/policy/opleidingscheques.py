"""Vlaamse opleidingscheques voor werknemers: training vouchers, 50% paid by the government.

Conditions in the order of the regulation (vlaanderen.be/opleidingscheques-voor-werknemers):

1. an employee or temporary agency worker, private or public sector (not self-employed, not a
   jobseeker on benefit);
2. residence in Flanders or Brussels (or EU/EEA with work there): the population lives in the
   Flemish Region, so only the region of work is checked, against a list that by default holds
   every region;
3. (harmonised scenarios only) a minimum work fraction, 0 in the baseline;
4. not on a student contract. The population has no contract type, and ``in_education`` marks
   anyone in formal education, including the adult learners the cheques are meant for. A
   student contract (studentenarbeid) is read as: in education, younger than
   ``eligibility.student_contract_below_age`` (25) and working. This is an assumption: student
   jobs are held by young people in initial education, which in Flanders usually ends before
   25; a person of 25 or older in formal education who works is taken to be an adult learner on
   an ordinary employment contract, and stays eligible;
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
    Columns,
    Frame,
    amount,
    as_bool,
    compare,
    decide,
    equals,
    pop_condition,
    region_condition,
    result,
    status_condition,
    work_fraction_condition,
)
from llr_sim.policy.parameters import Constraint, ParameterSet, Snapshot

ID = "opleidingscheques"

#: Relations between the parameters that must hold at every date: none beyond the checks of
#: every value (a number is finite and not negative, a share at most 1).
CONSTRAINTS: list[Constraint] = []


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
    return result(columns(Columns(population), parameters.at(when)), population.index)


def columns(population: Frame, snapshot: Snapshot) -> dict[str, object]:
    """The columns of :func:`compute` as arrays, with the parameters in force (``snapshot``)."""
    p = snapshot.sub(ID)
    below_age = p["eligibility.student_contract_below_age"]
    if p["eligibility.excludes_student_contracts"]:
        student_contract = (
            as_bool(population["in_education"])
            & compare(population["age"], "<", below_age)
            & compare(population["work_fraction"], ">", 0)
        )
    else:
        student_contract = np.bool_(False)
    eligible, reason = decide(
        [
            status_condition(population, p["eligibility.statuses"]),
            region_condition(
                population, p["eligibility.work_regions"], "works outside the eligible regions ({})"
            ),
            work_fraction_condition(population, p["eligibility.min_work_fraction"]),
            (
                ~student_contract,
                f"on a student contract (in education, under {below_age:g} and working)",
            ),
            pop_condition(population, p["eligibility.high_educated_requires_pop"]),
        ],
        len(population),
    )
    high = equals(population["education"], "high")
    share = p["co_financing.government_share"]
    standard = amount(eligible, float(p["ceiling.standard_eur"] * share))
    priority = amount(eligible, float(p["ceiling.priority_course_subsidy_eur"]))
    higher = amount(eligible & ~high, float(p["ceiling.higher_education_start_eur"] * share))
    return {
        f"{ID}_eligible": eligible,
        f"{ID}_reason": reason,
        f"{ID}_max_subsidy_eur": standard,
        f"{ID}_max_subsidy_priority_eur": priority,
        f"{ID}_max_subsidy_higher_education_eur": higher,
    }


# --- what a course earns ---------------------------------------------------------------------


def course_subsidy(price: np.ndarray, max_subsidy: np.ndarray, snapshot: Snapshot) -> np.ndarray:
    """What the cheques pay towards a course of ``price`` EUR.

    "The employee pays 50% and the Flemish government 50%": the government's share of the price
    (``co_financing.government_share``), up to the person's maximum subsidy in the school year
    (``opleidingscheques_max_subsidy_eur``, 0 when not eligible).

    Args:
        price: The price of each person's course, EUR.
        max_subsidy: Each person's maximum subsidy, EUR.
        snapshot: The parameters in force.

    Returns:
        The subsidy per person, EUR.
    """
    share = float(snapshot["opleidingscheques.co_financing.government_share"])
    return np.minimum(share * price, max_subsidy)
