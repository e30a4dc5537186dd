"""Conditional draws of the synthetic workforce, one attribute after the other.

Each function takes the columns drawn so far and a numpy Generator and returns the new column,
vectorised over all persons. The probabilities here are *starting values*: the weights are raked
to the targets in ``data/targets`` afterwards, so these only need the right shape (which groups
are more likely to be what). Each is marked as an assumption with its basis; figures come from
``../shared/reference/workforce_facts.md`` (section numbers in brackets).
"""

from __future__ import annotations

import numpy as np

from llr_sim.population import schema

# Age bands of the estimated status table (workforce_facts.md §2.5).
BAND_EDGES = np.array([18, 20, 25, 30, 35, 40, 45, 50, 55, 60, 65])
# [E] §2.5: employed and ILO-unemployed shares (%) by band, Flemish Region ~2022-23.
BAND_EMPLOYED = np.array([20, 50, 83, 86, 88, 88, 88, 84, 76, 45, 12]) / 100
BAND_UNEMPLOYED = np.array([2, 4, 5, 4, 2, 2, 2, 2, 1.6, 1, 0.2]) / 100

# Ten-year-ish bands used by several priors below: 18-24, 25-34, 35-44, 45-54, 55-64, 65-66.
BROAD_EDGES = np.array([18, 25, 35, 45, 55, 65])

# Assumption (§3): education shares (low, medium, high) by broad band, men and women together.
EDU_BY_BAND = np.array(
    [
        [0.150, 0.700, 0.150],
        [0.096, 0.361, 0.543],
        [0.105, 0.391, 0.504],
        [0.145, 0.393, 0.462],
        [0.230, 0.399, 0.371],
        [0.245, 0.414, 0.341],
    ]
)
# Assumption (§3): women are more often high educated (51.3 vs 42.2 at 25-64).
EDU_SEX_SHIFT_HIGH = {"F": +0.045, "M": -0.045}

SECTORS = schema.SECTOR[:-1]
# Assumption: sector mix by status, chosen so that the totals reproduce §4.2 with the §2.3 split
# (public 24%, self-employed 14%, private employees 62% of the working).
SECTOR_BY_STATUS = {
    "employee_private": [0.152, 0.202, 0.163, 0.008, 0.0, 0.073, 0.075, 0.327],
    "employee_public": [0.18, 0.0, 0.0, 0.37, 0.30, 0.0, 0.06, 0.09],
    "self_employed": [0.12, 0.04, 0.17, 0.01, 0.0, 0.14, 0.03, 0.49],
}
# Assumption: gender segregation of sectors (care and education mostly women; industry,
# construction and transport mostly men).
SECTOR_SEX_FACTOR = {
    "F": [1.9, 0.5, 1.05, 1.6, 1.1, 0.15, 0.45, 1.0],
    "M": [0.35, 1.5, 0.95, 0.5, 0.9, 1.8, 1.5, 1.0],
}
# §4.1: private employees by firm size (BE SBA 2020: micro 33.9, large 34.7; 10-249 split [E]).
FIRM_SIZE_PRIVATE = np.array([0.339, 0.172, 0.142, 0.347])
# Assumption: sectors differ in firm size (care and industry in large firms, construction and
# trade in small ones).
FIRM_SIZE_SECTOR_FACTOR = {
    "health_social": [0.3, 0.6, 1.2, 1.6],
    "industry": [0.5, 0.9, 1.2, 1.3],
    "trade": [1.4, 1.0, 0.8, 0.8],
    "education": [0.5, 1.0, 1.3, 1.2],
    "public_admin": [1.0, 1.0, 1.0, 1.0],
    "construction": [1.7, 1.2, 0.7, 0.4],
    "transport_logistics": [0.8, 1.0, 1.1, 1.1],
    "other": [1.1, 1.0, 0.95, 0.9],
}
# Assumption: working-time fractions of part-timers (half-time and 4/5 are the common Belgian
# arrangements; students work small jobs).
PART_TIME_FRACTIONS = np.array([0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.75, 0.8, 0.9])
PART_TIME_P = np.array([0.03, 0.03, 0.05, 0.30, 0.10, 0.05, 0.07, 0.30, 0.07])
STUDENT_PART_TIME_P = np.array([0.35, 0.25, 0.15, 0.15, 0.05, 0.0, 0.0, 0.05, 0.0])

# §5.1: gross monthly full-time wages, BE 2022 (D1, D5, D9 published; D2-D8 [E] split-lognormal).
WAGE_DECILES = np.array([2443, 2824, 3136, 3429, 3728, 4136, 4622, 5264, 6305], dtype=float)
WAGE_SIGMA_LOW, WAGE_SIGMA_HIGH = 0.330, 0.410
# Assumption: floor near the Belgian guaranteed minimum monthly income of 2022 (about 1,800 EUR
# gross; plausible range 1,700-1,950), so that the lognormal tail does not go below it.
WAGE_FLOOR = 1800.0


def band_index(age: np.ndarray, edges: np.ndarray) -> np.ndarray:
    """Index of the band each age falls in (bands start at ``edges``)."""
    return np.searchsorted(edges, age, side="right") - 1


def categorical(rng: np.random.Generator, probs: np.ndarray) -> np.ndarray:
    """One draw per row from row-wise probabilities (rows need not be normalised)."""
    probs = np.asarray(probs, dtype=float)
    cum = np.cumsum(probs, axis=1)
    cum /= cum[:, -1:]
    u = rng.random(len(probs))[:, None]
    return np.minimum((u > cum).sum(axis=1), probs.shape[1] - 1)


def age_sex(counts: np.ndarray, n: int, rng: np.random.Generator) -> np.ndarray:
    """Cells (index into ``counts``) for ``n`` persons, allocated in proportion to ``counts``.

    Allocation by largest remainder keeps the age-sex marginals exact before raking; the order
    is then shuffled so that row order carries no information.
    """
    exact = counts / counts.sum() * n
    base = np.floor(exact).astype(np.int64)
    short = n - base.sum()
    if short:
        base[np.argsort(-(exact - base), kind="stable")[:short]] += 1
    cells = np.repeat(np.arange(len(counts)), base)
    return rng.permutation(cells)


def education(age: np.ndarray, female: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Education code (0 low, 1 medium, 2 high) given age and sex."""
    probs = EDU_BY_BAND[band_index(age, BROAD_EDGES)].copy()
    # Nobody holds a tertiary diploma at 18-20; the share rises to about a third at 24
    # (assumption: bachelors take 3-4 years after secondary school ends at 18). Raking then
    # scales this profile to the 18-24 share.
    young = age < 25
    high_young = np.array([0.0, 0.0, 0.0, 0.06, 0.16, 0.27, 0.36])[np.clip(age - 18, 0, 6)]
    probs[:, 1] = np.where(young, probs[:, 1] + probs[:, 2] - high_young, probs[:, 1])
    probs[:, 2] = np.where(young, high_young, probs[:, 2])
    shift = np.where(female, EDU_SEX_SHIFT_HIGH["F"], EDU_SEX_SHIFT_HIGH["M"])
    adult = age >= 25
    probs[:, 2] += np.where(adult, shift, 0.0)
    probs[:, 0] -= np.where(adult, shift / 3, 0.0)
    probs[:, 1] -= np.where(adult, 2 * shift / 3, 0.0)
    return categorical(rng, np.clip(probs, 0.0, None))


def in_education(age: np.ndarray, edu: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Whether each person is in formal education.

    Assumption: the share falls from about 88% at 18 to 35% at 24 (67% of 18-24 over all, BE AES
    2022, §7.3) and to a few percent after 35 (6.6% of 25-69).
    """
    young = np.array([0.88, 0.82, 0.75, 0.68, 0.58, 0.45, 0.35])
    p = np.where(age <= 24, young[np.clip(age - 18, 0, 6)], 0.0)
    p = np.where((age >= 25) & (age <= 29), 0.14, p)
    p = np.where((age >= 30) & (age <= 34), 0.09, p)
    p = np.where((age >= 35) & (age <= 44), 0.07, p)
    p = np.where((age >= 45) & (age <= 54), 0.05, p)
    p = np.where(age >= 55, 0.03, p)
    # Young graduates of higher education have mostly left school; early school leavers too.
    p = np.where((age <= 24) & (edu == 2), p * 0.6, p)
    p = np.where((age <= 24) & (edu == 0), p * 0.8, p)
    return rng.random(len(age)) < p


def labour(
    age: np.ndarray,
    female: np.ndarray,
    edu: np.ndarray,
    student: np.ndarray,
    rng: np.random.Generator,
) -> np.ndarray:
    """Labour status code (0 employed, 1 unemployed, 2 inactive).

    Starts from the §2.5 band table; employment is scaled by sex (x1.045 men, x0.955 women, §2.5)
    and by education (the 2022 ratios 51.3 / 78.4 / 89.7 to 79.7, §2.1); students and school
    leavers are set apart under 25 (see below).
    """
    band = band_index(age, BAND_EDGES)
    p_emp = BAND_EMPLOYED[band] * np.where(female, 0.955, 1.045)
    p_emp = p_emp * np.array([0.64, 0.98, 1.125])[edu]
    p_un = BAND_UNEMPLOYED[band] * np.array([2.0, 1.0, 0.5])[edu]
    # Under 25 the band rates mix students and school leavers; assumption: students work in
    # student jobs (15% at 18-19, 35% at 20-24) and are rarely jobseekers, school leavers work
    # (50% / 75%) or seek work (10% / 9%) far more often.
    young = age < 25
    teen = age < 20
    p_emp = np.where(young & student, np.where(teen, 0.15, 0.35), p_emp)
    p_emp = np.where(
        young & ~student, np.where(teen, 0.50, 0.75) * p_emp / BAND_EMPLOYED[band], p_emp
    )
    p_un = np.where(young & student, 0.01, p_un)
    p_un = np.where(young & ~student, np.where(teen, 0.10, 0.09), p_un)
    p_un = np.where(~young & student, p_un * 0.3, p_un)
    p_emp = np.where(~young & student, p_emp * 0.6, p_emp)
    p_emp = np.clip(p_emp, 0.01, 0.97)
    p_un = np.minimum(p_un, 0.99 - p_emp)
    return categorical(rng, np.column_stack([p_emp, p_un, 1.0 - p_emp - p_un]))


def employment_type(
    age: np.ndarray,
    female: np.ndarray,
    edu: np.ndarray,
    student: np.ndarray,
    rng: np.random.Generator,
) -> np.ndarray:
    """Among the employed: 0 private employee, 1 public employee, 2 self-employed.

    Assumption: self-employed 17% of working men and 10% of women (§2.3, 2021), rising with age
    (2017 pattern); public employees 24% of the working (§2.3 [E]), more often women and the high
    educated (education and care).
    """
    broad = band_index(age, BROAD_EDGES)
    p_self = np.where(female, 0.10, 0.17) * np.array([0.5, 0.75, 1.05, 1.15, 1.25, 1.6])[broad]
    p_self *= np.array([0.85, 1.0, 1.05])[edu] * np.where(student, 0.3, 1.0)
    p_pub = 0.28 * np.where(female, 1.35, 0.7) * np.array([0.6, 0.9, 1.3])[edu]
    p_pub *= np.where(age < 25, 0.6, 1.0) * (1.0 - p_self)
    return categorical(rng, np.column_stack([1.0 - p_self - p_pub, p_pub, p_self]))


def work_fraction(
    age: np.ndarray,
    female: np.ndarray,
    edu: np.ndarray,
    student: np.ndarray,
    etype: np.ndarray,
    rng: np.random.Generator,
) -> np.ndarray:
    """Working time as a fraction of full time, for the employed.

    Assumption: part-time 43% of women and 12% of men among employees (§5.2, 2023), more often
    at 55+ and among the young (2020 age profile); students mostly in small jobs; self-employed
    part-time 12%.
    """
    broad = band_index(age, BROAD_EDGES)
    p_pt = np.where(female, 0.43, 0.12) * np.array([1.0, 0.7, 0.95, 1.05, 1.8, 2.0])[broad]
    p_pt *= np.array([1.1, 1.0, 0.92])[edu]
    p_pt = np.where(etype == 2, 0.12, p_pt)
    p_pt = np.where(student, 0.6, np.minimum(p_pt, 0.95))
    part = rng.random(len(age)) < p_pt
    n = len(age)
    adult_pick = rng.choice(len(PART_TIME_P), size=n, p=PART_TIME_P)
    student_pick = rng.choice(len(PART_TIME_P), size=n, p=STUDENT_PART_TIME_P)
    fraction = PART_TIME_FRACTIONS[np.where(student, student_pick, adult_pick)]
    return np.where(part, fraction, 1.0).astype(np.float32)


def sector(etype: np.ndarray, female: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Sector index into ``SECTORS`` for the employed, by employment type and sex."""
    base = np.array([SECTOR_BY_STATUS[s] for s in schema.EMPLOYED_STATUSES])[etype]
    factor = np.where(female[:, None], SECTOR_SEX_FACTOR["F"], SECTOR_SEX_FACTOR["M"])
    return categorical(rng, base * factor)


def firm_size(etype: np.ndarray, sector_idx: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Firm-size index (0 micro .. 3 large) for the employed.

    Public employees work for large employers and the self-employed count as micro (assumptions,
    §4.1); private employees follow the BE SBA shares, shifted by sector.
    """
    factors = np.array([FIRM_SIZE_SECTOR_FACTOR[s] for s in SECTORS])[sector_idx]
    size = categorical(rng, FIRM_SIZE_PRIVATE * factors)
    size = np.where(etype == 1, 3, size)
    return np.where(etype == 2, 0, size)


def norm_ppf(p: np.ndarray) -> np.ndarray:
    """Inverse of the standard normal CDF (Acklam's rational approximation, |error| < 1.2e-9)."""
    a = [
        -3.969683028665376e01,
        2.209460984245205e02,
        -2.759285104469687e02,
        1.383577518672690e02,
        -3.066479806614716e01,
        2.506628277459239e00,
    ]
    b = [
        -5.447609879822406e01,
        1.615858368580409e02,
        -1.556989798598866e02,
        6.680131188771972e01,
        -1.328068155288572e01,
    ]
    c = [
        -7.784894002430293e-03,
        -3.223964580411365e-01,
        -2.400758277161838e00,
        -2.549671039211290e00,
        4.374664141464968e00,
        2.938163982698783e00,
    ]
    d = [7.784695709041462e-03, 3.224671290700398e-01, 2.445134137142996e00, 3.754408661907416e00]
    p = np.asarray(p, dtype=float)
    out = np.empty_like(p)
    lo, hi = p < 0.02425, p > 1 - 0.02425
    mid = ~(lo | hi)
    q = p[mid] - 0.5
    r = q * q
    out[mid] = ((((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5]) * q) / (
        ((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1
    )
    for mask, sign, pp in ((lo, 1.0, p[lo]), (hi, -1.0, 1 - p[hi])):
        q = np.sqrt(-2 * np.log(pp))
        out[mask] = (
            sign
            * (((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5])
            / ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1)
        )
    return out


def wage_quantile(p: np.ndarray) -> np.ndarray:
    """Full-time gross monthly wage at quantile ``p`` (EUR).

    Between D1 and D9 the log wage is interpolated linearly between the deciles; beyond them the
    split-lognormal tails of §5.1 (median 3,728, sigma 0.330 below and 0.410 above) take over,
    which meet the deciles exactly at D1 and D9.
    """
    p = np.clip(p, 1e-6, 1 - 1e-6)
    knots = np.arange(1, 10) / 10
    wage = np.exp(np.interp(p, knots, np.log(WAGE_DECILES)))
    z = norm_ppf(p)
    median = WAGE_DECILES[4]
    wage = np.where(p < 0.1, median * np.exp(WAGE_SIGMA_LOW * z), wage)
    wage = np.where(p > 0.9, median * np.exp(WAGE_SIGMA_HIGH * z), wage)
    return np.maximum(wage, WAGE_FLOOR)


def wage_score(
    age: np.ndarray,
    female: np.ndarray,
    edu: np.ndarray,
    size_idx: np.ndarray,
    sector_idx: np.ndarray,
    rng: np.random.Generator,
) -> np.ndarray:
    """A latent earnings score; only its ranking matters.

    Assumption: log-wage effects of education (no diploma -26% and master +48% against the
    average, §5.1), experience (a concave profile; 60+ earn 31% above average), a small gender
    gap, firm size and sector, plus individual noise.
    """
    experience = np.clip(age - 20, 0, None).astype(float)
    score = np.array([-0.22, 0.0, 0.30])[edu] + 0.028 * experience - 0.00045 * experience**2
    score += np.where(female, -0.04, 0.0)
    score += np.array([-0.10, -0.04, 0.0, 0.06])[size_idx]
    score += np.array([-0.03, 0.05, -0.08, 0.02, 0.05, -0.02, -0.02, 0.0])[sector_idx]
    return score + rng.normal(0.0, 0.22, len(age))


def wages(score: np.ndarray, full_time_employee: np.ndarray) -> np.ndarray:
    """Full-time-equivalent wages from scores, ranked against the full-time employees."""
    reference = np.sort(score[full_time_employee])
    rank = np.searchsorted(reference, score, side="left")
    p = (rank + 0.5) / max(len(reference), 1)
    return wage_quantile(p)


def years_worked(
    age: np.ndarray,
    female: np.ndarray,
    edu: np.ndarray,
    student: np.ndarray,
    labour_code: np.ndarray,
    rng: np.random.Generator,
) -> np.ndarray:
    """Whole years of work so far.

    Assumption: careers start at 18 / 19 / 23 by education; the employed worked about 92% of the
    years since, the unemployed 75%, the inactive 55% (80% from 55: mostly early retirees);
    women slightly less (career breaks); students mostly student jobs.
    """
    start = np.array([18, 19, 23])[edu]
    potential = np.clip(age - start, 0, None).astype(float)
    density = np.array([0.92, 0.75, 0.55])[labour_code]
    density = np.where((labour_code == 2) & (age >= 55), 0.80, density)
    density = density * np.where(female, 0.96, 1.0) * np.where(student, 0.25, 1.0)
    density = np.clip(density + rng.normal(0.0, 0.08, len(age)), 0.0, 1.0)
    return np.clip(np.floor(potential * density), 0, 50).astype(np.int8)


def tenure(
    age: np.ndarray, worked: np.ndarray, employed: np.ndarray, rng: np.random.Generator
) -> np.ndarray:
    """Years with the current employer, for the employed.

    Assumption: exponential with a mean rising with age (1.5 years at 18-24 to 16 at 55+), which
    gives about 12% with less than a year (job-to-job moves of 7% a year, §6.1, plus entries).
    """
    mean = np.array([1.5, 4.0, 8.0, 12.0, 16.0, 16.0])[band_index(age, BROAD_EDGES)]
    t = rng.exponential(mean)
    # Never longer than the career so far (whole years; a first job of under a year has 0).
    t = np.minimum(t, worked.astype(float))
    return np.where(employed, np.round(t, 1), 0.0).astype(np.float32)


def lives_alone(age: np.ndarray, female: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Whether each person lives alone.

    Assumption: about 15% of 18-66-year-olds (households.csv), few of the young, more from 55,
    men slightly more often.
    """
    p = np.array([0.04, 0.17, 0.13, 0.15, 0.20, 0.22])[band_index(age, BROAD_EDGES)]
    return rng.random(len(age)) < p * np.where(female, 0.92, 1.08)
