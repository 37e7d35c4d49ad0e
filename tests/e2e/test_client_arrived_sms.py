"""Issue 19, item 6 for a client reached by SMS, through the bot: "arrived" goes by SMS only
when the organization turned it on (`arrived_elsewhere`, off by default: an SMS that comes
after the worker is at the door is of little use). The worker picks "15 min" under "On my
way", the client gets that SMS; Start is the arrival: on, an "arrived" SMS follows (Russian
business); off, nothing more (English business)."""

from __future__ import annotations

from dataclasses import replace

import pytest

from core.changes import OrgChange
from core.client_loop.model import Channel, MessageKind
from core.client_loop.providers import SMS_SECRET, sms_json, sms_settings
from core.domain import TelegramProfile
from tests.e2e.test_client_link import _team
from tests.e2e.test_kill import until
from tests.e2e.test_on_my_way import ON_MY_WAY, _log_of, _quiet, _today_order, sms_crm

__all__ = ["sms_crm"]  # the fixture: the bot with client SMS going to a local SMS.ru

PHONE = "+79161234567"
TEXTS = {
    "ru": (
        "Чистый дом: Ivan уже в пути, будет примерно через 15 мин.",
        "Чистый дом: Ivan на месте.",
    ),
    "en": (
        "Чистый дом: Ivan is on the way, arriving in about 15 min.",
        "Чистый дом: Ivan has arrived.",
    ),
}


@pytest.mark.parametrize(("language", "arrived"), [("ru", True), ("en", False), ("en", True)])
async def test_arrived_by_sms_only_when_the_organization_turned_it_on(sms_crm, language, arrived):
    crm = sms_crm
    ids = {("ru", True): 7651, ("en", False): 7661, ("en", True): 7671}[(language, arrived)]
    olga, ivan = await _team(crm, (ids, ids + 1))
    await _today_order(olga, ivan)
    services = crm.container.services
    async with services.client_loop._uow() as uow:
        org_id = (await uow.users.by_telegram_id(ids)).active_org_id
        await uow.orgs.update(org_id, OrgChange(language=language))
        await uow.commit()
        order = await uow.orders.by_number(org_id, 1)
    assert order is not None and order.client_id is not None
    owner = await services.users.identify(TelegramProfile(ids, "Ольга", language_code="ru"))
    provider = sms_json(sms_settings("sms_ru", "sms-key"))
    await services.org_settings.store_secret(owner, SMS_SECRET, provider)
    settings = await services.client_loop.settings(owner)
    assert settings.arrived_elsewhere is False  # off unless the organization wants it
    if arrived:
        await services.client_loop.update_settings(
            owner, replace(settings, arrived_elsewhere=True)
        )

    await ivan.send("/order 1")
    card = await ivan.reply()
    await ivan.tap(ON_MY_WAY, message=card)
    asked = await ivan.reply()
    await ivan.tap("15 min", message=asked)
    await until(lambda: crm.sms.received(PHONE), "the on-my-way SMS")
    on_the_way, arrival = TEXTS[language]
    assert [s.text for s in crm.sms.received(PHONE)] == [on_the_way]

    await ivan.tap("▶️ Start", message=card)
    await ivan.wait_edit(card.message_id)  # started
    if arrived:
        await until(lambda: len(crm.sms.received(PHONE)) == 2, "the arrived SMS")
        assert [s.text for s in crm.sms.received(PHONE)] == [on_the_way, arrival]
    else:
        await _quiet(ivan, seconds=0.6)
        assert [s.text for s in crm.sms.received(PHONE)] == [on_the_way]
    logged = [(m.kind, m.channel) for m in await _log_of(crm, org_id, order.client_id)]
    expected = [(MessageKind.ON_MY_WAY, Channel.SMS)]
    if arrived:
        expected.append((MessageKind.ARRIVED, Channel.SMS))
    assert sorted(logged) == sorted(expected)
