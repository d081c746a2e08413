"""The mailbox API: connecting with clear reasons, proposals answered once, forgetting everything."""
from __future__ import annotations

import socket

import pytest
from mailbox_world import USER_ID, know_application
from mail_samples import rejection
from sqlalchemy import func, select

from services.mailbox import handlers, watcher
from services.mailbox.models import FolderState, KnownApplication, MailAccount, Proposal
from shared.events import make_event
from support.dovecot import PASSWORD, USER

pytestmark = pytest.mark.integration


def form(dovecot, **changes):
    fields = {"host": "127.0.0.1", "port": dovecot.port, "tls": "none", "username": USER, "password": PASSWORD}
    fields.update(changes)
    return fields


def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.mark.parametrize("changes, code, words", [
    ({}, "ok", "Connected"),
    ({"password": "not-it"}, "wrong_password", "app password"),
    ({"folders": ["INBOX", "Nope"]}, "folder_missing", "no folder called Nope"),
    ({"host": "imap.nonexistent.invalid", "tls": "implicit"}, "host_not_found", "couldn't find"),
    ({"port": "closed"}, "unreachable", "didn't answer"),
    ({"tls": "starttls"}, "tls_failed", "secure connection"),
])
def test_test_connection_says_why(api, dovecot, changes, code, words):
    if changes.get("port") == "closed":
        changes = {"port": closed_port()}
    answer = api.call("POST", "/account/test", json=form(dovecot, **changes)).get_json()
    assert answer["code"] == code and answer["ok"] is (code == "ok")
    assert words in answer["message"]


def test_connecting_stores_the_password_encrypted_and_never_shows_it(api, dovecot, connected):
    shown = api.call("GET", "/account").get_json()
    assert shown["status"] == "watching" and shown["folders"] == ["INBOX"]
    assert "password" not in shown and PASSWORD not in str(shown)
    with api.runtime.sessions() as session:
        stored = session.get(MailAccount, connected)
    assert PASSWORD not in stored.password_encrypted
    assert api.call("POST", "/account/test").get_json()["ok"] is True  # the stored settings still work


def test_bad_connect_forms_get_422_with_fields(api, dovecot):
    answer = api.call("PUT", "/account", json=form(dovecot, look_back_days=120, tls="sometimes", port=0))
    assert answer.status_code == 422
    assert set(answer.get_json()["error"]["fields"]) == {"look_back_days", "tls", "port"}
    answer = api.call("PUT", "/account", json=form(dovecot, host="mail.example.com", tls="none"))
    assert "unprotected" in answer.get_json()["error"]["fields"]["tls"][0]
    failed = api.call("PUT", "/account", json=form(dovecot, password="wrong"))
    assert failed.status_code == 422 and failed.get_json()["error"]["code"] == "connection_failed"
    assert api.call("GET", "/account").status_code == 404  # nothing half-saved


def test_private_addresses_are_refused_unless_allowed(api, dovecot, runtime):
    from dataclasses import replace
    runtime.settings = replace(runtime.settings, allow_private_targets=False)
    answer = api.call("POST", "/account/test", json=form(dovecot))
    assert answer.status_code == 422 and "REBOUND_ALLOW_PRIVATE_TARGETS" in answer.get_json()["error"]["message"]


def test_a_proposal_is_answered_once_and_only_by_its_owner(api, runtime, dovecot, connected, watch):
    know_application(runtime, 7, "Contoso", "Data Analyst")
    dovecot.append(rejection())
    dovecot.append(rejection("Northwind", "Backend Engineer"))
    watcher.check_account(runtime, connected, watch)
    listed = api.call("GET", "/proposals").get_json()["items"]
    assert [(p["classification"], p["application_id"]) for p in listed] == [("rejection", None), ("rejection", 7)]
    matched, unmatched = listed[1], listed[0]
    assert api.call("POST", f"/proposals/{matched['id']}/accept", user_id="someone-else").status_code == 404
    accepted = api.call("POST", f"/proposals/{matched['id']}/accept", json={})
    assert accepted.status_code == 200 and accepted.get_json()["status"] == "accepted"
    assert api.call("POST", f"/proposals/{matched['id']}/decline").status_code == 409
    recorded = api.call("POST", f"/proposals/{unmatched['id']}/accept", json={"application_id": 12})
    assert recorded.get_json()["application_id"] == 12
    assert api.call("GET", "/proposals").get_json()["items"] == []
    assert len(api.call("GET", "/proposals?status=accepted").get_json()["items"]) == 2
    assert api.call("GET", "/proposals?status=maybe").status_code == 422


def test_a_declined_mail_is_never_proposed_again(api, runtime, dovecot, connected, watch):
    know_application(runtime, 7, "Contoso", "Data Analyst")
    mail = rejection(message_id="<once@example.invalid>")
    dovecot.append(mail)
    watcher.check_account(runtime, connected, watch)
    [proposal] = api.call("GET", "/proposals").get_json()["items"]
    assert api.call("POST", f"/proposals/{proposal['id']}/decline").status_code == 200
    dovecot.append(mail)  # the same mail again (a copy, or after a re-sync)
    watcher.check_account(runtime, connected, watch)
    assert api.call("GET", "/proposals").get_json()["items"] == []


def count(runtime, model, user_id=USER_ID):
    with runtime.sessions() as session:
        return session.scalar(select(func.count()).select_from(model).where(model.user_id == user_id))


def test_forget_erases_every_trace_of_the_mailbox(api, runtime, dovecot, connected, watch):
    know_application(runtime, 7, "Contoso", "Data Analyst")
    dovecot.append(rejection())
    watcher.check_account(runtime, connected, watch)
    assert count(runtime, Proposal) == 1 and count(runtime, FolderState) == 1
    assert api.call("DELETE", "/account").status_code == 204
    assert [count(runtime, m) for m in (MailAccount, FolderState, Proposal)] == [0, 0, 0]
    assert api.call("GET", "/account").status_code == 404


def test_account_deletion_erases_everything(api, runtime, dovecot, connected, watch):
    know_application(runtime, 7, "Contoso", "Data Analyst")
    know_application(runtime, 1, "Other", "Role", user_id="user-2")
    dovecot.append(rejection())
    watcher.check_account(runtime, connected, watch)
    with runtime.sessions.begin() as session:
        handlers.erase_user(session, make_event("user.deleted", user_id=USER_ID, producer="frontend", data={}))
    assert [count(runtime, m) for m in (MailAccount, FolderState, Proposal, KnownApplication)] == [0, 0, 0, 0]
    assert count(runtime, KnownApplication, "user-2") == 1


def test_auto_record_marks_confident_matched_rejections_for_the_tracker(api, runtime, dovecot, connected, watch):
    know_application(runtime, 7, "Contoso", "Data Analyst")
    assert api.call("PATCH", "/account", json={"auto_record_above": 0.6}).status_code == 200
    dovecot.append(rejection())
    watcher.check_account(runtime, connected, watch)
    [proposal] = api.call("GET", "/proposals?status=auto_recorded").get_json()["items"]
    assert proposal["application_id"] == 7 and proposal["confidence"] >= 0.6
    assert api.call("PATCH", "/account", json={"auto_record_above": 0.2}).status_code == 422


def test_a_rescheduled_interview_for_an_application_already_at_interview_is_not_proposed(
        api, runtime, dovecot, connected, watch):
    from mail_samples import rescheduled
    know_application(runtime, 7, "Contoso", "Data Analyst")
    with runtime.sessions.begin() as session:
        handlers.remember_stage(session, make_event("application.stage_changed", user_id=USER_ID,
                                producer="tracker", data={"application_id": 7, "from_stage": "applied",
                                                          "to_stage": "interview", "changed_on": "2026-11-01"}))
    dovecot.append(rescheduled())
    dovecot.append(rejection())
    watcher.check_account(runtime, connected, watch)
    assert [(p["classification"], p["application_id"]) for p in api.call("GET", "/proposals").get_json()["items"]] \
        == [("rejection", 7)]


def test_the_export_holds_the_persons_rows_and_never_the_password(api, connected):
    know_application(api.runtime, 7, "Contoso", "Data Analyst")
    answer = api.call("GET", "/export")
    assert answer.status_code == 200 and answer.headers["Content-Disposition"].endswith('"mailbox.json"')
    body = answer.get_json()
    [account] = body["tables"]["mail_accounts"]
    assert account["host"] == "127.0.0.1" and "password_encrypted" not in account and "user_id" not in account
    assert PASSWORD.encode() not in answer.data
    assert api.call("GET", "/export", user_id="someone-else").get_json()["tables"]["mail_accounts"] == []
