"""Server-side sessions: a cookie names a session row, and ending the row ends the session."""
from __future__ import annotations

from frontend import accounts

COOKIE = "rebound_session"


def _copy_cookie(source, target) -> None:
    cookie = source.get_cookie(COOKIE)
    assert cookie is not None, "no session cookie was set"
    target.set_cookie(COOKIE, cookie.value)


def test_a_copied_cookie_stops_working_after_sign_out(app, signed_in):
    thief = app.test_client()
    _copy_cookie(signed_in.client, thief)
    assert thief.get("/api/v1/account").status_code == 200
    signed_in.logout()
    assert thief.get("/api/v1/account").status_code == 401
    assert thief.get("/settings").status_code == 302


def test_the_cookie_holds_an_id_not_the_user(app, signed_in, runtime):
    cookie = signed_in.client.get_cookie(COOKIE).value
    user = accounts.get_user(runtime.sessions, signed_in.client.get("/api/v1/account").get_json()["id"])
    assert user["id"] not in cookie
    # itsdangerous payloads are base64: decode what we can and look for the id there too
    import base64
    import zlib
    payload = cookie.lstrip(".").split(".")[0]
    raw = base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4))
    if cookie.startswith("."):
        raw = zlib.decompress(raw)
    assert user["id"].encode() not in raw


def test_settings_lists_sessions_and_signs_out_everywhere_else(app, signed_in):
    laptop = app.test_client()
    laptop_auth = type(signed_in)(laptop)
    assert laptop_auth.login().status_code == 302
    page = signed_in.client.get("/settings").get_data(as_text=True)
    assert page.count('class="session-row') == 2
    assert "This device" in page
    assert laptop.get("/api/v1/account").status_code == 200
    answer = signed_in.client.post("/settings/sessions/end-others", data={"csrf_token": signed_in.csrf()})
    assert answer.status_code == 302
    assert laptop.get("/api/v1/account").status_code == 401
    assert signed_in.client.get("/api/v1/account").status_code == 200


def test_one_session_can_be_ended_from_another(app, signed_in, runtime):
    other = app.test_client()
    assert type(signed_in)(other).login().status_code == 302
    user_id = signed_in.client.get("/api/v1/account").get_json()["id"]
    from frontend import web_sessions
    rows = web_sessions.list_sessions(runtime.sessions, user_id, current=None)
    assert len(rows) == 2
    mine = signed_in.client.get_cookie(COOKIE)
    assert mine is not None
    token = app.session_interface.get_signing_serializer(app).loads(mine.value)["sid"]
    others = [r for r in web_sessions.list_sessions(runtime.sessions, user_id, current=token)
              if not r["current"]]
    assert len(others) == 1
    ended = signed_in.client.post(f"/settings/sessions/{others[0]['id']}/end",
                                  data={"csrf_token": signed_in.csrf()})
    assert ended.status_code == 302
    assert other.get("/api/v1/account").status_code == 401


def test_someone_else_cannot_end_my_session(app, signed_in, runtime):
    user_id = signed_in.client.get("/api/v1/account").get_json()["id"]
    from frontend import web_sessions
    mine = web_sessions.list_sessions(runtime.sessions, user_id, current=None)[0]["id"]
    stranger = app.test_client()
    stranger_auth = type(signed_in)(stranger)
    stranger_auth.register(email="eve@example.com")
    stranger.post(f"/settings/sessions/{mine}/end", data={"csrf_token": stranger_auth.csrf()})
    assert signed_in.client.get("/api/v1/account").status_code == 200


def test_a_session_ends_after_fourteen_days_and_notes_its_last_use(runtime, monkeypatch):
    from datetime import datetime, timedelta
    from frontend import web_sessions
    user = accounts.create_user(runtime.sessions, "old@example.com", "a long enough secret")
    start = datetime(2026, 1, 1, 9, 0)
    monkeypatch.setattr(web_sessions, "utcnow", lambda: start)
    token = web_sessions.start(runtime.sessions, user["id"], "Mozilla/5.0 (X11; Linux x86_64) Firefox/140.0")
    monkeypatch.setattr(web_sessions, "utcnow", lambda: start + timedelta(days=3))
    assert web_sessions.user_for(runtime.sessions, token) == user["id"]
    [row] = web_sessions.list_sessions(runtime.sessions, user["id"], current=token)
    assert row["last_seen_at"] == start + timedelta(days=3) and row["current"]
    assert row["device"] == "Firefox on Linux"
    monkeypatch.setattr(web_sessions, "utcnow", lambda: start + timedelta(days=14, seconds=1))
    assert web_sessions.user_for(runtime.sessions, token) is None
    assert web_sessions.list_sessions(runtime.sessions, user["id"], current=None) == []
