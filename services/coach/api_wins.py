"""Wins (automatic and the user's own, with an export) and suggestions."""
from __future__ import annotations

import csv
import io
import uuid

from flask import Blueprint, Response, g, request
from sqlalchemy import select

from services.coach.models import Suggestion, Win
from services.coach.schemas import (
    suggestion_out, win_in, win_out,
)
from shared.outbox import emit
from shared.pagination import paginate
from shared.tables import utcnow
from shared.web import ApiError, json_body

bp = Blueprint("coach_wins", __name__)


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
