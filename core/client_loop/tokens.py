"""Client tokens: the one-use invitation in a deep link and the client page token of an order.

Both are random (`secrets`), shown once and stored as SHA-256 hashes, so the database alone
opens nothing. An invitation is the payload of `t.me/<bot>?start=c_<token>`: Telegram allows
1-64 characters of A-Z, a-z, 0-9, _ and - there.
"""

from __future__ import annotations

import hashlib
import re
import secrets
from datetime import datetime, timedelta

from core.domain import Order

INVITE_PREFIX = "c_"
START_PAYLOAD = re.compile(r"^[A-Za-z0-9_-]{1,64}$")
INVITE_TOKEN = re.compile(r"^c_[A-Za-z0-9_-]{32}$")
PAGE_TOKEN = re.compile(r"^[A-Za-z0-9_-]{22}$")
INVITE_DAYS = 7
MAX_INVITE_DAYS = 30
# A page opens until its order is closed and for this long after; an open order's page for
# at most PAGE_MAX_DAYS from when it was issued.
PAGE_GRACE = timedelta(days=3)
PAGE_MAX_DAYS = 90


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def new_invite_token() -> str:
    """ "c_" and 24 random bytes in URL-safe base64: 34 characters, 192 bits."""
    return INVITE_PREFIX + secrets.token_urlsafe(24)


def new_page_token() -> str:
    """16 random bytes (128 bits) in 22 URL-safe characters: short enough for an SMS."""
    return secrets.token_urlsafe(16)


def looks_like_invite(payload: str) -> bool:
    return bool(INVITE_TOKEN.match(payload))


def looks_like_page(token: str) -> bool:
    return bool(PAGE_TOKEN.match(token))


def page_expiry(order: Order, now: datetime) -> datetime:
    """When a page token issued now for `order` stops opening the page: a closed order's
    after the grace period, an open one's after the longest life a page has (closing the
    order later brings it forward, see `ClientLoopService.order_closed`)."""
    if not order.open:
        return now + PAGE_GRACE
    return now + timedelta(days=PAGE_MAX_DAYS)
