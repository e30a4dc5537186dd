"""Raking (iterative proportional fitting) of person weights to counts and shares.

Persons are grouped into *cells*: the distinct combinations of the variables that the raked
targets name. Raking works on the cell totals (tens of thousands instead of millions), and the
fitted factor of each cell is then applied to its persons.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from llr_sim.population.targets import Target


@dataclass(frozen=True)
class Cells:
    """Persons grouped by the variables the targets use."""

    frame: pd.DataFrame  # one representative row per cell
    index: np.ndarray  # cell of each person
    weight: np.ndarray  # summed starting weight per cell


def _codes(series: pd.Series, cuts: list[float]) -> tuple[np.ndarray, int]:
    if isinstance(series.dtype, pd.CategoricalDtype):
        return series.cat.codes.to_numpy().astype(np.int64), len(series.cat.categories)
    values = series.to_numpy()
    if values.dtype == bool:
        return values.astype(np.int64), 2
    if values.dtype.kind in "iu" and not cuts:
        lo = int(values.min()) if len(values) else 0
        return (values - lo).astype(np.int64), int(values.max() - lo + 1) if len(values) else 1
    edges = np.unique(np.asarray(cuts, dtype=float))
    return np.searchsorted(edges, values, side="right").astype(np.int64), len(edges) + 1


def make_cells(frame: pd.DataFrame, targets: list[Target], weight: np.ndarray) -> Cells:
    """Group persons into cells that every target condition treats alike.

    Categorical and integer variables keep all their values; continuous variables are cut at the
    thresholds the targets use, so that every person of a cell meets the same conditions.
    """
    cuts: dict[str, list[float]] = {}
    for t in targets:
        for cond in (*t.universe, *t.category):
            bucket = cuts.setdefault(cond.var, [])
            if cond.op in ("<", ">="):
                bucket.append(cond.values[0])
            elif cond.op == "range" and frame[cond.var].dtype.kind == "f":
                bucket += [cond.values[0], np.nextafter(cond.values[1], np.inf)]
    code = np.zeros(len(frame), dtype=np.int64)
    for var in sorted(cuts):
        c, n = _codes(frame[var], cuts[var])
        code = code * n + c
    uniq, first, inverse = np.unique(code, return_index=True, return_inverse=True)
    cell_frame = frame.iloc[first][sorted(cuts)].reset_index(drop=True)
    cell_weight = np.bincount(inverse, weights=weight, minlength=len(uniq))
    return Cells(cell_frame, inverse.astype(np.int32), cell_weight)


@dataclass(frozen=True)
class RakeResult:
    """Fitted cell factors and how well the fit went."""

    factor: np.ndarray
    iterations: int
    max_gap: float  # largest remaining gap: percentage points for shares, relative for counts
    converged: bool


def rake(
    cells: Cells,
    targets: list[Target],
    tol: float = 1e-5,
    max_iter: int = 2000,
    stall_every: int = 20,
    stall_gain: float = 0.05,
) -> RakeResult:
    """Fit cell weights so that each target's count or share holds.

    A count sets the universe's total; a share moves weight between the category and the rest
    of the universe, keeping the universe's total. The constraints are applied in turn until the
    largest gap is below ``tol`` (shares in fractions, counts relative), or until it shrinks by
    less than ``stall_gain`` over ``stall_every`` sweeps: then the targets overlap and conflict a
    little (rounded figures), and the compromise reached is returned with its gap.

    Args:
        cells: The cells.
        targets: Targets with unit ``persons`` or ``percent``.
        tol: Convergence tolerance.
        max_iter: Maximum number of sweeps over all targets.
        stall_every: Sweeps between two checks of progress.
        stall_gain: Smallest relative reduction of the gap that counts as progress.

    Returns:
        The factor per cell and the fit.

    Raises:
        ValueError: When a target's universe or category holds no one.
    """
    w = cells.weight.astype(float).copy()
    plan = []
    for t in targets:
        universe = np.flatnonzero(t.universe_mask(cells.frame))
        if t.unit == "persons":
            if not len(universe):
                raise ValueError(f"target {t.target_id}: nobody in its universe")
            plan.append((t.target_id, universe, None, t.value))
        else:
            inside = t.category_mask(cells.frame)[universe]
            if not inside.any() or (inside.all() and t.value < 100):
                raise ValueError(f"target {t.target_id}: its category or the rest is empty")
            plan.append((t.target_id, universe, inside, t.value / 100))
    gap, checkpoint = np.inf, np.inf
    for iteration in range(1, max_iter + 1):
        gap = 0.0
        for _, universe, inside, value in plan:
            wu = w[universe]
            total = wu.sum()
            if inside is None:
                gap = max(gap, abs(total / value - 1))
                w[universe] = wu * (value / total)
                continue
            part = wu[inside].sum()
            share = part / total
            gap = max(gap, abs(share - value))
            f_in = value * total / part
            f_out = (1 - value) * total / (total - part) if total > part else 1.0
            w[universe] = wu * np.where(inside, f_in, f_out)
        if gap < tol:
            break
        # Published figures are rounded, so a few overlapping targets cannot all hold exactly:
        # stop at the compromise once the largest gap no longer shrinks.
        if iteration % stall_every == 0:
            if gap > (1 - stall_gain) * checkpoint:
                break
            checkpoint = gap
    factor = np.divide(w, cells.weight, out=np.ones_like(w), where=cells.weight > 0)
    return RakeResult(factor, iteration, float(gap), bool(gap < tol))
