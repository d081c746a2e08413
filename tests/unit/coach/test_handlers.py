"""Handlers and the API on a real (SQLite) database: rows and outbox events together."""
from __future__ import annotations

from datetime import date, datetime, timedelta

from sqlalchemy import func, select, update

from services.coach import handlers as coach
from services.coach.models import ApplicationFact, Card, Checkin, metadata
from shared.events import make_event
from shared.worker import run_handlers

NOW = datetime(2026, 3, 11, 12, 0)


def _event(type_, data, user="alice", at=NOW):
    event = make_event(type_, user_id=user, data=data, producer="test")
    event["occurred_at"] = at.isoformat() + "+00:00"
    return event


def _deliver(svc, event) -> bool:
    return run_handlers(svc.runtime.sessions, coach.HANDLERS[event["type"]], event)


def _created(app_id, at=NOW, source="job_board", category=None, user="alice"):
    return _event("application.created", {
        "application_id": app_id, "company": f"Co{app_id}", "role": "Engineer", "source": source,
        "role_category": category, "applied_on": at.date().isoformat()}, user=user, at=at)


def _rejected(app_id, stage="interview", reason=None, feedback=None, at=NOW, company="Acme"):
    return _event("application.rejected", {
        "application_id": app_id, "company": company, "role": "Engineer", "source": None,
        "stage_reached": stage, "reason": reason, "feedback": feedback,
        "received_on": at.date().isoformat()}, at=at)


def test_a_rejection_delivered_twice_acts_once(make_service):
    svc = make_service()
    event = _rejected(1, stage="screening", company="Northwind")
    assert _deliver(svc, event) is True
    assert _deliver(svc, event) is False
    [reflection] = svc.get("/reflections").json["items"]
    assert reflection["application_id"] == 1 and "Northwind" in reflection["prompt"]
    kinds = sorted(s["kind"] for s in svc.outbox("suggestion.offered"))
    # The first rejection also says setbacks are expected; the next step waits (one step a card: the draft).
    assert kinds == ["checkin", "feedback_request", "setbacks"]
    assert len(svc.get("/feedback-requests").json["items"]) == 1
    [card] = svc.outbox("coach.card_composed")  # one card for the moment, however often it arrives
    assert [s["kind"] for s in card["sections"]] == ["feelings", "reflection", "feedback", "insight"]


def test_a_hard_stretch_requests_a_nudge_and_self_care_once(make_service):
    svc = make_service()
    for i in range(4):
        _deliver(svc, _rejected(i, stage="applied", at=NOW + timedelta(hours=i)))
    assert len(svc.outbox("support.nudge_requested")) == 1  # threshold 3, then a week's cooldown
    assert [s["kind"] for s in svc.outbox("suggestion.offered")].count("self_care") == 1


def test_a_retracted_rejection_withdraws_what_it_caused(make_service):
    svc = make_service()
    _deliver(svc, _created(1))
    svc.post("/goals", {"kind": "applications", "target": 6})
    for i in (2, 3):
        _deliver(svc, _rejected(i, stage="applied"))
    third = _rejected(1, stage="final_interview", feedback="Strong, but communication was unclear")
    _deliver(svc, third)
    assert any(g["status"] == "proposed" for g in svc.get("/goals").json["items"])
    assert [w["kind"] for w in svc.get("/wins").json["items"]].count("feedback_received") == 1
    _deliver(svc, _event("application.rejection_retracted", {"application_id": 1,
                                                              "rejection_event_id": third["id"]}))
    [withdrawn] = svc.outbox("coaching.withdrawn")
    assert len(withdrawn["reflection_ids"]) == 1 and withdrawn["win_ids"] and withdrawn["suggestion_ids"]
    with svc.runtime.sessions() as session:  # its card (shown, or held over the day's budget) is taken back too
        [(card_id, status)] = session.execute(select(Card.card_id, Card.status).where(
            Card.cause_event_id == third["id"])).all()
    assert withdrawn["card_ids"] == [card_id] and status == "withdrawn"
    reflections = svc.get("/reflections").json["items"]
    assert all(r["application_id"] != 1 for r in reflections) and len(reflections) == 2
    assert not any(g["status"] == "proposed" for g in svc.get("/goals").json["items"])
    assert "feedback_received" not in [w["kind"] for w in svc.get("/wins").json["items"]]
    assert svc.get("/feedback-requests").json["items"] == []


def test_feedback_is_stored_tagged_and_celebrated(make_service):
    svc = make_service()
    _deliver(svc, _created(1))
    _deliver(svc, _event("application.feedback_received", {
        "application_id": 1, "feedback": "Great culture fit, but more years of experience needed"}))
    [item] = svc.get("/feedback").json["items"]
    assert item["tags"] == ["experience", "culture"]
    assert "feedback_obtained" in [w["kind"] for w in svc.get("/wins").json["items"]]
    assert svc.post("/feedback", {"text": "Explain your projects more clearly"}).json["tags"] == ["communication"]


def test_checkins_feed_mood_rules_through_the_worker(make_service):
    svc = make_service()
    assert svc.post("/checkins", {"mood": 7}).status_code == 422
    assert svc.post("/checkins", {"mood": 2, "note": "I messed up again", "extra": 1}).status_code == 422
    for day, (mood, note) in enumerate(((2, None), (1, "It's my fault, I messed up again"))):
        assert svc.post("/checkins", {"mood": mood, "note": note}).status_code == 201
        with svc.runtime.sessions.begin() as session:  # low moods on two different days
            session.execute(update(Checkin).where(Checkin.mood == mood).values(created_at=NOW + timedelta(days=day)))
        event = svc.outbox_events("checkin.recorded")[-1]
        event["occurred_at"] = (NOW + timedelta(days=day)).isoformat() + "+00:00"
        _deliver(svc, event)
    kinds = [s["kind"] for s in svc.get("/suggestions").json["items"]]
    # Both rules hold on the second day; one card has room for one kindness, and her own words come first.
    assert "self_compassion" in kinds and "self_care" not in kinds
    assert [s["kind"] for s in svc.outbox("coach.card_composed")[-1]["sections"]][:1] == ["selfcare"]


def test_weekly_goal_counts_applications_and_effort(make_service):
    svc = make_service()
    goal = svc.post("/goals", {"kind": "applications", "target": 5}).json
    _deliver(svc, _created(1, at=datetime.utcnow()))
    _deliver(svc, _created(2, at=datetime.utcnow()))
    [current] = [g for g in svc.get("/goals").json["items"] if g["id"] == goal["id"]]
    assert current["progress"] == 2
    svc.post("/goals", {"kind": "learning_hours", "target": 4})
    assert svc.post("/efforts", {"kind": "learning", "amount": 1.5, "what": "SQL course"}).status_code == 201
    learning = [g for g in svc.get("/goals").json["items"] if g["kind"] == "learning_hours"][0]
    assert learning["progress"] == 2
    assert svc.get("/efforts?kind=learning").json["items"][0]["what"] == "SQL course"
    assert svc.patch(f"/goals/{goal['id']}", {"target": 0}).status_code == 422
    assert svc.patch(f"/goals/{goal['id']}", {"target": 3}, user="bob").status_code == 404


def test_wins_can_be_added_and_exported(make_service):
    svc = make_service()
    _deliver(svc, _created(1))
    assert svc.post("/wins", {"title": "=Finished my portfolio"}).status_code == 201
    csv_text = svc.get("/wins/export.csv").get_data(as_text=True)
    assert csv_text.splitlines()[0] == "date,kind,title" and "'=Finished my portfolio" in csv_text
    md = svc.get("/wins/export.md").get_data(as_text=True)
    assert md.startswith("# My wins") and "first application" in md
    assert svc.get("/wins/export.md", user="bob").get_data(as_text=True).count("- ") == 0


def test_settings_are_validated_and_switch_rules_off(make_service):
    svc = make_service()
    assert svc.patch("/settings", {"timezone": "Mars/Base"}).status_code == 422
    bad = svc.patch("/settings", {"disabled_rules": ["rejection.nope"]})
    assert bad.status_code == 422 and "disabled_rules" in bad.json["error"]["fields"]
    ok = svc.patch("/settings", {"disabled_rules": ["rejection.next_step"], "review_time": "07:30"})
    assert ok.json["review_time"] == "07:30"
    _deliver(svc, _rejected(1))
    assert "next_step" not in [s["kind"] for s in svc.outbox("suggestion.offered")]


def test_reflections_can_be_skipped_and_answers_reframed(make_service):
    svc = make_service()
    _deliver(svc, _rejected(1))
    _deliver(svc, _rejected(2))
    first, second = svc.get("/reflections").json["items"]
    assert svc.post(f"/reflections/{first['id']}/skip").json["status"] == "skipped"
    assert svc.get("/reflections?status=skipped").json["items"][0]["id"] == first["id"]
    svc.post(f"/reflections/{second['id']}", {"answer": "I blew it, my fault entirely", "mood": 3})
    for event in svc.outbox_events("reflection.completed"):
        _deliver(svc, event)
    assert "growth" in [s["kind"] for s in svc.get("/suggestions").json["items"]]


def test_insights_give_the_dashboard_numbers(make_service):
    svc = make_service()
    for i in range(4):
        _deliver(svc, _created(i, source="referral" if i == 0 else "job_board", at=NOW - timedelta(days=10)))
    _deliver(svc, _event("application.stage_changed", {"application_id": 0, "from_stage": "applied",
                                                       "to_stage": "interview", "changed_on": "2026-03-05"}))
    _deliver(svc, _rejected(0, stage="interview", reason="experience"))
    body = svc.get("/insights").json
    assert {"stage": "interview", "count": 1} in body["funnel"]
    assert body["rejections_by_stage"] == {"interview": 1}
    assert body["rejections_by_reason"] == {"experience": 1}
    assert {"source": "referral", "applications": 1, "responses": 1, "rate_pct": 100} in body["response_rate_by_source"]
    assert body["time_to_response"]["median_days"] == 10
    assert sum(w["applications"] for w in body["weekly"]) == 4
    assert svc.get("/insights", user="bob").json["funnel"][0]["count"] == 0


def test_user_deleted_erases_every_table(make_service):
    svc = make_service()
    _deliver(svc, _event("user.registered", {"display_name": "A", "email": "a@example.com", "timezone": "UTC"}))
    _deliver(svc, _created(1))
    _deliver(svc, _rejected(1, feedback="More skills please"))
    svc.post("/checkins", {"mood": 3})
    svc.post("/efforts", {"kind": "rest", "amount": 1})
    _deliver(svc, _event("user.deleted", {}))
    with svc.runtime.sessions() as session:
        for table in metadata.sorted_tables:
            left = session.scalar(select(func.count()).select_from(table).where(table.c.user_id == "alice"))
            assert left == 0, table.name


def _old(app_id, applied_on, at):
    return _event("application.created", {
        "application_id": app_id, "company": f"Co{app_id}", "role": "Engineer", "source": "linkedin",
        "role_category": None, "applied_on": applied_on.isoformat()}, at=at)


def _progress_in_the_week_of_now(svc) -> int:
    monday = (NOW.date() - timedelta(days=NOW.weekday())).isoformat()
    return sum(g["progress"] for g in svc.get("/goals").json["items"] if g["week_start"] == monday)


def test_an_import_of_old_applications_is_counted_quietly(make_service):
    """60 applications from last year, brought in at 23:30: no wins (not even "first application":
    the search began long ago), no "big day", no "late nights", no progress on this week's goal;
    the count still moves."""
    svc = make_service()
    svc.post("/goals", {"kind": "applications", "target": 5})
    at = NOW.replace(hour=23, minute=30)
    for i in range(60):
        _deliver(svc, _old(i, date(2025, 6, 1) + timedelta(days=i), at + timedelta(seconds=i)))
    assert svc.get("/wins").json["items"] == []  # an import is history: no "first application" either
    assert svc.outbox("suggestion.offered") == []
    assert _progress_in_the_week_of_now(svc) == 0
    # Then one sent tonight: it is this week's, and one application is no big day.
    cards_before = len(svc.outbox("coach.card_composed"))
    _deliver(svc, _created(60, at=at + timedelta(minutes=5)))
    assert _progress_in_the_week_of_now(svc) == 1
    # Its small win waits for the day's "what you did" line: no item of its own.
    assert svc.outbox("suggestion.offered") == [] and len(svc.outbox("coach.card_composed")) == cards_before
    with svc.runtime.sessions() as session:
        assert session.scalar(select(func.count()).select_from(ApplicationFact)
                              .where(ApplicationFact.user_id == "alice", ApplicationFact.hidden.is_(False))) == 61


def test_an_application_caught_up_a_day_late_still_counts(make_service):
    svc = make_service()
    svc.post("/goals", {"kind": "applications", "target": 5})
    _deliver(svc, _old(1, NOW.date() - timedelta(days=1), NOW))
    assert _progress_in_the_week_of_now(svc) == 1


def _snapshot(svc) -> dict:
    with svc.runtime.sessions() as session:
        return {t.name: session.scalar(select(func.count()).select_from(t)) for t in metadata.sorted_tables
                if "user_id" in t.c}


def test_an_imported_chunk_does_what_its_events_would_have_done_alone(make_service, tmp_path, monkeypatch):
    """applications.imported runs each inner event through the handlers it would have met alone."""
    earlier = NOW - timedelta(days=40)
    inner = [_created(1, at=earlier), _rejected(1, stage="applied", at=earlier), _created(2, at=earlier)]
    monkeypatch.setenv("REBOUND_COACH_DATABASE_URL", f"sqlite:///{tmp_path / 'alone.db'}")
    alone = make_service()
    monkeypatch.setenv("REBOUND_COACH_DATABASE_URL", f"sqlite:///{tmp_path / 'chunked.db'}")
    chunked = make_service()
    for event in inner:
        _deliver(alone, event)
    batch = _event("applications.imported", {"events": [
        {"id": e["id"], "type": e["type"], "data": e["data"]} for e in inner]}, at=earlier)
    assert _deliver(chunked, batch) is True
    assert _deliver(chunked, batch) is False  # a chunk delivered twice acts once
    assert _snapshot(chunked) == _snapshot(alone)
    assert sum(_snapshot(chunked).values()) > 0
    assert sorted(chunked.outbox_types()) == sorted(alone.outbox_types())
