"""Words on charts and tables, in Dutch (the default) and English.

The concept note is written in Dutch, so every label has a Dutch form first; ``lang="en"`` gives
the English one. A name without a label is shown as it is, never dropped.
"""

from __future__ import annotations

from llr_sim.errors import InputError

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
        "unit": "job_changes",
        "nl": "Meegenomen rechten (jobwissels)",
        "en": "Rights carried over (job changes)",
    },
}

#: Totals over the simulated period. A yearly count of persons summed over the years counts a
#: person once for every year they train: participations (person-years), not persons.
PERIOD_INDICATORS: dict[str, dict[str, str]] = {
    "participants": {
        "unit": "participations",
        "nl": "Deelnames aan opleiding",
        "en": "Training participations",
    },
    "users": {"unit": "uses", "nl": "Gebruik van de instrumenten", "en": "Instrument uses"},
    "additional_participants": {
        "unit": "participations",
        "nl": "Bijkomende deelnames",
        "en": "Additional participations",
    },
    "public_cost_eur": {"unit": "eur", "nl": "Overheidsuitgaven", "en": "Public cost"},
    "cost_per_additional_participant_eur": {
        "unit": "eur_per_participation",
        "nl": "Kost per bijkomende deelname",
        "en": "Cost per additional participation",
    },
    "participation_rate_25_64_mean": {
        "unit": "share",
        "nl": "Deelname aan opleiding 25-64 (gemiddelde)",
        "en": "Training participation 25-64 (mean)",
    },
}

#: Unit texts for axes and table headers.
UNITS: dict[str, dict[str, str]] = {
    "persons": {"nl": "duizend personen", "en": "thousand persons"},
    "participations": {
        "nl": "duizend deelnames (persoonsjaren)",
        "en": "thousand participations (person-years)",
    },
    "uses": {
        "nl": "duizend keer gebruikt (persoonsjaren)",
        "en": "thousand uses (person-years)",
    },
    "share": {"nl": "%", "en": "%"},
    "eur": {"nl": "miljoen euro (lopende prijzen)", "en": "EUR million (current prices)"},
    "eur_each": {
        "nl": "euro per bijkomende deelnemer (lopende prijzen)",
        "en": "EUR per additional participant (current prices)",
    },
    "eur_per_participation": {
        "nl": "euro per bijkomende deelname (lopende prijzen)",
        "en": "EUR per additional participation (current prices)",
    },
    "ratio": {"nl": "verhouding", "en": "ratio"},
    "job_changes": {
        "nl": "duizend jobwissels met budget",
        "en": "thousand job changes carrying a budget",
    },
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
    "no_bands": {
        "nl": "Geen onzekerheidsmarges: 1 replicatie; gebruik --replicates (meer dan 1) voor "
        "banden van het 5e tot het 95e percentiel.",
        "en": "No uncertainty bands: 1 replicate; use --replicates (more than 1) for bands from "
        "the 5th to the 95th percentile.",
    },
    "explored": {"nl": "verkend", "en": "explored"},
    "no_budgets": {
        "nl": "geen persoonlijke budgetten in dit scenario",
        "en": "no personal budgets in this scenario",
    },
    "figures": {"nl": "figuren", "en": "figures"},
    "tables": {"nl": "tabellen", "en": "tables"},
    "accounts_note": {
        "nl": "Elke rij telt de bewegingen van 1 januari tot 1 januari van het jaar erna: de "
        "bevolking van 18-66 jaar aan het einde is die aan het begin, plus de instroom, min de "
        "uitstroom en de overlijdens, plus de netto migratie en de bijsturing naar de "
        "projectie (in personen; de grootste bijsturing van een geslacht en vijfjarige "
        "leeftijdsgroep in %).",
        "en": "Each row counts the movements from 1 January to 1 January of the next year: the "
        "population aged 18-66 at the end is the one at the start, plus the entrants, less the "
        "leavers and the deaths, plus net migration and the alignment to the projection (in "
        "persons; the largest adjustment of a sex and five-year age band in %).",
    },
}

#: Behavioural assumptions varied in the sensitivity analysis (``behaviour.yaml`` describes
#: them in English only, in sentences too long for a chart).
ASSUMPTIONS: dict[str, dict[str, str]] = {
    "awareness.overview_multiplier": {
        "nl": "Bekendheid door het digitaal overzicht",
        "en": "Awareness from the digital overview",
    },
    "awareness.word_of_mouth": {
        "nl": "Mond-tot-mondreclame onder collega's",
        "en": "Word of mouth among colleagues",
    },
    "hassle.single_counter_factor": {
        "nl": "Administratieve last bij één digitaal loket",
        "en": "Hassle with a single digital counter",
    },
    "ontwikkelbudget.salience": {
        "nl": "Zichtbaarheid van het eigen ontwikkelbudget",
        "en": "Salience of one's own development budget",
    },
    "employer.substitution": {
        "nl": "Werkgever schuift opleidingen af op het budget",
        "en": "Employer shifts courses onto the budget",
    },
    "barrier.money": {"nl": "Financiële drempel", "en": "Financial barrier"},
    "barrier.time": {"nl": "Tijdsdrempel", "en": "Time barrier"},
    "provider.price_pass_through": {
        "nl": "Doorrekening in de prijs door opleiders",
        "en": "Price pass-through by providers",
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
    "population_over_time": {
        "nl": "Bevolking door de jaren heen",
        "en": "The population over the years",
    },
}

#: Words of the population charts, tables and text (``population_*`` in charts and tables).
POPULATION: dict[str, dict[str, str]] = {
    "model": {"nl": "model (llr-sim)", "en": "model (llr-sim)"},
    "projection": {
        "nl": "projectie (op Statbel 2025 en Statistiek Vlaanderen 2033)",
        "en": "projection (fitted to Statbel 2025 and Statistics Flanders 2033)",
    },
    "projection_source": {
        "nl": "projectie: Statbel 18-64 op 1 januari 2025 en Statistiek Vlaanderen, "
        "bevolkingsvooruitzichten 2024",
        "en": "projection: Statbel 18-64 on 1 January 2025 and Statistics Flanders, "
        "population projections 2024",
    },
    "published": {"nl": "gepubliceerd (EAK)", "en": "published (LFS)"},
    "published_note": {
        "nl": "Model: 25-66 jaar; EAK: 25-64 jaar (middengeschoold: de rest)",
        "en": "Model: ages 25-66; LFS: ages 25-64 (medium: the remainder)",
    },
    "published_note_same": {
        "nl": "Model en EAK: 25-64 jaar (middengeschoold: de rest)",
        "en": "Model and LFS: ages 25-64 (medium: the remainder)",
    },
    "published_by_band_note": {
        "nl": "EAK 2022; de oudste groep is daar 55-64 jaar",
        "en": "LFS 2022; its oldest band is 55-64",
    },
    "published_source": {
        "nl": "gepubliceerd: Statistiek Vlaanderen en Statbel (EAK)",
        "en": "published: Statistics Flanders and Statbel (LFS)",
    },
    "age_band": {"nl": "Leeftijd", "en": "Age"},
    "education": {"nl": "Opleidingsniveau", "en": "Education"},
    "total": {"nl": "Totaal", "en": "Total"},
    "period": {"nl": "Periode (1 januari tot 1 januari)", "en": "Period (1 January to 1 January)"},
    "entrants": {"nl": "Instroom: 18-jarigen", "en": "Entrants: 18-year-olds"},
    "leavers": {"nl": "Uitstroom: 67-jarigen", "en": "Leavers: 67-year-olds"},
    "deaths": {"nl": "Overlijdens", "en": "Deaths"},
    "net_migration": {"nl": "Netto migratie 19-66 jaar", "en": "Net migration, ages 19-66"},
    "arrived_as_children": {
        "nl": "Als kind ingeweken, mee met de 18-jarigen",
        "en": "Arrived as children, with the 18-year-olds",
    },
    "alignment": {"nl": "Bijsturing naar de projectie", "en": "Alignment to the projection"},
    "persons": {"nl": "personen", "en": "persons"},
    "largest_adjustment": {
        "nl": "Grootste bijsturing van een groep",
        "en": "Largest adjustment of a group",
    },
    "persons_end": {
        "nl": "Bevolking 18-66 aan het einde",
        "en": "Population 18-66 at the end",
    },
    "thousand": {"nl": "duizend", "en": "thousand"},
    "women": {"nl": "Vrouwen", "en": "Women"},
    "high": {"nl": "Hooggeschoold", "en": "High educated"},
    "change": {"nl": "Verandering", "en": "Change"},
    "population": {"nl": "Bevolking", "en": "Population"},
    "projection_short": {"nl": "Projectie", "en": "Projection"},
}


def check_lang(lang: str, where: str = "lang") -> str:
    """Return ``lang`` when it is a supported language.

    Raises:
        InputError: For any other value, naming ``where`` (``--lang`` on the command line).
    """
    if lang not in LANGUAGES:
        raise InputError(where, f"expected one of {', '.join(LANGUAGES)}, got {lang!r}")
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


def period_indicator(name: str, lang: str = "nl") -> str:
    """Label of a total over the period (``summary["period"]``), e.g. ``Bijkomende deelnames``."""
    return (
        _pick(PERIOD_INDICATORS, name, lang) if name in PERIOD_INDICATORS else indicator(name, lang)
    )


def period_unit_kind(name: str) -> str:
    """The unit kind of a total over the period: participations where yearly counts add up."""
    entry = PERIOD_INDICATORS.get(name)
    return entry["unit"] if entry else unit_kind(name)


def assumption(name: str, lang: str = "nl") -> str:
    """Readable label of a behavioural parameter (its dotted name when it has none)."""
    return _pick(ASSUMPTIONS, name, lang)


_UNIVERSE = {
    "labour=employed": {"nl": "werkenden", "en": "employed"},
    "labour=unemployed": {"nl": "werklozen", "en": "unemployed"},
    "labour=inactive": {"nl": "inactieven", "en": "inactive"},
    "labour=employed|unemployed": {"nl": "beroepsbevolking", "en": "labour force"},
}
_CATEGORY = {
    "labour=employed": {"nl": "Werkend", "en": "Employed"},
    "labour=unemployed": {"nl": "Werkloos", "en": "Unemployed"},
    "labour=inactive": {"nl": "Inactief", "en": "Inactive"},
    "lives_alone=true": {"nl": "Alleenwonend", "en": "Living alone"},
    "part_time=true": {"nl": "Deeltijds", "en": "Part-time"},
    "sector=other": {"nl": "Overige sectoren", "en": "Other sectors"},
}


def _condition(text: str, lang: str, table: dict[str, dict[str, str]]) -> str:
    if text in table:
        return table[text][lang]
    key, _, value = text.partition("=")
    if key == "age":
        return f"{value} {'jaar' if lang == 'nl' else 'years'}"
    if key in ("education", "sex", "status", "firm_size"):
        return group(value, lang, by=key)
    if key == "sector":
        return f"sector {value}"
    return text


def calibration_target(universe: str, category: str, year, lang: str = "nl") -> str:
    """A readable name for a calibration target, e.g. ``Laaggeschoold – 25-64 jaar (2022)``."""
    what = _condition(str(category), lang, _CATEGORY)
    who = [_condition(part, lang, _UNIVERSE) for part in str(universe).split(";") if part.strip()]
    who = [w if w[:2].isupper() else w[:1].lower() + w[1:] for w in who]
    label = f"{what[:1].upper()}{what[1:]}"
    if who:
        label += " – " + ", ".join(who)
    try:
        return f"{label} ({int(year)})"
    except (TypeError, ValueError):
        return label


def unit(kind: str, lang: str = "nl") -> str:
    """Text of a unit kind, for axes and headers."""
    return _pick(UNITS, kind, lang)


def text(key: str, lang: str = "nl") -> str:
    """A running-text word or phrase."""
    return _pick(TEXT, key, lang)


def section(key: str, lang: str = "nl") -> str:
    """A report section heading."""
    return _pick(SECTIONS, key, lang)


def population_word(key: str, lang: str = "nl") -> str:
    """A word of the population charts, tables and text (:data:`POPULATION`)."""
    return _pick(POPULATION, key, lang)
