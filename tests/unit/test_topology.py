"""The bus wiring agrees with the code: no event is sent where nobody listens."""
import re
from pathlib import Path

import pytest

from shared.events import DATA_SCHEMAS
from rebound.processes import HANDLER_MAPS, load
from shared.topology import SUBSCRIPTIONS, events_queue

ROOT = Path(__file__).resolve().parents[2]
EMIT = re.compile(r'emit\(\s*\w+,\s*"([a-z_.]+)"')


def emitted_types() -> set[str]:
    found = set()
    for folder in ("services", "frontend"):
        for path in (ROOT / folder).rglob("*.py"):
            found |= set(EMIT.findall(path.read_text()))
    return found


@pytest.mark.parametrize("service", sorted(HANDLER_MAPS))
def test_each_service_handles_exactly_what_its_queue_is_bound_to(service):
    assert set(load(HANDLER_MAPS[service])) == set(SUBSCRIPTIONS[service])


def test_every_emitted_event_type_has_a_consumer():
    emitted = emitted_types()
    assert "application.rejected" in emitted  # the scan itself works
    consumed = {t for types in SUBSCRIPTIONS.values() for t in types}
    assert emitted - consumed == set()


def test_subscriptions_name_only_known_event_types():
    for types in SUBSCRIPTIONS.values():
        assert set(types) <= set(DATA_SCHEMAS)


def test_rabbitmq_queues_are_quorum_with_dead_lettering():
    queue = events_queue("coach", amqp=True)
    assert queue.name == "coach.events"
    assert queue.queue_arguments["x-queue-type"] == "quorum"
    assert queue.queue_arguments["x-dead-letter-exchange"] == "rebound.dead"
    assert queue.queue_arguments["x-dead-letter-strategy"] == "at-least-once"
    assert events_queue("coach", amqp=False).queue_arguments is None
