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


def test_a_worker_that_stalled_past_its_lease_leaves_the_mailbox_to_the_one_that_took_it(runtime, monkeypatch):
    """Worker A's lease runs out while it waits on the server; worker B claims the mailbox. A must not
    record progress, renew or end B's lease, nor count a failure."""
    from datetime import timedelta

    from sqlalchemy import select, update

    from services.mailbox.check_claims import claim_check
    from services.mailbox.models import FolderState

    [account_id] = watcher.due_accounts(runtime)
    taken_by_b = []

    class StallingMailbox:
        def __init__(self, *args):
            pass

        def __enter__(self):
            return self

        def __exit__(self, *exc):
            return False

        def examine(self, folder):
            return 7

        def uids_since(self, day):
            return [1, 2]

        def fetch_start(self, uid):
            if not taken_by_b:  # A stalls here: its lease runs out and B claims the mailbox
                with runtime.sessions.begin() as session:
                    session.execute(update(MailAccount).values(checking_until=utcnow() - timedelta(seconds=1)))
                taken_by_b.append(claim_check(runtime, account_id, only_if_due=False))
            return b"From: a@example.com\r\nSubject: hello\r\n\r\nJust saying hello.\r\n"

    monkeypatch.setattr(watcher, "ReadOnlyMailbox", StallingMailbox)
    watcher.check_account(runtime, account_id, WATCH)

    [lease_b] = taken_by_b
    assert lease_b is not None
    with runtime.sessions() as session:
        account = session.get(MailAccount, account_id)
        assert account.check_token == lease_b.token and account.checking_until > utcnow()
        assert account.consecutive_failures == 0 and account.last_error is None
        assert account.last_checked_at is None
        assert session.scalars(select(FolderState)).all() == []  # A's progress was not kept


def test_one_worker_holds_a_mailboxs_idle_and_another_takes_over_when_it_stops(runtime, monkeypatch):
    """Two mailbox-workers: only one keeps IDLE connections to the person's server; when it stops
    (or its lease runs out), the other takes them."""
    from datetime import timedelta

    from sqlalchemy import update

    from services.mailbox import idle

    started = []

    class CountingIdler:
        def __init__(self, runtime, account_id, address, folder, timeout_s):
            self.folder, self.closed = folder, False

        def start(self):
            started.append(self)
            return self

        def close(self):
            self.closed = True

    monkeypatch.setattr(idle, "Idler", CountingIdler)
    with runtime.sessions.begin() as session:  # a mailbox read once and answering
        session.execute(update(MailAccount).values(last_checked_at=utcnow(), folders=["INBOX", "Jobs"]))
    first, second = idle.Idlers(runtime, 5), idle.Idlers(runtime, 5)

    first.sync()
    second.sync()
    first.sync()
    assert len(first._running) == 2 and second._running == {}

    with runtime.sessions.begin() as session:  # the first worker stalls past its lease
        session.execute(update(MailAccount).values(idle_until=utcnow() - timedelta(seconds=1)))
    second.sync()
    first.sync()
    assert len(second._running) == 2 and first._running == {}
    assert [i.closed for i in started[:2]] == [True, True]  # the first worker's connections ended

    second.close()  # stopping gives the mailbox back at once
    first.sync()
    assert len(first._running) == 2
