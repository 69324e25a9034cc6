"""Allow ``python -m workbook`` where the console script is not on PATH."""

from workbook.cli import entry

if __name__ == "__main__":  # worker processes (spawn) import this module without running it
    entry()
