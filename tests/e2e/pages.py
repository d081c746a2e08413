"""The browser side of the e2e tests: Debian's Chromium, pages that keep what their console said,
and the steps every browser test takes (sign up, check a page)."""
from __future__ import annotations

import contextlib
import email as email_lib
import os
import re
from email import policy as email_policy
from pathlib import Path

import pytest

from tests.e2e.harness import wait_until

HERE = Path(__file__).parent
SHOTS = HERE / "screenshots"
AXE = (HERE / "vendor" / "axe.min.js").read_text()
CHROMIUM = "/usr/bin/chromium"  # Debian's; Playwright's own download does not reach this machine
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run", "--disable-quic"]
DESKTOP, PHONE = {"width": 1440, "height": 900}, {"width": 390, "height": 844}


def needs_chromium() -> None:
    if not os.path.exists(CHROMIUM):
        pytest.skip("Chromium is not installed (the CI script installs it)")


@contextlib.contextmanager
def chromium():
    from playwright.sync_api import sync_playwright
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
        try:
            yield browser
        finally:
            browser.close()


def open_page(browser, base_url: str, *, viewport=DESKTOP, timeout_ms: int = 10_000, **context_options):
    """A page in a context of its own; `page.console_errors` and `page.csp_errors` collect what it logs."""
    context = browser.new_context(base_url=base_url, viewport=viewport, **context_options)
    page = context.new_page()
    page.set_default_timeout(timeout_ms)
    page.console_errors, page.csp_errors = [], []

    def heard(msg) -> None:
        if msg.type == "error":
            page.console_errors.append(msg.text)
            if "Content Security Policy" in msg.text:
                page.csp_errors.append(msg.text)

    page.on("console", heard)
    page.on("pageerror", lambda exc: page.console_errors.append(str(exc)))
    return page


def axe_findings(page) -> list:
    """Serious or critical accessibility problems axe-core finds on the page as it is."""
    page.evaluate(AXE)  # evaluated by the browser's debugger, which the page's CSP does not govern
    result = page.evaluate("axe.run(document, {resultTypes: ['violations']})")
    return [(v["id"], v["impact"], [n["target"] for n in v["nodes"]][:3])
            for v in result["violations"] if v["impact"] in ("serious", "critical")]


def check_page(page, name: str) -> None:
    """Screenshot, no CSP complaints, and no serious or critical axe findings."""
    SHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)
    assert page.csp_errors == [], page.csp_errors
    bad = axe_findings(page)
    assert bad == [], f"{name}: {bad}"


def sign_up(page, stack, email: str, name: str | None = None) -> None:
    """The sign-up form, then the link from the mail (open sign-up confirms the address first)."""
    from playwright.sync_api import expect
    mail_dir = stack.data_dir / "mail"
    before = set(mail_dir.glob("*.eml")) if mail_dir.exists() else set()
    page.goto("/register")
    if name:
        page.get_by_label("What should we call you?").fill(name)
    page.get_by_label("E-mail").fill(email)
    page.get_by_label("Password").fill("a long enough password")
    page.get_by_role("button", name="Create my account").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Check your inbox")
    check_page(page, "00-check-your-inbox")

    def confirmation_link():
        for path in (set(mail_dir.glob("*.eml")) if mail_dir.exists() else set()) - before:
            mail = email_lib.message_from_bytes(path.read_bytes(), policy=email_policy.default)
            found = re.search(r"/register/confirm/\S+", mail.get_body(preferencelist=("plain",)).get_content())
            if mail["To"] == email and found:
                return found.group(0)
        return None

    page.goto(wait_until(confirmation_link, timeout=15))
    page.get_by_role("button", name="Finish signing up").click()


def register(page, stack, email: str = "robin@example.com", name: str = "Robin") -> None:
    """Signed up and on Today, which greets them by name."""
    from playwright.sync_api import expect
    sign_up(page, stack, email, name)
    expect(page.get_by_role("heading", level=1)).to_contain_text(f"Hello, {name}")


def add_application(page, company: str, role: str) -> None:
    from playwright.sync_api import expect
    page.locator("summary", has_text="Add an application").click()
    page.get_by_label("Company").fill(company)
    page.get_by_label("Role").fill(role)
    page.get_by_role("button", name="Add it").click()
    expect(page.locator("#notices")).to_contain_text(f"Added {company}")
