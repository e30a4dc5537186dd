from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import llr_sim
import llr_sim.population.population as module
from llr_sim.errors import InputError
from llr_sim.population import schema
from llr_sim.population.calibration import SHARE_TOLERANCE_PP
from llr_sim.population.population import load_population
from llr_sim.population.synthesis import check_scale, check_seed, synthesise_population

DESIGN_COLUMNS = [
    "person_id",
    "weight",
    "age",
    "sex",
    "education",
    "status",
    "in_education",
    "work_fraction",
    "firm_size",
    "sector",
    "employer_id",
    "gross_monthly_wage_eur",
    "years_worked",
    "tenure_years",
    "lives_alone",
]


@pytest.fixture(scope="module")
def pop():
    return synthesise_population(scale=0.01, seed=3)


def test_public_api_returns_a_population(pop):
    assert isinstance(pop, llr_sim.Population)
    assert llr_sim.synthesise_population is synthesise_population


def test_columns_and_compact_dtypes(pop):
    persons = pop.persons
    assert list(persons.columns) == DESIGN_COLUMNS
    assert schema.check_frame(persons, schema.PERSON_COLUMNS, "persons") == []
    assert schema.check_frame(pop.employers, schema.EMPLOYER_COLUMNS, "employers") == []
    assert persons["age"].dtype == np.int8
    assert persons["weight"].dtype == np.float32
    assert persons["sex"].dtype == "category"
    assert set(persons["sex"].cat.categories) == {"M", "F"}
    assert persons.memory_usage(deep=True).sum() / len(persons) < 60  # bytes per person
    assert persons["person_id"].is_unique


def test_scale_sets_the_number_of_rows_and_the_starting_weight(pop):
    assert pop.size == round(4_146_865 * 0.01)
    # Raking moves weights around 1/scale but keeps the population total.
    assert pop.weighted_total() == pytest.approx(4_146_865, rel=1e-4)
    assert 0.2 * 100 < np.median(pop.persons["weight"]) < 5 * 100


def test_every_published_target_within_tolerance(pop):
    report = pop.calibration
    binding = report[(report["status"] != "assumption") & report["use"].isin(["rake", "check"])]
    assert len(binding) > 140
    assert not binding["fails"].any(), binding[binding["fails"]][["target_id", "gap"]]
    shares = binding[binding["unit"] == "percent"]
    assert (shares["gap"].abs() <= SHARE_TOLERANCE_PP).all()


def test_weighted_marginals_computed_from_the_rows(pop):
    p = pop.persons
    w = p["weight"].astype(float)
    age = p["age"]
    men_40 = w[(age == 40) & (p["sex"] == "M")].sum()
    assert men_40 == pytest.approx(43_804, rel=0.01)
    adult = (age >= 20) & (age <= 64)
    employed = p["status"].isin(schema.EMPLOYED_STATUSES)
    assert 100 * w[adult & employed].sum() / w[adult].sum() == pytest.approx(76.8, abs=0.5)
    full_time = p["status"].isin(schema.EMPLOYEE_STATUSES) & (p["work_fraction"] == 1)
    wages = p.loc[full_time, "gross_monthly_wage_eur"].to_numpy()
    below_median = w[full_time][wages < 3728].sum() / w[full_time].sum()
    assert below_median == pytest.approx(0.5, abs=0.005)


def test_attributes_are_coherent(pop):
    p = pop.persons
    working = p["status"].isin(schema.EMPLOYED_STATUSES)
    assert (p.loc[~working, "work_fraction"] == 0).all()
    assert (p.loc[~working, "gross_monthly_wage_eur"] == 0).all()
    assert (p.loc[~working, "firm_size"] == "none").all()
    assert (p.loc[~working, "sector"] == "none").all()
    assert (p.loc[working, "work_fraction"] > 0).all()
    assert (p.loc[working, "gross_monthly_wage_eur"] > 0).all()
    assert (p.loc[working, "sector"] != "none").all()
    assert (p.loc[p["status"] == "employee_public", "firm_size"] == "large").all()
    assert (p["tenure_years"] <= p["years_worked"]).all()
    # Tertiary diplomas take years after secondary school.
    assert (p.loc[p["age"] <= 20, "education"] != "high").all()
    assert (p["years_worked"] <= p["age"] - 17).all()
    # Education pays: the median full-time wage rises with education.
    ft = p[p["status"].isin(schema.EMPLOYEE_STATUSES) & (p["work_fraction"] == 1)]
    medians = ft.groupby("education", observed=True)["gross_monthly_wage_eur"].median()
    assert medians["low"] < medians["medium"] < medians["high"]


def test_employers_hold_their_whole_staff(pop):
    p, e = pop.persons, pop.employers
    employees = p["status"].isin(schema.EMPLOYEE_STATUSES)
    assert (p.loc[employees, "employer_id"] >= 0).all()
    assert (p.loc[~employees, "employer_id"] == -1).all()
    staff = p.loc[employees].groupby("employer_id").size()
    table = e.set_index("employer_id")
    held = staff.reindex(table.index, fill_value=0)
    assert (held <= table["employees"]).all()
    # Whole staffs, except at most one employer per class-sector group in a small sample.
    short = table[held < table["employees"]]
    assert (
        len(short) == 0 or short.groupby(["size_class", "sector"], observed=True).size().max() == 1
    )
    assert (held == table["employees"]).mean() > 0.99
    joined = p.loc[employees].merge(
        table, left_on="employer_id", right_index=True, suffixes=("", "_employer")
    )
    assert (joined["firm_size"].astype(str) == joined["size_class"].astype(str)).all()
    assert (joined["sector"].astype(str) == joined["sector_employer"].astype(str)).all()
    bounds = {"micro": (1, 9), "small": (10, 49), "medium": (50, 249), "large": (250, 30000)}
    for cls, (lo, hi) in bounds.items():
        sizes = e.loc[e["size_class"] == cls, "employees"]
        assert sizes.between(lo, hi).all(), cls
    # Real numbers of employers per class (RSZ 2020), through the employer weights.
    micro = e.loc[(e["size_class"] == "micro") & (e["employer_type"] == "private"), "weight"].sum()
    assert micro == pytest.approx(108_052, rel=0.01)


def test_same_seed_same_population_different_seed_different_draws(pop):
    again = synthesise_population(scale=0.01, seed=3)
    pd.testing.assert_frame_equal(pop.persons, again.persons, check_exact=True)
    pd.testing.assert_frame_equal(pop.employers, again.employers, check_exact=True)
    other = synthesise_population(scale=0.01, seed=4)
    assert len(other.persons) == len(pop.persons)
    assert not np.array_equal(other.persons["age"], pop.persons["age"])
    assert not np.array_equal(
        other.persons["gross_monthly_wage_eur"], pop.persons["gross_monthly_wage_eur"]
    )
    # ... with the same marginals.
    assert not other.calibration["fails"].any()
    merged = pop.calibration.merge(other.calibration, on="target_id")
    raked = merged[merged["use_x"] == "rake"]
    assert np.allclose(raked["synthetic_x"], raked["synthetic_y"], rtol=0.01, atol=0.5)


def test_save_is_bit_for_bit_and_loads_back(pop, tmp_path):
    a = pop.save(tmp_path / "a.parquet")
    b = synthesise_population(scale=0.01, seed=3).save(tmp_path / "b.parquet")
    for kind in ("persons", "employers", "calibration"):
        assert a[kind].read_bytes() == b[kind].read_bytes(), kind
    loaded = load_population(a["persons"])
    pd.testing.assert_frame_equal(loaded.persons, pop.persons)
    assert loaded.meta["seed"] == 3 and loaded.meta["scale"] == 0.01


def test_a_failed_save_leaves_nothing(pop, tmp_path, monkeypatch):

    calls = []

    def broken(frame, path, meta):
        calls.append(path)
        if len(calls) == 2:
            raise OSError("disk full")
        return original(frame, path, meta)

    original = module._write_parquet
    monkeypatch.setattr(module, "_write_parquet", broken)
    with pytest.raises(OSError, match="disk full"):
        pop.save(tmp_path / "pop.parquet")
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("scale", [0, -0.5, 1.5, float("nan"), "0.1x", None, True])
def test_bad_scale(scale):
    with pytest.raises(InputError, match="scale"):
        synthesise_population(scale=scale, seed=0)


@pytest.mark.parametrize("seed", [-1, 1.5, "7.5"])
def test_bad_seed(seed):
    with pytest.raises(InputError, match="seed"):
        synthesise_population(scale=0.01, seed=seed)


def test_a_number_written_as_text_is_that_number_everywhere():
    # One rule for every entry point (llr_sim.inputs): the CLI, papermill and the API read
    # "0.1" and "7" as the numbers they write.
    assert check_scale("0.1") == 0.1
    assert check_seed("7") == 7


def test_data_dictionary_is_up_to_date():

    readme = Path(__file__).parents[2] / "data" / "synthetic" / "README.md"
    assert readme.read_text() == schema.data_dictionary() + "\n"
    for column in schema.PERSON_COLUMNS:
        assert f"`{column.name}`" in readme.read_text()
