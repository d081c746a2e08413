"""Server-side sessions: which browsers are signed in as whom, and ending them.

The browser's signed cookie carries only a random token; the row (found by the
token's hash) says whose session it is. Signing out deletes the row, so a copy
of the cookie made earlier is worth nothing afterwards. A password change ends
every other session; Settings lists them and can end any one, or all but this one.
"""
from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from sqlalchemy import delete, select, update
from sqlalchemy.orm import sessionmaker

from frontend.models import WebSession
from shared.tables import utcnow

LIFETIME = timedelta(days=14)
# Recording every request would make each page view a write; a minute is precise enough.
SEEN_RESOLUTION = timedelta(minutes=1)


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def start(sessions: sessionmaker, user_id: str, user_agent: str | None = None,
          address: str | None = None) -> str:
    """A new session for the user; returns the token for the cookie (we keep only its hash)."""
    token = secrets.token_urlsafe(32)
    now = utcnow()
    with sessions.begin() as session:
        # Expired rows are worth nothing; clearing them here keeps the table small.
        session.execute(delete(WebSession).where(WebSession.created_at < now - LIFETIME))
        session.add(WebSession(token_hash=_hash(token), user_id=user_id, created_at=now,
                               last_seen_at=now, user_agent=(user_agent or "")[:200] or None,
                               address=(address or "")[:64] or None))
    return token


def user_for(sessions: sessionmaker, token: str | None) -> str | None:
    """The id of the user whose live session this token names, else None.

    A plain read on nearly every request; a write only once a minute per session.
    """
    if not token or not isinstance(token, str):
        return None
    now = utcnow()
    with sessions() as session:
        row = session.execute(select(WebSession.id, WebSession.user_id, WebSession.created_at,
                                     WebSession.last_seen_at)
                              .where(WebSession.token_hash == _hash(token))).one_or_none()
    if row is None:
        return None
    if now - row.created_at > LIFETIME:
        with sessions.begin() as session:
            session.execute(delete(WebSession).where(WebSession.id == row.id))
        return None
    if now - row.last_seen_at > SEEN_RESOLUTION:
        with sessions.begin() as session:
            session.execute(update(WebSession).where(WebSession.id == row.id).values(last_seen_at=now))
    return row.user_id


def end(sessions: sessionmaker, token: str | None) -> None:
    """End the session this token names (signing out); unknown tokens are fine."""
    if token and isinstance(token, str):
        with sessions.begin() as session:
            session.execute(delete(WebSession).where(WebSession.token_hash == _hash(token)))


def end_one(sessions: sessionmaker, user_id: str, session_id: str) -> bool:
    """End one of the user's sessions by its listed id; False if they have no such session."""
    with sessions.begin() as session:
        result = session.execute(delete(WebSession).where(WebSession.id == session_id,
                                                          WebSession.user_id == user_id))
        return result.rowcount > 0


def end_others(sessions: sessionmaker, user_id: str, keep_token: str | None = None) -> int:
    """End every session of the user except the one this token names; how many ended."""
    query = delete(WebSession).where(WebSession.user_id == user_id)
    if keep_token:
        query = query.where(WebSession.token_hash != _hash(keep_token))
    with sessions.begin() as session:
        return session.execute(query).rowcount


def list_sessions(sessions: sessionmaker, user_id: str, current: str | None) -> list[dict]:
    """The user's live sessions, most recently used first; `current` marks this browser's."""
    current_hash = _hash(current) if current else None
    now = utcnow()
    with sessions() as session:
        rows = session.scalars(select(WebSession).where(WebSession.user_id == user_id)
                               .order_by(WebSession.last_seen_at.desc(), WebSession.id))
        return [{"id": row.id, "created_at": row.created_at, "last_seen_at": row.last_seen_at,
                 "device": describe_device(row.user_agent), "address": row.address,
                 "current": row.token_hash == current_hash}
                for row in rows if now - row.created_at <= LIFETIME]


_BROWSERS = (("Edg/", "Edge"), ("Firefox/", "Firefox"), ("Chrome/", "Chrome"), ("Safari/", "Safari"))
_SYSTEMS = (("Android", "Android"), ("iPhone", "iPhone"), ("iPad", "iPad"), ("Windows", "Windows"),
            ("Mac OS X", "macOS"), ("Linux", "Linux"))


def describe_device(user_agent: str | None) -> str:
    """A short, plain name for a browser ("Firefox on Linux"), enough to recognise it."""
    agent = user_agent or ""
    browser = next((name for mark, name in _BROWSERS if mark in agent), None)
    system = next((name for mark, name in _SYSTEMS if mark in agent), None)
    if browser and system:
        return f"{browser} on {system}"
    return browser or system or "A browser or app we don't recognise"
