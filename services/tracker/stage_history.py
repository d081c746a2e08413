"""Stage history: changes kept in date order, back-dated ones slotted in where they belong."""
from __future__ import annotations

from datetime import date

from services.tracker.models import Application, StageChange
from shared.tables import utcnow
from shared.web import ApiError

ORDER = ("saved", "applied", "screening", "interview", "final_interview", "offer", "accepted")
ENDINGS = ("rejected", "withdrawn", "ghosted")
_LAST = float("inf")


def _key(change: StageChange, position: int):
    # unsaved changes have no id yet: they go after saved ones of the same day
    return (change.changed_on, change.id if change.id is not None else _LAST, position)


def place(app: Application, stage: str, changed_on: date) -> StageChange:
    """Add a change on `changed_on`, in date order; 409 if it would repeat its neighbour."""
    ordered = [c for _, c in sorted((_key(c, i), c) for i, c in enumerate(app.history))]
    before = [c for c in ordered if c.changed_on <= changed_on]
    after = [c for c in ordered if c.changed_on > changed_on]
    if (before and before[-1].to_stage == stage) or (after and after[0].to_stage == stage):
        raise ApiError(409, "no_change", f"This application is already at {stage.replace('_', ' ')} then.")
    change = StageChange(user_id=app.user_id, to_stage=stage, changed_on=changed_on,
                         from_stage=before[-1].to_stage if before else None)
    app.history.append(change)
    relink(app)
    return change


def remove(app: Application, change: StageChange) -> None:
    app.history.remove(change)
    relink(app)


def relink(app: Application) -> None:
    """Re-sort the history, chain each change's from_stage, and set the current stage."""
    ordered = [c for _, c in sorted((_key(c, i), c) for i, c in enumerate(app.history))]
    previous = None
    for change in ordered:
        if change.from_stage != previous:
            change.from_stage = previous
        previous = change.to_stage
    if list(app.history) != ordered:
        app.history[:] = ordered
    if ordered:
        app.stage, app.stage_since = ordered[-1].to_stage, ordered[-1].changed_on
    app.updated_at = utcnow()


def furthest_stage(app: Application) -> str:
    """The furthest pipeline stage the history shows (endings do not count)."""
    reached = [c.to_stage for c in app.history] + [app.stage]
    if app.rejection is not None:
        reached.append(app.rejection.stage_reached)
    return furthest_of(reached)


def furthest_of(stages) -> str:
    ranked = [s for s in stages if s in ORDER]
    return max(ranked, key=ORDER.index) if ranked else "applied"
