"""Many events into the outbox with one executemany: what a large import needs."""
from __future__ import annotations

import uuid
from datetime import datetime, timezone

from sqlalchemy.orm import Session

from shared.events import IMPORT_BATCH_ROWS, make_event, validate_event
from shared.outbox import add_to_outbox


def build_events(specs: list[tuple[str, str, dict]], producer: str) -> list[dict]:
    """Events like make_event's; the first of each type is fully validated.

    The rest are built by the same code from already-validated fields, so
    validating each of ten thousand again would only cost seconds.
    """
    occurred_at = datetime.now(timezone.utc).isoformat()
    checked: set[str] = set()
    events = []
    for type, user_id, data in specs:
        if type not in checked:
            events.append(make_event(type, user_id=user_id, data=data, producer=producer))
            checked.add(type)
            continue
        event_id = str(uuid.uuid4())
        events.append({"id": event_id, "type": type, "version": 1, "occurred_at": occurred_at,
                       "producer": producer, "user_id": user_id, "correlation_id": event_id,
                       "causation_id": None, "data": data})
    return events


def emit_many(session: Session, specs: list[tuple[str, str, dict]], producer: str) -> list[dict]:
    """Write (type, user_id, data) events in the session's transaction, in order, in one executemany."""
    events = build_events(specs, producer)
    add_to_outbox(session, events)
    return events


def emit_imported(session: Session, user_id: str, histories: list[list[tuple[str, dict]]],
                  producer: str) -> list[dict]:
    """An import's events as `applications.imported`, IMPORT_BATCH_ROWS applications per event.

    Each application's history stays in one event, in order. Returns every inner
    event ({id, type, data}), so rows can name the event that recorded them.
    """
    inner_all: list[dict] = []
    specs = []
    for start in range(0, len(histories), IMPORT_BATCH_ROWS):
        inner = [{"id": str(uuid.uuid4()), "type": type, "data": data}
                 for history in histories[start:start + IMPORT_BATCH_ROWS] for type, data in history]
        inner_all.extend(inner)
        specs.append(("applications.imported", user_id, {"events": inner}))
    add_to_outbox(session, build_events(specs, producer))  # the first is validated whole
    return inner_all


__all__ = ["build_events", "emit_imported", "emit_many", "validate_event"]
