"""Fixtures for the bus tests: one fresh vhost and one fresh database per test."""
from __future__ import annotations

import pytest

from shared.bus import Publisher, connect
from shared.worker import Worker
from support import consumed_type, make_settings

SERVICE = "coach"


@pytest.fixture
def service() -> str:
    """The consuming service the bus tests play (its queues: <service>.events, .dead)."""
    return SERVICE


@pytest.fixture
def event_type() -> str:
    """A type the service consumes, read from the topology at run time."""
    return consumed_type(SERVICE)


@pytest.fixture
def bus_url(fresh_vhost) -> str:
    return fresh_vhost()


@pytest.fixture
def amqp_settings(tmp_path, bus_url, pg_service_db):
    """RabbitMQ in a fresh vhost, PostgreSQL, 3 attempts 50 ms apart at first."""
    return make_settings(tmp_path, bus_url=bus_url, database_url=pg_service_db.url,
                         max_attempts=3, retry_base_ms=50)


@pytest.fixture
def new_worker(amqp_settings, pg_service_db):
    """A factory: new_worker(handlers, settings=None, **kwargs) -> Worker for SERVICE."""
    def build(handlers, settings=None, **kwargs) -> Worker:
        settings = settings or amqp_settings
        return Worker(SERVICE, connect(settings), pg_service_db.sessions, handlers, settings, **kwargs)
    return build


@pytest.fixture
def new_publisher(request):
    """A factory: new_publisher(settings=None) -> Publisher (default amqp_settings), closed after."""
    made: list[Publisher] = []

    def build(settings=None) -> Publisher:
        made.append(Publisher(settings or request.getfixturevalue("amqp_settings")))
        return made[-1]

    yield build
    for publisher in made:
        publisher.close()


@pytest.fixture
def sqlite_settings(tmp_path, sqlite_service_db):
    """The embedded bus (filesystem://) under tmp_path, with SQLite."""
    return make_settings(tmp_path, bus_url="filesystem://", database_url=sqlite_service_db.url,
                         max_attempts=3, retry_base_ms=50)
