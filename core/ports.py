"""Ports: what the core needs from the outside world, as typing.Protocol classes."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime
from types import TracebackType
from typing import Any, Protocol, Self

from core.admin.factor_ports import Passkeys as Passkeys
from core.admin.factor_ports import SecondFactorRepository as SecondFactorRepository
from core.admin.factor_ports import TotpCodes as TotpCodes
from core.admin.ports import AdminRepository as AdminRepository
from core.admin.ports import BillingRepository as BillingRepository
from core.admin.ports import OrgSettingsRepository as OrgSettingsRepository
from core.apikeys.ports import ApiKeyRepository as ApiKeyRepository
from core.apikeys.ports import ApiReadRepository as ApiReadRepository
from core.availability.ports import AvailabilityRepository as AvailabilityRepository
from core.board.ports import BoardRepository as BoardRepository
from core.bundles import Arriving, CardFacts, OrderPeople
from core.catalogue.ports import CatalogueRepository as CatalogueRepository
from core.changes import (
    ClientChange,
    MembershipChange,
    NewAttachment,
    NewOrder,
    NewVoiceNote,
    OrderUpdate,
    OrgChange,
    UserChange,
    VoiceNoteChange,
)
from core.checklists.ports import ChecklistRepository as ChecklistRepository
from core.client_loop.ports import ClientLoopRepository as ClientLoopRepository
from core.clients.request_model import DataRequestRepository as DataRequestRepository
from core.clients.search import SearchQuery
from core.companies.model import Company
from core.day_map.model import DayMapRepository as DayMapRepository
from core.dialogs.engine import DialogState
from core.domain import (
    Attachment,
    Category,
    Client,
    ConsentKind,
    Invite,
    Membership,
    MemberView,
    Order,
    OrderEvent,
    Organization,
    OrgChoice,
    Role,
    TelegramProfile,
    User,
    VoiceNote,
)
from core.invoices.ports import InvoiceRepository as InvoiceRepository
from core.notifications.ports import DigestRepository as DigestRepository
from core.notifications.ports import NotificationRepository as NotificationRepository
from core.orders.listing import OrderFilter
from core.ownbot.ports import OwnBotRepository as OwnBotRepository
from core.privacy.ports import AuditRepository as AuditRepository
from core.privacy.ports import PolicyRepository as PolicyRepository
from core.privacy.ports import PrivacyRepository as PrivacyRepository
from core.quotes.ports import QuoteRepository as QuoteRepository
from core.recurring.ports import SeriesRepository as SeriesRepository
from core.service_ports import AddressSuggester as AddressSuggester
from core.service_ports import ChatModel as ChatModel
from core.service_ports import CreatedPayment as CreatedPayment
from core.service_ports import Entity as Entity
from core.service_ports import EntityFinder as EntityFinder
from core.service_ports import FileStore as FileStore
from core.service_ports import PaymentGateway as PaymentGateway
from core.service_ports import PaymentStatus as PaymentStatus
from core.service_ports import PhoneNormalizer as PhoneNormalizer
from core.service_ports import SecretBox as SecretBox
from core.service_ports import SpeechRecognizer as SpeechRecognizer
from core.service_ports import StaticMaps as StaticMaps
from core.telephony.ports import CallRepository as CallRepository


class Clock(Protocol):
    def now(self) -> datetime:
        """The current moment, timezone-aware, in UTC."""
        ...


class UserRepository(Protocol):
    async def get(self, user_id: int) -> User | None: ...
    async def by_telegram_id(self, telegram_id: int) -> User | None: ...
    async def many(self, user_ids: Sequence[int]) -> list[User]: ...
    async def add(self, profile: TelegramProfile, now: datetime) -> User: ...
    async def update(self, user_id: int, change: UserChange) -> User: ...


class OrganizationRepository(Protocol):
    async def get(self, org_id: int) -> Organization | None: ...
    async def add(
        self, name: str, timezone: str, currency: str, language: str, country: str, now: datetime
    ) -> Organization: ...
    async def update(self, org_id: int, change: OrgChange) -> Organization: ...


class MembershipRepository(Protocol):
    async def get(self, org_id: int, user_id: int) -> Membership | None: ...
    async def by_id(self, org_id: int, membership_id: int) -> Membership | None: ...
    async def add(self, org_id: int, user_id: int, role: Role, now: datetime) -> Membership: ...
    async def update(
        self, org_id: int, membership_id: int, change: MembershipChange
    ) -> Membership: ...
    async def team(self, org_id: int) -> Sequence[MemberView]: ...
    async def choices_for_user(self, user_id: int) -> Sequence[OrgChoice]: ...
    async def count_active(self, org_id: int, role: Role | None = None) -> int: ...
    async def arrival(self, update_id: int, telegram_id: int, now: datetime) -> Arriving: ...


class InviteRepository(Protocol):
    async def add(
        self,
        org_id: int,
        token_hash: str,
        role: Role,
        created_by: int,
        expires_at: datetime,
        max_uses: int,
        now: datetime,
    ) -> Invite: ...
    async def by_token_hash(self, token_hash: str) -> Invite | None: ...
    async def use(self, invite_id: int, now: datetime) -> bool:
        """Count one use if it is still valid at `now`; False when used up or expired."""
        ...

    async def revoke(self, org_id: int, invite_id: int, now: datetime) -> None: ...


class ConsentRepository(Protocol):
    async def add(
        self, user_id: int, kind: ConsentKind, version: str, accepted: bool, now: datetime
    ) -> None: ...


class CategoryRepository(Protocol):
    async def add_many(self, org_id: int, names: Sequence[str]) -> None: ...
    async def names(self, org_id: int) -> list[str]: ...
    async def listing(self, org_id: int) -> list[Category]: ...


class ClientRepository(Protocol):
    async def many(self, org_id: int, ids: Sequence[int]) -> list[Client]: ...
    async def get(self, org_id: int, client_id: int) -> Client | None: ...
    async def add(
        self,
        org_id: int,
        name: str,
        phones: Sequence[str],
        address: str | None,
        notes: str | None,
        now: datetime,
    ) -> Client: ...
    async def update(
        self, org_id: int, client_id: int, now: datetime, change: ClientChange
    ) -> Client: ...
    async def by_phone(self, org_id: int, phone: str) -> list[Client]: ...
    async def search(
        self, org_id: int, query: SearchQuery, limit: int = 20, offset: int = 0
    ) -> list[Client]: ...
    async def merge(self, org_id: int, keep_id: int, other_id: int, now: datetime) -> Client: ...
    async def set_company(
        self, org_id: int, client_id: int, company: Company | None, now: datetime
    ) -> Client:
        """The card's company details, or none (None): the client is a person again."""
        ...

    async def add_event(
        self,
        org_id: int,
        client_id: int,
        actor_id: int | None,
        kind: str,
        data: dict[str, Any],
        now: datetime,
    ) -> None: ...


class OrderRepository(Protocol):
    async def add(self, org_id: int, now: datetime, new: NewOrder) -> Order: ...
    async def get(self, org_id: int, order_id: int) -> Order | None: ...
    async def by_number(self, org_id: int, number: int) -> Order | None: ...
    async def change(self, order: Order, now: datetime, change: OrderUpdate) -> Order | None:
        """Apply the change only if the order is still at the version read; else None."""
        ...

    async def listing(
        self, org_id: int, query: OrderFilter, limit: int, offset: int
    ) -> list[Order]: ...
    async def count(self, org_id: int, query: OrderFilter) -> int: ...
    async def for_client(self, org_id: int, client_id: int, limit: int = 10) -> list[Order]: ...
    async def holds_client(
        self, org_id: int, user_id: int, client_id: int, settled_since: datetime
    ) -> bool:
        """Whether the user is assigned an order for the client that is not settled, or was
        settled at `settled_since` or later (see `core.permissions.contacts_cutoff`)."""
        ...

    async def served_clients(
        self, org_id: int, user_id: int, settled_since: datetime
    ) -> set[int]: ...
    async def card_facts(
        self, org_id: int, orders: Sequence[Order], holders: Sequence[int], settled_since: datetime
    ) -> CardFacts: ...
    async def people(
        self, org_id: int, user_ids: Sequence[int], shown: int | None = None
    ) -> OrderPeople: ...
    async def load(self, org_id: int, start: datetime, end: datetime) -> dict[int, int]: ...
    async def add_event(
        self, order: Order, actor_id: int | None, kind: str, data: dict[str, Any], now: datetime
    ) -> None: ...
    async def events(self, org_id: int, order_id: int) -> list[OrderEvent]: ...
    async def remember_message(
        self, order: Order, viewer_id: int, chat_id: int, message_id: int, kind: str, now: datetime
    ) -> None: ...
    async def messages(self, org_id: int, order_id: int) -> list[tuple[int, int, int, str]]: ...
    async def remember_drawn(
        self, drawn: tuple[int, int, int], shown: tuple[int, int, int, str], now: datetime
    ) -> bool:
        """Remember a message (viewer, chat, message, kind) showing an order (organization,
        order, version) if the order is still at that version (else False)."""
        ...


class DialogRepository(Protocol):
    async def get(self, chat_id: int, user_id: int) -> DialogState | None: ...
    async def save(self, chat_id: int, user_id: int, state: DialogState, now: datetime) -> None:
        """Insert or update; raises ConcurrencyConflict if someone saved a newer version."""
        ...

    async def clear(self, chat_id: int, user_id: int) -> None: ...


class ProcessedUpdateRepository(Protocol):
    async def seen(self, update_id: int) -> bool: ...
    async def claim(self, update_id: int, now: datetime) -> None:
        """Record the update as applied; raises DuplicateUpdate if it already was. Its inbox
        copy stays (ignored) until the ledger's next batch drops it (`note`'s `leaving`)."""
        ...

    async def note(
        self, update_ids: Sequence[int], now: datetime, leaving: Sequence[int] = ()
    ) -> None:
        """Record updates that changed nothing, ignoring those already recorded, and drop
        them and `leaving` (recorded before) from the inbox."""
        ...


class JobRepository(Protocol):
    async def enqueue(
        self,
        kind: str,
        payload: dict[str, Any],
        run_at: datetime,
        org_id: int | None = None,
        dedup_key: str | None = None,
    ) -> int | None: ...


class AttachmentRepository(Protocol):
    async def add(self, org_id: int, now: datetime, new: NewAttachment) -> Attachment: ...
    async def get(self, org_id: int, attachment_id: int) -> Attachment | None: ...
    async def by_id(self, attachment_id: int) -> Attachment | None: ...
    async def find(self, org_id: int, order_id: int, sha256: str) -> Attachment | None: ...
    async def for_order(self, org_id: int, order_id: int) -> list[Attachment]: ...
    async def counts(self, org_id: int, order_id: int) -> dict[str, int]: ...
    async def counts_for(
        self, org_id: int, order_ids: Sequence[int]
    ) -> dict[int, dict[str, int]]: ...
    async def in_group(self, org_id: int, media_group_id: str) -> list[Attachment]: ...
    async def mark_stored(self, attachment_id: int) -> None: ...
    async def remember_file_id(self, attachment_id: int, file_id: str) -> None: ...
    async def current_order(self, org_id: int, user_id: int) -> int | None: ...
    async def set_current_order(self, org_id: int, user_id: int, order_id: int) -> None: ...


class VoiceRepository(Protocol):
    async def add(self, org_id: int, now: datetime, new: NewVoiceNote) -> VoiceNote: ...
    async def get(self, note_id: int) -> VoiceNote | None: ...
    async def update(self, note_id: int, now: datetime, change: VoiceNoteChange) -> None: ...


class UnitOfWork(Protocol):
    """One transaction. Leaving the block without `commit()` rolls everything back."""

    users: UserRepository
    orgs: OrganizationRepository
    members: MembershipRepository
    invites: InviteRepository
    consents: ConsentRepository
    categories: CategoryRepository
    clients: ClientRepository
    orders: OrderRepository
    attachments: AttachmentRepository
    voice: VoiceRepository
    dialogs: DialogRepository
    updates: ProcessedUpdateRepository
    jobs: JobRepository
    audit: AuditRepository
    privacy: PrivacyRepository
    policy: PolicyRepository
    digests: DigestRepository
    day_map: DayMapRepository
    notifications: NotificationRepository
    calls: CallRepository
    admin: AdminRepository
    factors: SecondFactorRepository  # second factors of the web sign-in
    org_settings: OrgSettingsRepository
    billing: BillingRepository
    client_loop: ClientLoopRepository
    catalogue: CatalogueRepository
    invoices: InvoiceRepository
    series: SeriesRepository
    checklists: ChecklistRepository

    availability: AvailabilityRepository
    quotes: QuoteRepository
    requests: DataRequestRepository  # clients' data requests (core/clients/requests.py)
    api_keys: ApiKeyRepository
    api_reads: ApiReadRepository
    own_bots: OwnBotRepository
    board: BoardRepository

    async def __aenter__(self) -> Self: ...
    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None: ...
    async def commit(self) -> None: ...


UowFactory = Callable[[], UnitOfWork]


class AddressSuggesters(Protocol):
    async def for_org(self, uow: UnitOfWork, org_id: int) -> AddressSuggester | None:
        """Suggestions with the organization's own key, else the deployment's; None: off.
        Reads in the caller's transaction."""
        ...
