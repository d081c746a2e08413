"""Two replicas' schedulers on one PostgreSQL: each due item is handled once.

Each test builds two runtimes on the same database (two engines, as two
worker processes would have), lets both schedulers loose on the same due
items at the same moment, and counts what each item produced. Without the
claims (shared/claims.py, or the coach's row locks) the two passes read the
same items before either commits, and the items are handled twice.
"""
from __future__ import annotations

import threading
from collections import Counter
from datetime import date, datetime, timedelta

import pytest
from sqlalchemy import func, select

from shared.runtime import Runtime
from rebound.migrations import migrate_service
from shared.tables import outbox, utcnow
from support import make_settings

pytestmark = pytest.mark.integration
ITEMS = 120


def replicas(service: str, tmp_path, pg_database) -> list[Runtime]:
    settings = make_settings(tmp_path, database_urls={service: pg_database()})
    migrate_service(service, settings)
    return [Runtime.build(service, settings) for _ in range(2)]


def side_by_side(work, runtimes: list[Runtime]) -> list:
    """Run work(runtime) for each replica at once (a barrier lines up their first query); their results."""
    start = threading.Barrier(len(runtimes))
    results: list = [None] * len(runtimes)
    errors: list[BaseException] = []

    def run(index: int) -> None:
        try:
            start.wait(timeout=10)
            results[index] = work(runtimes[index])
        except BaseException as exc:  # reported below, in the test's thread
            errors.append(exc)

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(runtimes))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not errors, errors
    return results


def events_of(runtime: Runtime, event_type: str) -> list[dict]:
    with runtime.sessions() as session:
        return list(session.scalars(select(outbox.c.payload).where(outbox.c.event_type == event_type)))


def test_coach_reminders_are_sent_once(tmp_path, pg_database):
    from services.coach.models import DueItem, FeedbackRequest
    from services.coach.scheduler import tick

    runtimes = replicas("coach", tmp_path, pg_database)
    now = utcnow()
    with runtimes[0].sessions.begin() as session:
        for i in range(ITEMS):
            draft = FeedbackRequest(user_id=f"u{i % 7}", application_id=i, subject="Thank you",
                                    body="Could you share a few words?")
            session.add(draft)
            session.flush()
            session.add(DueItem(user_id=draft.user_id, kind="feedback_request", due_at=now - timedelta(minutes=1),
                                key=f"feedback_request:{draft.id}", ref_id=draft.id, application_id=i))

    def drain(runtime: Runtime) -> int:
        handled = 0
        while True:
            done = tick(runtime.sessions, now, batch=ITEMS)
            handled += done
            with runtime.sessions() as session:
                if not session.scalar(select(func.count()).select_from(DueItem).where(DueItem.status == "pending")):
                    return handled

    handled = side_by_side(drain, runtimes)
    reminders = Counter(e["data"]["reminder_id"] for e in events_of(runtimes[0], "reminder.due"))
    print(f"coach: {ITEMS} due reminders; handled {handled[0]} + {handled[1]}; "
          f"reminder.due events {sum(reminders.values())}, most for one item {max(reminders.values())}")
    assert sum(handled) == ITEMS
    assert len(reminders) == ITEMS and set(reminders.values()) == {1}
    assert all(handled), "one scheduler did everything: the two never ran side by side"


def test_notifier_digests_are_made_once(tmp_path, pg_database, monkeypatch):
    from services.notifier import clock
    from services.notifier.digests import make_due_digests
    from services.notifier.models import Delivery, Notification, Preferences, Recipient

    now = datetime(2026, 3, 2, 19, 0)
    monkeypatch.setattr(clock, "now", lambda: now)
    runtimes = replicas("notifier", tmp_path, pg_database)
    users = [f"person-{i}" for i in range(ITEMS // 2)]
    with runtimes[0].sessions.begin() as session:
        for user in users:
            session.add(Recipient(user_id=user, email=f"{user}@example.org", timezone="UTC"))
            session.add(Preferences(user_id=user, kinds={}, digest_time="18:00"))
            for n in range(3):
                session.add(Delivery(user_id=user, dedupe_key=f"{user}:{n}", purpose="notification",
                                     subject=f"News {n}", body="Something small went well.", state="digest",
                                     not_before=now, created_at=now))

    made = side_by_side(lambda runtime: make_due_digests(runtime.sessions), runtimes)
    with runtimes[0].sessions() as session:
        digests = Counter(session.scalars(select(Notification.user_id).where(Notification.kind == "digest")))
        held = session.scalar(select(func.count()).select_from(Delivery).where(Delivery.state == "digest"))
    print(f"notifier: {len(users)} people due a digest; made {made[0]} + {made[1]}; "
          f"digests {sum(digests.values())}, most for one person {max(digests.values())}")
    assert sum(made) == len(users)
    assert set(digests) == set(users) and set(digests.values()) == {1}
    assert held == 0


def test_notifier_deliveries_are_sent_once(tmp_path, pg_database, monkeypatch):
    from services.notifier import clock, handlers, preferences, topics
    from services.notifier.delivery import Dispatcher
    from shared.events import make_event

    now = datetime(2026, 3, 2, 12, 0)
    monkeypatch.setattr(clock, "now", lambda: now)
    runtimes = replicas("notifier", tmp_path, pg_database)
    sent: list[str] = []
    lock = threading.Lock()

    def record(_target, message):
        with lock:
            sent.append(message.body)

    def apply(type_: str, data: dict) -> None:
        event = make_event(type_, user_id="alice", data=data, producer="test")
        with runtimes[0].sessions.begin() as session:
            for handler in handlers.HANDLERS[event["type"]]:
                handler(session, event)

    apply("user.registered", {"display_name": "Alice", "email": "alice@example.org", "timezone": "UTC"})
    with runtimes[0].sessions.begin() as session:  # wins wait for the digest by default: send them at once
        prefs = preferences.get(session, "alice")
        prefs.topic_modes = {**(prefs.topic_modes or {}), topics.WINS: topics.IMMEDIATE}
    for i in range(ITEMS):
        apply("win.celebrated", {"win_id": i, "kind": "k", "title": f"Win {i}"})

    def send_all(runtime: Runtime) -> int:
        dispatcher = Dispatcher(runtime.sessions, runtime.settings, senders={"email": record}, clock=lambda: now,
                                batch=ITEMS)
        tried = 0
        while (batch := dispatcher.run_once()):
            tried += batch
        return tried

    tried = side_by_side(send_all, runtimes)
    counts = Counter(sent)
    print(f"notifier: {ITEMS} e-mails due; tried {tried[0]} + {tried[1]}, sent {len(sent)}, "
          f"most for one {max(counts.values())}")
    assert set(counts) == {f"Win {i}" for i in range(ITEMS)} and set(counts.values()) == {1}, counts.most_common(3)


def test_tracker_ghosting_marks_each_application_once(tmp_path, pg_database):
    from services.tracker.commands import create_application
    from services.tracker.ghosting import run_once
    from services.tracker.models import StageChange, TrackerSettings

    runtimes = replicas("tracker", tmp_path, pg_database)
    long_ago = date.today() - timedelta(days=60)
    with runtimes[0].sessions.begin() as session:
        for user in ("ana", "ben", "chi"):
            session.add(TrackerSettings(user_id=user, auto_ghost=True))
        for i in range(ITEMS):
            create_application(session, ("ana", "ben", "chi")[i % 3],
                               {"company": f"Quiet Co {i}", "role": "Analyst", "applied_on": long_ago})

    def one_pass(runtime: Runtime) -> dict:
        with runtime.sessions.begin() as session:
            return run_once(session, utcnow(), after_days=21)

    counts = side_by_side(one_pass, runtimes)
    ghosted = Counter(e["data"]["application_id"] for e in events_of(runtimes[0], "application.ghosted"))
    with runtimes[0].sessions() as session:
        changes = session.scalar(select(func.count()).select_from(StageChange).where(StageChange.to_stage == "ghosted"))
    print(f"tracker: {ITEMS} quiet applications; ghosted {counts[0]['ghosted']} + {counts[1]['ghosted']}; "
          f"application.ghosted events {sum(ghosted.values())}, stage changes {changes}")
    assert counts[0]["ghosted"] + counts[1]["ghosted"] == ITEMS
    assert len(ghosted) == ITEMS and set(ghosted.values()) == {1}
    assert changes == ITEMS


def test_a_claim_is_held_until_its_transaction_ends(tmp_path, pg_database):
    from shared.claims import claim

    first, second = replicas("notifier", tmp_path, pg_database)
    with first.sessions.begin() as holder:
        assert claim(holder, "test.scope", "alice")
        with second.sessions.begin() as other:
            assert not claim(other, "test.scope", "alice")
            assert claim(other, "test.scope", "bob")
            assert claim(other, "another.scope", "alice")
    with second.sessions.begin() as other:
        assert claim(other, "test.scope", "alice")  # committed: free again
