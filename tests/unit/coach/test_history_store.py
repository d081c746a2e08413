"""The database-backed snapshot answers every question exactly as one built from all the facts."""
from __future__ import annotations

import random
from datetime import date, datetime, timedelta

import pytest
from sqlalchemy import select

from services.coach.history import app_of, load_snapshot
from services.coach.models import ApplicationFact, Profile
from services.coach.playbook.snapshot import INTERVIEW_STAGES, Snapshot

NOW = datetime(2026, 3, 11, 12, 0)
STAGES = ["applied", "applied", "screening", "interview", "final_interview", "offer", "saved"]
SOURCES = ["LinkedIn", "Referral", "", None, "Indeed"]
REASONS = [None, "skills", "experience", "other"]


def _seed(session, user: str, count: int, rng: random.Random) -> None:
    for i in range(count):
        furthest = rng.choice(STAGES)
        rejected = rng.random() < 0.4
        session.add(ApplicationFact(
            user_id=user, application_id=i + 1, company=f"Co{i}", role="Engineer", source=rng.choice(SOURCES),
            role_category=rng.choice(["eng", "data", None]), stage="rejected" if rejected else furthest,
            furthest_stage=furthest, created_at=NOW - timedelta(hours=rng.randint(-30, 24 * 12)),
            rejected_on=(NOW - timedelta(days=rng.randint(0, 20))).date() if rejected else None,
            reason=rng.choice(REASONS) if rejected else None, hidden=rng.random() < 0.1))


@pytest.mark.parametrize("tz", ["UTC", "America/New_York", "Asia/Kolkata"])
def test_stored_answers_match_the_facts_walked_in_python(make_service, tz):
    svc = make_service()
    rng = random.Random(tz)
    with svc.runtime.sessions.begin() as session:
        session.add(Profile(user_id="alice", timezone=tz, disabled_rules=[]))
        _seed(session, "alice", 300, rng)
        _seed(session, "bob", 50, rng)  # another person's facts never count
    event = {"id": "e1", "type": "application.created", "user_id": "alice",
             "occurred_at": NOW.isoformat(), "data": {"application_id": 7}}
    with svc.runtime.sessions() as session:
        stored = load_snapshot(session, event)
        facts = session.scalars(select(ApplicationFact).where(
            ApplicationFact.user_id == "alice", ApplicationFact.hidden.is_(False)).order_by(ApplicationFact.id))
        walked = Snapshot("alice", timezone=tz, apps=tuple(app_of(f) for f in facts))
        assert stored.store is not None and stored.apps == ()
        for ask in (
            lambda s: s.app_count(), lambda s: s.app(7), lambda s: s.app(9999), lambda s: s.first_created(),
            lambda s: s.recent_sources(20), lambda s: s.responses_by_source(),
            lambda s: s.rejections_at(INTERVIEW_STAGES), lambda s: s.rejections_for("skills"),
            lambda s: s.category_record("eng"), lambda s: s.category_record("data"),
            *[lambda s, d=d: s.rejections_since(NOW.date() - timedelta(days=d)) for d in (0, 7, 14)],
            *[lambda s, st=st: s.reached_count(st, excluding=7) for st in ("saved", "screening", "interview")],
            lambda s: s.reached_count("interview"),
            *[lambda s, d=d: s.made_on(date(2026, 3, 11) - timedelta(days=d)) for d in (-1, 0, 1, 2)],
            *[lambda s, d=d, h=h: s.late_count(NOW - timedelta(days=d), NOW, *h)
              for d in (1, 7) for h in ((23, 5), (22, 6), (2, 4))],
        ):
            assert ask(stored) == ask(walked)


def test_only_the_fields_the_rules_read_are_loaded(make_service):
    from services.coach.speaking import playbook

    svc = make_service()
    event = {"id": "e1", "type": "application.created", "user_id": "alice",
             "occurred_at": NOW.isoformat(), "data": {"application_id": 1}}
    with svc.runtime.sessions() as session:
        statements = []
        from sqlalchemy import event as sa_event
        sa_event.listen(svc.runtime.engine, "before_cursor_execute",
                        lambda *args: statements.append(args[2]))
        load_snapshot(session, event, playbook().rules_for("application.created"))
    assert not [s for s in statements if "checkins" in s or "feedback" in s or "FROM wins" in s]
    assert any("rule_firings" in s for s in statements)
