"""Charts for the concept note, drawn from the tidy indicator table.

Every function takes the indicators (``scenario, year, indicator, instrument, group_by, group,
value`` and, with replicates, ``ci_low, ci_high``), a :class:`~llr_sim.reporting.style.Source`
and ``lang`` (``"nl"`` by default), and returns a matplotlib figure with a title, units on the
axes and the source line. Save it with :func:`llr_sim.reporting.style.save_figure`.
"""

from __future__ import annotations

import textwrap

import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.lines import Line2D

from llr_sim.reporting import labels
from llr_sim.reporting.data import (
    GROUP_ORDER,
    INSTRUMENTS,
    assumption_labels,
    has_ci,
    last_year,
    ordered_groups,
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


def _no_data(ax, lang: str) -> None:
    ax.text(
        0.5,
        0.5,
        "geen gegevens" if lang == "nl" else "no data",
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
    for ax, indicator in ((left, "unused_balance_eur"), (right, "portability_events")):
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
