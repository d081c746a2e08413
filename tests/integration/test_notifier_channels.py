"""The notifier's real senders against real receivers on this machine.

A real SMTP server (aiosmtpd) takes the e-mail; a local HTTP server takes
Apprise json:// posts and webhooks. We assert on what was received.
"""
from __future__ import annotations

import email
import email.policy
import hmac
import json
import threading
from datetime import datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from aiosmtpd.controller import Controller

from services.notifier import handlers
from services.notifier.api import create_app
from services.notifier.channels.webhook import signature
from services.notifier.delivery import PAUSE_AFTER, Dispatcher
from shared.auth import HEADER, sign_user_token
from shared.config import load_settings
from shared.events import make_event
from shared.runtime import Runtime
from rebound.migrations import migrate_service
from support.ports import free_port

pytestmark = pytest.mark.integration
NOON = datetime(2026, 3, 2, 12, 0)


class Inbox:
    """aiosmtpd handler keeping every parsed message."""

    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):
        self.messages.append(email.message_from_bytes(envelope.content, policy=email.policy.default))
        return "250 OK"


class HttpSink:
    """A local HTTP server recording POSTs; paths in `fail` answer 500."""

    def __init__(self):
        self.requests, self.fail = [], set()
        sink = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                sink.requests.append((self.path, dict(self.headers), body))
                self.send_response(500 if self.path in sink.fail else 200)
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def to(self, path):
        return [(headers, body) for p, headers, body in self.requests if p == path]


@pytest.fixture
def world(tmp_path, monkeypatch):
    smtp_inbox = Inbox()
    controller = Controller(smtp_inbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    sink = HttpSink()
    monkeypatch.setenv("REBOUND_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("REBOUND_SMTP_URL", f"smtp://127.0.0.1:{controller.port}/")
    monkeypatch.setenv("REBOUND_BASE_URL", "https://rebound.example")
    monkeypatch.setenv("REBOUND_ALLOW_PRIVATE_TARGETS", "true")  # the sinks listen on loopback
    settings = load_settings()
    migrate_service("notifier", settings)
    runtime = Runtime.build("notifier", settings)
    clock = {"now": NOON}
    monkeypatch.setattr("services.notifier.clock.now", lambda: clock["now"])
    app = create_app(runtime=runtime).test_client()
    dispatcher = Dispatcher(runtime.sessions, settings, clock=lambda: clock["now"])
    yield _World(app, runtime, dispatcher, smtp_inbox, sink, clock)
    sink.server.shutdown()
    controller.stop()
    runtime.engine.dispose()


class _World:
    def __init__(self, app, runtime, dispatcher, smtp, sink, clock):
        self.app, self.runtime, self.dispatcher, self.smtp, self.sink, self.clock = (
            app, runtime, dispatcher, smtp, sink, clock)

    def call(self, method, path, json=None):
        token = sign_user_token(self.runtime.settings.internal_secret, "alice")
        return self.app.open(path, method=method, json=json, headers={HEADER: token})

    def event(self, type_, data):
        event = make_event(type_, user_id="alice", data=data, producer="test")
        self.apply(event)
        return event

    def apply(self, event):
        with self.runtime.sessions.begin() as session:
            for handler in handlers.HANDLERS[event["type"]]:
                handler(session, event)

    def mail_to(self, address):
        return [m for m in self.smtp.messages if m["To"] == address]


def _register(world, wins_right_away=True):
    world.event("user.registered", {"display_name": "Alice", "email": "alice@example.org", "timezone": "UTC"})
    if wins_right_away:  # wins wait for the daily digest by default; these tests send them at once
        assert world.call("PATCH", "/preferences", {"topics": {"wins": "immediate"}}).status_code == 200


def test_email_apprise_and_webhook_receive_a_win_once(world):
    _register(world)
    world.call("POST", "/channels", {"kind": "apprise", "target": f"json://127.0.0.1:{world.sink.url.rsplit(':', 1)[1]}/push"})
    key = world.call("POST", "/channels", {"kind": "webhook", "target": world.sink.url + "/hook"}).json["signing_key"]
    event = world.event("win.celebrated", {"win_id": 1, "kind": "k", "title": "First application out!"})
    world.apply(event)  # delivered twice by the bus: still one message per channel
    world.dispatcher.run_once()
    world.dispatcher.run_once()
    [mail] = world.mail_to("alice@example.org")
    assert mail["Subject"] == "A win worth noticing"
    assert "First application out!" in mail.get_body(("plain",)).get_content()
    assert "First application out!" in mail.get_body(("html",)).get_content()
    [(_, push)] = world.sink.to("/push")
    assert json.loads(push)["message"].startswith("First application out!")
    [(headers, body)] = world.sink.to("/hook")
    expected = signature(key, headers["X-Rebound-Timestamp"], body)
    assert hmac.compare_digest(headers["X-Rebound-Signature"], expected)
    assert json.loads(body)["body"] == "First application out!"
    assert signature("wrong-key", headers["X-Rebound-Timestamp"], body) != headers["X-Rebound-Signature"]


def test_a_channel_answering_500_is_retried_then_paused_while_email_still_goes_out(world):
    _register(world)
    hook = world.call("POST", "/channels", {"kind": "webhook", "target": world.sink.url + "/broken"}).json
    world.sink.fail.add("/broken")
    world.event("win.celebrated", {"win_id": 1, "kind": "k", "title": "Win"})
    for _ in range(PAUSE_AFTER + 2):
        world.dispatcher.run_once()
        world.clock["now"] += timedelta(hours=2)  # past every backoff
    assert len(world.sink.to("/broken")) == PAUSE_AFTER
    assert len(world.mail_to("alice@example.org")) == 2  # the win, and the note about the pause
    channels = world.call("GET", "/channels").json["items"]
    assert [c["paused"] for c in channels if c["id"] == hook["id"]] == [True]
    [note] = world.call("GET", "/notifications?kind=system").json["items"]
    assert "paused" in note["title"]


def test_a_nudge_as_received_names_no_company_or_role(world):
    _register(world)
    world.call("POST", "/supporters", {"name": "Sam", "relationship": "friend", "email": "sam@example.org"})
    world.dispatcher.run_once()
    [invitation] = world.mail_to("sam@example.org")
    confirm_url = next(line for line in invitation.get_body(("plain",)).get_content().split()
                       if "/supporters/confirm/" in line)
    token = confirm_url.rsplit("/", 1)[-1]
    assert invitation["List-Unsubscribe"].startswith("<https://rebound.example/supporters/unsubscribe/")
    assert world.app.post(f"/public/supporters/confirm/{token}").json["status"] == "confirmed"
    world.event("support.nudge_requested", {"reason": "Rejected by Acme Corp for the Data Engineer role",
                                            "intensity": "strong", "share_details": True})
    world.dispatcher.run_once()
    nudge = world.mail_to("sam@example.org")[-1]
    received = nudge.as_string()
    for secret in ("Acme", "Data Engineer", "Rejected"):
        assert secret not in received
    assert "tough stretch" in nudge.get_body(("plain",)).get_content()


def test_smtp_login_is_used_when_the_url_has_credentials(tmp_path):
    from aiosmtpd.smtp import AuthResult

    from services.notifier.channels.message import DeliveryFailed, Message, Target
    from services.notifier.channels.email import EmailSender

    logins = []

    def authenticator(server, session, envelope, mechanism, auth_data):
        logins.append((auth_data.login, auth_data.password))
        return AuthResult(success=auth_data.password == b"s3cret")

    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port(), authenticator=authenticator,
                            auth_required=True, auth_require_tls=False)
    controller.start()
    try:
        message = Message(key="rebound:t1", subject="Hi", title="Hi", body="Hello", text="Hello")
        url = f"smtp://mailer:s3cret@127.0.0.1:{controller.port}/"
        EmailSender(url, tmp_path, "Rebound <r@example.org>")(Target("email", "a@example.org"), message)
        with pytest.raises(DeliveryFailed):
            EmailSender(url.replace("s3cret", "wrong"), tmp_path, "r@example.org")(
                Target("email", "a@example.org"), message)
    finally:
        controller.stop()
    assert logins[0] == (b"mailer", b"s3cret") and len(inbox.messages) == 1
    assert inbox.messages[0]["To"] == "a@example.org"
