"""Results -> the tidy indicator table (DESIGN.md section 4), weighted by the person weights.

One row per (year, indicator, instrument, group_by, group). ``instrument`` is one of the five
instrument ids or ``all``; ``group_by`` is ``all`` (then ``group`` is ``all``) or one of
``education``, ``age_band``, ``sex``, ``status``, ``firm_size``, ``wage_quintile``; for
``population`` also the crosses ``age_band,education`` and ``age_band,sex`` (``group`` like
``25-34,high``). Shares are fractions 0-1.

Definitions (per year):

- ``population``: persons 18-66 (1 January of the year); ``population_25_64`` (by education,
  sex and both, ``group`` like ``high,F``): persons 25-64, the age range of the published
  attainment; ``participants``: persons who trained in the year (the LFS
  12-month concept: formal or non-formal training, students included); ``participation_rate``.
  ``participation_rate_25_64`` (totals only): the same among 25-64-year-olds, the age range of
  the LFS figure the model is calibrated to (22.4% in Flanders, 2022) - the figure to compare.
- ``eligible``: persons eligible for the instrument (for ``all``: for at least one); ``users``:
  persons who used it; ``take_up_rate`` = users / eligible.
- ``public_cost_eur``: what the Flemish government paid (cash basis: a personal budget costs
  when it is spent, not when it is credited).
- ``additional_participants``: users whose training (or career guidance, for loopbaancheques
  and a budget spent on guidance) did not happen in the counterfactual run - the same people on
  the same draws without any incentive. ``deadweight_share`` = 1 - additional / users;
  ``cost_per_additional_participant_eur`` = cost / additional.
- ``non_take_up_share``: of the eligible who trained (or had guidance, for loopbaancheques),
  the share who did not use the instrument.
- ``matthew_ratio``: participation (for an instrument: use) rate of the high over the low
  educated, ages 25-64, totals only.
- ``spending_share``: the group's share of the instrument's public cost.
- ``unused_balance_eur``: personal budget balances at year end; ``portability_events``:
  persons who carried a positive balance across a change of employer or status.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from llr_sim.model.law import LBC, OB
from llr_sim.model.outcome import YearOutcome
from llr_sim.model.persons import AGE_BANDS
from llr_sim.policy.parameters import INSTRUMENTS
from llr_sim.population import schema

COLUMNS = ["scenario", "year", "indicator", "instrument", "group_by", "group", "value"]
INDICATORS = (
    "population",
    "population_25_64",
    "participants",
    "participation_rate",
    "participation_rate_25_64",
    "eligible",
    "users",
    "take_up_rate",
    "public_cost_eur",
    "additional_participants",
    "deadweight_share",
    "cost_per_additional_participant_eur",
    "non_take_up_share",
    "matthew_ratio",
    "spending_share",
    "unused_balance_eur",
    "portability_events",
)
GROUP_BYS = ("all", "education", "age_band", "sex", "status", "firm_size", "wage_quintile")
#: Crossed groupings, for ``population`` only: ``group`` joins the two labels (``25-34,high``).
CROSSES = ("age_band,education", "age_band,sex")
#: The groupings of ``population_25_64`` (the age range of the published attainment).
ADULT_GROUPINGS = ("all", "education", "sex", "education,sex")
QUINTILES = ("q1", "q2", "q3", "q4", "q5", "no_wage")


def _stable_order(values: np.ndarray, rows: np.ndarray | None = None) -> np.ndarray:
    """``rows[np.argsort(values, kind="stable")]``, faster for positive float32 values.

    ``rows`` defaults to 0..n-1. Positive float32 numbers order as their bit patterns; with the
    row number in the low 32 bits every key is unique, so a plain sort of the keys gives the
    stable order, and the rows in it.
    """
    if rows is None:
        rows = np.arange(len(values))
    if values.dtype != np.float32 or rows.max(initial=0) >= 2**32 or not (values > 0).all():
        return rows[np.argsort(values, kind="stable")]
    keys = values.view(np.uint32).astype(np.uint64) << np.uint64(32)
    keys |= rows.astype(np.uint64)
    keys.sort()
    return (keys & np.uint64(0xFFFFFFFF)).astype(np.intp)


def wage_quintile(wage: np.ndarray, weight: np.ndarray) -> np.ndarray:
    """Weighted wage quintile (0-4) among persons with a wage; 5 for those without."""
    out = np.full(len(wage), 5, dtype=np.int8)
    paid = np.flatnonzero(wage > 0)
    if len(paid):
        idx = _stable_order(wage[paid], paid)  # the paid rows from the lowest wage up
        w = weight[idx]
        cum = np.cumsum(w)
        middle = (cum - w / 2) / cum[-1]  # a person's quintile is that of their weight's middle
        out[idx] = np.minimum((middle * 5).astype(np.int8), 4)
    return out


def _groupings(o: YearOutcome) -> dict[str, tuple[np.ndarray, tuple[str, ...]]]:
    return {
        "all": (np.zeros(len(o.weight), dtype=np.int8), ("all",)),
        "education": (o.education, schema.EDUCATION),
        "age_band": (o.age_band, AGE_BANDS),
        "sex": (o.female.astype(np.int8), schema.SEX),
        "status": (o.status, schema.STATUS),
        "firm_size": (o.firm_size, schema.FIRM_SIZE),
        "wage_quintile": (wage_quintile(o.wage, o.weight), QUINTILES),
    }


def _ratio(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(b > 0, a / np.where(b > 0, b, 1.0), np.nan)


def additional(s: YearOutcome, cf: YearOutcome) -> np.ndarray:
    """(6, n): per instrument (and ``all`` last), users whose activity is additional."""
    new_training = s.trained & ~cf.trained
    new_guidance = s.guided & ~cf.guided
    out = np.zeros((6, len(s.weight)), dtype=bool)
    for k in range(5):
        if k == LBC:
            out[k] = s.used[k] & new_guidance
        elif k == OB:
            out[k] = (s.ob_training & new_training) | (s.ob_guidance & new_guidance)
        else:
            out[k] = s.used[k] & new_training
    out[5] = out[:5].any(axis=0)
    return out


#: The groupings other than ``all``, in order: their codes make one cell per person.
_AXES = GROUP_BYS[1:]


class _Cells:
    """Weighted totals per cell (one cell per combination of the groupings' codes).

    Every measure is summed once into its cells (a bincount over the persons it concerns, most
    of them few: users, costs, additional participants); each grouping's totals are then sums
    of the cell table over the other groupings - a few thousand cells, not millions of persons.
    """

    def __init__(self, weight: np.ndarray, codes: dict[str, np.ndarray], sizes: dict[str, int]):
        self.weight = weight
        self.shape = tuple(sizes[a] for a in _AXES)
        cell = np.zeros(len(weight), dtype=np.int32)
        for axis in _AXES:
            cell = cell * sizes[axis] + codes[axis]
        self.cell = cell
        self.size = int(np.prod(self.shape))
        self._population: np.ndarray | None = None
        self.groupings: dict = {}
        #: Weighted totals of the 25-64-year-olds, and of the high and low educated among them,
        #: with their masks (the same for every layer of a world in a year).
        self.adults: dict[str, tuple[np.ndarray, np.ndarray]] = {}

    def table(self, values: np.ndarray | None = None, rows: np.ndarray | None = None) -> np.ndarray:
        """Weighted totals of ``values`` (bool or numbers; None: the weights) per cell.

        ``rows``, if known, holds (in increasing order) every row where ``values`` is not 0,
        perhaps with some where it is: a 0 adds nothing to a total, so the sums are the same.
        """
        if rows is not None:
            w = self.weight[rows]
            if values.dtype != bool:
                w = w * values[rows]
            totals = np.bincount(self.cell[rows], weights=w, minlength=self.size)
        elif values is None:
            if self._population is None:
                self._population = np.bincount(self.cell, weights=self.weight, minlength=self.size)
            totals = self._population.copy()
        elif not values.any():  # a closed instrument, nobody concerned: no pass over persons
            totals = np.zeros(self.size)
        else:
            idx = np.flatnonzero(values)
            w = self.weight[idx]
            if values.dtype != bool:
                w = w * values[idx]
            totals = np.bincount(self.cell[idx], weights=w, minlength=self.size)
        return totals.reshape(self.shape)

    def crossed(self, table: np.ndarray, first: str, second: str) -> np.ndarray:
        """Totals per (group of ``first``, group of ``second``)."""
        keep = (_AXES.index(first), _AXES.index(second))
        out = table.sum(axis=tuple(a for a in range(len(self.shape)) if a not in keep))
        return out if keep[0] < keep[1] else out.T

    def by(self, table: np.ndarray, group_by: str) -> np.ndarray:
        """Totals per group of ``group_by`` (one total for ``all``)."""
        if group_by == "all":
            return np.array([table.sum()])
        keep = _AXES.index(group_by)
        return table.sum(axis=tuple(a for a in range(len(self.shape)) if a != keep))


def cells_of(o: YearOutcome) -> _Cells:
    """The persons' cells of a year's outcome (the same for every layer on one world)."""
    groupings = _groupings(o)
    cells = _Cells(
        o.weight,
        {a: groupings[a][0] for a in _AXES},
        {a: len(groupings[a][1]) for a in _AXES},
    )
    cells.groupings = groupings
    w = o.weight
    adult = (o.age >= 25) & (o.age <= 64)
    for name, mask in (
        ("adult", adult),
        ("high", adult & (o.education == 2)),
        ("low", adult & (o.education == 0)),
    ):
        cells.adults[name] = (mask, np.array([w[mask].sum()]))
    return cells


def _adults(o: YearOutcome, cells: _Cells) -> list[tuple]:
    """``population_25_64`` by education and sex (one pass over the 25-64-year-olds)."""
    adult = cells.adults["adult"][0]
    code = o.education[adult].astype(np.int64) * 2 + o.female[adult]
    by = np.bincount(code, weights=o.weight[adult], minlength=6).reshape(3, 2)
    edu, sex = schema.EDUCATION, schema.SEX
    out = [("all", "all", "population_25_64", "all", by.sum())]
    out += [("education", e, "population_25_64", "all", by[i].sum()) for i, e in enumerate(edu)]
    out += [("sex", x, "population_25_64", "all", by[:, j].sum()) for j, x in enumerate(sex)]
    out += [
        ("education,sex", f"{e},{x}", "population_25_64", "all", by[i, j])
        for i, e in enumerate(edu)
        for j, x in enumerate(sex)
    ]
    return out


def year_table(
    scenario: str, s: YearOutcome, cf: YearOutcome, cells: _Cells | None = None
) -> pd.DataFrame:
    """The indicator rows of one year, from a scenario run and its counterfactual.

    ``cells`` (:func:`cells_of`) may be shared by the scenarios of one world in one year: they
    depend on the persons only.
    """
    w = s.weight
    cells = cells if cells is not None else cells_of(s)
    groupings = cells.groupings
    extra = additional(s, cf)
    trained_or_guided = s.trained | s.guided
    names = (*INSTRUMENTS, "all")

    # Every measure once, into its cells. The rows of the trained and of each instrument's
    # users are found once: the costs, the Matthew ratio and the tables read them.
    pop_t = cells.table()
    trained_rows = np.flatnonzero(s.trained)
    part_t = cells.table(s.trained, trained_rows)
    per_instrument, user_rows = [], []
    for i, name in enumerate(names):
        if name == "all":
            eligible, used, cost = s.eligible.any(axis=0), s.used.any(axis=0), s.cost.sum(axis=0)
            active = trained_or_guided
        else:
            eligible, used, cost = s.eligible[i], s.used[i], s.cost[i]
            active = {LBC: s.guided, OB: trained_or_guided}.get(i, s.trained)
        eligible_active = eligible & active
        rows = np.flatnonzero(used)  # a cost is paid for users only
        user_rows.append(rows)
        per_instrument.append(
            {
                "eligible": cells.table(eligible),
                "users": cells.table(used, rows),
                "spend": cells.table(cost, rows),
                "add": cells.table(extra[i]),
                "eligible_active": cells.table(eligible_active),
                "missed": cells.table(eligible_active & ~used),
            }
        )
    balance_t = cells.table(s.balance)
    portability_t = cells.table(s.portability)

    rows: list[tuple] = []
    for group_by, (_, labels) in groupings.items():
        k = len(labels)
        pop = cells.by(pop_t, group_by)
        part = cells.by(part_t, group_by)
        for g, label in enumerate(labels):
            rows += [
                (group_by, label, "population", "all", pop[g]),
                (group_by, label, "participants", "all", part[g]),
                (group_by, label, "participation_rate", "all", _ratio(part, pop)[g]),
            ]
        for i, name in enumerate(names):
            t = per_instrument[i]
            elig = cells.by(t["eligible"], group_by)
            users = cells.by(t["users"], group_by)
            spend = cells.by(t["spend"], group_by)
            add = cells.by(t["add"], group_by)
            eligible_active = cells.by(t["eligible_active"], group_by)
            missed = cells.by(t["missed"], group_by)
            share = _ratio(spend, np.full(k, t["spend"].sum()))
            values = {
                "eligible": elig,
                "users": users,
                "take_up_rate": _ratio(users, elig),
                "public_cost_eur": spend,
                "additional_participants": add,
                "deadweight_share": 1.0 - _ratio(add, users),
                "cost_per_additional_participant_eur": _ratio(spend, add),
                "non_take_up_share": _ratio(missed, eligible_active),
                "spending_share": share,
            }
            if name in ("ontwikkelbudget", "all"):
                values["unused_balance_eur"] = cells.by(balance_t, group_by)
                values["portability_events"] = cells.by(portability_t, group_by)
            for indicator, array in values.items():
                rows += [(group_by, lab, indicator, name, array[g]) for g, lab in enumerate(labels)]
        if group_by == "all":

            def weighted(among: np.ndarray, mask: np.ndarray) -> np.ndarray:
                # w[act & mask].sum(), from the rows of act: the same persons in the same order.
                return np.array([w[among[mask[among]]].sum()])

            adult, w_adult = cells.adults["adult"]
            (high, w_high), (low, w_low) = cells.adults["high"], cells.adults["low"]
            rate = _ratio(weighted(trained_rows, adult), w_adult)
            rows.append(("all", "all", "participation_rate_25_64", "all", rate[0]))
            for i, name in enumerate(names):
                act = trained_rows if name == "all" else user_rows[i]
                rate_h = _ratio(weighted(act, high), w_high)
                rate_l = _ratio(weighted(act, low), w_low)
                rows.append(("all", "all", "matthew_ratio", name, _ratio(rate_h, rate_l)[0]))
    rows += _adults(s, cells)
    for cross in CROSSES:
        first, second = cross.split(",")
        totals = cells.crossed(pop_t, first, second)
        for i, a in enumerate(groupings[first][1]):
            for j, b in enumerate(groupings[second][1]):
                rows.append((cross, f"{a},{b}", "population", "all", totals[i, j]))
    frame = pd.DataFrame(rows, columns=["group_by", "group", "indicator", "instrument", "value"])
    frame.insert(0, "year", s.year)
    frame.insert(0, "scenario", scenario)
    return frame[COLUMNS].astype({"value": "float64", "year": "int64"})
