"""A local SMTP server (aiosmtpd) that takes mail the way an organization's own server would,
for the tests and the sandbox's e-mail-only client (docs/email.md).

It runs on the caller's event loop (no thread of its own), on 127.0.0.1 and a free port by
default, and speaks real ESMTP: EHLO, optionally STARTTLS (`tls_context`) or TLS from the
first byte (`implicit_tls`), AUTH PLAIN and LOGIN when `credentials` are set (then MAIL
without a successful AUTH gets `530 5.7.0`), MAIL, RCPT, DATA, QUIT. `refuse(address, code,
text)` makes RCPT TO for that address answer the chosen 4xx or 5xx until `accept(address)`.
Messages taken are parsed with the standard library (`email.policy.default`) and kept in
memory in arrival order (`messages`, `for_recipient`, `wait_for`).

Imports nothing of the product."""

from __future__ import annotations

import asyncio
import email
import email.policy
import hmac
import ssl
from dataclasses import dataclass, field
from email.message import EmailMessage
from email.utils import make_msgid, parseaddr
from typing import Any

import aiosmtplib
from aiosmtpd.smtp import SMTP, AuthResult, Envelope, LoginPassword, Session

DEFAULT_HOSTNAME = "mail.sandbox.test"


@dataclass(frozen=True, slots=True)
class ReceivedMail:
    """One message as the server took it: the envelope, the login used, the parsed message."""

    mail_from: str
    recipients: tuple[str, ...]
    message: EmailMessage
    raw: bytes = field(repr=False)
    login: str | None = None

    @property
    def subject(self) -> str:
        return str(self.message.get("Subject", ""))

    def text(self, subtype: str = "plain") -> str | None:
        """The body of the first part of that subtype (`plain`, `html`, `calendar`)."""
        for part in self.message.walk():
            if part.get_content_type() == f"text/{subtype}" and not part.is_attachment():
                return str(part.get_content())
        return None

    def attachments(self) -> list[tuple[str, str, bytes]]:
        """(file name, content type with parameters, bytes) of each attached file."""
        found = []
        for part in self.message.iter_attachments():
            if not isinstance(part, EmailMessage):
                continue
            payload = part.get_payload(decode=True)
            data = payload if isinstance(payload, bytes) else b""
            found.append((part.get_filename() or "", str(part.get("Content-Type", "")), data))
        return found


class _Handler:
    """aiosmtpd's hooks: who may send, which recipients are refused, where messages go."""

    def __init__(self, peer: MailPeer) -> None:
        self._peer = peer

    async def handle_MAIL(  # noqa: N802 (aiosmtpd's hook names)
        self, server: SMTP, session: Session, envelope: Envelope, address: str, options: list[str]
    ) -> str:
        if self._peer.credentials is not None and not session.authenticated:
            return "530 5.7.0 Authentication required"
        envelope.mail_from = address
        envelope.mail_options.extend(options)
        return "250 OK"

    async def handle_RCPT(  # noqa: N802
        self, server: SMTP, session: Session, envelope: Envelope, address: str, options: list[str]
    ) -> str:
        refusal = self._peer.refusals.get(address.casefold())
        if refusal is not None:
            return refusal
        envelope.rcpt_tos.append(address)
        envelope.rcpt_options.extend(options)
        return "250 OK"

    async def handle_DATA(  # noqa: N802
        self, server: SMTP, session: Session, envelope: Envelope
    ) -> str:
        raw = envelope.original_content or b""
        if isinstance(envelope.content, bytes):
            raw = envelope.content
        # Lines end in CRLF on the wire; the parser wants the local convention.
        parsed = email.message_from_bytes(raw.replace(b"\r\n", b"\n"), policy=email.policy.default)
        assert isinstance(parsed, EmailMessage)
        login = None
        if isinstance(session.auth_data, LoginPassword):
            login = session.auth_data.login.decode("utf-8", "replace")
        self._peer._received(
            ReceivedMail(envelope.mail_from or "", tuple(envelope.rcpt_tos), parsed, raw, login)
        )
        return "250 2.0.0 OK: queued"


class _Session(SMTP):
    """aiosmtpd's protocol, remembered by the peer while its connection lasts."""

    def __init__(self, peer: MailPeer, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._peer = peer
        self._socket_transport: asyncio.BaseTransport | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        first = self._socket_transport is None
        super().connection_made(transport)
        if first:  # later calls are the TLS transport after STARTTLS
            self._socket_transport = transport
            self._peer._sessions.add(self)

    def connection_lost(self, error: Exception | None) -> None:
        if self in self._peer._sessions:
            self._peer._sessions.discard(self)
            super().connection_lost(error)

    def drop(self) -> None:
        """Close the socket; when a STARTTLS handshake failed under it, asyncio's TLS layer
        never reports the loss to aiosmtpd, so tell it here (its task would wait forever)."""
        transport = self._socket_transport
        if transport is not None and not transport.is_closing():
            transport.close()


class MailPeer:
    """`async with MailPeer() as peer:` serves on `peer.port` until the block ends."""

    def __init__(
        self,
        host: str = "127.0.0.1",
        port: int = 0,
        *,
        credentials: tuple[str, str] | None = None,
        tls_context: ssl.SSLContext | None = None,
        implicit_tls: bool = False,
        hostname: str = DEFAULT_HOSTNAME,
    ) -> None:
        if implicit_tls and tls_context is None:
            raise ValueError("implicit TLS needs a server TLS context")
        self.host = host
        self.credentials = credentials
        self.refusals: dict[str, str] = {}
        self._port = port
        self._tls = tls_context
        self._implicit = implicit_tls
        self._hostname = hostname
        self._messages: list[ReceivedMail] = []
        self._arrived = asyncio.Event()
        self._sessions: set[_Session] = set()
        self._server: asyncio.AbstractServer | None = None
        # Where the client's answers go (the product's inbound SMTP server): (host, port).
        self.reply_server: tuple[str, int] | None = None

    @property
    def port(self) -> int:
        return self._port

    @property
    def messages(self) -> list[ReceivedMail]:
        return list(self._messages)

    def for_recipient(self, address: str) -> list[ReceivedMail]:
        key = address.casefold()
        return [m for m in self._messages if key in (r.casefold() for r in m.recipients)]

    def clear(self) -> None:
        self._messages.clear()

    def refuse(self, address: str, code: int, text: str = "") -> None:
        """RCPT TO <address> answers `code text` (a 4xx or 5xx) until `accept(address)`."""
        if not 400 <= code <= 599:
            raise ValueError("a refusal is a 4xx or 5xx reply")
        default = "4.2.0 Mailbox busy, try later" if code < 500 else "5.1.1 No such user"
        self.refusals[address.casefold()] = f"{code} {text or default}"

    def accept(self, address: str) -> None:
        self.refusals.pop(address.casefold(), None)

    async def wait_for(self, count: int, within: float = 5.0) -> list[ReceivedMail]:
        """The messages once at least `count` arrived; TimeoutError after `within` seconds."""
        async with asyncio.timeout(within):
            while len(self._messages) < count:
                self._arrived.clear()
                await self._arrived.wait()
        return self.messages

    async def reply(self, index: int, text: str) -> str:
        """The client answers message `index` as a mail program would: to its Reply-To (else
        its From), "Re:" subject, In-Reply-To, the original quoted below; sent over SMTP to
        `reply_server`. The answer's Message-ID."""
        original = self._messages[index]
        if self.reply_server is None:
            raise RuntimeError("no server takes the clients' answers")
        to = str(original.message.get("Reply-To") or original.message.get("From") or "")
        answer = EmailMessage()
        answer["From"] = original.recipients[0]
        answer["To"] = to
        answer["Subject"] = "Re: " + original.subject
        answer["Message-ID"] = make_msgid(domain="client.sandbox.test")
        if original.message.get("Message-ID"):
            answer["In-Reply-To"] = str(original.message["Message-ID"])
        quoted = "\n".join("> " + line for line in (original.text() or "").splitlines())
        said = f"On {original.message.get('Date', '')}, {original.message.get('From', '')} wrote:"
        answer.set_content(f"{text}\n\n{said}\n{quoted}\n")
        host, port = self.reply_server
        await aiosmtplib.send(
            answer, hostname=host, port=port, sender=original.recipients[0],
            recipients=[parseaddr(to)[1]], start_tls=False, use_tls=False, timeout=10,
        )  # fmt: skip
        return str(answer["Message-ID"])

    async def start(self) -> None:
        if self._server is not None:
            raise RuntimeError("the mail peer is already running")
        loop = asyncio.get_running_loop()
        self._server = await loop.create_server(
            self._session, self.host, self._port, ssl=self._tls if self._implicit else None
        )
        self._port = self._server.sockets[0].getsockname()[1]

    async def stop(self) -> None:
        server, self._server = self._server, None
        if server is None:
            return
        server.close()
        for session in list(self._sessions):
            session.drop()
        for _ in range(100):
            if not self._sessions:
                break
            await asyncio.sleep(0.01)
        for session in list(self._sessions):
            session.connection_lost(None)  # its STARTTLS handshake failed: nobody else will
        await server.wait_closed()

    async def __aenter__(self) -> MailPeer:
        await self.start()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.stop()

    def _session(self) -> _Session:
        starttls = self._tls is not None and not self._implicit
        return _Session(
            self,
            _Handler(self),
            hostname=self._hostname,  # never socket.getfqdn(): a blocking lookup
            tls_context=self._tls if starttls else None,
            # Over STARTTLS, AUTH is offered only once the channel is encrypted, as real
            # submission servers do; aiosmtpd cannot see implicit TLS, and plain local tests
            # need AUTH without TLS.
            auth_require_tls=starttls,
            authenticator=self._authenticate,
            enable_SMTPUTF8=True,
            loop=asyncio.get_running_loop(),
        )

    def _authenticate(
        self, server: SMTP, session: Session, envelope: Envelope, mechanism: str, data: Any
    ) -> AuthResult:
        if self.credentials is None or not isinstance(data, LoginPassword):
            return AuthResult(success=False, handled=False)
        user, password = (x.encode("utf-8") for x in self.credentials)
        ok = hmac.compare_digest(data.login, user) & hmac.compare_digest(data.password, password)
        return AuthResult(success=ok, handled=False, auth_data=data if ok else None)

    def _received(self, mail: ReceivedMail) -> None:
        self._messages.append(mail)
        self._arrived.set()
