"""Allow ``python -m workbook`` where the console script is not on PATH."""

from workbook.cli import entry

entry()
