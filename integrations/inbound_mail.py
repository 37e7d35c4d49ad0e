"""The inbound SMTP server that takes clients' answers to client e-mails (docs/email.md,
"Replies from clients"; core/client_loop/mail_replies.py decides what is kept).

A real ESMTP server (aiosmtpd's protocol on the caller's event loop, no thread): EHLO
advertises SIZE; RCPT TO is accepted only for `reply+<token>@<domain>` addresses whose token
is valid (anything else: `550 5.1.1 No such user`, so a forged or guessed address is refused
before any data is read); DATA above `max_bytes` is refused by aiosmtpd with `552`; a taken
message is parsed with the standard library, its text part (or its HTML part as text)
decoded whatever its charset says, the quoted history and the signature cut off, and the
rest relayed once per Message-ID. A database outage answers `451 4.3.0` so the sending server
tries again (and the Message-ID keeps the retry from relaying twice).

Logs: counts only. aiosmtpd's own logger (`mail.log`) names peers and envelope addresses
(which hold tokens) at INFO and WARNING, so it is raised to ERROR while the server runs.
"""

from __future__ import annotations

import asyncio
import email
import email.policy
import html
import logging
import re
from email.message import EmailMessage, Message
from typing import Any, Protocol

from aiosmtpd.smtp import SMTP, Envelope, Session

log = logging.getLogger(__name__)

MAX_RECIPIENTS = 10
TEXT_MAX = 4000  # characters read before quoting is cut (the relay keeps 1000)
NO_SUCH_USER = "550 5.1.1 No such user"


class ReplySink(Protocol):
    domain: str

    async def accepts(self, address: str) -> bool: ...
    async def relay(self, address: str, text: str, message_id: str | None) -> bool: ...


# Where a reply's own text ends and the quoted message begins (mail clients in English and
# Russian): "On <date>, <name> wrote:" (often wrapped over two lines), "<date>, <name>
# написал(а):", a "-----Original Message-----" line, Outlook's underscores or its "From: ..."
# block, a signature's "-- ".
WROTE = re.compile(
    r"^\s*(on\b.{0,300}\bwrote|.{0,300}\b(написал|написала|написал\(а\)|пишет))\s*:\s*$",
    re.IGNORECASE | re.DOTALL,
)
SEPARATOR = re.compile(
    r"^\s*(-{2,}\s*(original message|исходное сообщение|forwarded message|пересылаемое"
    r" сообщение|переслано)|_{10,}\s*$)|^-- ?$",
    re.IGNORECASE,
)
HEADER = re.compile(r"^\s*(from|от|sent|отправлено)\s*:\s+\S", re.IGNORECASE)


def reply_text(message: Message) -> str:
    """The message's own text: the plain part (else the HTML part as text), without the
    quoted history, the signature or quoted lines ("> ...")."""
    return strip_quoted(_body(message))


def _body(message: Message) -> str:
    part: Message | None
    if isinstance(message, EmailMessage):
        part = message.get_body(preferencelist=("plain", "html"))
    else:
        part = message if message.get_content_maintype() == "text" else None
    if part is None:
        return ""
    text = _decoded(part)[: TEXT_MAX * 4]
    if part.get_content_subtype() == "html":
        text = _html_text(text)
    return text


def _decoded(part: Message) -> str:
    """The part's text in its declared charset; an unknown or lying charset is read as UTF-8
    and then Latin-1 rather than refused."""
    payload = part.get_payload(decode=True)
    raw = payload if isinstance(payload, bytes) else b""
    charset = part.get_content_charset() or "utf-8"
    for attempt in (charset, "utf-8"):
        try:
            return raw.decode(attempt)
        except (LookupError, UnicodeDecodeError):
            continue
    return raw.decode("latin-1")


def _html_text(markup: str) -> str:
    markup = re.sub(r"(?is)<(script|style|head)\b.*?</\1\s*>", "", markup)
    markup = re.sub(r"(?is)<blockquote\b.*", "", markup)  # the quoted message, to the end
    markup = re.sub(r"(?i)<br\s*/?>|</(p|div|li|tr|h[1-6])\s*>", "\n", markup)
    return html.unescape(re.sub(r"<[^>]*>", "", markup)).replace("\xa0", " ")


def strip_quoted(text: str) -> str:
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    kept: list[str] = []
    for index, line in enumerate(lines):
        said = any(k.strip() for k in kept)
        wrapped = f"{line} {lines[index + 1]}" if index + 1 < len(lines) else line
        if SEPARATOR.match(line) or (said and (HEADER.match(line) or WROTE.match(line))):
            break
        if said and WROTE.match(wrapped.strip()):
            break
        if not line.lstrip().startswith(">"):
            kept.append(line.rstrip())
    return "\n".join(kept).strip()[:TEXT_MAX]


class _Handler:
    def __init__(self, sink: ReplySink) -> None:
        self._sink = sink

    async def handle_RCPT(  # noqa: N802 (aiosmtpd's hook names)
        self, server: SMTP, session: Session, envelope: Envelope, address: str, options: list[str]
    ) -> str:
        if len(envelope.rcpt_tos) >= MAX_RECIPIENTS:
            return "452 4.5.3 Too many recipients"
        try:
            valid = await self._sink.accepts(address)
        except Exception as error:  # noqa: BLE001 - the database: the sender tries again later
            log.warning("inbound mail: recipient check failed: %s", type(error).__name__)
            return "451 4.3.0 Try again later"
        if not valid:
            return NO_SUCH_USER
        envelope.rcpt_tos.append(address)
        return "250 2.1.5 OK"

    async def handle_DATA(  # noqa: N802
        self, server: SMTP, session: Session, envelope: Envelope
    ) -> str:
        raw = envelope.original_content or b""
        parsed = email.message_from_bytes(raw.replace(b"\r\n", b"\n"), policy=email.policy.default)
        try:
            text = reply_text(parsed)
        except Exception as error:  # noqa: BLE001 - a malformed message: taken, nothing kept
            log.info("inbound mail: unreadable message (%s)", type(error).__name__)
            return "250 2.0.0 OK"
        message_id = str(parsed.get("Message-ID", "") or "").strip() or None
        relayed = 0
        try:
            for address in envelope.rcpt_tos:
                relayed += await self._sink.relay(address, text, message_id)
        except Exception as error:  # noqa: BLE001 - retried by the sender, kept once
            log.warning("inbound mail: relay failed: %s", type(error).__name__)
            return "451 4.3.0 Try again later"
        log.info("inbound mail: %s of %s recipients relayed", relayed, len(envelope.rcpt_tos))
        return "250 2.0.0 OK"


class InboundMailServer:
    """`await server.start()` listens on `host:port` (0: a free port, then `server.port`)."""

    def __init__(
        self, sink: ReplySink, host: str = "127.0.0.1", port: int = 0, max_bytes: int = 2_000_000
    ) -> None:
        self._sink = sink
        self.host = host
        self._port = port
        self._max_bytes = max_bytes
        self._server: asyncio.AbstractServer | None = None
        self._sessions: set[SMTP] = set()

    @property
    def port(self) -> int:
        return self._port

    async def start(self) -> None:
        logging.getLogger("mail.log").setLevel(logging.ERROR)  # addresses hold tokens
        loop = asyncio.get_running_loop()
        self._server = await loop.create_server(self._session, self.host, self._port)
        self._port = self._server.sockets[0].getsockname()[1]
        log.info("inbound mail server on port %s", self._port)

    async def stop(self) -> None:
        server, self._server = self._server, None
        if server is None:
            return
        server.close()
        for session in list(self._sessions):
            if session.transport is not None:
                session.transport.close()
        await server.wait_closed()

    def _session(self) -> SMTP:
        session = _Session(
            self,
            _Handler(self._sink),
            hostname=self._sink.domain,  # never socket.getfqdn(): a blocking lookup
            data_size_limit=self._max_bytes,
            enable_SMTPUTF8=True,
            loop=asyncio.get_running_loop(),
        )
        return session


class _Session(SMTP):
    def __init__(self, owner: InboundMailServer, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._owner = owner

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        super().connection_made(transport)
        self._owner._sessions.add(self)

    def connection_lost(self, error: Exception | None) -> None:
        self._owner._sessions.discard(self)
        super().connection_lost(error)
