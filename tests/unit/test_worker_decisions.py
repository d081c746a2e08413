"""The worker's policy (decide, parse_body) and Worker.on_message on real SQLite."""
from __future__ import annotations

import json
import time
import types

import pytest
from sqlalchemy import exc as sa_exc
from sqlalchemy import func, select

from shared import topology
from shared import worker as worker_module
from shared.events import InvalidEvent
from shared.tables import processed_events
from shared.worker import Worker, decide, parse_body
from support import FakeMessage, FakeProducer, make_settings, record_effect, sample_event

MAX = 5


# --- decide -----------------------------------------------------------------

@pytest.mark.parametrize("outcome", ["done", "duplicate", "unhandled"])
@pytest.mark.parametrize("attempts", [1, 3, MAX, MAX + 10])
def test_finished_outcomes_are_acked(outcome, attempts):
    assert decide(outcome, attempts, MAX).action == "ack"


@pytest.mark.parametrize("attempts", [1, 2])
def test_invalid_is_dead_at_once_with_its_error(attempts):
    decision = decide("invalid", attempts, MAX, error="{'type': ['unknown']}")
    assert decision.action == "dead"
    assert decision.reason == "{'type': ['unknown']}"


def test_failed_is_retried_with_growing_delay_then_dead_with_the_error():
    decisions = [decide("failed", n, MAX, error="KeyError: 'x'", base_delay=0.5)
                 for n in range(1, MAX + 1)]
    retries, last = decisions[:-1], decisions[-1]
    assert [d.action for d in retries] == ["retry"] * (MAX - 1)
    delays = [d.delay for d in retries]
    assert delays == sorted(delays) and len(set(delays)) == len(delays)
    assert delays[0] == pytest.approx(0.5)
    assert all(d.reason == "KeyError: 'x'" for d in retries)
    assert last.action == "dead"
    assert last.reason == "KeyError: 'x'"
    assert decide("failed", MAX + 3, MAX).action == "dead"


def test_failed_delay_follows_the_base():
    assert decide("failed", 1, MAX, base_delay=0.05).delay == pytest.approx(0.05)
    assert decide("failed", 3, MAX, base_delay=0.05).delay == pytest.approx(0.2)


def test_transient_is_retried_forever_with_a_capped_delay():
    decisions = [decide("transient", n, MAX, error="OperationalError", base_delay=0.5)
                 for n in range(1, 200)]
    assert {d.action for d in decisions} == {"retry"}
    delays = [d.delay for d in decisions]
    assert delays == sorted(delays)
    assert delays[0] < delays[3]
    assert max(delays) <= 30.0


# --- parse_body -------------------------------------------------------------

def test_parse_body_takes_bytes_and_str():
    event = sample_event()
    assert parse_body(FakeMessage(json.dumps(event).encode())) == event
    message = FakeMessage("")
    message.body = json.dumps(event)
    assert parse_body(message) == event


@pytest.mark.parametrize("body", [b"{not json", b"", "\u00e9t\u00e9".encode("latin-1")])
def test_parse_body_refuses_what_is_not_json(body):
    with pytest.raises(InvalidEvent) as caught:
        parse_body(FakeMessage(body))
    assert "_body" in caught.value.errors


@pytest.mark.parametrize("body", [b"[1, 2]", b"42", b'"event"', b"null"])
def test_parse_body_refuses_json_that_is_not_an_object(body):
    with pytest.raises(InvalidEvent) as caught:
        parse_body(FakeMessage(body))
    assert "_schema" in caught.value.errors


def test_parse_body_validates_the_event():
    event = sample_event()
    del event["data"]["company"]
    with pytest.raises(InvalidEvent) as caught:
        parse_body(FakeMessage(json.dumps(event)))
    assert "company" in caught.value.errors["data"]


# --- Worker.on_message ------------------------------------------------------

class Clock:
    """Stands in for the worker's monotonic clock."""

    def __init__(self):
        self.now = 1000.0

    def advance(self, seconds: float) -> None:
        self.now += seconds


class Handler:
    """Records its calls; raises `errors` in order, then writes an effect."""

    def __init__(self, *errors: Exception):
        self.errors = list(errors)
        self.calls = 0

    def __call__(self, session, event):
        self.calls += 1
        record_effect(session, event)  # rolled back when an error follows
        if self.errors:
            raise self.errors.pop(0)


@pytest.fixture
def clock(monkeypatch):
    fake = Clock()
    monkeypatch.setattr(worker_module, "time",
                        types.SimpleNamespace(monotonic=lambda: fake.now, perf_counter=time.perf_counter))
    return fake


@pytest.fixture
def make_worker(tmp_path, sqlite_service_db):
    def build(handler, type="application.created", max_attempts=3):
        settings = make_settings(tmp_path, max_attempts=max_attempts, retry_base_ms=100)
        committed = []
        worker = Worker("coach", None, sqlite_service_db.sessions, {type: [handler]}, settings,
                        on_committed=lambda: committed.append(True))
        worker._producer = FakeProducer()  # what on_consume_ready sets on a live channel
        worker.committed = committed
        return worker
    return build


def processed_count(db) -> int:
    with db.engine.connect() as conn:
        return conn.execute(select(func.count()).select_from(processed_events)).scalar_one()


def test_a_good_event_is_applied_committed_and_acked(make_worker, sqlite_service_db, clock):
    handler = Handler()
    worker = make_worker(handler)
    event = sample_event()
    message = FakeMessage(event)
    worker.on_message(None, message)
    assert message.acks == 1
    assert handler.calls == 1
    assert sqlite_service_db.effect_counts()[event["id"]] == 1
    assert processed_count(sqlite_service_db) == 1
    assert worker.committed == [True]
    assert worker._producer.published == []


def test_a_duplicate_event_id_is_applied_once_and_both_acked(make_worker, sqlite_service_db, clock):
    handler = Handler()
    worker = make_worker(handler)
    event = sample_event()
    first, second = FakeMessage(event), FakeMessage(event)
    worker.on_message(None, first)
    worker.on_message(None, second)
    assert handler.calls == 1
    assert (first.acks, second.acks) == (1, 1)
    assert sqlite_service_db.effect_counts()[event["id"]] == 1
    assert worker.committed == [True]


def test_an_unhandled_type_is_acked_without_effect(make_worker, sqlite_service_db, clock):
    handler = Handler()
    worker = make_worker(handler, type="win.celebrated")
    message = FakeMessage(sample_event())
    worker.on_message(None, message)
    assert message.acks == 1
    assert handler.calls == 0
    assert processed_count(sqlite_service_db) == 0
    assert worker._producer.published == []


def test_a_raising_handler_is_held_for_retry_not_acked(make_worker, sqlite_service_db, clock):
    handler = Handler(KeyError("company"))
    worker = make_worker(handler)
    event = sample_event()
    message = FakeMessage(event)
    worker.on_message(None, message)
    assert message.acks == 0
    assert handler.calls == 1
    assert sqlite_service_db.effect_counts()[event["id"]] == 0, "the failed try is rolled back"
    assert processed_count(sqlite_service_db) == 0

    worker.on_iteration()
    assert handler.calls == 1, "retried before its delay"
    clock.advance(0.1)
    worker.on_iteration()
    assert handler.calls == 2
    assert message.acks == 1
    assert sqlite_service_db.effect_counts()[event["id"]] == 1
    assert worker._producer.published == []


def test_after_max_attempts_the_message_is_dead_lettered_and_acked(make_worker, clock):
    handler = Handler(*[RuntimeError("boom")] * 10)
    worker = make_worker(handler, max_attempts=3)
    event = sample_event()
    message = FakeMessage(event)
    worker.on_message(None, message)
    clock.advance(0.1)          # first retry after 0.1 s
    worker.on_iteration()
    assert handler.calls == 2
    clock.advance(0.1)          # the second waits 0.2 s
    worker.on_iteration()
    assert handler.calls == 2
    assert message.acks == 0
    clock.advance(0.1)
    worker.on_iteration()
    assert handler.calls == 3
    assert message.acks == 1
    [dead] = worker._producer.published
    assert dead["exchange"] == topology.DEAD
    assert dead["routing_key"] == "coach"
    assert dead["headers"]["x-error"] == "RuntimeError: boom"
    assert dead["headers"]["x-attempts"] == 3
    assert dead["headers"]["x-service"] == "coach"
    assert json.loads(dead["body"]) == event
    assert dead["message_id"] == event["id"]
    clock.advance(60)
    worker.on_iteration()
    assert handler.calls == 3, "nothing is retried after the dead letter"


def test_an_invalid_message_is_dead_lettered_at_once(make_worker, clock):
    handler = Handler()
    worker = make_worker(handler)
    message = FakeMessage(b"{not json", message_id="m-1")
    worker.on_message(None, message)
    assert message.acks == 1
    assert handler.calls == 0
    [dead] = worker._producer.published
    assert dead["body"] == "{not json"
    assert "not JSON" in dead["headers"]["x-error"]
    assert dead["headers"]["x-attempts"] == 1


def test_a_schema_invalid_event_is_dead_lettered_naming_the_field(make_worker, clock):
    worker = make_worker(Handler())
    event = sample_event()
    del event["data"]["role"]
    message = FakeMessage(event)
    worker.on_message(None, message)
    assert message.acks == 1
    [dead] = worker._producer.published
    assert "role" in dead["headers"]["x-error"]


def test_a_transient_database_error_is_retried_without_limit(make_worker, sqlite_service_db, clock):
    down = sa_exc.OperationalError("INSERT INTO effects", {}, Exception("database is locked"))
    handler = Handler(*[down] * 12)
    worker = make_worker(handler, max_attempts=3)
    event = sample_event()
    message = FakeMessage(event)
    worker.on_message(None, message)
    for _ in range(11):
        clock.advance(60)
        worker.on_iteration()
    assert handler.calls == 12, "retried far past max_attempts"
    assert message.acks == 0
    assert worker._producer.published == []
    clock.advance(60)
    worker.on_iteration()
    assert handler.calls == 13
    assert message.acks == 1
    assert sqlite_service_db.effect_counts()[event["id"]] == 1
    assert worker._producer.published == []


# --- messages delivered together -----------------------------------------------

class FailsFor(Handler):
    """Records its calls; raises for one event id, however often it is tried."""

    def __init__(self, bad_id: str):
        super().__init__()
        self.bad_id = bad_id

    def __call__(self, session, event):
        self.calls += 1
        record_effect(session, event)
        if event["id"] == self.bad_id:
            raise RuntimeError("this one is broken")


def deliver(worker, *messages) -> None:
    """What the consume loop does: collect the delivered messages, then handle them."""
    for message in messages:
        worker._on_raw_message(message)
    worker._flush()


def test_messages_delivered_together_are_each_committed_and_acked(make_worker, sqlite_service_db, clock):
    handler = Handler()
    worker = make_worker(handler)
    events = [sample_event() for _ in range(4)]
    messages = [FakeMessage(e) for e in events]
    deliver(worker, *messages)
    assert [m.acks for m in messages] == [1, 1, 1, 1]
    assert all(sqlite_service_db.effect_counts()[e["id"]] == 1 for e in events)
    assert processed_count(sqlite_service_db) == 4
    assert worker.committed == [True] * 4, "one transaction per event"
    assert worker._pending == []


def test_a_failing_event_is_retried_and_the_others_are_kept(make_worker, sqlite_service_db, clock):
    events = [sample_event() for _ in range(3)]
    worker = make_worker(FailsFor(events[1]["id"]))
    messages = [FakeMessage(e) for e in events]
    deliver(worker, *messages)
    assert [m.acks for m in messages] == [1, 0, 1]
    counts = sqlite_service_db.effect_counts()
    assert (counts[events[0]["id"]], counts[events[1]["id"]], counts[events[2]["id"]]) == (1, 0, 1)
    clock.advance(0.1)
    worker.on_iteration()
    assert messages[1].acks == 0, "still failing: held for its next try"
    assert sqlite_service_db.effect_counts()[events[0]["id"]] == 1, "the good ones are not applied twice"


def test_a_duplicate_and_an_invalid_message_among_others(make_worker, sqlite_service_db, clock):
    handler = Handler()
    worker = make_worker(handler)
    event, other = sample_event(), sample_event()
    first, again, broken = FakeMessage(event), FakeMessage(event), FakeMessage(b"{not json")
    second = FakeMessage(other)
    deliver(worker, first, broken, again, second)
    assert (first.acks, broken.acks, again.acks, second.acks) == (1, 1, 1, 1)
    assert handler.calls == 2, "the duplicate is dropped by its event id"
    assert sqlite_service_db.effect_counts()[event["id"]] == 1
    [dead] = worker._producer.published
    assert dead["body"] == "{not json"


def test_live_events_go_before_imported_history_and_one_chunk_is_taken_at_a_time(make_worker, sqlite_service_db,
                                                                                  clock):
    order = []
    worker = make_worker(lambda session, event: order.append(event["type"]))
    worker.handlers["applications.imported"] = [lambda session, event: order.append(event["type"])]
    chunks = [FakeMessage(sample_event("applications.imported")) for _ in range(2)]
    live = FakeMessage(sample_event())
    deliver(worker, chunks[0], chunks[1], live)
    assert order == [live_type(live), "applications.imported"], "the live one first, then one chunk"
    assert chunks[1].acks == 0 and worker._pending == [chunks[1]]
    worker._flush()
    assert chunks[1].acks == 1


def live_type(message) -> str:
    return message.delivery_info["routing_key"]
