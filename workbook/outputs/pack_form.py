"""The form of a written pack, as PDF readers expect it: WeasyPrint's fields put right.

Run as WeasyPrint's finisher, on the PDF objects before they are written: radio groups
named once, and in a right-to-left pack, each text field aligned to the side its answer
is written from, where the page itself draws it.
"""

from __future__ import annotations

import re

import pydyf

from workbook.render.direction import value_direction

_RTL = re.compile(r'<html\b[^>]*\bdir="rtl"')


def right_to_left(html: str) -> bool:
    """Whether a pack's page is laid out right to left (its ``<html dir>``)."""
    return bool(_RTL.search(html[:2000]))


def finish(document: object, pdf: pydyf.PDF, *, rtl: bool = False) -> None:
    """The form as readers expect it: radio groups, and right to left, text fields whose
    typed text a reader aligns to the right, where the page itself draws it (a reader
    draws a field's value again over the page, so the two must fall on the same side)."""
    radio_groups(document, pdf)
    if not rtl:
        return
    for obj in pdf.objects:
        if isinstance(obj, pydyf.Dictionary) and obj.get("FT") == "/Tx":
            # an answer already typed keeps its own side (English in an Arabic pack)
            value = getattr(obj.get("V"), "string", "")
            obj["Q"] = 0 if value_direction(str(value)) == "ltr" else 2


def radio_groups(document: object, pdf: pydyf.PDF) -> None:
    """Radio buttons as PDF readers expect them: one named group, its buttons unnamed.

    WeasyPrint names each button like its group and lists it among the form's fields,
    so readers see every button as a second field of the same name (``a/b.a/b``).
    A button is the group's kid: its name and label come from the group alone.
    """
    kids = set()
    for obj in pdf.objects:
        if (
            isinstance(obj, pydyf.Dictionary)
            and obj.get("Subtype") == "/Widget"
            and "Parent" in obj
        ):
            obj.pop("T", None)
            obj.pop("TU", None)
            kids.add(obj.reference)
    form = pdf.catalog.get("AcroForm")
    if form is not None and kids:
        form["Fields"] = pydyf.Array(r for r in form["Fields"] if r not in kids)
