"""The frontend web process: builds the Flask app and wires it in one place."""
from __future__ import annotations

import functools
from datetime import timedelta

from flask import Flask
from htmx_flask import Htmx
from werkzeug.middleware.proxy_fix import ProxyFix

from frontend.csrf import install_csrf
from frontend.errors import install_error_handlers
from frontend.ratelimit import LoginThrottle, install_login_throttle
from frontend.runtime import EXTENSION
from frontend.services import ServiceClient
from frontend.unread_cache import EXTENSION as UNREAD_CACHE, UnreadCache
from frontend.templating import install_template_helpers
from frontend.views import api, applications, auth, dashboard
from frontend.views import api_account, api_applications, api_coach, api_notifier
from frontend.views import (
    application_detail, goals, imports, inbox, insights, journal, network, public, settings as settings_page,
)
from shared.base_path import BasePath, base_path
from shared.config import Settings, load_settings
from shared.runtime import Runtime
from shared.web import BusProbe, database_ready, install_health

CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "frame-ancestors 'none'; base-uri 'self'; form-action 'self'"
)
SECURITY_HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
}


def create_app(settings: Settings | None = None, runtime: Runtime | None = None) -> Flask:
    """The frontend app; the database must already be migrated (migrate_service)."""
    settings = settings or (runtime.settings if runtime else load_settings())
    runtime = runtime or Runtime.build("frontend", settings)
    app = Flask(__name__)
    app.config.update(
        SECRET_KEY=settings.secret_key,
        SESSION_COOKIE_NAME="rebound_session",
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=settings.base_url.startswith("https"),
        PERMANENT_SESSION_LIFETIME=timedelta(days=14),
        MAX_CONTENT_LENGTH=1024 * 1024,
    )
    app.extensions[EXTENSION] = runtime
    app.extensions["rebound.services"] = ServiceClient(settings)
    app.extensions[UNREAD_CACHE] = UnreadCache()  # fed by serve's listener on RabbitMQ
    Htmx(app)
    install_csrf(app)
    install_template_helpers(app)
    install_error_handlers(app)
    install_health(app, [functools.partial(database_ready, runtime.engine), BusProbe(settings)])
    for blueprint in (auth.bp, dashboard.bp, applications.bp, api.bp, application_detail.bp, journal.bp,
                      goals.bp, insights.bp, network.bp, inbox.bp, settings_page.bp, imports.bp, public.bp):
        app.register_blueprint(blueprint)
    for blueprint in (api_applications.bp, api_coach.bp, api_notifier.bp, api_account.bp):
        app.register_blueprint(blueprint)
    install_login_throttle(app, LoginThrottle(runtime.sessions))
    app.wsgi_app = BasePath(app.wsgi_app, base_path(settings.base_url))  # served under a sub-path
    if settings.proxy_fix_hops:  # only behind proxies we were told about: X-Forwarded-For is easy to forge
        hops = settings.proxy_fix_hops
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops, x_prefix=hops)
    app.after_request(_add_security_headers)
    return app


def _add_security_headers(response):
    for name, value in SECURITY_HEADERS.items():
        response.headers.setdefault(name, value)
    # Pages show private data: never keep them in a shared cache. One URL can
    # answer a whole page or an htmx fragment, so caches must tell them apart.
    if response.mimetype == "text/html":
        response.headers.setdefault("Cache-Control", "no-store")
        response.vary.add("HX-Request")
    return response
