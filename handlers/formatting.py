"""Money, dates and phone numbers formatted for the reader's language."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from babel.dates import format_datetime
from babel.numbers import format_currency

from handlers.i18n import Translator


def money(t: Translator, minor: int, currency: str) -> str:
    amount = Decimal(minor) / 100
    number = "#,##0" if minor % 100 == 0 else "#,##0.00"
    prefix = t.locale == "en" and currency in ("USD", "EUR", "GBP")
    pattern = f"¤{number}" if prefix else f"{number}\u00a0¤"
    return format_currency(
        amount, currency, format=pattern, locale=t.locale, currency_digits=False
    )


def when(t: Translator, moment: datetime, zone: str) -> str:
    local = moment.astimezone(ZoneInfo(zone))
    return format_datetime(local, "EEE d MMM, HH:mm", locale=t.locale)


def short_time(t: Translator, moment: datetime, zone: str) -> str:
    return format_datetime(moment.astimezone(ZoneInfo(zone)), "HH:mm", locale=t.locale)


def phone(e164: str) -> str:
    """+79161234567 -> +7 916 123-45-67 (other countries: as stored)."""
    digits = e164.lstrip("+")
    if digits.startswith("7") and len(digits) == 11:
        return f"+7 {digits[1:4]} {digits[4:7]}-{digits[7:9]}-{digits[9:]}"
    return e164


def wall_clock(t: Translator, day: str, at: str | None) -> str:
    """A local date (and time) kept as ISO strings in a flow, for the confirmation card."""
    moment = datetime.fromisoformat(f"{day}T{at or '00:00'}")
    return format_datetime(moment, "EEE d MMM, HH:mm" if at else "EEE d MMM", locale=t.locale)
