"""The languages the workbook's own words are served in: gettext catalogs, read at run time.

The shipped catalogs are ``workbook/locale/<lang>/LC_MESSAGES/workbook.po``; a
project adds or overrides words in ``translations/<lang>.po`` (plain gettext, as
Poedit writes it). Both are read with Babel (``read_po``) into one in-memory
catalog per language: the project's entries over the shipped ones, and any
message translated in neither left in English. No compiled ``.mo`` file is kept
beside them, so what is served is always what the ``.po`` files say; what they
compile to is kept in the user's cache under the digest of their bytes
(``load/kept.py``), so a run reads Babel's parser only when a catalog changed.

A language is servable when a shipped or a project catalog has it; a regional
tag (``fr-CA``) is served by its base (``fr``) when it has no catalog of its own.
"""

from __future__ import annotations

import gettext
import hashlib
import io
import json
import re
from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from babel.support import Translations

from workbook.errors import Problem, SourceLocation
from workbook.load.kept import remembered
from workbook.load.language import LANGUAGE_TAG, suggest_tag
from workbook.load.sources import line_of

if TYPE_CHECKING:
    from babel.messages.catalog import Catalog

__all__ = [
    "CatalogProblem",
    "available_languages",
    "catalog_digest",
    "catalog_files",
    "language_problem",
    "project_catalog_problems",
    "script_messages",
    "serve_language",
    "translations",
]

LOCALE = Path(__file__).resolve().parent.parent / "locale"
DOMAIN = "workbook"
PROJECT_FOLDER = "translations"


class CatalogProblem(Exception):
    """A project catalog that cannot be read: its file, line and what is wrong."""

    def __init__(self, path: Path, line: int, message: str) -> None:
        super().__init__(message)
        self.path, self.line, self.message = path, line, message


def shipped_languages() -> list[str]:
    """The languages whose catalog comes with the tool."""
    return list(_shipped())


@lru_cache(maxsize=1)
def _shipped() -> tuple[str, ...]:
    """Looked up once per process: the tool's own files do not change under it."""
    return tuple(
        sorted(p.name for p in LOCALE.iterdir() if (p / "LC_MESSAGES" / f"{DOMAIN}.po").is_file())
    )


def project_languages(root: Path) -> list[str]:
    """The languages of the project's own catalogs, ``translations/<lang>.po``."""
    folder = root / PROJECT_FOLDER
    if not folder.is_dir():
        return []
    return sorted(p.stem for p in folder.glob("*.po") if p.is_file())


def available_languages(root: Path) -> list[str]:
    """Every language this project can serve: shipped catalogs and the project's own."""
    return sorted(set(shipped_languages()) | set(project_languages(root)), key=str.lower)


def serve_language(tag: str, available: Iterable[str]) -> str | None:
    """The catalog that serves ``tag``: itself, else its base language (``fr-CA`` → ``fr``),
    compared without regard to case; None when neither is available."""
    by_case = {str(a).lower(): str(a) for a in available}
    wanted = tag.replace("_", "-").lower()
    if wanted in by_case:
        return by_case[wanted]
    return by_case.get(wanted.split("-")[0])


def catalog_files(language: str, root: Path | None) -> tuple[Path, ...]:
    """The ``.po`` files a language is read from: the shipped one, then the project's."""
    files = [LOCALE / language / "LC_MESSAGES" / f"{DOMAIN}.po"]
    if root is not None:
        files.append(root / PROJECT_FOLDER / f"{language}.po")
    return tuple(f for f in files if f.is_file())


def catalog_digest(language: str, root: Path | None) -> str:
    """What a page in ``language`` depends on: the language and its catalogs' bytes."""
    h = hashlib.sha256(language.encode())
    for path in catalog_files(language, root):
        stat = path.stat()
        h.update(
            b"\0" + path.name.encode() + b"\0" + _file_digest(path, stat.st_mtime_ns, stat.st_size)
        )
    return h.hexdigest()


@lru_cache(maxsize=64)
def _file_digest(path: Path, mtime_ns: int, size: int) -> bytes:
    """A catalog file's digest, read again only when the file changes (its time or size)."""
    return hashlib.sha256(path.read_bytes()).digest()


_LINE = re.compile(
    r'\s*(?:#.*|(?:msgctxt|msgid|msgid_plural|msgstr(?:\[\d+\])?)\s+)?"(?:[^"\\]|\\.)*"\s*'
)


def _scan(path: Path) -> None:
    """Every line a comment, blank, or a keyword and one quoted string (Babel's reader lets an
    unclosed quote pass, and the entry would lose a letter without a word)."""
    try:
        text = path.read_bytes().decode("utf-8")
    except UnicodeDecodeError as exc:
        where = path.read_bytes()[: exc.start].count(b"\n") + 1
        raise CatalogProblem(path, where, "the catalog is not UTF-8 text") from None
    for n, row in enumerate(text.splitlines(), start=1):
        if row.strip() and not row.lstrip().startswith("#") and not _LINE.fullmatch(row):
            raise CatalogProblem(
                path, n, "a line of the catalog is not a keyword and one quoted string"
            )


def _read(path: Path, locale: str | None) -> Catalog:
    """A ``.po`` file, strictly: a malformed one is a :class:`CatalogProblem` at its line."""
    from babel.messages.pofile import PoFileError, read_po  # only when a catalog is parsed

    _scan(path)
    try:
        with path.open("rb") as handle:
            return read_po(handle, locale=locale, abort_invalid=True)
    except PoFileError as exc:
        line = getattr(exc, "lineno", 0) or 0
        raise CatalogProblem(path, line, str(exc).split(" on ")[0]) from None
    except (ValueError, UnicodeDecodeError) as exc:
        raise CatalogProblem(path, 0, f"not a gettext catalog: {exc}") from None


_NAMES = re.compile(r"%\((\w+)\)|\{(\w+)\}")  # %(name)s, or {name} in the curriculum's words


def _names(text: str) -> set[str]:
    return {a or b for a, b in _NAMES.findall(text)}


def fits(message: Any) -> bool:
    """Whether a translation can stand in for its message: its placeholders are the message's
    (a page fills them by name; one it does not know would fail the page)."""
    ids = message.id if isinstance(message.id, tuple) else (message.id,)
    names = {n for i in ids for n in _names(i)}
    if not names:
        return True
    percent = any("%(" in i for i in ids)
    values = dict.fromkeys(names | {"num"}, "")
    strings = message.string if isinstance(message.string, tuple) else (message.string,)
    for text in strings:
        try:
            if text and _names(text) - names - {"num"}:
                return False
            _ = text % values if text and percent else ""
        except (KeyError, ValueError, TypeError):
            return False
    return True


def project_catalog_problems(root: Path) -> list[Problem]:
    """What is wrong with the project's own catalogs, each at its file and line: a file that
    is not gettext, a name that is not a language tag, a translation whose placeholders are
    not its message's (``%(name)s``)."""
    problems: list[Problem] = []
    for lang in project_languages(root):
        path = root / PROJECT_FOLDER / f"{lang}.po"
        if not LANGUAGE_TAG.fullmatch(lang):
            near = suggest_tag(lang)
            problems.append(
                Problem(
                    SourceLocation(path),
                    f"'{path.name}' is not named by a language tag",
                    f"rename it {near}.po" if near else "name it by a BCP 47 tag, e.g. fr.po",
                )
            )
            continue
        try:
            catalog = _read(path, None)
        except CatalogProblem as exc:
            problems.append(Problem(SourceLocation(path, exc.line), exc.message, _PO_FIX))
            continue
        for message in catalog:
            if message.id and message.string and not fits(message):
                problems.append(
                    Problem(
                        SourceLocation(path, message.lineno or 0),
                        f"the translation of '{_short(message.id)}' does not fit it: its "
                        "placeholders are not the message's",
                        "use the message's own %(name)s placeholders, or leave it empty",
                    )
                )
    return problems


_PO_FIX = 'fix it in a gettext editor such as Poedit, or write the entry as msgid "…" msgstr "…"'


def _short(mid: Any) -> str:
    text = mid[0] if isinstance(mid, tuple) else str(mid)
    return text if len(text) <= 50 else text[:47] + "…"


def language_problem(tag: str, root: Path, path: Path, value: Any) -> Problem | None:
    """A ``language:`` the project cannot serve, located at its line, naming what it can."""
    available = available_languages(root)
    if serve_language(tag, available) is not None:
        return None
    return Problem(
        SourceLocation(path, line_of(value), getattr(value, "col", 0) or 0),
        f"no catalog serves the language '{tag}': this project can serve " + ", ".join(available),
        f"choose one of those, or add {PROJECT_FOLDER}/{tag.split('-')[0].lower()}.po "
        "(docs/languages.md)",
    )


def locale_of(language: str) -> str | None:
    """The Babel locale of a tag, or None when CLDR does not know it (a firm's own tag)."""
    from babel import Locale, UnknownLocaleError

    try:
        return str(Locale.parse(language.replace("-", "_")))
    except (UnknownLocaleError, ValueError):
        return None


def _merged(language: str, files: tuple[Path, ...]) -> Catalog:
    """One catalog: each later file's translated, not fuzzy, entries over the earlier ones."""
    merged: Catalog | None = None
    for path in files:
        try:
            catalog = _read(path, locale_of(language))
        except CatalogProblem:  # reported by the check (a project's); its words stay unread
            continue
        if merged is None:
            merged = catalog
            continue
        for message in catalog:
            if message.id and message.string and not message.fuzzy and fits(message):
                # Babel's assignment merges into an existing entry and keeps its old string:
                # the project's entry replaces the shipped one whole instead.
                merged.delete(message.id, message.context)
                merged[message.id] = message
    if merged is not None:
        return merged
    from babel.messages.catalog import Catalog

    return Catalog(locale=locale_of(language))


@lru_cache(maxsize=32)
def _catalog(language: str, stamp: str, files: tuple[Path, ...]) -> Catalog:
    """The merged catalog, read once per process and catalogs' contents (``stamp``): the
    words and the plural rule both come from it (a catalog is read by Babel's Python parser,
    which costs more than a page)."""
    catalog = _merged(language, files)
    for message in list(catalog):  # fuzzy entries are drafts: English until confirmed
        if message.id and message.fuzzy:
            message.string = "" if isinstance(message.id, str) else ("",) * 2
    return catalog


@lru_cache(maxsize=32)
def _compiled(language: str, stamp: str, files: tuple[Path, ...]) -> tuple[str, bytes]:
    """The language's plural rule and ``.mo`` image, made from the merged catalog once per
    catalogs' contents (``stamp``) and code, then read from the user's cache."""

    def make() -> bytes:
        from babel.messages.mofile import write_mo

        catalog = _catalog(language, stamp, files)
        buffer = io.BytesIO()
        write_mo(buffer, catalog)
        return str(catalog.plural_expr).encode() + b"\n" + buffer.getvalue()

    plural, _, mo = remembered("mo", f"{_maker()}\0{language}\0{stamp}", make).partition(b"\n")
    return plural.decode(), mo


@lru_cache(maxsize=1)
def _maker() -> str:
    """What a compiled catalog depends on besides the catalogs: this code and Babel."""
    import babel

    return hashlib.sha256(Path(__file__).read_bytes() + babel.__version__.encode()).hexdigest()


@lru_cache(maxsize=32)
def _translations(language: str, stamp: str, root: Path | None) -> Translations:
    _, mo = _compiled(language, stamp, catalog_files(language, root))
    result = Translations(fp=io.BytesIO(mo), domain=DOMAIN)
    result.workbook_key = f"{language}:{stamp}"  # type: ignore[attr-defined]
    return result


def translations(language: str, root: Path | None = None) -> gettext.NullTranslations:
    """The words of ``language``: the project's strings over the shipped ones over English.

    Cached per process by the catalogs' contents, so an edited ``.po`` is read again.
    ``language`` is a tag as written; it is served by :func:`serve_language`, and a
    language no catalog has is English.
    """
    served = serve_language(language, available_languages(root) if root else shipped_languages())
    if served is None:
        return gettext.NullTranslations()
    return _translations(served, catalog_digest(served, root), root)


def plural_expression(language: str, root: Path | None = None) -> str:
    """The catalog's C plural expression (``n != 1``; Arabic's has six forms)."""
    served = serve_language(language, available_languages(root) if root else shipped_languages())
    files = catalog_files(served, root) if served else ()
    if not served or not files:
        return "(n != 1)"
    return _plural_expression(served, catalog_digest(served, root), files)


def _plural_expression(language: str, stamp: str, files: tuple[Path, ...]) -> str:
    """From the same reading of the catalogs as the translations."""
    return _compiled(language, stamp, files)[0]


@lru_cache(maxsize=8)
def _script_ids(script: str) -> tuple[Any, ...]:
    """The shipped template's messages that come from ``script``: (context, id) pairs, a
    plural's id being its (singular, plural)."""
    pot = LOCALE / f"{DOMAIN}.pot"
    source = hashlib.sha256(pot.read_bytes()).hexdigest()

    def make() -> bytes:
        from babel.messages.pofile import read_po

        with pot.open("rb") as handle:
            template = read_po(handle)
        found = [
            [m.context, list(m.id) if isinstance(m.id, tuple) else m.id]
            for m in template
            if m.id and any(loc[0].endswith(script) for loc in m.locations)
        ]
        return json.dumps(found, ensure_ascii=False).encode()

    found = json.loads(remembered("ids", f"{_maker()}\0{source}\0{script}", make))
    return tuple((context, tuple(mid) if isinstance(mid, list) else mid) for context, mid in found)


def script_messages(script: str, language: str, root: Path | None = None) -> dict[str, Any]:
    """What a browser script needs to speak ``language``: its messages and the plural rule.

    ``script`` is the script's file name (``workbook.js``); its messages are those the
    shipped template lists as coming from it, so no list is kept by hand.
    """
    tr = translations(language, root)
    messages: dict[str, Any] = {}
    for context, mid in _script_ids(script):
        if isinstance(mid, tuple):
            forms = [tr.ngettext(mid[0], mid[1], n) for n in (1, 2)]
            messages[mid[0]] = _plural_forms(tr, mid, forms)
        elif context:  # gettext's own form: context, EOT, message
            messages[f"{context}\x04{mid}"] = tr.pgettext(context, mid)
        else:
            messages[mid] = tr.gettext(mid)
    return {"plural": plural_expression(language, root), "messages": messages}


def _plural_forms(tr: gettext.NullTranslations, mid: tuple[str, str], fallback: list[str]) -> Any:
    """Every plural form of a message, in the catalog's order (English: one, other)."""
    catalog = getattr(tr, "_catalog", None) or {}
    forms: list[str] = []
    while (mid[0], len(forms)) in catalog:
        forms.append(catalog[(mid[0], len(forms))])
    # untranslated: English's two forms, chosen by English's rule
    return forms or {"one": fallback[0], "other": fallback[1]}
