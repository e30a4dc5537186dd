"""The house style: colours, fonts, number formats, the source line and how figures are saved.

Every chart of llr-sim has a title, its unit on the axis, and a source line naming the scenario,
the scale, the seed and the llr-sim version, so a figure pasted into the concept note still says
where it came from. Figures are saved as PNG (300 dpi, for Word) and SVG (for layout).
"""

from __future__ import annotations

import functools
import math
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import matplotlib.pyplot as plt
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter

from llr_sim.reporting import labels

#: Colour per instrument (colour-blind safe, Okabe-Ito), kept equal on every chart.
INSTRUMENT_COLOURS = {
    "opleidingscheques": "#0072B2",
    "loopbaancheques": "#E69F00",
    "opleidingsverlof": "#009E73",
    "opleidingskrediet": "#CC79A7",
    "ontwikkelbudget": "#D55E00",
    "all": "#333333",
}
#: Colours for scenarios and groups, in order.
PALETTE = [
    "#0072B2",
    "#D55E00",
    "#009E73",
    "#E69F00",
    "#CC79A7",
    "#56B4E9",
    "#999999",
    "#F0E442",
    "#000000",
]
GREY = "#6E6E6E"

RC = {
    "figure.figsize": (8.0, 4.8),
    "figure.dpi": 100,
    "savefig.dpi": 300,
    "font.family": "DejaVu Sans",
    "font.size": 9.5,
    "axes.titlesize": 10.5,
    "axes.titleweight": "bold",
    "axes.titlelocation": "left",
    "axes.labelsize": 9.5,
    "axes.labelcolor": "#333333",
    "axes.edgecolor": "#888888",
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.grid": True,
    "axes.grid.axis": "y",
    "grid.color": "#DDDDDD",
    "grid.linewidth": 0.7,
    "axes.axisbelow": True,
    "xtick.color": "#333333",
    "ytick.color": "#333333",
    "legend.frameon": False,
    "legend.fontsize": 8.5,
    "lines.linewidth": 2.0,
    "svg.fonttype": "none",  # text stays text in the SVG (editable, searchable)
}


@contextmanager
def house_style() -> Iterator[None]:
    """Draw with the house style inside the block (matplotlib's global state is restored)."""
    with plt.rc_context(RC):
        yield


def styled(draw: Callable[..., Any]) -> Callable[..., Any]:
    """Decorator: the chart function draws entirely inside :func:`house_style`."""

    @functools.wraps(draw)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        with house_style():
            return draw(*args, **kwargs)

    return wrapper


@dataclass(frozen=True)
class Source:
    """Where a chart's numbers come from; rendered as its source line.

    Attributes:
        scenario: Scenario name (or several, joined), or a short description.
        scale: Share of the population simulated.
        seed: Random seed.
        version: llr-sim version.
        replicates: Number of replicates (shown when more than one).
        extra: Any further words (e.g. the years).
    """

    scenario: str
    scale: float
    seed: int
    version: str = ""
    replicates: int = 1
    extra: str = ""

    def line(self, lang: str = "nl") -> str:
        """The source line, e.g. ``Bron: llr-sim 0.1.0 - scenario harmonised, schaal 0,02, ...``."""
        version = self.version or _version()
        parts = (
            [f"{labels.text('scenario', lang).lower()} {self.scenario}"] if self.scenario else []
        )
        parts += [
            f"{labels.text('scale', lang)} {number(self.scale, None, lang)}",
            f"{labels.text('seed', lang)} {self.seed}",
        ]
        if self.replicates > 1:
            parts.append(f"{self.replicates} {labels.text('replicates', lang)}")
        if self.extra:
            parts.append(self.extra)
        return f"{labels.text('source', lang)}: llr-sim {version} – " + ", ".join(parts)


def _version() -> str:
    from llr_sim import __version__

    return __version__


# ---------------------------------------------------------------------------------------------
# Numbers


def number(value: float, decimals: int | None = 0, lang: str = "nl", signed: bool = False) -> str:
    """A number with the language's separators: ``12.345,6`` in Dutch, ``12,345.6`` in English.

    ``decimals=None`` keeps up to 6 significant digits without trailing zeros.
    """
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    if decimals is None:
        text = f"{value:,.6g}" if abs(value) < 1e6 else f"{value:,.0f}"
        if "e" in text:
            text = f"{value:,.6f}".rstrip("0").rstrip(".")
    else:
        text = f"{value:{'+' if signed else ''},.{decimals}f}"
    if lang == "nl":
        text = text.replace(",", "\0").replace(".", ",").replace("\0", ".")
    return text


#: How a unit kind is scaled for display: divisor, decimals.
DISPLAY = {
    "persons": (1e3, 1),
    "count": (1e3, 1),
    "eur": (1e6, 1),
    "eur_each": (1.0, 0),
    "share": (0.01, 1),
    "ratio": (1.0, 2),
}


def display_value(value: float, kind: str) -> float:
    """The value in its display unit (thousands, millions, percent)."""
    divisor, _ = DISPLAY.get(kind, (1.0, 2))
    return value / divisor


def formatted(value: float, kind: str, lang: str = "nl", with_unit: bool = False) -> str:
    """A value formatted in its display unit, e.g. ``123,4`` (``€ 123,4 mln`` with the unit)."""
    divisor, decimals = DISPLAY.get(kind, (1.0, 2))
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    text = number(value / divisor, decimals, lang)
    if not with_unit:
        return text
    if kind == "eur":
        return f"€ {text} {'mln' if lang == 'nl' else 'million'}"
    if kind == "eur_each":
        return f"€ {text}"
    if kind == "share":
        return f"{text}%"
    if kind in ("persons", "count"):
        return f"{text} {'dzd' if lang == 'nl' else 'thousand'}"
    return text


def axis_formatter(kind: str, lang: str = "nl") -> FuncFormatter:
    """Tick labels in the display unit (the unit itself goes in the axis label)."""
    divisor, decimals = DISPLAY.get(kind, (1.0, 2))

    def fmt(x: float, _pos: int) -> str:
        shown = x / divisor
        places = 0 if abs(shown - round(shown)) < 1e-9 else min(decimals, 1)
        return number(shown, places, lang)

    return FuncFormatter(fmt)


def axis_label(kind: str, lang: str = "nl") -> str:
    """The axis label for a unit kind, e.g. ``miljoen euro``."""
    return labels.unit(kind, lang)


# ---------------------------------------------------------------------------------------------
# Figures


def new_figure(
    title: str, source: Source, lang: str = "nl", ncols: int = 1, nrows: int = 1, size=None
) -> tuple[Figure, list]:
    """A figure with its title and source line; returns it and its axes (call inside the style)."""
    fig, axes = plt.subplots(
        nrows, ncols, figsize=size or RC["figure.figsize"], layout="constrained", squeeze=False
    )
    fig.suptitle(title, x=0.01, ha="left", fontsize=12, fontweight="bold")
    fig.text(0.01, 0.005, source.line(lang), ha="left", va="bottom", fontsize=7, color=GREY)
    # Reserve a strip of 0.22 inch for the source line so the layout never draws over it.
    strip = 0.22 / fig.get_figheight()
    fig.get_layout_engine().set(rect=(0, strip, 1, 1 - strip))
    return fig, [ax for row in axes for ax in row]


def legend_below(fig: Figure, handles, names, ncols: int = 3) -> None:
    """A figure legend under the plots and above the source line, with room made for it.

    Matplotlib's "outside" legends sit on the figure's edge, over the source line; this one is
    anchored just above the source strip and the layout is shrunk by its measured height.
    """
    strip = 0.22 / fig.get_figheight()
    legend = fig.legend(
        handles,
        names,
        loc="lower center",
        ncols=ncols,
        bbox_to_anchor=(0.5, strip),
        bbox_transform=fig.transFigure,
    )
    legend.set_in_layout(False)
    height = legend.get_window_extent(fig.canvas.get_renderer()).height / fig.bbox.height
    bottom = strip + height + 0.06 / fig.get_figheight()
    fig.get_layout_engine().set(rect=(0, bottom, 1, 1 - bottom))


def save_figure(fig: Figure, folder: str | Path, name: str) -> dict[str, Path]:
    """Save a figure as ``name.png`` (300 dpi) and ``name.svg`` in ``folder``.

    Returns:
        The two paths, by format.
    """
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    paths = {}
    with house_style():
        for fmt in ("png", "svg"):
            path = folder / f"{name}.{fmt}"
            fig.savefig(path, dpi=300 if fmt == "png" else None, format=fmt, facecolor="white")
            paths[fmt] = path
    return paths
