"""The database-backed part of a Snapshot: each question one small query, asked once per event.

Counts and groupings run in the database on indexed columns, and groupings
read a bounded window of the newest rows; each answer is kept for the rest of
the event. The statements are built once, at import, with bound
parameters: building a statement costs more Python time than running it.
"""
from __future__ import annotations

from datetime import date, datetime, time, timedelta
from functools import lru_cache

from sqlalchemy import (
    DateTime, Integer, and_, bindparam, case, cast, false, func, literal, null, or_, select, union_all,
)
from sqlalchemy.orm import Session

from services.coach.models import ApplicationFact, Goal
from services.coach.playbook.snapshot import SOURCE_WINDOW, STAGE_RANK, App, is_late, rank
from services.coach.timezones import local, to_utc

RESPONDED = tuple(s for s, r in STAGE_RANK.items() if r >= rank("screening"))
INTERVIEWED = tuple(s for s, r in STAGE_RANK.items() if r >= rank("interview"))

_F = ApplicationFact.__table__.c
_G = Goal.__table__.c
MINE = and_(_F.user_id == bindparam("user_id"), _F.hidden.is_(False))  # the person's facts still shown
APP = select(_F.application_id, _F.company, _F.role, _F.source, _F.role_category, _F.furthest_stage,
             _F.created_at, _F.rejected_on, _F.reason).where(MINE, _F.application_id == bindparam("application_id"))
MADE_BETWEEN = select(func.count()).where(MINE, _F.created_at >= bindparam("start"), _F.created_at < bindparam("end"))
REJECTIONS = (select(_F.rejected_on, _F.furthest_stage, _F.reason, func.count())
              .where(MINE, _F.rejected_on.is_not(None)).group_by(_F.rejected_on, _F.furthest_stage, _F.reason))
CATEGORY_RECORD = select(func.count(_F.rejected_on), func.count(case((_F.furthest_stage.in_(INTERVIEWED), 1)))).where(
    MINE, _F.role_category == bindparam("category"))
RECENT_SOURCES = (select(_F.source).where(MINE, _F.source.is_not(None), _F.source != "")
                  .order_by(_F.id.desc()).limit(bindparam("last", type_=Integer)))
# The source mix of the newest applications only: grouping the whole history made every
# new application of a long search cost more than the one before (an import of 10,000, quadratic).
_NEWEST_WITH_SOURCE = (select(_F.source, _F.rejected_on, _F.furthest_stage)
                       .where(MINE, _F.source.is_not(None), _F.source != "")
                       .order_by(_F.id.desc()).limit(SOURCE_WINDOW).subquery())
_N = _NEWEST_WITH_SOURCE.c
BY_SOURCE = (select(_N.source, func.count(), func.count(case((or_(_N.rejected_on.is_not(None),
                                                                  _N.furthest_stage.in_(RESPONDED)), 1))))
             .group_by(_N.source))
WEEKLY_TARGET = (select(_G.target).where(_G.user_id == bindparam("user_id"), _G.kind == "applications",
                                         _G.status.in_(("active", "met", "missed")))
                 .order_by(_G.id.desc()).limit(1))
FACT = select(ApplicationFact).where(ApplicationFact.user_id == bindparam("user_id"),
                                     ApplicationFact.application_id == bindparam("application_id"))
_KNOWN = "coach.facts"


def remember_fact(session: Session, fact: ApplicationFact) -> ApplicationFact:
    """Keep a fact a handler read or added at hand for the rest of the session (one event).

    The session's identity map holds objects weakly: once flushed, a fact no
    one refers to is dropped, and the playbook would read it again.
    """
    session.info.setdefault(_KNOWN, {})[(fact.user_id, fact.application_id)] = fact
    return fact


def known_fact(session: Session, user_id: str, application_id: int) -> ApplicationFact | None:
    """The fact of this application, from this session if it has it, else from the database."""
    fact = session.info.get(_KNOWN, {}).get((user_id, application_id))
    if fact is None:
        fact = session.scalar(FACT, {"user_id": user_id, "application_id": application_id})
        if fact is not None:
            remember_fact(session, fact)
    return fact


class FactStore:
    """The Snapshot's questions about applications (and the weekly target), answered by the database."""

    def __init__(self, session: Session, user_id: str, profile_target: int | None = None):
        self.session = session
        self.user_id = user_id
        self.profile_target = profile_target  # the settings' weekly target, used while no goal has one
        self._answers: dict = {}

    def _ask(self, key, statement, one_value: bool = True, **params):
        """The statement's answer for this person, read once per event."""
        if key not in self._answers:
            result = self.session.execute(statement, {"user_id": self.user_id, **params})
            self._answers[key] = result.scalar() if one_value else result.all()
        return self._answers[key]

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
            # The event's own fact is usually at hand already: its handler just read or wrote it.
            fact = self.session.info.get(_KNOWN, {}).get((self.user_id, application_id))
            if fact is None:
                fact = self.session.execute(APP, {"user_id": self.user_id, "application_id": application_id}).first()
            elif fact.hidden:
                fact = None
            self._answers[key] = app_of(fact) if fact is not None else None
        return self._answers[key]

    def app_count(self) -> int:
        return self._count("apps")

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

    def weekly_target(self) -> int | None:
        """The weekly application target in force: the newest active goal's, else the setting."""
        return self._ask("target", WEEKLY_TARGET) or self.profile_target

    def _rejections(self) -> list[tuple]:
        """(received on, stage reached, reason, how many): one grouped query for every rejection question."""
        return self._ask("rejections", REJECTIONS, one_value=False)

    def rejections_since(self, since: date) -> int:
        return sum(n for on, _, _, n in self._rejections() if on > since)

    def rejections_at(self, stages: tuple[str, ...]) -> int:
        return sum(n for _, stage, _, n in self._rejections() if stage in stages)

    def rejections_for(self, reason: str) -> int:
        return sum(n for _, _, why, n in self._rejections() if why == reason)

    def category_record(self, category: str) -> tuple[int, bool]:
        rejected, interviewed = self.session.execute(
            CATEGORY_RECORD, {"user_id": self.user_id, "category": category}).one()
        return rejected or 0, bool(interviewed)

    def recent_sources(self, last: int) -> list[str]:
        newest = self.session.scalars(RECENT_SOURCES, {"user_id": self.user_id, "last": last}).all()
        return list(reversed(newest))

    def _by_source(self) -> dict:
        """source -> (applications, answered) over the newest SOURCE_WINDOW applications with a source."""
        if "sources" not in self._answers:
            rows = self._ask("source rows", BY_SOURCE, one_value=False)
            self._answers["sources"] = {source: (total, responded) for source, total, responded in rows}
        return self._answers["sources"]

    def responses_by_source(self) -> dict[str, tuple[int, int]]:
        return {source: counts for source, counts in self._by_source().items() if source}

    def late_count(self, since: datetime, now: datetime, tz: str, start_hour: int, end_hour: int) -> int:
        """Counted in SQL over the late hours of each local night up to tomorrow; any later rows in Python."""
        bound = max(since, now) + timedelta(days=1)
        # Each night cut to [since, bound): the database then reads the late rows only, through the
        # (user, created_at) index, however many applications were made in the daytime.
        nights = [(max(start, since), min(end, bound))
                  for start, end in _late_windows(since, bound, tz, start_hour, end_hour)]
        nights = [(start, end) for start, end in nights if start < end]
        params = {"user_id": self.user_id, "bound": bound}
        for i, (start, end) in enumerate(nights):
            params[f"start_{i}"], params[f"end_{i}"] = start, end
        rows = self.session.execute(_late_statement(len(nights)), params).all()
        return sum(n if at is None else is_late(at, tz, start_hour, end_hour) for at, n in rows)

    def made_on(self, day: date, tz: str) -> int:
        start, end = to_utc(day, time(0), tz), to_utc(day + timedelta(days=1), time(0), tz)
        return self._ask(("day", day, tz), MADE_BETWEEN, start=start, end=end) or 0


@lru_cache(maxsize=8)
def _late_statement(nights: int):
    """Applications in `nights` [start_i, end_i) ranges, counted; those from `bound` on, listed.

    Built once per number of nights (the same for nearly every event of a rule).
    """
    ranges = [and_(_F.created_at >= bindparam(f"start_{i}"), _F.created_at < bindparam(f"end_{i}"))
              for i in range(nights)]
    counted = select(cast(null(), DateTime).label("at"), func.count().label("n")).where(
        MINE, or_(*ranges) if ranges else false())
    later = select(_F.created_at, literal(1)).where(MINE, _F.created_at >= bindparam("bound"))
    return union_all(counted, later)


def _late_windows(since: datetime, bound: datetime, tz: str, start_hour: int, end_hour: int):
    """[start, end) in naive UTC of the late hours of each local day between since and bound:
    from midnight until end_hour, and from start_hour until midnight."""
    day, last = local(since, tz).date(), local(bound, tz).date()
    while day <= last:
        yield to_utc(day, time(0), tz), to_utc(day, time(end_hour), tz)
        yield to_utc(day, time(start_hour), tz), to_utc(day + timedelta(days=1), time(0), tz)
        day += timedelta(days=1)


def app_of(f: ApplicationFact) -> App:
    return App(application_id=f.application_id, company=f.company, role=f.role, source=f.source,
               category=f.role_category, furthest=f.furthest_stage, created_at=f.created_at,
               rejected_on=f.rejected_on, stage_reached=f.furthest_stage if f.rejected_on else None,
               reason=f.reason)
