"""The daily digest: at the person's chosen local time, one message sums up the held items.

Items whose topic is set to "digest" wait as `digest` deliveries. When the
person's digest time has passed today, one letter lists them and each channel
that held something gets one delivery of it; nothing is made on a day with
nothing new. The letter is filed in the archive at once: the inbox already
holds each item, and it should not say everything twice.

Exactly once a day, however many schedulers run and however often they
restart: a scheduler first claims the day with a conditional UPDATE of
`last_digest_on` (on PostgreSQL a second claimer waits for the first to
commit, then finds the day taken), and the letter's source id is derived from
person and day, so even a second letter could not be inserted.
"""
from __future__ import annotations

import logging
import uuid

from sqlalchemy import or_, select, update
from sqlalchemy.orm import Session, sessionmaker

from services.notifier import clock, inbox, preferences, topics
from services.notifier.models import Delivery, Notification, Preferences, Recipient
from services.notifier.quiet_hours import digest_due, release_at
from shared.claims import claim
from shared.db import insert_for

log = logging.getLogger(__name__)

MAX_LINES = 20
LINE_CHARS = 160  # of each item's gist; the whole of it waits in Rebound
_LETTERS = uuid.UUID("5f0c2a51-3a4e-4c5b-9d0e-6f1d2b7a9c10")  # namespace of the letters' source ids


def make_due_digests(sessions: sessionmaker[Session]) -> int:
    """Make every digest that is due now; how many were made."""
    made = 0
    for user_id in due_users(sessions):
        try:
            with sessions.begin() as session:
                if claim(session, "notifier.digest", user_id):  # else another replica is making it
                    made += make_digest(session, user_id) is not None
        except Exception:  # one person's trouble must not hold back everyone else's digest
            log.exception("digest failed", extra={"user_id": user_id})
    return made


def due_users(sessions: sessionmaker[Session]) -> list[str]:
    """Users holding items whose digest is due now, found with one query.

    The scheduler asks every second; a transaction per user holding items was
    most of what an idle notifier-worker did. `make_digest` checks again.
    """
    now = clock.now()
    holding = select(Delivery.user_id).where(Delivery.state == "digest").distinct().subquery("holding")
    with sessions() as session:
        rows = session.execute(
            select(holding.c.user_id, Recipient.timezone, Preferences)
            .outerjoin(Recipient, Recipient.user_id == holding.c.user_id)
            .outerjoin(Preferences, Preferences.user_id == holding.c.user_id)
            .order_by(holding.c.user_id)).all()
    return [user_id for user_id, tz, prefs in rows
            if digest_due(now, tz, prefs or preferences.defaults(user_id))]


def letter_id(user_id: str, day: str) -> str:
    """The same for one person and one local day, in every process."""
    return str(uuid.uuid5(_LETTERS, f"{user_id}/{day}"))


def claim_day(session: Session, user_id: str, day: str) -> bool:
    """Mark today's digest as made; False if someone (another scheduler) already did."""
    session.execute(insert_for(session)(Preferences).on_conflict_do_nothing(index_elements=["user_id"]),
                    {"user_id": user_id, "kinds": {}, "topic_modes": {}, "digest_time": "18:00",
                     "nudges_enabled": True, "share_good_news": False})
    taken = session.execute(
        update(Preferences).where(Preferences.user_id == user_id, or_(
            Preferences.last_digest_on.is_(None), Preferences.last_digest_on != day))
        .values(last_digest_on=day).execution_options(synchronize_session=False))
    return taken.rowcount == 1


def _line(delivery: Delivery, kind: str) -> str:
    """The item's title and its gist. A coach card's gist is its first section's title ("Nothing to
    fix here"): what support is waiting, where its summary would only say the news again."""
    paragraphs = delivery.body.split("\n\n")
    if kind == "coach_card" and len(paragraphs) > 1:
        gist = paragraphs[1].split("\n")[0].rstrip(".")
    else:
        gist = paragraphs[0]
    gist = " ".join(gist.split())
    if len(gist) > LINE_CHARS:  # cut between words, never inside one
        gist = gist[:LINE_CHARS].rsplit(" ", 1)[0].rstrip(",;:.") + "…"
    return f"{delivery.subject}: {gist}"


def _still_wanted(prefs: Preferences, held: list[Delivery], kinds: dict[int, tuple]) -> list[Delivery]:
    """Held items whose topic was switched off meanwhile are let go, not sent."""
    wanted = []
    for delivery in held:
        kind, severity = kinds.get(delivery.notification_id, ("system", "info"))
        if topics.mode_of(prefs.topic_modes, topics.of(kind, severity)) == topics.OFF:
            delivery.state, delivery.last_error = "cancelled", "switched off before the digest"
        else:
            wanted.append(delivery)
    return wanted


def make_digest(session: Session, user_id: str) -> Notification | None:
    now = clock.now()
    prefs = session.get(Preferences, user_id) or preferences.defaults(user_id)
    recipient = session.get(Recipient, user_id)
    tz = recipient.timezone if recipient else None
    today = digest_due(now, tz, prefs)
    if today is None or not claim_day(session, user_id, today):
        return None
    prefs = session.get(Preferences, user_id, populate_existing=True)
    held = list(session.scalars(select(Delivery).where(
        Delivery.user_id == user_id, Delivery.state == "digest").order_by(Delivery.id)))
    kinds = dict((row.id, (row.kind, row.severity)) for row in session.execute(
        select(Notification.id, Notification.kind, Notification.severity).where(
            Notification.id.in_([d.notification_id for d in held] or [-1]))))
    held = _still_wanted(prefs, held, kinds)
    if not held:
        return None
    digest = _letter(session, user_id, today, held, kinds, now)
    if digest is None:  # this day's letter exists already
        return None
    not_before = release_at(now, tz, prefs, severity="info", about_rejection=False)
    for channel_id in dict.fromkeys(d.channel_id for d in held):
        session.add(Delivery(
            user_id=user_id, dedupe_key=f"n{digest.id}:c{channel_id}", notification_id=digest.id,
            channel_id=channel_id, purpose="notification", subject=digest.title, body=digest.body,
            link=digest.link, state="pending", not_before=not_before, created_at=now))
    for delivery in held:
        delivery.state = "digested"
    return digest


def _letter(session: Session, user_id: str, today: str, held: list[Delivery], kinds: dict[int, tuple],
            now) -> Notification | None:
    # One line per item however many channels held it.
    titles = list(dict.fromkeys(_line(d, kinds.get(d.notification_id, ("system",))[0]) for d in held))
    lines = [f"• {title}" for title in titles[:MAX_LINES]]
    if len(titles) > MAX_LINES:
        lines.append(f"…and {len(titles) - MAX_LINES} more in your inbox.")
    count = f"{len(titles)} thing{'s' if len(titles) != 1 else ''}"
    digest = inbox.notify(
        session, user_id=user_id, kind="digest", severity="info",
        title=f"Your day in Rebound: {count}, whenever suits you",
        body=("Here's what came in today, in one place. Take what helps and leave the rest; "
              "it will all keep.\n\n" + "\n".join(lines)),
        link="/inbox", source_event_id=letter_id(user_id, today), fan_out=False)
    if digest is not None:
        digest.read_at = digest.archived_at = now
    return digest
