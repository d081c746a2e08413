"""PostgreSQL unreachable for a worker and for an API; the broker unreachable at shutdown.

Invariants: no message is acked without its commit and nothing is
dead-lettered for a transient cause (every rejection still ends as exactly
taken in once, one inbox item per coach card once the database is back); the API answers
503 and writes nothing rather than commit a change without its event; a
worker asked to stop while the broker is down stops.
"""
from __future__ import annotations

import signal
import threading
import time

import pytest
import requests

from shared.auth import HEADER, sign_user_token
from shared.bus import connect
from shared.worker import Worker
from support import TcpProxy, make_settings, queue_depth, wait_for
from tests.faults.pipeline import outage_s

pytestmark = pytest.mark.e2e


def test_postgres_unreachable_for_the_coach_worker_and_the_tracker_api(pipeline):
    coach_db = TcpProxy.for_url(pipeline.urls["coach"]).start()
    tracker_db = TcpProxy.for_url(pipeline.urls["tracker"]).start()
    try:
        pipeline.spawn("tracker-relay")
        pipeline.spawn("notifier-worker")
        pipeline.spawn("coach-worker", env={
            "REBOUND_COACH_DATABASE_URL": coach_db.url_through(pipeline.urls["coach"])})
        pipeline.spawn("tracker-api", env={
            "REBOUND_TRACKER_DATABASE_URL": tracker_db.url_through(pipeline.urls["tracker"])}, wait=False)
        api = f"http://127.0.0.1:{pipeline.stack.env['REBOUND_TRACKER_PORT']}"
        wait_for(lambda: _answers(api), timeout=60, interval=0.2, message="tracker-api never answered")
        expected = len(pipeline.record_rejections(10))
        pipeline.wait_exactly_once(expected)

        coach_db.stop()
        tracker_db.stop()
        started = time.monotonic()
        expected += len(pipeline.record_rejections(20, prefix="During the outage"))
        token = sign_user_token(pipeline.stack.env["REBOUND_INTERNAL_SECRET"], "fault-user-0")
        refused = requests.post(f"{api}/applications", json={"company": "Unsaved Co", "role": "Analyst"},
                                headers={HEADER: token}, timeout=30)
        assert refused.status_code == 503, refused.text
        wait_for(lambda: pipeline.log_has("coach-worker", outcome="transient"), timeout=30,
                 message="the worker never met the outage")
        while time.monotonic() - started < outage_s():
            assert queue_depth(pipeline.bus_url, "coach.dead") == 0, "dead-lettered for a transient cause"
            assert pipeline.procs["coach-worker"].poll() is None
            time.sleep(1)
        assert pipeline.counts().taken_in == 10, "nothing applied while the database was away"
        coach_db.start()
        tracker_db.start()

        counts = pipeline.wait_exactly_once(expected, timeout=90)
        print("counts:", counts)
        assert queue_depth(pipeline.bus_url, "coach.dead") == 0
        assert not pipeline.log_has("coach-worker", action="dead")
        assert pipeline.scalar("tracker", "SELECT count(*) FROM applications WHERE company = 'Unsaved Co'") == 0
        # Internal tokens live a minute: a long outage outlasts the first one.
        token = sign_user_token(pipeline.stack.env["REBOUND_INTERNAL_SECRET"], "fault-user-0")
        ok = requests.post(f"{api}/applications", json={"company": "Saved Co", "role": "Analyst"},
                           headers={HEADER: token}, timeout=30)
        assert ok.status_code == 201, ok.text
    finally:
        coach_db.stop()
        tracker_db.stop()


def _answers(base: str) -> bool:
    try:
        return requests.get(f"{base}/healthz", timeout=1).status_code == 200
    except requests.RequestException:
        return False


def test_a_worker_process_stops_on_sigterm_while_the_broker_is_down(pipeline):
    down = TcpProxy.for_url(pipeline.bus_url)  # never started: connections are refused
    pipeline.spawn("coach-worker", env={"REBOUND_BUS_URL": down.url_through(pipeline.bus_url)}, wait=False)
    wait_for(lambda: pipeline.log_has("coach-worker", msg="bus connection lost, retrying"), timeout=60,
             message=lambda: f"the worker never tried the broker: {pipeline.tail('coach-worker')}")
    started = time.monotonic()
    assert pipeline.kill("coach-worker", signal.SIGTERM, timeout=15) == 0
    assert time.monotonic() - started < 15


@pytest.mark.integration
def test_a_worker_thread_stops_while_the_broker_is_down(tmp_path, fresh_vhost):
    url = fresh_vhost()
    down = TcpProxy.for_url(url)
    settings = make_settings(tmp_path, bus_url=down.url_through(url))
    errors = []
    worker = Worker("coach", connect(settings), None, {}, settings)
    worker.on_connection_error = lambda exc, interval: errors.append(exc)
    thread = threading.Thread(target=worker.run, daemon=True)
    thread.start()
    wait_for(lambda: errors, timeout=20, message="the worker never tried the broker")
    worker.should_stop = True
    thread.join(timeout=5)
    assert not thread.is_alive(), "the worker kept retrying after it was asked to stop"
