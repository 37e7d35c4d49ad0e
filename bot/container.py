"""Wiring: the engine, the unit of work and every core service, built once per process."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncEngine

from bot.settings import Settings
from core.clock import SystemClock
from core.ports import Clock, UowFactory
from core.services import Services
from core.services.dialogs import DialogService
from core.services.invites import InviteService
from core.services.onboarding import NewOrganizationSpec, OnboardingSpec
from core.services.start import StartService
from core.services.team import TeamService
from core.services.updates import UpdateLedger
from core.services.users import UserService
from handlers.defaults import default_categories
from handlers.i18n import Catalogs
from storage.db import create_engine, session_factory
from storage.uow import SqlUnitOfWork


@dataclass(slots=True)
class Container:
    settings: Settings
    engine: AsyncEngine
    services: Services
    catalogs: Catalogs

    async def close(self) -> None:
        await self.engine.dispose()


def build_container(settings: Settings, clock: Clock | None = None) -> Container:
    clock = clock or SystemClock()
    engine = create_engine(settings.database_url)
    sessions = session_factory(engine)
    catalogs = Catalogs(settings.default_language)

    def uow() -> SqlUnitOfWork:
        return SqlUnitOfWork(sessions, clock)

    services = make_services(uow, clock, catalogs, settings)
    return Container(settings, engine, services, catalogs)


def make_services(
    uow: UowFactory, clock: Clock, catalogs: Catalogs, settings: Settings
) -> Services:
    def categories(language: str) -> Sequence[str]:
        return default_categories(catalogs.get(language))

    specs = (
        OnboardingSpec(clock, settings.privacy_policy_version),
        NewOrganizationSpec(clock, categories, settings.default_country),
    )
    return Services(
        clock=clock,
        users=UserService(uow, clock),
        start=StartService(uow, clock),
        dialogs=DialogService(uow, clock, specs),
        invites=InviteService(uow, clock, settings.invite_days, settings.invite_uses),
        team=TeamService(uow, clock),
        updates=UpdateLedger(uow, clock),
    )
