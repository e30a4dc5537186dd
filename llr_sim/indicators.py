"""Results -> the tidy indicator table (DESIGN.md section 4), weighted by the person weights.

One row per (year, indicator, instrument, group_by, group). ``instrument`` is one of the five
instrument ids or ``all``; ``group_by`` is ``all`` (then ``group`` is ``all``) or one of
``education``, ``age_band``, ``sex``, ``status``, ``firm_size``, ``wage_quintile``. Shares are
fractions 0-1.

Definitions (per year):

- ``population``: persons 18-66; ``participants``: persons who trained in the year (the LFS
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

from llr_sim.model.model import LBC, OB, YearOutcome
from llr_sim.model.persons import AGE_BANDS
from llr_sim.policy.parameters import INSTRUMENTS
from llr_sim.population import schema

COLUMNS = ["scenario", "year", "indicator", "instrument", "group_by", "group", "value"]
INDICATORS = (
    "population",
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
QUINTILES = ("q1", "q2", "q3", "q4", "q5", "no_wage")


def wage_quintile(wage: np.ndarray, weight: np.ndarray) -> np.ndarray:
    """Weighted wage quintile (0-4) among persons with a wage; 5 for those without."""
    out = np.full(len(wage), 5, dtype=np.int8)
    paid = wage > 0
    if paid.any():
        order = np.argsort(wage[paid], kind="stable")
        w = weight[paid][order]
        cum = np.cumsum(w)
        middle = (cum - w / 2) / cum[-1]  # a person's quintile is that of their weight's middle
        q = np.minimum((middle * 5).astype(np.int8), 4)
        idx = np.flatnonzero(paid)[order]
        out[idx] = q
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


def year_table(scenario: str, s: YearOutcome, cf: YearOutcome) -> pd.DataFrame:
    """The indicator rows of one year, from a scenario run and its counterfactual."""
    w = s.weight
    used = np.vstack([s.used, s.used.any(axis=0)[None]])
    eligible = np.vstack([s.eligible, s.eligible.any(axis=0)[None]])
    cost = np.vstack([s.cost, s.cost.sum(axis=0)[None]])
    extra = additional(s, cf)
    active = np.vstack([s.trained] * 5 + [s.trained | s.guided])
    active[LBC] = s.guided
    active[OB] = s.trained | s.guided
    names = (*INSTRUMENTS, "all")
    adult = (s.age >= 25) & (s.age <= 64)
    rows: list[tuple] = []
    totals_cost = (cost * w).sum(axis=1)
    for group_by, (codes, labels) in _groupings(s).items():
        k = len(labels)

        def total(values: np.ndarray, codes=codes, k=k) -> np.ndarray:
            return np.bincount(codes, weights=w * values, minlength=k)[:k]

        pop = total(np.ones(len(w)))
        part = total(s.trained)
        for g, label in enumerate(labels):
            rows += [
                (group_by, label, "population", "all", pop[g]),
                (group_by, label, "participants", "all", part[g]),
                (group_by, label, "participation_rate", "all", _ratio(part, pop)[g]),
            ]
        for i, name in enumerate(names):
            elig = total(eligible[i])
            users = total(used[i])
            spend = total(cost[i])
            add = total(extra[i])
            eligible_active = total(eligible[i] & active[i])
            missed = total(eligible[i] & active[i] & ~used[i])
            share = _ratio(spend, np.full(k, totals_cost[i]))
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
                values["unused_balance_eur"] = total(s.balance)
                values["portability_events"] = total(s.portability)
            for indicator, array in values.items():
                rows += [(group_by, lab, indicator, name, array[g]) for g, lab in enumerate(labels)]
        if group_by == "all":
            rate = _ratio(np.array([(w * s.trained)[adult].sum()]), np.array([w[adult].sum()]))
            rows.append(("all", "all", "participation_rate_25_64", "all", rate[0]))
            high, low = adult & (s.education == 2), adult & (s.education == 0)
            for i, name in enumerate(names):
                act = s.trained if name == "all" else used[i]
                rate_h = _ratio(np.array([(w * act)[high].sum()]), np.array([w[high].sum()]))
                rate_l = _ratio(np.array([(w * act)[low].sum()]), np.array([w[low].sum()]))
                rows.append(("all", "all", "matthew_ratio", name, _ratio(rate_h, rate_l)[0]))
    frame = pd.DataFrame(rows, columns=["group_by", "group", "indicator", "instrument", "value"])
    frame.insert(0, "year", s.year)
    frame.insert(0, "scenario", scenario)
    return frame[COLUMNS].astype({"value": "float64", "year": "int64"})
