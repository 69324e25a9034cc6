"""What a pack may load: files from the project's asset folders and ``data:image/*``, nothing else.

WeasyPrint's default fetcher reads any file on the coach's disk, fetches from
the network and embeds ``rel="attachment"`` targets into the PDF. A pack is
handed to a client, so content must never reach outside the project. Three
layers keep it in:

* before rendering, each exercise's Markdown and the pack's HTML are scanned
  (:func:`scan_markdown`, :func:`scan_html`): ``file://`` URLs, absolute paths,
  network images and attachments are problems naming the exercise or template;
* while rendering, ``pack_render.PackFetcher`` serves only files that
  :class:`Assets` resolves inside the asset folders (checked with
  ``Path.is_relative_to`` after resolving) and ``data:image/*``; anything else
  stops the render (a fatal fetch error, not a logged warning); it never
  touches the network, so it follows no redirects;
* WeasyPrint gets :data:`BASE_URL`, a name that is no disk path, so no
  ``file://`` link to the coach's disk can be written; :func:`clean_links`
  drops what is left of relative links and refuses anything unexpected.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path, PurePosixPath
from typing import ClassVar
from urllib.parse import unquote

from markdown_it import MarkdownIt

# Relative URLs in a pack resolve against this; ".invalid" never resolves (RFC 2606).
BASE_URL = "https://pack.workbook.invalid/"
_SCHEME = re.compile(r"^([a-z][a-z0-9+.-]*):", re.IGNORECASE)
_FIX = (
    "packs load only files from the project's asset folders: put the file in assets/ "
    "and give a relative path such as assets/diagram.png"
)


def url_problem(url: str, *, loads: bool) -> str | None:
    """Why a URL has no place in a pack, or None. ``loads``: an image or stylesheet, not a link."""
    url = url.strip()
    if url.startswith(("/", "\\")) or re.match(r"^[A-Za-z]:[\\/]", url):
        return "an absolute path reaches outside the project"
    scheme = _SCHEME.match(url)
    name = scheme.group(1).lower() if scheme else ""
    if name == "file":
        return "a file:// URL reaches the disk of whoever builds the pack"
    if not loads:
        return None if name in ("", "https", "http", "mailto") else f"a {name}: link"
    if name == "data":
        return None if url[5:].lower().startswith("image/") else "only data:image/* is allowed"
    if name:
        return f"a {name}: URL would load from the network"
    parts = PurePosixPath(unquote(url.split("?")[0].split("#")[0])).parts
    return "'..' climbs out of the asset folders" if ".." in parts else None


# ---- before rendering -------------------------------------------------------------------


def _scanner() -> MarkdownIt:
    """CommonMark that keeps every link, so refused ones can be reported (the site drops them)."""
    md = MarkdownIt("commonmark", {"html": False}).enable("table")
    md.validateLink = lambda url: True  # type: ignore[method-assign]
    return md


_SCAN = _scanner()


def scan_markdown(text: str) -> list[tuple[int, str]]:
    """(line, message) for each image or link in an exercise's Markdown that a pack refuses."""
    found: list[tuple[int, str]] = []
    for block in _SCAN.parse(text):
        line = block.map[0] + 1 if block.map else 0
        for tok in block.children or []:
            if tok.type == "image":
                url, what = str(tok.attrGet("src") or ""), "image"
            elif tok.type == "link_open":
                url, what = str(tok.attrGet("href") or ""), "link"
            else:
                continue
            why = url_problem(url, loads=what == "image")
            if why:
                found.append((line, f"the {what} '{url[:80]}' cannot go in a pack: {why}"))
    return found


class _Links(HTMLParser):
    """Collects every URL an HTML document would load or link, and attachment relations."""

    LOADS: ClassVar[frozenset[tuple[str, str]]] = frozenset(
        {("img", "src"), ("link", "href"), ("object", "data"), ("embed", "src")}
        | {("image", "href"), ("image", "xlink:href"), ("use", "href"), ("source", "src")}
        | {("iframe", "src"), ("video", "src"), ("audio", "src"), ("input", "src")}
    )

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {k.lower(): v or "" for k, v in attrs}
        if "attachment" in values.get("rel", "").lower().split():
            self.found.append(f'<{tag} rel="attachment"> would embed a file in the PDF')
        for (t, a), url in (
            (k, values[k[1]]) for k in self.LOADS if k[0] == tag and k[1] in values
        ):
            why = url_problem(url, loads=True)
            if why and not (t == "link" and "stylesheet" not in values.get("rel", "")):
                self.found.append(f'<{t} {a}="{url[:80]}">: {why}')
        if tag == "a" and "href" in values and (why := url_problem(values["href"], loads=False)):
            self.found.append(f"the link '{values['href'][:80]}': {why}")
        if "style" in values and re.search(
            r"url\(\s*['\"]?\s*(?!data:image/)[a-z]+:", values["style"], re.I
        ):
            self.found.append("a style attribute loads a URL")


def scan_html(html: str) -> list[str]:
    """What in a pack's HTML would load from outside the project or attach a file."""
    parser = _Links()
    parser.feed(html)
    parser.close()
    return parser.found


# ---- while rendering --------------------------------------------------------------------


@dataclass
class Assets:
    """The folders a pack may read, in lookup order, and named single files (the firm's logo).

    A URL ``assets/<path>`` is looked up in each folder in turn, like the site's
    assets: the project's ``templates/assets``, the shipped defaults, then the
    project's own ``assets/``.
    """

    folders: tuple[Path, ...]
    files: dict[str, Path] = field(default_factory=dict)

    def resolve(self, relative: str) -> Path | None:
        """The file a relative URL names, only if it is inside an allowed folder."""
        if relative in self.files:
            return self.files[relative]
        rel = PurePosixPath(relative)
        if rel.is_absolute() or ".." in rel.parts or not rel.parts or rel.parts[0] != "assets":
            return None
        for folder in self.folders:
            base = folder.resolve()
            candidate = (base / Path(*rel.parts[1:])).resolve()
            if candidate.is_relative_to(base) and candidate.is_file():
                return candidate
        return None

    def digest(self, relative: str) -> str | None:
        """SHA-256 of the file a URL names now (the pack cache compares it)."""
        path = self.resolve(relative)
        return hashlib.sha256(path.read_bytes()).hexdigest() if path else None


# ---- after layout -----------------------------------------------------------------------


def clean_links(pages: list) -> list[str]:  # type: ignore[type-arg]
    """Drop links that only make sense on the site; return what must not be in a PDF.

    Relative links (to other pages of the site) resolve against :data:`BASE_URL`
    and mean nothing on paper: they are removed, their text stays.
    """
    refused: list[str] = []
    for page in pages:
        kept = []
        for link in page.links:
            kind, target = link[0], link[1]
            if kind == "internal":
                kept.append(link)
            elif kind == "external" and target.startswith(BASE_URL):
                continue
            elif kind == "external" and target.lower().startswith(("https:", "http:", "mailto:")):
                kept.append(link)
            else:
                refused.append(f"a {kind} link to '{target[:80]}'")
        page.links[:] = kept
    return refused
