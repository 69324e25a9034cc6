"""What one client's build is made from: the profile, programme, exercises and answers.

A :class:`ClientJob` holds one client's inputs alone (plain, picklable data),
so building a client is a function of its job: the speed work (caching, a
process pool, a distributed executor) wraps it without changing it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from functools import cached_property

from workbook.load.answers import Answers
from workbook.models import Client, Exercise, Programme, Settings, Stage


@dataclass(frozen=True)
class StageView:
    """A stage as a client sees it: its number, folder, and whether it is released."""

    stage: Stage
    number: int
    slug: str  # "<nn>-<stage-id>"
    status: str  # done | current | coming
    released: bool


@dataclass(frozen=True)
class ClientJob:
    client: Client
    programme: Programme
    exercises: dict[str, Exercise]
    answers: Answers
    settings: Settings
    edition: str = "client"
    today: dt.date = field(default_factory=dt.date.today)
    only_stage: str | None = None

    @cached_property
    def stages(self) -> tuple[StageView, ...]:
        ids = [s.id for s in self.programme.stages]
        current = ids.index(self.client.engagement.stage or ids[0])
        views = []
        for i, stage in enumerate(self.programme.stages):
            status = "done" if i < current else "current" if i == current else "coming"
            released = self.settings.release == "all" or i <= current
            views.append(StageView(stage, i + 1, f"{i + 1:02d}-{stage.id}", status, released))
        return tuple(views)

    @property
    def language(self) -> str:
        return self.client.language or self.settings.language

    @cached_property
    def released(self) -> tuple[StageView, ...]:
        """The stages this build writes: released ones (only ``--stage``'s with it)."""
        return tuple(
            v
            for v in self.stages
            if v.released and (self.only_stage is None or v.stage.id == self.only_stage)
        )

    def stage_of(self, exercise: str) -> StageView:
        """The stage an exercise belongs to (an exercise appears once in a programme)."""
        return next(v for v in self.stages if exercise in v.stage.exercises)
