"""The workbook's own words in the client's language: complete catalogs, a current template,
pages, scripts, calendars and packs with no English left, CLDR dates, project catalogs,
and a language no catalog serves refused at its line."""

from __future__ import annotations

import datetime as dt
import html
import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from babel.dates import format_date
from babel.messages.pofile import read_po

from tests.conftest import REPO, copy_example, run_workbook
from workbook.load import catalogs
from workbook.render import i18n

LOCALE = REPO / "workbook" / "locale"
POT = LOCALE / "workbook.pot"
SHIPPED = catalogs.shipped_languages()
TRANSLATED = [lang for lang in SHIPPED if lang != "en"]
TODAY = dt.date(2026, 12, 1)
CLIENT = "amara-okafor"  # answers over time, goals past their date, sessions held and to come


def template() -> list:
    with POT.open("rb") as handle:
        return [m for m in read_po(handle) if m.id]


def key(message) -> tuple:
    return (message.context, message.id)


def shipped(lang: str):
    with (LOCALE / lang / "LC_MESSAGES" / "workbook.po").open("rb") as handle:
        return read_po(handle)


# ---- the catalogs ------------------------------------------------------------------------


def test_the_template_is_current_with_the_sources(tmp_path):
    out = tmp_path / "fresh.pot"
    run = subprocess.run(
        [sys.executable, "-c", "from babel.messages.frontend import main; main()", "extract",
         "-F", "babel.cfg", "-o", str(out), "--add-location=file", "."],
        cwd=REPO, capture_output=True, text=True,
    )  # fmt: skip
    assert run.returncode == 0, run.stderr
    with out.open("rb") as handle:
        fresh = {key(m) for m in read_po(handle) if m.id}
    kept = {key(m) for m in template()}
    assert fresh - kept == set(), "new messages: run the refresh command in docs/languages.md"
    assert kept - fresh == set(), "messages gone from the sources are still in workbook.pot"


@pytest.mark.parametrize("lang", SHIPPED)
def test_every_message_of_a_shipped_catalog_is_translated(lang):
    catalog = shipped(lang)
    wanted = {key(m) for m in template()}
    have = {key(m) for m in catalog if m.id}
    assert wanted - have == set(), f"{lang}: messages missing from the catalog"
    assert have - wanted == set(), f"{lang}: messages the template no longer has"
    for message in catalog:
        if not message.id:
            continue
        assert not message.fuzzy, f"{lang}: fuzzy: {message.id!r}"
        strings = message.string if isinstance(message.id, tuple) else (message.string,)
        assert all(strings), f"{lang}: untranslated: {message.id!r}"
        if isinstance(message.id, tuple):
            assert len(strings) == catalog.num_plurals, f"{lang}: plural forms of {message.id!r}"
        assert catalogs.fits(message), f"{lang}: placeholders of {message.id!r}"


def test_arabic_has_six_plural_forms_when_it_is_shipped():
    if "ar" not in SHIPPED:
        pytest.skip("no Arabic catalog on this branch")
    assert shipped("ar").num_plurals == 6


def test_a_regional_tag_falls_back_to_its_base_without_regard_to_case():
    assert catalogs.serve_language("fr-CA", ["en", "fr"]) == "fr"
    assert catalogs.serve_language("FR", ["en", "fr"]) == "fr"
    assert catalogs.serve_language("pt-BR", ["pt-BR", "pt"]) == "pt-BR"
    assert catalogs.serve_language("tlh", ["en", "fr"]) is None
    assert catalogs.translations("fr-CA").gettext("Home") == "Accueil"


def test_dates_and_numbers_are_cldrs():
    day = dt.date(2026, 12, 1)
    assert i18n.format_long_date(day, "en") == "1 December 2026"
    assert i18n.format_long_date(day, "en-US") == "December 1, 2026"
    assert i18n.format_long_date(day, "fr") == "1 décembre 2026"
    assert i18n.format_long_date(day, "de") == "1. Dezember 2026"
    assert i18n.format_long_date(day, "ar") == format_date(day, "long", locale="ar")
    assert i18n.format_clock("09:30", "en-US") == "9:30\u202fAM"
    assert i18n.format_number(1234, "fr") == "1\u202f234"


# ---- a client in each shipped language ------------------------------------------------------


def visible(page: str) -> str:
    """The words a reader sees on a page (script data and styles left out)."""
    page = re.sub(r"<(script|style)[^>]*>.*?</\1>", " ", page, flags=re.S)
    page = re.sub(r"</?bdi>", "", page)
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", page)).split())


def english_phrases(lang: str, content: str) -> list[str]:
    """The interface's English that must not show in ``lang``: each message's literal pieces
    (placeholders cut out) long enough to mean something, where the translation differs,
    and that the project's own content does not also say."""
    words = catalogs.translations(lang)
    phrases = set()
    for message in template():
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        if message.context:
            translated = words.pgettext(message.context, ids[0])
        elif len(ids) > 1:
            translated = words.ngettext(ids[0], ids[1], 2)
        else:
            translated = words.gettext(ids[0])
        for text in ids:
            if text == translated:
                continue
            for piece in re.split(r"%\(\w+\)s|[“”\"()]", text):
                piece = piece.strip(" .,:;·—")
                if len(piece) >= 12 and piece not in content and piece not in translated:
                    phrases.add(piece)
    return sorted(phrases)


def ics_text(data: bytes) -> str:
    unfolded = re.sub(r"\r\n[ \t]", "", data.decode("utf-8"))
    return unfolded.replace("\\n", " ").replace("\\,", ",").replace("\\;", ";")


def pdf_text(path: Path) -> str:
    run = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True)
    assert run.returncode == 0, run.stderr
    return " ".join(run.stdout.split())


@pytest.fixture(scope="module", params=TRANSLATED or ["none"])
def built(request, tmp_path_factory):
    lang = request.param
    if lang == "none":
        pytest.skip("no translated catalog on this branch")
    root = copy_example(tmp_path_factory.mktemp(f"lang-{lang}") / "project")
    settings = root / "workbook.yml"
    settings.write_text(
        re.sub(r"(?m)^language: .*$", f"language: {lang}", settings.read_text(encoding="utf-8")),
        encoding="utf-8",
    )
    for args in ([CLIENT], ["--edition", "coach", "--no-pdf", CLIENT]):
        run = run_workbook(["build", "--today", TODAY.isoformat(), *args], root)
        assert run.returncode == 0, run.stdout + run.stderr
        assert "Traceback" not in run.stderr
    content = " ".join(
        " ".join(p.read_text(encoding="utf-8").split())
        for folder in ("content", "clients")
        for p in (root / folder).rglob("*")
        if p.is_file() and p.suffix in (".md", ".yml", ".json")
    )
    return lang, root, english_phrases(lang, content)


BIDI_MARKS = dict.fromkeys(
    map(ord, "\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"), " "
)


def pdf_lines(path: Path) -> list[list[str]]:
    """Each line of a PDF's text as its words; the direction marks poppler adds part words."""
    run = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True)
    assert run.returncode == 0, run.stderr
    return [line.translate(BIDI_MARKS).split() for line in run.stdout.splitlines()]


def on_a_line(lines: list[list[str]], words: list[str], figures: int = 0) -> bool:
    """Whether one line holds every one of ``words`` and at least ``figures`` numbers."""
    return any(
        all(w in line for w in words) and sum(w.isdigit() for w in line) >= figures
        for line in lines
    )


def leaks(text: str, phrases: list[str]) -> list[str]:
    return [p for p in phrases if p in text]


def test_site_pages_have_no_english_interface_words(built):
    lang, root, phrases = built
    site = root / "site" / CLIENT
    pages = sorted(site.rglob("*.html"))
    assert len(pages) > 10
    for page in pages:
        text = visible(page.read_text(encoding="utf-8"))
        assert leaks(text, phrases) == [], page.relative_to(site)
        assert f'<html lang="{lang}"' in page.read_text(encoding="utf-8")


def test_the_progress_page_is_dated_in_the_languages_long_form(built):
    lang, root, _ = built
    page = (root / "site" / CLIENT / "progress.html").read_text(encoding="utf-8")
    assert format_date(TODAY, "long", locale=lang) in visible(page)
    assert "December" not in visible(page) or lang == "en"


def test_the_script_carries_its_messages_in_the_language(built):
    lang, root, phrases = built
    page = (root / "site" / CLIENT / "index.html").read_text(encoding="utf-8")
    found = re.search(r'<script type="application/json" id="wb-strings">(.*?)</script>', page)
    assert found
    strings = json.loads(found.group(1))
    words = catalogs.translations(lang)
    assert strings["plural"] == catalogs.plural_expression(lang)
    assert strings["messages"]["Saved"] == words.gettext("Saved") != "Saved"
    for message in strings["messages"].values():
        for text in message if isinstance(message, list) else [message]:
            assert leaks(text, phrases) == [], text


def test_the_calendar_speaks_the_language(built):
    lang, root, phrases = built
    text = ics_text((root / "site" / CLIENT / "calendar.ics").read_bytes())
    assert "SUMMARY:" in text
    assert leaks(text, phrases) == []
    words = catalogs.translations(lang)
    assert words.gettext("Coaching with %(coach)s") % {"coach": "Helen Ashworth"} in text


def test_the_packs_speak_the_language(built):
    lang, root, phrases = built
    packs = sorted((root / "site" / CLIENT / "packs").glob("*.pdf"))
    assert packs
    words = catalogs.translations(lang)
    for pack in (packs[0], root / "site" / CLIENT / "packs" / "engagement.pdf"):
        text = pdf_text(pack)
        assert leaks(text, phrases) == [], pack.name
        # the words of the build date, and of a page counter with its two figures, on one
        # line: right to left, pdftotext gives the words in the order they are drawn
        lines = pdf_lines(pack)
        assert on_a_line(lines, format_date(TODAY, "long", locale=lang).split())
        footer = re.sub(r"%\(pages?\)s", " ", words.gettext("Page %(page)s of %(pages)s"))
        assert on_a_line(lines, footer.split(), figures=2), footer


def test_the_coachs_desk_and_preparation_page_speak_the_firms_language(built):
    _, root, phrases = built
    coach = root / "coach"
    for page in (coach / "index.html", coach / CLIENT / "next-session.html"):
        assert leaks(visible(page.read_text(encoding="utf-8")), phrases) == [], page.name


# ---- a firm's own words --------------------------------------------------------------------


OVERRIDE = """\
msgid ""
msgstr ""
"Content-Type: text/plain; charset=UTF-8\\n"

msgid "Your stages"
msgstr "Your path"

msgid "Welcome, %(name)s"
msgstr "Hello again, %(name)s"
"""

DUTCH = """\
msgid ""
msgstr ""
"Language: nl\\n"
"Plural-Forms: nplurals=2; plural=(n != 1);\\n"

msgid "Your stages"
msgstr "Uw etappes"
"""


def test_a_project_catalog_overrides_shipped_words_and_adds_a_language(tmp_path):
    root = copy_example(tmp_path / "project")
    for client in (root / "clients").glob("*.yml"):
        if client.stem != CLIENT:
            client.unlink()
    (root / "translations").mkdir()
    (root / "translations" / "en.po").write_text(OVERRIDE, encoding="utf-8")
    run = run_workbook(["build", "--no-pdf", "--today", TODAY.isoformat()], root)
    assert run.returncode == 0, run.stderr
    home = visible((root / "site" / CLIENT / "index.html").read_text(encoding="utf-8"))
    assert "Your path" in home and "Your stages" not in home
    assert "Hello again, Amara" in home
    # a new language: servable because the project has a catalog for it; the rest is English
    (root / "translations" / "nl.po").write_text(DUTCH, encoding="utf-8")
    profile = root / "clients" / f"{CLIENT}.yml"
    profile.write_text(profile.read_text(encoding="utf-8") + "language: nl\n", encoding="utf-8")
    run = run_workbook(["build", "--no-pdf", "--today", TODAY.isoformat()], root)
    assert run.returncode == 0, run.stderr
    page = (root / "site" / CLIENT / "index.html").read_text(encoding="utf-8")
    assert '<html lang="nl"' in page
    assert "Uw etappes" in visible(page) and "Skip to content" in visible(page)
    # an edited catalog rebuilds the pages that used it
    (root / "translations" / "nl.po").write_text(DUTCH.replace("Uw etappes", "Uw fasen"))
    run = run_workbook(["build", "--no-pdf", "--today", TODAY.isoformat()], root)
    assert run.returncode == 0, run.stderr
    page = (root / "site" / CLIENT / "index.html").read_text(encoding="utf-8")
    assert "Uw fasen" in visible(page)


def test_a_malformed_project_catalog_is_told_at_its_line(tmp_path):
    root = copy_example(tmp_path / "project")
    (root / "translations").mkdir()
    po = root / "translations" / "de.po"
    po.write_text('msgid "Home"\nmsgstr "Start"\n\nmsgid "Your stages\nmsgstr "x"\n')
    run = run_workbook(["check"], root)
    assert run.returncode == 1
    assert "translations/de.po:4: a line of the catalog is not a keyword" in run.stdout + run.stderr
    po.write_text('msgid "Welcome, %(name)s"\nmsgstr "Willkommen, %(nmae)s"\n')
    run = run_workbook(["check"], root)
    assert run.returncode == 1
    out = run.stdout + run.stderr
    assert "translations/de.po:1: the translation of 'Welcome, %(name)s' does not fit it" in out
    assert "Traceback" not in out


# ---- the language is checked ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("tag", "said"),
    [
        ("'xx!'", "'language' is not a language tag: 'xx!'"),
        ("tlh", "no catalog serves the language 'tlh': this project can serve "),
    ],
)
def test_a_language_the_project_cannot_serve_is_a_located_error(tmp_path, tag, said):
    root = copy_example(tmp_path / "project")
    settings = root / "workbook.yml"
    text = settings.read_text(encoding="utf-8")
    line = text[: text.index("\nlanguage:")].count("\n") + 2
    settings.write_text(re.sub(r"(?m)^language: .*$", f"language: {tag}", text), encoding="utf-8")
    for command in (["check"], ["build", "--no-pdf"]):
        run = run_workbook(command, root)
        out = run.stdout + run.stderr
        assert run.returncode == 1, out
        assert f"workbook.yml:{line}:" in out and said in out
        assert "Traceback" not in out
    if tag == "tlh":
        assert ", ".join(catalogs.available_languages(root)) in out


def test_a_profiles_language_is_checked_in_the_profile(tmp_path):
    root = copy_example(tmp_path / "project")
    profile = root / "clients" / f"{CLIENT}.yml"
    lines = profile.read_text(encoding="utf-8").count("\n")
    profile.write_text(profile.read_text(encoding="utf-8") + "language: tlh\n", encoding="utf-8")
    run = run_workbook(["check"], root)
    out = run.stdout + run.stderr
    assert run.returncode == 1
    assert f"clients/{CLIENT}.yml:{lines + 1}:" in out and "'tlh'" in out
    assert "Traceback" not in out


# ---- the browser's plural rules --------------------------------------------------------------


RULES = {
    "(n != 1)": {0: 1, 1: 0, 2: 1, 11: 1},
    "(n > 1)": {0: 0, 1: 0, 2: 1, 11: 1},
    "(n==0 ? 0 : n==1 ? 1 : n==2 ? 2 : n%100>=3 && n%100<=10 ? 3 : n%100>=11 ? 4 : 5)": {
        0: 0, 1: 1, 2: 2, 3: 3, 10: 3, 11: 4, 99: 4, 100: 5, 102: 5, 103: 3, 111: 4,
    },
    "(n%10==1 && n%100!=11 ? 0 : n%10>=2 && n%10<=4 && (n%100<10 || n%100>=20) ? 1 : 2)": {
        1: 0, 2: 1, 5: 2, 11: 2, 12: 2, 21: 0, 22: 1, 25: 2, 111: 2,
    },
}  # fmt: skip


@pytest.mark.skipif(shutil.which("node") is None, reason="no node to run the script's parser")
def test_the_scripts_plural_rule_reader_agrees_with_gettext():
    source = (REPO / "templates" / "assets" / "workbook.js").read_text(encoding="utf-8")
    reader = source[source.index("  function pluralIndex") : source.index("  function fill")]
    cases = [[rule, list(want)] for rule, want in RULES.items()]
    program = reader + (
        f"console.log(JSON.stringify({json.dumps(cases)}.map(function (c) {{"
        " return c[1].map(function (n) { return pluralIndex(c[0], n); }); })));"
    )
    run = subprocess.run(["node", "-e", program], capture_output=True, text=True)
    assert run.returncode == 0, run.stderr
    for (rule, want), got in zip(RULES.items(), json.loads(run.stdout), strict=True):
        assert dict(zip(want, got, strict=True)) == want, rule


def test_workbook_strings_writes_a_starter_catalog_and_never_over_one(tmp_path):
    root = copy_example(tmp_path / "project")
    run = run_workbook(["strings", "fr"], root)
    assert run.returncode == 0, run.stderr
    with (root / "translations" / "fr.po").open("rb") as handle:
        starter = read_po(handle)
    assert {key(m) for m in starter if m.id} == {key(m) for m in template()}
    assert starter.get("Your stages").string == "Vos étapes"
    assert starter.num_plurals == 2
    again = run_workbook(["strings", "fr"], root)
    assert again.returncode == 2 and "exists already" in again.stderr
    new = run_workbook(["strings", "nl"], root)
    assert new.returncode == 0
    with (root / "translations" / "nl.po").open("rb") as handle:
        # a plural entry's string is a tuple of forms, each empty
        forms = [
            m.string if isinstance(m.string, tuple) else (m.string,)
            for m in read_po(handle)
            if m.id
        ]
        assert forms and not any(any(each) for each in forms)
    assert run_workbook(["check"], root).returncode == 0
    bad = run_workbook(["strings", "english"], root)
    assert bad.returncode == 2 and "did you mean 'en'?" in bad.stderr
