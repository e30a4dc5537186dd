"""Vlaams opleidingsverlof: paid training leave, the employer reimbursed a flat rate per hour.

Conditions in the order of the regulation (sdworx/asap summaries; 2025 cuts: Ministerraad of
25 April 2025, taken to apply from that date, an assumption: the leave runs by school year, so
they may in practice apply from 1 September 2025; see ``opleidingsverlof.yaml``):

1. a private-sector employee;
2. working at an establishment in the Flemish Region (``work_region``, default ``flanders``);
3. working at least half-time (at least 80% from 25 April 2025);
4. at least 28 hours a week from 25 April 2025: the population has no hours column, so hours are
   ``work_fraction`` times a full-time week of 38 hours (an assumption, range 35-40);
5. (harmonised scenarios only) the education rule of the other instruments: the high educated
   need a POP after career guidance; off in the baseline.

Amounts: the maximum hours per school year (125; 250 when the employer proposes the training,
``employer_initiative``, in 2021-22 to 2023-24), pro rata for part-timers; the reimbursement per
hour to the employer; the monthly wage paid during the leave, capped at the wage ceiling. 0 when
not eligible.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from llr_sim.policy._frame import (
    Columns,
    Frame,
    amount,
    amount_of_either,
    as_bool,
    at_most,
    column,
    decide,
    pop_condition,
    region_condition,
    result,
    share_times_at_least,
    status_condition,
    work_fraction_condition,
)
from llr_sim.policy.parameters import Constraint, ParameterSet, Snapshot

ID = "opleidingsverlof"

#: Relations between the parameters that must hold at every date: none beyond the checks of
#: every value (a number is finite and not negative, a share at most 1).
CONSTRAINTS: list[Constraint] = []


def compute(population: pd.DataFrame, when: dt.date, parameters: ParameterSet) -> pd.DataFrame:
    """Eligibility, reason and amounts for every person on ``when``.

    Args:
        population: One row per person (DESIGN.md section 4 columns; optional ``work_region``,
            ``employer_initiative`` and ``career_guidance_pop``).
        when: The date at which the rules are read.
        parameters: The parameter set of the scenario.

    Returns:
        Columns ``opleidingsverlof_eligible``, ``_reason``, ``_max_hours``,
        ``_reimbursement_eur_per_hour``, ``_capped_wage_eur_per_month``, same index.
    """
    return result(columns(Columns(population), parameters.at(when)), population.index)


def columns(population: Frame, snapshot: Snapshot) -> dict[str, object]:
    """The columns of :func:`compute` as arrays, with the parameters in force (``snapshot``)."""
    p = snapshot.sub(ID)
    min_hours = p["eligibility.min_hours_per_week"]
    eligible, reason = decide(
        [
            status_condition(population, p["eligibility.statuses"]),
            region_condition(
                population, p["eligibility.work_regions"], "does not work at an establishment in {}"
            ),
            work_fraction_condition(population, p["eligibility.min_work_fraction"]),
            (  # hours a week: the work fraction of a full-time week
                share_times_at_least(
                    population["work_fraction"],
                    p["eligibility.full_time_hours_per_week"],
                    min_hours,
                ),
                f"works fewer than {min_hours:g} hours a week",
            ),
            pop_condition(population, p["eligibility.high_educated_requires_pop"]),
        ],
        len(population),
    )
    return {
        f"{ID}_eligible": eligible,
        f"{ID}_reason": reason,
        f"{ID}_max_hours": _max_hours(population, p, eligible),
        f"{ID}_reimbursement_eur_per_hour": amount(
            eligible, float(p["reimbursement.eur_per_hour"])
        ),
        f"{ID}_capped_wage_eur_per_month": amount(
            eligible,
            at_most(population["gross_monthly_wage_eur"], float(p["wage_ceiling.eur_per_month"])),
        ),
    }


def _max_hours(population: Frame, p: Snapshot, eligible: np.ndarray) -> np.ndarray:
    """The maximum hours of leave of every person (0 when not eligible), as float32.

    The standard hours, plus the extra hours when the employer proposes the training; for
    part-timers in proportion to their work fraction (at most full time) when the hours are pro
    rata.
    """
    initiative = as_bool(column(population, "employer_initiative"))
    standard = p["hours.standard"]
    with_initiative = standard + p["hours.joint_initiative_extra"]
    part_time = at_most(population["work_fraction"], 1.0) if p["hours.pro_rata_part_time"] else None
    return amount_of_either(eligible, initiative, with_initiative, standard, times=part_time)


# --- what a course earns ---------------------------------------------------------------------


def course_qualifies(course_hours: np.ndarray, snapshot: Snapshot) -> np.ndarray:
    """Whether a course of ``course_hours`` qualifies for training leave.

    "A course of at least 3 study credits, 32 contact hours or 32 lesson periods": the course
    counts at least ``courses.min_hours`` hours. A condition on the course, not on the person.

    Args:
        course_hours: The contact hours of each person's course.
        snapshot: The parameters in force.

    Returns:
        True where the course is long enough.
    """
    return course_hours >= snapshot["opleidingsverlof.courses.min_hours"]


def hours_covered(course_hours: np.ndarray, max_hours: np.ndarray) -> np.ndarray:
    """The hours of a course that training leave covers.

    The course's hours, up to the person's maximum hours of leave in the school year
    (``opleidingsverlof_max_hours``, 0 when not eligible).

    Args:
        course_hours: The contact hours of each person's course.
        max_hours: Each person's maximum hours of leave.

    Returns:
        The hours of leave per person.
    """
    return np.minimum(course_hours, max_hours)


def employer_reimbursement(hours: np.ndarray, snapshot: Snapshot) -> np.ndarray:
    """What the employer receives for ``hours`` of training leave, EUR.

    "A flat reimbursement per hour of leave paid to the employer through the WSE-loket":
    the hours times ``reimbursement.eur_per_hour``.

    Args:
        hours: Hours of leave taken per person.
        snapshot: The parameters in force.

    Returns:
        The reimbursement per person, EUR.
    """
    return hours * float(snapshot["opleidingsverlof.reimbursement.eur_per_hour"])
