"""Wins (automatic and the user's own, with an export), suggestions, feedback drafts and feedback."""
from __future__ import annotations

import csv
import io
import uuid
from datetime import date, datetime, time, timedelta

from flask import Blueprint, Response, g, request
from sqlalchemy import and_, select

from services.coach.feedback_tags import tag_feedback
from services.coach.models import ApplicationFact, DueItem, Feedback, FeedbackRequest, Suggestion, Win
from services.coach.schemas import (
    draft_out, draft_patch, feedback_in, feedback_out, suggestion_out, win_in, win_out,
)
from shared.outbox import emit
from shared.pagination import paginate
from shared.tables import utcnow
from shared.web import ApiError, json_body

bp = Blueprint("coach_wins", __name__)
# As the tracker's calendar feed: a season of past reminders, then what is ahead.
REMINDERS_PAST_DAYS = 90


@bp.get("/wins")
def list_wins():
    """Every win, newest first."""
    with g.runtime.sessions() as session:
        return paginate(session, select(Win).where(Win.user_id == g.user_id), Win.id, win_out.dump)


@bp.post("/wins")
def add_win():
    """A win the user wants to remember."""
    fields = json_body(win_in)
    with g.runtime.sessions.begin() as session:
        win = Win(user_id=g.user_id, kind="own", key=uuid.uuid4().hex, title=fields["title"], created_at=utcnow())
        session.add(win)
        session.flush()
        emit(session, "win.celebrated", user_id=g.user_id, producer="coach",
             data={"win_id": win.id, "kind": "own", "title": win.title, "urgency": "low"})
        return win_out.dump(win), 201


@bp.get("/wins/export.<fmt>")
def export_wins(fmt: str):
    """The wins log as Markdown or CSV, oldest first."""
    if fmt not in ("md", "csv"):
        raise ApiError(404, "not_found", "Wins export comes as .md or .csv.")
    with g.runtime.sessions() as session:
        wins = session.scalars(select(Win).where(Win.user_id == g.user_id).order_by(Win.id)).all()
    if fmt == "csv":
        out = io.StringIO()
        writer = csv.writer(out)
        writer.writerow(["date", "kind", "title"])
        for win in wins:
            writer.writerow([win.created_at.date().isoformat(), win.kind, _safe_cell(win.title)])
        return Response(out.getvalue(), mimetype="text/csv",
                        headers={"Content-Disposition": "attachment; filename=wins.csv"})
    lines = ["# My wins", ""] + [f"- {w.created_at.date().isoformat()}: {_md(w.title)}" for w in wins]
    return Response("\n".join(lines) + "\n", mimetype="text/markdown",
                    headers={"Content-Disposition": "attachment; filename=wins.md"})


def _safe_cell(text: str) -> str:
    """Keep spreadsheets from running a cell as a formula."""
    return "'" + text if text[:1] in ("=", "+", "-", "@") else text


def _md(text: str) -> str:
    return "".join("\\" + c if c in "\\`*_[]<>#|" else c for c in text)


@bp.get("/suggestions")
def list_suggestions():
    """Open suggestions (or ?status=...), newest first."""
    status = request.args.get("status", "open")
    query = select(Suggestion).where(Suggestion.user_id == g.user_id, Suggestion.status == status)
    with g.runtime.sessions() as session:
        return paginate(session, query, Suggestion.id, suggestion_out.dump)


@bp.post("/suggestions/<int:suggestion_id>/dismiss")
def dismiss_suggestion(suggestion_id: int):
    """Put a suggestion away."""
    with g.runtime.sessions.begin() as session:
        row = session.scalar(select(Suggestion).where(Suggestion.id == suggestion_id,
                                                      Suggestion.user_id == g.user_id))
        if row is None:
            raise ApiError(404, "not_found", "We couldn't find that suggestion.")
        row.status = "dismissed"
        return suggestion_out.dump(row)


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
