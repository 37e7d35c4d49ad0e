"""Issue 20, item 8 through the bot: the client accepts the work with "✅ I accept the work"
under the message that it is done (a Russian and an English client), or on the order's page
with a drawn signature, opened on the assignee's phone (the admin app on a real port). The
acceptance's method and time are on the order and in its history."""

from __future__ import annotations

import base64
import re

import httpx
import pytest

from core.checklists.model import AcceptanceMethod
from core.domain import TelegramProfile
from tests.e2e.test_client_confirmation import _linked
from tests.e2e.test_client_link import _team
from tests.e2e.test_client_payment import _finish
from tests.unit.test_checklist_rules import png

NONCE = re.compile(r'name="nonce" value="([^"]+)"')
LINK = re.compile(r"(https?://\S+)")
BUTTON = {"ru": "✅ Я принимаю работу", "en": "✅ I accept the work"}
THANKS = {"ru": "✅ Спасибо! Вы приняли работу.", "en": "✅ Thank you! You accepted the work."}


@pytest.fixture
def crm(admin_crm):
    """The bot with its admin app on a free port (the client page)."""
    return admin_crm


@pytest.mark.parametrize("language", ["ru", "en"])
async def test_the_client_accepts_with_the_button_in_telegram(crm, language):
    ids = (7901, 7902, 7903) if language == "ru" else (7911, 7912, 7913)
    olga, ivan = await _team(crm, ids[:2])
    petr = await _linked(crm, olga, ivan, ids[2], language=language)
    await _finish(ivan)
    done = await petr.reply()
    assert done.labels == [BUTTON[language]]
    before = crm.container.services.clock.now()
    await petr.tap(BUTTON[language], message=done)
    accepted = await petr.wait_edit(done.message_id)
    assert accepted.text.endswith(THANKS[language]) and accepted.labels == []
    order = await _order_of(crm, ids[2])
    paper = await crm.container.services.acceptances.paperwork(order.organization_id, order.id)
    assert paper.acceptance is not None
    assert paper.acceptance.method is AcceptanceMethod.TELEGRAM
    assert before <= paper.acceptance.accepted_at <= crm.container.services.clock.now()


async def _order_of(crm, client_telegram_id: int):
    services = crm.container.services
    async with services.client_loop._uow() as uow:
        user = await uow.users.by_telegram_id(client_telegram_id)
        assert user is not None
        links = await uow.client_loop.links_of_user(user.id)
        order = await uow.orders.by_number(links[0].organization_id, 1)
    assert order is not None
    return order


@pytest.mark.parametrize("language", ["ru", "en"])
async def test_the_client_signs_on_the_assignees_phone(crm, language):
    ids = (7921, 7922, 7923) if language == "ru" else (7931, 7932, 7933)
    olga, ivan = await _team(crm, ids[:2])
    await _linked(crm, olga, ivan, ids[2], language=language)
    await _finish(ivan)
    order = await _order_of(crm, ids[2])
    services = crm.container.services
    await ivan.send("/order 1")
    card = await ivan.reply()
    await ivan.tap("✍️ Client's signature", message=card)
    told = await ivan.reply()
    assert told.text.startswith("✍️ Open this page on your phone and give it to the client")
    url = LINK.search(told.text).group(1)
    assert url.startswith(f"{crm.settings.public_base_url}/c/") and url.endswith("?staff=1")
    drawn = png(600, 200)
    signature = "data:image/png;base64," + base64.b64encode(drawn).decode()
    async with httpx.AsyncClient() as web:
        page = await web.get(f"{url}&lang={language}")
        assert 'data-testid="canvas"' in page.text
        nonce = NONCE.search(page.text).group(1)
        signed = await web.post(
            url.replace("?staff=1", "/accept"),
            data={"nonce": nonce, "lang": language, "name": "Пётр", "signature": signature,
                  "staff": "1"},
        )  # fmt: skip
        thanks = {"ru": "Спасибо! Вы приняли работу.", "en": "Thank you! You accepted the work."}
        assert signed.status_code == 200 and thanks[language] in signed.text
    paper = await services.acceptances.paperwork(order.organization_id, order.id)
    got = paper.acceptance
    assert got is not None and got.method is AcceptanceMethod.SIGNATURE and got.on_staff_device
    assert got.signature_key is not None
    assert await crm.container.adapters.files.get(got.signature_key) == drawn
    history = await services.orders.history(await _owner(crm, ids[0]), order.id)
    accepted = [
        (e.data["method"], e.data["staff_device"]) for e, _ in history if e.kind == "accepted"
    ]
    assert accepted == [("signature", True)]


async def _owner(crm, telegram_id: int):
    return await crm.container.services.users.identify(
        TelegramProfile(telegram_id, "Ольга", None, None, "ru")
    )
