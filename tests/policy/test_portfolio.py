"""Reading, checking and writing persons for the portfolio."""

import datetime as dt
from pathlib import Path

import pandas as pd
import pytest

from llr_sim.errors import InputError, InputErrors
from llr_sim.policy.portfolio import (
    compute_portfolio,
    format_overview,
    output_columns,
    read_persons,
    write_csv_atomic,
)
from llr_sim.policy.scenarios import load_scenario

FIXTURES = Path(__file__).parent / "fixtures"
DAY = dt.date(2023, 1, 15)


def test_missing_columns_are_all_named():
    path = FIXTURES / "persons_missing_columns.csv"
    with pytest.raises(InputErrors) as info:
        read_persons(path, DAY)
    assert [str(p) for p in info.value.problems] == [
        f"{path}: column years_worked: missing",
        f"{path}: column tenure_years: missing",
    ]


def test_impossible_values_name_line_and_column():
    path = FIXTURES / "persons_impossible_values.csv"
    with pytest.raises(InputErrors) as info:
        read_persons(path, DAY)
    wheres = {p.where for p in info.value.problems}
    assert wheres == {
        f"{path}: line 2, column age",
        f"{path}: line 3, column education",
        f"{path}: line 3, column work_fraction",
        f"{path}: line 4, column in_education",
        f"{path}: line 4, column gross_monthly_wage_eur",
        f"{path}: line 4, column tenure_years",
        f"{path}: line 5, column years_worked",
    }


_NO_JOB = "expected 0 for a person who is unemployed or inactive (no job)"
_AGE = "expected an age in whole years from 18 to 66 (the population's range)"

# One broken fixture per impossible combination: (fixture, [(line, column, message, value)]).
IMPOSSIBLE = [
    (
        "persons_jobless_with_work.csv",
        [(3, "work_fraction", _NO_JOB, "0.5"), (4, "work_fraction", _NO_JOB, "0.2")],
    ),
    ("persons_jobless_with_wage.csv", [(3, "gross_monthly_wage_eur", _NO_JOB, "1500")]),
    (
        "persons_worker_without_work.csv",
        [
            (3, "work_fraction", "expected more than 0 for an employee or self-employed", "0"),
            (4, "work_fraction", "expected more than 0 for an employee or self-employed", "0"),
        ],
    ),
    (
        "persons_career_break_not_employee.csv",
        [
            (3, "career_break", "time credit is only for employees", "half"),
            (4, "career_break", "time credit is only for employees", "full"),
        ],
    ),
    ("persons_age_outside_population.csv", [(3, "age", _AGE, "17"), (4, "age", _AGE, "67")]),
    (  # 17 years of work at 30 is impossible; 16 (from age 14) is the boundary and passes
        "persons_career_longer_than_age.csv",
        [(3, "years_worked", "more years of work than years since age 14", "17")],
    ),
    (  # 0.5 years with no whole year of work and 11 after 10 years pass; 11.5 does not
        "persons_tenure_longer_than_career.csv",
        [(5, "tenure_years", "more years with the employer than years of work plus", "11.5")],
    ),
    (
        "persons_unknown_category.csv",
        [
            (3, "sex", "expected one of M, F", "X"),
            (4, "education", "expected one of low, medium, high", "doctorate"),
            (7, "status", "expected one of employee_private", "retired"),
            (5, "firm_size", "expected one of micro, small, medium, large, none", "huge"),
            (6, "sector", "expected one of health_social, industry", "C"),
        ],
    ),
]


@pytest.mark.parametrize(("fixture", "expected"), IMPOSSIBLE, ids=[c[0] for c in IMPOSSIBLE])
def test_impossible_combinations_name_file_line_and_field(fixture, expected):
    path = FIXTURES / fixture
    with pytest.raises(InputErrors) as info:
        read_persons(path, DAY)
    problems = info.value.problems
    assert [p.where for p in problems] == [
        f"{path}: line {line}, column {column}" for line, column, _, _ in expected
    ]
    for problem, (_, _, words, value) in zip(problems, expected, strict=True):
        assert words in problem.message and problem.message.endswith(f"got {value!r}"), problem


def test_every_persons_fixture_is_used():
    used = {c[0] for c in IMPOSSIBLE} | {
        "persons_ok.csv",
        "persons_missing_columns.csv",
        "persons_impossible_values.csv",
    }
    assert {p.name for p in FIXTURES.glob("persons_*.csv")} == used


def test_one_yaml_person_names_the_field():
    path = FIXTURES / "persons_bad.yaml"
    with pytest.raises(InputErrors) as info:
        read_persons(path, DAY)
    assert [str(p) for p in info.value.problems] == [
        f"{path}: status: expected one of employee_private, employee_public, self_employed, "
        "unemployed, inactive, got 'astronaut'"
    ]


def test_a_loopbaancheque_in_the_future_is_impossible(tmp_path):
    text = (FIXTURES / "persons_ok.csv").read_text().replace(",2019\n", ",2031\n")
    path = tmp_path / "p.csv"
    path.write_text(text)
    with pytest.raises(InputErrors, match="line 3, column last_loopbaancheque_year"):
        read_persons(path, DAY)


@pytest.mark.parametrize(
    ("content", "words"),
    [(b"", "empty"), (b"\x00\x01\x02", "binary"), (b"a,b\n", "no persons")],
)
def test_empty_binary_or_headless_csv(tmp_path, content, words):
    path = tmp_path / "p.csv"
    path.write_bytes(content)
    with pytest.raises(InputError, match=words):
        read_persons(path, DAY)


def test_many_bad_rows_are_summarised(tmp_path):
    rows = [
        "age,education,status,in_education,work_fraction,gross_monthly_wage_eur,"
        "years_worked,tenure_years,lives_alone"
    ]
    rows += ["-1,low,inactive,false,0,0,0,0,false"] * 12
    path = tmp_path / "p.csv"
    path.write_text("\n".join(rows) + "\n")
    with pytest.raises(InputErrors) as info:
        read_persons(path, DAY)
    lines = [str(p) for p in info.value.problems]
    assert len(lines) == 6
    assert lines[-1] == f"{path}: column age: 7 more rows with the same problem"


def test_portfolio_columns_and_values():
    persons, one = read_persons(FIXTURES / "persons_ok.csv", DAY)
    assert not one
    out = compute_portfolio(persons, DAY, load_scenario("status_quo"))
    assert list(out.columns[: len(persons.columns)]) == list(persons.columns)
    assert set(output_columns()) <= set(out.columns)
    assert list(out["opleidingsverlof_eligible"]) == [True, False, False, True]
    assert list(out["opleidingskrediet_monthly_premium_eur"]) == [0, 0, 0, pytest.approx(641.29)]
    assert out.loc[1, "loopbaancheques_reason"].startswith("used loopbaancheques")


def test_write_is_atomic_and_readable(tmp_path):
    persons, _ = read_persons(FIXTURES / "persons_ok.csv", DAY)
    out = compute_portfolio(persons, DAY, load_scenario("baseline"))
    path = write_csv_atomic(out, tmp_path / "out.csv")
    back = pd.read_csv(path, dtype=str, keep_default_na=False)
    assert list(back["opleidingscheques_eligible"]) == ["true", "false", "false", "true"]
    assert back.loc[0, "opleidingscheques_reason"] == ""
    assert back.loc[0, "loopbaancheques_own_contribution_eur"] == "40.0"
    assert back.loc[2, "loopbaancheques_own_contribution_eur"] == ""  # not eligible
    assert back.loc[1, "last_loopbaancheque_year"] == "2019"
    assert [p.name for p in tmp_path.iterdir()] == ["out.csv"]


def test_readable_overview_for_one_person():
    persons, one = read_persons(FIXTURES / "person_ok.yaml", DAY)
    assert one
    out = compute_portfolio(persons, DAY, load_scenario("status_quo"))
    text = format_overview(out.iloc[0], DAY, load_scenario("status_quo"))
    assert "Portfolio of person 7 on 2023-01-15, scenario status_quo" in text
    assert "opleidingsverlof   yes  up to 200 hours" not in text  # no employer initiative
    assert "opleidingsverlof   yes  up to 100 hours" in text
    assert "opleidingskrediet  yes  EUR 364.05 gross a month" in text
    assert "ontwikkelbudget    no   no ontwikkelbudget in this scenario" in text
