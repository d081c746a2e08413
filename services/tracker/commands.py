"""What the tracker does: each command changes rows and emits its events together."""
from __future__ import annotations

from datetime import date

from sqlalchemy.orm import Session

from services.tracker.models import Application, Rejection, StageChange
from shared.outbox import emit
from shared.tables import utcnow
from shared.web import ApiError

PRODUCER = "tracker"
ORDER = ("saved", "applied", "screening", "interview", "final_interview", "offer")
ENDINGS = ("rejected", "withdrawn", "ghosted", "accepted")


def create_application(session: Session, user_id: str, fields: dict) -> Application:
    applied_on = fields.get("applied_on") or date.today()
    app = Application(user_id=user_id, stage="applied", **{**fields, "applied_on": applied_on})
    app.history.append(StageChange(user_id=user_id, from_stage=None, to_stage="applied", changed_on=applied_on))
    session.add(app)
    session.flush()
    emit(session, "application.created", user_id=user_id, producer=PRODUCER, data={
        "application_id": app.id, "company": app.company, "role": app.role, "source": app.source,
        "role_category": app.role_category, "applied_on": applied_on.isoformat(),
    })
    return app


def change_stage(session: Session, app: Application, stage: str, changed_on: date | None) -> Application:
    if app.stage == stage:
        raise ApiError(409, "no_change", f"This application is already at {stage.replace('_', ' ')}.")
    changed_on = changed_on or date.today()
    from_stage = app.stage
    _move(app, stage, changed_on)
    session.flush()
    emit(session, "application.stage_changed", user_id=app.user_id, producer=PRODUCER, data={
        "application_id": app.id, "from_stage": from_stage, "to_stage": stage,
        "changed_on": changed_on.isoformat(),
    })
    if stage == "offer":
        emit(session, "application.offer_received", user_id=app.user_id, producer=PRODUCER,
             data={"application_id": app.id, "company": app.company, "role": app.role})
    return app


def record_rejection(session: Session, app: Application, fields: dict) -> Application:
    if app.rejection is not None:
        raise ApiError(409, "already_rejected", "A rejection is already recorded for this application.")
    received_on = fields.get("received_on") or date.today()
    stage_reached = fields.get("stage_reached") or furthest_stage(app)
    app.rejection = Rejection(
        user_id=app.user_id, stage_reached=stage_reached, reason=fields.get("reason"),
        feedback=fields.get("feedback"), received_on=received_on,
    )
    _move(app, "rejected", received_on)
    session.flush()
    emit(session, "application.rejected", user_id=app.user_id, producer=PRODUCER, data={
        "application_id": app.id, "company": app.company, "role": app.role, "source": app.source,
        "stage_reached": stage_reached, "reason": fields.get("reason"),
        "feedback": fields.get("feedback"), "received_on": received_on.isoformat(),
    })
    return app


def furthest_stage(app: Application) -> str:
    """The furthest pipeline stage the history shows (endings do not count)."""
    reached = [c.to_stage for c in app.history if c.to_stage in ORDER] + [app.stage]
    ranked = [s for s in reached if s in ORDER]
    return max(ranked, key=ORDER.index) if ranked else "applied"


def _move(app: Application, stage: str, changed_on: date) -> None:
    app.history.append(StageChange(user_id=app.user_id, from_stage=app.stage, to_stage=stage,
                                   changed_on=changed_on))
    app.stage = stage
    app.updated_at = utcnow()
