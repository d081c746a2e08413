"""The notifier's inbox hints reach a frontend's unread cache over real RabbitMQ."""
from __future__ import annotations

import threading

import pytest
from kombu import Connection, Producer

from frontend.unread_cache import Unread, UnreadCache, listen
from services.notifier import inbox, inbox_signals
from services.notifier.api import create_app
from shared import topology
from shared.auth import HEADER, sign_user_token
from shared.runtime import Runtime, migrate_service
from support import make_settings, wait_for

pytestmark = pytest.mark.integration

KEPT = Unread(7, 'W/"7-1"')


@pytest.fixture
def settings(tmp_path, bus_url):
    return make_settings(tmp_path, bus_url=bus_url)


@pytest.fixture
def notifier(settings):
    """The notifier's runtime (SQLite) with hints installed."""
    migrate_service("notifier", settings)
    runtime = Runtime.build("notifier", settings)
    assert inbox_signals.install(runtime) is not None
    yield runtime
    runtime.engine.dispose()


@pytest.fixture
def cache(settings):
    """A frontend worker's cache, fed by a listener thread until the test ends."""
    cache, stop = UnreadCache(), threading.Event()
    thread = threading.Thread(target=listen, args=(settings, cache, stop), kwargs={"retry_s": 0.2},
                              daemon=True)
    thread.start()
    wait_for(lambda: cache.listening, message="the listener never started")
    yield cache
    stop.set()
    thread.join(5)
    assert not thread.is_alive()


def _keep(cache: UnreadCache, *user_ids: str) -> None:
    for user_id in user_ids:
        assert cache.keep(cache.ticket(user_id), KEPT)


def _notify(session, user_id: str, source: str):
    return inbox.notify(session, user_id=user_id, kind="win", severity="info", title="A win",
                        body="Well done.", source_event_id=source, fan_out=False)


def _forgotten(cache: UnreadCache, user_id: str) -> bool:
    return cache.get(user_id) is None


def test_a_committed_item_is_hinted_and_a_rolled_back_one_is_not(notifier, cache):
    _keep(cache, "rolled-back", "committed")
    with notifier.sessions() as session:  # one session, as a worker retrying a batch uses it
        _notify(session, "rolled-back", "e1")
        session.rollback()
        _notify(session, "committed", "e2")
        session.commit()
    wait_for(lambda: _forgotten(cache, "committed"), timeout=5, message="no hint after the commit")
    # One sender, one connection: hints arrive in order, so the rolled-back one would be here by now.
    assert cache.get("rolled-back") == KEPT


def test_reading_and_archiving_through_the_api_are_hinted(notifier, cache):
    _keep(cache, "alice")
    with notifier.sessions.begin() as session:
        ids = [_notify(session, "alice", f"e{i}").id for i in range(3)]
    wait_for(lambda: _forgotten(cache, "alice"), timeout=5, message="no hint for the new items")
    client = create_app(runtime=notifier).test_client()
    headers = {HEADER: sign_user_token(notifier.settings.internal_secret, "alice")}
    for path in (f"/notifications/{ids[0]}/read", f"/notifications/{ids[1]}/archive", "/notifications/read_all"):
        _keep(cache, "alice")
        assert client.post(path, headers=headers).status_code == 200
        wait_for(lambda: _forgotten(cache, "alice"), timeout=5, message=f"no hint after {path}")


def test_both_ends_come_back_after_the_broker_drops_them(notifier, cache, rabbit, bus_url):
    with notifier.sessions.begin() as session:  # the sender has a connection now
        _notify(session, "bob", "e0")
    wait_for(lambda: _forgotten(cache, "bob"), timeout=5, message="the first hint")
    _keep(cache, "ann")
    assert rabbit.close_connections(bus_url) >= 2
    wait_for(lambda: not cache.listening, timeout=5, message="the listener did not notice")
    assert cache.get("ann") is None  # a hint may be missed while not listening: nothing is trusted
    wait_for(lambda: cache.listening, timeout=10, message="the listener did not come back")
    _keep(cache, "bob")
    with notifier.sessions.begin() as session:
        _notify(session, "bob", "e1")
    wait_for(lambda: _forgotten(cache, "bob"), timeout=5, message="no hint on the new connections")


def test_malformed_hints_leave_the_listener_running(notifier, cache, settings):
    _keep(cache, "ann", "bob")
    with Connection(settings.bus_url) as connection:
        producer = Producer(connection.channel(), exchange=topology.INBOX_CHANGES)
        producer.publish("not json", content_type="text/plain", content_encoding="utf-8")
        producer.publish(b"\xff\xfe", content_type="application/json", content_encoding="binary")
        producer.publish({"user_ids": "bob"}, serializer="json")
    with notifier.sessions.begin() as session:
        _notify(session, "bob", "e1")
    wait_for(lambda: _forgotten(cache, "bob"), timeout=5, message="no hint after the malformed ones")
    assert cache.get("ann") == KEPT  # the listener never reconnected (that would forget everyone)
