"""The year's outcome of a policy layer: uses, costs and payments, person by person."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from llr_sim.model.budget import BudgetAccounts, StartOfYear
from llr_sim.model.guidance import Guidance
from llr_sim.model.law import LBC, OB, OC, VOK, VOV, Law, Rights
from llr_sim.model.own_training import Claims
from llr_sim.model.staff import StaffTraining
from llr_sim.model.world import WorldYear
from llr_sim.policy import opleidingsverlof


@dataclass
class YearOutcome:
    """What happened to every person in one year (arrays over persons).

    Attributes:
        year: The model year.
        weight: Person weights.
        education, age_band, female, status, firm_size, age, wage: Grouping attributes.
        trained: Took part in training (the LFS 12-month concept).
        guided: Had career guidance.
        employer_trained: Trained at the employer's cost.
        eligible: (5, n) eligible per instrument.
        used: (5, n) used per instrument.
        cost: (5, n) public cost per instrument (EUR); paid for the instrument's users only
            (the indicators sum it over them).
        ob_training, ob_guidance: The personal budget paid a course, or guidance.
        balance: Personal budget balance at year end (EUR).
        credit, spent, expired: Budget credited, spent, expired or forfeited this year (EUR).
        portability: Carried a positive balance across a change of employer or status.
        balance_start: Balance at the start of the year.

    The grouping attributes and the weights are the world's, shared by every layer: read-only.
    """

    year: int
    weight: np.ndarray
    education: np.ndarray
    age_band: np.ndarray
    female: np.ndarray
    status: np.ndarray
    firm_size: np.ndarray
    age: np.ndarray
    wage: np.ndarray
    trained: np.ndarray
    guided: np.ndarray
    employer_trained: np.ndarray
    eligible: np.ndarray
    used: np.ndarray
    cost: np.ndarray
    ob_training: np.ndarray
    ob_guidance: np.ndarray
    balance_start: np.ndarray
    balance: np.ndarray
    credit: np.ndarray
    spent: np.ndarray
    expired: np.ndarray
    portability: np.ndarray


@dataclass
class Payments:
    """Who used what and what it cost (the weighted total for the model's series).

    Attributes:
        used: (5, n) used per instrument.
        cost: (5, n) public cost per instrument (EUR).
        spent: Paid from each person's budget (EUR).
        public_cost: The weighted public cost of the year (EUR).
    """

    used: np.ndarray
    cost: np.ndarray
    spent: np.ndarray
    public_cost: float


def pay(
    w: WorldYear,
    law: Law,
    trained: np.ndarray,
    c: Claims,
    staff: StaffTraining,
    g: Guidance,
    budget: BudgetAccounts,
) -> Payments:
    """The uses and costs of every instrument; the budgets pay, oldest credit first.

    Args:
        w: The world of the year.
        law: The layer's law.
        trained: Trained on their own initiative (after rationing).
        c: The claims.
        staff: The employers' decisions.
        g: The career guidance.
        budget: The budget accounts (spent from).
    """
    n, weight = w.persons.n, w.persons.weight
    used, cost = np.zeros((5, n), dtype=bool), np.zeros((5, n))
    total = 0.0
    leave_hours = staff.leave_hours
    own_leave = trained & (c.leave_hours > 0)
    idx = np.flatnonzero(own_leave)
    leave_hours[idx] = c.leave_hours[idx]
    for k, users, amount in (
        (OC, trained & (c.cheques > 0), c.cheques),
        (VOV, staff.registered | own_leave, None),
        (VOK, trained & (c.premium > 0), c.premium),
        (LBC, g.guided & (g.cheques > 0), g.cheques),
    ):
        if not law.incentives:
            break
        used[k] = users
        idx = np.flatnonzero(users)
        if k == VOV:  # the employer is reimbursed per hour of leave
            cost[k, idx] = opleidingsverlof.employer_reimbursement(leave_hours[idx], law.snapshot)
        else:
            cost[k, idx] = amount[idx]
        total += float(cost[k, idx] @ weight[idx])
    spent = np.zeros(n)
    if law.budget:
        balance = budget.balance
        spent = (
            np.where(trained, c.budget, 0.0)
            + np.where(staff.shifted, staff.budget_pays, 0.0)
            + np.where(g.guided, g.budget, 0.0)
        )
        spent = np.minimum(spent, balance)
        used[OB] = spent > 0
        cost[OB] = spent
        idx = np.flatnonzero(used[OB])
        total += float(spent[idx] @ weight[idx])
        budget.spend(spent)
    return Payments(used, cost, spent, total)


def outcome(
    w: WorldYear,
    rights: Rights,
    trained: np.ndarray,
    staff: StaffTraining,
    c: Claims,
    g: Guidance,
    paid: Payments,
    start: StartOfYear,
    credit: np.ndarray,
    budget: BudgetAccounts,
) -> YearOutcome:
    """The year's outcome of a layer."""
    p = w.persons
    return YearOutcome(
        year=w.year,
        age_band=w.band,
        **w.attributes,
        trained=staff.trained | trained | p.in_education,
        guided=g.guided,
        employer_trained=staff.trained,
        eligible=rights.eligible,
        used=paid.used,
        cost=paid.cost,
        ob_training=(trained & (c.budget > 0)) | (staff.shifted & (staff.budget_pays > 0)),
        ob_guidance=g.guided & (g.budget > 0),
        balance_start=start.balance_start,
        balance=budget.balance,
        credit=credit,
        spent=paid.spent,
        expired=start.expired,
        portability=start.portability,
    )
