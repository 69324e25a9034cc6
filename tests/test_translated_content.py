"""Exercises and programmes in the client's language: variants, mapped texts and the fallback.

A small project has a French variant of one exercise (``hello.fr.md``) and a programme
whose texts map languages to words. Clients in ``fr``, ``fr-CA``, ``en`` and ``de`` are
built for real, and their pages and packs read back.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from tests.answers_helpers import answers_doc, entry, write_json
from tests.conftest import MINI_EXERCISE, run_workbook
from tests.pdf_tools import text as pdf_text
from workbook.build.options import BuildOptions, BuildReport
from workbook.build.run import run
from workbook.load.project import load_project
from workbook.load.variants import in_language, languages

TODAY = dt.date(2026, 11, 1)

PROGRAMME = """\
title: {en: Mini Programme, fr: Mini-programme}
summary: {en: Two stages for tests., fr: Deux étapes pour les essais.}
stages:
  - id: start
    title: {en: Getting started, fr: Premiers pas}
    summary: The first stage.
    exercises: [hello]
    do: {en: [Take your time], fr: [Prenez votre temps]}
  - id: later
    title: Later on
    exercises: [goodbye]
"""

HELLO_FR = """\
---
title: Bonjour
kind: reflection
minutes: 10
summary: Un premier exercice.
---

{{ client.preferred_name }}, bienvenue.

::: {.prompt #first lines=3}
Qu'est-ce qui vous amène ?
:::

::: coach
NOTE DU COACH
:::
"""


def client(name: str, language: str | None) -> str:
    line = f"language: {language}\n" if language else ""
    return f"name: {name}\ncoach: {{name: Casey Coach}}\nprogramme: mini\n{line}"


@pytest.fixture
def project(make_project) -> Path:
    return make_project(
        {
            "workbook.yml": "firm: {name: Test Firm}\nprogramme: mini\nrelease: all\n",
            "content/programmes/mini.yml": PROGRAMME,
            "content/exercises/hello.fr.md": HELLO_FR,
            "clients/alex.yml": client("Alex Example", None),
            "clients/amelie.yml": client("Amélie Exemple", "fr"),
            "clients/chloe.yml": client("Chloé Exemple", "fr-CA"),
            "clients/dora.yml": client("Dora Beispiel", "de"),
        }
    )


def build(root: Path, **options) -> BuildReport:
    options.setdefault("pdf", False)
    report = run(root, BuildOptions(today=TODAY, jobs=1, **options))
    assert not report.problems, [p.format() for p in report.problems]
    return report


def page(root: Path, cid: str, name: str = "01-start/hello.html", out: str = "site") -> str:
    return (root / out / cid / name).read_text(encoding="utf-8")


def test_each_client_reads_their_language_and_the_firms_where_there_is_none(project):
    build(project)
    for cid in ("amelie", "chloe"):  # fr-CA falls back to fr
        hello = page(project, cid)
        assert '<h1 dir="auto">Bonjour</h1>' in hello and "Qu'est-ce qui vous amène ?" in hello
        assert "Premiers pas" in hello and "Getting started" not in hello
        home = page(project, cid, "index.html")
        assert "Mini-programme" in home and "Premiers pas" in home
        assert "Prenez votre temps" in page(project, cid, "01-start/index.html")
    for cid in ("alex", "dora"):  # English, and German shown in the firm's English
        hello = page(project, cid)
        assert '<h1 dir="auto">Hello</h1>' in hello and "What brings you here?" in hello
        assert "Bonjour" not in hello and "Premiers pas" not in hello
        assert "Take your time" in page(project, cid, "01-start/index.html")
    # the stage whose title is one text for every language is that text for everyone
    assert "Later on" in page(project, "amelie", "02-later/index.html")


def test_only_the_coach_edition_says_a_page_fell_back_to_another_language(project):
    build(project)
    build(project, edition="coach")
    for name in ("01-start/hello.html", "01-start/index.html", "index.html"):
        coach = page(project, "dora", name, out="coach")
        assert "Angezeigt auf Englisch: noch keine Fassung auf Deutsch." in coach, name
        assert "edition-language" not in page(project, "dora", name)
        for cid in ("alex", "amelie", "chloe"):  # in their own language: no note
            assert "edition-language" not in page(project, cid, name, out="coach")
    # goodbye has no French variant: the French client's coach is told, on that page only
    goodbye = page(project, "amelie", "02-later/goodbye.html", out="coach")
    assert "Affiché en anglais : pas encore de version en français." in goodbye


def test_a_french_firm_shows_its_french_to_a_client_in_a_language_it_lacks(project):
    settings = project / "workbook.yml"
    settings.write_text(settings.read_text() + "language: fr\n", encoding="utf-8")
    (project / "clients/eve.yml").write_text(client("Eve Example", "en-GB"), encoding="utf-8")
    build(project, edition="coach")
    hello = page(project, "dora", out="coach")
    assert '<h1 dir="auto">Bonjour</h1>' in hello and "Premiers pas" in hello
    assert "Angezeigt auf Französisch: noch keine Fassung auf Deutsch." in hello
    # a profile without a language reads the firm's; one in English, the English words
    # of the programme, and the firm's French where the base file does not say its language
    assert '<h1 dir="auto">Bonjour</h1>' in page(project, "alex", out="coach")
    eve = page(project, "eve", out="coach")
    assert '<h1 dir="auto">Bonjour</h1>' in eve and "Getting started" in eve
    assert "Shown in French: no English version yet." in eve
    # a base file that says it is English is the English version
    base = project / "content/exercises/hello.md"
    base.write_text(MINI_EXERCISE.replace("kind: reflection", "kind: reflection\nlanguage: en"))
    build(project, edition="coach")
    eve = page(project, "eve", out="coach")
    assert '<h1 dir="auto">Hello</h1>' in eve and "edition-language" not in eve
    assert '<h1 dir="auto">Bonjour</h1>' in page(project, "dora", out="coach")


def test_packs_are_in_the_clients_language(project):
    build(project, pdf=True)
    french = pdf_text(project / "site/amelie/packs/01-start.pdf")
    english = pdf_text(project / "site/alex/packs/01-start.pdf")
    assert "Bonjour" in french and "Premiers pas" in french and "vous amène" in french
    assert "Hello" in english and "Getting started" in english and "Bonjour" not in english


def test_answers_are_the_same_answers_in_every_language(project, tmp_path):
    for cid in ("alex", "amelie"):
        doc = answers_doc({"hello/first": entry("Lead with less effort.")}, client=cid)
        doc["programme"] = "mini"
        given = write_json(tmp_path / f"{cid}.json", doc)
        done = run_workbook(["answers", "import", str(given)], project)
        assert done.returncode == 0, done.stderr
    build(project)
    for cid in ("alex", "amelie"):
        assert "Lead with less effort." in page(project, cid)
    # one client who reads in French and then in English keeps the one answer
    profile = project / "clients/amelie.yml"
    profile.write_text(client("Amélie Exemple", "en"), encoding="utf-8")
    build(project)
    assert "Lead with less effort." in page(project, "amelie")
    assert '<h1 dir="auto">Hello</h1>' in page(project, "amelie")


def test_in_language_picks_variants_and_leaves_the_project_as_it_was(project):
    loaded = load_project(project)
    french = in_language(loaded, "fr-CA")
    assert french.exercises["hello"].title == "Bonjour"
    assert french.exercises["hello"].path.name == "hello.fr.md"
    assert french.exercises["goodbye"].fallback == "en"
    assert french.programmes["mini"].title == "Mini-programme"
    assert french.programmes["mini"].stages[0].do == ("Prenez votre temps",)
    assert loaded.exercises["hello"].title == "Hello"  # every language is still there
    assert set(loaded.exercises["hello"].variants) == {"fr"}
    assert loaded.programmes["mini"].translations["fr"].title == "Mini-programme"
    assert in_language(loaded, "en").programmes["mini"].stages[0].title == "Getting started"
    assert languages(loaded) == ["en", "fr"]


# ---- check ---------------------------------------------------------------------------------------

MISMATCHED = """\
---
title: Au revoir
---

Une dernière question.

::: {.prompt #ready}
Êtes-vous prêt ?
:::

::: {.checklist #extra}
- Un
- Deux
:::
"""

CHOICE = """\
---
title: Choose
---

::: {.choice #focus}
- Delegation {#delegation}
- Feedback {#feedback}
:::
"""

CHOICE_FR = """\
---
title: Choisir
---

::: {.choice #focus}
- Délégation {#delegation}
- Les retours
:::
"""


def test_check_reports_each_variant_that_differs_from_its_base_at_its_line(make_project):
    root = make_project(
        {
            "content/programmes/mini.yml": PROGRAMME.replace("[goodbye]", "[goodbye, choose]"),
            "content/exercises/goodbye.fr.md": MISMATCHED,
            "content/exercises/choose.md": CHOICE,
            "content/exercises/choose.fr.md": CHOICE_FR,
            "content/exercises/orphan.fr.md": HELLO_FR,
            "content/exercises/hello.french.md": HELLO_FR,
        }
    )
    done = run_workbook(["check"], root)
    assert done.returncode == 1
    said = done.stdout + done.stderr
    assert "content/exercises/goodbye.fr.md:7: field '#ready' is a prompt here, a scale" in said
    assert "content/exercises/goodbye.fr.md:11: field '#extra' is not in goodbye.md" in said
    assert (
        "content/exercises/choose.fr.md:5: field '#focus' has other item keys than in "
        "choose.md (missing feedback; not in choose.md: les-retours)"
    ) in said
    assert "orphan.fr.md: 'orphan.fr.md' is a variant of exercise 'orphan', but there is no" in said
    assert "'hello.french.md' reads as exercise 'hello' in language 'french'" in said
    assert "did you mean 'hello.fr.md'?" in said


def test_check_reports_a_programme_mapping_with_an_unknown_language_key(make_project):
    root = make_project(
        {
            "content/programmes/mini.yml": PROGRAMME.replace(
                "fr: Premiers pas", "french: Premiers pas"
            ).replace("title: Later on", "title: {}"),
        }
    )
    done = run_workbook(["check"], root)
    assert done.returncode == 1
    said = done.stdout + done.stderr
    assert "content/programmes/mini.yml:5:" in said
    assert "'stages[0].title': 'french' is not a language tag — did you mean 'fr'?" in said
    assert "content/programmes/mini.yml:10:" in said and "is an empty mapping" in said


def test_the_programme_schema_accepts_texts_and_language_mappings():
    from tests.json_schema_check import errors
    from workbook.load.schema import json_schema

    schema = json_schema("programme")
    good = {"title": {"en": "A", "fr-CA": "B"}, "stages": [{"id": "a", "title": "A"}]}
    assert errors(schema, good) == []
    assert errors(schema, {**good, "title": {"english": "A"}})
    assert errors(schema, {**good, "title": {}})
    listed = {"id": "a", "title": "A", "do": {"fr": ["Un", "Deux"]}}
    assert errors(schema, {**good, "stages": [listed]}) == []
    assert errors(schema, {**good, "stages": [{**listed, "do": {"fr": "Un"}}]})


# ---- the cache and releases ---------------------------------------------------------------------


def test_an_edit_to_a_french_variant_rebuilds_french_clients_only(project):
    build(project)
    variant = project / "content/exercises/hello.fr.md"
    variant.write_text(HELLO_FR.replace("bienvenue", "soyez la bienvenue"), encoding="utf-8")
    report = build(project)
    for cid in ("alex", "dora"):  # the English pages read the base file: nothing again
        assert report.rendered.get(cid, []) == [], cid
    for cid in ("amelie", "chloe"):
        assert {"page:01-start/hello.html", "page:01-start/index.html"} <= set(
            report.rendered[cid]
        ), cid
        assert "soyez la bienvenue" in page(project, cid)
    assert "soyez la bienvenue" not in page(project, "alex")


def test_a_pinned_french_client_reads_the_releases_french_variant(project):
    done = run_workbook(["release", "mini", "--name", "v1"], project)
    assert done.returncode == 0, done.stderr
    frozen = project / "releases/mini/v1/content/exercises/hello.fr.md"
    assert frozen.read_text(encoding="utf-8") == HELLO_FR
    # the working copy moves on; the pinned client keeps the release's words
    variant = project / "content/exercises/hello.fr.md"
    variant.write_text(HELLO_FR.replace("Bonjour", "Salut"), encoding="utf-8")
    profile = project / "clients/amelie.yml"
    profile.write_text(client("Amélie Exemple", "fr").replace("mini", "mini@v1"), "utf-8")
    build(project)
    assert '<h1 dir="auto">Bonjour</h1>' in page(project, "amelie")
    assert '<h1 dir="auto">Salut</h1>' in page(project, "chloe")
    assert "Premiers pas" in page(project, "amelie")


# ---- init --------------------------------------------------------------------------------------


def test_init_in_french_starts_a_french_firm_that_builds(tmp_path):
    folder = tmp_path / "cabinet"
    done = run_workbook(
        ["init", str(folder), "--language", "fr", "--firm", "Cabinet Horizon"], tmp_path
    )
    assert done.returncode == 0, done.stderr
    assert "\nlanguage: fr\n" in (folder / "workbook.yml").read_text(encoding="utf-8")
    (profile,) = (folder / "clients").glob("*.yml")
    text = profile.read_text(encoding="utf-8")
    assert "name: Élodie Marchand" in text and "Confier les décisions courantes" in text
    built = run_workbook(["build", "--no-pdf"], folder)
    assert built.returncode == 0, built.stdout + built.stderr
    home = (folder / "site" / profile.stem / "index.html").read_text(encoding="utf-8")
    assert "Élodie" in home and 'lang="fr"' in home


def test_init_in_another_language_sets_it_with_the_english_example(tmp_path):
    folder = tmp_path / "firma"
    done = run_workbook(["init", str(folder), "--language", "de"], tmp_path)
    assert done.returncode == 0, done.stderr
    assert "\nlanguage: de\n" in (folder / "workbook.yml").read_text(encoding="utf-8")
    assert [p.name for p in (folder / "clients").glob("*.yml")] == ["jordan-rivera.yml"]
    refused = run_workbook(["init", str(tmp_path / "x"), "--language", "français"], tmp_path)
    assert refused.returncode == 2 and "did you mean 'fr'?" in refused.stderr
    assert not (tmp_path / "x").exists()


def test_the_curriculum_still_builds_with_variants_and_mappings(project):
    done = run_workbook(["curriculum"], project)
    assert done.returncode == 0, done.stdout + done.stderr
    index = json.dumps(sorted(p.name for p in (project / "site/curriculum").rglob("*.html")))
    assert "index.html" in index
