"""The ranges that numbers and dates read from users' files must fall in, kept in one place.

Every number and date the tool reads ends up in arithmetic somewhere (a chart's
scale, a calendar's reminder, a milestone's "overdue"): a year 9999 or a score
of 10^309 that passes the reader fails later, inside one client's build, as a
traceback. So values are bounded where they are read, with a located message,
and nothing after that needs to wonder.
"""

from __future__ import annotations

import datetime as dt

EARLIEST_YEAR = 1900
LATEST_YEAR = 2200
# What any field can give: a scale runs within 0–100, a rating's scores within 1–10.
LOWEST_NUMBER = 0
HIGHEST_NUMBER = 100
# How far ahead of the importing machine's clock an answer's time may be (clocks differ).
CLOCK_SKEW = dt.timedelta(minutes=5)


def year_problem(value: dt.date) -> str | None:
    """Why a date is out of range ("…is outside the years 1900–2200"), or None."""
    if EARLIEST_YEAR <= value.year <= LATEST_YEAR:
        return None
    return f"is outside the years {EARLIEST_YEAR}–{LATEST_YEAR}"


def number_shown(value: int) -> str:
    """A number for a message: in full when short, else how many digits it has."""
    return str(value) if abs(value) < 10**15 else f"a number of {len(str(abs(value)))} digits"
