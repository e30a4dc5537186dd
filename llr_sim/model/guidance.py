"""Career guidance: workers who want it claim loopbaancheques or their budget, then go or not.

A trajectory costs its full price (``guidance.full_price_eur`` times the providers' price
index); with loopbaancheques the person pays only the own contributions of the cheques, with a
budget that pays for guidance the balance left after training pays what is left. Whether they
go ahead weighs what remains to pay against a month's income.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from llr_sim.behaviour import decisions as dec
from llr_sim.model.awareness import Awareness
from llr_sim.model.law import LBC, OB, Law, Rights
from llr_sim.model.world import WorldYear
from llr_sim.policy import loopbaancheques


@dataclass
class Guidance:
    """Career guidance of the year (arrays over persons).

    Attributes:
        guided: Had career guidance.
        cheques: The government's payment for loopbaancheques (EUR), where claimed.
        budget: What the personal budget pays (EUR), where claimed.
    """

    guided: np.ndarray
    cheques: np.ndarray
    budget: np.ndarray


def guidance(
    w: WorldYear,
    law: Law,
    rights: Rights,
    aware: Awareness,
    price_index: float,
    budget_left: np.ndarray,
) -> Guidance:
    """The guidance of the workers who want it (``w.asks``).

    Args:
        w: The world of the year.
        law: The layer's law.
        rights: The rules' results.
        aware: Who knows what.
        price_index: The guidance providers' price index.
        budget_left: The balance left after paying for training this year, over the rows
            ``w.asks`` (EUR; read only when the budget pays for guidance).
    """
    b, asks, n = law.behaviour, w.asks, w.persons.n
    full = b["guidance.full_price_eur"] * price_index
    to_pay = np.full(len(asks), full)
    cheques, budget = np.zeros(n), np.zeros(n)
    if law.incentives:
        government, own = loopbaancheques.trajectory_payments(
            rights.amount("loopbaancheques_government_payment_eur", asks),
            rights.amount("loopbaancheques_own_contribution_eur", asks),
            law.snapshot,
        )
        yes = dec.claims(
            full - own,
            law.hassle(LBC),
            w.draws.claim[LBC][asks],
            where=rights.eligible[LBC][asks] & aware.knows(LBC, asks),
        )
        to_pay = np.where(yes, own, full)
        cheques[asks] = np.where(yes, government, 0.0)
    if law.budget_pays_guidance:
        cover = np.minimum(budget_left, to_pay)
        yes = dec.claims(
            cover, law.hassle(OB), w.draws.claim[OB][asks], where=aware.knows(OB, asks)
        )
        budget[asks] = np.where(yes, cover, 0.0)
    zero = np.zeros(len(asks))
    guided = np.zeros(n, dtype=bool)
    guided[asks] = w.draws.guidance_go[asks] < dec.go_probability(
        to_pay - budget[asks], w.income[asks], zero, zero, b["barrier.money"], 0.0
    )
    return Guidance(guided, cheques, budget)
