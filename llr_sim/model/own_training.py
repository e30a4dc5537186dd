"""Training on one's own initiative: claims, then the decision to go ahead, then rationing.

A person who wants to train (or considers a long course on time credit), and is not trained by
the employer, claims what they know of and are entitled to, each claim weighed against the
hassle of applying (``dec.claims``); then goes ahead against the financial and time barriers of
what is left to pay (``dec.go_probability``). A budget with a yearly limit pays claims first
come, first served; providers take students within their capacity, in order of arrival.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from llr_sim.behaviour import decisions as dec
from llr_sim.model.awareness import Awareness
from llr_sim.model.law import OB, OC, VOK, VOV, Law, Rights
from llr_sim.model.world import WorldYear
from llr_sim.policy import ontwikkelbudget, opleidingscheques, opleidingskrediet, opleidingsverlof

#: Working hours of a full-time year (38 h x about 43.5 weeks net of leave and holidays).
FULL_TIME_HOURS_PER_YEAR = 1650.0
#: The share of working time of each time-credit form (full, half, one fifth).
FORM_FRACTION = np.array([1.0, 0.5, 0.2])


@dataclass
class Claims:
    """What each candidate claimed, in arrays over all persons (0 for everyone else).

    Attributes:
        rows: The candidates' rows.
        cheques: Opleidingscheques subsidy claimed (EUR).
        leave_hours: Hours of training leave claimed.
        premium: Opleidingskrediet premium claimed (EUR).
        budget: What the personal budget pays towards the course (EUR).
        income_loss: The wage lost on time credit, net of the federal benefit (candidates' rows).
        unpaid_hours: The course's hours not freed by time credit (candidates' rows).
    """

    rows: np.ndarray
    cheques: np.ndarray
    leave_hours: np.ndarray
    premium: np.ndarray
    budget: np.ndarray
    income_loss: np.ndarray
    unpaid_hours: np.ndarray


def candidates(w: WorldYear, want: np.ndarray, employer_trained: np.ndarray) -> np.ndarray:
    """Rows of those who may train on their own initiative this year."""
    p = w.persons
    return np.flatnonzero((want | w.time_credit_intent) & ~employer_trained & ~p.in_education)


def claim(
    w: WorldYear,
    law: Law,
    rights: Rights,
    aware: Awareness,
    who: np.ndarray,
    price: np.ndarray,
    balance: np.ndarray,
) -> Claims:
    """The claims of the candidates ``who`` on every open instrument they know."""
    b, p, n = law.behaviour, w.persons, w.persons.n
    snap = law.snapshot
    price_who, hours_who = price[who], w.hours[who]
    cheques, leave_hours, premium, budget = (np.zeros(n) for _ in range(4))
    if law.incentives:
        cells = w.edu_emp[who]
        claimable = (OC, VOV, VOK, OB) if law.budget_pays_training else (OC, VOV, VOK)
        u = {k: w.draws.claim[k, who] for k in claimable}
        knows = {k: aware.knows(k, who, cells) for k in claimable}
        entitled = {k: rights.eligible[k, who] & knows[k] for k in claimable}
        subsidy = opleidingscheques.course_subsidy(
            price_who, rights.amount("opleidingscheques_max_subsidy_eur", who), snap
        )
        yes = dec.claims(subsidy, law.hassle(OC), u[OC], where=entitled[OC])
        cheques[who] = np.where(yes, subsidy, 0.0)
        cover = opleidingsverlof.hours_covered(
            hours_who, rights.amount("opleidingsverlof_max_hours", who)
        )
        value = cover * w.hourly[who] * np.minimum(p.work_fraction[who], 1.0)
        qualifies = opleidingsverlof.course_qualifies(hours_who, snap)
        yes = dec.claims(value, law.hassle(VOV), u[VOV], where=entitled[VOV] & qualifies)
        leave_hours[who] = np.where(yes, cover, 0.0)
        months = b["timecredit.months"]
        flemish = opleidingskrediet.premium_for(
            rights.amount("opleidingskrediet_monthly_premium_eur", who), months
        )
        on_credit = w.time_credit_intent[who] & entitled[VOK]
        yes = dec.claims(flemish, law.hassle(VOK), u[VOK], where=on_credit)
        premium[who] = np.where(yes, flemish, 0.0)
        if law.budget_pays_training:
            payable = ontwikkelbudget.payable(price_who, snap)
            # A long programme's fees recur each year: its taker counts on a share of the
            # balance this year and keeps the rest for later years, so a larger balance lowers
            # the out-of-pocket cost (and the financial barrier) of longer courses.
            years = np.where(w.long_course[who], b["course.long_programme_years"], 1.0)
            cover = dec.budget_cover(balance[who], payable, years)
            yes = dec.claims(cover, law.hassle(OB), u[OB], where=knows[OB])
            budget[who] = np.where(yes, cover, 0.0)
    income_loss, unpaid = _time_credit(w, law, who, hours_who)
    return Claims(who, cheques, leave_hours, premium, budget, income_loss, unpaid)


def _time_credit(
    w: WorldYear, law: Law, who: np.ndarray, hours_who: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Time credit: what the course costs in income, and the hours it leaves unpaid.

    The course's hours come out of working time; the person loses that part of the wage, partly
    replaced by the federal benefit (and the Flemish premium, in ``claim``).

    Returns:
        The income lost and the hours not freed, over the candidates ``who``.
    """
    b, p = law.behaviour, w.persons
    tc = w.time_credit_intent[who]
    fraction = FORM_FRACTION[w.form[who]]
    income_loss = np.where(
        tc,
        p.wage[who]
        * fraction
        * b["timecredit.months"]
        * (1.0 - b["timecredit.federal_benefit_share"]),
        0.0,
    )
    freed = fraction * FULL_TIME_HOURS_PER_YEAR * b["timecredit.months"] / 12
    unpaid = np.where(tc, np.maximum(hours_who - freed * p.work_fraction[who], 0.0), hours_who)
    return income_loss, unpaid


def go_ahead(w: WorldYear, law: Law, c: Claims, price: np.ndarray) -> np.ndarray:
    """Who of the candidates goes ahead, against what is left to pay and the time it takes."""
    b, who = law.behaviour, c.rows
    net = (
        price[who]
        - c.cheques[who]
        - c.budget[who]
        + b["timecredit.income_weight"] * (c.income_loss - c.premium[who])
    )
    free = np.maximum(c.unpaid_hours - c.leave_hours[who], 0.0)
    chance = dec.go_probability(
        net, w.income[who], free, w.time_scale[who], b["barrier.money"], b["barrier.time"]
    )
    go = np.zeros(w.persons.n, dtype=bool)
    go[who] = w.draws.go[who] < chance
    return go


def budget_limit(
    w: WorldYear, law: Law, go: np.ndarray, c: Claims, staff_budget: np.ndarray
) -> np.ndarray | None:
    """The claims on the budget that its yearly limit refuses (first come, first served).

    Returns:
        The refused persons, or None when the budget has no yearly limit.
    """
    snap = law.snapshot
    if not (law.budget_pays_training and snap["ontwikkelbudget.budget.limited"]):
        return None
    claim_cost = np.where(go, c.budget, 0.0) + staff_budget
    admitted = dec.first_come_first_served(
        claim_cost * w.persons.weight,
        w.draws.arrival,
        float(snap["ontwikkelbudget.budget.annual_limit_eur"]),
    )
    return (claim_cost > 0) & ~admitted


def places(w: WorldYear, go: np.ndarray, capacity: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Providers' places within capacity (short and long courses), in order of arrival.

    Returns:
        Who trained, and the demand per segment (short, long, guidance: 0 here; real persons).
    """
    p, arrival = w.persons, w.draws.arrival
    goes = np.flatnonzero(go)
    goes_long = w.long_course[goes]
    weight_goes = p.weight[goes]
    demand = np.array([weight_goes[~goes_long].sum(), weight_goes[goes_long].sum(), 0.0])
    trained = go.copy()
    for segment, mask in enumerate((~goes_long, goes_long)):
        asking = goes[mask]
        got = dec.ration(p.weight[asking], arrival[asking], capacity[segment])
        trained[asking[~got]] = False
    return trained, demand
