"""Serving under the path of REBOUND_BASE_URL: url_for then carries it everywhere."""
from __future__ import annotations

import pytest
from flask import Flask, redirect, url_for

from shared.base_path import BasePath, base_path


@pytest.mark.parametrize("url, path", [
    ("https://example.org/rebound/", "/rebound"), ("https://example.org/a/b", "/a/b"),
    ("https://example.org", ""), ("http://127.0.0.1:8000/", ""),
])
def test_base_path_of_the_public_address(url, path):
    assert base_path(url) == path


def _client():
    app = Flask(__name__)

    @app.get("/")
    def home():
        return url_for("static", filename="app.css") + " " + url_for("home")

    @app.get("/go")
    def go():
        return redirect(url_for("home"))

    app.wsgi_app = BasePath(app.wsgi_app, "/rebound/")
    return app.test_client()


def test_a_prefixed_request_gets_prefixed_links_and_redirects():
    client = _client()
    assert client.get("/rebound/").text == "/rebound/static/app.css /rebound/"
    assert client.get("/rebound/go").headers["Location"] == "/rebound/"
    assert client.get("/rebound").status_code in (200, 308)


def test_a_request_without_the_prefix_is_served_as_it_comes_and_lookalikes_are_not_taken():
    client = _client()
    assert client.get("/").text == "/static/app.css /"
    assert client.get("/reboundish/").status_code == 404
