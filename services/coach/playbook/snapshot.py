"""What the evaluator may know about a person: a plain, frozen picture of their history.

Built from the database by services/coach/history.py, or by hand in tests.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

STAGE_RANK = {"saved": 0, "applied": 1, "screening": 2, "interview": 3, "final_interview": 4,
              "offer": 5, "accepted": 6}
INTERVIEW_STAGES = ("interview", "final_interview")


def rank(stage: str | None) -> int:
    return STAGE_RANK.get(stage or "", 0)


@dataclass(frozen=True)
class App:
    application_id: int
    company: str = ""
    role: str = ""
    source: str | None = None
    category: str | None = None
    furthest: str = "applied"
    created_at: datetime | None = None
    rejected_on: date | None = None
    stage_reached: str | None = None  # the stage a rejection came at
    reason: str | None = None

    @property
    def responded(self) -> bool:
        return self.rejected_on is not None or rank(self.furthest) >= rank("screening")


@dataclass(frozen=True)
class Mood:
    at: datetime
    mood: int


@dataclass(frozen=True)
class Snapshot:
    user_id: str
    timezone: str = "UTC"
    apps: tuple[App, ...] = ()  # oldest first, the event's own application included
    moods: tuple[Mood, ...] = ()  # oldest first, the event's own mood included
    feedback_tags: tuple[tuple[str, ...], ...] = ()  # one tuple per piece of feedback, oldest first
    current_text: str | None = None  # the answer or note the event is about
    reflections_done: int = 0
    wins_count: int = 0
    goal_results: tuple[str, ...] = ()  # "met"/"missed" per closed weekly goal, oldest first
    last_activity: datetime | None = None  # before this event
    last_fired: dict[str, datetime] = field(default_factory=dict)
    disabled: frozenset[str] = frozenset()
    nudge_threshold: int = 3
    weekly_target: int | None = None  # the active weekly application goal

    def app(self, application_id: int | None) -> App | None:
        return next((a for a in self.apps if a.application_id == application_id), None)

    @property
    def rejections(self) -> tuple[App, ...]:
        return tuple(a for a in self.apps if a.rejected_on is not None)
