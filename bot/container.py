"""Wiring: the engine, HTTP clients, the unit of work and every core service, built once."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from functools import partial
from typing import TypedDict

import httpx
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.admin.wiring import admin_parts, payment_gateway, public_url, secret_box
from bot.backups import erasure_journal
from bot.metrics import Metrics
from bot.polled import Polled
from bot.settings import Settings
from bot.telephony import pbx_api_factory, telephony_services
from core.apikeys.reads import ApiReads
from core.apikeys.service import ApiKeyService
from core.availability.flows import TimeOffSpec, WorkHoursSpec
from core.availability.service import AvailabilityService
from core.board.service import BoardService
from core.catalogue.approval import TotalApprovals
from core.catalogue.flow import LineQuantitySpec, OrderLineSpec, ServiceNewSpec, ServicePriceSpec
from core.catalogue.lines import OrderLines
from core.catalogue.service import CatalogueService
from core.checklists.acceptance import PageAcceptances
from core.checklists.define_flow import ChecklistItemSpec
from core.checklists.flow import ChecklistNumberSpec, ChecklistPhotoSpec
from core.checklists.service import ChecklistService
from core.client_loop.answers import ClientAnswers
from core.client_loop.eta import Routing
from core.client_loop.on_the_way import OnTheWayService
from core.client_loop.page import ClientPageService
from core.client_loop.pay_service import ClientPayments
from core.client_loop.payments import TerminalFactory
from core.client_loop.refund_flow import RefundSpec
from core.client_loop.reminders import ClientReminders
from core.client_loop.reply_flow import ClientReplySpec
from core.client_loop.service import ClientLoopService
from core.clients.flows import ClientEditSpec, ClientMergeSpec, NewClientSpec
from core.clients.service import ClientService
from core.clock import SystemClock
from core.companies.flow import ClientCompanySpec
from core.companies.ports import PartyRegistry
from core.companies.service import CompanyService, OrgRegistries
from core.day_map.service import DayMapService
from core.dialogs.service import DialogService, FlowSpec
from core.files.service import FileService
from core.intake.requests import IntakeRequests
from core.intake.settings import IntakeSettingsService
from core.invoices.service import InvoiceService
from core.notifications.service import NotificationService
from core.numbers.service import NumbersService
from core.orders.flows import EditSpec, PaymentSpec, RescheduleSpec
from core.orders.inbox import InboxService
from core.orders.new_order import NewOrderSpec
from core.orders.service import OrderService
from core.ownbot.service import OwnBotService
from core.ports import (
    AddressSuggester,
    ChatModel,
    Clock,
    EntityFinder,
    FileStore,
    PaymentGateway,
    PhoneNormalizer,
    SecretBox,
    SpeechRecognizer,
    StaticMaps,
    UowFactory,
)
from core.privacy.audit import AuditService
from core.privacy.erasure import ErasureService
from core.privacy.export_format import ExportLayout
from core.privacy.policy import VERSIONS_DIR, load_registry
from core.privacy.policy_service import PolicyService
from core.privacy.service import PrivacyService
from core.quotes.answers import QuoteAnswers
from core.quotes.delivery import QuoteMessages
from core.quotes.flow import QuoteSpec
from core.quotes.page import QuotePages
from core.quotes.service import QuoteService
from core.recurring.changes import SeriesChanges
from core.recurring.flows import RepeatSpec, SeriesEditSpec
from core.runtime.jobs import JobSignal
from core.runtime.updates import UpdateLedger
from core.services import Services
from core.team.invites import InviteService
from core.team.onboarding import NewOrganizationSpec, OnboardingSpec
from core.team.profile import ProfileEditSpec
from core.team.service import TeamService
from core.team.start import StartService
from core.team.users import UserService
from core.telephony.ports import PbxApiFactory
from core.voice.service import VoiceService
from handlers.defaults import default_categories
from handlers.i18n import Catalogs
from handlers.privacy.export_readme import export_readme
from integrations.dadata import HttpDaDataSuggester
from integrations.dadata_party import HttpDaDataParties
from integrations.openrouter import HttpOpenRouter
from integrations.phones import PhonenumbersNormalizer
from integrations.salutespeech import HttpSaluteSpeech, salute_http_client
from integrations.tbank import HttpTBank
from integrations.yandex_maps import HttpStaticMaps
from integrations.yandex_router import YandexRouting
from storage.db import create_engine, session_factory
from storage.files.local import LocalFileStore
from storage.privacy.export import ZipExportBuilder
from storage.runtime.inbox import SqlUpdateInbox
from storage.runtime.jobs import SqlJobQueue
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
    payments: PaymentGateway | None = None
    address_for_key: Callable[[str], AddressSuggester] | None = None
    parties_for_key: Callable[[str], PartyRegistry] | None = None  # DaData's companies
    secrets: SecretBox | None = None
    pbx: PbxApiFactory | None = None
    client_terminals: TerminalFactory | None = None  # organizations' own T-Bank terminals
    routing: Routing | None = None  # driving times for "On my way" (Yandex Distance Matrix)
    entities: EntityFinder | None = None  # natasha + phonenumbers, before text leaves for AI


@dataclass(slots=True)
class Container:
    settings: Settings
    engine: AsyncEngine
    http: httpx.AsyncClient
    services: Services
    catalogs: Catalogs
    adapters: Adapters
    inbox: SqlUpdateInbox
    polled: Polled
    metrics: Metrics = field(default_factory=Metrics)
    jobs_added: JobSignal = field(default_factory=JobSignal)

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
    adapters.payments = payment_gateway(settings, http)
    adapters.address_for_key = lambda key: HttpDaDataSuggester(http, key, settings.dadata_base_url)
    adapters.parties_for_key = lambda key: HttpDaDataParties(http, key, settings.dadata_base_url)
    adapters.secrets = secret_box(settings)
    adapters.pbx = pbx_api_factory(settings, http)
    adapters.client_terminals = partial(HttpTBank, http, base_url=settings.tbank_base_url)
    if settings.yandex_routing_api_key is not None:
        key = settings.yandex_routing_api_key.get_secret_value()
        adapters.routing = YandexRouting(http, key, settings.yandex_routing_url)
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
        # gRPC and the Yandex Cloud SDK load only when configured (~11 MB resident otherwise)
        from integrations.yandexgpt import GrpcYandexGpt

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
    if adapters.model is not None or adapters.inbox_model is not None:
        # natasha's NER (~110 MB, 1-3 s) loads in a background thread, and only here
        from integrations.entities import LocalEntityFinder

        entities = LocalEntityFinder()
        entities.warm_up()
        adapters.entities = entities


def file_stores(settings: Settings) -> tuple[FileStore, FileStore]:
    """(object storage, local spool): S3 when a bucket is set, else a local folder."""
    spool = LocalFileStore(settings.files_dir / "spool")
    if not settings.s3_bucket:
        return LocalFileStore(settings.files_dir / "objects"), spool
    from storage.files.s3 import S3FileStore, make_s3_client  # boto3 (~8 MB) when configured

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

    jobs_added = JobSignal()

    def uow() -> SqlUnitOfWork:
        return SqlUnitOfWork(sessions, clock, on_jobs=jobs_added.fire)

    services = make_services(uow, clock, catalogs, settings, adapters)
    inbox = SqlUpdateInbox(sessions, clock)
    polled = Polled(inbox, services.updates)
    container = Container(
        settings, engine, http, services, catalogs, adapters, inbox, polled, jobs_added=jobs_added
    )
    container.metrics.queue_reader = SqlJobQueue(sessions).waiting
    return container


def make_services(
    uow: UowFactory, clock: Clock, catalogs: Catalogs, settings: Settings, adapters: Adapters
) -> Services:
    def categories(language: str) -> Sequence[str]:
        return default_categories(catalogs.get(language))

    admin = admin_parts(
        uow,
        clock,
        settings,
        adapters.payments,
        adapters.secrets,
        adapters.address_for_key,
        adapters.addresses,
    )
    orders = OrderService(uow, clock, adapters.maps, admin.plans)
    files = FileService(uow, clock, adapters.files, adapters.spool)
    clients = ClientService(uow, clock, adapters.phones)
    registries = OrgRegistries(admin.org_settings.credential_in, adapters.parties_for_key)
    companies = CompanyService(uow, clock, registries)
    series = SeriesChanges(uow, clock, orders)
    client_payments = ClientPayments(
        uow,
        clock,
        admin.org_settings.credential_in,
        adapters.client_terminals,
        public_url(settings),  # as the client page's links: the bank notifies the same app
    )
    availability = AvailabilityService(uow, clock, orders)
    quotes = QuoteService(uow, clock)
    quote_answers = QuoteAnswers(uow, quotes, clock)
    specs: tuple[FlowSpec, ...] = (
        OnboardingSpec(clock, settings.privacy_policy_version, admin.plans),
        NewOrganizationSpec(clock, categories, settings.default_country),
        NewOrderSpec(clock, orders, adapters.phones, admin.addresses),
        PaymentSpec(clock, orders),
        RescheduleSpec(clock, orders),
        EditSpec(clock, orders),
        NewClientSpec(clients),
        ClientEditSpec(clients, clock, settings.default_language),
        ClientMergeSpec(clients),
        ProfileEditSpec(clock, adapters.phones, settings.default_country),
        ClientCompanySpec(clock, companies),
        ClientReplySpec(clock, settings.default_language),
        OrderLineSpec(OrderLines(uow, clock)),
        LineQuantitySpec(OrderLines(uow, clock)),
        ChecklistNumberSpec(clock),
        ChecklistPhotoSpec(clock),
        ChecklistItemSpec(clock),
        ServiceNewSpec(CatalogueService(uow, clock)),
        ServicePriceSpec(CatalogueService(uow, clock)),
        RepeatSpec(clock, series),
        SeriesEditSpec(series),
        RefundSpec(client_payments),
        WorkHoursSpec(availability),
        TimeOffSpec(clock, availability),
        QuoteSpec(clock, quotes),
    )
    dialogs = DialogService(uow, clock, specs)
    return Services(
        **privacy_services(uow, clock, settings, adapters, catalogs),
        clock=clock,
        users=UserService(uow, clock),
        start=StartService(uow, clock, admin.plans),
        dialogs=dialogs,
        inbox=InboxService(uow, clock, dialogs, adapters.inbox_model, adapters.entities),
        invites=InviteService(uow, clock, settings.invite_days, settings.invite_uses, admin.plans),
        team=TeamService(uow, clock),
        updates=UpdateLedger(uow, clock),
        clients=clients,
        companies=companies,
        client_loop=ClientLoopService(uow, clock, public_url=public_url(settings)),
        client_page=ClientPageService(uow, clock),
        series=series,
        trips=OnTheWayService(uow, clock, ClientLoopService(uow, clock), adapters.routing),
        client_payments=client_payments,
        client_reminders=ClientReminders(
            uow, clock, ClientLoopService(uow, clock), public_url(settings), catalogs.default
        ),
        client_answers=ClientAnswers(uow, clock),
        catalogue=CatalogueService(uow, clock),
        order_lines=OrderLines(uow, clock),
        approvals=TotalApprovals(uow, clock),
        invoices=InvoiceService(uow, clock, adapters.files),
        acceptances=PageAcceptances(uow, clock, adapters.files, public_url(settings)),
        checklists=ChecklistService(uow, clock),
        availability=availability,
        quotes=quotes,
        intake_settings=IntakeSettingsService(uow, clock),
        api_keys=ApiKeyService(uow, clock),
        intake=IntakeRequests(uow, clock, orders, adapters.phones, admin.addresses),
        quote_messages=QuoteMessages(uow, clock, public_url(settings)),
        quote_answers=quote_answers,
        quote_pages=QuotePages(uow, clock, quotes, quote_answers),
        api_reads=ApiReads(uow, clock),
        own_bots=OwnBotService(uow, clock, adapters.secrets),
        board=BoardService(uow, clock, orders),
        second_factor=admin.second_factor,
        factor_setup=admin.factor_setup,
        orders=orders,
        files=files,
        notifications=NotificationService(uow, clock),
        numbers=NumbersService(uow, clock),
        day_map=DayMapService(uow, clock, admin.org_settings),
        voice=VoiceService(
            uow,
            clock,
            files,
            orders,
            adapters.speech,
            adapters.model,
            settings.voice_max_seconds,
            admin.plans,
            adapters.entities,
        ),
        admin=admin.admin,
        org_settings=admin.org_settings,
        billing=admin.billing,
        **telephony_services(
            uow,
            clock,
            settings,
            adapters.phones,
            adapters.files,
            adapters.pbx,
            adapters.speech,
            adapters.model,
            adapters.entities,
        ),
    )


class PrivacyServices(TypedDict):
    privacy: PrivacyService
    policy: PolicyService
    erasure: ErasureService
    audit: AuditService


def privacy_services(
    uow: UowFactory, clock: Clock, settings: Settings, adapters: Adapters, catalogs: Catalogs
) -> PrivacyServices:
    """Exports (ZIPs built under FILES_DIR/exports), erasure and retention, the audit log."""

    def builder(name: str, layout: ExportLayout) -> ZipExportBuilder:
        readme = partial(export_readme, catalogs.get(layout.language))
        return ZipExportBuilder(settings.files_dir / "exports", name, layout, readme)

    files, spool = adapters.files, adapters.spool
    version = settings.privacy_policy_version
    policy_dir = settings.privacy_policy_dir or VERSIONS_DIR
    return {
        "privacy": PrivacyService(uow, clock, files, spool, builder, version),
        "policy": PolicyService(uow, clock, load_registry(version, policy_dir)),
        "erasure": ErasureService(uow, clock, files, spool, erasure_journal(settings)),
        "audit": AuditService(uow, clock),
    }
