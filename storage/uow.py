"""The SQL unit of work: one session, one transaction, every repository bound to it."""

from __future__ import annotations

from collections.abc import Callable
from types import TracebackType
from typing import Self

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from core import ports
from core.idempotency import current_update
from core.ports import Clock
from storage.repositories.admin import SqlAdminRepository, SqlOrgSettingsRepository
from storage.repositories.attachments import SqlAttachmentRepository
from storage.repositories.audit import SqlAuditRepository
from storage.repositories.billing import SqlBillingRepository
from storage.repositories.calls import SqlCallRepository
from storage.repositories.clients import SqlClientRepository
from storage.repositories.digests import SqlDigestRepository
from storage.repositories.notifications import SqlNotificationRepository
from storage.repositories.orders import SqlOrderRepository
from storage.repositories.orgs import (
    SqlCategoryRepository,
    SqlInviteRepository,
    SqlMembershipRepository,
    SqlOrganizationRepository,
)
from storage.repositories.people import SqlConsentRepository, SqlUserRepository
from storage.repositories.privacy import SqlPrivacyRepository
from storage.repositories.runtime import (
    JOBS_CHANNEL,
    SqlDialogRepository,
    SqlJobRepository,
    SqlProcessedUpdateRepository,
)
from storage.repositories.voice import SqlVoiceRepository


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
    digests: ports.DigestRepository
    notifications: ports.NotificationRepository
    admin: ports.AdminRepository
    org_settings: ports.OrgSettingsRepository
    billing: ports.BillingRepository
    calls: ports.CallRepository

    def __init__(
        self,
        sessions: async_sessionmaker[AsyncSession],
        clock: Clock,
        on_jobs: Callable[[], None] | None = None,
    ) -> None:
        """`on_jobs` is called after a commit that added jobs (this process's job runners)."""
        self._sessions = sessions
        self._clock = clock
        self._on_jobs = on_jobs
        self._session: AsyncSession | None = None
        self._committed = False

    async def __aenter__(self) -> Self:
        session = self._sessions()
        self._session = session
        self._committed = False
        self.users = SqlUserRepository(session)
        self.consents = SqlConsentRepository(session)
        self.orgs = SqlOrganizationRepository(session)
        self.members = SqlMembershipRepository(session)
        self.invites = SqlInviteRepository(session)
        self.categories = SqlCategoryRepository(session)
        self.clients = SqlClientRepository(session)
        self.orders = SqlOrderRepository(session)
        self.attachments = SqlAttachmentRepository(session)
        self.voice = SqlVoiceRepository(session)
        self.dialogs = SqlDialogRepository(session)
        self.updates = SqlProcessedUpdateRepository(session)
        self.jobs = SqlJobRepository(session)
        self.audit = SqlAuditRepository(session)
        self.privacy = SqlPrivacyRepository(session)
        self.digests = SqlDigestRepository(session)
        self.notifications = SqlNotificationRepository(session)
        self.admin = SqlAdminRepository(session)
        self.org_settings = SqlOrgSettingsRepository(session)
        self.billing = SqlBillingRepository(session)
        self.calls = SqlCallRepository(session)
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        assert self._session is not None
        try:
            if not self._committed:
                await self._session.rollback()
        finally:
            await self._session.close()
            self._session = None

    async def commit(self, claim_update: bool = True) -> None:
        """Commit; the first business commit of a Telegram update also records the update id,
        so a redelivery of it finds the record and the whole use case is applied once."""
        assert self._session is not None
        scope = current_update() if claim_update else None
        claiming = scope is not None and not scope.claimed
        if scope is not None and claiming:
            await self.updates.claim(scope.update_id, self._clock.now())
        added = bool(self._session.info.pop("jobs_added", False))
        if added and self._session.bind.dialect.name == "postgresql":
            # Delivered to every listening process when (and only if) this commits.
            await self._session.execute(select(func.pg_notify(JOBS_CHANNEL, "")))
        await self._session.commit()
        self._committed = True
        if added and self._on_jobs is not None:
            self._on_jobs()
        if scope is not None and claiming:
            scope.claimed = True
