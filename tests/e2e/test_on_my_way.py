"""Issue 19, item 6 through the bot: the assignee taps "On my way" on the card of today's order,
shares a live location, and the client linked in Telegram gets ONE message with the worker's
first name and the ETA, edited in place as the location moves (at most once a minute, the
latest position), then "arrived" within 150 m; a picked time instead of a location, Start as
arrival; the button only for the assignee (forged taps get nothing); a redelivered location
update changes nothing twice."""

from __future__ import annotations

import asyncio
import copy

import pytest

from core.changes import OrgChange
from core.client_loop.model import Channel, DeliveryStatus, MessageKind
from core.client_loop.providers import (
    SMS_SECRET,
    SMTP_SECRET,
    sms_json,
    sms_settings,
    smtp_json,
    smtp_settings,
)
from core.domain import TelegramProfile
from sandbox.peers.mail import MailPeer
from sandbox.peers.sms import SmsRuPeer
from tests.e2e.conftest import e2e_clock, local_bot, make_settings
from tests.e2e.test_client_link import INVITE_RU, _invite, _team
from tests.e2e.test_client_link import crm as link_crm
from tests.e2e.test_kill import until

crm = link_crm  # the linking tests' bot, on their running clock (Wednesday 4 March, 09:30 Moscow)

HOME = (55.751244, 37.618423)  # the order's point
DEGREE_M = 111_195.08
ON_MY_WAY = "🚗 On my way"
EMAIL = "petr.sidorov@example.org"


def away(metres: float) -> tuple[float, float]:
    return HOME[0] + metres / DEGREE_M, HOME[1]


async def _today_order(olga, ivan):
    """Order №1 for Пётр today at 12:00 at a point on the map, assigned to Ivan: (the owner's
    card, Ivan's notice with his buttons)."""
    await olga.send("/neworder")
    await olga.reply()
    await olga.send("+7 916 123-45-67")
    await olga.reply()
    await olga.send("Пётр Сидоров")
    await olga.reply()
    await olga.send_location(*HOME)
    for label in ("Уборка", "Сегодня", "12:00"):
        await olga.reply()
        await olga.tap(label)
    await olga.reply()
    await olga.send("3 500")
    for label in ("Пропустить", "✅ Создать"):
        await olga.reply()
        await olga.tap(label)
    await olga.reply()
    card = await olga.reply()
    await olga.tap("👷 Назначить", message=card)
    workers = await olga.reply()
    await olga.tap(next(lbl for lbl in workers.labels if lbl.startswith("Ivan")))
    ivans = await ivan.reply()
    return await olga.wait_edit(card.message_id), ivans


async def _linked_client(crm, olga, card, telegram_id, language="ru"):
    _, token, _ = await _invite(olga, INVITE_RU, card)
    petr = crm.emulator.user(telegram_id, "Пётр", language_code=language)
    await petr.send(f"/start {token}")
    welcome = await petr.reply()
    await petr.tap(welcome.labels[0], message=welcome)  # yes to order updates
    await petr.wait_edit(welcome.message_id)
    return petr


async def _quiet(*people, seconds=0.4):
    """Nothing more for these people: no new message and no edit."""
    before = [[(m.message_id, m.version) for m in p.messages()] for p in people]
    await asyncio.sleep(seconds)
    assert [[(m.message_id, m.version) for m in p.messages()] for p in people] == before


async def _link(crm, telegram_id):
    """The client's link (read without touching their profile, unlike `identify`)."""
    async with crm.container.services.client_loop._uow() as uow:
        user = await uow.users.by_telegram_id(telegram_id)
        assert user is not None
        (link,) = await uow.client_loop.links_of_user(user.id)
    return link


async def _log_of(crm, org_id, client_id):
    async with crm.container.services.client_loop._uow() as uow:
        return await uow.client_loop.client_messages(org_id, client_id)


async def _log(crm, telegram_id):
    link = await _link(crm, telegram_id)
    async with crm.container.services.client_loop._uow() as uow:
        return await uow.client_loop.client_messages(link.organization_id, link.client_id)


async def _trip(crm, telegram_id):
    link = await _link(crm, telegram_id)
    async with crm.container.services.client_loop._uow() as uow:
        order = await uow.orders.by_number(link.organization_id, 1)
        assert order is not None
        return await uow.client_loop.trip(link.organization_id, order.id)


async def test_live_location_tells_edits_and_arrives(crm):
    olga, ivan = await _team(crm, (7601, 7602))
    card, ivans = await _today_order(olga, ivan)
    petr = await _linked_client(crm, olga, card, 7603)
    assert ON_MY_WAY not in card.labels  # the owner is not the assignee
    assert ON_MY_WAY in ivans.labels and "▶️ Start" in ivans.labels
    # a category without a checklist: no checklist button to tap for nothing
    assert not any("Checklist" in lbl or "Чек-лист" in lbl for lbl in ivans.labels + card.labels)

    # a forged "on my way" from the owner: nothing for anyone
    olga.forge_callback(card.message_id, ivans.buttons[0][0][1])
    assert await olga.callback_answer() == "Этот заказ вам больше недоступен."
    await ivan.tap(ON_MY_WAY, message=ivans)
    asked = await ivan.reply()
    assert "live location" in asked.text and asked.labels == ["15 min", "30 min", "60 min"]
    await _quiet(petr)

    shared = await ivan.send_live_location(*away(10_000))  # 10 km x 1.4 at 25 km/h: 34 min
    told = await petr.reply()
    assert told.text == "Чистый дом: Ivan уже в пути, будет примерно через 35 мин."
    assert "35 min" in (await ivan.reply()).text
    (logged,) = await _log(crm, 7603)
    assert (logged.kind, logged.channel) == (MessageKind.ON_MY_WAY, Channel.TELEGRAM)

    # updates every 10 s: no edit before a minute has passed since the message
    for step in range(1, 6):
        crm.clock.advance(seconds=10)
        await ivan.move_live_location(shared["message_id"], *away(10_000 - 100 * step))
    await _quiet(petr, ivan)
    crm.clock.advance(seconds=10)
    await ivan.move_live_location(shared["message_id"], *away(4_000))  # 4 km: 13.4 -> 15 min
    edited = await petr.wait_edit(told.message_id)
    assert edited.text == "Чистый дом: Ivan уже в пути, будет примерно через 15 мин."
    assert [m.message_id for m in petr.messages()][-1] == told.message_id  # edited, not new
    crm.clock.advance(seconds=10)
    await ivan.move_live_location(shared["message_id"], *away(3_000))
    await _quiet(petr, ivan)

    # within 150 m: "arrived" as a new message; the worker hears it once
    crm.clock.advance(seconds=10)
    await ivan.move_live_location(shared["message_id"], *away(120))
    arrived = await petr.reply()
    assert arrived.text == "Чистый дом: Ivan на месте."
    assert "You are at the address" in (await ivan.reply()).text
    crm.clock.advance(seconds=70)
    await ivan.move_live_location(shared["message_id"], *away(20))  # nothing after arrival
    await _quiet(petr, ivan)
    kinds = sorted(m.kind for m in await _log(crm, 7603))
    assert kinds == [MessageKind.ARRIVED, MessageKind.ON_MY_WAY]
    for secret in ("Ольга", "+7 916", "Petrov", "3 500"):
        assert secret not in told.text + arrived.text


async def test_a_picked_time_then_start_is_the_arrival_for_an_english_client(crm):
    olga, ivan = await _team(crm, (7611, 7612))
    card, ivans = await _today_order(olga, ivan)
    petr = await _linked_client(crm, olga, card, 7613, language="en")
    await ivan.tap(ON_MY_WAY, message=ivans)
    asked = await ivan.reply()
    await ivan.tap("30 min", message=asked)
    told = await petr.reply()
    assert told.text == "Чистый дом: Ivan is on the way, arriving in about 30 min."
    answer = await ivan.wait_edit(asked.message_id)  # the question becomes the answer
    assert "30 min" in answer.text and answer.labels == ["15 min", "30 min", "60 min"]
    await ivan.tap("60 min", message=answer)  # a second pick edits the same messages
    edited = await petr.wait_edit(told.message_id)
    assert edited.text == "Чистый дом: Ivan is on the way, arriving in about 1 h."
    assert "1 h" in (await ivan.wait_edit(asked.message_id)).text
    await ivan.tap("▶️ Start", message=ivans)
    arrived = await petr.reply()
    assert arrived.text == "Чистый дом: Ivan has arrived."
    await _quiet(petr)
    statuses = {(m.kind, m.status) for m in await _log(crm, 7613)}
    assert statuses == {
        (MessageKind.ON_MY_WAY, DeliveryStatus.SENT),
        (MessageKind.ARRIVED, DeliveryStatus.SENT),
    }


async def test_a_redelivered_location_update_changes_nothing_twice(crm):
    olga, ivan = await _team(crm, (7621, 7622))
    card, ivans = await _today_order(olga, ivan)
    petr = await _linked_client(crm, olga, card, 7623)
    await ivan.tap(ON_MY_WAY, message=ivans)
    await ivan.reply()
    shared = await ivan.send_live_location(*away(8_000))
    told = await petr.reply()
    await ivan.reply()
    crm.clock.advance(seconds=61)
    moved = await ivan.move_live_location(shared["message_id"], *away(2_000))
    state = crm.emulator.state
    update = {"update_id": state.next_update_id - 1, "edited_message": copy.deepcopy(moved)}
    edited = await petr.wait_edit(told.message_id)
    assert "через 7 мин" in edited.text  # 2 km x 1.4 at 25 km/h: 6.7 -> 7 min
    versions = [(m.message_id, m.version) for m in petr.messages()]
    crm.clock.advance(seconds=61)  # an edit would be due again: the copy must not make one
    state.updates.append(update)
    state.changed()
    await ivan.send("/help")
    await ivan.reply()
    await _quiet(petr, ivan)
    assert [(m.message_id, m.version) for m in petr.messages()] == versions
    trip = await _trip(crm, 7623)
    assert trip is not None and trip.edits == 1


async def test_an_email_only_client_is_told_once_and_hears_no_arrival(crm):
    olga, ivan = await _team(crm, (7631, 7632))
    await _today_order(olga, ivan)
    services = crm.container.services
    async with services.client_loop._uow() as uow:
        owner_user = await uow.users.by_telegram_id(7631)
        org_id = owner_user.active_org_id
        order = await uow.orders.by_number(org_id, 1)
    owner = await services.users.identify(TelegramProfile(7631, "Ольга", language_code="ru"))
    async with MailPeer() as mail:
        server = smtp_settings("127.0.0.1", mail.port, "none", "office@chisty.example")
        await services.org_settings.store_secret(owner, SMTP_SECRET, smtp_json(server))
        await services.clients.edit(owner, order.client_id, "email", EMAIL)
        await ivan.send("/order 1")
        card = await ivan.reply()
        await ivan.tap(ON_MY_WAY, message=card)
        asked = await ivan.reply()
        await ivan.tap("15 min", message=asked)
        assert "15 min" in (await ivan.wait_edit(asked.message_id)).text
        await until(lambda: mail.for_recipient(EMAIL), "the e-mail")
        (sent,) = mail.for_recipient(EMAIL)
        assert sent.subject == "Чистый дом: Ivan уже в пути, будет примерно через 15 мин."
        shared = await ivan.send_live_location(*away(3_000))
        assert "not updated" in (await ivan.reply()).text
        crm.clock.advance(seconds=120)
        await ivan.move_live_location(shared["message_id"], *away(50))
        assert (await ivan.reply()).text == "📍 You are at the address."  # no "told"
        await _quiet(ivan)
        assert len(mail.for_recipient(EMAIL)) == 1
    logged = await _log_of(crm, org_id, order.client_id)
    assert [(m.kind, m.channel) for m in logged] == [(MessageKind.ON_MY_WAY, Channel.EMAIL)]


@pytest.fixture
async def sms_crm(db_url, tmp_path):
    """The bot with client SMS going to a local SMS.ru."""
    async with SmsRuPeer(api_id="sms-key") as sms:
        settings = make_settings(db_url, tmp_path).model_copy(
            update={"sms_ru_base_url": sms.base_url}
        )
        clock = e2e_clock()
        local = local_bot(settings, clock=clock)
        local.clock = clock
        local.sms = sms
        await local.start()
        try:
            yield local
        finally:
            await local.stop()


async def test_an_sms_only_client_of_an_english_business_is_told_once(sms_crm):
    crm = sms_crm
    olga, ivan = await _team(crm, (7641, 7642))
    await _today_order(olga, ivan)
    services = crm.container.services
    async with services.client_loop._uow() as uow:
        org_id = (await uow.users.by_telegram_id(7641)).active_org_id
        await uow.orgs.update(org_id, OrgChange(language="en"))  # an English-speaking business
        await uow.commit()
        order = await uow.orders.by_number(org_id, 1)
    owner = await services.users.identify(TelegramProfile(7641, "Ольга", language_code="ru"))
    provider = sms_json(sms_settings("sms_ru", "sms-key"))
    await services.org_settings.store_secret(owner, SMS_SECRET, provider)
    await ivan.send("/order 1")
    card = await ivan.reply()
    await ivan.tap(ON_MY_WAY, message=card)
    await ivan.reply()
    shared = await ivan.send_live_location(*away(10_000))
    assert "35 min" in (await ivan.reply()).text
    await until(lambda: crm.sms.received(), "the SMS")
    (sms,) = crm.sms.received()
    assert sms.phone == "+79161234567"
    assert sms.text == "Чистый дом: Ivan is on the way, arriving in about 35 min."
    for step in range(1, 4):  # SMS is not edited: nothing more, however far a minute goes
        crm.clock.advance(seconds=70)
        await ivan.move_live_location(shared["message_id"], *away(10_000 - 2_000 * step))
    crm.clock.advance(seconds=70)
    await ivan.move_live_location(shared["message_id"], *away(30))
    assert (await ivan.reply()).text == "📍 You are at the address."
    await _quiet(ivan)
    assert len(crm.sms.received()) == 1  # no "arrived" by SMS unless the business wants it
    logged = await _log_of(crm, org_id, order.client_id)
    assert [(m.kind, m.channel) for m in logged] == [(MessageKind.ON_MY_WAY, Channel.SMS)]
