"""The bus topology, declared once for publishers, workers and the dlq tool.

One durable topic exchange carries every event, routed by event type. Each
consuming service owns one queue bound to the types it handles, and one
dead-letter queue. A direct replay exchange lets `rebound dlq replay` send a
message back to one service's queue without waking the others.
"""
from __future__ import annotations

from kombu import Exchange, Queue, binding

EVENTS = Exchange("rebound.events", type="topic", durable=True)
DEAD = Exchange("rebound.dead", type="direct", durable=True)
REPLAY = Exchange("rebound.replay", type="direct", durable=True)

# Which event types each consuming service handles. Each service's HANDLERS
# map must name exactly these (a unit test checks it).
SUBSCRIPTIONS: dict[str, tuple[str, ...]] = {
    "tracker": ("user.deleted", "mail.classified"),
    "coach": (
        "user.registered", "user.deleted",
        "application.created", "application.updated", "application.stage_changed",
        "application.offer_received", "application.rejected", "application.feedback_received",
        "application.deleted", "application.archived", "application.ghosted",
        "application.rejection_retracted", "interview.scheduled",
        "reflection.completed", "checkin.recorded", "applications.imported",
    ),
    "notifier": (
        "user.registered", "user.deleted",
        "reflection.prompted", "win.celebrated", "goal.updated", "reminder.due",
        "support.nudge_requested", "suggestion.offered", "insight.generated",
        "coaching.withdrawn", "application.offer_received", "coach.card_composed",
        "mailbox.failing",
    ),
    "mailbox": (
        "user.deleted", "application.created", "application.stage_changed", "application.rejected",
        "application.deleted", "applications.imported",
    ),
}

# Quorum queues redeliver a message at most this many times before RabbitMQ
# dead-letters it itself: a safety net under the worker's own attempt limit
# for a message that kills the worker process each time.
DELIVERY_LIMIT = 50


# Events that must not wait behind a backlog (a 50,000-row import, say): each
# consuming service takes them from a queue of their own, `<service>.priority`,
# consumed beside `<service>.events`. A new queue rather than new arguments on the
# old one: redeclaring a queue with other arguments fails (PRECONDITION_FAILED).
PRIORITY_TYPES = ("user.deleted",)


def _arguments(service: str, amqp: bool) -> dict | None:
    if not amqp:
        return None
    return {
        "x-queue-type": "quorum",
        "x-dead-letter-exchange": DEAD.name,
        "x-dead-letter-routing-key": service,
        "x-dead-letter-strategy": "at-least-once",
        "x-overflow": "reject-publish",
        "x-delivery-limit": DELIVERY_LIMIT,
    }


def events_queue(service: str, amqp: bool) -> Queue:
    bindings = [binding(EVENTS, routing_key=t) for t in SUBSCRIPTIONS[service]
                if t not in PRIORITY_TYPES + BULK_TYPES]
    bindings.append(binding(REPLAY, routing_key=service))
    return Queue(f"{service}.events", bindings=bindings, durable=True, queue_arguments=_arguments(service, amqp))


def priority_queue(service: str, amqp: bool) -> Queue:
    """The service's queue for PRIORITY_TYPES; dead letters go where the others' do."""
    bindings = [binding(EVENTS, routing_key=t) for t in SUBSCRIPTIONS[service] if t in PRIORITY_TYPES]
    return Queue(f"{service}.priority", bindings=bindings, durable=True,
                 queue_arguments=_arguments(service, amqp))


# Imported history (one event per chunk of rows) waits in `<service>.bulk`: the
# worker takes one at a time from it, between the live events of everyone else.
BULK_TYPES = ("applications.imported",)


def bulk_queue(service: str, amqp: bool) -> Queue:
    bindings = [binding(EVENTS, routing_key=t) for t in SUBSCRIPTIONS[service] if t in BULK_TYPES]
    return Queue(f"{service}.bulk", bindings=bindings, durable=True, queue_arguments=_arguments(service, amqp))


def consumed_queues(service: str, amqp: bool) -> list[Queue]:
    """What a service's worker consumes: priority, bulk where it has them, then its events."""
    queues = []
    if any(t in PRIORITY_TYPES for t in SUBSCRIPTIONS[service]):
        queues.append(priority_queue(service, amqp))
    if any(t in BULK_TYPES for t in SUBSCRIPTIONS[service]):
        queues.append(bulk_queue(service, amqp))
    queues.append(events_queue(service, amqp))
    return queues


def dead_queue(service: str, amqp: bool) -> Queue:
    arguments = {"x-queue-type": "quorum"} if amqp else None
    return Queue(
        f"{service}.dead", exchange=DEAD, routing_key=service, durable=True,
        queue_arguments=arguments,
    )


def declare_all(channel, amqp: bool) -> None:
    """Declare every exchange, queue and binding (idempotent)."""
    for exchange in (EVENTS, DEAD, REPLAY):
        exchange(channel).declare()
    for service in SUBSCRIPTIONS:
        for queue in consumed_queues(service, amqp):
            queue(channel).declare()
        dead_queue(service, amqp)(channel).declare()
        if amqp:  # queues declared before the priority queue existed still carry these bindings
            for event_type in PRIORITY_TYPES:
                channel.queue_unbind(f"{service}.events", EVENTS.name, routing_key=event_type)
