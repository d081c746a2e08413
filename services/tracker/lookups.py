"""Finding the caller's application for a route, or answering 404: shared by every blueprint."""
from __future__ import annotations

from flask import g

from services.tracker import application_loading
from services.tracker.models import Application
from shared.web import ApiError


def get_application_or_404(session, app_id: int, only: tuple | None = None) -> Application:
    """The caller's application: in full, or with `only` the relationships a route needs."""
    mine = (Application.id == app_id, Application.user_id == g.user_id)
    if only is None:
        app = application_loading.one_in_full(session, mine)
    else:
        app = application_loading.one_with(session, mine, only)
    if app is None:
        raise ApiError(404, "not_found", "We couldn't find that application.")
    return app
