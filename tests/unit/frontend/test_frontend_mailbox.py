"""Settings → Mailbox and the proposals on Today and in the inbox: what is asked of which service."""
from __future__ import annotations

import html

import pytest

HTMX = {"HX-Request": "true"}
PROPOSAL = {"id": 4, "classification": "rejection", "confidence": 0.8, "application_id": 1, "company": "Contoso",
            "role": "Data Analyst", "received_on": "2026-11-03", "excerpt": "We have decided to move forward "
            "with other candidates.", "status": "pending", "created_at": "2026-11-03T10:00:00", "decided_at": None}
ACCOUNT = {"host": "imap.example.com", "port": 993, "tls": "implicit", "username": "sam@example.com",
           "folders": ["INBOX"], "start_on": "2026-11-01", "status": "watching", "auto_record_above": None,
           "last_checked_at": "2026-11-03T10:00:00", "last_error": None, "failing_since": None}


@pytest.fixture
def mailbox(services, settings, monkeypatch):
    monkeypatch.setitem(settings.service_urls, "mailbox", f"{services.url}/mailbox")
    services.reply("mailbox", "GET", "/proposals", {"items": [PROPOSAL], "next_cursor": None})
    services.reply("mailbox", "GET", "/proposals/4", PROPOSAL)
    services.reply("mailbox", "POST", "/proposals/4/accept", {**PROPOSAL, "status": "accepted"})
    return services


def text(response) -> str:
    return html.unescape(response.get_data(as_text=True))


def post(client, path, auth, headers=None, **data):
    return client.post(path, data={**data, "csrf_token": auth.csrf()}, headers=headers or {})


def test_today_and_the_inbox_load_the_proposals_without_waiting_for_them(client, mailbox, signed_in):
    for page in ("/", "/inbox"):
        assert 'hx-get="/mailbox/proposals"' in text(client.get(page))
    assert mailbox.calls_to("mailbox") == []  # the page itself never asks the mailbox
    fragment = text(client.get("/mailbox/proposals", headers=HTMX))
    assert "This looks like a rejection from Contoso for Data Analyst. Record it?" in fragment
    assert "move forward with other candidates" in fragment and "<html" not in fragment


def test_record_asks_the_tracker_with_the_mails_date_then_the_mailbox(client, mailbox, signed_in):
    mailbox.reply("tracker", "GET", "/applications/1", {"id": 1, "applied_on": "2026-10-01"})
    mailbox.reply("tracker", "POST", "/applications/1/rejection", {"id": 1, "stage": "rejected"}, status=201)
    answer = post(client, "/mailbox/proposals/4/record", signed_in, HTMX)
    assert answer.status_code == 200 and "Recorded." in text(answer)
    [rejection] = mailbox.calls_to("tracker", "POST")
    assert rejection.path == "/applications/1/rejection" and rejection.json == {"received_on": "2026-11-03"}
    [accept] = mailbox.calls_to("mailbox", "POST")
    assert accept.path == "/proposals/4/accept" and accept.json == {"application_id": 1}


def test_a_tracker_refusal_records_nothing_and_leaves_the_proposal_open(client, mailbox, signed_in):
    mailbox.reply("tracker", "POST", "/applications/1/rejection", {"error": {
        "code": "ended", "message": "This application has already reached an ending.", "fields": {}}}, status=409)
    answer = post(client, "/mailbox/proposals/4/record", signed_in, HTMX)
    assert "already reached an ending" in text(answer)
    assert mailbox.calls_to("mailbox", "POST") == []


def test_an_unmatched_invitation_becomes_a_new_application_at_the_interview_stage(client, mailbox, signed_in):
    mailbox.reply("mailbox", "GET", "/proposals/4", {**PROPOSAL, "classification": "interview_invitation",
                                                     "application_id": None, "role": None})
    mailbox.reply("tracker", "POST", "/applications", {"id": 9}, status=201)
    mailbox.reply("tracker", "POST", "/applications/9/stage", {"id": 9, "stage": "interview"})
    post(client, "/mailbox/proposals/4/record", signed_in, HTMX)
    created, staged = mailbox.calls_to("tracker", "POST")
    assert created.json["company"] == "Contoso" and created.json["role"] == "Role not named in the mail"
    assert staged.json == {"stage": "interview", "changed_on": "2026-11-03"}
    assert mailbox.calls_to("mailbox", "POST")[-1].json == {"application_id": 9}


def test_the_public_api_accept_records_then_answers_the_proposal(client, mailbox, signed_in):
    mailbox.reply("tracker", "POST", "/applications/1/rejection", {"id": 1}, status=201)
    answer = client.post("/api/v1/mailbox/proposals/4/accept", headers={"X-CSRF-Token": signed_in.csrf()})
    assert answer.status_code == 200 and answer.get_json()["status"] == "accepted"
    mailbox.reply("mailbox", "GET", "/proposals/4", {**PROPOSAL, "status": "declined"})
    again = client.post("/api/v1/mailbox/proposals/4/accept", headers={"X-CSRF-Token": signed_in.csrf()})
    assert again.status_code == 409


def test_the_settings_page_shows_the_mailbox_and_a_failed_connect_says_why(client, mailbox, signed_in):
    mailbox.reply("mailbox", "GET", "/account", ACCOUNT)
    page = text(client.get("/settings/mailbox"))
    assert "sam@example.com on imap.example.com:993" in page and "Yes, forget it" in page
    assert 'href="/settings/mailbox"' in text(client.get("/settings"))
    reason = "The server didn't accept that user name and password."
    mailbox.reply("mailbox", "PUT", "/account", {"error": {"code": "connection_failed", "message": reason,
                                                           "fields": {"connection": [reason]}}}, status=422)
    answer = post(client, "/settings/mailbox/connect", signed_in, host="imap.example.com", port="993",
                  tls="implicit", username="sam", password="nope", folders="INBOX, Jobs", look_back_days="14")
    assert answer.status_code == 422 and reason in text(answer)
    [sent] = mailbox.calls_to("mailbox", "PUT")
    assert sent.json["folders"] == ["INBOX", "Jobs"] and sent.json["look_back_days"] == 14
    assert 'value="nope"' not in text(answer)  # the password is never written back into the page


def test_forget_and_disconnect_need_the_csrf_token(client, mailbox, signed_in):
    assert client.post("/settings/mailbox/forget").status_code in (400, 403)
    assert mailbox.calls_to("mailbox", "DELETE") == []
    mailbox.reply("mailbox", "DELETE", "/account", {}, status=204)
    assert post(client, "/settings/mailbox/forget", signed_in).status_code == 302
    assert len(mailbox.calls_to("mailbox", "DELETE")) == 1


def test_a_mail_older_than_the_application_is_dated_the_day_the_application_was_added(client, mailbox, signed_in):
    mailbox.reply("tracker", "GET", "/applications/1", {"id": 1, "applied_on": "2026-11-20"})
    mailbox.reply("tracker", "POST", "/applications/1/rejection", {"id": 1, "stage": "rejected"}, status=201)
    post(client, "/mailbox/proposals/4/record", signed_in, HTMX)
    [rejection] = mailbox.calls_to("tracker", "POST")
    assert rejection.json == {"received_on": "2026-11-20"}
