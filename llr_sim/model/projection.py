"""The demography of the Flemish Region, 2021-2035: its data, and the projection the model follows.

A cohort-component projection by sex and single year of age, from the population of 1 January
2021 (Statbel), as the demographic models of Statistiek Vlaanderen and the Federal Planning Bureau
work. Each year ``Y -> Y+1``:

- a person aged ``a`` (18 to 65) survives with probability ``1 - k_s q_s(a)``, with ``q`` the
  Belgian probabilities of dying of 2016-18 and ``k_s`` the Flemish level relative to Belgium
  (``demography.mortality_factor.*``, from the gap in life expectancy);
- net migration (international and between the regions) adds ``L_Y m_s(a)`` per person, where
  ``m_s(a)`` is the age and sex profile of the net migration of 2016-21 (the cohort-change ratios
  minus survival) and ``L_Y`` the level of the year relative to 2016-21;
- children (0-17) move with the cohort-change ratios, their migration at the same level; the
  18-year-olds of ``Y`` are the entrants, those who reach 67 leave.

The levels: for the flows of 2021-2024, the observed yearly balances (``net_migration.csv``)
relative to those of 2018-19, times one factor per sex solved so that the 18-64 population of
1 January 2025 is the published one (Statbel: 4,057,347); from 2025 on, one level for the flows
into ages up to 39 and one from 40, solved so that 18-39 and 40-66 reach the levels of 1 January
2033 in the projection of Statistiek Vlaanderen (2024 edition: 1.88 M and almost 2.38 M; its
migration assumptions by age are not published). The projection's rounded growth rates (+6%,
-2% from 2023) are then met within a point (they rest on its own 2023 base); 2034-2035 continue
with those levels (the cohort method).

The model's persons are aligned to this projection each year by sex and five-year age band
(``llr_sim.model.demography``). Files: ``data/demography/`` (see its README for the sources).
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from llr_sim.errors import InputError

SEXES = ("M", "F")
FIRST_YEAR, LAST_YEAR = 2021, 2035
MIN_AGE, MAX_AGE = 18, 66
#: The five-year bands of the alignment (inclusive); 18-39, 40-66 and 18-64 are unions of them.
ALIGN_BANDS = (
    (18, 24),
    (25, 29),
    (30, 34),
    (35, 39),
    (40, 44),
    (45, 49),
    (50, 54),
    (55, 59),
    (60, 64),
    (65, 66),
)
#: The flows of these years are the base of the migration levels (the profile is of 2016-21).
BASE_FLOW_YEARS = (2018, 2019)
_AGES = MAX_AGE + 1  # ages 0..66 in the arrays


def default_dir() -> Path:
    """The project's ``data/demography`` folder."""
    return Path(__file__).resolve().parents[2] / "data" / "demography"


def _read(folder: Path, name: str, columns: tuple[str, ...]) -> pd.DataFrame:
    path = folder / name
    try:
        frame = pd.read_csv(path, encoding="utf-8")
    except FileNotFoundError:
        raise InputError(str(path), "demography data file not found") from None
    except (OSError, UnicodeDecodeError, pd.errors.ParserError, ValueError) as err:
        first = str(err).strip().splitlines()[0] if str(err).strip() else type(err).__name__
        raise InputError(str(path), f"cannot read the demography file ({first})") from None
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise InputError(str(path), f"missing column(s) {', '.join(missing)}")
    for c in columns:
        if c in ("sex", "status", "source", "note", "anchor_id", "unit"):
            continue
        values = pd.to_numeric(frame[c], errors="coerce")
        if values.isna().any() or not np.isfinite(values).all():
            line = int(np.flatnonzero(values.isna() | ~np.isfinite(values.fillna(0)))[0]) + 2
            raise InputError(f"{path}: line {line}, {c}", "expected a number")
        frame[c] = values
    return frame


def _by_sex_age(frame: pd.DataFrame, path: Path, value: str, ages: range, age_col: str = "age"):
    out = np.full((2, len(ages)), np.nan)
    sex = frame["sex"].map({"Men": 0, "M": 0, "Women": 1, "F": 1})
    if sex.isna().any():
        line = int(np.flatnonzero(sex.isna())[0]) + 2
        raise InputError(f"{path}: line {line}, sex", "expected Men/Women or M/F")
    for s, a, v in zip(sex.astype(int), frame[age_col].astype(int), frame[value], strict=True):
        if a in ages:
            out[s, a - ages.start] = v
    if np.isnan(out).any():
        s, i = np.argwhere(np.isnan(out))[0]
        raise InputError(f"{path}: {value}", f"no value for {SEXES[s]} aged {ages.start + i}")
    return out


@dataclass(frozen=True)
class DemographyData:
    """The demographic inputs (arrays by sex: 0 men, 1 women).

    Attributes:
        stock: Population on 1 January 2021 by single age 0..66 (Statbel).
        q: Belgian probability of dying within a year, 2016-18 pooled, ages 0..66 (0 below 15:
            children move with the cohort-change ratios).
        ccr: Cohort-change ratio a -> a+1, mean of 2016-17 ... 2020-21, ages 0..66.
        flows: Net migration (international plus internal) by calendar year.
        anchors: (anchor_id, sex) -> value (the published levels and growth rates).
    """

    stock: np.ndarray
    q: np.ndarray
    ccr: np.ndarray
    flows: dict[int, float]
    anchors: dict[tuple[str, str], float]


@functools.lru_cache(maxsize=4)
def load_data(folder: str | None = None) -> DemographyData:
    """Read and check the files of ``data/demography`` (one clear line if one is wrong)."""
    root = Path(folder) if folder is not None else default_dir()
    ages = range(0, _AGES)
    pop_file = "flemish_region_pop_single_age_2006_2021.csv"
    pop = _read(root, pop_file, ("year", "sex", "age", "population"))
    stock = _by_sex_age(pop[pop["year"] == FIRST_YEAR], root / pop_file, "population", ages)
    q_file = "belgium_mortality_2016_2018_ages15_67.csv"
    mort = _read(root, q_file, ("sex", "age", "qx_2016_2018_pooled"))
    q = np.zeros((2, _AGES))
    q[:, 15:] = _by_sex_age(mort, root / q_file, "qx_2016_2018_pooled", range(15, _AGES))
    ccr_file = "flemish_region_cohort_change_ratios_2016_2021.csv"
    ratios = _read(root, ccr_file, ("sex", "age_from", "ccr_mean_2016_2021"))
    ccr = _by_sex_age(ratios, root / ccr_file, "ccr_mean_2016_2021", ages, "age_from")
    flow_file = "net_migration.csv"
    mig = _read(root, flow_file, ("year", "international_balance", "internal_balance"))
    flows = {
        int(y): float(i + n)
        for y, i, n in zip(
            mig["year"], mig["international_balance"], mig["internal_balance"], strict=True
        )
    }
    need = (*BASE_FLOW_YEARS, 2021, 2022, 2023, 2024)
    if missing := [y for y in need if y not in flows]:
        raise InputError(f"{root / flow_file}: year", f"no row for {missing[0]}")
    anchor_file = "anchors.csv"
    anc = _read(root, anchor_file, ("anchor_id", "sex", "value"))
    keys = zip(anc["anchor_id"], anc["sex"], anc["value"], strict=True)
    anchors = {(a, s): float(v) for a, s, v in keys}
    for key in (("pop_18_64", "M"), ("pop_18_64", "F"), ("growth_18_39", "all")):
        if key not in anchors:
            raise InputError(f"{root / anchor_file}: anchor_id", f"no row for {key[0]} {key[1]}")
    if ("growth_40_66", "all") not in anchors:
        raise InputError(f"{root / anchor_file}: anchor_id", "no row for growth_40_66 all")
    if (stock <= 0).any() or (q < 0).any() or (q >= 1).any() or (ccr <= 0).any():
        raise InputError(str(root), "a population, probability or ratio out of range")
    return DemographyData(stock, q, ccr, flows, anchors)


@dataclass(frozen=True)
class Projection:
    """The projected population by sex and single age, 1 January of each year.

    Attributes:
        years: FIRST_YEAR .. LAST_YEAR.
        stock: (years, 2, 67) persons by sex and age 0..66 on 1 January.
        survival: (2, 67) probability of surviving a year at each age (``1 - k q``).
        migration_rate: (years, 2, 67) net migrants per person of age ``a`` on 1 January of the
            year, arriving by the next 1 January at ``a + 1`` (the flows of the calendar year).
        levels: The migration level of each year's flows by sex and age group (up to 39, from 40;
            1 = 2016-21).
        fit: What the levels were fitted to and what the projection reaches.
    """

    years: tuple[int, ...]
    stock: np.ndarray
    survival: np.ndarray
    migration_rate: np.ndarray
    levels: dict[int, list[float]]
    fit: dict

    def at(self, year: int) -> np.ndarray:
        """(2, 67) the stock by sex and age on 1 January of ``year``."""
        if not self.years[0] <= year <= self.years[-1]:
            raise ValueError(f"the projection covers {self.years[0]}-{self.years[-1]}, not {year}")
        return self.stock[year - self.years[0]]

    def band_total(self, year: int, low: int, high: int, sex: int | None = None) -> float:
        """Persons aged ``low``-``high`` (inclusive) on 1 January of ``year``."""
        s = self.at(year)[:, low : high + 1]
        return float(s.sum() if sex is None else s[sex].sum())

    def entrants_table(self, year: int) -> np.ndarray:
        """(2,) the 18-year-olds of 1 January ``year`` as counted on 1 January 2021.

        Those aged ``18 - (year - 2021)`` then; they turn 18 during ``year - 1``.
        """
        if not self.years[0] < year <= self.years[0] + MIN_AGE:
            raise ValueError(f"no cohort of the base year turns 18 by 1 January {year}")
        return self.stock[0][:, MIN_AGE - (year - self.years[0])]

    def frame(self) -> pd.DataFrame:
        """The projection by year, sex and age band (18-66), for reports."""
        rows = []
        for y in self.years:
            for s, sex in enumerate(SEXES):
                for low, high in ALIGN_BANDS:
                    rows.append((y, sex, f"{low}-{high}", self.band_total(y, low, high, s)))
        return pd.DataFrame(rows, columns=["year", "sex", "age_band", "persons"])


#: Migration levels are set separately for the flows into ages up to 39 and from 40 on.
SPLIT_AGE = 40


def _expand(levels: np.ndarray) -> np.ndarray:
    """(years-1, 2 sexes, 2 age groups) levels -> (years-1, 2, 67) by the age reached."""
    reached = np.arange(_AGES) + 1
    return np.where(reached < SPLIT_AGE, levels[:, :, :1], levels[:, :, 1:])


def _run(data: DemographyData, survival: np.ndarray, levels: np.ndarray) -> np.ndarray:
    """The stock (years, 2, 67) for the migration levels of each year's flows."""
    n_years = LAST_YEAR - FIRST_YEAR + 1
    out = np.empty((n_years, 2, _AGES))
    out[0] = data.stock
    # Net migration per person, 2016-21: the cohort-change ratio less survival (children: less 1).
    m = data.ccr - survival
    by_age = _expand(levels)
    for t in range(1, n_years):
        prev, nxt = out[t - 1], out[t]
        nxt[:, 1:] = prev[:, :-1] * (survival[:, :-1] + by_age[t - 1][:, :-1] * m[:, :-1])
        # Age 0 is never read for 18-66 within the horizon (it reaches 18 after 2035).
        nxt[:, 0] = prev[:, 0]
    return out


def _newton(f, x0: np.ndarray, target: np.ndarray) -> np.ndarray:
    """Solve ``f(x) = target`` for a nearly linear ``f`` of a few parameters."""
    x = np.array(x0, dtype=float)
    for _ in range(20):
        have = f(x)
        jac = np.empty((len(target), len(x)))
        for j in range(len(x)):
            dx = np.zeros(len(x))
            dx[j] = 0.01
            jac[:, j] = (f(x + dx) - have) / 0.01
        step = np.linalg.solve(jac, target - have)
        x = x + step
        if np.abs(step).max() < 1e-10:
            break
    return x


def _growth(stock: np.ndarray, low: int, high: int) -> float:
    t23, t33 = 2023 - FIRST_YEAR, 2033 - FIRST_YEAR
    a = stock[t23][:, low : high + 1].sum()
    return 100.0 * (stock[t33][:, low : high + 1].sum() / a - 1.0)


@functools.lru_cache(maxsize=8)
def projection(mortality_men: float, mortality_women: float, folder: str | None = None):
    """The projection 2021-2035 for the Flemish mortality factors given (see the module)."""
    data = load_data(folder)
    k = np.array([mortality_men, mortality_women])
    survival = 1.0 - k[:, None] * data.q
    base = np.mean([data.flows[y] for y in BASE_FLOW_YEARS])
    n, past_n = LAST_YEAR - FIRST_YEAR, 2025 - FIRST_YEAR
    shape = np.array([data.flows[y] / base for y in range(FIRST_YEAR, 2025)])
    levels = np.ones((n, 2, 2))

    def pop_2025(factor: np.ndarray) -> np.ndarray:
        levels[:past_n] = shape[:, None, None] * factor[None, :, None]
        return _run(data, survival, levels)[past_n][:, MIN_AGE:65].sum(axis=1)

    target_2025 = np.array([data.anchors[("pop_18_64", s)] for s in SEXES])
    past = _newton(pop_2025, np.ones(2), target_2025)
    pop_2025(past)
    g_young, g_old = data.anchors[("growth_18_39", "all")], data.anchors[("growth_40_66", "all")]
    t2033 = 2033 - FIRST_YEAR
    level_2033 = np.array([data.anchors[("pop_18_39", "all")], data.anchors[("pop_40_66", "all")]])

    def in_2033(level: np.ndarray) -> np.ndarray:
        levels[past_n:] = level[None, None, :]
        stock = _run(data, survival, levels)[t2033]
        return np.array([stock[:, 18:40].sum(), stock[:, 40:67].sum()])

    future = _newton(in_2033, np.ones(2), level_2033)
    in_2033(future)
    stock = _run(data, survival, levels)
    rate = np.zeros((n + 1, 2, _AGES))
    rate[:-1] = _expand(levels) * (data.ccr - survival)[None]
    fit = {
        "method": "cohort-component, single ages by sex; net migration = age-sex profile of the "
        "2016-21 cohort-change ratios x a yearly level",
        "mortality_factor": {"M": float(k[0]), "F": float(k[1])},
        "base_flow_years": list(BASE_FLOW_YEARS),
        "flows_2021_2024_factor": {"M": float(past[0]), "F": float(past[1])},
        "levels_from_2025": {"to_ages_18_39": float(future[0]), "to_ages_40_66": float(future[1])},
        "pop_18_64_2025": {
            "target": float(sum(data.anchors[("pop_18_64", s)] for s in SEXES)),
            "projected": float(stock[2025 - FIRST_YEAR][:, MIN_AGE:65].sum()),
        },
        "pop_2033": {
            "18-39": {
                "target": float(level_2033[0]),
                "projected": float(stock[t2033][:, 18:40].sum()),
            },
            "40-66": {
                "target": float(level_2033[1]),
                "projected": float(stock[t2033][:, 40:67].sum()),
            },
        },
        "growth_2023_2033_pct": {
            "18-39": {"published": g_young, "projected": round(_growth(stock, 18, 39), 3)},
            "40-66": {"published": g_old, "projected": round(_growth(stock, 40, 66), 3)},
        },
    }
    years = tuple(range(FIRST_YEAR, LAST_YEAR + 1))
    level_rows = {y: levels[y - FIRST_YEAR].round(6).tolist() for y in years[:-1]}  # [sex][group]
    return Projection(years, stock, survival, rate, level_rows, fit)
