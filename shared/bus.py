"""Connections and confirmed, mandatory publishing on either transport.

`amqp://` talks to RabbitMQ with heartbeats and publisher confirms.
`filesystem://` is the embedded bus: kombu's file transport under the data
dir, for one machine and light use.
"""
from __future__ import annotations

import json
import logging
import time
from pathlib import Path

from kombu import Connection, Producer

from shared import fs_transport, topology
from shared.config import Settings

log = logging.getLogger(__name__)


class PublishError(RuntimeError):
    """The broker did not take the event: it is still ours to publish."""


class UnroutableError(PublishError):
    """No queue is bound for the event's routing key."""


def connect(settings: Settings) -> Connection:
    """A new (lazy) connection to the bus described by the settings."""
    if settings.bus_is_amqp:
        return Connection(
            settings.bus_url,
            heartbeat=settings.heartbeat_s,
            connect_timeout=5,
            transport_options={"confirm_publish": True, "max_retries": 1},
        )
    return Connection(transport=fs_transport.Transport,
                      transport_options=filesystem_options(settings.data_dir))


def filesystem_options(data_dir: Path) -> dict:
    root = data_dir / "bus"
    messages = root / "messages"
    control = root / "control"
    for folder in (messages, control):
        folder.mkdir(parents=True, exist_ok=True)
    return {
        "data_folder_in": str(messages),
        "data_folder_out": str(messages),
        "control_folder": str(control),
        "polling_interval": 0.05,
    }


def declare_topology(connection: Connection, settings: Settings) -> None:
    topology.declare_all(connection.default_channel, settings.bus_is_amqp)


class Publisher:
    """Publishes JSON events with confirms; raises PublishError on failure."""

    def __init__(self, settings: Settings):
        self.settings = settings
        self._connection: Connection | None = None
        self._producer: Producer | None = None
        self._last_used = 0.0

    def _ensure(self) -> Producer:
        if self._producer is not None and self._idle_too_long():
            self.close()
        if self._producer is None:
            self._connection = connect(self.settings)
            self._connection.ensure_connection(max_retries=1, timeout=5)
            declare_topology(self._connection, self.settings)
            self._producer = Producer(self._connection.default_channel)
            self._last_used = time.monotonic()
        return self._producer

    def _idle_too_long(self) -> bool:
        # Nothing reads an idle publisher's connection, so it sends no
        # heartbeats and the broker drops it after about two intervals:
        # open a new one rather than publish into one that may be gone.
        heartbeat = self.settings.heartbeat_s if self.settings.bus_is_amqp else 0
        return heartbeat > 0 and time.monotonic() - self._last_used > heartbeat / 2

    def publish(self, event: dict, exchange=topology.EVENTS, routing_key: str | None = None,
                headers: dict | None = None, body: str | None = None) -> None:
        routing_key = routing_key or event["type"]
        try:
            producer = self._ensure()
            if not self.settings.bus_is_amqp:
                _check_routable(producer.channel, exchange.name, routing_key)
            producer.publish(
                body if body is not None else json.dumps(event),
                exchange=exchange,
                routing_key=routing_key,
                content_type="application/json",
                content_encoding="utf-8",
                delivery_mode=2,
                mandatory=True,
                message_id=event.get("id"),
                headers=headers or {},
                timeout=self.settings.confirm_timeout_s,
                confirm_timeout=self.settings.confirm_timeout_s,
            )
            self._last_used = time.monotonic()
        except UnroutableError:
            raise
        except Exception as exc:  # any failure leaves the event unpublished
            if _is_no_route(exc):
                raise UnroutableError(f"no queue is bound for {routing_key!r}") from exc
            self._discard()
            raise PublishError(f"{type(exc).__name__}: {exc}") from exc

    def close(self) -> None:
        """Close politely, waiting at most the confirm timeout for the broker's answer."""
        connection = self._forget()
        if connection is None:
            return
        close_within(connection, self.settings.confirm_timeout_s)

    def _discard(self) -> None:
        # After a failed publish the connection may be a black hole: a polite
        # close would wait for a close-ok that never comes, so just drop it.
        connection = self._forget()
        if connection is not None:
            drop(connection)

    def _forget(self) -> Connection | None:
        connection, self._connection, self._producer = self._connection, None, None
        return connection


def close_within(connection: Connection, timeout: float) -> None:
    """Close politely, but drop the connection if the broker is silent for `timeout` s."""
    try:
        # py-amqp waits for channel.close-ok, then connection.close-ok, with
        # no timeout of its own; a socket timeout of half the bound for each
        # turns a silent broker into an error.
        if connection.connected:
            sock = getattr(getattr(connection.connection, "transport", None), "sock", None)
            if sock is not None:
                sock.settimeout(timeout / 2)
        connection.release()
    except Exception:  # a broken or silent connection: drop it without the handshake
        log.debug("closing the bus connection failed; dropping it", exc_info=True)
        drop(connection)


def drop(connection: Connection) -> None:
    """Close the socket without the AMQP close handshake."""
    try:
        connection.collect()
    except Exception:  # already gone is as good as dropped
        log.debug("dropping the bus connection failed", exc_info=True)


def _is_no_route(exc: Exception) -> bool:
    return "NO_ROUTE" in str(exc) or getattr(exc, "reply_code", None) == 312


def _check_routable(channel, exchange: str, routing_key: str) -> None:
    # kombu's virtual transports send an unroutable message to a hidden
    # queue with a warning; we want RabbitMQ's mandatory semantics instead.
    queues = channel.typeof(exchange).lookup(channel.get_table(exchange), exchange, routing_key, None)
    if not queues:
        raise UnroutableError(f"no queue is bound for {routing_key!r} on {exchange}")
