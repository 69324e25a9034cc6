"""Which way a language is written, from CLDR (through Babel), for ``<html dir>``.

The pages and packs are laid out in logical CSS properties, so one attribute on
the root element mirrors all of them; this is where that attribute comes from.
CLDR knows every language the profiles may name, so Arabic, Hebrew, Persian and
Urdu (with any region: ``ar-EG``, ``fa_IR``) are right to left without a list of
our own to keep up to date.
"""

from __future__ import annotations

from functools import cache
from typing import Literal

Direction = Literal["ltr", "rtl"]


@cache
def text_direction(tag: str) -> Direction:
    """``"rtl"`` for a language written right to left, else ``"ltr"`` (unknown tags too).

    The tags reaching here were checked when the profile was read; a tag CLDR does
    not know still gets a page, laid out left to right as before.
    """
    import babel

    try:
        locale = babel.Locale.parse(tag.replace("-", "_"))
    except (ValueError, TypeError, babel.UnknownLocaleError):
        return "ltr"
    return "rtl" if locale.character_order == "right-to-left" else "ltr"


def value_direction(text: str) -> Direction | None:
    """The direction a typed value reads in, from its first letter with a strong direction
    (Unicode's rule P2, as ``dir="auto"`` does): None when it has no such letter."""
    import unicodedata

    for char in text:
        kind = unicodedata.bidirectional(char)
        if kind == "L":
            return "ltr"
        if kind in ("R", "AL"):
            return "rtl"
    return None
