"""Client messages by SMS and e-mail, the service's side (issue 19, item 2): queue a
confirmation for a client who is not reachable in Telegram on the first channel of the draft's
choice that takes it, in the change's own transaction; build the jobs' runner
(`core/client_loop/delivery.py`) on the service's database and clock; read the organization's
SMS provider and SMTP server and a client's e-mail address.
"""

from __future__ import annotations

from collections.abc import Callable

from core.channels.email import MailSender, SmtpSettings
from core.client_loop.confirm import ClientDraft
from core.client_loop.delivery import (
    ClientDelivery,
    Credentials,
    FileReader,
    IcsWriter,
    ObjectReader,
    SmsGateways,
)
from core.client_loop.mail_replies import MailReplies
from core.client_loop.optout import OptOutService
from core.client_loop.outgoing import enqueue_first, job_payload
from core.client_loop.page_links import page_link
from core.client_loop.providers import SMS_SECRET, SMTP_SECRET, SmsSettings, sms_of, smtp_of
from core.client_loop.setup import ClientLoopSetup
from core.domain import Actor
from core.permissions import Action, require
from core.ports import Clock
from core.runtime.jobs import DEFAULT_MAX_ATTEMPTS


class ClientChannels(ClientLoopSetup):
    """The service's side: queue a draft for SMS or e-mail; build the jobs' runner."""

    async def queue_elsewhere(
        self, draft: ClientDraft, amount: str | None, once: str | None = None
    ) -> bool:
        """In the change's unit of work: log and enqueue the message on the first of the
        draft's channels that takes it (False: none did). `once`: a message not about the
        visit's time (a new total), sent once per key, with the amount and no calendar."""
        payload = job_payload(draft, amount)
        if once is not None:
            payload.update(dedup=once, invitation=None)
            payload["values"]["amount"] = amount
        async with self._uow() as uow:
            org = await uow.orgs.get(draft.organization_id)
            payload["values"]["page_link"] = await page_link(
                uow, self._pages, draft.kind, draft.organization_id, draft.order_id,
                draft.client_id, self._clock.now(),
            )  # fmt: skip
            settings = await uow.client_loop.settings(draft.organization_id)
            zone = org.timezone if org is not None else "UTC"
            taken = await enqueue_first(
                uow, self._clock, payload, draft.channels, zone, settings.quiet_hours
            )
            await uow.commit()
        return taken is not None

    def delivery(
        self, credentials: Credentials, sms: SmsGateways, mail: Callable[[Clock], MailSender],
        ics: IcsWriter, max_attempts: int = DEFAULT_MAX_ATTEMPTS, public_url: str | None = None,
        reply_domain: str | None = None, files: FileReader | None = None,
        objects: ObjectReader | None = None, reply_key: bytes | None = None,
    ) -> ClientDelivery:  # fmt: skip
        """The jobs' runner on this service's database and clock (`mail` gets the clock);
        `public_url`: the admin app's, for unsubscribe links and SMS callbacks;
        `reply_domain`: where clients' answers to e-mails are received (Reply-To);
        `reply_key`: keeps a message's Reply-To the same on every attempt."""
        clock = self._clock
        return ClientDelivery(
            self._uow, clock, credentials, sms, mail(clock), ics, max_attempts, public_url,
            reply_domain, files, objects, reply_key,
        )  # fmt: skip

    def mail_replies(self, domain: str) -> MailReplies:
        """What the inbound SMTP server asks of the database (replies to client e-mails)."""
        return MailReplies(self._uow, self._clock, domain)

    def optouts(self) -> OptOutService:
        """Unsubscribe links and SMS provider callbacks on this service's database."""
        return OptOutService(self._uow, self._clock)

    async def channel_settings(
        self, actor: Actor, credentials: Credentials
    ) -> tuple[SmsSettings | None, SmtpSettings | None]:
        """The organization's SMS provider and SMTP server as stored (owners' settings)."""
        require(actor, Action.ORG_SETTINGS)
        assert actor.organization is not None
        org_id = actor.organization.id
        async with self._uow() as uow:
            sms = sms_of(await credentials(uow, org_id, SMS_SECRET))
            smtp = smtp_of(await credentials(uow, org_id, SMTP_SECRET))
        return sms, smtp

    async def email_of(self, actor: Actor, client_id: int) -> str | None:
        """The client card's e-mail address (for the card; e-mail messages read their own)."""
        require(actor, Action.CLIENT_EDIT)
        assert actor.organization is not None
        async with self._uow() as uow:
            return await uow.client_loop.client_email(actor.organization.id, client_id)
