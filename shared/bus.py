"""Connections and confirmed, mandatory publishing on either transport.

`amqp://` talks to RabbitMQ with heartbeats and publisher confirms.
`filesystem://` is the embedded bus: kombu's file transport under the data
dir, for one machine and light use.
"""
from __future__ import annotations

import json
import logging
import socket
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from kombu import Connection, Producer

from shared import fs_transport, topology
from shared.config import Settings

log = logging.getLogger(__name__)


class PublishError(RuntimeError):
    """The broker did not take the event: it is still ours to publish."""


class UnroutableError(PublishError):
    """No queue is bound for the event's routing key."""


def connect(settings: Settings, confirm_each: bool = True, first: str | None = None) -> Connection:
    """A new (lazy) connection to the bus described by the settings.

    On RabbitMQ every publish waits for its confirm unless `confirm_each` is
    False: then the caller selects confirms and waits for them itself.
    REBOUND_BUS_URL may name several nodes of a cluster (`amqp://a;amqp://b`):
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
            transport_options={"confirm_publish": confirm_each, "max_retries": failover_retries(settings)},
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
    """Publishes JSON events with confirms; raises PublishError on failure.

    On RabbitMQ a batch goes out in one go and its confirms are awaited
    together (one round trip, not one per event); the embedded bus publishes
    one by one.
    """

    def __init__(self, settings: Settings):
        self.settings = settings
        self._connection: Connection | None = None
        self._producer: Producer | None = None
        self._last_used = 0.0
        self._confirms: _Confirms | None = None
        self._answered: str | None = None  # "host:port" of the broker that last took a connection

    def _ensure(self) -> Producer:
        if self._producer is not None and self._idle_too_long():
            self.close()
        if self._producer is None:
            self._connection = connect(self.settings, confirm_each=False, first=self._answered)
            ensure_connected(self._connection, self.settings)
            self._answered = f"{self._connection.hostname}:{self._connection.port}"
            declare_topology(self._connection, self.settings)
            self._producer = Producer(self._connection.default_channel)
            if self.settings.bus_is_amqp:
                self._confirms = _Confirms(self._producer.channel)
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
            if self._confirms is not None:
                outcome = self._confirms.publish([(event, exchange, routing_key, headers, body)],
                                                 self.settings.confirm_timeout_s)
                if outcome.unroutable:
                    raise UnroutableError(outcome.unroutable[event["id"]])
                if outcome.error:
                    raise RuntimeError(outcome.error)
            else:
                _check_routable(producer.channel, exchange.name, routing_key)
                producer.publish(
                    body if body is not None else json.dumps(event),
                    exchange=exchange, routing_key=routing_key,
                    content_type="application/json", content_encoding="utf-8", delivery_mode=2,
                    mandatory=True, message_id=event.get("id"), headers=headers or {},
                )
            self._last_used = time.monotonic()
        except UnroutableError:
            raise
        except Exception as exc:  # any failure leaves the event unpublished
            if _is_no_route(exc):
                raise UnroutableError(f"no queue is bound for {routing_key!r}") from exc
            self._discard()
            raise PublishError(f"{type(exc).__name__}: {exc}") from exc

    def publish_many(self, events: list[dict]) -> Confirmed:
        """Publish events (routed by type), in order; never raises."""
        if not events:
            return Confirmed()
        try:
            self._ensure()
        except Exception as exc:
            self._discard()
            return Confirmed(error=f"{type(exc).__name__}: {exc}")
        if self._confirms is None:
            return publish_one_by_one(self.publish, events)
        try:
            outcome = self._confirms.publish([(e, topology.EVENTS, e["type"], None, None) for e in events],
                                             self.settings.confirm_timeout_s)
        except Exception as exc:
            outcome = Confirmed(error=f"{type(exc).__name__}: {exc}")
        if outcome.error:
            self._discard()
        else:
            self._last_used = time.monotonic()
        return outcome


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
        connection, self._connection, self._producer, self._confirms = self._connection, None, None, None
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


class _Confirms:
    """Publisher confirms on one RabbitMQ channel, awaited per batch.

    The broker numbers the messages of a confirm-mode channel 1, 2, 3 ... and
    acks (or nacks) them by that number, several at once with `multiple`. A
    mandatory message no queue takes comes back first (basic.return), then
    is acked: returned ones are unroutable, not sent.
    """

    def __init__(self, channel):
        self.channel = channel
        self.published = 0
        self.settled: dict[int, bool] = {}  # tag -> acked (True) or nacked (False)
        self.returned: dict[str, str] = {}  # message id -> the broker's reason
        channel.confirm_select()
        channel.events["basic_ack"].add(lambda tag, multiple: self._settle(tag, multiple, True))
        channel.events["basic_nack"].add(lambda tag, multiple: self._settle(tag, multiple, False))
        channel.events["basic_return"].add(self._on_return)

    def _settle(self, tag: int, multiple: bool, acked: bool) -> None:
        for pending in (range(1, tag + 1) if multiple else (tag,)):
            self.settled.setdefault(pending, acked)

    def _on_return(self, exc, _exchange, routing_key, message) -> None:
        message_id = message.properties.get("message_id")
        self.returned[message_id] = f"no queue is bound for {routing_key!r} ({exc})"

    def publish(self, items, timeout: float) -> Confirmed:
        """items: (event, exchange, routing key, headers, body); wait up to `timeout` s for every confirm."""
        tags = {}
        for event, exchange, routing_key, headers, body in items:
            message = self.channel.prepare_message(
                body if body is not None else json.dumps(event), priority=None,
                content_type="application/json", content_encoding="utf-8", headers=headers or {},
                properties={"delivery_mode": 2, "message_id": event["id"]})
            self.channel.basic_publish(message, exchange=getattr(exchange, "name", exchange), routing_key=routing_key,
                                       mandatory=True)
            self.published += 1
            tags[self.published] = event["id"]
        deadline = time.monotonic() + timeout
        while any(tag not in self.settled for tag in tags):
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                return Confirmed(error=f"no confirm within {timeout} s")
            try:
                self.channel.connection.drain_events(timeout=remaining)
            except socket.timeout:
                continue
        outcome = Confirmed()
        for tag, event_id in tags.items():
            acked = self.settled.pop(tag)
            if event_id in self.returned:
                outcome.unroutable[event_id] = self.returned.pop(event_id)
            elif acked:
                outcome.sent.append(event_id)
            else:
                outcome.error = "the broker refused (nacked) a message"
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
