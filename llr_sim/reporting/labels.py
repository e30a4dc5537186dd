"""Words on charts and tables, in Dutch (the default) and English.

The concept note is written in Dutch, so every label has a Dutch form first; ``lang="en"`` gives
the English one. A name without a label is shown as it is, never dropped.
"""

from __future__ import annotations

LANGUAGES = ("nl", "en")

INSTRUMENTS: dict[str, dict[str, str]] = {
    "opleidingscheques": {"nl": "Opleidingscheques", "en": "Training vouchers"},
    "loopbaancheques": {"nl": "Loopbaancheques", "en": "Career guidance vouchers"},
    "opleidingsverlof": {"nl": "Vlaams opleidingsverlof", "en": "Flemish training leave"},
    "opleidingskrediet": {"nl": "Vlaams opleidingskrediet", "en": "Flemish training credit"},
    "ontwikkelbudget": {"nl": "Ontwikkelbudget", "en": "Personal development budget"},
    "all": {"nl": "Alle instrumenten", "en": "All instruments"},
}

GROUP_BY: dict[str, dict[str, str]] = {
    "all": {"nl": "Totaal", "en": "Total"},
    "education": {"nl": "Opleidingsniveau", "en": "Education"},
    "age_band": {"nl": "Leeftijd", "en": "Age"},
    "sex": {"nl": "Geslacht", "en": "Sex"},
    "status": {"nl": "Statuut", "en": "Status"},
    "firm_size": {"nl": "Bedrijfsgrootte", "en": "Firm size"},
    "wage_quintile": {"nl": "Loonkwintiel", "en": "Wage quintile"},
}

GROUPS: dict[str, dict[str, str]] = {
    "all": {"nl": "Totaal", "en": "Total"},
    "low": {"nl": "Laaggeschoold", "en": "Low educated"},
    "medium": {"nl": "Middengeschoold", "en": "Medium educated"},
    "high": {"nl": "Hooggeschoold", "en": "High educated"},
    "M": {"nl": "Mannen", "en": "Men"},
    "F": {"nl": "Vrouwen", "en": "Women"},
    "employee_private": {"nl": "Werknemer privé", "en": "Private employee"},
    "employee_public": {"nl": "Werknemer publiek", "en": "Public employee"},
    "self_employed": {"nl": "Zelfstandige", "en": "Self-employed"},
    "unemployed": {"nl": "Werkzoekende", "en": "Unemployed"},
    "inactive": {"nl": "Inactief", "en": "Inactive"},
    "micro": {"nl": "Micro (<10)", "en": "Micro (<10)"},
    "small": {"nl": "Klein (10-49)", "en": "Small (10-49)"},
    "medium_firm": {"nl": "Middelgroot (50-249)", "en": "Medium (50-249)"},
    "large": {"nl": "Groot (250+)", "en": "Large (250+)"},
    "none": {"nl": "Geen werkgever", "en": "No employer"},
    "no_wage": {"nl": "Geen loon", "en": "No wage"},
}

#: Indicator names, their unit kind and their labels. The unit kind picks the axis format.
INDICATORS: dict[str, dict[str, str]] = {
    "population": {"unit": "persons", "nl": "Bevolking 18-66", "en": "Population 18-66"},
    "participants": {
        "unit": "persons",
        "nl": "Deelnemers aan opleiding",
        "en": "Training participants",
    },
    "participation_rate": {
        "unit": "share",
        "nl": "Deelname aan opleiding",
        "en": "Training participation",
    },
    "eligible": {"unit": "persons", "nl": "Rechthebbenden", "en": "Eligible persons"},
    "users": {"unit": "persons", "nl": "Gebruikers", "en": "Users"},
    "take_up_rate": {"unit": "share", "nl": "Gebruiksgraad", "en": "Take-up rate"},
    "public_cost_eur": {"unit": "eur", "nl": "Overheidsuitgaven", "en": "Public cost"},
    "additional_participants": {
        "unit": "persons",
        "nl": "Bijkomende deelnemers",
        "en": "Additional participants",
    },
    "deadweight_share": {
        "unit": "share",
        "nl": "Meeloopeffect (deadweight)",
        "en": "Deadweight share",
    },
    "cost_per_additional_participant_eur": {
        "unit": "eur_each",
        "nl": "Kost per bijkomende deelnemer",
        "en": "Cost per additional participant",
    },
    "non_take_up_share": {"unit": "share", "nl": "Niet-gebruik", "en": "Non-take-up"},
    "matthew_ratio": {
        "unit": "ratio",
        "nl": "Mattheüsratio (hoog/laag geschoold)",
        "en": "Matthew ratio (high/low educated)",
    },
    "spending_share": {"unit": "share", "nl": "Aandeel in de uitgaven", "en": "Share of spending"},
    "unused_balance_eur": {"unit": "eur", "nl": "Ongebruikt tegoed", "en": "Unused balance"},
    "portability_events": {
        "unit": "count",
        "nl": "Meegenomen rechten (jobwissels)",
        "en": "Rights carried over (job changes)",
    },
}

#: Unit texts for axes and table headers.
UNITS: dict[str, dict[str, str]] = {
    "persons": {"nl": "duizend personen", "en": "thousand persons"},
    "share": {"nl": "%", "en": "%"},
    "eur": {"nl": "miljoen euro", "en": "EUR million"},
    "eur_each": {"nl": "euro per persoon", "en": "EUR per person"},
    "ratio": {"nl": "verhouding", "en": "ratio"},
    "count": {"nl": "duizend", "en": "thousand"},
}

#: Running text: titles, column headers and sentences used by charts, tables and notebooks.
TEXT: dict[str, dict[str, str]] = {
    "source": {"nl": "Bron", "en": "Source"},
    "scale": {"nl": "schaal", "en": "scale"},
    "seed": {"nl": "seed", "en": "seed"},
    "replicates": {"nl": "replicaties", "en": "replicates"},
    "year": {"nl": "Jaar", "en": "Year"},
    "scenario": {"nl": "Scenario", "en": "Scenario"},
    "indicator": {"nl": "Indicator", "en": "Indicator"},
    "instrument": {"nl": "Instrument", "en": "Instrument"},
    "group": {"nl": "Groep", "en": "Group"},
    "value": {"nl": "Waarde", "en": "Value"},
    "unit": {"nl": "Eenheid", "en": "Unit"},
    "ci": {"nl": "90%-interval (replicaties)", "en": "90% interval (replicates)"},
    "period_total": {"nl": "Totaal periode", "en": "Period total"},
    "last_year": {"nl": "Laatste jaar", "en": "Last year"},
    "headline": {"nl": "Kerncijfers", "en": "Headline figures"},
    "by_instrument": {"nl": "Per instrument", "en": "By instrument"},
    "uncertainty_note": {
        "nl": "Banden: 5e tot 95e percentiel over de replicaties.",
        "en": "Bands: 5th to 95th percentile over the replicates.",
    },
}

#: Headings and short explanations of the report sections (rendered in the notebooks).
SECTIONS: dict[str, dict[str, str]] = {
    "population": {
        "nl": "De synthetische Vlaamse beroepsbevolking",
        "en": "The synthetic Flemish workforce",
    },
    "calibration": {
        "nl": "Kalibratie: synthetische waarde tegenover het doelcijfer",
        "en": "Calibration: synthetic value against the target",
    },
    "headline": {"nl": "Kerncijfers", "en": "Headline figures"},
    "take_up": {
        "nl": "Gebruik en kosten per instrument",
        "en": "Take-up and cost per instrument",
    },
    "participation": {
        "nl": "Deelname naar opleiding, leeftijd en statuut",
        "en": "Participation by education, age and status",
    },
    "additionality": {
        "nl": "Meeloopeffect en bijkomende deelnemers",
        "en": "Deadweight and additionality",
    },
    "spending": {"nl": "Wie ontvangt het geld?", "en": "Who receives the money?"},
    "budgets": {"nl": "Budgetten en ongebruikte rechten", "en": "Budgets and unused rights"},
    "compare": {"nl": "Scenario's naast elkaar", "en": "Scenarios side by side"},
    "sensitivity": {
        "nl": "Gevoeligheid voor gedragsveronderstellingen",
        "en": "Sensitivity to behavioural assumptions",
    },
    "files": {"nl": "Bestanden", "en": "Files"},
}


def check_lang(lang: str) -> str:
    """Return ``lang`` when it is a supported language.

    Raises:
        InputError: For any other value.
    """
    from llr_sim.errors import InputError

    if lang not in LANGUAGES:
        raise InputError("lang", f"expected one of {', '.join(LANGUAGES)}, got {lang!r}")
    return lang


def _pick(table: dict[str, dict[str, str]], key: str, lang: str) -> str:
    entry = table.get(key)
    return entry[lang] if entry and lang in entry else str(key)


def instrument(name: str, lang: str = "nl") -> str:
    """Label of an instrument id."""
    return _pick(INSTRUMENTS, name, lang)


def group_by(name: str, lang: str = "nl") -> str:
    """Label of a breakdown (``education``, ``age_band``, ...)."""
    return _pick(GROUP_BY, name, lang)


def group(name: str, lang: str = "nl", by: str | None = None) -> str:
    """Label of a group; ``medium`` means a firm size when ``by`` is ``firm_size``."""
    if by == "firm_size" and name == "medium":
        name = "medium_firm"
    if by == "age_band":
        return f"{name} {'jaar' if lang == 'nl' else 'years'}" if name != "all" else group("all")
    if by == "wage_quintile" and name not in ("all", "no_wage"):
        return str(name).upper() if str(name).upper().startswith("Q") else f"Q{name}"
    return _pick(GROUPS, name, lang)


def indicator(name: str, lang: str = "nl") -> str:
    """Label of an indicator."""
    return _pick(INDICATORS, name, lang)


def unit_kind(name: str) -> str:
    """The unit kind of an indicator (``persons``, ``share``, ``eur``, ...)."""
    return INDICATORS.get(name, {}).get("unit", "count")


def unit(kind: str, lang: str = "nl") -> str:
    """Text of a unit kind, for axes and headers."""
    return _pick(UNITS, kind, lang)


def text(key: str, lang: str = "nl") -> str:
    """A running-text word or phrase."""
    return _pick(TEXT, key, lang)


def section(key: str, lang: str = "nl") -> str:
    """A report section heading."""
    return _pick(SECTIONS, key, lang)
