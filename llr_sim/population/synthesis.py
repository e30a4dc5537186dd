"""Synthesis of the Flemish workforce aged 18-66: conditional draws, then raking.

``synthesise_population(scale, seed)`` draws ``scale`` of the population (scale 1.0: about 4.1
million persons), attribute by attribute (age and sex, education, schooling, labour status,
employment type, working time, sector, firm size, wage, years worked, tenure, living alone),
rakes the weights to every target with ``use = rake``, and builds the employer table.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable

import numpy as np
import pandas as pd

from llr_sim.errors import InputError
from llr_sim.inputs import check_scale, check_seed  # the one check of every entry point
from llr_sim.population import draws, schema
from llr_sim.population.calibration import calibration_report
from llr_sim.population.employers import build_employers
from llr_sim.population.population import Population
from llr_sim.population.raking import make_cells, rake
from llr_sim.population.targets import Targets, load_targets

#: The independent random streams of the synthesis, one per stage (their order is fixed).
STAGES = (
    "age_sex",
    "education",
    "in_education",
    "labour",
    "employment_type",
    "work_fraction",
    "sector",
    "firm_size",
    "wage",
    "years_worked",
    "tenure",
    "lives_alone",
    "employers",
)


def _age_sex_counts(targets: Targets) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The single-year age x sex counts among the raked targets."""
    ages, sexes, counts = [], [], []
    for t in targets.by_use("rake"):
        conds = {c.var: c for c in t.universe}
        if t.unit != "persons" or set(conds) != {"age", "sex"} or len(conds["sex"].values) != 1:
            continue
        lo, hi = conds["age"].values
        if lo != hi:
            continue
        ages.append(int(lo))
        sexes.append(conds["sex"].values[0])
        counts.append(t.value)
    if not counts:
        raise InputError(targets.folder, "no raked persons targets by single year of age and sex")
    return np.array(ages), np.array(sexes), np.array(counts, dtype=float)


def synthesise_population(
    scale: float = 0.01,
    seed: int = 0,
    targets_dir: str | None = None,
    show_progress: bool = False,
) -> Population:
    """Generate the synthetic Flemish workforce aged 18-66.

    Args:
        scale: Share of the population to draw, in (0, 1]; each weight starts at 1/scale.
        seed: Root of the random generator tree (same seed, same population, bit for bit).
        targets_dir: Folder of the calibration targets; the project's ``data/targets`` by default.
        show_progress: Print the stages and their times on stderr.

    Returns:
        The persons, the employers and the calibration report.

    Raises:
        InputError: For a bad scale or seed, or unusable targets.
    """
    scale, seed = check_scale(scale), check_seed(seed)
    targets = load_targets(targets_dir)
    log = _logger(show_progress)
    rngs = dict(
        zip(
            STAGES,
            (np.random.default_rng(s) for s in np.random.SeedSequence(seed).spawn(len(STAGES))),
            strict=True,
        )
    )

    ages, sexes, counts = _age_sex_counts(targets)
    n = int(round(counts.sum() * scale))
    cell = draws.age_sex(counts, n, rngs["age_sex"])
    age = ages[cell].astype(np.int8)
    female = sexes[cell] == "F"
    log(f"{n:,} persons drawn by age and sex")

    edu = draws.education(age, female, rngs["education"])
    student = draws.in_education(age, edu, rngs["in_education"])
    labour = draws.labour(age, female, edu, student, rngs["labour"])
    employed = labour == 0
    e = np.flatnonzero(employed)

    etype = np.full(n, -1, dtype=np.int8)
    etype[e] = draws.employment_type(age[e], female[e], edu[e], student[e], rngs["employment_type"])
    fraction = np.zeros(n, dtype=np.float32)
    fraction[e] = draws.work_fraction(
        age[e], female[e], edu[e], student[e], etype[e], rngs["work_fraction"]
    )
    sector = np.full(n, len(draws.SECTORS), dtype=np.int8)  # "none"
    sector[e] = draws.sector(etype[e], female[e], rngs["sector"])
    size = np.full(n, 4, dtype=np.int8)  # "none"
    size[e] = draws.firm_size(etype[e], sector[e], rngs["firm_size"])

    score = draws.wage_score(age[e], female[e], edu[e], size[e], sector[e], rngs["wage"])
    full_time_employee = (etype[e] <= 1) & (fraction[e] == 1.0)
    wage = np.zeros(n, dtype=np.float32)
    wage[e] = np.round(draws.wages(score, full_time_employee) * fraction[e], 2)

    worked = draws.years_worked(age, female, edu, student, labour, rngs["years_worked"])
    tenure = draws.tenure(age, worked, employed, rngs["tenure"])
    alone = draws.lives_alone(age, female, rngs["lives_alone"])
    log("attributes drawn")

    status = np.select([labour == 1, labour == 2], [3, 4], etype).astype(np.int8)
    persons = pd.DataFrame(
        {
            "person_id": np.arange(n, dtype=np.int32),
            "weight": np.full(n, 1.0 / scale, dtype=np.float32),
            "age": age,
            "sex": pd.Categorical.from_codes(female.astype(np.int8), categories=list(schema.SEX)),
            "education": pd.Categorical.from_codes(
                edu.astype(np.int8), categories=list(schema.EDUCATION)
            ),
            "status": pd.Categorical.from_codes(status, categories=list(schema.STATUS)),
            "in_education": student,
            "work_fraction": fraction,
            "firm_size": pd.Categorical.from_codes(size, categories=list(schema.FIRM_SIZE)),
            "sector": pd.Categorical.from_codes(sector, categories=list(schema.SECTOR)),
            "employer_id": np.full(n, -1, dtype=np.int32),
            "gross_monthly_wage_eur": wage,
            "years_worked": worked,
            "tenure_years": tenure,
            "lives_alone": alone,
        }
    )

    raked = targets.by_use("rake")
    frame = schema.with_derived(persons)
    cells = make_cells(frame, raked, np.full(n, 1.0 / scale))
    try:
        fit = rake(cells, raked)
    except ValueError as err:
        raise InputError(targets.folder, f"cannot rake to the targets: {err}") from None
    persons["weight"] = (fit.factor[cells.index] / scale).astype(np.float32)
    log(
        f"weights raked to {len(raked)} targets over {len(cells.weight):,} cells in "
        f"{fit.iterations} sweeps (largest remaining gap {fit.max_gap:.1e})"
    )

    employers, employer_id = build_employers(persons, scale, targets, rngs["employers"])
    persons["employer_id"] = employer_id
    log(f"{len(employers):,} employers")

    problems = schema.check_frame(persons, schema.PERSON_COLUMNS, "persons")
    problems += schema.check_frame(employers, schema.EMPLOYER_COLUMNS, "employers")
    if problems:
        raise RuntimeError("synthesis broke the schema: " + "; ".join(problems))
    report = calibration_report(frame.assign(weight=persons["weight"]), employers, targets)
    meta = {
        "scale": scale,
        "seed": seed,
        "persons": n,
        "employers": len(employers),
        "targets_sha256": targets.sha256,
        "raking_sweeps": fit.iterations,
        "raking_max_gap": fit.max_gap,
        "raking_converged": fit.converged,
    }
    return Population(persons, employers, report, meta)


def _logger(enabled: bool) -> Callable[[str], None]:
    start = time.perf_counter()

    def log(message: str) -> None:
        if enabled:
            print(f"[{time.perf_counter() - start:6.1f}s] {message}", file=sys.stderr)

    return log
