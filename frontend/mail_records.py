"""Recording a mailbox proposal the person accepted: the frontend asks the tracker, then the mailbox.

Services never call each other; the frontend aggregates. The tracker is asked first
(a rejection with the mail's date, an interview or offer stage, or a new application),
then the mailbox marks the proposal accepted with the application it went to. If the
tracker says no, the proposal stays open and nothing is half-recorded.
"""
from __future__ import annotations

from dataclasses import dataclass

from frontend import service_client

STAGES = {"interview_invitation": "interview", "offer": "offer"}
ROLE_NOT_NAMED = "Role not named in the mail"


@dataclass
class NotRecorded(Exception):
    """The tracker or the mailbox refused; `reply` says why."""
    reply: service_client.Reply

    @property
    def message(self) -> str:
        error = self.reply.body.get("error") or {}
        return error.get("message") or "We couldn't record that just now. Nothing was changed."


def _ok_or_raise(reply: service_client.Reply, tolerated: tuple[str, ...] = ()) -> service_client.Reply:
    code = (reply.body.get("error") or {}).get("code")
    if not reply.ok and code not in tolerated:
        raise NotRecorded(reply)
    return reply


def _new_application(user_id: str, proposal: dict) -> int:
    applied_on = proposal["received_on"] if proposal["classification"] == "application_received" else None
    reply = _ok_or_raise(service_client.call("tracker", "POST", "/applications", user_id, json={
        "company": proposal.get("company") or "Unknown company",
        "role": proposal.get("role") or ROLE_NOT_NAMED, "applied_on": applied_on, "source": "e-mail"}))
    return reply.body["id"]


def _not_before_applied(user_id: str, application_id: int, received_on: str) -> str:
    """The mail's date, or the application's date if that is later (an application added after
    the fact is dated the day it was added): a rejection placed before it would not end it."""
    reply = service_client.call("tracker", "GET", f"/applications/{application_id}", user_id)
    applied_on = reply.body.get("applied_on") if reply.ok else None
    return max(received_on, applied_on) if applied_on else received_on


def record(user_id: str, proposal: dict) -> dict:
    """Record what the mail said in the tracker, then mark the proposal accepted; the updated proposal."""
    application_id = proposal.get("application_id") or _new_application(user_id, proposal)
    kind, on = proposal["classification"], _not_before_applied(user_id, application_id, proposal["received_on"])
    if kind == "rejection":
        # Already recorded by hand is fine: the mail only confirms it.
        _ok_or_raise(service_client.call("tracker", "POST", f"/applications/{application_id}/rejection", user_id,
                                   json={"received_on": on}), tolerated=("already_rejected",))
    elif kind in STAGES:
        _ok_or_raise(service_client.call("tracker", "POST", f"/applications/{application_id}/stage", user_id,
                                   json={"stage": STAGES[kind], "changed_on": on}), tolerated=("no_change",))
    reply = service_client.call("mailbox", "POST", f"/proposals/{proposal['id']}/accept", user_id,
                          json={"application_id": application_id})
    return _ok_or_raise(reply, tolerated=("already_decided",)).body


def proposal_or_none(user_id: str, proposal_id: int) -> dict | None:
    reply = service_client.call("mailbox", "GET", f"/proposals/{proposal_id}", user_id)
    if reply.status == 404:
        return None
    return _ok_or_raise(reply).body
