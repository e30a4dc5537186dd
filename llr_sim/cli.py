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

Handler = Callable[[argparse.Namespace], int]


class _Parser(argparse.ArgumentParser):
    """An argument parser whose errors are one line and raise instead of exiting."""

    def error(self, message: str) -> None:  # noqa: D102 - argparse API
        raise InputError(self.prog, message)


def _positive_scale(text: str) -> float:
    """Parse ``--scale``: a number in (0, 1]."""
    from llr_sim.population.synthesis import check_scale

    try:
        value = float(text)
    except ValueError:
        raise InputError("--scale", f"not a number: {text!r}") from None
    return check_scale(value, "--scale")


def _seed(text: str) -> int:
    """Parse ``--seed``: a non-negative integer."""
    from llr_sim.population.synthesis import check_seed

    try:
        value = int(text)
    except ValueError:
        raise InputError("--seed", f"not a whole number: {text!r}") from None
    return check_seed(value, "--seed")


def _cmd_population(args: argparse.Namespace) -> int:
    from llr_sim.population.calibration import format_report
    from llr_sim.population.population import check_output_path
    from llr_sim.population.synthesis import synthesise_population

    check_output_path(args.out)  # before the work, not after it
    population = synthesise_population(
        scale=args.scale, seed=args.seed, targets_dir=args.targets, show_progress=not args.quiet
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


def _positive_int(flag: str, low: int, high: int) -> Callable[[str], int]:
    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise InputError(flag, f"not a whole number: {text!r}") from None
        if not low <= value <= high:
            raise InputError(flag, f"must be between {low} and {high}, got {value}")
        return value

    return parse


def _years(text: str) -> tuple[int, int]:
    """Parse ``--years 2023-2030`` (or a single year)."""
    parts = text.split("-")
    try:
        first, last = (int(parts[0]), int(parts[-1])) if len(parts) <= 2 else (None, None)
    except ValueError:
        first = last = None
    if first is None or last is None:
        raise InputError("--years", f"not a year range like 2023-2030: {text!r}")
    if not 2023 <= first <= last <= 2035:
        raise InputError("--years", f"must lie within 2023-2035, first before last: {text!r}")
    return first, last


def _cmd_sweep(args: argparse.Namespace) -> int:
    from llr_sim.sweep import parse_grid, run_sweep

    grid = parse_grid(args.grid or [])
    path = run_sweep(
        args.scenarios,
        args.out,
        replicates=args.replicates,
        grid=grid,
        scale=args.scale,
        seed=args.seed,
        years=args.years,
        workers=args.workers,
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
    pop.add_argument(
        "--scale", type=_positive_scale, default=0.01, help="share of the population (0-1]"
    )
    pop.add_argument("--seed", type=_seed, default=0, help="random seed (default 0)")
    pop.add_argument(
        "--out", default="data/synthetic/population.parquet", help="output parquet file"
    )
    pop.add_argument("--targets", default=None, help="folder of calibration targets (*.csv)")
    pop.add_argument("--quiet", action="store_true", help="no progress output")
    pop.set_defaults(handler=_cmd_population)

    from llr_sim.policy.commands import add_subcommands

    add_subcommands(sub, _Parser)

    from llr_sim.simulation_commands import add_subcommands as add_simulation

    add_simulation(sub)

    from llr_sim.reporting.commands import add_subcommands as add_report

    add_report(sub, _Parser)

    sweep = sub.add_parser(
        "sweep", help="replicates x scenarios x grid points as Dask tasks (resumable)"
    )
    sweep.add_argument("scenarios", nargs="+", metavar="SCENARIO")
    sweep.add_argument("--replicates", type=_positive_int("--replicates", 1, 1000), default=1)
    sweep.add_argument(
        "--grid",
        action="append",
        metavar="behaviour.PATH=a,b,c",
        help="a behavioural parameter and its values (repeatable: the product)",
    )
    sweep.add_argument("--scale", type=_positive_scale, default=0.01)
    sweep.add_argument("--seed", type=_seed, default=0)
    sweep.add_argument("--years", type=_years, default=(2024, 2030), help="default 2024-2030")
    sweep.add_argument(
        "--workers",
        type=_positive_int("--workers", 1, 256),
        default=2,
        help="worker processes of the local Dask cluster",
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
