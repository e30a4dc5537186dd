"""Relations between parameters: each instrument declares its own; a scenario that breaks one is
refused, and so is a value the files accept but a run cannot hold."""

import shutil
from dataclasses import replace

import pytest

from llr_sim.errors import InputErrors
from llr_sim.policy import (
    entitlements,
    loopbaancheques,
    ontwikkelbudget,
    opleidingscheques,
    opleidingskrediet,
    opleidingsverlof,
)
from llr_sim.policy.parameters import (
    ALWAYS,
    PARAMETERS_DIR,
    DatedValue,
    load_parameters,
    read_parameters,
)
from llr_sim.policy.scenarios import load_scenario

MODULES = (opleidingscheques, loopbaancheques, opleidingsverlof, opleidingskrediet, ontwikkelbudget)


def _with(params, **values):
    """``params`` with some values (dotted paths with ``__`` for dots) at every date."""
    updates = {}
    for key, value in values.items():
        path = key.replace("__", ".")
        updates[path] = replace(
            params[path], values=(DatedValue(ALWAYS, value, assumption="test", range=(0, 1e9)),)
        )
    return params.with_parameters(updates)


def test_every_instrument_declares_its_constraints_and_all_are_collected():
    collected = [c for m in MODULES for c in m.CONSTRAINTS]
    assert list(entitlements.CONSTRAINTS) == collected
    for module in MODULES:
        for constraint in module.CONSTRAINTS:  # an instrument's relations are about its own values
            assert all(p.startswith(f"{module.ID}.") for p in constraint.paths)
            assert constraint.target in constraint.paths
    targets = [c.target for c in collected]
    assert targets == [
        "loopbaancheques.provider.value_eur_per_trajectory",
        "loopbaancheques.cheques.per_period",
        "opleidingskrediet.duration.max_months",
        "ontwikkelbudget.credit.cap_eur",
        "ontwikkelbudget.topup.low_educated_cap_eur",
        "ontwikkelbudget.eligibility.max_age",
        "ontwikkelbudget.budget.annual_limit_eur",
    ]


@pytest.mark.parametrize(
    "name",
    [
        "baseline",
        "status_quo",
        "harmonised",
        "portable_budget",
        "portable_budget_targeted",
        "fr_cpf",
        "nl_stap",
    ],
)
def test_the_project_scenarios_break_no_relation(name):
    assert entitlements.check_constraints(load_scenario(name).parameters) == []


def test_the_old_name_gives_the_same_answer_as_the_registry():
    broken = _with(load_parameters(), ontwikkelbudget__credit__cap_eur=10)
    assert entitlements.check_constraints(broken) == entitlements.check_constraints(broken)
    assert entitlements.check_constraints(broken) == [
        (
            "ontwikkelbudget.credit.cap_eur",
            ["ontwikkelbudget.credit.cap_eur", "ontwikkelbudget.credit.annual_eur"],
            "the cap (10) is below the annual credit (500) from 2019-09-01",
        )
    ]


@pytest.mark.parametrize(
    ("path", "value", "ok"),
    [
        ("loopbaancheques.cheques.per_period", 40000, False),  # overflowed the int16 column
        ("loopbaancheques.cheques.per_period", 2.5, False),
        ("loopbaancheques.cheques.per_period", 3.0, True),
        ("loopbaancheques.cheques.per_period", 0, True),
        ("opleidingskrediet.duration.max_months", 40000, False),
        ("opleidingskrediet.duration.max_months", 32767, True),
        ("opleidingskrediet.duration.max_months", 32768, False),
        ("opleidingskrediet.duration.max_months", 1e300, False),
    ],
)
def test_counts_must_fit_their_int16_column(path, value, ok):
    # A provider value large enough that the cheques' own contributions stay below it.
    params = _with(load_parameters(), **{path.replace(".", "__"): value})
    params = _with(params, loopbaancheques__provider__value_eur_per_trajectory=1e9)
    problems = entitlements.check_constraints(params)
    if ok:
        assert problems == []
    else:
        assert [(target, message.split(" (")[0]) for target, _, message in problems] == [
            (path, f"the number of {'months' if 'months' in path else 'cheques per period'}")
        ]
        assert "must be a whole number from 0 to 32767" in problems[0][2]


def test_a_scenario_with_too_many_cheques_is_refused_naming_file_and_field(tmp_path):
    path = tmp_path / "many_cheques.yaml"
    path.write_text(
        "name: many_cheques\nlabel: {nl: a, en: b}\ndescription: d\n"
        "period: {start: 2024, end: 2030}\n"
        "policy:\n  loopbaancheques.cheques.per_period: 40000\n"
        "  loopbaancheques.provider.value_eur_per_trajectory: 100000000\n"
    )
    with pytest.raises(InputErrors) as info:
        load_scenario(path)
    assert [str(p) for p in info.value.problems] == [
        f"{path}: policy.loopbaancheques.cheques.per_period: the number of cheques per period "
        "(40000) must be a whole number from 0 to 32767"
    ]


@pytest.mark.parametrize(
    ("path", "entry", "value"),
    [
        (
            "opleidingsverlof.courses.min_hours",
            "        value: {}\n        reference:\n          - https://www.asap",
            "32",
        ),
        (
            "loopbaancheques.pop.validity_years",
            "        value: {}\n        reference: https://www.vlaanderen.be/o",
            "6",
        ),
    ],
)
@pytest.mark.parametrize("bad", ["-1", ".nan", ".inf"])
def test_the_new_course_and_pop_values_are_finite_and_not_negative(
    tmp_path, path, entry, value, bad
):
    # The checks of every number (finite, 0 or more) hold for them: no constraint is needed.
    for source in PARAMETERS_DIR.glob("*.yaml"):
        shutil.copy(source, tmp_path / source.name)
    target = tmp_path / f"{path.split('.')[0]}.yaml"
    original = target.read_text()
    assert original.count(entry.format(value)) == 1
    target.write_text(original.replace(entry.format(value), entry.format(bad)))
    with pytest.raises(InputErrors) as info:
        read_parameters(tmp_path)
    lines = [str(p) for p in info.value.problems]
    assert len(lines) == 1 and f"{path}.values.2" in lines[0] and ".value:" in lines[0], lines
