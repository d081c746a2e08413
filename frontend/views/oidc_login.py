"""Signing in through an OpenID Connect provider (REBOUND_OIDC_ISSUER), and signing out of it.

Authlib does the protocol: the state and nonce it keeps in the signed session
cookie, the token exchange, and the ID token's signature, issuer, audience,
expiry and nonce. A callback that fails any of those signs nobody in.
"""
from __future__ import annotations

import logging

import requests
from authlib.common.errors import AuthlibBaseError
from authlib.integrations.flask_client import OAuth
from flask import Blueprint, Flask, abort, current_app, redirect, render_template, session, url_for
from joserfc.errors import JoseError

from frontend import accounts, identities
from frontend.login import log_in
from frontend.runtime import runtime, sessions
from shared.config import Settings

log = logging.getLogger("rebound.frontend.oidc")
bp = Blueprint("oidc", __name__, url_prefix="/login/oidc")
EXTENSION = "rebound.oidc"
ID_TOKEN_KEY = "oidc_id_token"
TIMEOUT_S = 10
FAILED = ("We couldn't finish signing you in with your provider. Nothing was changed; "
          "please try again from the sign-in page.")


def install_oidc(app: Flask, settings: Settings) -> None:
    """Register the provider when one is configured (its metadata is fetched on first use)."""
    sign_in = {"local": settings.local_login, "oidc_label": settings.oidc_button_label if settings.oidc_issuer
               else None}
    app.context_processor(lambda: {"sign_in": sign_in})
    if not settings.oidc_issuer:
        return
    oauth = OAuth(app)
    app.extensions[EXTENSION] = oauth.register(
        "oidc", client_id=settings.oidc_client_id, client_secret=settings.oidc_client_secret,
        server_metadata_url=f"{settings.oidc_issuer}/.well-known/openid-configuration",
        client_kwargs={"scope": settings.oidc_scopes, "timeout": TIMEOUT_S})
    app.register_blueprint(bp)


def _client():
    client = current_app.extensions.get(EXTENSION)
    if client is None:
        abort(404)
    return client


@bp.get("")
def start():
    """Off to the provider; it sends the person back to the callback."""
    callback = runtime().settings.base_url + url_for(".callback")
    try:
        return _client().authorize_redirect(callback)
    except (requests.RequestException, ValueError) as exc:
        log.warning("provider metadata unavailable: %s", type(exc).__name__)
        return render_template("error.html", status=503,
                               message="Your sign-in provider isn't answering right now. "
                                       "Please try again in a moment."), 503


@bp.get("/callback")
def callback():
    """Back from the provider: check everything, then sign in (linking or making the account)."""
    try:
        token = _client().authorize_access_token()
        claims = dict(token.get("userinfo") or {})
        if not claims:
            raise AuthlibBaseError(error="no_id_token")
    except (AuthlibBaseError, JoseError, requests.RequestException, KeyError, ValueError) as exc:
        log.warning("sign-in through the provider refused: %s", type(exc).__name__)
        return render_template("error.html", status=400, message=FAILED), 400
    settings = runtime().settings
    try:
        user = identities.user_for_claims(sessions(), settings.oidc_issuer, claims,
                                          may_create=settings.signup != "closed")
    except accounts.AccountError as exc:
        return render_template("error.html", status=403, message=str(exc)), 403
    log_in(user)
    session[ID_TOKEN_KEY] = token.get("id_token")
    return redirect(url_for("dashboard.index"))


def provider_logout_url(id_token: str | None) -> str | None:
    """Where to end the provider's session too, when it offers end_session_endpoint."""
    client = current_app.extensions.get(EXTENSION)
    if client is None or not id_token:
        return None
    try:
        if not client.load_server_metadata().get("end_session_endpoint"):
            return None
        return client.create_logout_url(
            post_logout_redirect_uri=runtime().settings.base_url + url_for("auth.login"),
            id_token_hint=id_token, client_id=runtime().settings.oidc_client_id)["url"]
    except (requests.RequestException, ValueError, RuntimeError):
        return None
