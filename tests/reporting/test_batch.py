"""The report batch, run for real: outputs, numbers, offline HTML, failures, skip and force."""

from __future__ import annotations

import json
import os
import signal
import stat
import subprocess
import sys
import time

import nbformat
import pytest
from bs4 import BeautifulSoup
from openpyxl import load_workbook

from llr_sim.reporting import batch
from llr_sim.reporting.html import external_references
from llr_sim.reporting.style import number

from .conftest import FAILING, SCALE, YEARS, summary_of

OK_SCENARIOS = ("status_quo", "harmonised")


def _status(result, name):
    return next(s for s in result.statuses if s["name"] == name)["status"]


def test_every_report_is_made_and_the_failure_is_isolated(batch_run):
    plan, result = batch_run
    assert _status(result, "population") == "ok"
    for name in OK_SCENARIOS:
        assert _status(result, name) == "ok"
    assert _status(result, FAILING) == "failed"
    assert _status(result, "comparison") == "ok"
    assert result.exit_code == 1
    # The failed scenario leaves no report folder, only its .failed folder with the error.
    assert not (plan.out / "scenarios" / FAILING).exists()
    failed = plan.out / "scenarios" / f"{FAILING}.failed"
    assert (failed / "notebook.ipynb").is_file()
    # No temporary folder is left behind.
    assert not [p for p in plan.out.rglob(".*") if ".tmp-" in p.name or ".old-" in p.name]


def test_index_links_everything_and_lists_the_failure(batch_run):
    plan, _ = batch_run
    page = (plan.out / "index.html").read_text()
    soup = BeautifulSoup(page, "html.parser")
    text = soup.get_text(" ", strip=True)
    assert "mislukt" in text and "deliberate failure" in text
    hrefs = {a["href"] for a in soup.find_all("a")}
    for name in OK_SCENARIOS:
        assert f"scenarios/{name}/report.html" in hrefs
        assert f"scenarios/{name}/tables/tabellen.xlsx" in hrefs
    assert "comparison/report.html" in hrefs and "population/report.html" in hrefs
    for href in hrefs:
        assert (plan.out / href).exists(), href
    # The headline table holds each successful scenario's figures, as in its summary.json.
    for name in OK_SCENARIOS:
        summary = summary_of(plan.out / "scenarios" / name)
        assert summary["label"]["nl"] in text
        cost = summary["period"]["public_cost_eur"] / 1e6
        assert number(cost, 1, "nl") in text


@pytest.mark.parametrize("name", OK_SCENARIOS)
def test_scenario_report_contents(batch_run, name):
    plan, _ = batch_run
    folder = plan.out / "scenarios" / name
    figures = {p.stem for p in (folder / "figures").glob("*.png")}
    assert figures >= {"gebruik", "uitgaven", "deelname", "meeloopeffect", "budgetten"}
    assert figures == {p.stem for p in (folder / "figures").glob("*.svg")}
    book = load_workbook(folder / "tables" / "tabellen.xlsx", read_only=True)
    assert "Kerncijfers" in book.sheetnames and len(book.sheetnames) >= 5
    assert (folder / "tables" / "kerncijfers.csv").is_file()
    executed = nbformat.read(folder / "notebook.ipynb", as_version=4)
    errors = [o for c in executed.cells for o in c.get("outputs", []) if o.output_type == "error"]
    assert not errors
    injected = [c for c in executed.cells if "injected-parameters" in c.metadata.get("tags", [])]
    assert len(injected) == 1 and f"scale = {SCALE}" in injected[0].source


def _nl_number(text: str) -> float | None:
    return None if text == "–" else float(text.replace(".", "").replace(",", "."))


def _table(soup, header: str) -> list[dict[str, str]]:
    """The rows of the first HTML table with a column ``header``, as header -> cell text."""
    for table in soup.find_all("table"):
        heads = [th.get_text(strip=True) for th in table.find_all("th")]
        if header in heads:
            return [
                dict(zip(heads, [td.get_text(strip=True) for td in tr.find_all("td")], strict=True))
                for tr in table.find_all("tr")[1:]
            ]
    raise AssertionError(f"no table with the column {header!r}")


#: Headline rows as the Dutch report shows them -> (summary.json entry, unit, divisor).
#: Written out here, not derived from the code that renders the table.
HEADLINE_NL = {
    ("Deelnemers aan opleiding", "last"): ("last_year.participants", "duizend personen", 1e3),
    ("Deelname aan opleiding", "last"): ("last_year.participation_rate", "%", 0.01),
    ("Gebruikers", "last"): ("last_year.users", "duizend personen", 1e3),
    ("Gebruiksgraad", "last"): ("last_year.take_up_rate", "%", 0.01),
    ("Overheidsuitgaven", "last"): (
        "last_year.public_cost_eur",
        "miljoen euro (lopende prijzen)",
        1e6,
    ),
    ("Bijkomende deelnemers", "last"): (
        "last_year.additional_participants",
        "duizend personen",
        1e3,
    ),
    ("Meeloopeffect (deadweight)", "last"): ("last_year.deadweight_share", "%", 0.01),
    ("Kost per bijkomende deelnemer", "last"): (
        "last_year.cost_per_additional_participant_eur",
        "euro per bijkomende deelnemer (lopende prijzen)",
        1.0,
    ),
    ("Niet-gebruik", "last"): ("last_year.non_take_up_share", "%", 0.01),
    ("Mattheüsratio (hoog/laag geschoold)", "last"): ("last_year.matthew_ratio", "verhouding", 1),
    ("Ongebruikt tegoed", "last"): (
        "last_year.unused_balance_eur",
        "miljoen euro (lopende prijzen)",
        1e6,
    ),
    ("Overheidsuitgaven (totaal periode)", "period"): (
        "period.public_cost_eur",
        "miljoen euro (lopende prijzen)",
        1e6,
    ),
    ("Gebruik van de instrumenten (totaal periode)", "period"): (
        "period.users",
        "duizend keer gebruikt (persoonsjaren)",
        1e3,
    ),
    ("Deelnames aan opleiding (totaal periode)", "period"): (
        "period.participants",
        "duizend deelnames (persoonsjaren)",
        1e3,
    ),
    ("Bijkomende deelnames (totaal periode)", "period"): (
        "period.additional_participants",
        "duizend deelnames (persoonsjaren)",
        1e3,
    ),
    ("Kost per bijkomende deelname (totaal periode)", "period"): (
        "period.cost_per_additional_participant_eur",
        "euro per bijkomende deelname (lopende prijzen)",
        1.0,
    ),
}
INSTRUMENTS_NL = {
    "Opleidingscheques": "opleidingscheques",
    "Loopbaancheques": "loopbaancheques",
    "Vlaams opleidingsverlof": "opleidingsverlof",
    "Vlaams opleidingskrediet": "opleidingskrediet",
    "Ontwikkelbudget": "ontwikkelbudget",
}


def _close_to(shown: float | None, raw: float | None, divisor: float) -> bool:
    if raw is None:
        return shown is None
    places = {1e3: 1, 1e6: 1, 0.01: 1}.get(divisor, 0 if divisor == 1.0 else 2)
    return shown == pytest.approx(raw / divisor, abs=0.51 * 10**-places)


@pytest.mark.parametrize("name", OK_SCENARIOS)
def test_html_numbers_equal_the_summary(batch_run, name):
    plan, _ = batch_run
    folder = plan.out / "scenarios" / name
    summary = summary_of(folder)
    first, last = summary["years"]
    page = (folder / "report.html").read_text()
    assert not external_references(page)
    soup = BeautifulSoup(page, "html.parser")
    assert not soup.select(".jp-InputArea"), "code cells must not be in the HTML"
    assert "Traceback" not in soup.get_text()

    rows = _table(soup, "Waarde")
    assert len(rows) >= 10
    for row in rows:
        when = "last" if row["Jaar"] == str(last) else "period"
        assert row["Jaar"] == (str(last) if when == "last" else f"{first}-{last}")
        key, unit, divisor = HEADLINE_NL[(row["Indicator"], when)]
        part, field = key.split(".")
        assert row["Eenheid"] == unit, key
        assert _close_to(_nl_number(row["Waarde"]), summary[part][field], divisor), key
    shown_keys = {
        HEADLINE_NL[(r["Indicator"], "last" if r["Jaar"] == str(last) else "period")][0]
        for r in rows
    }
    assert {"period.public_cost_eur", "period.additional_participants"} <= shown_keys

    per_instrument = _table(soup, "Instrument")
    columns = {
        f"Rechthebbenden (duizend personen), {last}": ("eligible", 1e3),
        f"Gebruikers (duizend personen), {last}": ("users", 1e3),
        f"Gebruiksgraad (%), {last}": ("take_up_rate", 0.01),
        f"Overheidsuitgaven (miljoen euro (lopende prijzen)), {last}": ("public_cost_eur", 1e6),
    }
    assert per_instrument
    for row in per_instrument:
        entry = summary["by_instrument_last_year"][INSTRUMENTS_NL[row["Instrument"]]]
        assert set(row) - {"Instrument"} == set(columns)
        for header, (field, divisor) in columns.items():
            assert _close_to(_nl_number(row[header]), entry[field], divisor), (row, header)


def test_index_cells_equal_the_summaries(batch_run):
    plan, _ = batch_run
    soup = BeautifulSoup((plan.out / "index.html").read_text(), "html.parser")
    rows = _table(soup, "Scenario")
    summaries = {
        summary_of(plan.out / "scenarios" / n)["label"]["nl"]: summary_of(
            plan.out / "scenarios" / n
        )
        for n in OK_SCENARIOS
    }
    first, last = YEARS.split("-")
    columns = {
        f"Overheidsuitgaven (miljoen euro (lopende prijzen)), {first}-{last}": (
            "period.public_cost_eur",
            1e6,
        ),
        f"Bijkomende deelnames (duizend deelnames (persoonsjaren)), {first}-{last}": (
            "period.additional_participants",
            1e3,
        ),
        f"Deelname aan opleiding (%), {last}": ("last_year.participation_rate", 0.01),
        f"Gebruikers (duizend personen), {last}": ("last_year.users", 1e3),
    }
    checked = 0
    for row in rows:
        if row["Scenario"] not in summaries:
            continue
        summary = summaries[row["Scenario"]]
        for header, (key, divisor) in columns.items():
            part, field = key.split(".")
            assert _close_to(_nl_number(row[header]), summary[part][field], divisor), header
        checked += 1
    assert checked == len(OK_SCENARIOS)
    meta = soup.select_one(".meta").get_text(" ", strip=True)
    assert "schaal 0,003" in meta and "seed 0" in meta and "1 replicatie" in meta
    assert "scale" not in meta


def test_reports_say_there_are_no_bands_with_one_replicate(batch_run):
    plan, _ = batch_run
    for folder in (plan.out / "scenarios" / "harmonised", plan.out / "comparison"):
        text = BeautifulSoup((folder / "report.html").read_text(), "html.parser").get_text()
        assert "Geen onzekerheidsmarges: 1 replicatie; gebruik --replicates" in text, folder


def test_report_folders_are_readable_by_colleagues(batch_run):

    plan, _ = batch_run
    mask = os.umask(0)
    os.umask(mask)
    expected = 0o777 & ~mask
    run = plan.out / "scenarios" / "harmonised" / "run"
    for path in (run.parent, run, plan.out / "comparison", plan.out / "population"):
        assert stat.S_IMODE(path.stat().st_mode) == expected, path
    assert stat.S_IMODE((run / "summary.json").stat().st_mode) == 0o666 & ~mask
    assert stat.S_IMODE((plan.out / "index.html").stat().st_mode) == 0o666 & ~mask


def test_each_report_records_how_it_was_made(batch_run):

    plan, _ = batch_run
    record = json.loads((plan.out / "scenarios" / "harmonised" / "report.json").read_text())
    made = record["batch"]
    assert made["notebook"] == "02_scenario_report.ipynb"
    assert made["notebook_sha256"] == batch.file_hash(
        plan.notebook_dir / "02_scenario_report.ipynb"
    )
    assert made["parameters"]["scale"] == SCALE and made["parameters"]["years"] == YEARS
    assert made["parameters"]["lang"] == "nl" and made["parameters"]["seed"] == 0


def test_population_and_comparison_reports(batch_run):
    plan, _ = batch_run
    population = plan.out / "population"
    assert {"samenstelling", "kalibratie"} <= {p.stem for p in (population / "figures").iterdir()}
    comparison = plan.out / "comparison"
    figures = {p.stem for p in (comparison / "figures").glob("*.png")}
    assert {"kosten_bijkomend", "deelnamekloof", "uitgaven_opleiding"} <= figures
    page = (comparison / "report.html").read_text()
    assert not external_references(page)
    for name in OK_SCENARIOS:
        label = summary_of(plan.out / "scenarios" / name)["label"]["nl"]
        assert label in BeautifulSoup(page, "html.parser").get_text()


def test_rerun_skips_finished_reports_and_force_redoes_them(batch_run, notebooks_with_a_failure):
    plan, _ = batch_run
    done = plan.out / "scenarios" / "status_quo" / "report.html"
    before = done.stat().st_mtime_ns
    started = time.monotonic()
    again = batch.run_batch(
        batch.make_plan(
            ["status_quo", "harmonised"],
            plan.out,
            scale=SCALE,
            years=YEARS,
            notebook_dir=notebooks_with_a_failure,
        ),
        progress=False,
    )
    assert {s["name"]: s["status"] for s in again.statuses} == {
        "population": "skipped",
        "status_quo": "skipped",
        "harmonised": "skipped",
        "comparison": "skipped",  # the same two scenarios succeeded before
    }
    assert again.exit_code == 0
    assert time.monotonic() - started < 10  # no kernel started
    assert done.stat().st_mtime_ns == before

    forced = batch.run_batch(
        batch.make_plan(
            ["status_quo"],
            plan.out,
            scale=SCALE,
            years=YEARS,
            force=True,
            population=False,
            notebook_dir=notebooks_with_a_failure,
        ),
        progress=False,
    )
    assert [s["status"] for s in forced.statuses] == ["ok", "ok"]
    assert done.stat().st_mtime_ns != before
    assert (plan.out / "scenarios" / "harmonised" / "report.html").is_file()  # untouched


def test_stale_temporary_folders_are_removed_and_never_count_as_done(tmp_path):

    gone = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"],
        capture_output=True,
        text=True,
        check=True,
    )
    dead = int(gone.stdout)
    stale = tmp_path / "scenarios" / f".harmonised.tmp-{dead}"
    (stale / "figures").mkdir(parents=True)
    (stale / "report.html").write_text("half")
    stale_file = tmp_path / f".index.html.tmp-{dead}-abc.html"
    stale_file.write_text("half")
    # A second batch writing to the same folder right now: its folders stay.
    live = tmp_path / "scenarios" / f".status_quo.tmp-{os.getpid()}"
    live.mkdir()
    assert not batch.is_done(tmp_path / "scenarios" / "harmonised")
    removed = batch.clean_stale(tmp_path)
    assert sorted(removed) == sorted([stale, stale_file])
    assert not stale.exists() and not stale_file.exists() and live.is_dir()


def test_a_killed_batch_leaves_no_half_written_folder(tmp_path):

    out = tmp_path / "killed"
    code = (
        "import sys; from llr_sim.reporting import batch\n"
        f"p = batch.make_plan(['harmonised'], {str(out)!r}, scale={SCALE}, years={YEARS!r},"
        " population=False)\n"
        "batch.run_batch(p, progress=False)\n"
    )
    proc = subprocess.Popen([sys.executable, "-c", code], start_new_session=True)
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            scen = out / "scenarios"
            if scen.is_dir() and any(".tmp-" in p.name for p in scen.iterdir()):
                break
            time.sleep(0.2)
        else:
            pytest.fail("the batch never started a scenario")
        time.sleep(1.0)
    finally:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()
    names = [p.name for p in (out / "scenarios").iterdir()]
    assert "harmonised" not in names  # only the hidden temporary folder, if anything
    assert all(n.startswith(".") for n in names)
    # The writers are gone (killed); their folders go once the kernel has reaped them.
    deadline = time.monotonic() + 20
    while list((out / "scenarios").iterdir()) and time.monotonic() < deadline:
        batch.clean_stale(out)
        time.sleep(0.2)
    assert not list((out / "scenarios").iterdir())
