"""Settings → Mailbox (connect, test, disconnect, forget) and the proposals shown on Today and in the inbox.

Proposals are a self-loading fragment (`_partials/mail_proposals.html`): the pages only
include it, and it asks the mailbox service itself, so Today still opens when the
mailbox watcher is away.
"""
from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for

from frontend import mail_records, panels, service_client
from frontend.login import current_user_id, login_required
from frontend.views.render import is_fragment_request

bp = Blueprint("mailbox", __name__)
FORM_FIELDS = ("host", "port", "tls", "username", "password", "folders", "look_back_days")


def _form_payload(form) -> dict:
    """The connect form as the API's JSON; numbers stay strings when they aren't, so the API names them."""
    payload = {name: form.get(name, "").strip() for name in FORM_FIELDS if name != "password"}
    payload["password"] = form.get("password", "")
    for name in ("port", "look_back_days"):
        payload[name] = int(payload[name]) if payload[name].isdigit() else (payload[name] or None)
    if payload["look_back_days"] is None:
        payload["look_back_days"] = 0
    payload["folders"] = [f.strip() for f in payload["folders"].split(",") if f.strip()] or ["INBOX"]
    return payload


def _settings_page(form: dict | None = None, errors: dict | None = None, result: dict | None = None,
                   status: int = 200):
    user_id = current_user_id()
    reply = service_client.call("mailbox", "GET", "/account", user_id)
    account = reply.body if reply.ok else None
    return render_template("mailbox_settings.html", account=account, form=form or {}, errors=errors or {},
                           result=result), status


@bp.get("/settings/mailbox")
@login_required
def settings():
    """The mailbox settings page."""
    return _settings_page()


@bp.post("/settings/mailbox/test")
@login_required
def test():
    """Try the settings in the form (or the stored ones) and say plainly what happened."""
    payload = _form_payload(request.form) if request.form.get("host") else None
    reply = service_client.call("mailbox", "POST", "/account/test", current_user_id(), json=payload, timeout=25)
    if reply.status == 422:
        return _settings_page(request.form, (reply.body.get("error") or {}).get("fields"), status=422)
    return _settings_page(request.form, result=reply.body)


@bp.post("/settings/mailbox/connect")
@login_required
def connect():
    """Connect the mailbox: tested first; the reason is shown when it doesn't work."""
    reply = service_client.call("mailbox", "PUT", "/account", current_user_id(), json=_form_payload(request.form),
                          timeout=25)
    if not reply.ok:
        error = reply.body.get("error") or {}
        return _settings_page(request.form, error.get("fields") or {"_schema": [error.get("message")]},
                              status=422)
    flash("Connected. We'll look for news about your applications from now on.")
    return redirect(url_for(".settings"))


@bp.post("/settings/mailbox/auto-record")
@login_required
def auto_record():
    """Record confident rejections without asking, or always ask."""
    raw = request.form.get("auto_record_above", "")
    value = None if raw in ("", "off") else float(raw) if raw.replace(".", "", 1).isdigit() else raw
    reply = service_client.call("mailbox", "PATCH", "/account", current_user_id(), json={"auto_record_above": value})
    flash("Saved." if reply.ok else "That setting didn't save; please choose one of the options.")
    return redirect(url_for(".settings"))


@bp.post("/settings/mailbox/disconnect")
@login_required
def disconnect():
    """Stop watching; what was proposed stays until you forget the mailbox."""
    service_client.call("mailbox", "POST", "/account/disconnect", current_user_id())
    flash("Disconnected. Rebound won't read your mailbox any more.")
    return redirect(url_for(".settings"))


@bp.post("/settings/mailbox/forget")
@login_required
def forget():
    """Erase the mailbox settings, password and every proposal."""
    service_client.call("mailbox", "DELETE", "/account", current_user_id())
    flash("Forgotten. Nothing from your mailbox is kept any more.")
    return redirect(url_for(".settings"))


def _proposals(user_id: str) -> dict:
    try:
        return {"proposals": panels.items("mailbox", "/proposals", user_id), "proposals_down": False}
    except service_client.ServiceUnavailable:
        return {"proposals": [], "proposals_down": True}


@bp.get("/mailbox/proposals")
@login_required
def proposals():
    """The open proposals, as the fragment Today and the inbox load."""
    return render_template("_partials/mail_proposals.html", loaded=True, **_proposals(current_user_id()))


def _answered(message: str):
    if is_fragment_request():
        body = render_template("_partials/mail_proposals.html", loaded=True, **_proposals(current_user_id()))
        return body + render_template("_partials/notice_oob.html", message=message), 200
    flash(message)
    return redirect(request.form.get("next") if (request.form.get("next") or "").startswith("/")
                    and not request.form.get("next", "").startswith("//") else url_for("dashboard.index"))


@bp.post("/mailbox/proposals/<int:proposal_id>/record")
@login_required
def record(proposal_id: int):
    """One click: record what the mail said, dated the day it arrived."""
    user_id = current_user_id()
    try:
        proposal = mail_records.proposal_or_none(user_id, proposal_id)
        if proposal is None or proposal["status"] != "pending":
            return _answered("That one was already answered.")
        mail_records.record(user_id, proposal)
    except mail_records.NotRecorded as exc:
        return _answered(exc.message)
    return _answered("Recorded. Thank you for letting us take that off your plate.")


@bp.post("/mailbox/proposals/<int:proposal_id>/decline")
@login_required
def decline(proposal_id: int):
    """Not this one: it won't be suggested again."""
    service_client.call("mailbox", "POST", f"/proposals/{proposal_id}/decline", current_user_id())
    return _answered("Okay, we'll leave that one be.")
