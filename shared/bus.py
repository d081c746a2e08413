"""Connections and confirmed, mandatory publishing on either transport.

`amqp://` talks to RabbitMQ with heartbeats and publisher confirms.
`filesystem://` is the embedded bus: kombu's file transport under the data
dir, for one machine and light use.
"""
from __future__ import annotations

import json
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from amqp.exceptions import MessageNacked
from kombu import Connection, Producer

from shared import fs_transport, topology
from shared.config import Settings

log = logging.getLogger(__name__)


class PublishError(RuntimeError):
    """The broker did not take the event: it is still ours to publish."""


class UnroutableError(PublishError):
    """No queue is bound for the event's routing key."""


def connect(settings: Settings, first: str | None = None) -> Connection:
    """A new (lazy) connection to the bus described by the settings.

    On RabbitMQ every publish waits for its confirm. REBOUND_BUS_URL may name several nodes of a cluster (`amqp://a;amqp://b`):
    kombu then moves to the next one after each failed try, round-robin,
    starting from the node `first` ("host:port", the last one that answered)
    when given.
    """
    if settings.bus_is_amqp:
        return Connection(
            ";".join(starting_at(settings.bus_urls, first)),
            heartbeat=settings.heartbeat_s,
            connect_timeout=CONNECT_TIMEOUT_S,
            failover_strategy="round-robin",
            transport_options={"confirm_publish": True, "max_retries": failover_retries(settings)},
        )
    return Connection(transport=fs_transport.Transport,
                      transport_options=filesystem_options(settings.data_dir, settings.bus_poll_ms / 1000))


CONNECT_TIMEOUT_S = 5


def starting_at(urls: list[str], first: str | None) -> list[str]:
    """The brokers in their order, rotated to start at the one at `first` ("host:port"), if listed.

    A connection made afresh tries the list from its start: after a node has
    gone silent (not refusing, just not answering) that would cost a connect
    timeout every time, so a publisher starts from the node that last answered.
    """
    for index, url in enumerate(urls):
        parts = urlsplit(url)
        if first is not None and f"{parts.hostname}:{parts.port or 5672}" == first:
            return urls[index:] + urls[:index]
    return urls


def failover_retries(settings: Settings) -> int:
    """Retries of a connection attempt that try every broker at least once.

    kombu moves to the next URL after each failed try; a connection made
    afresh starts again at the first, so with too few retries a process whose
    first two brokers are down would never reach the third.
    """
    return len(settings.bus_urls) if settings.bus_is_amqp else 1


def ensure_connected(connection: Connection, settings: Settings, timeout: float = CONNECT_TIMEOUT_S) -> Connection:
    """Connect now, trying each broker in turn; raise if none answers within `timeout` s apiece."""
    retries = failover_retries(settings)
    return connection.ensure_connection(max_retries=retries, timeout=timeout * retries)


def filesystem_options(data_dir: Path, poll_s: float = 0.05) -> dict:
    root = data_dir / "bus"
    messages = root / "messages"
    control = root / "control"
    for folder in (messages, control):
        folder.mkdir(parents=True, exist_ok=True)
    return {
        "data_folder_in": str(messages),
        "data_folder_out": str(messages),
        "control_folder": str(control),
        # How late a message put by another process is seen; this process's own wake consumers at once.
        "polling_interval": poll_s,
    }


def declare_topology(connection: Connection, settings: Settings) -> None:
    topology.declare_all(connection.default_channel, settings.bus_is_amqp)


@dataclass
class Confirmed:
    """What became of a batch of events handed to `Publisher.publish_many`."""
    sent: list[str] = field(default_factory=list)  # ids the broker confirmed
    unroutable: dict[str, str] = field(default_factory=dict)  # id -> why: no queue is bound for it
    error: str | None = None  # the bus failed: the rest are still ours to publish


class Publisher:
    """Publishes JSON events, each confirmed by the broker; raises PublishError on failure.

    One round trip per event: at the rates people make (a few rejections a
    minute, a burst of 50/s in `make bench`) the confirm costs about a
    millisecond, and the code stays kombu's own.
    """

    def __init__(self, settings: Settings):
        self.settings = settings
        self._connection: Connection | None = None
        self._producer: Producer | None = None
        self._last_used = 0.0
        self._answered: str | None = None  # "host:port" of the broker that last took a connection
        self._returned: dict[str, str] = {}  # message id -> why RabbitMQ handed it back (basic.return)

    def _ensure(self) -> Producer:
        if self._producer is not None and self._idle_too_long():
            self.close()
        if self._producer is None:
            self._connection = connect(self.settings, first=self._answered)
            ensure_connected(self._connection, self.settings)
            self._answered = f"{self._connection.hostname}:{self._connection.port}"
            declare_topology(self._connection, self.settings)
            self._producer = Producer(self._connection.default_channel)
            if self.settings.bus_is_amqp:
                # A mandatory message no queue takes comes back before its ack; noted here, the
                # confirm wait still takes that ack, so each confirm stays paired with its message.
                self._producer.channel.events["basic_return"].add(self._on_return)
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
            # On RabbitMQ, mandatory + confirms: an unroutable message comes back (NO_ROUTE) before its ack.
            producer.publish(
                body if body is not None else json.dumps(event),
                exchange=exchange, routing_key=routing_key,
                content_type="application/json", content_encoding="utf-8", delivery_mode=2,
                mandatory=True, message_id=event.get("id"), headers=headers or {},
                confirm_timeout=self.settings.confirm_timeout_s,
            )
            self._last_used = time.monotonic()
        except UnroutableError:
            raise
        except Exception as exc:  # any failure leaves the event unpublished
            self._discard()
            if _is_no_route(exc):
                raise UnroutableError(f"no queue is bound for {routing_key!r}") from exc
            if isinstance(exc, MessageNacked):
                raise PublishError("the broker refused (nacked) the message") from exc
            raise PublishError(f"{type(exc).__name__}: {exc}") from exc
        returned = self._returned.pop(event.get("id"), None)
        if returned is not None:
            raise UnroutableError(returned)

    def _on_return(self, exc, _exchange, routing_key, message) -> None:
        self._returned[message.properties.get("message_id")] = f"no queue is bound for {routing_key!r} ({exc})"

    def publish_many(self, events: list[dict]) -> Confirmed:
        """Publish events (routed by type), in order; never raises."""
        return publish_one_by_one(self.publish, events)

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
        self._returned = {}
        return connection


def publish_one_by_one(publish: Callable[[dict], None], events: list[dict]) -> Confirmed:
    """`publish_many` with one confirmed publish after another: stop at the first failure of the bus."""
    outcome = Confirmed()
    for event in events:
        try:
            publish(event)
        except UnroutableError as exc:
            outcome.unroutable[event["id"]] = str(exc)
        except PublishError as exc:
            outcome.error = str(exc)
            break
        else:
            outcome.sent.append(event["id"])
    return outcome


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
