"""The calibration report: every target against its synthetic value.

Tolerances (issue 2): shares within 0.5 percentage point, counts within 1%. A target *fails*
when it is published or derived (arithmetic on published figures), is raked or checked, and
misses its tolerance. Assumptions and context rows are shown with their gap but cannot fail.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from llr_sim.population.raking import make_cells
from llr_sim.population.targets import Target, Targets

SHARE_TOLERANCE_PP = 0.5
COUNT_TOLERANCE = 0.01

REPORT_COLUMNS = (
    "target_id",
    "file",
    "universe",
    "category",
    "unit",
    "status",
    "use",
    "year",
    "target",
    "synthetic",
    "gap",
    "rel_gap",
    "tolerance",
    "within",
    "fails",
    "source",
    "note",
)


def _describe(conditions) -> str:
    parts = []
    for c in conditions:
        if c.op == "in":
            parts.append(f"{c.var}={'|'.join(c.values)}")
        elif c.op == "range":
            lo, hi = (f"{v:g}" for v in c.values)
            parts.append(f"{c.var}={lo}" if lo == hi else f"{c.var}={lo}-{hi}")
        else:
            parts.append(f"{c.var}{c.op}{c.values[0]:g}")
    return ";".join(parts)


def synthetic_value(target: Target, persons: pd.DataFrame, employers: pd.DataFrame) -> float:
    """The synthetic counterpart of a target (NaN for flows, which the model reproduces).

    Args:
        target: The target.
        persons: Persons with the derived variables (``schema.with_derived``) and weights.
        employers: The employer table.
    """
    if target.unit == "percent_per_year":
        return float("nan")
    if target.unit == "employers":
        return float(
            employers["weight"].to_numpy(dtype=float)[target.universe_mask(employers)].sum()
        )
    weight = persons["weight"].to_numpy(dtype=float)
    universe = target.universe_mask(persons)
    total = weight[universe].sum()
    if target.unit == "persons":
        return float(total)
    if target.mean_of is not None:
        values = persons[target.mean_of].to_numpy(dtype=float)[universe]
        return float(values @ weight[universe] / total) if total else float("nan")
    part = weight[universe & target.category_mask(persons)].sum()
    return float(100 * part / total) if total else float("nan")


def calibration_report(
    persons: pd.DataFrame, employers: pd.DataFrame, targets: Targets
) -> pd.DataFrame:
    """Every target with its synthetic value, gap, tolerance and verdict.

    Counts and shares are summed over cells that split the persons on every condition the
    targets use (exact, and far faster than a mask over all persons per target).

    Args:
        persons: Persons with the derived variables (``schema.with_derived``) and final weights.
        employers: The employer table.
        targets: The targets.

    Returns:
        One row per target (columns ``REPORT_COLUMNS``).
    """
    on_persons = [
        t
        for t in targets.items
        if t.unit not in ("employers", "percent_per_year") and t.mean_of is None
    ]
    weight = persons["weight"].to_numpy(dtype=float)
    cells = make_cells(persons, on_persons, weight)
    cell_persons = cells.frame.assign(weight=cells.weight)
    rows = []
    for t in targets.items:
        value = synthetic_value(t, persons if t.mean_of else cell_persons, employers)
        gap = value - t.value
        rel = gap / t.value if t.value else np.nan
        if t.unit == "percent":
            tolerance, within = SHARE_TOLERANCE_PP, abs(gap) <= SHARE_TOLERANCE_PP
        elif t.unit in ("persons", "employers"):
            tolerance, within = COUNT_TOLERANCE, abs(rel) <= COUNT_TOLERANCE
        else:
            tolerance, within = np.nan, None
        binding = t.status in ("published", "derived") and t.use in ("rake", "check")
        rows.append(
            {
                "target_id": t.target_id,
                "file": t.file,
                "universe": _describe(t.universe),
                "category": f"mean({t.mean_of})" if t.mean_of else _describe(t.category),
                "unit": t.unit,
                "status": t.status,
                "use": t.use,
                "year": t.year,
                "target": t.value,
                "synthetic": value,
                "gap": gap,
                "rel_gap": rel,
                "tolerance": tolerance,
                "within": within,
                "fails": bool(binding and within is False),
                "source": t.source,
                "note": t.note,
            }
        )
    return pd.DataFrame(rows, columns=list(REPORT_COLUMNS))


def format_report(report: pd.DataFrame) -> str:
    """The report as a plain-text table with a closing verdict line."""
    lines = [
        f"{'target':<28} {'unit':<8} {'status':<10} {'use':<6} {'target':>12} "
        f"{'synthetic':>12} {'gap':>9}  verdict"
    ]
    for _, r in report.iterrows():
        if r["unit"] == "percent":
            gap = f"{r['gap']:+.2f}pp"
        elif np.isnan(r["synthetic"]):
            gap = ""
        else:
            gap = f"{100 * r['rel_gap']:+.2f}%"
        if r["use"] == "model":
            verdict = "flow: checked by the dynamic model"
        elif r["fails"]:
            verdict = "OUTSIDE TOLERANCE"
        elif r["within"] is None or r["use"] == "report" or r["status"] == "assumption":
            verdict = "shown" if r["within"] is None or not r["within"] else "ok (not binding)"
        else:
            verdict = "ok"
        synthetic = "" if np.isnan(r["synthetic"]) else f"{r['synthetic']:,.1f}"
        lines.append(
            f"{r['target_id']:<28} {r['unit']:<8} {r['status']:<10} {r['use']:<6} "
            f"{r['target']:>12,.1f} {synthetic:>12} {gap:>9}  {verdict}"
        )
    binding = report[(report["status"] != "assumption") & report["use"].isin(["rake", "check"])]
    failed = int(report["fails"].sum())
    lines.append("")
    if failed:
        lines.append(
            f"{failed} of {len(binding)} published targets OUTSIDE tolerance "
            f"(shares +/-{SHARE_TOLERANCE_PP} pp, counts +/-{COUNT_TOLERANCE:.0%})."
        )
    else:
        lines.append(
            f"All {len(binding)} published targets within tolerance "
            f"(shares +/-{SHARE_TOLERANCE_PP} pp, counts +/-{COUNT_TOLERANCE:.0%})."
        )
    context = report[
        (report["status"] != "assumption")
        & (report["use"] == "report")
        & (report["within"] == False)  # noqa: E712
    ]
    if len(context):
        lines.append(
            f"{len(context)} published context figures differ by more than the tolerance and are "
            "not imposed (older year, other age range or a figure that contradicts a binding "
            "one; see their notes): " + ", ".join(context["target_id"])
        )
    return "\n".join(lines)
