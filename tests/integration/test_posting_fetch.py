"""Reading a posting from a real local HTTP server: fixture pages, redirects, and what is refused.

The server listens on 127.0.0.1, so the tests that read from it allow private targets
(REBOUND_ALLOW_PRIVATE_TARGETS=true, as a self-hoster might); the refusal tests do not.
"""
from __future__ import annotations

import functools
import threading
import time
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from services.tracker import posting_fetch
from services.tracker.api import create_app
from shared.auth import HEADER, sign_user_token
from shared.config import load_settings
from shared.runtime import Runtime
from rebound.migrations import migrate_service

pytestmark = pytest.mark.integration
FIXTURES = Path(__file__).parents[1] / "fixtures" / "postings"


class PostingPages(SimpleHTTPRequestHandler):
    """The fixture pages, plus a page too large to read, a slow one and redirects."""

    hits: list[str]

    def do_GET(self):
        self.hits.append(self.path)
        if self.path == "/huge.html":
            return self._answer(200, b"<p>" + b"a" * (posting_fetch.MAX_BYTES + 10) + b"</p>", chunked=True)
        if self.path == "/slow.html":
            time.sleep(1.5)
            return self._answer(200, b"<p>late</p>")
        if self.path.startswith("/go/"):  # /go/<n>/<page>: n redirects, then the page
            count, page = self.path.split("/", 3)[2:]
            target = f"/go/{int(count) - 1}/{page}" if int(count) > 1 else f"/{page}"
            self.send_response(302)
            self.send_header("Location", target)
            self.end_headers()
            return None
        return super().do_GET()

    def _answer(self, status: int, body: bytes, chunked: bool = False):
        self.send_response(status)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        if not chunked:  # no Content-Length: the cap must hold while reading, not only on the header
            self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        try:
            self.wfile.write(body)
        except (BrokenPipeError, ConnectionResetError):
            pass

    def log_message(self, *args):
        pass


@pytest.fixture
def pages():
    handler = functools.partial(type("Pages", (PostingPages,), {"hits": []}), directory=str(FIXTURES))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    server.base = f"http://127.0.0.1:{server.server_port}"
    server.hits = handler.func.hits
    yield server
    server.shutdown()
    server.server_close()


@pytest.fixture
def tracker(tmp_path, monkeypatch):
    """tracker(allow_private) -> a function posting to the tracker's /postings/read as a user."""
    monkeypatch.setenv("REBOUND_DATA_DIR", str(tmp_path))

    def build(allow_private: bool):
        monkeypatch.setenv("REBOUND_ALLOW_PRIVATE_TARGETS", "true" if allow_private else "false")
        settings = load_settings()
        migrate_service("tracker", settings)
        client = create_app(runtime=Runtime.build("tracker", settings)).test_client()
        headers = {HEADER: sign_user_token(settings.internal_secret, "alice")}
        return lambda body: client.post("/postings/read", json=body, headers=headers)
    return build


def test_a_posting_page_is_fetched_and_read(pages, tracker):
    url = pages.base + "/json_ld.html"
    answer = tracker(allow_private=True)({"url": url})
    assert answer.status_code == 200, answer.json
    assert answer.json["read_from"] == "json_ld"
    fields = answer.json["fields"]
    assert (fields["company"], fields["role"], fields["url"]) == ("Fernhill Botanical Trust", "Senior Gardener", url)
    assert (fields["salary_min"], fields["salary_max"], fields["salary_currency"]) == (28000, 32500, "GBP")


def test_redirects_are_followed_a_few_times_only(pages, tracker):
    read = tracker(allow_private=True)
    assert read({"url": pages.base + "/go/2/meta_only.html"}).json["fields"]["company"] == "Little Crumb Bakery"
    pages.hits.clear()
    too_many = read({"url": pages.base + "/go/9/meta_only.html"})
    assert too_many.status_code == 422
    assert pages.hits == [f"/go/{n}/meta_only.html" for n in (9, 8, 7, 6)]  # the first ask and three redirects


def test_a_private_address_is_refused_and_never_contacted(pages, tracker):
    answer = tracker(allow_private=False)({"url": pages.base + "/json_ld.html"})
    assert answer.status_code == 422
    message = answer.json["error"]["fields"]["url"][0]
    assert "private network" in message and "paste the posting's text" in message
    assert pages.hits == []


@pytest.mark.parametrize("url", ["http://169.254.169.254/latest/meta-data/", "http://[::1]:9/", "http://10.0.0.7/",
                                 "http://localhost:9/"])
def test_metadata_loopback_and_private_addresses_are_refused(tracker, url):
    answer = tracker(allow_private=False)({"url": url})
    assert answer.status_code == 422 and "private network" in answer.json["error"]["message"]


def test_a_page_too_large_is_not_read(pages, tracker):
    answer = tracker(allow_private=True)({"url": pages.base + "/huge.html"})
    assert answer.status_code == 422
    assert "larger than we read" in answer.json["error"]["fields"]["url"][0]


def test_a_slow_page_times_out(pages):
    started = time.monotonic()
    with pytest.raises(posting_fetch.Unreadable) as caught:
        posting_fetch.fetch(pages.base + "/slow.html", allow_private=True, timeout=0.5)
    assert caught.value.reason == "timeout"
    assert time.monotonic() - started < 1.4


@pytest.mark.parametrize("body", [{}, {"url": "ftp://example.com/job"}, {"url": "https://a.example", "text": "x"},
                                  {"text": ""}])
def test_bad_input_is_422_with_the_field(tracker, body):
    answer = tracker(allow_private=False)(body)
    assert answer.status_code == 422 and answer.json["error"]["fields"]


def test_pasted_text_needs_no_fetch(tracker):
    answer = tracker(allow_private=False)({"text": "Baker at Crumb & Co\nSalary: €30,000 a year"})
    assert answer.status_code == 200
    assert answer.json["fields"]["company"] == "Crumb & Co" and answer.json["fields"]["salary_min"] == 30000
