"""Dead letters: look at them, send them back once fixed, or throw them away."""
from __future__ import annotations

import json
from dataclasses import dataclass

from kombu import Producer

from shared import topology
from shared.bus import connect, declare_topology
from shared.config import Settings


@dataclass
class DeadLetter:
    event_id: str | None
    event_type: str | None
    error: str
    attempts: int | None
    failed_at: str | None
    body: str
    headers: dict


def _letter(message) -> DeadLetter:
    body = message.body.decode("utf-8", "replace") if isinstance(message.body, bytes) else str(message.body)
    headers = message.headers or {}
    try:
        event = json.loads(body)
    except ValueError:
        event = {}
    event = event if isinstance(event, dict) else {}
    return DeadLetter(
        event_id=event.get("id") or message.properties.get("message_id"),
        event_type=event.get("type"),
        error=str(headers.get("x-error", "")),
        attempts=headers.get("x-attempts"),
        failed_at=headers.get("x-failed-at"),
        body=body,
        headers=dict(headers),
    )


def _check(service: str) -> None:
    if service not in topology.SUBSCRIPTIONS:
        raise ValueError(f"unknown service {service!r}; choose from {', '.join(topology.SUBSCRIPTIONS)}")


def _drain(settings: Settings, service: str, limit: int, on_message) -> int:
    """Take up to `limit` dead letters; `on_message(message, letter)` returns True to ack.

    Messages not acked go back to the dead-letter queue when the channel closes.
    """
    _check(service)
    handled = 0
    with connect(settings) as conn:
        declare_topology(conn, settings)
        channel = conn.channel()
        try:
            queue = topology.dead_queue(service, settings.bus_is_amqp)(channel)
            # Only the letters there now: a replayed message that fails again
            # comes back to this queue while we drain it, and must not be
            # replayed (or listed) a second time in the same run.
            depth = queue.queue_declare(passive=True).message_count
            for _ in range(min(limit, depth)):
                message = queue.get(no_ack=False)
                if message is None:
                    break
                if on_message(message, _letter(message), channel):
                    message.ack()
                    handled += 1
        finally:
            channel.close()
    return handled


def list_letters(settings: Settings, service: str, limit: int = 1000) -> list[DeadLetter]:
    letters: list[DeadLetter] = []
    _drain(settings, service, limit, lambda _m, letter, _c: letters.append(letter) and False)
    return letters


def replay(settings: Settings, service: str, event_id: str | None = None, limit: int = 100000) -> int:
    """Send dead letters (all, or one event) back to the service's queue."""

    def _send_back(message, letter: DeadLetter, channel) -> bool:
        if event_id and letter.event_id != event_id:
            return False
        Producer(channel).publish(
            letter.body, exchange=topology.REPLAY, routing_key=service,
            content_type="application/json", content_encoding="utf-8", delivery_mode=2,
            message_id=letter.event_id, mandatory=True,
            confirm_timeout=settings.confirm_timeout_s,
        )
        return True

    return _drain(settings, service, limit, _send_back)


def purge(settings: Settings, service: str) -> int:
    _check(service)
    with connect(settings) as conn:
        declare_topology(conn, settings)
        return topology.dead_queue(service, settings.bus_is_amqp)(conn.default_channel).purge() or 0
