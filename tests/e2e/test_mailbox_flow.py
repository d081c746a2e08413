"""A rejection e-mail travels from a real IMAP server to a recorded rejection and the coach's card."""
from __future__ import annotations

import sqlite3
import sys
import time
from datetime import datetime, timezone
from pathlib import Path

import pytest

from tests.e2e.harness import Api, make_stack, wait_until

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "integration" / "mailbox"))
from mail_samples import rejection  # noqa: E402
from support.dovecot import PASSWORD, USER  # noqa: E402

pytestmark = pytest.mark.e2e
SAM_PASSWORD = "a long enough password"


@pytest.fixture
def stack(tmp_path):
    stack = make_stack(tmp_path)
    stack.env.update({"REBOUND_ALLOW_PRIVATE_TARGETS": "1", "REBOUND_MAILBOX_POLL_S": "1"})
    stack.start()
    yield stack
    for name in stack.procs:  # shown only when the test fails
        print(f"--- {name}\n{stack.log_tail(name)}")
    codes = stack.stop()
    assert all(code == 0 for code in codes.values()), f"unclean exits: {codes}"


@pytest.fixture
def api(stack) -> Api:
    stack.cli("users", "create", "sam@example.com", "--name", "Sam", stdin=SAM_PASSWORD + "\n")
    return Api(stack.base_url, stack.cli("tokens", "create", "sam@example.com").split()[-1])


def mailbox_knows(stack, application_id: int) -> bool:
    """The mailbox has its copy of the application (from the tracker's event)."""
    try:
        with sqlite3.connect(stack.data_dir / "mailbox.db") as db:
            return db.execute("SELECT 1 FROM known_applications WHERE application_id = ?",
                              (application_id,)).fetchone() is not None
    except sqlite3.OperationalError:
        return False


def test_a_mailed_rejection_is_proposed_accepted_recorded_and_coached(api, stack, dovecot):
    created = api.post("/applications", {"company": "Contoso", "role": "Data Analyst"}).json()
    wait_until(lambda: mailbox_knows(stack, created["id"]), message="the mailbox's copy of the application")
    connected = api.http.put(api.base + "/mailbox/account", timeout=30, json={
        "host": "127.0.0.1", "port": dovecot.port, "tls": "none", "username": USER, "password": PASSWORD})
    assert connected.status_code == 201, connected.text
    wait_until(lambda: api.get("/mailbox/account").json().get("last_checked_at"), message="the first poll")

    dovecot.append(rejection("Contoso", "Data Analyst"))
    appended = time.monotonic()
    proposals = wait_until(lambda: api.get("/mailbox/proposals").json()["items"], timeout=11,
                           message="a proposal")
    assert time.monotonic() - appended < 11  # within 10 s of the next poll (polls are 1 s apart)
    [proposal] = proposals
    assert (proposal["classification"], proposal["application_id"]) == ("rejection", created["id"])
    assert "move forward with other candidates" in proposal["excerpt"]

    accepted = api.post(f"/mailbox/proposals/{proposal['id']}/accept")
    assert accepted.status_code == 200, accepted.text
    assert accepted.json()["status"] == "accepted"
    application = api.get(f"/applications/{created['id']}").json()
    assert application["stage"] == "rejected"
    assert application["rejection"]["received_on"] == datetime.now(timezone.utc).date().isoformat()

    def coach_card():
        prompts = [r for r in api.get("/reflections", limit=1000).json()["items"]
                   if r["application_id"] == created["id"]]
        cards = [n for n in api.get("/notifications", limit=1000).json()["items"]
                 if n["kind"] == "coach_card" and any(s["kind"] == "reflection" for s in n.get("sections") or [])]
        return prompts and [c for c in cards if "Contoso" in c["title"] + c["body"]]
    assert wait_until(coach_card, timeout=15, message="the coach's card in the inbox")
    assert api.get("/mailbox/proposals").json()["items"] == []
    again = api.post(f"/mailbox/proposals/{proposal['id']}/accept")
    assert again.status_code == 409


def test_auto_record_lets_the_tracker_record_a_clear_rejection_by_itself(api, stack, dovecot):
    created = api.post("/applications", {"company": "Fabrikam", "role": "Product Designer"}).json()
    wait_until(lambda: mailbox_knows(stack, created["id"]), message="the mailbox's copy of the application")
    connected = api.http.put(api.base + "/mailbox/account", timeout=30, json={
        "host": "127.0.0.1", "port": dovecot.port, "tls": "none", "username": USER, "password": PASSWORD,
        "auto_record_above": 0.6})
    assert connected.status_code == 201, connected.text
    wait_until(lambda: api.get("/mailbox/account").json().get("last_checked_at"), message="the first poll")
    dovecot.append(rejection("Fabrikam", "Product Designer"))
    rejected = wait_until(lambda: api.get(f"/applications/{created['id']}").json()["stage"] == "rejected",
                          timeout=15, message="the tracker to record the rejection")
    assert rejected
    assert api.get("/mailbox/proposals").json()["items"] == []  # nothing left to ask about
    [auto] = api.get("/mailbox/proposals", status="auto_recorded").json()["items"]
    assert auto["application_id"] == created["id"]
