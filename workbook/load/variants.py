"""Exercises and programmes in a reader's language: variants beside their base, and the choice.

An exercise's variant sits beside its base file as ``<id>.<lang>.md`` (``me-first.fr.md``)
with the same field ids and item keys, so answers are the same answers in every language.
A programme's ``title``, ``summary``, ``do`` and ``avoid`` may map languages to texts.
Every language is loaded (:class:`~workbook.models.Exercise` ``variants``,
``translations`` of programmes and stages); :func:`in_language` then picks, for one
reader, the exact tag, then its bases (``fr-CA`` → ``fr``), then the firm's language and
its bases, then the base file (or the text written for every language).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from workbook.errors import Problem, SourceLocation
from workbook.load.language import LANGUAGE_TAG, suggest_tag
from workbook.load.listing import refused
from workbook.load.localised import Translated
from workbook.models import Exercise, Programme, Stage, Words

if TYPE_CHECKING:
    from workbook.load.project import Project

Loader = Callable[[str, Path], tuple[Exercise | None, list[Problem]]]


def bases(tag: str) -> list[str]:
    """A tag and the shorter tags it falls back to, lower-cased: zh-hant-tw, zh-hant, zh."""
    parts = tag.lower().split("-")
    return ["-".join(parts[:n]) for n in range(len(parts), 0, -1) if len(parts[n - 1]) > 1]


def preferences(language: str, firm: str) -> list[str]:
    """The order in which a reader's languages are tried: theirs, then the firm's."""
    out: list[str] = []
    for tag in [*bases(language), *bases(firm)]:
        if tag not in out:
            out.append(tag)
    return out


def same_language(a: str, b: str) -> bool:
    """Whether two tags are the same language (``fr-CA`` and ``fr``): no note is due."""
    return bases(a)[-1] == bases(b)[-1]


# ---- loading -----------------------------------------------------------------------------------


def variant_files(folder: Path) -> tuple[list[tuple[str, str, Path]], list[Problem]]:
    """Every ``<id>.<lang>.md`` under ``folder``: (base id, tag, path), and files refused."""
    found: list[tuple[str, str, Path]] = []
    problems: list[Problem] = []
    if not folder.is_dir():
        return found, problems
    for path in sorted(folder.rglob("*.md")):
        if "." not in path.stem:
            continue
        if problem := refused(path, folder):
            problems.append(problem)
            continue
        eid, _, tag = path.stem.partition(".")
        found.append((eid, tag, path))
    return found, problems


def read_variants(
    folder: Path, bases_found: dict[str, Path], load: Loader
) -> tuple[dict[str, dict[str, Exercise]], dict[str, list[Problem]], list[Problem]]:
    """Each base's variants by tag, the problems of each base's variants (they stop what the
    exercise stops), and the problems of files that are no exercise's variant."""
    files, stray = variant_files(folder)
    variants: dict[str, dict[str, Exercise]] = {}
    problems: dict[str, list[Problem]] = {}
    for eid, tag, path in files:
        if (why := _variant_problem(eid, tag, path, bases_found)) is not None:
            stray.append(why)
            continue
        if tag.lower() in {t.lower() for t in variants.get(eid, {})}:
            problems.setdefault(eid, []).append(
                Problem(
                    SourceLocation(path),
                    f"exercise '{eid}' has two variants in '{tag}' (in any case)",
                    "keep one of them",
                )
            )
            continue
        exercise, found = load(eid, path)
        if exercise is None:
            problems.setdefault(eid, []).extend(found)
            continue
        if exercise.language and exercise.language.lower() != tag.lower():
            problems.setdefault(eid, []).append(
                Problem(
                    SourceLocation(path),
                    f"the file's name says it is in '{tag}', its 'language:' says "
                    f"'{exercise.language}'",
                    "remove 'language:' from a variant: its name says its language",
                )
            )
            continue
        variants.setdefault(eid, {})[tag] = dataclasses.replace(exercise, language=tag)
    return variants, problems, stray


def _variant_problem(eid: str, tag: str, path: Path, found: dict[str, Path]) -> Problem | None:
    """Why ``<eid>.<tag>.md`` is no variant: its tag is no language tag, or no base is beside it."""
    if not eid:
        return Problem(
            SourceLocation(path),
            f"the file name '{path.name}' gives no exercise id",
            "name an exercise <id>.md and its variants <id>.<lang>.md (me-first.fr.md)",
        )
    if not LANGUAGE_TAG.fullmatch(tag):
        near = suggest_tag(tag)
        return Problem(
            SourceLocation(path),
            f"the file name '{path.name}' reads as exercise '{eid}' in language '{tag}', "
            "which is not a BCP 47 language tag",
            (f"did you mean '{eid}.{near}.md'? " if near else "")
            + "name a variant <id>.<lang>.md (me-first.fr.md); an exercise's own id has no dot",
        )
    base = found.get(eid)
    if base is None or base.parent != path.parent:
        return Problem(
            SourceLocation(path),
            f"'{path.name}' is a variant of exercise '{eid}', but there is no '{eid}.md' beside it",
            f"put it in the folder of {eid}.md, or add {eid}.md (the exercise in the firm's "
            "language) there",
        )
    return None


def with_variants(
    exercises: dict[str, Exercise], variants: dict[str, dict[str, Exercise]]
) -> dict[str, Exercise]:
    """Each exercise with its variants attached."""
    return {
        eid: dataclasses.replace(ex, variants=variants[eid]) if eid in variants else ex
        for eid, ex in exercises.items()
    }


def split_words(
    clean: dict[str, Any], keys: Iterable[str], firm: str
) -> tuple[dict[str, Any], dict[str, Words]]:
    """A programme's or stage's clean values with each mapped key in the firm's language,
    and every language's words (``translations``)."""
    out = dict(clean)
    translations: dict[str, dict[str, Any]] = {}
    for key in keys:
        value = clean.get(key)
        if not isinstance(value, Translated):
            continue
        for tag, text in value.items():
            translations.setdefault(tag, {})[key] = text
        out[key] = _chosen(value, preferences(firm, "en"))[1]
    return out, {tag: Words(**words) for tag, words in translations.items()}


def _chosen(mapping: dict[str, Any], prefs: list[str]) -> tuple[str, Any]:
    """The entry of the first language preferred, else the first written."""
    by_tag = {tag.lower(): (tag, text) for tag, text in mapping.items()}
    for tag in prefs:
        if tag in by_tag:
            return by_tag[tag]
    return next(iter(mapping.items()))


# ---- choosing ------------------------------------------------------------------------------------


def exercise_in(exercise: Exercise, language: str, firm: str) -> Exercise:
    """The exercise as a reader of ``language`` sees it: their variant, the firm's, or the base.

    A base file that says its ``language:`` counts as the variant in that language.
    ``fallback`` names the language shown when it is not the reader's (a base file that
    says none is taken to be in the firm's language).
    """
    by_tag = {tag.lower(): v for tag, v in exercise.variants.items()}
    if exercise.language:
        by_tag.setdefault(exercise.language.lower(), exercise)
    chosen = next((by_tag[t] for t in preferences(language, firm) if t in by_tag), None)
    shown = chosen if chosen is not None else exercise
    shown_in = shown.language or firm
    fallback = None if same_language(shown_in, language) else shown_in
    return dataclasses.replace(shown, variants={}, fallback=fallback)


def _words_in(
    values: dict[str, Any], translations: dict[str, Words], language: str, firm: str
) -> tuple[dict[str, Any], str | None]:
    """Each mapped text in the reader's language (else the firm's, else the first written),
    and the language shown where one was not the reader's."""
    prefs = preferences(language, firm)
    fallback = None
    out = dict(values)
    for key in ("title", "summary", "do", "avoid"):
        mapping = {t: getattr(w, key) for t, w in translations.items() if getattr(w, key)}
        if not mapping:
            continue
        tag, text = _chosen(mapping, prefs)
        out[key] = text
        if fallback is None and not same_language(tag, language):
            fallback = tag
    return out, fallback


def programme_in(programme: Programme, language: str, firm: str) -> Programme:
    """The programme's and its stages' texts in ``language``, with the fallback noted."""
    values = {"title": programme.title, "summary": programme.summary}
    words, fallback = _words_in(values, programme.translations, language, firm)
    stages: list[Stage] = []
    for stage in programme.stages:
        values = {k: getattr(stage, k) for k in ("title", "summary", "do", "avoid")}
        found, missed = _words_in(values, stage.translations, language, firm)
        stages.append(dataclasses.replace(stage, **found, translations={}))
        fallback = fallback or missed
    return dataclasses.replace(
        programme, **words, stages=tuple(stages), translations={}, fallback=fallback
    )


def exercises_in(exercises: dict[str, Exercise], language: str, firm: str) -> dict[str, Exercise]:
    return {eid: exercise_in(ex, language, firm) for eid, ex in exercises.items()}


def in_language(project: Project, language: str) -> Project:
    """The project with every programme and exercise (its releases' too) in ``language``.

    What falls back to another language says which in ``fallback``. The project given
    is left as it was; field ids and item keys are those of every variant, so answers
    read the same whichever language a page was read in.
    """
    firm = project.settings.language
    releases = {
        key: dataclasses.replace(
            release,
            programme=programme_in(release.programme, language, firm)
            if release.programme is not None
            else None,
            exercises=exercises_in(release.exercises, language, firm),
        )
        for key, release in project.releases.items()
    }
    return dataclasses.replace(
        project,
        programmes={p: programme_in(x, language, firm) for p, x in project.programmes.items()},
        exercises=exercises_in(project.exercises, language, firm),
        releases=releases,
    )


def languages(project: Project) -> list[str]:
    """Every language the project's content is written in, the firm's first: the tags of
    exercise variants and of programme texts (a site per language is built from these)."""
    found: dict[str, str] = {}
    for exercise in project.exercises.values():
        for tag in [exercise.language, *exercise.variants]:
            if tag:
                found.setdefault(tag.lower(), tag)
    for programme in project.programmes.values():
        for words in [programme.translations, *(s.translations for s in programme.stages)]:
            for tag in words:
                found.setdefault(tag.lower(), tag)
    firm = project.settings.language
    return [firm, *sorted(t for k, t in found.items() if k != firm.lower())]


def language_name(tag: str, reader: str = "en") -> str:
    """The name of ``tag``'s language in the ``reader``'s language, from CLDR (through
    Babel): ``fr-CA`` read in German is "Französisch"; a tag CLDR does not know is itself."""
    from babel import Locale, UnknownLocaleError

    base = bases(tag)[-1]
    try:
        name = Locale.parse(base.replace("-", "_")).get_display_name(
            Locale.parse(reader.replace("-", "_"))
        )
    except (UnknownLocaleError, ValueError, TypeError):
        try:
            name = Locale.parse(base.replace("-", "_")).get_display_name(Locale.parse("en"))
        except (UnknownLocaleError, ValueError, TypeError):
            return tag
    return name or tag
