"""The frontend web process: builds the Flask app and wires it in one place."""
from __future__ import annotations

import dataclasses
import functools
from datetime import timedelta
from urllib.parse import urlsplit

from flask import Flask
from htmx_flask import Htmx
from werkzeug.middleware.proxy_fix import ProxyFix

from frontend.csrf import install_csrf
from frontend.mail import EXTENSION as MAIL, Mailer
from frontend.errors import install_error_handlers
from frontend.login_guard import install_login_guard
from frontend.views.oidc_login import install_oidc
from frontend.ratelimit import LoginThrottle
from frontend.runtime import EXTENSION
from frontend.service_client import ServiceClient
from frontend.uploads import allow_large_uploads
from frontend.templating import install_template_helpers
from frontend import openapi
from frontend.views import applications, auth, dashboard
from frontend.views import api_account, api_applications, api_coach, api_notifier
from frontend.views import api_mailbox
from frontend.views import mailbox as mailbox_views
from frontend.views import (
    application_detail, application_edit, channel_links, exports, goals, imports, inbox, insights, journal, network,
    password, public, settings as settings_page, suggestions,
)
from frontend.views import mail_links, notification_settings, today_coach
from shared.base_path import BasePath, base_path
from shared.config import Settings, load_settings
from shared.input_guard import install_input_guard
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
    # Rebound uses none of these powerful features; no page (or anything injected) may ask.
    "Permissions-Policy": ("camera=(), microphone=(), geolocation=(), payment=(), usb=(), "
                           "interest-cohort=(), browsing-topics=()"),
}
HSTS = "max-age=31536000"  # a year; only sent when the base URL is https


def create_app(settings: Settings | None = None, runtime: Runtime | None = None) -> Flask:
    """The frontend app; the database must already be migrated (migrate_service)."""
    settings = settings or (runtime.settings if runtime else load_settings())
    runtime = runtime or Runtime.build("frontend", settings)
    if runtime.settings is not settings:  # the settings given win: views read them from the runtime
        runtime = dataclasses.replace(runtime, settings=settings)
    app = Flask(__name__)
    app.config.update(
        SECRET_KEY=settings.secret_key,
        SESSION_COOKIE_NAME="rebound_session",
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=settings.base_url.startswith("https"),
        PERMANENT_SESSION_LIFETIME=timedelta(days=14),
        # The cookie is sent only when the session changes. Refreshed on every answer, a badge poll
        # that set off before a form was posted would send back the older cookie after the form's,
        # and the "Saved." the form left for the next page would be lost. (The sign-in's lifetime is
        # the server-side session's: frontend/web_sessions.py.)
        SESSION_REFRESH_EACH_REQUEST=False,
        MAX_CONTENT_LENGTH=1024 * 1024,
    )
    app.extensions[EXTENSION] = runtime
    app.extensions["rebound.services"] = ServiceClient(settings)
    app.extensions[MAIL] = Mailer(settings)
    Htmx(app)
    app.before_request(allow_large_uploads)  # first: it sets the cap the others read under
    install_input_guard(app)
    install_csrf(app)
    install_template_helpers(app)
    install_error_handlers(app)
    install_health(app, [functools.partial(database_ready, runtime.engine), BusProbe(settings)])
    for blueprint in (auth.bp, dashboard.bp, suggestions.bp, applications.bp, openapi.bp, application_detail.bp,
                      application_edit.bp, journal.bp, goals.bp, insights.bp, network.bp, inbox.bp,
                      settings_page.bp, imports.bp, exports.bp, public.bp, password.bp, channel_links.bp):
        app.register_blueprint(blueprint)
    for blueprint in (mailbox_views.bp, api_mailbox.bp):
        app.register_blueprint(blueprint)
    for blueprint in (api_applications.bp, api_coach.bp, api_notifier.bp, api_account.bp):
        app.register_blueprint(blueprint)
    for blueprint in (notification_settings.bp, mail_links.bp, today_coach.bp):
        app.register_blueprint(blueprint)
    install_login_guard(app, LoginThrottle(runtime.sessions))
    install_oidc(app, settings)
    app.wsgi_app = BasePath(app.wsgi_app, base_path(settings.base_url))  # served under a sub-path
    if settings.proxy_fix_hops:  # only behind proxies we were told about: X-Forwarded-For is easy to forge
        hops = settings.proxy_fix_hops
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops, x_prefix=hops)
    app.after_request(functools.partial(_add_security_headers, headers=_security_headers(settings),
                                        https=settings.base_url.startswith("https://")))
    return app


def _security_headers(settings: Settings) -> dict[str, str]:
    """The headers every answer carries; signing out may send the browser on to the OIDC provider."""
    if not settings.oidc_issuer:
        return SECURITY_HEADERS
    parts = urlsplit(settings.oidc_issuer)
    policy = CONTENT_SECURITY_POLICY.replace("form-action 'self'",
                                             f"form-action 'self' {parts.scheme}://{parts.netloc}")
    return {**SECURITY_HEADERS, "Content-Security-Policy": policy}


def _add_security_headers(response, headers=SECURITY_HEADERS, https: bool = False):
    for name, value in headers.items():
        response.headers.setdefault(name, value)
    if https:
        response.headers.setdefault("Strict-Transport-Security", HSTS)
    # Pages show private data: never keep them in a shared cache. One URL can
    # answer a whole page or an htmx fragment, so caches must tell them apart.
    if response.mimetype == "text/html":
        response.headers.setdefault("Cache-Control", "no-store")
        response.vary.add("HX-Request")
    return response
