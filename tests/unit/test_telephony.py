"""The PBX wire protocol: signatures per event type (the Base64-of-hex quirk), parsing,
outcomes, directions, dedup keys, call times and numbers."""

import base64
import hashlib
import hmac
from datetime import UTC, datetime

import pytest

from core.telephony.events import (
    CallOutcome,
    Direction,
    EventKind,
    event_kind,
    number_candidates,
    outcome_of,
    parse_event,
    recording_key,
    signed_string,
    verify,
    zadarma_signature,
)

SECRET = "zd-secret"
START = "2025-01-20 14:03:11"
EVENTS = {
    "NOTIFY_START": {"caller_id": "79001234567", "called_did": "74951234567"},
    "NOTIFY_INTERNAL": {
        "caller_id": "79001234567",
        "called_did": "74951234567",
        "internal": "101",
    },
    "NOTIFY_ANSWER": {"caller_id": "79001234567", "destination": "101", "internal": "101"},
    "NOTIFY_END": {
        "caller_id": "79001234567",
        "called_did": "74951234567",
        "internal": "101",
        "duration": "95",
        "disposition": "answered",
        "status_code": "16",
        "is_recorded": "1",
        "call_id_with_rec": "1737371000.123456",
    },
    "NOTIFY_OUT_START": {"internal": "101", "destination": "79001234567"},
    "NOTIFY_OUT_END": {
        "caller_id": "74951234567",
        "internal": "101",
        "destination": "79001234567",
        "duration": "40",
        "disposition": "busy",
        "is_recorded": "0",
    },
    "NOTIFY_RECORD": {"call_id_with_rec": "1737371000.123456"},
}
# What the documentation says each event signs, in order.
SIGNED = {
    "NOTIFY_START": ("caller_id", "called_did", "call_start"),
    "NOTIFY_INTERNAL": ("caller_id", "called_did", "call_start"),
    "NOTIFY_ANSWER": ("caller_id", "destination", "call_start"),
    "NOTIFY_END": ("caller_id", "called_did", "call_start"),
    "NOTIFY_OUT_START": ("internal", "destination", "call_start"),
    "NOTIFY_OUT_END": ("internal", "destination", "call_start"),
    "NOTIFY_RECORD": ("pbx_call_id", "call_id_with_rec"),
}


def fields_of(event: str) -> dict[str, str]:
    fields = {"event": event, "pbx_call_id": "in_8c1f0a", **EVENTS[event]}
    if event != "NOTIFY_RECORD":
        fields["call_start"] = START
    return fields


def documented(secret: str, fields: dict[str, str]) -> str:
    """The doc's Python check: base64 of the hex digest text, not of the raw digest."""
    message = "".join(fields[name] for name in SIGNED[fields["event"]])
    digest = hmac.new(secret.encode(), message.encode(), hashlib.sha1).hexdigest()
    return base64.b64encode(digest.encode()).decode()


def test_a_known_vector():
    message = "79001234567" + "74951234567" + START
    expected = "Y2NlZjI5NDYwZjk5OTk1N2ExZjk4MTgxNzkyYzI2OTNiMWJiY2YyOA=="
    assert zadarma_signature(SECRET, message) == expected
    assert base64.b64decode(expected) == b"ccef29460f999957a1f98181792c2693b1bbcf28"


@pytest.mark.parametrize("event", list(EVENTS))
def test_each_event_signs_its_own_string(event):
    fields = fields_of(event)
    signature = documented(SECRET, fields)
    assert signed_string(EventKind(event), fields) == "".join(fields[n] for n in SIGNED[event])
    assert verify(SECRET, fields, signature)
    assert verify(SECRET, fields, signature + "\n"), "surrounding whitespace is tolerated"
    assert not verify("another-secret", fields, signature)
    assert not verify(SECRET, fields, None) and not verify(None, fields, signature)


@pytest.mark.parametrize("event", list(EVENTS))
def test_a_changed_signed_field_breaks_the_signature(event):
    fields = fields_of(event)
    signature = documented(SECRET, fields)
    name = SIGNED[event][0]
    assert not verify(SECRET, {**fields, name: fields[name] + "0"}, signature)


def test_the_raw_digest_in_base64_is_not_the_signature():
    fields = fields_of("NOTIFY_START")
    message = signed_string(EventKind.START, fields)
    raw = hmac.new(SECRET.encode(), message.encode(), hashlib.sha1).digest()
    assert not verify(SECRET, fields, base64.b64encode(raw).decode())


def test_another_events_string_does_not_verify():
    fields = fields_of("NOTIFY_ANSWER")
    as_start = {**fields, "event": "NOTIFY_START", "called_did": "74951234567"}
    assert not verify(SECRET, fields, documented(SECRET, as_start))


def test_unknown_events_are_not_verified():
    assert event_kind({"event": "NOTIFY_IVR"}) is None
    assert not verify(SECRET, {"event": "NOTIFY_IVR"}, "anything")


def test_parsing_an_incoming_end():
    event = parse_event(fields_of("NOTIFY_END"))
    assert event.kind is EventKind.END and event.direction is Direction.INCOMING
    assert (event.caller, event.callee, event.external) == (
        "79001234567",
        "74951234567",
        "79001234567",
    )
    assert event.duration == 95 and event.recorded and event.recording_ref == "1737371000.123456"
    assert event.outcome is CallOutcome.ANSWERED and event.ends
    assert event.dedup_key == "NOTIFY_END:in_8c1f0a"


def test_parsing_outgoing_calls():
    start = parse_event(fields_of("NOTIFY_OUT_START"))
    assert start.direction is Direction.OUTGOING and start.external == "79001234567"
    assert start.caller == "101" and start.outcome is None
    end = parse_event(fields_of("NOTIFY_OUT_END"))
    assert end.outcome is CallOutcome.BUSY and not end.recorded


def test_dedup_keys_tell_extensions_and_recordings_apart():
    internal = parse_event(fields_of("NOTIFY_INTERNAL"))
    other = parse_event({**fields_of("NOTIFY_INTERNAL"), "internal": "102"})
    assert internal.dedup_key != other.dedup_key
    record = parse_event(fields_of("NOTIFY_RECORD"))
    assert record.recorded and record.dedup_key.endswith("1737371000.123456")


@pytest.mark.parametrize(
    "fields",
    [
        {"event": "NOTIFY_START", "caller_id": "1"},
        {"event": "NOTIFY_END", "pbx_call_id": "x" * 65},
        {"event": "NOTIFY_IVR", "pbx_call_id": "a"},
    ],
)
def test_malformed_events_are_refused(fields):
    with pytest.raises(ValueError):
        parse_event(fields)


@pytest.mark.parametrize(
    ("disposition", "outcome"),
    [
        ("answered", CallOutcome.ANSWERED),
        ("busy", CallOutcome.BUSY),
        ("cancel", CallOutcome.MISSED),
        ("no answer", CallOutcome.MISSED),
        ("failed", CallOutcome.FAILED),
        ("no money", CallOutcome.FAILED),
        ("unallocated number", CallOutcome.FAILED),
        ("no money, no limit", CallOutcome.FAILED),
        (None, CallOutcome.MISSED),
    ],
)
def test_dispositions(disposition, outcome):
    assert outcome_of(disposition) is outcome


def test_call_time_is_local_to_the_organization():
    from core.telephony.events import call_time

    assert call_time(START, "Europe/Moscow") == datetime(2025, 1, 20, 11, 3, 11, tzinfo=UTC)
    assert call_time("yesterday", "Europe/Moscow") is None


def test_number_candidates():
    assert number_candidates("79001234567") == ["79001234567", "+79001234567"]
    assert number_candidates("+447700900123") == ["+447700900123"]
    assert number_candidates("101") == ["101"]
    assert number_candidates(None) == []


def test_recording_keys_are_content_addressed():
    digest = hashlib.sha256(b"audio").hexdigest()
    assert recording_key(7, digest, "MP3") == f"org/7/calls/{digest[:2]}/{digest}.mp3"
    with pytest.raises(ValueError):
        recording_key(7, "../../etc", "mp3")
