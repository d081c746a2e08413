"""Fixtures for the frontend: a migrated temp database, the app, and fake services.

The three services are played by one tiny real HTTP server on a free port
(paths prefixed with the service name), so the frontend's HTTP client,
headers and timeouts are exercised for real.
"""
from __future__ import annotations

import email
import email.policy
import json
import os
import re
import socket
import sys
import threading
from dataclasses import dataclass
from pathlib import Path

import pytest
from argon2 import PasswordHasher
from werkzeug.serving import make_server
from werkzeug.wrappers import Request, Response

# Import the working tree's `frontend`: an editable install made before the
# package had its __init__.py maps it as a namespace package (no __file__),
# which hides its migrations folder.
ROOT = str(Path(__file__).resolve().parents[3])
if ROOT not in sys.path:
    sys.path.insert(0, ROOT)

from frontend import accounts  # noqa: E402
from frontend.app import create_app  # noqa: E402
from shared.auth import HEADER  # noqa: E402
from shared.config import load_settings  # noqa: E402
from shared.runtime import Runtime  # noqa: E402
from rebound.migrations import migrate_service  # noqa: E402

SERVICES = ("tracker", "coach", "notifier", "mailbox")
CSRF_INPUT = re.compile(r'name="csrf_token" value="([^"]+)"')
CONFIRM_LINK = re.compile(r"https?://[^/\s]+(/register/confirm/[^\s\"<]+)")


@dataclass
class Call:
    service: str
    method: str
    path: str
    args: dict
    json: object
    token: str | None


class FakeServices:
    """Records every call and answers canned JSON; unknown routes get a 404."""

    def __init__(self):
        self.calls: list[Call] = []
        self.replies: dict[tuple[str, str, str], tuple[int, dict, dict]] = {}

    def reset(self) -> None:
        self.calls.clear()
        self.replies.clear()
        for service, path in (("tracker", "/applications"), ("coach", "/reflections"),
                              ("notifier", "/notifications")):
            self.reply(service, "GET", path, {"items": [], "next_cursor": None})

    def reply(self, service: str, method: str, path: str, body: dict, status: int = 200,
              headers: dict | None = None) -> None:
        self.replies[(service, method, path)] = (status, body, headers or {})

    def calls_to(self, service: str, method: str | None = None) -> list[Call]:
        return [c for c in self.calls if c.service == service and method in (None, c.method)]

    def __call__(self, environ, start_response):
        request = Request(environ)
        service, _, rest = request.path.lstrip("/").partition("/")
        path = "/" + rest
        self.calls.append(Call(service, request.method, path, request.args.to_dict(),
                               request.get_json(silent=True), request.headers.get(HEADER)))
        status, body, headers = self.replies.get(
            (service, request.method, path),
            (404, {"error": {"code": "not_found", "message": "No such thing.", "fields": {}}}, {}),
        )
        return Response(json.dumps(body), status, headers=headers,
                        content_type="application/json")(environ, start_response)


@pytest.fixture(autouse=True)
def cheap_password_hashing(monkeypatch):
    """Argon2 with its smallest costs: the same algorithm, a fraction of the time."""
    monkeypatch.setattr(accounts, "_hasher", PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1))


@pytest.fixture(scope="session")
def fake_server():
    fake = FakeServices()
    server = make_server("127.0.0.1", 0, fake, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    fake.url = f"http://127.0.0.1:{server.server_port}"
    yield fake
    server.shutdown()


@pytest.fixture
def services(fake_server) -> FakeServices:
    fake_server.reset()
    return fake_server


@pytest.fixture
def unreachable_url() -> str:
    """A loopback address where nothing listens: connections are refused at once."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}"


@pytest.fixture
def settings(tmp_path, monkeypatch, services):
    for name in list(os.environ):
        if name.startswith("REBOUND_"):
            monkeypatch.delenv(name)
    monkeypatch.setenv("REBOUND_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("REBOUND_SECRET_KEY", "unit-test-secret-key")
    monkeypatch.setenv("REBOUND_INTERNAL_SECRET", "unit-test-internal-secret")
    for name in SERVICES:
        monkeypatch.setenv(f"REBOUND_{name.upper()}_URL", f"{services.url}/{name}")
    return load_settings()


@pytest.fixture
def runtime(settings):
    migrate_service("frontend", settings)
    built = Runtime.build("frontend", settings)
    yield built
    built.engine.dispose()


@pytest.fixture
def app(settings, runtime):
    app = create_app(settings, runtime)
    app.config["TESTING"] = True
    return app


@pytest.fixture
def client(app):
    return app.test_client()


def csrf_from(response) -> str:
    """The CSRF token a rendered page hands to its forms."""
    match = CSRF_INPUT.search(response.get_data(as_text=True))
    assert match, "page has no CSRF field"
    return match.group(1)


def mail_text(path) -> str:
    """The plain-text body of a mail Rebound wrote as an .eml file."""
    mail = email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
    return mail.get_body(preferencelist=("plain",)).get_content()


class AuthActions:
    def __init__(self, client):
        self.client = client

    def csrf(self) -> str:
        return csrf_from(self.client.get("/register"))

    def register(self, email="ada@example.com", password="a long enough secret",
                 display_name="Ada", timezone="Europe/London"):
        """Sign up as a person would: the form, then the link in the mail (open sign-up).

        Answers the confirmation's response (302 and signed in), or the form's
        answer when no new confirmation mail came (a refusal, or a taken address).
        """
        app = self.client.application
        mail_dir = app.extensions["rebound.runtime"].settings.data_dir / "mail"
        before = set(mail_dir.glob("*.eml")) if mail_dir.exists() else set()
        data = {"email": email, "password": password, "display_name": display_name,
                "timezone": timezone, "csrf_token": self.csrf()}
        answer = self.client.post("/register", data=data)
        if answer.status_code != 200:
            return answer
        app.extensions["rebound.mail"].wait()
        links = [CONFIRM_LINK.search(mail_text(path)) for path in set(mail_dir.glob("*.eml")) - before]
        links = [found.group(1) for found in links if found]
        if not links:
            return answer
        page = self.client.get(links[0])
        return self.client.post(links[0], data={"csrf_token": csrf_from(page)})

    def login(self, email="ada@example.com", password="a long enough secret"):
        data = {"email": email, "password": password, "csrf_token": self.csrf()}
        return self.client.post("/login", data=data)

    def logout(self):
        return self.client.post("/logout", data={"csrf_token": self.csrf()})


@pytest.fixture
def auth(client) -> AuthActions:
    return AuthActions(client)


@pytest.fixture
def signed_in(auth) -> AuthActions:
    """A registered, signed-in user (registration signs in)."""
    response = auth.register()
    assert response.status_code == 302
    return auth
