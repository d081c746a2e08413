"""Webhooks and Apprise URLs never reach private addresses unless the operator allows it.

Real HTTP servers listen on loopback: by default a channel or supporter aimed at
them is refused when created (422 on `target` / `apprise_url`) and, if it was made
while private targets were allowed, when sent (the test says only "not delivered",
the same words whether a port answers or not, and the server hears nothing). With
REBOUND_ALLOW_PRIVATE_TARGETS=true they are reached. A public host that redirects to
loopback is refused at the redirect.
"""
from __future__ import annotations

import threading

import pytest
from werkzeug.serving import make_server
from werkzeug.wrappers import Request, Response

from services.notifier.channels import destinations
from shared import public_addresses

FORBIDDEN = ("http://169.254.169.254/latest/meta-data/", "http://[::1]:8080/hook", "http://localhost:9/hook",
             "http://0.0.0.0/hook", "http://10.1.2.3/hook", "http://224.0.0.1/hook", "http://[fe80::1]/hook",
             "http://[::ffff:127.0.0.1]/hook")


class Sink:
    """A real HTTP server on a loopback address that records what reaches it."""

    def __init__(self, host: str = "127.0.0.1", redirect_to: str | None = None, port: int = 0):
        self.hits: list[str] = []
        self.redirect_to = redirect_to
        self.server = make_server(host, port, self, threaded=True)
        self.url = f"http://{host}:{self.server.server_port}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def __call__(self, environ, start_response):
        request = Request(environ)
        self.hits.append(request.path)
        if self.redirect_to:
            return Response(status=307, headers={"Location": self.redirect_to})(environ, start_response)
        return Response("{}", 200, content_type="application/json")(environ, start_response)

    def stop(self):
        self.server.shutdown()


@pytest.fixture
def sinks():
    made: list[Sink] = []

    def make(**kwargs) -> Sink:
        made.append(Sink(**kwargs))
        return made[-1]

    yield make
    for sink in made:
        sink.stop()


@pytest.fixture
def notifier(make_service, monkeypatch):
    """notifier(allow) -> the notifier app with private targets allowed or not (one database)."""
    def build(allow: bool):
        monkeypatch.setenv("REBOUND_ALLOW_PRIVATE_TARGETS", "true" if allow else "false")
        return make_service("notifier")
    return build


def _channel(svc, kind: str, target: str):
    return svc.post("/channels", {"kind": kind, "target": target})


def _apprise(url: str) -> str:
    return "json://" + url.split("://", 1)[1]


@pytest.mark.parametrize("kind", ["webhook", "apprise"])
def test_loopback_servers_are_refused_by_default_and_reached_when_allowed(notifier, sinks, kind):
    sink = sinks()
    target = sink.url + "/hook" if kind == "webhook" else _apprise(sink.url + "/hook")
    strict = notifier(allow=False)
    refused = _channel(strict, kind, target)
    assert refused.status_code == 422 and "target" in refused.get_json()["error"]["fields"]

    allowing = notifier(allow=True)
    made = _channel(allowing, kind, target)
    assert made.status_code == 201, made.get_data(as_text=True)
    answer = allowing.post(f"/channels/{made.get_json()['id']}/test").get_json()
    assert answer["ok"] is True and answer["result"] == "delivered"
    assert sink.hits == ["/hook"]

    strict = notifier(allow=False)  # the operator turned it off: channels made before stop too
    answer = strict.post(f"/channels/{made.get_json()['id']}/test").get_json()
    assert answer["ok"] is False and answer["result"] == "not delivered"
    assert sink.hits == ["/hook"], "a refused destination was still contacted"


@pytest.mark.parametrize("target", FORBIDDEN)
@pytest.mark.parametrize("kind", ["webhook", "apprise"])
def test_metadata_loopback_and_private_addresses_are_refused_when_created(notifier, kind, target):
    svc = notifier(allow=False)
    answer = _channel(svc, kind, target if kind == "webhook" else _apprise(target))
    assert answer.status_code == 422, answer.get_data(as_text=True)
    assert "target" in answer.get_json()["error"]["fields"]


@pytest.mark.parametrize("url", ["json://169.254.169.254/", "json://[::1]:8080/", "json://localhost:9/"])
def test_supporters_apprise_urls_to_private_addresses_are_refused(notifier, url):
    svc = notifier(allow=False)
    answer = svc.post("/supporters", {"name": "Sam", "relationship": "friend", "apprise_url": url})
    assert answer.status_code == 422 and "apprise_url" in answer.get_json()["error"]["fields"]


@pytest.mark.parametrize("target", ["http://169.254.169.254/latest/meta-data/", "http://[::1]:8080/hook"])
@pytest.mark.parametrize("kind", ["webhook", "apprise"])
def test_metadata_and_loopback_are_refused_when_sent(notifier, kind, target):
    made = _channel(notifier(allow=True), kind, target if kind == "webhook" else _apprise(target))
    assert made.status_code == 201
    answer = notifier(allow=False).post(f"/channels/{made.get_json()['id']}/test").get_json()
    assert answer["ok"] is False and answer["result"] == "not delivered"


def test_the_test_answer_is_the_same_whether_a_private_port_answers_or_not(notifier, sinks):
    listening = sinks().url
    closed = "http://127.0.0.1:9"
    allowing = notifier(allow=True)
    ids = [_channel(allowing, "webhook", url + "/hook").get_json()["id"] for url in (listening, closed)]
    strict = notifier(allow=False)
    answers = [strict.post(f"/channels/{i}/test").get_json() for i in ids]
    assert answers[0] == answers[1]
    assert "9" not in answers[0]["error"] and "127.0.0.1" not in answers[0]["error"]


def test_a_redirect_to_loopback_is_refused(notifier, sinks, monkeypatch):
    inside = sinks()
    # 127.0.0.2 plays a public host here: the only address this machine may use as one.
    outside = sinks(host="127.0.0.2", redirect_to=inside.url + "/metadata")
    monkeypatch.setattr(public_addresses, "is_public", lambda ip: str(ip) == "127.0.0.2")
    svc = notifier(allow=False)
    made = _channel(svc, "apprise", _apprise(outside.url + "/hook"))
    assert made.status_code == 201, made.get_data(as_text=True)
    answer = svc.post(f"/channels/{made.get_json()['id']}/test").get_json()
    assert outside.hits == ["/hook"], "the public host was not even asked"
    assert inside.hits == [], "the redirect reached a loopback server"
    assert answer["result"] == "not delivered"


def test_the_checked_address_is_the_one_connected_to(sinks, monkeypatch):
    """DNS rebinding: a name that answers a public address to the check and loopback afterwards
    still reaches only the address that was checked (it is resolved once per connection)."""
    import socket

    import requests

    checked = sinks(host="127.0.0.2")  # plays the public address
    port = checked.server.server_port
    inside = sinks(port=port)  # the same port on loopback: what a second lookup would reach
    answers = iter(["127.0.0.2"] + ["127.0.0.1"] * 10)
    real = socket.getaddrinfo

    def rebinding(host, *args, **kwargs):
        if host == "rebind.example":
            return real(next(answers), *args, **kwargs)
        return real(host, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", rebinding)
    monkeypatch.setattr(public_addresses, "is_public", lambda ip: str(ip) == "127.0.0.2")
    with destinations.guarded(allow_private=False) as guard:
        answer = requests.get(f"http://rebind.example:{port}/hook", timeout=5)
    assert answer.status_code == 200 and not guard.refused
    assert checked.hits == ["/hook"] and inside.hits == []
