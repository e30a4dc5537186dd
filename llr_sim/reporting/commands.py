"""The ``report`` subcommand of ``llr-sim``: the report batch.

``llr_sim.cli`` calls :func:`add_subcommands`; the handler returns the exit code (0 all done,
1 when a scenario failed) and raises :class:`llr_sim.errors.InputError` for bad input, before
any kernel starts.
"""

from __future__ import annotations

import argparse
import sys

from llr_sim.errors import InputError
from llr_sim.inputs import (
    check_flags,
    check_whole_number,
    raise_problems,
)
from llr_sim.reporting.labels import check_lang


def precheck(args: argparse.Namespace) -> None:
    """The flags checked as every command checks them, before the batch's modules load.

    The batch (:func:`llr_sim.reporting.batch.make_plan`) checks them again with the folder,
    the notebook parameters and the kernel, every problem at once; a bad flag is refused here
    within a second instead of after loading papermill, pandas and matplotlib.

    Raises:
        InputError: Every problem of the flags (InputErrors for several).
    """
    problems: list[InputError] = []
    given = {"scenarios": args.scenarios} if args.scenarios else {}
    check_flags(args, problems, **given)
    try:
        check_lang(args.lang, "--lang")
    except InputError as err:
        problems.append(err)
    try:
        check_whole_number(args.jobs if args.jobs is not None else 1, "--jobs", 1)
    except InputError as err:
        problems.append(err)
    raise_problems(problems)


def cmd_report(args: argparse.Namespace) -> int:
    """Run the report batch and print where the index is and what failed."""
    precheck(args)
    # papermill, pandas and matplotlib: loaded for this command only, not for --help.
    from llr_sim.reporting.batch import make_plan, run_batch  # noqa: PLC0415

    plan = make_plan(
        args.scenarios,
        args.out,
        scale=args.scale,
        seed=args.seed,
        years=args.years,
        replicates=args.replicates,
        lang=args.lang,
        jobs=args.jobs,
        force=args.force,
        params=args.param,
        population=not args.no_population,
    )
    result = run_batch(plan, progress=not args.quiet)
    for status in result.statuses:
        line = f"{status['status']:<8} {status['kind']:<10} {status['name']}"
        if status["status"] == "failed":
            line += f"  ({status.get('error', '')})"
        print(line)
    print(f"index: {result.index}")
    if result.failed:
        names = ", ".join(s["name"] for s in result.failed)
        print(f"llr-sim: {len(result.failed)} report(s) failed: {names}", file=sys.stderr)
    return result.exit_code


def add_subcommands(
    subparsers: argparse._SubParsersAction, parser_class: type | None = None
) -> None:
    """Add ``report`` to the ``llr-sim`` subcommands.

    Args:
        subparsers: The object returned by ``parser.add_subparsers(...)``.
        parser_class: Accepted for symmetry with the other command modules; unused.
    """
    del parser_class
    report = subparsers.add_parser(
        "report",
        help="run the report notebooks for scenarios (papermill) and write an index",
        description=(
            "Per scenario: the executed notebook, an HTML report without code, figures (PNG, "
            "SVG) and tables (CSV, XLSX); then the population report, a comparison and "
            "index.html. Finished folders are skipped unless --force."
        ),
    )
    report.add_argument(
        "scenarios",
        nargs="*",
        metavar="SCENARIO",
        help="scenario names or YAML files (default: every file in scenarios/)",
    )
    report.add_argument("--out", default="reports/batch", help="batch folder (reports/batch)")
    report.add_argument("--scale", default=0.02, help="share of the population (default 0.02)")
    report.add_argument("--seed", default=0, help="random seed (default 0)")
    report.add_argument("--years", default=None, help="FIRST-LAST, e.g. 2024-2030")
    report.add_argument("--replicates", default=1, help="replicates per scenario (default 1)")
    report.add_argument("--lang", default="nl", help="nl (default) or en")
    report.add_argument("--jobs", default=None, help="parallel notebooks (default: cores)")
    report.add_argument("--force", action="store_true", help="redo finished reports")
    report.add_argument(
        "--param",
        "-p",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="an extra notebook parameter (repeatable)",
    )
    report.add_argument(
        "--no-population", action="store_true", help="leave out the population report"
    )
    report.add_argument("--quiet", action="store_true", help="no progress bar")
    report.set_defaults(handler=cmd_report)
