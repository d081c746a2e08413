"""The mailbox-worker against a real Dovecot: new mail in, proposals out, read-only, restart-safe."""
from __future__ import annotations

import threading

import pytest
from mailbox_world import USER_ID, know_application
from mail_samples import huge_attachment, malformed, newsletter, rejection, unknown_charset
from sqlalchemy import select, update

from services.mailbox import watcher
from services.mailbox.models import FolderState, MailAccount, Proposal
from shared.runtime import Runtime
from shared.tables import outbox
from support import make_settings, wait_for
from support.dovecot import CuttingProxy

pytestmark = pytest.mark.integration


@pytest.fixture(params=["sqlite", "postgres"])
def mailbox_settings(request, tmp_path):
    """The watcher on both databases it runs on (PostgreSQL in compose, SQLite in `make run`)."""
    env = {"ALLOW_PRIVATE_TARGETS": "1"}
    if request.param == "postgres":
        env["MAILBOX_DATABASE_URL"] = request.getfixturevalue("pg_database")()
    return make_settings(tmp_path, env=env)


def proposals(runtime, status=None):
    with runtime.sessions() as session:
        query = select(Proposal).where(Proposal.user_id == USER_ID).order_by(Proposal.id)
        if status:
            query = query.where(Proposal.status == status)
        return list(session.scalars(query))


def account(runtime) -> MailAccount:
    with runtime.sessions() as session:
        return session.scalar(select(MailAccount).where(MailAccount.user_id == USER_ID))


def events(runtime, type_):
    with runtime.engine.connect() as conn:
        return [row.payload for row in conn.execute(select(outbox).where(outbox.c.event_type == type_))]


def test_a_rejection_becomes_a_matched_proposal_and_the_mail_stays_unread(runtime, dovecot, connected, watch):
    know_application(runtime, 7, "Contoso", "Data Analyst")
    dovecot.append(newsletter())
    dovecot.append(rejection())
    watcher.check_account(runtime, connected, watch)
    [proposal] = proposals(runtime)
    assert (proposal.classification, proposal.application_id, proposal.company) == ("rejection", 7, "Contoso")
    assert "move forward with other candidates" in proposal.excerpt and len(proposal.excerpt) <= 300
    [event] = events(runtime, "mail.classified")
    assert event["data"]["application_id"] == 7 and event["data"]["auto_record"] is False
    assert all(b"\\Seen" not in flags for flags in dovecot.flags()), dovecot.flags()


def test_nothing_is_read_twice_across_a_restart_and_new_mail_is_still_found(
        runtime, mailbox_settings, dovecot, connected, watch):
    know_application(runtime, 7, "Contoso", "Data Analyst")
    know_application(runtime, 8, "Fabrikam", "Product Designer")
    dovecot.append(rejection())
    watcher.check_account(runtime, connected, watch)
    assert len(proposals(runtime)) == 1
    restarted = Runtime.build("mailbox", mailbox_settings)  # a new process: only the database remains
    watcher.check_account(restarted, connected, watch)
    assert len(proposals(restarted)) == 1
    dovecot.append(rejection("Fabrikam", "Product Designer"))
    watcher.check_account(restarted, connected, watch)
    assert [p.application_id for p in proposals(restarted)] == [7, 8]
    with restarted.sessions() as session:
        state = session.scalar(select(FolderState).where(FolderState.account_id == connected))
    assert state.last_uid == 2 and state.uidvalidity == dovecot.uidvalidity()
    restarted.engine.dispose()


def test_a_new_uidvalidity_reads_the_folder_again_without_proposing_twice(runtime, api, dovecot, watch):
    know_application(runtime, 7, "Contoso", "Data Analyst")
    know_application(runtime, 8, "Fabrikam", "Product Designer")
    first = rejection(message_id="<same-mail@example.invalid>")
    dovecot.append(first, folder="Jobs")
    response = api.call("PUT", "/account", json={
        "host": "127.0.0.1", "port": dovecot.port, "tls": "none", "username": "sam",
        "password": "app-password-1", "folders": ["Jobs"]})
    assert response.status_code == 201, response.get_json()
    account_id = account(runtime).id
    watcher.check_account(runtime, account_id, watch)
    old_validity = dovecot.uidvalidity("Jobs")
    dovecot.recreate("Jobs")
    dovecot.append(first, folder="Jobs")
    dovecot.append(rejection("Fabrikam", "Product Designer"), folder="Jobs")
    assert dovecot.uidvalidity("Jobs") != old_validity
    watcher.check_account(runtime, account_id, watch)
    assert [p.application_id for p in proposals(runtime)] == [7, 8]
    with runtime.sessions() as session:
        state = session.scalar(select(FolderState).where(FolderState.account_id == account_id))
    assert state.uidvalidity == dovecot.uidvalidity("Jobs") and state.last_uid == 2


def test_bad_messages_are_skipped_and_the_good_ones_still_read(runtime, dovecot, connected, watch):
    know_application(runtime, 7, "Contoso", "Data Analyst")
    know_application(runtime, 9, "Fabrikam", "Controller")
    for raw in (malformed(), huge_attachment(30), unknown_charset(), rejection()):
        dovecot.append(raw)
    watcher.check_account(runtime, connected, watch)
    found = {(p.classification, p.application_id) for p in proposals(runtime)}
    assert found == {("rejection", 9), ("rejection", 7)}
    assert account(runtime).consecutive_failures == 0
    with runtime.sessions() as session:
        assert session.scalar(select(FolderState.last_uid).where(FolderState.account_id == connected)) == 4


def test_a_connection_cut_mid_fetch_is_a_failure_that_is_retried_not_a_crash(runtime, dovecot, connected, watch):
    know_application(runtime, 7, "Contoso", "Data Analyst")
    dovecot.append(huge_attachment(1))
    dovecot.append(rejection())
    proxy = CuttingProxy("127.0.0.1", dovecot.port, limit=6000).start()
    with runtime.sessions.begin() as session:
        session.execute(update(MailAccount).values(port=proxy.port))
    try:
        for _ in range(3):
            watcher.check_account(runtime, connected, watch)
    finally:
        proxy.stop()
    assert proxy.cuts >= 1
    broken = account(runtime)
    assert broken.consecutive_failures == 3 and "closed the connection" in broken.last_error
    [failing] = events(runtime, "mailbox.failing")  # told once, however many failures
    assert failing["user_id"] == USER_ID and failing["data"]["attempts"] == 3
    with runtime.sessions.begin() as session:
        session.execute(update(MailAccount).values(port=dovecot.port))
    watcher.check_account(runtime, connected, watch)
    assert [p.application_id for p in proposals(runtime)] == [7]
    assert account(runtime).consecutive_failures == 0 and account(runtime).last_error is None


def test_the_watch_loop_finds_new_mail_within_seconds_of_a_poll(runtime, dovecot, connected, watch):
    know_application(runtime, 7, "Contoso", "Data Analyst")
    stop = threading.Event()
    thread = threading.Thread(target=watcher.run, args=(runtime, stop, watch), daemon=True)
    thread.start()
    try:
        wait_for(lambda: account(runtime).last_checked_at is not None, timeout=10, message="no first poll")
        for raw in (malformed(), unknown_charset(), rejection()):  # bad mail first: the loop goes on
            dovecot.append(raw)
        wait_for(lambda: any(p.application_id == 7 for p in proposals(runtime)), timeout=10,
                 message="no proposal within 10 s")
        assert thread.is_alive()
    finally:
        stop.set()
        thread.join(timeout=10)
    assert not thread.is_alive()


def test_a_disconnected_mailbox_is_not_read(runtime, api, dovecot, connected, watch):
    know_application(runtime, 7, "Contoso", "Data Analyst")
    assert api.call("POST", "/account/disconnect").status_code == 200
    dovecot.append(rejection())
    assert watcher.due_accounts(runtime) == []
    watcher.check_account(runtime, connected, watch)
    assert proposals(runtime) == []


def test_idle_brings_new_mail_in_long_before_the_next_poll(runtime, dovecot, connected):
    from services.mailbox.watch_settings import WatchSettings
    know_application(runtime, 7, "Contoso", "Data Analyst")
    slow_polls = WatchSettings(poll_s=120, max_backoff_s=120, imap_timeout_s=5, tick_s=0.1)
    stop = threading.Event()
    thread = threading.Thread(target=watcher.run, args=(runtime, stop, slow_polls), daemon=True)
    thread.start()
    try:
        first = wait_for(lambda: account(runtime).last_checked_at, timeout=10, message="no first poll")
        wait_for(lambda: _idling(dovecot), timeout=10, message="no IDLE session on the server")
        dovecot.append(rejection())
        wait_for(lambda: proposals(runtime), timeout=10, message="no proposal within 10 s")
        # The check commits each mail, then its own end: wait for that, then judge it.
        wait_for(lambda: account(runtime).last_checked_at > first, timeout=10, message="check not finished")
        assert account(runtime).last_checked_at > first  # read again at once, not 120 s later
    finally:
        stop.set()
        thread.join(timeout=10)
    assert not thread.is_alive()


def _idling(dovecot) -> bool:
    """Dovecot logs each IMAP session's start and end: an idling session has started and not ended."""
    lines = (dovecot.root / "dovecot.log").read_text(errors="replace").splitlines()
    ended = sum(1 for line in lines if line.split(": ")[0].endswith(">") and "imap(sam)" in line
                and "Disconnected" in line)
    return sum(1 for line in lines if "Login: user=<sam>" in line) > ended
