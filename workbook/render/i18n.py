"""The workbook's own words and dates in the page's language, for layouts and for Python.

Layouts say every word through ``_()`` and ``ngettext()`` (Jinja's i18n
extension, new style: ``%(name)s`` placeholders filled by keyword). The
callables a page gets come from its reader as inputs, so a page's cache key
holds the catalog it was written with. A translation is text, never markup: it
is escaped before the values go in, so a firm's catalog cannot add HTML to a page;
values are escaped unless a layout made them as markup (a link, ``|bdi``).

Dates, times and numbers are CLDR's, through Babel, in the language the page
resolves as ``lang``: "1 December 2026", "1 décembre 2026", "١ ديسمبر ٢٠٢٦".
"""

from __future__ import annotations

import datetime as dt
import decimal
import gettext as gettext_module
from collections.abc import Callable, Iterable
from functools import lru_cache
from typing import Any

from jinja2 import pass_context
from jinja2.runtime import Context
from markupsafe import Markup, escape

from workbook.render.direction import text_direction, value_direction

Words = gettext_module.NullTranslations
ENGLISH: Words = gettext_module.NullTranslations()


def N_(message: str) -> str:
    """Mark a message for the catalog where it is defined; it is translated where shown."""
    return message


def words_of(env: Any) -> Words:
    """The tool's own words in the client's language, as a Markdown renderer was given them."""
    words = env.get("words") if isinstance(env, dict) else None
    return words if words is not None else ENGLISH


@lru_cache(maxsize=32)
def jinja_callables(words: Words) -> dict[str, Callable[..., Any]]:
    """``gettext``, ``_`` and ``ngettext`` for a layout, in new style, escaping translations.

    Made once per catalog in a process: a layout says the same few dozen words on every
    page of every client, so a message said with no values is kept as it was filled (as
    markup, or as text where nothing is escaped); one said with values is filled each time.
    """
    said: dict[tuple[str, bool], str] = {}

    @pass_context
    def gettext(context: Context, message: str, **values: Any) -> str:
        if not values:
            key = (message, bool(context.eval_ctx.autoescape))
            text = said.get(key)
            if text is None:
                text = said[key] = _fill(context, escape(words.gettext(message)), values)
            return text
        text = escape(words.gettext(message))
        return _fill(context, text, values)

    @pass_context
    def ngettext(context: Context, singular: str, plural: str, num: int, **values: Any) -> str:
        values.setdefault("num", number(context, num))
        text = escape(words.ngettext(singular, plural, int(num)))
        return _fill(context, text, values)

    for made in (gettext, ngettext):
        setattr(made, "workbook_words", True)  # noqa: B010
    return {"gettext": gettext, "_": gettext, "ngettext": ngettext}


def _fill(context: Context, text: Markup, values: dict[str, Any]) -> str:
    try:
        filled = text % values
    except (KeyError, ValueError, TypeError):  # a catalog naming a value the page has not
        filled = text
    return filled if context.eval_ctx.autoescape else str(filled)


def locale_of(language: str) -> Any:
    """The CLDR locale of a tag (``fr-CA`` → fr_CA), English when CLDR does not know it.

    A bare ``en`` is British English, as the tool's own words are; ``en-US`` is American."""
    return _locale(language)


@lru_cache(maxsize=64)
def _locale(language: str) -> Any:
    from babel import Locale, UnknownLocaleError

    if language.lower() == "en":  # the tool's own English is British: programme, organisation
        language = "en-GB"
    for tag in (language, language.split("-")[0]):
        try:
            return Locale.parse(tag.replace("-", "_"))
        except (UnknownLocaleError, ValueError):
            continue
    return Locale.parse("en")


def format_long_date(value: Any, language: str) -> str:
    """``2026-09-01`` → "1 September 2026" in the language; times keep their hour, and their
    zone when they name one."""
    from babel import dates

    loc = locale_of(language)
    if isinstance(value, dt.datetime):
        zone = getattr(value.tzinfo, "key", None)
        day = dates.format_date(value.date(), format="long", locale=loc)
        clock = dates.format_time(value.time(), format="short", locale=loc)
        return f"{day}, {clock}" + (f" {zone}" if zone else "")
    if isinstance(value, dt.date):
        return str(dates.format_date(value, format="long", locale=loc))
    return "" if value is None else str(value)


def format_short_day(value: Any, language: str) -> str:
    """``2026-09-08`` (a date, or its ISO text) → "8 Sep 2026" in the language, for tables."""
    from babel import dates

    if isinstance(value, str):
        try:
            value = dt.date.fromisoformat(value[:10])
        except ValueError:
            return str(value)
    if isinstance(value, dt.datetime):
        value = value.date()
    if isinstance(value, dt.date):
        return str(dates.format_date(value, format="medium", locale=locale_of(language)))
    return "" if value is None else str(value)


def format_clock(value: Any, language: str) -> str:
    """A session's time (``09:30`` or a time) as the language writes it: "09:30", "9:30 AM"."""
    from babel import dates

    if isinstance(value, str):
        try:
            value = dt.time.fromisoformat(value)
        except ValueError:
            return str(value)
    if isinstance(value, dt.time):
        return str(dates.format_time(value, format="short", locale=locale_of(language)))
    return "" if value is None else str(value)


def format_number(value: Any, language: str) -> str:
    """A count or a score in the language's digits and separators."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return "" if value is None else str(value)
    if isinstance(value, int) and -1000 < value < 1000:  # counts and scores: said on every page
        return _small_number(value, language)
    return _format_decimal(value, language)


@lru_cache(maxsize=4096)
def _small_number(value: int, language: str) -> str:
    """A small whole number in a language, worked out by CLDR once per process."""
    return _format_decimal(value, language)


def _format_decimal(value: int | float, language: str) -> str:
    from babel import numbers

    try:
        return str(numbers.format_decimal(value, locale=locale_of(language)))
    except (decimal.InvalidOperation, OverflowError, ValueError):
        # Beyond what a decimal context holds (a hostile score of 10**309): plain digits,
        # so one absurd number never stops a client's build.
        return str(value)


def word_list(values: Iterable[Any], language: str) -> str:
    """``a, b and c`` in the language (CLDR list patterns)."""
    from babel import lists

    items = [str(v) for v in values]
    return str(lists.format_list(items, locale=locale_of(language))) if items else ""


def _lang(context: Context) -> str:
    found = context.resolve_or_missing("lang")
    return found if isinstance(found, str) else "en"


@pass_context
def number(context: Context, value: Any) -> str:
    return format_number(value, _lang(context))


def bdi(value: Any) -> Markup:
    """A value from a profile or an answer, isolated so its direction leaves the text alone."""
    return Markup("<bdi>%s</bdi>") % ("" if value is None else value)


def page_counter(text: Any) -> Markup:
    """ "Page %(page)s of %(pages)s" as a CSS ``content`` value with WeasyPrint's counters."""
    out = []
    rest = str(text)
    for mark, counter in (("%(page)s", "page"), ("%(pages)s", "pages")):
        before, found, rest_after = rest.partition(mark)
        if not found:
            continue
        out.append(_css_string(before) + f" counter({counter}) ")
        rest = rest_after
    out.append(_css_string(rest))
    return Markup("".join(out))


def _css_string(text: str) -> str:
    """A CSS string that cannot close its quote or the ``<style>`` it stands in."""
    safe = "".join(c if c.isalnum() or c in " .,:;·-–—()/" else f"\\{ord(c):x} " for c in text)
    return f'"{safe}"'


def written_in(tag: Any) -> Markup:
    """`` lang="en" dir="ltr"`` for a text written in another language than its page (an
    exercise shown in the firm's language to an Arabic reader), so that screen readers speak
    it in its language and its punctuation stays on its side; nothing when ``tag`` is empty."""
    if not tag:
        return Markup("")
    return Markup(' lang="%s" dir="%s"') % (str(tag), text_direction(str(tag)))


def text_dir(value: Any) -> str:
    """``ltr`` or ``rtl`` from a text's first letter with a strong direction, as a browser
    resolves ``dir="auto"``: the packs need it written out, because their layout engine
    does not resolve ``auto`` (an English summary in an Arabic pack would put its full stop
    on the wrong side); ``auto`` when the text has no such letter."""
    return value_direction(str(value or "")) or "auto"


def install_filters(env: Any) -> None:
    """The language-aware filters of layouts: each reads the page's ``lang``."""

    def by_lang(fn: Callable[[Any, str], str]) -> Callable[..., str]:
        @pass_context
        def filt(context: Context, value: Any) -> str:
            return fn(value, _lang(context))

        return filt

    env.filters["longdate"] = by_lang(format_long_date)
    env.filters["day"] = by_lang(format_short_day)
    env.filters["clock"] = by_lang(format_clock)
    env.filters["number"] = number
    env.filters["wordlist"] = by_lang(word_list)
    env.filters["bdi"] = bdi
    env.filters["page_counter"] = page_counter
    env.filters["written_in"] = written_in
    env.filters["text_dir"] = text_dir
    env.globals.update(jinja_callables(ENGLISH))
