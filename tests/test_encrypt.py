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
from workbook.outputs.encrypt import SiteSeal, open_page

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


def salt_of(shell: bytes) -> str:
    found = re.search(rb'data-salt="([^"]+)"', shell)
    assert found is not None
    return found.group(1).decode()


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

    line = next(n for n in result.output.splitlines() if n.startswith("jordan-rivera: encrypted"))
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
        ["01-relationship/about-you.html", "01-relationship/index.html", "index.html"]
    )


def test_new_passphrase_means_new_salt(example_project: Path, cli) -> None:
    args = ["build", "--no-pdf", "jordan-rivera", "--today", "2026-11-23", "--encrypt"]
    cli(args, example_project, ENV)
    home = example_project / "site/jordan-rivera/index.html"
    salt = salt_of(home.read_bytes())
    assert cli(args, example_project, {"WORKBOOK_PASSPHRASE": "another one"}).exit_code == 0
    assert salt_of(home.read_bytes()) != salt
    shell = home.read_bytes()
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
    assert b"data-ciphertext" in (root / "site/alex/index.html").read_bytes()
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


def _seal(make_project, keep_clear: frozenset[str] = frozenset()):  # type: ignore[no-untyped-def]
    from workbook.load.project import load_project
    from workbook.render.context import RenderContext

    project = load_project(make_project())
    ctx = RenderContext(project.root, tuple(project.template_dirs), project.exercises)
    return SiteSeal(PASS, b"0123456789abcdef", ctx.template("locked.html"), "en", keep_clear)


def test_calendar_and_other_files_are_left_out_unless_asked(make_project) -> None:
    seal = _seal(make_project)
    assert seal.published("index.html") and seal.published("assets/workbook.css")
    assert not seal.published("calendar.ics")
    assert seal.seal("assets/workbook.css", b"body{}") == b"body{}"
    shell = seal.seal("index.html", b"<p>Alex</p>")
    assert b"Alex" not in shell and open_page(shell, PASS) == b"<p>Alex</p>"
    kept = _seal(make_project, frozenset({"calendar.ics"}))
    assert kept.published("calendar.ics")
    assert kept.seal("calendar.ics", b"BEGIN:VCALENDAR") == b"BEGIN:VCALENDAR"


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

    pdf = _pdf_with("Workbook of Alex Example")
    assert b"Alex Example" in pdf
    locked = _seal(make_project).seal("packs/01-start.pdf", pdf)
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


def test_unchanged_encrypted_build_derives_no_key_and_a_change_derives_one(
    make_project, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The key is derived at most once per client per build, and not at all for a no-op."""
    from workbook.build.options import BuildOptions
    from workbook.build.run import run

    root = make_project()
    monkeypatch.setenv("WORKBOOK_PASSPHRASE", PASS)
    options = BuildOptions(pdf=False, encrypt=True, jobs=1)
    calls: list[bytes] = []
    real = crypto.derive_key

    def counting(passphrase: str, salt: bytes, iterations: int = crypto.ITERATIONS) -> bytes:
        calls.append(salt)
        return real(passphrase, salt, iterations)

    monkeypatch.setattr(crypto, "derive_key", counting)
    first = run(root, options)
    assert first.built == ["alex"] and len(calls) == 1
    site = root / "site/alex"
    before = {p: p.read_bytes() for p in site.rglob("*") if p.is_file()}
    calls.clear()
    again = run(root, options, noop_checked=True)  # past the quick check: every task looked at
    assert again.unchanged == ["alex"] and calls == []
    assert {p: p.read_bytes() for p in site.rglob("*") if p.is_file()} == before
    exercise = root / "content/exercises/hello.md"
    exercise.write_text(exercise.read_text().replace("What brings", "What, truly, brings"))
    changed = run(root, options)
    assert changed.built == ["alex"] and len(calls) == 1
    rewritten = sorted(
        p.relative_to(site).as_posix()
        for p in site.rglob("*")
        if p.is_file() and before.get(p) != p.read_bytes()
    )
    # the stage page and home read the exercise too, but their content is the same: kept
    assert rewritten == ["01-start/hello.html"]
    assert b"What, truly, brings" in open_page((site / "01-start/hello.html").read_bytes(), PASS)


def test_no_key_material_is_written_under_the_output(make_project, cli) -> None:
    root = make_project()
    assert cli(["build", "--no-pdf", "--encrypt"], root, ENV).exit_code == 0
    names = sorted(p.relative_to(root / "site").as_posix() for p in (root / "site").rglob("*"))
    assert not any(n.startswith(".") or "/." in n for n in names), names
    record = json.loads((root / ".workbook/cache/site/clients/alex.json").read_text())
    assert set(record["sealed"]) == {"salt", "check", "fingerprint"}
    assert PASS not in (root / ".workbook").joinpath("cache/site/clients/alex.json").read_text()
