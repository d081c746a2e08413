"""Export: the tracker's CSV and JSON as downloads, and a printable log (from the Import & export page)."""
from __future__ import annotations

from flask import Blueprint, Response, flash, redirect, render_template, request, url_for

from frontend import panels, service_client
from frontend.login import current_user_id, login_required

# Under the page's own address, /import, where the export buttons are.
bp = Blueprint("exports", __name__, url_prefix="/import")
DOWNLOADS = {"export.csv": "text/csv", "export.json": "application/json"}


@bp.get("/<any('export.csv', 'export.json'):name>")
@login_required
def download(name: str):
    """The tracker's export, passed through as a download."""
    response = service_client.raw("tracker", "GET", f"/applications/{name}", current_user_id(),
                            params={k: v for k, v in request.args.items() if k in ("from", "to")})
    if response.status_code != 200:
        flash("The export didn't work just now. Please try again in a moment.", "error")
        return redirect(url_for("imports.index"))
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
        return redirect(url_for("imports.index"))
    data = response.json()
    return render_template("log.html", applications=data.get("applications") or [],
                           start=data.get("from"), end=data.get("to"))
