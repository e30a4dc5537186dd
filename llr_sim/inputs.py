"""The inputs every entry point takes, and the window of years a run simulates.

A run always starts from the base population (1 January 2021) and simulates every calendar year
from 2021 with the rules in force then; the years asked for are only the years reported, so the
numbers of a calendar year never depend on the window.
"""

from __future__ import annotations

#: The first simulated year: the synthetic population describes 1 January 2021. 2021 and 2022
#: give word of mouth, the six-year cooldown of loopbaancheques and the providers' reference
#: demand a history before the calibration year 2023.
START_YEAR = 2021
#: The years that may be reported: from the calibration year 2023 to the end of the projection.
FIRST_YEAR, LAST_YEAR = 2023, 2035
#: The years reported when none are asked for, by every command (run, report, sweep, notebooks).
DEFAULT_YEARS = range(2024, 2031)
