"""The tracker in a real Chromium: the board's drag-and-drop and keyboard move, true dates,
every field, interview rounds with their calendar files and the private feed.

Screenshots (desktop 1440x900 and phone 390x844, light and dark) land in tests/e2e/screenshots/.
"""
from __future__ import annotations

import re
from datetime import date, timedelta
from pathlib import Path

import pytest
import requests

from tests.e2e.harness import make_stack
from tests.e2e.pages import DESKTOP, PHONE, SHOTS, axe_findings, needs_chromium, register

playwright_api = pytest.importorskip("playwright.sync_api")
expect = playwright_api.expect

pytestmark = [pytest.mark.e2e, pytest.mark.browser]


@pytest.fixture(scope="module")
def stack(tmp_path_factory):
    needs_chromium()
    stack = make_stack(tmp_path_factory.mktemp("board"))
    stack.start()
    yield stack
    stack.stop()


def add(page, company: str, role: str, **extra: str) -> None:
    page.goto("/applications")
    page.get_by_role("link", name="Add an application").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Add an application")
    if not (SHOTS / "tracker-new-desktop-light.png").exists():
        SHOTS.mkdir(exist_ok=True)
        page.screenshot(path=str(SHOTS / "tracker-new-desktop-light.png"), full_page=True)
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
    register(page, stack, "board@example.com")
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
    # focus comes back to the card that moved, in its new column
    expect(column(page, "interview").get_by_role("link", name="Globex")).to_be_focused()

    # Dropping on "Not this time" asks about the rejection first; the card stays until it is recorded.
    drag(page, page.locator("li.card", has_text="Hooli"), column(page, "rejected"))
    dialog = page.locator("#reject-dialog")
    expect(dialog).to_be_visible()
    expect(column(page, "applied")).to_contain_text("Hooli")
    SHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SHOTS / "tracker-reject-dialog-desktop-light.png"))
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


def test_true_dates_every_field_and_interviews_in_a_calendar(page, stack):
    from icalendar import Calendar
    from zoneinfo import ZoneInfo

    register(page, stack, "dates@example.com")
    add(page, "Initech", "Analyst", applied_on=(date.today() - timedelta(days=30)).isoformat())
    page.goto("/applications")
    page.locator("li.card", has_text="Initech").get_by_role("link", name="Initech").click()

    # Back-dated steps land where they belong in the timeline, whatever order they are entered in.
    screening, interview = date.today() - timedelta(days=20), date.today() - timedelta(days=10)
    for stage, on in (("interview", interview), ("screening", screening)):
        page.get_by_label("Move to").select_option(stage)
        page.get_by_label("When did this happen?").fill(on.isoformat())
        page.get_by_role("button", name="Save the step").click()
        expect(page.locator("#notices")).to_contain_text("Updated")
        expect(page.locator("ol.timeline")).to_contain_text(f"{on.day} {on:%b} · ")
    steps = page.locator("ol.timeline li").all_inner_texts()
    assert [s.split(" · ")[1] for s in steps] == ["Applied", "Screening", "Interviewing"], steps
    assert steps[1].startswith(f"{screening.day} {screening:%b}"), steps

    # Salary and tags: edited, shown, and a tag leads to the board filtered by it.
    page.locator("summary", has_text="Edit the details").click()
    page.locator("#edit-salary_min").fill("52000")
    page.locator("#edit-salary_max").fill("58000")
    page.locator("#edit-salary_currency").fill("GBP")
    page.locator("#edit-salary_period").select_option("year")
    page.locator("#edit-tags").fill("fintech, dream job")
    page.get_by_role("button", name="Save changes").click()
    expect(page.locator("#notices")).to_contain_text("Saved")
    facts = page.locator("dl.facts")
    expect(facts).to_contain_text("£52k–£58k a year")
    facts.get_by_role("link", name="dream job").click()
    expect(page.locator("li.card")).to_have_count(1)
    expect(page.locator("li.card")).to_contain_text("Initech")
    page.locator("li.card", has_text="Initech").get_by_role("link", name="Initech").click()

    # An interview round with a time in New York; its own .ics, and the subscribed feed.
    day = date.today() + timedelta(days=5)
    page.locator("summary", has_text="Add a round").click()
    page.locator("#round-on").fill(day.isoformat())
    page.locator("#round-at").fill("09:00")
    page.locator("#round-minutes").fill("45")
    page.locator("#round-zone").fill("America/New_York")
    page.locator("#round-video").fill("https://meet.example.com/initech")
    page.get_by_label("Who you'll meet").fill("Bill Lumbergh")
    page.get_by_role("button", name="Add round").click()
    expect(page.locator("#notices")).to_contain_text("Interview round added")
    expect(page.locator("#rounds")).to_contain_text("09:00")
    with page.expect_download() as download_info:
        page.get_by_role("link", name=re.compile("Add to my calendar")).click()
    one = Calendar.from_ical(Path(download_info.value.path()).read_bytes())
    (event,) = one.walk("VEVENT")
    start = event.decoded("dtstart")
    assert start == datetime_in(day, 9, 0, "America/New_York"), start
    assert event.decoded("dtend") - start == timedelta(minutes=45)
    assert "Initech" in str(event["summary"])
    shoot(page, "application")
    assert page.console_errors == [], page.console_errors

    page.goto("/applications/calendar")
    page.get_by_role("button", name="Make my calendar address").click()
    feed_url = page.get_by_label("Calendar address", exact=True).input_value()
    # A calendar app subscribes without any session: the address is the pass.
    reply = requests.get(feed_url, timeout=10)
    assert reply.status_code == 200 and reply.headers["Content-Type"].startswith("text/calendar")
    feed = Calendar.from_ical(reply.content)
    rounds = [e for e in feed.walk("VEVENT") if "Initech" in str(e["summary"])]
    start = rounds[0].decoded("dtstart")
    # the person's zone is UTC (the account's default): 09:00 in New York is this hour there
    assert start.astimezone(ZoneInfo("UTC")) == datetime_in(day, 9, 0, "America/New_York").astimezone(ZoneInfo("UTC"))
    # a new address switches the old one off
    page.goto("/applications/calendar")
    page.get_by_role("button", name="Make a new address").click()
    expect(page.get_by_label("Calendar address", exact=True)).not_to_have_value(feed_url)  # the new one is made
    assert requests.get(feed_url, timeout=10).status_code == 404
    page.get_by_role("button", name="Switch it off").click()
    expect(page.locator("#notices")).to_contain_text("switched off")
    assert page.console_errors == [], page.console_errors


def datetime_in(day: date, hour: int, minute: int, zone: str):
    from datetime import datetime
    from zoneinfo import ZoneInfo
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=ZoneInfo(zone))


def test_the_tracker_pages_log_nothing_to_the_console_in_light_or_dark(page, stack):
    register(page, stack, "quiet@example.com")
    add(page, "Vandelay", "Importer", notes="A long note. " * 300, source="linkedin")
    # The tracker's pages, and every other page a person opens from the menu.
    paths = ["/applications", "/applications?view=table", "/applications/new", "/applications/calendar",
             "/insights", "/import/log", "/", "/journal", "/goals", "/network", "/inbox", "/import",
             "/settings", "/settings/notifications", "/settings/mailbox"]
    page.goto("/applications")
    page.locator("li.card", has_text="Vandelay").get_by_role("link", name="Vandelay").click()
    paths.append(page.url)
    # a long note is folded: the page stays a page, not a scroll of text
    expect(page.locator("#notes details.more summary")).to_have_text(re.compile("Show more"))
    assert page.evaluate("document.documentElement.scrollHeight") < 3000
    page.goto("/import/log")
    expect(page.locator("table")).to_contain_text("LinkedIn")
    problems = []
    for scheme in ("light", "dark"):
        page.emulate_media(color_scheme=scheme)
        for path in paths:
            page.goto(path)
            expect(page.locator("h1")).to_be_visible()
            problems += [(scheme, path, finding) for finding in axe_findings(page)]
    assert problems == [], problems
    background = page.evaluate("getComputedStyle(document.documentElement).backgroundColor")
    assert background == "rgb(28, 29, 32)", background  # the dark paper colour
    page.goto("/insights")
    shoot(page, "insights")
    assert page.console_errors == [], page.console_errors
