"""The applications part of a Snapshot built from the database: each question one small query.

Counts and groupings run in the database on indexed columns, so an event costs
the same with 10 or 10,000 applications behind it; each answer is kept for the
rest of the event.
"""
from __future__ import annotations

from datetime import date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

from sqlalchemy import DateTime, and_, case, cast, func, literal, null, or_, select, union_all
from sqlalchemy.orm import Session

from services.coach.models import ApplicationFact
from services.coach.playbook.snapshot import STAGE_RANK, App, is_late, rank

RESPONDED = tuple(s for s, r in STAGE_RANK.items() if r >= rank("screening"))


class FactStore:
    """The Snapshot's questions about applications, answered by the database (each asked once)."""

    def __init__(self, session: Session, user_id: str):
        self.session = session
        self.user_id = user_id
        self._answers: dict = {}

    def _where(self, *more):
        return (ApplicationFact.user_id == self.user_id, ApplicationFact.hidden.is_(False), *more)

    def _scalar(self, key, query):
        if key not in self._answers:
            self._answers[key] = self.session.scalar(query)
        return self._answers[key]

    def _count(self, key, *where) -> int:
        return self._scalar(key, select(func.count()).select_from(ApplicationFact).where(*self._where(*where))) or 0

    def app(self, application_id: int | None) -> App | None:
        key = ("app", application_id)
        if key not in self._answers:
            # The event's own fact is usually in the session already: its handler just wrote it.
            fact = next((f for f in self.session.identity_map.values() if isinstance(f, ApplicationFact)
                         and f.user_id == self.user_id and f.application_id == application_id), None)
            if fact is None:
                fact = self.session.scalar(select(ApplicationFact).where(
                    *self._where(ApplicationFact.application_id == application_id)))
            elif fact.hidden:
                fact = None
            self._answers[key] = app_of(fact) if fact is not None else None
        return self._answers[key]

    def app_count(self) -> int:
        return sum(total for total, _ in self._by_source().values())

    def reached_count(self, stage: str, excluding: int | None) -> int:
        where = [] if excluding is None else [ApplicationFact.application_id != excluding]
        if rank(stage) > 0:  # every stage reaches rank 0, known or not
            where.append(ApplicationFact.furthest_stage.in_([s for s, r in STAGE_RANK.items() if r >= rank(stage)]))
        return self._count(("reached", stage, excluding), *where)

    def first_created(self) -> datetime | None:
        return self._scalar("first", select(func.min(ApplicationFact.created_at)).where(*self._where()))

    def last_activity(self, excluding: int | None) -> datetime | None:
        where = [] if excluding is None else [ApplicationFact.application_id != excluding]
        return self._scalar("last", select(func.max(ApplicationFact.created_at)).where(*self._where(*where)))

    def _rejections(self) -> list[tuple]:
        """(received on, stage reached, reason, how many): one grouped query for every rejection question."""
        if "rejections" not in self._answers:
            self._answers["rejections"] = self.session.execute(select(
                ApplicationFact.rejected_on, ApplicationFact.furthest_stage, ApplicationFact.reason, func.count())
                .where(*self._where(ApplicationFact.rejected_on.is_not(None)))
                .group_by(ApplicationFact.rejected_on, ApplicationFact.furthest_stage, ApplicationFact.reason)).all()
        return self._answers["rejections"]

    def rejections_since(self, since: date) -> int:
        return sum(n for on, _, _, n in self._rejections() if on > since)

    def rejections_at(self, stages: tuple[str, ...]) -> int:
        return sum(n for _, stage, _, n in self._rejections() if stage in stages)

    def rejections_for(self, reason: str) -> int:
        return sum(n for _, _, why, n in self._rejections() if why == reason)

    def category_record(self, category: str) -> tuple[int, bool]:
        interview = [s for s, r in STAGE_RANK.items() if r >= rank("interview")]
        rejected, interviewed = self.session.execute(select(
            func.count(ApplicationFact.rejected_on),
            func.count(case((ApplicationFact.furthest_stage.in_(interview), 1))),
        ).where(*self._where(ApplicationFact.role_category == category))).one()
        return rejected or 0, bool(interviewed)

    def recent_sources(self, last: int) -> list[str]:
        newest = self.session.scalars(select(ApplicationFact.source).where(*self._where(
            ApplicationFact.source.is_not(None), ApplicationFact.source != ""))
            .order_by(ApplicationFact.id.desc()).limit(last)).all()
        return list(reversed(newest))

    def _by_source(self) -> dict:
        """source (None and "" included) -> (applications, answered): the total and the source mix in one query."""
        if "sources" not in self._answers:
            answered = or_(ApplicationFact.rejected_on.is_not(None), ApplicationFact.furthest_stage.in_(RESPONDED))
            rows = self.session.execute(select(
                ApplicationFact.source, func.count(), func.count(case((answered, 1))))
                .where(*self._where()).group_by(ApplicationFact.source)).all()
            self._answers["sources"] = {source: (total, responded) for source, total, responded in rows}
        return self._answers["sources"]

    def responses_by_source(self) -> dict[str, tuple[int, int]]:
        return {source: counts for source, counts in self._by_source().items() if source}

    def late_count(self, since: datetime, now: datetime, tz: str, start_hour: int, end_hour: int) -> int:
        """Counted in SQL over the late hours of each local night up to tomorrow; any later rows in Python."""
        bound = max(since, now) + timedelta(days=1)
        nights = [and_(ApplicationFact.created_at >= start, ApplicationFact.created_at < end)
                  for start, end in _late_windows(since, bound, tz, start_hour, end_hour)]
        counted = select(cast(null(), DateTime).label("at"), func.count().label("n")).where(*self._where(
            ApplicationFact.created_at >= since, ApplicationFact.created_at < bound, or_(*nights)))
        later = select(ApplicationFact.created_at, literal(1)).where(*self._where(ApplicationFact.created_at >= bound))
        rows = self.session.execute(union_all(counted, later)).all()
        return sum(n if at is None else is_late(at, tz, start_hour, end_hour) for at, n in rows)

    def made_on(self, day: date, tz: str) -> int:
        start, end = _utc(day, time(0), tz), _utc(day + timedelta(days=1), time(0), tz)
        return self._count(("day", day, tz), ApplicationFact.created_at >= start, ApplicationFact.created_at < end)


def _utc(day: date, at: time, tz: str) -> datetime:
    """A local wall-clock time as naive UTC."""
    return datetime.combine(day, at, ZoneInfo(tz)).astimezone(timezone.utc).replace(tzinfo=None)


def _late_windows(since: datetime, bound: datetime, tz: str, start_hour: int, end_hour: int):
    """[start, end) in naive UTC of the late hours of each local day between since and bound:
    from midnight until end_hour, and from start_hour until midnight."""
    zone = ZoneInfo(tz)
    day = since.replace(tzinfo=timezone.utc).astimezone(zone).date()
    last = bound.replace(tzinfo=timezone.utc).astimezone(zone).date()
    while day <= last:
        yield _utc(day, time(0), tz), _utc(day, time(end_hour), tz)
        yield _utc(day, time(start_hour), tz), _utc(day + timedelta(days=1), time(0), tz)
        day += timedelta(days=1)


def app_of(f: ApplicationFact) -> App:
    return App(application_id=f.application_id, company=f.company, role=f.role, source=f.source,
               category=f.role_category, furthest=f.furthest_stage, created_at=f.created_at,
               rejected_on=f.rejected_on, stage_reached=f.furthest_stage if f.rejected_on else None,
               reason=f.reason)
