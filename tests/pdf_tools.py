"""Reading built PDFs back: text, pages, paper, fonts, attachments, links, pixels."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pypdf
from PIL import Image

A4 = (595.3, 841.9)
LETTER = (612.0, 792.0)


def text(path: Path) -> str:
    """All the text of a PDF, pages joined, whitespace folded."""
    reader = pypdf.PdfReader(path)
    return " ".join(" ".join((p.extract_text() or "").split()) for p in reader.pages)


def page_texts(path: Path) -> list[str]:
    reader = pypdf.PdfReader(path)
    return [" ".join((p.extract_text() or "").split()) for p in reader.pages]


def page_size(path: Path) -> tuple[float, float]:
    box = pypdf.PdfReader(path).pages[0].mediabox
    return round(float(box.width), 1), round(float(box.height), 1)


def fonts(path: Path) -> dict[str, bool]:
    """Every font used, by base name, and whether its font program is embedded."""
    found: dict[str, bool] = {}
    for page in pypdf.PdfReader(path).pages:
        resources = page.get("/Resources")
        for font in (resources.get_object().get("/Font") or {}).values() if resources else []:
            font = font.get_object()
            descendants = font.get("/DescendantFonts")
            inner = descendants[0].get_object() if descendants else font
            descriptor = inner.get("/FontDescriptor")
            descriptor = descriptor.get_object() if descriptor else {}
            embedded = any(k in descriptor for k in ("/FontFile", "/FontFile2", "/FontFile3"))
            found[str(font["/BaseFont"]).split("+")[-1]] = embedded
    return found


def attachments(path: Path) -> list[str]:
    """Embedded files in the name tree and file-attachment annotations."""
    reader = pypdf.PdfReader(path)
    found = list(reader.attachments)
    for page in reader.pages:
        for annot in page.get("/Annots") or []:
            if annot.get_object().get("/Subtype") == "/FileAttachment":
                found.append("annotation")
    return found


def link_uris(path: Path) -> list[str]:
    uris = []
    for page in pypdf.PdfReader(path).pages:
        for annot in page.get("/Annots") or []:
            action = annot.get_object().get("/A")
            if action and "/URI" in action.get_object():
                uris.append(str(action.get_object()["/URI"]))
    return uris


def is_tagged(path: Path) -> bool:
    root = pypdf.PdfReader(path).trailer["/Root"]
    mark = root.get("/MarkInfo")
    return "/StructTreeRoot" in root and bool(mark and mark.get_object().get("/Marked"))


def render_png(path: Path, out: Path, page: int = 1, dpi: int = 40) -> Path:
    """One page as PNG through poppler's pdftoppm."""
    prefix = out / f"{path.stem}-{page}"
    subprocess.run(
        [
            "pdftoppm",
            "-png",
            "-r",
            str(dpi),
            "-f",
            str(page),
            "-l",
            str(page),
            "-singlefile",
            str(path),
            str(prefix),
        ],
        check=True,
        capture_output=True,
    )
    return prefix.with_suffix(".png")


def pdfium_page(path: Path, page: int = 0) -> tuple[str, float]:
    """A page's text and ink share through PDFium, a second, independent reader."""
    import pypdfium2 as pdfium

    document = pdfium.PdfDocument(path)
    try:
        handle = document[page]
        words = handle.get_textpage().get_text_range()
        image = handle.render(scale=0.5).to_pil().convert("L")
        counts = image.histogram()
        return words, sum(counts[:240]) / sum(counts)
    finally:
        document.close()


def ink(png: Path) -> float:
    """The share of pixels that are not white: 0 is a blank page."""
    counts = Image.open(png).convert("L").histogram()
    return sum(counts[:240]) / sum(counts)


def form_values(path: Path, password: str | None = None) -> dict[str, object]:
    """Every form field by name: text as text, a radio group's chosen value, a box ticked."""
    reader = pypdf.PdfReader(path)
    if password is not None:
        reader.decrypt(password)
    values: dict[str, object] = {}
    for name, found in (reader.get_fields() or {}).items():
        value = found.get("/V")
        if found.get("/FT") == "/Tx":
            values[name] = str(value or "")
        elif "/Opt" in found:  # a radio group: its state is the index of the chosen option
            state = str(value or "/Off").lstrip("/")
            options = [str(o) for o in found["/Opt"]]
            values[name] = options[int(state)] if state.isdigit() else None
        else:
            values[name] = value not in (None, "/Off")
    return values


def pdfinfo(path: Path) -> str:
    """poppler's ``pdfinfo`` report, spaces folded: ``Form: AcroForm``, ``Tagged: yes``."""
    out = subprocess.run(["pdfinfo", str(path)], check=True, capture_output=True, text=True)
    return "\n".join(" ".join(line.split()) for line in out.stdout.splitlines())


def margin_texts(path: Path, depth: float = 60.0) -> list[tuple[str, str]]:
    """Each page's running header and footer: the text within ``depth`` points of its top and
    bottom edges, through PDFium."""
    import pypdfium2 as pdfium

    document = pdfium.PdfDocument(path)
    try:
        found = []
        for index in range(len(document)):
            page = document[index]
            width, height = page.get_size()
            words = page.get_textpage()
            top = words.get_text_bounded(0, height - depth, width, height)
            bottom = words.get_text_bounded(0, 0, width, depth)
            found.append((" ".join(top.split()), " ".join(bottom.split())))
        return found
    finally:
        document.close()
