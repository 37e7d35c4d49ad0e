"""Time zones and currencies an organization may choose, and how typed answers are read."""

from __future__ import annotations

import zoneinfo
from functools import lru_cache

from core.errors import DomainError

COMMON_RU_ZONES: tuple[str, ...] = (
    "Europe/Kaliningrad",
    "Europe/Moscow",
    "Europe/Samara",
    "Asia/Yekaterinburg",
    "Asia/Omsk",
    "Asia/Novosibirsk",
    "Asia/Krasnoyarsk",
    "Asia/Irkutsk",
    "Asia/Yakutsk",
    "Asia/Vladivostok",
    "Asia/Magadan",
    "Asia/Kamchatka",
)

CURRENCIES: tuple[str, ...] = (
    "RUB",
    "USD",
    "EUR",
    "KZT",
    "BYN",
    "UZS",
    "KGS",
    "AMD",
    "GEL",
    "AZN",
    "TRY",
    "AED",
    "CNY",
    "GBP",
    "CHF",
    "PLN",
    "CZK",
    "RSD",
    "THB",
    "INR",
    "ILS",
    "UAH",
    "MDL",
    "TJS",
)
COMMON_CURRENCIES: tuple[str, ...] = ("RUB", "USD", "EUR", "KZT", "BYN")


@lru_cache(maxsize=1)
def _zones_by_key() -> dict[str, str]:
    zones: dict[str, str] = {}
    for name in sorted(zoneinfo.available_timezones()):
        zones.setdefault(name.casefold(), name)
        city = name.rsplit("/", 1)[-1].casefold()
        if "/" in name and not name.startswith(("Etc/", "SystemV/")):
            zones.setdefault(city, name)
            zones.setdefault(city.replace("_", " "), name)
    return zones


def parse_timezone(text: str | None) -> str:
    """Accept an IANA name in any case, or a city such as 'Moscow' or 'new york'."""
    key = (text or "").strip().casefold()
    zone = _zones_by_key().get(key) if key else None
    if zone is None:
        raise DomainError("timezone_invalid", given=(text or "").strip()[:64])
    return zone


def parse_currency(text: str | None) -> str:
    code = (text or "").strip().upper()
    if code not in CURRENCIES:
        raise DomainError("currency_invalid", given=(text or "").strip()[:16])
    return code
