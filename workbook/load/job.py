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
    # exercises holding this client's answers that their programme no longer has: shown,
    # read-only, as "Earlier work" (nothing a client wrote disappears from their workbook)
    earlier: dict[str, Exercise] = field(default_factory=dict)
    # answered fields gone from an exercise that stays: exercise id → the answer keys, and
    # the exercise as it was when they were answered (absent when no copy has them)
    earlier_fields: dict[str, tuple[str, ...]] = field(default_factory=dict)
    earlier_copies: dict[str, Exercise] = field(default_factory=dict)
    latest_release: str | None = None  # the newest release of the client's programme

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
        """The stages this build writes: released ones (only ``--stage``'s with it).

        The coach edition builds ``--stage`` even before the stage is released, so
        the coach can read it ahead of the client.
        """
        if self.only_stage is not None:
            ahead = self.edition == "coach"
            return tuple(
                v for v in self.stages if v.stage.id == self.only_stage and (v.released or ahead)
            )
        return tuple(v for v in self.stages if v.released)

    @property
    def stage_unreleased(self) -> bool:
        """``--stage`` names a stage of this programme the client has not reached yet."""
        return any(v.stage.id == self.only_stage and not v.released for v in self.stages)

    def stage_of(self, exercise: str) -> StageView:
        """The stage an exercise belongs to (an exercise appears once in a programme); earlier
        work, in no stage now, is read in the first."""
        return next((v for v in self.stages if exercise in v.stage.exercises), self.stages[0])
