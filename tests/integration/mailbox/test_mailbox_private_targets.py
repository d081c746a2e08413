"""The private-address check at every connection the worker opens, not only when a mailbox is saved.

A mailbox saved while its host name pointed at a public server can later point inside
the server's own network (DNS changed, or was made to). The name here is answered by a
stand-in resolver: it now resolves to 127.0.0.1, where a TCP proxy in front of Dovecot
counts every connection that gets through.
"""
from __future__ import annotations

import logging
import socket
from dataclasses import replace
from datetime import date

import pytest
from mailbox_world import USER_ID, know_application
from mail_samples import rejection
from sqlalchemy import select

from services.mailbox import watcher
from services.mailbox.idle import Idler
from services.mailbox.imap import ServerAddress
from services.mailbox.models import MailAccount, Proposal
from services.mailbox.password_at_rest import encrypt
from services.mailbox.targets import REFUSED
from shared.tables import outbox
from support import make_settings, wait_for
from support.dovecot import PASSWORD, USER
from support.proxy import TcpProxy

pytestmark = pytest.mark.integration
HOST = "imap.rebinding.example"


@pytest.fixture
def mailbox_settings(tmp_path):
    return make_settings(tmp_path)  # the default: private addresses refused


@pytest.fixture
def rebound_name(monkeypatch, dovecot):
    """HOST resolves to loopback now; every lookup of it is counted. Other names resolve as usual."""
    proxy = TcpProxy("127.0.0.1", dovecot.port).start()
    real = socket.getaddrinfo
    lookups: list[str] = []

    def getaddrinfo(host, port, *args, **kwargs):
        if host == HOST:
            lookups.append(host)
            return [(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP, "", ("127.0.0.1", int(port)))]
        return real(host, port, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    yield proxy, lookups
    proxy.stop()


def saved_account(runtime, port: int) -> int:
    """The mailbox as it was saved, back when the name pointed elsewhere."""
    with runtime.sessions.begin() as session:
        account = MailAccount(user_id=USER_ID, host=HOST, port=port, tls="none", username=USER,
                              password_encrypted=encrypt(runtime.settings.secret_key, PASSWORD),
                              folders=["INBOX"], start_on=date(2026, 1, 1))
        session.add(account)
        session.flush()
        return account.id


def test_the_poll_does_not_connect_and_the_person_is_told(runtime, dovecot, rebound_name, watch):
    proxy, lookups = rebound_name
    know_application(runtime, 7, "Contoso", "Data Analyst")
    dovecot.append(rejection())
    account_id = saved_account(runtime, proxy.port)
    for _ in range(3):
        watcher.check_account(runtime, account_id, watch)
    assert len(lookups) == 3 and proxy.accepted == 0  # looked up each time, never connected
    with runtime.sessions() as session:
        account = session.get(MailAccount, account_id)
        assert account.last_error == REFUSED and account.consecutive_failures == 3
        assert session.scalars(select(Proposal)).all() == []
    with runtime.engine.connect() as conn:
        [failing] = conn.execute(select(outbox.c.payload).where(outbox.c.event_type == "mailbox.failing")).scalars()
    assert failing["user_id"] == USER_ID and failing["data"]["reason"] == REFUSED

    runtime.settings = replace(runtime.settings, allow_private_targets=True)  # the operator allows it
    watcher.check_account(runtime, account_id, watch)
    assert proxy.accepted == 1  # the same name and proxy reach Dovecot once allowed
    with runtime.sessions() as session:
        assert session.scalar(select(Proposal.application_id)) == 7


def test_the_idle_connection_does_not_connect_either(runtime, rebound_name, caplog):
    proxy, lookups = rebound_name
    caplog.set_level(logging.INFO, logger="services.mailbox.idle")
    account_id = saved_account(runtime, proxy.port)
    idler = Idler(runtime, account_id, ServerAddress(HOST, proxy.port, "none", USER, PASSWORD), "INBOX", 5).start()
    try:
        wait_for(lambda: [r for r in caplog.records if getattr(r, "reason", None) == "private_target"],
                 timeout=10, message="the idler did not refuse the address")
    finally:
        idler.close()
    assert lookups and proxy.accepted == 0
