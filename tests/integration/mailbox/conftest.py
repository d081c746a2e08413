"""The mailbox service on a migrated SQLite database, and a real Dovecot to read from."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from services.mailbox.api import create_app
from services.mailbox.models import MailAccount
from services.mailbox.watch_settings import WatchSettings
from shared.auth import HEADER, sign_user_token
from shared.runtime import Runtime
from rebound.migrations import migrate_service
from support import make_settings
from support.dovecot import PASSWORD, USER

from mailbox_world import USER_ID


@pytest.fixture
def mailbox_settings(tmp_path):
    return make_settings(tmp_path, env={"ALLOW_PRIVATE_TARGETS": "1"})


@pytest.fixture
def runtime(mailbox_settings):
    migrate_service("mailbox", mailbox_settings)
    built = Runtime.build("mailbox", mailbox_settings)
    yield built
    built.engine.dispose()


@pytest.fixture
def watch():
    return WatchSettings(poll_s=0.2, max_backoff_s=0.5, failures_before_report=3, report_after_s=0,
                         imap_timeout_s=5, tick_s=0.1)


class Api:
    def __init__(self, runtime):
        self.client = create_app(runtime=runtime).test_client()
        self.runtime = runtime

    def headers(self, user_id=USER_ID):
        return {HEADER: sign_user_token(self.runtime.settings.internal_secret, user_id)}

    def call(self, method, path, user_id=USER_ID, **kwargs):
        return self.client.open(path, method=method, headers=self.headers(user_id), **kwargs)


@pytest.fixture
def api(runtime):
    return Api(runtime)


@pytest.fixture
def connected(api, dovecot):
    """The person's mailbox connected to Dovecot; returns the account id."""
    response = api.call("PUT", "/account", json={
        "host": "127.0.0.1", "port": dovecot.port, "tls": "none", "username": USER, "password": PASSWORD})
    assert response.status_code == 201, response.get_json()
    with api.runtime.sessions() as session:
        return session.scalar(select(MailAccount.id).where(MailAccount.user_id == USER_ID))
