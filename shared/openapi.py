"""OpenAPI 3 documents from marshmallow schemas (apispec): the one builder of the tracker's and the public API's.

A document names its components (marshmallow schemas, by the names operations
refer to them with `ref`) and its paths as {path: {method: operation}}; each
`{name}` in a path gets a path parameter whose schema the caller chooses.
"""
from __future__ import annotations

import re
from collections.abc import Callable

from apispec import APISpec
from apispec.ext.marshmallow import MarshmallowPlugin
from marshmallow import Schema, fields, validate

JSON = "application/json"
# The services store and answer naive UTC ("2030-01-02T09:30:00"); OpenAPI's "date-time" demands an
# offset, so such timestamps are documented under a format of their own.
NAIVE_UTC = {"format": "utc-date-time-without-offset", "description": "UTC, ISO 8601, no offset"}
# Cursors are base64url without padding (shared/pagination.py, services/tracker/listing.py); only
# ones the server gave out are taken.
CURSOR = {"type": "string", "pattern": "^[A-Za-z0-9_-]+$", "description": "next_cursor of the previous page"}
_PLACEHOLDER = re.compile(r"{(\w+)}")


def comma_separated(choices) -> dict:
    """A query value of one or more of `choices`, joined by commas."""
    one = "(" + "|".join(choices) + ")"
    return {"type": "string", "pattern": f"^{one}(,{one})*$"}


def ref(name: str) -> dict:
    """A reference to the component schema `name`."""
    return {"$ref": f"#/components/schemas/{name}"}


def page_of(items: dict) -> dict:
    """A list answer: one page of `items` and the cursor of the next page."""
    return {"type": "object", "properties": {"items": {"type": "array", "items": items},
                                             "next_cursor": {"type": "string", "nullable": True}}}


def error_answer(description: str) -> dict:
    """The answer every error shares: {"error": {code, message, fields}}."""
    return {"description": description, "content": {JSON: {"schema": {"type": "object", "properties": {
        "error": {"type": "object", "properties": {"code": {"type": "string"}, "message": {"type": "string"},
                                                   "fields": {"type": "object"}}}}}}}}


def naive_utc_timestamps(converter, field, ret: dict, **_kwargs) -> dict:
    """apispec attribute function: an ISO DateTime that isn't AwareDateTime is naive UTC.

    Nullability needs no hook: apispec marks every `allow_none=True` field `nullable`.
    """
    if (not isinstance(field, fields.DateTime) or isinstance(field, fields.AwareDateTime)
            or field.format not in (None, "iso", "iso8601") or "format" in field.metadata):
        return {}
    return {key: value for key, value in NAIVE_UTC.items() if key not in field.metadata}


# "HH:MM" as fields.Time(format="%H:%M") reads it.
HH_MM = "^([01][0-9]|2[0-3]):[0-5][0-9]$"


def url_pattern(field: fields.Url) -> str:
    """URLs the field's URL validator takes, in a shape a document can state: one of its schemes,
    a host of dotted labels ending in a letters-only top-level domain, then an optional printable path."""
    checks = [v for v in field.validators if isinstance(v, validate.URL)]
    schemes = "|".join(sorted(set.intersection(*(set(v.schemes) for v in checks))))
    label = "[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
    return f"^({schemes})://({label}\\.)+[A-Za-z]{{2,6}}(/[!-~]*)?$"


def marshmallow_rules(converter, field, ret: dict, **_kwargs) -> dict:
    """apispec attribute function: rules marshmallow checks that apispec leaves out of the document."""
    if isinstance(field, fields.Time) and field.format == "%H:%M":
        return {"pattern": HH_MM}
    if isinstance(field, fields.Url) and "pattern" not in field.metadata:
        return {"pattern": url_pattern(field)}
    if isinstance(field, fields.Dict) and field.key_field is not None:
        return _dict_of_known_keys(converter, field)
    if _ANY_OBJECT in ret.get("anyOf", ()):  # a nullable Nested: the other branch is null, not any object
        return {"anyOf": [_ONLY_NULL if branch == _ANY_OBJECT else branch for branch in ret["anyOf"]]}
    return {}


# apispec writes a nullable Nested as anyOf [{"type": "object", "nullable": true}, its schema],
# which lets any object through; OpenAPI 3.0 says "only null" as a nullable enum of null.
_ANY_OBJECT = {"type": "object", "nullable": True}
_ONLY_NULL = {**_ANY_OBJECT, "enum": [None]}


def _dict_of_known_keys(converter, field: fields.Dict) -> dict:
    """A Dict whose keys are one of a list: each key a property (OpenAPI 3.0 has no propertyNames)."""
    choices = [v.choices for v in field.key_field.validators if isinstance(v, validate.OneOf)]
    if not choices:
        return {}
    value = converter.field2property(field.value_field) if field.value_field is not None else {}
    return {"properties": {key: value for key in choices[0]}, "additionalProperties": False}


def build(title: str, *, schemas: dict[str, type[Schema]], paths: dict[str, dict],
          path_parameter: Callable[[str], dict], description: str | None = None,
          security_schemes: dict[str, dict] | None = None, security: list[dict] | None = None) -> dict:
    """The document: `paths` with their path parameters, and `schemas` (and what they nest) as components."""
    options = {"info": {"description": description}} if description else {}
    marshmallow_plugin = MarshmallowPlugin()
    spec = APISpec(title=title, version="1.0.0", openapi_version="3.0.3", plugins=[marshmallow_plugin],
                   **options)
    marshmallow_plugin.converter.add_attribute_function(naive_utc_timestamps)
    marshmallow_plugin.converter.add_attribute_function(marshmallow_rules)
    for name, schema in schemas.items():
        if name not in spec.components.schemas:  # nested schemas register themselves
            spec.components.schema(name, schema=schema)
    for name, scheme in (security_schemes or {}).items():
        spec.components.security_scheme(name, scheme)
    for path, operations in paths.items():
        parameters = [{"name": name, "in": "path", "required": True, "schema": path_parameter(name)}
                      for name in _PLACEHOLDER.findall(path)]
        spec.path(path=path, operations=operations, parameters=parameters or None)
    document = spec.to_dict()
    if security is not None:
        document["security"] = security
    return document
