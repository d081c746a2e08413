"""The in-process transport: a requests session answered by a Flask app, as over HTTP."""
from __future__ import annotations

import requests
from flask import Flask, jsonify, request

from rebound.inprocess_http import mount_apps


def _app() -> Flask:
    app = Flask(__name__)

    @app.post("/items/<name>")
    def echo(name):
        return jsonify(name=name, body=request.get_json(), q=request.args.get("q"),
                       token=request.headers.get("X-Token")), 201

    @app.post("/upload")
    def upload():
        return jsonify(filename=request.files["file"].filename, size=len(request.files["file"].read()))

    @app.get("/empty")
    def empty():
        return "", 204

    return app


def _session() -> requests.Session:
    return mount_apps(requests.Session(), {"http://tracker.internal.rebound": _app()})


def test_json_query_and_headers_reach_the_app():
    reply = _session().post("http://tracker.internal.rebound/items/caf%C3%A9", params={"q": "a b"},
                            json={"x": [1, 2]}, headers={"X-Token": "t"})
    assert reply.status_code == 201
    assert reply.json() == {"name": "café", "body": {"x": [1, 2]}, "q": "a b", "token": "t"}
    assert reply.headers["content-type"] == "application/json"


def test_multipart_upload_and_empty_reply():
    session = _session()
    reply = session.post("http://tracker.internal.rebound/upload", files={"file": ("a.csv", b"x,y\n1,2\n")})
    assert reply.json() == {"filename": "a.csv", "size": 8}
    empty = session.get("http://tracker.internal.rebound/empty")
    assert (empty.status_code, empty.content) == (204, b"")


def test_unknown_path_is_the_apps_404_and_other_hosts_are_not_taken():
    session = _session()
    assert session.get("http://tracker.internal.rebound/nope").status_code == 404
    assert "tracker.internal.rebound" not in str(session.get_adapter("http://elsewhere.example/"))
