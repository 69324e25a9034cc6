"""Where the shipped templates and content live: in the wheel, or beside the package."""

from __future__ import annotations

from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent


def _find(name: str) -> Path:
    bundled = _PACKAGE / "_defaults" / name
    return bundled if bundled.is_dir() else _PACKAGE.parent / name


def templates() -> Path:
    return _find("templates")


def content() -> Path:
    return _find("content")
