"""Money, dates and phone numbers formatted for the reader's language."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from functools import lru_cache
from zoneinfo import ZoneInfo

import phonenumbers
from babel.dates import format_datetime
from babel.numbers import format_currency, format_decimal
from phonenumbers import NumberParseException, PhoneNumberFormat

from handlers.i18n import Translator


def money(t: Translator, minor: int, currency: str) -> str:
    return _money(t.locale, minor, currency)


@lru_cache(maxsize=4096)
def _money(locale: str, minor: int, currency: str) -> str:
    """Remembered: Babel parses the pattern on every call (about 0.1-0.2 ms), and a card shows
    two or three amounts (docs/cpu-per-update.md)."""
    amount = Decimal(minor) / 100
    number = "#,##0" if minor % 100 == 0 else "#,##0.00"
    prefix = locale == "en" and currency in ("USD", "EUR", "GBP")
    pattern = f"¤{number}" if prefix else f"{number}\u00a0¤"
    return format_currency(amount, currency, format=pattern, locale=locale, currency_digits=False)


def megabytes(t: Translator, size: int) -> str:
    """A size in MB with one decimal as the reader's language writes it (`2.5`, `2,5`); never
    `0.0` for a file that has any bytes at all."""
    value = max(Decimal(size) / (1024 * 1024), Decimal("0.1") if size else Decimal(0))
    return format_decimal(value, format="#,##0.0", locale=t.locale)


def when(t: Translator, moment: datetime, zone: str, now: datetime | None = None) -> str:
    """A moment in the organization's zone; with `now`, the year too whenever it is not the
    current year there (`Thu 4 Mar 2027, 12:00`), as the confirmation card shows it."""
    local = moment.astimezone(ZoneInfo(zone))
    other_year = now is not None and now.astimezone(ZoneInfo(zone)).year != local.year
    pattern = "EEE d MMM y, HH:mm" if other_year else "EEE d MMM, HH:mm"
    return format_datetime(local, pattern, locale=t.locale)


def short_time(t: Translator, moment: datetime, zone: str) -> str:
    return format_datetime(moment.astimezone(ZoneInfo(zone)), "HH:mm", locale=t.locale)


def phone(e164: str) -> str:
    """Every phone shown anywhere, in one international format (libphonenumber's):
    +79161234567 -> +7 916 123-45-67, +493012345678 -> +49 30 12345678; as stored when the
    library cannot read it (a caller's raw number from a PBX)."""
    try:
        number = phonenumbers.parse(e164, None)
    except NumberParseException:
        return e164
    return phonenumbers.format_number(number, PhoneNumberFormat.INTERNATIONAL)


def wall_clock(t: Translator, day: str, at: str | None, today: str | None = None) -> str:
    """A local date (and time) kept as ISO strings in a flow, for the confirmation card; the
    year is shown whenever it is not the year of `today`."""
    moment = datetime.fromisoformat(f"{day}T{at or '00:00'}")
    pattern = "EEE d MMM" if today is None or today[:4] == day[:4] else "EEE d MMM y"
    return format_datetime(moment, f"{pattern}, HH:mm" if at else pattern, locale=t.locale)
