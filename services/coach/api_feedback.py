"""Feedback: the drafts asking for it, their reminders (for the calendar feed), and what came back."""
from __future__ import annotations

from datetime import date, datetime, time, timedelta

from flask import Blueprint, g, request
from sqlalchemy import and_, select

from services.coach.feedback_tags import tag_feedback
from services.coach.models import ApplicationFact, DueItem, Feedback, FeedbackRequest
from services.coach.schemas import draft_out, draft_patch, feedback_in, feedback_out
from shared.pagination import paginate
from shared.tables import utcnow
from shared.web import ApiError, json_body

bp = Blueprint("coach_feedback", __name__)
# As the tracker's calendar feed: a season of past reminders, then what is ahead.
REMINDERS_PAST_DAYS = 90


@bp.get("/feedback-requests")
def list_drafts():
    """Feedback-request drafts, newest first."""
    query = select(FeedbackRequest).where(FeedbackRequest.user_id == g.user_id, FeedbackRequest.status != "withdrawn")
    with g.runtime.sessions() as session:
        return paginate(session, query, FeedbackRequest.id, draft_out.dump)


@bp.get("/feedback-requests/reminders")
def feedback_reminders():
    """When each unsent draft's reminder is (or was) due, with the application's names as the
    coach knows them; for the calendar feed. `since` (YYYY-MM-DD, default 90 days ago) bounds it."""
    try:
        since = date.fromisoformat(request.args["since"]) if request.args.get("since") else None
    except ValueError:
        raise ApiError(400, "bad_date", "`since` is a date: YYYY-MM-DD.", {"since": ["Not a date."]}) from None
    since = since or utcnow().date() - timedelta(days=REMINDERS_PAST_DAYS)
    fact = and_(ApplicationFact.user_id == DueItem.user_id, ApplicationFact.application_id == DueItem.application_id)
    query = (select(DueItem.ref_id, DueItem.application_id, DueItem.due_at, DueItem.status,
                    ApplicationFact.company, ApplicationFact.role)
             .join(FeedbackRequest, FeedbackRequest.id == DueItem.ref_id)
             .outerjoin(ApplicationFact, fact)
             .where(DueItem.user_id == g.user_id, DueItem.kind == "feedback_request",
                    DueItem.status != "cancelled", DueItem.due_at >= datetime.combine(since, time()),
                    FeedbackRequest.user_id == g.user_id, FeedbackRequest.status == "draft",
                    ApplicationFact.hidden.is_not(True))
             .order_by(DueItem.due_at, DueItem.id))
    with g.runtime.sessions() as session:
        return {"items": [{"draft_id": draft, "application_id": app, "due_at": due.isoformat() + "Z",
                           "status": status, "company": company, "role": role}
                          for draft, app, due, status, company, role in session.execute(query)]}


@bp.patch("/feedback-requests/<int:draft_id>")
def update_draft(draft_id: int):
    """Edit the draft, or mark it sent (which cancels the reminder)."""
    fields = json_body(draft_patch)
    with g.runtime.sessions.begin() as session:
        draft = session.scalar(select(FeedbackRequest).where(
            FeedbackRequest.id == draft_id, FeedbackRequest.user_id == g.user_id,
            FeedbackRequest.status != "withdrawn"))
        if draft is None:
            raise ApiError(404, "not_found", "We couldn't find that draft.")
        for name, value in fields.items():
            setattr(draft, name, value)
        if fields.get("status") == "sent":
            draft.sent_at = draft.sent_at or utcnow()
            for item in session.scalars(select(DueItem).where(
                    DueItem.key == f"feedback_request:{draft.id}", DueItem.status == "pending")):
                item.status = "cancelled"
        return draft_out.dump(draft)


@bp.get("/feedback")
def list_feedback():
    """Feedback received, tagged by theme, newest first."""
    with g.runtime.sessions() as session:
        return paginate(session, select(Feedback).where(Feedback.user_id == g.user_id), Feedback.id, feedback_out.dump)


@bp.post("/feedback")
def add_feedback():
    """Feedback the user heard directly; tagged by theme."""
    fields = json_body(feedback_in)
    with g.runtime.sessions.begin() as session:
        row = Feedback(user_id=g.user_id, application_id=fields.get("application_id"), text=fields["text"],
                       tags=tag_feedback(fields["text"]), created_at=utcnow())
        session.add(row)
        session.flush()
        return feedback_out.dump(row), 201
