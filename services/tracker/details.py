"""An application's details: timestamped notes, contacts and interview rounds."""
from __future__ import annotations

from sqlalchemy.orm import Session

from services.tracker.commands import application_emit
from services.tracker.models import Application, Contact, InterviewRound, Note
from shared.tables import utcnow
from shared.web import ApiError

# sub-resource name in the URL -> (model, the application's list of them, singular for events)
KINDS = {
    "notes": (Note, "note_entries", "note"),
    "contacts": (Contact, "contacts", "contact"),
    "rounds": (InterviewRound, "rounds", "round"),
}


def find(app: Application, kind: str, item_id: int):
    _, attribute, _ = KINDS[kind]
    for item in getattr(app, attribute):
        if item.id == item_id:
            return item
    raise ApiError(404, "not_found", "We couldn't find that on this application.")


def add(session: Session, app: Application, kind: str, fields: dict):
    model, attribute, singular = KINDS[kind]
    item = model(user_id=app.user_id, **fields)
    getattr(app, attribute).append(item)
    app.updated_at = utcnow()
    session.flush()
    if kind == "rounds":
        application_emit(session, "interview.scheduled", app, {
            "round_id": item.id, "kind": item.kind, "scheduled_on": item.scheduled_on.isoformat(),
            "company": app.company, "role": app.role})
    else:
        application_emit(session, "application.updated", app, {"changes": {f"{singular}_added": item.id}})
    return item


def update(session: Session, app: Application, kind: str, item, fields: dict):
    _, _, singular = KINDS[kind]
    changed = [name for name, value in fields.items() if getattr(item, name) != value]
    for name in changed:
        setattr(item, name, fields[name])
    if not changed:
        return item
    if hasattr(item, "updated_at"):
        item.updated_at = utcnow()
    app.updated_at = utcnow()
    session.flush()
    application_emit(session, "application.updated", app, {"changes": {f"{singular}_updated": item.id}})
    return item


def remove(session: Session, app: Application, kind: str, item) -> None:
    _, attribute, singular = KINDS[kind]
    getattr(app, attribute).remove(item)
    app.updated_at = utcnow()
    session.flush()
    application_emit(session, "application.updated", app, {"changes": {f"{singular}_removed": item.id}})
