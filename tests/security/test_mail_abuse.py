"""Rebound can't be used to send mail to people who never asked for it.

An e-mail channel carries nothing until the link mailed to it is followed;
invitations, their resends and test messages are limited per person and per
recipient address (whichever account asks); a display name reaches a
stranger's subject line only as plain words; and the instance sends at most
REBOUND_MAIL_PER_HOUR e-mails an hour, the rest waiting rather than failing.
Mail is written as .eml files under the data directory (no SMTP server set).
"""
from __future__ import annotations

import re
from email import policy
from email.parser import BytesParser

import pytest
from sqlalchemy import select

from services.notifier.delivery import Dispatcher
from services.notifier.models import Delivery, Recipient
from services.notifier.api_public import PREFIX

HOSTILE_NAME = "Eve <eve@evil.example> https://phish.example/login"


@pytest.fixture
def notifier(make_service, monkeypatch):
    def build(**env):
        for name, value in env.items():
            monkeypatch.setenv(f"REBOUND_{name}", value)
        return make_service("notifier")
    return build


def _send_due(svc) -> None:
    Dispatcher(svc.runtime.sessions, svc.runtime.settings).run_once()


def _mails(svc) -> list:
    folder = svc.runtime.settings.data_dir / "mail"
    parser = BytesParser(policy=policy.default)
    return [parser.parsebytes(p.read_bytes()) for p in sorted(folder.rglob("*.eml"))] if folder.exists() else []


def _to(svc, address: str) -> list:
    return [m for m in _mails(svc) if m["To"] == address]


def _link(mail) -> str:
    return re.search(r"https?://\S+/channels/verify/(\S+)", mail.get_body(("plain",)).get_content()).group(1)


def _name(svc, user: str, display_name: str) -> None:
    with svc.runtime.sessions.begin() as session:
        session.add(Recipient(user_id=user, display_name=display_name, email=f"{user}@example.org"))


def test_an_email_channel_carries_nothing_until_its_link_is_followed(notifier):
    svc = notifier()
    made = svc.post("/channels", {"kind": "email", "target": "stranger@example.net"})
    assert made.status_code == 201 and made.get_json()["verified"] is False
    channel = made.get_json()["id"]
    test = svc.post(f"/channels/{channel}/test").get_json()
    assert test["result"] == "not delivered" and "confirm" in test["error"].lower()
    _send_due(svc)
    [asking] = _to(svc, "stranger@example.net")
    token = _link(asking)
    assert "test" not in asking["Subject"].lower()

    client = svc.app.test_client()
    assert client.post(f"{PREFIX}/channels/verify/{token[:-3]}xyz").status_code == 410
    assert client.get(f"{PREFIX}/channels/verify/{token}").get_json()["verified"] is False  # looking changes nothing
    assert client.post(f"{PREFIX}/channels/verify/{token}").get_json()["verified"] is True
    assert svc.get("/channels").get_json()["items"][0]["verified"] is True
    assert svc.post(f"/channels/{channel}/test").get_json()["result"] == "delivered"
    assert len(_to(svc, "stranger@example.net")) == 2


def test_invitations_are_limited_per_person_and_per_recipient(notifier):
    svc = notifier()
    sam = svc.post("/supporters", {"name": "Sam", "relationship": "friend", "email": "sam@example.net"})
    assert sam.status_code == 201
    resends = [svc.post(f"/supporters/{sam.get_json()['id']}/resend") for _ in range(3)]
    assert [r.status_code for r in resends] == [200, 200, 429]
    assert int(resends[-1].headers["Retry-After"]) > 0
    # Another account can't send that address more either: the limit is the recipient's.
    other = svc.post("/supporters", {"name": "Sam", "relationship": "friend", "email": "SAM@example.net"},
                     user="mallory")
    assert other.status_code == 429
    fine = svc.post("/supporters", {"name": "Kim", "relationship": "friend", "email": "kim@example.net"},
                    user="mallory")
    assert fine.status_code == 201
    _send_due(svc)
    assert len(_to(svc, "sam@example.net")) == 3


def test_test_messages_are_limited(notifier):
    svc = notifier(ALLOW_PRIVATE_TARGETS="false")
    channel = svc.post("/channels", {"kind": "webhook", "target": "https://hooks.invalid/x"}).get_json()["id"]
    answers = [svc.post(f"/channels/{channel}/test") for _ in range(6)]
    assert [a.status_code for a in answers[:5]] == [200] * 5
    assert answers[5].status_code == 429 and "Retry-After" in answers[5].headers


def test_a_display_name_reaches_a_strangers_subject_only_as_plain_words(notifier):
    svc = notifier()
    _name(svc, "alice", HOSTILE_NAME)
    assert svc.post("/supporters", {"name": "Sam", "relationship": "friend",
                                    "email": "sam@example.net"}).status_code == 201
    _send_due(svc)
    [invitation] = _to(svc, "sam@example.net")
    subject, sender = invitation["Subject"], invitation["From"]
    for mark in ("<", ">", "@", "://", "phish.example", "\n", "\r"):
        assert mark not in subject, (mark, subject)
    assert "Eve" in subject
    assert sender == svc.runtime.settings.mail_from


def test_the_instance_sends_at_most_its_hourly_ceiling_and_the_rest_waits(notifier):
    svc = notifier(MAIL_PER_HOUR="3")
    for n in range(5):
        answer = svc.post("/supporters", {"name": f"P{n}", "relationship": "friend",
                                          "email": f"p{n}@example.net"}, user=f"user{n}")
        assert answer.status_code == 201
    _send_due(svc)
    assert len(_mails(svc)) == 3
    with svc.runtime.sessions() as session:
        waiting = session.scalars(select(Delivery).where(Delivery.sent_at.is_(None))).all()
    assert len(waiting) == 2
    assert all(d.state == "retry" and d.attempts == 0 and "hourly" in d.last_error for d in waiting)
