"""The house style: colours, fonts, number formats, the source line and how figures are saved.

Every chart of llr-sim has a title, its unit on the axis, and a source line naming the scenario,
the scale, the seed and the llr-sim version, so a figure pasted into the concept note still says
where it came from. Figures are saved as PNG (300 dpi, for Word) and SVG (for layout).
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import matplotlib.pyplot as plt
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter

from llr_sim import __version__
from llr_sim.reporting import labels
from llr_sim.reporting.formats import DISPLAY, display_value, formatted, number

__all__ = ["DISPLAY", "display_value", "formatted", "number"]  # kept importable from here

#: Colour per instrument (colour-blind safe, Okabe-Ito), kept equal on every chart.
INSTRUMENT_COLOURS = {
    "opleidingscheques": "#0072B2",
    "loopbaancheques": "#E69F00",
    "opleidingsverlof": "#009E73",
    "opleidingskrediet": "#CC79A7",
    "ontwikkelbudget": "#D55E00",
    "all": "#333333",
}
#: Colour per group, kept equal on every chart of a page (the low educated are always
#: vermillion, the high educated always blue). Groups without one take the palette in order.
GROUP_COLOURS = {
    "low": "#D55E00",
    "medium": "#E69F00",
    "high": "#0072B2",
    "M": "#009E73",
    "F": "#CC79A7",
    # Age bands: a sequential scale (viridis), from the youngest (dark) to the oldest (light).
    "18-24": "#440154",
    "25-34": "#3B528B",
    "35-44": "#21918C",
    "45-54": "#5EC962",
    "55-66": "#BDDF26",
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


def group_colour(group: str, index: int = 0) -> str:
    """The colour of a group: its own from :data:`GROUP_COLOURS`, else the palette's."""
    return GROUP_COLOURS.get(str(group), PALETTE[index % len(PALETTE)])


def text_colour(background: str) -> str:
    """Black or white, whichever reads better on ``background`` (``#RRGGBB``)."""
    r, g, b = (int(background[i : i + 2], 16) / 255 for i in (1, 3, 5))
    return "#000000" if 0.299 * r + 0.587 * g + 0.114 * b > 0.6 else "#FFFFFF"


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
    return __version__


# ---------------------------------------------------------------------------------------------
# Numbers


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
