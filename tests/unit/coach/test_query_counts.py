"""What one event costs the coach in statements: the coach-worker pays this for every event.

Imports bring thousands of application.created events, bursts of rejections
bring application.rejected: each reads the person's settings and its own fact
once, and only the history its rules ask about.
"""
from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select

from services.coach import handlers as coach
from services.coach.effects import celebrate
from services.coach.goals import add_progress, this_weeks_goal
from services.coach.models import Goal, Win
from shared.events import make_event
from shared.worker import run_handlers
from support.statements import statements

NOW = datetime(2026, 3, 11, 12, 0)


def _event(type_, data, at=NOW):
    event = make_event(type_, user_id="alice", data=data, producer="test")
    event["occurred_at"] = at.isoformat() + "+00:00"
    return event


def _deliver(svc, event) -> None:
    assert run_handlers(svc.runtime.sessions, coach.HANDLERS[event["type"]], event)


def _created(app_id, at=NOW):
    return _event("application.created", {
        "application_id": app_id, "company": f"Co{app_id}", "role": "Engineer", "source": "job_board",
        "role_category": "backend", "applied_on": at.date().isoformat()}, at=at)


def _rejected(app_id, at=NOW):
    return _event("application.rejected", {
        "application_id": app_id, "company": f"Co{app_id}", "role": "Engineer", "source": "job_board",
        "stage_reached": "interview", "reason": "experience", "feedback": None,
        "received_on": at.date().isoformat()}, at=at)


def _with_history(svc, applications: int) -> None:
    _deliver(svc, _event("user.registered", {"display_name": "Alice", "email": "alice@example.org",
                                             "timezone": "Europe/Berlin"}, at=NOW - timedelta(days=30)))
    svc.patch("/settings", {"weekly_target": 10})
    for i in range(1, applications + 1):
        _deliver(svc, _created(i, at=NOW - timedelta(minutes=applications - i)))


def _reads(seen: list[str], table: str) -> int:
    return sum(s.startswith("SELECT") and f" FROM {table} " in f"{s} " for s in seen)


def test_an_application_reads_the_settings_once_and_moves_the_goal_in_one_statement(make_service):
    svc = make_service()
    _with_history(svc, 5)
    with statements(svc.runtime.engine) as seen:
        _deliver(svc, _created(6))
    settings_reads = [s for s in seen if s.startswith("SELECT profiles.timezone")]
    assert len(settings_reads) == 1 and _reads(seen, "profiles") == 1, "the settings, once"
    assert _reads(seen, "goals") == 0 and sum(s.startswith("UPDATE goals") for s in seen) == 1
    assert _reads(seen, "rule_firings") == 1
    assert len(seen) <= 13, seen  # 11, the small win kept for the day's line, and the erased-person check
    [goal] = [g for g in svc.get("/goals").json["items"] if g["kind"] == "applications"]
    assert goal["progress"] == 6 and svc.outbox("goal.updated")[-1]["progress"] == 6


def test_an_application_from_the_past_asks_nothing_about_today_or_late_nights(make_service):
    """An import's rows can't make a big day or a late night: those questions, which range over
    the person's whole history when the planner lacks statistics, are not asked for them."""
    svc = make_service()
    _with_history(svc, 5)
    old = _created(6)
    old["data"]["applied_on"] = (NOW.date() - timedelta(days=90)).isoformat()
    with statements(svc.runtime.engine) as seen:
        _deliver(svc, old)
    assert not [s for s in seen if "FROM application_facts" in s and "created_at >=" in s], seen
    with statements(svc.runtime.engine) as seen:
        _deliver(svc, _created(7))
    assert len([s for s in seen if "FROM application_facts" in s and "created_at >=" in s]) == 2


def test_a_rejection_reads_its_fact_and_the_settings_once(make_service):
    svc = make_service()
    _with_history(svc, 5)
    with statements(svc.runtime.engine) as seen:
        _deliver(svc, _rejected(3))
    fact_reads = [s for s in seen if s.startswith("SELECT application_facts.id")]
    assert len(fact_reads) == 1  # note_rejection's; the playbook and the feedback draft reuse it
    assert _reads(seen, "profiles") == 1
    # Only the moods a reflection carried: a mood given just now answers "how are you?" (issue 14).
    reads = [s for s in seen if s.startswith("SELECT") and " FROM reflections " in f"{s} "]
    assert len(reads) == 1 and "reflections.mood" in reads[0]
    assert len(seen) <= 30, seen
    kinds = sorted(s["kind"] for s in svc.outbox("suggestion.offered"))
    # Small wins wait for the day's line; the first rejection's card says setbacks are expected, and its
    # one step is the feedback draft.
    assert kinds == ["checkin", "feedback_request", "setbacks"]


def test_moving_the_goal_leaves_no_stale_goal_in_the_session(make_service):
    svc = make_service()
    _with_history(svc, 1)
    with svc.runtime.sessions.begin() as session:
        goal = this_weeks_goal(session, "alice", "applications", NOW)
        before = goal.progress
        add_progress(session, "alice", "applications", 2, NOW)
        assert goal.progress == before + 2
    with svc.runtime.sessions() as session:
        assert session.scalar(select(Goal.progress).where(Goal.id == goal.id)) == before + 2


def test_a_win_is_recorded_and_announced_once_per_key(make_service):
    svc = make_service()
    cause = _created(1)
    with svc.runtime.sessions.begin() as session:
        first = celebrate(session, cause, "first_application", "", "First one out!", now=NOW)
        again = celebrate(session, cause, "first_application", "", "First one out!", now=NOW)
    assert first is not None and again is None
    with svc.runtime.sessions() as session:
        assert session.scalar(select(Win.id)) == first
    assert [w["win_id"] for w in svc.outbox("win.celebrated")] == [first]


def test_the_source_mix_reads_only_the_newest_applications(make_service):
    from services.coach.fact_store import FactStore
    from services.coach.playbook.snapshot import SOURCE_WINDOW
    svc = make_service()
    _with_history(svc, 5)  # job_board, the oldest
    for i in range(6, 6 + SOURCE_WINDOW):
        data = dict(_created(i)["data"], source="referral")
        _deliver(svc, _event("application.created", data))
    with svc.runtime.sessions() as session:
        mix = FactStore(session, "alice").responses_by_source()
    assert mix == {"referral": (SOURCE_WINDOW, 0)}, "the five older job-board applications are outside the window"
