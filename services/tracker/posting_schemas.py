"""What POST /postings/read accepts and answers: a posting's URL or its text, and the fields found."""
from __future__ import annotations

from marshmallow import RAISE, Schema, ValidationError, fields, validate, validates_schema

from services.tracker.schemas import ApplicationIn

ONE_OF = "Give the posting's link or paste its text (one of the two)."


class PostingIn(Schema):
    class Meta:
        unknown = RAISE

    url = fields.Url(schemes={"http", "https"}, validate=validate.Length(max=2000),
                     error_messages={"invalid": "That doesn't look like a web address (http:// or https://)."})
    text = fields.Str(validate=validate.Length(min=1, max=200_000))

    @validates_schema
    def _one_of(self, data, **kwargs):
        if bool(data.get("url")) == bool(data.get("text")):
            raise ValidationError(ONE_OF, "_schema")


class PostingFields(Schema):
    """The application's fields found in the posting (as ApplicationIn names them); any may be missing."""

    company, role, location, notes, url = (fields.Str() for _ in range(5))
    work_mode = ApplicationIn._declared_fields["work_mode"]
    salary_min, salary_max = fields.Int(), fields.Int()
    salary_currency = fields.Str()
    salary_period = ApplicationIn._declared_fields["salary_period"]


class PostingOut(Schema):
    fields_ = fields.Nested(PostingFields, data_key="fields")
    read_from = fields.Str(allow_none=True, validate=validate.OneOf(("json_ld", "meta_tags", "text")),
                           metadata={"description": "where the fields came from; null when nothing was found"})


posting_in = PostingIn()
