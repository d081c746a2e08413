"""Test doubles for unit tests: a kombu-like message, producer and publisher."""
from __future__ import annotations

import json
from collections.abc import Callable

from shared.bus import Confirmed, PublishError, publish_one_by_one


class FakeMessage:
    """What Worker.on_message uses of a kombu message; records acks and rejects."""

    def __init__(self, body, message_id: str | None = None, headers: dict | None = None):
        routing_key = body.get("type") if isinstance(body, dict) else None
        if isinstance(body, dict):
            message_id = message_id or body.get("id")
            body = json.dumps(body)
        self.body = body.encode("utf-8") if isinstance(body, str) else body
        self.properties = {"message_id": message_id} if message_id else {}
        self.headers = headers or {}
        self.delivery_info = {"routing_key": routing_key}  # events are routed by their type
        self.acks = 0
        self.rejects = 0
        self.requeues = 0

    @property
    def acked(self) -> bool:
        return self.acks > 0

    def ack(self) -> None:
        self.acks += 1

    def reject(self, requeue: bool = False) -> None:
        self.rejects += 1

    def requeue(self) -> None:
        self.requeues += 1


class FakeProducer:
    """Records what the worker dead-letters."""

    def __init__(self):
        self.published: list[dict] = []

    def publish(self, body, **kwargs) -> None:
        self.published.append({"body": body, **kwargs})


class FakePublisher:
    """Stands in for shared.bus.Publisher; `fail` decides per event what to raise.

    `fail(event)` returns an exception to raise, or None to take the event.
    `before(event)` runs first, inside the publish call (to inspect the world).
    """

    def __init__(self, fail: Callable[[dict], Exception | None] | None = None,
                 before: Callable[[dict], None] | None = None):
        self.fail = fail or (lambda event: None)
        self.before = before or (lambda event: None)
        self.published: list[dict] = []
        self.attempts: list[str] = []
        self.closed = 0

    def publish(self, event: dict, **kwargs) -> None:
        self.attempts.append(event["id"])
        self.before(event)
        error = self.fail(event)
        if error is not None:
            raise error
        self.published.append(event)

    def publish_many(self, events: list[dict]) -> Confirmed:
        return publish_one_by_one(self.publish, events)

    def close(self) -> None:
        self.closed += 1


def broker_down(event: dict) -> Exception:
    return PublishError("ConnectionRefusedError: [Errno 111] Connection refused")
