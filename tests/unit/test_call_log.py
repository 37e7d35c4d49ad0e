"""The call log's rules (what each event changes and sets in motion) and what the AI sees of
a call: known numbers masked in any spacing, names and addresses de-identified, answers checked."""

import json
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from core.changes import CallChange, given
from core.deid import restore
from core.telephony.call_ai import (
    CallSummary,
    deidentify_call,
    mask_phones,
    parse_summary,
    restore_summary,
)
from core.telephony.call_log import (
    CALL_MISSED_JOB,
    CALL_UNKNOWN_JOB,
    FETCH_RECORDING_JOB,
    changes,
    follow_ups,
)
from core.telephony.events import (
    Call,
    CallEvent,
    CallOutcome,
    Direction,
    EventKind,
    PbxAccount,
    RecordingState,
)

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
DELAY = timedelta(seconds=40)
ON = PbxAccount(1, "key", True, NOW, True, {"101": 5})
OFF = PbxAccount(1, "key")


def call(**fields) -> Call:
    base = Call(
        id=9,
        organization_id=1,
        pbx_call_id="in_1",
        direction=Direction.INCOMING,
        caller="79001234567",
        callee="74951234567",
        client_phone="+79001234567",
        client_id=None,
        internal=None,
        answered_by=None,
        started_at=NOW,
        answered_at=None,
        ended_at=None,
        duration=None,
        outcome=None,
        recording_ref=None,
        recording_key=None,
        recording_mime=None,
        recording_state=RecordingState.NONE,
    )
    return replace(base, **fields)


def event(kind: EventKind, **fields) -> CallEvent:
    base = CallEvent(kind, "in_1", "2026-03-02 12:00:00", "79001234567", "74951234567", None)
    return replace(base, **fields)


def end(disposition="answered", recorded=False) -> CallEvent:
    ref = "1.2" if recorded else None
    return event(
        EventKind.END,
        internal="101",
        duration=95,
        disposition=disposition,
        recorded=recorded,
        recording_ref=ref,
    )


def apply(before: Call, happened: CallEvent, account: PbxAccount) -> Call:
    return replace(before, **given(changes(before, happened, account, NOW)))


def kinds(after: Call, happened: CallEvent, account=ON, transcribe=True) -> list[str]:
    return [f.kind for f in follow_ups(after, happened, account, NOW, DELAY, transcribe)]


def test_an_answer_names_the_member_on_the_extension():
    after = apply(call(), event(EventKind.ANSWER, internal="101"), ON)
    assert after.answered_by == 5 and after.answered_at == NOW and after.internal == "101"


def test_a_missed_call_alerts_and_fetches_nothing():
    after = apply(call(), end("no answer"), ON)
    assert after.outcome is CallOutcome.MISSED and after.missed
    assert kinds(after, end("no answer")) == [CALL_MISSED_JOB]


def test_a_busy_incoming_call_is_missed_for_the_caller():
    after = apply(call(client_id=3), end("busy"), ON)
    assert after.missed and kinds(after, end("busy")) == [CALL_MISSED_JOB]


def test_an_answered_recorded_call_is_fetched_after_a_delay_then_at_once_when_ready():
    happened = end(recorded=True)
    after = apply(call(client_id=3), happened, ON)
    assert after.recording_state is RecordingState.PENDING and after.recording_ref == "1.2"
    jobs = follow_ups(after, happened, ON, NOW, DELAY, True)
    assert [(j.kind, j.run_at) for j in jobs] == [(FETCH_RECORDING_JOB, NOW + DELAY)]
    ready = event(EventKind.RECORD, recorded=True, recording_ref="1.2")
    assert changes(after, ready, ON, NOW) == CallChange(), "a fetch on its way is left alone"
    now_jobs = follow_ups(after, ready, ON, NOW, DELAY, True)
    assert [(j.kind, j.run_at) for j in now_jobs] == [(FETCH_RECORDING_JOB, NOW)]
    assert now_jobs[0].dedup_key != jobs[0].dedup_key


def test_recording_switched_off_keeps_the_reference_only():
    happened = end(recorded=True)
    after = apply(call(client_id=3), happened, OFF)
    assert after.recording_state is RecordingState.OFF and after.recording_ref == "1.2"
    assert kinds(after, happened, OFF) == []


def test_recording_on_without_the_owners_confirmation_stays_off():
    unconfirmed = replace(ON, recording_confirmed_at=None)
    assert apply(call(), end(recorded=True), unconfirmed).recording_state is RecordingState.OFF


def test_an_answered_unknown_number_asks_new_client_unless_a_summary_comes():
    plain = apply(call(), end(), ON)
    assert kinds(plain, end()) == [CALL_UNKNOWN_JOB]
    recorded = apply(call(), end(recorded=True), ON)
    assert kinds(recorded, end(recorded=True)) == [FETCH_RECORDING_JOB]
    assert kinds(recorded, end(recorded=True), transcribe=False) == [
        CALL_UNKNOWN_JOB,
        FETCH_RECORDING_JOB,
    ]


def test_outgoing_calls_alert_nobody():
    out_end = event(EventKind.OUT_END, internal="101", duration=10, disposition="no answer")
    after = apply(call(direction=Direction.OUTGOING), out_end, ON)
    assert not after.missed and kinds(after, out_end) == []


SUMMARY = {
    "summary": "[PERSON_1] просит заменить смеситель.",
    "request": "замена смесителя",
    "address": "[ADDRESS_1]",
    "when": "завтра после 18:00",
    "follow_up": "перезвонить на [PHONE_1]",
}


def test_a_summary_is_parsed_and_restored():
    parsed = parse_summary("```json\n" + json.dumps(SUMMARY, ensure_ascii=False) + "\n```")
    assert parsed is not None and parsed.when == "завтра после 18:00"
    mapping = {"[PERSON_1]": "Пётр", "[ADDRESS_1]": "ул. Сухонская, 11", "[PHONE_1]": "+7916"}
    back = restore_summary(parsed, lambda text: restore(text, mapping))
    assert back.summary.startswith("Пётр") and back.address == "ул. Сухонская, 11"
    assert CallSummary.from_dict(back.as_dict()) == back


@pytest.mark.parametrize(
    "answer",
    [
        "not json",
        "[1, 2]",
        json.dumps({**SUMMARY, "summary": ""}),
        json.dumps({k: v for k, v in SUMMARY.items() if k != "when"}),
        json.dumps({**SUMMARY, "request": 5}),
    ],
)
def test_a_wrong_answer_is_rejected(answer):
    assert parse_summary(answer) is None


@pytest.mark.parametrize(
    "spoken",
    [
        "+7 916 123-45-67",
        "8 (916) 123 45 67",
        "9161234567",
        "916-123-4567",
        "плюс 7 9 1 6 1 2 3 4 5 6 7",
    ],
)
def test_known_numbers_are_masked_however_spoken(spoken):
    masked = mask_phones(f"звоните {spoken}, спасибо", ["+79161234567"])
    if spoken.startswith("плюс"):
        assert "1234567" not in masked.text.replace(" ", "")
    else:
        assert masked.text == "звоните [PHONE_1], спасибо"
        assert masked.mapping == {"[PHONE_1]": "+79161234567"}


def test_a_call_transcript_leaves_no_personal_data():
    text = (
        "Здравствуйте, это Пётр Сидоров, мой номер 916 123 45 67. Нужно заменить смеситель "
        "по адресу Москва, ул. Сухонская, д. 11, кв. 5. Передайте Ольге."
    )
    redacted = deidentify_call(
        text, ["Пётр Сидоров", "Ольга"], ["Москва, ул. Сухонская, д. 11"], ["+79161234567"]
    )
    for value in ("Пётр", "Сидоров", "916", "45 67", "Сухонская", "Ольг"):
        assert value not in redacted.text, redacted.text
    assert "смеситель" in redacted.text
    assert restore(redacted.text, redacted.mapping).count("+79161234567") == 1
