"""Routes for an application's notes, contacts and interview rounds, and the rounds coming up."""
from __future__ import annotations

from datetime import date, timedelta

from flask import Blueprint, g, request
from marshmallow import ValidationError, validate
from sqlalchemy import select

from services.tracker import application_loading, details
from services.tracker.lookups import get_application_or_404
from services.tracker.models import Application, InterviewRound
from services.tracker.schemas import (
    contact_in, contact_out, note_in, note_out, round_in, round_out,
)
from services.tracker.stage_history import ENDINGS
from shared.web import ApiError, json_body

bp = Blueprint("details", __name__)
SCHEMAS = {"notes": (note_in, note_out), "contacts": (contact_in, contact_out), "rounds": (round_in, round_out)}
KIND = "<any(notes, contacts, rounds):kind>"


def _application(session, app_id: int, kind: str):
    """The caller's application with only the list these routes read and change."""
    return get_application_or_404(session, app_id, only=application_loading.one_list(details.KINDS[kind][1]))


@bp.get(f"/applications/<int:app_id>/{KIND}")
def list_items(app_id: int, kind: str):
    """An application's notes, contacts or rounds."""
    with g.runtime.sessions() as session:
        app = _application(session, app_id, kind)
        items = getattr(app, details.KINDS[kind][1])
        return {"items": SCHEMAS[kind][1].dump(items, many=True), "next_cursor": None}


@bp.post(f"/applications/<int:app_id>/{KIND}")
def add_item(app_id: int, kind: str):
    """Add a note, contact or interview round."""
    fields = json_body(SCHEMAS[kind][0])
    with g.runtime.sessions.begin() as session:
        app = _application(session, app_id, kind)
        return SCHEMAS[kind][1].dump(details.add(session, app, kind, fields)), 201


@bp.get(f"/applications/<int:app_id>/{KIND}/<int:item_id>")
def get_item(app_id: int, kind: str, item_id: int):
    """One note, contact or round."""
    with g.runtime.sessions() as session:
        app = _application(session, app_id, kind)
        return SCHEMAS[kind][1].dump(details.find(app, kind, item_id))


@bp.patch(f"/applications/<int:app_id>/{KIND}/<int:item_id>")
def patch_item(app_id: int, kind: str, item_id: int):
    """Change a note, contact or round."""
    fields = json_body(SCHEMAS[kind][0], partial=True)
    with g.runtime.sessions.begin() as session:
        app = _application(session, app_id, kind)
        item = details.find(app, kind, item_id)
        return SCHEMAS[kind][1].dump(details.update(session, app, kind, item, fields))


@bp.delete(f"/applications/<int:app_id>/{KIND}/<int:item_id>")
def delete_item(app_id: int, kind: str, item_id: int):
    """Remove a note, contact or round."""
    with g.runtime.sessions.begin() as session:
        app = _application(session, app_id, kind)
        details.remove(session, app, kind, details.find(app, kind, item_id))
    return "", 204


# The next fortnight is what Today shows; a quarter is plenty for any other caller.
UPCOMING_DAYS = validate.Range(1, 90)


@bp.get("/rounds/upcoming")
def upcoming_rounds():
    """Interview rounds from `from` (default today) through `days` ahead, soonest first, with company and role."""
    days, start = _upcoming_window(request.args)
    query = (select(InterviewRound, Application.company, Application.role)
             .join(Application, InterviewRound.application_id == Application.id)
             .where(InterviewRound.user_id == g.user_id, Application.user_id == g.user_id,
                    Application.archived.is_(False), Application.stage.not_in(ENDINGS),
                    InterviewRound.scheduled_on >= start,
                    InterviewRound.scheduled_on <= start + timedelta(days=days))
             .order_by(InterviewRound.scheduled_on, InterviewRound.id))
    with g.runtime.sessions() as session:
        rows = session.execute(query).all()
        items = [{**round_out.dump(r), "application_id": r.application_id, "company": company, "role": role}
                 for r, company, role in rows]
    return {"items": items, "next_cursor": None}


def _upcoming_window(args) -> tuple[int, date]:
    """The `days` and `from` query parameters, or a 422 naming each bad one."""
    problems, days, start = {}, 14, date.today()
    try:
        days = int(args.get("days", 14))
        UPCOMING_DAYS(days)
    except (ValueError, ValidationError):
        problems["days"] = ["A whole number from 1 to 90."]
    try:
        start = date.fromisoformat(args["from"]) if args.get("from") else start
    except ValueError:
        problems["from"] = ["A date like 2025-04-01."]
    if problems:
        raise ApiError(422, "validation_failed", "Some fields need another look.", problems)
    return days, start
