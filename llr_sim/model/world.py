"""The world of the year: everything that does not depend on the incentives, made once.

Each year, once per replicate (and per group of scenarios whose behaviour beyond the responses to
incentives is the same) and before any policy layer: the persons age and move on the
labour market (``persons.transition``), the year's common random draws are made, the course
plans are drawn (the course one would take, its price and hours, a long course on federal time
credit), and the wish to train without any incentive, the employers' own training, the wish for
career guidance, incomes and hourly wages are worked out. Every policy layer (each scenario and
the counterfactual, which is the layer with no incentive) reads the same :class:`WorldYear`, so
common random numbers follow from the structure, and a difference between two layers is the
policy, not noise.

The seam for a later step in which training changes a person's labour path: the world would
then be kept per scenario (its persons moved by each layer's outcome) while the draws, made
from the same streams, stay shared.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from llr_sim.behaviour import decisions as dec
from llr_sim.behaviour.parameters import Behaviour
from llr_sim.model.agents import Employers
from llr_sim.model.demography import Demography
from llr_sim.model.engine import DRAW_AHEAD_MIB, Engine
from llr_sim.model.persons import (
    LABOUR_DRAWS,
    PRIVATE,
    Persons,
    YearMoves,
    age_band,
    inflow_rates,
    rules_date,
    transition,
)
from llr_sim.model.streams import Streams
from llr_sim.policy import opleidingskrediet
from llr_sim.policy.parameters import load_parameters
from llr_sim.population.population import Population

N = np.newaxis
#: Hours of a full-time month (38 h x 52 / 12), to turn a monthly wage into an hourly one.
HOURS_PER_MONTH = 164.67
#: The weights and grouping attributes a year's outcome keeps (copies: the persons move on next
#: year, and a later alignment to the projection may change the weights).
ATTRIBUTES = ("weight", "education", "female", "status", "firm_size", "age", "wage")


def draw_plan(n: int, *, transitions: bool = False) -> list[tuple[str, tuple]]:
    """The draws of a year for ``n`` persons, in the order the year uses them.

    With ``transitions``, the uniforms of the labour moves (``persons.transition``) first.
    """
    uni, nor = ("random", n), ("standard_normal", n)
    labour = LABOUR_DRAWS if transitions else ()
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


@dataclass
class Draws:
    """The common random draws of a year (arrays over persons).

    ``awareness`` and ``claim`` are (5, n): one row per instrument. The world reads
    ``timecredit``, ``form``, ``long``, ``price``, ``hours`` and ``guidance`` and sets them to
    None when the world of the year is complete; the policy layers read the others.
    """

    timecredit: np.ndarray
    form: np.ndarray
    long: np.ndarray
    price: np.ndarray
    hours: np.ndarray
    awareness: np.ndarray
    claim: np.ndarray
    want: np.ndarray
    employer_training: np.ndarray
    employer_vov: np.ndarray
    substitution: np.ndarray
    go: np.ndarray
    guidance: np.ndarray
    guidance_go: np.ndarray
    arrival: np.ndarray

    @classmethod
    def of(cls, made: dict[str, tuple[np.ndarray, ...]]) -> Draws:
        """The named draws from the arrays of :func:`draw_plan`, by purpose."""
        u_tc, u_form = made["timecredit"]
        u_long, z_price, z_hours = made["course"]
        u_guid, u_guid_go = made["guidance"]
        return cls(
            timecredit=u_tc,
            form=u_form,
            long=u_long,
            price=z_price,
            hours=z_hours,
            awareness=made["awareness"][0],
            claim=made["claim"][0],
            want=made["want"][0],
            employer_training=made["employer_training"][0],
            employer_vov=made["employer_vov"][0],
            substitution=made["substitution"][0],
            go=made["go"][0],
            guidance=u_guid,
            guidance_go=u_guid_go,
            arrival=made["arrival"][0],
        )


@dataclass
class WorldYear:
    """The incentive-free world of one year, read (never written) by every policy layer.

    Attributes:
        year: The calendar year.
        behaviour: The behavioural values of the year.
        persons: The persons after the year's moves.
        changed: Changed employer or labour-market status this year.
        entered: Rows taken by a new entrant this year.
        draws: The year's common random draws.
        emp_row: Each person's employer row (``m``, one past the last, for none).
        edu_emp: Each person's (education, employer) cell, for per-employer values.
        emp_vov_aware: The person's employer knows the training-leave procedure.
        form: Time-credit form (0 full, 1 half, 2 one fifth) of a long course on time credit.
        time_credit_intent: Considers a long course on federal time credit.
        long_course: The course one would take is long (a formal programme).
        band: Age band (``persons.AGE_BANDS``).
        want_cell: Each person's (education, age band, status, sex) cell.
        want_logit: The logit of the wish to train per cell (150 values), without incentives.
        want: Wants to train, without any incentive.
        price_factor: The person's course's price relative to the mean short course.
        short_hours: Hours of the short course one would take.
        hours: Hours of the course one would take (short or long).
        hourly: Hourly wage (EUR), at least 1.
        selection: The employer's training intensity times the person's selection odds.
        employer_trained: Trained at the employer's own cost, without any incentive.
        employed: Working (employee or self-employed).
        income: A month's income (the wage, or the income floor without one).
        time_scale: How much the hours of a course weigh (the work fraction; 0.5 without work).
        asks: Rows of the workers who want career guidance.
        attributes: Copies of the grouping attributes for the year's outcomes.
    """

    year: int
    behaviour: Behaviour
    persons: Persons
    changed: np.ndarray
    entered: np.ndarray
    draws: Draws
    emp_row: np.ndarray
    edu_emp: np.ndarray
    emp_vov_aware: np.ndarray
    form: np.ndarray
    time_credit_intent: np.ndarray
    long_course: np.ndarray
    band: np.ndarray | None = None
    want_cell: np.ndarray | None = None
    want_logit: np.ndarray | None = None
    want: np.ndarray | None = None
    price_factor: np.ndarray | None = None
    short_hours: np.ndarray | None = None
    hours: np.ndarray | None = None
    hourly: np.ndarray | None = None
    selection: np.ndarray | None = None
    employer_trained: np.ndarray | None = None
    employed: np.ndarray | None = None
    income: np.ndarray | None = None
    time_scale: np.ndarray | None = None
    asks: np.ndarray | None = None
    attributes: dict[str, np.ndarray] | None = None


class World:
    """The persons, the employers and the draws of one replicate, moved one year at a time.

    Args:
        population: The synthetic population of the base year.
        behaviour_for: Function year -> the Behaviour in force (the world reads only the values
            that do not describe a response to an incentive).
        streams: The common random streams of the replicate.
        first_year: The first simulated year (the base year: no labour moves).
        engine: The run's threads.
    """

    def __init__(
        self,
        population: Population,
        behaviour_for,
        streams: Streams,
        first_year: int,
        engine: Engine,
    ):
        self.behaviour_for = behaviour_for
        self.streams = streams
        self.engine = engine
        self.first_year = first_year
        self.year = first_year - 1
        #: The last year that will be simulated, if known: no draws are made ahead beyond it.
        self.last_year: int | None = None
        behaviour = behaviour_for(first_year)
        engine.prefetch(streams, first_year, draw_plan(len(population.persons)))
        self.persons = Persons.from_frame(population.persons)
        self.base = self.persons.copy()
        self.rates = inflow_rates(self.base, behaviour)
        #: The weights from year to year: entrants, deaths, migration, the alignment.
        self.demography = Demography(behaviour, first_year)
        self.employers = Employers(
            population.employers, behaviour, streams.rng(first_year, "employers")
        )
        self.initial_rights = _initial_rights(self.persons, streams, first_year, behaviour)
        #: The federal rules of time credit, read from the baseline parameters: the same in
        #: every scenario, as they are not Flemish law. A scenario that changes
        #: ``opleidingskrediet.eligibility.min_tenure_years`` changes who may get the Flemish
        #: premium (the rules), not who considers federal time credit (the world).
        self.federal = load_parameters()

    @property
    def n(self) -> int:
        """Number of persons (rows)."""
        return self.persons.n

    def move(self, year: int) -> WorldYear:
        """The persons' year: labour moves, the year's draws and the course plans."""
        if year != self.year + 1:
            raise ValueError(f"the world is in {self.year}; it cannot move to {year}")
        self.year = year
        b = self.behaviour_for(year)
        n, p = self.n, self.persons
        moving = year > self.first_year
        plan = draw_plan(n, transitions=moving)
        self.engine.prefetch(self.streams, year, plan)
        made = self.engine.draws(self.streams, year, plan[: len(LABOUR_DRAWS) if moving else 0])
        if moving:
            uniforms = {purpose: made[purpose][0] for purpose in LABOUR_DRAWS}
            share = self.demography.entrant_female_share(year)
            self.demography.before_ageing(p)
            moves = transition(p, self.base, uniforms, b, self.rates, share)
            self.demography.apply(p, moves.entered, year)
            del uniforms, made
        else:
            none = np.zeros(n, dtype=bool)
            moves = YearMoves(none, none, none)
        draws = Draws.of(self.engine.draws(self.streams, year, plan[len(plan) - 11 :]))
        m = self.employers.m
        # Row indices as int32 (enough for every employer, half the memory of intp).
        emp_row = np.where(p.employer < 0, m, p.employer).astype(np.int32)
        world = WorldYear(
            year=year,
            behaviour=b,
            persons=p,
            changed=moves.changed_employer | moves.changed_status,
            entered=moves.entered,
            draws=draws,
            emp_row=emp_row,
            edu_emp=p.education.astype(np.int32) * (m + 1) + emp_row,
            emp_vov_aware=np.append(self.employers.vov_aware, False)[emp_row],
            **self._course_plans(p, draws, b),
        )
        return world

    def _course_plans(self, p: Persons, draws: Draws, b: Behaviour) -> dict[str, np.ndarray]:
        """The time-credit form, the intent of a long course on time credit, and long courses.

        Federal time credit with a training motive exists with or without the Flemish premium:
        a private-sector employee with the federal seniority considers a long course on time
        credit - a decision of its own, planned with the employer, not a short course started on
        one's own initiative. Whether they go ahead (in the policy layer) weighs the premium
        against the income lost.
        """
        form_shares = np.cumsum(
            [b["timecredit.form_shares.full"], b["timecredit.form_shares.half"]]
        )
        u_form = draws.form
        # searchsorted(form_shares, u, "right"): the count of thresholds at or below u.
        form = (form_shares[0] <= u_form).astype(np.int8) + (form_shares[1] <= u_form)
        federal = self.federal.at(rules_date(self.year))
        time_credit_intent = (
            (p.status == PRIVATE)
            & opleidingskrediet.has_federal_seniority(p.tenure, federal)
            & ~p.in_education
            & (draws.timecredit < b["timecredit.consider_rate"])
        )
        long_course = (draws.long < b["course.long_share"]) | time_credit_intent
        return {"form": form, "time_credit_intent": time_credit_intent, "long_course": long_course}

    def complete(self, w: WorldYear) -> WorldYear:
        """The rest of the incentive-free year: the wish to train, courses, employers, guidance."""
        b, p, d = w.behaviour, w.persons, w.draws
        w.band = age_band(p.age)
        # The wish to train depends on education, age band, status and sex only: its logit is
        # one of 150 values, computed per cell and read per person.
        w.want_cell = ((p.education.astype(np.int16) * 5 + w.band) * 5 + p.status) * 2 + p.female
        w.want_logit = want_logit(b)
        w.want = d.want < dec.logistic(w.want_logit)[w.want_cell]
        sd = b["course.short_price_sd"]
        w.price_factor = np.exp(sd * d.price - sd**2 / 2)
        w.short_hours = b["course.short_hours"] * np.exp(b["course.short_hours_sd"] * d.hours)
        w.hours = np.where(w.long_course, b["course.long_hours"], w.short_hours)
        w.hourly = np.maximum(p.wage / np.maximum(p.work_fraction, 0.1) / HOURS_PER_MONTH, 1.0)
        w.selection = self.employers.selection_base(p.employer, p.education, p.age, b)
        w.employer_trained = (
            p.employee
            & (d.employer_training < self.employers.probability_from_base(w.selection))
            & ~p.in_education
        )
        w.employed = p.employed
        w.income = np.where(
            w.employed & (p.wage > 0), p.wage, b["barrier.income_floor_eur"]
        ).astype(float)
        w.time_scale = np.where(w.employed, p.work_fraction, 0.5)
        w.asks = np.flatnonzero(_wants_guidance(w, b))
        w.attributes = {k: getattr(p, k).copy() for k in ATTRIBUTES}
        # The draws only the world reads are done with: their memory goes now.
        d.timecredit = d.form = d.long = d.price = d.hours = d.guidance = None
        return w

    def draw_ahead(self) -> None:
        """Start next year's first draws while this year ends (within ``DRAW_AHEAD_MIB``)."""
        if self.last_year is None or self.year < self.last_year:
            plan = draw_plan(self.n, transitions=True)
            self.engine.prefetch(self.streams, self.year + 1, plan, DRAW_AHEAD_MIB)


def want_logit(b: Behaviour) -> np.ndarray:
    """The logit of the wish to train for each (education, age band, status, sex) cell."""
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


def _wants_guidance(w: WorldYear, b: Behaviour) -> np.ndarray:
    """Workers who want career guidance (the odds by sex and high education: four values)."""
    odds = (
        b["guidance.want"]
        * np.array([1.0, b["guidance.female"]])[:, N]
        * np.array([1.0, b["guidance.high"]])
    )
    chance = np.minimum(odds, 1.0).ravel()
    p = w.persons
    return w.employed & (w.draws.guidance < chance[p.female.view(np.int8) * 2 + (p.education == 2)])


def _initial_rights(
    p: Persons, streams: Streams, first_year: int, behaviour: Behaviour
) -> tuple[np.ndarray, np.ndarray]:
    """Loopbaancheques used in the six years before the base year, and the POP they gave.

    Drawn from the "init" stream, the same in every layer: they describe the past, which no
    scenario changes. Returns (year of the last loopbaancheques, year of the last POP; NaN for
    none).
    """
    rng = streams.rng(first_year, "init")
    u, when = rng.random(p.n), rng.integers(1, 7, p.n)
    used = p.employed & (u < behaviour["initial.loopbaancheque_users_share"])
    # Years are small whole numbers: float32 holds them (and NaN for never) exactly.
    last = np.where(used, first_year - when, np.nan).astype(np.float32)
    return last, last.copy()
