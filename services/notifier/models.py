"""The notifier's tables: who the user is, what we told them, where and to whom.

Every table has a user_id column, so `erase_user_rows` forgets a person
completely. Secrets (Apprise URLs, webhook URLs and keys) are stored encrypted.
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    JSON, Boolean, DateTime, Index, Integer, MetaData, String, Text, UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from shared.tables import Id, utcnow


class Base(DeclarativeBase):
    metadata = MetaData()


class Recipient(Base):
    __tablename__ = "recipients"

    user_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    display_name: Mapped[str | None] = mapped_column(String(200))
    email: Mapped[str] = mapped_column(String(320), nullable=False)
    timezone: Mapped[str] = mapped_column(String(64), nullable=False, default="UTC")


class Notification(Base):
    __tablename__ = "notifications"
    __table_args__ = (
        Index("ix_notifications_user", "user_id", "id"),
        Index("ix_notifications_unread", "user_id", "read_at"),
        Index("ix_notifications_ref", "user_id", "ref"),
    )

    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    user_id: Mapped[str] = mapped_column(String(64), nullable=False)
    kind: Mapped[str] = mapped_column(String(32), nullable=False)
    severity: Mapped[str] = mapped_column(String(16), nullable=False, default="info")
    title: Mapped[str] = mapped_column(String(300), nullable=False)
    body: Mapped[str] = mapped_column(Text, nullable=False)
    link: Mapped[str | None] = mapped_column(String(500))
    # The event that caused it: one notification per event, however often it arrives.
    source_event_id: Mapped[str] = mapped_column(String(36), nullable=False, unique=True)
    # What it is about in the coach's terms ("reflection:7"), so it can be withdrawn.
    ref: Mapped[str | None] = mapped_column(String(64))
    # A coach card's sections: [{kind, title, body, link}] (kind coach_card only).
    sections: Mapped[list | None] = mapped_column(JSON)
    about_rejection: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    created_at: Mapped[datetime] = mapped_column(DateTime, nullable=False, default=utcnow)
    read_at: Mapped[datetime | None] = mapped_column(DateTime)
    archived_at: Mapped[datetime | None] = mapped_column(DateTime)


class Channel(Base):
    """One way to reach the user: an e-mail address, an Apprise URL or a webhook."""
    __tablename__ = "channels"
    __table_args__ = (Index("ix_channels_user", "user_id"),)

    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    user_id: Mapped[str] = mapped_column(String(64), nullable=False)
    kind: Mapped[str] = mapped_column(String(16), nullable=False)  # email, apprise, webhook
    label: Mapped[str | None] = mapped_column(String(100))
    target_encrypted: Mapped[str] = mapped_column(Text, nullable=False)
    secret_encrypted: Mapped[str | None] = mapped_column(Text)  # webhook signing key
    masked: Mapped[str] = mapped_column(String(200), nullable=False)
    is_account_email: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    consecutive_failures: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    paused_at: Mapped[datetime | None] = mapped_column(DateTime)
    paused_reason: Mapped[str | None] = mapped_column(String(300))
    created_at: Mapped[datetime] = mapped_column(DateTime, nullable=False, default=utcnow)
    # E-mail channels other than the account's own carry nothing until the link sent there is followed.
    verified_at: Mapped[datetime | None] = mapped_column(DateTime)
    verify_nonce: Mapped[str | None] = mapped_column(String(32))


class MailSend(Base):
    """One e-mail sent: counted for the per-person, per-recipient and per-instance limits."""
    __tablename__ = "mail_sends"
    __table_args__ = (Index("ix_mail_sends_recipient", "recipient_key", "created_at"),
                      Index("ix_mail_sends_user", "user_id", "created_at"),
                      Index("ix_mail_sends_created", "created_at"))

    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    user_id: Mapped[str] = mapped_column(String(64), nullable=False)
    recipient_key: Mapped[str] = mapped_column(String(64), nullable=False)  # sha256 of the address
    purpose: Mapped[str] = mapped_column(String(16), nullable=False)
    created_at: Mapped[datetime] = mapped_column(DateTime, nullable=False, default=utcnow)


class Preferences(Base):
    """Per-user choices: `topic_modes` maps a topic (services/notifier/topics.py) to
    immediate|digest|off; `kinds` maps an inbox kind to {"channels": [ids] | null}."""
    __tablename__ = "preferences"

    user_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    kinds: Mapped[dict] = mapped_column(JSON, nullable=False, default=dict)
    quiet_start: Mapped[str | None] = mapped_column(String(5))  # "22:00", user's local time
    quiet_end: Mapped[str | None] = mapped_column(String(5))
    digest_time: Mapped[str] = mapped_column(String(5), nullable=False, default="18:00")
    last_digest_on: Mapped[str | None] = mapped_column(String(10))  # local date, ISO
    nudges_enabled: Mapped[bool] = mapped_column(Boolean, nullable=False, default=True)
    share_good_news: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    topic_modes: Mapped[dict] = mapped_column(JSON, nullable=False, default=dict)


class Supporter(Base):
    __tablename__ = "supporters"
    __table_args__ = (Index("ix_supporters_user", "user_id"),)

    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    user_id: Mapped[str] = mapped_column(String(64), nullable=False)
    name: Mapped[str] = mapped_column(String(100), nullable=False)
    relationship: Mapped[str] = mapped_column(String(16), nullable=False)
    email: Mapped[str | None] = mapped_column(String(320))
    apprise_encrypted: Mapped[str | None] = mapped_column(Text)
    apprise_masked: Mapped[str | None] = mapped_column(String(200))
    share_details: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    min_days_between: Mapped[int] = mapped_column(Integer, nullable=False, default=7)
    nudges_enabled: Mapped[bool] = mapped_column(Boolean, nullable=False, default=True)
    status: Mapped[str] = mapped_column(String(16), nullable=False, default="invited")
    # Inside every signed link: a link made for a removed and re-added supporter is dead.
    nonce: Mapped[str] = mapped_column(String(32), nullable=False)
    invited_at: Mapped[datetime] = mapped_column(DateTime, nullable=False, default=utcnow)
    confirmed_at: Mapped[datetime | None] = mapped_column(DateTime)
    unsubscribed_at: Mapped[datetime | None] = mapped_column(DateTime)
    last_nudged_at: Mapped[datetime | None] = mapped_column(DateTime)


class Delivery(Base):
    """One message to one destination; written before it is sent, never sent twice.

    States: pending -> sending -> sent | retry -> ... | failed; digest (held
    for the daily digest) -> digested; cancelled (withdrawn or channel gone);
    unknown (the worker stopped mid-send: we do not risk a second copy).
    """
    __tablename__ = "deliveries"
    __table_args__ = (
        UniqueConstraint("notification_id", "channel_id", name="uq_deliveries_notification_channel"),
        Index("ix_deliveries_due", "state", "not_before"),
        Index("ix_deliveries_notification", "user_id", "notification_id"),
    )

    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    user_id: Mapped[str] = mapped_column(String(64), nullable=False)
    dedupe_key: Mapped[str] = mapped_column(String(120), nullable=False, unique=True)
    notification_id: Mapped[int | None] = mapped_column(Id)
    channel_id: Mapped[int | None] = mapped_column(Id)
    supporter_id: Mapped[int | None] = mapped_column(Id)
    purpose: Mapped[str] = mapped_column(String(16), nullable=False)  # notification, invitation, nudge, good_news
    subject: Mapped[str] = mapped_column(String(300), nullable=False)
    body: Mapped[str] = mapped_column(Text, nullable=False)
    link: Mapped[str | None] = mapped_column(String(1000))
    state: Mapped[str] = mapped_column(String(16), nullable=False, default="pending")
    attempts: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    not_before: Mapped[datetime] = mapped_column(DateTime, nullable=False, default=utcnow)
    lease_until: Mapped[datetime | None] = mapped_column(DateTime)
    last_error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime, nullable=False, default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(DateTime)


metadata = Base.metadata
