"""What the tracker does to an application: each command changes rows and emits its events together."""
from __future__ import annotations

from datetime import date

from sqlalchemy.orm import Session

from services.tracker import stage_history
from services.tracker.stage_history import ENDINGS, ORDER, furthest_stage  # noqa: F401  (part of this module's API)
from services.tracker.matching import channel_of, company_key, tags_text
from services.tracker.models import Application, StageChange
from shared.outbox import emit
from shared.tables import utcnow
from shared.web import ApiError

PRODUCER = "tracker"


def application_emit(session: Session, type: str, app: Application, data: dict) -> dict:
    """emit() for an event about one application: its owner and id filled in."""
    return emit(session, type, user_id=app.user_id, producer=PRODUCER,
                data={"application_id": app.id, **data})


def created_data(app: Application) -> dict:
    return {"company": app.company, "role": app.role, "source": app.source,
            "role_category": app.role_category,
            "applied_on": app.applied_on.isoformat() if app.applied_on else None}


def _columns(fields: dict) -> dict:
    """API fields as column values: tags become tags_text, the channel follows the source."""
    values = dict(fields)
    if "tags" in values:
        values["tags_text"] = tags_text(values.pop("tags"))
    if "company" in values:
        values["company_key"] = company_key(values["company"])
    return values


def create_application(session: Session, user_id: str, fields: dict) -> Application:
    applied_on = fields.get("applied_on") or date.today()
    values = _columns({**fields, "applied_on": applied_on})
    values["channel"] = values.get("channel") or channel_of(values.get("source"))
    app = Application(user_id=user_id, stage="applied", stage_since=applied_on, **values)
    app.history.append(StageChange(user_id=user_id, from_stage=None, to_stage="applied", changed_on=applied_on))
    session.add(app)
    session.flush()
    application_emit(session, "application.created", app, created_data(app))
    return app


def update_application(session: Session, app: Application, fields: dict) -> Application:
    """Change the given fields; emit application.updated naming only what really changed."""
    low = fields.get("salary_min", app.salary_min)
    high = fields.get("salary_max", app.salary_max)
    if low is not None and high is not None and low > high:
        raise ApiError(422, "validation_failed", "Some fields need another look.",
                       {"salary_min": ["The minimum is above the maximum."]})
    if "source" in fields and "channel" not in fields:
        fields = {**fields, "channel": channel_of(fields["source"])}
    changes = {}
    for name, value in fields.items():
        current = app.tags if name == "tags" else getattr(app, name)
        if value != current:
            changes[name] = value.isoformat() if isinstance(value, date) else value
    if not changes:
        return app
    for name, value in _columns({k: fields[k] for k in changes}).items():
        setattr(app, name, value)
    app.updated_at = utcnow()
    session.flush()
    application_emit(session, "application.updated", app, {"changes": changes})
    return app


def change_stage(session: Session, app: Application, stage: str, changed_on: date | None) -> Application:
    changed_on = changed_on or date.today()
    if app.rejection is not None and stage not in ENDINGS:
        raise ApiError(409, "rejected", "This application has a rejection recorded; undo it first.")
    change = stage_history.place(app, stage, changed_on)
    session.flush()
    emit_stage_events(session, app, change)
    return app


def emit_stage_events(session: Session, app: Application, change: StageChange) -> None:
    application_emit(session, "application.stage_changed", app, {
        "from_stage": change.from_stage, "to_stage": change.to_stage,
        "changed_on": change.changed_on.isoformat()})
    if change.to_stage == "offer":
        application_emit(session, "application.offer_received", app, {"company": app.company, "role": app.role})
    if change.to_stage == "ghosted":
        application_emit(session, "application.ghosted", app, {
            "company": app.company, "role": app.role, "source": app.source,
            "stage_reached": furthest_stage(app), "ghosted_on": change.changed_on.isoformat()})


def mark_ghosted(session: Session, app: Application, on: date) -> Application:
    """The user (or their auto-ghosting setting) calls it: they stopped hearing back."""
    if app.stage in ENDINGS or app.stage in ("offer", "accepted"):
        raise ApiError(409, "ended", "This application has already reached an ending.")
    return change_stage(session, app, "ghosted", on)


def dismiss_ghosting(session: Session, app: Application) -> Application:
    app.ghost_dismissed_at = utcnow()
    return app


def set_archived(session: Session, app: Application, archived: bool) -> Application:
    if app.archived == archived:
        return app
    app.archived, app.updated_at = archived, utcnow()
    session.flush()
    application_emit(session, "application.archived", app, {"archived": archived})
    return app


def delete_application(session: Session, app: Application) -> None:
    """Gone for good, with its history, rejection, notes, contacts and rounds."""
    application_emit(session, "application.deleted", app, {})
    session.delete(app)
