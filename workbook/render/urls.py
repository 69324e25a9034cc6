"""The URL rule of a built page: links to https:, mailto: and inside the site; sources inside only.

Markdown links are checked as they are parsed (``markdown.safe_url``). The page
layouts can put any value in an attribute, so every rendered page is checked
again here: a profile value that lands in ``href`` cannot become
``javascript:``, and nothing is loaded from elsewhere.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterator

# A relative path of plain characters (no scheme, entity, space or leading slash) is
# inside the site whatever the attribute: most of a page's URLs. The patterns skip such
# values by a lookahead, so only the others reach Python (a plain value holds no space,
# so no attribute can hide inside a skipped one).
_PLAIN = r"A-Za-z0-9_.~#?=/%+\-"
_NAMES = (
    *("href", "src", "action", "formaction", "poster", "srcset", "data", "background"),
    "xlink:href",
)
_VALUE = (
    rf"""(?:"(?=[/\\]|[{_PLAIN}]*[^{_PLAIN}"])([^"]*)"|'(?=[/\\]|[{_PLAIN}]*[^{_PLAIN}'])([^']*)'"""
    rf"""|(?=[/\\]|[{_PLAIN}]*[^{_PLAIN}\s"'=<>`])([^\s"'=<>`]+))"""
)
# Every attribute, found from the whitespace before its name: the general pattern.
_ATTR = re.compile(
    # the lookahead on the names' first letters spares most spaces the whole alternation
    r"""\s(?=[hHsSaAfFpPdDbBxX])(""" + "|".join(_NAMES) + r""")\s*=\s*""" + _VALUE,
    re.IGNORECASE,
)
# The same attributes found from their ``=``, for a page where no ``=`` follows a space
# (every page the shipped layouts make): a page holds far fewer ``=`` than spaces, and a
# pattern that starts with a plain character is searched for quickly. The first lookbehind
# (the names' last letters) spares most ``=`` the alternation.
_EQUALS = re.compile(
    "=(?<=[fFcCnNrRtTaAdD]=)(?:"
    + "|".join(rf"(?<=\s{name}=)" for name in _NAMES)
    + r")\s*"
    + _VALUE,
    re.IGNORECASE,
)
_SPACED = re.compile(r"=(?<=\s=)")
_LONGEST_FIRST = sorted(_NAMES, key=len, reverse=True)
_LONGEST = len(_LONGEST_FIRST[0])
_SCHEME = re.compile(r"^([a-z][a-z0-9+.\-]*):", re.IGNORECASE)
_STRIP = re.compile(r"[\t\n\r]")
LINK_SCHEMES = ("https", "mailto")


def _clean(url: str) -> str:
    """The URL as a browser reads it: entities decoded, tabs and newlines dropped, trimmed."""
    return _STRIP.sub("", html.unescape(url)).strip("".join(map(chr, range(33))))


def safe_link(url: str) -> bool:
    """``href``: https:, mailto:, in-page anchors and relative paths."""
    url = _clean(url)
    scheme = _SCHEME.match(url)
    if scheme:
        return scheme.group(1).lower() in LINK_SCHEMES
    return not url.startswith(("/", "\\"))


def safe_source(url: str) -> bool:
    """``src`` and friends: only files inside the site (relative, no scheme, no host)."""
    url = _clean(url)
    return not _SCHEME.match(url) and not url.startswith(("/", "\\"))


# The same rule, for one value.
_PLAIN_RELATIVE = re.compile(r"(?![/\\])[A-Za-z0-9_.~#?=/%+-]*")


def _attributes(page: str) -> Iterator[tuple[str, str]]:
    """Each URL attribute of ``page`` whose value is not plainly relative: (name, value)."""
    if _SPACED.search(page):  # ``href = "…"``: the general pattern, which allows spaces
        return _from_spaces(page)
    return _from_equals(page)


def _from_spaces(page: str) -> Iterator[tuple[str, str]]:
    """The attributes found by the general pattern, from the space before each name."""
    for match in _ATTR.finditer(page):
        yield match.group(1).lower(), next(g for g in match.groups()[1:] if g is not None)


def _from_equals(page: str) -> Iterator[tuple[str, str]]:
    """The same attributes found from their ``=``, where no ``=`` follows a space."""
    end = 0
    while (match := _EQUALS.search(page, end)) is not None:
        start = match.start()
        before = page[max(0, start - _LONGEST) : start].lower()
        name = next(n for n in _LONGEST_FIRST if before.endswith(n))
        if start - len(name) - 1 < end:  # its name was the last one's value (``a=b=c``):
            end = start + 1  # not an attribute, and what follows is searched again
            continue
        end = match.end()
        yield name, next(g for g in match.groups() if g is not None)


def unsafe_urls(page: str) -> list[str]:
    """Every attribute of ``page`` whose URL breaks the rule, as ``attr="value"``."""
    bad = []
    for attr, value in _attributes(page):
        if _PLAIN_RELATIVE.fullmatch(value):
            continue
        if attr == "href":
            ok = safe_link(value)
        elif attr == "srcset":
            ok = all(safe_source(part.strip().split(" ")[0]) for part in value.split(","))
        else:
            ok = safe_source(value)
        if not ok:
            bad.append(f'{attr}="{value}"')
    return bad
