"""Charts for the concept note, drawn from the tidy indicator table.

Every function takes the indicators (``scenario, year, indicator, instrument, group_by, group,
value`` and, with replicates, ``ci_low, ci_high``), a :class:`~llr_sim.reporting.style.Source`
and ``lang`` (``"nl"`` by default), and returns a matplotlib figure with a title, units on the
axes and the source line. Save it with :func:`llr_sim.reporting.style.save_figure`.
"""

from __future__ import annotations

import dataclasses
import textwrap

import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.lines import Line2D

from llr_sim.reporting import labels
from llr_sim.reporting.data import (
    ADULT_BANDS,
    AGE_BANDS,
    EDUCATION,
    GROUP_ORDER,
    INSTRUMENTS,
    SEXES,
    adult_ages,
    assumption_labels,
    education_shares,
    has_ci,
    high_share_by_band,
    last_year,
    model_band,
    ordered_groups,
    population_by,
    population_cross,
    projection_table,
    select,
)
from llr_sim.reporting.style import (
    GREY,
    INSTRUMENT_COLOURS,
    PALETTE,
    Source,
    axis_formatter,
    axis_label,
    group_colour,
    legend_below,
    new_figure,
    number,
    styled,
    text_colour,
)


def wrap(text: str, width: int = 28) -> str:
    """Break a long label over lines so it never runs into its neighbour."""
    return "\n".join(textwrap.wrap(str(text), width)) or str(text)


def _instruments(ind: pd.DataFrame, indicator: str) -> list[str]:
    """The instruments with a non-zero value of the indicator (a replaced one is left out)."""
    rows = ind[(ind["indicator"] == indicator) & (ind["group_by"] == "all")]
    active = rows[rows["value"].fillna(0) != 0]
    if indicator.endswith(("_rate", "_share")):  # a rate is shown where there are users
        users = ind[(ind["indicator"] == "users") & (ind["group_by"] == "all")]
        active = users[users["value"].fillna(0) != 0]
    present = set(active["instrument"].astype(str))
    return [i for i in INSTRUMENTS if i in present]


def _no_data(ax, lang: str, message: str | None = None) -> None:
    ax.text(
        0.5,
        0.5,
        message or ("geen gegevens" if lang == "nl" else "no data"),
        ha="center",
        va="center",
        transform=ax.transAxes,
        color=GREY,
    )
    ax.set_xticks([])
    ax.set_yticks([])


def _years_axis(ax, years) -> None:
    years = sorted({int(y) for y in years})
    step = 1 if len(years) <= 10 else 2
    ax.set_xticks(years[::step])
    ax.set_xticklabels([str(y) for y in years[::step]])
    ax.set_xlabel("")


def _err(rows, column: str = "value") -> list:
    """Error-bar lengths below and above the value, never negative.

    The central run can lie outside the replicates' 5-95% interval; its bar is then zero.
    """
    value = np.asarray(rows[column], dtype=float)
    low = np.clip(value - np.asarray(rows["ci_low"], dtype=float), 0, None)
    high = np.clip(np.asarray(rows["ci_high"], dtype=float) - value, 0, None)
    return [low, high]


def _band(ax, rows: pd.DataFrame, colour: str) -> None:
    if has_ci(rows):
        ax.fill_between(rows["year"], rows["ci_low"], rows["ci_high"], color=colour, alpha=0.18)


def _unit_axis(ax, kind: str, lang: str, axis: str = "y") -> None:
    target = ax.yaxis if axis == "y" else ax.xaxis
    target.set_major_formatter(axis_formatter(kind, lang))
    (ax.set_ylabel if axis == "y" else ax.set_xlabel)(axis_label(kind, lang))


def _lines_by_instrument(ax, ind: pd.DataFrame, indicator: str, lang: str) -> list[str]:
    shown = []
    for name in _instruments(ind, indicator):
        rows = select(ind, indicator, name)
        if rows.empty:
            continue
        colour = INSTRUMENT_COLOURS[name]
        ax.plot(rows["year"], rows["value"], color=colour, label=labels.instrument(name, lang))
        _band(ax, rows, colour)
        shown.append(name)
    kind = labels.unit_kind(indicator)
    _unit_axis(ax, kind, lang)
    ax.set_title(labels.indicator(indicator, lang))
    ax.set_ylim(bottom=0)
    _years_axis(ax, ind["year"])
    return shown


def _legend_below(fig: Figure, axes, ncols: int = 3) -> None:
    seen: dict[str, object] = {}  # label -> handle, first one wins
    for ax in axes:
        handles, names = ax.get_legend_handles_labels()
        for handle, name in zip(handles, names, strict=True):
            seen.setdefault(name, handle)
    if seen:
        legend_below(fig, list(seen.values()), list(seen), ncols=ncols)


# ---------------------------------------------------------------------------------------------
# One scenario


@styled
def take_up(ind: pd.DataFrame, source: Source, lang: str = "nl") -> Figure:
    """Users and take-up rate per instrument over time."""
    title = {"nl": "Gebruik per instrument", "en": "Take-up per instrument"}[lang]
    fig, (left, right) = new_figure(title, source, lang, ncols=2, size=(9, 4.6))
    _lines_by_instrument(left, ind, "users", lang)
    _lines_by_instrument(right, ind, "take_up_rate", lang)
    _legend_below(fig, [left, right])
    return fig


@styled
def cost(ind: pd.DataFrame, source: Source, lang: str = "nl") -> Figure:
    """Public cost per instrument per year, stacked."""
    title = {
        "nl": "Overheidsuitgaven per instrument",
        "en": "Public cost per instrument",
    }[lang]
    fig, (ax,) = new_figure(title, source, lang, size=(8, 4.6))
    rows = ind[
        (ind["indicator"] == "public_cost_eur")
        & (ind["group_by"] == "all")
        & (ind["instrument"] != "all")
    ]
    if rows.empty:
        _no_data(ax, lang)
        return fig
    table = rows.pivot_table(index="year", columns="instrument", values="value", aggfunc="sum")
    bottom = np.zeros(len(table))
    for name in [i for i in _instruments(ind, "public_cost_eur") if i in table.columns]:
        values = table[name].fillna(0).to_numpy()
        ax.bar(
            table.index,
            values,
            bottom=bottom,
            color=INSTRUMENT_COLOURS[name],
            label=labels.instrument(name, lang),
            width=0.7,
        )
        bottom += values
    total = select(ind, "public_cost_eur")
    if has_ci(total):
        ax.errorbar(
            total["year"],
            total["value"],
            yerr=_err(total),
            fmt="none",
            ecolor="#333333",
            capsize=3,
            linewidth=1,
            label=labels.text("ci", lang),
        )
    # The figure title already names the indicator; the axis carries the unit.
    _unit_axis(ax, "eur", lang)
    _years_axis(ax, table.index)
    _legend_below(fig, [ax])
    return fig


def _group_bars(ax, ind: pd.DataFrame, indicator: str, by: str, year: int, lang: str) -> None:
    rows = select(ind, indicator, "all", by, year)
    if rows.empty:
        _no_data(ax, lang)
        ax.set_title(labels.group_by(by, lang))
        return
    groups = ordered_groups(rows, by)
    rows = rows.set_index(rows["group"].astype(str)).loc[groups]
    y = np.arange(len(groups))
    ax.barh(y, rows["value"], color=PALETTE[0], height=0.6)
    if has_ci(rows):
        ax.errorbar(
            rows["value"],
            y,
            xerr=_err(rows),
            fmt="none",
            ecolor="#333333",
            capsize=2,
            linewidth=1,
        )
    ax.set_yticks(y, [labels.group(g, lang, by) for g in groups])
    ax.invert_yaxis()
    ax.grid(axis="x")
    ax.grid(axis="y", visible=False)
    _unit_axis(ax, labels.unit_kind(indicator), lang, axis="x")
    ax.set_title(labels.group_by(by, lang))


@styled
def participation(
    ind: pd.DataFrame,
    source: Source,
    lang: str = "nl",
    by: tuple[str, ...] = ("education", "age_band", "status"),
) -> Figure:
    """Participation rate in training by group, last year, one panel per breakdown."""
    year = last_year(ind)
    title = {
        "nl": f"Deelname aan opleiding naar groep, {year}",
        "en": f"Training participation by group, {year}",
    }[lang]
    fig, axes = new_figure(title, source, lang, ncols=len(by), size=(3.3 * len(by), 4.2))
    for ax, breakdown in zip(axes, by, strict=True):
        _group_bars(ax, ind, "participation_rate", breakdown, year, lang)
    return fig


@styled
def additionality(ind: pd.DataFrame, source: Source, lang: str = "nl") -> Figure:
    """Deadweight per instrument (last year) and additional participants over time."""
    year = last_year(ind)
    title = {
        "nl": "Meeloopeffect en bijkomende deelnemers",
        "en": "Deadweight and additional participants",
    }[lang]
    fig, (left, right) = new_figure(title, source, lang, ncols=2, size=(9, 4.4))
    rows = ind[
        (ind["indicator"] == "deadweight_share")
        & (ind["group_by"] == "all")
        & (ind["year"] == year)
    ]
    rows = rows[rows["value"].notna()]
    names = [i for i in (*INSTRUMENTS, "all") if i in set(rows["instrument"])]
    if names:
        rows = rows.set_index("instrument").loc[names]
        y = np.arange(len(names))
        left.barh(y, rows["value"], color=[INSTRUMENT_COLOURS[n] for n in names], height=0.6)
        if has_ci(rows):
            left.errorbar(
                rows["value"],
                y,
                xerr=_err(rows),
                fmt="none",
                ecolor="#333333",
                capsize=2,
                linewidth=1,
            )
        left.set_yticks(y, [wrap(labels.instrument(n, lang), 18) for n in names])
        left.invert_yaxis()
        left.set_xlim(0, 1)
        left.grid(axis="x")
        left.grid(axis="y", visible=False)
        _unit_axis(left, "share", lang, axis="x")
    else:
        _no_data(left, lang)
    left.set_title(f"{labels.indicator('deadweight_share', lang)}, {year}")
    total = select(ind, "additional_participants")
    if total.empty:
        _no_data(right, lang)
    else:
        right.plot(total["year"], total["value"], color=PALETTE[1])
        _band(right, total, PALETTE[1])
        right.set_ylim(bottom=0)
        _unit_axis(right, "persons", lang)
        _years_axis(right, total["year"])
    right.set_title(labels.indicator("additional_participants", lang))
    return fig


@styled
def spending(
    ind: pd.DataFrame,
    source: Source,
    lang: str = "nl",
    by: tuple[str, ...] = ("education", "wage_quintile"),
) -> Figure:
    """Share of public spending against share of the population, per group (last year)."""
    year = last_year(ind)
    title = {
        "nl": f"Wie ontvangt het geld? Aandeel in uitgaven en in de bevolking, {year}",
        "en": f"Who receives the money? Share of spending and of the population, {year}",
    }[lang]
    fig, axes = new_figure(title, source, lang, ncols=len(by), size=(4.6 * len(by), 4.4))
    for ax, breakdown in zip(axes, by, strict=True):
        spent = select(ind, "spending_share", "all", breakdown, year)
        people = select(ind, "population", "all", breakdown, year)
        ax.set_title(labels.group_by(breakdown, lang))
        if spent.empty:
            _no_data(ax, lang)
            continue
        groups = ordered_groups(spent, breakdown)
        spent = spent.set_index(spent["group"].astype(str))["value"].reindex(groups)
        people = people.set_index(people["group"].astype(str))["value"].reindex(groups)
        people = people / people.sum() if people.notna().any() else people
        y = np.arange(len(groups))
        ax.barh(
            y - 0.2,
            people,
            height=0.38,
            color="#BBBBBB",
            label={"nl": "Aandeel in de bevolking", "en": "Share of population"}[lang],
        )
        ax.barh(
            y + 0.2,
            spent,
            height=0.38,
            color=PALETTE[0],
            label={"nl": "Aandeel in de uitgaven", "en": "Share of spending"}[lang],
        )
        ax.set_yticks(y, [labels.group(g, lang, breakdown) for g in groups])
        ax.invert_yaxis()
        ax.grid(axis="x")
        ax.grid(axis="y", visible=False)
        _unit_axis(ax, "share", lang, axis="x")
    _legend_below(fig, axes, ncols=2)
    return fig


@styled
def budgets(ind: pd.DataFrame, source: Source, lang: str = "nl") -> Figure:
    """Unused balances and rights carried over on job changes, over time."""
    title = {
        "nl": "Budgetten en ongebruikte rechten",
        "en": "Budgets and unused rights",
    }[lang]
    fig, (left, right) = new_figure(title, source, lang, ncols=2, size=(9, 4.6))
    panels = ((left, "unused_balance_eur"), (right, "portability_events"))
    # A scenario without personal budgets (the status quo) has only zeros here: say so rather
    # than draw two flat lines on axes ticked 0,0 ... 0,0.
    none = all(
        not len(_instruments(ind, name)) and not select(ind, name)["value"].fillna(0).any()
        for _, name in panels
    )
    for ax, indicator in panels:
        if none:
            _no_data(ax, lang, labels.text("no_budgets", lang))
            ax.set_title(labels.indicator(indicator, lang))
            continue
        if select(ind, indicator).empty and not len(_instruments(ind, indicator)):
            _no_data(ax, lang)
            ax.set_title(labels.indicator(indicator, lang))
            continue
        shown = _lines_by_instrument(ax, ind, indicator, lang)
        total = select(ind, indicator)
        if len(shown) != 1 and not total.empty:
            ax.plot(
                total["year"],
                total["value"],
                color=INSTRUMENT_COLOURS["all"],
                linestyle="--",
                label=labels.instrument("all", lang),
            )
            ax.autoscale(axis="y")
            ax.set_ylim(bottom=0)
    _legend_below(fig, [left, right])
    return fig


# ---------------------------------------------------------------------------------------------
# Several scenarios


def scenario_labels(summaries: list[dict], lang: str = "nl") -> dict[str, str]:
    """Scenario name → its label in ``lang`` (the name when it has none)."""
    return {s["scenario"]: (s.get("label") or {}).get(lang, s["scenario"]) for s in summaries}


def period_totals(ind: pd.DataFrame, indicator: str) -> pd.DataFrame:
    """Per scenario: the indicator's total (instrument all, group all) summed over the years."""
    rows = select(ind, indicator)
    columns = [c for c in ("value", "ci_low", "ci_high") if c in rows]
    # Summing interval bounds over years is conservative (it assumes perfect correlation).
    return rows.groupby("scenario", sort=False)[columns].sum(min_count=1)


@styled
def cost_vs_additional(
    ind: pd.DataFrame, source: Source, names: dict[str, str], lang: str = "nl"
) -> Figure:
    """Public cost against additional participants over the period, one marker per scenario."""
    years = f"{int(ind['year'].min())}-{int(ind['year'].max())}"
    title = {
        "nl": f"Kosten tegenover bijkomende deelnames, {years}",
        "en": f"Cost against additional participations, {years}",
    }[lang]
    fig, (ax,) = new_figure(title, source, lang, size=(8, 5.2))
    cost_rows = period_totals(ind, "public_cost_eur")
    extra = period_totals(ind, "additional_participants")
    markers = "osD^vP*Xh"
    for i, scenario in enumerate(dict.fromkeys(ind["scenario"])):
        if scenario not in extra.index or scenario not in cost_rows.index:
            continue
        x, y = extra.loc[scenario, "value"], cost_rows.loc[scenario, "value"]
        colour = PALETTE[i % len(PALETTE)]
        xerr = yerr = None
        if "ci_low" in extra and pd.notna(extra.loc[scenario, "ci_low"]):
            xerr = _err(extra.loc[[scenario]])
            yerr = _err(cost_rows.loc[[scenario]])
        ax.errorbar(
            [x],
            [y],
            xerr=xerr,
            yerr=yerr,
            fmt=markers[i % len(markers)],
            color=colour,
            markersize=8,
            capsize=3,
            linewidth=1,
            label=wrap(names.get(scenario, scenario), 40),
        )
    ax.grid(axis="both")
    ax.set_xlim(0, ax.get_xlim()[1] * 1.08)  # room so no marker sits on the frame
    ax.set_ylim(0, ax.get_ylim()[1] * 1.08)
    # Summed over the years: a person who trains in two years counts twice (person-years).
    kind = labels.period_unit_kind("additional_participants")
    _unit_axis(ax, kind, lang, axis="x")
    ax.set_xlabel(
        f"{labels.period_indicator('additional_participants', lang)} ({axis_label(kind, lang)})"
    )
    _unit_axis(ax, "eur", lang)
    ax.set_ylabel(f"{labels.indicator('public_cost_eur', lang)} ({axis_label('eur', lang)})")
    fig.legend(loc="outside right center", fontsize=8)
    return fig


@styled
def participation_gap(
    ind: pd.DataFrame, source: Source, names: dict[str, str], lang: str = "nl"
) -> Figure:
    """Participation of the low and the high educated per scenario (last year), and the gap."""
    year = last_year(ind)
    title = {
        "nl": f"Deelnamekloof naar opleidingsniveau, {year}",
        "en": f"Participation gap by education, {year}",
    }[lang]
    scenarios = list(dict.fromkeys(ind["scenario"]))
    fig, (ax,) = new_figure(title, source, lang, size=(8, 1.6 + 0.5 * len(scenarios)))
    rows = select(ind, "participation_rate", "all", "education", year)
    if rows.empty:
        _no_data(ax, lang)
        return fig
    y = np.arange(len(scenarios))
    colours = {edu: group_colour(edu) for edu in ("low", "medium", "high")}
    for edu in ("low", "medium", "high"):
        part = rows[rows["group"].astype(str) == edu].set_index("scenario").reindex(scenarios)
        ax.scatter(
            part["value"], y, color=colours[edu], s=45, zorder=3, label=labels.group(edu, lang)
        )
        if has_ci(part):
            ax.errorbar(
                part["value"],
                y,
                xerr=_err(part),
                fmt="none",
                ecolor=colours[edu],
                capsize=2,
                linewidth=1,
            )
    low = rows[rows["group"].astype(str) == "low"].set_index("scenario")["value"]
    high = rows[rows["group"].astype(str) == "high"].set_index("scenario")["value"]
    for i, scenario in enumerate(scenarios):
        if scenario in low and scenario in high:
            ax.plot([low[scenario], high[scenario]], [i, i], color="#BBBBBB", zorder=2)
            gap = 100 * (high[scenario] - low[scenario])
            # In a column right of the plot, so it never runs into a point or its interval.
            ax.text(
                1.02,
                i,
                f"{'kloof' if lang == 'nl' else 'gap'} "
                + number(gap, 1, lang, signed=True)
                + " pp",
                transform=ax.get_yaxis_transform(),
                va="center",
                fontsize=8,
                color=GREY,
            )
    ax.set_yticks(y, [wrap(names.get(s, s), 34) for s in scenarios])
    ax.margins(x=0.05, y=0.2 / max(1, len(scenarios)) + 0.05)
    ax.invert_yaxis()
    ax.grid(axis="x")
    ax.grid(axis="y", visible=False)
    _unit_axis(ax, "share", lang, axis="x")
    ax.set_xlabel(f"{labels.indicator('participation_rate', lang)} (%)")
    legend_below(fig, *ax.get_legend_handles_labels(), ncols=3)
    return fig


@styled
def spending_compare(
    ind: pd.DataFrame,
    source: Source,
    names: dict[str, str],
    lang: str = "nl",
    by: str = "education",
) -> Figure:
    """How each scenario's spending is split over the groups (last year), 100% bars."""
    year = last_year(ind)
    title = {
        "nl": f"Verdeling van de uitgaven naar {labels.group_by(by, 'nl').lower()}, {year}",
        "en": f"Spending by {labels.group_by(by, 'en').lower()}, {year}",
    }[lang]
    scenarios = list(dict.fromkeys(ind["scenario"]))
    fig, (ax,) = new_figure(title, source, lang, size=(8, 1.8 + 0.5 * len(scenarios)))
    rows = select(ind, "spending_share", "all", by, year)
    if rows.empty:
        _no_data(ax, lang)
        return fig
    groups = ordered_groups(rows, by)
    table = rows.pivot_table(index="scenario", columns="group", values="value", observed=True)
    table.columns = table.columns.astype(str)
    table = table.reindex(index=scenarios, columns=groups).fillna(0)
    y = np.arange(len(scenarios))
    left = np.zeros(len(scenarios))
    for i, g in enumerate(groups):
        values = table[g].to_numpy()
        colour = group_colour(g, i)
        ax.barh(
            y,
            values,
            left=left,
            height=0.6,
            color=colour,
            label=labels.group(g, lang, by),
        )
        for yi, (start, width) in enumerate(zip(left, values, strict=True)):
            if width >= 0.07:
                ax.text(
                    start + width / 2,
                    yi,
                    f"{100 * width:.0f}%",
                    ha="center",
                    va="center",
                    fontsize=7.5,
                    color=text_colour(colour),
                )
        left += values
    ax.set_yticks(y, [wrap(names.get(s, s), 34) for s in scenarios])
    ax.invert_yaxis()
    ax.set_xlim(0, 1)
    ax.grid(axis="x")
    ax.grid(axis="y", visible=False)
    _unit_axis(ax, "share", lang, axis="x")
    ax.set_xlabel(f"{labels.indicator('spending_share', lang)} (%)")
    legend_below(fig, *ax.get_legend_handles_labels(), ncols=min(len(groups), 5))
    return fig


@styled
def indicator_over_time(
    ind: pd.DataFrame,
    source: Source,
    names: dict[str, str],
    indicator: str = "public_cost_eur",
    lang: str = "nl",
) -> Figure:
    """One total indicator over time, one line per scenario, with bands when available."""
    title = {
        "nl": f"{labels.indicator(indicator, 'nl')} per scenario",
        "en": f"{labels.indicator(indicator, 'en')} by scenario",
    }[lang]
    fig, (ax,) = new_figure(title, source, lang, size=(8.5, 4.8))
    rows = select(ind, indicator)
    for i, scenario in enumerate(dict.fromkeys(rows["scenario"])):
        part = rows[rows["scenario"] == scenario]
        colour = PALETTE[i % len(PALETTE)]
        ax.plot(part["year"], part["value"], color=colour, label=wrap(names.get(scenario), 40))
        _band(ax, part, colour)
    ax.set_ylim(bottom=0)
    _unit_axis(ax, labels.unit_kind(indicator), lang)
    _years_axis(ax, rows["year"] if not rows.empty else ind["year"])
    fig.legend(loc="outside right center", fontsize=8)
    return fig


# ---------------------------------------------------------------------------------------------
# Sensitivity and population


@styled
def tornado(
    table: pd.DataFrame, source: Source, indicator: str, base: float, lang: str = "nl"
) -> Figure:
    """Tornado chart: the indicator at the low and high end of each assumption's range.

    Args:
        table: One row per assumption: ``label``, ``low``, ``high`` (the indicator's value with
            the assumption at the low and at the high end of its range), ``range`` (text).
        source: The source line.
        indicator: The indicator shown.
        base: Its value with every assumption at its central value.
        lang: Language.
    """
    # The sensitivity runs report totals over the period (person-years, not persons).
    title = {
        "nl": f"Gevoeligheid: {labels.period_indicator(indicator, 'nl').lower()}",
        "en": f"Sensitivity: {labels.period_indicator(indicator, 'en').lower()}",
    }[lang]
    table = table.assign(swing=(table["high"] - table["low"]).abs()).sort_values(
        "swing", ascending=False
    )
    fig, (ax,) = new_figure(title, source, lang, size=(8.5, 1.8 + 0.45 * len(table)))
    kind = labels.period_unit_kind(indicator)
    y = np.arange(len(table))
    low_label = {"nl": "onderkant bereik", "en": "low end of range"}[lang]
    high_label = {"nl": "bovenkant bereik", "en": "high end of range"}[lang]
    # Side by side, not on top of each other: when both ends move the result the same way,
    # one bar would otherwise hide the other.
    ax.barh(
        y - 0.18, table["low"] - base, left=base, color=PALETTE[1], height=0.34, label=low_label
    )
    ax.barh(
        y + 0.18, table["high"] - base, left=base, color=PALETTE[0], height=0.34, label=high_label
    )
    ax.axvline(base, color="#333333", linewidth=1)
    ax.set_yticks(y, [wrap(t, 40) for t in assumption_labels(table, lang)])
    ax.invert_yaxis()
    ax.grid(axis="x")
    ax.grid(axis="y", visible=False)
    _unit_axis(ax, kind, lang, axis="x")
    ax.set_xlabel(f"{labels.period_indicator(indicator, lang)} ({axis_label(kind, lang)})")
    legend_below(fig, *ax.get_legend_handles_labels(), ncols=2)
    return fig


@styled
def calibration(report: pd.DataFrame, source: Source, lang: str = "nl") -> Figure:
    """Synthetic shares against their targets: the gap in percentage points, per target.

    Raked targets are met by construction, so the chart shows the ``check`` and ``report``
    targets: the ones that say whether the synthesis is right.
    """
    rows = report[(report["unit"] == "percent") & report["use"].isin(["check", "report"])]
    rows = rows.dropna(subset=["synthetic"]).sort_values("gap")
    title = {
        "nl": "Synthetische bevolking tegenover de gepubliceerde cijfers",
        "en": "Synthetic population against the published figures",
    }[lang]
    fig, (ax,) = new_figure(title, source, lang, size=(8, 1.6 + 0.2 * len(rows)))
    if rows.empty:
        _no_data(ax, lang)
        return fig
    y = np.arange(len(rows))
    colours = np.where(rows["use"] == "check", PALETTE[0], "#999999")
    ax.axvspan(-0.5, 0.5, color="#E8F1F8", zorder=0)
    ax.scatter(rows["gap"], y, c=list(colours), s=22, zorder=3)
    ax.hlines(y, 0, rows["gap"], color="#BBBBBB", linewidth=1, zorder=2)
    ax.axvline(0, color="#333333", linewidth=0.8)
    names = [
        labels.calibration_target(r.universe, r.category, r.year, lang) for r in rows.itertuples()
    ]
    ax.set_yticks(y, names, fontsize=7)
    ax.grid(axis="x")
    ax.grid(axis="y", visible=False)
    ax.set_ylim(len(rows) - 0.5, -0.5)
    ax.set_xlabel(
        {
            "nl": "Verschil synthetisch - doelcijfer (procentpunt); band: tolerantie ±0,5 pp",
            "en": "Synthetic minus target (percentage points); band: tolerance ±0.5 pp",
        }[lang]
    )

    handles = [
        Line2D([], [], marker="o", linestyle="", color=PALETTE[0]),
        Line2D([], [], marker="o", linestyle="", color="#999999"),
    ]
    names = {
        "nl": ["gecontroleerd (check)", "getoond (ouder of afgerond cijfer)"],
        "en": ["checked", "shown (older or rounded figure)"],
    }[lang]
    legend_below(fig, handles, names, ncols=2)
    return fig


@styled
def composition(persons: pd.DataFrame, source: Source, lang: str = "nl") -> Figure:
    """The weighted workforce by status, education and age band (thousands of persons)."""
    title = {
        "nl": "Samenstelling van de synthetische bevolking 18-66",
        "en": "Composition of the synthetic population 18-66",
    }[lang]
    fig, axes = new_figure(title, source, lang, ncols=3, size=(10, 4.2))
    bands = pd.cut(
        persons["age"].astype(int),
        [17, 24, 34, 44, 54, 66],
        labels=["18-24", "25-34", "35-44", "45-54", "55-66"],
    )
    frames = {
        "status": persons["status"].astype(str),
        "education": persons["education"].astype(str),
        "age_band": bands.astype(str),
    }
    for ax, (by, column) in zip(axes, frames.items(), strict=True):
        totals = persons["weight"].astype(float).groupby(column).sum()
        groups = [g for g in GROUP_ORDER.get(by, sorted(totals.index)) if g in totals.index]
        y = np.arange(len(groups))
        ax.barh(y, totals.reindex(groups), color=PALETTE[0], height=0.6)
        ax.set_yticks(y, [labels.group(g, lang, by) for g in groups])
        ax.invert_yaxis()
        ax.grid(axis="x")
        ax.grid(axis="y", visible=False)
        _unit_axis(ax, "persons", lang, axis="x")
        ax.set_title(labels.group_by(by, lang))
    return fig


# ---------------------------------------------------------------------------------------------
# The population over the years


def _with_source(source: Source, words: str) -> Source:
    """The source line with the outside data the chart draws (the projection, published data)."""
    return dataclasses.replace(source, extra=", ".join(p for p in (source.extra, words) if p))


def _span_axis(ax, years) -> None:
    """Ticks over every year from the first to the last (published years may leave gaps)."""
    years = sorted({int(y) for y in years})
    if not years:
        return
    first, last = years[0], years[-1]
    step = 1 if last - first <= 10 else 2 if last - first <= 24 else 5
    ticks = list(range(first, last + 1, step))
    ax.set_xticks(ticks, [str(t) for t in ticks])
    ax.set_xlim(first - 0.5, last + 0.5)
    ax.set_xlabel("")


def _period(ind: pd.DataFrame) -> str:
    years = sorted(int(y) for y in select(ind, "population")["year"].unique())
    return f"{years[0]}-{years[-1]}" if years else ""


def _projection_marks(ax, years, values, colour: str) -> None:
    ax.plot(
        years,
        values,
        linestyle="",
        marker="o",
        markersize=5,
        markerfacecolor="white",
        markeredgecolor=colour,
        markeredgewidth=1.3,
        zorder=3,
    )


def _style_handles(lang: str, published: str | None = None) -> tuple[list, list[str]]:
    """Legend entries that say what a line and a marker are (colours are named separately)."""
    handles = [Line2D([], [], color=GREY, linewidth=2)]
    names = [labels.population_word("model", lang)]
    if published is None:
        handles.append(
            Line2D([], [], linestyle="", marker="o", markerfacecolor="white", color=GREY)
        )
        names.append(labels.population_word("projection", lang))
    else:
        handles.append(Line2D([], [], linestyle="", marker="D", markersize=5, color=GREY))
        names.append(published)
    return handles, names


def _legend_rows(fig: Figure, rows: list[tuple[list, list[str]]]) -> None:
    """A legend below the plots with one row per kind of entry (colours, then line styles).

    Matplotlib fills a legend's columns first; the rows are padded with blank entries and
    reordered so that each kind of entry reads along its own row.
    """
    rows = [(h, n) for h, n in rows if h]
    ncols = max(len(h) for h, _ in rows)
    blank = Line2D([], [], linestyle="", marker="")
    grid = [
        (list(h) + [blank] * (ncols - len(h)), list(n) + [""] * (ncols - len(n))) for h, n in rows
    ]
    handles = [grid[r][0][c] for c in range(ncols) for r in range(len(grid))]
    names = [grid[r][1][c] for c in range(ncols) for r in range(len(grid))]
    legend_below(fig, handles, names, ncols=ncols)


def _colour_handles(groups, lang: str, by: str) -> tuple[list, list[str]]:
    handles = [Line2D([], [], color=group_colour(g), linewidth=2) for g in groups]
    return handles, [labels.group(g, lang, by) for g in groups]


def _persons_axis(ax, lang: str, top: float) -> None:
    ax.set_ylim(0, top * 1.08)
    _unit_axis(ax, "persons", lang)


def _age_panel(ax, ind: pd.DataFrame, projection: pd.DataFrame | None, lang: str) -> float:
    """Population per age band (both sexes), model lines and projection markers; returns the top."""
    model = population_by(ind, "age_band")
    proj = projection_table(projection) if projection is not None else pd.DataFrame()
    top = 0.0
    for band in [b for b in AGE_BANDS if b in model.columns]:
        colour = group_colour(band)
        ax.plot(model.index, model[band], color=colour)
        top = max(top, float(model[band].max()))
        if band in proj.columns:
            shown = proj[band].reindex(model.index)
            _projection_marks(ax, shown.index, shown.to_numpy(), colour)
    return top


def _mix_title(ind: pd.DataFrame, lang: str) -> str:
    """The title of the education-mix panel, with the adults' ages of the run."""
    ages = adult_ages(ind)
    return {"nl": f"Opleidingsmix, {ages} jaar", "en": f"Education mix, ages {ages}"}[lang]


def _education_panel(
    ax, ind: pd.DataFrame, lang: str, published: pd.DataFrame | None, since: int
) -> list[int]:
    """Shares of the low, medium and high educated of the adults per year; the years drawn.

    The adults are 25-64 (25-66 for a run folder made before ``population_25_64``). The
    published points are of 25-64 (medium as the rest of high and low).
    """
    shares = education_shares(ind)
    years = [int(y) for y in shares.index]
    for edu in EDUCATION:
        ax.plot(shares.index, shares[edu], color=group_colour(edu))
    if published is not None:
        rows = published[
            (published["age"] == "25-64")
            & (published["sex"] == "all")
            & (published["year"] >= since)
        ]
        points = rows.pivot_table(index="year", columns="indicator", values="value")
        if {"high_share", "low_share"} <= set(points.columns):
            points["medium_share"] = 1.0 - points["high_share"] - points["low_share"]
        for edu in EDUCATION:
            column = f"{edu}_share"
            if column in points.columns:
                part = points[column].dropna()
                ax.plot(
                    part.index,
                    part.to_numpy(),
                    linestyle="",
                    marker="D",
                    markersize=5,
                    color=group_colour(edu),
                    zorder=3,
                )
                years += [int(y) for y in part.index]
    top = max(float(np.nanmax(shares.to_numpy())) if not shares.empty else 0.5, 0.5)
    ax.set_ylim(0, top * 1.15)
    _unit_axis(ax, "share", lang)
    return years


@styled
def population_by_age(
    ind: pd.DataFrame, projection: pd.DataFrame, source: Source, lang: str = "nl"
) -> Figure:
    """The population per age band and sex, per year: the model's lines against the projection.

    Args:
        ind: The indicator table (its ``population`` rows by ``age_band,sex``).
        projection: :func:`llr_sim.reporting.data.projection_bands`.
        source: The source line (the projection is added to it).
        lang: Language.
    """
    title = {
        "nl": f"Bevolking 18-66 naar leeftijd en geslacht, {_period(ind)}: model en projectie",
        "en": f"Population 18-66 by age and sex, {_period(ind)}: model and projection",
    }[lang]
    source = _with_source(source, labels.population_word("projection_source", lang))
    fig, axes = new_figure(title, source, lang, ncols=2, size=(10, 4.8))
    cross = population_cross(ind, "age_band,sex")
    proj = projection_table(projection, by_sex=True)
    top = 0.0
    for ax, sex in zip(axes, SEXES, strict=True):
        ax.set_title(labels.group(sex, lang))
        if cross.empty:
            _no_data(ax, lang)
            continue
        for band in AGE_BANDS:
            if (band, sex) not in cross.columns:
                continue
            colour = group_colour(band)
            ax.plot(cross.index, cross[(band, sex)], color=colour)
            top = max(top, float(cross[(band, sex)].max()))
            if (band, sex) in proj.columns:
                shown = proj[(band, sex)].reindex(cross.index)
                _projection_marks(ax, shown.index, shown.to_numpy(), colour)
        _years_axis(ax, cross.index)
    for ax in axes:
        if not cross.empty:
            _persons_axis(ax, lang, top)
    _legend_rows(fig, [_colour_handles(AGE_BANDS, lang, "age_band"), _style_handles(lang)])
    return fig


@styled
def education_mix(
    ind: pd.DataFrame,
    source: Source,
    lang: str = "nl",
    published: pd.DataFrame | None = None,
    since: int = 2015,
) -> Figure:
    """The education of the adults per year: the mix of 25-64 and the high educated per band.

    The model's lines against the published figures (:func:`.data.published_attainment`) from
    ``since``: the published mix is of 25-64 and the oldest published band 55-64, where the
    indicator table's bands end at 66 (the 65-66-year-olds are less often high educated).
    """
    title = {
        "nl": f"Opleidingsniveau van de volwassenen, {_period(ind)}: model en EAK",
        "en": f"Educational attainment of adults, {_period(ind)}: model and LFS",
    }[lang]
    if published is not None:
        source = _with_source(source, labels.population_word("published_source", lang))
    fig, (left, right) = new_figure(title, source, lang, ncols=2, size=(10, 5.0))
    left.set_title(_mix_title(ind, lang))
    right.set_title(
        {"nl": "Aandeel hooggeschoolden per leeftijd", "en": "High educated by age"}[lang]
    )
    if select(ind, "population", "all", "age_band,education").empty:
        _no_data(left, lang)
        _no_data(right, lang)
        return fig
    years = _education_panel(left, ind, lang, published, since)
    high = high_share_by_band(ind)
    bands = [b for b in ADULT_BANDS if b in high.columns]
    for band in bands:
        right.plot(high.index, high[band], color=group_colour(band))
    years_right = [int(y) for y in high.index]
    if published is not None:
        rows = published[
            (published["indicator"] == "high_share")
            & (published["sex"] == "all")
            & (published["year"] >= since)
        ]
        for r in rows.itertuples():
            lo, hi = (int(x) for x in str(r.age).split("-"))
            band = model_band(lo, hi) or (model_band(lo, 66) if hi == 64 else None)
            if band in bands and str(r.age) != "25-64" and not (lo == 30 and hi == 34):
                right.plot(
                    [r.year],
                    [r.value],
                    linestyle="",
                    marker="D",
                    markersize=5,
                    color=group_colour(band),
                    zorder=3,
                )
                years_right.append(int(r.year))
    right.set_ylim(0, max(0.7, float(np.nanmax(high[bands].to_numpy())) * 1.1))
    _unit_axis(right, "share", lang)
    every = years + years_right
    _span_axis(left, every)
    _span_axis(right, every)
    styles, style_names = _style_handles(lang, labels.population_word("published", lang))
    if published is None:
        styles, style_names = styles[:1], style_names[:1]
    else:
        note = "published_note" if adult_ages(ind) == "25-66" else "published_note_same"
        left.set_xlabel(labels.population_word(note, lang), color=GREY, fontsize=8)
        right.set_xlabel(
            labels.population_word("published_by_band_note", lang), color=GREY, fontsize=8
        )
    _legend_rows(
        fig,
        [
            _colour_handles(EDUCATION, lang, "education"),
            _colour_handles(bands, lang, "age_band"),
            (styles, style_names),
        ],
    )
    return fig


@styled
def population_over_time(
    ind: pd.DataFrame, projection: pd.DataFrame | None, source: Source, lang: str = "nl"
) -> Figure:
    """The population of the reported years, the scenario report's population chart.

    Per age band against the projection, and the education mix of 25-64.
    """
    title = {
        "nl": f"Bevolking 18-66 naar leeftijd en opleidingsniveau, {_period(ind)}",
        "en": f"Population 18-66 by age and education, {_period(ind)}",
    }[lang]
    if projection is not None:
        source = _with_source(source, labels.population_word("projection_source", lang))
    fig, (left, right) = new_figure(title, source, lang, ncols=2, size=(10, 4.8))
    left.set_title({"nl": "Bevolking per leeftijdsgroep", "en": "Population by age band"}[lang])
    right.set_title(_mix_title(ind, lang))
    if select(ind, "population", "all", "age_band").empty:
        _no_data(left, lang)
        _no_data(right, lang)
        return fig
    top = _age_panel(left, ind, projection, lang)
    _persons_axis(left, lang, top)
    years = _education_panel(right, ind, lang, None, 0)
    _years_axis(left, years)
    _years_axis(right, years)
    styles, style_names = _style_handles(lang)
    if projection is None:
        styles, style_names = styles[:1], style_names[:1]
    _legend_rows(
        fig,
        [
            _colour_handles(AGE_BANDS, lang, "age_band"),
            _colour_handles(EDUCATION, lang, "education"),
            (styles, style_names),
        ],
    )
    return fig
