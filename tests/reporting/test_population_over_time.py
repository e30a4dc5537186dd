"""The population over the years: charts, tables and text on a real small run, both languages."""

from __future__ import annotations

import itertools

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest
from bs4 import BeautifulSoup
from matplotlib.text import Text

from llr_sim.behaviour.parameters import load_behaviour
from llr_sim.model.demography import projection_for
from llr_sim.reporting import charts, data, labels, tables
from llr_sim.reporting.formats import number
from llr_sim.reporting.style import Source
from llr_sim.simulation import simulate

from .conftest import SCALE, summary_of
from .test_charts import _drawn_texts, _overlaps

BANDS = ("18-24", "25-34", "35-44", "45-54", "55-66")
FIRST, LAST = 2023, 2035


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


@pytest.fixture(scope="module")
def run():
    return simulate("status_quo", scale=0.003, seed=0, years=range(FIRST, LAST + 1))


@pytest.fixture(scope="module")
def projection(run):
    return data.projection_bands(run.provenance)


def _rows(ind: pd.DataFrame, group_by: str) -> pd.DataFrame:
    """The population rows of one breakdown, read straight from the indicator table."""
    rows = ind[(ind["indicator"] == "population") & (ind["group_by"] == group_by)]
    return rows[rows["instrument"] == "all"]


def _value(ind: pd.DataFrame, group_by: str, group: str, year: int) -> float:
    rows = _rows(ind, group_by)
    hit = rows[(rows["group"] == group) & (rows["year"] == year)]["value"]
    assert len(hit) == 1, (group_by, group, year)
    return float(hit.iloc[0])


# ---------------------------------------------------------------------------------------------
# The projection and the published figures


def test_projection_is_the_official_one_summed_to_the_bands(run, projection):
    proj = projection_for(load_behaviour())
    for year, (sex_index, sex) in itertools.product((2023, 2030, 2035), enumerate(("M", "F"))):
        for band in BANDS:
            low, high = (int(x) for x in band.split("-"))
            shown = projection[
                (projection["year"] == year)
                & (projection["sex"] == sex)
                & (projection["age_band"] == band)
            ]["persons"]
            assert float(shown.iloc[0]) == pytest.approx(
                proj.band_total(year, low, high, sex_index)
            )
    # What the projection is fitted to: 18-64 on 1 January 2025 (Statbel), 4,057,347.
    assert proj.band_total(2025, 18, 64) == pytest.approx(4_057_347)


def test_published_attainment_in_shares():
    published = data.published_attainment()
    high_2022 = published[
        (published["indicator"] == "high_share")
        & (published["age"] == "25-64")
        & (published["sex"] == "all")
        & (published["year"] == 2022)
    ]["value"]
    assert float(high_2022.iloc[0]) == pytest.approx(0.467)
    assert published["source"].str.startswith("https://").all()


# ---------------------------------------------------------------------------------------------
# Tables: the numbers are the indicator rows


def test_age_education_table_equals_the_indicator_rows(run):
    ind = run.indicators
    years = (2024, 2027, 2030, 2035)
    table = tables.population_by_age_education(ind, years, "nl")
    assert list(table.columns) == ["Leeftijd", "Opleidingsniveau", *map(str, years)]
    edu_names = {"Laaggeschoold": "low", "Middengeschoold": "medium", "Hooggeschoold": "high"}
    for row in table.to_dict("records"):
        band = row["Leeftijd"].removesuffix(" jaar")
        for year in years:
            if band == "18-66" and row["Opleidingsniveau"] == "Totaal":
                expected = _value(ind, "all", "all", year)
            elif band == "18-66":
                expected = _value(ind, "education", edu_names[row["Opleidingsniveau"]], year)
            elif row["Opleidingsniveau"] == "Totaal":
                expected = _value(ind, "age_band", band, year)
            else:
                group = f"{band},{edu_names[row['Opleidingsniveau']]}"
                expected = _value(ind, "age_band,education", group, year)
            assert row[str(year)] == pytest.approx(expected / 1e3, abs=0.051), (row, year)
    assert len(table) == 6 * 4
    english = tables.population_by_age_education(ind, years, "en")
    assert list(english.columns[:2]) == ["Age", "Education"]
    assert set(english["Education"]) == {
        "Low educated",
        "Medium educated",
        "High educated",
        "Total",
    }
    assert english["Age"].iloc[0] == "18-24 years"


def test_population_change_table(run, projection):
    ind = run.indicators
    table = tables.population_change(ind, projection, "nl", start=2024, end=2030).set_index(
        "Leeftijd"
    )
    assert list(table.index) == [f"{b} jaar" for b in (*BANDS, "25-66", "18-66")]
    for band in BANDS:
        row = table.loc[f"{band} jaar"]
        first = _value(ind, "age_band", band, 2024)
        last = _value(ind, "age_band", band, 2030)
        assert row["Bevolking 2024 (duizend)"] == pytest.approx(first / 1e3, abs=0.051)
        assert row["Bevolking 2030 (duizend)"] == pytest.approx(last / 1e3, abs=0.051)
        assert row["Verandering 2024-2030 (%)"] == pytest.approx(
            100 * (last / first - 1), abs=0.051
        )
        projected = projection[(projection["year"] == 2030) & (projection["age_band"] == band)]
        assert row["Projectie 2030 (duizend)"] == pytest.approx(
            projected["persons"].sum() / 1e3, abs=0.051
        )
        women = _value(ind, "age_band,sex", f"{band},F", 2030)
        assert row["Vrouwen 2030 (%)"] == pytest.approx(100 * women / last, abs=0.051)
        high = _value(ind, "age_band,education", f"{band},high", 2024)
        assert row["Hooggeschoold 2024 (%)"] == pytest.approx(100 * high / first, abs=0.051)
    total = table.loc["18-66 jaar"]
    assert total["Bevolking 2030 (duizend)"] == pytest.approx(
        _value(ind, "all", "all", 2030) / 1e3, abs=0.051
    )
    english = tables.population_change(ind, projection, "en", start=2024, end=2030)
    assert "Population 2030 (thousand)" in english.columns
    assert "Women 2030 (%)" in english.columns


def test_demographic_accounts_add_up_and_equal_the_provenance(run):
    demography = run.provenance["demography"]
    table = tables.demographic_accounts(demography, "nl", range(FIRST, LAST + 1))
    records = {r["year"]: r for r in demography["years"]}
    # Periods within the years asked: 2023-2024 ... 2034-2035.
    assert list(table["Periode (1 januari tot 1 januari)"]) == [
        f"{y - 1}-{y}" for y in range(FIRST + 1, LAST + 1)
    ]
    end = "Bevolking 18-66 aan het einde (duizend personen)"
    for i, row in enumerate(table.to_dict("records")):
        year = FIRST + 1 + i
        r = records[year]
        assert row["Instroom: 18-jarigen (duizend personen)"] == pytest.approx(
            sum(r["entrants"].values()) / 1e3, abs=0.051
        )
        migration = "Netto migratie 19-66 jaar (duizend personen)"
        children = "Als kind ingeweken, mee met de 18-jarigen (duizend personen)"
        assert row[migration] == pytest.approx(sum(r["net_migration"].values()) / 1e3, abs=0.051)
        assert row[children] == pytest.approx(
            sum(r["arrived_as_children"].values()) / 1e3, abs=0.051
        )
        assert row[end] == pytest.approx(
            _value(run.indicators, "all", "all", year) / 1e3, abs=0.051
        )
        start = records[year - 1]["persons_18_66"] / 1e3
        moved = (
            row["Instroom: 18-jarigen (duizend personen)"]
            - row["Uitstroom: 67-jarigen (duizend personen)"]
            - row["Overlijdens (duizend personen)"]
            + row[migration]
            + row[children]
            + row["Bijsturing naar de projectie (personen)"] / 1e3
        )
        assert start + moved == pytest.approx(row[end], abs=0.35)  # six roundings of 0.05
    english = tables.demographic_accounts(demography, "en")
    assert len(english) == len(demography["years"])
    assert "Deaths (thousand persons)" in english.columns


# ---------------------------------------------------------------------------------------------
# The text: computed from the numbers, in one language


def _changes(ind: pd.DataFrame, start: int, end: int) -> dict[str, float]:
    return {
        b: _value(ind, "age_band", b, end) / _value(ind, "age_band", b, start) - 1 for b in BANDS
    }


def test_text_says_what_changes(run, projection):
    ind = run.indicators
    demography = run.provenance["demography"]
    text = tables.population_change_text(ind, "nl", projection, demography)
    first, last = _value(ind, "all", "all", FIRST), _value(ind, "all", "all", LAST)
    verb = "groeit" if last > first else "krimpt"
    assert text.startswith(f"Tussen {FIRST} en {LAST} {verb} de bevolking van 18-66 jaar")
    assert f"{number(100 * (last / first - 1), 1, 'nl', signed=True)}%" in text
    changes = _changes(ind, FIRST, LAST)
    grows, shrinks = max(changes, key=changes.get), min(changes, key=changes.get)
    assert changes[grows] > 0 and changes[shrinks] < 0  # the young grow, the 55-66 shrink
    assert f"Het sterkst groeit de groep van {grows} jaar" in text
    assert f"het sterkst krimpt die van {shrinks} jaar" in text
    for band, change in changes.items():
        assert f"{band} jaar {number(100 * change, 1, 'nl', signed=True)}%" in text

    def high_share(year: int) -> float:
        rows = ind[(ind["indicator"] == "population_25_64") & (ind["group_by"] == "education")]
        rows = rows[rows["year"] == year]
        return rows.loc[rows["group"] == "high", "value"].sum() / rows["value"].sum()

    a, b = high_share(FIRST), high_share(LAST)
    trend = "stijgt" if b > a else "daalt"
    assert (
        f"Het aandeel hooggeschoolden bij de 25-64-jarigen {trend} van "
        f"{number(100 * a, 1, 'nl')}% naar {number(100 * b, 1, 'nl')}%"
    ) in text
    entrants = np.mean(
        [sum(r["entrants"].values()) for r in demography["years"] if FIRST < r["year"] <= LAST]
    )
    assert f"gemiddeld {number(entrants / 1e3, 1, 'nl')} duizend 18-jarigen" in text
    assert "projectie" in text


def test_text_in_one_language(run, projection):
    ind = run.indicators
    demography = run.provenance["demography"]
    dutch = tables.population_change_text(ind, "nl", projection, demography)
    english = tables.population_change_text(ind, "en", projection, demography)
    assert english.startswith(f"Between {FIRST} and {LAST}")
    for word in ("jaar", "groeit", "krimpt", "bevolking", "duizend", "aandeel"):
        assert word not in english.lower()
    for word in (" years", "grows", "shrinks", "population", "thousand", "share"):
        assert word not in dutch.lower()
    # The numbers in English use a decimal point.
    assert number(100 * (_changes(ind, FIRST, LAST)["18-24"]), 1, "en", signed=True) in english


def test_text_of_the_reported_years_only(run, projection):
    window = run.indicators[run.indicators["year"].between(2024, 2030)]
    text = tables.population_change_text(window, "nl", projection)
    assert text.startswith("Tussen 2024 en 2030")
    single = tables.population_change_text(run.indicators[run.indicators["year"] == 2030], "nl")
    assert single.startswith("In 2030 telt de bevolking van 18-66 jaar")


# ---------------------------------------------------------------------------------------------
# Charts: title, units, source line, language, and the lines are the numbers


def _texts(fig) -> list[str]:
    found = [t.get_text() for t in fig.findobj(Text) if t.get_text().strip()]
    for legend in fig.legends:
        found += [t.get_text() for t in legend.get_texts()]
    return found


def _source_line(fig) -> str:
    lines = [t.get_text() for t in fig.texts if t.get_text().startswith(("Bron:", "Source:"))]
    assert len(lines) == 1
    return lines[0]


def _charts(run, projection, lang):
    source = Source("status_quo", 0.003, 0)
    ind = run.indicators
    return {
        "population_by_age": charts.population_by_age(ind, projection, source, lang),
        "education_mix": charts.education_mix(ind, source, lang, data.published_attainment()),
        "population_over_time": charts.population_over_time(
            ind[ind["year"].between(2024, 2030)], projection, source, lang
        ),
    }


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_charts_have_title_units_source_and_one_language(run, projection, lang):
    words = {
        "nl": {
            "source": "Bron: llr-sim",
            "unit": "duizend personen",
            "band": "25-34 jaar",
            "edu": "Laaggeschoold",
            "foreign": ("years", "Population", "Low educated", "Men", "projection"),
        },
        "en": {
            "source": "Source: llr-sim",
            "unit": "thousand persons",
            "band": "25-34 years",
            "edu": "Low educated",
            "foreign": ("jaar", "Bevolking", "Laaggeschoold", "Mannen", "projectie"),
        },
    }[lang]
    for name, fig in _charts(run, projection, lang).items():
        assert fig._suptitle is not None and fig._suptitle.get_text(), name
        line = _source_line(fig)
        assert line.startswith(words["source"]) and "status_quo" in line, name
        texts = _texts(fig)
        assert any(words["band"] == t for t in texts), name
        for word in words["foreign"]:
            assert not any(word in t for t in texts), (name, word)
        ylabels = {ax.get_ylabel() for ax in fig.axes}
        assert ylabels & {words["unit"], "%"}, name
    figs = _charts(run, projection, lang)
    assert "Statbel" in _source_line(figs["population_by_age"])
    assert ("EAK" if lang == "nl" else "LFS") in _source_line(figs["education_mix"])
    assert words["unit"] in {ax.get_ylabel() for ax in figs["population_by_age"].axes}
    assert any(words["edu"] == t for t in _texts(figs["education_mix"]))


def test_chart_lines_are_the_indicator_rows_and_the_projection(run, projection):
    ind = run.indicators
    fig = charts.population_by_age(ind, projection, Source("status_quo", 0.003, 0), "nl")
    men = fig.axes[0]
    assert men.get_title(loc="left") == "Mannen"
    lines = [line for line in men.get_lines() if line.get_linestyle() == "-"]
    marks = [line for line in men.get_lines() if line.get_marker() == "o"]
    assert len(lines) == len(marks) == len(BANDS)
    young = lines[0]
    expected = [_value(ind, "age_band,sex", "18-24,M", y) for y in range(FIRST, LAST + 1)]
    assert list(young.get_xdata()) == list(range(FIRST, LAST + 1))
    assert np.allclose(young.get_ydata(), expected)
    proj = projection[(projection["sex"] == "M") & (projection["age_band"] == "18-24")]
    proj = proj.set_index("year")["persons"].loc[FIRST:LAST]
    assert np.allclose(marks[0].get_ydata(), proj.to_numpy())
    # The model is aligned to the projection every year.
    assert np.allclose(young.get_ydata(), proj.to_numpy(), rtol=1e-3)

    mix = charts.education_mix(
        ind, Source("status_quo", 0.003, 0), "nl", data.published_attainment()
    )
    points = [
        (x, y)
        for line in mix.axes[0].get_lines()
        if line.get_marker() == "D"
        for x, y in zip(line.get_xdata(), line.get_ydata(), strict=True)
    ]
    assert (2022, pytest.approx(0.467)) in points  # the published 46.7% high educated in 2022


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_no_text_overlaps_or_runs_off_the_figure(run, projection, lang):
    for name, fig in _charts(run, projection, lang).items():
        width, height = fig.bbox.width, fig.bbox.height
        for text, box in _drawn_texts(fig):
            inside = box.x0 >= -1 and box.y0 >= -1 and box.x1 <= width + 1
            assert inside and box.y1 <= height + 1, (name, text)
        assert not _overlaps(fig), name


def test_a_scenario_without_budgets_says_so(run):
    fig = charts.budgets(run.indicators, Source("status_quo", 0.003, 0), "nl")
    texts = _texts(fig)
    assert labels.text("no_budgets", "nl") in texts
    assert "0,0" not in texts  # no axis ticked 0,0 ... 0,0


# ---------------------------------------------------------------------------------------------
# The reports of the batch


def test_reports_show_the_population_over_the_years(batch_run):
    plan, _ = batch_run
    folder = plan.out / "scenarios" / "status_quo"
    assert (folder / "figures" / "bevolking.png").is_file()
    shown = pd.read_csv(folder / "tables" / "bevolking.csv").set_index("Leeftijd")
    ind = pd.read_parquet(folder / "run" / "indicators.parquet")
    first, last = summary_of(folder)["years"]
    for band in BANDS:
        assert shown.loc[f"{band} jaar", f"Bevolking {last} (duizend)"] == pytest.approx(
            _value(ind, "age_band", band, last) / 1e3, abs=0.051
        )
    page = (folder / "report.html").read_text()
    soup = BeautifulSoup(page, "html.parser")
    assert "Bevolking door de jaren heen" in soup.get_text()
    assert f"Tussen {first} en {last}" in soup.get_text()
    population = plan.out / "population"
    for name in ("bevolking_leeftijd", "bevolking_opleiding"):
        assert (population / "figures" / f"{name}.svg").is_file()
    assert (population / "tables" / "demografische_rekening.csv").is_file()
    for report in (folder, population):
        text = BeautifulSoup((report / "report.html").read_text(), "html.parser").get_text()
        assert "PosixPath" not in text and ".tmp-" not in text
        assert " figures," not in text  # the files line is in Dutch
    assert SCALE == summary_of(folder)["scale"]
