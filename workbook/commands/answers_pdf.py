"""A filled pack as an answers document: ``workbook answers import filled.pdf``.

A pack's form fields are named by the answers' stable ids (``exercise/field``,
``/item`` for a rating statement or checklist item, ``/row/column`` for a table
cell; :mod:`workbook.render.paper`), and its document information names the
firm, client and programme it was made for (:func:`workbook.outputs.pack.with_metadata`).
This module reads such a PDF (pypdf) and turns its values into a
``workbook-answers/1`` document of the answers that differ from the client's
current ones, which then goes through exactly the checks of a JSON import.
It is stricter than a JSON file can be: a field that is not in the client's
workbook, or a value no field of that kind can hold, refuses the whole pack,
because a pack is made by the build and anything else means it was edited.
"""

from __future__ import annotations

import datetime as dt
import io
import os
import re
import stat
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from workbook.errors import Problem, SourceLocation
from workbook.load.answers import FORMAT, read_limited
from workbook.models import Field
from workbook.outputs.pack import PACK_FORMAT
from workbook.render.client_fields import KnownField

MAX_PDF_BYTES = 50 * 1024 * 1024
RESEND = "ask the client to send the pack again, filled in the PDF as it came from this workbook"
_PDF_DATE = re.compile(r"D:(\d{4})(\d{2})?(\d{2})?(\d{2})?(\d{2})?(\d{2})?([Zz+\-].*)?")


@dataclass
class PackForm:
    """What a filled pack holds: whose it is, and each form field's value by name."""

    firm: str
    client: str
    programme: str
    updated: dt.datetime | None  # the PDF's modification time, when it was changed after making
    values: dict[str, str | bool | None] = field(default_factory=dict)
    radios: set[str] = field(default_factory=set)  # the names that are radio groups


def is_pdf(path: Path) -> bool:
    """Whether a file given to import is a PDF (by its first bytes, whatever its name)."""
    try:
        if not stat.S_ISREG(os.stat(path).st_mode):  # a pipe is never opened (it could block)
            return path.suffix.lower() == ".pdf"
        with path.open("rb") as handle:
            return handle.read(5) == b"%PDF-"
    except OSError:
        return path.suffix.lower() == ".pdf"


def read_pdf(path: Path) -> tuple[bytes | None, list[Problem]]:
    return read_limited(
        path, MAX_PDF_BYTES, "the PDF is larger than 50 MB", "a workbook pack is smaller"
    )


def _pdf_time(value: Any) -> dt.datetime | None:
    match = _PDF_DATE.fullmatch(str(value or "").strip().replace("'", ""))
    if not match:
        return None
    year, month, day, hour, minute, second = (
        int(p) if p else d for p, d in zip(match.groups()[:6], (0, 1, 1, 0, 0, 0), strict=True)
    )
    try:
        when = dt.datetime(year, month, day, hour, minute, second, tzinfo=dt.UTC)
    except ValueError:
        return None
    zone = (match.group(7) or "Z").upper()
    if zone[0] in "+-" and len(zone) >= 3 and zone[1:3].isdigit():
        offset = dt.timedelta(hours=int(zone[1:3]), minutes=int(zone[3:5] or 0))
        when -= offset if zone[0] == "+" else -offset
    return when


def open_pack(
    path: Path, raw: bytes, passphrases: Callable[[], list[str]]
) -> tuple[PackForm | None, list[Problem]]:
    """The pack's owner and form values, or why it cannot be read as a workbook pack."""
    from pypdf import PdfReader

    where = SourceLocation(path)
    if not raw.startswith(b"%PDF-"):
        return None, [Problem(where, "not a PDF", RESEND)]
    if b"%%EOF" not in raw[-2048:]:
        return None, [Problem(where, "the PDF is cut short (it has no end)", RESEND)]
    try:
        reader = PdfReader(io.BytesIO(raw), strict=True)
        locked = reader.is_encrypted
    except Exception as exc:  # any fault of untrusted bytes is a damaged PDF, never a crash
        return None, [_damaged(where, exc)]
    if locked and not _unlock(reader, passphrases()):
        return None, [
            Problem(
                where,
                "the pack is encrypted and none of the passphrases given opens it",
                "give the client's passphrase with --passphrase-file FILE or "
                "WORKBOOK_PASSPHRASE, as for the build that made it",
            )
        ]
    try:
        return _form(where, reader)
    except Exception as exc:  # as above: a damaged or hand-made form
        return None, [_damaged(where, exc)]


def _read_all(reader: Any) -> None:
    """Read and decompress every object of the file: raises on damage anywhere in it."""
    from pypdf.generic import StreamObject

    numbers = {num for nums in reader.xref.values() for num in nums} | set(reader.xref_objStm)
    for num in sorted(numbers):
        obj = reader.get_object(num)
        if isinstance(obj, StreamObject):
            obj.get_data()


def _damaged(where: SourceLocation, exc: Exception) -> Problem:
    return Problem(where, f"the PDF is damaged ({type(exc).__name__}: {exc})", RESEND)


def _form(where: SourceLocation, reader: Any) -> tuple[PackForm | None, list[Problem]]:
    """The pack's owner and values; every page is read in full first, so damage anywhere
    refuses the pack (the kept PDF is the record, and must open)."""
    _read_all(reader)
    info: Any = reader.metadata or {}
    if str(info.get("/workbookpack", "")) != PACK_FORMAT:
        return None, [Problem(where, f"not a workbook pack (no '{PACK_FORMAT}' mark)", RESEND)]
    form = PackForm(
        firm=str(info.get("/workbookfirm", "")),
        client=str(info.get("/workbookclient", "")),
        programme=str(info.get("/workbookprogramme", "")),
        updated=_changed(info),
    )
    for name, found in (reader.get_fields() or {}).items():
        form.values[name], radio = _value(found)
        if radio:
            form.radios.add(name)
    return form, []


def _unlock(reader: Any, candidates: list[str]) -> bool:
    from workbook.outputs.crypto import normalise

    try:
        return any(reader.decrypt(normalise(p).decode("utf-8")) for p in candidates)
    except Exception:  # a damaged encryption dictionary opens with no passphrase
        return False


def _changed(info: Any) -> dt.datetime | None:
    """The modification time, if the PDF was saved after it was made (else it says nothing)."""
    made, changed = _pdf_time(info.get("/CreationDate")), _pdf_time(info.get("/ModDate"))
    if changed is None or (made is not None and changed <= made):
        return None
    return changed


def _value(found: Any) -> tuple[str | bool | None, bool]:
    """A field's value: text, a radio group's chosen option (or None), a box's tick."""
    value = found.get("/V")
    if found.get("/FT") == "/Tx":
        return str(value or "").replace("\r\n", "\n").replace("\r", "\n"), False
    if "/Opt" in found or found.get("/Ff", 0) & (1 << 15):
        state = str(value or "/Off").lstrip("/")
        options = [str(o) for o in found.get("/Opt") or []]
        if state == "Off":
            return None, True
        return (
            options[int(state)] if state.isdigit() and int(state) < len(options) else state
        ), True
    return value not in (None, "/Off", "Off"), False


class Refused(Exception):
    """A pack field that no field of the client's workbook can take: the pack is refused."""


def answers_of(
    form: PackForm,
    known: dict[str, KnownField],
    current: dict[str, Any],
    when: dt.datetime,
) -> dict[str, Any]:
    """The pack's values as answers, keeping those that differ from the current ones."""
    gathered: dict[str, dict[str, Any]] = {}
    for name, given in sorted(form.values.items()):
        key, rest = _split(name, known)
        _fits(known[key].field, rest, given, name in form.radios, name)
        gathered.setdefault(key, {})["/".join(rest)] = given
    stamp = when.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    answers = {}
    for key, parts in gathered.items():
        field_ = known[key].field
        value: Any = _assemble(field_, parts, current.get(key))
        if field_.kind == "scale" and value is not None:
            value = int(value)
        if value is None or value == current.get(key) or (key not in current and _blank(value)):
            continue
        answers[key] = {"value": value, "updated": stamp}
    return answers


def document(form: PackForm, answers: dict[str, Any], when: dt.datetime) -> dict[str, Any]:
    return {
        "format": FORMAT,
        "client": form.client,
        "programme": form.programme,
        "exported": when.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "answers": answers,
    }


def _split(name: str, known: dict[str, KnownField]) -> tuple[str, list[str]]:
    parts = name.split("/")
    key = "/".join(parts[:2])
    if len(parts) < 2 or key not in known:
        raise Refused(f"the form field '{name}' is not in the client's workbook")
    return key, parts[2:]


def _fits(f: Field, rest: list[str], value: str | bool | None, radio: bool, name: str) -> None:
    """Refuse a field whose name or value does not fit its kind."""
    keys = {i.key for i in f.items}
    shape = {
        "prompt": not rest and isinstance(value, str) and not radio,
        "scale": not rest and radio and (value is None or _in_range(value, f.attrs, "min", "max")),
        "choice": not rest and radio and (value is None or value in keys),
        "checklist": len(rest) == 1 and rest[0] in keys and isinstance(value, bool),
        "rating": len(rest) == 1
        and rest[0] in keys
        and radio
        and (value is None or _in_range(value, {"lo": "1", "hi": f.attrs["scale"]}, "lo", "hi")),
        "table": len(rest) == 2
        and all(p.isdigit() and int(p) >= 1 for p in rest)
        and int(rest[1]) <= len(f.attrs["columns"].split("|"))
        and isinstance(value, str),
    }
    if not shape.get(f.kind, False):
        raise Refused(f"the form field '{name}' does not fit its .{f.kind} field ({value!r})")


def _in_range(value: Any, attrs: dict[str, str], low: str, high: str) -> bool:
    text = str(value)
    return text.lstrip("-").isdigit() and int(attrs[low]) <= int(text) <= int(attrs[high])


def _blank(value: Any) -> bool:
    return value in ("", [], {}) or (isinstance(value, list) and not any(map(any, value)))


def _assemble(f: Field, parts: dict[str, Any], now: Any) -> Any:
    """One field's answer from its form fields, in the shape docs/answers.md gives its kind."""
    if f.kind in ("prompt", "scale", "choice"):
        return parts.get("")
    if f.kind == "checklist":
        return [i.key for i in f.items if parts.get(i.key)]
    if f.kind == "rating":
        scores = {i.key: int(parts[i.key]) for i in f.items if parts.get(i.key) is not None}
        return scores if scores or now else None
    width = len(f.attrs["columns"].split("|"))
    height = max(int(r.split("/")[0]) for r in parts)
    rows = [[parts.get(f"{r}/{c}", "") for c in range(1, width + 1)] for r in range(1, height + 1)]
    while rows and not any(rows[-1]):
        rows.pop()
    return rows
