"""The moving population: cohort accounting, attainment, alignment, determinism (issue 11)."""

from __future__ import annotations

import numpy as np
import pytest

from llr_sim.behaviour.parameters import load_behaviour
from llr_sim.errors import InputError
from llr_sim.model import projection as demo
from llr_sim.model.demography import projection_for
from llr_sim.model.engine import Engine
from llr_sim.model.streams import Streams
from llr_sim.model.world import World
from llr_sim.simulation import cached_population

SCALE = 0.03  # labour cells of a few hundred rows (scale 0.01) drift by up to 7 points
LAST = 2035


def _run(scale=SCALE, seed=0, last=LAST, population=None):
    """The world moved year by year; yields (year, persons copy, accounts)."""
    pop = population if population is not None else cached_population(scale, seed)
    b = load_behaviour()
    world = World(pop, lambda y: b, Streams(seed, 0), demo.FIRST_YEAR, Engine(background=False))
    out = []
    for year in range(demo.FIRST_YEAR, last + 1):
        w = world.move(year)
        out.append((year, world.persons.copy(), world.demography.last))
        world.complete(w)
    return world, out


@pytest.fixture(scope="module")
def moved():
    return _run()


def _by_cell(p, values):
    cell = p.female.astype(np.int64) * 68 + np.minimum(p.age, 67)
    return np.bincount(cell, weights=values, minlength=136).reshape(2, 68)


def test_cohort_accounting_by_age_and_sex(moved):
    """stock + entrants - leavers - deaths + migration (+ alignment) = next stock, per cell."""
    _, years = moved
    for (_, before, _), (year, after, acc) in zip(years, years[1:], strict=False):
        # Last year's stock aged on: age a holds last year's a - 1; 67 are those who leave.
        aged = np.zeros((2, 68))
        last = _by_cell(before, before.weight)
        aged[:, 1:] = last[:, :-1]
        np.testing.assert_allclose(acc.stock, aged, rtol=1e-9, atol=1e-6)
        new = acc.stock - acc.leavers + acc.entrants - acc.deaths + acc.migration + acc.alignment
        np.testing.assert_allclose(new, acc.new_stock, rtol=1e-9, atol=1e-6)
        np.testing.assert_allclose(acc.new_stock, _by_cell(after, after.weight), atol=1e-6)
        assert acc.new_stock[:, 67].sum() == pytest.approx(0.0, abs=1e-6), year
        assert (acc.deaths >= 0).all() and acc.deaths[:, 19:67].sum() > 0
        assert acc.leavers[:, 67].sum() > 0


def test_entrants_are_the_cohort_table(moved):
    world, years = moved
    table = demo.load_data().stock  # 1 January 2021 by single age
    for year, _, acc in years[1:]:
        cohort = table[:, 18 - (year - 2021)]
        np.testing.assert_allclose(acc.entrants[:, 18], cohort, rtol=1e-9)
        log = next(r for r in world.demography.log if r["year"] == year)
        assert log["entrants"]["M"] + log["entrants"]["F"] == pytest.approx(cohort.sum(), rel=0.02)


def test_alignment_totals_are_met(moved):
    world, years = moved
    proj = world.demography.projection
    for year, p, _ in years[1:]:
        for s in range(2):
            for lo, hi in demo.ALIGN_BANDS:
                mask = (p.female == bool(s)) & (p.age >= lo) & (p.age <= hi)
                assert p.weight[mask].sum() == pytest.approx(
                    proj.band_total(year, lo, hi, s), rel=1e-9
                )
    # The published level of 1 January 2025 and the projection's growth 2023-2033.
    p2025 = next(p for y, p, _ in years if y == 2025)
    assert p2025.weight[p2025.age <= 64].sum() == pytest.approx(4_057_347, rel=0.005)

    def band(year, lo, hi):
        p = next(q for y, q, _ in years if y == year)
        return p.weight[(p.age >= lo) & (p.age <= hi)].sum()

    assert 100 * (band(2033, 18, 39) / band(2023, 18, 39) - 1) == pytest.approx(6, abs=1.5)
    assert 100 * (band(2033, 40, 66) / band(2023, 40, 66) - 1) == pytest.approx(-2, abs=1.5)


def test_a_misaligned_population_is_aligned_and_the_factor_recorded():
    pop = cached_population(SCALE, 0)
    persons = pop.persons.copy()
    persons["weight"] = persons["weight"] * np.where(persons["age"] < 40, 1.1, 1.0)
    shifted = type(pop)(persons=persons, employers=pop.employers, meta=dict(pop.meta))
    world, years = _run(population=shifted, last=2022)
    log = world.demography.log[0]
    assert log["largest_adjustment_pct"] > 5
    young = log["alignment"]["F"]["25-29"]
    assert young["factor"] < 0.95 and young["before"] > young["target"]
    p = years[-1][1]
    assert p.weight[p.age <= 64].sum() == pytest.approx(
        world.demography.projection.band_total(2022, 18, 64), rel=1e-9
    )


def test_no_persons_attainment_falls_and_the_share_high_rises(moved):
    _, years = moved
    for (_, before, _), (year, after, _) in zip(years, years[1:], strict=False):
        same = after.age == before.age + 1  # not a new entrant in the row
        assert (after.education[same] >= before.education[same]).all(), year
    share = []
    esl = []
    for _, p, _ in years:
        adult = (p.age >= 25) & (p.age <= 64)
        share.append(p.weight[adult & (p.education == 2)].sum() / p.weight[adult].sum())
        young = p.age <= 24
        early = young & (p.education == 0) & ~p.in_education
        esl.append(p.weight[early].sum() / p.weight[young].sum())
    assert all(b > a for a, b in zip(share[1:], share[2:], strict=False)), share
    assert all(0.04 <= x <= 0.07 for x in esl), esl


def test_students_obtain_a_level_on_leaving(moved):
    _, years = moved
    (_, before, _), (_, after, _) = years[3], years[4]
    same = after.age == before.age + 1
    left = same & before.in_education & ~after.in_education & (before.age < 30)
    rose = after.education[left] > before.education[left]
    assert left.sum() > 50 and rose.mean() > 0.3


def test_the_self_employed_share_stays_near_the_base_year(moved):
    _, years = moved

    def share(p):
        work = p.status <= 2
        return p.weight[p.status == 2].sum() / p.weight[work].sum()

    first, last = share(years[0][1]), share(years[-1][1])
    assert last == pytest.approx(first, abs=0.01)


def test_the_same_seed_gives_the_same_weights_bit_for_bit():
    _, a = _run(last=2024)
    _, b = _run(last=2024)
    for (_, p, _), (_, q, _) in zip(a, b, strict=True):
        assert np.array_equal(p.weight, q.weight)
        assert np.array_equal(p.education, q.education)
        assert np.array_equal(p.status, q.status)


def test_the_projection_follows_its_anchors():
    proj = projection_for(load_behaviour())
    fit = proj.fit
    assert fit["pop_18_64_2025"]["projected"] == pytest.approx(4_057_347, rel=1e-9)
    for band in ("18-39", "40-66"):
        level = fit["pop_2033"][band]
        assert level["projected"] == pytest.approx(level["target"], rel=1e-9)
        # The published growth rates (rounded, on the projection's own 2023 base) within 1.5.
        g = fit["growth_2023_2033_pct"][band]
        assert g["projected"] == pytest.approx(g["published"], abs=1.5)
    # The migration levels are plausible multiples of 2016-21, not a fit gone astray.
    for level in fit["levels_from_2025"].values():
        assert 0.2 < level < 2.0


def test_the_weights_follow_the_projection_by_single_age_and_sex(moved):
    """The components themselves (not only the alignment) give the projection: a wrong death
    or migration rate, or a year out of step, shows here and in the alignment factors."""
    world, years = moved
    proj = world.demography.projection
    for year, p, _ in years[1:]:
        have = _by_cell(p, p.weight)[:, 18:67]
        # The base weights are float32 (the population file): equal to about 1e-5.
        np.testing.assert_allclose(have, proj.at(year)[:, 18:67], rtol=2e-4)
    for record in world.demography.log:
        assert record["largest_adjustment_pct"] < 0.01, record["year"]


def test_deaths_and_migration_are_the_rates_of_the_age_at_the_start_of_the_year(moved):
    world, years = moved
    proj = world.demography.projection
    for (year, _, acc), (_, before, _) in zip(years[1:], years, strict=False):
        t = year - 1 - demo.FIRST_YEAR
        start = _by_cell(before, before.weight)[:, 18:66]  # ages 18-65, reaching 19-66
        np.testing.assert_allclose(
            acc.deaths[:, 19:67], start * (1 - proj.survival[:, 18:66]), rtol=1e-9, atol=1e-6
        )
        np.testing.assert_allclose(
            acc.migration[:, 19:67], start * proj.migration_rate[t][:, 18:66], rtol=1e-9, atol=1e-6
        )


def test_labour_rates_within_groups_stay_near_the_base_year(moved):
    """Employment by age band, sex and education, and unemployment, stay near their levels."""
    _, years = moved

    def rates(p):
        out = {}
        for lo, hi in ((25, 34), (35, 44), (45, 54), (55, 64)):
            for sex in (False, True):
                for edu in range(3):
                    cell = (p.age >= lo) & (p.age <= hi) & (p.female == sex) & (p.education == edu)
                    out[(lo, sex, edu)] = (
                        p.weight[cell & (p.status <= 2)].sum() / p.weight[cell].sum()
                    )
        active = (p.age <= 64) & (p.status <= 3)
        out["ur"] = p.weight[active & (p.status == 3)].sum() / p.weight[active].sum()
        return out

    first, last = rates(years[0][1]), rates(years[-1][1])
    assert last["ur"] == pytest.approx(first["ur"], abs=0.006)
    for key in first:
        if key != "ur":
            assert last[key] == pytest.approx(first[key], abs=0.04), key


def test_the_young_cohorts_keep_the_published_attainment(moved):
    _, years = moved
    for year, p, _ in years:
        young = (p.age >= 25) & (p.age <= 34)
        share = p.weight[young & (p.education == 2)].sum() / p.weight[young].sum()
        assert share == pytest.approx(0.543, abs=0.012), year
        students = (p.age >= 25) & (p.age <= 29)
        study = p.weight[students & p.in_education].sum() / p.weight[students].sum()
        assert study == pytest.approx(0.142, abs=0.03), year


def test_a_world_starts_from_the_base_year():
    with pytest.raises(ValueError, match="1 January 2021"):
        World(
            cached_population(0.003, 0),
            lambda y: load_behaviour(),
            Streams(0, 0),
            2023,
            Engine(background=False),
        )
    proj = projection_for(load_behaviour())
    with pytest.raises(ValueError):
        proj.at(2036)
    with pytest.raises(ValueError):
        proj.entrants_table(2040)


def test_the_projection_years_are_those_of_the_runs():
    from llr_sim import inputs  # noqa: PLC0415

    assert demo.FIRST_YEAR == inputs.START_YEAR and demo.LAST_YEAR == inputs.LAST_YEAR


@pytest.mark.parametrize(
    ("name", "text", "message"),
    [
        ("anchors.csv", "anchor_id,sex,value\npop_18_64,M,x\n", "expected a number"),
        ("net_migration.csv", "year,international_balance\n2018,1\n", "missing column"),
        ("anchors.csv", "anchor_id,sex,value\npop_18_64,M,1\n", "no row for pop_18_64 F"),
    ],
)
def test_a_damaged_demography_file_is_named(tmp_path, name, text, message):
    for f in demo.default_dir().glob("*.csv"):
        (tmp_path / f.name).write_bytes(f.read_bytes())
    (tmp_path / name).write_text(text)
    with pytest.raises(InputError) as err:
        demo.load_data(str(tmp_path))
    assert name in str(err.value) and message in str(err.value)


def test_a_missing_demography_file_is_named(tmp_path):
    with pytest.raises(InputError, match="demography data file not found"):
        demo.load_data(str(tmp_path))


def test_run_names_a_damaged_demography_file_before_any_work(tmp_path, monkeypatch, capsys):
    from llr_sim import simulation  # noqa: PLC0415
    from llr_sim.cli import main  # noqa: PLC0415

    data = tmp_path / "demography"
    data.mkdir()
    for f in demo.default_dir().glob("*.csv"):
        if f.name != "net_migration.csv":
            (data / f.name).write_bytes(f.read_bytes())
    monkeypatch.setattr(demo, "default_dir", lambda: data)
    demo.load_data.cache_clear()

    def no_work(*args, **kwargs):
        raise AssertionError("a population was made before the inputs were checked")

    monkeypatch.setattr(simulation, "cached_population", no_work)
    out = tmp_path / "out"
    try:
        code = main(["run", "status_quo", "--scale", "0.002", "--out", str(out)])
    finally:
        demo.load_data.cache_clear()
    err = capsys.readouterr().err.strip().splitlines()
    assert code == 2
    assert err == [f"llr-sim: error: {data / 'net_migration.csv'}: demography data file not found"]
    assert not out.exists()
