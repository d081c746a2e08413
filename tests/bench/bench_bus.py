"""(1) The bus ceiling: raw kombu on the same RabbitMQ, as the product uses it.

A durable quorum queue, persistent JSON messages published one by one with
publisher confirms (as the relay does), then consumed with manual acks at
prefetch 100 (the worker's way, without the handlers).
"""
from __future__ import annotations

import json
import time
import uuid

from kombu import Connection, Consumer, Exchange, Producer, Queue

from .stats import rate


def ceiling(amqp_url: str, messages: int) -> tuple[float, float]:
    """(published/s with confirms, consumed+acked/s) for `messages` messages."""
    exchange = Exchange("bench.events", "topic", durable=True)
    queue = Queue(f"bench.{uuid.uuid4().hex[:8]}", exchange, routing_key="bench.#", durable=True,
                  queue_arguments={"x-queue-type": "quorum"})
    body = json.dumps({"id": "x" * 36, "type": "application.rejected", "data": {"company": "Acme" * 10}})
    with Connection(amqp_url, heartbeat=20, transport_options={"confirm_publish": True}) as conn:
        channel = conn.channel()
        queue(channel).declare()
        producer = Producer(channel)
        started = time.perf_counter()
        for i in range(messages):
            producer.publish(body, exchange=exchange, routing_key="bench.event", delivery_mode=2,
                             content_type="application/json", content_encoding="utf-8",
                             mandatory=True, message_id=str(i), timeout=10, confirm_timeout=10)
        published = rate(messages, time.perf_counter() - started)
        got = 0

        def on_message(message):
            nonlocal got
            message.ack()
            got += 1

        consume_channel = conn.channel()
        with Consumer(consume_channel, queues=[queue], on_message=on_message, prefetch_count=100):
            started = time.perf_counter()
            deadline = time.monotonic() + 120
            while got < messages and time.monotonic() < deadline:
                conn.drain_events(timeout=5)
            consumed = rate(got, time.perf_counter() - started)
        queue(channel).delete()
    return published, consumed
