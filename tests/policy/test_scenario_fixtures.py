"""One broken fixture per scenario validation failure: the error names the file and the field."""

import datetime as dt
from pathlib import Path

import pytest

from llr_sim.errors import InputError, InputErrors
from llr_sim.policy.parameters import load_parameters
from llr_sim.policy.scenarios import load_scenario

FIXTURES = Path(__file__).parent / "fixtures"

# (fixture, the field the error must name or None for a whole-file error, words in the message)
CASES = [
    ("unknown_key.yaml", "desciption", "did you mean 'description'"),
    (
        "unknown_parameter.yaml",
        "policy.opleidingsverlof.hours.standrd",
        "'opleidingsverlof.hours.standard'",
    ),
    ("wrong_type.yaml", "policy.opleidingsverlof.hours.standard", "expected a number"),
    ("negative_amount.yaml", "policy.opleidingsverlof.reimbursement.eur_per_hour", "negative"),
    ("nan_value.yaml", "policy.opleidingscheques.ceiling.standard_eur", "finite"),
    ("infinite_value.yaml", "policy.ontwikkelbudget.credit.cap_eur", "finite"),
    ("cap_below_credit.yaml", "policy.ontwikkelbudget.credit.cap_eur", "below the annual credit"),
    ("end_before_start.yaml", "period.end", "before the start"),
    ("extends_missing.yaml", "extends", "did you mean 'status_quo'"),
    # the loop is closed by cycle_b's extends, so that is the file and field named
    ("cycle_a.yaml", "cycle_b.yaml: extends", "circular: cycle_a -> cycle_b -> cycle_a"),
    ("malformed.yaml", None, "malformed YAML, line"),
    ("empty.yaml", None, "empty"),
    ("binary.yaml", None, "binary"),
    (
        "bad_date_key.yaml",
        "policy.opleidingsverlof.reimbursement.eur_per_hour.2026-13-01",
        "malformed date key",
    ),
    ("bad_name.yaml", "name", "not a plain identifier"),
    ("bad_behaviour.yaml", "behaviour.awareness.overview_multiplier", "expected a number"),
    ("missing_label.yaml", "label", "missing"),
    ("not_mapping.yaml", None, "expected a mapping"),
]


def _problems(path: Path) -> list[InputError]:
    with pytest.raises(InputError) as info:
        load_scenario(path)
    err = info.value
    return err.problems if isinstance(err, InputErrors) else [err]


@pytest.mark.parametrize(("fixture", "field", "words"), CASES, ids=[c[0] for c in CASES])
def test_broken_fixture_names_file_and_field(fixture, field, words):
    problems = _problems(FIXTURES / fixture)
    lines = [str(p) for p in problems]
    assert len(lines) == 1, lines
    line = lines[0]
    assert "\n" not in line
    if field is not None and ": " in field:  # the error belongs to another file of the chain
        fixture, field = field.split(": ")
    assert line.startswith(str(FIXTURES / fixture)), line
    if field is not None:
        assert problems[0].where == f"{FIXTURES / fixture}: {field}", line
    assert words in line, line


def test_every_fixture_file_is_used():
    used = {c[0] for c in CASES} | {"cycle_b.yaml", "many_problems.yaml"}
    scenario_fixtures = {p.name for p in FIXTURES.glob("*.yaml") if not p.name.startswith("person")}
    assert scenario_fixtures == used


def test_every_problem_is_reported_at_once():
    # Field errors do not hide the cross-parameter check: the cap is compared with the annual
    # credit in force once the invalid override (NaN) is skipped.
    path = FIXTURES / "many_problems.yaml"
    lines = [str(p) for p in _problems(path)]
    assert lines == [
        f"{path}: colour: unknown key; expected name, label, description, extends, period, "
        "rules_as_of, policy, behaviour",
        f"{path}: name: 'many problems' is not a plain identifier (letters, digits, underscores)",
        f"{path}: period.end: the end (2024) is before the start (2030)",
        f"{path}: policy.opleidingsverlof.hours.standrd: unknown parameter path; did you mean "
        "'opleidingsverlof.hours.standard' or 'opleidingsverlof.courses.list' or "
        "'opleidingsverlof.hours.pro_rata_part_time'?",
        f"{path}: policy.opleidingsverlof.reimbursement.eur_per_hour: impossible negative value "
        "-1 (EUR/hour); must be 0 or more",
        f"{path}: policy.ontwikkelbudget.credit.annual_eur: expected a finite number (EUR/year), "
        "got nan",
        f"{path}: policy.ontwikkelbudget.credit.cap_eur: the cap (100) is below the annual credit "
        "(500) from 2019-09-01",
    ]


def test_a_missing_period_is_reported_with_the_field_errors(tmp_path):
    path = tmp_path / "no_period.yaml"
    path.write_text(
        "name: no_period\nlabel: {nl: a, en: b}\ndescription: d\n"
        "policy: {opleidingsverlof.hours.standrd: 1}\n"
    )
    wheres = sorted(p.where for p in _problems(path))
    assert wheres == [f"{path}: period", f"{path}: policy.opleidingsverlof.hours.standrd"]


def test_relations_are_not_judged_when_a_parent_is_missing(tmp_path):
    # The parent might have set the annual credit; with it unknown, only the extends is reported.
    path = tmp_path / "orphan.yaml"
    path.write_text(
        "name: orphan\nlabel: {nl: a, en: b}\ndescription: d\nextends: nowhere\n"
        "policy: {ontwikkelbudget.credit.cap_eur: 100}\n"
    )
    assert [p.where for p in _problems(path)] == [f"{path}: extends"]


def test_a_broken_parent_is_reported_with_its_own_file(tmp_path):
    (tmp_path / "parent.yaml").write_text(
        "name: parent\nlabel: {nl: a, en: b}\ndescription: d\nperiod: {start: 2024, end: 2030}\n"
        "policy: {opleidingsverlof.hours.standard: -1}\n"
    )
    (tmp_path / "child.yaml").write_text(
        "name: child\nlabel: {nl: a, en: b}\ndescription: d\nextends: parent\n"
        "policy: {opleidingsverlof.hours.standrd: 1}\n"
    )
    problems = _problems(tmp_path / "child.yaml")
    wheres = sorted(p.where for p in problems)
    assert wheres == [
        f"{tmp_path / 'child.yaml'}: policy.opleidingsverlof.hours.standrd",
        f"{tmp_path / 'parent.yaml'}: policy.opleidingsverlof.hours.standard",
    ]


def test_a_failed_scenario_leaves_the_baseline_untouched():

    before = load_parameters()["ontwikkelbudget.credit.annual_eur"]
    _problems(FIXTURES / "cap_below_credit.yaml")
    after = load_parameters()["ontwikkelbudget.credit.annual_eur"]
    assert after is before
    assert load_parameters().at(dt.date(2024, 1, 1))["ontwikkelbudget.enabled"] is False
