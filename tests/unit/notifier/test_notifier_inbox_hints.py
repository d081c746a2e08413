"""Which commits hint that an inbox changed (the sending itself: tests/integration/test_inbox_hints.py)."""
from __future__ import annotations

import pytest

from services.notifier import handlers, inbox_signals
from shared.events import make_event
from shared.runtime import Runtime
from shared.worker import run_batch


class Hints:
    def __init__(self):
        self.sent: list[set[str]] = []

    def send(self, user_ids):
        self.sent.append(set(user_ids))


@pytest.fixture
def hints(notifier):
    """A second session factory on the notifier's database, hinting to a recorder."""
    runtime = Runtime.build("notifier", notifier.runtime.settings)
    hints = Hints()
    assert inbox_signals.install(runtime, hints) is hints
    assert inbox_signals.install(runtime) is hints  # once per factory
    hints.runtime = runtime
    yield hints
    runtime.engine.dispose()


def _win(user: str, title: str) -> dict:
    return make_event("win.celebrated", user_id=user, data={"win_id": 1, "kind": "k", "title": title},
                      producer="test")


def test_a_batch_hints_once_for_everyone_it_gave_an_item(notifier, hints):
    for user in ("alice", "bob"):
        notifier.register(user)
    events = [_win("alice", "One"), _win("bob", "Two"), _win("alice", "Three")]
    run_batch(hints.runtime.sessions, [(e, handlers.HANDLERS[e["type"]]) for e in events])
    assert hints.sent == [{"alice", "bob"}]


def test_an_event_seen_before_hints_nobody(notifier, hints):
    notifier.register("alice")
    event = _win("alice", "One")
    run_batch(hints.runtime.sessions, [(event, handlers.HANDLERS[event["type"]])])
    run_batch(hints.runtime.sessions, [(event, handlers.HANDLERS[event["type"]])])
    assert hints.sent == [{"alice"}]


def test_a_rolled_back_batch_hints_nobody(notifier, hints):
    notifier.register("alice")

    def fail(session, event):
        raise RuntimeError("boom")

    event = _win("alice", "One")
    with pytest.raises(Exception):
        run_batch(hints.runtime.sessions, [(event, [*handlers.HANDLERS[event["type"]], fail])])
    assert hints.sent == []


def test_erasing_a_person_is_hinted(notifier, hints):
    notifier.register("alice")
    event = make_event("user.deleted", user_id="alice", data={}, producer="test")
    run_batch(hints.runtime.sessions, [(event, handlers.HANDLERS[event["type"]])])
    assert hints.sent == [{"alice"}]
