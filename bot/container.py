"""Wiring: the engine, HTTP clients, the unit of work and every core service, built once."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import httpx
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.settings import Settings
from core.clock import SystemClock
from core.jobs import JobHandler
from core.ports import (
    AddressSuggester,
    Clock,
    FileStore,
    PhoneNormalizer,
    StaticMaps,
    UowFactory,
)
from core.services import Services
from core.services.client_flows import ClientEditSpec, ClientMergeSpec, NewClientSpec
from core.services.clients import ClientService
from core.services.dialogs import DialogService, FlowSpec
from core.services.files import UPLOAD_JOB, FileService
from core.services.invites import InviteService
from core.services.new_order import NewOrderSpec
from core.services.onboarding import NewOrganizationSpec, OnboardingSpec
from core.services.order_flows import PaymentSpec, RescheduleSpec
from core.services.orders import OrderService
from core.services.start import StartService
from core.services.team import TeamService
from core.services.updates import UpdateLedger
from core.services.users import UserService
from handlers.defaults import default_categories
from handlers.i18n import Catalogs
from integrations.dadata import HttpDaDataSuggester
from integrations.phones import PhonenumbersNormalizer
from integrations.yandex_maps import HttpStaticMaps
from storage.db import create_engine, session_factory
from storage.files.local import LocalFileStore
from storage.files.s3 import S3FileStore, make_s3_client
from storage.uow import SqlUnitOfWork


@dataclass(slots=True)
class Adapters:
    """The outside world as core ports; optional ones are None when not configured."""

    phones: PhoneNormalizer
    addresses: AddressSuggester | None
    maps: StaticMaps | None
    files: FileStore
    spool: FileStore


@dataclass(slots=True)
class Container:
    settings: Settings
    engine: AsyncEngine
    http: httpx.AsyncClient
    services: Services
    catalogs: Catalogs
    adapters: Adapters

    def job_handlers(self) -> dict[str, JobHandler]:
        """Job kinds whose work the core services do (no message to render)."""
        return {UPLOAD_JOB: self.services.files.upload}

    async def close(self) -> None:
        await self.http.aclose()
        await self.engine.dispose()


def build_adapters(settings: Settings, http: httpx.AsyncClient) -> Adapters:
    addresses = maps = None
    if settings.dadata_api_key is not None:
        addresses = HttpDaDataSuggester(
            http, settings.dadata_api_key.get_secret_value(), settings.dadata_base_url
        )
    if settings.yandex_maps_api_key is not None:
        maps = HttpStaticMaps(
            http, settings.yandex_maps_api_key.get_secret_value(), settings.yandex_static_maps_url
        )
    return Adapters(PhonenumbersNormalizer(), addresses, maps, *file_stores(settings))


def file_stores(settings: Settings) -> tuple[FileStore, FileStore]:
    """(object storage, local spool): S3 when a bucket is set, else a local folder."""
    spool = LocalFileStore(settings.files_dir / "spool")
    if not settings.s3_bucket:
        return LocalFileStore(settings.files_dir / "objects"), spool
    key_id, secret = settings.s3_access_key_id, settings.s3_secret_access_key
    client = make_s3_client(
        settings.s3_endpoint_url,
        settings.s3_region,
        key_id.get_secret_value() if key_id else "",
        secret.get_secret_value() if secret else "",
    )
    return S3FileStore(client, settings.s3_bucket, settings.s3_prefix, settings.s3_sse), spool


def build_container(settings: Settings, clock: Clock | None = None) -> Container:
    clock = clock or SystemClock()
    engine = create_engine(settings.database_url)
    sessions = session_factory(engine)
    catalogs = Catalogs(settings.default_language)
    http = httpx.AsyncClient(timeout=httpx.Timeout(10.0, connect=5.0))
    adapters = build_adapters(settings, http)

    def uow() -> SqlUnitOfWork:
        return SqlUnitOfWork(sessions, clock)

    services = make_services(uow, clock, catalogs, settings, adapters)
    return Container(settings, engine, http, services, catalogs, adapters)


def make_services(
    uow: UowFactory, clock: Clock, catalogs: Catalogs, settings: Settings, adapters: Adapters
) -> Services:
    def categories(language: str) -> Sequence[str]:
        return default_categories(catalogs.get(language))

    orders = OrderService(uow, clock, adapters.maps)
    clients = ClientService(uow, clock, adapters.phones)
    specs: tuple[FlowSpec, ...] = (
        OnboardingSpec(clock, settings.privacy_policy_version),
        NewOrganizationSpec(clock, categories, settings.default_country),
        NewOrderSpec(clock, orders, adapters.phones, adapters.addresses),
        PaymentSpec(clock, orders),
        RescheduleSpec(clock, orders),
        NewClientSpec(clients),
        ClientEditSpec(clients),
        ClientMergeSpec(clients),
    )
    return Services(
        clock=clock,
        users=UserService(uow, clock),
        start=StartService(uow, clock),
        dialogs=DialogService(uow, clock, specs),
        invites=InviteService(uow, clock, settings.invite_days, settings.invite_uses),
        team=TeamService(uow, clock),
        updates=UpdateLedger(uow, clock),
        clients=clients,
        orders=orders,
        files=FileService(uow, clock, adapters.files, adapters.spool),
    )
