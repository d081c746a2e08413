"""Erasing a person: every row of theirs, in every table of a service's database."""
from __future__ import annotations

from sqlalchemy import MetaData, delete
from sqlalchemy.orm import Session

from shared.tables import outbox


def erase_user_rows(session: Session, metadata: MetaData, user_id: str) -> None:
    """Delete the user's rows from each table that has a user_id column, children first."""
    for table in reversed(metadata.sorted_tables):
        if "user_id" in table.c:
            session.execute(delete(table).where(table.c.user_id == user_id))
    # Events already on the bus need not stay; unsent ones still have to go out.
    session.execute(delete(outbox).where(outbox.c.user_id == user_id, outbox.c.sent_at.is_not(None)))


def erase_outbox_rows(session: Session, user_id: str) -> None:
    """Every outbox row about the person, sent or not (user.registered carries their e-mail and
    name). For the frontend, whose only events are the person's own: `user.deleted`, written
    after this, tells every service to forget whatever it already heard."""
    session.execute(delete(outbox).where(outbox.c.user_id == user_id))
