"""The coach's tables: what it knows of the user's search, and what it offered.

Every row the playbook writes keeps `source_event_id` (the event that caused
it) and `rule_id`, so a retracted rejection can take back exactly what it set off.
"""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    JSON, Boolean, Date, DateTime, Float, Index, Integer, MetaData, String, Text, UniqueConstraint, false,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from shared.db import insert_for
from shared.tables import Id, utcnow


class Base(DeclarativeBase):
    metadata = MetaData()


class Profile(Base):
    """A person's coaching settings: how to address them, when, and what to leave out."""
    __tablename__ = "profiles"

    user_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    display_name: Mapped[str | None] = mapped_column(String(200))
    timezone: Mapped[str] = mapped_column(String(64), nullable=False, default="UTC")
    review_weekday: Mapped[int] = mapped_column(Integer, nullable=False, default=6, server_default="6")
    review_time: Mapped[str] = mapped_column(String(5), nullable=False, default="18:00", server_default="18:00")
    disabled_rules: Mapped[list] = mapped_column(JSON, nullable=False, default=list, server_default="[]")
    nudge_threshold: Mapped[int] = mapped_column(Integer, nullable=False, default=3, server_default="3")
    weekly_target: Mapped[int | None] = mapped_column(Integer)
    # The person's own coaching budgets (composer.Budget fields); absent ones keep the calm defaults.
    coach_budget: Mapped[dict | None] = mapped_column(JSON)


class ApplicationFact(Base):
    """The coach's own copy of the facts events told it about an application."""
    __tablename__ = "application_facts"
    # One index per kind of question the playbook asks (fact_store.py); migrations 0003 and 0004.
    __table_args__ = (UniqueConstraint("user_id", "application_id"),
                      Index("ix_application_facts_user_created", "user_id", "hidden", "created_at"),
                      Index("ix_application_facts_user_rejected", "user_id", "rejected_on"),
                      Index("ix_application_facts_user_category", "user_id", "role_category"),
                      Index("ix_application_facts_user_newest", "user_id", "hidden", "id"))

    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    user_id: Mapped[str] = mapped_column(String(64), nullable=False)
    application_id: Mapped[int] = mapped_column(Integer, nullable=False)
    company: Mapped[str] = mapped_column(String(200), nullable=False)
    role: Mapped[str] = mapped_column(String(200), nullable=False)
    source: Mapped[str | None] = mapped_column(String(100))
    role_category: Mapped[str | None] = mapped_column(String(100))
    stage: Mapped[str] = mapped_column(String(32), nullable=False)
    furthest_stage: Mapped[str] = mapped_column(String(32), nullable=False, default="applied",
                                                server_default="applied")
    applied_on: Mapped[date | None] = mapped_column(Date)
    created_at: Mapped[datetime | None] = mapped_column(DateTime)
    responded_on: Mapped[date | None] = mapped_column(Date)
    rejected_on: Mapped[date | None] = mapped_column(Date)
    rejection_event_id: Mapped[str | None] = mapped_column(String(36))
    reason: Mapped[str | None] = mapped_column(String(32))
    contact_name: Mapped[str | None] = mapped_column(String(200))
    contact_email: Mapped[str | None] = mapped_column(String(320))
    hidden: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False, server_default=false())


class Reflection(Base):
    __tablename__ = "reflections"
    __table_args__ = (Index("ix_reflections_user_status", "user_id", "status", "id"),)

    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    user_id: Mapped[str] = mapped_column(String(64), nullable=False)
    application_id: Mapped[int | None] = mapped_column(Integer)
    kind: Mapped[str] = mapped_column(String(64), nullable=False)
    prompt: Mapped[str] = mapped_column(Text, nullable=False)
    answer: Mapped[str | None] = mapped_column(Text)
    mood: Mapped[int | None] = mapped_column(Integer)
    # open, done, skipped, withdrawn
    status: Mapped[str] = mapped_column(String(16), nullable=False, default="open")
    source_event_id: Mapped[str] = mapped_column(String(36), nullable=False, unique=True)
    rule_id: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(DateTime, nullable=False, default=utcnow)
    answered_at: Mapped[datetime | None] = mapped_column(DateTime)


class Win(Base):
    __tablename__ = "wins"
    __table_args__ = (UniqueConstraint("user_id", "kind", "key"), Index("ix_wins_user", "user_id", "id"))

    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    user_id: Mapped[str] = mapped_column(String(64), nullable=False)
    kind: Mapped[str] = mapped_column(String(64), nullable=False)
    # What makes this win unique for the user (e.g. the application id), so
    # an automatic win is never celebrated twice.
    key: Mapped[str] = mapped_column(String(100), nullable=False, default="")
    title: Mapped[str] = mapped_column(String(300), nullable=False)
    source_event_id: Mapped[str | None] = mapped_column(String(36))
    rule_id: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(DateTime, nullable=False, default=utcnow)


class Goal(Base):
    __tablename__ = "goals"
    __table_args__ = (Index("ix_goals_user", "user_id", "id"),)

    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    user_id: Mapped[str] = mapped_column(String(64), nullable=False)
    # applications, outreach, learning_hours, rest_days, learning
    kind: Mapped[str] = mapped_column(String(64), nullable=False)
    title: Mapped[str] = mapped_column(String(300), nullable=False)
    progress: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    target: Mapped[int] = mapped_column(Integer, nullable=False)
    period: Mapped[str] = mapped_column(String(32), nullable=False, default="week")
    # proposed, active, met, missed, declined, withdrawn
    status: Mapped[str] = mapped_column(String(16), nullable=False, default="active")
    week_start: Mapped[date | None] = mapped_column(Date)
    source_event_id: Mapped[str | None] = mapped_column(String(36))
    rule_id: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(DateTime, nullable=False, default=utcnow)


class Suggestion(Base):
    """Something the coach offered: a next step, self-care, a nudge to a mentor..."""
    __tablename__ = "suggestions"
    __table_args__ = (Index("ix_suggestions_user", "user_id", "id"),)

    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    user_id: Mapped[str] = mapped_column(String(64), nullable=False)
    kind: Mapped[str] = mapped_column(String(64), nullable=False)
    title: Mapped[str] = mapped_column(String(300), nullable=False)
    body: Mapped[str] = mapped_column(Text, nullable=False)
    application_id: Mapped[int | None] = mapped_column(Integer)
    urgency: Mapped[str] = mapped_column(String(8), nullable=False, default="normal")
    status: Mapped[str] = mapped_column(String(16), nullable=False, default="open")
    source_event_id: Mapped[str | None] = mapped_column(String(36))
    rule_id: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(DateTime, nullable=False, default=utcnow)


class Insight(Base):
    __tablename__ = "insights"

    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    user_id: Mapped[str] = mapped_column(String(64), nullable=False, index=True)
    kind: Mapped[str] = mapped_column(String(64), nullable=False)
    title: Mapped[str] = mapped_column(String(300), nullable=False)
    body: Mapped[str] = mapped_column(Text, nullable=False)
    numbers: Mapped[dict] = mapped_column(JSON, nullable=False, default=dict)
    source_event_id: Mapped[str | None] = mapped_column(String(36))
    rule_id: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(DateTime, nullable=False, default=utcnow)


class Checkin(Base):
    __tablename__ = "checkins"
    __table_args__ = (Index("ix_checkins_user", "user_id", "id"),)

    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    user_id: Mapped[str] = mapped_column(String(64), nullable=False)
    mood: Mapped[int] = mapped_column(Integer, nullable=False)
    note: Mapped[str | None] = mapped_column(Text)
    application_id: Mapped[int | None] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(DateTime, nullable=False, default=utcnow)


class FeedbackRequest(Base):
    """A draft e-mail asking a company for feedback; the user edits and sends it."""
    __tablename__ = "feedback_requests"

    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    user_id: Mapped[str] = mapped_column(String(64), nullable=False, index=True)
    application_id: Mapped[int] = mapped_column(Integer, nullable=False)
    to_name: Mapped[str | None] = mapped_column(String(200))
    to_email: Mapped[str | None] = mapped_column(String(320))
    subject: Mapped[str] = mapped_column(String(300), nullable=False)
    body: Mapped[str] = mapped_column(Text, nullable=False)
    status: Mapped[str] = mapped_column(String(16), nullable=False, default="draft")  # draft, sent, withdrawn
    source_event_id: Mapped[str | None] = mapped_column(String(36))
    created_at: Mapped[datetime] = mapped_column(DateTime, nullable=False, default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(DateTime)


class Feedback(Base):
    """Feedback a company gave, tagged so repeated themes can be noticed."""
    __tablename__ = "feedback"

    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    user_id: Mapped[str] = mapped_column(String(64), nullable=False, index=True)
    application_id: Mapped[int | None] = mapped_column(Integer)
    text: Mapped[str] = mapped_column(Text, nullable=False)
    tags: Mapped[list] = mapped_column(JSON, nullable=False, default=list)
    source_event_id: Mapped[str | None] = mapped_column(String(36), unique=True)
    created_at: Mapped[datetime] = mapped_column(DateTime, nullable=False, default=utcnow)


class Effort(Base):
    """Effort that counts towards goals: outreach messages, learning hours, rest days."""
    __tablename__ = "efforts"

    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    user_id: Mapped[str] = mapped_column(String(64), nullable=False, index=True)
    kind: Mapped[str] = mapped_column(String(16), nullable=False)  # outreach, learning, rest
    amount: Mapped[float] = mapped_column(Float, nullable=False)
    what: Mapped[str | None] = mapped_column(String(300))
    logged_on: Mapped[date] = mapped_column(Date, nullable=False)
    created_at: Mapped[datetime] = mapped_column(DateTime, nullable=False, default=utcnow)


class DueItem(Base):
    """Scheduled work the scheduler loop picks up: kept here so restarts lose nothing."""
    __tablename__ = "due_items"
    __table_args__ = (Index("ix_due_items_pending", "status", "due_at"),)

    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    user_id: Mapped[str] = mapped_column(String(64), nullable=False)
    kind: Mapped[str] = mapped_column(String(32), nullable=False)  # feedback_request, weekly_review, week_close
    due_at: Mapped[datetime] = mapped_column(DateTime, nullable=False)
    key: Mapped[str] = mapped_column(String(200), nullable=False, unique=True)
    ref_id: Mapped[int | None] = mapped_column(Integer)
    application_id: Mapped[int | None] = mapped_column(Integer)
    source_event_id: Mapped[str | None] = mapped_column(String(36))
    status: Mapped[str] = mapped_column(String(16), nullable=False, default="pending")  # pending, done, cancelled
    done_at: Mapped[datetime | None] = mapped_column(DateTime)


class RuleFiring(Base):
    """When a rule last acted for a user: cooldowns, and what a source event set off."""
    __tablename__ = "rule_firings"
    __table_args__ = (Index("ix_rule_firings_user_rule", "user_id", "rule_id", "fired_at"),)

    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    user_id: Mapped[str] = mapped_column(String(64), nullable=False)
    rule_id: Mapped[str] = mapped_column(String(64), nullable=False)
    source_event_id: Mapped[str | None] = mapped_column(String(36))
    fired_at: Mapped[datetime] = mapped_column(DateTime, nullable=False)
    detail: Mapped[dict] = mapped_column(JSON, nullable=False, default=dict)


class Card(Base):
    """One coach card: everything the coach says about one moment, in sections (composer.py).

    status: sent (announced as coach.card_composed), held (over the day's budget,
    waiting to be folded into the next card or the weekly review), folded (its
    sections went out in a later card), withdrawn (taken back).
    """
    __tablename__ = "coach_cards"
    __table_args__ = (Index("ix_coach_cards_user", "user_id", "status", "created_at"),
                      Index("ix_coach_cards_user_app", "user_id", "application_id"))

    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    card_id: Mapped[str] = mapped_column(String(36), nullable=False, unique=True)
    user_id: Mapped[str] = mapped_column(String(64), nullable=False)
    cause_event_id: Mapped[str] = mapped_column(String(36), nullable=False)
    cause_type: Mapped[str] = mapped_column(String(64), nullable=False)
    application_id: Mapped[int | None] = mapped_column(Integer)
    title: Mapped[str] = mapped_column(String(300), nullable=False)
    summary: Mapped[str] = mapped_column(Text, nullable=False)
    sections: Mapped[list] = mapped_column(JSON, nullable=False, default=list)
    urgency: Mapped[str] = mapped_column(String(8), nullable=False, default="normal")
    email: Mapped[str] = mapped_column(String(16), nullable=False, default="digest")
    private: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    status: Mapped[str] = mapped_column(String(16), nullable=False, default="sent")
    local_day: Mapped[date] = mapped_column(Date, nullable=False)
    created_at: Mapped[datetime] = mapped_column(DateTime, nullable=False, default=utcnow)


class SaidText(Base):
    """A text the coach put in front of a person, by its key: nothing is said twice within 30 days."""
    __tablename__ = "said_texts"
    __table_args__ = (Index("ix_said_texts_user_key", "user_id", "text_key", "said_at"),)

    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    user_id: Mapped[str] = mapped_column(String(64), nullable=False)
    text_key: Mapped[str] = mapped_column(String(80), nullable=False)
    said_at: Mapped[datetime] = mapped_column(DateTime, nullable=False)


metadata = Base.metadata


def insert_once(session, model, *unique: str):
    """INSERT … ON CONFLICT (unique) DO NOTHING RETURNING id, for the session's database.

    One round trip where a look-up and then an insert took two; the id comes
    back only when the row is new.
    """
    table = model.__table__
    return insert_for(session)(table).on_conflict_do_nothing(index_elements=list(unique)).returning(table.c.id)
