"""The watch loop never dies on a mailbox: every failure is recorded and waited out."""
from __future__ import annotations

from datetime import date

import pytest

from services.mailbox import watcher
from services.mailbox.models import MailAccount
from services.mailbox.password_at_rest import encrypt
from services.mailbox.watch_settings import WatchSettings
from shared.runtime import Runtime
from rebound.migrations import migrate_service
from shared.tables import utcnow
from support import make_settings

WATCH = WatchSettings(poll_s=10, max_backoff_s=60, failures_before_report=3, report_after_s=0)


@pytest.fixture
def runtime(tmp_path):
    settings = make_settings(tmp_path)
    migrate_service("mailbox", settings)
    built = Runtime.build("mailbox", settings)
    with built.sessions.begin() as session:
        session.add(MailAccount(user_id="u1", host="imap.example.invalid", port=993, tls="implicit",
                                username="u", password_encrypted=encrypt(settings.secret_key, "pw"),
                                folders=["INBOX"], start_on=date(2026, 11, 1)))
    yield built
    built.engine.dispose()


def test_an_unexpected_error_is_a_failure_with_a_wait_not_a_crash(runtime, monkeypatch):
    class Exploding:
        def __init__(self, *args):
            pass

        def __enter__(self):
            raise RuntimeError("something nobody expected")

        def __exit__(self, *exc):
            return False

    monkeypatch.setattr(watcher, "ReadOnlyMailbox", Exploding)
    [account_id] = watcher.due_accounts(runtime)
    watcher.check_account(runtime, account_id, WATCH)
    watcher.check_account(runtime, account_id, WATCH)
    with runtime.sessions() as session:
        account = session.get(MailAccount, account_id)
    assert account.consecutive_failures == 2 and "unexpected" in account.last_error
    assert account.next_check_at > utcnow()  # waits (20 s: twice the poll) before the next try
    assert watcher.due_accounts(runtime) == []


def test_a_password_stored_under_another_key_says_to_connect_again(runtime):
    with runtime.sessions.begin() as session:
        session.query(MailAccount).update({"password_encrypted": encrypt("another key", "pw")})
    [account_id] = watcher.due_accounts(runtime)
    watcher.check_account(runtime, account_id, WATCH)
    with runtime.sessions() as session:
        assert "connect the mailbox again" in session.get(MailAccount, account_id).last_error
