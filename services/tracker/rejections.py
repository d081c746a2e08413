"""Rejections: recording one, correcting its details, and taking back one recorded by mistake."""
from __future__ import annotations

from datetime import date

from sqlalchemy.orm import Session

from services.tracker import stage_history
from services.tracker.commands import application_emit
from services.tracker.models import Application, Rejection
from shared.tables import utcnow
from shared.web import ApiError


def record_rejection(session: Session, app: Application, fields: dict) -> Application:
    if app.rejection is not None:
        raise ApiError(409, "already_rejected", "A rejection is already recorded for this application.")
    if app.stage in ("withdrawn", "ghosted", "accepted"):
        raise ApiError(409, "ended", "This application has already reached an ending.")
    received_on = fields.get("received_on") or date.today()
    stage_reached = fields.get("stage_reached") or stage_history.furthest_stage(app)
    stage_history.place(app, "rejected", received_on)
    event = application_emit(session, "application.rejected", app, {
        "company": app.company, "role": app.role, "source": app.source,
        "stage_reached": stage_reached, "reason": fields.get("reason"),
        "feedback": fields.get("feedback"), "received_on": received_on.isoformat(),
    })
    # Made after the event, the row is written once, already naming it (a retraction cites it).
    app.rejection = Rejection(user_id=app.user_id, stage_reached=stage_reached, reason=fields.get("reason"),
                              feedback=fields.get("feedback"), received_on=received_on, event_id=event["id"])
    session.flush()
    return app


def update_rejection(session: Session, app: Application, fields: dict) -> Application:
    """Fill in the reason or feedback later; new feedback is news for the coach."""
    rejection = _rejection_or_404(app)
    changes = {k: v for k, v in fields.items() if getattr(rejection, k) != v}
    for name, value in changes.items():
        setattr(rejection, name, value)
    app.updated_at = utcnow()
    session.flush()
    if changes:
        application_emit(session, "application.updated", app,
              {"changes": {f"rejection_{k}": v for k, v in changes.items()}})
    if changes.get("feedback"):
        application_emit(session, "application.feedback_received", app, {"feedback": changes["feedback"]})
    return app


def retract_rejection(session: Session, app: Application) -> Application:
    """Undo a rejection recorded by mistake: the stage before it comes back."""
    rejection = _rejection_or_404(app)
    recorded = [c for c in app.history if c.to_stage == "rejected"]
    if recorded:
        stage_history.remove(app, recorded[-1])
        session.delete(recorded[-1])
    event_id = rejection.event_id
    app.rejection = None
    session.delete(rejection)
    session.flush()
    application_emit(session, "application.rejection_retracted", app, {"rejection_event_id": event_id})
    return app


def _rejection_or_404(app: Application) -> Rejection:
    if app.rejection is None:
        raise ApiError(404, "not_found", "There is no rejection recorded for this application.")
    return app.rejection
