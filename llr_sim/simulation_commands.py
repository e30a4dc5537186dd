"""The ``run`` and ``calibrate`` subcommands of ``llr-sim`` (wired in by ``cli.py``).

``llr-sim run SCENARIO [--scale F] [--seed N] [--years 2023-2030] [--replicates R] [--out DIR]``
``llr-sim calibrate [--scale F] [--seed N] [--check]``
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from llr_sim.errors import InputError
from llr_sim.inputs import DEFAULT_YEARS

DEFAULT_RUNS = Path("reports") / "runs"


def _scale(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise InputError("--scale", f"not a number: {text!r}") from None
    if not 0.0 < value <= 1.0:
        raise InputError("--scale", f"must be greater than 0 and at most 1, got {text}")
    return value


def _seed(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise InputError("--seed", f"not a whole number: {text!r}") from None
    if value < 0:
        raise InputError("--seed", f"must be 0 or more, got {value}")
    return value


def _years(text: str) -> range:
    """``2023-2030`` or ``2025``."""
    from llr_sim.simulation import check_years

    parts = text.split("-")
    try:
        first, last = (int(parts[0]), int(parts[-1])) if len(parts) <= 2 else (None, None)
    except ValueError:
        first = last = None
    if first is None:
        raise InputError("--years", f"expected FIRST-LAST such as 2023-2030, got {text!r}")
    if last < first:
        raise InputError("--years", f"the last year {last} is before the first {first}")
    try:
        check_years(range(first, last + 1))
    except InputError as err:
        raise InputError("--years", err.message) from None
    return range(first, last + 1)


def _replicates(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise InputError("--replicates", f"not a whole number: {text!r}") from None
    if not 1 <= value <= 1000:
        raise InputError("--replicates", f"must be 1-1000, got {value}")
    return value


def _cmd_run(args: argparse.Namespace) -> int:
    from llr_sim.simulation import resolve_scenario, simulate

    scenario = resolve_scenario(args.scenario)  # every problem of the file before any work
    out = (
        Path(args.out)
        if args.out
        else DEFAULT_RUNS / f"{scenario.name}_s{args.scale:g}_seed{args.seed}"
    )
    parent = out.parent if str(out.parent) else Path(".")
    if args.out is None:
        parent.mkdir(parents=True, exist_ok=True)
    if not parent.is_dir():
        raise InputError("--out", f"the folder {parent} does not exist")
    if out.exists() and not out.is_dir():
        raise InputError("--out", f"{out} exists and is not a folder")
    results = simulate(
        scenario,
        scale=args.scale,
        seed=args.seed,
        years=args.years if args.years is not None else DEFAULT_YEARS,
        replicates=args.replicates,
        show_progress=not args.quiet,
    )
    path = results.save(out)
    if not args.quiet:
        print(json.dumps(results.summary, indent=2))
    print(f"run folder: {path}")
    return 0


def _cmd_calibrate(args: argparse.Namespace) -> int:
    from llr_sim.behaviour.calibration import calibrate, format_report

    fit = calibrate(scale=args.scale, seed=args.seed, write=not args.check, log=not args.quiet)
    print(format_report(fit.report))
    if not args.check:
        print(f"fitted values: {fit.path}")
    failed = fit.report[~fit.report["within"]]
    if len(failed):
        print(
            f"{len(failed)} target(s) outside tolerance: " + ", ".join(failed["target"]),
            file=sys.stderr,
        )
        return 1
    return 0


def add_subcommands(subparsers) -> None:
    """Add ``run`` and ``calibrate`` to the ``llr-sim`` subparsers."""
    run = subparsers.add_parser(
        "run", help="simulate a scenario and its counterfactual; write a run folder"
    )
    run.add_argument("scenario", help="scenario name (scenarios/NAME.yaml) or path")
    run.add_argument("--scale", type=_scale, default=0.01, help="share of the population (0-1]")
    run.add_argument("--seed", type=_seed, default=0, help="random seed (default 0)")
    run.add_argument("--years", type=_years, default=None, help="FIRST-LAST (default 2024-2030)")
    run.add_argument(
        "--replicates", type=_replicates, default=1, help="Monte Carlo replicates (default 1)"
    )
    run.add_argument(
        "--out", default=None, help="run folder (default reports/runs/SCENARIO_sSCALE_seedSEED)"
    )
    run.add_argument("--quiet", action="store_true", help="no progress bar or summary")
    run.set_defaults(handler=_cmd_run)

    cal = subparsers.add_parser(
        "calibrate",
        help="fit the free behavioural parameters to the status-quo targets of 2023",
    )
    cal.add_argument("--scale", type=_scale, default=0.02, help="scale of the fit (default 0.02)")
    cal.add_argument("--seed", type=_seed, default=0, help="random seed (default 0)")
    cal.add_argument(
        "--check", action="store_true", help="only report the fit of the current values"
    )
    cal.add_argument("--quiet", action="store_true", help="no progress output")
    cal.set_defaults(handler=_cmd_calibrate)
