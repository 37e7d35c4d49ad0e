"""Wiring: the engine, HTTP clients, the unit of work and every core service, built once."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field

import httpx
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.settings import Settings
from core.clock import SystemClock
from core.jobs import JobHandler
from core.ports import (
    AddressSuggester,
    ChatModel,
    Clock,
    FileStore,
    PhoneNormalizer,
    SpeechRecognizer,
    StaticMaps,
    UowFactory,
)
from core.services import Services
from core.services.client_flows import ClientEditSpec, ClientMergeSpec, NewClientSpec
from core.services.clients import ClientService
from core.services.dialogs import DialogService, FlowSpec
from core.services.files import UPLOAD_JOB, FileService
from core.services.inbox import InboxService
from core.services.invites import InviteService
from core.services.new_order import NewOrderSpec
from core.services.onboarding import NewOrganizationSpec, OnboardingSpec
from core.services.order_flows import PaymentSpec, RescheduleSpec
from core.services.orders import OrderService
from core.services.start import StartService
from core.services.team import TeamService
from core.services.updates import UpdateLedger
from core.services.users import UserService
from core.services.voice import SUMMARIZE_JOB, TRANSCRIBE_JOB, VoiceService
from handlers.defaults import default_categories
from handlers.i18n import Catalogs
from integrations.dadata import HttpDaDataSuggester
from integrations.openrouter import HttpOpenRouter
from integrations.phones import PhonenumbersNormalizer
from integrations.salutespeech import HttpSaluteSpeech, salute_http_client
from integrations.yandex_maps import HttpStaticMaps
from integrations.yandexgpt import GrpcYandexGpt
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
    speech: SpeechRecognizer | None = None
    model: ChatModel | None = None
    inbox_model: ChatModel | None = None
    closers: list[Callable[[], Awaitable[None]]] = field(default_factory=list)


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
        voice = self.services.voice
        return {
            UPLOAD_JOB: self.services.files.upload,
            TRANSCRIBE_JOB: voice.transcribe,
            SUMMARIZE_JOB: voice.summarize,
        }

    async def close(self) -> None:
        for close in self.adapters.closers:
            await close()
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
    adapters = Adapters(PhonenumbersNormalizer(), addresses, maps, *file_stores(settings))
    add_ai(adapters, settings, http)
    return adapters


def add_ai(adapters: Adapters, settings: Settings, http: httpx.AsyncClient) -> None:
    """Speech recognition and the models, each only when its credentials are set."""
    if settings.salute_auth_key is not None:
        salute_http = salute_http_client(settings.salute_ca_bundle)
        adapters.closers.append(salute_http.aclose)
        adapters.speech = HttpSaluteSpeech(
            salute_http,
            settings.salute_auth_key.get_secret_value(),
            settings.salute_scope,
            settings.salute_oauth_url,
            settings.salute_api_url,
        )
    key, iam = settings.yandex_cloud_api_key, settings.yandex_cloud_iam_token
    if settings.yandex_cloud_folder_id and (key is not None or iam is not None):
        gpt = GrpcYandexGpt(
            settings.yandexgpt_endpoint,
            settings.yandex_cloud_folder_id,
            api_key=key.get_secret_value() if key else None,
            iam_token=None if key else (iam.get_secret_value() if iam else None),
            secure=not settings.yandexgpt_insecure,
        )
        adapters.inbox_model = gpt
        adapters.closers.append(gpt.aclose)
    if settings.openrouter_api_key is not None:
        adapters.model = HttpOpenRouter(
            http,
            settings.openrouter_api_key.get_secret_value(),
            settings.openrouter_model,
            settings.openrouter_base_url,
        )


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
    files = FileService(uow, clock, adapters.files, adapters.spool)
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
    dialogs = DialogService(uow, clock, specs)
    return Services(
        clock=clock,
        users=UserService(uow, clock),
        start=StartService(uow, clock),
        dialogs=dialogs,
        inbox=InboxService(uow, clock, dialogs, adapters.inbox_model),
        invites=InviteService(uow, clock, settings.invite_days, settings.invite_uses),
        team=TeamService(uow, clock),
        updates=UpdateLedger(uow, clock),
        clients=clients,
        orders=orders,
        files=files,
        voice=VoiceService(
            uow, clock, files, orders, adapters.speech, adapters.model, settings.voice_max_seconds
        ),
    )
