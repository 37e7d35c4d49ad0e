"""The visit invitation's rules: one UID per order, SEQUENCE up by one per change that
matters, none for a resend or a no-op, CANCEL with the same UID, and what is refused."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from core.channels.calendar import (
    Method,
    Person,
    VisitInvitation,
    VisitStatus,
    cancel,
    invite,
    reschedule,
    revise,
    visit_uid,
    zone_of,
)

UTC = dt.UTC
STAMP = dt.datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
START = dt.datetime(2026, 3, 5, 7, 0, tzinfo=UTC)
END = START + dt.timedelta(hours=3)
ORG = Person("Чистота и Порядок", "office@chistota.example")


def first(**changes) -> VisitInvitation:
    values = {
        "start": START,
        "end": END,
        "zone": "Europe/Moscow",
        "summary": "Генеральная уборка",
        "location": "Москва, ул. Ленина, 1",
        "description": "Окна\nкухня",
        "organizer": ORG,
        "stamp": STAMP,
    }
    values.update(changes)
    return invite(17, "Chistota.Example", **values)


def later(hours: float) -> dt.datetime:
    return STAMP + dt.timedelta(hours=hours)


def test_the_first_invitation():
    invitation = first()
    assert invitation.uid == "order-17@chistota.example"
    assert (invitation.sequence, invitation.method, invitation.status) == (
        0,
        Method.REQUEST,
        VisitStatus.CONFIRMED,
    )
    assert invitation.content_type == "text/calendar; method=REQUEST; charset=UTF-8"


def test_the_uid_is_stable_per_order_and_unique_per_domain():
    assert visit_uid(17, "chistota.example") == visit_uid(17, "CHISTOTA.example.")
    assert visit_uid(17, "chistota.example") != visit_uid(18, "chistota.example")
    assert visit_uid(17, "chistota.example") != visit_uid(17, "remont.example")
    ascii_domain = "чистота.рф".encode("idna").decode()  # a Cyrillic domain in its xn-- form
    assert visit_uid(5, "Чистота.РФ") == f"order-5@{ascii_domain}"
    assert ascii_domain.startswith("xn--") and ascii_domain.endswith(".xn--p1ai")
    for bad in ("", "a b", "x@y"):
        with pytest.raises(ValueError):
            visit_uid(1, bad)


def test_a_reschedule_increments_sequence_and_keeps_the_uid():
    invitation = first()
    moved = reschedule(
        invitation, START + dt.timedelta(days=1), END + dt.timedelta(days=1), later(1)
    )
    assert (moved.uid, moved.sequence, moved.method) == (invitation.uid, 1, Method.REQUEST)
    assert (moved.start, moved.stamp) == (START + dt.timedelta(days=1), later(1))
    again = reschedule(moved, START, END, later(2))
    assert again.sequence == 2


def test_the_same_time_again_is_no_new_version():
    invitation = first()
    assert reschedule(invitation, START, END, later(1)) is invitation


def test_a_revision_of_details_increments_only_when_something_differs():
    invitation = first()
    assert revise(invitation, later(1), summary=invitation.summary) is invitation
    assert revise(invitation, later(1)) is invitation
    moved = revise(invitation, later(1), location="Москва, ул. Мира, 3")
    assert (moved.sequence, moved.location, moved.summary) == (
        1,
        "Москва, ул. Мира, 3",
        invitation.summary,
    )


def test_a_cancellation_is_cancel_with_the_same_uid_and_a_higher_sequence():
    moved = reschedule(
        first(), START + dt.timedelta(hours=2), END + dt.timedelta(hours=2), later(1)
    )
    cancelled = cancel(moved, later(2))
    assert (cancelled.uid, cancelled.method, cancelled.status) == (
        moved.uid,
        Method.CANCEL,
        VisitStatus.CANCELLED,
    )
    assert cancelled.sequence == moved.sequence + 1 == 2
    assert (cancelled.start, cancelled.end) == (moved.start, moved.end)
    assert cancelled.content_type == "text/calendar; method=CANCEL; charset=UTF-8"
    assert cancel(cancelled, later(3)) is cancelled  # cancelling twice: the first one


def test_a_cancelled_visit_is_neither_moved_nor_revised():
    cancelled = cancel(first(), later(1))
    with pytest.raises(ValueError):
        reschedule(cancelled, START + dt.timedelta(days=1), END + dt.timedelta(days=1), later(2))
    with pytest.raises(ValueError):
        revise(cancelled, later(2), summary="Другое")


def test_a_stored_invitation_is_rebuilt_with_its_sequence():
    stored = first(attendee=Person("Иван", "ivan@example.com"))
    rebuilt = VisitInvitation(
        uid=stored.uid,
        sequence=4,
        method=Method.REQUEST,
        status=VisitStatus.CONFIRMED,
        start=START,
        end=END,
        zone="Europe/Moscow",
        summary=stored.summary,
        location=stored.location,
        description=stored.description,
        organizer=ORG,
        stamp=STAMP,
        attendee=stored.attendee,
    )
    assert reschedule(rebuilt, START + dt.timedelta(hours=1), END, later(1)).sequence == 5


@pytest.mark.parametrize(
    "changes",
    [
        {"end": START},  # ends when it starts
        {"start": START.replace(tzinfo=None)},  # naive
        {"end": END.astimezone(dt.timezone(dt.timedelta(hours=3)))},  # not UTC
        {"stamp": STAMP.replace(tzinfo=None)},
        {"zone": "Moscow"},
        {"zone": "+03:00"},
        {"zone": "../etc/passwd"},
        {"summary": "  "},
        {"summary": "line\nbreak"},
        {"location": "x" * 2001},
        {"description": "bell\x07"},
    ],
)
def test_what_an_invitation_refuses(changes):
    with pytest.raises(ValueError):
        first(**changes)


def test_method_and_status_go_together():
    invitation = first()
    for method, status in (
        (Method.CANCEL, VisitStatus.CONFIRMED),
        (Method.REQUEST, VisitStatus.CANCELLED),
    ):
        with pytest.raises(ValueError):
            VisitInvitation(**{**_fields(invitation), "method": method, "status": status})
    with pytest.raises(ValueError):
        VisitInvitation(**{**_fields(invitation), "sequence": -1})
    with pytest.raises(ValueError):
        VisitInvitation(**{**_fields(invitation), "uid": "visit-1@example.com"})


def test_participants_need_addresses():
    with pytest.raises(ValueError):
        Person("Иван", "not an address")
    assert Person("Иван", "Ivan@Example.COM").email == "Ivan@example.com"


def test_zones_by_exact_iana_name():
    assert str(zone_of("America/New_York")) == "America/New_York"
    for bad in ("", " Europe/Moscow", "europe/moscow_", "Nowhere/City"):
        with pytest.raises(ValueError):
            zone_of(bad)


def _fields(invitation: VisitInvitation) -> dict[str, object]:
    return {name: getattr(invitation, name) for name in VisitInvitation.__dataclass_fields__}


changes = st.lists(st.sampled_from(["move", "revise", "same", "cancel"]), max_size=12)


@settings(max_examples=200, derandomize=True)
@given(changes)
def test_sequence_never_goes_down_and_the_uid_never_changes(steps):
    invitation = first()
    for hour, step in enumerate(steps, start=1):
        if invitation.cancelled and step != "cancel":
            continue
        before = invitation
        if step == "move":
            shift = dt.timedelta(hours=hour)
            invitation = reschedule(invitation, START + shift, END + shift, later(hour))
        elif step == "revise":
            invitation = revise(invitation, later(hour), description=f"v{hour}")
        elif step == "same":
            invitation = reschedule(invitation, invitation.start, invitation.end, later(hour))
        else:
            invitation = cancel(invitation, later(hour))
        assert invitation.uid == before.uid
        changed = invitation != before
        assert invitation.sequence == before.sequence + (1 if changed else 0)
        assert invitation.cancelled == (invitation.method is Method.CANCEL)
