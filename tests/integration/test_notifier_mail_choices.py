"""What the person's e-mail looks like on a real SMTP server, the one-click unsubscribe it
carries, and a digest raced by two schedulers on PostgreSQL."""
from __future__ import annotations

import threading
from datetime import datetime

import pytest
from aiosmtpd.controller import Controller

from services.notifier import digests
from services.notifier.api import create_app
from services.notifier.delivery import Dispatcher
from shared.config import load_settings
from shared.runtime import Runtime
from rebound.migrations import migrate_service
from support.ports import free_port
from tests.integration.test_notifier_channels import Inbox, _World

pytestmark = pytest.mark.integration


@pytest.fixture(params=["sqlite", "postgresql"])
def world(request, tmp_path, monkeypatch):
    smtp = Inbox()
    controller = Controller(smtp, hostname="127.0.0.1", port=free_port())
    controller.start()
    monkeypatch.setenv("REBOUND_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("REBOUND_SMTP_URL", f"smtp://127.0.0.1:{controller.port}/")
    monkeypatch.setenv("REBOUND_BASE_URL", "https://rebound.example")
    if request.param == "postgresql":
        monkeypatch.setenv("REBOUND_NOTIFIER_DATABASE_URL", request.getfixturevalue("pg_database")())
    settings = load_settings()
    migrate_service("notifier", settings)
    runtime = Runtime.build("notifier", settings)
    clock = {"now": datetime(2026, 3, 2, 12, 0)}
    monkeypatch.setattr("services.notifier.clock.now", lambda: clock["now"])
    app = create_app(runtime=runtime).test_client()
    yield _World(app, runtime, Dispatcher(runtime.sessions, settings, clock=lambda: clock["now"]),
                 smtp, None, clock)
    controller.stop()
    runtime.engine.dispose()


def _register(world):
    world.event("user.registered", {"display_name": "Alice", "email": "alice@example.org", "timezone": "UTC"})


def _reminder(world, reminder_id):
    world.event("reminder.due", {"reminder_id": reminder_id, "kind": "follow_up", "application_id": 3,
                                 "due_at": "2026-03-02T12:00:00+00:00"})


def test_a_reminder_arrives_with_one_click_unsubscribe_that_works_with_a_bare_post(world):
    _register(world)
    _reminder(world, 1)
    world.dispatcher.run_once()
    [mail] = world.mail_to("alice@example.org")
    assert mail["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    url = mail["List-Unsubscribe"].strip("<>")
    assert url.startswith("https://rebound.example/mail/unsubscribe/")
    text = mail.get_body(("plain",)).get_content()
    assert "https://rebound.example/settings/notifications" in text and url in text
    # What a mail provider does (RFC 8058): POST the body below, no cookie, no token but the URL's.
    token = url.rsplit("/", 1)[-1]
    reply = world.app.post(f"/public/mail/unsubscribe/{token}", data="List-Unsubscribe=One-Click",
                           content_type="application/x-www-form-urlencoded")
    assert reply.status_code == 200 and reply.json["on"] is False
    _reminder(world, 2)
    world.dispatcher.run_once()
    assert len(world.mail_to("alice@example.org")) == 1
    assert len(world.call("GET", "/notifications").json["items"]) == 2


def test_two_schedulers_racing_for_one_digest_make_one(world, monkeypatch):
    if world.runtime.engine.dialect.name == "sqlite":
        pytest.skip("SQLite serialises writers (BEGIN IMMEDIATE): the second scheduler waits outright")
    _register(world)
    world.event("win.celebrated", {"win_id": 1, "kind": "k", "title": "Sent two applications"})
    world.clock["now"] = datetime(2026, 3, 2, 18, 0)
    both_checked = threading.Barrier(2, timeout=10)
    claim = digests.claim_day

    def claim_after_both_looked(session, user_id, day):
        both_checked.wait()  # both schedulers found the digest due before either claims it
        return claim(session, user_id, day)

    monkeypatch.setattr(digests, "claim_day", claim_after_both_looked)
    # The per-person advisory lock (tests/integration/test_scheduler_claims.py) would keep the second
    # scheduler from looking at all; here the day's claim must hold on its own.
    monkeypatch.setattr(digests, "claim", lambda session, scope, key: True)
    made = []

    def scheduler():
        made.append(digests.make_due_digests(world.runtime.sessions))

    threads = [threading.Thread(target=scheduler) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=20)
    assert sorted(made) == [0, 1]
    world.dispatcher.run_once()
    world.dispatcher.run_once()
    [letter] = world.mail_to("alice@example.org")
    assert letter["Subject"].startswith("Your day in Rebound: 1 thing")
    assert "Sent two applications" in letter.get_body(("plain",)).get_content()
