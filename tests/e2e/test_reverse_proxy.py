"""Rebound under a sub-path behind a real nginx: REBOUND_BASE_URL=http://HOST/rebound/.

nginx (Debian's package; .ci/run installs it) is started by the test on free
ports with a config of its own: one server passes the path on whole, the
other strips the prefix and says so with X-Forwarded-Prefix. Every link,
redirect, static file and htmx request must carry /rebound.
"""
from __future__ import annotations

import os
import re
import shutil
import subprocess

import pytest
import requests

from tests.e2e.harness import browser_session, free_port, make_stack, wait_until
from tests.e2e.pages import chromium, needs_chromium

pytestmark = pytest.mark.e2e

NGINX = shutil.which("nginx") or "/usr/sbin/nginx"
PASSWORD = "a long enough password"
LOCAL_REF = re.compile(r'(?:href|src|action|hx-get|hx-post|hx-delete|hx-patch|hx-put)="(/[^"]*)"')

CONFIG = """
{user}
daemon off;
worker_processes 1;
pid {dir}/nginx.pid;
error_log {dir}/error.log;
events {{ worker_connections 64; }}
http {{
  access_log off;
  client_body_temp_path {dir}/body;
  proxy_temp_path {dir}/proxy;
  fastcgi_temp_path {dir}/fastcgi;
  uwsgi_temp_path {dir}/uwsgi;
  scgi_temp_path {dir}/scgi;
  proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
  proxy_set_header X-Forwarded-Proto $scheme;
  proxy_set_header X-Forwarded-Host $host:$server_port;
  server {{  # passes /rebound/... on whole
    listen 127.0.0.1:{whole};
    location /rebound/ {{ proxy_pass http://127.0.0.1:{app}; }}
  }}
  server {{  # strips /rebound and names it
    listen 127.0.0.1:{stripped};
    location /rebound/ {{
      proxy_pass http://127.0.0.1:{app}/;
      proxy_set_header X-Forwarded-Prefix /rebound;
    }}
  }}
}}
"""


@pytest.fixture(scope="module")
def proxied(tmp_path_factory):
    if not os.path.exists(NGINX):
        pytest.skip("nginx is not installed (the CI script installs it)")
    folder = tmp_path_factory.mktemp("proxy")
    whole, stripped = free_port(), free_port()
    stack = make_stack(folder / "data")
    (folder / "data").mkdir()
    stack.env["REBOUND_BASE_URL"] = f"http://127.0.0.1:{whole}/rebound/"
    stack.env["REBOUND_PROXY_FIX_HOPS"] = "1"
    stack.start()
    conf = folder / "nginx.conf"
    conf.write_text(CONFIG.format(user="user root;" if os.geteuid() == 0 else "", dir=folder, whole=whole,
                                  stripped=stripped, app=stack.env["REBOUND_FRONTEND_PORT"]))
    nginx = subprocess.Popen([NGINX, "-c", str(conf), "-p", str(folder)], stderr=subprocess.PIPE)
    try:
        for port in (whole, stripped):
            wait_until(lambda: _answers(f"http://127.0.0.1:{port}/rebound/login"), timeout=15,
                       message=f"nginx on {port}")
        stack.cli("users", "create", "sam@example.com", "--name", "Sam", stdin=PASSWORD + "\n")
        yield stack, {"whole": f"http://127.0.0.1:{whole}/rebound", "stripped": f"http://127.0.0.1:{stripped}/rebound"}
    finally:
        nginx.terminate()
        nginx.wait(10)
        print(f"--- all\n{stack.log_tail('all', 30)}")
        stack.stop()


def _answers(url: str) -> bool:
    try:
        return requests.get(url, timeout=2).status_code == 200
    except requests.RequestException:
        return False


@pytest.mark.parametrize("style", ["whole", "stripped"])
def test_every_link_redirect_and_static_file_carries_the_prefix(proxied, style):
    _stack, bases = proxied
    base = bases[style]
    anonymous = requests.get(f"{base}/", allow_redirects=False, timeout=10)
    assert anonymous.status_code in (302, 303)
    assert anonymous.headers["Location"].endswith("/rebound/login"), anonymous.headers["Location"]
    browser = browser_session(base, "sam@example.com", PASSWORD)
    for path in ("/", "/applications", "/inbox", "/goals"):
        page = browser.get(f"{base}{path}", timeout=10)
        assert page.status_code == 200, (path, page.status_code)
        refs = LOCAL_REF.findall(page.text)
        assert refs, f"no local links on {path}"
        stray = [ref for ref in refs if not ref.startswith("/rebound/")]
        assert not stray, f"{path} links outside the prefix: {stray[:5]}"
        for ref in {r for r in refs if "/static/" in r}:
            assert browser.get(f"http://{base.split('/')[2]}{ref}", timeout=10).status_code == 200, ref
    badge = browser.get(f"{base}/inbox/badge", headers={"HX-Request": "true"}, timeout=10)
    assert badge.status_code == 200 and "/rebound/inbox" in badge.text


def test_a_browser_clicks_through_three_pages_under_the_prefix(proxied):
    pytest.importorskip("playwright.sync_api")
    needs_chromium()
    _stack, bases = proxied
    requested = []
    with chromium() as browser:
        page = browser.new_page()  # no base address: it opens the proxy's two prefixes by their full URLs
        page.set_default_timeout(10_000)
        page.on("request", lambda r: requested.append(r.url))
        page.goto(f"{bases['whole']}/")
        page.get_by_label("E-mail").fill("sam@example.com")
        page.get_by_label("Password").fill(PASSWORD)
        page.get_by_role("button", name=re.compile("Sign in", re.I)).click()
        page.wait_for_url(re.compile(r"/rebound/$"))
        for link, path in (("Applications", "/rebound/applications"), ("Inbox", "/rebound/inbox"),
                           ("Goals & wins", "/rebound/goals")):
            page.get_by_role("link", name=re.compile(f"^{re.escape(link)}")).first.click()
            page.wait_for_url(re.compile(re.escape(path)))
            assert page.locator("h1").count() == 1
    ours = [url for url in requested if url.startswith("http://127.0.0.1")]
    assert ours and all("/rebound/" in url for url in ours), [u for u in ours if "/rebound/" not in u]
    assert any(url.endswith(".css") for url in ours), "the stylesheet was not loaded"
    assert any("/rebound/applications" in url for url in ours)
