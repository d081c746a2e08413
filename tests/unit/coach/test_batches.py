"""The coach's handlers give the same answers in a batch (one transaction) as one event at a time."""
from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select

from services.coach import handlers as coach
from services.coach.models import metadata
from shared.events import make_event
from shared.worker import run_batch, run_handlers

NOW = datetime(2026, 3, 15, 23, 0)  # a Sunday night in UTC, already Monday in Berlin


def _event(type_, user, data, minutes):
    event = make_event(type_, user_id=user, data=data, producer="test")
    event["occurred_at"] = (NOW + timedelta(minutes=minutes)).isoformat() + "+00:00"
    return event


def _events() -> list[dict]:
    """Two people; bob registers in the middle of the batch, then applies and hears back."""
    def registered(user, minute):
        return _event("user.registered", user, {"display_name": user.title(), "email": f"{user}@example.org",
                                                "timezone": "Europe/Berlin"}, minute)

    def created(user, app_id, minute, source="job_board"):
        return _event("application.created", user, {
            "application_id": app_id, "company": f"Co{app_id}", "role": "Engineer", "source": source,
            "role_category": "backend", "applied_on": NOW.date().isoformat()}, minute)

    def rejected(user, app_id, minute):
        return _event("application.rejected", user, {
            "application_id": app_id, "company": f"Co{app_id}", "role": "Engineer", "source": "job_board",
            "stage_reached": "interview", "reason": "experience", "feedback": None,
            "received_on": NOW.date().isoformat()}, minute)

    alice = [registered("alice", 0)] + [created("alice", i, i) for i in range(1, 12)]
    return alice + [created("bob", 100, 20), registered("bob", 21), created("bob", 101, 22),
                    rejected("alice", 3, 23), rejected("bob", 101, 24), rejected("alice", 4, 25)]


def _rows(svc) -> dict[str, list[tuple]]:
    """Every row the coach keeps, in key order (the bus's own bookkeeping left out)."""
    found = {}
    with svc.runtime.engine.connect() as conn:
        for table in metadata.sorted_tables:
            if table.name not in ("outbox", "processed_events"):
                found[table.name] = [tuple(r) for r in conn.execute(
                    select(table).order_by(*table.primary_key.columns))]
    return found


def _emitted(svc) -> list[tuple[str, dict]]:
    return [(e["type"], e["user_id"], e["data"]) for e in
            (p for t in sorted(set(svc.outbox_types())) for p in svc.outbox_events(t))]


def test_a_batch_writes_what_one_event_at_a_time_writes(make_service, tmp_path, monkeypatch):
    events = _events()
    alone = make_service()
    for event in events:
        assert run_handlers(alone.runtime.sessions, coach.HANDLERS[event["type"]], event)
    expected = _emitted(alone)

    monkeypatch.setenv("REBOUND_DATA_DIR", str(tmp_path / "batched"))
    together = make_service()
    assert run_batch(together.runtime.sessions, [(e, coach.HANDLERS[e["type"]]) for e in events]) == \
        [True] * len(events)
    assert _emitted(together) == expected
    assert _rows(together) == _rows(alone)
    kinds = {t for t, _, _ in expected}
    assert {"goal.updated", "reflection.prompted", "win.celebrated"} <= kinds, kinds
