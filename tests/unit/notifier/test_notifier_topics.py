"""Topics: calm defaults, off means off, safety only as a pointer, private cards stay in Rebound."""
from datetime import datetime

from notifier_samples import reflection
from services.notifier import coach_cards
from services.notifier.digests import make_due_digests

CARD_WORDS = "I'm such a failure, what's the point"


def _reminder(notifier, reminder_id=1):
    notifier.event("reminder.due", {"reminder_id": reminder_id, "kind": "follow_up", "application_id": 3,
                                    "due_at": "2026-03-02T12:00:00+00:00"})


def _card(notifier, card_id="c1", urgency="normal", email="digest", private=False, sections=None):
    event = {"id": f"00000000-0000-4000-8000-{abs(hash(card_id)) % 10**12:012d}", "type": "coach.card_composed",
             "user_id": "alice", "data": {
                 "card_id": card_id, "cause_event_id": "e1", "cause_type": "checkin.recorded",
                 "application_id": None, "title": "Something for you", "summary": "A short sentence.",
                 "sections": sections if sections is not None else [
                     {"kind": "feelings", "title": "How you feel", "body": "That sounds heavy.", "link": None},
                     {"kind": "next_step", "title": "One small step", "body": "Send one note.",
                      "link": "/applications"}],
                 "urgency": urgency, "email": email, "private": private}}
    with notifier.runtime.sessions.begin() as session:
        coach_cards.inbox_card(session, event)
    return event


def test_by_default_coaching_and_wins_wait_for_the_digest_and_reminders_go_right_away(notifier):
    notifier.register()
    notifier.event("reflection.prompted", reflection())
    notifier.event("win.celebrated", {"win_id": 1, "kind": "k", "title": "Sent two applications"})
    notifier.event("insight.generated", {"insight_id": 1, "kind": "pace", "title": "Steady", "body": "Nice."})
    _reminder(notifier)
    notifier.tick()
    assert [m.title for _, m in notifier.recorder.sent] == ["Time for a gentle follow-up"]
    assert len(notifier.get("/notifications").json["items"]) == 4
    prefs = notifier.get("/preferences").json
    assert prefs["topics"] == {"coaching": "digest", "wins": "digest", "reminders": "immediate",
                               "weekly_review": "immediate", "supporters": "digest", "safety": "immediate",
                               "account": "immediate"}
    notifier.clock.now = datetime(2026, 3, 2, 18, 0)
    notifier.tick()
    [(_, digest)] = notifier.recorder.sent[1:]
    assert "3 things" in digest.subject and "Sent two applications" in digest.body


def test_a_topic_switched_off_reaches_the_inbox_only(notifier):
    notifier.register()
    assert notifier.send("PATCH", "/preferences", {"topics": {"reminders": "off"}}).status_code == 200
    _reminder(notifier)
    notifier.tick()
    assert notifier.recorder.sent == [] and notifier.deliveries() == []
    assert len(notifier.get("/notifications").json["items"]) == 1


def test_switching_off_later_stops_what_was_queued_and_what_waits_for_the_digest(notifier):
    notifier.register()
    notifier.send("PATCH", "/preferences", {"quiet_hours": {"start": "11:00", "end": "13:00"}})
    _reminder(notifier)  # held by quiet hours until 13:00
    notifier.event("win.celebrated", {"win_id": 1, "kind": "k", "title": "A win"})  # waits for 18:00
    notifier.send("PATCH", "/preferences", {"topics": {"reminders": "off", "wins": "off"}})
    notifier.clock.now = datetime(2026, 3, 2, 18, 0)
    notifier.tick()
    assert notifier.recorder.sent == []
    assert sorted(d.state for d in notifier.deliveries()) == ["cancelled", "cancelled"]


def test_safety_goes_out_only_as_a_pointer_never_as_its_words(notifier):
    notifier.register()
    _card(notifier, urgency="high", email="immediate", sections=[
        {"kind": "safety", "title": "You matter", "body": CARD_WORDS, "link": "/support"}])
    notifier.tick()
    [(target, message)] = notifier.recorder.sent
    assert target.address == "alice@example.org" and message.subject == "A note from Rebound"
    assert CARD_WORDS not in message.text and "You matter" not in message.text
    assert all(CARD_WORDS not in d.body and "You matter" not in d.body for d in notifier.deliveries())
    assert message.unsubscribe_url and "safety" not in message.unsubscribe_url  # the topic is signed, not spelled
    [item] = notifier.get("/notifications").json["items"]
    assert item["kind"] == "coach_card" and item["severity"] == "important"


def test_a_channel_id_no_column_can_hold_is_refused_not_a_server_error(notifier):
    notifier.register()
    for channels in ([2**77], [0], [True], ["1"]):
        answer = notifier.send("PATCH", "/preferences", {"kinds": {"win": {"channels": channels}}})
        assert answer.status_code == 422, (channels, answer.status_code)
        assert "kinds" in answer.json["error"]["fields"]


def test_safety_can_be_switched_off_but_never_held_for_a_digest(notifier):
    notifier.register()
    refused = notifier.send("PATCH", "/preferences", {"topics": {"safety": "digest"}})
    assert refused.status_code == 422 and "topics" in refused.json["error"]["fields"]
    notifier.send("PATCH", "/preferences", {"topics": {"safety": "off"}})
    _card(notifier, urgency="high", email="immediate")
    notifier.tick()
    assert notifier.recorder.sent == []


def test_private_cards_and_email_never_stay_in_the_inbox(notifier):
    notifier.register()
    notifier.send("PATCH", "/preferences", {"topics": {"coaching": "immediate"}})
    _card(notifier, card_id="private", private=True, email="immediate")
    _card(notifier, card_id="never", email="never")
    _card(notifier, card_id="sent", email="digest")
    notifier.tick()
    assert len(notifier.get("/notifications").json["items"]) == 3
    [(_, message)] = notifier.recorder.sent
    # One card, one message, its sections as paragraphs.
    assert message.subject == "Something for you"
    assert message.body == ("A short sentence.\n\nHow you feel\nThat sounds heavy.\n\n"
                            "One small step\nSend one note.\n/applications")


def test_a_card_arriving_twice_is_one_item(notifier):
    notifier.register()
    event = _card(notifier)
    with notifier.runtime.sessions.begin() as session:
        coach_cards.inbox_card(session, event)
    assert len(notifier.get("/notifications").json["items"]) == 1
    assert len(notifier.deliveries()) == 1


def test_an_older_client_setting_a_kinds_mode_sets_its_topic(notifier):
    notifier.register()
    notifier.send("PATCH", "/preferences", {"kinds": {"win": {"mode": "off"}}})
    prefs = notifier.get("/preferences").json
    assert prefs["topics"]["wins"] == "off" and prefs["kinds"]["win"]["mode"] == "off"
    assert prefs["kinds"]["goal"]["mode"] == "digest"


def test_a_day_is_claimed_once_and_a_restarted_scheduler_waits_for_tomorrow(notifier):
    from services.notifier.digests import claim_day, letter_id
    notifier.register()
    with notifier.runtime.sessions.begin() as session:
        assert claim_day(session, "bob", "2026-03-02")  # no preferences row yet: made on the way
        assert not claim_day(session, "bob", "2026-03-02")
        assert claim_day(session, "bob", "2026-03-03")
    assert letter_id("alice", "2026-03-02") == letter_id("alice", "2026-03-02") != letter_id("alice", "2026-03-03")
    notifier.event("win.celebrated", {"win_id": 1, "kind": "k", "title": "Monday's news"})
    notifier.clock.now = datetime(2026, 3, 2, 18, 0)
    assert make_due_digests(notifier.runtime.sessions) == 1
    # A restarted scheduler, later the same evening, with a new item: tomorrow, not tonight.
    notifier.clock.now = datetime(2026, 3, 2, 21, 0)
    notifier.event("win.celebrated", {"win_id": 2, "kind": "k", "title": "Evening news"})
    assert make_due_digests(notifier.runtime.sessions) == 0
    notifier.tick()
    notifier.tick()
    assert [m.kind for _, m in notifier.recorder.sent] == ["digest"]
    notifier.clock.now = datetime(2026, 3, 3, 18, 0)
    notifier.tick()
    assert [m.kind for _, m in notifier.recorder.sent] == ["digest", "digest"]
    tuesday = notifier.recorder.sent[1][1].body
    assert "Evening news" in tuesday and "Monday's news" not in tuesday


def test_no_digest_on_a_day_with_nothing_new(notifier):
    notifier.register()
    _reminder(notifier)
    notifier.clock.now = datetime(2026, 3, 2, 18, 0)
    notifier.tick()
    notifier.tick()
    assert [m.kind for _, m in notifier.recorder.sent] == ["reminder"]


def test_a_digest_line_is_the_gist_cut_between_words(notifier):
    notifier.register()
    long = "word " * 60 + "\n\nThe rest stays in Rebound."
    notifier.event("insight.generated", {"insight_id": 1, "kind": "pace", "title": "Steady", "body": long})
    notifier.clock.now = datetime(2026, 3, 2, 18, 0)
    notifier.tick()
    [(_, letter)] = notifier.recorder.sent
    [line] = [line for line in letter.body.splitlines() if line.startswith("• ")]
    assert line.startswith("• Steady: word word") and line.endswith("word…") and len(line) <= 180
    assert "The rest stays" not in letter.body and letter.subject == "Your day in Rebound: 1 thing, whenever suits you"


def test_a_coach_cards_digest_line_names_the_support_waiting_not_the_news_again(notifier):
    notifier.register()
    _card(notifier, sections=[
        {"kind": "reflection", "title": "Nothing to fix here.", "body": "They filled the role.", "link": None},
        {"kind": "next_step", "title": "A plan for Thursday", "body": "Twenty minutes.", "link": None}])
    _card(notifier, card_id="c2", sections=[])
    notifier.clock.now = datetime(2026, 3, 2, 18, 0)
    notifier.tick()
    [(_, letter)] = [sent for sent in notifier.recorder.sent if sent[1].kind == "digest"]
    lines = [line for line in letter.body.splitlines() if line.startswith("• ")]
    assert lines == ["• Something for you: Nothing to fix here", "• Something for you: A short sentence."]
