"""The persons as columns, and their yearly labour-market transitions.

The state the model carries from year to year (ageing, exits and entries, employment,
unemployment, inactivity, job-to-job moves between employers). Everything is vectorised over
all persons.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
import pandas as pd

from llr_sim.behaviour.parameters import Behaviour
from llr_sim.population import schema

# Status codes in schema.STATUS order.
PRIVATE, PUBLIC, SELF, UNEMPLOYED, INACTIVE = range(5)
NO_FIRM = schema.FIRM_SIZE.index("none")
NO_SECTOR = schema.SECTOR.index("none")
AGE_BANDS = ("18-24", "25-34", "35-44", "45-54", "55-66")
_BAND_EDGES = np.array([25, 35, 45, 55])


_BAND_OF_AGE = np.searchsorted(_BAND_EDGES, np.arange(256), side="right").astype(np.int8)


def age_band(age: np.ndarray) -> np.ndarray:
    """Index of the age band (``AGE_BANDS``) of each age (a table lookup)."""
    age = np.asarray(age)
    if age.size and (age.min() < 0 or age.max() > 255):
        return np.searchsorted(_BAND_EDGES, age, side="right").astype(np.int8)
    return _BAND_OF_AGE[age]


@dataclass
class Persons:
    """The columns of the population that change over time (numpy arrays, one row a person).

    Rows are persons; a person who passes the maximum age leaves and the row is taken by an
    18-year-old entrant (see :func:`transition`), so the arrays keep their length and the
    scenario and counterfactual runs stay row-aligned.
    """

    weight: np.ndarray
    age: np.ndarray
    female: np.ndarray
    education: np.ndarray
    status: np.ndarray
    in_education: np.ndarray
    work_fraction: np.ndarray
    firm_size: np.ndarray
    sector: np.ndarray
    employer: np.ndarray
    wage: np.ndarray
    years_worked: np.ndarray
    tenure: np.ndarray
    lives_alone: np.ndarray

    @classmethod
    def from_frame(cls, persons: pd.DataFrame) -> Persons:
        """The state of the base year from a synthetic population's persons table (copied)."""
        return cls(
            weight=np.array(persons["weight"].to_numpy(np.float64)),
            age=np.array(persons["age"].to_numpy(np.int16)),
            female=np.array((persons["sex"] == "F").to_numpy(bool)),
            education=np.array(persons["education"].cat.codes.to_numpy(np.int8)),
            status=np.array(persons["status"].cat.codes.to_numpy(np.int8)),
            in_education=np.array(persons["in_education"].to_numpy(bool)),
            work_fraction=np.array(persons["work_fraction"].to_numpy(np.float32)),
            firm_size=np.array(persons["firm_size"].cat.codes.to_numpy(np.int8)),
            sector=np.array(persons["sector"].cat.codes.to_numpy(np.int8)),
            employer=np.array(persons["employer_id"].to_numpy(np.int32)),
            wage=np.array(persons["gross_monthly_wage_eur"].to_numpy(np.float32)),
            years_worked=np.array(persons["years_worked"].to_numpy(np.int16)),
            tenure=np.array(persons["tenure_years"].to_numpy(np.float32)),
            lives_alone=np.array(persons["lives_alone"].to_numpy(bool)),
        )

    @property
    def n(self) -> int:
        """Number of rows."""
        return len(self.age)

    def copy(self) -> Persons:
        """A deep copy (the base year kept beside the moving persons; a year recorded by Replay)."""
        return Persons(**{k: v.copy() for k, v in self.__dict__.items()})

    @property
    def employed(self) -> np.ndarray:
        """Working (employee or self-employed)."""
        return self.status <= SELF

    @property
    def employee(self) -> np.ndarray:
        """An employee (private or public)."""
        return self.status <= PUBLIC

    def frame(self, extra: dict[str, object] | None = None) -> pd.DataFrame:
        """The persons as a population frame (DESIGN.md section 4 columns) for the rules.

        The columns are read-only views of the persons' arrays (no copies): the rules only read.
        """

        def view(values: np.ndarray) -> np.ndarray:
            out = values.view()
            out.flags.writeable = False
            return out

        def cat(codes: np.ndarray, categories: tuple[str, ...]) -> pd.Categorical:
            return pd.Categorical.from_codes(view(codes), categories=list(categories))

        data = {
            "person_id": np.arange(self.n, dtype=np.int32),
            "weight": view(self.weight),
            "age": view(self.age),
            "sex": cat(self.female.view(np.int8), schema.SEX),
            "education": cat(self.education, schema.EDUCATION),
            "status": cat(self.status, schema.STATUS),
            "in_education": view(self.in_education),
            "work_fraction": view(self.work_fraction),
            "firm_size": cat(self.firm_size, schema.FIRM_SIZE),
            "sector": cat(self.sector, schema.SECTOR),
            "employer_id": view(self.employer),
            "gross_monthly_wage_eur": view(self.wage),
            "years_worked": view(self.years_worked),
            "tenure_years": view(self.tenure),
            "lives_alone": view(self.lives_alone),
        }
        data.update(extra or {})
        return pd.DataFrame(data, copy=False)


def _by_age(age: np.ndarray, bands: list[tuple[int, float]]) -> np.ndarray:
    """A rate per person from (upper age bound inclusive, rate) pairs in increasing order."""
    bounds = np.array([b for b, _ in bands])
    rates = np.array([r for _, r in bands])
    age = np.asarray(age)
    if age.ndim and age.size and 0 <= age.min() and age.max() < 256:
        # A table over single ages, then a lookup: the same rates as the search, per person.
        table = rates[
            np.minimum(np.searchsorted(bounds, np.arange(256), side="left"), len(rates) - 1)
        ]
        return table[age]
    return rates[np.minimum(np.searchsorted(bounds, age, side="left"), len(rates) - 1)]


def _employed_to_inactive(age: np.ndarray, b: Behaviour) -> np.ndarray:
    return _by_age(
        age,
        [
            (24, b["labour.employed_to_inactive.a18_24"]),
            (54, b["labour.employed_to_inactive.a25_54"]),
            (59, b["labour.employed_to_inactive.a55_59"]),
            (99, b["labour.employed_to_inactive.a60_66"]),
        ],
    )


def _smooth(x: np.ndarray) -> np.ndarray:
    """A 3-year moving average over single ages (the ends kept)."""
    out = x.copy()
    out[1:-1] = (x[:-2] + x[1:-1] + x[2:]) / 3
    return out


def inflow_rates(base: Persons, behaviour: Behaviour) -> dict[str, np.ndarray]:
    """Age-specific inflow rates that keep the base year's age profile stationary.

    The outflows from work and from unemployment are the published ones (``labour.*``); the
    inflows from inactivity (into work, into unemployment) and out of education, which the
    reference gives only as Belgian averages (I->E 9.8%, I->U 4.0%), are solved per single year
    of age so that the shares employed, unemployed and in education at age a+1 next year equal
    today's shares at a+1, given today's shares at age a. Without this the labour market would
    drift (employment falling by about a point a year with the average Belgian rates).

    Returns:
        Arrays indexed by age (0..MAX_AGE+1): ``leave_education``, ``inactive_to_employed``,
        ``inactive_to_unemployed``.
    """
    b = behaviour
    ages = np.arange(schema.MAX_AGE + 2)
    w = base.weight
    total = np.maximum(np.bincount(base.age, weights=w, minlength=len(ages)), 1e-9)

    def share(mask: np.ndarray) -> np.ndarray:
        return _smooth(np.bincount(base.age, weights=w * mask, minlength=len(ages)) / total)

    e, u, i, st = (
        share(base.employed),
        share(base.status == UNEMPLOYED),
        share(base.status == INACTIVE),
        share(base.in_education),
    )
    e_i = _employed_to_inactive(ages, b)
    e_u = b["labour.employed_to_unemployed"]
    u_e, u_i = b["labour.unemployed_to_employed"], b["labour.unemployed_to_inactive"]
    nxt = np.minimum(ages + 1, len(ages) - 1)
    with np.errstate(divide="ignore", invalid="ignore"):
        i_e = (e[nxt] - e * (1 - e_u - e_i) - u * u_e) / i
        i_u = (u[nxt] - e * e_u - u * (1 - u_e - u_i)) / i
        leave = 1.0 - st[nxt] / st

    def clean(x: np.ndarray) -> np.ndarray:
        return np.clip(np.nan_to_num(x, nan=0.0, posinf=0.0, neginf=0.0), 0.0, 0.9)

    return {
        "leave_education": clean(leave),
        "inactive_to_employed": clean(i_e),
        "inactive_to_unemployed": clean(i_u),
    }


def _donors(
    pool: np.ndarray, by_level: list[np.ndarray], who: np.ndarray, u: np.ndarray
) -> np.ndarray:
    """For each row in ``who``, a random row of ``pool`` with the same education (-1 if none).

    Args:
        pool: Mask of the persons who may be drawn.
        by_level: Per education level, the mask of the persons with that level.
        who: The rows that need a donor.
        u: A uniform per person; row ``who[i]``'s decides its donor.

    Vectorised per education level: the pool of each level is indexed by the person's uniform.
    """
    out = np.full(len(who), -1, dtype=np.int64)
    u_who = u[who]
    for mask in by_level:
        candidates = np.flatnonzero(pool & mask)
        mine = mask[who]
        if len(candidates) and mine.any():
            out[mine] = candidates[(u_who[mine] * len(candidates)).astype(np.int64)]
    return out


@dataclass
class YearMoves:
    """What the labour transitions of one year did (for portability and indicators).

    Attributes:
        changed_employer: Changed employer (a job-to-job move, or left/entered a job).
        changed_status: Changed labour-market status.
        entered: Rows taken by a new 18-year-old entrant.
    """

    changed_employer: np.ndarray
    changed_status: np.ndarray
    entered: np.ndarray


#: The uniforms of the labour moves of a year, in the order they are drawn.
LABOUR_DRAWS = ("labour", "mobility", "donor", "education_exit", "entry")


def transition(
    persons: Persons,
    base: Persons,
    uniforms: dict[str, np.ndarray],
    behaviour: Behaviour,
    rates: dict[str, np.ndarray] | None = None,
) -> YearMoves:
    """Advance the persons by one year, in place: ageing, exits and entries, status moves.

    The order: everyone ages a year; persons past the maximum age leave and their row is taken
    by an 18-year-old entrant copied from a base-year 18-year-old (same weight: the Flemish
    cohorts of 18 and 66 are of similar size, WF Appendix A; mortality before 67 is ignored);
    students may leave education; then the employed, unemployed and inactive move between
    statuses (``labour.*`` and :func:`inflow_rates`); employees change employer with the
    age-specific ``labour.employer_change``. A person who enters a job or moves takes the job of
    a random worker with the same education (employer, sector, firm size, status; on entry also
    working time and wage), so employers keep a realistic size and sector mix.

    Args:
        persons: The persons, moved in place.
        base: The persons of the base year (the entrants are copied from its 18-year-olds).
        uniforms: One uniform per person for each of ``LABOUR_DRAWS``; they come from the
            common random streams of the year and do not depend on the scenario.
        behaviour: The behavioural values of the year.
        rates: The inflow rates (:func:`inflow_rates`), computed from ``base`` if None.
    """
    rates = rates if rates is not None else inflow_rates(base, behaviour)
    old_status = persons.status.copy()
    old_employer = persons.employer.copy()
    entered = _age_and_enter(persons, base, uniforms["entry"])
    # Rates are indexed by the age at the start of the year (the profile moves one year on).
    start_age = np.maximum(np.minimum(persons.age, schema.MAX_AGE + 1) - 1, 0)
    _leave_education(persons, entered, start_age, uniforms["education_exit"], rates)
    stay, movers = _status_and_job_moves(persons, entered, start_age, uniforms, behaviour, rates)
    # A year of work and of tenure for those who worked through the year.
    # Adding the mask (0 or 1) is the masked increment without gathering the rows.
    stayed = np.zeros(persons.n, dtype=bool)
    stayed[stay] = True
    stayed[movers] = False
    persons.tenure += stayed
    persons.years_worked += persons.employed & ~entered
    np.minimum(persons.years_worked, 50, out=persons.years_worked)
    np.minimum(persons.tenure, 50, out=persons.tenure)
    changed_employer = (persons.employer != old_employer) & ~entered
    changed_status = (persons.status != old_status) & ~entered
    return YearMoves(changed_employer, changed_status, entered)


def _age_and_enter(persons: Persons, base: Persons, u_entry: np.ndarray) -> np.ndarray:
    """Everyone ages a year; a row past the maximum age is taken by an 18-year-old entrant.

    Returns:
        The rows taken by an entrant.
    """
    persons.age += 1
    exits = np.flatnonzero(persons.age > schema.MAX_AGE)
    entered = np.zeros(persons.n, dtype=bool)
    if len(exits):
        pool = np.flatnonzero(base.age == schema.MIN_AGE)
        pick = pool[(u_entry[exits] * len(pool)).astype(np.int64)]
        for name, column in persons.__dict__.items():
            if name != "weight":
                column[exits] = getattr(base, name)[pick]
        entered[exits] = True
    return entered


def _leave_education(
    persons: Persons,
    entered: np.ndarray,
    start_age: np.ndarray,
    u_edu: np.ndarray,
    rates: dict[str, np.ndarray],
) -> None:
    """Students leave education at the age-specific rate (over the students' rows only)."""
    students = np.flatnonzero(persons.in_education & ~entered)
    leave = students[u_edu[students] < rates["leave_education"][start_age[students]]]
    persons.in_education[leave] = False


def _status_and_job_moves(
    persons: Persons,
    entered: np.ndarray,
    start_age: np.ndarray,
    uniforms: dict[str, np.ndarray],
    b: Behaviour,
    rates: dict[str, np.ndarray],
) -> tuple[np.ndarray, np.ndarray]:
    """The status moves and job-to-job moves, each decided over the rows it concerns.

    Returns:
        The workers who stayed in work, and the movers among them (rows).
    """
    u_status = uniforms["labour"]
    status = persons.status
    old_status = status.copy()
    workers = persons.employed & ~entered  # also the donors' pool: jobs are read before moves
    working = np.flatnonzero(workers)
    jobless = np.flatnonzero((status == UNEMPLOYED) & ~entered)
    inactive = np.flatnonzero((status == INACTIVE) & ~entered)
    e_u = b["labour.employed_to_unemployed"]
    u_e, u_i = b["labour.unemployed_to_employed"], b["labour.unemployed_to_inactive"]
    ages = np.arange(256)

    u = u_status[working]
    to_u = u < e_u
    to_i = ~to_u & (u < e_u + _employed_to_inactive(ages, b)[start_age[working]])
    u = u_status[jobless]
    u_to_e = u < u_e
    u_to_i = ~u_to_e & (u < u_e + u_i)
    u, a = u_status[inactive], start_age[inactive]
    i_e = rates["inactive_to_employed"][a]
    i_to_e = u < i_e
    i_to_u = ~i_to_e & (u < i_e + rates["inactive_to_unemployed"][a])
    enter_job = np.sort(np.concatenate([jobless[u_to_e], inactive[i_to_e]]))

    stay = working[~to_u & ~to_i]
    employees = stay[status[stay] <= PUBLIC]
    change = _employer_change(ages, b)
    movers = employees[uniforms["mobility"][employees] < change[start_age[employees]]]
    entry_jobs, move_jobs, no_donor = _donor_jobs(persons, workers, enter_job, movers, uniforms)

    leavers = working[to_u | to_i]
    status[np.concatenate([working[to_u], inactive[i_to_u]])] = UNEMPLOYED
    status[np.concatenate([working[to_i], jobless[u_to_i]])] = INACTIVE
    persons.employer[leavers] = -1
    persons.firm_size[leavers] = NO_FIRM
    persons.sector[leavers] = NO_SECTOR
    persons.work_fraction[leavers] = 0.0
    persons.wage[leavers] = 0.0
    persons.tenure[leavers] = 0.0
    _take_jobs(persons, *entry_jobs)
    status[no_donor] = old_status[no_donor]
    _take_jobs(persons, *move_jobs)
    return stay, movers


def _take_jobs(persons: Persons, rows: np.ndarray, jobs: dict[str, np.ndarray]) -> None:
    """The persons ``rows`` take the jobs ``jobs`` (columns), with a tenure of 0."""
    for c, values in jobs.items():
        getattr(persons, c)[rows] = values
    persons.tenure[rows] = 0.0


def _employer_change(ages: np.ndarray, b: Behaviour) -> np.ndarray:
    return _by_age(
        ages,
        [
            (24, b["labour.employer_change.a18_24"]),
            (34, b["labour.employer_change.a25_34"]),
            (44, b["labour.employer_change.a35_44"]),
            (54, b["labour.employer_change.a45_54"]),
            (99, b["labour.employer_change.a55_66"]),
        ],
    )


_JOB = ("status", "employer", "firm_size", "sector")


def _donor_jobs(
    persons: Persons,
    workers: np.ndarray,
    enter_job: np.ndarray,
    movers: np.ndarray,
    uniforms: dict[str, np.ndarray],
) -> tuple[tuple[np.ndarray, dict], tuple[np.ndarray, dict], np.ndarray]:
    """The jobs the entrants into work and the movers take, read before anyone moves.

    Returns:
        (rows, job columns) of the entrants with a donor and of the movers with a donor, and the
        entrants without a donor (who keep their status).
    """
    u_donor = uniforms["donor"]
    by_level = [persons.education == level for level in range(3)]
    entry_donor = _donors(workers, by_level, enter_job, u_donor)
    move_donor = _donors(workers & persons.employee, by_level, movers, u_donor)
    ok = entry_donor >= 0
    entry_who, entry_src, no_donor = enter_job[ok], entry_donor[ok], enter_job[~ok]
    entry = {c: getattr(persons, c)[entry_src] for c in (*_JOB, "work_fraction", "wage")}
    ok = move_donor >= 0
    move_who, move_src = movers[ok], move_donor[ok]
    move = {c: getattr(persons, c)[move_src] for c in _JOB}
    return (entry_who, entry), (move_who, move), no_donor


def rules_date(year: int) -> dt.date:
    """The date at which the rules of model year ``year`` are read.

    Model year t is school year (t-1)-t; the rules are read on 1 January of t, so a change on
    1 September applies from the next model year.
    """
    return dt.date(year, 1, 1)
