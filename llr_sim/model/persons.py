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
    18-year-old entrant (see :func:`transition`), so the arrays keep their length and every
    policy layer stays row-aligned with the world. Deaths, migration and the alignment to the
    projection change the weights (``llr_sim.model.demography``), a new array each year.
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


#: Half-width of the window of ages over which the base year's shares are pooled.
_WINDOW = 2
#: Half-width of the wider window a small cell's pooled share is pulled towards.
_WIDE_WINDOW = 8
#: Pseudo-rows that pull a small cell's share towards its age and sex (a sparse cell at a small
#: scale would otherwise give a noisy rate).
_PRIOR_ROWS = 20.0
#: A cohort cell (sex, age) with fewer rows follows the chances of the expected cohort instead
#: of its own (a numerical setting: enough rows that the noise of a cell is a few points).
MIN_STEERED_ROWS = 200
#: The last age at which leaving education raises the attainment: later changes in the base
#: year's profile by age are differences between cohorts, not diplomas obtained.
LAST_SCHOOLING_AGE = 34


#: Ages at which the profiles break (early retirement at 60, the legal pension age at 65): the
#: pooling of nearby ages does not cross them, so the drop in employment stays where it is.
_BREAKS = (60, 65)


def _pooled(
    values: np.ndarray, breaks: tuple[int, ...] = _BREAKS, window: int = _WINDOW
) -> np.ndarray:
    """Sums over a window of ``2 * _WINDOW + 1`` single ages (last axis).

    The window stays within the segments between ``_BREAKS`` (shorter at a segment's ends).
    """
    c = np.cumsum(np.pad(values, [(0, 0)] * (values.ndim - 1) + [(1, 0)]), axis=-1)
    n = values.shape[-1]
    ages = np.arange(n)
    edges = np.array([0, *breaks, n])
    segment = np.searchsorted(edges, ages, side="right") - 1
    hi = np.minimum(np.minimum(ages + window + 1, n), edges[segment + 1])
    lo = np.maximum(ages - window, edges[segment])
    return c[..., hi] - c[..., lo]


class _Profile:
    """Shares by sex, education, being a student and single age, pooled over nearby ages.

    Args:
        sex, education, student, age, weight: One entry per (part of a) person.
        ages: Number of single ages (0..ages-1).
        prior: Pseudo-weight pulling a small cell's share towards its sex, student status and
            age (all levels of education together).
        tile: How many entries each person has (the masks given are tiled).
    """

    def __init__(
        self, sex, education, student, age, weight, ages: int, prior: float, tile: int = 1
    ):
        self.ages, self.prior, self.tile = ages, prior, tile
        self.sex = sex.astype(np.int64)
        self.cell = ((self.sex * 3 + education) * 2 + student) * ages + age
        self.w = weight

    @classmethod
    def of(cls, base: Persons, ages: int) -> _Profile:
        """The base year's profile."""
        prior = _PRIOR_ROWS * float(base.weight.mean()) if base.n else 0.0
        return cls(
            base.female, base.education, base.in_education, base.age, base.weight, ages, prior
        )

    def _mask(self, mask: np.ndarray) -> np.ndarray:
        return np.tile(mask, self.tile) if self.tile > 1 and len(mask) != len(self.w) else mask

    def _counts(self, mask: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(2, 3, 2, ages) weighted counts per single age, pooled over nearby ages, and wider."""
        raw = np.bincount(self.cell, weights=self.w * mask, minlength=12 * self.ages)
        raw = raw.reshape(2, 3, 2, self.ages)
        return raw, _pooled(raw), _pooled(raw, window=_WIDE_WINDOW)

    def share(self, mask: np.ndarray) -> np.ndarray:
        """(2, 3, 2, ages) the share of ``mask`` per cell and single age.

        A small cell is pulled towards its share pooled over nearby ages, that towards its share
        over a wider window of ages (same sex, education and student status), and that, when
        still small, towards its sex, student status and age: a sparse cell at a small scale
        would otherwise give a noisy rate (or, pulled towards all levels of education, a biased
        one), while a large one keeps its own profile (the base year's steps between age bands
        included).
        """
        raw, pooled, wide = self._counts(self._mask(mask))
        raw_total, pooled_total, wide_total = self._counts(np.ones(len(self.w), dtype=bool))
        by_age = wide.sum(axis=1, keepdims=True) / np.maximum(
            wide_total.sum(axis=1, keepdims=True), 1e-9
        )
        broad = (wide + self.prior * by_age) / (wide_total + self.prior)
        smooth = (pooled + self.prior * broad) / (pooled_total + self.prior)
        return (raw + self.prior * smooth) / (raw_total + self.prior)

    def share_by_sex(
        self, mask: np.ndarray, among: np.ndarray | None = None, breaks: tuple[int, ...] = _BREAKS
    ) -> np.ndarray:
        """(2, ages) the share of ``mask`` (among ``among``) by sex and single age.

        A small cell is pulled towards its share pooled over nearby ages, as in :meth:`share`.
        """
        mask = self._mask(mask)
        among = np.ones(len(self.w), dtype=bool) if among is None else self._mask(among)
        key = self.sex * self.ages + self.cell % self.ages
        num = np.bincount(key, weights=self.w * (mask & among), minlength=2 * self.ages)
        den = np.bincount(key, weights=self.w * among, minlength=2 * self.ages)
        num, den = num.reshape(2, -1), den.reshape(2, -1)
        p_num, p_den = _pooled(num, breaks), _pooled(den, breaks)
        smooth = np.divide(p_num, p_den, out=np.zeros_like(p_num), where=p_den > 0)
        return np.divide(
            num + self.prior * smooth,
            den + self.prior,
            out=np.zeros_like(num),
            where=den + self.prior > 0,
        )


def _clean(x: np.ndarray, high: float = 0.9) -> np.ndarray:
    return np.clip(np.nan_to_num(x, nan=0.0, posinf=0.0, neginf=0.0), 0.0, high)


def inflow_rates(base: Persons, behaviour: Behaviour) -> dict[str, np.ndarray]:
    """Rates that keep the base year's profiles by age, sex and education stationary.

    The outflows from work and from unemployment are the published ones (``labour.*``); the
    inflows from inactivity (into work, into unemployment), which the reference gives only as
    Belgian averages (I->E 9.8%, I->U 4.0%), are solved per sex, education, being a student or
    not, and single year of age so that the shares employed and unemployed of a cell at age a+1
    next year equal today's shares at a+1, given today's at a after the year's moves out of
    education (:func:`_after_schooling`: a new graduate joins the non-students). A population
    whose mix of education changes then changes its employment with it (more high educated,
    more employment), while the rates within a group stay at their published levels (the base
    year is calibrated to them).

    Leaving education (by sex and age) keeps the share in education stationary; a student who
    leaves obtains the level of the studies, so that each cohort follows the base year's path of
    attainment by age and sex (:func:`_schooling_rates`). Attainment never falls.

    Returns:
        ``leave_education``, ``path_high``, ``path_low``: (2 sexes, ages) by the age at the
        start of the year (the paths: by the age reached); ``inactive_to_employed``,
        ``inactive_to_unemployed`` and the extra outflows: (2 sexes, 3 education levels, 2
        student or not, ages).
    """
    b = behaviour
    n_ages = schema.MAX_AGE + 2
    ages = np.arange(n_ages)
    nxt = np.minimum(ages + 1, n_ages - 1)
    prof = _Profile.of(base, n_ages)
    schooling = _schooling_rates(base, prof, nxt)
    # Today's shares at a+1 are the targets; the shares at a are those of the cells after the
    # year's moves out of education (a new graduate, often not yet at work, joins the high
    # educated of the age): without that, the young high educated would drift out of work.
    e_next = prof.share(base.employed)[..., nxt]
    u_next = prof.share(base.status == UNEMPLOYED)[..., nxt]
    moved = _after_schooling(base, prof, schooling, nxt)
    e, u, i = (
        moved.share(base.employed),
        moved.share(base.status == UNEMPLOYED),
        moved.share(base.status == INACTIVE),
    )
    e_i = _employed_to_inactive(ages, b)
    e_u = b["labour.employed_to_unemployed"]
    u_e, u_i = b["labour.unemployed_to_employed"], b["labour.unemployed_to_inactive"]
    with np.errstate(divide="ignore", invalid="ignore"):
        i_e = (e_next - e * (1 - e_u - e_i) - u * u_e) / i
        i_u = (u_next - e * e_u - u * (1 - u_e - u_i)) / i
        # Where the share falls faster than the published outflows allow (retirement at 65, a
        # dip in the profile), more leave work for inactivity (or unemployment for inactivity)
        # instead of a negative inflow: the profile is kept from both sides.
        extra_e_i = (1 - e_u - e_i) - (e_next - u * u_e) / e
        extra_u_i = (1 - u_e - u_i) - (u_next - e * e_u) / u
    return {
        "inactive_to_employed": _clean(i_e, 1.0),
        "inactive_to_unemployed": _clean(i_u),
        "extra_employed_to_inactive": _clean(extra_e_i),
        "extra_unemployed_to_inactive": _clean(extra_u_i),
        "path_self": prof.share_by_sex(base.status == SELF, base.employed),
        **schooling,
    }


def _monotone(y: np.ndarray, rising: bool) -> np.ndarray:
    """The closest monotone sequence (least squares; pool-adjacent-violators over the ages).

    Unlike a running maximum, it does not follow the noise of a sample upwards (or downwards).
    """
    values = list(y if rising else -y)
    blocks: list[list[float]] = []  # [mean, count]
    for v in values:
        blocks.append([float(v), 1.0])
        while len(blocks) > 1 and blocks[-2][0] > blocks[-1][0]:
            m2, n2 = blocks.pop()
            m1, n1 = blocks.pop()
            blocks.append([(m1 * n1 + m2 * n2) / (n1 + n2), n1 + n2])
    out = np.concatenate([np.full(int(n), m) for m, n in blocks])
    return out if rising else -out


def _schooling_rates(base: Persons, prof: _Profile, nxt: np.ndarray) -> dict[str, np.ndarray]:
    """Leaving education, and the path of attainment each cohort follows.

    The path is the base year's attainment by age and sex made monotone: the share high
    educated rises with age to the mean of 25-34 (the published 54.3% in 2022, by sex) and stays
    there; the share low educated falls to the mean of 25-34 (about 10%). Without that, noise in
    a cross-section that is flat after 25 would ratchet the cohorts up (a diploma for every
    chance rise, none lost for a chance fall). The base population's step between 24 and 25
    (its targets are by age band) is spread over nearby ages by the pooling.

    The level a leaver obtains is then decided each year on the cohort as it is
    (:func:`_leave_education`), so that every cohort, whatever its start, reaches the path.
    """
    ages = np.arange(prof.ages)
    # The share in education is not pooled across 24|25: the base year's step there (its targets
    # are for 18-24 and 25-66) is kept, or too many would study on after 25.
    st = prof.share_by_sex(base.in_education, breaks=(25, *_BREAKS))
    band = (ages >= 25) & (ages <= 34)

    def path(share: np.ndarray, rising: bool) -> np.ndarray:
        """Monotone in age over the ages at which a cohort's level may change."""
        out = share.copy()
        lo, hi = schema.MIN_AGE, LAST_SCHOOLING_AGE + 2
        for sex in range(2):
            out[sex, lo:hi] = _monotone(share[sex, lo:hi], rising)
        out[:, :lo] = out[:, lo : lo + 1]
        out[:, hi:] = out[:, hi - 1 : hi]
        return out

    with np.errstate(divide="ignore", invalid="ignore"):
        leave = _clean(1.0 - st[:, nxt] / st)
    rates = {
        "leave_education": leave,
        "path_high": path(prof.share_by_sex(base.education == 2), True),
        "path_low": path(prof.share_by_sex(base.education == 0), False),
        "path_low_student": path(
            prof.share_by_sex(base.in_education & (base.education == 0)), False
        ),
        "path_student_high": path(prof.share_by_sex(base.education == 2, base.in_education), True),
    }
    # The cohorts lag the path where it rises faster than students leave (the base's step
    # between 24 and 25): from 25 on the path is raised until a cohort followed in expectation
    # reaches the base year's share high educated at 25-34 (54.3% in 2022, by sex).
    in_band = (base.age >= 25) & (base.age <= 34)
    goal = np.array(
        [
            np.average(
                base.education[in_band & (base.female == f)] == 2,
                weights=base.weight[in_band & (base.female == f)],
            )
            if (in_band & (base.female == f)).any()
            else 0.0
            for f in (False, True)
        ]
    )
    raw = rates["path_high"].copy()
    lift = np.zeros(2)
    start = _cohort_start(base)
    for _ in range(50):
        rates["path_high"] = np.minimum(raw + lift[:, None] * (ages >= 25), 1.0)
        reached = _expected_high(start, rates)[0][:, band].mean(axis=1)
        step = goal - reached
        lift = np.clip(lift + step, 0.0, 0.5)
        if np.abs(step).max() < 1e-6:
            break
    rates.update(_expected_high(start, rates)[1])
    return rates


def _cohort_start(base: Persons) -> list[tuple[np.ndarray, np.ndarray]]:
    """Per sex, the base year's 18-year-olds as shares: (studying, done) by level."""
    young = base.age == schema.MIN_AGE
    out = []
    for s in range(2):
        mine = young & (base.female == bool(s))
        w = base.weight[mine] / max(float(base.weight[mine].sum()), 1e-12)
        edu, study = base.education[mine], base.in_education[mine]
        out.append(
            (
                np.bincount(edu, weights=w * study, minlength=3),
                np.bincount(edu, weights=w * ~study, minlength=3),
            )
        )
    return out


def _expected_high(start, rates: dict[str, np.ndarray]) -> tuple[np.ndarray, dict]:
    """A cohort of base-year 18-year-olds followed in expectation (``start``: _cohort_start).

    The same steps as :func:`_level_odds` on the cohort's masses: students (by level) leave at
    the rate of their age; low students who stay finish secondary as the path of low students
    asks, medium students who stay obtain a bachelor as the share high among students asks;
    leavers with upper secondary obtain tertiary as far as the path asks and they suffice.

    Returns:
        (2, ages) the cohort's share high educated; and the chances the steps took, by sex and
        age (``expected_*``: what a cell too small to steer by its own rows uses).
    """
    n_ages = rates["path_high"].shape[1]
    out = np.zeros((2, n_ages))
    odds = {
        f"expected_{k}": np.zeros((2, n_ages))
        for k in ("finish_secondary", "bachelor", "to_high", "to_medium")
    }
    last = min(LAST_SCHOOLING_AGE + 1, n_ages - 1)

    def ratio(a: float, b: float) -> float:
        return a / b if b > 1e-12 else 0.0

    for s, (studying, done) in enumerate(start):
        for a in range(schema.MIN_AGE, last):
            out[s, a] = studying[2] + done[2]
            gone = rates["leave_education"][s, a] * studying
            studying = studying - gone
            finish = max(studying[0] - rates["path_low_student"][s, a + 1], 0.0)
            wanted = rates["path_student_high"][s, a + 1] * studying.sum() - studying[2]
            bachelor = min(max(wanted, 0.0), studying[1])
            odds["expected_finish_secondary"][s, a] = ratio(finish, studying[0])
            odds["expected_bachelor"][s, a] = ratio(bachelor, studying[1])
            studying = studying + np.array([-finish, finish - bachelor, bachelor])
            need = rates["path_high"][s, a + 1] - (studying[2] + done[2] + gone[2])
            graduates = min(max(need, 0.0), gone[1])
            low_left = done[0] + gone[0] + studying[0] - rates["path_low"][s, a + 1]
            medium = min(max(low_left, 0.0), gone[0])
            odds["expected_to_high"][s, a] = ratio(graduates, gone[1])
            odds["expected_to_medium"][s, a] = ratio(medium, gone[0])
            done = done + np.array(
                [gone[0] - medium, gone[1] - graduates + medium, gone[2] + graduates]
            )
        out[s, last:] = studying[2] + done[2]
    return out, odds


def _after_schooling(
    base: Persons, prof: _Profile, rates: dict[str, np.ndarray], nxt: np.ndarray
) -> _Profile:
    """The base year's cells (sex, education, student, age) after a year of leaving education.

    In expectation: each student's weight is split into those who study on and those who leave
    (no longer students), the leavers over the levels they may obtain - the rise of the path of
    attainment at their age over the students who could obtain it (what the yearly steps bring
    the cohorts to, :func:`_level_odds`). A new graduate, often not yet at work, joins the
    non-students of the level obtained.
    """
    sex, age = base.female.view(np.int8), base.age
    student, edu = base.in_education, base.education
    leave = np.where(student, rates["leave_education"][sex, age], 0.0)
    lam = rates["leave_education"]
    with np.errstate(divide="ignore", invalid="ignore"):
        rise = np.maximum(rates["path_high"][:, nxt] - rates["path_high"], 0.0)
        fall = np.maximum(rates["path_low"] - rates["path_low"][:, nxt], 0.0)
        to_high = _clean(rise / (lam * prof.share_by_sex(student & (edu == 1))), 1.0)
        to_medium = _clean(fall / (lam * prof.share_by_sex(student & (edu == 0))), 1.0)
    up_high = np.where(edu == 1, to_high[sex, age], 0.0)
    up_medium = np.where(edu == 0, to_medium[sex, age], 0.0)
    w, n = base.weight, base.n
    no = np.zeros(n, dtype=bool)
    return _Profile(
        np.tile(base.female, 4),
        np.concatenate([edu, edu, np.full(n, 2, np.int8), np.full(n, 1, np.int8)]),
        np.concatenate([student, no, no, no]),
        np.tile(age, 4),
        np.concatenate(
            [
                w * (1.0 - leave),
                w * leave * (1.0 - up_high - up_medium),
                w * leave * up_high,
                w * leave * up_medium,
            ]
        ),
        prof.ages,
        prof.prior,
        tile=4,
    )


def _level_odds(
    persons: Persons,
    stay: np.ndarray,
    leave: np.ndarray,
    start_age: np.ndarray,
    rates: dict[str, np.ndarray],
) -> dict[str, np.ndarray]:
    """What brings each cohort (sex, age at the start of the year) to its path next year.

    ``finish_secondary``: the chance that a low-educated student who stays in education
    obtains upper secondary (and studies on); ``bachelor``: that a student with upper secondary
    who stays obtains a first tertiary degree (and studies on, for a master); ``to_high``: that
    a leaver with upper secondary obtains tertiary; ``to_medium``: that a low-educated leaver
    obtains upper secondary (the others are early school leavers). All 0 after
    ``LAST_SCHOOLING_AGE``.
    """
    n_ages = rates["path_high"].shape[1]
    w = persons.weight
    # Only the cohorts whose level may still change are counted.
    young = np.flatnonzero(start_age <= LAST_SCHOOLING_AGE)
    key = np.zeros(persons.n, dtype=np.int64)
    key[young] = persons.female[young].astype(np.int64) * n_ages + start_age[young]

    def total(mask=None, rows=None) -> np.ndarray:
        k, v = key[rows], w[rows]
        v = v if mask is None else v * mask
        return np.bincount(k, weights=v, minlength=2 * n_ages).reshape(2, n_ages)

    # The cohort by level, in one pass.
    levels = np.bincount(
        key[young] * 3 + persons.education[young], weights=w[young], minlength=6 * n_ages
    ).reshape(2, n_ages, 3)
    cohort = levels.sum(axis=2)
    edu_l = persons.education[leave]
    edu_s = persons.education[stay]
    low_staying, medium_staying = total(edu_s == 0, stay), total(edu_s == 1, stay)
    staying, high_staying = total(None, stay), total(edu_s == 2, stay)
    high_now, low_now = levels[..., 2], levels[..., 0]
    could = total(edu_l == 1, leave)
    could_low = total(edu_l == 0, leave)
    nxt = np.minimum(np.arange(n_ages) + 1, n_ages - 1)
    with np.errstate(divide="ignore", invalid="ignore"):
        finish = _clean(1.0 - rates["path_low_student"][:, nxt] * cohort / low_staying, 1.0)
        wanted = rates["path_student_high"][:, nxt] * staying - high_staying
        bachelor = _clean(wanted / medium_staying, 1.0)
        gained = high_now + bachelor * medium_staying
        to_high = _clean((rates["path_high"][:, nxt] * cohort - gained) / could, 1.0)
        rest = low_now - rates["path_low"][:, nxt] * cohort - low_staying * finish
        to_medium = _clean(rest / could_low, 1.0)
    out = {
        "finish_secondary": finish,
        "bachelor": bachelor,
        "to_high": to_high,
        "to_medium": to_medium,
    }
    # A cell of few rows (a small scale) is not steered by its own noise, which attainment that
    # never falls would turn into a drift: it takes the chances of the cohort in expectation.
    rows = np.bincount(key[young], minlength=2 * n_ages).reshape(2, n_ages)
    few = rows < MIN_STEERED_ROWS
    for name, values in out.items():
        values[few] = rates[f"expected_{name}"][few]
    late = np.arange(n_ages) > LAST_SCHOOLING_AGE
    for v in out.values():
        v[:, late] = 0.0
    return out


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
    female_share: float | None = None,
) -> YearMoves:
    """Advance the persons by one year, in place: ageing, exits and entries, status moves.

    The order: everyone ages a year; persons past the maximum age leave and their row is taken
    by an 18-year-old entrant copied from a base-year 18-year-old (the weights of the year -
    entrants, deaths, migration, alignment - follow in ``llr_sim.model.demography``);
    students may leave education and obtain a level; then the employed, unemployed and inactive
    move between statuses (``labour.*`` and :func:`inflow_rates`); employees change employer
    with the age-specific ``labour.employer_change``, and some move between employee and
    self-employed (:func:`_self_employment`). A person who enters a job or moves takes the job
    of a random worker with the same education (employer, sector, firm size, status; on entry
    also working time and wage), so employers keep a realistic size and sector mix.

    Args:
        persons: The persons, moved in place.
        base: The persons of the base year (the entrants are copied from its 18-year-olds).
        uniforms: One uniform per person for each of ``LABOUR_DRAWS``; they come from the
            common random streams of the year and do not depend on the scenario.
        behaviour: The behavioural values of the year.
        rates: The inflow rates (:func:`inflow_rates`), computed from ``base`` if None.
        female_share: The share of women among the year's entrants (None: as the base year's
            18-year-olds).
    """
    rates = rates if rates is not None else inflow_rates(base, behaviour)
    old_status = persons.status.copy()
    old_employer = persons.employer.copy()
    entered = _age_and_enter(persons, base, uniforms["entry"], female_share)
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


def _age_and_enter(
    persons: Persons, base: Persons, u_entry: np.ndarray, female_share: float | None
) -> np.ndarray:
    """Everyone ages a year; a row past the maximum age is taken by an 18-year-old entrant.

    The entrant is a copy of a base-year 18-year-old drawn in proportion to the base weights.
    With ``female_share``, the row's
    uniform ``u`` first decides the sex (a woman below the share) and then, rescaled to a
    uniform again, the donor among the base year's 18-year-olds of that sex; the weights of the
    entrants are set afterwards (``llr_sim.model.demography``).

    Returns:
        The rows taken by an entrant.
    """
    persons.age += 1
    exits = np.flatnonzero(persons.age > schema.MAX_AGE)
    entered = np.zeros(persons.n, dtype=bool)
    if not len(exits):
        return entered
    young = base.age == schema.MIN_AGE
    u = u_entry[exits]
    pick = np.full(len(exits), -1, dtype=np.int64)
    if female_share is None:
        groups = [(np.ones(len(exits), dtype=bool), u, young)]
    else:
        woman = u < female_share
        scaled = np.where(woman, u / female_share, (u - female_share) / (1.0 - female_share))
        groups = [(woman, scaled, young & base.female), (~woman, scaled, young & ~base.female)]
    for mine, v, pool_mask in groups:
        pool = np.flatnonzero(pool_mask)
        if not len(pool):
            pool = np.flatnonzero(young)
        # In proportion to the base weights: an entrant's row then weighs as much as any other
        # of its cohort, and the cohort has the weighted mix of the base year's 18-year-olds.
        cum = np.cumsum(base.weight[pool])
        at = np.searchsorted(cum, v[mine] * cum[-1], side="right")
        pick[mine] = pool[np.minimum(at, len(pool) - 1)]
    taken = pick >= 0
    exits, pick = exits[taken], pick[taken]
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
    """Students leave education at the rate of their age and sex and obtain a level.

    One uniform decides both: below the leaving rate ``r`` the student leaves, and ``u / r``
    (uniform again) decides the level obtained (:func:`_level_odds`): tertiary below
    ``to_high`` for one with upper secondary, upper secondary below ``to_medium`` for one
    without. A low-educated student who studies on may finish secondary school (and may obtain
    tertiary later). Attainment never falls.
    """
    students = np.flatnonzero(persons.in_education & ~entered)
    sex, age = persons.female[students].view(np.int8), start_age[students]
    r = rates["leave_education"][sex, age]
    u = u_edu[students]
    go = u < r
    odds = _level_odds(persons, students[~go], students[go], start_age, rates)
    # Those who study on: a low-educated student may finish secondary school ((u - r) / (1 - r)
    # is a uniform again).
    stay, s_sex, s_age = students[~go], sex[~go], age[~go]
    v = (u[~go] - r[~go]) / np.maximum(1.0 - r[~go], 1e-12)
    s_edu = persons.education[stay]
    finish = (s_edu == 0) & (v < odds["finish_secondary"][s_sex, s_age])
    bachelor = (s_edu == 1) & (v < odds["bachelor"][s_sex, s_age])
    # Those who leave.
    leave, sex, age = students[go], sex[go], age[go]
    persons.in_education[leave] = False
    v = u[go] / r[go]
    edu = persons.education[leave]
    new = np.where(
        edu == 1,
        np.where(v < odds["to_high"][sex, age], 2, 1),
        np.where((edu == 0) & (v < odds["to_medium"][sex, age]), 1, edu),
    ).astype(np.int8)
    persons.education[leave] = np.maximum(edu, new)
    persons.education[stay[finish]] = 1
    persons.education[stay[bachelor]] = 2


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

    # Each person's (sex, education, student, age) cell of the rates, made once (a flat index).
    n_ages = rates["inactive_to_employed"].shape[-1]
    group = (persons.female.view(np.int8) * 3 + persons.education).astype(np.int32) * 2
    cell = (group + persons.in_education) * n_ages + np.minimum(start_age, n_ages - 1)

    def rate(name: str, rows: np.ndarray) -> np.ndarray:
        return rates[name].ravel()[cell[rows]]

    u = u_status[working]
    to_u = u < e_u
    e_i = _employed_to_inactive(ages, b)[start_age[working]]
    to_i = ~to_u & (u < e_u + e_i + rate("extra_employed_to_inactive", working))
    u = u_status[jobless]
    u_to_e = u < u_e
    u_to_i = ~u_to_e & (u < u_e + u_i + rate("extra_unemployed_to_inactive", jobless))
    u = u_status[inactive]
    i_e = rate("inactive_to_employed", inactive)
    i_to_e = u < i_e
    i_to_u = ~i_to_e & (u < i_e + rate("inactive_to_unemployed", inactive))
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
    switched = _self_employment(persons, entered, start_age, uniforms, rates)
    return stay, np.concatenate([movers, switched])  # a set of rows: the order is not read


def _self_employment(
    persons: Persons,
    entered: np.ndarray,
    start_age: np.ndarray,
    uniforms: dict[str, np.ndarray],
    rates: dict[str, np.ndarray],
) -> np.ndarray:
    """Moves between employee and self-employed that keep each cohort on its path.

    The self-employed are a growing share of the workers of a cohort as it ages (a few per cent
    of the young at work, about 19% of the men at work at 58 in the base year, WF 2.3); without
    moves into self-employment a cohort would keep the share it had on entering work, and the
    number of self-employed would fall as the older ones retire. Per sex and age, the workers who
    are employees become self-employed (a deficit) or the self-employed employees (a surplus) with
    the chance that brings the cohort's share to the base year's share at its next age; the
    mobility uniform from the top decides who (so the movers between employers, at the bottom,
    are others). One who moves takes the job of a random worker of the other kind with the same
    education (sector, firm size, employer).

    Returns:
        The rows that moved.
    """
    n_ages = rates["path_self"].shape[1]
    status = persons.status
    working = persons.employed & ~entered
    employee = working & (status <= PUBLIC)
    selfemp = working & (status == SELF)
    # Over the workers only: their (sex, age) cell and kind (0 employee, 1 self-employed).
    work = np.flatnonzero(working)
    cell = persons.female[work].astype(np.int64) * n_ages + np.minimum(start_age[work], n_ages - 1)
    kind = selfemp[work]
    counts = np.bincount(cell * 2 + kind, weights=persons.weight[work], minlength=4 * n_ages)
    n_employee, n_self = counts[0::2], counts[1::2]
    nxt = np.minimum(np.arange(n_ages) + 1, n_ages - 1)
    target = rates["path_self"][:, nxt].ravel()
    gap = target * (n_employee + n_self) - n_self
    with np.errstate(divide="ignore", invalid="ignore"):
        chance = np.stack([_clean(gap / n_employee, 1.0), _clean(-gap / n_self, 1.0)], axis=1)
    moves = (1.0 - uniforms["mobility"][work]) < chance[cell, kind.view(np.int8)]
    go_self = work[moves & ~kind]
    go_employee = work[moves & kind]
    by_level = [persons.education == level for level in range(3)]
    u = uniforms["donor"]
    jobs = {}
    for who, pool in ((go_self, selfemp), (go_employee, employee)):
        donor = _donors(pool, by_level, who, u)
        ok = donor >= 0
        jobs[len(jobs)] = (who[ok], {c: getattr(persons, c)[donor[ok]] for c in _JOB})
    for who, job in jobs.values():
        _take_jobs(persons, who, job)
    return np.sort(np.concatenate([jobs[0][0], jobs[1][0]]))


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
