"""What a build reads from the environment, checked like a file: the build date.

``--today`` wins; else ``SOURCE_DATE_EPOCH`` (the reproducible-builds
convention: seconds since 1970 in UTC) fixes the date; else it is the real
date. The variable is read here and nowhere else.
"""

from __future__ import annotations

import datetime as dt
import os


def build_date(given: dt.date | None = None) -> dt.date:
    """``--today``, else ``SOURCE_DATE_EPOCH``, else the real date."""
    if given is not None:
        return given
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch and epoch.isdigit():
        return dt.datetime.fromtimestamp(int(epoch), dt.UTC).date()
    return dt.date.today()
