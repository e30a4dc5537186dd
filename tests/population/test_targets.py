import shutil
from pathlib import Path

import pytest

from llr_sim.errors import InputError, InputErrors
from llr_sim.population.targets import PERSON_VARIABLES, load_targets, parse_conditions

FIXTURES = Path(__file__).parent / "fixtures" / "bad_targets"

# One broken fixture per validation failure: (file, text that must appear in the error).
BROKEN = {
    "missing_source.csv": "line 2, source: missing",
    "source_not_url.csv": "line 2, source: not a URL",
    "value_not_number.csv": "line 2, value: not a finite number",
    "value_nan.csv": "line 2, value: not a finite number",
    "percent_above_100.csv": "line 2, value: 112.0 is not a percentage",
    "unknown_variable.csv": "line 2, universe: unknown variable 'shoe_size'",
    "unknown_value.csv": "line 2, category: education: unknown value(s) ['very_high']",
    "unknown_unit.csv": "line 2, unit: 'percentage' is not one of",
    "bad_year.csv": "line 2, year: not a reference year",
    "bad_status.csv": "line 2, status: 'official' is not one of",
    "duplicate_id.csv": "line 3, target_id: duplicate of 't1'",
    "missing_column.csv": "missing column(s) category",
    "malformed_quotes.csv": "malformed CSV",
    "empty.csv": "the file is empty",
    "binary.csv": "not a text CSV file",
    "empty_range.csv": "line 2, universe: age: empty range '66-18'",
    "share_without_category.csv": "line 2, category: a percent target needs a category",
}


def test_every_fixture_is_covered():
    assert {p.name for p in FIXTURES.glob("*.csv")} == set(BROKEN)


@pytest.mark.parametrize("name", sorted(BROKEN))
def test_broken_targets_file_names_file_and_field(tmp_path, name):
    shutil.copy(FIXTURES / name, tmp_path / name)
    with pytest.raises(InputError) as err:
        load_targets(tmp_path)
    message = str(err.value)
    assert name in message
    assert BROKEN[name] in message
    assert "\n" not in message


def test_all_problems_reported_at_once(tmp_path):
    for name in ("missing_source.csv", "bad_year.csv", "unknown_unit.csv"):
        shutil.copy(FIXTURES / name, tmp_path / name)
    with pytest.raises(InputErrors) as err:
        load_targets(tmp_path)
    lines = str(err.value).splitlines()
    assert len(lines) == 3
    assert all(".csv: line 2, " in line for line in lines)


def test_missing_folder_and_folder_without_csv(tmp_path):
    with pytest.raises(InputError, match="targets folder not found"):
        load_targets(tmp_path / "nope")
    with pytest.raises(InputError, match=r"no \*\.csv target files"):
        load_targets(tmp_path)


def test_project_targets_are_valid_and_sourced():
    targets = load_targets()
    assert len(targets.items) > 150
    for t in targets.items:
        assert t.source.startswith("http"), t.target_id
        assert 2015 <= t.year <= 2025, t.target_id
        if t.status == "assumption":
            assert "range" in t.note, f"{t.target_id}: an assumption gives a plausible range"
    files = {t.file for t in targets.items}
    assert {
        "population.csv",
        "education.csv",
        "labour_status.csv",
        "employment_type.csv",
        "part_time.csv",
        "firm_size.csv",
        "sector.csv",
        "wages.csv",
        "mobility.csv",
        "students.csv",
    } <= files


def test_population_targets_add_up_to_the_flemish_total():
    targets = load_targets()
    single = [t for t in targets.by_use("rake") if t.file == "population.csv"]
    assert len(single) == 98  # ages 18-66, two sexes
    assert sum(t.value for t in single) == targets.get("pop_18_66").value == 4_146_865


def test_parse_conditions():
    conds = parse_conditions("age=25-64;sex=F;labour=employed|unemployed", PERSON_VARIABLES)
    assert [(c.var, c.op, c.values) for c in conds] == [
        ("age", "range", (25.0, 64.0)),
        ("sex", "in", ("F",)),
        ("labour", "in", ("employed", "unemployed")),
    ]
    (wage,) = parse_conditions("gross_monthly_wage_eur<2443", PERSON_VARIABLES)
    assert (wage.op, wage.values) == ("<", (2443.0,))
    with pytest.raises(ValueError, match="only '=' applies"):
        parse_conditions("sex<F", PERSON_VARIABLES)
    with pytest.raises(ValueError, match="cannot read condition"):
        parse_conditions("age", PERSON_VARIABLES)
