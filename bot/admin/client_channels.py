"""The settings page's section for client messages by SMS and e-mail (issue 19): the
organization's SMS provider (SMS.ru with an api_id, SMSC.ru with a login and a password, an
optional sender name) and SMTP server. Both are stored encrypted; the page shows the provider,
the sender and the server, never a key or a password (empty password fields keep nothing)."""

from __future__ import annotations

from starlette.datastructures import FormData

from bot.admin.html import Safe, SafeText, button, field, form, join, select, tag
from core.channels.email import DEFAULT_PORTS, SmtpSecurity, SmtpSettings
from core.client_loop.providers import (
    SMS_SECRET,
    SMTP_SECRET,
    SmsSettings,
    sms_json,
    sms_settings,
    smtp_json,
    smtp_settings,
)
from core.domain import Actor
from core.services import Services

MARKER = '<form method="post" action="/signout"'


def section(t: SafeText, csrf: str, sms: SmsSettings | None, smtp: SmtpSettings | None) -> Safe:
    providers = [("sms_ru", "SMS.ru"), ("smsc", "SMSC.ru")]
    now_sms = (
        t("{provider}, sender {sender}", provider=dict(providers)[sms.provider.value],
          sender=sms.sender or "—")
        if sms else t("not set")
    )  # fmt: skip
    sms_form = form(
        "/settings/client-sms",
        csrf,
        select(t("SMS provider"), "provider", providers, sms.provider.value if sms else "sms_ru"),
        field(t("API key (SMS.ru) or login (SMSC.ru)"), "key", "", "password"),
        field(t("Password (SMSC.ru only)"), "password", "", "password"),
        field(t("Sender name (optional)"), "sender", sms.sender or "" if sms else ""),
        button(t("Save SMS provider"), "save-client-sms"),
        testid="client-sms",
    )
    security = [(s.value, s.value.upper()) for s in SmtpSecurity]
    now_smtp = (
        t("{host}:{port} from {address}", host=smtp.host, port=str(smtp.port),
          address=smtp.from_address)
        if smtp else t("not set")
    )  # fmt: skip
    chosen = smtp.security.value if smtp else SmtpSecurity.STARTTLS.value
    smtp_form = form(
        "/settings/client-smtp",
        csrf,
        field(t("SMTP server"), "host", smtp.host if smtp else ""),
        field(t("Port"), "port", smtp.port if smtp else DEFAULT_PORTS[SmtpSecurity.STARTTLS]),
        select(t("Security"), "security", security, chosen),
        field(t("User name"), "username", smtp.username if smtp else ""),
        field(t("Password"), "smtp_password", "", "password"),
        field(t("From address"), "from_address", smtp.from_address if smtp else ""),
        field(t("From name"), "from_name", smtp.from_name if smtp else ""),
        button(t("Save SMTP server"), "save-client-smtp"),
        testid="client-smtp",
    )
    hint = tag(
        "p",
        t("Clients who are not in Telegram get their order messages by SMS or e-mail. "
          "Keys and passwords are stored encrypted and never shown."),
        class_="muted",
    )  # fmt: skip
    rows = join([
        tag("p", join([tag("strong", t("By SMS: ")), now_sms]), data_testid="client-sms-now"),
        tag("p", join([tag("strong", t("By e-mail: ")), now_smtp]), data_testid="client-smtp-now"),
    ])  # fmt: skip
    body = join(
        [tag("h2", t("Client messages by SMS and e-mail")), hint, rows, sms_form, smtp_form]
    )
    return tag("section", body, data_testid="client-channels")


def with_section(html: str, extra: Safe) -> str:
    """The settings page with the section before the sign-out button (or at the end)."""
    if MARKER in html:
        return html.replace(MARKER, str(extra) + MARKER, 1)
    return html.replace("</main>", str(extra) + "</main>", 1)


def _text(submitted: FormData, name: str) -> str:
    value = submitted.get(name)
    return value if isinstance(value, str) else ""


async def save_sms(services: Services, actor: Actor, submitted: FormData) -> None:
    key = _text(submitted, "key")
    if not key.strip():  # an empty key removes the provider
        await services.org_settings.clear_credential(actor, SMS_SECRET, known=True)
        return
    chosen = sms_settings(
        _text(submitted, "provider"), key, _text(submitted, "password"), _text(submitted, "sender")
    )
    await services.org_settings.store_secret(actor, SMS_SECRET, sms_json(chosen))


async def save_smtp(services: Services, actor: Actor, submitted: FormData) -> None:
    host = _text(submitted, "host")
    if not host.strip():  # an empty server removes it
        await services.org_settings.clear_credential(actor, SMTP_SECRET, known=True)
        return
    server = smtp_settings(
        host, _text(submitted, "port"), _text(submitted, "security"),
        _text(submitted, "from_address"), _text(submitted, "from_name"),
        _text(submitted, "username"), _text(submitted, "smtp_password"),
    )  # fmt: skip
    await services.org_settings.store_secret(actor, SMTP_SECRET, smtp_json(server))
