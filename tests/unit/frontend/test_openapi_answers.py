"""The public OpenAPI document describes the coach's and notifier's answers as they are:
a column that can be empty is a nullable field, and naive UTC timestamps are not "date-time"."""
from __future__ import annotations

import pytest
from marshmallow import fields as fields_

from frontend.openapi import SCHEMAS, build_document
from shared.openapi import NAIVE_UTC
from services.coach import models as coach_models
from services.notifier import models as notifier_models

# Each answer schema and the table its rows come from.
ANSWER_TABLES = {
    "ReflectionOut": coach_models.Reflection, "WinOut": coach_models.Win, "GoalOut": coach_models.Goal,
    "SuggestionOut": coach_models.Suggestion, "CheckinOut": coach_models.Checkin,
    "DraftOut": coach_models.FeedbackRequest, "FeedbackOut": coach_models.Feedback,
    "EffortOut": coach_models.Effort, "CoachSettingsOut": coach_models.Profile,
    "NotificationOut": notifier_models.Notification, "DeliveryOut": notifier_models.Delivery,
    "ChannelOut": notifier_models.Channel, "SupporterOut": notifier_models.Supporter,
}


def _column_fields(name: str):
    """(field name, column) for every field of the schema that is read straight from a column."""
    columns = ANSWER_TABLES[name].__table__.columns
    for field_name, field in SCHEMAS[name]._declared_fields.items():
        column = columns.get(field.attribute or field_name)
        if column is not None and not isinstance(field, fields_.Method):  # a Method fills in defaults
            yield field_name, column


@pytest.mark.parametrize("name", sorted(ANSWER_TABLES))
def test_a_field_is_nullable_exactly_when_its_column_is(name):
    properties = build_document()["components"]["schemas"][name]["properties"]
    fields = list(_column_fields(name))
    assert fields, f"{name} reads no column of {ANSWER_TABLES[name].__name__}"
    wrong = {field: column.nullable for field, column in fields
             if properties[field].get("nullable", False) != column.nullable}
    assert wrong == {}, f"{name}: these fields should have nullable = the value shown"


def test_naive_timestamps_are_not_documented_as_date_time():
    schemas = build_document()["components"]["schemas"]
    stamps = {(name, field): prop for name, schema in schemas.items()
              for field, prop in schema.get("properties", {}).items()
              if prop.get("format") in ("date-time", NAIVE_UTC["format"])}
    assert ("EffortOut", "what") not in stamps  # a string stays a string
    assert stamps[("CheckinOut", "created_at")]["format"] == NAIVE_UTC["format"]
    assert stamps[("ReflectionOut", "answered_at")] == {"type": "string", "nullable": True, **NAIVE_UTC}
    assert [key for key, prop in stamps.items() if prop["format"] == "date-time"] == []
