"""The page behind an e-mail channel's confirmation link: looking changes nothing, a button confirms."""
from __future__ import annotations

from tests.unit.frontend.conftest import csrf_from

TOKEN = "signed-token-abc"
PATH = f"/public/channels/verify/{TOKEN}"


def test_looking_asks_and_the_button_confirms(client, services):
    services.reply("notifier", "GET", PATH, {"valid": True, "verified": False})
    services.reply("notifier", "POST", PATH, {"valid": True, "verified": True})
    page = client.get(f"/channels/verify/{TOKEN}")
    assert page.status_code == 200 and "Send Rebound messages here?" in page.get_data(as_text=True)
    assert services.calls_to("notifier", "POST") == []
    done = client.post(f"/channels/verify/{TOKEN}", data={"csrf_token": csrf_from(page)})
    assert done.status_code == 200 and "All set" in done.get_data(as_text=True)
    assert len(services.calls_to("notifier", "POST")) == 1


def test_a_bad_link_gets_a_kind_page(client, services):
    services.reply("notifier", "GET", PATH, {"error": {"code": "invalid", "message": "x", "fields": {}}}, status=410)
    page = client.get(f"/channels/verify/{TOKEN}")
    assert page.status_code == 410 and "invalid or has expired" in page.get_data(as_text=True)
