"""Changing an application after the fact: its fields, notes, people and rounds, a rejection
recorded by mistake, archiving, and deleting it (confirmed by typing the company's name).

Plain form posts that say how it went and return to the application's page (PRG).
"""
from __future__ import annotations

from flask import Blueprint, flash, redirect, request, url_for
from marshmallow import Schema, ValidationError

from frontend import panels, service_client
from frontend.login import current_user_id, login_required
from frontend.schemas import ApplicationIn, Tags, clean
from frontend.views.actions import act, explain, undoable
from frontend.views.application_detail import ITEMS

bp = Blueprint("application_edit", __name__, url_prefix="/applications")

ITEM_WORDS = {"notes": ("Note updated.", "Note removed."), "contacts": ("Contact updated.", "Contact removed."),
              "rounds": ("Round updated.", "Round removed.")}


class ApplicationEdit(ApplicationIn):
    """Every field the add form has; an emptied one is cleared (tags become none at all)."""


def patch_form(schema: Schema, form) -> dict:
    """An edit form as a PATCH: an emptied optional field becomes null, so it can be cleared."""
    given = {k: v for k, v in form.items() if k in schema.fields and v.strip() != ""}
    payload = clean(schema, given)
    for name in schema.fields:
        if name in form and name not in given and not schema.fields[name].required:
            payload[name] = [] if isinstance(schema.fields[name], Tags) else None
    return payload


def _detail(application_id: int, anchor: str = "") -> str:
    return url_for("application_detail.show", application_id=application_id) + (f"#{anchor}" if anchor else "")


def _send_form(schema: Schema, method: str, path: str, success: str, back: str):
    try:
        payload = patch_form(schema, request.form)
    except ValidationError as exc:
        flash(explain(exc.messages), "error")
        return redirect(back)
    return act("tracker", method, path, success, back, payload)


@bp.post("/<int:application_id>/edit")
@login_required
def edit(application_id: int):
    """Change any of the application's own fields."""
    return _send_form(ApplicationEdit(), "PATCH", f"/applications/{application_id}", "Saved.",
                      _detail(application_id))


@bp.post("/<int:application_id>/<any(notes, contacts, rounds):kind>/<int:item_id>")
@login_required
def edit_item(application_id: int, kind: str, item_id: int):
    """Change a note, a contact or an interview round."""
    return _send_form(ITEMS[kind][0](), "PATCH", f"/applications/{application_id}/{kind}/{item_id}",
                      ITEM_WORDS[kind][0], _detail(application_id, kind))


@bp.post("/<int:application_id>/<any(notes, contacts, rounds):kind>/<int:item_id>/delete")
@login_required
def delete_item(application_id: int, kind: str, item_id: int):
    return act("tracker", "DELETE", f"/applications/{application_id}/{kind}/{item_id}", ITEM_WORDS[kind][1],
               _detail(application_id, kind))


@bp.post("/<int:application_id>/rejection/retract")
@login_required
def retract_rejection(application_id: int):
    """Take back a rejection recorded by mistake, once the person has ticked that they mean it."""
    back = _detail(application_id)
    if request.form.get("confirm") != "yes":
        flash("Tick the box to confirm, and we'll take it back.", "error")
        return redirect(back + "#retract")
    return act("tracker", "DELETE", f"/applications/{application_id}/rejection",
               "Taken back. It's open again, as if it never happened.", back)


@bp.post("/<int:application_id>/<any(archive, unarchive):action>")
@login_required
def archive(application_id: int, action: str):
    """Tuck an application away from the board, or bring it back."""
    path, back = f"/applications/{application_id}/{action}", _detail(application_id)
    if action == "unarchive":
        return act("tracker", "POST", path, "Back on your board.", back)
    undo = url_for("application_edit.archive", application_id=application_id, action="unarchive")
    return undoable("tracker", "POST", path, "Archived. It's out of the way, and still in your history.", back, undo)


@bp.post("/<int:application_id>/delete")
@login_required
def delete(application_id: int):
    """Delete for good, once the company's name has been typed to confirm."""
    user_id = current_user_id()
    back = _detail(application_id, "delete")
    reply = service_client.call("tracker", "GET", f"/applications/{application_id}", user_id)
    if not reply.ok:
        flash(panels.service_message(reply), "error")
        return redirect(url_for("applications.index"))
    typed = " ".join(request.form.get("confirm_company", "").split()).casefold()
    if typed != " ".join((reply.body.get("company") or "").split()).casefold():
        flash("The name didn't match, so nothing was deleted.", "error")
        return redirect(back)
    gone = service_client.call("tracker", "DELETE", f"/applications/{application_id}", user_id)
    if not gone.ok:
        flash(panels.service_message(gone), "error")
        return redirect(back)
    flash(f"Deleted {reply.body.get('company')}. A clean slate.")
    return redirect(url_for("applications.index"))
