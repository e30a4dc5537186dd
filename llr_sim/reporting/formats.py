"""Numbers as the concept note prints them: separators per language, display units.

No plotting here, so tables and the index can format numbers without importing matplotlib.
"""

from __future__ import annotations

import math


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
    "participations": (1e3, 1),
    "uses": (1e3, 1),
    "job_changes": (1e3, 1),
    "count": (1e3, 1),
    "eur": (1e6, 1),
    "eur_each": (1.0, 0),
    "eur_per_participation": (1.0, 0),
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
    if kind in ("eur_each", "eur_per_participation"):
        return f"€ {text}"
    if kind == "share":
        return f"{text}%"
    if kind in ("persons", "participations", "uses", "job_changes", "count"):
        return f"{text} {'dzd' if lang == 'nl' else 'thousand'}"
    return text
