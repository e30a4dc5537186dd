"""A policy layer: one scenario's rules on the world of the year, and what they change.

The year of a layer, in the order of DESIGN.md section 2: the rights of the budget expire (or
are forfeited, or carried across a job change); the entitlements of the rules; the year's
credit; awareness; the wish to train with the budget's salience; the employers' use of the
instruments; the claims and the decision to go ahead; rationing by the budget's yearly limit and
by the providers' capacity; career guidance; payments; and word of mouth, the providers' prices
and the employers' records for next year.

The counterfactual is the layer with no incentive (``incentives=False``): the same people on
the same draws, where nobody is entitled to anything.
"""

from __future__ import annotations

import copy
from concurrent.futures import Future

import mesa
import numpy as np
import pandas as pd

from llr_sim.behaviour.decisions import logistic
from llr_sim.model import own_training, staff
from llr_sim.model.agents import EmployerRecords, Employers, Providers
from llr_sim.model.awareness import Awareness
from llr_sim.model.budget import BudgetAccounts
from llr_sim.model.engine import Engine
from llr_sim.model.guidance import guidance
from llr_sim.model.law import AMOUNTS, OB, Law, Rights
from llr_sim.model.outcome import YearOutcome, outcome, pay
from llr_sim.model.persons import PRIVATE, rules_date
from llr_sim.model.world import WorldYear
from llr_sim.policy import loopbaancheques
from llr_sim.policy.entitlements import entitlements
from llr_sim.policy.parameters import INSTRUMENTS

SHORT, LONG, GUIDANCE = range(3)
_FORMS = ("full", "half", "one_fifth")


class PolicyLayer:
    """One scenario (or the counterfactual) over the years of a run.

    Args:
        name: The scenario's name (``counterfactual`` for the layer with no incentive).
        parameters_for: Function year -> the ParameterSet in force.
        behaviour_for: Function year -> the Behaviour in force.
        employers: The world's employers.
        initial_rights: (last loopbaancheques year, last POP year) of the base year.
        incentives: False for the counterfactual.

    Its state from year to year: the budget accounts, who used loopbaancheques when and who holds
    a personal development plan, the share of colleagues who used each instrument (word of
    mouth), the providers' prices and capacity, and the employers' records.
    """

    def __init__(
        self,
        name: str,
        parameters_for,
        behaviour_for,
        employers: Employers,
        initial_rights: tuple[np.ndarray, np.ndarray],
        *,
        incentives: bool = True,
    ):
        self.name = name
        self.parameters_for = parameters_for
        self.behaviour_for = behaviour_for
        self.incentives = incentives
        self.employers = employers
        last_lbc_year, pop_year = initial_rights
        self.last_lbc_year, self.pop_year = last_lbc_year.copy(), pop_year.copy()
        self.budget = BudgetAccounts(len(pop_year))
        self.colleague_share = np.zeros((5, employers.m))
        self.providers = Providers()
        self.records = EmployerRecords(employers.m)
        self.outcome: YearOutcome | None = None
        self.public_cost = 0.0
        self._rules: Future | None = None
        #: The layer this one follows while their rules and behaviour are the same (a twin).
        self.lead: PolicyLayer | None = None
        self.datacollector = mesa.DataCollector(model_reporters=self._reporters())

    def law_key(self, year: int) -> tuple:
        """What the layer's year depends on besides its state: its rules and behaviour."""
        values = tuple(sorted(self.behaviour_for(year).values.items()))
        return (self.incentives, id(self.parameters_for(year)), values)

    def follow(self, lead: PolicyLayer) -> None:
        """This year's results are the lead's (a twin shares them; the lead itself: nothing)."""
        if lead is not self:
            self.outcome, self.public_cost = lead.outcome, lead.public_cost
            self.records, self.providers = lead.records, lead.providers

    def adopt(self, lead: PolicyLayer) -> None:
        """Stop following ``lead``: take a copy of its state, to step on one's own from now."""
        self.budget = copy.deepcopy(lead.budget)
        self.last_lbc_year, self.pop_year = lead.last_lbc_year.copy(), lead.pop_year.copy()
        self.colleague_share = lead.colleague_share.copy()
        self.providers = copy.deepcopy(lead.providers)
        self.records = copy.deepcopy(lead.records)
        self.lead = None

    def law(self, year: int) -> Law:
        """The rules and behaviour of ``year``."""
        when, parameters = rules_date(year), self.parameters_for(year)
        return Law(
            year, when, parameters, parameters.at(when), self.behaviour_for(year), self.incentives
        )

    # -- the year ------------------------------------------------------------------------------
    def ask_rules(self, w: WorldYear, engine: Engine) -> None:
        """Start the rules of the year in the background (they read last year's state)."""
        self._rules = None
        if not self.incentives:
            return
        law = self.law(w.year)
        frame = w.persons.frame(
            {
                "career_guidance_pop": loopbaancheques.holds_pop(
                    w.year, self.pop_year, law.snapshot
                ),
                "last_loopbaancheque_year": self.last_lbc_year,
                "employer_initiative": w.emp_vov_aware & (w.persons.status == PRIVATE),
                # A categorical: the rules test it by code, not string by string.
                "career_break": _career_break(w),
            }
        )
        self._rules = engine.submit(_rights, frame, law.when, law.parameters)

    def step(self, w: WorldYear, engine: Engine) -> YearOutcome:
        """The layer's year on the world ``w``: the stages in order (see the module)."""
        law = self.law(w.year)
        self.outcome = None  # last year's arrays are freed before this year's are made
        start = self._rights_expire(w, law)
        rights = self._entitlements(w, law, engine)
        credit = self._rights_accrue(law, rights)
        balance = self.budget.balance
        aware = Awareness(w, law, self.colleague_share)
        want = self._wish_to_train(w, law, aware, balance)
        short_price, price = self._course_prices(w, law)
        decided = staff.decide(w, law, rights, self.employers, balance, short_price)
        who = own_training.candidates(w, want, decided.trained)
        claims = own_training.claim(w, law, rights, aware, who, price, balance)
        go = own_training.go_ahead(w, law, claims, price)
        go = self._budget_limit(w, law, go, claims, decided, price)
        trained, demand = own_training.places(w, go, self.providers.capacity)
        # What the budget has left for guidance, after this year's training.
        left = np.maximum(
            balance[w.asks] - claims.budget[w.asks] - decided.budget_pays[w.asks], 0.0
        )
        g = guidance(w, law, rights, aware, self.providers.price_index[GUIDANCE], left)
        paid = pay(w, law, trained, claims, decided, g, self.budget)
        self.public_cost = paid.public_cost
        self._remember(w, law, trained, decided, g, paid, demand, short_price)
        self.outcome = outcome(
            w, rights, trained, decided, claims, g, paid, start, credit, self.budget
        )
        return self.outcome

    def _course_prices(self, w: WorldYear, law: Law) -> tuple[np.ndarray, np.ndarray]:
        """The price of the short course one would take, and of the course (short or long).

        The providers' price index of this layer (it responds to subsidised demand) times the
        mean price, times the person's own course's price factor for a short course.
        """
        b, prices = law.behaviour, self.providers.price_index
        short_price = b["course.short_price_eur"] * prices[SHORT] * w.price_factor
        price = np.where(w.long_course, b["course.long_price_eur"] * prices[LONG], short_price)
        return short_price, price

    def _rights_expire(self, w: WorldYear, law: Law):
        """The budget accounts as the year begins: reshaped, entrants emptied, forfeits, expiry."""
        snap = law.snapshot
        if law.budget:
            self.budget.reshape(
                bool(snap["ontwikkelbudget.credit.expires"]),
                int(snap["ontwikkelbudget.credit.expiry_years"]),
            )
        expires = law.budget and bool(snap["ontwikkelbudget.credit.expires"])
        # The counterfactual reads none of the scenario's rules (nobody holds a budget there).
        portable = law.incentives and bool(snap["ontwikkelbudget.portable"])
        return self.budget.start_year(w.entered, w.changed, portable, expires)

    def _entitlements(self, w: WorldYear, law: Law, engine: Engine) -> Rights:
        """The rules' results of the year (asked for by ``ask_rules``)."""
        n = w.persons.n
        if not law.incentives:
            return Rights(np.zeros((5, n), dtype=bool), {})
        if self._rules is None:  # not asked for ahead (a layer stepped on its own)
            self.ask_rules(w, engine)
        rules, self._rules = self._rules, None
        return rules.result()

    def _rights_accrue(self, law: Law, rights: Rights) -> np.ndarray:
        """The budget's credit of the year, up to the cap; a balance keeps its holder entitled."""
        if not law.budget:
            return np.zeros(self.budget.n)
        credit = self.budget.credit(
            rights.eligible[OB],
            rights.amount("ontwikkelbudget_annual_credit_eur"),
            rights.amount("ontwikkelbudget_cap_eur"),
        )
        # Whoever holds a balance may spend it, credited this year or not (portability).
        rights.eligible[OB] |= self.budget.balance > 0
        return credit

    def _wish_to_train(
        self, w: WorldYear, law: Law, aware: Awareness, balance: np.ndarray
    ) -> np.ndarray:
        """The wish to train: the world's, with the budget's salience for those who know it."""
        if not law.budget:
            return w.want
        salient = np.zeros(w.persons.n, dtype=bool)
        holders = np.flatnonzero(balance > 0)
        salient[holders] = aware.knows(OB, holders)
        chance = np.where(
            salient,
            logistic(w.want_logit + law.behaviour["ontwikkelbudget.salience"])[w.want_cell],
            logistic(w.want_logit)[w.want_cell],
        )
        return w.draws.want < chance

    def _budget_limit(self, w, law, go, claims, decided, price) -> np.ndarray:
        """Claims beyond the budget's yearly limit are refused; the refused decide again."""
        refused = own_training.budget_limit(w, law, go, claims, decided.budget_pays)
        if refused is None:
            return go
        claims.budget = np.where(refused, 0.0, claims.budget)
        decided.budget_pays = np.where(refused, 0.0, decided.budget_pays)
        decided.shifted &= ~refused
        return own_training.go_ahead(w, law, claims, price)

    def _remember(self, w, law, trained, decided, g, paid, demand, short_price) -> None:
        """What next year reads: guidance and cheques used, records, providers, word of mouth."""
        p, year = w.persons, w.year
        if law.incentives:
            self.last_lbc_year[g.guided & (g.cheques > 0)] = year
        self.pop_year[g.guided] = year  # guidance ends with a personal development plan
        if law.incentives:  # the counterfactual's records are never read
            self.records.record(
                p.employer,
                p.weight,
                decided.trained,
                short_price,
                decided.registered,
                decided.shifted,
            )
        took = np.flatnonzero(trained)
        took_long = w.long_course[took]
        weight_took = p.weight[took]
        demand[GUIDANCE] = p.weight[g.guided].sum()
        served = np.array(
            [weight_took[~took_long].sum(), weight_took[took_long].sum(), demand[GUIDANCE]]
        )
        self.providers.update(demand, served, law.behaviour)
        if law.incentives:
            m = self.employers.m
            # Row m counts the persons without an employer, dropped.
            counts = np.bincount(w.emp_row, minlength=m + 1)[:m]
            for k in range(5):
                uses = np.bincount(w.emp_row[np.flatnonzero(paid.used[k])], minlength=m + 1)[:m]
                self.colleague_share[k] = np.where(counts > 0, uses / np.maximum(counts, 1), 0.0)

    # -- the model's series ------------------------------------------------------------------------
    def _reporters(self) -> dict:
        def total(name):
            o = self.outcome
            return float(o.weight[getattr(o, name)].sum()) if o is not None else 0.0

        def users():
            o = self.outcome
            return float(o.weight[o.used.any(axis=0)].sum()) if o is not None else 0.0

        return {
            "year": lambda m: self.outcome.year if self.outcome is not None else None,
            "participants": lambda m: total("trained"),
            "users": lambda m: users(),
            "public_cost_eur": lambda m: self.public_cost if self.outcome is not None else 0.0,
            "employer_spending_eur": lambda m: float(self.records.spending_eur.sum()),
            "price_index_short": lambda m: float(self.providers.price_index[SHORT]),
            "price_index_long": lambda m: float(self.providers.price_index[LONG]),
        }


def _rights(frame: pd.DataFrame, when, parameters) -> Rights:
    """The rules' eligibility and the amounts the year needs (in the rules' own dtypes).

    Run in the background: the rules' full table (reasons and all) is freed there, so only
    what the layer reads waits for it.
    """
    table = entitlements(frame, when, parameters)
    eligible = np.stack([table[f"{k}_eligible"].to_numpy(bool) for k in INSTRUMENTS])
    amounts = {c: table[c].to_numpy() for c in AMOUNTS if c in table.columns}
    return Rights(eligible, amounts)


def _career_break(w: WorldYear) -> pd.Categorical:
    """The time-credit form of those who consider a long course on time credit ("none" else)."""
    return pd.Categorical.from_codes(
        np.where(w.time_credit_intent, w.form + 1, 0).astype(np.int8),
        categories=["none", *_FORMS],
    )
