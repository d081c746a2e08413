"""What one notification costs in queries: the notifier-worker pays this for every event and send."""
from support.statements import statements


def _win(notifier, win_id):
    return notifier.event("win.celebrated", {"win_id": win_id, "kind": "k", "title": f"Win {win_id}"})


def test_an_event_reads_preferences_recipient_and_channels_with_one_query(notifier):
    notifier.register()
    notifier.post("/channels", {"kind": "webhook", "target": "https://hooks.example/x"})
    _win(notifier, 1)
    with statements(notifier.runtime.engine) as seen:
        _win(notifier, 2)
    assert [s.split()[0] for s in seen if s.startswith("SELECT")] == ["SELECT"]
    assert sum(s.startswith("INSERT INTO notifications") for s in seen) == 1
    assert len(notifier.deliveries()) == 4  # two wins, each to the account e-mail and the webhook


def test_a_repeated_source_makes_nothing_and_reads_nothing_more(notifier):
    notifier.register()
    event = _win(notifier, 1)
    with statements(notifier.runtime.engine) as seen:
        notifier.apply(event)
    assert len(seen) == 1 and seen[0].startswith("INSERT INTO notifications")  # ON CONFLICT DO NOTHING
    assert len(notifier.deliveries()) == 1


def test_sending_one_email_reads_three_times_and_writes_three_times(notifier):
    notifier.register()
    notifier.send("PATCH", "/preferences", {"topics": {"wins": "immediate"}})
    _win(notifier, 1)
    [row] = notifier.deliveries()
    with statements(notifier.runtime.engine) as seen:
        assert notifier.dispatcher.deliver(row.id) == "sent"
    # Claim (UPDATE), its row with channel, item and account (SELECT); an e-mail checks the
    # instance's hourly ceiling (SELECT count) and counts itself (INSERT); record: SELECT, UPDATE.
    assert [s.split()[0] for s in seen] == ["UPDATE", "SELECT", "SELECT", "INSERT", "SELECT", "UPDATE"]
    [(target, message)] = notifier.recorder.sent
    assert target.address == "alice@example.org" and message.kind == "win"
