"""``workbook strings LANG``: a starter catalog, ``translations/<lang>.po``, for a firm's words.

Every message of the tool is in it: with the shipped translation when the tool has the
language (change what needs changing, delete the rest), else empty (a new language: each
message left empty stays English). The header names the language and its plural rule, as
gettext editors such as Poedit expect it.
"""

from __future__ import annotations

import io
from pathlib import Path

from workbook import __version__
from workbook.errors import UsageProblem
from workbook.load import catalogs
from workbook.load.language import LANGUAGE_TAG, suggest_tag


def starter(root: Path, tag: str) -> Path:
    """Write ``translations/<tag>.po`` (never over an existing one); its path."""
    from babel.messages.pofile import read_po, write_po

    if not LANGUAGE_TAG.fullmatch(tag):
        near = suggest_tag(tag)
        hint = f"did you mean '{near}'?" if near else "write a BCP 47 tag such as fr or pt-BR"
        raise UsageProblem(f"'{tag}' is not a language tag — {hint}")
    path = root / catalogs.PROJECT_FOLDER / f"{tag}.po"
    if path.exists():
        raise UsageProblem(f"{path.relative_to(root).as_posix()} exists already — edit it")
    served = catalogs.serve_language(tag, catalogs.shipped_languages())
    files = catalogs.catalog_files(served, None) if served else ()
    source = files[0] if files else catalogs.LOCALE / f"{catalogs.DOMAIN}.pot"
    with source.open("rb") as handle:
        catalog = read_po(handle, locale=catalogs.locale_of(tag))
    catalog.project, catalog.version, catalog.fuzzy = "workbook", __version__, False
    catalog.header_comment = (
        f"# The firm's own words for workbook, in {tag}: each entry replaces the tool's\n"
        "# by its msgid; an empty or deleted one keeps the tool's (docs/languages.md)."
    )
    buffer = io.BytesIO()
    write_po(buffer, catalog, width=0, include_previous=False, ignore_obsolete=True)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(buffer.getvalue())
    return path
