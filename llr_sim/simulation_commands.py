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
from llr_sim.inputs import (
    CLI_NAMES,
    MIN_SCALE,
    check_flags,
    check_output_dir,
    check_run_inputs,
    raise_problems,
)

DEFAULT_RUNS = Path("reports") / "runs"


def _cmd_run(args: argparse.Namespace) -> int:
    # Every input, the scenario files whole, before any work: every problem at once.
    problems: list[InputError] = []
    several = len(args.scenario) > 1
    given = {"scenarios": args.scenario} if several else {"scenario": args.scenario[0]}
    run = check_flags(args, problems, **given)
    out = None
    if args.out is not None:
        try:
            out = check_output_dir(args.out, "--out", make=False)
        except InputError as err:
            problems.append(err)
    raise_problems(problems)
    scenarios = run.scenarios if several else [run.scenario]
    if out is None:
        name = scenarios[0].name if not several else "batch"
        out = DEFAULT_RUNS / f"{name}_s{run.scale:g}_seed{run.seed}"
        out.parent.mkdir(parents=True, exist_ok=True)
    if several:
        out.mkdir(exist_ok=True)  # DIR/<name>/ per scenario
    from llr_sim.simulation import simulate  # noqa: PLC0415 - the model: not for --help

    # Several scenarios run on one population, one world and one counterfactual.
    runs = simulate(
        scenarios if several else scenarios[0],
        scale=run.scale,
        seed=run.seed,
        years=run.years,
        replicates=run.replicates,
        show_progress=not args.quiet,
    )
    for results in runs if several else [runs]:
        path = results.save(out / results.scenario_name if several else out)
        if not args.quiet:
            print(json.dumps(results.summary, indent=2))
        print(f"run folder: {path}")
    return 0


def _cmd_calibrate(args: argparse.Namespace) -> int:
    run = check_run_inputs(scale=args.scale, seed=args.seed, names=CLI_NAMES)
    # The calibration runs the model: not for --help.
    from llr_sim.calibration import calibrate, format_report  # noqa: PLC0415

    fit = calibrate(scale=run.scale, seed=run.seed, write=not args.check, log=not args.quiet)
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
        "run",
        help="simulate scenarios and their counterfactual; write a run folder per scenario",
    )
    run.add_argument(
        "scenario",
        nargs="+",
        help="scenario names (scenarios/NAME.yaml) or paths; several run on one world",
    )
    # The values are checked by llr_sim.inputs in the handler, all at once, as everywhere.
    run.add_argument("--scale", default=0.01, help=f"share of the population ({MIN_SCALE}-1]")
    run.add_argument("--seed", default=0, help="random seed (default 0)")
    run.add_argument("--years", default=None, help="FIRST-LAST (default 2024-2030)")
    run.add_argument("--replicates", default=1, help="Monte Carlo replicates, 1-1000 (default 1)")
    run.add_argument(
        "--out",
        default=None,
        help="run folder (default reports/runs/SCENARIO_sSCALE_seedSEED); with several "
        "scenarios, the folder that holds one run folder per scenario (DIR/NAME/)",
    )
    run.add_argument("--quiet", action="store_true", help="no progress bar or summary")
    run.set_defaults(handler=_cmd_run)

    cal = subparsers.add_parser(
        "calibrate",
        help="fit the free behavioural parameters to the status-quo targets of 2023",
    )
    cal.add_argument("--scale", default=0.02, help="scale of the fit (default 0.02)")
    cal.add_argument("--seed", default=0, help="random seed (default 0)")
    cal.add_argument(
        "--check", action="store_true", help="only report the fit of the current values"
    )
    cal.add_argument("--quiet", action="store_true", help="no progress output")
    cal.set_defaults(handler=_cmd_calibrate)
