"""A mailbox that keeps failing is mentioned once in its owner's inbox."""
from __future__ import annotations


def test_a_failing_mailbox_becomes_one_gentle_inbox_item(notifier):
    notifier.register()
    event = notifier.event("mailbox.failing", {
        "reason": "The mail server didn't answer on that port.", "attempts": 3,
        "failing_since": "2026-03-02T11:00:00+00:00"})
    notifier.apply(event)
    notifier.apply(event)  # delivered twice: still one item
    items = notifier.get("/notifications").get_json()["items"]
    [item] = [i for i in items if i["link"] == "/settings/mailbox"]
    assert item["title"] == "We can't reach your mailbox right now"
    assert "didn't answer on that port" in item["body"]
