"""What the evaluator may know about a person: a plain, frozen picture of their history.

Built from the database by services/coach/history.py, or by hand in tests.
Conditions ask about applications through the methods below, and each method
asks the snapshot's `store` — the one way to read history. Built from the
database, the store is a FactStore (one small indexed query per question, so an
event costs the same with 10 or 10,000 applications); made by hand, a
MemoryStore over `apps`.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

from services.coach.timezones import local, to_utc  # noqa: F401  (local: for the conditions)

STAGE_RANK = {"saved": 0, "applied": 1, "screening": 2, "interview": 3, "final_interview": 4,
              "offer": 5, "accepted": 6}
INTERVIEW_STAGES = ("interview", "final_interview")
# How many of the newest applications (with a source) the source mix is read over:
# the channels someone uses now, and a cost that stays flat however long the search.
SOURCE_WINDOW = 200


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
    apps: tuple[App, ...] = ()  # oldest first, for a hand-made snapshot (a test) only
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
    weekly_target: int | None = None  # the active weekly application goal (hand-made snapshots)
    # Answers every question about applications: history.FactStore (the database) or, when a
    # snapshot is made by hand, a MemoryStore over `apps`. One way to ask, whichever answers.
    store: Any = field(default=None, compare=False, repr=False)

    def __post_init__(self):
        if self.store is None:
            object.__setattr__(self, "store", MemoryStore(self.apps, self.weekly_target))

    def current_target(self) -> int | None:
        """The weekly application target in force (read from the database only when a goal is proposed)."""
        return self.store.weekly_target()

    def app(self, application_id: int | None) -> App | None:
        return self.store.app(application_id)

    def app_count(self) -> int:
        return self.store.app_count()

    def reached_count(self, stage: str, excluding: int | None = None) -> int:
        """Applications (other than `excluding`) that got at least as far as `stage`."""
        return self.store.reached_count(stage, excluding)

    def first_created(self) -> datetime | None:
        return self.store.first_created()

    def rejections_since(self, since: date) -> int:
        """Rejections received after `since`."""
        return self.store.rejections_since(since)

    def rejections_at(self, stages: tuple[str, ...]) -> int:
        """Rejections that came at one of these stages."""
        return self.store.rejections_at(stages)

    def rejections_for(self, reason: str) -> int:
        return self.store.rejections_for(reason)

    def category_record(self, category: str) -> tuple[int, bool]:
        """(rejections in the role category, whether any application there reached an interview)."""
        return self.store.category_record(category)

    def recent_sources(self, last: int) -> list[str]:
        """The sources of the newest `last` applications that have one, oldest first."""
        return self.store.recent_sources(last)

    def responses_by_source(self) -> dict[str, tuple[int, int]]:
        """source -> (applications, how many got an answer), over the newest SOURCE_WINDOW with a source."""
        return self.store.responses_by_source()

    def late_count(self, since: datetime, now: datetime, start_hour: int, end_hour: int) -> int:
        """Applications made since `since` at a late local hour (from start_hour until end_hour)."""
        return self.store.late_count(since, now, self.timezone, start_hour, end_hour)

    def made_on(self, day: date) -> int:
        """Applications made on this local day."""
        return self.store.made_on(day, self.timezone)


@dataclass(frozen=True)
class MemoryStore:
    """The questions FactStore answers from the database, answered from a list (hand-made snapshots)."""
    apps: tuple[App, ...] = ()
    target: int | None = None

    def weekly_target(self) -> int | None:
        return self.target

    def app(self, application_id: int | None) -> App | None:
        return next((a for a in self.apps if a.application_id == application_id), None)

    def app_count(self) -> int:
        return len(self.apps)

    def reached_count(self, stage: str, excluding: int | None) -> int:
        return sum(1 for a in self.apps if a.application_id != excluding and rank(a.furthest) >= rank(stage))

    def first_created(self) -> datetime | None:
        return min((a.created_at for a in self.apps if a.created_at), default=None)

    def _rejections(self) -> list[App]:
        return [a for a in self.apps if a.rejected_on is not None]

    def rejections_since(self, since: date) -> int:
        return sum(1 for a in self._rejections() if a.rejected_on > since)

    def rejections_at(self, stages: tuple[str, ...]) -> int:
        return sum(1 for a in self._rejections() if a.stage_reached in stages)

    def rejections_for(self, reason: str) -> int:
        return sum(1 for a in self._rejections() if a.reason == reason)

    def category_record(self, category: str) -> tuple[int, bool]:
        same = [a for a in self.apps if a.category == category]
        return (sum(1 for a in same if a.rejected_on is not None),
                any(rank(a.furthest) >= rank("interview") for a in same))

    def recent_sources(self, last: int) -> list[str]:
        return [a.source for a in self.apps if a.source][-last:]

    def responses_by_source(self) -> dict[str, tuple[int, int]]:
        found: dict[str, tuple[int, int]] = {}
        for a in [a for a in self.apps if a.source][-SOURCE_WINDOW:]:
            total, answered = found.get(a.source, (0, 0))
            found[a.source] = (total + 1, answered + a.responded)
        return found

    def late_count(self, since: datetime, now: datetime, tz: str, start_hour: int, end_hour: int) -> int:
        return sum(1 for a in self.apps if a.created_at and a.created_at >= since
                   and is_late(a.created_at, tz, start_hour, end_hour))

    def made_on(self, day: date, tz: str) -> int:
        return sum(1 for a in self.apps if a.created_at and local(a.created_at, tz).date() == day)


# An application recorded more than this long after it was sent was brought in from the past (an
# import, or catching up on old ones): it counts in totals, not as effort made when it was recorded.
CATCH_UP_DAYS = 1


def sent_lately(applied_on: date | None, recorded_on: date) -> bool:
    """Was the application sent around the (local) day it was recorded? Unknown counts as yes."""
    return applied_on is None or applied_on >= recorded_on - timedelta(days=CATCH_UP_DAYS)


def made_at(applied_on: date | None, recorded_at: datetime, tz: str) -> datetime:
    """When the application was made, as naive UTC: the moment it was recorded, unless it came
    from the past; then the middle of the local day it was sent (so it is neither today's nor late)."""
    if sent_lately(applied_on, local(recorded_at, tz).date()):
        return recorded_at
    return to_utc(applied_on, time(12), tz)


def is_late(at: datetime, tz: str, start_hour: int, end_hour: int) -> bool:
    hour = local(at, tz).hour
    return hour >= start_hour or hour < end_hour
