"""What a build reads from the environment, checked like a file: the build date.

``--today`` wins; else ``SOURCE_DATE_EPOCH`` (the reproducible-builds
convention: seconds since 1970 in UTC) fixes the date; else it is the real
date. The variable is read here and nowhere else. A value that is not a
whole number of seconds, or that gives a date outside the years the tool
accepts (see :mod:`workbook.load.bounds`), is a usage error (exit 2), never
silently ignored: a build meant to be reproducible must not quietly use today.
"""

from __future__ import annotations

import datetime as dt
import os
import re

from workbook.errors import UsageProblem
from workbook.load.bounds import LATEST_YEAR

VARIABLE = "SOURCE_DATE_EPOCH"
_LATEST = int(dt.datetime(LATEST_YEAR, 12, 31, 23, 59, 59, tzinfo=dt.UTC).timestamp())
_FORM = (
    f"set it to a whole number of seconds since 1970-01-01 UTC, at most {_LATEST} "
    f"(the end of {LATEST_YEAR}), e.g. {VARIABLE}=$(git log -1 --format=%ct), or unset it"
)


def build_date(given: dt.date | None = None) -> dt.date:
    """``--today``, else ``SOURCE_DATE_EPOCH``, else the real date."""
    if given is not None:
        return given
    epoch = os.environ.get(VARIABLE, "")
    if not epoch:
        return dt.date.today()
    if not re.fullmatch(r"[0-9]{1,20}", epoch):
        shown = epoch if len(epoch) <= 30 else epoch[:30] + "…"
        raise UsageProblem(f"{VARIABLE} is '{shown}', not a number of seconds — {_FORM}")
    seconds = int(epoch)
    if seconds > _LATEST:
        raise UsageProblem(
            f"{VARIABLE} is {seconds}, a date after the year {LATEST_YEAR} — {_FORM}"
        )
    return dt.datetime.fromtimestamp(seconds, dt.UTC).date()
