"""The tracker in a real Chromium: the board's drag-and-drop and keyboard move, true dates,
every field, interview rounds with their calendar files and the private feed.

Screenshots (desktop 1440x900 and phone 390x844, light and dark) land in tests/e2e/screenshots/.
"""
from __future__ import annotations

import os
import re
from datetime import date, timedelta
from pathlib import Path

import pytest
import requests

from tests.e2e.harness import make_stack

playwright_api = pytest.importorskip("playwright.sync_api")
expect = playwright_api.expect

pytestmark = [pytest.mark.e2e, pytest.mark.browser]

SHOTS = Path(__file__).parent / "screenshots"
CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run", "--disable-quic"]
DESKTOP, PHONE = {"width": 1440, "height": 900}, {"width": 390, "height": 844}


@pytest.fixture(scope="module")
def stack(tmp_path_factory):
    if not os.path.exists(CHROMIUM):
        pytest.skip("Chromium is not installed (the CI script installs it)")
    stack = make_stack(tmp_path_factory.mktemp("board"))
    stack.start()
    yield stack
    stack.stop()


@pytest.fixture(scope="module")
def browser(stack):
    with playwright_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
        yield browser
        browser.close()


@pytest.fixture
def page(browser, stack):
    context = browser.new_context(base_url=stack.base_url, viewport=DESKTOP, accept_downloads=True)
    page = context.new_page()
    page.set_default_timeout(10_000)
    page.console_errors = []
    page.on("console", lambda msg: page.console_errors.append(msg.text) if msg.type == "error" else None)
    page.on("pageerror", lambda exc: page.console_errors.append(str(exc)))
    yield page
    context.close()


def register(page, email: str) -> None:
    page.goto("/register")
    page.get_by_label("What should we call you?").fill("Sam")
    page.get_by_label("E-mail").fill(email)
    page.get_by_label("Password").fill("a long enough password")
    page.get_by_role("button", name="Create my account").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Sam")


def add(page, company: str, role: str, **extra: str) -> None:
    page.goto("/applications")
    page.get_by_role("link", name="Add an application").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Add an application")
    page.get_by_label("Company").fill(company)
    page.get_by_label("Role", exact=True).fill(role)
    for name, value in extra.items():
        page.locator(f"form [name={name}]").fill(value)
    page.get_by_role("button", name="Add it").click()
    expect(page.locator("#notices")).to_contain_text(f"Added {company}")


def column(page, stage: str):
    return page.locator(f".board-list[data-stage='{stage}']")


def drag(page, card, target) -> None:
    """A mouse drag with intermediate moves, as a person does it (SortableJS's pointer fallback)."""
    box, goal = card.bounding_box(), target.bounding_box()
    page.mouse.move(box["x"] + 20, box["y"] + 10)
    page.mouse.down()
    page.mouse.move(box["x"] + 30, box["y"] + 20, steps=5)
    page.mouse.move(goal["x"] + goal["width"] / 2, goal["y"] + 20, steps=15)
    page.mouse.up()


def shoot(page, name: str) -> None:
    """Desktop and phone, light and dark."""
    SHOTS.mkdir(exist_ok=True)
    for scheme in ("light", "dark"):
        page.emulate_media(color_scheme=scheme)
        for size_name, size in (("desktop", DESKTOP), ("phone", PHONE)):
            page.set_viewport_size(size)
            page.screenshot(path=str(SHOTS / f"tracker-{name}-{size_name}-{scheme}.png"), full_page=True)
    page.emulate_media(color_scheme="light")
    page.set_viewport_size(DESKTOP)


def test_drag_and_drop_and_the_keyboard_move(page, stack):
    register(page, "board@example.com")
    add(page, "Northwind", "Data Analyst", salary_min="60000", salary_max="70000", salary_currency="eur")
    add(page, "Globex", "Engineer")
    add(page, "Hooli", "Designer")
    page.goto("/applications")
    northwind = page.locator("li.card", has_text="Northwind")
    expect(northwind).to_contain_text("€60k–€70k")
    expect(northwind).to_contain_text("Applied today")
    # every step of the way is a place to drop, even while empty
    for stage in ("applied", "screening", "interview", "final_interview", "offer", "rejected"):
        expect(column(page, stage)).to_have_count(1)

    drag(page, northwind, column(page, "screening"))
    expect(column(page, "screening")).to_contain_text("Northwind")
    expect(page.locator("#notices")).to_contain_text("Updated")
    page.reload()  # the move was saved, not only drawn
    expect(column(page, "screening")).to_contain_text("Northwind")

    # The keyboard: open "Move" on the card, pick a stage, confirm; no mouse involved.
    page.locator("li.card", has_text="Globex").locator("summary").focus()
    page.keyboard.press("Enter")
    page.get_by_label("Move Globex to").focus()
    page.get_by_label("Move Globex to").select_option("interview")
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    expect(column(page, "interview")).to_contain_text("Globex")

    # Dropping on "Not this time" asks about the rejection first; the card stays until it is recorded.
    drag(page, page.locator("li.card", has_text="Hooli"), column(page, "rejected"))
    dialog = page.locator("#reject-dialog")
    expect(dialog).to_be_visible()
    expect(column(page, "applied")).to_contain_text("Hooli")
    dialog.get_by_label("What they said, if anything").select_option("position_filled")
    dialog.get_by_role("button", name="Record it").click()
    expect(page.locator("#notices")).to_contain_text("Recorded")
    expect(column(page, "rejected")).to_contain_text("Hooli")

    # A filtered view shows only the columns that have something in them.
    page.goto("/applications?stage=interview")
    expect(page.locator(".board-column")).to_have_count(1)
    page.goto("/applications")
    shoot(page, "board")
    assert page.console_errors == [], page.console_errors
