"""Three rejections within a minute, as the person receives them: every real process and a real SMTP server.

The person's digest time is set to the first whole minute at least 30 s away, so
the three rejections and everything the coach says about them land before it.
Until then no e-mail arrives; at that minute exactly one digest does, though two
notifier-workers are running, and one of them restarted afterwards does not
send it again. On the embedded bus with SQLite, and on RabbitMQ with PostgreSQL. The inbox is counted by the
coach's kinds together (a composed card, or the single pieces sent before cards).
Screenshots of what the person sees land in tests/e2e/screenshots/ (git-ignored).
"""
from __future__ import annotations

import email
import email.policy
import subprocess
import time
from datetime import datetime, timedelta, timezone

import pytest
import requests
from aiosmtpd.controller import Controller

from services.notifier.topics import COACH_KINDS
from tests.e2e.harness import REBOUND, Api, make_stack, wait_until
from tests.e2e.pages import SHOTS, chromium, needs_chromium, open_page
from tests.support.ports import free_port

pytestmark = pytest.mark.e2e

PASSWORD = "a long enough password"
PERSON = "sam@example.com"
# Room for three rejections and the coach's answers (about 10 s on a loaded CI machine) before the digest;
# the digest minute is then 30-90 s away. Every second of it is waited for in real time, twice.
LEAD = timedelta(seconds=30)


class Sink:
    """aiosmtpd handler keeping every message with the moment it arrived."""

    def __init__(self):
        self.received: list[tuple[datetime, email.message.EmailMessage]] = []

    async def handle_DATA(self, server, session, envelope):
        mail = email.message_from_bytes(envelope.content, policy=email.policy.default)
        self.received.append((datetime.now(timezone.utc), mail))
        return "250 OK"

    def to(self, address: str) -> list:
        return [(at, mail) for at, mail in self.received if mail["To"] == address]


def _digest_minute(now: datetime) -> datetime:
    """The first whole minute at least LEAD from now."""
    later = now + LEAD
    return later.replace(second=0, microsecond=0) + timedelta(minutes=1)


def _coach_items(api: Api) -> list[dict]:
    items = api.get("/notifications", limit=1000).json()["items"]
    return [n for n in items if n["kind"] in COACH_KINDS]


def _settled(api: Api, seconds: float = 4.0) -> list[dict]:
    """The coach's items once their number has stayed the same for `seconds`."""
    seen, since = None, time.monotonic()
    while True:
        now = _coach_items(api)
        if seen is None or len(now) != len(seen):
            seen, since = now, time.monotonic()
        elif time.monotonic() - since >= seconds:
            return seen
        time.sleep(0.25)


def _stack(request, data_dir):
    if request.param == "filesystem":
        return make_stack(data_dir), lambda: None
    rabbit, postgres = request.getfixturevalue("rabbit"), request.getfixturevalue("postgres")
    bus_url = rabbit.new_vhost()
    databases = {s: postgres.create_database() for s in ("frontend", "tracker", "coach", "notifier")}

    def clean_up():
        rabbit.release(bus_url)
        for url in databases.values():
            postgres.drop_database(url)
    return make_stack(data_dir, bus_url, databases), clean_up


def _second_notifier_worker(stack) -> None:
    """Another notifier-worker beside the first: two schedulers look for the same digest (split only:
    in one process, `rebound run all`, the one scheduler is restarted below all the same)."""
    if stack.mode == "all":
        return
    log = open(stack.data_dir / "notifier-worker-2.log", "ab")
    stack.procs["notifier-worker-2"] = subprocess.Popen(
        [REBOUND, "run", "notifier-worker"], env=stack.env, stdout=log, stderr=subprocess.STDOUT,
        cwd=stack.data_dir, start_new_session=True)


@pytest.fixture(scope="module", params=["filesystem", "amqp"])
def journey(request, tmp_path_factory):
    """The whole afternoon, run once per bus; the tests below read what happened."""
    sink = Sink()
    smtp = Controller(sink, hostname="127.0.0.1", port=free_port())
    smtp.start()
    stack, clean_up = _stack(request, tmp_path_factory.mktemp("mail"))
    stack.env["REBOUND_SMTP_URL"] = f"smtp://127.0.0.1:{smtp.port}/"
    stack.env["REBOUND_BASE_URL"] = stack.base_url
    stack.start()
    _second_notifier_worker(stack)
    try:
        stack.cli("users", "create", PERSON, "--name", "Sam", "--timezone", "UTC", stdin=PASSWORD + "\n")
        api = Api(stack.base_url, stack.cli("tokens", "create", PERSON).split()[-1])
        digest_at = _digest_minute(datetime.now(timezone.utc))
        assert api.http.patch(f"{api.base}/preferences", json={"digest_time": digest_at.strftime("%H:%M")},
                              timeout=10).status_code == 200
        started = time.monotonic()
        for company in ("Northwind", "Globex", "Initech"):
            app_id = api.post("/applications", {"company": company, "role": "Data Analyst"}).json()["id"]
            assert api.post(f"/applications/{app_id}/rejection", {"reason": "experience"}).status_code == 201
        rejections_took = time.monotonic() - started
        items = _settled(api)
        before = {"at": datetime.now(timezone.utc), "mail": list(sink.to(PERSON)), "items": items}
        assert before["at"] < digest_at, "the coach took too long: the digest minute came first"
        stack.assert_alive()  # both notifier-workers are there when the digest minute comes
        wait_until(lambda: sink.to(PERSON), timeout=(digest_at - before["at"]).total_seconds() + 30,
                   interval=0.25, message="the digest")
        # However long we keep watching, and across a restart of the process that sends it: one.
        sender = "all" if stack.mode == "all" else "notifier-worker"
        stack.procs[sender].terminate()
        stack.procs[sender].wait(timeout=20)
        stack.start([sender])
        deadline = time.monotonic() + 8
        while time.monotonic() < deadline:
            assert len(sink.to(PERSON)) == 1, [m["Subject"] for _, m in sink.to(PERSON)]
            time.sleep(0.25)
        yield {"bus": request.param, "stack": stack, "api": api, "sink": sink, "digest_at": digest_at, "before": before,
               "rejections_took": rejections_took}
    finally:
        for name in stack.procs:  # shown only when a test fails
            print(f"--- {name}\n{stack.log_tail(name)}")
        stack.stop()
        smtp.stop()
        clean_up()


def test_no_email_before_the_digest_time_and_one_digest_at_it(journey):
    assert journey["rejections_took"] < 120
    assert journey["before"]["mail"] == []
    [(arrived, letter)] = journey["sink"].to(PERSON)
    assert journey["digest_at"] <= arrived < journey["digest_at"] + timedelta(seconds=30)
    assert letter["Subject"].startswith("Your day in Rebound:")


def test_the_digest_names_what_came_in_and_carries_its_links(journey):
    [(_, letter)] = journey["sink"].to(PERSON)
    text = letter.get_body(("plain",)).get_content()
    base = journey["stack"].base_url
    assert any(name in text for name in ("Northwind", "Globex", "Initech")), text
    assert f"{base}/settings/notifications" in text
    assert letter["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert letter["List-Unsubscribe"].startswith(f"<{base}/mail/unsubscribe/")
    SHOTS.mkdir(exist_ok=True)  # read it as the person would
    (SHOTS / f"mail-digest-{journey['bus']}.txt").write_text(f"Subject: {letter['Subject']}\n\n{text}")


def test_the_one_click_unsubscribe_in_the_digest_works_without_signing_in(journey):
    [(_, letter)] = journey["sink"].to(PERSON)
    url = letter["List-Unsubscribe"].strip("<>")
    stranger = requests.Session()
    stranger.trust_env = False
    page = stranger.get(url, timeout=10)
    assert page.status_code == 200 and "Stop e-mails about the daily digest?" in page.text
    assert journey["api"].get("/preferences").json()["topics"]["coaching"] == "digest"
    done = stranger.post(url, data="List-Unsubscribe=One-Click", timeout=10,
                         headers={"Content-Type": "application/x-www-form-urlencoded"})
    assert done.status_code == 200 and "no more e-mails about the daily digest" in done.text
    topics = journey["api"].get("/preferences").json()["topics"]
    assert topics["coaching"] == topics["wins"] == "off" and topics["reminders"] == "immediate"
    journey["api"].http.patch(f"{journey['api'].base}/preferences",
                              json={"topics": {"coaching": "digest", "wins": "digest"}}, timeout=10)


def test_three_rejections_make_at_most_three_coach_items(journey):
    assert len(journey["before"]["items"]) <= 3, [(n["kind"], n["title"]) for n in journey["before"]["items"]]


@pytest.mark.browser
def test_what_the_person_sees(journey):
    playwright_api = pytest.importorskip("playwright.sync_api")
    needs_chromium()
    SHOTS.mkdir(exist_ok=True)
    with chromium() as browser:
        page = open_page(browser, journey["stack"].base_url)
        page.goto("/login")
        page.get_by_label("E-mail").fill(PERSON)
        page.get_by_label("Password").fill(PASSWORD)
        page.get_by_role("button", name="Sign in").click()
        playwright_api.expect(page.locator("#today-coach")).to_be_visible()
        assert page.locator("#from-your-coach").count() == 1
        assert page.get_by_text("News for you").count() == 0 and page.get_by_text("A few ideas").count() == 0
        for size, viewport in (("desktop", (1440, 900)), ("phone", (390, 844))):
            page.set_viewport_size({"width": viewport[0], "height": viewport[1]})
            for path, name in (("/", "today"), ("/inbox", "inbox"),
                               ("/settings/notifications", "notification-settings")):
                page.goto(path)
                page.screenshot(path=str(SHOTS / f"mail-{name}-{size}-{journey['bus']}.png"), full_page=True)
        page.goto("/settings/notifications")
        page.get_by_label("Wins").select_option("immediate")
        page.get_by_role("button", name="Save").click()
        playwright_api.expect(page.locator("#notices")).to_contain_text("Saved")
        assert journey["api"].get("/preferences").json()["topics"]["wins"] == "immediate"
