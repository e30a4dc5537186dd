"""Tables for the concept note, written as CSV and as one XLSX workbook per report.

Built from a run's summary and indicators; one labelled sheet per table in the workbook.

Values are in their display unit (thousands of persons, EUR million, percent) and the unit is
a column of its own, so a table pasted into the note reads without a legend.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
from openpyxl.styles import Font

from llr_sim.fileio import atomic_write
from llr_sim.reporting import labels
from llr_sim.reporting.data import (
    ADULT_BANDS,
    AGE_BANDS,
    EDUCATION,
    INSTRUMENTS,
    adult_ages,
    assumption_labels,
    education_shares,
    ordered_groups,
    population_by,
    population_cross,
    projection_table,
    select,
)
from llr_sim.reporting.formats import DISPLAY, display_value, number

#: The headline figures: (where in summary.json, indicator).
HEADLINE = (
    ("last_year", "participants"),
    ("last_year", "participation_rate"),
    ("last_year", "users"),
    ("last_year", "take_up_rate"),
    ("last_year", "public_cost_eur"),
    ("last_year", "additional_participants"),
    ("last_year", "deadweight_share"),
    ("last_year", "cost_per_additional_participant_eur"),
    ("last_year", "non_take_up_share"),
    ("last_year", "matthew_ratio"),
    ("last_year", "unused_balance_eur"),
    ("period", "public_cost_eur"),
    ("period", "users"),
    ("period", "participants"),
    ("period", "additional_participants"),
    ("period", "cost_per_additional_participant_eur"),
)


def _rounded(value: float | None, kind: str) -> float | None:
    if value is None or value != value:  # missing, or NaN (e.g. no additional participant)
        return None
    return round(display_value(value, kind), DISPLAY.get(kind, (1.0, 2))[1])


def kind_of(part: str, name: str) -> str:
    """The unit kind of a summary entry: a period total of yearly counts is in person-years."""
    return labels.period_unit_kind(name) if part == "period" else labels.unit_kind(name)


def label_of(part: str, name: str, lang: str = "nl") -> str:
    """The label of a summary entry; a period total says so."""
    if part == "period":
        total = labels.text("period_total", lang).lower()
        return f"{labels.period_indicator(name, lang)} ({total})"
    return labels.indicator(name, lang)


def headline(summary: dict, lang: str = "nl") -> pd.DataFrame:
    """The headline figures of one run (from its ``summary.json``).

    Columns: indicator, period (the last year or the whole period), unit, value (in the display
    unit), and ``key``/``raw`` (the summary.json entry and its exact value).
    """
    first, last = summary["years"]
    when = {"last_year": str(last), "period": f"{first}-{last}"}
    rows = []
    for part, name in HEADLINE:
        value = (summary.get(part) or {}).get(name)
        if value is None:
            continue
        kind = kind_of(part, name)
        rows.append(
            {
                labels.text("indicator", lang): label_of(part, name, lang),
                labels.text("year", lang): when[part],
                labels.text("unit", lang): labels.unit(kind, lang),
                labels.text("value", lang): _rounded(value, kind),
                "key": f"{part}.{name}",
                "raw": value,
            }
        )
    return pd.DataFrame(rows)


def by_instrument(summary: dict, lang: str = "nl") -> pd.DataFrame:
    """Users, eligible persons, take-up and public cost per instrument in the last year."""
    last = summary["years"][1]
    rows = []
    for name in INSTRUMENTS:
        entry = (summary.get("by_instrument_last_year") or {}).get(name)
        if not entry or not any(entry.get(k) for k in ("eligible", "users")):
            continue  # absent, or replaced by the scenario
        row = {labels.text("instrument", lang): labels.instrument(name, lang)}
        for key in ("eligible", "users", "take_up_rate", "public_cost_eur"):
            if key in entry:
                kind = labels.unit_kind(key)
                header = f"{labels.indicator(key, lang)} ({labels.unit(kind, lang)}), {last}"
                row[header] = _rounded(entry[key], kind)
        rows.append(row)
    return pd.DataFrame(rows)


def by_group(ind: pd.DataFrame, indicator: str, by: str, lang: str = "nl") -> pd.DataFrame:
    """One indicator (instrument ``all``) by the groups of a breakdown, one column per year."""
    rows = select(ind, indicator, "all", by)
    if rows.empty:
        return pd.DataFrame()
    kind = labels.unit_kind(indicator)
    groups = ordered_groups(rows, by)
    table = rows.pivot_table(index="group", columns="year", values="value", observed=True)
    table.index = table.index.astype(str)
    table = table.reindex(groups).map(lambda v: _rounded(v, kind))
    table.index = [labels.group(g, lang, by) for g in table.index]
    # The indicator in the header: participation and spending tables are otherwise alike.
    table.index.name = (
        f"{labels.indicator(indicator, lang)} ({labels.unit(kind, lang)}) "
        f"{'naar' if lang == 'nl' else 'by'} {labels.group_by(by, lang).lower()}"
    )
    table.columns = [str(c) for c in table.columns]
    return table.reset_index()


def over_time(ind: pd.DataFrame, indicator: str, lang: str = "nl") -> pd.DataFrame:
    """One indicator per instrument (and in total) per year."""
    rows = ind[(ind["indicator"] == indicator) & (ind["group_by"] == "all")]
    if rows.empty:
        return pd.DataFrame()
    kind = labels.unit_kind(indicator)
    table = rows.pivot_table(index="instrument", columns="year", values="value", observed=True)
    # An instrument that is zero throughout (replaced by the scenario) is left out, as in
    # the by-instrument table and the charts.
    active = table.fillna(0).ne(0).any(axis=1)
    order = [i for i in (*INSTRUMENTS, "all") if i in table.index and (active[i] or i == "all")]
    table = table.reindex(order).map(lambda v: _rounded(v, kind))
    table.index = [labels.instrument(i, lang) for i in table.index]
    table.index.name = f"{labels.indicator(indicator, lang)} ({labels.unit(kind, lang)})"
    table.columns = [str(c) for c in table.columns]
    return table.reset_index()


#: The columns of the scenario comparison: (where in summary.json, indicator).
COMPARISON = (
    ("period", "public_cost_eur"),
    ("period", "additional_participants"),
    ("period", "cost_per_additional_participant_eur"),
    ("last_year", "participation_rate"),
    ("last_year", "users"),
    ("last_year", "deadweight_share"),
    ("last_year", "matthew_ratio"),
)


def comparison(summaries: list[dict], lang: str = "nl") -> pd.DataFrame:
    """One row per scenario with its key figures (display units in the headers)."""
    rows = []
    for s in summaries:
        first, last = s["years"]
        row = {labels.text("scenario", lang): (s.get("label") or {}).get(lang, s["scenario"])}
        for part, name in COMPARISON:
            value = (s.get(part) or {}).get(name)
            kind = kind_of(part, name)
            when = str(last) if part == "last_year" else f"{first}-{last}"
            shown = (
                labels.period_indicator(name, lang)
                if part == "period"
                else labels.indicator(name, lang)
            )
            header = f"{shown} ({labels.unit(kind, lang)}), {when}"
            row[header] = None if value is None else _rounded(value, kind)
        rows.append(row)
    return pd.DataFrame(rows)


def _decimals(values) -> int:
    """The decimals a column needs (0-2): enough for its most precise value."""
    needed = 0
    for v in values:
        if isinstance(v, float) and v == v:
            text = f"{round(v, 2):.2f}".rstrip("0")
            needed = max(needed, len(text.split(".")[1]) if "." in text else 0)
    return needed


def to_html(table: pd.DataFrame, lang: str = "nl") -> str:
    """A table as HTML with the language's number format (for notebooks and the index).

    Numbers in a column share their number of decimals; in the headline table (one row per
    indicator) each row takes the decimals of its unit.
    """
    shown = table.drop(columns=[c for c in ("key", "raw") if c in table.columns]).astype(object)
    row_decimals = None
    if "key" in table.columns:
        row_decimals = [DISPLAY.get(kind_of(*k.split(".", 1)), (1.0, 2))[1] for k in table["key"]]
    for column in shown.columns:
        values = list(shown[column])
        if not any(isinstance(v, int | float) and not isinstance(v, bool) for v in values):
            continue
        column_decimals = _decimals(values)
        shown[column] = [
            "–"
            if v is None or (isinstance(v, float) and v != v)
            else number(v, row_decimals[i] if row_decimals else column_decimals, lang)
            if isinstance(v, int | float) and not isinstance(v, bool)
            else v
            for i, v in enumerate(values)
        ]
    return shown.to_html(index=False, classes="llr-table", border=0, escape=True)


_SHEET_BAD = re.compile(r"[\[\]:*?/\\]")


@dataclass
class Workbook:
    """The tables of one report: each written as CSV, all together as one XLSX workbook.

    Attributes:
        folder: Where the CSV files and the workbook go.
        name: The workbook's file name (without ``.xlsx``).
        tables: (sheet name, title, table) in the order added.
    """

    folder: Path
    name: str = "tabellen"
    tables: list[tuple[str, str, pd.DataFrame]] = field(default_factory=list)

    def add(self, key: str, title: str, table: pd.DataFrame) -> Path:
        """Add a table; write it as ``<key>.csv`` now and return that path."""
        self.folder.mkdir(parents=True, exist_ok=True)
        path = atomic_write(self.folder / f"{key}.csv", lambda tmp: table.to_csv(tmp, index=False))
        sheet = _SHEET_BAD.sub("-", title)[:31].strip() or key[:31]
        names = {s for s, _, _ in self.tables}
        base, n = sheet, 2
        while sheet in names:
            suffix = f" ({n})"
            sheet, n = base[: 31 - len(suffix)] + suffix, n + 1
        self.tables.append((sheet, title, table))
        return path

    def write(self, source_line: str = "") -> Path:
        """Write the XLSX workbook (atomically); each sheet starts with its title and source."""
        path = self.folder / f"{self.name}.xlsx"

        def write(tmp: Path) -> None:
            with pd.ExcelWriter(tmp, engine="openpyxl") as writer:
                for sheet, title, table in self.tables:
                    shown = table.drop(columns=[c for c in ("key", "raw") if c in table.columns])
                    shown.to_excel(writer, sheet_name=sheet, index=False, startrow=3)
                    ws = writer.sheets[sheet]
                    ws["A1"] = title
                    ws["A1"].font = Font(bold=True, size=12)
                    ws["A2"] = source_line
                    ws["A2"].font = Font(italic=True, size=8, color="666666")
                    for i, column in enumerate(shown.columns, start=1):
                        width = max([len(str(column))] + [len(str(v)) for v in shown[column]])
                        ws.column_dimensions[ws.cell(row=4, column=i).column_letter].width = min(
                            max(10, width + 2), 60
                        )

        return atomic_write(path, write)


TITLES: dict[str, dict[str, str]] = {
    "headline": {"nl": "Kerncijfers", "en": "Headline figures"},
    "by_instrument": {"nl": "Per instrument", "en": "By instrument"},
    "cost": {"nl": "Overheidsuitgaven per instrument", "en": "Public cost per instrument"},
    "participation": {"nl": "Deelname naar", "en": "Participation by"},
    "spending": {"nl": "Aandeel in de uitgaven naar", "en": "Share of spending by"},
    "comparison": {"nl": "Scenario's vergeleken", "en": "Scenarios compared"},
    "calibration": {"nl": "Kalibratie", "en": "Calibration"},
    "sensitivity": {"nl": "Gevoeligheid", "en": "Sensitivity"},
    "population_age_education": {
        "nl": "Bevolking (duizend personen)",
        "en": "Population (thousand persons)",
    },
    "population_change": {"nl": "Bevolking naar leeftijd", "en": "Population by age"},
    "demographic_accounts": {
        "nl": "Demografische rekening per jaar",
        "en": "Demographic accounts per year",
    },
}


def title(key: str, lang: str = "nl", by: str | None = None) -> str:
    """A table title, e.g. ``Deelname naar opleidingsniveau``."""
    text = TITLES[key][lang]
    return f"{text} {labels.group_by(by, lang).lower()}" if by else text


def calibration(report: pd.DataFrame, lang: str = "nl") -> pd.DataFrame:
    """The calibration report with Dutch or English headers (every target, its source)."""
    names = {
        "nl": {
            "target_id": "Doelcijfer",
            "universe": "Wie",
            "category": "Welke",
            "unit": "Eenheid",
            "status": "Status",
            "use": "Gebruik",
            "year": "Jaar",
            "target": "Doel",
            "synthetic": "Synthetisch",
            "gap": "Verschil",
            "source": "Bron",
        },
        "en": {
            "target_id": "Target",
            "universe": "Who",
            "category": "Which",
            "unit": "Unit",
            "status": "Status",
            "use": "Use",
            "year": "Year",
            "target": "Target value",
            "synthetic": "Synthetic",
            "gap": "Gap",
            "source": "Source",
        },
    }[lang]
    table = report[[c for c in names if c in report.columns]].copy()
    if {"universe", "category", "year"} <= set(report.columns):
        described = [
            labels.calibration_target(r.universe, r.category, r.year, lang)
            for r in report.itertuples()
        ]
        table.insert(1, {"nl": "Omschrijving", "en": "Description"}[lang], described)
    for column in ("synthetic", "gap"):
        if column in table:
            table[column] = table[column].astype(float).round(2)
    return table.rename(columns=names)


def population_text(population, lang: str = "nl") -> str:
    """One paragraph on the population: rows, persons represented, targets met."""
    report = population.calibration
    binding = report[(report["status"] != "assumption") & report["use"].isin(["rake", "check"])]
    failed = int(report["fails"].sum()) if "fails" in report else 0
    rows, total = population.size, population.weighted_total()
    if lang == "nl":
        return (
            f"{number(rows, 0, 'nl')} synthetische personen staan voor "
            f"{number(total / 1e3, 0, 'nl')} duizend inwoners van 18-66 jaar. "
            f"{len(binding) - failed} van de {len(binding)} gepubliceerde doelcijfers liggen "
            "binnen de tolerantie (aandelen ±0,5 procentpunt, aantallen ±1%)."
        )
    return (
        f"{number(rows, 0, 'en')} synthetic persons stand for "
        f"{number(total / 1e3, 0, 'en')} thousand residents aged 18-66. "
        f"{len(binding) - failed} of {len(binding)} published targets are within tolerance "
        "(shares ±0.5 percentage point, counts ±1%)."
    )


def sensitivity(table: pd.DataFrame, central: dict[str, float], lang: str = "nl") -> pd.DataFrame:
    """The sensitivity runs: per assumption and indicator, the value at both ends of its range."""
    rows = []
    names = assumption_labels(table, lang)
    for r, name in zip(table.itertuples(), names, strict=True):
        kind = kind_of("period", r.indicator)
        unit = labels.unit(kind, lang)
        rows.append(
            {
                {"nl": "Veronderstelling", "en": "Assumption"}[lang]: name,
                labels.text("indicator", lang): (
                    f"{labels.period_indicator(r.indicator, lang)} ({unit})"
                ),
                {"nl": "Centraal", "en": "Central"}[lang]: _rounded(central[r.indicator], kind),
                {"nl": "Onderkant", "en": "Low end"}[lang]: _rounded(r.low, kind),
                {"nl": "Bovenkant", "en": "High end"}[lang]: _rounded(r.high, kind),
            }
        )
    return pd.DataFrame(rows)


# ---------------------------------------------------------------------------------------------
# The population over the years


def _years_of(table: pd.DataFrame, years) -> list[int]:
    have = [int(y) for y in table.index]
    return [int(y) for y in years if int(y) in have] if years is not None else have


def _thousands(value: float) -> float | None:
    shown = _rounded(float(value), "persons")
    return None if shown is None else shown + 0.0  # never -0.0


def _percent(value: float) -> float | None:
    return _rounded(float(value), "share")


def population_by_age_education(ind: pd.DataFrame, years=None, lang: str = "nl") -> pd.DataFrame:
    """The population per age band and education, thousands of persons, one column per year.

    Each band has a row per education level and its total; the last rows are 18-66 together.
    From the ``population`` rows by ``age_band,education`` of the indicator table.

    Args:
        ind: The indicator table.
        years: The years shown (None: every year in the table).
        lang: Language.
    """
    cross = population_cross(ind, "age_band,education")
    if cross.empty:
        return pd.DataFrame()
    years = _years_of(cross, years)
    age = labels.population_word("age_band", lang)
    edu_header = labels.population_word("education", lang)
    rows = []
    for band in (*AGE_BANDS, "18-66"):
        bands = AGE_BANDS if band == "18-66" else (band,)
        for edu in (*EDUCATION, "all"):
            levels = EDUCATION if edu == "all" else (edu,)
            persons = sum(cross[(b, e)] for b in bands for e in levels if (b, e) in cross)
            row = {
                age: labels.group(band, lang, "age_band"),
                edu_header: labels.group(edu, lang),
            }
            row.update({str(y): _thousands(persons.loc[y]) for y in years})
            rows.append(row)
    return pd.DataFrame(rows)


def _band_persons(ind: pd.DataFrame) -> pd.DataFrame:
    """Persons per year and age band, with the unions 25-66 and 18-66."""
    persons = population_by(ind, "age_band")
    persons = persons[[b for b in AGE_BANDS if b in persons.columns]]
    persons["25-66"] = persons[[b for b in ADULT_BANDS if b in persons.columns]].sum(axis=1)
    persons["18-66"] = persons[list(AGE_BANDS)].sum(axis=1)
    return persons


def _band_sums(cross: pd.DataFrame, second: str, bands) -> pd.Series:
    return sum(cross[(b, second)] for b in bands if (b, second) in cross)


def population_change(
    ind: pd.DataFrame,
    projection: pd.DataFrame | None = None,
    lang: str = "nl",
    start: int | None = None,
    end: int | None = None,
) -> pd.DataFrame:
    """The population per age band in the first and the last year, with its sex and education.

    One row per age band, and 25-66 and 18-66 together: persons in both years (thousands), the
    change (%), the projection in the last year, the share of women in the last year and the
    share of the high educated in both years (%).

    Args:
        ind: The indicator table (``population`` rows by age band, ``age_band,sex`` and
            ``age_band,education``).
        projection: :func:`llr_sim.reporting.data.projection_bands`, or None.
        lang: Language.
        start: The first year (None: the table's first).
        end: The last year (None: the table's last).
    """
    persons = _band_persons(ind) if not population_by(ind, "age_band").empty else None
    if persons is None:
        return pd.DataFrame()
    start = int(persons.index.min()) if start is None else int(start)
    end = int(persons.index.max()) if end is None else int(end)
    sexes = population_cross(ind, "age_band,sex")
    education = population_cross(ind, "age_band,education")
    proj = projection_table(projection) if projection is not None else None
    word = functools.partial(labels.population_word, lang=lang)
    thousand, pct = word("thousand"), "%"
    rows = []
    for band in (*AGE_BANDS, "25-66", "18-66"):
        bands = {"25-66": ADULT_BANDS, "18-66": AGE_BANDS}.get(band, (band,))
        first, last = persons.loc[start, band], persons.loc[end, band]
        row = {
            word("age_band"): labels.group(band, lang, "age_band"),
            f"{word('population')} {start} ({thousand})": _thousands(first),
            f"{word('population')} {end} ({thousand})": _thousands(last),
            f"{word('change')} {start}-{end} ({pct})": _percent(last / first - 1.0),
        }
        if proj is not None and end in proj.index:
            projected = sum(proj.loc[end, b] for b in bands if b in proj.columns)
            row[f"{word('projection_short')} {end} ({thousand})"] = _thousands(projected)
        if not sexes.empty:
            women = _band_sums(sexes, "F", bands)
            row[f"{word('women')} {end} ({pct})"] = _percent(women.loc[end] / last)
        if not education.empty:
            high = _band_sums(education, "high", bands)
            for year in (start, end):
                row[f"{word('high')} {year} ({pct})"] = _percent(
                    high.loc[year] / persons.loc[year, band]
                )
        rows.append(row)
    return pd.DataFrame(rows)


def _accounts_in(demography: dict, years=None) -> list[dict]:
    """The yearly accounts whose period (1 January Y-1 to 1 January Y) lies within ``years``."""
    records = sorted((demography or {}).get("years", []), key=lambda r: r["year"])
    if years is None:
        return records
    wanted = {int(y) for y in years}
    return [r for r in records if r["year"] in wanted and r["year"] - 1 in wanted]


def _total(values: dict) -> float:
    return float(sum(values.values()))


def _alignment(record: dict) -> float:
    """Persons added (or removed, when negative) by the alignment to the projection."""
    return float(
        sum(
            cell["target"] - cell["before"]
            for sex in record["alignment"].values()
            for cell in sex.values()
        )
    )


def demographic_accounts(demography: dict, lang: str = "nl", years=None) -> pd.DataFrame:
    """The yearly demographic accounts of a run (``provenance["demography"]``), in thousands.

    One row per year's movements, from 1 January of one year to 1 January of the next: the
    entrants (18-year-olds), the leavers (those reaching 67), deaths, net migration, the
    persons the alignment to the projection added, the largest adjustment of a sex and
    five-year band (%), and the population 18-66 at the end.

    Args:
        demography: ``Results.provenance["demography"]``.
        lang: Language.
        years: Show only the periods between two of these years (None: every period).
    """
    records = _accounts_in(demography, years)
    if not records:
        return pd.DataFrame()
    word = functools.partial(labels.population_word, lang=lang)
    thousand = labels.unit("persons", lang)
    rows = []
    for r in records:
        rows.append(
            {
                word("period"): f"{r['year'] - 1}-{r['year']}",
                f"{word('entrants')} ({thousand})": _thousands(_total(r["entrants"])),
                f"{word('leavers')} ({thousand})": _thousands(_total(r["leavers"])),
                f"{word('deaths')} ({thousand})": _thousands(_total(r["deaths"])),
                f"{word('net_migration')} ({thousand})": _thousands(_total(r["net_migration"])),
                f"{word('arrived_as_children')} ({thousand})": _thousands(
                    _total(r.get("arrived_as_children", {}))
                ),
                f"{word('alignment')} ({word('persons')})": round(_alignment(r)) + 0,
                f"{word('largest_adjustment')} (%)": round(float(r["largest_adjustment_pct"]), 3),
                f"{word('persons_end')} ({thousand})": _thousands(r["persons_18_66"]),
            }
        )
    return pd.DataFrame(rows)


def _pct(value: float, lang: str, signed: bool = False) -> str:
    return f"{number(100 * value, 1, lang, signed=signed)}%"


def _trend(first: float, last: float, lang: str) -> str:
    """``stijgt van 46,8% naar 49,7%`` / ``rises from 46.8% to 49.7%`` (shares 0-1)."""
    a, b = _pct(first, lang), _pct(last, lang)
    if a == b:
        return {"nl": f"blijft op {a}", "en": f"stays at {a}"}[lang]
    if last > first:
        return {"nl": f"stijgt van {a} naar {b}", "en": f"rises from {a} to {b}"}[lang]
    return {"nl": f"daalt van {a} naar {b}", "en": f"falls from {a} to {b}"}[lang]


def _band_name(band: str, lang: str) -> str:
    return labels.group(band, lang, "age_band")


def population_change_text(
    ind: pd.DataFrame,
    lang: str = "nl",
    projection: pd.DataFrame | None = None,
    demography: dict | None = None,
    start: int | None = None,
    end: int | None = None,
) -> str:
    """What changes in the population from the first to the last year, in a few sentences.

    Everything is computed from the indicator table (and the projection and the demographic
    accounts when given): the total, the age bands that grow and shrink most, the education of
    25-64, the share of women, how close the model stays to the projection, and the yearly
    entrants, leavers, deaths and net migration.
    """
    if population_by(ind, "age_band").empty:
        return ""
    persons = _band_persons(ind)
    start = int(persons.index.min()) if start is None else int(start)
    end = int(persons.index.max()) if end is None else int(end)
    nl = lang == "nl"
    k = functools.partial(number, decimals=0, lang=lang)
    first, last = persons.loc[start, "18-66"], persons.loc[end, "18-66"]
    change = last / first - 1.0
    sentences = []
    if start == end:
        sentences.append(
            f"In {end} telt de bevolking van 18-66 jaar {k(last / 1e3)} duizend personen."
            if nl
            else f"In {end} the population aged 18-66 is {k(last / 1e3)} thousand."
        )
    else:
        shown = _pct(change, lang, signed=True)
        if shown in ("+0,0%", "-0,0%", "+0.0%", "-0.0%"):
            verb = {"nl": "blijft ongeveer gelijk:", "en": "stays about the same:"}[lang]
        else:
            verb = {"nl": ("groeit", "krimpt"), "en": ("grows", "shrinks")}[lang][int(change < 0)]
        sentences.append(
            f"Tussen {start} en {end} {verb} de bevolking van 18-66 jaar, van {k(first / 1e3)} "
            f"tot {k(last / 1e3)} duizend personen ({shown})."
            if nl
            else f"Between {start} and {end} the population aged 18-66 {verb} from "
            f"{k(first / 1e3)} to {k(last / 1e3)} thousand ({shown})."
        )
        bands = {b: persons.loc[end, b] / persons.loc[start, b] - 1.0 for b in AGE_BANDS}
        grows = max(bands, key=bands.get)
        shrinks = min(bands, key=bands.get)
        listed = ", ".join(
            f"{_band_name(b, lang) if nl else b} {_pct(v, lang, signed=True)}"
            for b, v in bands.items()
        )
        parts = []
        if bands[grows] > 0:
            parts.append(
                f"het sterkst groeit de groep van {_band_name(grows, lang)} "
                f"({_pct(bands[grows], lang, signed=True)})"
                if nl
                else f"the group aged {grows} grows most ({_pct(bands[grows], lang, signed=True)})"
            )
        if bands[shrinks] < 0:
            parts.append(
                f"het sterkst krimpt die van {_band_name(shrinks, lang)} "
                f"({_pct(bands[shrinks], lang, signed=True)})"
                if nl
                else f"the group aged {shrinks} shrinks most "
                f"({_pct(bands[shrinks], lang, signed=True)})"
            )
        lead = ", ".join(parts)
        lead = lead[:1].upper() + lead[1:] + "; " if lead else ""
        sentences.append(
            f"{lead}{'per leeftijdsgroep' if nl else 'by age band'}: {listed}."
            if lead
            else f"{'Per leeftijdsgroep' if nl else 'By age band'}: {listed}."
        )
    shares, ages = education_shares(ind), adult_ages(ind)
    if not shares.empty and start in shares.index and end in shares.index:
        high = _trend(shares.loc[start, "high"], shares.loc[end, "high"], lang)
        low = _trend(shares.loc[start, "low"], shares.loc[end, "low"], lang)
        if start == end:
            high = _pct(shares.loc[end, "high"], lang)
            low = _pct(shares.loc[end, "low"], lang)
            sentences.append(
                f"Van de {ages}-jarigen is {high} hooggeschoold en {low} laaggeschoold."
                if nl
                else f"Of those aged {ages}, {high} are high and {low} low educated."
            )
        else:
            sentences.append(
                f"Het aandeel hooggeschoolden bij de {ages}-jarigen {high}, het aandeel "
                f"laaggeschoolden {low}."
                if nl
                else f"The share of the high educated among those aged {ages} {high}; that of "
                f"the low educated {low}."
            )
    sexes = population_cross(ind, "age_band,sex")
    if not sexes.empty:
        women = _band_sums(sexes, "F", AGE_BANDS) / persons["18-66"]
        sentences.append(
            f"Vrouwen zijn in {end} {_pct(women.loc[end], lang)} van de 18-66-jarigen."
            if nl
            else f"Women are {_pct(women.loc[end], lang)} of those aged 18-66 in {end}."
        )
    if projection is not None and not sexes.empty:
        proj = projection_table(projection, by_sex=True)
        window = [y for y in sexes.index if start <= y <= end and y in proj.index]
        cells = [c for c in sexes.columns if c in proj.columns]
        if window and cells:
            model = sexes.loc[window, cells]
            gap = float((model / proj.loc[window, cells] - 1.0).abs().to_numpy().max())
            tiny = gap < 0.00005
            bound = (
                {"nl": "minder dan 0,01%", "en": "0.01%"}[lang]
                if tiny
                else f"{'hoogstens ' if nl else ''}{number(100 * gap, 2, lang)}%"
            )
            sentences.append(
                f"Per geslacht en leeftijdsgroep wijkt het model {bound} af van de "
                "projectie waarnaar het elk jaar wordt bijgestuurd: een cohortprojectie van "
                "llr-sim, afgestemd op de bevolking van 1 januari 2025 (Statbel) en die van 2033 "
                "volgens Statistiek Vlaanderen."
                if nl
                else f"By sex and age band the model is within {bound} of the projection it is "
                "aligned to every year: a cohort projection by llr-sim, fitted to the population "
                "of 1 January 2025 (Statbel) and that of 2033 of Statistics Flanders."
            )
    records = _accounts_in(demography, range(start, end + 1)) if demography else []
    if records:
        n = len(records)
        mean = {
            key: sum(_total(r.get(key, {})) for r in records) / n / 1e3
            for key in ("entrants", "leavers", "deaths", "net_migration", "arrived_as_children")
        }
        children = mean["arrived_as_children"]
        one = functools.partial(number, decimals=1, lang=lang)
        migration = mean["net_migration"]
        if nl:
            moves = (
                f"voegt de netto migratie van 19-66-jarigen er {one(migration)} duizend toe"
                if migration >= 0
                else f"vermindert de netto migratie van 19-66-jarigen de bevolking met "
                f"{one(-migration)} duizend"
            )
            if children > 0.05:
                moves += f" (en {one(children)} duizend 18-jarigen kwamen na 2021 als kind)"
            sentences.append(
                f"Per jaar komen er gemiddeld {one(mean['entrants'])} duizend 18-jarigen bij, "
                f"bereiken {one(mean['leavers'])} duizend personen de leeftijd van 67 jaar, "
                f"overlijden er {one(mean['deaths'])} duizend personen van 18-66 jaar en "
                f"{moves}."
            )
        else:
            moves = (
                f"net migration at ages 19-66 adds {one(migration)} thousand"
                if migration >= 0
                else f"net migration at ages 19-66 removes {one(-migration)} thousand"
            )
            if children > 0.05:
                moves += (
                    f" ({one(children)} thousand of the 18-year-olds came after 2021 as children)"
                )
            sentences.append(
                f"Each year on average {one(mean['entrants'])} thousand 18-year-olds enter, "
                f"{one(mean['leavers'])} thousand persons reach 67, "
                f"{one(mean['deaths'])} thousand persons aged 18-66 die and {moves}."
            )
    return " ".join(sentences)
