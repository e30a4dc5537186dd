"""Selecting from the tidy indicator table: shared by charts and tables (no plotting here).

Kept apart from :mod:`.charts` so that writing a table never imports matplotlib.
"""

from __future__ import annotations

from pathlib import Path

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


# ---------------------------------------------------------------------------------------------
# The population over the years: the run's population rows, the projection, published figures

#: The age bands of the indicator table (``llr_sim.model.persons.AGE_BANDS``).
AGE_BANDS = ("18-24", "25-34", "35-44", "45-54", "55-66")
#: The bands of the adults whose education mix is shown: 25-66. The published mix is of 25-64;
#: the indicator table's last band is 55-66, so the model's figure includes the 65-66-year-olds.
ADULT_BANDS = AGE_BANDS[1:]
EDUCATION = ("low", "medium", "high")
SEXES = ("M", "F")


def one_scenario(ind: pd.DataFrame) -> pd.DataFrame:
    """The rows of the first scenario: the population is the same for every scenario of a run."""
    if "scenario" not in ind.columns or ind.empty:
        return ind
    return ind[ind["scenario"] == ind["scenario"].iloc[0]]


def population_cross(ind: pd.DataFrame, by: str) -> pd.DataFrame:
    """The population (persons) per year crossed by ``by``: ``age_band,education`` or ``,sex``.

    Returns:
        Index year, columns (age band, second group).
    """
    rows = select(one_scenario(ind), "population", "all", by)
    if rows.empty:
        return pd.DataFrame()
    parts = rows["group"].astype(str).str.split(",", n=1, expand=True)
    table = rows.assign(band=parts[0], second=parts[1]).pivot_table(
        index="year", columns=["band", "second"], values="value", aggfunc="sum"
    )
    table.columns = pd.MultiIndex.from_tuples([(str(a), str(b)) for a, b in table.columns])
    return table.sort_index()


def population_by(ind: pd.DataFrame, by: str) -> pd.DataFrame:
    """The population (persons) per year by one grouping (``age_band``, ``sex``, ...).

    Returns:
        Index year, one column per group.
    """
    rows = select(one_scenario(ind), "population", "all", by)
    if rows.empty:
        return pd.DataFrame()
    table = rows.pivot_table(index="year", columns="group", values="value", aggfunc="sum")
    table.columns = [str(c) for c in table.columns]
    return table.sort_index()


def adult_ages(ind: pd.DataFrame) -> str:
    """The ages of the adults' education mix: 25-64, or 25-66 for an older run folder.

    Runs since issue 11 have ``population_25_64``; before, the indicator table's bands.
    """
    return (
        "25-64"
        if not select(one_scenario(ind), "population_25_64", "all", "education").empty
        else "25-66"
    )


def education_shares(ind: pd.DataFrame, bands: tuple[str, ...] = ADULT_BANDS) -> pd.DataFrame:
    """Shares (0-1) of the low, medium and high educated among the adults, per year.

    The adults are 25-64 (the published figures' range) when the run has ``population_25_64``
    and ``bands`` is the default, else the ``bands`` together.
    """
    rows = select(one_scenario(ind), "population_25_64", "all", "education")
    if bands == ADULT_BANDS and not rows.empty:
        persons = rows.pivot_table(index="year", columns="group", values="value", aggfunc="sum")
        persons = persons.reindex(columns=list(EDUCATION)).fillna(0.0).sort_index()
        return persons.div(persons.sum(axis=1), axis=0)
    cross = population_cross(ind, "age_band,education")
    if cross.empty:
        return pd.DataFrame(columns=list(EDUCATION))
    persons = pd.DataFrame(
        {e: sum(cross.get((b, e), 0.0) for b in bands) for e in EDUCATION}, index=cross.index
    )
    return persons.div(persons.sum(axis=1), axis=0)


def high_share_by_band(ind: pd.DataFrame) -> pd.DataFrame:
    """The share (0-1) of the high educated in each age band, per year."""
    cross = population_cross(ind, "age_band,education")
    if cross.empty:
        return pd.DataFrame()
    out = {}
    for band in AGE_BANDS:
        total = sum(cross.get((band, e), 0.0) for e in EDUCATION)
        if isinstance(total, pd.Series):
            out[band] = cross[(band, "high")] / total
    return pd.DataFrame(out, index=cross.index)


def model_band(low: int, high: int) -> str | None:
    """The indicator table's age band that holds the ages ``low``-``high`` (None: none)."""
    for band in AGE_BANDS:
        lo, hi = (int(x) for x in band.split("-"))
        if lo <= low and high <= hi:
            return band
    return None


def projection_bands(provenance: dict | None = None) -> pd.DataFrame:
    """The projection the run follows (fitted to the published figures), summed to the bands.

    The projection is the one of the run's Flemish mortality factors (in its provenance,
    ``demography.projection.mortality_factor``); without a provenance, the one of the current
    behavioural parameters.

    Returns:
        Columns year, sex (M/F), age_band (18-24 ... 55-66), persons (1 January).
    """
    # The demography loads its data files: imported when a report asks for the projection.
    from llr_sim.model import projection as demography  # noqa: PLC0415

    factors = ((provenance or {}).get("demography") or {}).get("projection", {})
    factors = factors.get("mortality_factor") or {}
    if "M" in factors and "F" in factors:
        proj = demography.projection(float(factors["M"]), float(factors["F"]))
    else:
        from llr_sim.behaviour.parameters import load_behaviour  # noqa: PLC0415
        from llr_sim.model.demography import projection_for  # noqa: PLC0415

        proj = projection_for(load_behaviour())
    frame = proj.frame()
    bounds = frame["age_band"].str.split("-", expand=True).astype(int)
    frame["age_band"] = [model_band(lo, hi) for lo, hi in zip(bounds[0], bounds[1], strict=True)]
    frame = frame.dropna(subset=["age_band"])
    return frame.groupby(["year", "sex", "age_band"], as_index=False)["persons"].sum()


def projection_table(projection: pd.DataFrame, by_sex: bool = False) -> pd.DataFrame:
    """The projection per year: one column per age band (or per (age band, sex))."""
    columns = ["age_band", "sex"] if by_sex else "age_band"
    table = projection.pivot_table(index="year", columns=columns, values="persons", aggfunc="sum")
    return table.sort_index()


def published_attainment(folder=None) -> pd.DataFrame:
    """The published attainment of the Flemish Region (``attainment_published.csv``).

    Columns indicator (``high_share``, ``low_share``, ``early_school_leavers``), age, sex, year,
    value (a share 0-1), source (URL), note.
    """
    from llr_sim.model import projection as demography  # noqa: PLC0415

    path = Path(folder or demography.default_dir()) / "attainment_published.csv"
    frame = pd.read_csv(path, dtype={"age": str, "sex": str})
    frame["value"] = frame["value"].astype(float) / 100.0  # published in percent
    return frame
