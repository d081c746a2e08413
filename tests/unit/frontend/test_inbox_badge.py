"""The header's unread badge against the real notifier, in memory as in `rebound run all`.

Every poll asks the notifier with the ETag the page last saw: 304 there, 204 here
while the count holds, and the new count as soon as news comes in or is read.
"""
from __future__ import annotations

import dataclasses
import html
import re

import pytest

from services.notifier import handlers
from rebound.all_in_one import INTERNAL_URL, InProcessClient
from shared.events import make_event
from rebound.processes import APP_FACTORIES, load
from shared.runtime import Runtime
from rebound.migrations import migrate_service

HTMX = {"HX-Request": "true"}
POLL = re.compile(r'hx-get="([^"]+)"')


class Notifier:
    """The notifier's side: news for the signed-in person, and how it answered each count."""

    def __init__(self, runtime: Runtime, user_id: str):
        self.runtime, self.user_id = runtime, user_id
        self.counts: list[int] = []  # HTTP status of every unread_count the notifier answered
        self.sent = 0

    def news(self, title: str) -> None:
        self.sent += 1
        event = make_event("win.celebrated", user_id=self.user_id, producer="test",
                           data={"win_id": self.sent, "kind": "k", "title": title})
        with self.runtime.sessions.begin() as session:
            for handler in handlers.HANDLERS[event["type"]]:
                handler(session, event)

    def recording(self, app):
        def wsgi(environ, start_response):
            def start(status, headers, exc_info=None):
                if environ["PATH_INFO"].endswith("/unread_count"):
                    self.counts.append(int(status.split()[0]))
                return start_response(status, headers, exc_info)
            return app(environ, start)
        return wsgi


@pytest.fixture
def notifier(app, client, settings, signed_in):
    migrate_service("notifier", settings)
    runtime = Runtime.build("notifier", settings)
    found = Notifier(runtime, client.get("/api/v1/account").get_json()["id"])
    url = INTERNAL_URL.format(service="notifier")
    in_memory = dataclasses.replace(settings, service_urls={**settings.service_urls, "notifier": url})
    notifier_app = load(APP_FACTORIES["notifier"])(settings, runtime=runtime)
    app.extensions["rebound.services"] = InProcessClient(in_memory, {url: found.recording(notifier_app)})
    yield found
    runtime.engine.dispose()


class Badge:
    """The badge as the page polls it: each answer with a count brings the URL of the next poll."""

    def __init__(self, client):
        self.client, self.url, self.shown = client, "/inbox/badge", ""

    def poll(self) -> int:
        response = self.client.get(self.url, headers=HTMX)
        if response.status_code == 200:
            self.shown = response.get_data(as_text=True)
            self.url = html.unescape(POLL.search(self.shown).group(1))
        return response.status_code

    @property
    def count(self) -> int:
        number = re.search(r">(\d+)<span", self.shown)
        return int(number.group(1)) if number else 0


def test_an_unchanged_count_is_answered_304_by_the_notifier_and_204_to_the_page(client, notifier):
    notifier.news("First")
    badge = Badge(client)
    assert badge.poll() == 200 and badge.count == 1
    assert [badge.poll() for _ in range(3)] == [204, 204, 204]
    assert notifier.counts == [200, 304, 304, 304]


def test_the_count_follows_new_news_and_reading(client, notifier, signed_in):
    badge = Badge(client)
    assert badge.poll() == 200 and "badge-empty" in badge.shown
    notifier.news("First")
    notifier.news("Second")
    assert badge.poll() == 200 and badge.count == 2
    newest = client.get("/api/v1/notifications").get_json()["items"][0]["id"]
    client.post(f"/inbox/{newest}/read", data={"csrf_token": signed_in.csrf()})
    assert badge.poll() == 200 and badge.count == 1
    client.post("/inbox/read_all", data={"csrf_token": signed_in.csrf()})
    assert badge.poll() == 200 and "badge-empty" in badge.shown and "unread" not in badge.shown
    assert badge.poll() == 204


def test_the_badge_polls_calmly_and_can_be_asked_to_look_again(client, notifier):
    page = client.get("/inbox").get_data(as_text=True)
    assert 'hx-trigger="load, every 30s, look-again"' in page  # the page's badge asks at once
    badge = Badge(client)
    badge.poll()
    assert 'hx-trigger="every 30s, look-again"' in badge.shown


def test_a_badge_poll_overlapping_a_form_does_not_lose_the_forms_notice(app, client, notifier):
    """A poll sent before a form was posted, answered after it, must not bring the older cookie back."""
    before = client.get_cookie("rebound_session").value
    flashed = app.test_client()
    flashed.set_cookie("rebound_session", before)
    with client.session_transaction() as session:  # the form's answer: a notice for the next page
        session["_flashes"] = [("message", "Interview round added.")]
    poll = flashed.get("/inbox/badge", headers=HTMX)  # the poll that set off with the older cookie
    assert poll.status_code in (200, 204)
    assert "rebound_session" not in (poll.headers.get("Set-Cookie") or "")
    assert "Interview round added." in client.get("/inbox").get_data(as_text=True)
