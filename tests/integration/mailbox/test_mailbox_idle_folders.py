"""IMAP IDLE on every watched folder (up to a cap), not only the first one."""
from __future__ import annotations

import threading
from datetime import date

import pytest
from mailbox_world import USER_ID, know_application
from mail_samples import rejection
from sqlalchemy import select

from services.mailbox import watcher
from services.mailbox.idle import IDLE_FOLDERS_PER_ACCOUNT, Idlers
from services.mailbox.models import MailAccount, Proposal
from services.mailbox.password_at_rest import encrypt
from services.mailbox.watch_settings import WatchSettings
from shared.tables import utcnow
from support import wait_for
from support.dovecot import PASSWORD, USER

pytestmark = pytest.mark.integration
SLOW_POLLS = WatchSettings(poll_s=120, max_backoff_s=120, imap_timeout_s=5, tick_s=0.1)


def open_sessions(dovecot) -> int:
    """Dovecot logs each IMAP session's start and end: how many have started and not ended."""
    lines = (dovecot.root / "dovecot.log").read_text(errors="replace").splitlines()
    ended = sum(1 for line in lines if "imap(sam)" in line and "Disconnected" in line)
    return sum(1 for line in lines if "Login: user=<sam>" in line) - ended


def test_mail_in_a_second_watched_folder_is_noticed_long_before_the_next_poll(runtime, api, dovecot):
    know_application(runtime, 7, "Contoso", "Data Analyst")
    conn = dovecot.client()
    conn.create("Jobs")
    conn.logout()
    response = api.call("PUT", "/account", json={
        "host": "127.0.0.1", "port": dovecot.port, "tls": "none", "username": USER, "password": PASSWORD,
        "folders": ["INBOX", "Jobs"]})
    assert response.status_code == 201, response.get_json()
    stop = threading.Event()
    loop = threading.Thread(target=watcher.run, args=(runtime, stop, SLOW_POLLS), daemon=True)
    loop.start()
    try:
        first = wait_for(lambda: _account(runtime).last_checked_at, timeout=10, message="no first poll")
        wait_for(lambda: open_sessions(dovecot) >= 2, timeout=10, message="not one IDLE session per folder")
        dovecot.append(rejection(), folder="Jobs")
        wait_for(lambda: _proposals(runtime), timeout=10, message="no proposal within 10 s")
        wait_for(lambda: _account(runtime).last_checked_at > first, timeout=10,
                 message="not read again at once")  # not 120 s later
    finally:
        stop.set()
        loop.join(timeout=10)
    assert not loop.is_alive()


def test_folders_past_the_cap_are_polled_not_idled(runtime):
    folders = [f"Folder {n}" for n in range(IDLE_FOLDERS_PER_ACCOUNT + 2)]
    with runtime.sessions.begin() as session:
        session.add(MailAccount(user_id=USER_ID, host="imap.example.invalid", port=993, tls="implicit",
                                username="sam", password_encrypted=encrypt(runtime.settings.secret_key, "pw"),
                                folders=folders, start_on=date(2026, 11, 1), last_checked_at=utcnow()))
    wanted = Idlers(runtime, timeout_s=5)._wanted()
    assert [folder for _, folder in wanted] == folders[:IDLE_FOLDERS_PER_ACCOUNT]


def _account(runtime) -> MailAccount:
    with runtime.sessions() as session:
        return session.scalar(select(MailAccount).where(MailAccount.user_id == USER_ID))


def _proposals(runtime) -> list[Proposal]:
    with runtime.sessions() as session:
        return list(session.scalars(select(Proposal).where(Proposal.user_id == USER_ID)))


def test_news_heard_while_the_mailbox_is_being_read_makes_it_due_again(runtime, dovecot, connected, monkeypatch):
    """A folder already read in this check can get new mail before the check ends: it is read again at once."""
    from services.mailbox.idle import Idler
    read_folder = watcher._read_folder

    def read_then_hear_news(runtime_, mailbox, account, folder, state):
        read_folder(runtime_, mailbox, account, folder, state)
        Idler(runtime, account.id, None, folder, 5)._mark_due()  # as an idler does on the server's EXISTS

    monkeypatch.setattr(watcher, "_read_folder", read_then_hear_news)
    watcher.check_account(runtime, connected, SLOW_POLLS)
    assert _account(runtime).last_checked_at is not None
    assert watcher.due_accounts(runtime) == [connected]
