"""Supporters: add (which sends an invitation), list, update, delete, resend the invitation."""
from __future__ import annotations

import secrets

from flask import Blueprint, g
from sqlalchemy import select, update

from services.notifier import clock, mail_limits, support_network
from services.notifier.models import Delivery, Supporter
from services.notifier.schemas import FREQUENCIES, supporter_in, supporter_out
from services.notifier.secrets_at_rest import encrypt, mask
from shared.pagination import paginate
from services.notifier.channels.destinations import refuse_private_target
from shared.web import ApiError, json_body

bp = Blueprint("supporters", __name__)


def get_supporter_or_404(session, supporter_id: int) -> Supporter:
    supporter = session.scalar(select(Supporter).where(
        Supporter.id == supporter_id, Supporter.user_id == g.user_id))
    if supporter is None:
        raise ApiError(404, "not_found", "We couldn't find that supporter.")
    return supporter


def _apply(supporter: Supporter, fields: dict) -> None:
    for name in ("name", "relationship", "share_details", "nudges_enabled"):
        if name in fields:
            setattr(supporter, name, fields[name])
    if "max_frequency" in fields:
        supporter.min_days_between = FREQUENCIES[fields["max_frequency"]]


def _set_address(supporter: Supporter, fields: dict) -> None:
    if fields.get("email"):
        supporter.email, supporter.apprise_encrypted, supporter.apprise_masked = fields["email"], None, None
    elif fields.get("apprise_url"):
        supporter.email = None
        supporter.apprise_encrypted = encrypt(g.runtime.settings.secret_key, fields["apprise_url"])
        supporter.apprise_masked = mask(fields["apprise_url"])


def _limited(session, supporter: Supporter) -> None:
    """429 past the invitations one person may send, or one address may receive, in a day."""
    address = supporter.email or f"apprise:{supporter.apprise_masked}"
    mail_limits.allow(session, supporter.user_id, address, "invitation", clock.now())


@bp.get("/supporters")
def list_supporters():
    """The support network, newest first, each with its status."""
    with g.runtime.sessions() as session:
        query = select(Supporter).where(Supporter.user_id == g.user_id)
        return paginate(session, query, Supporter.id, supporter_out.dump)


@bp.post("/supporters")
def create_supporter():
    """Add a supporter; they get an invitation and nothing else until they confirm."""
    fields = json_body(supporter_in)
    refuse_private_target(fields, "apprise_url", g.runtime.settings.allow_private_targets)
    with g.runtime.sessions.begin() as session:
        supporter = Supporter(user_id=g.user_id, status="invited", nonce=secrets.token_hex(16),
                              share_details=False, nudges_enabled=True, min_days_between=7,
                              invited_at=clock.now())
        _apply(supporter, fields)
        _set_address(supporter, fields)
        session.add(supporter)
        session.flush()
        _limited(session, supporter)
        support_network.invite(session, supporter)
        return supporter_out.dump(supporter), 201


@bp.patch("/supporters/<int:supporter_id>")
def update_supporter(supporter_id: int):
    """Change a supporter; a new address means a new invitation (and a new confirmation)."""
    fields = json_body(supporter_in, partial=True)
    refuse_private_target(fields, "apprise_url", g.runtime.settings.allow_private_targets)
    with g.runtime.sessions.begin() as session:
        supporter = get_supporter_or_404(session, supporter_id)
        _apply(supporter, fields)
        if fields.get("email") or fields.get("apprise_url"):
            if fields.get("email") and fields.get("apprise_url"):
                raise ApiError(422, "validation_failed", "Give one way to reach them.",
                               {"email": ["Give an e-mail address or an Apprise URL, not both."]})
            _set_address(supporter, fields)
            _reinvite(session, supporter)
        return supporter_out.dump(supporter)


def _reinvite(session, supporter: Supporter) -> None:
    # Links sent to the old address die with the old nonce.
    supporter.nonce, supporter.status = secrets.token_hex(16), "invited"
    supporter.confirmed_at = supporter.unsubscribed_at = None
    session.flush()
    _limited(session, supporter)
    support_network.invite(session, supporter)


@bp.post("/supporters/<int:supporter_id>/resend")
def resend_invitation(supporter_id: int):
    """Send the invitation again to someone who hasn't answered yet."""
    with g.runtime.sessions.begin() as session:
        supporter = get_supporter_or_404(session, supporter_id)
        if supporter.status != "invited":
            raise ApiError(409, "conflict", f"This supporter is already {supporter.status}; "
                           "there's no invitation to resend.")
        _limited(session, supporter)
        support_network.invite(session, supporter)
        return supporter_out.dump(supporter)


@bp.delete("/supporters/<int:supporter_id>")
def delete_supporter(supporter_id: int):
    """Remove a supporter; anything still waiting for them is cancelled."""
    with g.runtime.sessions.begin() as session:
        supporter = get_supporter_or_404(session, supporter_id)
        session.execute(update(Delivery).where(
            Delivery.user_id == g.user_id, Delivery.supporter_id == supporter.id,
            Delivery.state.in_(("pending", "retry"))).values(state="cancelled", last_error="supporter removed"))
        session.delete(supporter)
    return "", 204
