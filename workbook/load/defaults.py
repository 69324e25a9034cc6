"""Where the shipped templates and content live: in the wheel, or beside the package."""

from __future__ import annotations

from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent.parent  # the workbook package
EXAMPLE_CLIENT = "jordan-rivera.yml"


def _find(name: str) -> Path:
    bundled = _PACKAGE / "_defaults" / name
    return bundled if bundled.is_dir() else _PACKAGE.parent / name


def templates() -> Path:
    return _find("templates")


def content() -> Path:
    return _find("content")


def example_client() -> Path:
    """The example client ``workbook init`` gives a new firm (one of the repository's)."""
    bundled = _PACKAGE / "_defaults" / "clients" / EXAMPLE_CLIENT
    return bundled if bundled.is_file() else _PACKAGE.parent / "clients" / EXAMPLE_CLIENT
