"""Import a CSV: the preview with row errors and the column mapping, then the import. The page also
holds the export buttons, which `exports.py` answers."""
from __future__ import annotations

import base64
import binascii
import json

from flask import Blueprint, flash, redirect, render_template, request, url_for

from frontend import service_client
from frontend.login import current_user_id, login_required
from frontend.views.render import fragment_or_page

bp = Blueprint("imports", __name__, url_prefix="/import")


# The fields a column can become, as the mapping editor names them (the tracker lists which exist).
FIELD_LABELS = {
    "company": "Company", "role": "Role", "stage": "Stage", "applied_on": "Date applied",
    "created_on": "Date added (used when there's no applied date)",
    "stage_on": "Date it reached its stage", "url": "Link to the posting", "location": "Location",
    "work_mode": "Work mode", "salary": "Salary (one amount or a range)", "salary_min": "Salary from",
    "salary_max": "Salary up to", "salary_currency": "Salary currency", "salary_period": "Salary period",
    "source": "Where you found it", "channel": "How you applied", "role_category": "Kind of role",
    "notes": "Notes", "excitement": "Excitement (1 to 5)", "follow_up_on": "Follow-up date",
    "resume_version": "Résumé version", "cover_letter_version": "Cover letter version", "tags": "Tags",
    "history": "Stage history (from a Rebound export)", "rejection_reason": "Rejection reason",
}


def _send_csv(content: bytes, dry_run: bool, mapping: dict | None = None):
    """Hand the CSV (and the person's column choices) to the tracker; its JSON answer and status."""
    response = service_client.raw("tracker", "POST", "/applications/import", current_user_id(),
                            params={"dry_run": "1" if dry_run else "0"},
                            files={"file": ("import.csv", content, "text/csv")},
                            data={"mapping": json.dumps(mapping)} if mapping else None, timeout=30)
    try:
        body = response.json()
    except ValueError:
        body = {}
    return response.status_code, body if isinstance(body, dict) else {}


def _refusal(body: dict) -> str:
    error = body.get("error") or {}
    return error.get("message") or "We couldn't read that file. Is it a CSV?"


def _payload() -> bytes:
    """The file a preview carried along (base64 in a hidden field), or b"" when it is missing."""
    try:
        return base64.b64decode(request.form.get("payload", ""), validate=True)
    except (binascii.Error, ValueError):
        return b""


def _mapping() -> dict | None:
    """The editor's choices: each column's header beside the field chosen for it ("" leaves it out)."""
    columns, chosen = request.form.getlist("column"), request.form.getlist("field")
    if not columns or len(columns) != len(chosen):
        return None
    return {column: field or None for column, field in zip(columns, chosen)}


def _preview(content: bytes, mapping: dict | None, status: int = 200):
    """The dry run's page (or, for htmx, its preview part), with the mapping editor."""
    context = {"payload": base64.b64encode(content).decode(), "field_labels": FIELD_LABELS,
               "editing": mapping is not None}
    code, body = _send_csv(content, dry_run=True, mapping=mapping)
    if code != 200 and mapping is None:
        return render_template("import.html", preview=None, refusal=_refusal(body)), 422
    if code != 200:  # the person's choices don't work yet: keep the editor so they can change them
        context["refusal"], status = _refusal(body), 422
        body = {"headers": list(mapping), "mapping": mapping, "fields": list(FIELD_LABELS),
                "ignored_columns": [column for column, field in mapping.items() if not field]}
    return fragment_or_page("import_preview", "import", {**context, "preview": body}, status)


@bp.get("")
@login_required
def index():
    """The upload form and the export buttons."""
    return render_template("import.html", preview=None)


@bp.post("/preview")
@login_required
def preview():
    """Read the file (or the one being previewed, with corrected columns) and show what would
    happen to each row; nothing is saved yet."""
    upload = request.files.get("file")
    content = upload.read() if upload else _payload()
    if not content:
        flash("Choose a CSV file first.", "error")
        return redirect(url_for(".index"))
    return _preview(content, _mapping())


@bp.post("/confirm")
@login_required
def confirm():
    """Import the rows the preview showed as new, with the columns as the person left them."""
    content = _payload()
    if not content:
        flash("That preview has expired. Please choose the file again.", "error")
        return redirect(url_for(".index"))
    status, body = _send_csv(content, dry_run=False, mapping=_mapping())
    if status != 200:
        flash(_refusal(body), "error")
        return redirect(url_for(".index"))
    created = len(body.get("created_ids") or [])
    flash(f"Imported {created} application{'s' if created != 1 else ''}. "
          "That's a lot of effort on record.")
    return redirect(url_for("applications.index"))
