"""The project scenarios and the scenario mechanics (extends, date keys, rules_as_of)."""

import datetime as dt
from pathlib import Path

import pytest

from llr_sim.errors import InputErrors
from llr_sim.policy.parameters import load_parameters
from llr_sim.policy.scenarios import PROJECT_SCENARIOS, load_scenario, validate_scenarios

NAMES = [
    "status_quo",
    "status_quo_2025",
    "portfolio",
    "harmonised",
    "portable_budget",
    "portable_budget_targeted",
    "nl_stap",
    "fr_cpf",
]
DAY = dt.date(2027, 3, 1)


def test_the_eight_scenarios_exist_and_validate():
    assert sorted(p.stem for p in PROJECT_SCENARIOS.glob("*.yaml")) == sorted(NAMES)
    scenarios = validate_scenarios(sorted(PROJECT_SCENARIOS.glob("*.yaml")))
    for scenario in scenarios:
        assert scenario.label["nl"] and scenario.label["en"]
        assert len(scenario.description) > 80
        assert scenario.period == (2024, 2030)
        assert scenario.chain[-1] == "baseline"


def _at(name, path, day=DAY):
    return load_scenario(name).parameters[path].at(day)


def test_status_quo_holds_the_rules_of_2022_23():
    assert _at("status_quo", "opleidingsverlof.reimbursement.eur_per_hour") == 21.30
    assert _at("status_quo", "opleidingsverlof.hours.joint_initiative_extra") == 125
    assert _at("status_quo", "loopbaancheques.own_contribution.eur_per_cheque") == 40
    assert _at("status_quo", "opleidingsverlof.wage_ceiling.eur_per_month") == 3233


def test_status_quo_2025_holds_the_april_2025_cuts():
    assert _at("status_quo_2025", "opleidingsverlof.reimbursement.eur_per_hour") == 14.91
    assert _at("status_quo_2025", "opleidingsverlof.eligibility.min_work_fraction") == 0.8
    assert _at("status_quo_2025", "opleidingsverlof.eligibility.min_hours_per_week") == 28
    assert _at("status_quo_2025", "opleidingsverlof.hours.joint_initiative_extra") == 0


def test_portfolio_changes_awareness_only():
    base, portfolio = load_scenario("status_quo"), load_scenario("portfolio")
    assert portfolio.behaviour == {"awareness.overview_multiplier": 1.5}
    assert base.parameters.table(DAY) == [
        {**r, "since": r["since"]} for r in portfolio.parameters.table(DAY)
    ]


def test_harmonised_shares_one_definition_across_three_instruments():
    scenario = load_scenario("harmonised").parameters.at(DAY)
    for rule in [
        "eligibility.statuses",
        "eligibility.work_regions",
        "eligibility.min_work_fraction",
        "eligibility.high_educated_requires_pop",
        "courses.list",
        "application.channel",
    ]:
        values = {
            str(scenario[f"{i}.{rule}"])
            for i in ("opleidingscheques", "opleidingsverlof", "opleidingskrediet")
        }
        assert len(values) == 1, (rule, values)


def test_portable_budget_replaces_three_instruments_and_inherits_the_harmonisation():
    s = load_scenario("portable_budget")
    assert s.chain == ("portable_budget", "harmonised", "portfolio", "status_quo", "baseline")
    p = s.parameters.at(DAY)
    assert p["ontwikkelbudget.enabled"] is True
    assert p["ontwikkelbudget.replaces"] == [
        "opleidingscheques",
        "loopbaancheques",
        "opleidingskrediet",
    ]
    assert p["opleidingsverlof.eligibility.high_educated_requires_pop"] is True
    assert s.behaviour == {"awareness.overview_multiplier": 1.5}


def test_foreign_designs():
    stap = load_scenario("nl_stap").parameters.at(DAY)
    assert (stap["ontwikkelbudget.credit.annual_eur"], stap["ontwikkelbudget.budget.limited"]) == (
        1000,
        True,
    )
    cpf = load_scenario("fr_cpf").parameters.at(DAY)
    assert cpf["ontwikkelbudget.co_payment.flat_eur"] == 100
    assert (
        cpf["ontwikkelbudget.credit.cap_eur"] + cpf["ontwikkelbudget.topup.low_educated_cap_eur"]
        == 8000
    )


def _write(folder: Path, name: str, body: str) -> Path:
    path = folder / f"{name}.yaml"
    path.write_text(f"name: {name}\nlabel: {{nl: x, en: y}}\ndescription: d\n{body}")
    return path


def test_extends_by_name_beside_the_file_then_the_project(tmp_path):
    _write(
        tmp_path, "local", "extends: status_quo\npolicy: {opleidingsverlof.hours.standard: 150}\n"
    )
    child = _write(tmp_path, "child", "extends: local\n")
    s = load_scenario(child)
    assert s.chain == ("child", "local", "status_quo", "baseline")
    assert s.parameters["opleidingsverlof.hours.standard"].at(DAY) == 150
    assert s.period == (2024, 2030)  # inherited


def test_extends_by_path(tmp_path):
    (tmp_path / "sub").mkdir()
    _write(tmp_path / "sub", "parent", "period: {start: 2025, end: 2026}\n")
    child = _write(tmp_path, "child", "extends: sub/parent.yaml\n")
    assert load_scenario(child).chain == ("child", "parent", "baseline")


def test_date_keyed_override_changes_the_future_only(tmp_path):
    path = _write(
        tmp_path,
        "reform",
        "extends: baseline\nperiod: {start: 2024, end: 2030}\npolicy:\n"
        "  opleidingsverlof.reimbursement.eur_per_hour:\n"
        "    2026-09-01: 18.0\n    2028-09-01: 20.0\n",
    )
    param = load_scenario(path).parameters["opleidingsverlof.reimbursement.eur_per_hour"]
    assert param.at(dt.date(2025, 5, 1)) == 14.91
    assert param.at(dt.date(2026, 9, 1)) == 18.0
    assert param.at(dt.date(2029, 1, 1)) == 20.0
    assert "scenario reform" in param.entry_at(dt.date(2029, 1, 1)).reference


def test_a_date_keyed_override_of_a_frozen_rule(tmp_path):
    path = _write(
        tmp_path,
        "later",
        "extends: status_quo\npolicy:\n  opleidingsverlof.hours.standard: {2027-09-01: 160}\n",
    )
    param = load_scenario(path).parameters["opleidingsverlof.hours.standard"]
    assert (param.at(dt.date(2027, 8, 31)), param.at(dt.date(2027, 9, 1))) == (125, 160)


def test_a_missing_period_everywhere_is_an_error(tmp_path):
    path = _write(tmp_path, "noperiod", "extends: baseline\n")
    with pytest.raises(InputErrors, match="noperiod.yaml: period: missing"):
        load_scenario(path)


def test_a_group_path_gets_a_clear_message(tmp_path):
    path = _write(
        tmp_path, "grp", "period: {start: 2024, end: 2030}\npolicy: {opleidingsverlof.hours: 1}\n"
    )
    with pytest.raises(InputErrors, match="is a group, not a parameter"):
        load_scenario(path)


def test_an_unknown_scenario_name_suggests_the_nearest():
    with pytest.raises(InputErrors, match="did you mean 'harmonised'"):
        load_scenario("harmonized")


def test_loading_a_scenario_never_changes_the_baseline():
    before = load_parameters().table(DAY)
    load_scenario("fr_cpf")
    assert load_parameters().table(DAY) == before


def test_resolved_scenario_as_plain_data():
    data = load_scenario("status_quo_2025").to_dict()
    assert data["rules_as_of"] == "2025-04-25"
    assert data["extends_chain"] == ["status_quo", "baseline"]
    assert data["period"] == {"start": 2024, "end": 2030}
