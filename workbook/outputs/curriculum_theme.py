"""The curriculum's chrome: its languages, the firm's look on the MkDocs theme, and its overrides.

Each language the firm publishes is one *edition*: the first at the root of
the curriculum site, each other in a folder named by its tag (``fr/``). Every
edition is its own MkDocs build with ``theme.locale`` set, so the theme's own
words (Search, Next, Previous) come from the theme's catalogs; a language the
theme has no catalog for gets an empty one of ours, so MkDocs falls back to
English instead of warning (which ``--strict`` would turn into a failure).

The built-in themes get a few template overrides (``custom_dir``) for what no
option reaches: the logo beside the firm's name, one Programmes menu so the
navbar does not wrap, a labelled control on phones, the language switcher,
and a footer without MkDocs's credit. Their words arrive through
``extra.workbook`` in ``mkdocs.yml``, already in the edition's language.
"""

from __future__ import annotations

import gettext
import io
import re
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

from workbook.outputs.curriculum_pages import WRAPPER, Words
from workbook.render.direction import text_direction

# The built-in themes whose templates the overrides in mkdocs_overrides/<theme>/ fit.
OVERRIDDEN = ("mkdocs", "readthedocs")


@dataclass(frozen=True)
class Edition:
    """One language of the curriculum and where it goes: ``folder`` is '' for the first."""

    language: str
    folder: str

    @property
    def prefix(self) -> str:
        return f"{self.folder}/" if self.folder else ""


def editions(languages: tuple[str, ...]) -> tuple[Edition, ...]:
    """The first language at the root, each other under ``<tag>/`` (lowercase, as typed)."""
    return tuple(Edition(tag, "" if i == 0 else tag.lower()) for i, tag in enumerate(languages))


@cache
def _locale(tag: str) -> Any:
    import babel

    try:
        return babel.Locale.parse(tag.replace("-", "_"))
    except (ValueError, TypeError, babel.UnknownLocaleError):
        return None


def mkdocs_locale(tag: str) -> str:
    """The tag as MkDocs's ``theme.locale`` takes it (``pt_BR``); ``en`` for one CLDR lacks."""
    locale = _locale(tag)
    return str(locale) if locale is not None else "en"


def endonym(tag: str) -> str:
    """The language's name in itself, capitalised as a menu entry: ``Français``, ``العربية``."""
    locale = _locale(tag)
    name = locale.get_display_name(locale) if locale is not None else None
    return (name[:1].upper() + name[1:]) if name else tag


def _catalog_name(locale: str) -> str:
    """The catalog folder MkDocs looks for: language and territory (``zh_TW``), no script."""
    parsed = _locale(locale)
    if parsed is None:
        return locale
    return f"{parsed.language}_{parsed.territory}" if parsed.territory else parsed.language


def has_chrome(theme: str, tag: str) -> bool:
    """Whether ``theme`` ships its own words in ``tag``'s language (English always)."""
    from mkdocs.theme import Theme

    locale = mkdocs_locale(tag)
    if locale.startswith("en") or _locale(tag) is None:
        return locale.startswith("en")
    name = _catalog_name(locale)
    dirs = [Path(d) / "locales" for d in Theme(name=theme).dirs]
    return any(gettext.find("messages", str(d), [name]) for d in dirs)


def chrome_note(theme: str, tag: str) -> str | None:
    """What the build says when the theme cannot speak the language: its words stay English."""
    if has_chrome(theme, tag):
        return None
    return (
        f"the {theme} theme has no '{tag}' translation: its own words "
        "(Search, Previous, Next) stay in English on the curriculum in that language"
    )


def empty_catalog(tag: str) -> dict[str, bytes]:
    """An empty ``messages.mo`` for the language, so MkDocs uses English without a warning."""
    from babel.messages.catalog import Catalog
    from babel.messages.mofile import write_mo

    out = io.BytesIO()
    write_mo(out, Catalog(locale=_locale(tag)))
    return {f"locales/{_catalog_name(mkdocs_locale(tag))}/LC_MESSAGES/messages.mo": out.getvalue()}


def override_files(theme: str) -> dict[str, bytes]:
    """The template overrides of a built-in theme (none for any other theme)."""
    if theme not in OVERRIDDEN:
        return {}
    folder = resources.files("workbook.outputs") / "mkdocs_overrides" / theme
    return {
        entry.name: entry.read_bytes()
        for entry in sorted(folder.iterdir(), key=lambda e: e.name)
        if entry.name.endswith(".html")
    }


def switcher(edition: Edition, all_editions: tuple[Edition, ...]) -> list[dict[str, str]]:
    """The other editions, each with the way from this edition's root to theirs."""
    up = "../" if edition.folder else ""
    return [
        {
            "tag": other.language,
            "name": endonym(other.language),
            "root": up + other.prefix,
            "dir": text_direction(other.language),
        }
        for other in all_editions
        if other != edition
    ]


def chrome_words(words: Words) -> dict[str, str]:
    """The overrides' own words, in the edition's language."""
    _ = words.gettext
    return {
        "programmes": _("Programmes"),
        "languages": _("Languages"),
        "contents": _("Contents of this page"),
        "menu": _("Menu"),
        "home": _("Home"),
    }


_HTML_TAG = re.compile(r"<html\b[^>]*>", re.I)
_ATTR = re.compile(r"""\s(lang|dir)\s*=\s*("[^"]*"|'[^']*'|[^\s>]+)""", re.I)


def set_html_lang(page: str, tag: str) -> str:
    """The page with ``<html lang>`` set to the BCP 47 tag and ``dir`` to its direction.

    MkDocs's themes write ``theme.locale`` there (``pt_BR``, which is not a
    language tag) and no ``dir`` at all; the built pages are put right here.
    """
    match = _HTML_TAG.search(page)
    if match is None:
        return page
    kept = _ATTR.sub("", match.group(0)[:-1]).rstrip()
    tag_html = f'{kept} lang="{tag}" dir="{text_direction(tag)}">'
    return page[: match.start()] + tag_html + page[match.end() :]


def _rgb(colour: str) -> str:
    """``#1f4e79`` (or ``#abc``) → ``31, 78, 121``, for Bootstrap's ``--bs-*-rgb`` variables."""
    digits = colour.lstrip("#")
    if len(digits) == 3:
        digits = "".join(c * 2 for c in digits)
    return ", ".join(str(int(digits[i : i + 2], 16)) for i in (0, 2, 4))


def theme_css(primary: str, accent: str) -> str:
    """The firm's colours on the built-in themes, the overrides' layout, and sample placeholders."""
    rgb = _rgb(primary)
    return f"""\
:root {{ --wb-primary: {primary}; --wb-accent: {accent}; }}
{WRAPPER} {{ --primary: {primary}; --accent: {accent}; }}
/* each paragraph of a page takes the direction of its own first letters, as dir="auto" does:
   a programme written in English stays in order on the Arabic curriculum, and the other way */
[role="main"] :is(h1, h2, h3, dd, p:not(li > p:first-child)) {{ unicode-bidi: plaintext; }}
/* right to left, the arrows of previous and next point the way the pages turn */
[dir="rtl"] .navbar .fa-arrow-left, [dir="rtl"] .navbar .fa-arrow-right {{ transform: scaleX(-1); }}
/* mkdocs theme (Bootstrap): the firm's colour for every link, the sidebar's too */
:root {{ --bs-primary: {primary}; --bs-primary-rgb: {rgb}; --bs-link-color: {primary};
  --bs-link-color-rgb: {rgb}; --bs-link-hover-color: {primary};
  --bs-link-hover-color-rgb: {rgb}; }}
a {{ color: {primary}; }}
.navbar.bg-primary {{ background-color: {primary} !important; background-image: none !important; }}
.bs-sidebar .nav > li > a, .bs-sidebar .nav > li > a:hover, .bs-sidebar .nav > li > a:focus,
.bs-sidebar .nav > .active > a {{ color: {primary}; }}
.bs-sidebar .nav > .active > a {{ border-inline-start-color: {primary}; }}
.bs-sidebar .nav > li > a {{ font-weight: 600; }}
.navbar .nav-link.disabled {{ color: rgba(255, 255, 255, 0.75); }}
.navbar .navbar-brand {{ display: inline-flex; align-items: center; gap: 0.5rem; }}
.navbar .navbar-brand img {{ height: 2rem; width: auto; background: #fff; border-radius: 0.4rem;
  padding: 2px; }}
@media (max-width: 575.98px) {{ .navbar .navbar-brand {{ font-size: 1rem; }} }}
.navbar .nav-link {{ white-space: nowrap; }}
/* below 1400px the previous and next links are their arrows, their words still read aloud */
@media (max-width: 1399.98px) {{
  .navbar .wb-nav-word {{ position: absolute; width: 1px; height: 1px; overflow: hidden;
    clip: rect(0 0 0 0); white-space: nowrap; }}
}}
.navbar .dropdown-menu {{ max-height: calc(100vh - 5rem); overflow-y: auto; }}
.navbar .dropdown-header {{ color: {primary}; font-weight: 600; }}
@media (max-width: 767.98px) {{
  .bs-sidebar .navbar-toggler {{ display: inline-flex; align-items: center; gap: 0.4rem;
    color: {primary}; font-size: 1rem; }}
}}
.wb-toc-label {{ font-size: 0.95rem; }}
/* readthedocs theme */
.wy-side-nav-search, .wy-nav-top {{ background-color: {primary}; }}
.rst-content a, .rst-content a:visited {{ color: {primary}; text-decoration: underline; }}
.wy-nav-top .wb-menu-button {{ background: none; border: 0; color: #fff; font-size: 1.4em;
  padding: 0 0.4em; float: left; cursor: pointer; }}
footer [role="contentinfo"] {{ color: #4d4d4d; }}
.wy-side-nav-search > a.wb-brand {{ display: inline-flex; align-items: center; gap: 0.5rem; }}
.wy-side-nav-search .wb-logo {{ height: 2rem; width: auto; margin: 0; background: #fff;
  border-radius: 0.4rem; padding: 2px; }}
.wb-languages-rtd {{ margin-top: 0.6em; }}
.wb-languages-rtd a {{ color: #fff; margin: 0 0.4em; text-decoration: underline; }}
.wb-sample {{
  background: color-mix(in srgb, {accent} 22%, transparent);
  border-bottom: 1px dotted {primary}; padding: 0 0.15em; border-radius: 3px;
}}
.wb-sample-note {{ font-size: 0.9em; opacity: 0.85; border-inline-start: 4px solid {accent};
  padding: 0.3rem 0.8rem; margin: 1rem 0 1.5rem; }}
{WRAPPER} table {{ width: 100%; }}
{WRAPPER} .field textarea, {WRAPPER} .field input[type="text"] {{ max-width: 100%; }}
"""
