"""The yearly model: a ``mesa.Model`` whose step is one year.

Each step, in order: labour transitions (not in the base year); the rights (personal budget:
expiry, forfeits when not portable, the year's credit up to the cap); awareness; the wish to
train and the course; the rules (``llr_sim.policy.entitlements``); the employers' training and
their use of training leave and of their employees' budgets; the own-initiative training
decisions against the financial, time and hassle barriers; career guidance; the yearly budget
limit (first come, first served) and the providers' capacity; payments; word of mouth and the
providers' prices for next year.

A counterfactual model (``incentives=False``) runs the same people on the same draws with no
incentive at all: no instrument is open, no budget is credited, employers get no reimbursement.
"""

from __future__ import annotations

from dataclasses import dataclass

import mesa
import numpy as np
import pandas as pd

from llr_sim.behaviour import decisions as dec
from llr_sim.behaviour.parameters import Behaviour
from llr_sim.model.agents import EmployerAgent, Employers, ProviderAgent, Providers
from llr_sim.model.persons import (
    PRIVATE,
    Persons,
    YearMoves,
    age_band,
    inflow_rates,
    rules_date,
    transition,
)
from llr_sim.model.streams import Streams, in_background
from llr_sim.policy.entitlements import entitlements
from llr_sim.policy.parameters import INSTRUMENTS
from llr_sim.population.population import Population

OC, LBC, VOV, VOK, OB = range(5)
assert INSTRUMENTS[OC] == "opleidingscheques" and INSTRUMENTS[OB] == "ontwikkelbudget"
SHORT, LONG, GUIDANCE = range(3)
#: Hours of a full-time month (38 h x 52 / 12), to turn a monthly wage into an hourly one.
HOURS_PER_MONTH = 164.67
#: Working hours of a full-time year (38 h x about 43.5 weeks net of leave and holidays).
FULL_TIME_HOURS_PER_YEAR = 1650.0
_FORMS = ("full", "half", "one_fifth")
#: The amounts of the rules the yearly step reads.
_AMOUNTS = (
    "ontwikkelbudget_annual_credit_eur",
    "ontwikkelbudget_cap_eur",
    "opleidingsverlof_max_hours",
    "opleidingscheques_max_subsidy_eur",
    "opleidingskrediet_monthly_premium_eur",
    "loopbaancheques_government_payment_eur",
    "loopbaancheques_own_contribution_eur",
)
_FORM_FRACTION = np.array([1.0, 0.5, 0.2])
#: Memory the draws of next year may take while this year ends (see ``LLRModel.step``): more
#: would push a full-scale run past its memory budget (a year's draws are about 0.9 GB there).
DRAW_AHEAD_MIB = 256
N = np.newaxis


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
        cost: (5, n) public cost per instrument (EUR).
        ob_training, ob_guidance: The personal budget paid a course, or guidance.
        balance: Personal budget balance at year end (EUR).
        credit, spent, expired: Budget credited, spent, expired or forfeited this year (EUR).
        portability: Carried a positive balance across a change of employer or status.
        balance_start: Balance at the start of the year.

    Arrays that stay 0 in a year (no budget, or no incentive at all in the counterfactual) and
    arrays shared between the scenario run and its counterfactual are read-only.
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


def _zeros(shape: int | tuple[int, ...], dtype: type = float) -> np.ndarray:
    """A read-only array of zeros that takes no memory (for what stays 0 in a year)."""
    return np.broadcast_to(np.zeros(1, dtype=dtype), shape)


def _draw_plan(n: int, *, transitions: bool = False) -> list[tuple[str, tuple]]:
    """The draws of a year for ``n`` persons, in the order the step uses them.

    With ``transitions``, the uniforms of the labour transitions (``persons.transition``) first.
    """
    uni, nor = ("random", n), ("standard_normal", n)
    labour = ("labour", "mobility", "donor", "education_exit", "entry") if transitions else ()
    return [
        *((purpose, (uni,)) for purpose in labour),
        ("timecredit", (uni, uni)),
        ("course", (uni, nor, nor)),
        ("awareness", (("random", (5, n)),)),
        ("claim", (("random", (5, n)),)),
        ("want", (uni,)),
        ("employer_training", (uni,)),
        ("employer_vov", (uni,)),
        ("substitution", (uni,)),
        ("go", (uni,)),
        ("guidance", (uni, uni)),
        ("arrival", (uni,)),
    ]


class LLRModel(mesa.Model):
    """The LLR model: persons as columns, employers and providers as Mesa agents.

    Args:
        population: The synthetic population of the base year.
        parameters_for: Function year -> the ParameterSet in force (the scenario's rules).
        behaviour_for: Function year -> the Behaviour in force.
        streams: The common random streams (seed, replicate).
        incentives: False for the counterfactual: the same people, no incentives.
        follow: Another model (the scenario run) whose persons this one shares. The labour
            transitions never read the policy, so a counterfactual on the same draws lives the
            same labour histories: it reads the persons and the year's moves of the model it
            follows (which must step first each year) instead of keeping and moving a copy.
    """

    def __init__(
        self,
        population: Population,
        parameters_for,
        behaviour_for,
        streams: Streams,
        first_year: int,
        *,
        incentives: bool = True,
        follow: LLRModel | None = None,
    ):
        super().__init__(rng=streams.rng(first_year, "mesa"))
        self.streams = streams
        self.parameters_for = parameters_for
        self.behaviour_for = behaviour_for
        self.incentives = incentives
        self.first_year = first_year
        self.year = first_year - 1
        behaviour = behaviour_for(first_year)
        self.follow = follow
        if follow is None:
            # The first year's draws are made while the model is being set up.
            streams.prefetch(first_year, _draw_plan(len(population.persons)))
            self.persons = Persons.from_frame(population.persons)
            self.base = self.persons.copy()
            self.rates = inflow_rates(self.base, behaviour)
        else:
            if follow.first_year != first_year or follow.streams.seed != streams.seed:
                raise ValueError("a follower must start in the same year on the same seed")
            if follow.year != first_year - 1:
                raise ValueError("a follower must be made before the model it follows steps")
            self.persons, self.base, self.rates = follow.persons, follow.base, follow.rates
        self.moves: YearMoves | None = None
        # Arrays of the year that do not depend on the incentives, computed by the model stepping
        # first and read by its follower (the counterfactual) on the same persons and draws.
        self._shared: dict[str, object] = {}
        self._shared_year: int | None = None
        #: Called by a leader once the year's shared arrays are all made (see ``step``): its
        #: follower may then step through the year at the same time, in another thread.
        self.when_shared = None
        #: The last year that will be stepped, if known: no draws are made ahead beyond it.
        self.last_year: int | None = None
        self.employers = Employers(
            population.employers, behaviour, streams.rng(first_year, "employers")
        )
        self.providers = Providers()
        ProviderAgent.create_agents(self, 3, segment=np.arange(3))
        # The employers' Mesa agents (one per row of the arrays) are made when first asked for,
        # through ``agents``, ``agents_by_type`` or ``agent_types``: the yearly step reads the
        # arrays only, and 130,000 agents at full scale take over a second to make. A follower
        # (the counterfactual, the shadow run that measures deadweight) never makes them.
        self._employer_agents_due = follow is None
        self._public_cost = 0.0
        n = self.persons.n
        if follow is None:
            self._init_rights(behaviour)
        else:  # the same past, drawn once: the leader has not stepped yet
            self.last_lbc_year, self.pop_year = follow.last_lbc_year.copy(), follow.pop_year.copy()
        self.colleague_share = np.zeros((5, self.employers.m))
        self.budget_vintages = np.zeros((n, 1), dtype=np.float64)
        self.outcome: YearOutcome | None = None
        self.datacollector = mesa.DataCollector(
            model_reporters={
                "year": "year",
                "participants": lambda m: m._total("trained"),
                "users": lambda m: m._total_used(),
                "public_cost_eur": lambda m: m._total_cost(),
                "employer_spending_eur": lambda m: float(m.employers.spending_eur.sum()),
                "price_index_short": lambda m: float(m.providers.price_index[SHORT]),
                "price_index_long": lambda m: float(m.providers.price_index[LONG]),
            }
        )

    # -- Mesa's agents ---------------------------------------------------------------------------
    def _make_employer_agents(self) -> None:
        if getattr(self, "_employer_agents_due", False):
            self._employer_agents_due = False
            for row in range(self.employers.m):
                EmployerAgent(self, row)

    @property
    def agents(self) -> mesa.agent.AgentSet:
        """All agents: the employers (made now if not yet) and the providers."""
        self._make_employer_agents()
        return super().agents

    @property
    def agents_by_type(self) -> dict[type[mesa.Agent], mesa.agent.AgentSet]:
        """The agents per class (the employers made now if not yet)."""
        self._make_employer_agents()
        return super().agents_by_type

    @property
    def agent_types(self) -> list[type]:
        """The agent classes (the employers made now if not yet)."""
        self._make_employer_agents()
        return super().agent_types

    # -- reporters -----------------------------------------------------------------------------
    def _total(self, name: str) -> float:
        o = self.outcome
        return float(o.weight[getattr(o, name)].sum()) if o is not None else 0.0

    def _total_used(self) -> float:
        o = self.outcome
        return float(o.weight[o.used.any(axis=0)].sum()) if o is not None else 0.0

    def _total_cost(self) -> float:
        return self._public_cost if self.outcome is not None else 0.0

    # -- state ---------------------------------------------------------------------------------
    def _init_rights(self, behaviour: Behaviour) -> None:
        """Loopbaancheques used in the six years before the base year (and the POP it gives).

        Drawn from the "init" stream, the same in the scenario and the counterfactual: they
        describe the past, which no scenario changes.
        """
        p = self.persons
        n = p.n
        rng = self.streams.rng(self.first_year, "init")
        u, when = rng.random(n), rng.integers(1, 7, n)
        used = p.employed & (u < behaviour["initial.loopbaancheque_users_share"])
        self.last_lbc_year = np.where(used, self.first_year - when, np.nan)
        self.pop_year = self.last_lbc_year.copy()

    @property
    def balance(self) -> np.ndarray:
        """Personal budget balance of each person (EUR)."""
        return self.budget_vintages.sum(axis=1)

    def _budget_shape(self, parameters: dict) -> None:
        """Resize the vintages when the budget's expiry changes (keeps the newest credits)."""
        years = int(parameters["ontwikkelbudget.credit.expiry_years"])
        width = max(years, 1) if parameters["ontwikkelbudget.credit.expires"] else 1
        current = self.budget_vintages.shape[1]
        if width == current:
            return
        total = self.budget_vintages.sum(axis=1)
        if width > current:
            pad = np.zeros((self.persons.n, width - current))
            self.budget_vintages = np.hstack([pad, self.budget_vintages])
        elif width == 1:
            self.budget_vintages = total[:, None]
        else:
            old = self.budget_vintages[:, : current - width + 1].sum(axis=1)
            self.budget_vintages = np.hstack([old[:, None], self.budget_vintages[:, -width + 1 :]])

    def _year_cache(self, year: int) -> dict[str, object]:
        """The incentive-free arrays of ``year`` shared with a follower (see ``_once``).

        A leader on shared streams keeps them for its follower; the follower reads its
        leader's and frees them (``release_shared``) when its own step is done. Without a
        follower nothing is kept.
        """
        if self.follow is not None:
            lead = self.follow
            return lead._shared if lead._shared_year == year else {}
        if not self.streams.share:
            self._shared, self._shared_year = {}, None
            return {}
        self._shared, self._shared_year = {}, year
        return self._shared

    # -- the year ------------------------------------------------------------------------------
    def step(self) -> None:
        """One year."""
        self.year += 1
        year = self.year
        self.outcome = None  # last year's arrays are freed before this year's are made
        when = rules_date(year)
        params = self.parameters_for(year)
        b = self.behaviour_for(year)
        snap = params.at(when)
        p = self.persons
        n = p.n
        s = self.streams
        on = self.incentives
        ob_on = on and bool(snap["ontwikkelbudget.enabled"])

        if self.follow is None:
            # The year's draws are made in the background while the labour moves run (a
            # follower reads its leader's).
            s.prefetch(year, _draw_plan(n, transitions=year > self.first_year))

        # 1. Labour transitions (the population is the state of the base year).
        if year > self.first_year:
            if self.follow is None:
                moves = transition(p, self.base, year, s, b, self.rates)
            else:
                if self.follow.year != year:
                    raise RuntimeError("the model followed must step first each year")
                moves = self.follow.moves
            self.moves = moves
            changed = moves.changed_employer | moves.changed_status
            entered = moves.entered
        else:
            changed = entered = np.zeros(n, dtype=bool)

        # 2. Rights: the personal budget's expiry, forfeits and credit.
        if ob_on:
            self._budget_shape(snap)
        # Nobody holds a budget (no budget yet, or the counterfactual): nothing expires, moves
        # or is forfeited, and every balance is 0.
        no_budget = not self.budget_vintages.any()
        if no_budget:
            expired = balance_start = _zeros(n)
            portability = _zeros(n, bool)
        else:
            expired = np.zeros(n)
            balance_start = self.balance
            expired[entered] = balance_start[entered]  # a person who leaves takes nothing along
            self.budget_vintages[entered] = 0.0
            portable = bool(snap["ontwikkelbudget.portable"])
            positive = self.budget_vintages.sum(axis=1) > 0
            portability = changed & positive & portable
            if not portable:
                lost = changed & positive
                expired[lost] += self.budget_vintages[lost].sum(axis=1)
                self.budget_vintages[lost] = 0.0
            if ob_on and snap["ontwikkelbudget.credit.expires"]:
                expired += self.budget_vintages[:, 0]
                self.budget_vintages = np.roll(self.budget_vintages, -1, axis=1)
                self.budget_vintages[:, -1] = 0.0

        # 3. Draws of the year (every purpose drawn in full, whatever the scenario).
        # With shared streams the counterfactual reads the scenario's arrays, drawn once.
        draws = {purpose: s.draws(year, purpose, *kinds) for purpose, kinds in _draw_plan(n)}
        u_tc, u_form = draws["timecredit"]
        u_long, z_price, z_hours = draws["course"]
        ((u_aware,), (u_claim,), (u_want,)) = draws["awareness"], draws["claim"], draws["want"]
        ((u_emp,), (u_emp_vov,)) = draws["employer_training"], draws["employer_vov"]
        ((u_sub,), (u_go,)) = draws["substitution"], draws["go"]
        u_guid, u_guid_go = draws["guidance"]
        (arrival,) = draws["arrival"]
        del draws

        # What does not depend on the incentives is computed once a year and shared with the
        # counterfactual, which follows on the same persons, draws and behaviour (read-only).
        cache = self._year_cache(year)

        def once(name, make):
            value = cache.get(name)
            if value is None:
                value = make()
                for array in value if isinstance(value, tuple) else (value,):
                    array.flags.writeable = False
                cache[name] = value
            return value

        # 4. Rules of the year, with the person's situation that the rules read.
        employer = p.employer
        m = self.employers.m
        # Each person's employer row as an index (m, one past the last, for "no employer"),
        # and the person's (education, employer) cell: per-employer and per-level values are
        # computed on their few hundred thousand cells and then read per person.
        emp_row = once("emp_row", lambda: np.where(employer < 0, m, employer).astype(np.intp))
        edu_emp = once("edu_emp", lambda: p.education.astype(np.intp) * (m + 1) + emp_row)
        emp_vov_aware = once(
            "emp_vov_aware", lambda: np.append(self.employers.vov_aware, False)[emp_row]
        )

        def course_plans():
            form_shares = np.cumsum(
                [b["timecredit.form_shares.full"], b["timecredit.form_shares.half"]]
            )
            # searchsorted(form_shares, u, "right"): the count of thresholds at or below u.
            form = (form_shares[0] <= u_form).astype(np.int8) + (form_shares[1] <= u_form)
            # Federal time credit with a training motive exists with or without the Flemish
            # premium: a private-sector employee with the federal seniority considers a long
            # course on time credit - a decision of its own, planned with the employer, not a
            # short course started on one's own initiative. Whether they go ahead (below) weighs
            # the premium against the income lost.
            time_credit_intent = (
                (p.status == PRIVATE)
                & (p.tenure >= 2)
                & ~p.in_education
                & (u_tc < b["timecredit.consider_rate"])
            )
            long_course = (u_long < b["course.long_share"]) | time_credit_intent
            return form, time_credit_intent, long_course

        form, time_credit_intent, long_course = once("course_plans", course_plans)
        if on:
            pop = year - self.pop_year < 6  # False where there is no POP (NaN)
            frame = p.frame(
                {
                    "career_guidance_pop": pop,
                    "last_loopbaancheque_year": self.last_lbc_year,
                    "employer_initiative": emp_vov_aware & (p.status == PRIVATE),
                    # A categorical: the rules test it by code, not string by string.
                    "career_break": pd.Categorical.from_codes(
                        np.where(time_credit_intent, form + 1, 0).astype(np.int8),
                        categories=["none", *_FORMS],
                    ),
                }
            )
            # The rules run in the background thread while this one makes the year's
            # incentive-free arrays (the course, the employers' selection ...), which they do
            # not read; their results are awaited where they are first needed.
            rules = in_background(s.background, entitlements, frame, when, params)
            del frame

        def ent(name: str, rows: np.ndarray | None = None) -> np.ndarray:
            """An amount of the rules in float64, for all persons or for ``rows`` (0 if closed)."""
            if not on:
                return np.zeros(n if rows is None else len(rows))
            values = amounts[name] if rows is None else amounts[name][rows]
            return values.astype(np.float64)

        # 5. Awareness (dec.awareness, with its factors taken per education level and per
        # employer - three and a few hundred thousand values - before they are read per person).
        # Only those who could claim need to know: ``aware(k, rows)`` answers for those rows.
        chances = []
        if on:
            levels = np.array([b["awareness.education_low"], 1.0, b["awareness.education_high"]])
            overview = b["awareness.overview_multiplier"]
            for k, name in enumerate(INSTRUMENTS):
                unaware = 1.0 - np.minimum(b[f"awareness.base.{name}"] * levels * overview, 1.0)
                unheard = 1.0 - np.minimum(
                    b["awareness.word_of_mouth"] * self.colleague_share[k], 1.0
                )
                # 1 - unaware * unheard for each (education, employer) cell.
                chances.append((1.0 - np.outer(unaware, np.append(unheard, 1.0))).ravel())

        def aware(k: int, rows: np.ndarray, cells: np.ndarray | None = None) -> np.ndarray:
            """Whether the persons ``rows`` (in ``cells``, if known) know instrument ``k``."""
            if not on:
                return np.zeros(len(rows), dtype=bool)
            return u_aware[k, rows] < chances[k][edu_emp[rows] if cells is None else cells]

        # 6. Wanting to train, and the course.
        band = once("band", lambda: age_band(p.age))
        # The wish to train depends on education, age band, status and sex only: its logit is
        # one of 150 values, computed per cell (in the same order of sums) and read per person.
        cell = once(
            "want_cell",
            lambda: ((p.education.astype(np.intp) * 5 + band) * 5 + p.status) * 2 + p.female,
        )

        def base_logit():
            return (
                b["want.intercept"]
                + np.array([b["want.education.low"], 0.0, b["want.education.high"]])[:, N, N, N]
                + np.array(
                    [
                        b["want.age.a18_24"],
                        0.0,
                        b["want.age.a35_44"],
                        b["want.age.a45_54"],
                        b["want.age.a55_66"],
                    ]
                )[:, N, N]
                + np.array(  # by status code: private, public, self-employed, unemployed, inactive
                    [
                        0.0,
                        0.0,
                        b["want.status.self_employed"],
                        b["want.status.unemployed"],
                        b["want.status.inactive"],
                    ]
                )[:, N]
                + np.array([0.0, b["want.female"]])
            ).ravel()

        prices = self.providers.price_index
        price_factor = once(
            "price_factor",
            lambda: np.exp(
                b["course.short_price_sd"] * z_price - b["course.short_price_sd"] ** 2 / 2
            ),
        )
        short_price = b["course.short_price_eur"] * prices[SHORT] * price_factor
        short_hours, hours = once(
            "hours",
            lambda: (
                sh := b["course.short_hours"] * np.exp(b["course.short_hours_sd"] * z_hours),
                np.where(long_course, b["course.long_hours"], sh),
            ),
        )
        price = np.where(long_course, b["course.long_price_eur"] * prices[LONG], short_price)
        hourly = once(
            "hourly",
            lambda: np.maximum(p.wage / np.maximum(p.work_fraction, 0.1) / HOURS_PER_MONTH, 1.0),
        )
        selection = once(
            "selection",
            lambda: self.employers.selection_base(employer, p.education, p.age, b),
        )

        # The rules of the year (see above).
        if on:
            table = rules.result()
            eligible = np.stack([table[f"{k}_eligible"].to_numpy(bool) for k in INSTRUMENTS])
            # Keep only the amounts the year needs, as arrays in the rules' own dtypes; the
            # frames (reasons and all) are freed before the rest of the year allocates its own.
            amounts = {c: table[c].to_numpy() for c in _AMOUNTS if c in table.columns}
            del table, rules
        else:
            amounts = {}
            eligible = _zeros((5, n), bool)

        # Credit of the personal budget, up to the cap.
        credit = _zeros(n)
        if ob_on:
            annual = ent("ontwikkelbudget_annual_credit_eur")
            cap = ent("ontwikkelbudget_cap_eur")
            room = np.maximum(cap - self.budget_vintages.sum(axis=1), 0.0)
            credit = np.where(eligible[OB], np.minimum(annual, room), 0.0)
            self.budget_vintages[:, -1] += credit
        balance = _zeros(n) if no_budget and not ob_on else self.budget_vintages.sum(axis=1)
        if ob_on:
            # Whoever holds a balance may spend it, credited this year or not (portability).
            eligible[OB] |= balance > 0

        # The wish to train (the budget's salience reads the balance).
        if ob_on:
            logit = base_logit()
            # The budget's salience adds to the logit of those who know it and hold a balance.
            salient = np.zeros(n, dtype=bool)
            holders = np.flatnonzero(balance > 0)
            salient[holders] = aware(OB, holders)
            chance = np.where(
                salient,
                dec.logistic(logit + b["ontwikkelbudget.salience"])[cell],
                dec.logistic(logit)[cell],
            )
            want = u_want < chance
        else:
            want = once("want", lambda: u_want < dec.logistic(base_logit())[cell])

        # 7. Employers: their own training, training leave, and shifting onto budgets.
        snap_vov = snap.sub("opleidingsverlof")
        vov_rate = float(snap_vov["reimbursement.eur_per_hour"]) if on else 0.0
        if on:
            boost = np.where(
                eligible[VOV] & emp_vov_aware,
                b["employer.vov_boost"] * np.minimum(vov_rate / hourly, 1.0),
                0.0,
            )
            p_emp = self.employers.probability_from_base(selection, boost)
            emp_trained = p.employee & (u_emp < p_emp) & ~p.in_education
        else:
            # No boost: the same as the scenario's without one (x * (1 + 0) == x).
            emp_trained = once(
                "emp_trained_unboosted",
                lambda: (
                    p.employee
                    & (u_emp < self.employers.probability_from_base(selection))
                    & ~p.in_education
                ),
            )
        # Without incentives nobody uses or costs anything.
        used = np.zeros((5, n), dtype=bool) if on else _zeros((5, n), bool)
        cost = np.zeros((5, n)) if on else _zeros((5, n))
        vov_hours = np.zeros(n)
        emp_vov = (
            emp_trained
            & eligible[VOV]
            & emp_vov_aware
            & (short_hours >= 32)
            & (u_emp_vov < b["employer.vov_registration"])
        )
        registered = np.flatnonzero(emp_vov)  # none without incentives
        vov_hours[registered] = np.minimum(
            short_hours[registered], ent("opleidingsverlof_max_hours", registered)
        )
        shifted = _zeros(n, bool)
        covers_training = ob_on and bool(snap["ontwikkelbudget.covers.training"])
        ob_pay = np.zeros(n) if covers_training else _zeros(n)
        if covers_training:
            shifted = (
                emp_trained
                & ~emp_vov
                & (balance >= 0.5 * short_price)
                & (u_sub < b["employer.substitution"])
            )
            ob_pay[shifted] = np.minimum(balance, short_price)[shifted]

        # 8. Own-initiative training against the barriers, with the incentives one knows.
        candidate = (want | time_credit_intent) & ~emp_trained & ~p.in_education
        employed = once("employed", lambda: p.employed)
        income, time_scale = once(
            "income",
            lambda: (
                np.where(employed & (p.wage > 0), p.wage, b["barrier.income_floor_eur"]).astype(
                    float
                ),
                np.where(employed, p.work_fraction, 0.5),
            ),
        )
        hassle = {}
        for k, name in enumerate(INSTRUMENTS):
            factor = 1.0
            channel = f"{name}.application.channel"
            if channel in snap and snap[channel] == "single_digital_counter":
                factor = b["hassle.single_counter_factor"]
            hassle[k] = b[f"hassle.{name}"] * factor
        # Only the candidates decide: the claims are worked out over their rows (``who``), then
        # written into arrays over all persons (0 for everyone else).
        who = np.flatnonzero(candidate)
        price_who, hours_who = price[who], hours[who]
        oc_sub, own_vov, vok_premium = (np.zeros(n) if on else _zeros(n) for _ in range(3))
        own_ob = np.zeros(n) if covers_training else _zeros(n)
        if on:
            # The candidates' draws, awareness and eligibility, for the instruments they may
            # claim (career guidance is claimed by those who want it, below).
            cells_who = edu_emp[who]
            claimable = (OC, VOV, VOK, OB) if covers_training else (OC, VOV, VOK)
            u_claim_who = {k: u_claim[k, who] for k in claimable}
            aware_who = {k: aware(k, who, cells_who) for k in claimable}
            eligible_who = {k: eligible[k, who] for k in claimable}
            share = float(snap["opleidingscheques.co_financing.government_share"])
            oc_max = ent("opleidingscheques_max_subsidy_eur", who)
            benefit = np.minimum(share * price_who, oc_max)
            oc_claim = dec.claims(
                benefit, hassle[OC], u_claim_who[OC], where=eligible_who[OC] & aware_who[OC]
            )
            oc_sub[who] = np.where(oc_claim, benefit, 0.0)
            cover = np.minimum(hours_who, ent("opleidingsverlof_max_hours", who))
            benefit = cover * hourly[who] * np.minimum(p.work_fraction[who], 1.0)
            vov_claim = dec.claims(
                benefit,
                hassle[VOV],
                u_claim_who[VOV],
                where=eligible_who[VOV] & aware_who[VOV] & (hours_who >= 32),
            )
            own_vov[who] = np.where(vov_claim, cover, 0.0)
            months = b["timecredit.months"]
            premium = ent("opleidingskrediet_monthly_premium_eur", who) * months
            vok_claim = dec.claims(
                premium,
                hassle[VOK],
                u_claim_who[VOK],
                where=time_credit_intent[who] & eligible_who[VOK] & aware_who[VOK],
            )
            vok_premium[who] = np.where(vok_claim, premium, 0.0)
        if covers_training:
            co_share = float(snap["ontwikkelbudget.co_payment.share"])
            flat = float(snap["ontwikkelbudget.co_payment.flat_eur"])
            payable = np.maximum(price_who * (1 - co_share) - flat, 0.0)
            # A long programme's fees recur each year: its taker counts on a share of the
            # balance this year and keeps the rest for later years, so a larger balance lowers
            # the out-of-pocket cost (and the financial barrier) of longer courses.
            years = np.where(long_course[who], b["course.long_programme_years"], 1.0)
            benefit = dec.budget_cover(balance[who], payable, years)
            ob_claim = dec.claims(benefit, hassle[OB], u_claim_who[OB], where=aware_who[OB])
            own_ob[who] = np.where(ob_claim, benefit, 0.0)

        # Time credit: the course's hours come out of working time; the person loses that part
        # of the wage, partly replaced by the federal benefit and the Flemish premium. Arrays
        # over the candidates (``who``) only.
        tc = time_credit_intent[who]
        fraction = _FORM_FRACTION[form[who]]
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

        def go_with(oc, vov, vok, ob):
            net = (
                price[who]
                - oc[who]
                - ob[who]
                + b["timecredit.income_weight"] * (income_loss - vok[who])
            )
            free = np.maximum(unpaid - vov[who], 0.0)
            pgo = dec.go_probability(
                net, income[who], free, time_scale[who], b["barrier.money"], b["barrier.time"]
            )
            go = np.zeros(n, dtype=bool)
            go[who] = u_go[who] < pgo
            return go

        own_go = go_with(oc_sub, own_vov, vok_premium, own_ob)

        # First come, first served within the yearly budget limit of the personal budget.
        if covers_training and snap["ontwikkelbudget.budget.limited"]:
            claim_cost = np.where(own_go, own_ob, 0.0) + ob_pay
            admitted = dec.first_come_first_served(
                claim_cost * p.weight,
                arrival,
                float(snap["ontwikkelbudget.budget.annual_limit_eur"]),
            )
            refused = (claim_cost > 0) & ~admitted
            own_ob = np.where(refused, 0.0, own_ob)
            ob_pay = np.where(refused, 0.0, ob_pay)
            shifted &= ~refused
            own_go = go_with(oc_sub, own_vov, vok_premium, own_ob)

        # Providers: places within capacity, in order of arrival.
        goes = np.flatnonzero(own_go)
        goes_long = long_course[goes]
        weight_goes = p.weight[goes]
        demand = np.array([weight_goes[~goes_long].sum(), weight_goes[goes_long].sum(), 0.0])
        own_trained = own_go.copy()
        for seg, mask in ((SHORT, ~goes_long), (LONG, goes_long)):
            asking = goes[mask]
            got = dec.ration(p.weight[asking], arrival[asking], self.providers.capacity[seg])
            own_trained[asking[~got]] = False

        # 9. Career guidance (workers).
        def wants_guidance():
            # The odds by sex and (high) education: four values, read per person.
            g_odds = (
                b["guidance.want"]
                * np.array([1.0, b["guidance.female"]])[:, N]
                * np.array([1.0, b["guidance.high"]])
            )
            chance = np.minimum(g_odds, 1.0).ravel()
            return employed & (u_guid < chance[p.female.view(np.int8) * 2 + (p.education == 2)])

        # Arrays over those who want guidance (``asks``) only; nobody else can have it.
        asks = once("asks", lambda: np.flatnonzero(once("want_guidance", wants_guidance)))
        if self.when_shared is not None and self.follow is None:
            # Every shared array the follower reads is made (it adds its own incentive-free
            # ones, such as the wish to train without a budget, which this step no longer
            # reads): from here on this step makes no shared array and writes only its own
            # state (budgets, employers, providers), never the persons.
            self.when_shared()
        full = b["guidance.full_price_eur"] * prices[GUIDANCE]
        lbc_net = np.full(len(asks), full)
        lbc_gov = np.zeros(n) if on else _zeros(n)
        ob_guid = np.zeros(n) if ob_on else _zeros(n)
        if on:
            gov = ent("loopbaancheques_government_payment_eur", asks)
            own = np.nan_to_num(ent("loopbaancheques_own_contribution_eur", asks)) * 2
            lbc_claim = dec.claims(
                full - own,
                hassle[LBC],
                u_claim[LBC][asks],
                where=eligible[LBC][asks] & aware(LBC, asks),
            )
            lbc_net = np.where(lbc_claim, own, full)
            lbc_gov[asks] = np.where(lbc_claim, gov, 0.0)
        if ob_on and snap["ontwikkelbudget.covers.career_guidance"]:
            left = np.maximum(balance[asks] - own_ob[asks] - ob_pay[asks], 0.0)
            benefit = np.minimum(left, lbc_net)
            ob_g = dec.claims(benefit, hassle[OB], u_claim[OB][asks], where=aware(OB, asks))
            ob_guid[asks] = np.where(ob_g, benefit, 0.0)
        zero = np.zeros(len(asks))
        guided = np.zeros(n, dtype=bool)
        guided[asks] = u_guid_go[asks] < dec.go_probability(
            lbc_net - ob_guid[asks], income[asks], zero, zero, b["barrier.money"], 0.0
        )

        # 10. Uses, costs, payments.
        trained = emp_trained | own_trained | p.in_education

        public_cost = 0.0  # weighted, for the model's series

        def book(k: int, users: np.ndarray, amount: np.ndarray, rate: float = 1.0) -> None:
            """Users of instrument k and their cost (only the users' rows are written)."""
            nonlocal public_cost
            if on:
                used[k] = users
                idx = np.flatnonzero(users)
                cost[k, idx] = amount[idx] * rate
                public_cost += float(cost[k, idx] @ p.weight[idx])

        oc_used = own_trained & (oc_sub > 0)
        book(OC, oc_used, oc_sub)
        own_vov_used = own_trained & (own_vov > 0)
        idx = np.flatnonzero(own_vov_used)
        vov_hours[idx] = own_vov[idx]
        book(VOV, emp_vov | own_vov_used, vov_hours, vov_rate)
        vok_used = own_trained & (vok_premium > 0)
        book(VOK, vok_used, vok_premium)
        lbc_used = guided & (lbc_gov > 0)
        book(LBC, lbc_used, lbc_gov)
        if covers_training:
            ob_training = (own_trained & (own_ob > 0)) | (shifted & (ob_pay > 0))
        else:  # nothing is paid from a budget for training
            ob_training = _zeros(n, bool)
        ob_guidance = guided & (ob_guid > 0) if ob_on else _zeros(n, bool)
        if ob_on:
            spent = (
                np.where(own_trained, own_ob, 0.0)
                + np.where(shifted, ob_pay, 0.0)
                + np.where(guided, ob_guid, 0.0)
            )
            spent = np.minimum(spent, balance)
            used[OB] = spent > 0
            cost[OB] = spent
            idx = np.flatnonzero(used[OB])
            public_cost += float(spent[idx] @ p.weight[idx])
            self._spend(spent)
        else:
            spent = _zeros(n)  # without a budget nothing is paid from one
        if on:
            self.last_lbc_year[lbc_used] = year
        self.pop_year[guided] = year  # guidance ends with a personal development plan

        # 11. Employers and providers record the year; word of mouth for next year.
        if self.follow is None:
            # The shadow run (a follower) keeps no employer records: nobody reads them.
            self.employers.record(employer, p.weight, emp_trained, short_price, emp_vov, shifted)
        took = np.flatnonzero(own_trained)
        took_long = long_course[took]
        weight_took = p.weight[took]
        demand[GUIDANCE] = p.weight[guided].sum()
        served_demand = np.array(
            [weight_took[~took_long].sum(), weight_took[took_long].sum(), demand[GUIDANCE]]
        )
        self.providers.update(demand, served_demand, b)
        if on:
            # Row m counts the persons without an employer, dropped.
            counts = np.bincount(emp_row, minlength=m + 1)[:m]
            for k in range(5):
                uses = np.bincount(emp_row[np.flatnonzero(used[k])], minlength=m + 1)[:m]
                self.colleague_share[k] = np.where(counts > 0, uses / np.maximum(counts, 1), 0.0)

        lead = self.follow.outcome if self.follow is not None else None
        if lead is not None and lead.year == year:
            # The same persons as the run followed: its copies of their attributes serve both.
            attributes = {
                k: getattr(lead, k) for k in ("education", "female", "status", "firm_size", "age")
            }
            attributes["wage"] = lead.wage
        else:
            attributes = {
                k: getattr(p, k).copy()
                for k in ("education", "female", "status", "firm_size", "age", "wage")
            }
        self._public_cost = public_cost
        self.outcome = YearOutcome(
            year=year,
            weight=p.weight,
            age_band=band,
            **attributes,
            trained=trained,
            guided=guided,
            employer_trained=emp_trained,
            eligible=eligible,
            used=used,
            cost=cost,
            ob_training=ob_training,
            ob_guidance=ob_guidance,
            balance_start=balance_start,
            balance=self.balance if ob_on or not no_budget else balance,
            credit=credit,
            spent=spent,
            expired=expired,
            portability=portability,
        )
        if self.follow is None:
            if self.last_year is None or year < self.last_year:
                # Next year's first draws are made while this year ends (the counterfactual,
                # the indicators), as many as fit in DRAW_AHEAD_MIB: at full scale the labour
                # moves' and the course plans' uniforms, for a small population the whole year.
                plan, size = [], 0
                for purpose, kinds in _draw_plan(n, transitions=True):
                    size += sum(int(np.prod(shape)) for _, shape in kinds) * 8
                    if size > DRAW_AHEAD_MIB * 2**20:
                        break
                    plan.append((purpose, kinds))
                s.prefetch(year + 1, plan)
            # The counterfactual's series is never read: only the scenario run collects one.
            self.datacollector.collect(self)
        else:
            # Both have made what they share: the leader's shared arrays of the year go.
            self.follow.release_shared()

    def release_shared(self) -> None:
        """Free the year's arrays kept for the follower (when both have stepped)."""
        self._shared, self._shared_year = {}, None

    def _spend(self, amount: np.ndarray) -> None:
        """Take ``amount`` from each person's budget, oldest credit first.

        Vectorised per vintage column: the loop runs over at most ten columns, never persons.
        """
        who = np.flatnonzero(amount > 0)  # only the spenders' rows are touched
        left = amount[who]
        for j in range(self.budget_vintages.shape[1]):
            take = np.minimum(self.budget_vintages[who, j], left)
            self.budget_vintages[who, j] -= take
            left -= take
