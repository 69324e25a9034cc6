"""The sample client the curriculum previews exercises with: placeholders, never a profile.

The curriculum is public, so no client profile and no answer may reach it.
Exercises are personalised here with a made-up :class:`Client` whose every
value is a clearly marked placeholder (``[Name]``, ``[Coach]``, ``[Goal 1]``),
with every optional value present so a preview shows an exercise at its
fullest. Each placeholder is wrapped in two private-use characters that pass
through Jinja and Markdown unchanged; :func:`mark_placeholders` turns them into
``<span class="wb-sample">`` in the rendered HTML, so readers can see at a
glance which words each client's own workbook fills in.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from workbook.models import (
    About,
    Client,
    Engagement,
    Firm,
    Goal,
    Milestone,
    Person,
    Programme,
    Session,
)
from workbook.render.templating import AnswersView, plain

OPEN, CLOSE = "\ue010", "\ue011"
_MARKED = re.compile(f"{OPEN}([^{OPEN}{CLOSE}]*){CLOSE}")
_TAG_OR_TEXT = re.compile(r"(<[^>]*>)")
SAMPLE_TITLE = "Filled in from each client's profile"


def placeholder(label: str) -> str:
    """A marked placeholder such as ``[Name]``."""
    return f"{OPEN}[{label}]{CLOSE}"


class SampleDate(dt.date):
    """A real date (so templates may compare it or read ``.year``) that prints as ``[Date]``."""

    def __str__(self) -> str:
        return placeholder("Date")


class SampleCustom(dict[str, Any]):
    """``client.custom``: any key a firm's exercise reads gives a placeholder, not an error."""

    def __missing__(self, key: str) -> str:
        return placeholder(f"custom.{key}")


def _goal(n: int, start: dt.date) -> Goal:
    return Goal(
        id=f"goal-{n}",
        title=placeholder(f"Goal {n}"),
        measures=(placeholder(f"Measure for goal {n}"),),
        milestones=(
            Milestone(
                placeholder(f"Milestone for goal {n}"),
                SampleDate(start.year, start.month, start.day),
                done=False,
            ),
        ),
    )


def sample_client(programme: Programme, today: dt.date) -> Client:
    """A client made of placeholders, with every optional value present."""
    start = SampleDate(today.year, today.month, today.day)
    return Client(
        id="sample",
        path=None,  # type: ignore[arg-type]  # no file: nothing here comes from a profile
        name=placeholder("Full name"),
        preferred_name=placeholder("Name"),
        coach=Person(placeholder("Coach"), None),
        pronouns=placeholder("Pronouns"),
        role=placeholder("Role"),
        organisation=placeholder("Organisation"),
        programme=programme.id,
        sponsor=Person(placeholder("Sponsor"), None, placeholder("Sponsor's role")),
        engagement=Engagement(
            start=start,
            stage=programme.stages[0].id,
            sessions=(Session(start, placeholder("Session focus")),),
        ),
        about=About(
            strengths=(placeholder("Strength 1"), placeholder("Strength 2")),
            leadership_experience=placeholder("Leadership experience"),
            influences=(placeholder("Influence"),),
            learning_preferences=(placeholder("Learning preference"),),
            feedback_preference=placeholder("Feedback preference"),
        ),
        goals=(_goal(1, start), _goal(2, start)),
    )


def sample_context(firm: Firm, programme: Programme, today: dt.date) -> dict[str, Any]:
    """The names an exercise sees, for the curriculum: placeholders and no answers."""
    client = plain(sample_client(programme, today))
    client["custom"] = SampleCustom()
    return {
        "client": client,
        "coach": client["coach"],
        "sponsor": client["sponsor"],
        "goals": client["goals"],
        "engagement": client["engagement"],
        "firm": plain(firm),
        "programme": plain(programme),
        "answers": AnswersView(),
        "today": today,
    }


def mark_placeholders(html: str) -> str:
    """Marked placeholders → highlighted spans in text; inside a tag, plain text."""
    parts = _TAG_OR_TEXT.split(html)
    out = []
    for part in parts:
        if part.startswith("<"):
            out.append(part.replace(OPEN, "").replace(CLOSE, ""))
        else:
            out.append(
                _MARKED.sub(rf'<span class="wb-sample" title="{SAMPLE_TITLE}">\1</span>', part)
                .replace(OPEN, "")
                .replace(CLOSE, "")
            )
    return "".join(out)
