"""Text messages to a business's clients through the organization's own SMS provider account.

The port (`SmsGateway`) and its typed answers, the failures a provider can give (permanent or
worth retrying), and the pure rules around a text: how many segments it costs (GSM-7 or
UCS-2, docs/sms.md) and when it may be sent (no SMS in the quiet hours of the client's zone).
The adapters for SMS.ru and SMSC.ru live in `integrations/`.
"""

from __future__ import annotations

import enum
import re
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Protocol
from zoneinfo import ZoneInfo

from core.errors import ExternalServiceError

# GSM 03.38 default alphabet, one septet each (0x1B, the escape to the extension table, is
# not a character of its own).
GSM7_BASIC = frozenset(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
# The extension table: escape + character, two septets each.
GSM7_EXTENSION = frozenset("\f^{}\\[~]|€")
GSM7_SINGLE, GSM7_PART = 160, 153  # septets: one message; each part of a long one
UCS2_SINGLE, UCS2_PART = 70, 67  # UTF-16 code units
MAX_SEGMENTS = 2  # what the product allows a client message by default

QUIET_START, QUIET_END = time(21, 0), time(9, 0)
E164 = re.compile(r"\+[1-9][0-9]{6,14}")


class DeliveryState(enum.StrEnum):
    PENDING = "pending"  # accepted, queued, with the operator, or not known yet
    DELIVERED = "delivered"
    FAILED = "failed"  # final: expired, rejected, unreachable


@dataclass(frozen=True, slots=True)
class SmsReceipt:
    """A provider took the message: its id for status queries and callbacks; the number of
    segments and the cost in minor units (kopecks) when the provider says them."""

    message_id: str
    segments: int | None = None
    cost: int | None = None


@dataclass(frozen=True, slots=True)
class SmsStatus:
    """Where a message is, in our three states, with the provider's own code kept as text."""

    message_id: str
    state: DeliveryState
    raw_code: str
    cost: int | None = None
    at: datetime | None = None  # when the provider saw the change (UTC), if it says


class SmsGateway(Protocol):
    """One organization's account with one SMS provider."""

    @property
    def provider(self) -> str:
        """`sms_ru` or `smsc`: which parser reads this provider's status callbacks."""
        ...

    async def send(
        self,
        phone: str,
        text: str,
        sender: str | None = None,
        status_callback_url: str | None = None,
    ) -> SmsReceipt:
        """Send `text` to one E.164 `phone`; `sender` is an approved sender name, or None for
        the account's default. Raises SmsError (permanent or retryable)."""
        ...

    async def status(self, message_id: str, phone: str) -> SmsStatus:
        """Ask where a sent message is (SMSC.ru wants the phone too). Raises SmsError."""
        ...


class SmsFailure(enum.StrEnum):
    CREDENTIALS = "credentials"  # wrong key, login or password; account blocked
    BALANCE = "balance"  # not enough money on the account
    PHONE = "phone"  # invalid, unreachable, foreign or stop-listed number
    REJECTED = "rejected"  # text, sender name or parameters refused
    NOT_FOUND = "not_found"  # no such message id
    PROTOCOL = "protocol"  # an answer we cannot read: the message may or may not have gone
    LIMIT = "limit"  # the provider's rate or daily limits
    UNAVAILABLE = "unavailable"  # HTTP 5xx, timeout, network, "try later"


TEMPORARY = frozenset({SmsFailure.LIMIT, SmsFailure.UNAVAILABLE})


class SmsError(ExternalServiceError):
    """A provider's refusal or failure. `retryable` (temporary) only for limits and outages:
    bad credentials, no balance or a bad number will not pass by trying again, and an answer
    we cannot read is not retried either, so a message is never sent twice on a guess."""

    def __init__(self, service: str, failure: SmsFailure, provider_code: str | None = None):
        reason = failure.value if provider_code is None else f"{failure.value} ({provider_code})"
        super().__init__(service, reason, retryable=failure in TEMPORARY)
        self.failure = failure
        self.provider_code = provider_code

    @property
    def permanent(self) -> bool:
        return not self.retryable


def is_e164(phone: str) -> bool:
    """`+` and 7 to 15 digits, the first not 0."""
    return E164.fullmatch(phone) is not None


def minor_units(amount: object) -> int | None:
    """A provider's amount in major units (`0.50`, `"1.40"`, `3`) as minor units (50, 140,
    300), rounded half up; None for anything that is not a finite non-negative number."""
    if isinstance(amount, bool) or not isinstance(amount, str | int | float):
        return None
    try:
        value = Decimal(str(amount).strip())
    except InvalidOperation:
        return None
    if not value.is_finite() or value < 0:
        return None
    return int((value * 100).quantize(Decimal(1), rounding=ROUND_HALF_UP))


class SmsEncoding(enum.StrEnum):
    GSM7 = "gsm7"
    UCS2 = "ucs2"


@dataclass(frozen=True, slots=True)
class SmsSegments:
    """What a text costs: its encoding, its length in septets (GSM-7) or UTF-16 code units
    (UCS-2), and the number of segments (0 for an empty text)."""

    encoding: SmsEncoding
    units: int
    segments: int


def is_gsm7(text: str) -> bool:
    return all(char in GSM7_BASIC or char in GSM7_EXTENSION for char in text)


def count_segments(text: str) -> SmsSegments:
    """GSM-7 when every character is in the default alphabet or its extension table (an
    extension character costs 2 septets): 160 in one message, 153 per part beyond. Otherwise
    UCS-2: 70 code units in one message, 67 per part; a character outside the Basic
    Multilingual Plane (most emoji) is a surrogate pair, 2 units. A part never splits an
    escape pair or a surrogate pair: such a character starts the next part."""
    if is_gsm7(text):
        costs = [2 if char in GSM7_EXTENSION else 1 for char in text]
        return _segments(SmsEncoding.GSM7, costs, GSM7_SINGLE, GSM7_PART)
    costs = [2 if ord(char) > 0xFFFF else 1 for char in text]
    return _segments(SmsEncoding.UCS2, costs, UCS2_SINGLE, UCS2_PART)


def _segments(encoding: SmsEncoding, costs: list[int], single: int, part: int) -> SmsSegments:
    units = sum(costs)
    if units <= single:
        return SmsSegments(encoding, units, 1 if units else 0)
    segments, used = 1, 0
    for cost in costs:
        if used + cost > part:
            segments, used = segments + 1, 0
        used += cost
    return SmsSegments(encoding, units, segments)


def fits(text: str, max_segments: int = MAX_SEGMENTS) -> bool:
    """True when `text` is not empty and takes at most `max_segments` segments."""
    return 0 < count_segments(text).segments <= max_segments


def in_quiet_hours(
    now: datetime, zone: str, start: time = QUIET_START, end: time = QUIET_END
) -> bool:
    """Whether `now` falls in [start, end) on the wall clock of `zone` (the window may cross
    midnight, as the default 21:00-09:00 does)."""
    local = _local_time(now, zone)
    if start <= end:
        return start <= local < end
    return local >= start or local < end


def next_allowed(
    now: datetime,
    zone: str,
    enabled: bool = True,
    start: time = QUIET_START,
    end: time = QUIET_END,
) -> datetime:
    """The first moment (UTC) at or after `now` when an SMS may go: `now` itself outside the
    quiet hours or when the organization turned them off, else the end of the quiet hours on
    the wall clock of `zone` (a DST change in the night moves the UTC instant, not the local
    09:00; an end time in a spring gap moves forward)."""
    if now.tzinfo is None:
        raise ValueError("next_allowed needs an aware datetime")
    if not enabled or not in_quiet_hours(now, zone, start, end):
        return now.astimezone(UTC)
    tz = ZoneInfo(zone)
    local = now.astimezone(tz)
    day = local.date()
    if local.time() >= end:  # evening part of a window crossing midnight: tomorrow's end
        day += timedelta(days=1)
    return datetime.combine(day, end, tzinfo=tz).astimezone(UTC)


def _local_time(now: datetime, zone: str) -> time:
    if now.tzinfo is None:
        raise ValueError("quiet hours need an aware datetime")
    return now.astimezone(ZoneInfo(zone)).time().replace(tzinfo=None)


@dataclass(frozen=True, slots=True)
class InboundSms:
    """A message a client sent to the organization's number, as the provider reported it."""

    phone: str  # E.164
    text: str
    at: datetime | None = None
    message_id: str | None = None  # the provider's id of the inbound message, when it says one
