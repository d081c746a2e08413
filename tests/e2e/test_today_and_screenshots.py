"""Today for someone thirty applications in, the appearance switch, and the screenshots in docs/.

A person is seeded through the public API (thirty applications across the stages, follow-ups,
interview rounds, rejections, a goal and a few check-ins), then Today is measured at 1440x900
and every main page is photographed, desktop and phone, into docs/screenshots/.
"""
from __future__ import annotations

import io
import os
import signal
from datetime import date, timedelta
from pathlib import Path

import pytest

from tests.e2e.harness import Api, wait_until
from tests.e2e.pages import DESKTOP, PHONE, axe_findings, needs_chromium, open_page, sign_up

playwright_api = pytest.importorskip("playwright.sync_api")
expect = playwright_api.expect

pytestmark = [pytest.mark.e2e, pytest.mark.browser]

# `make screenshots` writes the README's pictures; every other run writes beside the tests
# (git-ignored), so running the suite never changes tracked files.
DOCS_SHOTS = (Path(__file__).resolve().parents[2] / "docs" / "screenshots"
              if os.environ.get("REBOUND_WRITE_DOCS_SCREENSHOTS") else Path(__file__).parent / "screenshots")
EMAIL = "alex@example.com"
COMPANIES = [
    ("Northwind Traders", "Data Analyst"), ("Globex", "Backend Engineer"), ("Initech", "Product Analyst"),
    ("Hooli", "Product Designer"), ("Umbrella Health", "Data Engineer"), ("Stark Industries", "Analytics Lead"),
    ("Wayne Enterprises", "BI Developer"), ("Acme Robotics", "Python Developer"), ("Soylent", "Data Scientist"),
    ("Vandelay Industries", "Operations Analyst"), ("Tyrell", "ML Engineer"), ("Cyberdyne", "Platform Engineer"),
    ("Wonka Foods", "Insights Analyst"), ("Oscorp", "Analytics Engineer"), ("Gringotts", "Risk Analyst"),
    ("Monarch Solutions", "Data Analyst"), ("Aperture Labs", "Research Engineer"), ("Black Mesa", "SRE"),
    ("Massive Dynamic", "Data Product Manager"), ("Pied Piper", "Backend Engineer"),
    ("Duff Logistics", "Supply Chain Analyst"), ("Prestige Worldwide", "Marketing Analyst"),
    ("Bluth Company", "Finance Analyst"), ("Dunder Mifflin", "Sales Analyst"), ("Sterling Cooper", "Analyst"),
    ("Los Pollos", "Data Engineer"), ("Krusty Krab", "Ops Analyst"), ("Octan", "Energy Analyst"),
    ("Virtucon", "Data Analyst"), ("Nakatomi", "Analytics Consultant"),
]
# A search three months in: most still at "applied", some moving, a few closed.
MOVES = {1: "screening", 2: "interview", 3: "final_interview", 5: "screening", 8: "interview", 12: "offer"}
REJECTED = {4: "experience", 9: "position_filled", 14: "skills"}


@pytest.fixture(scope="module")
def stack(tmp_path_factory):
    needs_chromium()
    from tests.e2e.harness import make_stack
    stack = make_stack(tmp_path_factory.mktemp("today"))
    stack.start()
    yield stack
    stack.stop()


@pytest.fixture(scope="module")
def page(browser, stack):
    page = open_page(browser, stack.base_url)
    sign_up(page, stack, EMAIL, "Alex")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Alex")
    api = Api(stack.base_url, stack.cli("tokens", "create", EMAIL).split()[-1])
    seed(api)
    page.goto("about:blank")  # nothing polls while a process restarts (in `rebound run all`, the only one)
    run_the_daily_quiet_check(stack, api)
    return page


def run_the_daily_quiet_check(stack, api: Api) -> None:
    """The tracker looks for quiet applications when its background process starts (then daily):
    restart it, so the applications seeded weeks back are offered as gone quiet."""
    name = "all" if stack.mode == "all" else "tracker-relay"
    proc = stack.procs.pop(name)
    os.killpg(proc.pid, signal.SIGTERM)
    proc.wait(timeout=20)
    stack.start([name])
    wait_until(lambda: api.get("/ghost-candidates").json()["items"], timeout=15, message="quiet applications")


def seed(api: Api) -> None:
    """Thirty applications over three months, as the API takes them."""
    today = date.today()
    ids = []
    for i, (company, role) in enumerate(COMPANIES):
        body = {"company": company, "role": role, "source": ("linkedin", "referral", "company_site")[i % 3],
                "applied_on": (today - timedelta(days=90 - 3 * i)).isoformat()}
        if i in (6, 10, 17):
            body["follow_up_on"] = (today + timedelta(days=i % 5)).isoformat()
        if i % 4 == 0:
            body.update(salary_min=55000 + 1000 * i, salary_max=65000 + 1000 * i, salary_currency="EUR",
                        salary_period="year")
        created = api.post("/applications", body)
        assert created.status_code == 201, created.text
        ids.append(created.json()["id"])
    for i, stage in MOVES.items():
        assert api.post(f"/applications/{ids[i]}/stage", {"stage": stage}).ok
    for i, reason in REJECTED.items():
        assert api.post(f"/applications/{ids[i]}/rejection", {"reason": reason}).status_code == 201
    for i, days in ((2, 2), (3, 6)):
        assert api.post(f"/applications/{ids[i]}/rounds",
                        {"scheduled_on": (today + timedelta(days=days)).isoformat(), "starts_at": "10:00",
                         "kind": "technical" if i == 2 else "onsite", "interviewer": "Dana"}).ok
    assert api.post("/goals", {"kind": "applications", "target": 5}).ok
    for mood in (3, 2, 4, 4):
        assert api.post("/checkins", {"mood": mood}).ok
    wait_until(lambda: api.get("/reflections", status="open").json()["items"], timeout=15,
               message="the coach's reflection prompts")


def document_height(page) -> int:
    return page.evaluate("document.documentElement.scrollHeight")


def test_today_fits_one_desktop_screen_with_thirty_applications(page):
    page.set_viewport_size(DESKTOP)
    page.goto("/")
    height = document_height(page)
    bottom = page.evaluate("Math.ceil(document.querySelector('main').getBoundingClientRect().bottom)")
    print(f"Today at 1440x900 with 30 applications: document {height} px, content ends at {bottom} px")
    for panel in ("#week-title", "#today-coach-title", "#upcoming-title", "#applications-title", "#today-quiet-title"):
        expect(page.locator(panel)).to_be_visible()
    expect(page.locator("#applications").get_by_role("link", name="See all 30 on the board")).to_be_visible()
    expect(page.locator(".pipeline")).to_contain_text("Applied")
    # follow-ups are due whatever the application's age: the oldest one with a follow-up is here too
    for company in ("Wayne Enterprises", "Tyrell", "Black Mesa", "Initech", "Hooli"):
        expect(page.locator("ul.upcoming")).to_contain_text(company)
    # the list itself lives on Applications: no application repeats a stage form here
    assert page.locator("#applications form.stage-form").count() == 0
    # The rule: nothing on the page is sticky or fixed except the notices strip, which is empty
    # here, so the whole document must fit the 900 px window without scrolling.
    assert height <= DESKTOP["height"], height
    for scheme in ("light", "dark"):
        page.emulate_media(color_scheme=scheme)
        assert axe_findings(page) == [], scheme
    page.emulate_media(color_scheme="light")
    assert page.console_errors == [], page.console_errors


def test_sign_up_guesses_the_zone_and_a_first_visit_is_welcomed(browser, stack, page):
    fresh = browser.new_context(base_url=stack.base_url, viewport=DESKTOP, timezone_id="Europe/Berlin")
    stranger = fresh.new_page()
    stranger.goto("/login")
    expect(stranger.get_by_role("heading", level=1)).to_have_text("Welcome")
    stranger.goto("/register")
    expect(stranger.get_by_label("Time zone")).to_have_value("Europe/Berlin")
    assert axe_findings(stranger) == []
    fresh.close()
    # this browser has signed in before (the module's person): after signing out it is welcomed back
    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Welcome back")
    page.get_by_label("E-mail").fill(EMAIL)
    page.get_by_label("Password").fill("a long enough password")
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Alex")


def test_the_appearance_switch_overrides_the_system(page):
    page.emulate_media(color_scheme="light")
    page.goto("/settings")
    page.get_by_label("Light or dark").select_option("dark")
    page.get_by_role("button", name="Save appearance").click()
    expect(page.locator("#notices")).to_contain_text("Appearance saved")
    assert page.evaluate("document.documentElement.dataset.theme") == "dark"
    paper(page, "rgb(28, 29, 32)")  # dark paper though the system says light
    assert axe_findings(page) == []
    page.emulate_media(color_scheme="dark")
    page.get_by_label("Light or dark").select_option("light")
    page.get_by_role("button", name="Save appearance").click()
    expect(page.locator("#notices")).to_contain_text("Appearance saved")
    paper(page, "rgb(247, 246, 242)")  # light paper though the system says dark
    page.get_by_label("Light or dark").select_option("system")
    page.get_by_role("button", name="Save appearance").click()
    expect(page.locator("#notices")).to_contain_text("Appearance saved")
    paper(page, "rgb(28, 29, 32)")  # the system's dark again
    page.emulate_media(color_scheme="light")
    assert page.console_errors == [], page.console_errors


def paper(page, colour: str) -> None:
    """Wait (up to the page's timeout) until the page's background is `colour`: the saved page's
    stylesheet may still be loading when its notice is already there."""
    script = "colour => getComputedStyle(document.documentElement).backgroundColor === colour"
    try:
        page.wait_for_function(script, arg=colour)
    except Exception:
        raise AssertionError(page.evaluate("getComputedStyle(document.documentElement).backgroundColor")) from None


def test_archive_can_be_undone_from_the_toast(page):
    page.goto("/applications")
    page.locator("li.card", has_text="Nakatomi").get_by_role("link", name="Nakatomi").click()
    page.get_by_role("button", name="Archive").click()
    toast = page.locator("#notices")
    expect(toast).to_contain_text("Archived")
    toast.get_by_role("button", name="Undo").click()
    expect(toast).to_contain_text("Back on your board")
    page.goto("/applications")
    expect(page.locator("li.card", has_text="Nakatomi")).to_have_count(1)
    assert page.console_errors == [], page.console_errors


def test_screenshots_for_the_docs(page):
    """Today, the board, one application, Insights and the inbox, desktop and phone."""
    page.goto("/applications")
    page.locator("li.card", has_text="Initech").get_by_role("link", name="Initech").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Initech")
    application = page.url
    shots = {"today": "/", "board": "/applications", "application": application, "insights": "/insights",
             "inbox": "/inbox"}
    DOCS_SHOTS.mkdir(parents=True, exist_ok=True)
    for size_name, size in (("desktop", DESKTOP), ("phone", PHONE)):
        page.set_viewport_size(size)
        for name, path in shots.items():
            page.goto(path)
            expect(page.locator("h1")).to_be_visible()
            png = page.screenshot(full_page=name != "board")  # the board scrolls on its own
            target = DOCS_SHOTS / f"{name}-{size_name}.png"
            target.write_bytes(small_png(png))
            assert target.stat().st_size < 400_000, (target, target.stat().st_size)
    page.set_viewport_size(DESKTOP)
    assert page.console_errors == [], page.console_errors


def small_png(png: bytes) -> bytes:
    """A palette PNG (256 colours is plenty for flat UI) when Pillow is at hand, else as taken."""
    try:
        from PIL import Image
    except ImportError:
        return png
    image = Image.open(io.BytesIO(png)).convert("RGB").quantize(colors=256, method=Image.Quantize.MEDIANCUT)
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=True)
    return out.getvalue()
