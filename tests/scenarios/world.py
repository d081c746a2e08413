"""A small world for scenarios: the coach and the notifier on real (SQLite) databases.

Their real handlers, APIs, scheduler, digests and dispatcher run against a
movable clock. Events travel as they do on the bus (each outbox is read and
handed to every service subscribed to the type), only synchronously, so a
scenario reads top to bottom. Tracker events are made here, as the tracker
would make them. E-mails are recorded, not sent.
"""
from __future__ import annotations

import random
import uuid
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import select, update

from services.coach import handlers as coach_handlers, scheduler as coach_scheduler
from services.coach.api import create_app as coach_app
from services.notifier import handlers as notifier_handlers, preferences
from services.notifier.delivery import Dispatcher
from services.notifier.digests import make_due_digests
from services.notifier.models import Notification
from shared.auth import HEADER, sign_user_token
from shared.config import load_settings
from shared.events import make_event
from shared.runtime import Runtime
from rebound.migrations import migrate_service
from shared.tables import outbox
from shared.topology import SUBSCRIPTIONS
from shared.worker import run_handlers

USER = "maya"


class Clock:
    def __init__(self, now: datetime):
        self.now = now

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta) -> None:
        self.now += timedelta(**delta)


@dataclass
class Mail:
    at: datetime
    to: str
    subject: str
    body: str


@dataclass
class Seen:
    """What the person met, in order: a thing they did, an inbox item, or an e-mail."""
    at: datetime
    what: str  # "did", "inbox", "revised", "withdrawn", "mail"
    title: str
    body: str = ""
    sections: list = field(default_factory=list)
    cause: str | None = None


class World:
    def __init__(self, tmp_path, monkeypatch, start: datetime, timezone: str = "Europe/London"):
        monkeypatch.setenv("REBOUND_DATA_DIR", str(tmp_path))
        monkeypatch.setenv("REBOUND_BASE_URL", "https://rebound.example")
        settings = load_settings()
        migrate_service("coach", settings)
        migrate_service("notifier", settings)
        self.settings = settings
        self.coach = Runtime.build("coach", settings)
        self.notifier = Runtime.build("notifier", settings)
        self.clock = Clock(start)
        # Event ids from a seeded generator: the coach picks phrasings by event, so the same
        # scenario gives the same transcript on every run.
        ids = random.Random(14)
        monkeypatch.setattr(uuid, "uuid4", lambda: uuid.UUID(int=ids.getrandbits(128), version=4))
        # Everything that reads "now" outside an event's own time reads the scenario's clock.
        for target in ("services.notifier.clock.now", "services.coach.api.utcnow",
                       "services.coach.api_wins.utcnow", "services.coach.api_feedback.utcnow"):
            try:
                monkeypatch.setattr(target, self.clock)
            except AttributeError:
                pass
        self.mails: list[Mail] = []
        self.dispatcher = Dispatcher(self.notifier.sessions, settings, senders={
            "email": self._mail, "apprise": self._mail, "webhook": self._mail}, clock=self.clock)
        self.api = coach_app(runtime=self.coach).test_client()
        self.log: list[Seen] = []
        self.events: list[dict] = []
        self._seen_items: dict[int, tuple] = {}
        self._mail_count = 0
        self.deliver(make_event("user.registered", user_id=USER, producer="frontend", data={
            "display_name": "Maya", "email": "maya@example.org", "timezone": timezone}))
        self.coaching_by_digest()

    def coaching_by_digest(self) -> None:
        """Coach cards by daily digest: the calm default of the notification settings (issue 14, item 3).

        Set here as the person's own choice so the scenario does not depend on where that default lives.
        """
        with self.notifier.sessions.begin() as session:
            prefs = preferences.get(session, USER)
            prefs.kinds = {**(prefs.kinds or {}), "coach_card": {"channels": None, "mode": "digest"}}

    def settings_resources(self) -> str:
        return self.settings.support_resources_text

    def close(self) -> None:
        self.coach.engine.dispose()
        self.notifier.engine.dispose()

    # --- the bus, synchronously -------------------------------------------------------------
    def _mail(self, target, message) -> None:
        self.mails.append(Mail(self.clock(), getattr(target, "address", str(target)),
                               message.subject, message.body))

    def deliver(self, event: dict) -> None:
        """Hand an event to every service subscribed to its type, then whatever that set off."""
        event["occurred_at"] = self.clock().isoformat() + "+00:00"
        self.events.append(event)
        for service, runtime, handlers in (("coach", self.coach, coach_handlers.HANDLERS),
                                           ("notifier", self.notifier, notifier_handlers.HANDLERS)):
            if event["type"] in SUBSCRIPTIONS[service] and event["type"] in handlers:
                run_handlers(runtime.sessions, handlers[event["type"]], event)
        self.relay()

    def relay(self) -> None:
        for runtime in (self.coach, self.notifier):
            with runtime.sessions.begin() as session:
                rows = session.execute(select(outbox.c.id, outbox.c.payload).where(
                    outbox.c.sent_at.is_(None)).order_by(outbox.c.id)).all()
                if rows:
                    session.execute(update(outbox).where(outbox.c.id.in_([r.id for r in rows]))
                                    .values(sent_at=self.clock()))
            for row in rows:
                self.deliver(dict(row.payload))

    def tracker(self, type_: str, **data) -> dict:
        event = make_event(type_, user_id=USER, producer="tracker", data=data)
        self.deliver(event)
        return event

    # --- the person's own actions, through the coach's API ----------------------------------
    @property
    def token(self) -> dict:
        """A fresh internal token per call: they are short-lived, and a scenario takes a while."""
        return {HEADER: sign_user_token(self.settings.internal_secret, USER)}

    def post(self, path: str, json: dict):
        answer = self.api.post(path, json=json, headers=self.token)
        assert answer.status_code < 300, (path, answer.status_code, answer.get_data(as_text=True))
        self.relay()
        return answer.json

    def get(self, path: str):
        return self.api.get(path, headers=self.token).json

    # --- time passing ---------------------------------------------------------------------------
    def tick(self) -> None:
        """What the workers' loops do: due coaching, digests, sends."""
        coach_scheduler.tick(self.coach.sessions, self.clock())
        self.relay()
        make_due_digests(self.notifier.sessions)
        self.dispatcher.run_once()

    def wait(self, step_minutes: int = 30, **delta) -> None:
        """Let time pass, the workers' loops running every `step_minutes`."""
        end = self.clock() + timedelta(**delta)
        while self.clock() < end:
            self.clock.now = min(end, self.clock() + timedelta(minutes=step_minutes))
            self.tick()
            self.collect()

    # --- what the person saw ----------------------------------------------------------------
    def did(self, text: str) -> None:
        self.collect()
        self.log.append(Seen(self.clock(), "did", text))

    def inbox(self) -> list[Notification]:
        with self.notifier.sessions() as session:
            items = list(session.scalars(select(Notification).where(Notification.user_id == USER)
                                         .order_by(Notification.id)))
            session.expunge_all()
            return items

    def collect(self) -> None:
        """Note inbox items and e-mails that appeared since the last look."""
        for item in self.inbox():
            now_reads = (item.title, item.body, getattr(item, "sections", None), item.archived_at is None)
            before = self._seen_items.get(item.id)
            if before == now_reads or (before is None and item.archived_at is not None):
                continue
            self._seen_items[item.id] = now_reads
            if before is None:
                self.log.append(Seen(item.created_at, "inbox", item.title, item.body,
                                     list(now_reads[2] or []), item.kind))
            elif item.archived_at is not None:
                self.log.append(Seen(item.archived_at, "withdrawn", item.title, cause=item.kind))
            else:
                self.log.append(Seen(self.clock(), "revised", item.title, item.body, list(now_reads[2] or []),
                                     item.kind))
        for mail in self.mails[self._mail_count:]:
            self.log.append(Seen(mail.at, "mail", mail.subject, mail.body))
        self._mail_count = len(self.mails)
