"""Settings → Mailbox and a proposal on Today, in a real Chromium against every real process and Dovecot."""
from __future__ import annotations

import sys
from pathlib import Path

import pytest

from tests.e2e.harness import make_stack
from tests.e2e.pages import add_application, check_page, needs_chromium, register

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "integration" / "mailbox"))
from mail_samples import rejection  # noqa: E402
from support.dovecot import PASSWORD, USER  # noqa: E402

playwright_api = pytest.importorskip("playwright.sync_api")
expect = playwright_api.expect

pytestmark = [pytest.mark.e2e, pytest.mark.browser]


@pytest.fixture
def stack(tmp_path):
    needs_chromium()
    stack = make_stack(tmp_path)
    stack.env.update({"REBOUND_ALLOW_PRIVATE_TARGETS": "1", "REBOUND_MAILBOX_POLL_S": "1"})
    stack.start()
    yield stack
    stack.stop()


def test_connect_a_mailbox_and_record_a_rejection_from_today(page, stack, dovecot):
    register(page, stack)
    add_application(page, "Contoso", "Data Analyst")
    page.goto("/settings")
    page.get_by_role("link", name="Mailbox settings").click()
    page.get_by_label("IMAP server").fill("127.0.0.1")
    page.get_by_label("Port").fill(str(dovecot.port))
    page.get_by_label("Security").select_option("none")
    page.get_by_label("User name").fill(USER)
    page.get_by_label("App password").fill("not the password")
    page.get_by_role("button", name="Connect", exact=True).click()
    expect(page.locator(".field-error")).to_contain_text("didn't accept that user name and password")
    page.get_by_label("App password").fill(PASSWORD)
    page.get_by_role("button", name="Connect", exact=True).click()
    expect(page.locator("#notices")).to_contain_text("Connected.")
    check_page(page, "mailbox-settings")

    dovecot.append(rejection("Contoso", "Data Analyst"))
    page.goto("/")
    proposal = page.locator("#mail-proposals")
    for _ in range(20):  # the fragment loads with the page: look again until the worker has read the mail
        if "rejection from Contoso" in (proposal.text_content() or ""):
            break
        page.wait_for_timeout(500)
        page.reload()
    expect(proposal).to_contain_text("This looks like a rejection from Contoso for Data Analyst. Record it?")
    check_page(page, "today-with-mail-proposal")
    proposal.get_by_role("button", name="Record it").click()
    expect(page.locator("#notices")).to_contain_text("Recorded.")
    expect(page.locator("#mail-proposals")).not_to_contain_text("Contoso")
