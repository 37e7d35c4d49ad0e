"""Ports: what the core needs from the outside world, as typing.Protocol classes. The unit of
work is here; the repositories of each area are in that area's ports module (core/team/ports.py,
core/orders/ports.py, core/clients/ports.py, ...), re-exported here."""

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
from core.catalogue.ports import CatalogueRepository as CatalogueRepository
from core.changes import (
    NewAttachment,
    NewVoiceNote,
    VoiceNoteChange,
)
from core.checklists.ports import ChecklistRepository as ChecklistRepository
from core.client_loop.ports import ClientLoopRepository as ClientLoopRepository
from core.clients.ports import ClientRepository as ClientRepository
from core.clients.request_model import DataRequestRepository as DataRequestRepository
from core.day_map.model import DayMapRepository as DayMapRepository
from core.dialogs.engine import DialogState
from core.domain import (
    Attachment,
    VoiceNote,
)
from core.invoices.ports import InvoiceRepository as InvoiceRepository
from core.notifications.ports import DigestRepository as DigestRepository
from core.notifications.ports import NotificationRepository as NotificationRepository
from core.orders.ports import CategoryRepository as CategoryRepository
from core.orders.ports import OrderRepository as OrderRepository
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
from core.team.ports import ConsentRepository as ConsentRepository
from core.team.ports import InviteRepository as InviteRepository
from core.team.ports import MembershipRepository as MembershipRepository
from core.team.ports import OrganizationRepository as OrganizationRepository
from core.team.ports import UserRepository as UserRepository
from core.telephony.ports import CallRepository as CallRepository


class Clock(Protocol):
    def now(self) -> datetime:
        """The current moment, timezone-aware, in UTC."""
        ...


class DialogRepository(Protocol):
    """Conversation state of a person in a chat, held with one bot: a unit of work's is that of
    the bot its update came through (the shared bot's outside updates)."""

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
    async def remember_file_id(self, attachment_id: int, file_id: str, bot: int) -> None: ...
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
