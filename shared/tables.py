"""Tables every service database has: the outbox and the processed-event log."""
from __future__ import annotations

from datetime import datetime, timezone

from sqlalchemy import (
    JSON, BigInteger, Column, DateTime, Index, Integer, MetaData, String, Table, Text,
)

bus_metadata = MetaData()

Id = BigInteger().with_variant(Integer, "sqlite")


def utcnow() -> datetime:
    """Naive UTC: what every timestamp column stores, on SQLite and PostgreSQL."""
    return datetime.now(timezone.utc).replace(tzinfo=None)


outbox = Table(
    "outbox",
    bus_metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("event_id", String(36), nullable=False, unique=True),
    Column("event_type", String(64), nullable=False),
    Column("user_id", String(64)),
    Column("payload", JSON, nullable=False),
    Column("created_at", DateTime, nullable=False, default=utcnow),
    Column("sent_at", DateTime),
    Column("attempts", Integer, nullable=False, default=0),
    Column("next_attempt_at", DateTime),
    Column("claimed_by", String(64)),
    Column("claimed_until", DateTime),
    Column("last_error", Text),
)
Index(
    "ix_outbox_unsent", outbox.c.id,
    sqlite_where=outbox.c.sent_at.is_(None), postgresql_where=outbox.c.sent_at.is_(None),
)

processed_events = Table(
    "processed_events",
    bus_metadata,
    Column("event_id", String(36), primary_key=True),
    Column("event_type", String(64), nullable=False),
    Column("processed_at", DateTime, nullable=False, default=utcnow),
)
