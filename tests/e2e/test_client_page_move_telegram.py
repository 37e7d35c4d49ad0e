"""Issue 19, item 5: a client linked in Telegram who moves the visit on the client page
(`/c/<token>/move`) gets the same confirmation in their chat as after a staff move: one
message with the new and the old time and the .ics with SEQUENCE 1, written to the outbox in
the move's transaction and sent by the bot's sender; the assignee and the manager hear of the
move. A refused move sends nothing. The real bot, the emulator and the admin server on a real
port, on the e2e frozen clock."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import httpx
import pytest

from core.client_loop.model import DeliveryStatus, Direction, MessageKind
from core.domain import TelegramProfile
from tests.admin.test_client_page import NONCE, RU
from tests.e2e.conftest import e2e_clock, local_bot, make_settings
from tests.e2e.test_client_confirmation import _ics, _linked, _log, _quiet
from tests.e2e.test_client_link import _team

TIMES = re.compile(r'name="to" value="(\d+)"')
MSK = ZoneInfo("Europe/Moscow")


@pytest.fixture
async def crm(db_url, tmp_path):
    """The bot with the admin endpoint on a free port (the client page), as in production."""
    clock = e2e_clock()
    settings = make_settings(db_url, tmp_path).model_copy(update={"admin_port": 0})
    local = local_bot(settings, clock=clock)
    local.clock = clock
    await local.start()
    yield local
    await local.stop()


async def test_a_telegram_client_moving_on_the_page_hears_of_it_in_the_chat(crm):
    olga, ivan = await _team(crm, (7501, 7502))
    petr = await _linked(crm, olga, ivan, 7503)
    await _quiet(petr, olga, ivan)
    services = crm.container.services
    actor = await services.users.identify(TelegramProfile(7503, "Пётр", language_code="ru"))
    ((link, org),) = await services.client_loop.client_of(actor.user.id)
    async with services.client_loop._uow() as uow:
        (order,) = await uow.orders.for_client(org.id, link.client_id)
    issued = await services.client_loop.issue_page(org.id, link.client_id, order.id)
    page_url = f"/c/{issued.token}"
    base = f"http://{crm.settings.admin_host}:{crm.settings.admin_port}"
    async with httpx.AsyncClient(base_url=base) as web:
        page = await web.get(page_url, headers=RU)
        nonce = NONCE.search(page.text).group(1)
        offered = TIMES.findall(page.text)
        refused = await web.post(
            f"{page_url}/move", data={"nonce": nonce, "to": "12345"}, headers=RU
        )
        assert refused.status_code == 409
        await _quiet(petr, olga, ivan)  # a refused move tells nobody anything
        done = await web.post(
            f"{page_url}/move", data={"nonce": nonce, "to": offered[0]}, headers=RU
        )
        assert done.status_code == 303
    new = datetime.fromtimestamp(int(offered[0]) * 60, UTC).astimezone(MSK)
    text = await petr.reply()  # the .ics captioned with the words, as after a staff move
    assert "перенесён" in text.text and new.strftime("%d.%m.%Y в %H:%M") in text.text, text.text
    assert "05.03.2026 10:00" in text.text  # the old time
    calendar, event = _ics(crm, text)
    assert str(calendar["METHOD"]) == "REQUEST" and int(event["SEQUENCE"]) == 1
    assert event["DTSTART"].dt.strftime("%d.%m %H:%M") == new.strftime("%d.%m %H:%M")
    assert "The client moved order №1" in (await ivan.reply()).text
    assert "Клиент перенёс заказ №1" in (await olga.reply()).text
    await _quiet(petr)  # one message, not two
    log = await _log(crm, 7503)
    (sent,) = [
        m for m in log if m.kind == MessageKind.RESCHEDULED and m.direction == Direction.OUT
    ]
    assert sent.status == DeliveryStatus.SENT and sent.provider_id == str(text.message_id)
