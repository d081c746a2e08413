"""In one process (`rebound run all`) work wakes the stage that must act, without polling faster."""
from __future__ import annotations

import threading
import time

import pytest
from kombu import Consumer, Exchange, Queue

from shared.bus import connect
from shared.outbox_wakeup import stop_waking_locally, wake_locally
from support import build_service_db, datas, make_settings, sqlite_url

pytestmark = pytest.mark.integration


def test_a_message_put_in_this_process_is_taken_long_before_the_polling_interval(tmp_path):
    settings = make_settings(tmp_path, env={"BUS_POLL_MS": "5000"})
    exchange = Exchange("wakeup.test", type="topic", durable=True)
    queue = Queue("wakeup.test.q", exchange, routing_key="ping", durable=True)
    received, ready = [], threading.Event()

    def consume():
        with connect(settings) as conn:
            with Consumer(conn.channel(), [queue], callbacks=[lambda body, m: (received.append(
                    time.monotonic()), m.ack())], accept=["json"]):
                ready.set()
                conn.drain_events(timeout=8)

    thread = threading.Thread(target=consume, daemon=True)
    thread.start()
    assert ready.wait(5)
    time.sleep(0.2)  # let the consumer enter its wait: the point is to cut it short
    with connect(settings) as conn:
        sent = time.monotonic()
        conn.Producer().publish({"n": 1}, exchange=exchange, routing_key="ping", declare=[queue],
                                serializer="json")
    thread.join(8)
    assert received, "the message never arrived"
    assert received[0] - sent < 1.0, f"took {received[0] - sent:.2f}s with a 5 s polling interval"


def test_a_commit_with_outbox_rows_wakes_this_process_relay_and_a_rollback_does_not(tmp_path):
    db = build_service_db(sqlite_url(tmp_path))
    wake = threading.Event()
    wake_locally(db.url, wake)
    try:
        session = db.sessions()
        from shared.outbox import emit
        [data] = datas("application.created", 1)
        emit(session, "application.created", user_id="u", data=data, producer="tracker")
        session.rollback()
        session.close()
        assert not wake.is_set()
        db.emit("application.created", datas("application.created", 2))
        assert wake.is_set()
        other = build_service_db(sqlite_url(tmp_path, "other"))
        wake.clear()
        other.emit("application.created", datas("application.created", 1))
        assert not wake.is_set(), "a commit in another database woke this relay"
    finally:
        stop_waking_locally(db.url, wake)


def test_consumers_binding_at_once_in_one_process_keep_every_binding(tmp_path):
    """Threads declaring their queues together (as `rebound run all` starts) lose no binding."""
    settings = make_settings(tmp_path)
    exchange = Exchange("bind.race", type="topic", durable=True)
    start, errors = threading.Barrier(8), []

    def declare(n: int) -> None:
        try:
            with connect(settings) as conn:
                start.wait(5)
                Queue(f"bind.race.q{n}", exchange, routing_key=f"k{n}", durable=True)(conn.channel()).declare()
        except Exception as exc:  # collected: an assertion in a thread would go unseen
            errors.append(exc)

    threads = [threading.Thread(target=declare, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(10)
    assert errors == []
    with connect(settings) as conn:
        table = conn.default_channel.get_table("bind.race")
    assert sorted(q.queue for q in table) == sorted(f"bind.race.q{n}" for n in range(8))
