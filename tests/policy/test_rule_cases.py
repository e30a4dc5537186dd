"""Runs every YAML rule case in tests/rules through the portfolio computation, and every file
once more through the ``llr-sim portfolio`` command (a persons CSV in, a portfolio CSV out)."""

import argparse
import csv
import math
from collections import defaultdict
from functools import cache
from pathlib import Path

import pytest

from llr_sim.policy import commands
from llr_sim.policy.parameters import load_yaml, parse_date
from llr_sim.policy.portfolio import (
    OPTIONAL,
    compute_portfolio,
    output_columns,
    persons_from_records,
)
from llr_sim.policy.scenarios import load_scenario

RULES = Path(__file__).resolve().parents[1] / "rules"


def _cases():
    out = []
    for file in sorted(RULES.glob("*.yaml")):
        data = load_yaml(file.read_text(encoding="utf-8"))
        defaults = data["defaults"]
        for case in data["cases"]:
            person = {**defaults["person"], **case.get("person", {})}
            out.append(
                pytest.param(
                    file.name,
                    person,
                    case.get("date", defaults["date"]),
                    case.get("scenario", defaults["scenario"]),
                    case["expected"],
                    id=f"{file.stem}: {case['name']}",
                )
            )
    return out


CASES = _cases()


@cache
def _scenario(ref: str):
    return load_scenario(RULES / ref if ref.endswith(".yaml") else ref)


def test_there_are_at_least_60_cases_over_every_instrument():
    assert len(CASES) >= 60
    files = {c.values[0] for c in CASES}
    assert files == {
        "opleidingscheques.yaml",
        "loopbaancheques.yaml",
        "opleidingsverlof.yaml",
        "opleidingskrediet.yaml",
        "ontwikkelbudget.yaml",
    }


@pytest.mark.parametrize(("file", "person", "date", "scenario", "expected"), CASES)
def test_rule_case(file, person, date, scenario, expected):
    when = parse_date(date, f"{file}: date")
    persons = persons_from_records([person], file, when)
    row = compute_portfolio(persons, when, _scenario(scenario)).iloc[0]
    assert set(expected) <= set(output_columns()), "unknown output in the case"
    for column, want in expected.items():
        got = row[column]
        if column.endswith("_eligible"):
            assert bool(got) is want, f"{column}: {got} (reason: {row[column[:-9] + '_reason']!r})"
        elif column.endswith("_reason"):
            if want == "":
                assert got == "", f"{column}: {got!r}"
            else:
                assert want in got, f"{column}: {got!r}"
        elif want is None:
            assert math.isnan(got), f"{column}: {got}"
        else:
            assert got == pytest.approx(want, abs=0.005), f"{column}: {got}"


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _check_csv_value(column: str, got: str, want) -> None:
    if column.endswith("_eligible"):
        assert got == ("true" if want else "false"), f"{column}: {got!r}"
    elif column.endswith("_reason"):
        assert (got == "") if want == "" else (want in got), f"{column}: {got!r}"
    elif want is None:
        assert got == "", f"{column}: {got!r}"
    else:
        assert got != "" and float(got) == pytest.approx(want, abs=0.005), f"{column}: {got!r}"


@pytest.mark.parametrize("file", sorted(p.name for p in RULES.glob("*.yaml")))
def test_rule_cases_through_the_portfolio_command(tmp_path, capsys, file):
    # The command reads one date and one scenario: the cases are grouped by both, each group is
    # written as a persons CSV and answered by the real handler, parser included.
    groups = defaultdict(list)
    for case in (c for c in CASES if c.values[0] == file):
        _, person, date, scenario, expected = case.values
        groups[(date, scenario)].append((person, expected, case.id))
    parser = argparse.ArgumentParser(prog="llr-sim")
    commands.add_subcommands(parser.add_subparsers(dest="command", required=True))
    checked = 0
    for i, ((date, scenario), rows) in enumerate(sorted(groups.items())):
        columns = list(dict.fromkeys(k for person, _, _ in rows for k in person))
        persons = tmp_path / f"persons_{i}.csv"
        with persons.open("w", newline="", encoding="utf-8") as stream:
            writer = csv.writer(stream)
            writer.writerow(columns)
            for person, _, _ in rows:
                writer.writerow([_text(person.get(c, OPTIONAL.get(c))) for c in columns])
        out = tmp_path / f"portfolio_{i}.csv"
        ref = str(RULES / scenario) if scenario.endswith(".yaml") else scenario
        args = parser.parse_args(
            ["portfolio", str(persons), "--date", str(date), "--scenario", ref, "--out", str(out)]
        )
        assert args.handler(args) == 0
        with out.open(encoding="utf-8") as stream:
            answers = list(csv.DictReader(stream))
        assert len(answers) == len(rows)
        for answer, (_, expected, case_id) in zip(answers, rows, strict=True):
            for column, want in expected.items():
                try:
                    _check_csv_value(column, answer[column], want)
                except AssertionError as err:
                    raise AssertionError(f"{case_id}: {err}") from None
                checked += 1
    capsys.readouterr()
    assert checked >= len(groups)
