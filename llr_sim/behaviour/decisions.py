"""The behavioural equations: awareness, wanting to train, claiming, going ahead.

Pure, vectorised functions of arrays and parameters; the random uniforms are passed in (they
come from the common-random-number streams), so a decision is monotone in its incentive: with
the same uniform, a larger subsidy never turns a "yes" into a "no".
"""

from __future__ import annotations

import numpy as np


def logistic(x: np.ndarray) -> np.ndarray:
    """The logistic function."""
    return 1.0 / (1.0 + np.exp(-x))


def awareness(
    base: float,
    education_multiplier: np.ndarray,
    overview: float,
    word_of_mouth: float,
    colleague_share: np.ndarray,
    u: np.ndarray,
) -> np.ndarray:
    """Whether each person knows an instrument this year.

    The base awareness times the education multiplier and the digital overview's multiplier
    (capped at 1), then word of mouth: each unit share of colleagues who used the instrument
    last year adds ``word_of_mouth`` to the chance of hearing of it from them.
    """
    p = np.minimum(base * education_multiplier * overview, 1.0)
    heard = np.minimum(word_of_mouth * colleague_share, 1.0)
    p = 1.0 - (1.0 - p) * (1.0 - heard)
    return u < p


def claims(
    benefit: np.ndarray,
    hassle: float | np.ndarray,
    u: np.ndarray,
    where: np.ndarray | None = None,
) -> np.ndarray:
    """Whether a person who knows an instrument applies: P = 1 - exp(-benefit / hassle).

    A benefit that is small against the hassle of applying is often left unclaimed; this is the
    non-take-up among eligible, informed trainees. With ``where`` (a boolean mask), only those
    persons are considered (False for the others), and only their rows are computed.
    """
    if where is not None and np.ndim(benefit) == 1:
        idx = np.flatnonzero(where)
        out = np.zeros(len(where), dtype=bool)
        h = hassle[idx] if np.ndim(hassle) else hassle
        out[idx] = claims(benefit[idx], h, u[idx])
        return out
    with np.errstate(divide="ignore", invalid="ignore"):
        p = 1.0 - np.exp(-np.maximum(benefit, 0.0) / np.maximum(hassle, 1e-9))
    return (benefit > 0) & (u < p)


def budget_cover(balance: np.ndarray, payable: np.ndarray, years: np.ndarray) -> np.ndarray:
    """What a personal budget pays towards this year's course (price minus it: out of pocket).

    The payable part of the price, up to the balance spread over the years the course's fees
    recur (``years`` 1 for a short course): a larger balance covers more of a dearer or longer
    course, so the size of the balance, not only holding one, acts on the financial barrier.
    """
    return np.minimum(np.maximum(balance, 0.0) / np.maximum(years, 1.0), np.maximum(payable, 0.0))


def go_probability(
    net_cost: np.ndarray,
    income: np.ndarray,
    unpaid_hours: np.ndarray,
    time_scale: np.ndarray,
    money_weight: float,
    time_weight: float,
) -> np.ndarray:
    """Probability of going ahead with a wanted course: exp(-(financial + time barrier)).

    The financial barrier is the net cost against a month's income; the time barrier the hours
    taken from one's own time (per 100 hours), scaled by how much one works.
    """
    barrier = (
        money_weight * np.maximum(net_cost, 0.0) / income
        + time_weight * np.maximum(unpaid_hours, 0.0) / 100.0 * time_scale
    )
    return np.exp(-barrier)


def first_come_first_served(
    claim_cost: np.ndarray, arrival: np.ndarray, limit: float
) -> np.ndarray:
    """Which claims a yearly budget limit admits, in order of arrival.

    Args:
        claim_cost: Weighted cost of each claim (real euros); 0 for persons without a claim.
        arrival: Arrival time of each person's claim (a uniform draw).
        limit: The yearly budget (real euros).

    Returns:
        True for the claims paid: those that arrive before the budget runs out.
    """
    # Only the claims are ordered: the persons without one add nothing to the running total.
    claiming = np.flatnonzero(claim_cost > 0)
    order = claiming[np.argsort(arrival[claiming], kind="stable")]
    admitted = np.zeros(len(claim_cost), dtype=bool)
    admitted[order] = np.cumsum(claim_cost[order]) <= limit
    return admitted


def ration(demand_weight: np.ndarray, arrival: np.ndarray, capacity: float) -> np.ndarray:
    """Which of the persons asking for a place get one, in order of arrival, within capacity."""
    if not np.isfinite(capacity):
        return demand_weight > 0
    asking = np.flatnonzero(demand_weight > 0)
    order = asking[np.argsort(arrival[asking], kind="stable")]
    served = np.zeros(len(demand_weight), dtype=bool)
    served[order] = np.cumsum(demand_weight[order]) <= capacity
    return served
