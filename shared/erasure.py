"""Erasing a person: every row of theirs, in every table of a service's database.

`user.deleted` overtakes any backlog (it has a queue of its own), so the
person's own events may still arrive after their erasure. Each erasure leaves
a tombstone, a row in `processed_events` whose id is derived from the user id
(nothing personal: ids are random), and the worker drops any later event of an
erased person instead of bringing their data back.
"""
from __future__ import annotations

import uuid

from sqlalchemy import MetaData, delete, select
from sqlalchemy.orm import Session

from shared.db import insert_for
from shared.tables import outbox, processed_events, utcnow

ERASED = "user.erased"  # the event_type of tombstones in processed_events
_TOMBSTONES = uuid.UUID("6f0d2b9e-5a1c-4f4e-9a57-0c7f3a2e8b11")


def tombstone_id(user_id: str) -> str:
    return str(uuid.uuid5(_TOMBSTONES, user_id))


def erased_among(session: Session, user_ids: set[str]) -> set[str]:
    """Which of these people were erased here (one query)."""
    if not user_ids:
        return set()
    by_stone = {tombstone_id(u): u for u in user_ids}
    found = session.scalars(select(processed_events.c.event_id).where(
        processed_events.c.event_id.in_(list(by_stone))))
    return {by_stone[stone] for stone in found}


def erase_user_rows(session: Session, metadata: MetaData, user_id: str) -> None:
    """Delete the user's rows from each table that has a user_id column, children first."""
    for table in reversed(metadata.sorted_tables):
        if "user_id" in table.c:
            session.execute(delete(table).where(table.c.user_id == user_id))
    # Events already on the bus need not stay; unsent ones still have to go out.
    session.execute(delete(outbox).where(outbox.c.user_id == user_id, outbox.c.sent_at.is_not(None)))
    session.execute(insert_for(session)(processed_events).on_conflict_do_nothing(
        index_elements=[processed_events.c.event_id]),
                    {"event_id": tombstone_id(user_id), "event_type": ERASED, "processed_at": utcnow()})


def erase_outbox_rows(session: Session, user_id: str) -> None:
    """Every outbox row about the person, sent or not (user.registered carries their e-mail and
    name). For the frontend, whose only events are the person's own: `user.deleted`, written
    after this, tells every service to forget whatever it already heard."""
    session.execute(delete(outbox).where(outbox.c.user_id == user_id))
