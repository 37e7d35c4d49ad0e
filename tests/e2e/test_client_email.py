"""Issue 19, item 2 through the bot: a client who is not in Telegram, with an e-mail address on
the card, hears about their order being moved by e-mail, sent by the bot's own job runner
through the organization's SMTP server (the local SMTP peer), with the .ics attached."""

from __future__ import annotations

import asyncio

from icalendar import Calendar

from core.client_loop.model import Channel, DeliveryStatus
from core.client_loop.providers import SMTP_SECRET, smtp_json, smtp_settings
from core.domain import TelegramProfile
from sandbox.peers.mail import MailPeer
from tests.e2e.test_client_confirmation import _reschedule
from tests.e2e.test_client_link import _order, _team
from tests.e2e.test_client_link import crm as link_crm
from tests.e2e.test_kill import until

crm = link_crm
EMAIL = "petr.sidorov@example.org"


async def test_an_email_only_client_gets_the_move_by_email(crm):
    olga, ivan = await _team(crm, (9101, 9102))
    await _order(olga, ivan)
    services = crm.container.services
    owner = await services.users.identify(TelegramProfile(9101, "Ольга", language_code="ru"))
    org_id = owner.organization.id
    async with MailPeer() as mail:
        server = smtp_settings("127.0.0.1", mail.port, "none", "office@chisty.example")
        await services.org_settings.store_secret(owner, SMTP_SECRET, smtp_json(server))
        async with services.client_loop._uow() as uow:
            order = await uow.orders.by_number(org_id, 1)
        assert order is not None and order.client_id is not None
        client_id = order.client_id
        await services.clients.edit(owner, client_id, "email", EMAIL)
        await _reschedule(olga, "послезавтра 12:00")
        await until(lambda: mail.for_recipient(EMAIL), "the e-mail")
        (sent,) = mail.for_recipient(EMAIL)
        assert "12:00" in sent.subject and "перенес" in sent.subject
        assert "Сухонская" in sent.text()
        (ics,) = [a for a in sent.attachments() if a[0] == "order-1.ics"]
        (event,) = Calendar.from_ical(ics[2]).walk("VEVENT")
        assert int(event["sequence"]) == 1

        async def statuses() -> list[tuple[Channel, DeliveryStatus]]:
            async with services.client_loop._uow() as uow:
                logged = await uow.client_loop.client_messages(org_id, client_id)
            return [(m.channel, m.status) for m in logged]

        # The server has the e-mail a moment before the job commits it as sent.
        for _ in range(200):
            if await statuses() != [(Channel.EMAIL, DeliveryStatus.QUEUED)]:
                break
            await asyncio.sleep(0.05)
        assert await statuses() == [(Channel.EMAIL, DeliveryStatus.SENT)]
