"""The `.ics` bytes of a visit: read back with icalendar, the calendar says what the core
decided (UID, SEQUENCE, METHOD, STATUS, times in the organization's zone), and its VTIMEZONE,
read by RFC 5545's own rules, gives the same offsets as the zone database around the visit,
DST changes included."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from icalendar import Calendar

from core.channels.calendar import Person, VisitInvitation, cancel, invite, reschedule
from integrations.ical import PRODID, invitation_ics

UTC = dt.UTC
STAMP = dt.datetime(2026, 2, 20, 9, 30, tzinfo=UTC)
ORG = Person("Чистота и Порядок", "office@chistota.example")
CLIENT = Person("Иван Петров", "ivan@example.com")


def visit(
    start: dt.datetime, hours: float = 3, zone: str = "Europe/Moscow", **kw
) -> VisitInvitation:
    values = {
        "summary": "Генеральная уборка; окна, кухня",
        "location": "Москва, ул. Ленина, 1, кв. 2",
        "description": "Взять стремянку.\nДомофон 12#",
        "organizer": ORG,
        "stamp": STAMP,
        "attendee": CLIENT,
    }
    values.update(kw)
    end = start + dt.timedelta(hours=hours)
    return invite(1042, "chistota.example", start=start, end=end, zone=zone, **values)


def parsed(invitation: VisitInvitation) -> tuple[Calendar, object]:
    data = invitation_ics(invitation)
    assert data.startswith(b"BEGIN:VCALENDAR\r\n") and data.endswith(b"END:VCALENDAR\r\n")
    assert all(len(line) <= 75 for line in data.split(b"\r\n"))  # folded
    calendar = Calendar.from_ical(data)
    [event] = calendar.walk("VEVENT")
    return calendar, event


def offsets_by_vtimezone(calendar: Calendar, instant: dt.datetime) -> dt.timedelta:
    """The offset the file's VTIMEZONE gives at a UTC instant (RFC 5545 3.6.5: each observance
    begins at its DTSTART, a local time in its TZOFFSETFROM; the latest begun one applies)."""
    [zone] = calendar.walk("VTIMEZONE")
    begun = []
    for observance in zone.subcomponents:
        onset = observance.decoded("DTSTART")
        assert onset.tzinfo is None and "RRULE" not in observance and "RDATE" not in observance
        before = observance["TZOFFSETFROM"].td
        begun.append((onset.replace(tzinfo=UTC) - before, observance["TZOFFSETTO"].td))
    applying = [offset for onset, offset in sorted(begun) if onset <= instant]
    assert applying, "the VTIMEZONE does not reach back to this instant"
    return applying[-1]


def test_the_calendar_and_the_event():
    invitation = visit(dt.datetime(2026, 3, 5, 7, 0, tzinfo=UTC))
    calendar, event = parsed(invitation)
    assert (str(calendar["PRODID"]), str(calendar["VERSION"]), str(calendar["METHOD"])) == (
        PRODID,
        "2.0",
        "REQUEST",
    )
    assert str(event["UID"]) == "order-1042@chistota.example"
    assert event["SEQUENCE"] == 0
    assert str(event["STATUS"]) == "CONFIRMED"
    assert event.decoded("DTSTAMP") == STAMP and event["DTSTAMP"].to_ical() == b"20260220T093000Z"
    assert str(event["SUMMARY"]) == invitation.summary
    assert str(event["LOCATION"]) == invitation.location
    assert str(event["DESCRIPTION"]) == invitation.description
    assert str(event["ORGANIZER"]) == "mailto:office@chistota.example"
    assert event["ORGANIZER"].params["CN"] == "Чистота и Порядок"
    assert str(event["ATTENDEE"]) == "mailto:ivan@example.com"
    assert event["ATTENDEE"].params["RSVP"] == "FALSE"


def test_moscow_times_carry_the_zone_and_its_definition():
    calendar, event = parsed(visit(dt.datetime(2026, 3, 5, 7, 0, tzinfo=UTC)))
    assert event["DTSTART"].params["TZID"] == "Europe/Moscow"
    assert event["DTSTART"].to_ical() == b"20260305T100000"  # 10:00 on the organization's clock
    assert event["DTEND"].to_ical() == b"20260305T130000"
    assert event.decoded("DTSTART") == dt.datetime(2026, 3, 5, 7, 0, tzinfo=UTC)
    [zone] = calendar.walk("VTIMEZONE")
    assert str(zone["TZID"]) == "Europe/Moscow"
    assert offsets_by_vtimezone(calendar, dt.datetime(2026, 3, 5, 7, tzinfo=UTC)) == dt.timedelta(
        hours=3
    )


@pytest.mark.parametrize(
    ("start", "local"),
    [
        (dt.datetime(2026, 1, 15, 15, 0, tzinfo=UTC), b"20260115T100000"),  # EST
        (dt.datetime(2026, 7, 15, 14, 0, tzinfo=UTC), b"20260715T100000"),  # EDT
    ],
)
def test_new_york_in_winter_and_summer(start, local):
    calendar, event = parsed(visit(start, zone="America/New_York"))
    assert event["DTSTART"].params["TZID"] == "America/New_York"
    assert event["DTSTART"].to_ical() == local
    assert event.decoded("DTSTART") == start
    assert (
        offsets_by_vtimezone(calendar, start)
        == start.astimezone(ZoneInfo("America/New_York")).utcoffset()
    )


@pytest.mark.parametrize(
    ("zone", "start", "hours"),
    [
        ("America/New_York", dt.datetime(2026, 11, 1, 4, 30, tzinfo=UTC), 4),  # 00:30 EDT -> EST
        ("America/New_York", dt.datetime(2026, 3, 8, 5, 0, tzinfo=UTC), 4),  # 00:00 EST -> EDT
        ("Europe/Berlin", dt.datetime(2026, 3, 28, 22, 0, tzinfo=UTC), 6),  # spring forward
        ("Europe/Moscow", dt.datetime(2026, 3, 29, 0, 0, tzinfo=UTC), 6),  # no DST at all
    ],
)
def test_a_visit_across_a_dst_change(zone, start, hours):
    invitation = visit(start, hours=hours, zone=zone)
    calendar, event = parsed(invitation)
    assert event.decoded("DTSTART") == invitation.start
    assert event.decoded("DTEND") == invitation.end
    tz = ZoneInfo(zone)
    instant = invitation.start - dt.timedelta(hours=23)
    while instant <= invitation.end + dt.timedelta(hours=23):
        assert offsets_by_vtimezone(calendar, instant) == instant.astimezone(tz).utcoffset()
        instant += dt.timedelta(minutes=30)
    # and the event's local times, read back through the file's own definition
    for name, expected in (("DTSTART", invitation.start), ("DTEND", invitation.end)):
        local = dt.datetime.strptime(event[name].to_ical().decode(), "%Y%m%dT%H%M%S")
        offset = offsets_by_vtimezone(calendar, expected)
        assert local - offset == expected.replace(tzinfo=None)


def test_the_spring_forward_observance_starts_at_two_in_the_old_offset():
    calendar, _ = parsed(visit(dt.datetime(2026, 3, 8, 5, 0, tzinfo=UTC), 4, "America/New_York"))
    [zone] = calendar.walk("VTIMEZONE")
    daylight = [
        o
        for o in zone.subcomponents
        if o.name == "DAYLIGHT" and o["TZOFFSETFROM"].td != o["TZOFFSETTO"].td
    ]
    [onset] = daylight
    assert onset["DTSTART"].to_ical() == b"20260308T020000"  # as in RFC 5545's examples
    assert (onset["TZOFFSETFROM"].td, onset["TZOFFSETTO"].td) == (
        dt.timedelta(hours=-5),
        dt.timedelta(hours=-4),
    )
    assert str(onset["TZNAME"]) == "EDT"


def test_a_reschedule_is_a_higher_sequence_of_the_same_uid():
    invitation = visit(dt.datetime(2026, 3, 5, 7, 0, tzinfo=UTC))
    moved = reschedule(
        invitation,
        dt.datetime(2026, 3, 6, 8, 0, tzinfo=UTC),
        dt.datetime(2026, 3, 6, 10, 0, tzinfo=UTC),
        STAMP + dt.timedelta(hours=1),
    )
    calendar, event = parsed(moved)
    _, before = parsed(invitation)
    assert str(calendar["METHOD"]) == "REQUEST"
    assert str(event["UID"]) == str(before["UID"])
    assert (before["SEQUENCE"], event["SEQUENCE"]) == (0, 1)
    assert event["DTSTART"].to_ical() == b"20260306T110000"
    assert event.decoded("DTSTAMP") > before.decoded("DTSTAMP")


def test_a_cancellation():
    invitation = visit(dt.datetime(2026, 3, 5, 7, 0, tzinfo=UTC))
    cancelled = cancel(invitation, STAMP + dt.timedelta(hours=2))
    calendar, event = parsed(cancelled)
    assert str(calendar["METHOD"]) == "CANCEL"
    assert str(event["STATUS"]) == "CANCELLED"
    assert str(event["UID"]) == "order-1042@chistota.example"
    assert event["SEQUENCE"] == 1
    assert str(event["ORGANIZER"]) == "mailto:office@chistota.example"
    assert str(event["ATTENDEE"]) == "mailto:ivan@example.com"


def test_the_same_invitation_gives_the_same_bytes():
    invitation = visit(dt.datetime(2026, 3, 5, 7, 0, tzinfo=UTC))
    assert invitation_ics(invitation) == invitation_ics(invitation)


def test_without_attendee_location_or_description():
    invitation = visit(
        dt.datetime(2026, 3, 5, 7, 0, tzinfo=UTC), attendee=None, location="", description=""
    )
    _, event = parsed(invitation)
    assert "ATTENDEE" not in event and "LOCATION" not in event and "DESCRIPTION" not in event
