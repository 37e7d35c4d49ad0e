"""Short-lived signed links to an order's files for the browser (the order card of the board):
the path names the organization, the file and the variant (a thumbnail, the file to view, the
file to download) and carries its expiry and a MAC over all of them, so a link opens that one
variant of that one file until it expires, for whoever holds it, and nothing else. The MAC is
the caller's (a keyed HMAC); this module only says what is signed and when it is too late."""

from __future__ import annotations

import hmac
from collections.abc import Callable
from datetime import datetime, timedelta

LINK_LIFE = timedelta(minutes=10)
VARIANTS = frozenset({"thumb", "view", "download"})

Mac = Callable[[str], str]


def signed_value(org_id: int, attachment_id: int, variant: str, expires: int) -> str:
    return f"{org_id}:{attachment_id}:{variant}:{expires}"


def file_link(mac: Mac, org_id: int, attachment_id: int, variant: str, now: datetime) -> str:
    """The path of a link valid for LINK_LIFE from `now`."""
    expires = int((now + LINK_LIFE).timestamp())
    signature = mac(signed_value(org_id, attachment_id, variant, expires))
    return f"/files/{org_id}/{attachment_id}/{variant}?e={expires}&s={signature}"


def link_valid(
    mac: Mac,
    org_id: int,
    attachment_id: int,
    variant: str,
    expires: int,
    signature: str,
    now: datetime,
) -> bool:
    if variant not in VARIANTS or now.timestamp() >= expires:
        return False
    expected = mac(signed_value(org_id, attachment_id, variant, expires))
    return hmac.compare_digest(expected, signature)
