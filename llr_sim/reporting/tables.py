"""Tables for the concept note, written as CSV and as one XLSX workbook per report.

Built from a run's summary and indicators; one labelled sheet per table in the workbook.

Values are in their display unit (thousands of persons, EUR million, percent) and the unit is
a column of its own, so a table pasted into the note reads without a legend.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
from openpyxl.styles import Font

from llr_sim.fileio import atomic_write
from llr_sim.reporting import labels
from llr_sim.reporting.data import INSTRUMENTS, assumption_labels, ordered_groups, select
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
