"""Import a CSV (preview with row errors, then confirm), and export: CSV, JSON, a printable log."""
from __future__ import annotations

import base64
import binascii

from flask import Blueprint, Response, flash, redirect, render_template, request, url_for

from frontend import panels, service_client
from frontend.login import current_user_id, login_required

bp = Blueprint("imports", __name__, url_prefix="/import")
DOWNLOADS = {"export.csv": "text/csv", "export.json": "application/json"}


def _send_csv(content: bytes, dry_run: bool):
    """Hand the CSV to the tracker; its JSON answer (preview or result) and status."""
    response = service_client.raw("tracker", "POST", "/applications/import", current_user_id(),
                            params={"dry_run": "1" if dry_run else "0"},
                            files={"file": ("import.csv", content, "text/csv")}, timeout=30)
    try:
        body = response.json()
    except ValueError:
        body = {}
    return response.status_code, body if isinstance(body, dict) else {}


def _refusal(body: dict) -> str:
    error = body.get("error") or {}
    return error.get("message") or "We couldn't read that file. Is it a CSV?"


@bp.get("")
@login_required
def index():
    """The upload form and the export buttons."""
    return render_template("import.html", preview=None)


@bp.post("/preview")
@login_required
def preview():
    """Read the file and show what would happen to each row; nothing is saved yet."""
    upload = request.files.get("file")
    content = upload.read() if upload else b""
    if not content:
        flash("Choose a CSV file first.", "error")
        return redirect(url_for(".index"))
    status, body = _send_csv(content, dry_run=True)
    if status != 200:
        return render_template("import.html", preview=None, refusal=_refusal(body)), 422
    return render_template("import.html", preview=body,
                           payload=base64.b64encode(content).decode())


@bp.post("/confirm")
@login_required
def confirm():
    """Import the rows the preview showed as new."""
    try:
        content = base64.b64decode(request.form.get("payload", ""), validate=True)
    except (binascii.Error, ValueError):
        content = b""
    if not content:
        flash("That preview has expired. Please choose the file again.", "error")
        return redirect(url_for(".index"))
    status, body = _send_csv(content, dry_run=False)
    if status != 200:
        flash(_refusal(body), "error")
        return redirect(url_for(".index"))
    created = len(body.get("created_ids") or [])
    flash(f"Imported {created} application{'s' if created != 1 else ''}. "
          "That's a lot of effort on record.")
    return redirect(url_for("applications.index"))


@bp.get("/<any('export.csv', 'export.json'):name>")
@login_required
def download(name: str):
    """The tracker's export, passed through as a download."""
    response = service_client.raw("tracker", "GET", f"/applications/{name}", current_user_id(),
                            params={k: v for k, v in request.args.items() if k in ("from", "to")})
    if response.status_code != 200:
        flash("The export didn't work just now. Please try again in a moment.", "error")
        return redirect(url_for(".index"))
    return Response(response.content, mimetype=DOWNLOADS[name], headers={
        "Content-Disposition": f'attachment; filename="applications.{name.split(".")[1]}"'})


@bp.get("/log")
@login_required
def log():
    """A printable log of applications, drawn here so it obeys the page's style rules."""
    params = {k: v for k, v in request.args.items() if k in ("from", "to") and v}
    response = service_client.raw("tracker", "GET", "/applications/export.json", current_user_id(),
                            params=params)
    if response.status_code != 200:
        flash(panels.service_message(service_client.Reply(response.status_code, {})), "error")
        return redirect(url_for(".index"))
    data = response.json()
    return render_template("log.html", applications=data.get("applications") or [],
                           start=data.get("from"), end=data.get("to"))
