"""An exercise's language variants hold the fields of their base, so answers stay one set.

A client's answer is keyed by exercise, field id and item key. A variant with a field
its base lacks (or the other way round), a field of another kind, or a checklist whose
item keys differ would keep answers that the other language's page cannot show, so each
difference is a problem at the variant's line.
"""

from __future__ import annotations

from workbook.errors import Problem, SourceLocation
from workbook.models import Exercise, Field
from workbook.render import markdown


def _fields(exercise: Exercise) -> list[Field]:
    """The fields an exercise states before any client's Jinja runs."""
    return list(markdown.static_report(exercise.body, exercise.path, exercise.id).fields)


def variant_problems(base: Exercise, variant: Exercise) -> list[Problem]:
    """Every way ``variant``'s fields differ from its base's: missing, extra, another kind,
    other item keys."""
    theirs = {f.id: f for f in _fields(base)}
    ours = {f.id: f for f in _fields(variant)}
    name = base.path.name
    problems: list[Problem] = []

    def add(line: int, what: str, fix: str) -> None:
        problems.append(Problem(SourceLocation(variant.path, line), what, fix))

    for fid, mine in ours.items():
        other = theirs.get(fid)
        if other is None:
            add(mine.line, f"field '#{fid}' is not in {name}", _SAME)
        elif other.kind != mine.kind:
            add(mine.line, f"field '#{fid}' is a {mine.kind} here, a {other.kind} in {name}", _SAME)
        else:
            keys, base_keys = [i.key for i in mine.items], [i.key for i in other.items]
            if sorted(keys) != sorted(base_keys):
                gone = sorted(set(base_keys) - set(keys))
                extra = sorted(set(keys) - set(base_keys))
                said = "; ".join(
                    part
                    for part in (
                        f"missing {', '.join(gone)}" if gone else "",
                        f"not in {name}: {', '.join(extra)}" if extra else "",
                    )
                    if part
                )
                add(mine.line, f"field '#{fid}' has other item keys than in {name} ({said})", _KEYS)
    for fid, other in theirs.items():
        if fid not in ours:
            add(
                1,
                f"field '#{fid}' of {name} (line {other.line}) is missing from this variant",
                _SAME,
            )
    return problems


_SAME = (
    "a variant keeps its base's fields, with the same ids and kinds, so answers are shared "
    "whatever the language: translate the words, not the {…} braces"
)
_KEYS = (
    "give each item the key it has in the base file, written at its end: "
    "'- Je demande avant de dire. {#asks-first}'"
)
