"""The call log's rules: what each PBX event changes on a call, and what it sets in motion
(alerts to managers, the recording pipeline). Pure functions of the call, the event, the
organization's PBX account and `now`."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from core.changes import CallChange
from core.telephony.events import (
    Call,
    CallEvent,
    CallOutcome,
    Direction,
    EventKind,
    PbxAccount,
    RecordingState,
)

FETCH_RECORDING_JOB = "fetch_recording"
TRANSCRIBE_CALL_JOB = "transcribe_call"
SUMMARIZE_CALL_JOB = "summarize_call"
CALL_MISSED_JOB = "call_missed"
CALL_UNKNOWN_JOB = "call_unknown"
CALL_SUMMARY_JOB = "call_summary"
RECORDING_JOBS = (FETCH_RECORDING_JOB, TRANSCRIBE_CALL_JOB, SUMMARIZE_CALL_JOB)
# The recording is fetched once it is there: unrecorded, switched off or failed calls may be
# given a recording by a later event; one already on its way is left alone.
_NOT_STARTED = frozenset({RecordingState.NONE, RecordingState.OFF})


@dataclass(frozen=True, slots=True)
class FollowUp:
    """A job the event calls for, enqueued in the same transaction as the change."""

    kind: str
    run_at: datetime
    dedup_key: str


def changes(call: Call, event: CallEvent, account: PbxAccount, now: datetime) -> CallChange:
    """The fields of `call` this event sets."""
    change = CallChange()
    member = account.extensions.get(event.internal or "")
    if event.internal and event.kind is not EventKind.START:
        change = replace(change, internal=event.internal)
    if event.kind is EventKind.ANSWER:
        change = replace(change, answered_at=now, answered_by=member)
    elif event.kind is EventKind.OUT_START and member is not None:
        change = replace(change, answered_by=member)
    elif event.ends:
        change = replace(change, ended_at=now, duration=event.duration, outcome=event.outcome)
        if event.outcome is CallOutcome.ANSWERED and call.answered_by is None and member:
            change = replace(change, answered_by=member)
    if event.recorded and event.recording_ref and call.recording_state in _NOT_STARTED:
        enabled = account.recording_enabled and account.recording_confirmed_at is not None
        state = RecordingState.PENDING if enabled else RecordingState.OFF
        change = replace(change, recording_ref=event.recording_ref, recording_state=state)
    return change


def follow_ups(
    call: Call,
    event: CallEvent,
    account: PbxAccount,
    now: datetime,
    recording_delay: timedelta,
    can_transcribe: bool,
) -> list[FollowUp]:
    """Jobs for `call` as it is after the event: alerts when it ends, the recording's fetch
    (about 40 s after the end, or at once when the PBX says the recording is ready)."""
    found: list[FollowUp] = []
    summary_coming = summarised(call, account, can_transcribe)
    if event.ends and call.missed:
        found.append(FollowUp(CALL_MISSED_JOB, now, f"{CALL_MISSED_JOB}:{call.id}"))
    elif event.ends and is_unknown_answered(call) and not summary_coming:
        found.append(FollowUp(CALL_UNKNOWN_JOB, now, f"{CALL_UNKNOWN_JOB}:{call.id}"))
    if call.recording_state is RecordingState.PENDING:
        if event.kind is EventKind.RECORD:
            key = f"{FETCH_RECORDING_JOB}:{call.id}:{event.recording_ref}"
            found.append(FollowUp(FETCH_RECORDING_JOB, now, key))
        elif event.ends:
            key = f"{FETCH_RECORDING_JOB}:{call.id}"
            found.append(FollowUp(FETCH_RECORDING_JOB, now + recording_delay, key))
    return found


def summarised(call: Call, account: PbxAccount, can_transcribe: bool) -> bool:
    """Whether the call's recording is on its way to a transcript and a summary."""
    return (
        call.recording_state is RecordingState.PENDING
        and account.transcription_enabled
        and can_transcribe
    )


def is_unknown_answered(call: Call) -> bool:
    """An answered incoming call from a number no client card has: a new client?"""
    return (
        call.direction is Direction.INCOMING
        and call.outcome is CallOutcome.ANSWERED
        and call.client_id is None
        and call.client_phone is not None
    )
