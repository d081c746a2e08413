"""Sending due deliveries: claim, send, record; retry with backoff; pause failing channels.

Never twice to one destination: a row is marked `sending` (attempt + 1, a
lease) and committed BEFORE the send; the outcome is recorded after. A row
still `sending` when its lease runs out means a worker stopped mid-send; we
cannot know whether the message left, so it becomes `unknown` and is not
sent again (the delivery log says so).
"""
from __future__ import annotations

import logging
import uuid
from collections.abc import Callable
from datetime import datetime, timedelta

from sqlalchemy import bindparam, select, update
from sqlalchemy.orm import Session, sessionmaker

from services.notifier import clock as default_clock, inbox
from services.notifier import mail_limits
from services.notifier.channels import default_senders
from services.notifier.channels.message import DeliveryFailed, Sender
from services.notifier.models import Channel, Delivery, Notification, Preferences, Recipient
from services.notifier.outgoing import NotSendable, resolve
from services.notifier.secrets_at_rest import SecretUnreadable

log = logging.getLogger(__name__)

LEASE = timedelta(minutes=5)
MAX_ATTEMPTS = 6
PAUSE_AFTER = 5  # consecutive failed attempts on one channel
BACKOFF_BASE_S, BACKOFF_CAP_S = 30, 3600
SENDABLE = ("pending", "retry")
CEILING_WAIT = timedelta(minutes=5)
CEILING_NOTE = "waiting: this instance has sent its hourly share of e-mail (REBOUND_MAIL_PER_HOUR)"

# Built once, run for every delivery (twice): values come as parameters.
_THIS_DELIVERY = Delivery.id == bindparam("delivery_id")
# The delivery with what `outgoing.resolve` looks up by key for the user's own
# channels, None where there is none. Messages to supporters are rare: they look theirs up.
_WITH_DESTINATION = (
    select(Delivery, Channel, Notification, Recipient, Preferences)
    .outerjoin(Channel, Channel.id == Delivery.channel_id)
    .outerjoin(Notification, Notification.id == Delivery.notification_id)
    .outerjoin(Recipient, Recipient.user_id == Delivery.user_id)
    .outerjoin(Preferences, Preferences.user_id == Delivery.user_id)
    .where(_THIS_DELIVERY)
)
_WITH_CHANNEL = (
    select(Delivery, Channel).outerjoin(Channel, Channel.id == Delivery.channel_id).where(_THIS_DELIVERY)
)


def backoff(attempts: int) -> timedelta:
    return timedelta(seconds=min(BACKOFF_CAP_S, BACKOFF_BASE_S * 2 ** max(0, attempts - 1)))


class Dispatcher:
    def __init__(self, sessions: sessionmaker[Session], settings, *,
                 senders: dict[str, Sender] | None = None,
                 clock: Callable[[], datetime] | None = None, batch: int = 50):
        self.sessions, self.settings, self.batch = sessions, settings, batch
        self.senders = senders if senders is not None else default_senders(settings)
        self.clock = clock or (lambda: default_clock.now())

    def run_once(self) -> int:
        """Reconcile stale sends, then try every due delivery once; how many were tried."""
        # One transaction for both: this runs every second even when nothing is due.
        with self.sessions.begin() as session:
            self.reconcile(session)
            due = self.due_ids(session)
        for delivery_id in due:
            self.deliver(delivery_id)
        return len(due)

    def reconcile(self, session: Session) -> int:
        stale = list(session.scalars(select(Delivery).where(
            Delivery.state == "sending", Delivery.lease_until < self.clock())))
        for delivery in stale:
            delivery.state = "unknown"
            delivery.last_error = "interrupted while sending; not resent to avoid a duplicate"
            log.warning("delivery outcome unknown", extra={"delivery_id": delivery.id})
        return len(stale)

    def due_ids(self, session: Session) -> list[int]:
        paused = select(Channel.id).where(Channel.paused_at.is_not(None))
        return list(session.scalars(
            select(Delivery.id).where(
                Delivery.state.in_(SENDABLE), Delivery.not_before <= self.clock(),
                (Delivery.channel_id.is_(None)) | (Delivery.channel_id.not_in(paused)))
            .order_by(Delivery.not_before, Delivery.id).limit(self.batch)))

    def deliver(self, delivery_id: int) -> str:
        """One attempt at one delivery; returns its new state."""
        claimed = self._claim(delivery_id)
        if claimed is None:
            return "skipped"
        target, message, error = claimed
        if error is None:
            try:
                self.senders[target.kind](target, message)
            except DeliveryFailed as exc:
                error = str(exc) or "the channel refused the message"
            except Exception as exc:  # a sender bug must not stop the loop or other channels
                log.exception("sender crashed", extra={"delivery_id": delivery_id})
                error = f"unexpected error: {type(exc).__name__}"
        return self._record(delivery_id, error)

    def _claim(self, delivery_id: int):
        now = self.clock()
        with self.sessions.begin() as session:
            taken = session.execute(
                update(Delivery).where(Delivery.id == delivery_id, Delivery.state.in_(SENDABLE))
                .values(state="sending", attempts=Delivery.attempts + 1, lease_until=now + LEASE))
            if taken.rowcount != 1:
                return None  # another worker has it, or it changed meanwhile
            # Held in `loaded` while resolving: the identity map keeps unchanged objects only
            # while something refers to them.
            loaded = _load_with_destination(session, delivery_id)
            delivery = loaded[0]
            try:
                target, message = resolve(session, self.settings, delivery, now)
            except (NotSendable, SecretUnreadable) as exc:
                delivery.state, delivery.last_error, delivery.lease_until = "cancelled", str(exc), None
                return None
            if target.kind == "email":
                if not mail_limits.room_this_hour(session, self.settings.mail_per_hour, now):
                    # Held, not failed: this try does not count, and it goes once the hour has room.
                    delivery.state, delivery.attempts, delivery.lease_until = "retry", delivery.attempts - 1, None
                    delivery.not_before, delivery.last_error = now + CEILING_WAIT, CEILING_NOTE
                    return None
                mail_limits.record_sent(session, delivery.user_id, target.address, now)
        return target, message, None

    def _record(self, delivery_id: int, error: str | None) -> str:
        now = self.clock()
        with self.sessions.begin() as session:
            row = session.execute(_WITH_CHANNEL, {"delivery_id": delivery_id}).first()
            if row is None:  # erased while sending (the user deleted their account)
                return "gone"
            delivery, channel = row
            delivery.lease_until = None
            if error is None:
                delivery.state, delivery.sent_at, delivery.last_error = "sent", now, None
                if channel is not None:
                    channel.consecutive_failures = 0
                return delivery.state
            delivery.last_error = error[:1000]
            if delivery.attempts >= MAX_ATTEMPTS:
                delivery.state = "failed"
            else:
                delivery.state, delivery.not_before = "retry", now + backoff(delivery.attempts)
            if channel is not None:
                self._count_failure(session, channel, error, now)
            log.info("delivery failed", extra={"delivery_id": delivery_id, "state": delivery.state,
                                               "attempts": delivery.attempts})
            return delivery.state

    def _count_failure(self, session: Session, channel: Channel, error: str, now: datetime) -> None:
        channel.consecutive_failures += 1
        if channel.consecutive_failures < PAUSE_AFTER or channel.paused_at is not None:
            return
        channel.paused_at, channel.paused_reason = now, error[:300]
        session.flush()
        name = channel.label or channel.masked
        inbox.notify(
            session, user_id=channel.user_id, kind="system", severity="important",
            title=f"We paused a channel that kept failing: {name}",
            body=(f"We couldn't reach {name} after {channel.consecutive_failures} tries "
                  f"(last answer: {error[:200]}). We've paused it so nothing piles up. "
                  "Check its settings, send a test, and resume it when it works again."),
            link="/settings/channels", source_event_id=f"pause:{channel.id}:{uuid.uuid4().hex[:16]}")


def _load_with_destination(session: Session, delivery_id: int) -> tuple:
    """(delivery, channel, inbox item, account, preferences), None where there is none, in one query.

    They land in the session's identity map, so the lookups by key in
    `outgoing.resolve` are answered without a query each (five became one).
    """
    return session.execute(_WITH_DESTINATION, {"delivery_id": delivery_id}).one()
