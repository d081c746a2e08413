"""How views answer: one template, whole page or just the fragment htmx asked for."""
from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for


def is_fragment_request() -> bool:
    """An htmx request wants the fragment; a boosted link or a history restore wants the whole page."""
    return bool(request.htmx) and not request.htmx.history_restore_request and not request.htmx.boosted


def fragment_or_page(fragment: str, page: str, context: dict, status: int = 200):
    """`_partials/<fragment>.html` for htmx; `<page>.html`, which includes it, otherwise."""
    template = f"_partials/{fragment}.html" if is_fragment_request() else f"{page}.html"
    return render_template(template, **context), status


def after_change(message: str, fragment: str, context, back: str | None = None):
    """After a change: the refreshed fragment for htmx; without JS, back to the page it came from."""
    if is_fragment_request():
        # The message rides along out of band into #notices, the page's one live status area.
        body = render_template(f"_partials/{fragment}.html", **context())
        return body + render_template("_partials/notice_oob.html", message=message), 200
    flash(message)
    return redirect(back or url_for("dashboard.index"))


def back_to(default_endpoint: str, **values) -> str:
    """Where a plain form post returns: the page named in `next` if it is ours, else the default."""
    target = request.form.get("next") or request.args.get("next") or ""
    if target.startswith("/") and not target.startswith("//"):
        return target
    return url_for(default_endpoint, **values)
