"""Issue 21, item 2: a request from a website reaches the team in the emulated Telegram. In
`draft` every owner and manager (Russian and English) gets "New request from the website"
with Accept / Edit / Reject: Accept offers it to all workers, Reject cancels it (asked
first). In `distributing` the workers get the pool's offer at once and the managers nothing.
The same request again within minutes is the same order, and nobody hears twice."""

from __future__ import annotations

import httpx
import pytest

from core.domain import TelegramProfile
from tests.e2e.conftest import admin_settings, e2e_clock, local_bot
from tests.e2e.scenario import create_org, invite_link, onboard, until_shown
from tests.e2e.test_admin import bank as admin_bank
from tests.e2e.test_admin import crm as admin_crm
from tests.e2e.test_client_confirmation import _linked
from tests.e2e.test_client_link import _team as _link_team

SITE = "https://shop.example"
bank, crm = admin_bank, admin_crm  # the admin endpoint with the bot (fixtures)


async def _join(olga, person, role: str, language: str) -> None:
    await onboard(person, language, payload=await invite_link(olga, role))
    await person.reply()
    await olga.reply()  # "… joined"


async def _team(crm, base: int, state: str):
    olga = crm.emulator.user(base, "Ольга", language_code="ru")
    await create_org(olga)
    misha = crm.emulator.user(base + 1, "Misha", language_code="en")
    ivan = crm.emulator.user(base + 2, "Ivan", language_code="en")
    await _join(olga, misha, "Менеджер", "en")
    await _join(olga, ivan, "Работник", "en")
    services = crm.container.services
    owner = await services.users.identify(TelegramProfile(base, "Ольга", language_code="ru"))
    view = await services.intake_settings.configure(owner, True, state, [SITE])
    return (olga, misha, ivan), view.public_key


async def _send(crm, key: str, phone: str = "8 (916) 123-45-67") -> httpx.Response:
    async with httpx.AsyncClient(base_url=crm.admin.url) as web:
        headers = {"Origin": SITE}
        listed = await web.get(f"/api/public/v1/catalogue?key={key}", headers=headers)
        assert listed.status_code == 200 and listed.headers["access-control-allow-origin"] == SITE
        category = listed.json()["categories"][0]
        body = {
            "clientPhone": phone,
            "clientName": "Анна Смирнова",
            "description": "Помыть окна после ремонта",
            "serviceId": category["id"],
            "address": "Москва, ул. Тихая, 5",
            "consent": True,
            "policyVersion": "2025-01",
            "fillMs": 9000,
        }
        return await web.post(
            "/api/public/v1/orders", json=body, headers={**headers, "X-Widget-Key": key}
        )


async def test_a_draft_request_reaches_the_managers_who_accept_and_reject(crm):
    (olga, misha, ivan), key = await _team(crm, 2101, "draft")
    sent = await _send(crm, key)
    assert sent.status_code == 201, sent.text
    assert sent.json()["state"] == "draft" and sent.json()["duplicate"] is False
    ru = await olga.reply()
    assert ru.text.startswith("🌐 Новая заявка с сайта:") and "Помыть окна" in ru.text
    assert ru.labels == ["✅ Принять", "✏️ Изменить", "✖️ Отклонить"]
    en = await misha.reply()
    assert en.text.startswith("🌐 New request from the website:") and "Анна" in en.text
    assert en.labels == ["✅ Accept", "✏️ Edit", "✖️ Reject"]
    again = await _send(crm, key, "+79161234567")  # the same request again: the same order
    assert again.status_code == 200 and again.json()["duplicate"] is True
    assert again.json()["orderId"] == sent.json()["orderId"]
    await olga.tap("✅ Принять", message=ru)
    offer = await ivan.reply()
    assert "A new order is open to take" in offer.text and "Помыть окна" in offer.text
    taken = await until_shown(misha, en.message_id, "Offered")
    assert "✅ Accept" not in taken.labels  # Misha's copy became the card, edited in place
    other = await _send(crm, key, "+79161112233")
    assert other.status_code == 201
    olga_second = await olga.reply()
    second = await misha.reply()
    await misha.tap("✏️ Edit", message=second)
    menu = await misha.reply()  # the order's edit menu, as from its card
    assert menu.text == "What should change in order №2?" and "✏️ Address" in menu.labels
    await misha.send("/cancel")
    await misha.reply()
    await misha.tap("✖️ Reject", message=second)
    sure = await misha.reply()
    await misha.tap("Yes, cancel the order", message=sure)
    card = await until_shown(misha, second.message_id, "Cancelled")
    assert "✅ Accept" not in card.labels
    assert "Отменён" in (await until_shown(olga, olga_second.message_id, "Отмен")).text


async def test_a_distributing_request_is_offered_to_the_workers_at_once(crm):
    (olga, misha, ivan), key = await _team(crm, 2111, "distributing")
    sent = await _send(crm, key)
    assert sent.status_code == 201 and sent.json()["state"] == "distributing", sent.text
    offer = await ivan.reply()
    assert offer.text.startswith("📣 A new order is open to take:") and "Помыть окна" in offer.text
    assert any("Take" in label for label in offer.labels), offer.labels
    assert not [m for m in olga.messages() if "сайта" in m.text]
    assert not [m for m in misha.messages() if "website" in m.text]


@pytest.fixture
async def linked_crm(db_url, tmp_path):
    """The bot with its admin server on the client-link tests' clock (Wed 4 March 2026)."""
    clock = e2e_clock()
    local = local_bot(admin_settings(db_url, tmp_path), clock=clock)
    local.clock = clock
    await local.start()
    yield local
    await local.stop()


async def test_a_linked_client_gets_the_booking_message(linked_crm):
    """A client linked in Telegram who asks from the website with a wished time gets the
    client loop's booking message; a time in the past is a field error."""
    crm = linked_crm
    olga, ivan = await _link_team(crm, (2121, 2122))
    petr = await _linked(crm, olga, ivan, 2123)
    services = crm.container.services
    owner = await services.users.identify(TelegramProfile(2121, "Ольга", language_code="ru"))
    key = (await services.intake_settings.configure(owner, True, "draft", [SITE])).public_key
    seen = len(petr.messages())
    async with httpx.AsyncClient(base_url=crm.admin.url) as web:
        body = {
            "clientPhone": "79161234567",
            "description": "Ещё и балкон",
            "serviceText": "Уборка",
            "consent": True,
            "policyVersion": "2025-01",
            "preferredAt": "2026-03-03T12:00:00+03:00",
        }
        headers = {"X-Widget-Key": key, "Origin": SITE}
        past = await web.post("/api/public/v1/orders", json=body, headers=headers)
        assert past.status_code == 422 and "preferredAt" in past.json()["fieldErrors"]
        body["preferredAt"] = "2026-03-06T12:00:00+03:00"
        sent = await web.post("/api/public/v1/orders", json=body, headers=headers)
    assert sent.status_code == 201, sent.text
    booked = await petr.reply()
    assert len(petr.messages()) == seen + 1
    assert "Чистый дом" in booked.text and "06.03.2026" in booked.text
    assert (await olga.reply()).text.startswith("🌐 Новая заявка с сайта:")
