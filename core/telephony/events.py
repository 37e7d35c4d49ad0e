"""Zadarma PBX call notifications as the core sees them (docs/protocols.md, Zadarma): the
signature check, whose signed string differs per event, parsing into a typed `CallEvent`, the
disposition's outcome, the call's direction, and the call log's records. Pure functions."""

from __future__ import annotations

import base64
import enum
import hashlib
import hmac
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

FIELD_MAX = 64
TIME_FORMAT = "%Y-%m-%d %H:%M:%S"


class EventKind(enum.StrEnum):
    START = "NOTIFY_START"
    INTERNAL = "NOTIFY_INTERNAL"
    ANSWER = "NOTIFY_ANSWER"
    END = "NOTIFY_END"
    OUT_START = "NOTIFY_OUT_START"
    OUT_END = "NOTIFY_OUT_END"
    RECORD = "NOTIFY_RECORD"


_INCOMING = ("caller_id", "called_did", "call_start")
_OUTGOING = ("internal", "destination", "call_start")
SIGNED_FIELDS: dict[EventKind, tuple[str, ...]] = {
    EventKind.START: _INCOMING,
    EventKind.INTERNAL: _INCOMING,
    EventKind.ANSWER: ("caller_id", "destination", "call_start"),
    EventKind.END: _INCOMING,
    EventKind.OUT_START: _OUTGOING,
    EventKind.OUT_END: _OUTGOING,
    EventKind.RECORD: ("pbx_call_id", "call_id_with_rec"),
}


class Direction(enum.StrEnum):
    INCOMING = "in"
    OUTGOING = "out"


class CallOutcome(enum.StrEnum):
    ANSWERED = "answered"
    MISSED = "missed"
    BUSY = "busy"
    FAILED = "failed"


class RecordingState(enum.StrEnum):
    NONE = "none"  # the PBX did not record the call
    OFF = "off"  # recorded by the PBX, but the organization has not switched recording on
    PENDING = "pending"
    STORED = "stored"
    SUMMARISING = "summarising"
    READY = "ready"
    FAILED = "failed"


def zadarma_signature(secret: str, message: str) -> str:
    """Base64 of the lowercase hex HMAC-SHA1 digest (the text, not the raw bytes): the quirk
    shared by webhook signatures and API authorization."""
    digest = hmac.new(secret.encode(), message.encode(), hashlib.sha1).hexdigest()
    return base64.b64encode(digest.encode()).decode()


def event_kind(fields: Mapping[str, str]) -> EventKind | None:
    try:
        return EventKind(fields.get("event", ""))
    except ValueError:
        return None


def signed_string(kind: EventKind, fields: Mapping[str, str]) -> str:
    return "".join(fields.get(name, "") for name in SIGNED_FIELDS[kind])


def verify(secret: str | None, fields: Mapping[str, str], signature: str | None) -> bool:
    """Whether `signature` is what the PBX computes for these fields with this secret."""
    kind = event_kind(fields)
    if kind is None or not secret or not signature:
        return False
    expected = zadarma_signature(secret, signed_string(kind, fields))
    return hmac.compare_digest(expected.encode(), signature.strip().encode())


def outcome_of(disposition: str | None) -> CallOutcome:
    """`answered`, `busy`; a caller who gave up or was not picked up is missed; the rest
    (no money, limits, unallocated numbers) failed."""
    value = (disposition or "").strip().lower()
    if value == "answered":
        return CallOutcome.ANSWERED
    if value == "busy":
        return CallOutcome.BUSY
    if value in ("cancel", "no answer", ""):
        return CallOutcome.MISSED
    return CallOutcome.FAILED


@dataclass(frozen=True, slots=True)
class CallEvent:
    """One notification. `caller`/`callee` are numbers as the PBX sent them."""

    kind: EventKind
    pbx_call_id: str
    call_start: str
    caller: str | None
    callee: str | None
    internal: str | None
    duration: int | None = None
    disposition: str | None = None
    recorded: bool = False
    recording_ref: str | None = None

    @property
    def direction(self) -> Direction:
        outgoing = self.kind in (EventKind.OUT_START, EventKind.OUT_END)
        return Direction.OUTGOING if outgoing else Direction.INCOMING

    @property
    def external(self) -> str | None:
        """The other party's number: the caller of an incoming call, the callee of ours."""
        return self.callee if self.direction is Direction.OUTGOING else self.caller

    @property
    def ends(self) -> bool:
        return self.kind in (EventKind.END, EventKind.OUT_END)

    @property
    def outcome(self) -> CallOutcome | None:
        return outcome_of(self.disposition) if self.ends else None

    @property
    def dedup_key(self) -> str:
        """Redeliveries share it: one call rings several extensions, and may be recorded
        more than once, so those events carry the extension or the recording id too."""
        extra = ""
        if self.kind is EventKind.INTERNAL:
            extra = f":{self.internal or ''}"
        elif self.kind is EventKind.RECORD:
            extra = f":{self.recording_ref or ''}"
        return f"{self.kind.value}:{self.pbx_call_id}{extra}"


def parse_event(fields: Mapping[str, str]) -> CallEvent:
    """The event, or ValueError when it is not one we understand."""
    kind = event_kind(fields)
    if kind is None:
        raise ValueError("unknown event")
    values = {k: _value(fields, k) for k in _NAMES}
    if not values["pbx_call_id"]:
        raise ValueError("pbx_call_id missing")
    outgoing = kind in (EventKind.OUT_START, EventKind.OUT_END)
    caller = values["caller_id"] or (values["internal"] if outgoing else None)
    callee = values["destination"] if kind in _TO_DESTINATION else values["called_did"]
    duration = values["duration"]
    return CallEvent(
        kind=kind,
        pbx_call_id=values["pbx_call_id"] or "",
        call_start=values["call_start"] or "",
        caller=caller,
        callee=callee,
        internal=values["internal"],
        duration=int(duration) if duration and duration.isdigit() else None,
        disposition=values["disposition"],
        recorded=values["is_recorded"] == "1" or kind is EventKind.RECORD,
        recording_ref=values["call_id_with_rec"],
    )


_NAMES = (
    "pbx_call_id",
    "call_start",
    "caller_id",
    "called_did",
    "destination",
    "internal",
    "duration",
    "disposition",
    "is_recorded",
    "call_id_with_rec",
)
_TO_DESTINATION = frozenset({EventKind.ANSWER, EventKind.OUT_START, EventKind.OUT_END})


def _value(fields: Mapping[str, str], name: str) -> str | None:
    value = (fields.get(name) or "").strip()
    if len(value) > FIELD_MAX:
        raise ValueError(f"{name} too long")
    return value or None


def call_time(text: str, zone: str) -> datetime | None:
    """`2025-01-20 14:03:11`, the PBX's local time, in UTC; None when unreadable."""
    try:
        local = datetime.strptime(text.strip(), TIME_FORMAT)
    except ValueError:
        return None
    return local.replace(tzinfo=ZoneInfo(zone)).astimezone(UTC)


def number_candidates(raw: str | None) -> list[str]:
    """What to hand the phone normalizer: as sent (`79161234567` reads as national in
    Russia), then with a `+` for an international number from another country."""
    if not raw:
        return []
    digits = raw.lstrip("+")
    candidates = [raw]
    if digits.isdigit() and len(digits) >= 11 and not raw.startswith("+"):
        candidates.append("+" + digits)
    return candidates


def recording_key(org_id: int, sha256_hex: str, extension: str) -> str:
    """`org/12/calls/ab/ab…ef.mp3`: content-addressed, so a repeated fetch stores one object."""
    if org_id <= 0 or len(sha256_hex) != 64 or not extension.isalnum():
        raise ValueError("bad recording key parts")
    return f"org/{org_id}/calls/{sha256_hex[:2]}/{sha256_hex}.{extension.lower()}"


@dataclass(frozen=True, slots=True)
class PbxAccount:
    """An organization's PBX link: the public key in its webhook URL and its switches."""

    organization_id: int
    org_key: str
    recording_enabled: bool = False
    recording_confirmed_at: datetime | None = None
    transcription_enabled: bool = False
    extensions: dict[str, int] = field(default_factory=dict)  # extension -> user id


@dataclass(frozen=True, slots=True)
class PbxCredentials:
    api_key: str
    api_secret: str = field(repr=False)


@dataclass(frozen=True, slots=True)
class Call:
    id: int
    organization_id: int
    pbx_call_id: str
    direction: Direction
    caller: str | None
    callee: str | None
    client_phone: str | None
    client_id: int | None
    internal: str | None
    answered_by: int | None
    started_at: datetime
    answered_at: datetime | None
    ended_at: datetime | None
    duration: int | None
    outcome: CallOutcome | None
    recording_ref: str | None
    recording_key: str | None
    recording_mime: str | None
    recording_state: RecordingState
    transcript: str | None = None
    summary: dict[str, object] | None = None
    callback_by: int | None = None
    order_id: int | None = None
    alerts: tuple[tuple[int, int, int], ...] = ()  # (user id, chat id, message id)

    @property
    def missed(self) -> bool:
        """An incoming call nobody answered: someone should call back."""
        incoming = self.direction is Direction.INCOMING
        return incoming and self.outcome is not None and self.outcome is not CallOutcome.ANSWERED
