"""Selecting from the tidy indicator table: shared by charts and tables (no plotting here).

Kept apart from :mod:`.charts` so that writing a table never imports matplotlib.
"""

from __future__ import annotations

import pandas as pd

from llr_sim.reporting import labels
from llr_sim.reporting.formats import number

INSTRUMENTS = (
    "opleidingscheques",
    "loopbaancheques",
    "opleidingsverlof",
    "opleidingskrediet",
    "ontwikkelbudget",
)
#: The order groups are shown in, per breakdown.
GROUP_ORDER = {
    "education": ["low", "medium", "high"],
    "sex": ["M", "F"],
    "status": ["employee_private", "employee_public", "self_employed", "unemployed", "inactive"],
    "firm_size": ["micro", "small", "medium", "large", "none"],
    "wage_quintile": ["q1", "q2", "q3", "q4", "q5", "no_wage"],
}


def select(
    ind: pd.DataFrame,
    indicator: str,
    instrument: str = "all",
    group_by: str = "all",
    year: int | None = None,
) -> pd.DataFrame:
    """Rows of one indicator for one instrument and breakdown (all years unless ``year``)."""
    rows = ind[
        (ind["indicator"] == indicator)
        & (ind["instrument"] == instrument)
        & (ind["group_by"] == group_by)
    ]
    if year is not None:
        rows = rows[rows["year"] == year]
    # Stable sort on the year only: scenarios keep the order they were given in.
    return rows.sort_values("year", kind="stable")


def last_year(ind: pd.DataFrame) -> int:
    """The last simulated year in the table."""
    return int(ind["year"].max())


def has_ci(rows: pd.DataFrame) -> bool:
    """Whether the rows carry an uncertainty interval."""
    return {"ci_low", "ci_high"} <= set(rows.columns) and rows["ci_low"].notna().any()


def ordered_groups(rows: pd.DataFrame, by: str) -> list[str]:
    """The groups present, in their natural order."""
    present = [str(g) for g in rows["group"].unique() if str(g) != "all"]
    order = GROUP_ORDER.get(by)
    if order:
        return [g for g in order if g in present] + sorted(g for g in present if g not in order)
    return sorted(present)


def assumption_labels(table: pd.DataFrame, lang: str = "nl") -> list[str]:
    """Readable names of a sensitivity table's assumptions, with their range.

    E.g. ``Bekendheid door het digitaal overzicht (1 – 2)``; a row without a ``parameter``
    keeps its ``label``.
    """
    out = []
    for row in table.to_dict("records"):
        name = row.get("parameter")
        if not isinstance(name, str):
            out.append(str(row.get("label", "")))
            continue
        text = labels.assumption(name, lang)
        low, high = row.get("range_low"), row.get("range_high")
        if low is not None and high is not None and low == low and high == high:
            text += f" ({number(low, None, lang)} – {number(high, None, lang)})"
        out.append(text)
    return out
