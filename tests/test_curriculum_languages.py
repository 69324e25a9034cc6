"""`workbook curriculum` in each published language, and the chrome of the built-in themes."""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import unquote

import pytest
import yaml

from workbook.outputs import curriculum_theme

FRENCH_VARIANT = """\
---
title: Pourquoi un coaching, et pourquoi maintenant
kind: reflection
minutes: 20
summary: Ce qui vous amène au coaching aujourd'hui, et votre disponibilité pour le changement.
---

On vient au coaching pour bien des raisons, et la raison oriente le travail.

::: {.choice #main-reason}
Laquelle de ces raisons est la plus proche de ce qui vous amène ?

- Un grand défi ou une belle occasion m'attend {#at-stake}
- J'ai besoin de compétences ou d'assurance pour la suite {#gap}
- Je veux progresser plus vite que seul {#accelerate}
- Je dois prendre une décision difficile {#clarity}
- Ce qui a fait mon succès commence à me freiner {#success-problematic}
- Mon travail déborde sur le reste de ma vie {#balance}
- Je veux mieux connaître mes forces {#strengths}
:::

::: {.prompt #why-now lines=6}
Pourquoi maintenant ?
:::

::: {.prompt #what-good-looks-like lines=4}
Si le coaching réussit, que ferez-vous autrement ?
:::

::: {.scale #readiness min=1 max=10 low="Pas encore" high="Tout à fait prêt"}
Êtes-vous prêt à y consacrer du temps et de l'énergie ?
:::
"""
HREF = re.compile(r'<a\b[^>]*\bhref="([^"#]*)"[^>]*\bhreflang="([^"]+)"')


def languages(root: Path, tags: str) -> None:
    settings = root / "workbook.yml"
    settings.write_text(settings.read_text("utf-8") + f"languages: [{tags}]\n", encoding="utf-8")


def french_content(root: Path) -> None:
    """A French variant of one exercise (over the shipped one); the programme's French title
    is the shipped library's own."""
    (root / "content/exercises/engagement/reasons-for-coaching.fr.md").write_text(
        FRENCH_VARIANT, encoding="utf-8"
    )
    programme = yaml.safe_load(
        (root / "content/programmes/executive-coaching.yml").read_text("utf-8")
    )
    assert programme["title"]["fr"] == "Coaching de dirigeants"


def html_tag(page: Path) -> str:
    match = re.search(r"<html\b[^>]*>", page.read_text("utf-8"))
    assert match, page
    return match.group(0)


def switcher_targets(site: Path, page: Path) -> list[tuple[str, Path]]:
    """Each language link of a page, and the file it opens."""
    out = []
    for href, tag in HREF.findall(page.read_text("utf-8")):
        target = (page.parent / unquote(href)).resolve()
        out.append((tag, target / "index.html" if href.endswith("/") else target))
    return out


def test_two_languages_build_two_curricula(example_project: Path, cli) -> None:  # type: ignore[no-untyped-def]
    languages(example_project, "en, fr")
    french_content(example_project)
    result = cli(["curriculum", "--today", "2026-11-23"], example_project)
    assert result.exit_code == 0, result.output
    site = example_project / "site" / "curriculum"
    assert 'lang="en" dir="ltr"' in html_tag(site / "index.html")
    assert 'lang="fr" dir="ltr"' in html_tag(site / "fr" / "index.html")
    source = example_project / ".workbook" / "curriculum"
    assert yaml.safe_load((source / "mkdocs.yml").read_text("utf-8"))["theme"]["locale"] == "en"
    french = yaml.safe_load((source / "fr" / "mkdocs.yml").read_text("utf-8"))
    assert french["theme"]["locale"] == "fr"
    assert french["site_dir"] == "../../../site/curriculum/fr"
    # the content in French where there is some, as written where there is none
    exercise = (site / "fr/exercises/reasons-for-coaching/index.html").read_text("utf-8")
    assert ">Pourquoi un coaching, et pourquoi maintenant</h1>" in exercise
    english = (site / "exercises/reasons-for-coaching/index.html").read_text("utf-8")
    assert ">Why coaching, and why now</h1>" in english
    assert ">Coaching de dirigeants</h1>" in (site / "fr/executive-coaching/index.html").read_text(
        "utf-8"
    )
    assert "Coaching de dirigeants" not in (site / "index.html").read_text("utf-8")
    # the theme's own words are the theme's French ones, the curriculum's the catalog's
    home = (site / "fr" / "index.html").read_text("utf-8")
    assert "Rechercher" in home
    assert ">Bibliothèque d&#39;exercices</h2>" in home or ">Bibliothèque d'exercices</h2>" in home
    assert "(9 étapes)\u00a0: " in home  # the French colon, after a no-break space
    programme = (site / "fr/executive-coaching/index.html").read_text("utf-8")
    assert ">Étapes</h2>" in programme and ">Stages</h2>" not in programme
    # every page links to itself in the other language, and the link opens that page
    pages = [p for p in site.rglob("*.html") if p.name != "404.html"]
    assert len(pages) > 40
    for page in pages:
        french_page = page.relative_to(site).parts[0] == "fr"
        links = switcher_targets(site, page)
        assert [tag for tag, _ in links] == (["en"] if french_page else ["fr"]), page
        twin = page.relative_to(site / "fr") if french_page else Path("fr") / page.relative_to(site)
        assert links[0][1] == (site / twin).resolve(), page
        assert links[0][1].is_file(), page
    # each edition has its own search index, and no language folder is in another's
    assert (site / "search/search_index.json").is_file()
    assert (site / "fr/search/search_index.json").is_file()
    assert not (site / "fr" / "fr").exists()


def test_one_language_keeps_the_layout_and_has_no_switcher(example_project: Path, cli) -> None:  # type: ignore[no-untyped-def]
    result = cli(["curriculum"], example_project)
    assert result.exit_code == 0, result.output
    site = example_project / "site" / "curriculum"
    assert sorted(p.name for p in site.iterdir() if p.is_dir()) == [
        "assets",
        "coaching-partnership",
        "css",
        "executive-coaching",
        "exercises",
        "img",
        "js",
        "leadership-development",
        "search",
        "webfonts",
    ]
    index = (site / "index.html").read_text("utf-8")
    assert "hreflang" not in index and "wb-language" not in index
    assert sorted(p.name for p in (example_project / ".workbook/curriculum").iterdir()) == [
        "docs",
        "mkdocs.yml",
        "overrides",
    ]


def test_a_language_the_theme_has_no_words_in_falls_back_to_english(
    example_project: Path, cli
) -> None:  # type: ignore[no-untyped-def]
    languages(example_project, "en, ar")
    result = cli(["curriculum"], example_project)
    assert result.exit_code == 0, result.output
    assert "the mkdocs theme has no 'ar' translation" in result.output
    site = example_project / "site" / "curriculum"
    page = site / "ar" / "executive-coaching" / "index.html"
    assert 'lang="ar" dir="rtl"' in html_tag(page)
    assert "Search" in page.read_text("utf-8")
    # its endonym in the switcher of the English edition
    assert ">العربية<" in re.sub(r"<i[^>]*></i>\s*", ">", (site / "index.html").read_text("utf-8"))


def test_a_programme_cannot_be_named_like_a_language_folder(example_project: Path, cli) -> None:  # type: ignore[no-untyped-def]
    languages(example_project, "en, de")
    programmes = example_project / "content" / "programmes"
    (programmes / "de.yml").write_text(
        (programmes / "executive-coaching.yml").read_text("utf-8"), encoding="utf-8"
    )
    result = cli(["curriculum"], example_project)
    assert result.exit_code == 1
    assert "the programme id 'de' is a folder of the curriculum site itself" in result.output


@pytest.mark.parametrize("theme", ["mkdocs", "readthedocs"])
def test_the_chrome_is_the_firms(example_project: Path, cli, theme: str) -> None:  # type: ignore[no-untyped-def]
    settings = example_project / "workbook.yml"
    settings.write_text(
        settings.read_text("utf-8").replace("theme: mkdocs", f"theme: {theme}"), encoding="utf-8"
    )
    languages(example_project, "en, fr")
    result = cli(["curriculum"], example_project)
    assert result.exit_code == 0, result.output
    site = example_project / "site" / "curriculum"
    firm_css = (site / "assets" / "firm.css").read_text("utf-8")
    assert "--bs-link-color: #1f4e79" in firm_css and ".rst-content a" in firm_css
    logo = (example_project / "assets" / "logo.svg").read_bytes()
    assert (site / "assets" / "logo.svg").read_bytes() == logo
    assert (site / "fr" / "assets" / "logo.svg").read_bytes() == logo
    for page in site.rglob("*.html"):
        markup = page.read_text("utf-8")
        assert "built with" not in markup.lower(), page
        assert "mkdocs.org" not in markup, page
        assert not re.search(r'<(script|img)[^>]+src="(https?:)?//', markup), page
        assert not re.search(r'<link[^>]+href="(https?:)?//', markup), page
    home = (site / "index.html").read_text("utf-8")
    assert re.search(r'<img src="assets/logo\.svg"', home)
    assert '<link rel="icon" href="assets/logo.svg"' in home
    assert "favicon.ico" not in home
    assert "Harbour Leadership Partners · coaching@example.org" in home
    if theme == "readthedocs":
        assert re.search(
            r'<button type="button" class="wb-menu-button"[^>]*aria-label="Menu"', home
        )
    else:
        stage = (site / "executive-coaching" / "01-relationship" / "index.html").read_text("utf-8")
        assert re.search(r'aria-controls="toc-collapse"', stage)
        assert '<span class="wb-toc-label">Contents of this page</span>' in stage


def test_set_html_lang_replaces_the_themes_attributes() -> None:
    page = '<!DOCTYPE html>\n<html class="writer-html5" lang="pt_BR" >\n<head>'
    assert curriculum_theme.set_html_lang(page, "pt-BR") == (
        '<!DOCTYPE html>\n<html class="writer-html5" lang="pt-BR" dir="ltr">\n<head>'
    )
    assert 'lang="he" dir="rtl"' in curriculum_theme.set_html_lang("<html lang='en'>", "he")
    assert curriculum_theme.set_html_lang("no page", "fr") == "no page"


def test_editions_and_locales() -> None:
    every = curriculum_theme.editions(("en", "fr", "pt-BR"))
    assert [(e.language, e.folder) for e in every] == [("en", ""), ("fr", "fr"), ("pt-BR", "pt-br")]
    assert curriculum_theme.mkdocs_locale("pt-BR") == "pt_BR"
    assert curriculum_theme.mkdocs_locale("zz-QQ") == "en"
    assert curriculum_theme.has_chrome("mkdocs", "fr-CA")  # the theme's fr serves fr-CA
    assert curriculum_theme.has_chrome("readthedocs", "zh-Hant-TW")
    assert not curriculum_theme.has_chrome("mkdocs", "ar")
    assert curriculum_theme.endonym("fr") == "Français"
    switch = curriculum_theme.switcher(every[1], every)
    assert [(s["tag"], s["root"]) for s in switch] == [("en", "../"), ("pt-BR", "../pt-br/")]
