"""Requests from a business's clients as data subjects (privacy policy section 6, issue 25
item 7; docs/data-rights.md). The organization is the operator: an owner or manager records the
request from the client card with the day it was received; it is due 30 days later, shows in
the owner's digest while open, and is closed by the action that answers it (the data package
for access, a card edit for correction, the restriction for restriction and objection;
erasure removes the client's requests with the client)."""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta

from core.clients.request_model import RequestKind
from core.domain import Actor, Client
from core.errors import DomainError
from core.permissions import Action, require
from core.ports import UnitOfWork
from core.privacy.audit import record
from core.privacy.model import AuditAction
from core.when import local_today

DUE_DAYS = 30
REQUEST_PREFIX = "request_"  # the card's edit field `request_<kind>`: its value is the day


_DAY = re.compile(r"^\s*(\d{1,2})\.(\d{1,2})(?:\.(\d{4}))?\s*$")
TODAY_WORDS = frozenset({"today", "сегодня"})


def received_day(text: str | None, today: date) -> date:
    """ "03.03", "03.03.2026", "today" / "сегодня": the day the request came; never in the
    future (a day and month later than today is last year's) nor more than a year ago."""
    value = (text or "").strip().lower()
    if value in TODAY_WORDS:
        return today
    match = _DAY.match(value)
    if match is None:
        raise DomainError("request_day_invalid")
    d, m, y = match.groups()
    try:
        day = date(int(y) if y else today.year, int(m), int(d))
        if y is None and day > today:
            day = day.replace(year=today.year - 1)
    except ValueError:
        raise DomainError("request_day_invalid") from None
    if day > today or (today - day).days > 365:
        raise DomainError("request_day_invalid")
    return day


def request_kind(field: str) -> RequestKind | None:
    """The kind a card edit field `request_<kind>` records (None: another field)."""
    if not field.startswith(REQUEST_PREFIX):
        return None
    try:
        return RequestKind(field.removeprefix(REQUEST_PREFIX))
    except ValueError:
        return None


def check_day(actor: Actor, text: str | None, now: datetime) -> date:
    """The day received, as the organization's calendar reads `text` (asks again if bad)."""
    assert actor.organization is not None
    return received_day(text, local_today(now, actor.organization.timezone))


async def record_request(
    uow: UnitOfWork, actor: Actor, client_id: int, kind: RequestKind, text: str | None,
    now: datetime,
) -> Client:  # fmt: skip
    """Record the request in the caller's transaction; audited (ids and the kind only)."""
    require(actor, Action.CLIENT_EDIT)
    org = actor.organization
    assert org is not None
    client = await uow.clients.get(org.id, client_id)
    if client is None:
        raise DomainError("not_found")
    received = check_day(actor, text, now)
    due = received + timedelta(days=DUE_DAYS)
    await uow.requests.add_request(
        org.id, client_id, kind, received, due, None, actor.user.id, now
    )
    await record(
        uow, actor, AuditAction.CLIENT_REQUEST_RECORDED, now, ("client", client_id),
        kind=kind.value,
    )  # fmt: skip
    return client


async def answered(
    uow: UnitOfWork, org_id: int, client_id: int, by: str, now: datetime, *kinds: RequestKind
) -> int:
    """Close the client's open requests of `kinds`: the action `by` answered them."""
    return await uow.requests.close_requests(org_id, client_id, kinds, by, now)
