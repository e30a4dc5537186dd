"""Charts and tables on a small real run: labels, units, source line, both languages."""

from __future__ import annotations

import pytest

from llr_sim.reporting import charts, labels, tables
from llr_sim.reporting.style import Source, number, save_figure
from llr_sim.simulation import simulate


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
    from PIL import Image

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
    from openpyxl import load_workbook

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
