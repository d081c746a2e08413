"""The mailbox service's tables: the connected mailbox, where we got to, and the proposals.

Privacy by design: no message body, subject or address is stored. A proposal keeps only
the decision, its confidence, the matched application and an excerpt of at most 300
characters; `message_ref` is a one-way hash that lets us recognise a mail again without
keeping its Message-ID. Every table has a user_id column, so `erase_user_rows` forgets
a person completely.
"""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    JSON, BigInteger, Date, DateTime, Float, Index, Integer, MetaData, String, Text, UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from shared.tables import Id, utcnow

EXCERPT_LIMIT = 300


class Base(DeclarativeBase):
    metadata = MetaData()


metadata = Base.metadata


class MailAccount(Base):
    """One person's connected mailbox (one per person); the password is encrypted at rest."""
    __tablename__ = "mail_accounts"

    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    user_id: Mapped[str] = mapped_column(String(64), nullable=False, unique=True)
    host: Mapped[str] = mapped_column(String(255), nullable=False)
    port: Mapped[int] = mapped_column(Integer, nullable=False)
    tls: Mapped[str] = mapped_column(String(16), nullable=False)  # implicit | starttls | none
    username: Mapped[str] = mapped_column(String(320), nullable=False)
    password_encrypted: Mapped[str] = mapped_column(Text, nullable=False)
    folders: Mapped[list] = mapped_column(JSON, nullable=False)
    start_on: Mapped[date] = mapped_column(Date, nullable=False)
    status: Mapped[str] = mapped_column(String(16), nullable=False, default="watching")  # watching | disconnected
    # Record without asking at or above this confidence; None asks every time.
    auto_record_above: Mapped[float | None] = mapped_column(Float)
    created_at: Mapped[datetime] = mapped_column(DateTime, nullable=False, default=utcnow)
    last_checked_at: Mapped[datetime | None] = mapped_column(DateTime)
    next_check_at: Mapped[datetime | None] = mapped_column(DateTime)
    # A worker is reading this mailbox until then (services/mailbox/check_claims.py).
    checking_until: Mapped[datetime | None] = mapped_column(DateTime)
    check_token: Mapped[str | None] = mapped_column(String(32))  # whose lease checking_until is
    # The worker holding this mailbox's IDLE connections, until then (services/mailbox/idle.py).
    idle_token: Mapped[str | None] = mapped_column(String(32))
    idle_until: Mapped[datetime | None] = mapped_column(DateTime)
    consecutive_failures: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    last_error: Mapped[str | None] = mapped_column(String(300))
    failing_since: Mapped[datetime | None] = mapped_column(DateTime)
    failure_reported_at: Mapped[datetime | None] = mapped_column(DateTime)


class FolderState(Base):
    """How far we have read one folder: its UIDVALIDITY and the last UID seen."""
    __tablename__ = "folder_states"
    __table_args__ = (UniqueConstraint("account_id", "folder", name="uq_folder_states_account_folder"),)

    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    user_id: Mapped[str] = mapped_column(String(64), nullable=False)
    account_id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), nullable=False)
    folder: Mapped[str] = mapped_column(String(255), nullable=False)
    uidvalidity: Mapped[int | None] = mapped_column(BigInteger)
    last_uid: Mapped[int] = mapped_column(BigInteger, nullable=False, default=0)


class Proposal(Base):
    """What a mail looked like, offered to the person: record it, or not."""
    __tablename__ = "proposals"
    __table_args__ = (
        UniqueConstraint("user_id", "message_ref", name="uq_proposals_user_message"),
        Index("ix_proposals_user_status", "user_id", "status", "id"),
    )

    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    user_id: Mapped[str] = mapped_column(String(64), nullable=False)
    message_ref: Mapped[str] = mapped_column(String(64), nullable=False)
    classification: Mapped[str] = mapped_column(String(32), nullable=False)
    confidence: Mapped[float] = mapped_column(Float, nullable=False)
    application_id: Mapped[int | None] = mapped_column(BigInteger)
    company: Mapped[str | None] = mapped_column(String(200))
    role: Mapped[str | None] = mapped_column(String(200))
    received_on: Mapped[date] = mapped_column(Date, nullable=False)
    excerpt: Mapped[str] = mapped_column(String(EXCERPT_LIMIT), nullable=False)
    # pending | accepted | declined | auto_recorded
    status: Mapped[str] = mapped_column(String(16), nullable=False, default="pending")
    created_at: Mapped[datetime] = mapped_column(DateTime, nullable=False, default=utcnow)
    decided_at: Mapped[datetime | None] = mapped_column(DateTime)


class KnownApplication(Base):
    """A small copy of the person's applications, from the tracker's events, for matching."""
    __tablename__ = "known_applications"

    user_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    application_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    company: Mapped[str] = mapped_column(String(200), nullable=False)
    role: Mapped[str] = mapped_column(String(200), nullable=False)
    applied_on: Mapped[date | None] = mapped_column(Date)
    # The latest stage we heard of, so an invitation to a stage already reached is not proposed.
    stage: Mapped[str | None] = mapped_column(String(32))
    rejected_on: Mapped[date | None] = mapped_column(Date)
