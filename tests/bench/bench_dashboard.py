"""(4) the Today page and the unread badge against a trivial endpoint, (8) at scale."""
from __future__ import annotations

import contextlib
import html
import re
import subprocess
import sys
import time
from collections.abc import Iterator

import requests

from tests.e2e.harness import ROOT, browser_session, free_port

from . import load, seed
from .infra import PASSWORD, database_url

# The header's unread badge: htmx polls it with the notifier's ETag in `seen` (204 while unchanged).
BADGE_PATH = "/inbox/badge"
_SEEN = re.compile(r'hx-get="[^"]*[?&]seen=([^"&]+)"')


@contextlib.contextmanager
def ping_server(env: dict) -> Iterator[str]:
    """The trivial Flask /ping under the product's gunicorn options; its URL."""
    port = free_port()
    proc = subprocess.Popen([sys.executable, "-m", "tests.bench.ping_app", str(port)], env=env, cwd=ROOT,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    url = f"http://127.0.0.1:{port}/ping"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                if requests.get(url, timeout=1).ok:
                    break
            except requests.RequestException:
                pass
            assert proc.poll() is None and time.monotonic() < deadline, "the ping app did not start"
            time.sleep(0.1)
        yield url
    finally:
        proc.terminate()
        proc.wait(15)


def seed_today(stack, user_id: str, applications: int, reflections: int, notifications: int) -> None:
    seed.applications(database_url(stack, "tracker"), [user_id], applications)
    seed.reflections(database_url(stack, "coach"), user_id, reflections)
    seed.notifications(database_url(stack, "notifier"), user_id, notifications)


def badge_url(stack, session: requests.Session) -> tuple[str, dict]:
    """(url, headers) of the badge poll as the browser sends it once it shows a count."""
    headers = {"HX-Request": "true"}
    first = session.get(stack.base_url + BADGE_PATH, headers=headers, timeout=10)
    if first.status_code == 200:
        seen = _SEEN.search(html.unescape(first.text))
        if seen:
            return f"{stack.base_url}{BADGE_PATH}?seen={seen.group(1)}", headers  # already URL-encoded
    panel = session.get(stack.base_url + "/notifications", headers=headers, timeout=10)
    assert panel.status_code == 200, panel.status_code
    digest = _digest(panel.text)
    suffix = f"?seen={digest}" if digest else ""
    return f"{stack.base_url}/notifications{suffix}", headers


def _digest(page: str) -> str | None:
    match = re.search(r"seen=([0-9a-f]{16})", page)
    return match.group(1) if match else None


def measure(url: str, sessions: list[requests.Session], seconds: float, headers: dict | None = None,
            processes: int = 2, threads: int = 4) -> load.LoadResult:
    cookies = [s.cookies.get_dict() for s in sessions]
    result = load.run(url, seconds=seconds, processes=processes, threads=threads, cookies=cookies,
                      headers=headers)
    assert result.errors == 0, f"{result.errors} of {result.requests} requests to {url} failed"
    return result


def scale_users(stack, users: int, per_user: int, logged_in: int) -> list[requests.Session]:
    """(8): `users` accounts x `per_user` applications in bulk; sessions for a few of them."""
    made = seed.users(database_url(stack, "frontend"), users, PASSWORD)
    seed.applications(database_url(stack, "tracker"), [uid for uid, _ in made], per_user, seed=8)
    step = max(1, users // logged_in)
    return [browser_session(stack.base_url, email, PASSWORD) for _, email in made[::step][:logged_in]]
