"""The command line: click commands that turn problems into ``path:line: message`` and exit codes.

Exit status: 0 done, 1 the user's input is wrong (with messages), 2 usage, 130
interrupted (Ctrl+C). ``workbook -q`` prints nothing but problems; ``workbook -v``
a line per client and per pack. ``base`` holds the group and what commands share;
each other module registers its commands on it.
"""

from __future__ import annotations

from workbook.cli import building, projects, releases
from workbook.cli.base import entry, main

__all__ = ["building", "entry", "main", "projects", "releases"]
