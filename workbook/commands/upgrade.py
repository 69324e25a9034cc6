"""``workbook upgrade CLIENT --to NAME``: what moving a client to another release changes.

The comparison is made on the client's own workbook, personalised on both
sides exactly as the site would be (a field id may be made by Jinja): per
stage, exercises added, removed and moved; prompts and items reworded; fields
whose ids disappear while they hold answers; the client's stage, if the new
release has none of that id. Nothing is written without ``--apply``, and
``--apply`` refuses while an answered field would be hidden without a choice:
``--keep EX/FIELD`` (the answer stays as earlier work) or ``--map OLD=NEW``
(it is carried onto a field of the new release). Applying rewrites the
profile's ``programme:`` line alone and records the choices in
``clients/<id>.answers/upgrades.yml``.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from dataclasses import dataclass, field
from pathlib import Path

from workbook.build.plan import known_fields, work_for
from workbook.build.writer import write_file
from workbook.errors import Problem, SourceLocation, UsageProblem, WorkbookError
from workbook.load import upgrades
from workbook.load.client_inputs import load_client_inputs
from workbook.load.project import Project, load_project
from workbook.load.releases import split_ref
from workbook.load.sources import load_yaml_text
from workbook.models import Programme
from workbook.outputs.base import ClientWork
from workbook.render.context import RenderContext

_FENCE = re.compile(r"^:::\s*\{[^}]*#(?P<id>[a-z0-9-]+)[^}]*\}\s*$")


@dataclass
class UpgradePlan:
    cid: str
    profile: Path
    source: str
    target: str
    stage_gone: str | None = None
    stages: list[tuple[str, list[str]]] = field(default_factory=list)  # (stage title, changes)
    hidden: list[str] = field(default_factory=list)  # answered keys the target has no field for
    maps: dict[str, str] = field(default_factory=dict)
    keeps: set[str] = field(default_factory=set)
    new_stage: str | None = None  # --stage: where the client goes when their stage is gone
    problems: list[str] = field(default_factory=list)  # what stops --apply

    def lines(self) -> list[str]:
        out = [f"Upgrade {self.cid}: {self.source} → {self.target}"]
        if not any(changes for _, changes in self.stages) and not self.hidden:
            out.append("  no change to this client's workbook")
        for title, changes in self.stages:
            if changes:
                out.append(f"  {title}")
                out += [f"    {c}" for c in changes]
        if self.stage_gone:
            then = f": moving to stage '{self.new_stage}'" if self.new_stage else ""
            out.append(
                f"  the client's stage '{self.stage_gone}' does not exist in {self.target}{then}"
            )
        for key in self.hidden:
            how = (
                f"carried onto {self.maps[key]}"
                if key in self.maps
                else "kept as earlier work"
                if key in self.keeps or "all" in self.keeps
                else "needs a choice"
            )
            out.append(f"  answered field {key} has no place in {self.target}: {how}")
        out += [f"  cannot apply: {p}" for p in self.problems]
        return out


def _target_ref(project: Project, source: str, to: str) -> str:
    pid, _ = split_ref(source)
    ref = to if "@" in to else f"{pid}@{to}"
    if ref not in project.releases:
        names = ", ".join(r.name for r in project.releases_of(pid)) or "none yet"
        raise UsageProblem(f"--to: '{pid}' has no release '{to}' — its releases: {names}")
    if ref in project.programme_problems:
        raise WorkbookError(project.programme_problems[ref], project.root)
    return ref


def _questions(work: ClientWork) -> tuple[dict[str, tuple[str, str]], list[Problem]]:
    """Every field of the workbook: key → (stage id, its question and items as written)."""
    fields, problems = known_fields(work)
    reader = work.reader()
    texts: dict[str, str] = {}
    for eid in {f.exercise for f in fields.values()}:
        done, _ = work.exercise(eid, reader)
        current: str | None = None
        for line in done.text.splitlines() if done is not None else ():
            match = _FENCE.match(line.strip())
            if match:
                current = f"{eid}/{match['id']}"
                texts[current] = ""
            elif line.strip() == ":::":
                current = None
            elif current is not None:
                texts[current] += line.strip() + "\n"
    out = {k: (f.stage, texts.get(k, "").strip()) for k, f in fields.items()}
    return out, problems


def _stage_changes(old: Programme, new: Programme) -> list[tuple[str, list[str]]]:
    """Per stage of either programme: exercises added, removed and moved, stages added/gone."""
    where_old = {e: s for s in old.stages for e in s.exercises}
    where_new = {e: s for s in new.stages for e in s.exercises}
    out: list[tuple[str, list[str]]] = []
    for stage in new.stages:
        changes = [] if old.stage(stage.id) else ["a new stage"]
        for eid in stage.exercises:
            before = where_old.get(eid)
            if before is None:
                changes.append(f"+ {eid}: added")
            elif before.id != stage.id:
                changes.append(f"> {eid}: moved here from stage '{before.id}'")
        previous = old.stage(stage.id)
        for eid in previous.exercises if previous is not None else ():
            if eid not in where_new:
                changes.append(f"- {eid}: removed")
        out.append((f"stage '{stage.id}' ({stage.title})", changes))
    for stage in old.stages:
        if new.stage(stage.id) is None:
            gone = [f"- {e}: removed" for e in stage.exercises if e not in where_new]
            out.append((f"stage '{stage.id}' ({stage.title})", ["this stage is gone", *gone]))
    return out


def plan_upgrade(
    root: Path,
    cid: str,
    to: str,
    maps: dict[str, str],
    keeps: set[str],
    new_stage: str | None = None,
) -> UpgradePlan:
    """Compare the client's workbook now with the one ``to`` would give them."""
    project = load_project(root, clients=False)
    if cid not in project.client_files:
        known = ", ".join(sorted(project.client_files)) or "none"
        raise UsageProblem(f"no client named '{cid}' — known clients: {known}")
    loaded = load_client_inputs(project, cid)
    if loaded.client is None:
        raise WorkbookError(list(loaded.problems), project.root)
    client = loaded.client
    source = project.programme_of(client)
    target = _target_ref(project, source, to)
    old = project.programme_named(source)
    new = project.programme_named(target)
    assert old is not None and new is not None
    plan = UpgradePlan(cid, client.path, source, target, maps=maps, keeps=keeps)
    stage = client.engagement.stage
    moved = client
    known = ", ".join(s.id for s in new.stages)
    if new_stage is not None and new.stage(new_stage) is None:
        plan.problems.append(f"--stage: {target} has no stage '{new_stage}' (it has: {known})")
    elif stage and new.stage(stage) is None:
        plan.stage_gone, plan.new_stage = stage, new_stage
        if new_stage is None:
            plan.problems.append(f"choose the client's stage in {target}: --stage, one of {known}")
    if plan.new_stage is not None:
        moved = dataclasses.replace(
            client, engagement=dataclasses.replace(client.engagement, stage=plan.new_stage)
        )
    elif plan.stage_gone:
        moved = dataclasses.replace(
            client, engagement=dataclasses.replace(client.engagement, stage=new.stages[0].id)
        )
    moved = dataclasses.replace(moved, programme=target)
    ctx = RenderContext(project.root, tuple(project.template_dirs), project.exercises)
    today = dt.date(2000, 1, 1)
    before, found = _questions(work_for(project, client, loaded.answers, ctx, today, dry=True))
    after, more = _questions(work_for(project, moved, loaded.answers, ctx, today, dry=True))
    if found or more:
        raise WorkbookError(found + more, project.root)
    plan.stages = _stage_changes(old, new)
    titles = dict(plan.stages)
    for key in sorted(set(before) & set(after)):
        if before[key][1] != after[key][1]:
            label = next(t for t in titles if t.startswith(f"stage '{after[key][0]}'"))
            titles[label].append(f"~ {key}: reworded")
    plan.stages = list(titles.items())
    answered = set(loaded.answers.current)
    plan.hidden = sorted(k for k in answered if k in before and k not in after)
    _check_choices(plan, after)
    return plan


def _check_choices(plan: UpgradePlan, after: dict[str, tuple[str, str]]) -> None:
    for old, new in sorted(plan.maps.items()):
        if old not in plan.hidden:
            plan.problems.append(f"--map {old}=…: {old} is not an answered field this hides")
        if new not in after:
            plan.problems.append(f"--map …={new}: {plan.target} has no field {new}")
    for key in plan.hidden:
        if key not in plan.maps and key not in plan.keeps and "all" not in plan.keeps:
            plan.problems.append(
                f"{key} holds an answer: keep it as earlier work (--keep {key}, or --keep all) "
                "or carry it onto a new field (--map "
                f"{key}=EXERCISE/FIELD)"
            )


def _programme_line(text: str, target: str) -> str:
    """The profile with its ``programme:`` line set to ``target`` (every other byte kept)."""
    lines = text.splitlines(keepends=True)
    pattern = re.compile(r"^programme:([ \t]*)([^#\r\n]*?)([ \t]*(#[^\r\n]*)?)(\r?\n?)$")
    for i, line in enumerate(lines):
        match = pattern.match(line)
        if match:
            space = match.group(1) or " "
            lines[i] = f"programme:{space}{target}{match.group(3)}{match.group(5)}"
            return "".join(lines)
    end = "" if text.endswith("\n") or not text else "\n"
    return f"{text}{end}programme: {target}\n"


def apply_upgrade(root: Path, plan: UpgradePlan, today: dt.date) -> None:
    """Move the client: the ``programme:`` line, then the record of the choices made."""
    if plan.problems:
        raise WorkbookError(
            [Problem(SourceLocation(plan.profile), p) for p in plan.problems], root.resolve()
        )
    raw = plan.profile.read_bytes().decode("utf-8")
    folder = plan.profile.parent / f"{plan.cid}.answers"
    chosen = {
        "from": plan.source,
        "to": plan.target,
        "date": today.isoformat(),
        "map": {k: v for k, v in plan.maps.items() if k in plan.hidden},
        "keep": [k for k in plan.hidden if k not in plan.maps],
    }
    if chosen["map"] or chosen["keep"]:
        path = folder / upgrades.NAME
        before = path.read_text(encoding="utf-8") if path.is_file() else upgrades.header()
        write_file(path, (before + upgrades.entry_text(chosen)).encode("utf-8"))
    text = _programme_line(raw, plan.target)
    if plan.new_stage is not None:
        text = _stage_value(text, plan.profile, plan.new_stage)
    write_file(plan.profile, text.encode("utf-8"))


def _stage_value(text: str, path: Path, stage: str) -> str:
    """The profile with ``engagement.stage``'s value replaced where it is written."""
    data, _ = load_yaml_text(text, path)
    raw = data.get("engagement", {}).get("stage") if isinstance(data, dict) else None
    line, col = getattr(raw, "line", 0), getattr(raw, "col", 0)
    if not line:
        raise WorkbookError(f"{path.name}: no engagement.stage to change")
    lines = text.splitlines(keepends=True)
    at = lines[line - 1]
    start = col - 1
    quoted = at[start : start + 1] in ("'", '"')
    end = start + len(str(raw)) + (2 if quoted else 0)
    lines[line - 1] = at[:start] + stage + at[end:]
    return "".join(lines)
