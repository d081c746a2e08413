"""Every e-mail to the person: a settings link and a signed one-click unsubscribe for its topic."""
from datetime import datetime, timedelta, timezone

from services.notifier import links
from services.notifier.channels.message import Message
from services.notifier.channels.email import render


def _reminder(notifier, reminder_id=1):
    notifier.event("reminder.due", {"reminder_id": reminder_id, "kind": "follow_up", "application_id": 3,
                                    "due_at": "2026-03-02T12:00:00+00:00"})


def _token(message: Message) -> str:
    assert message.unsubscribe_url.startswith("https://rebound.example/mail/unsubscribe/")
    return message.unsubscribe_url.rsplit("/", 1)[-1]


def test_a_message_to_the_person_carries_both_links_and_the_one_click_headers(notifier):
    notifier.register()
    _reminder(notifier)
    notifier.tick()
    [(_, message)] = notifier.recorder.sent
    assert message.one_click and message.settings_url == "https://rebound.example/settings/notifications"
    mail = render(message, "rebound@example.org", "alice@example.org")
    assert mail["List-Unsubscribe"] == f"<{message.unsubscribe_url}>"
    assert mail["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    text = mail.get_body(("plain",)).get_content()
    assert "Stop e-mails about reminders: " + message.unsubscribe_url in text
    assert "https://rebound.example/settings/notifications" in text
    assert message.settings_url in mail.get_body(("html",)).get_content()


def test_looking_changes_nothing_and_the_one_click_post_switches_the_topic_off(notifier):
    notifier.register()
    _reminder(notifier)
    notifier.tick()
    token = _token(notifier.recorder.sent[0][1])
    look = notifier.client.get(f"/public/mail/unsubscribe/{token}")
    assert look.json == {"valid": True, "topic": "reminders", "label": "reminders", "on": True}
    assert notifier.get("/preferences").json["topics"]["reminders"] == "immediate"
    done = notifier.client.post(f"/public/mail/unsubscribe/{token}", data="List-Unsubscribe=One-Click")
    assert done.status_code == 200 and done.json["on"] is False
    assert notifier.get("/preferences").json["topics"]["reminders"] == "off"
    assert notifier.get("/preferences").json["topics"]["wins"] == "digest"  # only that topic
    assert notifier.client.post(f"/public/mail/unsubscribe/{token}").status_code == 200  # twice is fine
    _reminder(notifier, reminder_id=2)
    notifier.tick()
    assert len(notifier.recorder.sent) == 1
    assert len(notifier.get("/notifications").json["items"]) == 2  # the inbox still has it


def test_the_digest_letter_unsubscribes_from_everything_that_waits_for_it(notifier):
    notifier.register()
    notifier.event("win.celebrated", {"win_id": 1, "kind": "k", "title": "A win"})
    notifier.clock.now = datetime(2026, 3, 2, 18, 0)
    notifier.tick()
    notifier.tick()
    [(_, letter)] = notifier.recorder.sent
    assert letter.extra["topic_label"] == "the daily digest"
    notifier.client.post(f"/public/mail/unsubscribe/{_token(letter)}")
    topics = notifier.get("/preferences").json["topics"]
    assert topics["coaching"] == topics["wins"] == topics["supporters"] == "off"
    assert topics["reminders"] == "immediate"


def test_bad_forged_expired_and_other_purpose_links_are_refused(notifier):
    notifier.register()
    secret = notifier.runtime.settings.secret_key
    now_ts = notifier.clock().replace(tzinfo=timezone.utc).timestamp()
    supporter_token = links.make_token(secret, links.UNSUBSCRIBE, 1, "nonce", now_ts)
    forged = links.make_topic_token("another-secret", "alice", "reminders", now_ts)
    unknown_topic = links.make_topic_token(secret, "alice", "everything", now_ts)
    nobody = links.make_topic_token(secret, "nobody", "reminders", now_ts)
    for token in ("garbage", supporter_token, forged, unknown_topic, nobody):
        assert notifier.client.post(f"/public/mail/unsubscribe/{token}").status_code == 410, token
        assert notifier.client.get(f"/public/mail/unsubscribe/{token}").status_code == 410, token
    old = links.make_topic_token(secret, "alice", "reminders", now_ts)
    notifier.clock.advance(days=367)
    refused = notifier.client.post(f"/public/mail/unsubscribe/{old}")
    assert refused.status_code == 410 and refused.json["error"]["code"] == "expired"
    assert notifier.get("/preferences").json["topics"]["reminders"] == "immediate"


def test_supporters_messages_keep_their_own_unsubscribe_without_one_click(notifier):
    notifier.register()
    notifier.post("/supporters", {"name": "Sam", "relationship": "friend", "email": "sam@example.org"})
    notifier.tick()
    [(_, invitation)] = notifier.recorder.sent
    mail = render(invitation, "rebound@example.org", "sam@example.org")
    assert "/supporters/unsubscribe/" in mail["List-Unsubscribe"]
    assert mail["List-Unsubscribe-Post"] is None and invitation.settings_url is None
    assert timedelta(days=366).total_seconds() == links.MAX_AGE_S[links.TOPIC_OFF]
