"""Delivery: fan-out to channels, once per channel, retries, pausing, restarts."""
from datetime import timedelta

from services.notifier.delivery import MAX_ATTEMPTS, PAUSE_AFTER


def _win(notifier, win_id=1, title="First!", user="alice"):
    # Wins wait for the daily digest by default; these tests are about sending right away.
    notifier.send("PATCH", "/preferences", {"topics": {"wins": "immediate"}}, user=user)
    return notifier.event("win.celebrated", {"win_id": win_id, "kind": "k", "title": title}, user)


def test_the_account_email_is_the_first_channel_and_gets_immediate_items(notifier):
    notifier.register()
    [channel] = notifier.get("/channels").json["items"]
    assert channel["kind"] == "email" and channel["is_account_email"] and channel["target"] == "alice@example.org"
    _win(notifier)
    assert notifier.tick() == 1
    [message] = notifier.recorder.to("alice@example.org")
    assert message.body == "First!" and message.link == "https://rebound.example/wins"
    [notification] = notifier.get("/notifications").json["items"]
    [row] = notifier.get(f"/notifications/{notification['id']}/deliveries").json["items"]
    assert (row["state"], row["attempts"], row["channel_id"]) == ("sent", 1, channel["id"])
    assert notifier.get(f"/notifications/{notification['id']}/deliveries", user="bob").status_code == 404


def test_a_duplicate_event_delivers_once(notifier):
    notifier.register()
    event = _win(notifier)
    notifier.apply(event)  # the same event again, as a redelivery would bring it
    notifier.tick()
    notifier.tick()
    assert len(notifier.recorder.to("alice@example.org")) == 1
    assert len(notifier.get("/notifications").json["items"]) == 1


def test_a_row_left_sending_by_a_dead_worker_is_never_sent_again(notifier):
    notifier.register()
    _win(notifier)
    [row] = notifier.deliveries()
    # The worker claims the row, then dies before it can record the outcome.
    notifier.dispatcher.senders = {"email": _die}
    try:
        notifier.dispatcher.deliver(row.id)
    except SystemExit:
        pass
    assert notifier.deliveries()[0].state == "sending"
    notifier.dispatcher.senders = notifier.recorder.senders
    notifier.tick()
    assert notifier.recorder.sent == []
    notifier.clock.advance(minutes=6)  # past the lease
    notifier.tick()
    [after] = notifier.deliveries()
    assert after.state == "unknown" and notifier.recorder.sent == []


def _die(_target, _message):
    raise SystemExit("killed mid-send")


def test_a_failing_channel_is_retried_with_backoff_then_paused_while_email_goes_out(notifier):
    notifier.register()
    hook = notifier.post("/channels", {"kind": "webhook", "target": "https://hooks.example/x"}).json
    notifier.recorder.failing.add("webhook")
    for i in range(PAUSE_AFTER):
        _win(notifier, win_id=i, title=f"Win {i}")
    notifier.tick()
    assert len(notifier.recorder.to("alice@example.org")) == PAUSE_AFTER
    first = notifier.deliveries(channel_id=hook["id"])[0]
    assert first.state == "retry" and first.attempts == 1 and "500" in first.last_error
    assert first.not_before > notifier.clock()
    channel = notifier.get("/channels").json["items"][1]
    assert channel["paused"] and channel["consecutive_failures"] == PAUSE_AFTER
    [note] = notifier.get("/notifications?kind=system").json["items"]
    assert note["severity"] == "important" and "paused" in note["title"]
    # While paused, nothing more is tried on it; after resume the retries go out.
    notifier.clock.advance(hours=2)
    notifier.tick()
    assert {d.attempts for d in notifier.deliveries(channel_id=hook["id"])} == {1}
    notifier.recorder.failing.clear()
    notifier.post(f"/channels/{hook['id']}/resume")
    notifier.tick()
    assert {d.state for d in notifier.deliveries(channel_id=hook["id"])} == {"sent"}


def test_a_delivery_gives_up_after_the_last_attempt(notifier):
    notifier.register()
    notifier.recorder.failing.add("email")
    _win(notifier)
    for _ in range(MAX_ATTEMPTS + 2):
        notifier.post("/channels/1/resume")  # keep the channel open to see the attempt limit
        notifier.tick()
        notifier.clock.advance(hours=2)
    [row] = notifier.deliveries()
    assert (row.state, row.attempts) == ("failed", MAX_ATTEMPTS)


def test_per_kind_channel_choice_and_digest_mode(notifier):
    notifier.register()
    hook = notifier.post("/channels", {"kind": "webhook", "target": "https://hooks.example/x"}).json
    notifier.send("PUT", "/preferences", {"kinds": {"win": {"channels": [hook["id"]]}}})
    _win(notifier)
    notifier.tick()
    assert [t.kind for t, _ in notifier.recorder.sent] == ["webhook"]
    assert notifier.send("PUT", "/preferences", {"kinds": {"win": {"channels": [999]}}}).status_code == 422
    assert notifier.send("PUT", "/preferences", {"kinds": {"nope": {}}}).status_code == 422


def test_a_deleted_channel_cancels_what_waited_for_it(notifier):
    notifier.register()
    hook = notifier.post("/channels", {"kind": "webhook", "target": "https://hooks.example/x"}).json
    _win(notifier)
    assert notifier.send("DELETE", f"/channels/{hook['id']}", user="bob").status_code == 404
    assert notifier.send("DELETE", f"/channels/{hook['id']}").status_code == 204
    notifier.tick()
    assert [t.kind for t, _ in notifier.recorder.sent] == ["email"]
    assert [d.state for d in notifier.deliveries(channel_id=hook["id"])] == ["cancelled"]


def test_a_paused_channel_gets_no_new_deliveries(notifier):
    notifier.register()
    hook = notifier.post("/channels", {"kind": "webhook", "target": "https://hooks.example/x"}).json
    assert notifier.post(f"/channels/{hook['id']}/pause").json["paused"] is True
    _win(notifier)
    notifier.tick()
    assert notifier.deliveries(channel_id=hook["id"]) == []


def test_backoff_grows(notifier):
    from services.notifier.delivery import backoff
    assert backoff(1) < backoff(2) < backoff(3) <= timedelta(hours=1)


def test_the_scheduler_loop_sends_due_mail_as_eml_files_and_stops(notifier, tmp_path):
    import threading

    from support import wait_for

    from services.notifier import scheduler
    notifier.register()
    _win(notifier)
    stop = threading.Event()
    loop = threading.Thread(target=scheduler.run, args=(notifier.runtime, stop), daemon=True)
    loop.start()
    try:
        [eml] = wait_for(lambda: list((tmp_path / "mail").rglob("*.eml")), timeout=10)
    finally:
        stop.set()
        loop.join(timeout=5)
    assert not loop.is_alive()
    assert b"alice@example.org" in eml.read_bytes()
    assert notifier.deliveries()[0].state == "sent"
