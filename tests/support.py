"""Helpers shared by tests: building services on a test database, acting as people."""

from __future__ import annotations

import itertools
import tempfile
from pathlib import Path

from bot.container import Adapters, file_stores, make_services
from bot.settings import Settings
from core.dialogs.engine import DialogInput
from core.domain import Actor, TelegramProfile
from core.services import Services
from handlers.i18n import Catalogs
from integrations.phones import PhonenumbersNormalizer

_ids = itertools.count(1000)


def services_for(uow_factory, clock) -> Services:
    files = Path(tempfile.mkdtemp(prefix="astracrm-files-"))
    settings = Settings(_env_file=None, database_url="sqlite:///unused.db", files_dir=files)  # type: ignore[call-arg]
    adapters = Adapters(PhonenumbersNormalizer(), None, None, *file_stores(settings))
    return make_services(uow_factory, clock, Catalogs(), settings, adapters)


def profile(first_name: str = "Olga", language_code: str | None = "ru") -> TelegramProfile:
    return TelegramProfile(next(_ids), first_name, None, None, language_code)


async def onboard(services: Services, person: TelegramProfile, language: str = "ru") -> Actor:
    """Take a person through first contact (they accept everything)."""
    actor = await services.users.identify(person)
    chat = person.telegram_id
    await services.start.begin(actor, chat, None)
    for given in (
        DialogInput(choice=language),
        DialogInput(choice="yes"),
        DialogInput(choice="accept"),
    ):
        await services.dialogs.answer(actor, chat, given)
    return await services.users.identify(person)


async def owner_with_org(services: Services, name: str = "Чистый дом") -> Actor:
    person = profile("Owner")
    actor = await onboard(services, person)
    chat = person.telegram_id
    for given in (
        DialogInput(text=name),
        DialogInput(choice="Europe/Moscow"),
        DialogInput(choice="RUB"),
    ):
        await services.dialogs.answer(actor, chat, given)
    return await services.users.identify(person)


def profile_of(actor: Actor) -> TelegramProfile:
    u = actor.user
    return TelegramProfile(
        u.telegram_id, u.first_name, u.last_name, u.username, u.telegram_language
    )
