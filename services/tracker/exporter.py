"""Export: every application with its history, as CSV, JSON, or a printable log."""
from __future__ import annotations

import csv
import io
from datetime import date
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, select_autoescape
from sqlalchemy import select
from sqlalchemy.orm import Session

from services.tracker.application_loading import EVERYTHING
from services.tracker.models import Application

COLUMNS = ("id", "company", "role", "url", "location", "work_mode", "salary_min", "salary_max",
           "salary_currency", "salary_period", "source", "channel", "role_category", "applied_on",
           "excitement", "follow_up_on", "resume_version", "cover_letter_version", "tags", "archived",
           "stage", "stage_since", "rejection_reason", "rejection_stage_reached", "rejected_on",
           "notes", "history")
_templates = Environment(loader=FileSystemLoader(Path(__file__).parent / "templates"),
                         autoescape=select_autoescape(default=True, default_for_string=True))


def applications(session: Session, user_id: str, start: date | None, end: date | None) -> list[Application]:
    """The user's applications applied for within [start, end], oldest first."""
    query = select(Application).where(Application.user_id == user_id)
    if start:
        query = query.where(Application.applied_on >= start)
    if end:
        query = query.where(Application.applied_on <= end)
    query = query.options(*EVERYTHING).order_by(Application.applied_on, Application.id)
    return list(session.scalars(query))


def _safe(value) -> str:
    """Spreadsheets run cells starting with = + - @ as formulas; a quote keeps them text."""
    text = "" if value is None else str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@") else text


def row_of(app: Application) -> dict:
    rejection = app.rejection
    values = {name: getattr(app, name) for name in COLUMNS if hasattr(app, name)}
    values.update({
        "tags": ", ".join(app.tags), "archived": "yes" if app.archived else "no",
        "rejection_reason": rejection.reason if rejection else None,
        "rejection_stage_reached": rejection.stage_reached if rejection else None,
        "rejected_on": rejection.received_on if rejection else None,
        "history": "; ".join(f"{c.changed_on.isoformat()} {c.to_stage}" for c in app.history),
    })
    return values


def to_csv(apps: list[Application]) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(COLUMNS)
    for app in apps:
        values = row_of(app)
        writer.writerow([_safe(values.get(name)) for name in COLUMNS])
    return out.getvalue()


def outcome(app: Application) -> str:
    """The plain-words result a benefits office (or the user) reads in the log."""
    if app.rejection is not None:
        return f"Not selected (after {app.rejection.stage_reached.replace('_', ' ')})"
    return {
        "saved": "Not yet applied", "applied": "Waiting to hear back", "screening": "In screening",
        "interview": "Interviewing", "final_interview": "Final interviews", "offer": "Offer received",
        "accepted": "Offer accepted", "withdrawn": "Withdrawn", "ghosted": "No reply",
        "rejected": "Not selected",
    }.get(app.stage, app.stage)


CHANNEL_WORDS = {"job_board": "A job board", "referral": "A referral", "company_site": "The company's site",
                 "recruiter": "A recruiter", "networking": "Networking", "linkedin": "LinkedIn", "other": "Elsewhere"}


def channel(app: Application) -> str:
    """Where it was found, in words: the source as the person wrote it, never one of our codes."""
    if app.source:
        return CHANNEL_WORDS.get(app.source, app.source)
    return CHANNEL_WORDS.get(app.channel, app.channel or "")


def to_html_log(apps: list[Application], start: date | None, end: date | None, today: date) -> str:
    return _templates.get_template("application_log.html").render(
        apps=apps, start=start, end=end, today=today, outcome=outcome, channel=channel)
