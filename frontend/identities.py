"""Accounts for people who sign in through an OpenID Connect provider.

The provider's (issuer, subject) pair is what we remember: the e-mail at the
provider may change, the subject does not. The first time someone comes from
the provider, we link them to the account with the same e-mail address only if
the provider says it verified that address (otherwise anyone who can type an
address at a lax provider could take over that account); with no such
account, we make one (unless REBOUND_SIGNUP=closed).
"""
from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import sessionmaker

from frontend import accounts
from frontend.models import ExternalIdentity, User
from shared.tables import utcnow

UNVERIFIED = ("Your sign-in provider hasn't confirmed your e-mail address, so we can't connect it to a "
              "Rebound account yet. Please confirm the address with your provider, then try again.")
NO_EMAIL = ("Your sign-in provider didn't share an e-mail address with us, and Rebound needs one. "
            "Please ask whoever runs your sign-in provider to share it.")
CLOSED = ("This Rebound isn't taking new accounts, and there isn't one for you yet. "
          "Please ask the person who runs it.")


def _verified(claims: dict) -> bool:
    # Some providers send the boolean as a string.
    return claims.get("email_verified") in (True, "true", "True")


def user_for_claims(sessions: sessionmaker, issuer: str, claims: dict, may_create: bool) -> dict:
    """The account these verified ID-token claims sign in as; AccountError if there is none to give."""
    subject = str(claims.get("sub") or "")
    if not subject:
        raise accounts.AccountError("Your sign-in provider didn't say who you are. Please try again.")
    with sessions() as session:
        user_id = session.scalar(select(ExternalIdentity.user_id).where(
            ExternalIdentity.issuer == issuer, ExternalIdentity.subject == subject))
    if user_id:
        return accounts.get_user(sessions, user_id)
    email = accounts.normalise_email(str(claims.get("email") or ""))
    if not email:
        raise accounts.AccountError(NO_EMAIL)
    if not _verified(claims):
        raise accounts.AccountError(UNVERIFIED)
    with sessions() as session:
        user = session.scalar(select(User).where(User.email == email))
        found = user.as_dict() if user else None
    if found is None:
        if not may_create:
            raise accounts.AccountError(CLOSED)
        found = accounts.create_user(sessions, email, None, display_name=_name(claims),
                                     password_hash=accounts.UNUSABLE_PASSWORD)
    _link(sessions, found["id"], issuer, subject)
    return found


def _name(claims: dict) -> str | None:
    name = str(claims.get("given_name") or claims.get("name") or claims.get("preferred_username") or "")
    return name.strip()[:accounts.MAX_DISPLAY_NAME] or None


def _link(sessions: sessionmaker, user_id: str, issuer: str, subject: str) -> None:
    try:
        with sessions.begin() as session:
            session.add(ExternalIdentity(user_id=user_id, issuer=issuer[:400], subject=subject[:255],
                                         created_at=utcnow()))
    except IntegrityError:  # the same person's two tabs finished at once: one link is enough
        pass
