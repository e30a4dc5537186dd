"""The persons' weights from year to year: entrants, leavers, deaths, migration and alignment.

Persons are rows whose weights change; no row is added or removed, so every policy layer's state
stays row-aligned with the world (a budget, a last use of loopbaancheques). Each year, after
everyone has aged (``persons.transition``):

- **leavers**: a row that reaches 67 leaves; its row is taken by an 18-year-old **entrant**
  copied from a base-year 18-year-old of the same sex. The entrants of a sex together weigh the
  real cohort (the 1 January 2021 population aged ``18 - (year - 2021)``, Statbel), and their
  rows have the cohort's sex ratio (the split is drawn with the entry uniform);
- **deaths**: every other row's weight falls by its probability of dying over the year
  (Belgian q by age and sex at the Flemish level, ``llr_sim.model.projection``): the
  expected deaths, without noise;
- **net migration**: each (sex, age) cell gains (or loses) the projection's net migrants per
  person. Arrivals are spread over the cell's rows in proportion to weight times the migrants'
  odds (``demography.migrants.*``: migrants are as residents of the same age and sex, except
  that fewer work on arrival and their education may differ; assumptions with a range); a net
  departure takes the same share from every row. The net migrants into age 18 are the cohort's
  migration between 2021 and its 18th birthday (children arrive with their parents; as members
  of their cohort, in proportion, and recorded apart: ``arrived_as_children``);
- **alignment**: the weights of each sex and five-year band are scaled to the projection's
  total (as LIAM2 and the Belgian dynamic models align); the factors are recorded. From the
  base population (raked to the Statbel stock by single age and sex) the components already
  give the projection, so the factors stay within 0.01%: the alignment corrects only what
  another population file, or a change to a component, would make drift.

Known limits of weights as persons: a net migrant is a share of a resident's row, so it takes
the row's history too (tenure, years worked, employer, a learning account's balance, the last
loopbaancheques). Young-adult net migration is about 1% of a cohort a year, so after ten years a
few per cent of the weight of a budget's holders carry a balance they did not accrue; the
personal balances (``unused_balance_eur``) are overstated by about that much.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from llr_sim.behaviour.parameters import Behaviour
from llr_sim.model import projection as demo
from llr_sim.model.persons import Persons
from llr_sim.model.projection import ALIGN_BANDS, SEXES, Projection

_AGES = demo.MAX_AGE + 1
_BAND_OF_AGE = np.full(_AGES + 1, -1, dtype=np.int64)
for _i, (_lo, _hi) in enumerate(ALIGN_BANDS):
    _BAND_OF_AGE[_lo : _hi + 1] = _i
BAND_LABELS = tuple(f"{lo}-{hi}" for lo, hi in ALIGN_BANDS)


def projection_for(b: Behaviour) -> Projection:
    """The projection under the behaviour's Flemish mortality factors."""
    return demo.projection(
        float(b["demography.mortality_factor.men"]), float(b["demography.mortality_factor.women"])
    )


@dataclass
class Components:
    """One year's demographic accounts by sex and age reached (2, 68: ages 0..67), in persons.

    ``stock`` is last year's stock aged on (age ``a`` holds last year's ``a - 1``; 67 those who
    leave); then ``stock - leavers + entrants - deaths + migration + alignment`` is the new
    stock (``new_stock``), cell by cell.
    """

    stock: np.ndarray
    leavers: np.ndarray
    entrants: np.ndarray
    deaths: np.ndarray
    migration: np.ndarray
    alignment: np.ndarray
    new_stock: np.ndarray


#: Columns of the accounts: the age reached this year, 0..67 (67: those who leave).
_COLS = _AGES + 1


def _cells(p: Persons) -> np.ndarray:
    return p.female.astype(np.int64) * _COLS + np.minimum(p.age, _AGES)


def _sum(cell: np.ndarray, values: np.ndarray) -> np.ndarray:
    return np.bincount(cell, weights=values, minlength=2 * _COLS).reshape(2, _COLS)


class Demography:
    """The projection the world follows and the yearly weights it gives the persons.

    Args:
        behaviour: The behaviour of the base year (mortality factors, the migrants' odds).
        first_year: The world's first year: the base population's (1 January 2021).
    """

    def __init__(self, behaviour: Behaviour, first_year: int = demo.FIRST_YEAR):
        if first_year != demo.FIRST_YEAR:
            raise ValueError(
                f"the population is of 1 January {demo.FIRST_YEAR}: a world starts there, "
                f"not in {first_year}"
            )
        self.projection = projection_for(behaviour)
        education_odds = [float(behaviour["demography.migrants.low_educated_odds"]), 1.0, 1.0]
        employed_odds = float(behaviour["demography.migrants.employed_odds"])
        #: The migrants' odds by (education, employed): education * 2 + employed.
        self._odds = np.array([e * o for e in education_odds for o in (1.0, employed_odds)])
        #: Each year's record (provenance) and the last year's accounts (for checks).
        self.log: list[dict] = []
        self.last: Components | None = None
        self._leaving = np.zeros(2)

    def entrant_female_share(self, year: int) -> float:
        """The share of women in the cohort that turns 18 in ``year``."""
        table = self.projection.entrants_table(year)
        return float(table[1] / table.sum())

    def before_ageing(self, p: Persons) -> None:
        """Note who will leave this year (their rows are taken by entrants): weight by sex."""
        going = p.age >= demo.MAX_AGE
        self._leaving = np.bincount(
            p.female[going].view(np.int8), weights=p.weight[going], minlength=2
        )

    def apply(self, p: Persons, entered: np.ndarray, year: int) -> None:
        """This year's weights: leavers, entrants, deaths, migration, alignment (see module).

        Call :meth:`before_ageing` before the persons age. Every step is a factor per cell (sex,
        age reached), so the cells' totals are known without summing the persons again; each
        person's new weight is one product: ``w (P + odds Q)`` of its cell.
        """
        proj, t = self.projection, year - 1 - demo.FIRST_YEAR
        cell, sex = _cells(p), p.female.view(np.int8)
        stayers = np.where(entered, 0.0, p.weight)
        stock = _sum(cell, stayers)
        stock[:, _AGES] = self._leaving
        leavers = np.zeros_like(stock)
        leavers[:, _AGES] = self._leaving
        # Age reached a (1..66) holds those aged a - 1 at the start of the year.
        survival = np.zeros_like(stock)
        survival[:, 1:_AGES] = proj.survival[:, : _AGES - 1]
        rate = np.zeros_like(stock)
        rate[:, 1:_AGES] = proj.migration_rate[t][:, : _AGES - 1]
        deaths = (stock - leavers) * (1.0 - survival)
        table = proj.entrants_table(year)
        rows = np.bincount(sex[entered], minlength=2)
        table = np.where(rows > 0, table, 0.0)
        per_row = np.divide(table, rows, out=np.zeros(2), where=rows > 0)
        entrants = np.zeros_like(stock)
        entrants[:, demo.MIN_AGE] = table
        weight = np.where(entered, per_row[sex], stayers * survival.ravel()[cell])
        settled = stock - leavers - deaths + entrants
        # Net migrants per cell: the rate times the cell at the start of the year; into age 18,
        # the cohort's migration between 2021 and its 18th birthday.
        mass = rate * (stock - leavers)
        mass[:, demo.MIN_AGE] = np.where(rows > 0, proj.at(year)[:, demo.MIN_AGE] - table, 0.0)
        odds = self._odds[p.education.astype(np.int64) * 2 + p.employed]
        denom = _sum(cell, weight * odds)
        arrive = np.divide(mass, denom, out=np.zeros_like(mass), where=(mass > 0) & (denom > 0))
        depart = np.divide(mass, settled, out=np.zeros_like(mass), where=(mass < 0) & (settled > 0))
        depart = np.maximum(depart, -1.0)
        # The cohort's migrants as children arrive with it, as its members are: in proportion.
        young = demo.MIN_AGE
        arrive[:, young] = 0.0
        depart[:, young] = np.divide(
            mass[:, young], settled[:, young], out=np.zeros(2), where=settled[:, young] > 0
        )
        before = settled * (1.0 + depart) + arrive * denom
        factor, factors = self._align(before, year)
        keep, gain = ((1.0 + depart) * factor).ravel(), (arrive * factor).ravel()
        p.weight = weight * (keep[cell] + odds * gain[cell])  # a new array: outcomes keep theirs
        after = before * factor
        migration = before - settled
        self.last = Components(stock, leavers, entrants, deaths, migration, after - before, after)
        self.log.append(self._record(year, factors))

    def _align(self, totals: np.ndarray, year: int) -> tuple[np.ndarray, tuple]:
        """The factor per cell that brings each (sex, five-year band) to the projection."""
        k = len(ALIGN_BANDS)
        band = _BAND_OF_AGE[:_COLS]
        have = np.array([totals[s, band == b].sum() for s in range(2) for b in range(k)])
        target = np.array(
            [
                self.projection.band_total(year, lo, hi, s)
                for s in range(2)
                for lo, hi in ALIGN_BANDS
            ]
        )
        factor = np.divide(target, have, out=np.ones_like(target), where=have > 0)
        per_cell = np.ones_like(totals)
        for s in range(2):
            in_band = band >= 0
            per_cell[s, in_band] = factor[s * k + band[in_band]]
        return per_cell, (have, target, factor)

    def _record(self, year: int, factors) -> dict:
        c = self.last
        have, target, factor = factors

        def by_sex(x: np.ndarray) -> dict[str, float]:
            return {s: round(float(x[i].sum()), 1) for i, s in enumerate(SEXES)}

        k = len(ALIGN_BANDS)
        return {
            "year": year,
            "entrants": by_sex(c.entrants),
            "leavers": by_sex(c.leavers),
            "deaths": by_sex(c.deaths),
            "net_migration": by_sex(c.migration[:, demo.MIN_AGE + 1 :]),
            "arrived_as_children": by_sex(c.migration[:, demo.MIN_AGE : demo.MIN_AGE + 1]),
            "alignment": {
                s: {
                    BAND_LABELS[j]: {
                        "before": round(float(have[i * k + j]), 1),
                        "target": round(float(target[i * k + j]), 1),
                        "factor": round(float(factor[i * k + j]), 6),
                    }
                    for j in range(k)
                }
                for i, s in enumerate(SEXES)
            },
            "largest_adjustment_pct": round(float(np.abs(factor - 1).max() * 100), 3),
            "persons_18_66": round(float(c.new_stock.sum()), 1),
        }
