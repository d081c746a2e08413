"""The account itself over the API: personal tokens, profile, export, deletion."""
from __future__ import annotations

from datetime import date

from flask import Response, g, jsonify
from marshmallow import RAISE, Schema, fields, validate

from frontend import accounts, data_export
from frontend.login import log_out
from frontend.runtime import sessions
from frontend.views.api import api_blueprint, validated_body
from shared.strict_fields import time_zone_name
from shared.web import ApiError, error_response

bp = api_blueprint("api_account")


class TokenIn(Schema):
    class Meta:
        unknown = RAISE

    name = fields.Str(required=True, validate=validate.Length(min=1, max=accounts.MAX_TOKEN_NAME))


class ProfilePatch(Schema):
    class Meta:
        unknown = RAISE

    display_name = fields.Str(allow_none=True, validate=validate.Length(max=accounts.MAX_DISPLAY_NAME))
    timezone = time_zone_name()


class DeleteAccountIn(Schema):
    class Meta:
        unknown = RAISE

    confirm = fields.Str(required=True)


def _refused(exc: accounts.AccountError):
    """An AccountError as a 422 naming its field."""
    return error_response(422, "validation_failed", str(exc), {exc.field or "_schema": [str(exc)]})


@bp.get("/tokens")
def list_tokens():
    """Your personal API tokens (names and dates; the tokens themselves are never shown again)."""
    return jsonify({"items": accounts.list_tokens(sessions(), g.api_user_id), "next_cursor": None})


@bp.post("/tokens")
def create_token():
    """A new personal API token; 201 with `token`, shown this once only."""
    fields_ = validated_body(TokenIn())
    try:
        listing, token = accounts.issue_token(sessions(), g.api_user_id, fields_["name"])
    except accounts.AccountError as exc:
        return _refused(exc)
    return jsonify({**listing, "token": token}), 201


@bp.delete("/tokens/<token_id>")
def revoke_token(token_id: str):
    """Stop a token working at once."""
    if not accounts.revoke_token(sessions(), g.api_user_id, token_id):
        raise ApiError(404, "not_found", "There's no such token on your account.")
    return "", 204


@bp.get("/account")
def get_account():
    """Your profile."""
    return jsonify(accounts.get_user(sessions(), g.api_user_id))


@bp.patch("/account")
def update_account():
    """Change your display name or time zone."""
    try:
        user = accounts.update_profile(sessions(), g.api_user_id, **validated_body(ProfilePatch()))
    except accounts.AccountError as exc:
        return _refused(exc)
    return jsonify(user)


@bp.delete("/account")
def delete_account():
    """Delete your account and, through every service, all your data. Body: {"confirm": "<your e-mail>"}."""
    confirm = validated_body(DeleteAccountIn())["confirm"]
    try:
        accounts.delete_account(sessions(), g.api_user_id, confirm)
    except accounts.AccountError as exc:
        return _refused(exc)
    log_out()
    return "", 204


@bp.get("/account/export")
def export_account():
    """All your data as a zip: one JSON file per part of Rebound."""
    archive = data_export.build_archive(g.api_user_id)
    name = f"rebound-export-{date.today().isoformat()}.zip"
    return Response(archive, mimetype="application/zip",
                    headers={"Content-Disposition": f'attachment; filename="{name}"',
                             "Cache-Control": "no-store"})
