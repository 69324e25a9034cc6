"""The URL rule of a built page, found two ways: from the space before an attribute's name,
and (where no ``=`` follows a space) from its ``=``. Both must find the same attributes."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from workbook.render import urls

PIECES = [
    "href",
    "HREF",
    "src",
    "Src",
    "srcset",
    "xlink:href",
    "formaction",
    "action",
    "poster",
    "data",
    "data-x",
    "background",
    "=",
    '"',
    "'",
    " ",
    "\n",
    "\t",
    "<a",
    ">",
    "/",
    "\\",
    "javascript:x",
    "https://a.example/",
    "mailto:a@b",
    "x.html",
    "&#106;",
    "a b",
]


@settings(max_examples=3000, deadline=None)
@given(st.lists(st.sampled_from(PIECES), max_size=16).map("".join))
def test_the_fast_finder_finds_what_the_general_one_does(page: str) -> None:
    assert list(urls._attributes(page)) == list(urls._from_spaces(page))


def test_unsafe_addresses_are_found_however_they_are_written() -> None:
    pages = {
        '<a HREF="JavaScript:x">': 'href="JavaScript:x"',
        '<a href = "javascript:x">': 'href="javascript:x"',
        "<button formaction='https://a.example/'>": 'formaction="https://a.example/"',
        '<img srcset="a.png 1x, https://t.example/p.gif 2x">': (
            'srcset="a.png 1x, https://t.example/p.gif 2x"'
        ),
        "<svg><a xlink:href=javascript:x>": 'xlink:href="javascript:x"',
        '<img\nsrc="//t.example/p.gif">': 'src="//t.example/p.gif"',
    }
    for page, bad in pages.items():
        assert urls.unsafe_urls(page) == [bad], page


def test_an_attribute_inside_the_value_before_it_is_still_found() -> None:
    # ``x:href`` is one value; the quoted text after its ``=`` holds an attribute of its own
    page = '<a href=x:href="a src=javascript:x">'
    assert urls.unsafe_urls(page) == ['href="x:href"', 'src="javascript:x"']


def test_safe_addresses_pass() -> None:
    page = (
        '<a href="https://a.example/?q=1">a</a><a href="mailto:c@d.example">c</a>'
        '<a href="#top">t</a><img src="../assets/logo.png"><p data-x="a b">text = more</p>'
    )
    assert urls.unsafe_urls(page) == []
