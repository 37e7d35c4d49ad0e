"""Issue 19, item 4 for clients who are not in Telegram: a new order's confirmation goes to
the client by SMS (SMS.ru's local peer) when the organization sends SMS and the client's number
is a mobile one, and by e-mail with the visit's .ics (SEQUENCE 0) when it sends e-mail and the
client has an address, through the bot's own job runners; an organization that sends neither
says nothing to an unlinked client."""

from __future__ import annotations

from icalendar import Calendar

from core.client_loop.model import Channel, DeliveryStatus, MessageKind
from core.client_loop.providers import (
    SMS_SECRET,
    SMTP_SECRET,
    sms_json,
    sms_settings,
    smtp_json,
    smtp_settings,
)
from sandbox.peers.mail import MailPeer
from tests.e2e.test_client_link import _order, _team
from tests.e2e.test_client_payment import _owner
from tests.e2e.test_client_payment_elsewhere import PHONE, _log, _order_of
from tests.e2e.test_client_payment_elsewhere import crm as payments_crm
from tests.e2e.test_kill import until

crm = payments_crm
EMAIL = "petr.sidorov@example.org"


async def _sent(crm, org_id: int, client_id: int, count: int) -> list:
    async def done() -> bool:
        logged = await _log(crm, org_id, client_id)
        return len(logged) >= count and all(s is DeliveryStatus.SENT for _, _, s in logged)

    for _ in range(400):
        if await done():
            break
        await crm_sleep()
    return await _log(crm, org_id, client_id)


async def crm_sleep() -> None:
    import asyncio

    await asyncio.sleep(0.05)


async def test_a_new_order_is_confirmed_to_an_sms_only_client_by_sms(crm):
    olga, ivan = await _team(crm, (7601, 7602))
    owner = await _owner(crm, 7601)
    services = crm.container.services
    sms = sms_json(sms_settings("sms_ru", "sms-key"))
    await services.org_settings.store_secret(owner, SMS_SECRET, sms)

    await _order(olga, ivan)
    await until(lambda: crm.sms.received(PHONE), "the confirmation SMS")
    (sms,) = crm.sms.received(PHONE)
    assert "10:00" in sms.text and sms.segments <= 2  # cut to fit two segments
    assert "/c/" in sms.text.splitlines()[-1]  # the client page's link, whole, last
    order = await _order_of(crm, owner.organization.id)
    logged = await _sent(crm, owner.organization.id, order.client_id, 1)
    assert logged == [(MessageKind.CONFIRMATION.value, Channel.SMS, DeliveryStatus.SENT)]


async def test_a_new_order_is_confirmed_to_an_email_only_client_with_the_visit(crm):
    olga, ivan = await _team(crm, (7701, 7702))
    owner = await _owner(crm, 7701)
    services = crm.container.services
    await _order(olga, ivan)  # nothing configured: the client hears nothing
    order = await _order_of(crm, owner.organization.id)
    assert await _log(crm, owner.organization.id, order.client_id) == []
    assert crm.sms.received(PHONE) == []
    async with MailPeer() as mail:
        server = smtp_settings("127.0.0.1", mail.port, "none", "office@chisty.example")
        await services.org_settings.store_secret(owner, SMTP_SECRET, smtp_json(server))
        await services.clients.edit(owner, order.client_id, "email", EMAIL)

        await _second_order(olga)
        await until(lambda: mail.for_recipient(EMAIL), "the confirmation e-mail")
        (sent,) = mail.for_recipient(EMAIL)
        assert "10:00" in sent.text() and "Сухонская" in sent.text()
        (ics,) = [a for a in sent.attachments() if a[0] == "order-2.ics"]
        (event,) = Calendar.from_ical(ics[2]).walk("VEVENT")
        assert int(event["sequence"]) == 0
        logged = await _sent(crm, owner.organization.id, order.client_id, 1)
        assert logged == [(MessageKind.CONFIRMATION.value, Channel.EMAIL, DeliveryStatus.SENT)]
    assert crm.sms.received(PHONE) == []  # no SMS provider: never by SMS


async def _second_order(olga) -> None:
    """Order №2 for the same client (found by number), tomorrow at 10:00, unassigned."""
    await olga.send("/neworder")
    await olga.reply()
    await olga.send("+7 916 123-45-67")
    prompt = await olga.reply()
    if "Пётр Сидоров" in " ".join(prompt.labels):
        await olga.tap(next(lbl for lbl in prompt.labels if "Пётр Сидоров" in lbl))
        prompt = await olga.reply()
    await olga.tap(next(lbl for lbl in prompt.labels if "Сухонская" in lbl))
    for label in ("Уборка", "Завтра", "10:00"):
        await olga.reply()
        await olga.tap(label)
    await olga.reply()
    await olga.send("3 500")
    for label in ("Пропустить", "✅ Создать"):
        await olga.reply()
        await olga.tap(label)
    await olga.reply()
