"""Public API routes of the mailbox: connect, test, disconnect, forget; proposals.

Accepting a proposal is the one route that is not a plain forward: the frontend records
it with the tracker (services never call each other), then tells the mailbox.
"""
from __future__ import annotations

from flask import g, jsonify

from frontend import mail_records
from frontend.views.api import Route, api_blueprint, register
from shared.web import error_response


def _mailbox(method: str, path: str, summary: str, **options) -> Route:
    return Route(method, f"/mailbox{path}", "mailbox", summary, target=path, **options)


ROUTES = [
    _mailbox("GET", "/account", "The connected mailbox (never its password)"),
    _mailbox("PUT", "/account", "Connect a mailbox: tested first, 422 with the reason if it fails", status=201,
             request_schema="MailboxAccountIn"),
    _mailbox("PATCH", "/account", "Change folders or the auto-record confidence",
             request_schema="MailboxSettingsPatch"),
    _mailbox("DELETE", "/account", "Forget the mailbox and every proposal", status=204),
    _mailbox("POST", "/account/test", "Test the given (or the stored) settings; answers ok, code, message"),
    _mailbox("POST", "/account/disconnect", "Stop watching the mailbox"),
    _mailbox("GET", "/proposals", "What your mail looked like (status=pending|accepted|declined|auto_recorded)",
             kind="list"),
    _mailbox("GET", "/proposals/{id}", "One proposal"),
    _mailbox("POST", "/proposals/{id}/decline", "Not this one: never proposed again"),
]

# Answered by the frontend itself (documented with the rest in the OpenAPI document).
ACCEPT = Route("POST", "/mailbox/proposals/{id}/accept", "frontend",
               "Record a proposal with the tracker (with the mail's date), then mark it accepted")

bp = api_blueprint("api_mailbox")
register(bp, ROUTES)


@bp.post("/mailbox/proposals/<int:id>/accept")
def accept_proposal(id: int):
    """Record a proposal: the rejection (or stage, or new application) with the mail's date."""
    try:
        proposal = mail_records.proposal_or_none(g.api_user_id, id)
        if proposal is None:
            return error_response(404, "not_found", "We couldn't find that proposal.")
        if proposal["status"] != "pending":
            return error_response(409, "already_decided", "This one has already been answered.")
        return jsonify(mail_records.record(g.api_user_id, proposal))
    except mail_records.NotRecorded as exc:
        error = exc.reply.body.get("error") or {}
        return error_response(exc.reply.status if exc.reply.status >= 400 else 502,
                              error.get("code", "not_recorded"), exc.message, error.get("fields"))
