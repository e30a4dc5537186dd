"""The validate, rules and portfolio handlers, through a parser built like llr_sim.cli's."""

import argparse
import sys
from pathlib import Path

import pytest

from llr_sim.errors import InputError
from llr_sim.policy import commands, portfolio
from llr_sim.policy.parameters import load_parameters
from llr_sim.policy.scenarios import PROJECT_SCENARIOS

FIXTURES = Path(__file__).parent / "fixtures"


class _Parser(argparse.ArgumentParser):
    def error(self, message):
        raise InputError(self.prog, message)


def run(*argv: str) -> int:
    """Parse and run like ``llr_sim.cli.main``: bad input is one line per problem, exit 2."""
    parser = _Parser(prog="llr-sim")
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)
    commands.add_subcommands(sub, _Parser)
    try:
        args = parser.parse_args(list(argv))
        return args.handler(args)
    except InputError as err:
        print(f"llr-sim: error: {err}", file=sys.stderr)
        return 2


def test_validate_passes_the_project_scenarios(capsys):
    files = sorted(str(p) for p in PROJECT_SCENARIOS.glob("*.yaml"))
    assert run("validate", *files) == 0
    out = capsys.readouterr().out.splitlines()
    assert len(out) == 8 and all(line.startswith("ok  ") for line in out)


def test_validate_reports_every_problem_of_every_file(capsys):
    bad = [str(FIXTURES / "negative_amount.yaml"), str(FIXTURES / "bad_name.yaml")]
    good = str(PROJECT_SCENARIOS / "status_quo.yaml")
    assert run("validate", bad[0], good, bad[1]) == 2
    captured = capsys.readouterr()
    assert captured.out.startswith(f"ok  {good}")
    # llr_sim.cli prefixes the first line only (InputErrors joins its problems with newlines)
    lines = [line.removeprefix("llr-sim: error: ") for line in captured.err.splitlines()]
    assert lines == [
        f"{bad[0]}: policy.opleidingsverlof.reimbursement.eur_per_hour: "
        "impossible negative value -5 (EUR/hour); must be 0 or more",
        f"{bad[1]}: name: 'bad name!' is not a plain identifier (letters, digits, underscores)",
    ]


def test_rules_prints_every_parameter_with_its_source(capsys):

    assert run("rules", "--date", "2023-01-01") == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == "Rules in force on 2023-01-01, scenario baseline"
    assert len(lines) == 1 + len(load_parameters())
    for line in lines[1:]:
        assert "since " in line and ("http" in line or "assumption:" in line), line
    vov = next(line for line in lines if line.startswith("opleidingsverlof.reimbursement"))
    assert "21.3 EUR/hour" in vov and "since 2014-09-01" in vov


def test_rules_of_a_scenario_as_csv(capsys):
    assert run("rules", "--date", "2027-01-01", "--scenario", "fr_cpf", "--format", "csv") == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0] == "parameter,value,unit,since,source"
    assert any(
        line.startswith("ontwikkelbudget.co_payment.flat_eur,100,EUR,always,scenario fr_cpf")
        for line in out
    )


def test_rules_without_a_date_says_which_date(capsys):
    assert run("rules") == 0
    assert "(today; use --date to choose)" in capsys.readouterr().out.splitlines()[0]


@pytest.mark.parametrize(
    ("argv", "line"),
    [
        (
            ("rules", "--date", "01/09/2023"),
            "llr-sim: error: --date: unknown date format '01/09/2023'; write dates as YYYY-MM-DD",
        ),
        (
            ("rules", "--date", "2023-02-30"),
            "llr-sim: error: --date: not a valid date: '2023-02-30'",
        ),
        (
            ("rules", "--date", "2015-01-01"),
            "llr-sim: error: --date: 2015-01-01 is before the first",
        ),
        (("rules", "--scenario", "harmonized"), "llr-sim: error: harmonized: no such scenario"),
    ],
)
def test_bad_flags_give_one_line_and_exit_2(capsys, argv, line):
    assert run(*argv) == 2
    err = capsys.readouterr().err.splitlines()
    assert len(err) == 1 and err[0].startswith(line), err


def test_portfolio_writes_the_csv(tmp_path, capsys):
    out = tmp_path / "portfolio.csv"
    code = run(
        "portfolio",
        str(FIXTURES / "persons_ok.csv"),
        "--date",
        "2023-01-15",
        "--scenario",
        "status_quo",
        "--out",
        str(out),
    )
    assert code == 0
    assert "4 persons on 2023-01-15, scenario status_quo" in capsys.readouterr().out
    header = out.read_text().splitlines()[0].split(",")
    # The six amounts the issue names, in its order, then the detail amounts.
    assert header[-15:] == [
        "opleidingscheques_max_subsidy_eur",
        "loopbaancheques_own_contribution_eur",
        "opleidingsverlof_max_hours",
        "opleidingsverlof_reimbursement_eur_per_hour",
        "opleidingskrediet_monthly_premium_eur",
        "ontwikkelbudget_annual_credit_eur",
        "opleidingscheques_max_subsidy_priority_eur",
        "opleidingscheques_max_subsidy_higher_education_eur",
        "loopbaancheques_provider_value_eur",
        "loopbaancheques_government_payment_eur",
        "opleidingsverlof_capped_wage_eur_per_month",
        "opleidingskrediet_max_months",
        "ontwikkelbudget_cap_eur",
        "ontwikkelbudget_co_payment_eur",
        "ontwikkelbudget_co_payment_share",
    ]


def test_portfolio_of_one_yaml_person_is_printed(capsys):
    assert run("portfolio", str(FIXTURES / "person_ok.yaml"), "--date", "2023-01-15") == 0
    assert "Portfolio of person 7 on 2023-01-15, scenario baseline" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("persons", "extra", "first_line"),
    [
        (
            "persons_missing_columns.csv",
            (),
            "persons_missing_columns.csv: column years_worked: missing",
        ),
        ("persons_impossible_values.csv", (), "persons_impossible_values.csv: line 2, column age:"),
        (
            "persons_jobless_with_work.csv",
            (),
            "persons_jobless_with_work.csv: line 3, column work_fraction:",
        ),
        (
            "persons_jobless_with_wage.csv",
            (),
            "persons_jobless_with_wage.csv: line 3, column gross_monthly_wage_eur:",
        ),
        (
            "persons_worker_without_work.csv",
            (),
            "persons_worker_without_work.csv: line 3, column work_fraction:",
        ),
        (
            "persons_career_break_not_employee.csv",
            (),
            "persons_career_break_not_employee.csv: line 3, column career_break:",
        ),
        (
            "persons_age_outside_population.csv",
            (),
            "persons_age_outside_population.csv: line 3, column age:",
        ),
        (
            "persons_career_longer_than_age.csv",
            (),
            "persons_career_longer_than_age.csv: line 3, column years_worked:",
        ),
        (
            "persons_tenure_longer_than_career.csv",
            (),
            "persons_tenure_longer_than_career.csv: line 5, column tenure_years:",
        ),
        ("persons_unknown_category.csv", (), "persons_unknown_category.csv: line 3, column sex:"),
        ("persons_ok.csv", ("--date", "2023/01/15"), "--date: unknown date format"),
    ],
)
def test_portfolio_bad_input_writes_nothing(tmp_path, capsys, persons, extra, first_line):
    out = tmp_path / "portfolio.csv"
    argv = ["portfolio", str(FIXTURES / persons), "--out", str(out), *extra]
    if "--date" not in extra:
        argv += ["--date", "2023-01-15"]
    assert run(*argv) == 2
    err = capsys.readouterr().err.splitlines()
    assert first_line in err[0], err
    assert list(tmp_path.iterdir()) == []


def test_portfolio_csv_needs_out(capsys):
    assert run("portfolio", str(FIXTURES / "persons_ok.csv"), "--date", "2023-01-15") == 2
    assert capsys.readouterr().err.strip() == (
        "llr-sim: error: --out: required for a persons CSV (the output CSV file)"
    )


def test_a_failure_while_writing_leaves_nothing(tmp_path, monkeypatch, capsys):

    def broken(frame):
        raise OSError("disk full")

    monkeypatch.setattr(portfolio, "_csv_ready", broken)
    with pytest.raises(OSError):
        run(
            "portfolio",
            str(FIXTURES / "persons_ok.csv"),
            "--date",
            "2023-01-15",
            "--out",
            str(tmp_path / "x.csv"),
        )
    assert list(tmp_path.iterdir()) == []
