"""Charts and tables on a small real run: labels, units, source line, both languages."""

from __future__ import annotations

import itertools

import matplotlib.pyplot as plt
import pandas as pd
import pytest
from matplotlib.collections import LineCollection, PolyCollection
from matplotlib.colors import to_hex
from matplotlib.text import Text
from openpyxl import load_workbook
from PIL import Image

import llr_sim
from llr_sim.reporting import charts, labels, tables
from llr_sim.reporting.style import GROUP_COLOURS, Source, number, save_figure
from llr_sim.simulation import simulate


@pytest.fixture(autouse=True)
def _close_figures():

    yield
    plt.close("all")


@pytest.fixture(scope="module")
def run():
    return simulate("portable_budget", scale=0.003, seed=0, years=range(2024, 2026))


def test_numbers_in_dutch_and_english():
    assert number(1234567.891, 1, "nl") == "1.234.567,9"
    assert number(1234567.891, 1, "en") == "1,234,567.9"
    assert number(0.02, None, "nl") == "0,02"
    assert number(3.26, 1, "nl", signed=True) == "+3,3"


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_every_scenario_chart_has_title_units_and_source(run, tmp_path, lang):
    source = Source("portable_budget", 0.003, 0)
    words = {
        "nl": ("Bron: llr-sim", "duizend personen", "miljoen euro"),
        "en": ("Source: llr-sim", "thousand persons", "EUR million"),
    }[lang]
    svgs = ""
    for draw in (
        charts.take_up,
        charts.cost,
        charts.participation,
        charts.additionality,
        charts.spending,
        charts.budgets,
    ):
        fig = draw(run.indicators, source, lang)
        assert fig._suptitle is not None and fig._suptitle.get_text()
        paths = save_figure(fig, tmp_path, draw.__name__)
        assert paths["png"].stat().st_size > 10_000
        svg = paths["svg"].read_text()
        assert words[0] in svg and "portable_budget" in svg
        svgs += svg
    assert words[1] in svgs and words[2] in svgs
    other = "Gebruikers" if lang == "en" else "Users"
    assert other not in svgs


def test_png_is_300_dpi(run, tmp_path):

    fig = charts.cost(run.indicators, Source("x", 0.003, 0))
    paths = save_figure(fig, tmp_path, "cost")
    with Image.open(paths["png"]) as image:
        assert round(image.info["dpi"][0]) == 300
        assert image.size[0] == 8 * 300


def test_headline_table_from_summary(run):
    table = tables.headline(run.summary, "en")
    row = table[table["key"] == "period.public_cost_eur"].iloc[0]
    assert row["Value"] == round(run.summary["period"]["public_cost_eur"] / 1e6, 1)
    assert row["Unit"] == labels.unit("eur", "en")


def test_workbook_has_a_labelled_sheet_per_table(run, tmp_path):

    book = tables.Workbook(tmp_path)
    book.add("kerncijfers", "Kerncijfers", tables.headline(run.summary))
    book.add(
        "deelname",
        "Deelname naar opleidingsniveau",
        tables.by_group(run.indicators, "participation_rate", "education"),
    )
    path = book.write("Bron: test")
    sheets = load_workbook(path).worksheets
    assert [s.title for s in sheets] == ["Kerncijfers", "Deelname naar opleidingsniveau"]
    assert sheets[0]["A1"].value == "Kerncijfers" and sheets[0]["A2"].value == "Bron: test"
    assert (tmp_path / "kerncijfers.csv").is_file()


# ---------------------------------------------------------------------------------------------
# Units, written out here (not taken from the code that renders them)

#: summary.json entry -> (label, unit) in Dutch and English, as a reader of the note sees them.
EXPECTED_UNITS = {
    "last_year.participants": {
        "nl": ("Deelnemers aan opleiding", "duizend personen"),
        "en": ("Training participants", "thousand persons"),
    },
    "last_year.public_cost_eur": {
        "nl": ("Overheidsuitgaven", "miljoen euro (lopende prijzen)"),
        "en": ("Public cost", "EUR million (current prices)"),
    },
    "last_year.participation_rate": {
        "nl": ("Deelname aan opleiding", "%"),
        "en": ("Training participation", "%"),
    },
    "period.participants": {
        "nl": ("Deelnames aan opleiding (totaal periode)", "duizend deelnames (persoonsjaren)"),
        "en": ("Training participations (period total)", "thousand participations (person-years)"),
    },
    "period.additional_participants": {
        "nl": ("Bijkomende deelnames (totaal periode)", "duizend deelnames (persoonsjaren)"),
        "en": (
            "Additional participations (period total)",
            "thousand participations (person-years)",
        ),
    },
    "period.users": {
        "nl": (
            "Gebruik van de instrumenten (totaal periode)",
            "duizend keer gebruikt (persoonsjaren)",
        ),
        "en": ("Instrument uses (period total)", "thousand uses (person-years)"),
    },
    "period.public_cost_eur": {
        "nl": ("Overheidsuitgaven (totaal periode)", "miljoen euro (lopende prijzen)"),
        "en": ("Public cost (period total)", "EUR million (current prices)"),
    },
    "period.cost_per_additional_participant_eur": {
        "nl": (
            "Kost per bijkomende deelname (totaal periode)",
            "euro per bijkomende deelname (lopende prijzen)",
        ),
        "en": (
            "Cost per additional participation (period total)",
            "EUR per additional participation (current prices)",
        ),
    },
}


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_headline_units_are_persons_only_for_a_single_year(run, lang):
    table = tables.headline(run.summary, lang).set_index("key")
    label, unit = labels.text("indicator", lang), labels.text("unit", lang)
    for key, expected in EXPECTED_UNITS.items():
        assert (table.loc[key, label], table.loc[key, unit]) == expected[lang], key
    # No total over the years is counted in persons: they can exceed the population.
    periods = table[table.index.str.startswith("period.")]
    assert not periods[unit].str.contains("person(?:en|s)\\b").any()


def test_comparison_table_and_chart_units(run):
    table = tables.comparison([run.summary], "nl")
    first, last = run.summary["years"]
    assert f"Bijkomende deelnames (duizend deelnames (persoonsjaren)), {first}-{last}" in table
    assert f"Overheidsuitgaven (miljoen euro (lopende prijzen)), {first}-{last}" in table
    assert (
        f"Kost per bijkomende deelname (euro per bijkomende deelname (lopende prijzen)), "
        f"{first}-{last}" in table
    )
    fig = charts.cost_vs_additional(
        run.indicators, Source("x", 0.003, 0), charts.scenario_labels([run.summary])
    )
    assert fig.axes[0].get_xlabel() == ("Bijkomende deelnames (duizend deelnames (persoonsjaren))")
    assert fig.axes[0].get_ylabel() == "Overheidsuitgaven (miljoen euro (lopende prijzen))"
    budgets = charts.budgets(run.indicators, Source("x", 0.003, 0), "nl")
    assert budgets.axes[1].get_ylabel() == "duizend jobwissels met budget"
    assert labels.unit(labels.unit_kind("portability_events"), "en") == (
        "thousand job changes carrying a budget"
    )


def test_tables_name_their_indicator_and_leave_out_idle_instruments(run):
    participation = tables.by_group(run.indicators, "participation_rate", "education", "nl")
    spending = tables.by_group(run.indicators, "spending_share", "education", "nl")
    assert participation.columns[0] == "Deelname aan opleiding (%) naar opleidingsniveau"
    assert spending.columns[0] == "Aandeel in de uitgaven (%) naar opleidingsniveau"
    cost = tables.over_time(run.indicators, "public_cost_eur", "nl")
    shown = set(cost.iloc[:, 0])
    by_instrument = set(tables.by_instrument(run.summary, "nl")["Instrument"])
    assert shown - {"Alle instrumenten"} == by_instrument
    assert all(any(v for v in row[1:] if v == v) for row in cost.itertuples(index=False))


# ---------------------------------------------------------------------------------------------
# What a reader sees: no overlapping text, the same colour for a group on every chart


def _drawn_texts(fig):
    """Every text the figure draws, with its box in pixels (ticks outside the view are not)."""

    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    hidden = set()
    for ax in fig.axes:
        for axis in (ax.xaxis, ax.yaxis):
            low, high = sorted(axis.get_view_interval())
            margin = (high - low) * 1e-6
            for tick in axis.get_major_ticks() + axis.get_minor_ticks():
                loc = tick.get_loc()
                if loc is None or not low - margin <= loc <= high + margin:
                    hidden.update({id(tick.label1), id(tick.label2)})
    out = []
    for text in fig.findobj(Text):
        if id(text) in hidden or not text.get_visible() or not text.get_text().strip():
            continue
        out.append((text.get_text(), text.get_window_extent(renderer)))
    return out


def _overlaps(fig) -> list[tuple[str, str]]:

    found = []
    for (a, box_a), (b, box_b) in itertools.combinations(_drawn_texts(fig), 2):
        width = min(box_a.x1, box_b.x1) - max(box_a.x0, box_b.x0)
        height = min(box_a.y1, box_b.y1) - max(box_a.y0, box_b.y0)
        if width > 1 and height > 1:  # more than a pixel each way
            found.append((a, b))
    return found


@pytest.fixture(scope="module")
def runs_with_bands():
    return [
        simulate(name, scale=0.003, seed=0, years=range(2024, 2026), replicates=2)
        for name in ("status_quo", "harmonised", "portable_budget")
    ]


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_no_text_overlaps_on_any_chart(runs_with_bands, lang):

    source = Source("portable_budget", 0.003, 0, replicates=2)
    one = runs_with_bands[2].indicators
    every = pd.concat([r.indicators for r in runs_with_bands], ignore_index=True)
    names = charts.scenario_labels([r.summary for r in runs_with_bands], lang)
    population = llr_sim.synthesise_population(scale=0.003, seed=0)
    sensitivity = pd.DataFrame(
        {
            "parameter": ["awareness.overview_multiplier", "barrier.money"],
            "label": ["a", "b"],
            "low": [5e6, 4e6],
            "high": [6e6, 7e6],
            "range_low": [1.0, 0.5],
            "range_high": [2.0, 2.0],
        }
    )
    figures = {
        draw.__name__: draw(one, source, lang)
        for draw in (
            charts.take_up,
            charts.cost,
            charts.participation,
            charts.additionality,
            charts.spending,
            charts.budgets,
        )
    }
    for draw in (
        charts.cost_vs_additional,
        charts.participation_gap,
        charts.spending_compare,
        charts.indicator_over_time,
    ):
        figures[draw.__name__] = draw(every, source, names, lang=lang)
    figures["calibration"] = charts.calibration(population.calibration, source, lang)
    figures["composition"] = charts.composition(population.persons, source, lang)
    figures["tornado"] = charts.tornado(sensitivity, source, "public_cost_eur", 5.5e6, lang)
    try:
        for name, fig in figures.items():
            assert not _overlaps(fig), name
    finally:
        for fig in figures.values():
            plt.close(fig)


def test_bands_are_drawn_with_replicates(runs_with_bands):

    source = Source("x", 0.003, 0, replicates=2)
    one = runs_with_bands[2].indicators
    assert one["ci_low"].notna().any()
    take_up = charts.take_up(one, source)
    assert any(isinstance(c, PolyCollection) for c in take_up.axes[0].collections)
    cost = charts.cost(one, source)
    assert any(isinstance(c, LineCollection) for c in cost.axes[0].collections)
    every = pd.concat([r.indicators for r in runs_with_bands], ignore_index=True)
    names = charts.scenario_labels([r.summary for r in runs_with_bands])
    scatter = charts.cost_vs_additional(every, source, names)
    assert any(isinstance(c, LineCollection) for c in scatter.axes[0].collections)
    gap = charts.participation_gap(every, source, names)
    assert any(isinstance(c, LineCollection) for c in gap.axes[0].collections)


def test_a_group_has_one_colour_on_every_chart(runs_with_bands):

    every = pd.concat([r.indicators for r in runs_with_bands], ignore_index=True)
    names = charts.scenario_labels([r.summary for r in runs_with_bands])
    source = Source("x", 0.003, 0)
    seen: dict[str, set[str]] = {}
    for fig in (
        charts.participation_gap(every, source, names),
        charts.spending_compare(every, source, names),
    ):
        legend = fig.legends[0]
        for handle, text in zip(legend.legend_handles, legend.get_texts(), strict=True):
            colour = handle.get_facecolor()
            colour = colour[0] if getattr(colour, "ndim", 1) == 2 else colour
            seen.setdefault(text.get_text(), set()).add(to_hex(colour))
    assert seen["Laaggeschoold"] == {GROUP_COLOURS["low"].lower()}
    assert seen["Hooggeschoold"] == {GROUP_COLOURS["high"].lower()}
    assert seen["Middengeschoold"] == {GROUP_COLOURS["medium"].lower()}


def test_tornado_shows_both_ends_with_readable_labels():

    table = pd.DataFrame(
        {
            "parameter": ["awareness.overview_multiplier"],
            "label": ["awareness.overview_multiplier [1 – 2]"],
            "low": [6e6],  # both ends above the centre
            "high": [7e6],
            "range_low": [1.0],
            "range_high": [2.0],
        }
    )
    fig = charts.tornado(table, Source("x", 0.003, 0), "public_cost_eur", 5e6, "nl")
    ax = fig.axes[0]
    bars = [p for p in ax.patches if p.get_width() != 0]
    assert len(bars) == 2
    low, high = sorted(bars, key=lambda p: p.get_width())
    assert low.get_y() + low.get_height() <= high.get_y() or (
        high.get_y() + high.get_height() <= low.get_y()
    ), "one bar hides the other"
    (tick,) = [t.get_text() for t in ax.get_yticklabels()]
    assert tick.replace("\n", " ") == "Bekendheid door het digitaal overzicht (1 – 2)"
    en = charts.tornado(table, Source("x", 0.003, 0), "public_cost_eur", 5e6, "en")
    (tick,) = [t.get_text() for t in en.axes[0].get_yticklabels()]
    assert tick.replace("\n", " ") == "Awareness from the digital overview (1 – 2)"


def test_calibration_chart_names_targets_in_words():

    population = llr_sim.synthesise_population(scale=0.003, seed=0)
    fig = charts.calibration(population.calibration, Source("", 0.003, 0), "nl")
    ticks = [t.get_text() for t in fig.axes[0].get_yticklabels()]
    assert ticks and not [t for t in ticks if "_" in t]
    assert "Laaggeschoold – 25-64 jaar (2022)" in ticks
    table = tables.calibration(population.calibration, "nl")
    assert "edu_25_64_low" in set(table["Doelcijfer"])  # the id stays in the table
    assert "Laaggeschoold – 25-64 jaar (2022)" in set(table["Omschrijving"])


def test_cost_chart_title_once(run):
    fig = charts.cost(run.indicators, Source("x", 0.003, 0), "nl")
    assert fig._suptitle.get_text() == "Overheidsuitgaven per instrument"
    assert fig.axes[0].get_title() == ""
