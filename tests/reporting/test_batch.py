"""The report batch, run for real: outputs, numbers, offline HTML, failures, skip and force."""

from __future__ import annotations

import time

import nbformat
import pytest
from bs4 import BeautifulSoup
from openpyxl import load_workbook

from llr_sim.reporting import batch, tables
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


@pytest.mark.parametrize("name", OK_SCENARIOS)
def test_html_numbers_equal_the_summary(batch_run, name):
    plan, _ = batch_run
    folder = plan.out / "scenarios" / name
    summary = summary_of(folder)
    page = (folder / "report.html").read_text()
    assert not external_references(page)
    soup = BeautifulSoup(page, "html.parser")
    assert not soup.select(".jp-InputArea"), "code cells must not be in the HTML"
    assert "Traceback" not in soup.get_text()
    table = next(t for t in soup.find_all("table") if "Waarde" in t.get_text())
    shown = {}
    for row in table.find_all("tr")[1:]:
        cells = [td.get_text(strip=True) for td in row.find_all("td")]
        shown[(cells[0], cells[1])] = cells[3]
    expected = tables.headline(summary, "nl")
    assert len(shown) == len(expected) >= 10
    for row in expected.itertuples(index=False):
        indicator, year, _unit, value, key, raw = row
        text = shown[(indicator, year)]
        parsed = float(text.replace(".", "").replace(",", ".")) if text != "–" else None
        part, field = key.split(".")
        assert raw == summary[part][field]
        if raw is None:
            assert parsed is None
            continue
        divisor = {"persons": 1e3, "eur": 1e6, "share": 0.01}.get(
            tables.labels.unit_kind(field), 1.0
        )
        assert parsed == pytest.approx(raw / divisor, abs=0.051 if divisor != 1 else 0.51)


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
    stale = tmp_path / "scenarios" / ".harmonised.tmp-4242"
    (stale / "figures").mkdir(parents=True)
    (stale / "report.html").write_text("half")
    assert not batch.is_done(tmp_path / "scenarios" / "harmonised")
    removed = batch.clean_stale(tmp_path)
    assert removed == [stale] and not stale.exists()


def test_a_killed_batch_leaves_no_half_written_folder(tmp_path):
    import os
    import signal
    import subprocess
    import sys

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
    batch.clean_stale(out)
    assert not list((out / "scenarios").iterdir())
