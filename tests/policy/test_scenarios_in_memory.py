"""Scenarios made in memory (a dict, overrides on a scenario) are checked and resolved as files."""

import datetime as dt
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

import llr_sim
from llr_sim.analysis.variants import variant
from llr_sim.cli import main
from llr_sim.errors import InputErrors
from llr_sim.inputs import scenario_from_dict, with_overrides
from llr_sim.policy import scenarios
from llr_sim.policy.parameters import load_yaml
from llr_sim.policy.scenarios import PROJECT_SCENARIOS, load_scenario

FIXTURES = Path(__file__).parent / "fixtures"
DAYS = [dt.date(2023, 1, 1), dt.date(2025, 9, 1), dt.date(2027, 3, 1), dt.date(2030, 1, 1)]


def _values(scenario):
    """The parameters in force on a few days (without their sources, which name the origin)."""
    return {day: scenario.parameters.at(day) for day in DAYS}


def _data(name: str) -> dict:
    return load_yaml((PROJECT_SCENARIOS / f"{name}.yaml").read_text())


@pytest.mark.parametrize("name", ["status_quo", "status_quo_2025", "harmonised", "fr_cpf"])
def test_a_dict_resolves_like_its_file(name):
    from_file, from_dict = load_scenario(name), scenario_from_dict(_data(name))
    assert from_dict.path is None and from_file.path is not None
    assert from_dict.to_dict() == from_file.to_dict()
    assert _values(from_dict) == _values(from_file)


def test_a_dict_reports_every_problem_like_a_file():
    path = FIXTURES / "many_problems.yaml"
    with pytest.raises(InputErrors) as from_file:
        load_scenario(path)
    data = load_yaml(path.read_text())
    with pytest.raises(InputErrors) as from_dict:
        scenario_from_dict(data, "mine")
    expected = [str(p).replace(str(path), "mine") for p in from_file.value.problems]
    assert [str(p) for p in from_dict.value.problems] == expected
    assert all(p.where.startswith("mine: ") for p in from_dict.value.problems)


def test_a_dict_is_not_changed_and_needs_no_file_name():
    data = {
        "name": "anything",  # no file name to match
        "label": {"nl": "Iets", "en": "Something"},
        "description": "a scenario in memory",
        "extends": "status_quo",
        "policy": {"opleidingsverlof.hours.standard": {"2026-09-01": 150}},
        "behaviour": {"awareness.overview_multiplier": 1.5},
    }
    before = repr(data)
    scenario = scenario_from_dict(data)
    assert repr(data) == before
    assert scenario.chain == ("anything", "status_quo", "baseline")
    assert scenario.period == (2024, 2030)  # inherited
    hours = scenario.parameters["opleidingsverlof.hours.standard"]
    assert (hours.at(dt.date(2026, 8, 31)), hours.at(dt.date(2026, 9, 1))) == (125, 150)
    assert "<memory>" in hours.entry_at(dt.date(2027, 1, 1)).reference


def test_a_dict_with_missing_fields_and_an_unknown_parent():
    with pytest.raises(InputErrors) as err:
        scenario_from_dict({"name": "x", "extends": "status_qou"}, "notebook cell 3")
    wheres = [p.where for p in err.value.problems]
    assert wheres == [
        "notebook cell 3: label",
        "notebook cell 3: description",
        "notebook cell 3: extends",
    ]
    assert "did you mean 'status_quo'" in str(err.value.problems[-1])
    with pytest.raises(InputErrors, match="^<memory>: expected a mapping of scenario fields"):
        scenario_from_dict(["name", "x"])


def test_overrides_are_applied_like_a_file_extending_the_scenario(tmp_path):
    policy = {
        "opleidingsverlof.hours.standard": 150,
        "opleidingsverlof.reimbursement.eur_per_hour": {"2026-09-01": 18.0},
    }
    base = load_scenario("harmonised")
    (tmp_path / "child.yaml").write_text(
        "name: child\nlabel: {nl: Kind, en: Child}\ndescription: d\nextends: harmonised\n"
        "policy:\n  opleidingsverlof.hours.standard: 150\n"
        "  opleidingsverlof.reimbursement.eur_per_hour: {2026-09-01: 18.0}\n"
        "behaviour: {awareness.word_of_mouth: 0.2}\n"
    )
    from_file = load_scenario(tmp_path / "child.yaml")
    in_memory = base.with_overrides(
        policy=policy,
        behaviour={"awareness.word_of_mouth": 0.2},
        name="child",
        label={"nl": "Kind", "en": "Child"},
        description="d",
    )
    assert _values(in_memory) == _values(from_file)
    assert in_memory.to_dict() == from_file.to_dict()
    assert in_memory.path is None
    assert in_memory.chain == ("child", "harmonised", "portfolio", "status_quo", "baseline")
    assert in_memory.behaviour == {
        "awareness.overview_multiplier": 1.5,
        "awareness.word_of_mouth": 0.2,
    }
    # The base is not changed.
    assert base.parameters["opleidingsverlof.hours.standard"].at(dt.date(2027, 1, 1)) == 125
    assert "awareness.word_of_mouth" not in base.behaviour


def test_overrides_keep_the_name_unless_given():
    base = load_scenario("portfolio")
    same = base.with_overrides(behaviour={"awareness.overview_multiplier": 2.0})
    assert (same.name, same.chain, same.label) == (base.name, base.chain, base.label)
    assert same.behaviour == {"awareness.overview_multiplier": 2.0}


def test_bad_overrides_are_reported_all_at_once():
    base = load_scenario("status_quo")
    with pytest.raises(InputErrors) as err:
        base.with_overrides(
            policy={
                "opleidingsverlof.hours.standrd": 150,
                "opleidingsverlof.reimbursement.eur_per_hour": -1,
                "ontwikkelbudget.credit.cap_eur": 100,
                "ontwikkelbudget.credit.annual_eur": 500,
            },
            behaviour={"awareness.overview_multiplier": "high", "notdotted": 1},
            name="bad name",
        )
    lines = [str(p) for p in err.value.problems]
    shown = "<overrides of status_quo>"
    assert lines[0] == (
        f"{shown}: name: 'bad name' is not a plain identifier (letters, digits, underscores)"
    )
    assert lines[1].startswith(f"{shown}: policy.opleidingsverlof.hours.standrd: unknown")
    assert lines[2].startswith(f"{shown}: policy.opleidingsverlof.reimbursement.eur_per_hour:")
    assert lines[3].startswith(f"{shown}: behaviour.awareness.overview_multiplier: expected a num")
    assert lines[4].startswith(f"{shown}: behaviour.notdotted: expected a dotted name")
    assert lines[5].startswith(f"{shown}: policy.ontwikkelbudget.credit.cap_eur: the cap (100)")
    assert len(lines) == 6


def test_behaviour_names_are_checked_above_the_policy_package(tmp_path):
    path = tmp_path / "odd.yaml"
    path.write_text(
        "name: odd\nlabel: {nl: a, en: b}\ndescription: d\nextends: status_quo\n"
        "policy: {opleidingsverlof.hours.standrd: 1}\n"
        "behaviour: {awareness.nonsense: 1, awareness.overview_multiplier: 9}\n"
    )
    # The policy package knows the block's shape only ...
    with pytest.raises(InputErrors) as policy_only:
        load_scenario(path)
    assert [p.where for p in policy_only.value.problems] == [
        f"{path}: policy.opleidingsverlof.hours.standrd"
    ]
    # ... the public API checks the whole scenario, every problem at once.
    with pytest.raises(InputErrors) as whole:
        llr_sim.load_scenario(path)
    assert [p.where for p in whole.value.problems] == [
        f"{path}: policy.opleidingsverlof.hours.standrd",
        f"{path}: behaviour.awareness.nonsense",
        f"{path}: behaviour.awareness.overview_multiplier",
    ]
    assert "unknown behaviour parameter" in str(whole.value.problems[1])
    assert "outside the plausible range" in str(whole.value.problems[2])
    with pytest.raises(InputErrors, match="behaviour.awareness.nonsense: unknown"):
        with_overrides(load_scenario("status_quo"), behaviour={"awareness.nonsense": 1})


def test_validate_reports_unknown_behaviour_names(tmp_path, capsys):

    path = tmp_path / "odd.yaml"
    path.write_text(
        "name: odd\nlabel: {nl: a, en: b}\ndescription: d\nextends: status_quo\n"
        "behaviour: {awareness.nonsense: 1}\n"
    )
    assert main(["validate", str(path)]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert err == [
        f"llr-sim: error: {path}: behaviour.awareness.nonsense: unknown behaviour parameter"
    ]


def test_the_policy_package_does_not_import_behaviour():
    assert "llr_sim.behaviour" not in Path(scenarios.__file__).read_text()
    code = (
        "import sys; from llr_sim.policy.scenarios import load_scenario; "
        "load_scenario('portable_budget'); "
        "print([m for m in sys.modules if m.startswith('llr_sim.behaviour')])"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"


def test_a_variant_is_made_in_memory(tmp_path, monkeypatch):

    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    changed = variant("portfolio", "wider", policy={"opleidingsverlof.hours.standard": 150})
    assert changed.path is None and list(tmp_path.iterdir()) == []
    assert changed.chain == ("wider", "portfolio", "status_quo", "baseline")
    assert changed.label["en"].endswith("(wider)")
    assert changed.parameters["opleidingsverlof.hours.standard"].at(dt.date(2027, 1, 1)) == 150
    with pytest.raises(InputErrors) as err:
        variant("portfolio", "odd", policy={"x.y": 1}, behaviour={"awareness.nonsense": 1})
    assert [p.where for p in err.value.problems] == [
        "variant odd of portfolio: policy.x.y",
        "variant odd of portfolio: behaviour.awareness.nonsense",
    ]
