"""The one address rule: what counts as public, for the notifier and the tracker alike."""
from __future__ import annotations

import ipaddress

import pytest

from shared.public_addresses import REFUSED, PrivateDestination, is_public, public_addresses, refusal_for


@pytest.mark.parametrize("text, public", [
    ("93.184.215.14", True), ("2606:4700::1", True), ("127.0.0.1", False), ("10.1.2.3", False),
    ("169.254.169.254", False), ("0.0.0.0", False), ("224.0.0.1", False), ("::1", False), ("fe80::1", False),
    ("::ffff:127.0.0.1", False), ("::ffff:93.184.215.14", True),
])
def test_what_counts_as_public(text, public):
    assert is_public(ipaddress.ip_address(text)) is public


@pytest.mark.parametrize("url", ["http://127.0.0.1/", "http://localhost:8080/x", "https://[::1]/", "http://10.0.0.7/"])
def test_urls_to_inside_addresses_are_refused(url):
    assert refusal_for(url) == REFUSED


def test_a_public_literal_passes_and_names_without_a_host_are_left_alone():
    assert public_addresses("93.184.215.14", 80) == ["93.184.215.14"]
    assert refusal_for("mailto:someone") is None
    with pytest.raises(PrivateDestination):
        public_addresses("127.0.0.1", 80)
