"""An organization's SMS provider and SMTP server for client messages (issue 19, item 2): what
is kept, how it is checked, and how it is stored. Both are kept as one encrypted credential
each (`SMS_SECRET`, `SMTP_SECRET`: JSON, encrypted at rest by the organization settings' box
like every integration secret), so a database copy shows neither a key nor a password."""

from __future__ import annotations

import enum
import json
import re
from dataclasses import dataclass, field

from core.channels.email import InvalidSmtpSettings, SmtpSecurity, SmtpSettings
from core.errors import DomainError

SMS_SECRET = "client_sms_provider"
SMTP_SECRET = "client_smtp_server"
CHANNEL_SECRETS = (SMS_SECRET, SMTP_SECRET)
MAX_KEY = 200
# A sender name ("alpha name"): Latin letters, digits and a few signs, up to 11 characters.
SENDER = re.compile(r"^[A-Za-z0-9 .\-_!]{1,11}$")


class SettingsProblem(DomainError):
    """A refused SMS or SMTP setting: the general code (`credential_invalid`, `email_invalid`
    for the sender's address) and the `problem` that names the field for the settings page."""

    def __init__(self, problem: str) -> None:
        code = "email_invalid" if problem == "smtp_from_address_invalid" else "credential_invalid"
        super().__init__(code, limit=MAX_KEY)
        self.problem = problem


class SmsProvider(enum.StrEnum):
    SMS_RU = "sms_ru"  # one api_id
    SMSC = "smsc"  # a login and a password


@dataclass(frozen=True, slots=True)
class SmsSettings:
    """One organization's SMS account. `key` is SMS.ru's api_id or SMSC.ru's login;
    `password` is SMSC.ru's (never shown in a repr)."""

    provider: SmsProvider
    key: str = field(repr=False)
    password: str = field(default="", repr=False)
    sender: str | None = None

    def __post_init__(self) -> None:
        problem = sms_problem(self)
        if problem is not None:
            raise SettingsProblem(problem)


def _token(value: str) -> bool:
    return 0 < len(value) <= MAX_KEY and not any(c.isspace() or ord(c) < 32 for c in value)


def sms_problem(settings: SmsSettings) -> str | None:
    """The first rule broken, as an error code, or None."""
    if settings.provider not in set(SmsProvider):
        return "sms_provider_unknown"
    if not _token(settings.key):
        return "sms_key_invalid"
    if settings.provider is SmsProvider.SMSC and not _token(settings.password):
        return "sms_password_missing"
    if settings.sender is not None and not SENDER.match(settings.sender):
        return "sms_sender_invalid"
    return None


def sms_settings(provider: str, key: str, password: str = "", sender: str = "") -> SmsSettings:
    """From a form: blanks trimmed, an empty sender is the account's default."""
    try:
        chosen = SmsProvider(provider.strip())
    except ValueError:
        raise SettingsProblem("sms_provider_unknown") from None
    secret = password.strip() if chosen is SmsProvider.SMSC else ""
    return SmsSettings(chosen, key.strip(), secret, sender.strip() or None)


def smtp_settings(
    host: str,
    port: int | str,
    security: str,
    from_address: str,
    from_name: str = "",
    username: str = "",
    password: str = "",
) -> SmtpSettings:
    """From a form, checked by `SmtpSettings`' rules; the first problem as an error code."""
    try:
        number = int(port) if str(port).strip() else 0
    except ValueError:
        number = 0
    try:
        chosen = SmtpSecurity(security.strip())
    except ValueError:
        raise SettingsProblem("smtp_security_unknown") from None
    try:
        return SmtpSettings(
            host.strip(), number, chosen, from_address.strip(), from_name.strip(),
            username.strip(), password,
        )  # fmt: skip
    except InvalidSmtpSettings as error:
        raise SettingsProblem(f"smtp_{error.problems[0].value}") from None


def sms_json(settings: SmsSettings) -> str:
    return json.dumps(
        {"provider": settings.provider.value, "key": settings.key,
         "password": settings.password, "sender": settings.sender},
        separators=(",", ":"),
    )  # fmt: skip


def sms_of(text: str | None) -> SmsSettings | None:
    """The stored settings, or None (none kept, or not readable any more)."""
    if not text:
        return None
    try:
        data = json.loads(text)
        return SmsSettings(
            SmsProvider(data["provider"]), data["key"], data.get("password") or "",
            data.get("sender"),
        )  # fmt: skip
    except (ValueError, KeyError, TypeError, DomainError):
        return None


def smtp_json(settings: SmtpSettings) -> str:
    return json.dumps(
        {"host": settings.host, "port": settings.port, "security": settings.security.value,
         "from_address": settings.from_address, "from_name": settings.from_name,
         "username": settings.username, "password": settings.password},
        separators=(",", ":"),
    )  # fmt: skip


def smtp_of(text: str | None) -> SmtpSettings | None:
    if not text:
        return None
    try:
        data = json.loads(text)
        return SmtpSettings(
            data["host"], data["port"], SmtpSecurity(data["security"]), data["from_address"],
            data.get("from_name") or "", data.get("username") or "", data.get("password") or "",
        )  # fmt: skip
    except (ValueError, KeyError, TypeError):
        return None


def shown_sms(settings: SmsSettings | None) -> dict[str, str | None] | None:
    """What the settings page shows: the provider and sender; the key masked."""
    if settings is None:
        return None
    return {
        "provider": settings.provider.value,
        "key": settings.key[:2] + "••••",
        "sender": settings.sender,
    }


def shown_smtp(settings: SmtpSettings | None) -> dict[str, str | int | None] | None:
    if settings is None:
        return None
    return {
        "host": settings.host,
        "port": settings.port,
        "security": settings.security.value,
        "from_address": settings.from_address,
        "from_name": settings.from_name,
        "username": settings.username or None,
    }
