"""Several brokers in REBOUND_BUS_URL: kombu's failover list, tried in turn (no broker needed)."""
from __future__ import annotations

import socket

import pytest
from kombu.exceptions import OperationalError

from shared.bus import connect, ensure_connected, failover_retries, starting_at
from shared.config import load_settings


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _settings(monkeypatch, url: str):
    monkeypatch.setenv("REBOUND_BUS_URL", url)
    return load_settings()


def test_a_connection_knows_every_broker_in_order(monkeypatch):
    settings = _settings(monkeypatch, "amqp://u:p@a:5701/;amqp://u:p@b:5702/;amqp://u:p@c:5703/")
    connection = connect(settings)
    assert connection.alt == ["amqp://u:p@a:5701/", "amqp://u:p@b:5702/", "amqp://u:p@c:5703/"]
    assert (connection.hostname, connection.port) == ("a", 5701)
    assert connection._failover_strategy == "round-robin"
    assert connection.transport_options["max_retries"] == 3


def test_every_broker_is_tried_before_giving_up(monkeypatch):
    ports = [_closed_port() for _ in range(3)]
    settings = _settings(monkeypatch, ";".join(f"amqp://guest:guest@127.0.0.1:{p}/" for p in ports))
    assert failover_retries(settings) == 3
    tried = []
    connection = connect(settings)
    real_factory = connection._connection_factory

    def noting_factory():
        tried.append(connection.port)
        return real_factory()

    monkeypatch.setattr(connection, "_connection_factory", noting_factory)
    with pytest.raises(OperationalError):
        ensure_connected(connection, settings, timeout=1)
    assert set(tried) == set(ports)  # a connection made afresh starts at the first: all three were reached


def test_one_broker_keeps_one_retry(monkeypatch):
    assert failover_retries(_settings(monkeypatch, "amqp://u:p@a/")) == 1
    assert failover_retries(_settings(monkeypatch, "filesystem://")) == 1


def test_a_list_can_start_at_the_broker_that_last_answered():
    urls = ["amqp://u:p@a:5701/", "amqp://u:p@b:5702/", "amqp://u:p@c/"]
    assert starting_at(urls, "b:5702") == ["amqp://u:p@b:5702/", "amqp://u:p@c/", "amqp://u:p@a:5701/"]
    assert starting_at(urls, "c:5672") == ["amqp://u:p@c/", "amqp://u:p@a:5701/", "amqp://u:p@b:5702/"]
    assert starting_at(urls, "elsewhere:5672") == urls
    assert starting_at(urls, None) == urls

