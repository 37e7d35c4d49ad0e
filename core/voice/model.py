"""A voice note and where it stands: received, transcribed, summarised into a proposal, or
left unused and why (off, over quota, restricted)."""

from __future__ import annotations

import enum
from dataclasses import dataclass


class VoiceStatus(enum.StrEnum):
    RECEIVED = "received"
    TRANSCRIBING = "transcribing"
    SUMMARISING = "summarising"
    READY = "ready"
    FAILED = "failed"
    OFF = "off"
    QUOTA = "quota"  # the plan's monthly transcription minutes are used up
    RESTRICTED = "restricted"  # the order's client restricted processing: kept, not used
    NO_SUMMARY = "no_summary"  # transcribed; AI summaries are off for the organization
    OWN_RESTRICTED = "own_restricted"  # its sender restricted processing of their own data


@dataclass(frozen=True, slots=True)
class VoiceNote:
    id: int
    organization_id: int
    order_id: int | None
    attachment_id: int | None
    user_id: int | None
    chat_id: int
    status_message_id: int | None
    status: VoiceStatus
    duration_seconds: int
    language: str
    transcript: str | None
    proposal: dict[str, object] | None
    proposal_state: str | None
