"""Routes for an application's notes, contacts and interview rounds."""
from __future__ import annotations

from flask import Blueprint, g

from services.tracker import details
from services.tracker.api import get_application_or_404
from services.tracker.schemas import (
    contact_in, contact_out, note_in, note_out, round_in, round_out,
)
from shared.web import json_body

bp = Blueprint("details", __name__)
SCHEMAS = {"notes": (note_in, note_out), "contacts": (contact_in, contact_out), "rounds": (round_in, round_out)}
KIND = "<any(notes, contacts, rounds):kind>"


@bp.get(f"/applications/<int:app_id>/{KIND}")
def list_items(app_id: int, kind: str):
    """An application's notes, contacts or rounds."""
    with g.runtime.sessions() as session:
        app = get_application_or_404(session, app_id)
        items = getattr(app, details.KINDS[kind][1])
        return {"items": SCHEMAS[kind][1].dump(items, many=True), "next_cursor": None}


@bp.post(f"/applications/<int:app_id>/{KIND}")
def add_item(app_id: int, kind: str):
    """Add a note, contact or interview round."""
    fields = json_body(SCHEMAS[kind][0])
    with g.runtime.sessions.begin() as session:
        app = get_application_or_404(session, app_id)
        return SCHEMAS[kind][1].dump(details.add(session, app, kind, fields)), 201


@bp.get(f"/applications/<int:app_id>/{KIND}/<int:item_id>")
def get_item(app_id: int, kind: str, item_id: int):
    """One note, contact or round."""
    with g.runtime.sessions() as session:
        app = get_application_or_404(session, app_id)
        return SCHEMAS[kind][1].dump(details.find(app, kind, item_id))


@bp.patch(f"/applications/<int:app_id>/{KIND}/<int:item_id>")
def patch_item(app_id: int, kind: str, item_id: int):
    """Change a note, contact or round."""
    fields = json_body(SCHEMAS[kind][0], partial=True)
    with g.runtime.sessions.begin() as session:
        app = get_application_or_404(session, app_id)
        item = details.find(app, kind, item_id)
        return SCHEMAS[kind][1].dump(details.update(session, app, kind, item, fields))


@bp.delete(f"/applications/<int:app_id>/{KIND}/<int:item_id>")
def delete_item(app_id: int, kind: str, item_id: int):
    """Remove a note, contact or round."""
    with g.runtime.sessions.begin() as session:
        app = get_application_or_404(session, app_id)
        details.remove(session, app, kind, details.find(app, kind, item_id))
    return "", 204
