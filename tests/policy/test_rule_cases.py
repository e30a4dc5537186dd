"""Runs every YAML rule case in tests/rules through the portfolio computation."""

import math
from functools import cache
from pathlib import Path

import pytest

from llr_sim.policy.parameters import load_yaml, parse_date
from llr_sim.policy.portfolio import compute_portfolio, output_columns, persons_from_records
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
