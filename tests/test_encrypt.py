"""Encrypted client sites: nothing readable without the passphrase, everything with it."""

from __future__ import annotations

import hashlib
import io
import json
import re
from pathlib import Path

import pytest
import yaml
from cryptography.exceptions import InvalidTag

from tests.conftest import MINI_CLIENT, run_workbook
from workbook.outputs import crypto
from workbook.outputs.encrypt import MANIFEST, open_page

PASS = "correct horse battery staple"
ENV = {"WORKBOOK_PASSPHRASE": PASS}
ANSWER_MARK = "Quietly-Unmistakable-Answer-7731"


def add_answer(root: Path, cid: str = "jordan-rivera", key: str = "about-you/strengths") -> None:
    folder = root / "clients" / f"{cid}.answers"
    folder.mkdir(parents=True, exist_ok=True)
    answers = {
        "format": "workbook-answers/1",
        "client": cid,
        "programme": "executive-coaching",
        "exported": "2026-11-22T10:00:00Z",
        "answers": {key: {"value": ANSWER_MARK, "updated": "2026-11-20T18:04:00Z"}},
    }
    (folder / "2026-11-22.json").write_text(json.dumps(answers), encoding="utf-8")


def secrets_of(profile: Path) -> list[str]:
    """The words of a profile that must never be readable in an encrypted site."""
    data = yaml.safe_load(profile.read_text(encoding="utf-8"))
    found = [data["name"], data.get("organisation")]
    found += [data.get("preferred_name") or data["name"].split()[0]]
    found += [g["title"] for g in data.get("goals", [])]
    found += [(data.get("sponsor") or {}).get("name")]
    found += list((data.get("about") or {}).get("strengths", []))
    return [s for s in found if s]


RANDOM = re.compile(rb'(data-(?:ciphertext|salt|nonce)="[^"]*")|"[A-Za-z0-9+/=_-]{16,}"')


def every_byte(folder: Path) -> bytes:
    """Every byte of every file, with the random payloads masked: a short secret such as
    'Noah' turns up by chance in a megabyte of base64 ciphertext, and that is not a leak."""
    data = b"\n".join(p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file())
    return RANDOM.sub(b"~", data)


def tree_hash(folder: Path) -> str:
    h = hashlib.sha256()
    for p in sorted(folder.rglob("*")):
        if p.is_file():
            h.update(p.relative_to(folder).as_posix().encode() + b"\0" + p.read_bytes())
    return h.hexdigest()


def test_encrypted_output_reveals_no_client_data_and_decrypts_to_the_page(
    example_project: Path, cli
) -> None:
    add_answer(example_project)
    clear = cli(["build", "--no-pdf", "--today", "2026-11-23", "--out", "clear"], example_project)
    assert clear.exit_code == 0, clear.output
    plain = (example_project / "clear/jordan-rivera/01-relationship/about-you.html").read_bytes()
    assert ANSWER_MARK.encode() in plain  # the answer is there to be hidden

    result = cli(
        ["build", "--no-pdf", "--today", "2026-11-23", "--encrypt", "--opaque-folders"],
        example_project,
        ENV,
    )
    assert result.exit_code == 0, result.output
    site = example_project / "site"
    folders = sorted(p.name for p in site.iterdir() if not p.name.startswith("."))
    assert len(folders) == 5 and not any("-" in f for f in folders)
    names = "\n".join(p.relative_to(site).as_posix() for p in site.rglob("*"))
    everything = every_byte(site) + names.encode()
    for profile in sorted((example_project / "clients").glob("*.yml")):
        for secret in [*secrets_of(profile), profile.stem]:
            for form in {secret, secret.replace("&", "&amp;"), secret.lower()}:
                assert form.encode() not in everything, (profile.name, form)
    assert ANSWER_MARK.encode() not in everything

    line = next(n for n in result.output.splitlines() if n.startswith("jordan-rivera:"))
    folder = site / line.split("site/")[1].rstrip("/")
    shell = (folder / "01-relationship/about-you.html").read_bytes()
    assert open_page(shell, PASS) == plain
    with pytest.raises(InvalidTag):
        open_page(shell, "not the passphrase")


def test_unchanged_build_is_byte_identical_and_a_change_touches_one_page(
    example_project: Path, cli
) -> None:
    args = ["build", "--no-pdf", "jordan-rivera", "--today", "2026-11-23", "--encrypt"]
    assert cli(args, example_project, ENV).exit_code == 0
    folder = example_project / "site/jordan-rivera"
    before = {p: p.read_bytes() for p in folder.rglob("*") if p.is_file()}
    first = tree_hash(folder)
    assert cli(args, example_project, ENV).exit_code == 0
    assert tree_hash(folder) == first

    add_answer(example_project)
    assert cli(args, example_project, ENV).exit_code == 0
    changed = sorted(
        p.relative_to(folder).as_posix()
        for p in folder.rglob("*")
        if p.is_file() and before.get(p) != p.read_bytes()
    )
    # the answered page, and the home and stage pages that count started exercises
    assert changed == sorted(
        [MANIFEST, "01-relationship/about-you.html", "01-relationship/index.html", "index.html"]
    )


def test_new_passphrase_means_new_salt(example_project: Path, cli) -> None:
    args = ["build", "--no-pdf", "jordan-rivera", "--today", "2026-11-23", "--encrypt"]
    cli(args, example_project, ENV)
    manifest = example_project / "site/jordan-rivera" / MANIFEST
    salt = json.loads(manifest.read_text())["salt"]
    assert cli(args, example_project, {"WORKBOOK_PASSPHRASE": "another one"}).exit_code == 0
    assert json.loads(manifest.read_text())["salt"] != salt
    shell = (example_project / "site/jordan-rivera/index.html").read_bytes()
    assert b"Jordan" in open_page(shell, "another one")


def test_encryption_needs_a_passphrase(make_project) -> None:
    root = make_project()
    result = run_workbook(["build", "--no-pdf", "--encrypt"], root, env={"WORKBOOK_PASSPHRASE": ""})
    assert result.returncode == 2
    assert "WORKBOOK_PASSPHRASE" in result.stderr and "Traceback" not in result.stderr
    assert not (root / "site").exists()


def test_passphrase_file_inside_the_project_is_refused(make_project, cli) -> None:
    root = make_project()
    result = cli(["build", "--no-pdf", "--encrypt", "--passphrase-file", "secret.txt"], root)
    assert result.exit_code == 2
    assert "inside the project folder" in result.output
    assert not (root / "secret.txt").exists()


def test_first_build_generates_passphrases_prints_them_once_and_saves_them(
    make_project, cli, tmp_path: Path
) -> None:
    root = make_project({"clients/bo.yml": MINI_CLIENT.replace("Alex", "Bo")})
    keys = tmp_path / "keys" / "passphrases"
    first = cli(["build", "--no-pdf", "--encrypt", "--passphrase-file", str(keys)], root, {})
    assert first.exit_code == 0, first.output
    saved = dict(
        line.split(": ", 1) for line in keys.read_text().splitlines() if not line.startswith("#")
    )
    assert sorted(saved) == ["alex", "bo"] and saved["alex"] != saved["bo"]
    assert f"new passphrase for alex: {saved['alex']}" in first.output
    assert keys.stat().st_mode & 0o077 == 0
    again = cli(["build", "--no-pdf", "--encrypt", "--passphrase-file", str(keys)], root, {})
    assert "new passphrase" not in again.output
    home = (root / "site/alex/index.html").read_bytes()
    assert b"Alex Example" in open_page(home, saved["alex"])
    assert saved["alex"] not in every_byte(root).decode("utf-8", "replace")


def test_one_line_passphrase_file_serves_every_client(make_project, cli, tmp_path: Path) -> None:
    root = make_project()
    keys = tmp_path / "one"
    keys.write_text("a shared passphrase: with a colon\n")
    assert (
        cli(["build", "--no-pdf", "--encrypt", "--passphrase-file", str(keys)], root, {}).exit_code
        == 0
    )
    assert b"Alex" in open_page((root / "site/alex/index.html").read_bytes(), keys.read_text())


def test_profile_or_settings_turn_encryption_on(make_project, cli) -> None:
    root = make_project(
        {
            "clients/alex.yml": MINI_CLIENT + "encrypt: true\n",
            "clients/bo.yml": MINI_CLIENT.replace("Alex", "Bo"),
        }
    )
    assert cli(["build", "--no-pdf"], root, ENV).exit_code == 0
    assert (root / "site/alex" / MANIFEST).is_file()
    assert b"Bo Example" in (root / "site/bo/index.html").read_bytes()


def test_opaque_folder_replaces_the_clear_site_and_prune_keeps_it(make_project, cli) -> None:
    root = make_project()
    assert cli(["build", "--no-pdf"], root).exit_code == 0
    assert (root / "site/alex/index.html").is_file()
    result = cli(["build", "--no-pdf", "--encrypt", "--opaque-folders", "--prune"], root, ENV)
    assert result.exit_code == 0, result.output
    folder = crypto.folder_name(PASS, "workbook", "alex")
    assert f"alex: encrypted, in site/{folder}/" in result.output
    assert "removed site/alex/" in result.output
    assert sorted(p.name for p in (root / "site").iterdir() if p.name[0] != ".") == [folder]


def test_calendar_and_other_files_are_left_out_unless_asked(make_project, cli) -> None:
    from workbook.load.job import BuildContext
    from workbook.load.project import load_project
    from workbook.outputs.encrypt import seal_files

    project = load_project(make_project())
    ctx = BuildContext(project.root, project.template_dirs, project.exercises)
    files = {
        "index.html": b"<p>Alex</p>",
        "calendar.ics": b"BEGIN:VCALENDAR\nSUMMARY:Alex\n",
        "assets/workbook.css": b"body{}",
    }
    sealed, problems = seal_files(ctx, files, passphrase=PASS, previous=None, lang="en")
    assert not problems and sealed is not None
    assert sorted(sealed.files) == [MANIFEST, "assets/workbook.css", "index.html"]
    assert sealed.left_out == ("calendar.ics",)
    kept, _ = seal_files(
        ctx,
        files,
        passphrase=PASS,
        previous=None,
        lang="en",
        keep_clear=frozenset({"calendar.ics"}),
    )
    assert kept is not None and kept.files["calendar.ics"] == files["calendar.ics"]


def _pdf_with(text: str) -> bytes:
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(width=200, height=200)
    writer.add_metadata({"/Title": text, "/Author": text})
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def test_packs_get_an_aes_256_password(make_project) -> None:
    from pypdf import PdfReader

    from workbook.load.job import BuildContext
    from workbook.load.project import load_project
    from workbook.outputs.encrypt import seal_files

    project = load_project(make_project())
    ctx = BuildContext(project.root, project.template_dirs, project.exercises)
    pdf = _pdf_with("Workbook of Alex Example")
    assert b"Alex Example" in pdf
    sealed, _ = seal_files(
        ctx, {"packs/01-start.pdf": pdf}, passphrase=PASS, previous=None, lang="en"
    )
    assert sealed is not None
    locked = sealed.files["packs/01-start.pdf"]
    assert b"Alex Example" not in locked
    reader = PdfReader(io.BytesIO(locked))
    assert reader.is_encrypted
    assert reader.decrypt("wrong") == 0
    assert reader.decrypt(PASS) != 0
    assert reader.metadata is not None and reader.metadata.title == "Workbook of Alex Example"
    assert "/AESV3" in str(reader.trailer["/Encrypt"]["/CF"])


def test_real_packs_are_encrypted_pdfs_that_open_with_the_passphrase(make_project, cli) -> None:
    from pypdf import PdfReader

    root = make_project()
    result = cli(["build", "--encrypt", "--today", "2026-11-23"], root, ENV)
    assert result.exit_code == 0, result.output
    pack = root / "site/alex/packs/01-start.pdf"
    reader = PdfReader(io.BytesIO(pack.read_bytes()))
    assert reader.is_encrypted
    assert b"Alex Example" not in pack.read_bytes()
    assert reader.decrypt(PASS) != 0
    assert "Alex Example" in "".join(page.extract_text() for page in reader.pages)
