"""Schedulers sleep until the next due time, and wake when their service writes."""
from __future__ import annotations

import threading
import time
from datetime import datetime, timedelta

from sqlalchemy import Column, Integer, MetaData, Table, select
from sqlalchemy.orm import registry

from shared.db import make_engine, make_session_factory
from shared.runtime import Runtime
from shared.schedule import seconds_until, sleep_until, watch_writes
from support import make_settings

NOW = datetime(2026, 5, 1, 12, 0)
things = Table("things", MetaData(), Column("id", Integer, primary_key=True))


class _Thing:
    def __init__(self, id):
        self.id = id


registry().map_imperatively(_Thing, things)


def test_seconds_until_the_due_time_within_bounds():
    assert seconds_until(None, NOW, 60) == 60
    assert seconds_until(NOW + timedelta(seconds=7), NOW, 60) == 7
    assert seconds_until(NOW + timedelta(hours=3), NOW, 60) == 60
    assert seconds_until(NOW - timedelta(seconds=5), NOW, 60) == 0


def _runtime(tmp_path) -> Runtime:
    settings = make_settings(tmp_path)
    engine = make_engine(f"sqlite:///{tmp_path}/s.db")
    things.create(engine)
    return Runtime("coach", settings, engine, make_session_factory(engine), idle_s=30)


def test_a_write_wakes_the_sleep_and_a_read_does_not(tmp_path):
    runtime = _runtime(tmp_path)
    watch_writes(runtime)
    watch_writes(runtime)  # once per factory, however often asked
    with runtime.sessions.begin() as session:
        session.execute(select(things)).all()
    assert not runtime.changed.is_set()
    stop, woke = threading.Event(), []
    sleeper = threading.Thread(target=lambda: (sleep_until(runtime, stop, None, NOW), woke.append(1)))
    started = time.monotonic()
    sleeper.start()
    time.sleep(0.1)  # the sleeper is waiting; the write must cut it short
    with runtime.sessions.begin() as session:
        session.add(_Thing(id=1))  # flushed at commit: a write
    sleeper.join(5)
    assert woke and time.monotonic() - started < 2
    assert not runtime.changed.is_set(), "the wake is used up by the sleep it cut short"


def test_stop_ends_a_long_sleep_within_a_second(tmp_path):
    runtime = _runtime(tmp_path)
    stop = threading.Event()
    sleeper = threading.Thread(target=sleep_until, args=(runtime, stop, NOW + timedelta(hours=1), NOW))
    sleeper.start()
    stop.set()
    sleeper.join(2)
    assert not sleeper.is_alive()
