"""Issue 19, item 7 for clients who are not in Telegram: after Done, an SMS-only client (Russian,
SMS.ru's local peer) and an e-mail-only client (English, the local SMTP server) get the done
summary with the payment link in one message, then the receipt after the bank's notification and
the refund after the owner's Cancel, each once, through the bot's own job runners."""

from __future__ import annotations

import asyncio

import pytest

from core.client_loop.model import Channel, DeliveryStatus
from core.client_loop.providers import (
    SMS_SECRET,
    SMTP_SECRET,
    sms_json,
    sms_settings,
    smtp_json,
    smtp_settings,
)
from sandbox.peers.mail import MailPeer
from sandbox.peers.sms import SmsRuPeer
from tests.e2e.conftest import e2e_clock, local_bot
from tests.e2e.test_client_link import _order, _team
from tests.e2e.test_client_payment import _connect, _finish, _owner, payment_settings
from tests.e2e.test_kill import until
from tests.fakes.tbank_cancel import FakeTBankTerminal

PHONE = "+79161234567"  # the order's client, Пётр Сидоров (tests.e2e.test_client_link._order)
EMAIL = "petr.sidorov@example.org"
KEY, PASSWORD = "OrgTerminal-e2e", "org-terminal-password"


@pytest.fixture
async def crm(db_url, tmp_path):
    async with FakeTBankTerminal(KEY, PASSWORD) as bank, SmsRuPeer(api_id="sms-key") as sms:
        settings = payment_settings(db_url, tmp_path, bank).model_copy(
            update={"sms_ru_base_url": sms.base_url}
        )
        local = local_bot(settings, clock=e2e_clock())
        local.bank, local.sms = bank, sms  # type: ignore[attr-defined]
        await local.start()
        yield local
        await local.stop()


async def _log(crm, org_id: int, client_id: int) -> list[tuple[str, Channel, DeliveryStatus]]:
    async with crm.container.services.client_loop._uow() as uow:
        logged = await uow.client_loop.client_messages(org_id, client_id)
    return sorted((m.kind.value, m.channel, m.status) for m in logged)


async def _order_of(crm, org_id: int):
    async with crm.container.services.client_loop._uow() as uow:
        order = await uow.orders.by_number(org_id, 1)
    assert order is not None and order.client_id is not None
    return order


async def _pay(crm) -> None:
    (payment,) = crm.bank.payments.values()
    assert all(d.ok for d in await crm.bank.pay(payment.payment_id))
    assert (await crm.bank.notify(payment.payment_id, "CONFIRMED")).ok  # a replay


async def test_an_sms_only_client_gets_the_link_the_receipt_and_the_refund_by_sms(crm):
    olga, ivan = await _team(crm, (7501, 7502))
    await _order(olga, ivan)
    owner = await _owner(crm, 7501)
    org_id = owner.organization.id
    services = crm.container.services
    await services.org_settings.store_secret(
        owner, SMS_SECRET, sms_json(sms_settings("sms_ru", "sms-key"))
    )
    await _connect(crm, owner)
    order = await _order_of(crm, org_id)

    await _finish(ivan)
    await until(lambda: len(crm.sms.received(PHONE)) >= 1, "the done SMS with the link")
    (done,) = crm.sms.received(PHONE)  # one SMS: the summary and the payment text (was two)
    assert "работа выполнена" in done.text and "3 500" in done.text.replace("\xa0", " ")
    (payment,) = crm.bank.payments.values()
    assert "оплатите" in done.text and f"{crm.bank.url}/new/" in done.text
    assert payment.init["Receipt"]["Phone"] == PHONE

    await _pay(crm)
    await until(lambda: len(crm.sms.received(PHONE)) >= 2, "the receipt SMS")
    assert "получена" in crm.sms.received(PHONE)[1].text
    await services.client_payments.refund(owner, order.id)
    await until(lambda: len(crm.sms.received(PHONE)) >= 3, "the refund SMS")
    assert "возвращена" in crm.sms.received(PHONE)[2].text
    assert "оплачен онлайн" in (await olga.reply()).text  # the owner's notice
    sent = DeliveryStatus.SENT
    kinds = ("done", "receipt", "receipt")
    expected = [(kind, Channel.SMS, sent) for kind in kinds]
    await until_async(lambda: _log(crm, org_id, order.client_id), expected)
    assert len(crm.sms.received(PHONE)) == 3


async def until_async(read, expected, tries: int = 200) -> None:
    for _ in range(tries):
        if await read() == expected:
            return
        await asyncio.sleep(0.05)
    assert await read() == expected


async def test_an_email_only_client_gets_them_by_email_in_english(crm):
    olga, ivan = await _team(crm, (7511, 7512))
    await _order(olga, ivan)
    owner = await _owner(crm, 7511)
    org_id = owner.organization.id
    services = crm.container.services
    org = owner.organization
    await services.org_settings.update_profile(
        owner, name=org.name, timezone=org.timezone, currency=org.currency, language="en"
    )
    order = await _order_of(crm, org_id)
    await services.clients.edit(owner, order.client_id, "email", EMAIL)
    async with MailPeer() as mail:
        server = smtp_settings("127.0.0.1", mail.port, "none", "office@chisty.example")
        await services.org_settings.store_secret(owner, SMTP_SECRET, smtp_json(server))
        await _connect(crm, owner)
        await _finish(ivan)
        await until(lambda: len(mail.for_recipient(EMAIL)) >= 1, "the done e-mail with the link")
        (done,) = mail.for_recipient(EMAIL)  # one e-mail: the summary and the payment text
        assert "the work is done" in done.text() and "3,500" in done.text()
        assert "pay 3,500" in done.text() and f"{crm.bank.url}/new/" in done.text()
        assert not done.attachments()  # no calendar file for a payment
        (payment,) = crm.bank.payments.values()
        assert payment.init["Receipt"]["Email"] == EMAIL
        await _pay(crm)
        await until(lambda: len(mail.for_recipient(EMAIL)) >= 2, "the receipt e-mail")
        assert "received" in mail.for_recipient(EMAIL)[1].subject
        await services.client_payments.refund(owner, order.id)
        await until(lambda: len(mail.for_recipient(EMAIL)) >= 3, "the refund e-mail")
        assert "refunded" in mail.for_recipient(EMAIL)[2].subject
        sent = DeliveryStatus.SENT
        kinds = ("done", "receipt", "receipt")
        expected = [(kind, Channel.EMAIL, sent) for kind in kinds]
        await until_async(lambda: _log(crm, org_id, order.client_id), expected)
        assert len(mail.for_recipient(EMAIL)) == 3
