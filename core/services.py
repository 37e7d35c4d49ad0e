"""Use-case services, one use case per method, each inside its own unit of work."""

from __future__ import annotations

from dataclasses import dataclass

from core.admin.factor_setup import FactorSetupService
from core.admin.org_settings import OrgSettingsService
from core.admin.second_factor import SecondFactorService
from core.admin.service import AdminService
from core.apikeys.reads import ApiReads
from core.apikeys.service import ApiKeyService
from core.availability.service import AvailabilityService
from core.billing.service import BillingService
from core.board.service import BoardService
from core.catalogue.approval import TotalApprovals
from core.catalogue.lines import OrderLines
from core.catalogue.service import CatalogueService
from core.checklists.acceptance import PageAcceptances
from core.checklists.service import ChecklistService
from core.client_loop.answers import ClientAnswers
from core.client_loop.on_the_way import OnTheWayService
from core.client_loop.page import ClientPageService
from core.client_loop.pay_service import ClientPayments
from core.client_loop.reminders import ClientReminders
from core.client_loop.service import ClientLoopService
from core.clients.service import ClientService
from core.companies.service import CompanyService
from core.day_map.service import DayMapService
from core.dialogs.service import DialogService
from core.files.service import FileService
from core.intake.requests import IntakeRequests
from core.intake.settings import IntakeSettingsService
from core.invoices.service import InvoiceService
from core.notifications.service import NotificationService
from core.numbers.service import NumbersService
from core.orders.inbox import InboxService
from core.orders.service import OrderService
from core.ownbot.service import OwnBotService
from core.ports import Clock
from core.privacy.audit import AuditService
from core.privacy.erasure import ErasureService
from core.privacy.policy_service import PolicyService
from core.privacy.service import PrivacyService
from core.quotes.answers import QuoteAnswers
from core.quotes.delivery import QuoteMessages
from core.quotes.page import QuotePages
from core.quotes.service import QuoteService
from core.recurring.changes import SeriesChanges
from core.runtime.updates import UpdateLedger
from core.team.invites import InviteService
from core.team.service import TeamService
from core.team.start import StartService
from core.team.users import UserService
from core.telephony.call_actions import CallActionService
from core.telephony.calls import CallService
from core.telephony.recordings import RecordingService
from core.telephony.settings import TelephonyService
from core.voice.service import VoiceService


@dataclass(frozen=True, slots=True)
class Services:
    """Everything the presentation layers may call, built once by the composition root."""

    clock: Clock
    users: UserService
    start: StartService
    dialogs: DialogService
    invites: InviteService
    team: TeamService
    updates: UpdateLedger
    clients: ClientService
    companies: CompanyService  # business clients' details (core/companies)
    client_loop: ClientLoopService
    client_page: ClientPageService
    client_payments: ClientPayments
    client_reminders: ClientReminders
    client_answers: ClientAnswers
    orders: OrderService
    files: FileService
    notifications: NotificationService
    numbers: NumbersService
    day_map: DayMapService
    voice: VoiceService
    inbox: InboxService
    admin: AdminService
    org_settings: OrgSettingsService
    billing: BillingService
    calls: CallService
    call_actions: CallActionService
    recordings: RecordingService
    telephony: TelephonyService
    privacy: PrivacyService
    policy: PolicyService
    erasure: ErasureService
    audit: AuditService
    trips: OnTheWayService  # "On my way" (core/client_loop/on_the_way.py)
    series: SeriesChanges  # recurring orders (core/recurring)
    catalogue: CatalogueService  # services and materials (core/catalogue)
    order_lines: OrderLines  # an order's line items
    approvals: TotalApprovals  # the client approves a changed total
    invoices: InvoiceService  # invoices and their details (core/invoices)
    acceptances: PageAcceptances  # the client accepts the work on the page
    checklists: ChecklistService  # checklists per category, answered on the order
    availability: AvailabilityService  # working hours, days off (core/availability)
    quotes: QuoteService  # quotes to clients (core/quotes)
    intake_settings: IntakeSettingsService  # website requests (core/intake)
    api_keys: ApiKeyService  # keys of the REST API (core/apikeys)
    intake: IntakeRequests
    quote_messages: QuoteMessages  # a quote's messages to its client
    quote_answers: QuoteAnswers  # the client's answers in Telegram
    api_reads: ApiReads  # what the REST API reads (core/apikeys/reads.py)
    quote_pages: QuotePages  # the client page of a quote
    own_bots: OwnBotService  # the organization's own bot (core/ownbot)
    board: BoardService  # the web board for managers (core/board)
    second_factor: SecondFactorService  # passing the web sign-in's second factor
    factor_setup: FactorSetupService  # adding and removing second factors
