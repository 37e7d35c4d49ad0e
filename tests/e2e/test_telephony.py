"""Issue scenario: the PBX fake posts signed call events to the real webhook while the real bot
runs against the emulator. An unknown number's missed call alerts the managers and offers an
order; a known client's answered call is recorded, transcribed by SaluteSpeech (the
asynchronous route) and summarised by OpenRouter with no personal data leaving; one tap turns
the summary into an order. A forged event changes nothing; a redelivered one is kept once."""

import json
import re
from pathlib import Path

import pytest
from pydantic import SecretStr
from sqlalchemy import text
from starlette.applications import Starlette

from bot.pbx import pbx_routes
from storage.db import create_engine
from tests.e2e.conftest import e2e_clock, local_bot, make_settings
from tests.e2e.scenario import create_org, invite_link, onboard
from tests.fakes.openrouter import FakeOpenRouter
from tests.fakes.salutespeech import FakeSaluteSpeech
from tests.fakes.server import AsgiServer
from tests.fakes.zadarma import FakeZadarma

DATA = Path(__file__).resolve().parents[1] / "data"
REC = "1772442000.42"
STRANGER = "79035550011"
CLIENT = "79161234567"
HEARD = (
    "Здравствуйте, это Пётр Сидоров. Мой номер +7 916 123-45-67. Нужно заменить смеситель, "
    "адрес Москва, ул. Сухонская, д. 11. Можно завтра после шести? Передайте Ольге спасибо."
)
SEEDED = ("Пётр", "Сидоров", "916", "123-45-67", "1234567", "Сухонская", "Ольг")
URL = re.compile(r"http://127\.0\.0\.1:8081(/pbx/zadarma/[\w-]+)")


def summarise(body: dict) -> str:
    """What a model would say, echoing the placeholders it was given."""
    said = body["messages"][-1]["content"]

    def first(kind: str) -> str:
        found = re.search(rf"\[{kind}_\d+\]", said)
        return found.group(0) if found else "?"

    return json.dumps(
        {
            "summary": f"{first('PERSON')} просит заменить смеситель.",
            "request": "заменить смеситель",
            "address": first("ADDRESS"),
            "when": "завтра после шести",
            "follow_up": f"перезвонить {first('PERSON')} на {first('PHONE')}",
        },
        ensure_ascii=False,
    )


@pytest.fixture
async def phone_crm(db_url, tmp_path):
    async with (
        FakeSaluteSpeech(auth_key="salute-key") as salute,
        FakeOpenRouter("sk-or-test") as ai,
        FakeZadarma("zd-key", "zd-secret") as pbx,
    ):
        settings = make_settings(db_url, tmp_path).model_copy(
            update={
                "salute_auth_key": SecretStr("salute-key"),
                "salute_oauth_url": salute.oauth_url,
                "salute_api_url": salute.api_url,
                "openrouter_api_key": SecretStr("sk-or-test"),
                "openrouter_base_url": ai.base_url,
                "zadarma_api_key": "zd-key",
                "zadarma_api_secret": SecretStr("zd-secret"),
                "zadarma_api_url": pbx.url,
                "job_retry_base_seconds": 0.1,
            }
        )
        clock = e2e_clock()
        pbx.now = clock.now  # the PBX and the CRM agree on the time, as in life
        async with local_bot(settings, clock=clock) as crm:
            assert crm.container is not None and crm.app is not None
            routes = pbx_routes(crm.container, crm.app.bot_data.background.wake)
            async with AsgiServer(Starlette(routes=routes)) as webhook:
                yield crm, pbx, salute, ai, webhook


async def counts(db_url: str) -> dict[str, int]:
    engine = create_engine(db_url)
    async with engine.connect() as connection:
        found = {
            table: len((await connection.execute(text(f"SELECT id FROM {table}"))).all())
            for table in ("call", "call_event", "job")
        }
    await engine.dispose()
    return found


async def _team(crm):
    olga = crm.emulator.user(971, "Ольга", language_code="ru")
    await create_org(olga)
    token = await invite_link(olga, "Менеджер")
    max_ = crm.emulator.user(972, "Max", language_code="en")
    await onboard(max_, "en", payload=token)
    await max_.reply()
    await olga.reply()
    return olga, max_


async def _link_the_pbx(olga, max_, pbx, webhook):
    """The owner opens /telephony, gives the URL to the PBX, switches recording on."""
    await olga.send("/telephony")
    status = await olga.reply()
    pbx.webhook_url = webhook.url + URL.search(status.text).group(1)
    assert (await pbx.check_url("zd-check-1")).text == "zd-check-1"
    await olga.tap("🎙 Включить запись", message=status)
    confirm = await olga.reply()
    assert "закон" in confirm.text
    await olga.tap("✅ Подтверждаю", message=confirm)
    status = await olga.reply()
    assert "Запись звонков: включена" in status.text
    await olga.tap("📝 Включить расшифровки", message=status)
    assert "Расшифровки и сводки: включены" in (await olga.reply()).text
    await max_.send("/telephony ext 101")
    assert "101" in (await max_.reply()).text


async def _known_client(olga):
    await olga.send("/newclient")
    for answer in ("Пётр Сидоров", "+7 916 123-45-67", "Москва, ул. Сухонская, д. 11"):
        await olga.reply()
        await olga.send(answer)
    assert "Пётр Сидоров" in (await olga.reply()).text


async def test_calls_from_a_missed_stranger_to_an_order(phone_crm):
    crm, pbx, salute, ai, webhook = phone_crm
    olga, max_ = await _team(crm)
    await _link_the_pbx(olga, max_, pbx, webhook)
    await _known_client(olga)

    # An unknown number calls and nobody answers: both managers hear, an order is offered.
    stranger = pbx.incoming(STRANGER)
    for event in (stranger.start(), stranger.internal("101"), stranger.end("no answer", 20)):
        assert (await pbx.send(event)).status_code == 200
    alert = await olga.reply(timeout=10)
    assert "Пропущенный звонок" in alert.text and "+7 903 555-00-11" in alert.text
    max_alert = await max_.reply(timeout=10)
    assert "Missed call" in max_alert.text
    await max_.tap("☎️ I'll call back", message=max_alert)
    assert "+7 903 555-00-11" in (await max_.reply()).text
    alert = await olga.wait_edit(alert.message_id)
    assert "Max перезванивает" in alert.text and "☎️ Перезвоню" not in alert.labels
    await olga.tap("➕ Создать заказ", message=alert)
    assert "Как его зовут" in (await olga.reply()).text
    await olga.send("/cancel")
    await olga.reply()

    # The client calls, Max answers on 101, the call is recorded (75 s of real OGG Opus).
    pbx.recordings[REC] = (DATA / "voice_long.ogg").read_bytes()
    salute.transcript = HEARD
    ai.answer = summarise
    call = pbx.incoming(CLIENT)
    ended = call.end("answered", 95, "101", recording=REC)
    for event in (call.start(), call.internal("101"), call.answer("101"), ended, call.record(REC)):
        assert (await pbx.send(event)).status_code == 200
    summary = await olga.reply(timeout=30)
    assert "Звонок" in summary.text and "Пётр Сидоров" in summary.text, summary.text
    assert "Ответил(а): Max" in summary.text
    assert "перезвонить Пётр Сидоров на +79161234567" in summary.text, "restored locally"
    sent = json.dumps(ai.bodies, ensure_ascii=False)
    assert "смеситель" in sent and not [v for v in SEEDED if v in sent], sent
    assert salute.api_requests("data:upload") and not salute.api_requests("speech:recognize")

    # One tap: the order, with the client, the work and the address, waits for "Create".
    await olga.tap("➕ Создать заказ", message=summary)
    check = await olga.reply()
    assert "Проверьте новый заказ" in check.text and "Пётр Сидоров" in check.text
    assert "ул. Сухонская, д. 11" in check.text and "заменить смеситель" in check.text
    await olga.tap("✅ Создать", message=check)
    assert "Заказ №1 создан" in (await olga.reply()).text
    card = await olga.reply()
    assert "Пётр Сидоров" in card.text and "заменить смеситель" in card.text

    # A forged event changes nothing; a redelivered one is kept once.
    before = await counts(crm.settings.database_url)
    assert (await pbx.send(pbx.incoming("79990001122").start(), forge=True)).status_code == 403
    assert (await pbx.send(call.end("no answer", 0, "101"), forge=True)).status_code == 403
    assert (await pbx.send(ended)).status_code == 200
    assert (await pbx.send(stranger.end("no answer", 20))).status_code == 200
    assert await counts(crm.settings.database_url) == before

    # /calls lists today's calls, with filters; the client card shows recent calls.
    await olga.send("/calls")
    listing = await olga.reply()
    assert "Пётр Сидоров" in listing.text and "+7 903 555-00-11" in listing.text
    await olga.tap("Пропущенные", message=listing)
    missed = await olga.wait_edit(listing.message_id)
    assert "+7 903 555-00-11" in missed.text and "Пётр" not in missed.text
    await olga.send("/client Сидоров")
    found = await olga.reply()
    await olga.tap(found.labels[0], message=found)
    assert "Последние звонки" in (await olga.reply()).text
