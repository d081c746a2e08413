"""Two mailbox-workers on one database and one Dovecot: each due check is made by one of them.

The Kubernetes `ha` overlay runs two mailbox-workers. Both see the same mailbox fall due
at the same moment; only one may read it. The IMAP server's side is counted honestly by
a TCP proxy in front of Dovecot: every connection a worker opens passes through it.
"""
from __future__ import annotations

import threading

import pytest
from mailbox_world import USER_ID, know_application
from mail_samples import rejection
from sqlalchemy import select, update

from services.mailbox import watcher
from services.mailbox.models import MailAccount, Proposal
from services.mailbox.watch_settings import WatchSettings
from shared.runtime import Runtime
from shared.tables import outbox
from support import make_settings, wait_for
from support.proxy import TcpProxy

pytestmark = pytest.mark.integration
COMPANIES = {7: ("Contoso", "Data Analyst"), 8: ("Fabrikam", "Product Designer"), 9: ("Northwind", "Controller")}


@pytest.fixture(params=["postgres", "sqlite"])
def mailbox_settings(request, tmp_path):
    """PostgreSQL as the `ha` overlay runs it; SQLite, where `rebound run all` may still start two loops."""
    env = {"ALLOW_PRIVATE_TARGETS": "1"}
    if request.param == "postgres":
        env["MAILBOX_DATABASE_URL"] = request.getfixturevalue("pg_database")()
    return make_settings(tmp_path, env=env)


@pytest.fixture
def second_worker(mailbox_settings, runtime):
    """Another process on the same database: its own engine, nothing shared in memory."""
    built = Runtime.build("mailbox", mailbox_settings)
    yield built
    built.engine.dispose()


@pytest.fixture
def counted(runtime, dovecot, connected):
    """Every IMAP connection to the person's mailbox goes through a proxy that counts them."""
    proxy = TcpProxy("127.0.0.1", dovecot.port).start()
    with runtime.sessions.begin() as session:
        session.execute(update(MailAccount).values(port=proxy.port))
    yield proxy
    proxy.stop()


def new_mail(runtime, dovecot) -> None:
    for application_id, (company, role) in COMPANIES.items():
        know_application(runtime, application_id, company, role)
        dovecot.append(rejection(company, role))


def proposed(runtime) -> list[int]:
    with runtime.sessions() as session:
        return sorted(session.scalars(select(Proposal.application_id).where(Proposal.user_id == USER_ID)))


def classified(runtime) -> list[int]:
    with runtime.engine.connect() as conn:
        payloads = conn.execute(select(outbox.c.payload).where(outbox.c.event_type == "mail.classified"))
        return sorted(payload["data"]["application_id"] for (payload,) in payloads)


def checked(runtime) -> bool:
    with runtime.sessions() as session:
        account = session.scalar(select(MailAccount).where(MailAccount.user_id == USER_ID))
        return account.last_checked_at is not None and account.checking_until is None


def side_by_side(work, runtimes: list[Runtime]) -> None:
    """work(runtime) for each worker at once; a barrier lines up their first query."""
    start = threading.Barrier(len(runtimes))
    errors: list[BaseException] = []

    def run(runtime: Runtime) -> None:
        try:
            start.wait(timeout=10)
            work(runtime)
        except BaseException as exc:  # reported in the test's thread
            errors.append(exc)

    threads = [threading.Thread(target=run, args=(r,)) for r in runtimes]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not errors, errors


SLOW = WatchSettings(poll_s=120, max_backoff_s=120, imap_timeout_s=5, tick_s=0.05, use_idle=False)


def test_two_watch_loops_read_a_due_mailbox_once(runtime, second_worker, dovecot, counted):
    new_mail(runtime, dovecot)
    stop = threading.Event()
    loops: list[threading.Thread] = []

    def start_loop(worker: Runtime) -> None:
        loops.append(threading.Thread(target=watcher.run, args=(worker, stop, SLOW), daemon=True))
        loops[-1].start()

    side_by_side(start_loop, [runtime, second_worker])
    try:
        wait_for(lambda: proposed(runtime) == [7, 8, 9] and checked(runtime), timeout=15,
                 message=lambda: f"proposed {proposed(runtime)}")
    finally:
        stop.set()
        for loop in loops:
            loop.join(timeout=10)
    assert not any(loop.is_alive() for loop in loops)
    assert counted.accepted == 1  # one worker read the mailbox; the other passed it by
    assert proposed(runtime) == [7, 8, 9] and classified(runtime) == [7, 8, 9]


@pytest.fixture
def listed_together(monkeypatch):
    """The worst timing: both workers have listed the mailbox as due before either takes it."""
    both_listed = threading.Barrier(2)
    real = watcher.due_accounts

    def due_accounts(runtime: Runtime) -> list[int]:
        found = real(runtime)
        both_listed.wait(timeout=10)
        return found

    monkeypatch.setattr(watcher, "due_accounts", due_accounts)


def test_each_due_check_is_taken_by_one_worker_many_times_over(
        runtime, second_worker, dovecot, counted, listed_together):
    new_mail(runtime, dovecot)
    rounds = 5
    for done in range(rounds):
        with runtime.sessions.begin() as session:  # due now, as the poll interval or an IDLE wake-up makes it
            session.execute(update(MailAccount).values(next_check_at=None))
        side_by_side(lambda worker: watcher.check_due(worker, SLOW), [runtime, second_worker])
        assert counted.accepted == done + 1
    side_by_side(lambda worker: watcher.check_due(worker, SLOW), [runtime, second_worker])
    assert counted.accepted == rounds  # not due again yet: nobody connects
    assert proposed(runtime) == [7, 8, 9] and classified(runtime) == [7, 8, 9]


def test_two_workers_asked_to_check_at_once_connect_once(runtime, second_worker, dovecot, counted):
    new_mail(runtime, dovecot)
    side_by_side(lambda worker: watcher.check_account(worker, account_id(runtime), SLOW), [runtime, second_worker])
    assert counted.accepted == 1
    assert proposed(runtime) == [7, 8, 9] and classified(runtime) == [7, 8, 9] and checked(runtime)


def account_id(runtime) -> int:
    with runtime.sessions() as session:
        return session.scalar(select(MailAccount.id).where(MailAccount.user_id == USER_ID))


def test_a_lease_left_by_a_worker_that_died_runs_out(runtime, second_worker, dovecot, counted, watch):
    from datetime import timedelta

    from shared.tables import utcnow
    new_mail(runtime, dovecot)
    with runtime.sessions.begin() as session:  # a worker took the mailbox and was killed mid-check
        session.execute(update(MailAccount).values(checking_until=utcnow() + timedelta(minutes=5)))
    watcher.check_due(second_worker, watch)
    assert counted.accepted == 0 and proposed(runtime) == []
    with runtime.sessions.begin() as session:
        session.execute(update(MailAccount).values(checking_until=utcnow() - timedelta(seconds=1)))
    watcher.check_due(second_worker, watch)
    assert counted.accepted == 1 and proposed(runtime) == [7, 8, 9] and checked(runtime)
