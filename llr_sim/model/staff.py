"""The employers' decisions on their staff: their own training, training leave, budgets.

An employer trains a share of its staff at its own cost (the world's incentive-free selection);
the training-leave reimbursement raises that share where the employer knows the procedure
(``employer.vov_boost``); it registers eligible staff on courses that qualify for training leave
(``employer.vov_registration``); and where employees hold a personal budget that pays for
training, it shifts some courses onto their budgets (``employer.substitution``).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from llr_sim.model.agents import Employers
from llr_sim.model.law import VOV, Law, Rights
from llr_sim.model.world import WorldYear
from llr_sim.policy import opleidingsverlof


@dataclass
class StaffTraining:
    """What the employers decided this year (arrays over persons).

    Attributes:
        trained: Trained at the employer's cost.
        registered: Registered by the employer for training leave.
        leave_hours: Hours of training leave of the registered.
        shifted: Courses shifted onto the employee's personal budget.
        budget_pays: What the budget pays for a shifted course (EUR).
    """

    trained: np.ndarray
    registered: np.ndarray
    leave_hours: np.ndarray
    shifted: np.ndarray
    budget_pays: np.ndarray


def decide(
    w: WorldYear,
    law: Law,
    rights: Rights,
    employers: Employers,
    balance: np.ndarray,
    short_price: np.ndarray,
) -> StaffTraining:
    """The employers' training, registrations for training leave and shifts onto budgets."""
    b, p, d, n = law.behaviour, w.persons, w.draws, w.persons.n
    eligible_vov = rights.eligible[VOV]
    if law.incentives:
        rate = float(law.snapshot["opleidingsverlof.reimbursement.eur_per_hour"])
        boost = np.where(
            eligible_vov & w.emp_vov_aware,
            b["employer.vov_boost"] * np.minimum(rate / w.hourly, 1.0),
            0.0,
        )
        chance = employers.probability_from_base(w.selection, boost)
        trained = p.employee & (d.employer_training < chance) & ~p.in_education
    else:
        trained = w.employer_trained
    if law.incentives:
        registered = (
            trained
            & eligible_vov
            & w.emp_vov_aware
            & opleidingsverlof.course_qualifies(w.short_hours, law.snapshot)
            & (d.employer_vov < b["employer.vov_registration"])
        )
    else:  # the counterfactual reads none of the responses to incentives
        registered = np.zeros(n, dtype=bool)
    rows = np.flatnonzero(registered)  # none without incentives
    leave_hours = np.zeros(n)
    leave_hours[rows] = opleidingsverlof.hours_covered(
        w.short_hours[rows], rights.amount("opleidingsverlof_max_hours", rows)
    )
    shifted = np.zeros(n, dtype=bool)
    budget_pays = np.zeros(n)
    if law.budget_pays_training:
        shifted = (
            trained
            & ~registered
            & (balance >= 0.5 * short_price)
            & (d.substitution < b["employer.substitution"])
        )
        budget_pays[shifted] = np.minimum(balance, short_price)[shifted]
    return StaffTraining(trained, registered, leave_hours, shifted, budget_pays)
