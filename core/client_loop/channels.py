"""Which way a message reaches a client: Telegram, then SMS, then e-mail, each only when the
client can be reached that way and has not opted out of it."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from core.client_loop.model import Channel, ConsentState, Purpose

E164 = re.compile(r"^\+[1-9]\d{7,14}$")
# Numbering plans where mobile numbers are told apart by their first digits: zone 7 is Russia
# (mobile 9xx) and Kazakhstan (mobile 70x, 747, 771, 775-778; landlines 71x-72x), Belarus.
MOBILE_PREFIXES = {
    "+7": ("+79", "+770", "+7747", "+7771", "+7775", "+7776", "+7777", "+7778"),
    "+375": ("+37525", "+37529", "+37533", "+37544"),
}


def is_mobile(phone: str | None) -> bool:
    """An E.164 number that may receive SMS: in a plan we know, only its mobile ranges;
    elsewhere any number (the provider refuses a landline)."""
    if phone is None or not E164.match(phone):
        return False
    for country, mobile in MOBILE_PREFIXES.items():
        if phone.startswith(country):
            return phone.startswith(mobile)
    return True


@dataclass(frozen=True, slots=True)
class Reach:
    """What is known about reaching one client of one organization."""

    linked: bool = False  # a Telegram link exists
    telegram_consent: bool = False  # the link carries the consent for this purpose
    phones: tuple[str, ...] = ()
    email: str | None = None
    sms_configured: bool = False
    email_configured: bool = False
    consents: ConsentState = field(default_factory=ConsentState)
    basis_required: bool = False  # SMS/e-mail only with a recorded legal basis
    restricted: bool = False  # processing restricted on the client's request: no channel


def choose_channels(reach: Reach, purpose: Purpose = Purpose.TRANSACTIONAL) -> tuple[Channel, ...]:
    """The channels to try, best first; empty: the client cannot be reached for `purpose`.
    Telegram needs the client's consent given in the chat; SMS and e-mail need no opt-out
    (and, for marketing or when the organization asks for it, an explicit consent or basis)."""
    if reach.restricted:  # docs/data-rights.md: the data is kept, not used
        return ()
    found: list[Channel] = []
    state = reach.consents
    if reach.linked and reach.telegram_consent and not state.withdrawn(Channel.TELEGRAM, purpose):
        found.append(Channel.TELEGRAM)
    strict = purpose is Purpose.MARKETING or reach.basis_required
    for channel, possible in (
        (Channel.SMS, reach.sms_configured and any(is_mobile(p) for p in reach.phones)),
        (Channel.EMAIL, reach.email_configured and bool(reach.email)),
    ):
        if not possible or state.withdrawn(channel, purpose):
            continue
        if strict and not state.granted(channel, purpose):
            continue
        found.append(channel)
    return tuple(found)


def sms_number(phones: tuple[str, ...]) -> str | None:
    """The first of a client's numbers that takes SMS."""
    return next((p for p in phones if is_mobile(p)), None)
