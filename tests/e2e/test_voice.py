"""Issue scenario: a Russian voice note (real OGG Opus) is transcribed by SaluteSpeech, summarised
by OpenRouter without any personal data leaving, and one tap applies "done, 3500 RUB cash"."""

import asyncio
import json
from pathlib import Path

import pytest
from pydantic import SecretStr

from tests.e2e.conftest import local_bot, make_settings
from tests.e2e.scenario import started_order, until_shown
from tests.fakes.openrouter import FakeOpenRouter
from tests.fakes.salutespeech import FakeSaluteSpeech

DATA = Path(__file__).resolve().parents[1] / "data"
SEEDED = ("Пётр", "Сидоров", "916", "123-45-67", "1234567", "Сухонская")
HEARD = (
    "Пётр Сидоров доволен, всё сделал, заменил смеситель, взял 3500 наличными. "
    "Телефон +7 916 123-45-67, адрес Москва, ул. Сухонская, д. 11."
)
PROPOSAL = {
    "work_done": "заменил смеситель",
    "materials": "смеситель",
    "amount": 3500,
    "payment_method": "cash",
    "mark_done": True,
    "next_visit": None,
    "follow_ups": "позвонить [PERSON_1] через неделю",
}


@pytest.fixture
async def voice_crm(db_url, tmp_path):
    async with (
        FakeSaluteSpeech(auth_key="salute-key") as salute,
        FakeOpenRouter("sk-or-test") as ai,
    ):
        settings = make_settings(db_url, tmp_path).model_copy(
            update={
                "salute_auth_key": SecretStr("salute-key"),
                "salute_oauth_url": salute.oauth_url,
                "salute_api_url": salute.api_url,
                "openrouter_api_key": SecretStr("sk-or-test"),
                "openrouter_base_url": ai.base_url,
                "job_retry_base_seconds": 0.1,
            }
        )
        async with local_bot(settings) as crm:
            yield crm, salute, ai


async def _worker_with_started_order(crm):
    client = ("+7 916 123-45-67", "Пётр Сидоров", "Москва, ул. Сухонская, д. 11")
    olga, ivan, _card = await started_order(crm, (961, 962), client, "Сантехника", "3500")
    return olga, ivan


async def _until(ivan, message_id, text, seconds=15.0):
    for _ in range(int(seconds / 0.05)):
        current = next(m for m in ivan.messages() if m.message_id == message_id)
        if text in current.text:
            return current
        await asyncio.sleep(0.05)
    raise AssertionError(f"status never showed {text!r}: {current.text!r}")


async def test_voice_note_to_applied_update(voice_crm):
    crm, salute, ai = voice_crm
    salute.transcript = HEARD
    salute.fail_next(503, times=2)
    ai.answer = lambda body: json.dumps(PROPOSAL)
    olga, ivan = await _worker_with_started_order(crm)
    await ivan.send_voice((DATA / "voice_ru.ogg").read_bytes(), duration=9)
    status = await ivan.reply()
    assert "Voice note on order №1" in status.text
    ready = await _until(ivan, status.message_id, "Proposed update")
    assert "3,500" in ready.text or "3 500" in ready.text
    assert "позвонить Пётр Сидоров" in ready.text, "placeholders were not restored locally"
    sent = json.dumps(ai.bodies, ensure_ascii=False)
    assert not [value for value in SEEDED if value in sent], sent
    assert len([r for r in salute.api_requests("speech:recognize")]) == 3
    await ivan.tap("✅ Apply", message=ready)
    assert "Applied" in (await ivan.callback_answer())
    manager_card = next(m for m in olga.messages() if m.text.startswith("Заказ №1 ·"))
    shown = await until_shown(olga, manager_card.message_id, "наличные")
    assert "Выполнен" in shown.text  # the manager's card follows in place


async def test_a_long_note_goes_through_the_asynchronous_flow(voice_crm):
    crm, salute, ai = voice_crm
    salute.transcript = "Длинный отчёт о работе."
    ai.answer = "this is not json"
    _olga, ivan = await _worker_with_started_order(crm)
    await ivan.send_voice((DATA / "voice_long.ogg").read_bytes(), duration=75)
    status = await ivan.reply()
    done = await _until(ivan, status.message_id, "Длинный отчёт")
    await asyncio.sleep(0.5)
    done = next(m for m in ivan.messages() if m.message_id == status.message_id)
    assert "Proposed update" not in done.text and not done.buttons
    assert salute.api_requests("data:upload") and salute.api_requests("speech:async_recognize")
    assert not salute.api_requests("speech:recognize")
