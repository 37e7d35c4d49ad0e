"""E-mail to a business's clients through the organization's own SMTP server: the message as
the core describes it, the server's settings with their rules, the port that sends one
message, and the two ways a send fails (docs/email.md).

A failure is permanent (`MailRejected`: a 5xx answer, refused credentials, a recipient the
server will never take, settings that cannot work) or temporary (`MailDeferred`: a 4xx
answer, a refused or dropped connection, a timeout); the outbox retries only the second.
Neither carries the server's text, which can quote the address: only a kind and a code."""

from __future__ import annotations

import enum
import re
from dataclasses import dataclass, field
from typing import Protocol

from core.errors import ExternalServiceError

SERVICE = "smtp"
MAX_ADDRESS = 254  # RFC 5321: a path of 256 octets, less the angle brackets
MAX_LOCAL = 64
MAX_LABEL = 63
MAX_NAME = 200
MAX_SUBJECT = 500
MAX_HOST = 253
CONTROL = re.compile(r"[\x00-\x1f\x7f]")
LOCAL_PART = re.compile(r"^[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*$")
LABEL = re.compile(r"^[a-z0-9]([a-z0-9-]*[a-z0-9])?$")
TLD = re.compile(r"^([a-z]{2,}|xn--[a-z0-9-]+)$")


class SmtpSecurity(enum.StrEnum):
    """How the connection is protected: STARTTLS after a plain greeting (submission, 587),
    TLS from the first byte (submissions, 465), or none (a relay on a trusted network)."""

    STARTTLS = "starttls"
    TLS = "tls"
    NONE = "none"


DEFAULT_PORTS = {SmtpSecurity.STARTTLS: 587, SmtpSecurity.TLS: 465, SmtpSecurity.NONE: 25}


class SmtpProblem(enum.StrEnum):
    """What is wrong with SMTP settings, one member per rule (the settings page names the
    field)."""

    HOST_INVALID = "host_invalid"
    PORT_RANGE = "port_range"
    SECURITY_UNKNOWN = "security_unknown"
    FROM_ADDRESS_INVALID = "from_address_invalid"
    FROM_NAME_INVALID = "from_name_invalid"
    CREDENTIALS_INCOMPLETE = "credentials_incomplete"  # a user name without a password, or back


class InvalidSmtpSettings(ValueError):
    """Settings that break a rule; `problems` lists every rule broken, in field order."""

    def __init__(self, problems: tuple[SmtpProblem, ...]) -> None:
        super().__init__(", ".join(problems))
        self.problems = problems


def normalize_address(text: str) -> str | None:
    """The address with its domain lower-cased and in ASCII (IDNA), or None when it is not one
    this check is sure about: an ASCII dot-atom local part (no quoted strings, no comments, no
    IP literals), a domain of at least two labels whose last is alphabetic. Conservative on
    purpose: what passes is accepted by any SMTP server without SMTPUTF8."""
    text = text.strip()
    if len(text) > MAX_ADDRESS or text.count("@") != 1:
        return None
    local, domain = text.split("@")
    if not local or len(local) > MAX_LOCAL or not LOCAL_PART.match(local):
        return None
    host = normalize_host(domain)
    if host is None or "." not in host or not TLD.match(host.rsplit(".", 1)[1]):
        return None
    address = f"{local}@{host}"
    return address if len(address) <= MAX_ADDRESS else None


def normalize_host(text: str) -> str | None:
    """A DNS host name lower-cased in ASCII (a Cyrillic domain becomes its xn-- form), or None.
    IP addresses pass as the dotted labels they are (a relay at 10.0.0.5)."""
    text = text.strip().rstrip(".").lower()
    if not text or CONTROL.search(text):
        return None
    try:
        host = text.encode("idna").decode("ascii")
    except UnicodeError:
        return None
    labels = host.split(".")
    if len(host) > MAX_HOST or not all(len(x) <= MAX_LABEL and LABEL.match(x) for x in labels):
        return None
    return host


def _clean_text(value: str, limit: int) -> bool:
    return len(value) <= limit and not CONTROL.search(value)


@dataclass(frozen=True, slots=True)
class SmtpSettings:
    """One organization's SMTP server. Constructing it checks every rule at once and raises
    InvalidSmtpSettings naming all that failed; `password` never shows in a repr."""

    host: str
    port: int
    security: SmtpSecurity
    from_address: str
    from_name: str = ""
    username: str = ""
    password: str = field(default="", repr=False)

    def __post_init__(self) -> None:
        problems = smtp_problems(self)
        if problems:
            raise InvalidSmtpSettings(problems)
        object.__setattr__(self, "host", normalize_host(self.host))
        object.__setattr__(self, "from_address", normalize_address(self.from_address))
        object.__setattr__(self, "security", SmtpSecurity(self.security))

    @property
    def login(self) -> bool:
        return bool(self.username)


def smtp_problems(settings: SmtpSettings) -> tuple[SmtpProblem, ...]:
    """Every rule the settings break (empty when none). Ports 1-65535; the host a DNS name or
    an IPv4 address; the sender's address by `normalize_address`; the name one line; a user
    name and a password together or neither."""
    found: list[SmtpProblem] = []
    if normalize_host(settings.host) is None:
        found.append(SmtpProblem.HOST_INVALID)
    port = settings.port
    if isinstance(port, bool) or not isinstance(port, int) or not 1 <= port <= 65535:
        found.append(SmtpProblem.PORT_RANGE)
    if settings.security not in set(SmtpSecurity):
        found.append(SmtpProblem.SECURITY_UNKNOWN)
    if normalize_address(settings.from_address) is None:
        found.append(SmtpProblem.FROM_ADDRESS_INVALID)
    if not _clean_text(settings.from_name, MAX_NAME):
        found.append(SmtpProblem.FROM_NAME_INVALID)
    if bool(settings.username) != bool(settings.password) or CONTROL.search(settings.username):
        found.append(SmtpProblem.CREDENTIALS_INCOMPLETE)
    return tuple(found)


@dataclass(frozen=True, slots=True)
class Mailbox:
    """A display name and an address (`"Иван Петров" <ivan@example.ru>`)."""

    address: str
    name: str = ""

    def __post_init__(self) -> None:
        address = normalize_address(self.address)
        if address is None:
            raise ValueError("not an e-mail address this product sends to")
        if not _clean_text(self.name, MAX_NAME):
            raise ValueError("a display name is one line")
        object.__setattr__(self, "address", address)


@dataclass(frozen=True, slots=True)
class Attachment:
    """A file: its name as the recipient sees it, its content type (parameters allowed, e.g.
    `text/calendar; method=REQUEST; charset=UTF-8`) and its bytes."""

    filename: str
    content_type: str
    data: bytes = field(repr=False)

    def __post_init__(self) -> None:
        if not self.filename or not _clean_text(self.filename, MAX_NAME) or "/" in self.filename:
            raise ValueError("an attachment needs a plain file name")
        main = self.content_type.split(";", 1)[0].strip()
        if main.count("/") != 1 or CONTROL.search(self.content_type):
            raise ValueError("an attachment needs a content type such as text/calendar")

    @property
    def maintype(self) -> str:
        return self.content_type.split(";", 1)[0].strip().split("/")[0].lower()

    @property
    def subtype(self) -> str:
        return self.content_type.split(";", 1)[0].strip().split("/")[1].lower()

    @property
    def params(self) -> dict[str, str]:
        """The content type's parameters, names lower-cased (`{"method": "REQUEST"}`)."""
        found: dict[str, str] = {}
        for part in self.content_type.split(";")[1:]:
            name, _, value = part.partition("=")
            if name.strip() and value.strip():
                found[name.strip().lower()] = value.strip().strip('"')
        return found


@dataclass(frozen=True, slots=True)
class Unsubscribe:
    """Where a recipient opts out (RFC 2369, RFC 8058): an HTTPS URL that takes a one-click
    POST, and optionally an address whose messages opt out too."""

    url: str
    mailto: str | None = None

    def __post_init__(self) -> None:
        if not self.url.startswith("https://") or CONTROL.search(self.url) or ">" in self.url:
            raise ValueError("one-click unsubscribe needs an https URL")
        if self.mailto is not None:
            address = normalize_address(self.mailto)
            if address is None:
                raise ValueError("the unsubscribe mailto is not an address")
            object.__setattr__(self, "mailto", address)


@dataclass(frozen=True, slots=True)
class OutgoingEmail:
    """One message to one client. `message_id_domain` is the right side of the Message-ID
    (the organization's domain); with a `message_key` (an outbox delivery id) the Message-ID
    is `<key@domain>`, the same on every retry, else a fresh one."""

    sender: Mailbox
    to: Mailbox
    subject: str
    text: str
    message_id_domain: str
    html: str | None = None
    attachments: tuple[Attachment, ...] = ()
    unsubscribe: Unsubscribe | None = None
    message_key: str | None = None
    reply_to: Mailbox | None = None  # where the client's answer goes (Reply-To)

    def __post_init__(self) -> None:
        if not self.subject.strip() or not _clean_text(self.subject, MAX_SUBJECT):
            raise ValueError("a subject is one non-empty line")
        domain = normalize_host(self.message_id_domain)
        if domain is None:
            raise ValueError("the Message-ID domain is not a host name")
        object.__setattr__(self, "message_id_domain", domain)
        key = self.message_key
        if key is not None and not re.fullmatch(r"[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]{1,64}", key):
            raise ValueError("a message key is a short dot-atom")
        object.__setattr__(self, "attachments", tuple(self.attachments))


class MailFailure(enum.StrEnum):
    """Which step failed; together with the SMTP code it is all a failure says."""

    SETTINGS = "settings"  # the server cannot be used as configured (no STARTTLS, bad TLS)
    CONNECT = "connect"  # refused, unreachable, dropped
    TIMEOUT = "timeout"
    AUTH = "auth"  # credentials refused
    SENDER = "sender"  # MAIL FROM refused
    RECIPIENT = "recipient"  # RCPT TO refused
    DATA = "data"  # the message refused
    PROTOCOL = "protocol"  # another answer the client did not expect


class MailError(ExternalServiceError):
    """A send that failed: `failure` says where, `code` is the server's reply code if any."""

    def __init__(self, failure: MailFailure, code: int | None, retryable: bool) -> None:
        reason = failure.value if code is None else f"{failure.value} {code}"
        super().__init__(SERVICE, reason, retryable)
        self.failure = failure
        self.code = code


class MailRejected(MailError):
    """Permanent: sending the same message again will fail the same way."""

    def __init__(self, failure: MailFailure, code: int | None = None) -> None:
        super().__init__(failure, code, retryable=False)


class MailDeferred(MailError):
    """Temporary: the same message may go through later."""

    def __init__(self, failure: MailFailure, code: int | None = None) -> None:
        super().__init__(failure, code, retryable=True)


def reply_failure(failure: MailFailure, code: int) -> MailError:
    """An SMTP reply's class decides (RFC 5321 section 4.2.1): 4yz is transient, 5yz permanent.
    Anything else where an error was expected is a protocol fault, worth one more try."""
    if 500 <= code <= 599:
        return MailRejected(failure, code)
    return MailDeferred(failure if 400 <= code <= 499 else MailFailure.PROTOCOL, code)


class MailSender(Protocol):
    async def send(self, settings: SmtpSettings, message: OutgoingEmail) -> str:
        """Send one message through the organization's server; the Message-ID it carried.
        Raises MailRejected (permanent) or MailDeferred (temporary)."""
        ...
