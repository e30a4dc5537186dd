"""Employers and training providers: Mesa agents whose state lives in arrays.

Why arrays: there are about 2,600 employers at scale 0.02 and 131,000 at full scale, and every
year each of them decides how many of its employees it trains, whether it registers their
courses as training leave, and whether it shifts courses onto its employees' personal budgets.
A Python call per employer per year would dominate the run time (a later issue needs a
full-scale eight-year run with its counterfactual in under 30 seconds). So the state of all
employers is held in numpy arrays indexed by ``employer_id`` (:class:`Employers`), and their
yearly decisions are taken at once, vectorised, by ``llr_sim.model.staff.decide``, which each
policy layer calls as the employers' step (what they did is kept per layer:
:class:`EmployerRecords`). Each :class:`EmployerAgent` is a Mesa agent that owns one row of
those arrays and exposes it (``agent.intensity``, ``agent.trained`` ...), so Mesa's AgentSet
tools (``select``, ``agg``, ``groupby``) and the DataCollector work on employers as agents.

Providers are few (one per market segment: short courses, long formal courses, career
guidance), so :class:`ProviderAgent` keeps its state as attributes, but its yearly step is also
written over the arrays of :class:`Providers` for symmetry.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import mesa
import numpy as np
import pandas as pd

from llr_sim.behaviour.parameters import Behaviour

if TYPE_CHECKING:  # pragma: no cover
    from llr_sim.model.model import LLRModel

SIZE_CLASSES = ("micro", "small", "medium", "large")
SEGMENTS = ("short_courses", "long_courses", "career_guidance")


class Employers:
    """The state of all employers, one row per ``employer_id``.

    Attributes:
        size: Size class code (``SIZE_CLASSES``).
        private: A private employer.
        base_intensity: Share of staff trained per year at the employer's own cost, before the
            incentives (size-class multiplier times a drawn firm effect).
        vov_aware: Knows and uses the training-leave procedure.

    What they do in a year depends on the incentives, so it is recorded per policy layer
    (:class:`EmployerRecords`).
    """

    def __init__(self, table: pd.DataFrame, behaviour: Behaviour, rng: np.random.Generator):
        b = behaviour
        m = len(table)
        self.m = m
        self.size = table["size_class"].cat.codes.to_numpy(np.int8)
        self.private = (table["employer_type"] == "private").to_numpy(bool)
        u_effect = rng.standard_normal(m)
        u_aware = rng.random(m)
        multiplier = np.array(
            [
                b["employer.size_multiplier.micro"],
                b["employer.size_multiplier.small"],
                1.0,
                b["employer.size_multiplier.large"],
            ]
        )[self.size]
        sd = b["employer.heterogeneity_sd"]
        # Mean-one lognormal firm effect: heterogeneity does not change the average intensity.
        self.firm_effect = np.exp(sd * u_effect - sd**2 / 2)
        self.base_intensity = b["employer.intensity"] * multiplier * self.firm_effect
        aware_share = np.array(
            [b[f"employer.vov_awareness.{s}"] for s in SIZE_CLASSES], dtype=float
        )[self.size]
        self.vov_aware = u_aware < aware_share

    def selection_base(
        self, employer: np.ndarray, education: np.ndarray, age: np.ndarray, behaviour: Behaviour
    ) -> np.ndarray:
        """The employer's intensity times the person's selection odds (education, age 55+).

        It does not depend on the incentives: the world of the year makes it once
        (``probability_from_base`` adds the boost of a policy layer).
        """
        b = behaviour
        # Row -1 (no employer) reads an appended intensity of 0.
        intensity = np.append(self.base_intensity, 0.0)[employer]
        by_education = np.array([b["employer.selection_low"], 1.0, b["employer.selection_high"]])
        odds = by_education[education] * np.where(age >= 55, b["employer.selection_55_plus"], 1.0)
        return intensity * odds

    @staticmethod
    def probability_from_base(base: np.ndarray, boost: np.ndarray | None = None) -> np.ndarray:
        """The chance that the employer trains each person: ``base * (1 + boost)``, capped.

        ``boost`` is the extra training the training-leave reimbursement causes (None: none).
        """
        return np.minimum(base if boost is None else base * (1.0 + boost), 0.95)


class EmployerRecords:
    """What the employers did in one policy layer's year, one row per ``employer_id``.

    Attributes:
        trained: Employees trained at the employer's cost this year (weighted).
        spending_eur: What the employer spent on courses this year (real euros).
        vov_registered: Employees registered for training leave by the employer (weighted).
        shifted: Courses shifted onto employees' personal budgets (weighted).
    """

    def __init__(self, m: int):
        self.m = m
        self.trained = np.zeros(m)
        self.spending_eur = np.zeros(m)
        self.vov_registered = np.zeros(m)
        self.shifted = np.zeros(m)

    def record(
        self,
        employer: np.ndarray,
        weight: np.ndarray,
        trained: np.ndarray,
        price: np.ndarray,
        vov_registered: np.ndarray,
        shifted: np.ndarray,
    ) -> None:
        """Store this year's totals per employer (one bincount each, no loop)."""
        has_employer = employer >= 0  # no employer is row -1, dropped

        def total(who: np.ndarray, values: np.ndarray | None = None) -> np.ndarray:
            # Only the persons concerned, with an employer.
            idx = np.flatnonzero(who & has_employer)
            w = weight[idx] if values is None else weight[idx] * values[idx]
            return np.bincount(employer[idx], weights=w, minlength=self.m)

        self.trained = total(trained)
        # Shifted courses are paid from the budgets, not by the employer.
        self.spending_eur = total(trained & ~shifted if shifted.any() else trained, price)
        self.vov_registered = total(vov_registered)
        self.shifted = total(shifted) if shifted.any() else np.zeros(self.m)


class EmployerAgent(mesa.Agent):
    """An employer: a Mesa agent that owns row ``row`` of the model's :class:`Employers`.

    Its decisions are taken for all employers at once by ``llr_sim.model.staff.decide``
    vectorised code in the model step; the agent exposes its row for Mesa's tools.

    Args:
        model: The model.
        row: Its ``employer_id``.
    """

    def __init__(self, model: LLRModel, row: int):
        super().__init__(model)
        self.row = int(row)

    @property
    def intensity(self) -> float:
        """Share of staff it trains per year at its own cost, before incentives."""
        return float(self.model.employers.base_intensity[self.row])

    @property
    def trained(self) -> float:
        """Employees it trained at its own cost this year (real persons)."""
        return float(self.model.records.trained[self.row])

    @property
    def spending_eur(self) -> float:
        """What it spent on courses this year (real euros)."""
        return float(self.model.records.spending_eur[self.row])

    @property
    def vov_aware(self) -> bool:
        """Whether it knows and uses the training-leave procedure."""
        return bool(self.model.employers.vov_aware[self.row])


class Providers:
    """Training providers per market segment: a price index and a capacity.

    Prices respond to demand above the base-year demand (``provider.price_pass_through``);
    capacity starts at the base-year demand plus slack and grows towards excess demand with a
    lag (``provider.capacity_adjustment``). Demand beyond capacity is turned away in order of
    arrival (the model does the rationing).
    """

    def __init__(self) -> None:
        k = len(SEGMENTS)
        self.price_index = np.ones(k)
        self.capacity = np.full(k, np.inf)
        self.reference_demand = np.full(k, np.nan)
        self.demand = np.zeros(k)
        self.served = np.zeros(k)

    def update(self, demand: np.ndarray, served: np.ndarray, behaviour: Behaviour) -> None:
        """End of year: record demand, then set next year's capacity and prices."""
        b = behaviour
        self.demand, self.served = demand.astype(float), served.astype(float)
        first = np.isnan(self.reference_demand)
        self.reference_demand[first] = np.maximum(demand[first], 1.0)
        slack = b["provider.capacity_slack"]
        start = first & ~np.isfinite(self.capacity)
        self.capacity[start] = self.reference_demand[start] * (1.0 + slack)
        excess = np.maximum(demand - self.capacity, 0.0)
        self.capacity = self.capacity + b["provider.capacity_adjustment"] * excess
        growth = np.maximum(demand / self.reference_demand - 1.0, 0.0)
        self.price_index = 1.0 + b["provider.price_pass_through"] * growth


class ProviderAgent(mesa.Agent):
    """A training-provider segment (short courses, long formal courses, career guidance).

    Args:
        model: The model.
        segment: Index into ``SEGMENTS``.
    """

    def __init__(self, model: LLRModel, segment: int):
        super().__init__(model)
        self.segment = int(segment)
        self.name = SEGMENTS[self.segment]

    @property
    def price_index(self) -> float:
        """Price relative to the base year."""
        return float(self.model.providers.price_index[self.segment])

    @property
    def capacity(self) -> float:
        """Places this year (real persons)."""
        return float(self.model.providers.capacity[self.segment])

    @property
    def demand(self) -> float:
        """Places asked for last step (real persons)."""
        return float(self.model.providers.demand[self.segment])
