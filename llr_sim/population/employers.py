"""The synthetic employer table, and the assignment of employees to employers.

At scale ``s`` the table holds about ``s`` of all employers, each with its *whole* staff in the
persons table (a cluster sample), so colleagues are modelled together. (In a small sample a
class-sector group may hold fewer persons than the smallest employer of its class; that one
employer then keeps its real headcount but holds only those persons.) Headcounts are drawn
within each size class (1-9, 10-49, 50-249, 250+) with a class mean of employees per employer
taken from the published number of employers (RSZ, Flemish Region, 2020: see
``data/targets/firm_size.csv``); for large employers, whose number is not published, the mean is
an assumption.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from llr_sim.population import schema
from llr_sim.population.targets import Targets

CLASS_BOUNDS = {"micro": (1, 9), "small": (10, 49), "medium": (50, 249), "large": (250, 30000)}
# Assumption: about 800 employees per large employer (establishment-like units: a hospital, a
# school group, a plant); plausible range 500-1,500.
LARGE_MEAN = 800.0
SECTORS = schema.SECTOR[:-1]


def _power_law(lo: int, hi: int, mean: float) -> np.ndarray:
    """Probabilities p(k) ~ k^-a on lo..hi with the given mean (a found by bisection)."""
    k = np.arange(lo, hi + 1, dtype=float)
    mean = float(np.clip(mean, lo + 1e-6, (lo + hi) / 2))
    a_lo, a_hi = 0.0, 10.0
    for _ in range(80):
        a = (a_lo + a_hi) / 2
        p = k**-a
        if (p @ k) / p.sum() > mean:
            a_lo = a
        else:
            a_hi = a
    p = k**-a
    return p / p.sum()


def _allocate(total: int, members: np.ndarray, lo: int, hi: int) -> np.ndarray:
    """Split ``total`` employers over groups in proportion to their ``members``.

    Each group with members gets at least one employer, and as many as its members allow within
    the class bounds [lo, hi] employees per employer; within that, the split is proportional
    (largest remainder), so the class total is met whenever the bounds allow it.
    """
    floor_ = np.where(members > 0, np.maximum(-(-members // hi), 1), 0)
    ceil_ = np.where(members > 0, np.maximum(members // lo, 1), 0)
    total = int(np.clip(total, floor_.sum(), ceil_.sum()))
    exact = total * members / max(members.sum(), 1)
    count = np.clip(np.floor(exact).astype(np.int64), floor_, ceil_)
    while (short := total - int(count.sum())) != 0:
        room = (count < ceil_) if short > 0 else (count > floor_)
        order = np.argsort(-(exact - count) if short > 0 else exact - count, kind="stable")
        order = order[room[order]][: abs(short)]
        count[order] += 1 if short > 0 else -1
    return count


def _sizes(total: int, count: int, lo: int, hi: int, p: np.ndarray, rng) -> np.ndarray:
    """``count`` headcounts within [lo, hi] that add up to ``total`` exactly.

    Headcounts are drawn from ``p`` (over lo..hi), then scaled to the total. When ``total`` is
    below ``lo`` (a rare class-sector group in a small sample), one employer takes them all.
    """
    if total < lo:
        return np.array([total], dtype=np.int64)
    count = int(np.clip(count, -(-total // hi), max(total // lo, 1)))
    sizes = lo + rng.choice(len(p), size=count, p=p)
    # Scale to the exact total, then settle the rounding one person at a time within bounds.
    sizes = np.clip(np.round(sizes * total / sizes.sum()), lo, hi).astype(np.int64)
    diff = total - int(sizes.sum())
    while diff:
        room = sizes < hi if diff > 0 else sizes > lo
        idx = np.flatnonzero(room)
        pick = rng.choice(idx, size=min(abs(diff), len(idx)), replace=False)
        sizes[pick] += 1 if diff > 0 else -1
        diff = total - int(sizes.sum())
    return sizes


def build_employers(
    persons: pd.DataFrame, scale: float, targets: Targets, rng: np.random.Generator
) -> tuple[pd.DataFrame, np.ndarray]:
    """Make the employer table and the ``employer_id`` of every person.

    Args:
        persons: The persons (status, firm_size, sector drawn).
        scale: The sampling fraction.
        targets: The targets (for the published number of employers per class).
        rng: The random generator of this stage.

    Returns:
        The employer table and the employer id per person (-1 for non-employees).
    """
    status = persons["status"].cat.codes.to_numpy()
    private, public = (schema.STATUS.index(s) for s in schema.EMPLOYEE_STATUSES)
    size = persons["firm_size"].cat.codes.to_numpy()
    sector = persons["sector"].cat.codes.to_numpy()
    weights = persons["weight"].to_numpy(dtype=float)
    published = {
        t.universe[0].values[0]: t.value
        for t in targets.items
        if t.unit == "employers"
        and t.universe
        and t.universe[0].var == "size_class"
        and len(t.universe[0].values) == 1
    }
    employer_id = np.full(len(persons), -1, dtype=np.int32)
    rows: list[pd.DataFrame] = []
    next_id = 0
    for c, cls in enumerate(schema.SIZE_CLASSES):
        lo, hi = CLASS_BOUNDS[cls]
        for kind, code in (("private", private), ("public", public)):
            in_class = (status == code) & (size == c)
            members = int(in_class.sum())
            if not members:
                continue
            # The employers of a class carry the mean weight of its persons, so that weighted
            # headcounts agree with the weighted persons; where the number of employers is
            # published, the number drawn makes the weighted count meet it.
            person_weight = float(weights[in_class].mean())
            if kind == "private" and cls in published:
                class_count = published[cls] / person_weight
            else:
                class_count = members / (LARGE_MEAN if cls == "large" else (lo + hi) / 2)
            p = _power_law(lo, hi, members / max(class_count, 1e-9))
            groups = [np.flatnonzero(in_class & (sector == s)) for s in range(len(SECTORS))]
            counts = _allocate(round(class_count), np.array([len(g) for g in groups]), lo, hi)
            # Like the persons' weights, the employers' weights are calibrated: to the published
            # number of employers where there is one (sampling whole employers leaves a
            # rounding error of up to half an employer per class otherwise).
            weight = (
                published[cls] / counts.sum()
                if kind == "private" and cls in published
                else person_weight
            )
            for s, (idx, count) in enumerate(zip(groups, counts, strict=True)):
                if not len(idx):
                    continue
                sizes = _sizes(len(idx), int(count), lo, hi, p, rng)
                ids = next_id + np.arange(len(sizes), dtype=np.int32)
                employer_id[rng.permutation(idx)] = np.repeat(ids, sizes)
                rows.append(
                    pd.DataFrame(
                        {
                            "employer_id": ids,
                            "size_class": cls,
                            "sector": SECTORS[s],
                            "employer_type": kind,
                            "employees": np.maximum(sizes, lo).astype(np.int32),
                            "weight": np.float32(weight),
                        }
                    )
                )
                next_id += len(sizes)
    table = (
        pd.concat(rows, ignore_index=True) if rows else schema.empty_frame(schema.EMPLOYER_COLUMNS)
    )
    for col in schema.EMPLOYER_COLUMNS:
        table[col.name] = table[col.name].astype(col.pandas_dtype())
    return table[[c.name for c in schema.EMPLOYER_COLUMNS]], employer_id
