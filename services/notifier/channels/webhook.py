"""Webhooks: a JSON POST signed with HMAC-SHA256 over timestamp + body.

Headers a receiver can check:
  X-Rebound-Timestamp: seconds since the epoch when we signed
  X-Rebound-Signature: sha256=<hex HMAC-SHA256(key, timestamp + "." + raw body)>
  X-Rebound-Delivery:  a key that stays the same across retries (dedupe on it)
Reject a timestamp more than a few minutes old to stop replays.
"""
from __future__ import annotations

import hashlib
import hmac
import json
import time

import requests

from services.notifier.channels.message import DeliveryFailed, Message, Target
from services.notifier.channels.destinations import REFUSED, guarded

TIMEOUT_S = 10


def signature(key: str, timestamp: str, body: bytes) -> str:
    mac = hmac.new(key.encode(), timestamp.encode() + b"." + body, hashlib.sha256)
    return "sha256=" + mac.hexdigest()


def payload(message: Message) -> bytes:
    return json.dumps({
        "id": message.key, "kind": message.kind, "severity": message.severity,
        "title": message.title, "body": message.body, "link": message.link,
    }, separators=(",", ":")).encode()


def send(target: Target, message: Message, allow_private: bool = False) -> None:
    body = payload(message)
    timestamp = str(int(time.time()))
    headers = {
        "Content-Type": "application/json",
        "User-Agent": "Rebound-Notifier",
        "X-Rebound-Timestamp": timestamp,
        "X-Rebound-Signature": signature(target.secret or "", timestamp, body),
        "X-Rebound-Delivery": message.key,
    }
    with guarded(allow_private) as guard:
        try:
            response = requests.post(target.address, data=body, headers=headers, timeout=TIMEOUT_S,
                                     allow_redirects=False)
        except requests.RequestException:
            # One reason for every way of not getting there: which ports answer is nobody's business.
            raise DeliveryFailed(REFUSED if guard.refused else "the webhook could not be reached") from None
    if not 200 <= response.status_code < 300:
        raise DeliveryFailed(f"the webhook answered HTTP {response.status_code}")
