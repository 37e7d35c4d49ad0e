"""Typed payloads of the repositories' writes: what a new row holds, and what a change sets.

A change names only the columns it sets; every other field stays `KEEP` and the row keeps its
value (None is a value: it clears a nullable column). The repository maps a payload to its
columns with `given`, so a misspelt or mistyped column is a type error in the caller."""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass, fields
from datetime import datetime
from typing import TYPE_CHECKING, Final, TypeVar

from core.domain import OrderStatus, OrgStatus, PaymentMethod, Role, VoiceStatus
from core.telephony.events import CallOutcome, Direction, RecordingState

if TYPE_CHECKING:
    from _typeshed import DataclassInstance


class Keep(enum.Enum):
    KEEP = "keep"


KEEP: Final = Keep.KEEP
T = TypeVar("T")


def kept(value: T | Keep, current: T) -> T:
    """A change's value for a field, or the current one when the change keeps it."""
    return current if isinstance(value, Keep) else value


def given(payload: DataclassInstance) -> dict[str, object]:
    """The payload's fields by name, less those left at `KEEP`."""
    found = {f.name: getattr(payload, f.name) for f in fields(payload)}
    return {name: value for name, value in found.items() if value is not KEEP}


@dataclass(frozen=True, slots=True, kw_only=True)
class UserChange:
    first_name: str | Keep = KEEP
    last_name: str | Keep | None = KEEP
    username: str | Keep | None = KEEP
    telegram_language: str | Keep | None = KEEP
    language: str | Keep | None = KEEP
    active_org_id: int | Keep | None = KEEP
    age_confirmed_at: datetime | Keep | None = KEEP
    consent_at: datetime | Keep | None = KEEP
    consent_version: str | Keep | None = KEEP
    unreachable_at: datetime | Keep | None = KEEP
    phone: str | Keep | None = KEEP  # corrected by the person (docs/data-rights.md)
    name_set_at: datetime | Keep | None = KEEP
    restricted_at: datetime | Keep | None = KEEP  # restriction of their own processing


@dataclass(frozen=True, slots=True, kw_only=True)
class OrgChange:
    name: str | Keep = KEEP
    timezone: str | Keep = KEEP
    currency: str | Keep = KEEP
    language: str | Keep = KEEP
    status: OrgStatus | Keep = KEEP
    deleted_at: datetime | Keep | None = KEEP
    deactivated_at: datetime | Keep | None = KEEP
    photos_required: int | Keep = KEEP
    contact_grace_hours: int | Keep = KEEP
    ai_speech: bool | Keep = KEEP  # the AI switches (core/team/ai_switches.py)
    ai_summaries: bool | Keep = KEEP
    ai_inbox: bool | Keep = KEEP
    updated_at: datetime | Keep = KEEP


@dataclass(frozen=True, slots=True, kw_only=True)
class MembershipChange:
    role: Role | Keep = KEEP
    active: bool | Keep = KEEP
    deactivated_at: datetime | Keep | None = KEEP


@dataclass(frozen=True, slots=True, kw_only=True)
class ClientChange:
    """`phones` replaces the card's numbers (first is main); the search text follows."""

    name: str | Keep = KEEP
    phones: tuple[str, ...] | Keep = KEEP
    address: str | Keep | None = KEEP
    notes: str | Keep | None = KEEP
    restricted_at: datetime | Keep | None = KEEP  # restriction of processing (data rights)
    restriction_note: str | Keep | None = KEEP
    objected_at: datetime | Keep | None = KEEP  # objection to automated processing


@dataclass(frozen=True, slots=True, kw_only=True)
class NewOrder:
    created_by: int
    client_id: int | None
    address: str | None = None
    latitude: float | None = None
    longitude: float | None = None
    category_id: int | None = None
    scheduled_at: datetime | None = None
    price_minor: int | None = None
    description: str | None = None
    series_id: int | None = None  # a visit of a series, and its occurrence (local time key)
    occurrence: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class OrderUpdate:
    """The columns one action or edit of an order writes (`OrderRepository.change`)."""

    status: OrderStatus | Keep = KEEP
    assignee_id: int | Keep | None = KEEP
    offered_at: datetime | Keep | None = KEEP
    started_at: datetime | Keep | None = KEEP
    done_at: datetime | Keep | None = KEEP
    cancelled_at: datetime | Keep | None = KEEP
    settled_at: datetime | Keep | None = KEEP
    scheduled_at: datetime | Keep | None = KEEP
    paid_minor: int | Keep = KEEP
    payment_method: PaymentMethod | Keep | None = KEEP
    price_minor: int | Keep | None = KEEP
    address: str | Keep | None = KEEP
    latitude: float | Keep | None = KEEP
    longitude: float | Keep | None = KEEP
    category_id: int | Keep | None = KEEP
    description: str | Keep | None = KEEP
    line_count: int | Keep = KEEP
    approval_minor: int | Keep | None = KEEP
    approval_declined_at: datetime | Keep | None = KEEP


@dataclass(frozen=True, slots=True, kw_only=True)
class NewAttachment:
    order_id: int
    kind: str
    storage_key: str
    sha256: str
    size: int
    mime: str
    created_by: int
    file_name: str | None = None
    telegram_file_id: str | None = None
    telegram_file_bot: int = 0
    caption: str | None = None
    media_group_id: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class NewVoiceNote:
    order_id: int
    user_id: int
    chat_id: int
    status: VoiceStatus
    attachment_id: int | None = None
    duration_seconds: int = 0
    language: str = "ru"
    transcript: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class VoiceNoteChange:
    status: VoiceStatus | Keep = KEEP
    status_message_id: int | Keep = KEEP
    transcript: str | Keep = KEEP
    proposal: Mapping[str, object] | Keep | None = KEEP
    proposal_state: str | Keep = KEEP


@dataclass(frozen=True, slots=True, kw_only=True)
class SubscriptionChange:
    plan: str | Keep = KEEP
    status: str | Keep = KEEP
    current_period_start: datetime | Keep | None = KEEP
    current_period_end: datetime | Keep | None = KEEP
    anchor: datetime | Keep | None = KEEP


@dataclass(frozen=True, slots=True, kw_only=True)
class NewPayment:
    order_id: str  # ours, sent to the bank
    amount: int
    status: str
    plan: str
    months: int
    created_by: int


@dataclass(frozen=True, slots=True, kw_only=True)
class PaymentChange:
    status: str | Keep = KEEP
    payment_id: str | Keep = KEEP  # the bank's
    payment_url: str | Keep = KEEP
    raw: Mapping[str, object] | Keep = KEEP


@dataclass(frozen=True, slots=True, kw_only=True)
class PbxAccountChange:
    """`org_key` is given when the account is created."""

    org_key: str | Keep = KEEP
    api_key: str | Keep | None = KEEP
    api_secret: str | Keep | None = KEEP
    recording_enabled: bool | Keep = KEEP
    recording_confirmed_at: datetime | Keep | None = KEEP
    recording_confirmed_by: int | Keep | None = KEEP
    transcription_enabled: bool | Keep = KEEP
    extensions: Mapping[str, int] | Keep = KEEP


@dataclass(frozen=True, slots=True, kw_only=True)
class NewCall:
    direction: Direction
    started_at: datetime
    caller: str | None = None
    callee: str | None = None
    client_phone: str | None = None
    client_id: int | None = None
    recording_state: RecordingState = RecordingState.NONE


@dataclass(frozen=True, slots=True, kw_only=True)
class CallChange:
    internal: str | Keep = KEEP
    answered_at: datetime | Keep = KEEP
    answered_by: int | Keep | None = KEEP
    ended_at: datetime | Keep = KEEP
    duration: int | Keep | None = KEEP
    outcome: CallOutcome | Keep | None = KEEP
    recording_ref: str | Keep = KEEP
    recording_state: RecordingState | Keep = KEEP
    recording_key: str | Keep = KEEP
    recording_mime: str | Keep = KEEP
    transcript: str | Keep = KEEP
    summary: Mapping[str, object] | Keep | None = KEEP
    order_id: int | Keep = KEEP
    alerts: tuple[tuple[int, int, int], ...] | Keep = KEEP
