"""Text people typed reaches e-mails escaped: names, prompts and labels in the HTML part.

The notifier writes .eml files under the data dir when REBOUND_SMTP_URL is unset;
its real dispatcher sends every due delivery, and the files are parsed back.
"""
from __future__ import annotations

import email
from datetime import timedelta
from email import policy

from services.notifier import clock
from services.notifier import handlers as notifier_handlers
from services.notifier.delivery import Dispatcher
from shared.events import make_event

SCRIPT = "<script>alert(1)</script>"
ATTRIBUTE = '"><img src=x onerror=alert(1)>'
PAYLOAD = SCRIPT + ATTRIBUTE
RAW_MARKS = ("<script", "<img")
ESCAPED = "&lt;script&gt;alert(1)&lt;/script&gt;"


def _apply(svc, event):
    with svc.runtime.sessions.begin() as session:
        for handler in notifier_handlers.HANDLERS[event["type"]]:
            handler(session, event)


def _mails(data_dir) -> list[email.message.EmailMessage]:
    return [email.message_from_bytes(path.read_bytes(), policy=policy.default)
            for path in sorted((data_dir / "mail").rglob("*.eml"))]


def test_names_and_prompts_are_escaped_in_html_mail(make_service):
    svc = make_service("notifier")
    _apply(svc, make_event("user.registered", user_id="alice", producer="test", data={
        "email": "alice@example.com", "display_name": f"Alice {PAYLOAD}", "timezone": "UTC"}))
    assert svc.post("/channels", {"kind": "email", "target": "alice.alt@example.com",
                                  "label": f"Work {PAYLOAD}"}).status_code == 201
    assert svc.post("/supporters", {"name": f"Sam {PAYLOAD}", "relationship": "friend",
                                    "email": "sam@example.com"}).status_code == 201
    # Coaching waits for the daily digest by default; this test reads the prompt's own e-mail.
    assert svc.call("PATCH", "/preferences", json={"topics": {"coaching": "immediate"}}).status_code == 200
    _apply(svc, make_event("reflection.prompted", user_id="alice", producer="test", data={
        "reflection_id": 1, "application_id": 1, "kind": "rejection_applied",
        "prompt": f"How did the application at Acme {PAYLOAD} feel?"}))

    later = clock.now() + timedelta(days=3)  # past any quiet hours or gentle delay
    Dispatcher(svc.runtime.sessions, svc.runtime.settings, clock=lambda: later).run_once()

    mails = _mails(svc.runtime.settings.data_dir)
    assert len(mails) >= 2, f"expected an invitation and a notification, got {len(mails)} mails"
    escaped_somewhere = 0
    for mail in mails:
        html = mail.get_body(preferencelist=("html",)).get_content()
        text = mail.get_body(preferencelist=("plain",)).get_content()
        for mark in RAW_MARKS:
            assert mark not in html, f"{mail['Subject']}: raw {mark} in the HTML part"
        if SCRIPT in text:
            assert ESCAPED in html, f"{mail['Subject']}: the text has the payload, the HTML lacks its escaped form"
            escaped_somewhere += 1
    assert escaped_somewhere >= 2, "the payloads never reached a mail, so nothing was checked"
