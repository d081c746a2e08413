"""The event envelope and per-type data schemas (shared/events.py)."""
from __future__ import annotations

import uuid

import pytest

from shared.events import DATA_SCHEMAS, InvalidEvent, make_event, validate_event
from support import sample_data, sample_event

ENVELOPE_FIELDS = ("id", "type", "version", "occurred_at", "producer", "user_id",
                   "correlation_id", "causation_id", "data")


def errors_of(event) -> dict:
    with pytest.raises(InvalidEvent) as caught:
        validate_event(event)
    return caught.value.errors


@pytest.mark.parametrize("type", sorted(DATA_SCHEMAS))
def test_a_valid_event_of_each_type_passes_unchanged(type):
    event = sample_event(type)
    assert validate_event(event) is event
    assert set(event) == set(ENVELOPE_FIELDS)


@pytest.mark.parametrize("name", ENVELOPE_FIELDS)
def test_a_missing_envelope_field_is_named(name):
    event = sample_event()
    del event[name]
    assert name in errors_of(event)


@pytest.mark.parametrize("name", ["id", "correlation_id", "causation_id"])
def test_a_bad_uuid_is_refused(name):
    event = sample_event()
    event[name] = "not-a-uuid"
    assert name in errors_of(event)


def test_a_naive_occurred_at_is_refused():
    event = sample_event()
    event["occurred_at"] = "2025-03-01T12:00:00"
    assert "occurred_at" in errors_of(event)


def test_an_aware_occurred_at_in_another_zone_is_accepted():
    event = sample_event()
    event["occurred_at"] = "2025-03-01T12:00:00+02:00"
    assert validate_event(event) is event


def test_an_unknown_type_is_refused():
    event = sample_event()
    event["type"] = "application.exploded"
    assert "type" in errors_of(event)


def test_another_version_is_refused():
    event = sample_event()
    event["version"] = 2
    assert "version" in errors_of(event)


@pytest.mark.parametrize("user_id", ["", "x" * 65])
def test_user_id_must_be_1_to_64_characters(user_id):
    event = sample_event()
    event["user_id"] = user_id
    assert "user_id" in errors_of(event)


def test_an_unknown_envelope_field_is_refused():
    event = sample_event()
    event["priority"] = "high"
    assert "priority" in errors_of(event)


@pytest.mark.parametrize("body", [None, [], "event", 42])
def test_something_other_than_an_object_is_refused(body):
    assert "_schema" in errors_of(body)


def test_a_missing_data_field_is_named():
    event = sample_event()
    del event["data"]["company"]
    assert "company" in errors_of(event)["data"]


def test_a_wrongly_typed_data_field_is_named():
    event = sample_event()
    event["data"]["application_id"] = "seven"
    errors = errors_of(event)
    assert list(errors) == ["data"]
    assert list(errors["data"]) == ["application_id"]


def test_a_value_outside_a_choice_is_named():
    event = sample_event("application.rejected")
    event["data"]["stage_reached"] = "lunch"
    assert "stage_reached" in errors_of(event)["data"]


def test_an_unknown_data_field_is_refused():
    event = sample_event()
    event["data"]["salary"] = 100000
    assert "salary" in errors_of(event)["data"]


def test_data_must_be_an_object():
    event = sample_event()
    event["data"] = ["company"]
    assert "data" in errors_of(event)


def test_the_error_message_carries_the_errors():
    event = sample_event()
    del event["data"]["role"]
    with pytest.raises(InvalidEvent) as caught:
        validate_event(event)
    assert "role" in str(caught.value)


def test_make_event_refuses_invalid_data():
    with pytest.raises(InvalidEvent) as caught:
        make_event("checkin.recorded", user_id="u1", producer="coach",
                   data=sample_data("checkin.recorded", mood=9))
    assert "mood" in caught.value.errors["data"]


def test_make_event_without_a_cause_starts_a_correlation():
    event = make_event("checkin.recorded", user_id="u1", producer="coach",
                       data=sample_data("checkin.recorded"))
    assert uuid.UUID(event["id"]).version == 4
    assert event["correlation_id"] == event["id"]
    assert event["causation_id"] is None
    assert event["version"] == 1
    assert event["producer"] == "coach"
    assert event["occurred_at"].endswith("+00:00")


def test_make_event_from_a_cause_keeps_the_correlation_and_names_the_cause():
    root = sample_event("application.rejected")
    first = sample_event("reflection.prompted", producer="coach", cause=root)
    second = sample_event("win.celebrated", producer="coach", cause=first)
    assert first["correlation_id"] == root["id"]
    assert first["causation_id"] == root["id"]
    assert second["correlation_id"] == root["id"]
    assert second["causation_id"] == first["id"]
    assert len({root["id"], first["id"], second["id"]}) == 3


def test_every_event_gets_a_new_id():
    ids = {sample_event()["id"] for _ in range(50)}
    assert len(ids) == 50
