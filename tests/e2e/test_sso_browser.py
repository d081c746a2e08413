"""Single sign-on in a real Chromium: the real frontend process, a real OpenID Connect provider
(oidc-provider-mock on a free port), the person clicking through both, and signing out of both."""
from __future__ import annotations

from urllib.parse import urlsplit

import pytest
import requests

from tests.e2e.harness import make_stack
from tests.e2e.pages import SHOTS, needs_chromium

playwright_api = pytest.importorskip("playwright.sync_api")
oidc_mock = pytest.importorskip("oidc_provider_mock")
expect = playwright_api.expect

pytestmark = [pytest.mark.e2e, pytest.mark.browser]
LABEL = "Sign in with Company SSO"


@pytest.fixture(scope="module")
def provider():
    with oidc_mock.run_server_in_thread(port=0, require_nonce=True) as server:
        yield f"http://localhost:{server.server_port}"


@pytest.fixture(scope="module")
def stack(tmp_path_factory, provider):
    needs_chromium()
    stack = make_stack(tmp_path_factory.mktemp("sso"))
    stack.env.update({
        "REBOUND_BASE_URL": f"http://127.0.0.1:{stack.env['REBOUND_FRONTEND_PORT']}",
        "REBOUND_OIDC_ISSUER": provider, "REBOUND_OIDC_CLIENT_ID": "rebound",
        "REBOUND_OIDC_BUTTON_LABEL": LABEL,
    })
    secret_file = stack.data_dir / "oidc-client-secret"
    secret_file.write_text("client-secret-for-the-browser-test\n")
    stack.env["REBOUND_OIDC_CLIENT_SECRET_FILE"] = str(secret_file)
    # Split: only the frontend, the services stay down (the dashboard says so and still greets).
    stack.start(["frontend"] if stack.mode == "split" else None)
    yield stack
    stack.stop()


def test_sign_in_through_the_provider_and_out_of_both(page, stack, provider):
    answer = requests.put(f"{provider}/users/sub-sam", timeout=10,
                          json={"email": "sam@example.com", "email_verified": True, "name": "Sam"})
    assert answer.status_code == 204
    page.goto("/login")
    SHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SHOTS / "20-sign-in-with-sso.png"), full_page=True)
    page.get_by_role("link", name=LABEL).click()
    expect(page.get_by_role("heading", name="Authorize Client")).to_be_visible()
    page.locator("input[name=sub]").fill("sub-sam")
    page.get_by_role("button", name="Authorize").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Sam")
    assert urlsplit(page.url).netloc == urlsplit(stack.base_url).netloc
    page.goto("/settings")
    expect(page.locator("#security")).to_contain_text("This device")

    page.get_by_role("button", name="Sign out").first.click()
    page.wait_for_url(f"{provider}/**")  # the provider's own sign-out page
    assert urlsplit(page.url).path.endswith("/end_session")
    page.goto(f"{stack.base_url}/settings")
    expect(page.get_by_role("heading", level=1)).to_have_text("Welcome back")  # signed out here too
