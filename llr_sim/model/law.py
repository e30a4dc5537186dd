"""The rules and behaviour in force in a policy layer's year, and what the rules give each person.

``instruments`` lists the open instruments: none in the counterfactual (the layer with no
incentive). Everything downstream asks ``law.open(k)`` instead of naming instruments one by one.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np

from llr_sim.behaviour.parameters import Behaviour
from llr_sim.policy.parameters import INSTRUMENTS, ParameterSet, Snapshot

OC, LBC, VOV, VOK, OB = range(5)
assert INSTRUMENTS[OC] == "opleidingscheques" and INSTRUMENTS[OB] == "ontwikkelbudget"

#: The amounts of the rules the yearly step reads.
AMOUNTS = (
    "ontwikkelbudget_annual_credit_eur",
    "ontwikkelbudget_cap_eur",
    "opleidingsverlof_max_hours",
    "opleidingscheques_max_subsidy_eur",
    "opleidingskrediet_monthly_premium_eur",
    "loopbaancheques_government_payment_eur",
    "loopbaancheques_own_contribution_eur",
)


@dataclass(frozen=True)
class Law:
    """A policy layer's rules and behaviour for one year.

    Attributes:
        year: The calendar year.
        when: The date at which the rules are read.
        parameters: The scenario's parameter set.
        snapshot: Its values on ``when``.
        behaviour: The behavioural values of the year.
        incentives: False in the counterfactual: no instrument is open.
    """

    year: int
    when: dt.date
    parameters: ParameterSet
    snapshot: Snapshot
    behaviour: Behaviour
    incentives: bool

    @property
    def budget(self) -> bool:
        """The personal budget (ontwikkelbudget) is open."""
        return self.incentives and bool(self.snapshot["ontwikkelbudget.enabled"])

    @property
    def budget_pays_training(self) -> bool:
        """The personal budget is open and pays for training."""
        return self.budget and bool(self.snapshot["ontwikkelbudget.covers.training"])

    @property
    def budget_pays_guidance(self) -> bool:
        """The personal budget is open and pays for career guidance."""
        return self.budget and bool(self.snapshot["ontwikkelbudget.covers.career_guidance"])

    def hassle(self, k: int) -> float:
        """The hassle of applying for instrument ``k`` (EUR-equivalent), with a single counter."""
        name = INSTRUMENTS[k]
        factor = 1.0
        channel = f"{name}.application.channel"
        if channel in self.snapshot and self.snapshot[channel] == "single_digital_counter":
            factor = self.behaviour["hassle.single_counter_factor"]
        return self.behaviour[f"hassle.{name}"] * factor


@dataclass
class Rights:
    """What the rules of the year give every person.

    Attributes:
        eligible: (5, n) eligible per instrument (for the budget: entitled to a credit, or
            holding a balance).
        amounts: The rules' amounts (``AMOUNTS``) in their own dtypes (none in the
            counterfactual).
    """

    eligible: np.ndarray
    amounts: dict[str, np.ndarray]

    def amount(self, name: str, rows: np.ndarray | None = None) -> np.ndarray:
        """An amount in float64, for everyone or for ``rows`` (0 where nothing is open)."""
        if name not in self.amounts:
            n = self.eligible.shape[1]
            return np.zeros(n if rows is None else len(rows))
        values = self.amounts[name] if rows is None else self.amounts[name][rows]
        return values.astype(np.float64)
