"""`--demo`: the demo organization in the database, in one language, and its team as sandbox
personas who have not written to the bot yet; in the sandbox also its SMS provider and mail
server, pointed at the sandbox's own fakes, so a client without Telegram hears by SMS or
e-mail and the page shows their phone and mailbox."""

from __future__ import annotations

from bot.local import LocalBot
from core.client_loop.payments import TERMINAL_SECRET, terminal_json, terminal_settings
from core.client_loop.providers import (
    SMS_SECRET,
    SMTP_SECRET,
    sms_json,
    sms_settings,
    smtp_json,
    smtp_settings,
)
from core.domain import Role
from core.team.users import load_actor
from storage import demo
from storage.db import session_factory
from storage.uow import SqlUnitOfWork


async def seed_demo(local: LocalBot, language: str = "ru") -> str:
    assert local.container is not None
    now = local.container.services.clock.now()
    sessions = session_factory(local.container.engine)
    created = await demo.seed(sessions, now, language=language, onboarded=False)
    team = demo.team(language)
    for person in team:
        local.emulator.user(
            person.telegram_id,
            person.first_name,
            last_name=person.last_name,
            username=person.username,
            language_code=person.language,
        )
    names = ", ".join(f"{p.first_name} {p.last_name} ({p.role.value})" for p in team)
    state = "created" if created else "already there"
    return f"Demo organization {state}: switch to {names} in the web chat and send /start."


async def connect_demo_channels(
    local: LocalBot,
    language: str,
    sms_key: str,
    mail_port: int,
    terminal: tuple[str, str] | None = None,
) -> None:
    """The demo organization's SMS provider (SMS.ru with `sms_key`; the process's SMS.ru
    address is the fake's), SMTP server (127.0.0.1:`mail_port`, no TLS) and, given, its own
    T-Bank terminal for clients' payments (key, password; the process's T-Bank address is
    the sandbox's), as its owner would set them on the settings page (encrypted, audited)."""
    container = local.container
    assert container is not None
    owner = next(person for person in demo.team(language) if person.role is Role.OWNER)
    clock = container.services.clock
    async with SqlUnitOfWork(session_factory(container.engine), clock) as uow:
        user = await uow.users.by_telegram_id(owner.telegram_id)
        if user is None:
            return
        actor = await load_actor(uow, user)
    if actor.organization is None:
        return
    sender = f"office@{demo.MAIL_DOMAIN}"
    sms = sms_settings("sms_ru", sms_key)
    mail = smtp_settings("127.0.0.1", mail_port, "none", sender, actor.organization.name)
    await container.services.org_settings.store_secret(actor, SMS_SECRET, sms_json(sms))
    await container.services.org_settings.store_secret(actor, SMTP_SECRET, smtp_json(mail))
    if terminal is not None:
        key, password = terminal
        stored = terminal_json(terminal_settings(key, password))
        await container.services.org_settings.store_secret(actor, TERMINAL_SECRET, stored)
