"""The ``llr-sim`` command: parses arguments, calls the public API, prints errors.

Exit codes: 0 success, 2 bad input (one line on stderr naming the file and field or the flag),
1 internal failure. A traceback is shown only with ``--debug``.
"""

from __future__ import annotations

import argparse
import sys
import traceback
from collections.abc import Callable, Sequence

from llr_sim import __version__
from llr_sim.errors import InputError
from llr_sim.inputs import (
    CLI_NAMES,
    MIN_SCALE,
    RunInputs,
    check_flags,
    check_run_inputs,
    check_whole_number,
    raise_problems,
)
from llr_sim.policy.commands import add_subcommands as add_policy
from llr_sim.reporting.commands import add_subcommands as add_report
from llr_sim.simulation_commands import add_subcommands as add_simulation

Handler = Callable[[argparse.Namespace], int]
#: Worker processes of a local Dask cluster.
MAX_WORKERS = 256


class _Parser(argparse.ArgumentParser):
    """An argument parser whose errors are one line and raise instead of exiting."""

    def error(self, message: str) -> None:  # noqa: D102 - argparse API
        raise InputError(self.prog, message)


def _cmd_population(args: argparse.Namespace) -> int:
    problems: list[InputError] = []
    run = RunInputs()
    try:
        run = check_run_inputs(scale=args.scale, seed=args.seed, names=CLI_NAMES)
    except InputError as err:
        problems.append(err)
    # The population modules read pandas: imported for this command only, not for --help.
    from llr_sim.population.calibration import format_report  # noqa: PLC0415
    from llr_sim.population.population import check_output_path  # noqa: PLC0415
    from llr_sim.population.synthesis import synthesise_population  # noqa: PLC0415

    try:
        check_output_path(args.out)  # before the work, not after it
    except InputError as err:
        problems.append(err)
    raise_problems(problems)
    population = synthesise_population(
        scale=run.scale, seed=run.seed, targets_dir=args.targets, show_progress=not args.quiet
    )
    paths = population.save(args.out)
    report = population.calibration
    print(format_report(report))
    for label, path in paths.items():
        print(f"{label}: {path}")
    failed = report[report["fails"]]
    if len(failed):
        print(
            f"{len(failed)} published target(s) outside tolerance: "
            + ", ".join(failed["target_id"]),
            file=sys.stderr,
        )
        return 1
    return 0


def _cmd_sweep(args: argparse.Namespace) -> int:
    # Every input checked here, with the flags' names, before the sweep (pandas, Dask) loads.
    problems: list[InputError] = []
    run = check_flags(args, problems, scenarios=args.scenarios)
    workers = None
    try:
        workers = check_whole_number(args.workers, "--workers", 1, MAX_WORKERS)
    except InputError as err:
        problems.append(err)
    raise_problems(problems)
    from llr_sim.analysis.sweep import parse_grid, run_sweep  # noqa: PLC0415 - pandas and Dask

    grid = parse_grid(args.grid or [])
    path = run_sweep(
        run.scenarios,
        args.out,
        replicates=run.replicates,
        grid=grid,
        scale=run.scale,
        seed=run.seed,
        years=(run.years[0], run.years[-1]),
        workers=workers,
        scheduler=args.scheduler,
        show_progress=not args.quiet,
    )
    print(f"sweep: {path}")
    return 0


def build_parser() -> argparse.ArgumentParser:
    """The ``llr-sim`` argument parser with all its subcommands."""
    parser = _Parser(prog="llr-sim", description=__doc__.splitlines()[0])
    parser.add_argument("--version", action="version", version=f"llr-sim {__version__}")
    parser.add_argument("--debug", action="store_true", help="show tracebacks")
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)

    pop = sub.add_parser(
        "population",
        help="generate the synthetic Flemish workforce and its calibration report",
    )
    # Values are checked by llr_sim.inputs in the handlers, all at once, as everywhere.
    pop.add_argument("--scale", default=0.01, help=f"share of the population ({MIN_SCALE}-1]")
    pop.add_argument("--seed", default=0, help="random seed (default 0)")
    pop.add_argument(
        "--out", default="data/synthetic/population.parquet", help="output parquet file"
    )
    pop.add_argument("--targets", default=None, help="folder of calibration targets (*.csv)")
    pop.add_argument("--quiet", action="store_true", help="no progress output")
    pop.set_defaults(handler=_cmd_population)

    add_policy(sub, _Parser)
    add_simulation(sub)
    add_report(sub, _Parser)

    sweep = sub.add_parser(
        "sweep", help="replicates x scenarios x grid points as Dask tasks (resumable)"
    )
    sweep.add_argument("scenarios", nargs="+", metavar="SCENARIO")
    sweep.add_argument("--replicates", default=1, help="replicates, 1-1000 (default 1)")
    sweep.add_argument(
        "--grid",
        action="append",
        metavar="behaviour.PATH=a,b,c",
        help="a behavioural parameter and its values (repeatable: the product)",
    )
    sweep.add_argument("--scale", default=0.01, help=f"share of the population ({MIN_SCALE}-1]")
    sweep.add_argument("--seed", default=0, help="random seed (default 0)")
    sweep.add_argument("--years", default=None, help="FIRST-LAST (default 2024-2030)")
    sweep.add_argument(
        "--workers", default=2, help=f"worker processes of the local Dask cluster (1-{MAX_WORKERS})"
    )
    sweep.add_argument(
        "--scheduler", default=None, help="address of an existing Dask scheduler (tcp://host:8786)"
    )
    sweep.add_argument("--out", required=True, help="sweep folder (resumes when it exists)")
    sweep.add_argument("--quiet", action="store_true", help="no progress bar")
    sweep.set_defaults(handler=_cmd_sweep)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit code."""
    argv = list(sys.argv[1:] if argv is None else argv)
    debug = "--debug" in argv
    try:
        args = build_parser().parse_args(argv)
        return int(args.handler(args))
    except InputError as err:
        if debug:
            traceback.print_exc()
        for problem in getattr(err, "problems", [err]):
            print(f"llr-sim: error: {problem}", file=sys.stderr)
        return 2
    except BrokenPipeError:  # output piped into `head` and closed: not an error
        sys.stderr.close()
        return 0
    except KeyboardInterrupt:
        print("llr-sim: interrupted", file=sys.stderr)
        return 130
    except Exception as err:  # noqa: BLE001 - the last line of defence for the CLI
        if debug:
            traceback.print_exc()
        print(
            f"llr-sim: internal error: {type(err).__name__}: {err} (rerun with --debug)",
            file=sys.stderr,
        )
        return 1


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
