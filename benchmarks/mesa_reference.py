"""The yardstick: the model's person-year step written as per-agent Mesa.

One ``mesa.Agent`` per person; each agent's ``step()`` does that person's part of the yearly
step, on Python scalars, with the same behavioural functions (``llr_sim.behaviour.decisions``)
and the same parameters as the vectorised model: the labour transition (status moves and a
change of employer), awareness of the five instruments with word of mouth, the wish to train
and the course, selection for employer training and its registration as training leave, the
time-credit decision, the claims of training vouchers, training leave and the time-credit
premium, going ahead against the financial and time barriers, career guidance, and the year's
uses and costs; the model then updates word of mouth per employer.

The eligibility and amounts of the rules are evaluated once per year for everyone by the
vectorised rules (``llr_sim.policy.entitlements``, outside the timed part) and handed to the
agents as attributes: the rules are not behaviour, and calling them once per person would
measure pandas overhead, not Mesa. The vectorised model's timing includes its rules, so the
comparison is conservative.

It lives only in ``benchmarks/``; nothing in the package imports it.
"""

from __future__ import annotations

import math

import mesa
import numpy as np

from llr_sim.behaviour import decisions as dec
from llr_sim.behaviour.parameters import Behaviour
from llr_sim.model.own_training import FULL_TIME_HOURS_PER_YEAR
from llr_sim.model.persons import (
    INACTIVE,
    PRIVATE,
    UNEMPLOYED,
    Persons,
    _by_age,
    _employed_to_inactive,
    age_band,
)
from llr_sim.model.world import HOURS_PER_MONTH
from llr_sim.policy.parameters import INSTRUMENTS

OC, LBC, VOV, VOK, OB = range(5)
_FORM_FRACTION = (1.0, 0.5, 0.2)


class PersonAgent(mesa.Agent):
    """One person: the columns of the vectorised model as attributes.

    Args:
        model: The reference model.
        row: The person's row in the population.
    """

    def __init__(self, model: ReferenceModel, row: int):
        super().__init__(model)
        p = model.persons
        self.row = row
        self.weight = float(p.weight[row])
        self.age = int(p.age[row])
        self.female = bool(p.female[row])
        self.education = int(p.education[row])
        self.status = int(p.status[row])
        self.in_education = bool(p.in_education[row])
        self.work_fraction = float(p.work_fraction[row])
        self.employer = int(p.employer[row])
        self.wage = float(p.wage[row])
        self.tenure = float(p.tenure[row])
        self.trained = False
        self.used = [False] * 5
        self.cost = [0.0] * 5

    def _labour(self, b: Behaviour) -> None:
        m = self.model
        rng = m.rng
        self.age += 1
        start = min(self.age - 1, m.rates["inactive_to_employed"].shape[-1] - 1)
        u = rng.random()
        employed = self.status <= 2
        if employed:
            e_u = b["labour.employed_to_unemployed"]
            e_i = m.employed_to_inactive[start]
            if u < e_u:
                self._leave(UNEMPLOYED)
            elif u < e_u + e_i:
                self._leave(INACTIVE)
            elif self.status <= 1 and rng.random() < m.employer_change[start]:
                donor = m.agent_list[int(rng.random() * len(m.agent_list))]
                if donor.employer >= 0:
                    self.employer, self.tenure = donor.employer, 0.0
            else:
                self.tenure += 1.0
        elif self.status == UNEMPLOYED:
            if u < b["labour.unemployed_to_employed"]:
                self._enter(rng)
            elif u < b["labour.unemployed_to_employed"] + b["labour.unemployed_to_inactive"]:
                self.status = INACTIVE
        else:
            cell = (int(self.female), self.education, int(self.in_education), start)
            i_e = m.rates["inactive_to_employed"][cell]
            if u < i_e:
                self._enter(rng)
            elif u < i_e + m.rates["inactive_to_unemployed"][cell]:
                self.status = UNEMPLOYED

    def _leave(self, status: int) -> None:
        self.status, self.employer, self.wage, self.tenure = status, -1, 0.0, 0.0
        self.work_fraction = 0.0

    def _enter(self, rng) -> None:
        donor = self.model.agent_list[int(rng.random() * len(self.model.agent_list))]
        if donor.status <= 2:
            self.status, self.employer = donor.status, donor.employer
            self.wage, self.work_fraction, self.tenure = donor.wage, donor.work_fraction, 0.0

    def step(self) -> None:
        """The person's year."""
        m = self.model
        b = m.behaviour
        rng = m.rng
        self._labour(b)
        e = m.ent
        r = self.row
        eligible = [bool(e[k][r]) for k in range(5)]
        edu_mult = (b["awareness.education_low"], 1.0, b["awareness.education_high"])[
            self.education
        ]
        aware = []
        for k, name in enumerate(INSTRUMENTS):
            share = m.colleague_share[k].get(self.employer, 0.0)
            aware.append(
                bool(
                    dec.awareness(
                        b[f"awareness.base.{name}"],
                        edu_mult,
                        b["awareness.overview_multiplier"],
                        b["awareness.word_of_mouth"],
                        share,
                        rng.random(),
                    )
                )
            )
        band = int(age_band(np.int16(min(self.age, 66))))
        logit = (
            b["want.intercept"]
            + (b["want.education.low"], 0.0, b["want.education.high"])[self.education]
            + m.age_shift[band]
            + m.status_shift[self.status]
            + (b["want.female"] if self.female else 0.0)
        )
        want = rng.random() < dec.logistic(logit)
        tc_intent = (
            self.status == PRIVATE
            and self.tenure >= 2
            and not self.in_education
            and rng.random() < b["timecredit.consider_rate"]
        )
        long_course = rng.random() < b["course.long_share"] or tc_intent
        sd = b["course.short_price_sd"]
        short_price = b["course.short_price_eur"] * math.exp(sd * rng.standard_normal() - sd**2 / 2)
        short_hours = b["course.short_hours"] * math.exp(
            b["course.short_hours_sd"] * rng.standard_normal()
        )
        price = b["course.long_price_eur"] if long_course else short_price
        hours = b["course.long_hours"] if long_course else short_hours
        employed = self.status <= 2
        hourly = max(self.wage / max(self.work_fraction, 0.1) / HOURS_PER_MONTH, 1.0)
        # Employer training and its registration as training leave.
        intensity = m.intensity.get(self.employer, 0.0)
        odds = (b["employer.selection_low"], 1.0, b["employer.selection_high"])[self.education]
        if self.age >= 55:
            odds *= b["employer.selection_55_plus"]
        emp_trained = (
            self.status <= 1
            and not self.in_education
            and rng.random() < min(intensity * odds, 0.95)
        )
        used = [False] * 5
        cost = [0.0] * 5
        max_hours = float(e["vov_max_hours"][r])
        if (
            emp_trained
            and eligible[VOV]
            and m.vov_aware.get(self.employer, False)
            and short_hours >= 32
            and rng.random() < b["employer.vov_registration"]
        ):
            used[VOV] = True
            cost[VOV] = min(short_hours, max_hours) * m.vov_rate
        # Own initiative against the barriers.
        own = False
        candidate = (want or tc_intent) and not emp_trained and not self.in_education
        if candidate:
            u_claim = [rng.random() for _ in range(5)]
            oc = vov = vok = 0.0
            if eligible[OC] and aware[OC]:
                benefit = min(m.oc_share * price, float(e["oc_max"][r]))
                if dec.claims(benefit, b["hassle.opleidingscheques"], u_claim[OC]):
                    oc = benefit
            if eligible[VOV] and aware[VOV] and hours >= 32:
                cover = min(hours, max_hours)
                if dec.claims(
                    cover * hourly * min(self.work_fraction, 1.0),
                    b["hassle.opleidingsverlof"],
                    u_claim[VOV],
                ):
                    vov = cover
            income_loss, unpaid = 0.0, hours
            if tc_intent:
                form = rng.integers(3)
                fraction = _FORM_FRACTION[form]
                premium = float(e["vok_premium"][r]) * b["timecredit.months"]
                if eligible[VOK] and aware[VOK]:
                    if dec.claims(premium, b["hassle.opleidingskrediet"], u_claim[VOK]):
                        vok = premium
                income_loss = (
                    self.wage
                    * fraction
                    * b["timecredit.months"]
                    * (1 - b["timecredit.federal_benefit_share"])
                )
                freed = fraction * FULL_TIME_HOURS_PER_YEAR * b["timecredit.months"] / 12
                unpaid = max(hours - freed * self.work_fraction, 0.0)
            income = self.wage if employed and self.wage > 0 else b["barrier.income_floor_eur"]
            net = price - oc + b["timecredit.income_weight"] * (income_loss - vok)
            p_go = dec.go_probability(
                net,
                income,
                max(unpaid - vov, 0.0),
                self.work_fraction if employed else 0.5,
                b["barrier.money"],
                b["barrier.time"],
            )
            own = rng.random() < p_go
            if own:
                used[OC], cost[OC] = oc > 0, oc
                if vov > 0:
                    used[VOV], cost[VOV] = True, vov * m.vov_rate
                used[VOK], cost[VOK] = vok > 0, vok
        # Career guidance.
        if employed:
            g = b["guidance.want"] * (b["guidance.female"] if self.female else 1.0)
            g *= b["guidance.high"] if self.education == 2 else 1.0
            if rng.random() < min(g, 1.0):
                full = b["guidance.full_price_eur"]
                net = full
                if eligible[LBC] and aware[LBC]:
                    own_part = float(e["lbc_own"][r])
                    if dec.claims(full - own_part, b["hassle.loopbaancheques"], rng.random()):
                        net = own_part
                        used[LBC], cost[LBC] = True, float(e["lbc_gov"][r])
                p_go = dec.go_probability(
                    net, income_or(self, b), 0.0, 0.0, b["barrier.money"], 0.0
                )
                if not rng.random() < p_go:
                    used[LBC], cost[LBC] = False, 0.0
        self.trained = emp_trained or own or self.in_education
        self.used, self.cost = used, cost


def income_or(agent: PersonAgent, b: Behaviour) -> float:
    """The monthly income the financial barrier weighs against."""
    if agent.status <= 2 and agent.wage > 0:
        return agent.wage
    return b["barrier.income_floor_eur"]


class ReferenceModel(mesa.Model):
    """Per-agent Mesa version of the yearly step, on the same persons and parameters.

    Args:
        model: A vectorised ``LLRModel`` that has stepped its base year: its persons,
            employers, behaviour and rules of that year are copied.
        entitlements: The vectorised rules' result for these persons (a DataFrame).
        seed: Seed of the reference's own generator.
    """

    def __init__(self, model, entitlements, seed: int = 0):
        super().__init__(rng=seed)
        self.persons: Persons = model.persons.copy()
        self.behaviour = b = model.behaviour_for(model.year)
        self.rates = model.rates
        ages = np.arange(self.rates["inactive_to_employed"].shape[-1])

        self.employed_to_inactive = [float(x) for x in _employed_to_inactive(ages, b)]
        self.employer_change = [
            float(x)
            for x in _by_age(
                ages,
                [
                    (24, b["labour.employer_change.a18_24"]),
                    (34, b["labour.employer_change.a25_34"]),
                    (44, b["labour.employer_change.a35_44"]),
                    (54, b["labour.employer_change.a45_54"]),
                    (99, b["labour.employer_change.a55_66"]),
                ],
            )
        ]
        self.age_shift = (
            b["want.age.a18_24"],
            0.0,
            b["want.age.a35_44"],
            b["want.age.a45_54"],
            b["want.age.a55_66"],
        )
        self.status_shift = (
            0.0,
            0.0,
            b["want.status.self_employed"],
            b["want.status.unemployed"],
            b["want.status.inactive"],
        )
        emp = model.employers
        self.intensity = dict(enumerate(emp.base_intensity.tolist()))
        self.vov_aware = dict(enumerate(emp.vov_aware.tolist()))
        self.colleague_share = [dict(enumerate(row.tolist())) for row in model.colleague_share]
        snap = model.parameters_for(model.year).at(__import__("datetime").date(model.year, 1, 1))
        self.vov_rate = float(snap["opleidingsverlof.reimbursement.eur_per_hour"])
        self.oc_share = float(snap["opleidingscheques.co_financing.government_share"])
        e = entitlements
        self.ent = [e[f"{k}_eligible"].to_numpy(bool).tolist() for k in INSTRUMENTS]
        self.ent.append(None)
        self.ent = {
            **dict(enumerate(self.ent[:5])),
            "vov_max_hours": e["opleidingsverlof_max_hours"].to_numpy(float).tolist(),
            "oc_max": e["opleidingscheques_max_subsidy_eur"].to_numpy(float).tolist(),
            "vok_premium": e["opleidingskrediet_monthly_premium_eur"].to_numpy(float).tolist(),
            "lbc_own": (
                np.nan_to_num(e["loopbaancheques_own_contribution_eur"].to_numpy(float)) * 2
            ).tolist(),
            "lbc_gov": e["loopbaancheques_government_payment_eur"].to_numpy(float).tolist(),
        }
        PersonAgent.create_agents(self, self.persons.n, row=list(range(self.persons.n)))
        self.agent_list = list(self.agents)
        self.participants = 0.0
        self.cost = 0.0

    def step(self) -> None:
        """One year: every person steps, then word of mouth per employer."""
        self.agents.shuffle_do("step")
        self.participants = sum(a.weight for a in self.agent_list if a.trained)
        self.cost = sum(a.weight * sum(a.cost) for a in self.agent_list)
        counts: dict[int, int] = {}
        uses = [dict() for _ in range(5)]
        for a in self.agent_list:
            if a.employer >= 0:
                counts[a.employer] = counts.get(a.employer, 0) + 1
                for k in range(5):
                    if a.used[k]:
                        uses[k][a.employer] = uses[k].get(a.employer, 0) + 1
        self.colleague_share = [{e: c / counts[e] for e, c in uses[k].items()} for k in range(5)]
