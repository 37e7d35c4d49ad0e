"""Renderers of calls: alerts for known and unknown callers, summaries, list lines, escaping."""

from dataclasses import replace
from datetime import UTC, datetime

from core.domain import Client, Organization, User
from core.telephony.events import Call, CallOutcome, Direction, RecordingState
from core.views import CallView
from handlers.i18n import Catalogs
from handlers.telephony.render import (
    call_line,
    duration,
    missed_keyboard,
    missed_text,
    summary_keyboard,
    summary_text,
)

T = Catalogs().get("ru")
EN = Catalogs().get("en")
ORG = Organization(1, "Чистый дом", "Europe/Moscow", "RUB", "ru", "RU")
AT = datetime(2026, 3, 2, 9, 5, tzinfo=UTC)
CLIENT = Client(3, 1, "Пётр <Сидоров>", ("+79161234567",), "ул. Сухонская, 11", None, AT)
MAX = User(5, 500, "Max", None, None, "en", "en", 1, AT, AT, "2025-01")
CALL = Call(
    id=9,
    organization_id=1,
    pbx_call_id="in_1",
    direction=Direction.INCOMING,
    caller="79161234567",
    callee="74951234567",
    client_phone="+79161234567",
    client_id=3,
    internal="101",
    answered_by=None,
    started_at=AT,
    answered_at=None,
    ended_at=AT,
    duration=0,
    outcome=CallOutcome.MISSED,
    recording_ref=None,
    recording_key=None,
    recording_mime=None,
    recording_state=RecordingState.NONE,
)


def labels(markup) -> list[str]:
    return [b.text for row in markup.inline_keyboard for b in row]


def data(markup) -> list[str]:
    return [b.callback_data for row in markup.inline_keyboard for b in row]


def test_a_known_clients_missed_call_offers_a_call_back_and_the_card():
    view = CallView(CALL, ORG, CLIENT, None)
    text = missed_text(T, view)
    assert "Пётр &lt;Сидоров&gt;" in text and "+7 916 123-45-67" in text and "12:05" in text
    assert data(missed_keyboard(T, view)) == ["clb:9", "c:3"]


def test_an_unknown_numbers_missed_call_offers_an_order():
    view = CallView(replace(CALL, client_id=None), ORG, None, None)
    assert "незнакомого номера" in missed_text(T, view)
    assert data(missed_keyboard(T, view)) == ["clo:9", "clb:9"]


def test_a_taken_call_back_is_shown_and_its_button_gone():
    view = CallView(replace(CALL, callback_by=5), ORG, CLIENT, None, MAX)
    assert "Max перезванивает" in missed_text(T, view)
    assert data(missed_keyboard(T, view)) == ["c:3"]


def test_a_summary_with_its_buttons():
    summary = {
        "summary": "Просит заменить <смеситель>.",
        "request": "замена",
        "address": None,
        "when": "завтра",
        "follow_up": "",
    }
    answered = replace(CALL, outcome=CallOutcome.ANSWERED, duration=95, summary=summary)
    view = CallView(answered, ORG, CLIENT, MAX)
    text = summary_text(EN, view)
    assert "1:35" in text and "Answered by Max" in text and "&lt;смеситель&gt;" in text
    assert "When: завтра" in text and "Where" not in text and "Next" not in text
    assert data(summary_keyboard(EN, view)) == ["clo:9", "cla:9"]
    unknown = CallView(replace(answered, client_id=None), ORG, None, None)
    assert labels(summary_keyboard(EN, unknown)) == ["➕ Create order", "👤 New client"]


def test_a_summary_without_a_model_shows_the_transcript_or_the_failure():
    heard = replace(CALL, outcome=CallOutcome.ANSWERED, transcript="Алло <тест>")
    assert "<blockquote expandable>Алло &lt;тест&gt;</blockquote>" in summary_text(
        EN, CallView(heard, ORG, CLIENT, None)
    )
    failed = replace(heard, transcript=None, recording_state=RecordingState.FAILED)
    assert "could not transcribe" in summary_text(EN, CallView(failed, ORG, CLIENT, None))


def test_list_lines_and_durations():
    answered = replace(CALL, outcome=CallOutcome.ANSWERED, duration=95, recording_key="k")
    line = call_line(EN, CallView(answered, ORG, CLIENT, MAX))
    assert line.startswith("12:05 ↙️ ✅") and "1:35" in line and "Max" in line
    assert line.endswith("🎙")
    hidden = replace(CALL, client_id=None, client_phone=None)
    assert "a hidden number (unknown)" in call_line(EN, CallView(hidden, ORG, None, None))
    assert [duration(s) for s in (None, 5, 95, 3700)] == ["0:00", "0:05", "1:35", "1:01:40"]
