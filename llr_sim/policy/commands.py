"""The ``validate``, ``rules`` and ``portfolio`` subcommands of ``llr-sim``.

``llr_sim.cli`` calls :func:`add_subcommands`; each subcommand's ``handler`` takes the parsed
arguments and returns the exit code. Bad input raises :class:`llr_sim.errors.InputError` (or
``InputErrors``), which the CLI prints one line each with exit code 2.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import sys
from pathlib import Path

from llr_sim.errors import InputError, InputErrors
from llr_sim.policy.parameters import parse_date


def _date(text: str) -> dt.date:
    """Parse ``--date``: ``YYYY-MM-DD``."""
    return parse_date(text, "--date")


def _when(args: argparse.Namespace) -> tuple[dt.date, str]:
    """The date asked for, or today, and how to say which it is (never a silent default)."""
    if args.date is not None:
        return args.date, args.date.isoformat()
    today = dt.date.today()
    return today, f"{today.isoformat()} (today; use --date to choose)"


def _scenario(ref: str):
    # Checked whole, behaviour names too, as every command checks a scenario (llr_sim.inputs).
    from llr_sim.inputs import load_scenario  # noqa: PLC0415 - CLI module: not loaded for --help

    return load_scenario(ref)


def _check_date(scenario, when: dt.date) -> None:
    try:
        scenario.parameters.at(when)
    except InputError as err:
        raise InputError("--date", err.message) from None


def cmd_validate(args: argparse.Namespace) -> int:
    """Check scenario files; print one ``ok`` line per valid file, raise for every problem."""
    # The whole scenario, its behaviour names and ranges too (llr_sim.inputs knows them).
    from llr_sim.inputs import load_scenario  # noqa: PLC0415 - CLI module: not loaded for --help

    problems: list[InputError] = []
    for ref in args.scenarios:
        try:
            scenario = load_scenario(ref)
        except InputErrors as err:
            problems.extend(err.problems)
            continue
        except InputError as err:
            problems.append(err)
            continue
        chain = " -> ".join(scenario.chain)
        print(f"ok  {ref}  ({chain}; {len(scenario.policy)} policy overrides)")
    unique = list({str(p): p for p in problems}.values())
    if unique:
        raise InputErrors(unique)
    return 0


def cmd_rules(args: argparse.Namespace) -> int:
    """Print the parameters in force: parameter, value, unit, since, source."""
    when, when_text = _when(args)
    scenario = _scenario(args.scenario)
    _check_date(scenario, when)
    rows = scenario.parameters.table(when)
    if args.format == "csv":
        writer = csv.DictWriter(sys.stdout, fieldnames=list(rows[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
        return 0
    print(f"Rules in force on {when_text}, scenario {scenario.name}")
    width = max(len(r["parameter"]) for r in rows)
    vwidth = max(len(f"{r['value']} {r['unit']}") for r in rows)
    for r in rows:
        value = f"{r['value']} {r['unit']}"
        print(
            f"{r['parameter']:<{width}}  {value:<{vwidth}}  since {r['since']:<10}  {r['source']}"
        )
    return 0


def cmd_portfolio(args: argparse.Namespace) -> int:
    """Compute the portfolio of every person in a CSV (to ``--out``) or of one YAML person."""
    from llr_sim.policy.portfolio import (  # noqa: PLC0415 - CLI module: not loaded for --help
        compute_portfolio,
        format_overview,
        read_persons,
        write_csv_atomic,
    )

    when, when_text = _when(args)
    scenario = _scenario(args.scenario)
    _check_date(scenario, when)
    persons, one_person = read_persons(args.persons, when)
    if not one_person and args.out is None:
        raise InputError("--out", "required for a persons CSV (the output CSV file)")
    result = compute_portfolio(persons, when, scenario)
    if one_person:
        print(format_overview(result.iloc[0], when, scenario))
        if args.out is not None:
            write_csv_atomic(result, args.out)
        return 0
    path = write_csv_atomic(result, args.out)
    eligible = {
        col.removesuffix("_eligible"): int(result[col].sum())
        for col in result.columns
        if col.endswith("_eligible")
    }
    summary = ", ".join(f"{name} {count}" for name, count in eligible.items())
    print(f"{len(result)} persons on {when_text}, scenario {scenario.name}; eligible: {summary}")
    print(f"portfolio: {path}")
    return 0


def add_subcommands(
    subparsers: argparse._SubParsersAction, parser_class: type | None = None
) -> None:
    """Add ``validate``, ``rules`` and ``portfolio`` to the ``llr-sim`` subcommands.

    Args:
        subparsers: The object returned by ``parser.add_subparsers(...)``; its own
            ``parser_class`` (the CLI's one-line-error parser) builds the subcommand parsers.
        parser_class: Accepted for symmetry with the CLI; the subparsers object already knows
            its parser class, so it is not used.
    """
    del parser_class
    validate = subparsers.add_parser(
        "validate", help="check scenario files and report every problem at once"
    )
    validate.add_argument("scenarios", nargs="+", metavar="SCENARIO", help="scenario YAML files")
    validate.set_defaults(handler=cmd_validate)

    rules = subparsers.add_parser(
        "rules", help="the parameters in force on a date: value, unit, since, source"
    )
    rules.add_argument("--date", type=_date, default=None, help="YYYY-MM-DD (default today)")
    rules.add_argument(
        "--scenario", default="baseline", help="scenario name or file (default: baseline)"
    )
    rules.add_argument("--format", choices=("text", "csv"), default="text", help="output format")
    rules.set_defaults(handler=cmd_rules)

    portfolio = subparsers.add_parser(
        "portfolio", help="per person: the incentives they are entitled to, and why not"
    )
    portfolio.add_argument("persons", type=Path, help="persons CSV, or a YAML file for one person")
    portfolio.add_argument("--date", type=_date, default=None, help="YYYY-MM-DD (default today)")
    portfolio.add_argument(
        "--scenario", default="baseline", help="scenario name or file (default: baseline)"
    )
    portfolio.add_argument("--out", type=Path, default=None, help="output CSV (required for a CSV)")
    portfolio.set_defaults(handler=cmd_portfolio)
