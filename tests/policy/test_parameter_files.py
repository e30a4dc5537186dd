"""The parameter files: every value dated and sourced; lookups by date."""

import datetime as dt
import shutil
from pathlib import Path

import pytest

from llr_sim.errors import InputError, InputErrors
from llr_sim.policy.parameters import (
    INSTRUMENTS,
    PARAMETERS_DIR,
    load_parameters,
    read_parameters,
)


@pytest.fixture(scope="module")
def params():
    return load_parameters()


def test_one_file_per_instrument():
    # DESIGN.md section 3: one file per instrument; the behaviour layer's files sit beside them.
    stems = {p.stem for p in PARAMETERS_DIR.glob("*.yaml")}
    assert sorted(s for s in stems if not s.startswith("behaviour")) == sorted(INSTRUMENTS)


def test_every_value_has_a_date_and_a_source(params):
    assert len(params) > 50
    for path, parameter in params.items():
        assert parameter.description and parameter.unit, path
        assert path.split(".")[0] in INSTRUMENTS
        for entry in parameter.values:
            assert entry.reference or entry.assumption, path
            if entry.reference:
                assert "http" in entry.reference or "Arbeidswet" in entry.reference, path
            if entry.assumption and not entry.reference and parameter.kind == "number":
                low, high = entry.range
                assert low <= entry.value <= high, path


def test_every_policy_figure_of_the_facts_is_sourced_not_assumed(params):
    # The published figures must carry a reference, not only an assumption.
    for path in [
        "opleidingsverlof.reimbursement.eur_per_hour",
        "opleidingsverlof.hours.standard",
        "opleidingskrediet.premium.full_eur_per_month",
        "opleidingscheques.ceiling.standard_eur",
        "loopbaancheques.own_contribution.eur_per_cheque",
    ]:
        assert all(e.reference for e in params[path].values), path


def test_the_portable_budget_is_off_in_the_baseline(params):
    assert params["ontwikkelbudget.enabled"].at(dt.date(2030, 1, 1)) is False


@pytest.mark.parametrize(
    ("path", "day", "value"),
    [
        ("opleidingsverlof.reimbursement.eur_per_hour", dt.date(2025, 4, 24), 21.30),
        ("opleidingsverlof.reimbursement.eur_per_hour", dt.date(2025, 4, 25), 14.91),
        ("opleidingsverlof.eligibility.min_work_fraction", dt.date(2025, 4, 24), 0.5),
        ("opleidingsverlof.eligibility.min_work_fraction", dt.date(2025, 4, 25), 0.8),
        ("opleidingsverlof.eligibility.min_hours_per_week", dt.date(2025, 4, 25), 28),
        ("opleidingsverlof.wage_ceiling.eur_per_month", dt.date(2021, 9, 1), 3047),
        ("opleidingsverlof.wage_ceiling.eur_per_month", dt.date(2025, 8, 31), 3641),
        ("opleidingsverlof.wage_ceiling.eur_per_month", dt.date(2025, 9, 1), 3714),
        ("opleidingsverlof.hours.joint_initiative_extra", dt.date(2021, 8, 31), 0),
        ("opleidingsverlof.hours.joint_initiative_extra", dt.date(2021, 9, 1), 125),
        ("opleidingsverlof.hours.joint_initiative_extra", dt.date(2024, 9, 1), 0),
        ("opleidingskrediet.premium.half_eur_per_month", dt.date(2021, 8, 31), 300.14),
        ("opleidingskrediet.premium.half_eur_per_month", dt.date(2021, 9, 1), 312.24),
        ("loopbaancheques.eligibility.min_career_years", dt.date(2019, 12, 31), 0),
        ("loopbaancheques.eligibility.min_career_years", dt.date(2020, 1, 1), 7),
        (
            "opleidingscheques.application.channel",
            dt.date(2020, 9, 1),
            "opleidingsincentives_platform",
        ),
    ],
)
def test_value_in_force_on_a_date(params, path, day, value):
    assert params[path].at(day) == value


def test_no_rule_before_it_exists(params):
    with pytest.raises(InputError, match="modelled from 2019-09-01"):
        params["opleidingsverlof.hours.standard"].at(dt.date(2019, 8, 31))
    with pytest.raises(InputError, match="before the first modelled rule"):
        params.at(dt.date(2015, 1, 1))


def test_frozen_parameters_hold_one_value_at_every_date(params):
    frozen = params.frozen_at(dt.date(2022, 9, 1))
    path = "opleidingsverlof.reimbursement.eur_per_hour"
    assert frozen[path].at(dt.date(2029, 1, 1)) == 21.30
    assert params[path].at(dt.date(2029, 1, 1)) == 14.91  # the baseline is untouched
    row = next(r for r in frozen.table(dt.date(2029, 1, 1)) if r["parameter"] == path)
    assert row["since"] == "2014-09-01 (frozen)"


def test_table_lists_value_unit_since_source(params):
    rows = params.table(dt.date(2023, 1, 1))
    assert len(rows) == len(params)
    row = next(r for r in rows if r["parameter"] == "opleidingsverlof.hours.joint_initiative_extra")
    assert row == {
        "parameter": "opleidingsverlof.hours.joint_initiative_extra",
        "value": "125",
        "unit": "hours/year",
        "since": "2021-09-01",
        "source": row["source"],
    }
    assert row["source"].startswith("https://www.hildecrevits.be/")


def test_a_broken_parameter_file_names_file_and_field(tmp_path):
    for file in PARAMETERS_DIR.glob("*.yaml"):
        shutil.copy(file, tmp_path / file.name)
    target = tmp_path / "opleidingsverlof.yaml"
    text = target.read_text()
    text = text.replace("        value: 14.91\n", "        value: -14.91\n")
    text = text.replace(
        "        value: 125\n        reference: https://moneytalk",
        "        value: 125\n        note: https://moneytalk",
    )
    target.write_text(text)
    with pytest.raises(InputErrors) as info:
        read_parameters(tmp_path)
    lines = [str(p) for p in info.value.problems]
    assert any(
        line.startswith(
            f"{target}: opleidingsverlof.reimbursement.eur_per_hour.values.2025-04-25.value"
        )
        and "negative" in line
        for line in lines
    ), lines
    assert any(
        "opleidingsverlof.hours.standard.values.2019-09-01" in line and "reference" in line
        for line in lines
    ), lines


def test_an_assumed_number_needs_a_range(tmp_path):
    for file in PARAMETERS_DIR.glob("*.yaml"):
        shutil.copy(file, tmp_path / file.name)
    target = tmp_path / "ontwikkelbudget.yaml"
    target.write_text(target.read_text().replace("        range: [250, 1000]\n", ""))
    with pytest.raises(InputErrors, match=r"credit\.annual_eur\.values\.2019-09-01\.range"):
        read_parameters(Path(tmp_path))
