"""Firm assets named in ``workbook.yml``: images inside the project's asset folders, by content.

A firm setting such as ``firm.logo`` names a file that is copied into every
client's published folder, encrypted or not. A mistyped or hostile value
(``logo: clients/jordan-rivera.yml``) would publish a confidential file to
every client, so the file must sit in ``assets/`` or ``templates/assets/``,
be a regular file, and be an image by its bytes (PNG, JPEG, GIF, WebP, or SVG:
XML whose root is ``<svg>``, without a document type, scripts or event
handlers), with a suffix that says the same.
"""

from __future__ import annotations

import xml.parsers.expat
from pathlib import Path

from workbook.load.files import NotRegular, read_regular

ASSET_FOLDERS = ("assets", "templates/assets")
MAX_IMAGE_BYTES = 5_000_000
_SUFFIXES = {
    "png": (".png",),
    "jpeg": (".jpg", ".jpeg"),
    "gif": (".gif",),
    "webp": (".webp",),
    "svg": (".svg",),
}


def sniff(data: bytes) -> str | None:
    """The image type of ``data`` by its first bytes ("png", "jpeg", …), else None."""
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if data.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if data[:6] in (b"GIF87a", b"GIF89a"):
        return "gif"
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "webp"
    if _svg_problem(data) is None:
        return "svg"
    return None


class _Refused(Exception):
    pass


def _svg_problem(data: bytes) -> str | None:
    """Why ``data`` is not a plain SVG image, or None when it is one."""
    parser = xml.parsers.expat.ParserCreate()
    roots: list[str] = []

    def start(name: str, attrs: dict[str, str]) -> None:
        local = name.rpartition(":")[2].lower()
        if not roots and local != "svg":
            raise _Refused("its root element is not <svg>")
        roots.append(local)
        if local in ("script", "foreignobject"):
            raise _Refused(f"it holds a <{local}> element")
        names = {a.rpartition(":")[2].lower(): v for a, v in attrs.items()}
        if any(a.startswith("on") for a in names):
            raise _Refused("it holds an event handler (an on… attribute)")
        if "".join(names.get("href", "").split()).lower().startswith("javascript:"):
            raise _Refused("it links to a script (javascript:)")

    def doctype(*args: object) -> None:
        raise _Refused("it declares a document type")

    parser.StartElementHandler = start
    parser.StartDoctypeDeclHandler = doctype
    parser.EntityDeclHandler = doctype
    try:
        parser.Parse(data, True)
    except _Refused as exc:
        return str(exc)
    except (xml.parsers.expat.ExpatError, ValueError):
        return "it is not well-formed XML"
    return None if roots else "it is not XML with an <svg> root"


def asset_problem(root: Path, relative: str) -> str | None:
    """Why ``relative`` cannot be a firm image, or None when it can (said for a message)."""
    project = root.resolve()
    target = (project / relative).resolve()
    folders = [project / f for f in ASSET_FOLDERS]
    if not any(target.is_relative_to(f) for f in folders):
        return "is not inside the project's asset folders (assets/ or templates/assets/)"
    try:
        data = read_regular(target, MAX_IMAGE_BYTES)
    except NotRegular as exc:
        return f"is {exc.kind}, not an image file"
    except OSError:
        return "is not a file in the project"
    if data is None:
        return f"is larger than {MAX_IMAGE_BYTES:,} bytes"
    kind = sniff(data)
    if kind is None:
        svg = _svg_problem(data) if target.suffix.lower() == ".svg" else None
        return (
            f"is not a usable SVG image: {svg}"
            if svg
            else "is not a PNG, JPEG, GIF, WebP or SVG image"
        )
    if target.suffix.lower() not in _SUFFIXES[kind]:
        return f"is a {kind.upper()} image, but its name ends in '{target.suffix}'"
    return None
