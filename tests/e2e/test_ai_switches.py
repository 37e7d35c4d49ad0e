"""Issue 25, item 5: an owner switches each AI provider off for the organization separately
in /settings (speech recognition: SaluteSpeech, AI summaries: OpenRouter, reading forwarded
requests: YandexGPT), on the real bot with the three peers running. Each switch stops the
calls to its own peer (counted at the peer) while the other two keep working, and the person
who expected the result is told that the step is off, in their language."""

import asyncio
import json
from pathlib import Path

import pytest
from pydantic import SecretStr

from tests.e2e.conftest import local_bot, make_settings
from tests.e2e.scenario import started_order
from tests.fakes.openrouter import FakeOpenRouter
from tests.fakes.salutespeech import FakeSaluteSpeech
from tests.fakes.yandexgpt import FakeYandexGpt

OGG = (Path(__file__).resolve().parents[1] / "data" / "voice_ru.ogg").read_bytes()
PROPOSAL = {
    "work_done": "заменил смеситель", "materials": "смеситель", "amount": 3500,
    "payment_method": "cash", "mark_done": True, "next_visit": None, "follow_ups": "",
}  # fmt: skip
DRAFT = {"client_name": None, "phone": None, "address": None, "service": "уборка",
         "date": None, "time": None, "price": None, "description": "уборка"}  # fmt: skip
SPEECH = "🎙 Распознавание речи (SaluteSpeech)"
SUMMARIES = "🧠 ИИ-сводки (OpenRouter)"
INBOX = "📨 ИИ-разбор пересланных заявок (YandexGPT)"


@pytest.fixture
async def ai_crm(db_url, tmp_path):
    async with (
        FakeSaluteSpeech(auth_key="salute-key") as salute,
        FakeOpenRouter("sk-or-test") as router,
        FakeYandexGpt(folder_id="b1gfolder", api_key="yc-key", iam_token=None) as gpt,
    ):
        settings = make_settings(db_url, tmp_path).model_copy(
            update={
                "salute_auth_key": SecretStr("salute-key"),
                "salute_oauth_url": salute.oauth_url,
                "salute_api_url": salute.api_url,
                "openrouter_api_key": SecretStr("sk-or-test"),
                "openrouter_base_url": router.base_url,
                "yandex_cloud_api_key": SecretStr("yc-key"),
                "yandex_cloud_folder_id": "b1gfolder",
                "yandexgpt_endpoint": gpt.endpoint,
                "yandexgpt_insecure": True,
                "job_retry_base_seconds": 0.1,
            }
        )
        salute.transcript = "Заменил смеситель, взял 3500 наличными."
        router.answer = lambda body: json.dumps(PROPOSAL, ensure_ascii=False)
        gpt.answer = lambda request: json.dumps(DRAFT, ensure_ascii=False)
        async with local_bot(settings) as crm:
            yield crm, salute, router, gpt


async def _switch(owner, label: str) -> str:
    await owner.send("/settings")
    shown = await owner.reply()
    await owner.tap(label, message=shown)
    return (await owner.reply()).text


async def _voice(worker, needle: str, seconds: float = 15.0) -> str:
    await worker.send_voice(OGG, duration=9)
    status = await worker.reply()
    for _ in range(int(seconds / 0.05)):
        current = next(m for m in worker.messages() if m.message_id == status.message_id)
        if needle in current.text:
            return current.text
        await asyncio.sleep(0.05)
    raise AssertionError(f"never showed {needle!r}: {current.text!r}")


async def _forward(owner) -> str:
    await owner.forward("Нужна уборка квартиры, бюджет 6000", "Анна")
    text = (await owner.reply()).text
    await owner.send("/cancel")
    await owner.reply()
    return text


def _recognized(salute) -> int:
    return len(salute.api_requests("speech:recognize"))


async def test_each_ai_switch_stops_its_own_peer_only(ai_crm):
    crm, salute, router, gpt = ai_crm
    client = ("+7 916 123-45-67", "Пётр Сидоров", "Москва, ул. Сухонская, д. 11")
    olga, ivan, _card = await started_order(crm, (981, 982), client, "Сантехника", "3500")

    # AI summaries off: transcribed, no OpenRouter call, the worker told; the inbox reads.
    said = await _switch(olga, f"Выключить: {SUMMARIES}")
    assert "выключено для вашей организации" in said
    text = await _voice(ivan, "AI summaries are off for your organization")
    assert "Заменил смеситель" in text and "Proposed update" not in text
    assert (_recognized(salute), len(router.bodies), len(gpt.requests)) == (1, 0, 0)
    await _forward(olga)
    assert len(gpt.requests) == 1

    # Speech recognition off (summaries back on): kept as a file, no SaluteSpeech call.
    await _switch(olga, f"Включить: {SUMMARIES}")
    await _switch(olga, f"Выключить: {SPEECH}")
    text = await _voice(ivan, "Transcription is off for your organization")
    assert "Saved to order №1" in text
    await _forward(olga)
    assert (_recognized(salute), len(router.bodies), len(gpt.requests)) == (1, 0, 2)

    # Reading forwarded requests off (speech back on): no YandexGPT call, said in Russian;
    # voice notes are transcribed and summarised again.
    await _switch(olga, f"Включить: {SPEECH}")
    await _switch(olga, f"Выключить: {INBOX}")
    first = await _forward(olga)
    assert "ИИ-разбор пересланных заявок выключен для вашей организации" in first
    assert len(gpt.requests) == 2
    await _voice(ivan, "Proposed update")
    assert (_recognized(salute), len(router.bodies), len(gpt.requests)) == (2, 1, 2)
