"""`rebound run all`: one process that turns a rejection into a prompt and an inbox item,
stops on Ctrl-C within 10 s, and loses nothing across a stop."""
from __future__ import annotations

import os
import signal
import sqlite3
import time

import pytest

from tests.e2e.harness import Api, make_stack, wait_until

pytestmark = pytest.mark.e2e

PASSWORD = "a long enough password"
SERVICES = ("frontend", "tracker", "coach", "notifier")


@pytest.fixture
def stack(tmp_path):
    stack = make_stack(tmp_path, mode="all")
    stack.start()
    yield stack
    print(f"--- all\n{stack.log_tail('all', 60)}")  # shown only when the test fails
    stack.stop()


def _api(stack) -> Api:
    stack.cli("users", "create", "sam@example.com", "--name", "Sam", stdin=PASSWORD + "\n")
    return Api(stack.base_url, stack.cli("tokens", "create", "sam@example.com").split()[-1])


def _ctrl_c(stack) -> tuple[int, float]:
    """SIGINT to the process group, as a terminal's Ctrl-C; (exit code, seconds to exit)."""
    proc = stack.procs.pop("all")
    started = time.monotonic()
    os.killpg(proc.pid, signal.SIGINT)
    code = proc.wait(timeout=30)
    return code, time.monotonic() - started


def _unsent(stack) -> dict[str, int]:
    counts = {}
    for service in SERVICES:
        with sqlite3.connect(stack.data_dir / f"{service}.db") as db:
            counts[service] = db.execute("SELECT count(*) FROM outbox WHERE sent_at IS NULL").fetchone()[0]
    return counts


def test_one_process_serves_everything_and_no_service_port_is_open(stack):
    api = _api(stack)
    app_id = api.post("/applications", {"company": "Northwind", "role": "Analyst"}).json()["id"]
    assert api.post(f"/applications/{app_id}/rejection", {"reason": "experience"}).status_code == 201
    items = wait_until(lambda: [r for r in api.get("/reflections").json()["items"]
                                if r["application_id"] == app_id], message="the reflection prompt")
    assert "Northwind" in items[0]["prompt"]
    cards = wait_until(lambda: [n for n in api.get("/notifications").json()["items"]
                                if n["kind"] == "coach_card" and "Northwind" in n["title"] + n["body"]
                                and any(s["kind"] == "reflection" for s in n["sections"] or [])],
                       message="the coach's card in the inbox")
    assert items[0]["prompt"] in [s["body"] for s in cards[0]["sections"]]
    assert list(stack.procs) == ["all"]
    import socket
    for prefix in ("TRACKER", "COACH", "NOTIFIER", "MAILBOX"):
        with socket.socket() as sock:
            assert sock.connect_ex(("127.0.0.1", int(stack.env[f"REBOUND_{prefix}_PORT"]))) != 0


def test_ctrl_c_stops_within_10_s_and_a_restart_delivers_everything(stack):
    api = _api(stack)
    ids = [api.post("/applications", {"company": f"Stopco {i}", "role": "Analyst"}).json()["id"]
           for i in range(20)]
    for app_id in ids:
        assert api.post(f"/applications/{app_id}/rejection", {}).status_code == 201
    code, seconds = _ctrl_c(stack)  # at once: events are still on their way
    assert code == 0, stack.log_tail("all")
    assert seconds < 10, f"took {seconds:.1f}s to stop"

    stack.start()
    prompted = wait_until(lambda: {r["application_id"] for r in api.get("/reflections", limit=1000).json()["items"]}
                          >= set(ids) or None, timeout=30, message="every rejection's prompt after the restart")
    assert prompted
    wait_until(lambda: not any(_unsent(stack).values()), timeout=30,
               message=lambda: f"outboxes to drain: {_unsent(stack)}")
    reflections = [r for r in api.get("/reflections", limit=1000).json()["items"] if r["application_id"] in ids]
    assert len(reflections) == len(ids), "a rejection was prompted twice"
