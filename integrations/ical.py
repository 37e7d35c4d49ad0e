"""The `.ics` file of a visit invitation (`core.channels.calendar.VisitInvitation`), written
with the icalendar library: a VCALENDAR (PRODID, VERSION:2.0, CALSCALE, METHOD) holding one
VTIMEZONE and one VEVENT (docs/icalendar.md).

Times: DTSTART and DTEND carry the organization's zone as TZID (`Europe/Moscow`), with a
VTIMEZONE of that name in the same file, as RFC 5545 requires for every TZID used. This is
what Google Calendar and Outlook themselves send, what Apple Calendar reads, and it keeps the
organization's wall-clock time in the file (10:00 in Moscow stays 10:00 in Moscow; each
client shows it in its own zone as well). The VTIMEZONE is built here from the standard
library's zone data and covers only the visit's days: one observance for the offset in force
a day before the visit, one more for each change up to a day after (a visit across a DST
change gets both). Each observance starts at the local time of the change in the offset
before it (TZOFFSETFROM), as RFC 5545's examples do, and is written with DTSTART alone, no
RRULE or RDATE, so a client that reads only the first rule still gets the right offset.
DTSTAMP is UTC. Never logged: anything in the file."""

from __future__ import annotations

from datetime import datetime, timedelta, tzinfo

from icalendar import Calendar, Event, Timezone, TimezoneDaylight, TimezoneStandard, vCalAddress

from core.channels.calendar import Person, VisitInvitation, zone_of

PRODID = "-//AstraCRM//Visit invitations 1.0//EN"
MARGIN = timedelta(days=1)
STEP = timedelta(hours=1)


def invitation_ics(invitation: VisitInvitation, prodid: str = PRODID) -> bytes:
    """The calendar object as UTF-8 bytes with CRLF line ends, lines folded at 75 octets."""
    zone = zone_of(invitation.zone)
    calendar = Calendar()
    calendar.add("prodid", prodid)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", invitation.method.value)
    calendar.add_component(vtimezone(invitation.zone, invitation.start, invitation.end))
    calendar.add_component(_event(invitation, zone))
    return bytes(calendar.to_ical())


def _event(invitation: VisitInvitation, zone: tzinfo) -> Event:
    event = Event()
    event.add("uid", invitation.uid)
    event.add("sequence", invitation.sequence)
    event.add("dtstamp", invitation.stamp)
    event.add("dtstart", invitation.start.astimezone(zone))
    event.add("dtend", invitation.end.astimezone(zone))
    event.add("summary", invitation.summary)
    if invitation.location:
        event.add("location", invitation.location)
    if invitation.description:
        event.add("description", invitation.description)
    event.add("status", invitation.status.value)
    event.add("transp", "OPAQUE")
    event.add("organizer", _address(invitation.organizer))
    if invitation.attendee is not None:
        attendee = _address(invitation.attendee)
        attendee.params["ROLE"] = "REQ-PARTICIPANT"
        attendee.params["PARTSTAT"] = "NEEDS-ACTION"
        attendee.params["RSVP"] = "FALSE"  # the client answers on the client page, not here
        event.add("attendee", attendee)
    return event


def _address(person: Person) -> vCalAddress:
    address = vCalAddress(f"mailto:{person.email}")
    if person.name:
        address.params["CN"] = person.name
    return address


def vtimezone(name: str, start: datetime, end: datetime) -> Timezone:
    """A VTIMEZONE named `name` that is exact from a day before `start` to a day after `end`."""
    zone = zone_of(name)
    first = (start - MARGIN).replace(second=0, microsecond=0)
    component = Timezone()
    component.add("tzid", name)
    local = first.astimezone(zone)
    offset = _offset(first, zone)
    component.add_component(_observance(local.replace(tzinfo=None), offset, offset, local))
    for instant in _changes(first, end + MARGIN, zone):
        before, after = _offset(instant - timedelta(seconds=1), zone), _offset(instant, zone)
        onset = (instant + before).replace(tzinfo=None)  # local time in the old offset
        component.add_component(_observance(onset, before, after, instant.astimezone(zone)))
    return component


def _observance(
    onset: datetime, before: timedelta, after: timedelta, local: datetime
) -> TimezoneStandard | TimezoneDaylight:
    daylight = bool(local.dst())
    observance = TimezoneDaylight() if daylight else TimezoneStandard()
    observance.add("dtstart", onset)
    observance.add("tzoffsetfrom", before)
    observance.add("tzoffsetto", after)
    observance.add("tzname", local.tzname() or _utc_name(after))
    return observance


def _changes(first: datetime, last: datetime, zone: tzinfo) -> list[datetime]:
    """The UTC instants in (first, last] where the zone's offset changes, to the second."""
    found: list[datetime] = []
    at = first
    while at < last:
        following = min(at + STEP, last)
        if _offset(at, zone) != _offset(following, zone):
            low, high = at, following  # offset(low) differs from offset(high)
            while high - low > timedelta(seconds=1):
                middle = low + (high - low) / 2
                middle = middle.replace(microsecond=0)
                if middle <= low:
                    break
                if _offset(middle, zone) == _offset(low, zone):
                    low = middle
                else:
                    high = middle
            found.append(high)
        at = following
    return found


def _offset(instant: datetime, zone: tzinfo) -> timedelta:
    offset = instant.astimezone(zone).utcoffset()
    return offset if offset is not None else timedelta(0)


def _utc_name(offset: timedelta) -> str:
    minutes = int(offset.total_seconds()) // 60
    sign = "+" if minutes >= 0 else "-"
    return f"UTC{sign}{abs(minutes) // 60:02d}{abs(minutes) % 60:02d}"
