"""Signatures of webhook deliveries: HMAC-SHA256 over `timestamp + "." + body` with the
subscription's secret (docs/webhooks.md has the receiver's side in Python)."""

from __future__ import annotations

import hashlib
import hmac
import secrets

SECRET_PREFIX = "whsec_"


def new_secret() -> str:
    """A subscription's signing secret, shown to the owner once."""
    return SECRET_PREFIX + secrets.token_urlsafe(32)


def signature(secret: str, timestamp: int, body: str) -> str:
    """The X-Signature header's value: `sha256=<hex>`."""
    message = f"{timestamp}.{body}".encode()
    return "sha256=" + hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()


def headers(secret: str, timestamp: int, event_id: str, body: str) -> dict[str, str]:
    return {
        "Content-Type": "application/json",
        "User-Agent": "AstraCRM-Webhooks/1",
        "X-Event-Id": event_id,
        "X-Timestamp": str(timestamp),
        "X-Signature": signature(secret, timestamp, body),
    }
