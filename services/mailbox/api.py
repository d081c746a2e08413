"""The mailbox API behind the frontend: connect, test, disconnect, forget; proposals.

Accepting a proposal only marks it here: the frontend records the rejection (or stage,
or new application) through the tracker's API and tells us which application it used.
Services never call each other.
"""
from __future__ import annotations

from datetime import timedelta

from flask import Blueprint, Flask, g, request
from sqlalchemy import delete, select

from services.mailbox import imap
from services.mailbox.models import FolderState, MailAccount, Proposal
from services.mailbox import api_export
from services.mailbox.password_at_rest import PasswordUnreadable, decrypt, encrypt
from services.mailbox.schemas import account_in, account_out, accept_in, proposal_out, settings_patch
from services.mailbox.targets import refused_reason
from shared.config import Settings
from shared.pagination import paginate
from shared.runtime import Runtime
from shared.tables import utcnow
from shared.web import ApiError, create_service_app, json_body

bp = Blueprint("mailbox", __name__)
PROPOSAL_STATES = ("pending", "accepted", "declined", "auto_recorded")


def _account(session) -> MailAccount | None:
    return session.scalar(select(MailAccount).where(MailAccount.user_id == g.user_id))


def get_account_or_404(session) -> MailAccount:
    account = _account(session)
    if account is None:
        raise ApiError(404, "not_found", "No mailbox is connected.")
    return account


def get_proposal_or_404(session, proposal_id: int) -> Proposal:
    proposal = session.scalar(select(Proposal).where(Proposal.id == proposal_id, Proposal.user_id == g.user_id))
    if proposal is None:
        raise ApiError(404, "not_found", "We couldn't find that proposal.")
    return proposal


def _address(fields: dict) -> imap.ServerAddress:
    refused = refused_reason(fields["host"], fields["port"], g.runtime.settings.allow_private_targets)
    if refused:
        raise ApiError(422, "validation_failed", refused, {"host": [refused]})
    return imap.ServerAddress(fields["host"], fields["port"], fields["tls"], fields["username"], fields["password"])


def _test(address: imap.ServerAddress, folders: list[str]) -> dict:
    try:
        imap.check_connection(address, folders, g.runtime.settings.allow_private_targets)
    except imap.MailboxError as exc:
        return {"ok": False, "code": exc.code, "message": exc.message}
    return {"ok": True, "code": "ok", "message": "Connected. We can read those folders."}


@bp.get("/account")
def get_account():
    """The connected mailbox, without its password."""
    with g.runtime.sessions() as session:
        return account_out.dump(get_account_or_404(session))


@bp.put("/account")
def connect():
    """Connect (or replace) the mailbox after a successful test; 422 with the reason otherwise."""
    fields = json_body(account_in)
    address = _address(fields)
    result = _test(address, fields["folders"])
    if not result["ok"]:
        raise ApiError(422, "connection_failed", result["message"], {"connection": [result["message"]]})
    with g.runtime.sessions.begin() as session:
        account = _account(session)
        if account is not None:
            session.execute(delete(FolderState).where(FolderState.user_id == g.user_id))
        else:
            account = MailAccount(user_id=g.user_id)
            session.add(account)
        account.host, account.port, account.tls, account.username = (
            address.host, address.port, address.tls, address.username)
        account.password_encrypted = encrypt(g.runtime.settings.secret_key, address.password)
        account.folders = fields["folders"]
        account.start_on = utcnow().date() - timedelta(days=fields["look_back_days"])
        account.auto_record_above = fields["auto_record_above"]
        account.status, account.next_check_at = "watching", utcnow()
        account.consecutive_failures, account.last_error = 0, None
        account.failing_since = account.failure_reported_at = None
        session.flush()
        return account_out.dump(account), 201


@bp.post("/account/test")
def test_connection():
    """Try the given settings (or the stored ones when the body is empty) and say what happened."""
    if request.get_json(silent=True):
        fields = json_body(account_in)
        return _test(_address(fields), fields["folders"])
    with g.runtime.sessions() as session:
        account = get_account_or_404(session)
        try:
            password = decrypt(g.runtime.settings.secret_key, account.password_encrypted)
        except PasswordUnreadable:
            return {"ok": False, "code": "password_unreadable",
                    "message": "We can't read the stored password any more. Please connect again."}
        address = imap.ServerAddress(account.host, account.port, account.tls, account.username, password)
        folders = list(account.folders)
    return _test(address, folders)


@bp.patch("/account")
def change_settings():
    """Change the folders or the auto-record confidence."""
    fields = json_body(settings_patch, partial=True)
    with g.runtime.sessions.begin() as session:
        account = get_account_or_404(session)
        for name, value in fields.items():
            setattr(account, name, value)
        return account_out.dump(account)


@bp.post("/account/disconnect")
def disconnect():
    """Stop watching; nothing more is read until the mailbox is connected again."""
    with g.runtime.sessions.begin() as session:
        account = get_account_or_404(session)
        account.status, account.next_check_at = "disconnected", None
        return account_out.dump(account)


@bp.delete("/account")
def forget():
    """Forget the mailbox: its settings, password, progress and every proposal."""
    with g.runtime.sessions.begin() as session:
        for model in (Proposal, FolderState, MailAccount):
            session.execute(delete(model).where(model.user_id == g.user_id))
    return "", 204


@bp.get("/proposals")
def list_proposals():
    """Proposals, newest first; `status` pending (default), accepted, declined or auto_recorded."""
    status = request.args.get("status", "pending")
    if status not in PROPOSAL_STATES:
        raise ApiError(422, "validation_failed", "Unknown status.", {"status": [f"One of {', '.join(PROPOSAL_STATES)}."]})
    query = select(Proposal).where(Proposal.user_id == g.user_id, Proposal.status == status)
    with g.runtime.sessions() as session:
        return paginate(session, query, Proposal.id, proposal_out.dump)


@bp.get("/proposals/<int:proposal_id>")
def get_proposal(proposal_id: int):
    with g.runtime.sessions() as session:
        return proposal_out.dump(get_proposal_or_404(session, proposal_id))


def _decide(proposal_id: int, status: str, application_id: int | None = None):
    with g.runtime.sessions.begin() as session:
        proposal = get_proposal_or_404(session, proposal_id)
        if proposal.status != "pending":
            raise ApiError(409, "already_decided", "This one has already been answered.")
        proposal.status, proposal.decided_at = status, utcnow()
        if application_id is not None:
            proposal.application_id = application_id
        return proposal_out.dump(proposal)


@bp.post("/proposals/<int:proposal_id>/accept")
def accept(proposal_id: int):
    """Mark a proposal recorded (the frontend has recorded it with the tracker)."""
    fields = json_body(accept_in) if request.get_data() else {"application_id": None}
    return _decide(proposal_id, "accepted", fields["application_id"])


@bp.post("/proposals/<int:proposal_id>/decline")
def decline(proposal_id: int):
    """Not this one: remembered, so the same mail is never proposed again."""
    return _decide(proposal_id, "declined")


def create_app(settings: Settings | None = None, runtime: Runtime | None = None) -> Flask:
    runtime = runtime or Runtime.build("mailbox", settings)
    return create_service_app(__name__, runtime, bp, api_export.bp)
