"""`core.channels.email.MailSender` over aiosmtplib: one connection per message to the
organization's own server (docs/email.md).

The message: `multipart/mixed` around a `multipart/alternative` of the text (and the HTML
when there is one), then the attachments. A calendar invitation (`text/calendar`) also goes
inside the alternative as iMIP wants (RFC 6047), so Gmail and Outlook show it as an
invitation, and stays attached as the `.ics` file for everyone else. Text parts are UTF-8
quoted-printable (any server takes them, 8BITMIME or not); the subject and display names are
RFC 2047 encoded words when they are not ASCII. Headers: From, To, Subject, Date, Message-ID,
MIME-Version, and with an unsubscribe target `List-Unsubscribe: <https://...>, <mailto:...>`
and `List-Unsubscribe-Post: List-Unsubscribe=One-Click` (RFC 2369, RFC 8058).

The connection: `starttls` connects in plain text and must upgrade (no silent fallback to
plain), `tls` is TLS from the first byte, `none` never upgrades; then AUTH when the settings
have a user name (aiosmtplib picks CRAM-MD5, PLAIN or LOGIN from what the server offers).
Failures become MailRejected (permanent) or MailDeferred (temporary) by the reply code's class
(`core.channels.email.reply_failure`); a refused connection or a timeout is temporary. Never
logged or put in an error: addresses, subjects, bodies, user names, passwords, server texts.
"""

from __future__ import annotations

import asyncio
import logging
import ssl
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid

import aiosmtplib

from core.channels.email import (
    Attachment,
    Mailbox,
    MailDeferred,
    MailError,
    MailFailure,
    MailRejected,
    OutgoingEmail,
    SmtpSecurity,
    SmtpSettings,
    reply_failure,
)
from core.ports import Clock

log = logging.getLogger(__name__)

ONE_CLICK = "List-Unsubscribe=One-Click"


class SmtpMailSender:
    """Sends through the settings given with each message. `timeout` bounds each network
    step (connect, each command), `total_timeout` the whole exchange; `tls_context` replaces
    the system's trust store (a private CA; the tests' self-signed server)."""

    def __init__(
        self,
        clock: Clock,
        timeout: float = 30.0,
        total_timeout: float = 120.0,
        tls_context: ssl.SSLContext | None = None,
    ) -> None:
        self._clock = clock
        self._timeout = timeout
        self._total = total_timeout
        self._tls = tls_context

    def __repr__(self) -> str:
        return f"SmtpMailSender(timeout={self._timeout!r})"

    async def send(self, settings: SmtpSettings, message: OutgoingEmail) -> str:
        built = build_message(message, self._clock)
        message_id = str(built["Message-ID"])
        recipients = [message.to.address]
        domain = message.message_id_domain
        async with self._failures(), self._session(settings, domain) as client:
            await client.send_message(built, sender=message.sender.address, recipients=recipients)
        log.info("smtp message accepted")
        return message_id

    async def check(self, settings: SmtpSettings) -> None:
        """Connect, upgrade and log in as a send would, then quit: the settings page's test.
        Raises what `send` would for the same server."""
        domain = settings.from_address.rsplit("@", 1)[1]
        async with self._failures(), self._session(settings, domain):
            pass

    @asynccontextmanager
    async def _session(
        self, settings: SmtpSettings, local_hostname: str
    ) -> AsyncIterator[aiosmtplib.SMTP]:
        security = settings.security
        client = aiosmtplib.SMTP(
            hostname=settings.host,
            port=settings.port,
            local_hostname=local_hostname,  # not socket.getfqdn(), a blocking DNS lookup
            timeout=self._timeout,
            use_tls=security is SmtpSecurity.TLS,
            start_tls=False,  # upgraded below, only when chosen and then without fallback
            tls_context=self._tls if security is not SmtpSecurity.NONE else None,
        )
        async with client:
            await client.ehlo()
            if security is SmtpSecurity.STARTTLS:
                if not client.supports_extension("starttls"):
                    raise MailRejected(MailFailure.SETTINGS)
                await client.starttls()
                await client.ehlo()  # RFC 3207: forget what was said before TLS
            if settings.username:
                if not client.supports_extension("auth"):
                    raise MailRejected(MailFailure.SETTINGS)
                await client.login(settings.username, settings.password)
            yield client

    @asynccontextmanager
    async def _failures(self) -> AsyncIterator[None]:
        """Everything that can go wrong as MailRejected or MailDeferred, logged by kind only."""
        try:
            async with asyncio.timeout(self._total):
                yield
        except MailError as error:
            raise _failed(error) from None
        except TimeoutError:
            raise _failed(MailDeferred(MailFailure.TIMEOUT)) from None
        except aiosmtplib.SMTPException as exc:
            raise _failed(_mapped(exc)) from None
        except ssl.SSLError:
            raise _failed(MailRejected(MailFailure.SETTINGS)) from None
        except OSError:
            raise _failed(MailDeferred(MailFailure.CONNECT)) from None


def build_message(message: OutgoingEmail, clock: Clock) -> EmailMessage:
    """The MIME message as it goes on the wire (aiosmtplib serialises it with policy.SMTP)."""
    built = EmailMessage()
    built["From"] = _address(message.sender)
    built["To"] = _address(message.to)
    if message.reply_to is not None:
        built["Reply-To"] = _address(message.reply_to)
    built["Subject"] = message.subject
    built["Date"] = format_datetime(clock.now(), usegmt=True)
    if message.message_key:
        built["Message-ID"] = f"<{message.message_key}@{message.message_id_domain}>"
    else:
        built["Message-ID"] = make_msgid(domain=message.message_id_domain)
    if message.unsubscribe is not None:
        targets = [f"<{message.unsubscribe.url}>"]
        if message.unsubscribe.mailto:
            targets.append(f"<mailto:{message.unsubscribe.mailto}?subject=unsubscribe>")
        built["List-Unsubscribe"] = ", ".join(targets)
        built["List-Unsubscribe-Post"] = ONE_CLICK
    built.set_content(message.text, subtype="plain", charset="utf-8", cte="quoted-printable")
    if message.html is not None:
        built.add_alternative(
            message.html, subtype="html", charset="utf-8", cte="quoted-printable"
        )
    for attachment in message.attachments:
        if attachment.maintype == "text" and attachment.subtype == "calendar":
            _add_invitation(built, attachment)
    for attachment in message.attachments:
        maintype, subtype = _file_type(attachment)
        built.add_attachment(
            attachment.data,
            maintype=maintype,
            subtype=subtype,
            filename=attachment.filename,
            params=_file_params(attachment),
        )
    return built


def _address(mailbox: Mailbox) -> Address:
    local, domain = mailbox.address.rsplit("@", 1)
    return Address(display_name=mailbox.name, username=local, domain=domain)


def _add_invitation(built: EmailMessage, attachment: Attachment) -> None:
    """The calendar object as the last alternative: text/calendar; method=...; charset=UTF-8.
    A file that is not UTF-8 text is only attached."""
    params = attachment.params
    try:
        text = attachment.data.decode("utf-8")
    except UnicodeDecodeError:
        return
    built.add_alternative(
        text,
        subtype="calendar",
        charset="utf-8",
        cte="base64",
        params={k: v for k, v in params.items() if k == "method"},
    )


def _file_type(attachment: Attachment) -> tuple[str, str]:
    # The .ics file goes as application/ics: clients that already took the invitation from
    # the alternative part do not offer it twice, the others save or open the file.
    if attachment.maintype == "text" and attachment.subtype == "calendar":
        return ("application", "ics")
    return (attachment.maintype, attachment.subtype)


def _file_params(attachment: Attachment) -> dict[str, str]:
    if attachment.maintype == "text" and attachment.subtype == "calendar":
        return {}
    return attachment.params


def _mapped(exc: aiosmtplib.SMTPException) -> MailError:
    """aiosmtplib's exception as the core's failure; its text (server words) is dropped."""
    if isinstance(exc, aiosmtplib.SMTPTimeoutError):
        return MailDeferred(MailFailure.TIMEOUT)
    if isinstance(exc, aiosmtplib.SMTPRecipientsRefused):
        codes = [refused.code for refused in exc.recipients]
        return reply_failure(MailFailure.RECIPIENT, max(codes) if codes else 550)
    if isinstance(exc, aiosmtplib.SMTPAuthenticationError):
        return reply_failure(MailFailure.AUTH, exc.code)
    if isinstance(exc, aiosmtplib.SMTPRecipientRefused):
        return reply_failure(MailFailure.RECIPIENT, exc.code)
    if isinstance(exc, aiosmtplib.SMTPSenderRefused):
        return reply_failure(MailFailure.SENDER, exc.code)
    if isinstance(exc, aiosmtplib.SMTPDataError):
        return reply_failure(MailFailure.DATA, exc.code)
    if isinstance(exc, aiosmtplib.SMTPConnectResponseError):
        return reply_failure(MailFailure.CONNECT, exc.code)
    if isinstance(exc, aiosmtplib.SMTPResponseException):
        return reply_failure(MailFailure.PROTOCOL, exc.code)
    if isinstance(exc, aiosmtplib.SMTPNotSupported):
        # No STARTTLS or no AUTH offered: the settings do not fit this server.
        return MailRejected(MailFailure.SETTINGS)
    if isinstance(exc, aiosmtplib.SMTPConnectError | aiosmtplib.SMTPServerDisconnected):
        return MailDeferred(MailFailure.CONNECT)
    return MailDeferred(MailFailure.PROTOCOL)


def _failed(error: MailError) -> MailError:
    level = logging.INFO if error.retryable else logging.WARNING
    log.log(level, "smtp send failed: %s %s", error.failure.value, error.code or "")
    return error
