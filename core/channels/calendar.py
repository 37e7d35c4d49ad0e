"""A visit as a calendar invitation (iCalendar, RFC 5545; scheduling, RFC 5546): what the
client's calendar needs to add the visit, move it and take it off again (docs/icalendar.md).

The rules: one UID per order for its whole life (`order-<id>@<domain>`), so every later
message updates the same calendar entry instead of adding another; SEQUENCE starts at 0 and
goes up by one with every change that matters to the client (the time, the place, the
status), so a calendar applies updates in order and ignores a stale one; a cancellation is
METHOD:CANCEL with STATUS:CANCELLED and the same UID. Sending the same invitation again
(a retry) keeps its SEQUENCE. Times are UTC instants; the organization's IANA zone says how
the calendar file names them."""

from __future__ import annotations

import enum
import re
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from core.channels.email import normalize_address, normalize_host

MAX_TEXT = 2000
MAX_SUMMARY = 250
UID = re.compile(r"^order-[0-9]+@[a-z0-9.-]+$")


class Method(enum.StrEnum):
    """The iTIP method of the whole calendar object (and of the e-mail part carrying it)."""

    REQUEST = "REQUEST"
    CANCEL = "CANCEL"


class VisitStatus(enum.StrEnum):
    CONFIRMED = "CONFIRMED"
    CANCELLED = "CANCELLED"


@dataclass(frozen=True, slots=True)
class Person:
    """An organizer or attendee: a display name and an e-mail address."""

    name: str
    email: str

    def __post_init__(self) -> None:
        address = normalize_address(self.email)
        if address is None:
            raise ValueError("a calendar participant needs an e-mail address")
        object.__setattr__(self, "email", address)
        _check_text(self.name, MAX_SUMMARY, "name")


@dataclass(frozen=True, slots=True)
class VisitInvitation:
    """Everything the `.ics` says. Build the first with `invite`, later ones with
    `reschedule`, `revise` and `cancel`; or rebuild a stored one with the sequence kept."""

    uid: str
    sequence: int
    method: Method
    status: VisitStatus
    start: datetime  # aware, UTC
    end: datetime  # aware, UTC, after start
    zone: str  # the organization's IANA zone, e.g. Europe/Moscow
    summary: str
    location: str
    description: str
    organizer: Person
    stamp: datetime  # when this version was made (DTSTAMP), aware UTC
    attendee: Person | None = None  # the client, when the invitation goes to their e-mail

    def __post_init__(self) -> None:
        if not UID.match(self.uid):
            raise ValueError("a visit UID is order-<id>@<domain>")
        seq = self.sequence
        if isinstance(seq, bool) or not isinstance(seq, int) or seq < 0:
            raise ValueError("SEQUENCE is a non-negative integer")
        for name in ("start", "end", "stamp"):
            _check_utc(getattr(self, name), name)
        if self.end <= self.start:
            raise ValueError("a visit ends after it starts")
        zone_of(self.zone)
        cancelled = self.status is VisitStatus.CANCELLED
        if cancelled != (self.method is Method.CANCEL):
            raise ValueError("METHOD:CANCEL goes with STATUS:CANCELLED, and only with it")
        if not self.summary.strip():
            raise ValueError("a visit needs a summary")
        _check_text(self.summary, MAX_SUMMARY, "summary")
        _check_text(self.location, MAX_TEXT, "location", lines=True)
        _check_text(self.description, MAX_TEXT, "description", lines=True)

    @property
    def cancelled(self) -> bool:
        return self.status is VisitStatus.CANCELLED

    @property
    def content_type(self) -> str:
        """The MIME type of this invitation's file; iMIP wants the same method as inside."""
        return f"text/calendar; method={self.method.value}; charset=UTF-8"


def visit_uid(order_id: int, domain: str) -> str:
    """`order-<id>@<domain>`: the same for the order whatever changes, unique across
    organizations because the domain is the organization's own (its sending domain or host)."""
    host = normalize_host(domain)
    if isinstance(order_id, bool) or order_id < 0 or host is None:
        raise ValueError("a visit UID needs an order id and a host name")
    return f"order-{order_id}@{host}"


def invite(
    order_id: int,
    domain: str,
    *,
    start: datetime,
    end: datetime,
    zone: str,
    summary: str,
    location: str,
    description: str,
    organizer: Person,
    stamp: datetime,
    attendee: Person | None = None,
) -> VisitInvitation:
    """The first invitation for an order: SEQUENCE 0, REQUEST, CONFIRMED."""
    return VisitInvitation(
        uid=visit_uid(order_id, domain),
        sequence=0,
        method=Method.REQUEST,
        status=VisitStatus.CONFIRMED,
        start=start,
        end=end,
        zone=zone,
        summary=summary,
        location=location,
        description=description,
        organizer=organizer,
        stamp=stamp,
        attendee=attendee,
    )


def reschedule(
    invitation: VisitInvitation, start: datetime, end: datetime, stamp: datetime
) -> VisitInvitation:
    """The visit at a new time: SEQUENCE + 1, same UID. The same times again change nothing
    (the invitation comes back as it was). A cancelled visit cannot be moved."""
    _check_open(invitation)
    if (start, end) == (invitation.start, invitation.end):
        return invitation
    return replace(invitation, start=start, end=end, stamp=stamp, sequence=_next(invitation))


def revise(
    invitation: VisitInvitation,
    stamp: datetime,
    *,
    summary: str | None = None,
    location: str | None = None,
    description: str | None = None,
) -> VisitInvitation:
    """New details for the same time: SEQUENCE + 1 when anything differs (a calendar keeps
    the version with the highest SEQUENCE, so a bump always lands), else unchanged."""
    _check_open(invitation)
    new = (
        invitation.summary if summary is None else summary,
        invitation.location if location is None else location,
        invitation.description if description is None else description,
    )
    if new == (invitation.summary, invitation.location, invitation.description):
        return invitation
    return replace(
        invitation,
        summary=new[0],
        location=new[1],
        description=new[2],
        stamp=stamp,
        sequence=_next(invitation),
    )


def cancel(invitation: VisitInvitation, stamp: datetime) -> VisitInvitation:
    """The visit is off: METHOD:CANCEL, STATUS:CANCELLED, the same UID, SEQUENCE + 1 (RFC 5546
    counts a status change as a revision). Cancelling twice gives the first cancellation."""
    if invitation.cancelled:
        return invitation
    return replace(
        invitation,
        method=Method.CANCEL,
        status=VisitStatus.CANCELLED,
        stamp=stamp,
        sequence=_next(invitation),
    )


def zone_of(name: str) -> ZoneInfo:
    """The IANA zone by its exact name; ValueError for anything else (no 'Moscow', no '+03')."""
    if not name or name != name.strip() or name.startswith(("/", ".")) or ".." in name:
        raise ValueError("not an IANA time zone name")
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError("not an IANA time zone name") from None


def _next(invitation: VisitInvitation) -> int:
    return invitation.sequence + 1


def _check_open(invitation: VisitInvitation) -> None:
    if invitation.cancelled:
        raise ValueError("a cancelled visit is not moved or revised; invite again")


def _check_utc(value: datetime, name: str) -> None:
    if not isinstance(value, datetime) or value.utcoffset() != timedelta(0):
        raise ValueError(f"{name} is an aware UTC datetime")


def _check_text(value: str, limit: int, name: str, lines: bool = False) -> None:
    allowed = "\n" if lines else ""
    if len(value) > limit or any(
        (ord(c) < 32 or ord(c) == 127) and c not in allowed for c in value
    ):
        raise ValueError(f"{name} is too long or has control characters")
