"""A client message template shown before it is saved: rendered with a sample order (its
time tomorrow on the organization's wall clock, the values in the template's language), as
Telegram shows it (plain text, escaped by the page) and as the SMS that would go (shortened to
two segments the way the SMS job does it), with the SMS's encoding and segment count.

Nothing here is stored or sent; the sample values are the same shapes the senders fill in
(`ClientOrderView.date`/`time`: `DD.MM.YYYY`, `HH:MM`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from core.channels.sms import SmsSegments, count_segments
from core.client_loop.model import MessageKind
from core.client_loop.outgoing import NoRoute, email_parts, sms_text
from core.client_loop.templates import VARIABLES, check, render

SAMPLE_TOKEN = "Xy7pQ2rT9vLm3nB8kW4sZa"  # the length of a real page token (22 characters)
SAMPLE_PAY = "https://securepay.tinkoff.ru/new/Ab12Cd34"
SAMPLE_AMOUNT_MINOR = 350000  # 3 500.00 in the organization's currency
TELEGRAM_MAX = 4096

_WORDS: dict[str, dict[str, str]] = {
    "en": {
        "client_first_name": "Anna",
        "worker_first_name": "Ivan",
        "address": "12 Lenina St, apt 5",
        "work": "Replace the kitchen tap",
        "eta": "25 min",
        "reason": "Plans changed",
        "text": "Good afternoon! The master will be with you in 10 minutes.",
    },
    "ru": {
        "client_first_name": "Анна",
        "worker_first_name": "Иван",
        "address": "ул. Ленина, д. 12, кв. 5",
        "work": "Заменить смеситель на кухне",
        "eta": "25 мин",
        "reason": "Изменились планы",
        "text": "Добрый день! Мастер будет у вас через 10 минут.",
    },
}


@dataclass(frozen=True, slots=True)
class Preview:
    text: str  # the message as the client reads it (Telegram, the e-mail's body)
    subject: str  # the e-mail's subject
    sms: str | None  # the SMS that would go; None: it cannot fit two segments
    segments: SmsSegments  # of the SMS (or, when it cannot fit, of the whole text)
    telegram_too_long: bool


def sample_values(
    language: str, org_name: str, zone: str, now: datetime, base_url: str, amount: str
) -> dict[str, str | None]:
    """Sample values for every variable any kind may use: the visit tomorrow at 10:30 on the
    organization's wall clock, moved from today at 15:00. A variable added later without a
    sample shows as its name in brackets."""
    local = now.astimezone(ZoneInfo(zone))
    visit = (local + timedelta(days=1)).replace(hour=10, minute=30, second=0, microsecond=0)
    old = local.replace(hour=15, minute=0, second=0, microsecond=0)
    values: dict[str, str | None] = {
        name: f"[{name}]" for kind in VARIABLES for name in VARIABLES[kind]
    }
    values.update(_WORDS["ru" if language == "ru" else "en"])
    values.update(
        org_name=org_name,
        order_number="1024",
        date=visit.strftime("%d.%m.%Y"),
        time=visit.strftime("%H:%M"),
        old_date=old.strftime("%d.%m.%Y"),
        old_time=old.strftime("%H:%M"),
        amount=amount,
        page_link=f"{base_url.rstrip('/')}/c/{SAMPLE_TOKEN}",
        pay_link=SAMPLE_PAY,
    )
    return values


def preview(kind: MessageKind, body: str, values: Mapping[str, str | None]) -> Preview:
    """The template rendered for each channel (a DomainError for an invalid template)."""
    check(kind, body)
    text = render(kind, body, values)
    subject, _ = email_parts(kind, body, values)
    try:
        sms: str | None = sms_text(kind, body, values)
    except NoRoute:
        sms = None
    segments = count_segments(sms if sms is not None else text)
    return Preview(text, subject, sms, segments, len(text) > TELEGRAM_MAX)
