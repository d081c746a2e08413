"""The dashboard in a real Chromium against every real process: the daily journey, end to end.

Screenshots of every main page land in tests/e2e/screenshots/ (git-ignored); axe-core
(vendored, test-only) checks each page for serious or critical accessibility problems.
"""
from __future__ import annotations

import os
import re
import signal
from datetime import date, timedelta

import pytest

from tests.e2e.harness import make_stack, wait_until
from tests.e2e.pages import SHOTS, add_application, check_page, needs_chromium, register, sign_up

playwright_api = pytest.importorskip("playwright.sync_api")
expect = playwright_api.expect

pytestmark = [pytest.mark.e2e, pytest.mark.browser]

CSV = ("Company,Title,Date Applied,Status\n"
       "Initrode,Analyst,2025-03-02,Applied\n"
       ",Designer,2025-03-03,Applied\n"
       "Vandelay,Importer,2025-03-04,Interviewing\n")


@pytest.fixture(scope="module", params=["split", "all"])
def stack(tmp_path_factory, request):
    """The split processes (`make run-split`) or one process (`make run`)."""
    needs_chromium()
    stack = make_stack(tmp_path_factory.mktemp("browser"), mode=request.param)
    stack.start()
    yield stack
    stack.stop()


def test_the_daily_journey(page, stack):
    register(page, stack)
    check_page(page, "01-today-empty")

    page.get_by_role("link", name="Goals & wins").click()
    page.locator("summary", has_text="Set a goal").click()
    page.get_by_label("How many this week").fill("3")
    page.get_by_role("button", name="Set it").click()
    expect(page.locator("#notices")).to_contain_text("Goal set")

    page.get_by_role("link", name="Today").click()
    for company, role in (("Northwind", "Data Analyst"), ("Globex", "Engineer"), ("Hooli", "Designer")):
        add_application(page, company, role)
    check_page(page, "02-today")

    page.get_by_role("link", name="Applications").click()
    card = page.locator("li.card", has_text="Globex")
    card.locator("summary", has_text="Move").click()
    card.get_by_label("Move Globex to").select_option("interview")
    card.get_by_role("button", name="Move it").click()
    expect(page.locator("#col-interview")).to_contain_text("Interviewing (1)")
    check_page(page, "03-board")
    page.set_viewport_size({"width": 390, "height": 844})
    page.screenshot(path=str(SHOTS / "03-board-phone.png"), full_page=True)
    page.set_viewport_size({"width": 1280, "height": 900})

    page.locator("li.card", has_text="Globex").get_by_role("link", name="Globex").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Globex")
    page.locator("summary", has_text="Record a rejection").click()
    page.get_by_label("What they said, if anything").select_option("position_filled")
    page.get_by_label("How are you feeling?").select_option("2")
    page.get_by_role("button", name="Record it").click()
    expect(page.locator("#notices")).to_contain_text("Recorded")
    page.evaluate("window.stillThisPage = true")
    # The coach's words and the inbox badge arrive by polling, with no reload. Deadline: the
    # event's trip over the bus plus one 2 s poll; the badge looks again 1, 3 and 8 s after the post.
    expect(page.locator("#coach-replies .coach-reply")).to_be_visible(timeout=10_000)
    expect(page.locator("#inbox-badge")).to_have_text(re.compile(r"\d+ unread"), timeout=10_000)
    assert page.evaluate("window.stillThisPage") is True
    check_page(page, "04-detail-after-rejection")

    page.get_by_role("link", name="Today").click()
    reflection = page.locator("#reflections li.reflection").first
    reflection.locator("textarea").fill("They liked my portfolio; I'll lead with it next time.")
    reflection.get_by_role("button", name="Save my answer").click()
    expect(page.locator("#notices")).to_contain_text("It's saved")
    # The coach speaks once on Today: one panel with its newest note.
    expect(page.locator("#today-coach .coach-card")).to_be_visible()
    assert page.locator("#suggestions").count() == 0 and page.locator("#notifications").count() == 0

    # A round booked on an application shows under "Coming up" on Today.
    page.goto("/applications")
    page.locator("li.card", has_text="Hooli").get_by_role("link", name="Hooli").click()
    page.locator("summary", has_text="Add a round").click()
    page.locator("#round-on").fill((date.today() + timedelta(days=3)).isoformat())
    page.get_by_role("button", name="Add round").click()
    expect(page.locator("#notices")).to_contain_text("Interview round added")
    check_page(page, "04b-detail-with-round")
    page.goto("/")
    expect(page.locator("ul.upcoming")).to_contain_text("Hooli")

    def goal_met():
        page.goto("/goals")
        return "3 of 3" in page.locator("ul.goals").inner_text()
    wait_until(goal_met, timeout=10, interval=0.3, message="the goal's progress")
    expect(page.locator("#wins")).to_contain_text(re.compile(r"\w"))
    assert page.locator("#wins li.win").count() >= 1
    check_page(page, "05-goals")

    for path, name in (("/", "06-today-full"), ("/journal", "07-journal"), ("/insights", "08-insights"),
                       ("/network", "09-network"), ("/inbox", "10-inbox"), ("/settings", "11-settings"),
                       ("/settings/notifications", "11b-notification-settings"),
                       ("/applications?view=table", "12-table")):
        page.goto(path)
        check_page(page, name)
    page.set_viewport_size({"width": 390, "height": 844})
    for path, name in (("/", "17-today-phone"), ("/settings", "18-settings-phone"),
                       ("/journal", "19-journal-phone")):
        page.goto(path)
        page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def test_import_a_csv_with_one_bad_row(page, stack):
    sign_up(page, stack, "casey@example.com")
    page.get_by_role("link", name="Import & export").click()
    page.get_by_label("CSV file").set_input_files(
        files=[{"name": "jobs.csv", "mimeType": "text/csv", "buffer": CSV.encode()}])
    page.get_by_role("button", name="Preview").click()
    expect(page.locator("table.preview")).to_contain_text("Skipped")
    expect(page.locator("tr.row-create")).to_have_count(2)
    check_page(page, "13-import-preview")
    page.get_by_role("button", name="Import 2 applications").click()
    expect(page.locator("#notices")).to_contain_text("Imported 2 applications")
    expect(page.locator("#board")).to_contain_text("Vandelay")
    page.goto("/import/log")
    expect(page.locator("table")).to_contain_text("Initrode")
    check_page(page, "14-log")


def test_a_public_link_that_is_bad_is_kind(page, stack):
    page.goto("/supporters/confirm/not-a-real-token")
    expect(page.get_by_role("heading", level=1)).to_have_text("This link is invalid or has expired")
    check_page(page, "15-public-bad-link")


def test_a_bad_unsubscribe_link_is_kind(page, stack):
    page.goto("/mail/unsubscribe/not-a-real-token")
    expect(page.get_by_role("heading", level=1)).to_have_text("This link is invalid or has expired")
    check_page(page, "15b-unsubscribe-bad-link")


def test_the_page_still_renders_when_the_coach_is_down(page, stack):
    if stack.mode == "all":
        pytest.skip("in one process the coach's API cannot go down on its own")
    sign_up(page, stack, f"dana-{date.today().isoformat()}@example.com")
    coach = stack.procs["coach-api"]
    os.killpg(coach.pid, signal.SIGTERM)
    coach.wait(timeout=20)
    response = page.goto("/")
    assert response.status == 200
    expect(page.locator("#reflections")).to_contain_text("The coach is unavailable right now; your data is safe.")
    expect(page.locator("#applications")).to_contain_text("No applications yet")
    check_page(page, "16-today-coach-down")
