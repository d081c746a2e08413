"""Supporters' confirm and unsubscribe links: signed, per purpose, per supporter, and they expire."""
from __future__ import annotations

import time

import pytest

from services.notifier import links
from services.notifier.models import Supporter


@pytest.fixture
def notifier(make_service):
    return make_service("notifier")


def _add(svc, name: str, email: str, user: str = "alice") -> int:
    answer = svc.post("/supporters", {"name": name, "relationship": "friend", "email": email}, user=user)
    assert answer.status_code == 201, answer.get_data(as_text=True)
    return answer.json["id"]


def _nonce(svc, supporter_id: int) -> str:
    with svc.runtime.sessions() as session:
        return session.get(Supporter, supporter_id).nonce


def _status(svc, supporter_id: int) -> str:
    with svc.runtime.sessions() as session:
        return session.get(Supporter, supporter_id).status


def _token(svc, supporter_id: int, purpose=links.CONFIRM, **kw) -> str:
    secret = kw.pop("secret", svc.runtime.settings.secret_key)
    nonce = kw.pop("nonce", None) or _nonce(svc, supporter_id)
    return links.make_token(secret, purpose, supporter_id, nonce, **kw)


def _refused(svc, purpose: str, token: str, reason: str) -> None:
    for method in ("GET", "POST"):
        answer = svc.call(method, f"/public/supporters/{purpose}/{token}", user=None)
        assert answer.status_code == 410, f"{method} {purpose}: {answer.status_code}"
        assert answer.json["error"]["code"] == reason


def test_a_good_link_confirms_and_looking_changes_nothing(notifier):
    sam = _add(notifier, "Sam", "sam@example.com")
    token = _token(notifier, sam)
    assert notifier.get(f"/public/supporters/confirm/{token}", user=None).json["valid"] is True
    assert _status(notifier, sam) == "invited"
    assert notifier.post(f"/public/supporters/confirm/{token}", user=None).status_code == 200
    assert _status(notifier, sam) == "confirmed"


def test_tampered_and_forged_links_are_refused(notifier):
    sam = _add(notifier, "Sam", "sam@example.com")
    token = _token(notifier, sam)
    flipped = token[:-3] + ("A" if token[-3] != "A" else "B") + token[-2:]
    _refused(notifier, "confirm", flipped, "invalid")
    _refused(notifier, "confirm", _token(notifier, sam, secret="not-the-notifier-secret-0123456789"), "invalid")
    _refused(notifier, "confirm", "not-a-token-at-all", "invalid")
    assert _status(notifier, sam) == "invited"


def test_expired_links_are_refused(notifier):
    sam = _add(notifier, "Sam", "sam@example.com")
    old = time.time() - links.MAX_AGE_S[links.CONFIRM] - 60
    _refused(notifier, "confirm", _token(notifier, sam, now_ts=old), "expired")
    very_old = time.time() - links.MAX_AGE_S[links.UNSUBSCRIBE] - 60
    _refused(notifier, "unsubscribe", _token(notifier, sam, links.UNSUBSCRIBE, now_ts=very_old), "expired")
    assert _status(notifier, sam) == "invited"


def test_a_link_works_for_its_own_supporter_and_purpose_only(notifier):
    sam = _add(notifier, "Sam", "sam@example.com")
    kim = _add(notifier, "Kim", "kim@example.com", user="bob")
    # Sam's nonce with Kim's id: a link cannot be re-pointed at another supporter.
    _refused(notifier, "confirm", _token(notifier, kim, nonce=_nonce(notifier, sam)), "invalid")
    # A confirm link cannot unsubscribe, nor the other way round.
    _refused(notifier, "unsubscribe", _token(notifier, sam, links.CONFIRM), "invalid")
    _refused(notifier, "confirm", _token(notifier, sam, links.UNSUBSCRIBE), "invalid")
    assert (_status(notifier, sam), _status(notifier, kim)) == ("invited", "invited")


def test_links_die_with_the_address_they_were_sent_to(notifier):
    sam = _add(notifier, "Sam", "sam@example.com")
    old_link = _token(notifier, sam)
    changed = notifier.call("PATCH", f"/supporters/{sam}", json={"email": "sam.new@example.com"})
    assert changed.status_code == 200
    _refused(notifier, "confirm", old_link, "invalid")
    assert notifier.post(f"/public/supporters/confirm/{_token(notifier, sam)}", user=None).status_code == 200


def test_links_die_with_the_supporter(notifier):
    sam = _add(notifier, "Sam", "sam@example.com")
    link = _token(notifier, sam, links.UNSUBSCRIBE)
    assert notifier.call("DELETE", f"/supporters/{sam}").status_code == 204
    _refused(notifier, "unsubscribe", link, "invalid")
