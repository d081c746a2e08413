"""The tracker's tables: applications, their history, rejections and details."""
from __future__ import annotations

from datetime import date, datetime, time

from sqlalchemy import (
    Boolean, Date, DateTime, ForeignKey, Index, Integer, MetaData, String, Text, Time, UniqueConstraint,
)
from sqlalchemy import false
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from services.tracker.matching import tags_of
from shared.tables import Id, utcnow


class Base(DeclarativeBase):
    metadata = MetaData()


def _child(back: str, order: str):
    return relationship(back_populates=back, order_by=order, cascade="all, delete-orphan",
                        passive_deletes=True)


class Application(Base):
    __tablename__ = "applications"
    __table_args__ = (
        Index("ix_applications_user", "user_id", "id"),
        # with id last, the list's sort by company (ties by id) reads straight off the index
        Index("ix_applications_user_company", "user_id", "company_key", "id"),
        Index("ix_applications_user_stage", "user_id", "stage"),
        UniqueConstraint("user_id", "fingerprint", name="uq_applications_user_fingerprint"),
    )

    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    user_id: Mapped[str] = mapped_column(String(64), nullable=False)
    company: Mapped[str] = mapped_column(String(200), nullable=False)
    # lower case, letters and digits only: how company memory matches names
    company_key: Mapped[str] = mapped_column(String(200), nullable=False, server_default="")
    role: Mapped[str] = mapped_column(String(200), nullable=False)
    source: Mapped[str | None] = mapped_column(String(100))
    channel: Mapped[str] = mapped_column(String(32), nullable=False, server_default="other")
    url: Mapped[str | None] = mapped_column(String(2000))
    location: Mapped[str | None] = mapped_column(String(200))
    work_mode: Mapped[str | None] = mapped_column(String(16))
    salary_min: Mapped[int | None] = mapped_column(Integer)
    salary_max: Mapped[int | None] = mapped_column(Integer)
    salary_currency: Mapped[str | None] = mapped_column(String(3))
    salary_period: Mapped[str | None] = mapped_column(String(16))
    role_category: Mapped[str | None] = mapped_column(String(100))
    applied_on: Mapped[date | None] = mapped_column(Date)
    excitement: Mapped[int | None] = mapped_column(Integer)
    follow_up_on: Mapped[date | None] = mapped_column(Date)
    resume_version: Mapped[str | None] = mapped_column(String(100))
    cover_letter_version: Mapped[str | None] = mapped_column(String(100))
    # ",tag one,tag two," so a tag filter is one LIKE on every backend
    tags_text: Mapped[str] = mapped_column(String(2000), nullable=False, server_default="")
    archived: Mapped[bool] = mapped_column(Boolean, nullable=False, server_default=false(), default=False)
    notes: Mapped[str | None] = mapped_column(Text)
    stage: Mapped[str] = mapped_column(String(32), nullable=False)
    stage_since: Mapped[date | None] = mapped_column(Date)
    fingerprint: Mapped[str | None] = mapped_column(String(64))
    ghost_offered_at: Mapped[datetime | None] = mapped_column(DateTime)
    ghost_dismissed_at: Mapped[datetime | None] = mapped_column(DateTime)
    created_at: Mapped[datetime] = mapped_column(DateTime, nullable=False, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime, nullable=False, default=utcnow)

    history: Mapped[list["StageChange"]] = _child("application", "(StageChange.changed_on, StageChange.id)")
    rejection: Mapped["Rejection | None"] = relationship(
        back_populates="application", cascade="all, delete-orphan", uselist=False, passive_deletes=True,
    )
    note_entries: Mapped[list["Note"]] = _child("application", "Note.id")
    contacts: Mapped[list["Contact"]] = _child("application", "Contact.id")
    rounds: Mapped[list["InterviewRound"]] = _child("application", "(InterviewRound.scheduled_on, InterviewRound.id)")

    @property
    def tags(self) -> list[str]:
        return tags_of(self.tags_text)


# The list's sort by date applied, ties by id; a missing date sorts lowest (services/tracker/listing.py),
# which PostgreSQL's index must be told. SQLite puts NULLs first anyway and refuses a NULLS clause in an
# index: migration 0003 creates it there without one, and create_all leaves it out.
Index("ix_applications_user_applied", Application.user_id, Application.applied_on.asc().nulls_first(),
      Application.id).ddl_if(dialect="postgresql")


class StageChange(Base):
    __tablename__ = "stage_changes"

    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("applications.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[str] = mapped_column(String(64), nullable=False)
    from_stage: Mapped[str | None] = mapped_column(String(32))
    to_stage: Mapped[str] = mapped_column(String(32), nullable=False)
    changed_on: Mapped[date] = mapped_column(Date, nullable=False)
    created_at: Mapped[datetime] = mapped_column(DateTime, nullable=False, default=utcnow)

    application: Mapped[Application] = relationship(back_populates="history")


class Rejection(Base):
    __tablename__ = "rejections"

    application_id: Mapped[int] = mapped_column(
        ForeignKey("applications.id", ondelete="CASCADE"), primary_key=True)
    user_id: Mapped[str] = mapped_column(String(64), nullable=False, index=True)
    stage_reached: Mapped[str] = mapped_column(String(32), nullable=False)
    reason: Mapped[str | None] = mapped_column(String(32))
    feedback: Mapped[str | None] = mapped_column(Text)
    received_on: Mapped[date] = mapped_column(Date, nullable=False)
    # the application.rejected event, named again when the rejection is retracted
    event_id: Mapped[str | None] = mapped_column(String(36))
    created_at: Mapped[datetime] = mapped_column(DateTime, nullable=False, default=utcnow)

    application: Mapped[Application] = relationship(back_populates="rejection")


class Note(Base):
    __tablename__ = "notes"

    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("applications.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[str] = mapped_column(String(64), nullable=False, index=True)
    body: Mapped[str] = mapped_column(Text, nullable=False)
    created_at: Mapped[datetime] = mapped_column(DateTime, nullable=False, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime, nullable=False, default=utcnow)

    application: Mapped[Application] = relationship(back_populates="note_entries")


class Contact(Base):
    __tablename__ = "contacts"

    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("applications.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[str] = mapped_column(String(64), nullable=False, index=True)
    name: Mapped[str] = mapped_column(String(200), nullable=False)
    title: Mapped[str | None] = mapped_column(String(200))
    email: Mapped[str | None] = mapped_column(String(320))
    phone: Mapped[str | None] = mapped_column(String(50))
    profile_url: Mapped[str | None] = mapped_column(String(2000))
    created_at: Mapped[datetime] = mapped_column(DateTime, nullable=False, default=utcnow)

    application: Mapped[Application] = relationship(back_populates="contacts")


class InterviewRound(Base):
    __tablename__ = "interview_rounds"

    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("applications.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[str] = mapped_column(String(64), nullable=False, index=True)
    scheduled_on: Mapped[date] = mapped_column(Date, nullable=False)
    # a wall-clock time in `timezone` (IANA name); without a time the round is a whole-day entry
    starts_at: Mapped[time | None] = mapped_column(Time)
    timezone: Mapped[str | None] = mapped_column(String(64))
    duration_minutes: Mapped[int | None] = mapped_column(Integer)
    location: Mapped[str | None] = mapped_column(String(500))
    video_url: Mapped[str | None] = mapped_column(String(2000))
    kind: Mapped[str] = mapped_column(String(16), nullable=False)
    interviewer: Mapped[str | None] = mapped_column(String(200))
    notes: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime, nullable=False, default=utcnow)

    application: Mapped[Application] = relationship(back_populates="rounds")


class TrackerSettings(Base):
    __tablename__ = "tracker_settings"

    user_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    auto_ghost: Mapped[bool] = mapped_column(Boolean, nullable=False, server_default=false(), default=False)
    # SHA-256 of the private calendar feed's key; None: no feed (or it was revoked)
    calendar_key_hash: Mapped[str | None] = mapped_column(String(64))
    calendar_key_created_at: Mapped[datetime | None] = mapped_column(DateTime)
    updated_at: Mapped[datetime] = mapped_column(DateTime, nullable=False, default=utcnow)


metadata = Base.metadata
