"""Client messages by SMS and e-mail (issue 19, item 2): a confirmation for a client who is not
reachable in Telegram is logged as queued with its channel and enqueued as a durable job in the
change's own transaction (core/client_loop/queueing.py); the job renders the message for its
channel, sends it through the organization's provider and marks the log sent with the
provider's id.

Failures: a temporary one (a provider's limit or outage, an SMTP 4xx, a timeout) is raised to
the job queue, which retries with backoff; a permanent one (bad credentials, a refused number
or address, a text that cannot fit) or the last attempt's failure marks the log failed and
enqueues the next channel of the choice as a job of its own. Jobs are deduplicated per order,
kind, calendar sequence and channel, so one message never goes twice on one channel.
SMS waits for the end of the quiet hours (21:00-09:00 on the organization's wall clock) unless
the organization turned them off: the job's run_at is the next allowed moment.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, replace
from typing import Any

from core.channels.calendar import Person, VisitInvitation
from core.channels.email import (
    Attachment,
    Mailbox,
    MailError,
    MailSender,
    OutgoingEmail,
    SmtpSettings,
    Unsubscribe,
)
from core.channels.sms import SmsError, SmsGateway
from core.client_loop.channels import sms_number
from core.client_loop.confirm import invitation_of
from core.client_loop.done_photos import mail_photos
from core.client_loop.invoice_news import invoice_mail, pdf_attachment
from core.client_loop.mail_replies import issue_reply, reply_address
from core.client_loop.model import Channel, DeliveryStatus, MessageKind, Purpose, consent_state
from core.client_loop.optout import ensure_sms_hook, issue_unsubscribe, sms_callback_path
from core.client_loop.outgoing import (
    EMAIL_JOB,
    SMS_JOB,
    NoRoute,
    email_parts,
    enqueue_next,
    outdated,
    rendered,
)
from core.client_loop.providers import (
    SMS_SECRET,
    SMTP_SECRET,
    SmsProvider,
    SmsSettings,
    sms_of,
    smtp_of,
)
from core.client_loop.staff_photo import photo_attachment, photo_of
from core.domain import Attachment as FileRow
from core.domain import Job
from core.errors import ExternalServiceError
from core.ports import Clock, UnitOfWork, UowFactory
from core.runtime.jobs import DEFAULT_MAX_ATTEMPTS, max_attempts_of

log = logging.getLogger(__name__)

Credentials = Callable[[UnitOfWork, int, str], Any]  # OrgSettingsService.credential_in
SmsGateways = Callable[[SmsSettings], SmsGateway]
IcsWriter = Callable[[VisitInvitation], bytes]
FileReader = Callable[[FileRow], Awaitable[bytes]]  # FileService.content
ObjectReader = Callable[[str], Awaitable[bytes]]  # a stored object by its key (an invoice PDF)


@dataclass(frozen=True, slots=True)
class Sent:
    provider_id: str


class OptedOut(NoRoute):
    """The client withdrew this channel after the message was queued: not sent."""


class ClientDelivery:
    """Runs the SMS and e-mail jobs of client messages."""

    def __init__(
        self,
        uow: UowFactory,
        clock: Clock,
        credentials: Credentials,
        sms: SmsGateways,
        mail: MailSender,
        ics: IcsWriter,
        max_attempts: int = DEFAULT_MAX_ATTEMPTS,
        public_url: str | None = None,
        reply_domain: str | None = None,
        files: FileReader | None = None,
        objects: ObjectReader | None = None,
        reply_key: bytes | None = None,
    ) -> None:
        self._objects = objects  # the invoice's PDFs an invoice e-mail attaches
        self._files = files  # the bytes of an order's file (a staff photo an e-mail attaches)
        self._public_url = public_url.rstrip("/") if public_url else None
        self._reply_domain = reply_domain  # INBOUND_MAIL_DOMAIN: answers come back (Reply-To)
        self._reply_key = reply_key  # makes a message's Reply-To token the same on every attempt
        self._uow = uow
        self._clock = clock
        self._credentials = credentials
        self._sms = sms
        self._mail = mail
        self._ics = ics
        self._max_attempts = max_attempts

    def handlers(self) -> dict[str, Callable[[Job], Any]]:
        return {SMS_JOB: self.run, EMAIL_JOB: self.run}

    async def run(self, job: Job) -> None:
        payload: dict[str, Any] = dict(job.payload)
        channel = Channel(payload["channel"])
        org_id, message_id = int(payload["org"]), int(payload["message"])
        async with self._uow() as uow:
            logged = await uow.client_loop.message(org_id, message_id)
            if logged is None or logged.status is not DeliveryStatus.QUEUED:
                return  # sent (a repeat after a lost lease), failed over, or erased
            org = await uow.orgs.get(org_id)
            client = await uow.clients.get(org_id, int(payload["client"]))
            email = await uow.client_loop.client_email(org_id, int(payload["client"]))
            secret = SMS_SECRET if channel is Channel.SMS else SMTP_SECRET
            stored = await self._credentials(uow, org_id, secret)
            settings = await uow.client_loop.settings(org_id)
            consents = consent_state(
                await uow.client_loop.consents(org_id, int(payload["client"]))
            )
            reachable = client is not None and org is not None
            order_id = payload.get("order")
            order = await uow.orders.get(org_id, int(order_id)) if order_id else None
            if outdated(payload, order):  # moved or closed since: the next message says so
                now = self._clock.now()
                await uow.client_loop.set_status(
                    org_id, message_id, DeliveryStatus.FAILED, None, now
                )
                await uow.commit()
                log.info("client message %s dropped: the order changed since", message_id)
                return
            links = await self._opt_out_links(uow, payload, channel, stored, reachable)
            photo = await photo_of(uow, org_id, payload) if channel is Channel.EMAIL else None
            photos = await mail_photos(uow, org_id, payload) if channel is Channel.EMAIL else []
            pdfs = await invoice_mail(uow, org_id, payload) if channel is Channel.EMAIL else []
            reply = None
            if channel is Channel.EMAIL and self._reply_domain is not None and reachable:
                token = await issue_reply(uow, org_id, message_id, self._reply_key)
                await uow.commit()
                reply = Mailbox(reply_address(token, self._reply_domain))
        zone = org.timezone if org is not None else "UTC"
        try:
            if org is None or client is None:
                raise NoRoute("the organization or the client is gone")
            restricted = client.restricted and not payload.get("kept")  # kept: confirms it
            if consents.withdrawn(channel, Purpose.TRANSACTIONAL) or restricted:
                raise OptedOut("the client opted out of this channel since it was queued")
            if channel is Channel.SMS:
                sent = await self._send_sms(payload, client.phones, sms_of(stored), links)
            else:
                extra: tuple[Attachment, ...] = ()
                if photo is not None and self._files is not None:
                    extra = (photo_attachment(photo, await self._files(photo)),)
                if photos and self._files is not None:  # a done summary's photos of the work
                    extra += tuple([photo_attachment(p, await self._files(p)) for p in photos])
                if pdfs and self._objects is not None:  # the invoice and the service report
                    extra += tuple([pdf_attachment(k, await self._objects(k)) for k in pdfs])
                sent = await self._send_email(
                    payload, email, smtp_of(stored), org.name, links, reply, extra
                )
        except (NoRoute, SmsError, MailError, ExternalServiceError) as error:
            last = job.attempts >= max_attempts_of(job, self._max_attempts)
            temporary = isinstance(error, ExternalServiceError) and error.retryable
            if temporary and not last:
                raise  # the job queue retries with backoff
            log.info(
                "client message %s on %s failed (%s): trying the next channel",
                message_id, channel.value, type(error).__name__,
            )  # fmt: skip
            async with self._uow() as uow:
                now = self._clock.now()
                await uow.client_loop.set_status(
                    org_id, message_id, DeliveryStatus.FAILED, None, now
                )
                await enqueue_next(uow, self._clock, payload, channel, zone, settings.quiet_hours)
                await uow.commit()
            return
        async with self._uow() as uow:
            now = self._clock.now()
            await uow.client_loop.set_status(
                org_id, message_id, DeliveryStatus.SENT, sent.provider_id, now
            )
            await uow.commit()
        log.info("client message %s sent on %s", message_id, channel.value)

    async def _opt_out_links(
        self, uow: UnitOfWork, payload: Mapping[str, Any], channel: Channel, stored: Any,
        reachable: bool,
    ) -> str | None:  # fmt: skip
        """E-mail: a new unsubscribe link (`/u/<token>`); SMS by SMS.ru: the callback URL
        when the organization has none yet (SMS.ru registers it for the account). Written and
        committed before the message goes, so a link in a message always opens."""
        if self._public_url is None or not reachable:
            return None
        org_id, now = int(payload["org"]), self._clock.now()
        if channel is Channel.EMAIL:
            token = await issue_unsubscribe(uow, org_id, int(payload["client"]), now)
            await uow.commit()
            return f"{self._public_url}/u/{token}"
        sms = sms_of(stored)
        if sms is None or sms.provider is not SmsProvider.SMS_RU:
            return None  # SMSC.ru: the owner sets the URL in the account (docs/sms.md)
        secret = await ensure_sms_hook(uow, org_id, now)
        if secret is None:
            return None
        await uow.commit()
        return self._public_url + sms_callback_path(sms.provider.value, org_id, secret)

    async def _send_sms(
        self, payload: Mapping[str, Any], phones: tuple[str, ...], settings: SmsSettings | None,
        callback: str | None,
    ) -> Sent:  # fmt: skip
        phone = sms_number(phones)
        if phone is None or settings is None:
            raise NoRoute("no mobile number or no SMS provider")
        text = rendered(Channel.SMS, payload)
        gateway = self._sms(settings)
        receipt = await gateway.send(phone, text, settings.sender, status_callback_url=callback)
        return Sent(receipt.message_id)

    async def _send_email(
        self,
        payload: Mapping[str, Any],
        address: str | None,
        settings: SmtpSettings | None,
        org_name: str,
        unsubscribe: str | None,
        reply_to: Mailbox | None = None,
        extra: tuple[Attachment, ...] = (),
    ) -> Sent:
        if address is None or settings is None:
            raise NoRoute("no e-mail address or no SMTP server")
        kind, values = MessageKind(payload["kind"]), payload["values"]
        subject, text = email_parts(kind, payload["template"], values)
        sender_name = settings.from_name or org_name
        # The opt-out: the unsubscribe link in the text and, when it is https, in the
        # List-Unsubscribe headers (RFC 8058 one-click); without a public URL, a reply.
        language, sender_address = payload["language"], settings.from_address
        text = f"{text}\n\n{opt_out_line(language, sender_address, unsubscribe)}"
        one_click = None
        if unsubscribe is not None and unsubscribe.startswith("https://"):
            one_click = Unsubscribe(unsubscribe)
        attachments: tuple[Attachment, ...] = ()
        if payload.get("invitation") is not None:  # a visit (a rating question has none)
            invitation = replace(
                invitation_of(payload["invitation"]),
                organizer=Person(sender_name[:200], settings.from_address),
                attendee=Person(str(values.get("client_first_name") or "")[:200], address),
            )
            method = invitation.method.value
            ics = Attachment(
                f"order-{payload['number']}.ics",
                f"text/calendar; method={method}; charset=UTF-8",
                self._ics(invitation),
            )
            attachments = (ics,)
        domain = settings.from_address.rsplit("@", 1)[1]
        message = OutgoingEmail(
            sender=Mailbox(settings.from_address, sender_name[:200]),
            to=Mailbox(address),
            subject=subject,
            text=text,
            message_id_domain=domain,
            attachments=attachments + extra,
            unsubscribe=one_click,
            message_key=f"client-message-{payload['message']}",
            reply_to=reply_to,
        )
        return Sent(await self._mail.send(settings, message))


def opt_out_line(language: str, address: str, link: str | None = None) -> str:
    if link is not None and language == "ru":
        return f"Чтобы не получать эти письма, откройте {link}"
    if link is not None:
        return f"To stop these e-mails, open {link}"
    if language == "ru":
        return f"Чтобы не получать эти письма, ответьте на адрес {address} словом STOP."
    return f"To stop these e-mails, reply to {address} with the word STOP."
