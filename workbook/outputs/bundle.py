"""``--bundle``: the hand-off, a client's whole engagement as ``<folder>.zip``, for keeping.

The zip holds one top-level folder named like the client's folder, so it
unpacks into one place whatever the unpacking tool does:

```
<folder>/README.txt              how to open it, in a few lines for the client
<folder>/workbook/               the site, with its packs (index.html opens it)
<folder>/engagement-record.pdf   the engagement pack as PDF/A-3b, the answers attached
<folder>/answers.json            the client's answers, workbook-answers/1
<folder>/answers.md              the same answers to read, by exercise and question
```

The archival pack is the one pack with an attachment: the client's own answers
as their ``workbook-answers/1`` file. An encrypted client's bundle holds the
encrypted folder and the README alone: answers in clear, or a PDF/A (which
cannot be encrypted), would undo the encryption. Entries are sorted and dated
with the build's ``today``, with fixed permissions, so the same inputs give
the same bytes.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import zipfile
from pathlib import Path
from typing import Any

from workbook.load.answers import FORMAT
from workbook.outputs import export
from workbook.outputs.base import ClientWork, PdfJob
from workbook.outputs.earlier import earlier_known
from workbook.render.client_fields import KnownField
from workbook.render.recording import Reader

SITE = "workbook"
ARCHIVE = "engagement-record.pdf"
README = """\
{name}: your coaching workbook
{rule}

This folder keeps your whole coaching engagement with {coach} ({firm}), as it
stood on {date}.

- workbook/index.html opens your workbook in any web browser, with no internet
  connection needed. Start there.
- workbook/packs/ holds the printable packs, one per stage, and engagement.pdf.
  They can also be filled in on screen in a PDF reader and sent back to your coach.
{extra}
Keep the folder together: the pages link to one another by their places in it.
"""
EXTRA = """\
- engagement-record.pdf is the record of your engagement for keeping, in an
  archival PDF that carries your answers inside it.
- answers.md holds your answers to read; answers.json holds the same answers
  in the file format your workbook saves and loads.
"""
LOCKED = """\
- Your workbook is protected by your passphrase: your browser asks for it
  when you open a page, and your PDF reader when you open a pack.
"""


def answers_document(work: ClientWork, today: dt.date) -> bytes:
    """The client's current answers as a ``workbook-answers/1`` file (docs/answers.md)."""
    job = work.job
    doc = {
        "format": FORMAT,
        "client": job.client.id,
        "programme": job.programme.id,
        "exported": f"{today.isoformat()}T00:00:00Z",
        "answers": {
            key: {"value": a.value, "updated": a.updated}
            for key, a in sorted(job.answers.current.items())
        },
    }
    return (json.dumps(doc, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


def archival_pack(work: ClientWork, answers: bytes, today: dt.date) -> bytes | None:
    """The engagement pack as PDF/A-3b with the answers attached; None when it cannot be made."""
    from workbook.outputs import pack
    from workbook.outputs.pack_render import RenderTask, render_pdf

    task = next((t for t in pack.plan(work) if t.key == "pack:packs/engagement.pdf"), None)
    if task is None:
        return None
    made, problems = task.make(Reader(work.inputs))
    job = made.get("packs/engagement.pdf")
    if problems or not isinstance(job, PdfJob):
        return None
    result = render_pdf(
        RenderTask(ARCHIVE, job.html, job.assets, job.label, attachment=answers, attached_on=today)
    )
    return result.pdf


def handoff_files(
    work: ClientWork, fields: dict[str, KnownField], today: dt.date, *, sealed: bool
) -> dict[str, bytes]:
    """What the bundle holds beside the site: the README, and unless sealed, the answers."""
    job = work.job
    settings: Any = job.settings
    files: dict[str, bytes] = {}
    extra = LOCKED
    if not sealed:
        answers = answers_document(work, today)
        files["answers.json"] = answers
        rows = export.rows(job, fields, job.answers, earlier_known(work))
        files["answers.md"] = export.render("md", job, rows).encode("utf-8")
        record = archival_pack(work, answers, today) if work.pdf else None
        if record is not None:
            files[ARCHIVE] = record
        extra = EXTRA
    title = f"{job.client.name}: your coaching workbook"
    files["README.txt"] = README.format(
        name=job.client.name,
        rule="=" * len(title),
        coach=job.client.coach.name,
        firm=settings.firm.name,
        date=today.isoformat(),
        extra=extra,
    ).encode("utf-8")
    return files


def zip_folder(
    folder: Path, today: dt.date, top: str = "", extras: dict[str, bytes] | None = None
) -> bytes:
    """Every file under ``folder`` (dot-files left out) in ``top/workbook/``, with ``extras``
    in ``top/``, deterministically; with no ``top``, the folder's files at the root."""
    stamp = (max(today.year, 1980), today.month, today.day, 0, 0, 0)
    site = f"{top}/{SITE}/" if top else ""
    entries: dict[str, bytes] = {f"{top}/{name}": data for name, data in (extras or {}).items()}
    for path in sorted(folder.rglob("*"), key=lambda p: p.relative_to(folder).as_posix()):
        relative = path.relative_to(folder)
        if (
            not path.is_file()
            or path.is_symlink()
            or any(p.startswith(".") for p in relative.parts)
        ):
            continue
        entries[site + relative.as_posix()] = path.read_bytes()
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=6) as archive:
        for name in sorted(entries):
            info = zipfile.ZipInfo(name, date_time=stamp)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            info.create_system = 3  # Unix, so the permissions above are read
            archive.writestr(info, entries[name])
    return buffer.getvalue()
