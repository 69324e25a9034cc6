"""Fillable packs: a pack's form filled as a PDF viewer would, imported, and built again.

Every test builds a real project, fills the built pack's form with pypdf, and
imports it with ``workbook answers import``; refusals must name why and keep
nothing under ``clients/<id>.answers/``.
"""

from __future__ import annotations

import io
import json
import re
import zipfile
from collections.abc import Callable
from pathlib import Path

import pypdf
import pytest
from click.testing import Result

from tests.pdf_tools import form_values, pdfinfo, text

PROGRAMME = """\
title: Mini Programme
summary: Two stages for tests.
stages:
  - id: start
    title: Getting started
    summary: The first stage.
    exercises: [fields]
  - id: later
    title: Later on
    summary: The second stage.
    exercises: [again]
"""
FIELDS = """\
---
title: Every field
kind: exercise
tracks: habits
---

::: {.prompt #story lines=3}
What brings you here?
:::

::: {.scale #confidence min=1 max=5 low="Not yet" high="Ready"}
How ready are you?
:::

::: {.checklist #steps}
- Ask for feedback {#ask}
- Write it down {#write}
:::

::: {.rating #habits scale=5 low="Rarely" high="Always"}
How often?

- I explain why {#why}
- I listen {#listen}
:::

::: {.table #plan columns="Step|Owner" rows=2}
What will you do?
:::
"""
AGAIN = """\
---
title: Every field again
kind: exercise
tracks: habits
---

::: {.rating #habits scale=5 low="Rarely" high="Always"}
How often now?

- I explain why {#why}
- I listen {#listen}
:::
"""
CLIENT = "name: Alex Example\ncoach: {name: Casey Coach}\nprogramme: mini\n"
FILLED = {
    "fields/story": "A new team, and a habit of doing it all myself.",
    "fields/confidence": "4",
    "fields/steps/write": True,
    "fields/habits/why": "2",
    "fields/habits/listen": "5",
    "fields/plan/1/1": "Map who decides what",
    "fields/plan/1/2": "Me",
}


@pytest.fixture
def project(make_project: Callable[..., Path]) -> Path:
    return make_project(
        {
            "workbook.yml": "release: all\nfirm: {id: harbour, name: Harbour}\n",
            "content/programmes/mini.yml": PROGRAMME,
            "content/exercises/fields.md": FIELDS,
            "content/exercises/again.md": AGAIN,
            "clients/alex.yml": CLIENT,
            "clients/sam.yml": CLIENT.replace("Alex", "Sam"),
        },
        mini=False,
    )


def build(cli: Callable[..., Result], root: Path, *args: str) -> Path:
    result = cli(["build", "--today", "2026-11-15", *args], root)
    assert result.exit_code == 0, result.output
    return root / "site"


def fill(pack: Path, values: dict[str, object], out: Path, *, password: str | None = None) -> Path:
    """Fill a pack's form as a PDF viewer does: text as text, a radio's chosen state, a tick."""
    reader = pypdf.PdfReader(pack)
    if password is not None:
        reader.decrypt(password)
    fields = reader.get_fields() or {}
    states: dict[str, str] = {}
    for name, value in values.items():
        found = fields[name]
        if "/Opt" in found:  # a radio group: the state is the index of the chosen option
            states[name] = f"/{[str(o) for o in found['/Opt']].index(str(value))}"
        elif value is True:
            states[name] = "/on"
        else:
            states[name] = str(value)
    writer = pypdf.PdfWriter(clone_from=reader)
    for page in writer.pages:
        writer.update_page_form_field_values(page, states, auto_regenerate=False)
    writer.add_metadata({"/ModDate": "D:20261120093000Z"})
    if password is not None:
        writer.encrypt(user_password=password, algorithm="AES-256")
    buffer = io.BytesIO()
    writer.write(buffer)
    out.write_bytes(buffer.getvalue())
    return out


def structure_kinds(pdf: Path) -> list[str]:
    """The type of every element of a PDF's structure tree, in reading order."""
    root = pypdf.PdfReader(pdf).trailer["/Root"]["/StructTreeRoot"].get_object()
    kinds: list[str] = []
    todo = [root]
    while todo:
        node = todo.pop()
        if "/S" in node:
            kinds.append(str(node["/S"]))
        kids = node.get("/K")
        kids = kids if isinstance(kids, list) else [kids] if kids is not None else []
        for kid in reversed(kids):
            kid = kid.get_object() if hasattr(kid, "get_object") else kid
            if isinstance(kid, dict) and kid.get("/Type") != "/OBJR" and "/MCID" not in kid:
                todo.append(kid)
    return kinds


def kept(root: Path, client: str = "alex") -> list[str]:
    folder = root / "clients" / f"{client}.answers"
    return sorted(p.name for p in folder.iterdir()) if folder.is_dir() else []


def test_a_pack_is_a_form_named_by_answer_ids(project: Path, cli: Callable[..., Result]) -> None:
    pack = build(cli, project) / "alex" / "packs" / "01-start.pdf"
    assert "Form: AcroForm" in pdfinfo(pack)
    values = form_values(pack)
    assert set(values) == {
        "fields/story",
        "fields/confidence",
        "fields/steps/ask",
        "fields/steps/write",
        "fields/habits/why",
        "fields/habits/listen",
        *(f"fields/plan/{r}/{c}" for r in (1, 2) for c in (1, 2)),
    }
    assert values["fields/story"] == "" and values["fields/confidence"] is None
    info = pypdf.PdfReader(pack).metadata or {}
    assert info["/workbookclient"] == "alex" and info["/workbookfirm"] == "harbour"
    assert info["/workbookprogramme"] == "mini" and info["/workbookstage"] == "01-start"
    # the printed look: the ruled lines and circles are drawn on the page itself
    xmp = pypdf.PdfReader(pack).xmp_metadata
    assert xmp is not None and b"pdfuaid" in xmp.stream.get_data()
    # PDF/UA: every field is a Form element of the structure tree, labelled by its question
    # (a widget each: 1 prompt, 5 scale buttons, 2 boxes, 2 × 5 rating buttons, 4 cells)
    assert structure_kinds(pack).count("/Form") == 22
    fields = pypdf.PdfReader(pack).get_fields() or {}
    assert fields["fields/story"]["/TU"] == "What brings you here?"
    assert fields["fields/confidence"]["/TU"] == "How ready are you?"
    assert fields["fields/habits/listen"]["/TU"] == "I listen"
    assert fields["fields/steps/ask"]["/TU"] == "Ask for feedback"


def test_a_filled_pack_comes_back(
    project: Path, cli: Callable[..., Result], tmp_path: Path
) -> None:
    site = build(cli, project)
    filled = fill(site / "alex" / "packs" / "01-start.pdf", FILLED, tmp_path / "filled.pdf")
    raw = filled.read_bytes()
    result = cli(["answers", "import", str(filled)], project)
    assert result.exit_code == 0, result.output
    assert "kept" in result.output and "5 answers new or changed" in result.output
    names = kept(project)
    assert len(names) == 2 and {Path(n).suffix for n in names} == {".json", ".pdf"}
    folder = project / "clients" / "alex.answers"
    assert next(folder.glob("*.pdf")).read_bytes() == raw  # the pack, byte for byte
    data = json.loads(next(folder.glob("*.json")).read_text(encoding="utf-8"))
    assert data["client"] == "alex" and data["format"] == "workbook-answers/1"
    assert data["answers"]["fields/confidence"] == {"value": 4, "updated": "2026-11-20T09:30:00Z"}
    assert data["answers"]["fields/steps"]["value"] == ["write"]
    assert data["answers"]["fields/habits"]["value"] == {"why": 2, "listen": 5}
    assert data["answers"]["fields/plan"]["value"] == [["Map who decides what", "Me"]]
    # the same pack again: kept once
    again = cli(["answers", "import", str(filled)], project)
    assert again.exit_code == 0 and "already kept" in again.output
    assert kept(project) == names

    site = build(cli, project)
    page = (site / "alex" / "01-start" / "fields.html").read_text(encoding="utf-8")
    assert "A new team, and a habit of doing it all myself.</textarea>" in page
    assert re.search(r'name="fields/confidence"[^>]*value="4"[^>]*checked', page)
    assert re.search(r'name="fields/steps" value="write" checked', page)
    assert re.search(r'name="fields/habits/listen"[^>]*value="5"[^>]*checked', page)
    assert 'value="Map who decides what"' in page
    progress = (site / "alex" / "progress.html").read_text(encoding="utf-8")
    assert "7 of 10" in progress  # the rating's total, charted: 2 + 5
    # the hand-off's archival pack prints the answers themselves, with no form
    result = cli(["build", "--today", "2026-11-15", "--bundle"], project)
    assert result.exit_code == 0, result.output
    with zipfile.ZipFile(site / "alex.zip") as z:
        (tmp_path / "record.pdf").write_bytes(z.read("alex/engagement-record.pdf"))
    assert "Form: none" in pdfinfo(tmp_path / "record.pdf")
    assert "A new team, and a habit of doing it all myself." in text(tmp_path / "record.pdf")
    values = form_values(site / "alex" / "packs" / "01-start.pdf")
    for name, value in FILLED.items():
        assert values[name] == value, name
    assert values["fields/steps/ask"] is False


def refused(cli: Callable[..., Result], root: Path, pdf: Path, *args: str) -> str:
    result = cli(["answers", "import", *args, str(pdf)], root)
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output
    assert kept(root) == [] and kept(root, "sam") == []
    return result.output


def test_refusals_keep_nothing(project: Path, cli: Callable[..., Result], tmp_path: Path) -> None:
    site = build(cli, project)
    pack = site / "alex" / "packs" / "01-start.pdf"
    # another client's pack, sent to this project under a profile it does not have
    other = fill(site / "sam" / "packs" / "01-start.pdf", FILLED, tmp_path / "sam.pdf")
    (project / "clients" / "sam.yml").unlink()
    assert "'sam', who is not a client of this project" in refused(cli, project, other)
    # a pack edited to add a field the workbook does not have
    writer = pypdf.PdfWriter(clone_from=pypdf.PdfReader(pack))
    writer.add_blank_page(200, 200)
    from pypdf.generic import DictionaryObject, NameObject, TextStringObject

    extra = DictionaryObject(
        {
            NameObject("/FT"): NameObject("/Tx"),
            NameObject("/T"): TextStringObject("fields/secret"),
            NameObject("/V"): TextStringObject("sneaky"),
        }
    )
    writer._root_object["/AcroForm"]["/Fields"].append(writer._add_object(extra))
    edited = tmp_path / "edited.pdf"
    writer.write(edited)
    assert "'fields/secret' is not in the client's workbook" in refused(cli, project, edited)
    # a value no field of its kind can hold: a scale answered with a word
    wrong = fill(pack, {"fields/story": "ok"}, tmp_path / "wrong.pdf")
    writer = pypdf.PdfWriter(clone_from=pypdf.PdfReader(wrong))
    for page in writer.pages:
        writer.update_page_form_field_values(
            page, {"fields/confidence": "/9"}, auto_regenerate=False
        )
    writer.write(tmp_path / "wrong2.pdf")
    assert "does not fit its .scale field" in refused(cli, project, tmp_path / "wrong2.pdf")
    # a truncated PDF
    cut = tmp_path / "cut.pdf"
    cut.write_bytes(pack.read_bytes()[: pack.stat().st_size // 2])
    assert "cut short" in refused(cli, project, cut)
    # a damaged one: its table of objects overwritten, its end marker still there
    data = bytearray(pack.read_bytes())
    data[-700:-7] = b"\0" * 693
    (tmp_path / "damaged.pdf").write_bytes(bytes(data))
    assert "damaged" in refused(cli, project, tmp_path / "damaged.pdf")
    # not a pack at all
    (tmp_path / "plain.pdf").write_bytes(b"%PDF-1.7\n%%EOF\n")
    assert "damaged" in refused(cli, project, tmp_path / "plain.pdf")
    # another firm's pack
    (project / "workbook.yml").write_text("release: all\nfirm: {id: other, name: Other}\n")
    assert "made by another firm ('harbour'" in refused(cli, project, pack)


def test_an_encrypted_pack_is_fillable_and_needs_its_passphrase(
    project: Path, cli: Callable[..., Result], tmp_path: Path
) -> None:
    env = {"WORKBOOK_PASSPHRASE": "correct-horse-battery"}
    result = cli(["build", "--today", "2026-11-15", "--encrypt", "--bundle"], project, env=env)
    assert result.exit_code == 0, result.output
    pack = next((project / "site").glob("*/packs/01-start.pdf"))
    assert pypdf.PdfReader(pack).is_encrypted
    # an encrypted client's hand-off: the encrypted site and the README, no answers in clear
    with zipfile.ZipFile(pack.parent.parent.with_suffix(".zip")) as z:
        names = set(z.namelist())
    top = pack.parent.parent.name
    assert f"{top}/README.txt" in names and f"{top}/workbook/packs/01-start.pdf" in names
    assert not {f"{top}/answers.json", f"{top}/answers.md", f"{top}/engagement-record.pdf"} & names
    assert "fields/story" in form_values(pack, password="correct-horse-battery")
    filled = fill(pack, FILLED, tmp_path / "filled.pdf", password="correct-horse-battery")
    without = cli(["answers", "import", str(filled)], project, env={"WORKBOOK_PASSPHRASE": ""})
    assert without.exit_code == 1 and "encrypted" in without.output
    assert kept(project) == []
    secrets = tmp_path / "passphrases.txt"
    secrets.write_text("alex: correct-horse-battery\nsam: another-one-here\n")
    result = cli(["answers", "import", "--passphrase-file", str(secrets), str(filled)], project)
    assert result.exit_code == 0, result.output
    assert len(kept(project)) == 2
