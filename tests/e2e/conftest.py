"""Chromium for the browser tests (one browser per module, a fresh page per test), and a real IMAP server.

A module brings its own `stack`; `page` opens on that stack's address."""
from __future__ import annotations

import pytest

from support import unavailable
from support.dovecot import Dovecot, available
from tests.e2e.pages import chromium, needs_chromium, open_page


@pytest.fixture(scope="module")
def browser():
    needs_chromium()
    with chromium() as browser:
        yield browser


@pytest.fixture
def page(browser, stack):
    page = open_page(browser, stack.base_url, timeout_ms=15_000, accept_downloads=True)
    yield page
    page.context.close()


@pytest.fixture
def dovecot():
    """Dovecot from Debian's packages, on a free port with its own configuration and mail store."""
    if not available():
        unavailable("dovecot is not installed (apt-get install dovecot-imapd)")
    server = Dovecot().start()
    yield server
    server.stop()
