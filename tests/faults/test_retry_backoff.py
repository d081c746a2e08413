"""Transient failures lengthen the retry delay without using up the attempts.

Invariant: a database outage never dead-letters a message, and the worker
backs off to the 30 s cap instead of hammering the database every base delay.
"""
from __future__ import annotations

import time

from sqlalchemy import exc as sa_exc

from shared.worker import Worker
from support import FakeMessage, FakeProducer, make_settings, sample_event


def _delay(worker) -> float:
    return worker._held[-1][0] - time.monotonic()


def test_transient_streak_grows_the_delay_to_the_cap_but_not_the_attempts(tmp_path, sqlite_service_db):
    outage = {"on": True}

    def handler(session, event):
        if outage["on"]:
            raise sa_exc.OperationalError("SELECT 1", {}, ConnectionRefusedError("refused"))
        raise RuntimeError("a real bug")

    settings = make_settings(tmp_path, max_attempts=3, retry_base_ms=500)
    worker = Worker("coach", None, sqlite_service_db.sessions, {"application.created": [handler]}, settings)
    worker._producer = FakeProducer()
    message = FakeMessage(sample_event("application.created"))
    delays = []
    for _ in range(10):
        worker.on_message(None, message)
        delays.append(round(_delay(worker), 1))
        worker._held.clear()
    assert delays == sorted(delays) and delays[1] > delays[0] * 1.5, delays
    assert delays[-1] == 30.0, "capped at 30 s"
    assert not message.acked and not worker._producer.published

    outage["on"] = False   # now a real failure: the attempt limit applies, from the start
    for _ in range(settings.max_attempts):
        worker.on_message(None, message)
        worker._held.clear()
    assert message.acked
    [dead] = worker._producer.published
    assert dead["headers"]["x-attempts"] == settings.max_attempts
    assert "a real bug" in dead["headers"]["x-error"]
