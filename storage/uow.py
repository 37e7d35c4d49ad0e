"""The SQL unit of work: one session, one transaction, every repository bound to it.

A unit of work opened for a Telegram update (`update_id`) records the update in the ledger in
the transaction it commits, so a redelivery finds the record and is skipped. Use cases called
while the update is applied share that transaction through `joined` units of work: their
`commit()` only flushes, and one that fails after writing rolls the update's writes back.
"""

from __future__ import annotations

from collections.abc import Callable
from types import TracebackType
from typing import Self

from sqlalchemy import event, func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from sqlalchemy.orm import ORMExecuteState, Session, UOWTransaction

from core import ports
from core.ownbot.routing import bot_of
from core.ports import Clock
from storage.admin import SqlAdminRepository
from storage.api_reads import SqlApiReadRepository
from storage.apikeys import SqlApiKeyRepository
from storage.availability import SqlAvailabilityRepository
from storage.billing import SqlBillingRepository
from storage.board import BOARD_CHANGES, BOARD_FLAG, SqlBoardRepository
from storage.catalogue import SqlCatalogueRepository
from storage.checklists import SqlChecklistRepository
from storage.client_loop.repository import SqlClientLoopRepository
from storage.clients.repository import SqlClientRepository
from storage.day_map import SqlDayMapRepository
from storage.db import WRITES, written
from storage.factors import SqlSecondFactorRepository
from storage.files.attachments import SqlAttachmentRepository
from storage.invoices import SqlInvoiceRepository
from storage.notifications.digests import SqlDigestRepository
from storage.notifications.repository import SqlNotificationRepository
from storage.orders.repository import SqlOrderRepository
from storage.org_settings import SqlOrgSettingsRepository
from storage.ownbot import SqlOwnBotRepository
from storage.privacy.audit import SqlAuditRepository
from storage.privacy.policy import SqlPolicyRepository
from storage.privacy.queries import SqlPrivacyRepository
from storage.quotes import SqlQuoteRepository
from storage.recurring import SqlSeriesRepository
from storage.requests import SqlDataRequestRepository
from storage.runtime.outbox import SqlOutboxRepository
from storage.runtime.repository import (
    JOBS_CHANNEL,
    SqlDialogRepository,
    SqlJobRepository,
    SqlProcessedUpdateRepository,
)
from storage.team.orgs import (
    SqlCategoryRepository,
    SqlInviteRepository,
    SqlMembershipRepository,
    SqlOrganizationRepository,
)
from storage.team.people import SqlConsentRepository, SqlUserRepository
from storage.telephony import SqlCallRepository
from storage.voice import SqlVoiceRepository


class SqlUnitOfWork:
    users: ports.UserRepository
    consents: ports.ConsentRepository
    orgs: ports.OrganizationRepository
    members: ports.MembershipRepository
    invites: ports.InviteRepository
    categories: ports.CategoryRepository
    clients: ports.ClientRepository
    orders: ports.OrderRepository
    attachments: ports.AttachmentRepository
    voice: ports.VoiceRepository
    dialogs: ports.DialogRepository
    updates: ports.ProcessedUpdateRepository
    jobs: ports.JobRepository
    audit: ports.AuditRepository
    privacy: ports.PrivacyRepository
    policy: ports.PolicyRepository
    digests: ports.DigestRepository
    day_map: ports.DayMapRepository
    notifications: ports.NotificationRepository
    admin: ports.AdminRepository
    factors: ports.SecondFactorRepository
    org_settings: ports.OrgSettingsRepository
    billing: ports.BillingRepository
    calls: ports.CallRepository
    client_loop: ports.ClientLoopRepository
    catalogue: ports.CatalogueRepository
    invoices: ports.InvoiceRepository
    series: ports.SeriesRepository
    checklists: ports.ChecklistRepository
    availability: ports.AvailabilityRepository
    quotes: ports.QuoteRepository
    requests: ports.DataRequestRepository
    api_keys: ports.ApiKeyRepository
    api_reads: ports.ApiReadRepository
    own_bots: ports.OwnBotRepository
    outbox: SqlOutboxRepository
    board: ports.BoardRepository

    def __init__(
        self,
        sessions: async_sessionmaker[AsyncSession],
        clock: Clock,
        on_jobs: Callable[[], None] | None = None,
        update_id: int | None = None,
    ) -> None:
        """`on_jobs` is called after a commit that added jobs (this process's job runners);
        `update_id`: the Telegram update this transaction applies (claimed when it commits)."""
        self._sessions = sessions
        self._clock = clock
        self._on_jobs = on_jobs
        self.update_id = update_id
        self._session: AsyncSession | None = None

    @property
    def bot(self) -> int:
        """The number of the bot the update came through (0: the shared bot, or no update)."""
        return 0 if self.update_id is None else bot_of(self.update_id)

    @property
    def session(self) -> AsyncSession:
        assert self._session is not None, "the unit of work is not open"
        return self._session

    def writes(self) -> int:
        """Statements that changed data in this session so far (inserts, updates, deletes)."""
        return written(self.session)

    async def __aenter__(self) -> Self:
        for name in REPOSITORIES.keys() & self.__dict__.keys():
            del self.__dict__[name]  # bound to the session of a previous opening
        self._session = self._sessions()
        return self

    def __getattr__(self, name: str) -> object:
        """A repository, made on the session when first used: an update uses two or three of
        the 22 (making them all was measurable CPU per update, docs/cpu-per-update.md)."""
        make = REPOSITORIES.get(name)
        if make is None:
            raise AttributeError(name)
        if name == "dialogs":  # conversations are held with the update's bot
            repository: object = SqlDialogRepository(self.session, self.bot)
        else:
            repository = make(self.session)
        self.__dict__[name] = repository
        return repository

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        assert self._session is not None
        try:
            # Closing ends a transaction that was not committed (rolled back, the connection
            # back in the pool): no separate rollback first.
            await self._session.close()
        finally:
            self._session = None

    async def commit(self) -> None:
        """Commit; a unit of work for a Telegram update (`update_id`) records the update in
        the ledger in the same transaction, so a redelivery finds the record and the update
        is applied once."""
        session = self.session
        if self.update_id is not None:
            await self.updates.claim(self.update_id, self._clock.now())
        added = bool(session.info.pop("jobs_added", False))
        board = bool(session.info.pop(BOARD_FLAG, False))
        if added and session.bind.dialect.name == "postgresql":
            # Delivered to every listening process when (and only if) this commits.
            await session.execute(select(func.pg_notify(JOBS_CHANNEL, "")))
        await session.commit()
        if added and self._on_jobs is not None:
            self._on_jobs()
        if board:
            BOARD_CHANGES.fire()

    async def rollback(self) -> None:
        """Drop everything written so far; the session goes on in a new transaction."""
        session = self.session
        session.info.pop("jobs_added", None)
        session.info.pop(BOARD_FLAG, None)
        await session.rollback()
        session.sync_session.info[_WRITES] = 0


_WRITES = WRITES

REPOSITORIES: dict[str, Callable[[AsyncSession], object]] = {
    "users": SqlUserRepository,
    "consents": SqlConsentRepository,
    "orgs": SqlOrganizationRepository,
    "members": SqlMembershipRepository,
    "invites": SqlInviteRepository,
    "categories": SqlCategoryRepository,
    "clients": SqlClientRepository,
    "orders": SqlOrderRepository,
    "attachments": SqlAttachmentRepository,
    "voice": SqlVoiceRepository,
    "dialogs": SqlDialogRepository,
    "updates": SqlProcessedUpdateRepository,
    "jobs": SqlJobRepository,
    "audit": SqlAuditRepository,
    "privacy": SqlPrivacyRepository,
    "policy": SqlPolicyRepository,
    "digests": SqlDigestRepository,
    "day_map": SqlDayMapRepository,
    "notifications": SqlNotificationRepository,
    "admin": SqlAdminRepository,
    "factors": SqlSecondFactorRepository,
    "org_settings": SqlOrgSettingsRepository,
    "billing": SqlBillingRepository,
    "calls": SqlCallRepository,
    "client_loop": SqlClientLoopRepository,
    "catalogue": SqlCatalogueRepository,
    "invoices": SqlInvoiceRepository,
    "series": SqlSeriesRepository,
    "checklists": SqlChecklistRepository,
    "availability": SqlAvailabilityRepository,
    "quotes": SqlQuoteRepository,
    "requests": SqlDataRequestRepository,
    "api_keys": SqlApiKeyRepository,
    "api_reads": SqlApiReadRepository,
    "own_bots": SqlOwnBotRepository,
    "outbox": SqlOutboxRepository,
    "board": SqlBoardRepository,
}


@event.listens_for(Session, "do_orm_execute")
def _count_statement(state: ORMExecuteState) -> None:
    if state.is_insert or state.is_update or state.is_delete:
        info = state.session.info
        info[_WRITES] = info.get(_WRITES, 0) + 1


@event.listens_for(Session, "before_flush")
def _count_flush(session: Session, _flush: UOWTransaction, _instances: object) -> None:
    if session.new or session.dirty or session.deleted:
        session.info[_WRITES] = session.info.get(_WRITES, 0) + 1
