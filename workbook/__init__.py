"""workbook: personalised coaching workbooks built from YAML profiles and Markdown exercises."""

__version__ = "0.1.0"
