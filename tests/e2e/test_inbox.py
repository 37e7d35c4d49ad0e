"""Issue scenario: a forwarded request becomes a draft order through YandexGPT over gRPC, with
personal data de-identified before it leaves and restored in the draft."""

import json

import pytest
from pydantic import SecretStr

from tests.e2e.conftest import local_bot, make_settings
from tests.e2e.scenario import create_org
from tests.fakes.yandexgpt import FakeYandexGpt

REQUEST = (
    "Здравствуйте! Меня зовут Анна Смирнова, нужна уборка квартиры после ремонта "
    "завтра в 14:00 по адресу ул. Тверская, д. 5, кв. 12. Телефон +7 916 555-44-33. "
    "Бюджет 6000 рублей. Ключи у соседки Зинаиды Петровны, её внук Тимур откроет."
)


@pytest.fixture
async def inbox_crm(db_url, tmp_path):
    async with FakeYandexGpt(folder_id="b1gfolder", api_key="yc-key", iam_token=None) as gpt:
        settings = make_settings(db_url, tmp_path).model_copy(
            update={
                "yandex_cloud_api_key": SecretStr("yc-key"),
                "yandex_cloud_folder_id": "b1gfolder",
                "yandexgpt_endpoint": gpt.endpoint,
                "yandexgpt_insecure": True,
            }
        )
        async with local_bot(settings) as crm:
            yield crm, gpt


def _answer(request) -> str:
    text = request.messages[-1].text
    phone = next(w for w in text.split() if w.startswith("[PHONE_")).rstrip(".,")
    address = text[text.index("[ADDRESS_") :].split("]")[0] + "]"
    return json.dumps(
        {
            "client_name": "Анна Смирнова" if "Анна" in text else None,
            "phone": phone,
            "address": address,
            "service": "уборка",
            "date": "завтра",
            "time": "14:00",
            "price": 6000,
            "description": "уборка квартиры после ремонта",
        },
        ensure_ascii=False,
    )


async def test_forwarded_request_becomes_a_draft_order(inbox_crm):
    crm, gpt = inbox_crm
    gpt.answer = _answer
    olga = crm.emulator.user(971, "Ольга", language_code="ru")
    await create_org(olga)
    await olga.forward(REQUEST, "Анна")
    first = await olga.reply()
    if "Как его зовут" in first.text:  # the name was de-identified too: ask for it
        await olga.send("Анна Смирнова")
        first = await olga.reply()
    assert "Проверьте новый заказ" in first.text, first.text
    assert "+7 916 555-44-33" in first.text and "Тверская" in first.text
    assert "6\xa0000" in first.text and "14:00" in first.text and "Уборка" in first.text
    sent = " ".join(call.request.messages[-1].text for call in gpt.requests)
    assert "916" not in sent and "555-44-33" not in sent and "Тверская" not in sent
    # people nobody typed into the CRM (natasha's NER, wired by the container)
    assert "Зинаид" not in sent and "Тимур" not in sent and "уборка квартиры" in sent
    assert gpt.requests[0].metadata["authorization"] == "Api-Key yc-key"
    await olga.tap("✅ Создать")
    assert "создан" in (await olga.reply()).text
