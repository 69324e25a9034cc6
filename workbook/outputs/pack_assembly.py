"""The engagement pack from the stage packs' own laid-out pages: each stage is laid out once.

The engagement pack holds every stage again, after its own front (cover, contents, the
engagement record) and before the earlier work. Laying those stages out a second time
was about half of all the packs' cost, so the engagement pack takes the stage packs'
pages as WeasyPrint laid them out (``Document.copy``), and only its own parts are laid
out for it:

* The layout marks the stages with ``<!-- workbook:stages -->`` … ``<!-- /workbook:stages
  -->``. Between them the engagement's HTML gets one empty *stand-in* page for each page
  the stages fill in their stage packs, each holding the ids (anchors) its page holds.
  So the front is laid out with the real page count: the contents' ``target-counter``,
  the earlier work's place and every "Page N of M" come out as in one whole layout.
* Each stand-in page is then replaced by the stage page it stands for, with the stand-in's
  page-number margin box (the one whose ``content`` shows ``counter(page)`` or
  ``counter(pages)``) in place of the stage pack's. The running headers are the stage
  page's own, named by the stage's titles as in any layout.

Tags, form fields, links and bookmarks are made by WeasyPrint when the assembled document
is written, from the pages' boxes, exactly as for a document it laid out whole; fonts are
embedded the same way. A layout without the markers, or whose stand-ins do not come out as
one page each, is laid out whole as before (:func:`assemble` returns ``None``).
"""

from __future__ import annotations

import copy
import re
from collections.abc import Callable
from html import escape

import weasyprint
from weasyprint.formatting_structure import boxes

START = "<!-- workbook:stages -->"
END = "<!-- /workbook:stages -->"
STAND_IN = "workbook-stand-in"
_ID = re.compile(r"""\sid=["']?([^"'\s>]+)""")
_MARGINS = [
    f"@{side}-{where}"
    for side, places in (
        ("top", ("left-corner", "left", "center", "right", "right-corner")),
        ("bottom", ("left-corner", "left", "center", "right", "right-corner")),
        ("left", ("top", "middle", "bottom")),
        ("right", ("top", "middle", "bottom")),
    )
    for where in places
]

Layout = Callable[[str, list[weasyprint.CSS]], weasyprint.Document]


def stage_pages(html: str, document: weasyprint.Document) -> list[weasyprint.Page] | None:
    """A stage pack's pages between the markers: from the page of the first id after the
    start marker, up to the page of the first id after the end marker, if any."""
    start, end = html.find(START), html.rfind(END)
    first = _ID.search(html, start) if start >= 0 else None
    if first is None or end < first.start():
        return None
    after = _ID.search(html, end)
    pages: list[weasyprint.Page] = document.pages
    begin = _page_of(pages, first.group(1))
    stop = _page_of(pages, after.group(1)) if after else len(pages)
    if begin is None or stop is None or stop <= begin:
        return None
    return pages[begin:stop]


def _page_of(pages: list[weasyprint.Page], anchor: str) -> int | None:
    return next((i for i, page in enumerate(pages) if anchor in page.anchors), None)


def assemble(
    html: str, stages: list[list[weasyprint.Page]], lay_out: Layout
) -> weasyprint.Document | None:
    """The engagement pack: its own parts laid out around stand-ins, the stage pages put in.

    ``stages`` holds each stage pack's stage pages (:func:`stage_pages`); ``lay_out``
    lays out HTML with extra stylesheets. ``None`` when the layout cannot be assembled.
    """
    start, end = html.find(START), html.rfind(END)
    flat = [page for pages in stages for page in pages]
    if start < 0 or end < start or not flat:
        return None
    stand_ins = "\n".join(
        f'<div class="{STAND_IN}">'
        + "".join(f'<span id="{escape(a)}"></span>' for a in page.anchors)
        + "</div>"
        for page in flat
    )
    front = lay_out(html[:start] + stand_ins + html[end:], [_stand_in_css(flat)])
    first = next(iter(flat[0].anchors), None)
    at = _page_of(front.pages, first) if first else None
    if at is None or len(front.pages) < at + len(flat):
        return None
    for i, page in enumerate(flat):  # each stand-in came out as one page, in order, alike
        if not _alike(page, front.pages[at + i]):
            return None
    pages = list(front.pages)
    pages[at : at + len(flat)] = [
        with_folio(page, front.pages[at + i]) for i, page in enumerate(flat)
    ]
    return front.copy(pages)


def _alike(page: weasyprint.Page, stand_in: weasyprint.Page) -> bool:
    """Whether a stand-in stands for this page: its anchors, size and margins.

    Margins differ where a layout gives left and right pages their own (``@page :left``)
    and a stage starts on the other side in the engagement pack: such a pack is laid out
    whole.
    """
    box, other = page._page_box, stand_in._page_box
    sides = ("margin_top", "margin_right", "margin_bottom", "margin_left")
    return (
        set(page.anchors) == set(stand_in.anchors)
        and (page.width, page.height) == (stand_in.width, stand_in.height)
        and all(getattr(box, side) == getattr(other, side) for side in sides)
    )


def _stand_in_css(pages: list[weasyprint.Page]) -> weasyprint.CSS:
    """A page each; only the page number is drawn on a stand-in (the rest is not used)."""
    used = {
        box.at_keyword
        for page in pages
        for box in page._page_box.children
        if isinstance(box, boxes.MarginBox) and not _numbers(box)
    }
    margins = " ".join(f"{at} {{ content: none; }}" for at in _MARGINS if at in used)
    return weasyprint.CSS(
        string=f".{STAND_IN} {{ break-before: page; page: {STAND_IN}; }}\n"
        f"@page {STAND_IN} {{ {margins} }}"
    )


def _numbers(box: boxes.MarginBox) -> bool:
    """Whether a margin box shows the page number or the page count."""
    content = box.style["content"]
    if not isinstance(content, (list, tuple)):
        return False
    return any(
        isinstance(item, tuple)
        and item[0] in ("counter()", "counters()")
        and item[1][0] in ("page", "pages")
        for item in content
    )


def with_folio(page: weasyprint.Page, stand_in: weasyprint.Page) -> weasyprint.Page:
    """A copy of a laid-out page whose page-number margin boxes are the stand-in's."""
    numbered = {
        box.at_keyword: box
        for box in stand_in._page_box.children
        if isinstance(box, boxes.MarginBox) and _numbers(box)
    }
    children = []
    for box in page._page_box.children:
        if isinstance(box, boxes.MarginBox) and _numbers(box):
            box = numbered.pop(box.at_keyword, None)
            if box is None:
                continue
        children.append(box)
    children += numbered.values()
    new = copy.copy(page)
    new._page_box = page._page_box.copy_with_children(children)
    return new
