"""Load a workbook project: settings, programmes, exercises, templates, clients and answers.

Loading never stops at the first problem. Each file's problems are kept with
the thing they belong to, so the build can skip exactly the clients that an
error touches: a client's own profile, or the shared content it uses.
"""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass, field
from pathlib import Path

from workbook.errors import Findings, Problem, SourceLocation
from workbook.ids import fold
from workbook.load import answers as answers_mod
from workbook.load import catalogs, defaults, variants
from workbook.load.client_inputs import load_client_inputs
from workbook.load.front_matter import split_front_matter
from workbook.load.images import asset_problem
from workbook.load.listing import EXERCISES, PROFILES, PROGRAMMES, id_files, project_warnings
from workbook.load.releases import (
    MANIFEST,
    PROGRAMME_FILE,
    Release,
    name_problem,
    ordered,
    read_manifest,
    release_folders,
)
from workbook.load.schema import EXERCISE_META, PROGRAMME, SETTINGS, Ctx
from workbook.load.sources import (
    MAX_MARKDOWN_BYTES,
    YList,
    YMap,
    load_yaml_file,
    read_text,
)
from workbook.models import (
    Client,
    Colours,
    Exercise,
    Firm,
    Programme,
    Settings,
    Stage,
)

_JINJA = re.compile(r"\{\{|\{%|\{#(?![a-z0-9-]+\})")


@dataclass
class Project:
    """Everything read from a project folder, with the problems found on the way."""

    root: Path
    settings: Settings
    programmes: dict[str, Programme] = field(default_factory=dict)
    exercises: dict[str, Exercise] = field(default_factory=dict)
    clients: dict[str, Client] = field(default_factory=dict)
    client_files: dict[str, Path] = field(default_factory=dict)
    answers: dict[str, answers_mod.Answers] = field(default_factory=dict)
    template_dirs: list[Path] = field(default_factory=list)
    releases: dict[str, Release] = field(default_factory=dict)  # by "<programme>@<name>"
    # problems that stop everything, or the clients using one programme / exercise / client
    global_problems: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)  # said, stopping nothing
    programme_problems: dict[str, list[Problem]] = field(default_factory=dict)
    exercise_problems: dict[str, list[Problem]] = field(default_factory=dict)
    client_problems: dict[str, list[Problem]] = field(default_factory=dict)

    @property
    def output(self) -> Path:
        return (self.root / self.settings.output).resolve()

    @property
    def coach_output(self) -> Path:
        return (self.root / self.settings.coach_output).resolve()

    def programme_of(self, client: Client) -> str:
        """The programme a client is built from: ``grow``, or a release ``grow@2026-12-01``."""
        return client.programme or self.settings.programme

    def programme_named(self, ref: str) -> Programme | None:
        """The working copy's programme, or a release's frozen one."""
        if "@" in ref:
            release = self.releases.get(ref)
            return release.programme if release is not None else None
        return self.programmes.get(ref)

    def exercises_of(self, ref: str) -> dict[str, Exercise]:
        """Where a programme's exercises come from: ``content/``, or the release's copies."""
        release = self.releases.get(ref) if "@" in ref else None
        return release.exercises if release is not None else self.exercises

    def releases_of(self, pid: str) -> list[Release]:
        """A programme's releases, oldest first."""
        return ordered([r for r in self.releases.values() if r.programme_id == pid])

    def latest_release(self, pid: str) -> Release | None:
        found = self.releases_of(pid)
        return found[-1] if found else None

    def programmes_to_pin(self) -> dict[str, Programme]:
        """Every programme a profile may name: the working copies and every release."""
        out = dict(self.programmes)
        out.update({k: r.programme for k, r in self.releases.items() if r.programme})
        return out

    @property
    def findings(self) -> Findings:
        """What loading found, keyed by what each problem stops."""
        return Findings(
            tuple(self.global_problems),
            {k: tuple(v) for k, v in self.programme_problems.items()},
            {k: tuple(v) for k, v in self.exercise_problems.items()},
            {k: tuple(v) for k, v in self.client_problems.items()},
        )

    def all_problems(self) -> list[Problem]:
        out = list(self.global_problems)
        for group in (self.programme_problems, self.exercise_problems, self.client_problems):
            for key in sorted(group):
                out += group[key]
        return out


def load_settings(root: Path) -> tuple[Settings, list[Problem]]:
    """``workbook.yml``, or the defaults when there is none."""
    path = root / "workbook.yml"
    default_firm = Firm(id="workbook", name="Coaching Workbook")
    if not path.exists():
        return Settings(firm=default_firm), []
    data, problems = load_yaml_file(path)
    if data is None:
        return Settings(firm=default_firm), problems
    ctx = Ctx(path)
    clean = SETTINGS.check(data, ctx, "")
    problems += ctx.problems
    if clean is None:
        return Settings(firm=default_firm), problems
    problems += catalogs.project_catalog_problems(root)
    if clean.get("language") and "language" in data:
        found = catalogs.language_problem(clean["language"], root, path, data["language"])
        problems += [found] if found else []
    f = clean.get("firm") or {}
    name = f.get("name") or default_firm.name
    colours = f.get("colours") or {}
    firm = Firm(
        id=f.get("id") or fold(name) or "workbook",
        name=name,
        logo=f.get("logo"),
        colours=Colours(
            primary=colours.get("primary") or Colours.primary,
            accent=colours.get("accent") or Colours.accent,
        ),
        contact=f.get("contact"),
    )
    settings = Settings(firm=firm, **{k: v for k, v in clean.items() if k != "firm" and v})
    out_a, out_b = (root / settings.output).resolve(), (root / settings.coach_output).resolve()
    if out_b.is_relative_to(out_a) or out_a.is_relative_to(out_b):
        problems.append(
            Problem(
                SourceLocation(path, getattr(data, "marks", {}).get("coach_output", (0, 0))[0]),
                "coach_output and output overlap",
                "keep the coach edition out of the published folder, e.g. coach_output: coach",
            )
        )
    for key in ("output", "coach_output"):
        target = (root / getattr(settings, key)).resolve()
        sources = [root.resolve() / part for part in ("content", "clients", "templates")]
        if any(target.is_relative_to(s) or s.is_relative_to(target) for s in sources):
            problems.append(
                Problem(
                    SourceLocation(path, getattr(data, "marks", {}).get(key, (0, 0))[0]),
                    f"{key} '{getattr(settings, key)}' overlaps the project's own files",
                    "write the output to a folder of its own, e.g. site",
                )
            )
    if settings.firm.logo and (why := asset_problem(root, settings.firm.logo)):
        raw = data["firm"]["logo"]
        problems.append(
            Problem(
                SourceLocation(path, raw.line, raw.col),
                f"the logo '{settings.firm.logo}' {why}",
                "put the firm's logo image in assets/, e.g. logo: assets/logo.svg",
            )
        )
        # nothing reads a refused file, not even to fingerprint it
        settings = dataclasses.replace(settings, firm=dataclasses.replace(settings.firm, logo=None))
    return settings, problems


def load_programme(
    pid: str, path: Path, language: str = "en"
) -> tuple[Programme | None, list[Problem]]:
    """A programme; a text mapped by language is read in ``language`` (the firm's), and every
    language's words are kept in ``translations``."""
    data, problems = load_yaml_file(path)
    if data is None:
        return None, problems or [
            Problem(SourceLocation(path, 1), "the file is empty", "add a title and stages")
        ]
    ctx = Ctx(path)
    clean = PROGRAMME.check(data, ctx, "")
    problems += ctx.problems
    if clean is None:
        return None, problems
    clean, translations = variants.split_words(clean, ("title", "summary"), language)
    stages: list[Stage] = []
    seen_stages: set[str] = set()
    seen_exercises: dict[str, int] = {}
    raw_stages = data.get("stages")
    mappings = (
        [r for r in raw_stages if isinstance(r, YMap)] if isinstance(raw_stages, YList) else []
    )
    for raw, stage in zip(mappings, clean["stages"] or (), strict=False):
        if stage is None:
            continue
        stage, words = variants.split_words(stage, ("title", "summary", "do", "avoid"), language)
        line = getattr(raw, "line", 0)
        if stage["id"] is not None and stage["id"] in seen_stages:
            problems.append(
                Problem(
                    SourceLocation(path, line),
                    f"two stages have the id '{stage['id']}'",
                    "give each stage its own id",
                )
            )
        seen_stages.add(stage["id"])
        for ex in stage["exercises"] or ():
            if ex in seen_exercises:
                problems.append(
                    Problem(
                        SourceLocation(path, getattr(ex, "line", line)),
                        f"exercise '{ex}' appears twice in the programme "
                        f"(first in stage '{seen_exercises[ex]}')",
                        "an exercise appears at most once in a programme",
                    )
                )
            seen_exercises.setdefault(ex, stage["id"])
        stages.append(
            Stage(
                id=stage["id"],
                title=stage["title"],
                summary=stage["summary"],
                exercises=tuple(str(e) for e in stage["exercises"] or ()),
                do=stage["do"],
                avoid=stage["avoid"],
                line=line,
                translations=words,
            )
        )
    if problems:
        return None, problems
    return Programme(
        id=pid,
        path=path,
        title=clean["title"],
        summary=clean["summary"],
        stages=tuple(stages),
        translations=translations,
    ), []


def load_exercise(eid: str, path: Path) -> tuple[Exercise | None, list[Problem]]:
    text, problems = read_text(path, MAX_MARKDOWN_BYTES)
    if text is None:
        return None, problems
    split = split_front_matter(text, path)
    problems = list(split.problems)
    if split.meta is None and not problems:
        problems.append(
            Problem(SourceLocation(path, 1), "the front matter is empty", "add at least 'title:'")
        )
    if problems:
        return None, problems
    ctx = Ctx(path)
    meta = EXERCISE_META.check(split.meta, ctx, "")
    if meta is None or ctx.problems:
        return None, ctx.problems
    return Exercise(
        id=eid,
        path=path,
        title=meta["title"],
        kind=meta["kind"] or "exercise",
        minutes=meta["minutes"],
        summary=meta["summary"],
        tracks=meta["tracks"],
        language=meta["language"],
        body=split.body,
        has_jinja=bool(_JINJA.search(split.body)),
    ), []


def load_project(root: Path, *, clients: bool = True) -> Project:
    """Read every file of the project (profiles only listed unless ``clients``); write nothing."""
    root = root.resolve()
    settings, problems = load_settings(root)
    project = Project(root=root, settings=settings, global_problems=problems)
    project.template_dirs = [p for p in (root / "templates", defaults.templates()) if p.is_dir()]
    project.warnings += project_warnings(root)
    pfiles, found = id_files(root / "content" / "programmes", PROGRAMMES)
    project.global_problems += found
    for pid, path in pfiles.items():
        programme, found = load_programme(pid, path, settings.language)
        if programme is not None:
            project.programmes[pid] = programme
        else:
            project.programme_problems[pid] = found
    efiles, found = id_files(root / "content" / "exercises", EXERCISES)
    project.global_problems += found
    for eid, path in efiles.items():
        exercise, found = load_exercise(eid, path)
        if exercise is not None:
            project.exercises[eid] = exercise
        else:
            project.exercise_problems[eid] = found
    read, broken, stray = variants.read_variants(
        root / "content" / "exercises", efiles, load_exercise
    )
    project.exercises = variants.with_variants(project.exercises, read)
    for eid, found in broken.items():  # a broken variant stops what its exercise stops
        project.exercise_problems.setdefault(eid, []).extend(found)
    project.global_problems += stray
    for programme in project.programmes.values():
        for stage in programme.stages:
            for eid in stage.exercises:
                if eid not in efiles:
                    project.programme_problems.setdefault(programme.id, []).append(
                        Problem(
                            SourceLocation(programme.path, stage.line),
                            f"stage '{stage.id}' names exercise '{eid}', which does not exist",
                            "add content/exercises/…/" + eid + ".md or remove it from the stage",
                        )
                    )
    load_releases(project)
    cfiles, found = id_files(root / "clients", PROFILES)
    for p in found:  # a client whose file name is wrong cannot be built
        project.client_problems.setdefault(p.where.path.stem, []).append(p)
    for cid, path in cfiles.items():
        project.client_files[cid] = path
        if clients:
            loaded = load_client_inputs(project, cid)
            if loaded.client is not None:
                project.clients[cid] = loaded.client
                project.answers[cid] = loaded.answers
            if loaded.problems:
                project.client_problems[cid] = list(loaded.problems)
    return project


def load_releases(project: Project) -> None:
    """Every release under ``releases/``, each checked byte for byte against its manifest."""
    for pid, folder in release_folders(project.root):
        key = f"{pid}@{folder.name}"
        if (bad := name_problem(folder)) is not None:  # no profile can name it: said, skipped
            project.warnings.append(dataclasses.replace(bad, severity="warning"))
            continue
        created, problems = read_manifest(folder, pid)
        programme = None
        exercises: dict[str, Exercise] = {}
        if not problems:
            language = project.settings.language
            programme, found = load_programme(pid, folder / PROGRAMME_FILE, language)
            problems += found
            efiles, found = id_files(folder / "content" / "exercises", EXERCISES)
            problems += found
            for eid, path in efiles.items():
                exercise, found = load_exercise(eid, path)
                problems += found
                if exercise is not None:
                    exercises[eid] = exercise
            read, broken, stray = variants.read_variants(
                folder / "content" / "exercises", efiles, load_exercise
            )
            exercises = variants.with_variants(exercises, read)
            problems += [p for found in broken.values() for p in found] + stray
        if programme is not None:
            programme = dataclasses.replace(programme, release=folder.name)
            for stage in programme.stages:
                missing = [e for e in stage.exercises if e not in exercises]
                problems += [
                    Problem(
                        SourceLocation(folder / MANIFEST),
                        f"release '{key}' has no copy of exercise '{e}'",
                        "make the release again with 'workbook release'",
                    )
                    for e in missing
                ]
        project.releases[key] = Release(pid, folder.name, created, folder, programme, exercises)
        if problems:
            project.programme_problems[key] = problems
