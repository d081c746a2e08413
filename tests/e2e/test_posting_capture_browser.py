"""Capturing a posting in a real Chromium: a fixture page with JSON-LD fills the add form, the person adds it.

The fixture pages are served by a local http.server on 127.0.0.1, so this stack allows
private targets (REBOUND_ALLOW_PRIVATE_TARGETS=true); tests/integration/test_posting_fetch.py
checks that they are refused otherwise.
"""
from __future__ import annotations

import functools
import threading
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import quote

import pytest

from tests.e2e.harness import make_stack
from tests.e2e.pages import SHOTS, needs_chromium, register

playwright_api = pytest.importorskip("playwright.sync_api")
expect = playwright_api.expect

pytestmark = [pytest.mark.e2e, pytest.mark.browser]

FIXTURES = Path(__file__).parents[1] / "fixtures" / "postings"


class _Quiet(SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def postings_site():
    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_Quiet, directory=str(FIXTURES)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="module")
def stack(tmp_path_factory):
    needs_chromium()
    stack = make_stack(tmp_path_factory.mktemp("capture"), mode="all")
    stack.env["REBOUND_ALLOW_PRIVATE_TARGETS"] = "true"  # the fixture site is on loopback
    stack.start()
    yield stack
    stack.stop()


def test_a_posting_with_json_ld_fills_the_add_form(page, stack, postings_site):
    register(page, stack, "casey@example.com")
    page.goto("/applications/new")
    posting = f"{postings_site}/json_ld.html"
    page.get_by_label("The posting's link").fill(posting)
    page.get_by_role("button", name="Fill in the form").click()

    expect(page.locator("#notices")).to_contain_text("We filled in what the posting says")
    form = page.locator("form:has(input[name=company])")
    expect(form.get_by_label("Company")).to_have_value("Fernhill Botanical Trust")
    expect(form.get_by_label("Role", exact=True)).to_have_value("Senior Gardener")
    expect(form.get_by_label("Location")).to_have_value("Leeds, West Yorkshire, GB")
    expect(form.locator("[name=salary_min]")).to_have_value("28000")
    expect(form.locator("[name=salary_max]")).to_have_value("32500")
    expect(form.locator("[name=salary_currency]")).to_have_value("GBP")
    expect(form.locator("[name=salary_period]")).to_have_value("year")
    expect(form.locator("[name=url]")).to_have_value(posting)
    expect(form.locator("[name=notes]")).to_contain_text("rose garden")
    SHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SHOTS / "tracker-capture-desktop-light.png"), full_page=True)

    form.get_by_role("button", name="Add it").click()
    expect(page.locator("#notices")).to_contain_text("Added Fernhill Botanical Trust")
    assert page.console_errors == [], page.console_errors


def test_the_bookmarklet_address_reads_the_page_it_names(page, stack, postings_site):
    register(page, stack, "drew@example.com")
    page.goto("/settings")
    bookmarklet = page.get_by_role("link", name="Add to Rebound").get_attribute("href")
    page.locator("#bookmarklet").screenshot(path=str(SHOTS / "settings-bookmarklet-desktop-light.png"))
    assert bookmarklet.startswith("javascript:") and "posting_url=" in bookmarklet
    page.goto("/applications/new?posting_url=" + quote(f"{postings_site}/meta_only.html", safe=""))
    expect(page.get_by_label("Company")).to_have_value("Little Crumb Bakery")
    expect(page.get_by_label("Role", exact=True)).to_have_value("Pastry Chef")
    assert page.console_errors == [], page.console_errors
