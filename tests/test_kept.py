"""Compiled catalogs kept in the user's cache: read back without Babel's parser, never
trusted unsealed, never kept where others can write."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from workbook.load import catalogs, kept


@pytest.fixture
def home(tmp_path, monkeypatch) -> Path:
    """A cache home of this test's own, and no catalog remembered in this process."""
    folder = tmp_path / "cache-home"
    monkeypatch.setenv("WORKBOOK_CACHE_HOME", str(folder))
    forget()
    yield folder
    forget()


def forget() -> None:
    for cached in (
        kept._store,
        catalogs._catalog,
        catalogs._compiled,
        catalogs._translations,
        catalogs._script_ids,
    ):
        cached.cache_clear()


def parsed(monkeypatch) -> list[str]:
    """Count the catalogs Babel's parser reads from now on."""
    seen: list[str] = []
    real = catalogs._read

    def counting(path, locale):
        seen.append(path.name)
        return real(path, locale)

    monkeypatch.setattr(catalogs, "_read", counting)
    return seen


def test_a_second_run_reads_the_compiled_catalog_not_the_po(home, monkeypatch) -> None:
    first = catalogs.translations("fr").gettext("Contents")
    first_plural = catalogs.plural_expression("fr")
    first_ids = catalogs.script_messages("workbook.js", "fr")
    assert first == "Sommaire" and first_plural == "(n > 1)"
    assert list((home / "kept").glob("*.mo")) and list((home / "kept").glob("*.ids"))
    forget()  # as a new process would start
    seen = parsed(monkeypatch)
    assert catalogs.translations("fr").gettext("Contents") == first
    assert catalogs.plural_expression("fr") == first_plural
    assert catalogs.script_messages("workbook.js", "fr") == first_ids
    assert seen == []


def test_an_altered_entry_is_ignored_and_made_again(home, monkeypatch) -> None:
    assert catalogs.translations("fr").gettext("Contents") == "Sommaire"
    (entry,) = (home / "kept").glob("*.mo")
    raw = entry.read_bytes()
    entry.write_bytes(raw.replace(b"Sommaire", b"Planted!"))
    forget()
    seen = parsed(monkeypatch)
    assert catalogs.translations("fr").gettext("Contents") == "Sommaire"
    assert seen  # the .po was read again, the planted words never served
    assert entry.read_bytes() == raw  # and the entry sealed afresh


def test_an_edited_project_catalog_is_compiled_again(home, tmp_path) -> None:
    root = tmp_path / "project"
    (root / "translations").mkdir(parents=True)
    po = root / "translations" / "fr.po"
    po.write_text('msgid "Contents"\nmsgstr "Table"\n', encoding="utf-8")
    assert catalogs.translations("fr", root).gettext("Contents") == "Table"
    po.write_text('msgid "Contents"\nmsgstr "Table des matières"\n', encoding="utf-8")
    os.utime(po, ns=(1, 1))  # a new time as well as new bytes, as an editor leaves it
    forget()
    assert catalogs.translations("fr", root).gettext("Contents") == "Table des matières"


def test_a_cache_others_can_write_to_is_not_used(home, monkeypatch) -> None:
    home.mkdir(mode=0o700)
    os.chmod(home, 0o777)
    seen = parsed(monkeypatch)
    assert catalogs.translations("fr").gettext("Contents") == "Sommaire"
    forget()
    assert catalogs.translations("fr").gettext("Contents") == "Sommaire"
    assert seen.count("workbook.po") == 2  # parsed each time: nothing was kept
    assert not (home / "kept").exists()
