"""Chromium for the browser tests: one browser per module, a fresh page per test.

A module brings its own `stack`; `page` opens on that stack's address."""
from __future__ import annotations

import pytest

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
