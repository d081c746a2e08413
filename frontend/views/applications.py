"""The applications: a board by stage and a table, plus adding and moving them along."""
from __future__ import annotations

from urllib.parse import parse_qsl, urlencode

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from marshmallow import Schema, ValidationError

from frontend import cards, panels, service_client
from frontend.login import current_user, current_user_id, login_required
from frontend.schemas import ApplicationIn, RejectionIn, StageIn, clean_form
from frontend.views import calendar, ghosts, posting_capture
from frontend.views.actions import explain
from frontend.views.dashboard import dashboard_context
from frontend.views.render import after_change, fragment_or_page, is_fragment_request
from frontend.views.upcoming import local_today
from shared.events import STAGES

bp = Blueprint("applications", __name__, url_prefix="/applications")
# Parts of the Applications section with routes of their own (the menu marks the section on their pages too).
bp.register_blueprint(ghosts.bp)
bp.register_blueprint(calendar.bp)
bp.register_blueprint(posting_capture.bp)

SORTS = {"-id": "Newest first", "id": "Oldest first", "company": "Company A–Z",
         "-applied_on": "Applied most recently", "-updated_at": "Recently changed"}


# With no filter the board keeps a drop target for every step of the way; other columns show when used.
PIPELINE_COLUMNS = ("applied", "screening", "interview", "final_interview", "offer", "rejected")


def _filters(args=None) -> dict:
    """The board's filters from the query string, kept only if they make sense."""
    args = request.args if args is None else args
    stage = args.get("stage") if args.get("stage") in STAGES else ""
    return {"q": args.get("q", "").strip()[:200], "stage": stage,
            "tag": args.get("tag", "").strip()[:50],
            "sort": args.get("sort") if args.get("sort") in SORTS else "-id",
            "view": "table" if args.get("view") == "table" else "board",
            "hide_closed": args.get("hide_closed") == "1"}


def _columns(shown: list[dict], filters: dict) -> list[tuple[str, list[dict]]]:
    """Columns for the stages the filters allow: a filtered view shows only columns with cards."""
    narrowed = bool(filters["q"] or filters["stage"] or filters["tag"])
    columns = []
    for stage in STAGES:
        if filters["hide_closed"] and stage in panels.CLOSED_STAGES:
            continue
        cards = [a for a in shown if a.get("stage") == stage]
        if cards or (not narrowed and stage in PIPELINE_COLUMNS):
            columns.append((stage, cards))
    return columns


def board_context(user_id: str, filters: dict) -> dict:
    """The applications the filters pick, as columns, with what each card says."""
    user = current_user() or {}
    today = local_today(user.get("timezone"))
    params = {k: filters[k] for k in ("q", "stage", "sort", "tag") if filters[k]}
    context = panels.gather(lambda: panels.applications_panel(user_id, params),
                            lambda: ghosts.ghosts_panel(user_id),
                            lambda: rounds_ahead(user_id, today))
    shown = context["applications"]
    if filters["hide_closed"]:
        shown = [a for a in shown if a.get("stage") not in panels.CLOSED_STAGES]
    by_app: dict = {}
    for r in context.pop("rounds_ahead"):
        by_app.setdefault(r.get("application_id"), []).append(r)
    facts = {a["id"]: cards.card_facts(a, by_app.get(a["id"], []), today) for a in shown}
    context.update(filters=filters, shown=shown, columns=_columns(shown, filters), sorts=SORTS,
                   facts=facts, filter_query=_filter_query(filters))
    return context


def _filter_query(filters: dict) -> str:
    """The filters as a query string, so a move or a rejection returns to the same view."""
    given = {"q": filters["q"], "stage": filters["stage"], "tag": filters["tag"],
             "sort": "" if filters["sort"] == "-id" else filters["sort"],
             "view": "" if filters["view"] == "board" else filters["view"],
             "hide_closed": "1" if filters["hide_closed"] else ""}
    return urlencode({k: v for k, v in given.items() if v})


def rounds_ahead(user_id: str, today) -> dict:
    """Interview rounds in the next quarter, for the cards' "next step"."""
    try:
        found = panels.items("tracker", "/rounds/upcoming", user_id, {"days": 90, "from": today.isoformat()})
    except service_client.ServiceUnavailable:
        found = []
    return {"rounds_ahead": found}


@bp.get("")
@login_required
def index():
    """Every application, as a board by stage or as a sortable table."""
    context = board_context(current_user_id(), _filters())
    return fragment_or_page("board", "applications", context)


@bp.get("/new")
@login_required
def new():
    """A page of its own to add an application, with every field (filled from ?posting_url= if given)."""
    posting_url = request.args.get("posting_url", "").strip()
    if posting_url:  # the Settings bookmarklet sends the page the person was looking at
        return posting_capture.page(*posting_capture.read_posting({"url": posting_url}), {"url": posting_url})
    return render_template("application_new.html", errors={}, draft={}, posting={})


def _submit(schema: Schema, path: str, form_key: str, success, back: str | None = None):
    """Validate the form, send it to the tracker, answer with the refreshed panel."""
    user_id = current_user_id()
    try:
        payload = clean_form(schema, request.form)
    except ValidationError as exc:
        return _with_errors(user_id, form_key, exc.messages)
    reply = service_client.call("tracker", "POST", path, user_id, json=payload)
    if not reply.ok:
        errors = {"_schema": [panels.service_message(reply)], **panels.service_fields(reply)}
        return _with_errors(user_id, form_key, errors)
    message = success(reply) if callable(success) else success
    if request.form.get("next") == "board":
        filters = _filters(dict(parse_qsl(request.form.get("filters", ""))))
        return after_change(message, "board", lambda: board_context(user_id, filters), back)
    return after_change(message, "applications", lambda: panels.applications_panel(user_id), back)


def _with_errors(user_id: str, form_key: str, errors: dict):
    """The panel (or whole dashboard) again, with the form as it was sent and what to fix."""
    if request.form.get("next") == "new":
        return render_template("application_new.html", errors=errors, draft=request.form, posting={}), 422
    if request.form.get("next") == "board":
        return _board_with_problem(user_id, errors)
    if request.form.get("next") == "detail" and request.view_args:
        flash(explain(errors), "error")
        return redirect(url_for("application_detail.show", application_id=request.view_args["application_id"]))
    context = (panels.applications_panel(user_id) if is_fragment_request()
               else dashboard_context(user_id))
    context.update(errors={form_key: errors}, drafts={form_key: request.form})
    return fragment_or_page("applications", "dashboard", context, 422)


def _board_with_problem(user_id: str, errors: dict):
    """The board as it is, with what went wrong said in the notices (htmx) or flashed (no JS)."""
    message = explain(errors)
    if not is_fragment_request():
        flash(message, "error")
        return redirect(url_for("applications.index") + _query_suffix())
    filters = _filters(dict(parse_qsl(request.form.get("filters", ""))))
    body = render_template("_partials/board.html", **board_context(user_id, filters))
    return body + render_template("_partials/notice_oob.html", message=message, tone="error"), 422


def _query_suffix() -> str:
    query = request.form.get("filters", "")
    return f"?{query}" if query else ""


def _added(reply) -> str:
    """Good luck, plus what we remember about this company, said gently."""
    company = reply.body.get("company") or "it"
    message = f"Added {company}. Good luck, we're rooting for you."
    memories = [w.get("message") for w in reply.body.get("warnings") or []
                if w.get("code") == "company_memory" and w.get("message")]
    if memories:
        message += " A note from your past self: " + " ".join(memories)
    return message


@bp.post("")
@login_required
def add():
    """Add an application to the pipeline."""
    back = url_for("applications.index") if request.form.get("next") == "new" else None
    return _submit(ApplicationIn(), "/applications", "new", _added, back)


@bp.post("/<int:application_id>/stage")
@login_required
def move(application_id: int):
    """Move an application to another stage."""
    return _submit(StageIn(), f"/applications/{application_id}/stage", f"stage-{application_id}",
                   "Updated. Every step counts.", _back(application_id, recorded=False))


@bp.post("/<int:application_id>/rejection")
@login_required
def record_rejection(application_id: int):
    """Record a rejection; the coach and notifier take it from there."""
    return _submit(RejectionIn(), f"/applications/{application_id}/rejection",
                   f"reject-{application_id}", lambda reply: _after_rejection(application_id),
                   _back(application_id))


@bp.get("/<int:application_id>/reject")
@login_required
def reject_form(application_id: int):
    """The rejection form on its own: the board's dialog (htmx) or a page (without JavaScript)."""
    reply = service_client.call("tracker", "GET", f"/applications/{application_id}", current_user_id(),
                          timeout=panels.PANEL_TIMEOUT)
    if not reply.ok:
        abort(404 if reply.status == 404 else 503)
    context = {"application": reply.body, "back": "board", "filter_query": request.args.get("filters", "")}
    if is_fragment_request():
        return render_template("_partials/rejection_form.html", **context)
    return render_template("application_reject.html", **context)


def _after_rejection(application_id: int) -> str:
    """Keep the feeling the person shared with the rejection, as a check-in; it's optional."""
    mood = request.form.get("mood", "")
    if mood in {"1", "2", "3", "4", "5"}:
        try:
            service_client.call("coach", "POST", "/checkins", current_user_id(),
                          json={"mood": int(mood), "application_id": application_id})
        except service_client.ServiceUnavailable:
            pass  # the rejection is saved; the mood is a nice-to-have
    return ("Recorded. That one stings, and it says nothing about your worth. "
            "Your coach has a few thoughts for you when you're ready.")


def _back(application_id: int, recorded: bool = True) -> str | None:
    """Forms on the board or detail page return there without JavaScript."""
    where = request.form.get("next", "")
    if where == "detail":
        return url_for("application_detail.show", application_id=application_id,
                       **({"recorded": 1} if recorded else {})) + ("" if recorded else "#history-title")
    if where == "board":
        return url_for("applications.index") + _query_suffix()
    return None
