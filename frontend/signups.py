"""Who may make an account: REBOUND_SIGNUP=open|invite|closed, invitations, and confirming an address.

open: anyone may sign up, and the account is made when they click the link we
mail them. The page answers the same whether or not the address already has an
account; the mail to that address says which it is.
invite: only with an invitation the operator sent (`rebound users invite`); the
invitation names one address and proves it, so the account is made at once.
closed: nobody signs up from the web; the operator runs `rebound users create`.
"""
from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from sqlalchemy import delete, select
from sqlalchemy.orm import sessionmaker

from frontend import accounts
from frontend.mail import AccountMail
from frontend.models import Invitation, PendingSignup
from shared.tables import utcnow

CONFIRM_WITHIN = timedelta(hours=24)
INVITATION_LIFETIME = timedelta(days=14)


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def confirm_mail(link: str) -> AccountMail:
    return AccountMail(
        kind="signup_confirm", subject="Confirm your e-mail to finish signing up for Rebound",
        title="One click to finish", link=link, link_label="Finish signing up",
        body=("Thanks for signing up for Rebound. Click the link below within a day to confirm this "
              "address, and your account is ready.\n\n"
              "If you didn't ask for this, you can ignore this mail and nothing will be made."))


def taken_mail(link: str) -> AccountMail:
    return AccountMail(
        kind="signup_taken", subject="You already have a Rebound account",
        title="You already have an account", link=link, link_label="Sign in",
        body=("Someone, probably you, tried to sign up for Rebound with this address, but it already "
              "has an account, so nothing new was made.\n\n"
              "You can sign in with the link below. If you've forgotten the password, the sign-in "
              "page has a link to choose a new one. If this wasn't you, nothing has changed."))


def invitation_mail(link: str) -> AccountMail:
    return AccountMail(
        kind="invitation", subject="You're invited to Rebound",
        title="You're invited", link=link, link_label="Create my account",
        body=("You've been invited to use Rebound, a calm companion for your job search: it keeps "
              "track of your applications and is in your corner when one doesn't work out.\n\n"
              f"The link below lets you create your account. It works for {INVITATION_LIFETIME.days} days."))


def start_signup(sessions: sessionmaker, email: str, password_hash: str, display_name: str | None,
                 timezone: str) -> str:
    """Keep a sign-up until its link is clicked; returns the token for the link."""
    token = secrets.token_urlsafe(32)
    now = utcnow()
    with sessions.begin() as session:
        session.execute(delete(PendingSignup).where(PendingSignup.created_at < now - CONFIRM_WITHIN))
        session.add(PendingSignup(token_hash=_hash(token), email=accounts.normalise_email(email),
                                  password_hash=password_hash, display_name=(display_name or "").strip() or None,
                                  timezone=timezone, created_at=now))
    return token


def confirm_signup(sessions: sessionmaker, token: str) -> dict:
    """Make the account a sign-up link stands for; AccountError if the link is spent or old."""
    with sessions.begin() as session:
        row = session.scalar(select(PendingSignup).where(PendingSignup.token_hash == _hash(token or "")))
        if row is None or utcnow() - row.created_at > CONFIRM_WITHIN:
            raise accounts.AccountError("This link has expired or was already used. "
                                        "You can sign up again, or sign in if your account is ready.")
        found = {"email": row.email, "password_hash": row.password_hash,
                 "display_name": row.display_name, "timezone": row.timezone}
        session.execute(delete(PendingSignup).where(PendingSignup.email == row.email))
    return accounts.create_user(sessions, found["email"], None, found["display_name"], found["timezone"],
                                password_hash=found["password_hash"])


def invite(sessions: sessionmaker, email: str) -> str:
    """A new invitation for this address; returns the token for the link."""
    email = accounts.normalise_email(email)
    accounts.check_email(email)
    if accounts.email_taken(sessions, email):
        raise accounts.AccountError(f"{email} already has an account.")
    token = secrets.token_urlsafe(32)
    with sessions.begin() as session:
        session.add(Invitation(token_hash=_hash(token), email=email, created_at=utcnow()))
    return token


def invitation_for(sessions: sessionmaker, token: str | None) -> str | None:
    """The address a live, unused invitation is for, else None."""
    if not token:
        return None
    with sessions() as session:
        row = session.scalar(select(Invitation).where(Invitation.token_hash == _hash(token)))
        if row is None or row.used_at is not None or utcnow() - row.created_at > INVITATION_LIFETIME:
            return None
        return row.email


def accept_invitation(sessions: sessionmaker, token: str, password: str, display_name: str | None,
                      timezone: str) -> dict:
    """Make the invited account; the invitation is spent only if that worked."""
    email = invitation_for(sessions, token)
    if email is None:
        raise accounts.AccountError("This invitation has expired or was already used. "
                                    "Please ask for a new one.")
    user = accounts.create_user(sessions, email, password, display_name, timezone)
    with sessions.begin() as session:
        session.scalar(select(Invitation).where(Invitation.token_hash == _hash(token))).used_at = utcnow()
    return user
