"""Deletion, deactivation and retention: erasing a client or one's own account, deleting an
organization (restorable for 30 days, then purged), deactivating it (read-only), and the daily
job that enforces the retention limits.

The database side of an erasure commits in one transaction with its audit entry and a durable
job that deletes the objects (files, recordings) from storage; a purge deletes the objects
first, by the organization's key prefix, so a retried purge still finds what is left.
"""

from __future__ import annotations

from core.backup.model import Erasure, ErasureRecord
from core.backup.ports import ErasureJournal
from core.changes import OrgChange, UserChange
from core.domain import Actor, Job, OrgStatus, Role
from core.errors import DomainError
from core.permissions import Action, require
from core.ports import Clock, FileStore, UnitOfWork, UowFactory
from core.privacy.audit import record
from core.privacy.model import AuditAction, PendingDeletion, RetentionReport
from core.privacy.retention import (
    EXPORTS,
    cutoffs,
    export_expired,
    next_daily_run,
    org_export,
    purge_at,
    restorable,
)

ERASE_OBJECTS_JOB = "erase_objects"
ORG_PURGE_JOB = "org_purge"
RETENTION_JOB = "retention"


class ErasureService:
    def __init__(
        self,
        uow: UowFactory,
        clock: Clock,
        store: FileStore,
        spool: FileStore,
        journal: ErasureJournal | None = None,
    ) -> None:
        self._uow, self._clock, self._store, self._spool = uow, clock, store, spool
        self._journal = journal

    async def _journal_append(self, kind: Erasure, ids: list[int], org_id: int | None) -> None:
        """Record the erasure apart from the backups before it commits (a restore replays it):
        a record whose transaction then fails only repeats a requested erasure."""
        if self._journal is not None:
            for subject in ids:
                await self._journal.append(ErasureRecord(kind, subject, org_id, self._clock.now()))

    async def erase_client(self, actor: Actor, client_id: int) -> int:
        """Erase a client; their orders stay, anonymised. Returns how many files go."""
        require(actor, Action.CLIENT_ERASE)
        assert actor.organization is not None
        org_id, now = actor.organization.id, self._clock.now()
        async with self._uow() as uow:
            if await uow.clients.get(org_id, client_id) is None:
                raise DomainError("not_found")
            erased = await uow.privacy.erase_client(org_id, client_id)
            await record(uow, actor, AuditAction.CLIENT_DELETED, now, ("client", client_id))
            await self._erase_objects_later(uow, erased.keys, org_id)
            await self._journal_append(Erasure.CLIENT, erased.clients or [client_id], org_id)
            await uow.commit()
        return len(erased.keys)

    async def _erase_objects_later(self, uow: UnitOfWork, keys: list[str], org_id: int) -> None:
        await uow.jobs.enqueue(ERASE_OBJECTS_JOB, {"keys": keys}, self._clock.now(), org_id)

    async def delete_account(self, actor: Actor) -> None:
        """End every membership and erase the person (what they did stays, anonymous)."""
        async with self._uow() as uow:
            for choice in await uow.members.choices_for_user(actor.user.id):
                org = choice.organization
                owner = choice.active and choice.role is Role.OWNER
                if owner and await uow.members.count_active(org.id, Role.OWNER) <= 1:
                    raise DomainError("sole_owner", org=org.name)
            now = self._clock.now()
            await record(uow, actor, AuditAction.ACCOUNT_DELETED, now, ("user", actor.user.id))
            await uow.privacy.erase_user(actor.user.id, now)
            await self._journal_append(Erasure.USER, [actor.user.id], None)
            await uow.commit()

    async def delete_org(self, actor: Actor) -> PendingDeletion:
        """Hide the organization now; purge it when the grace period ends unless restored."""
        require(actor, Action.ORG_DELETE)
        assert actor.organization is not None
        org, now = actor.organization, self._clock.now()
        if org.status is OrgStatus.DELETED:
            raise DomainError("org_pending_deletion")
        async with self._uow() as uow:
            deleted = OrgChange(status=OrgStatus.DELETED, deleted_at=now)
            updated = await uow.orgs.update(org.id, deleted)
            await record(uow, actor, AuditAction.ORG_DELETION_REQUESTED, now)
            payload = {"org_id": org.id}
            dedup = f"{ORG_PURGE_JOB}:{org.id}:{now.timestamp():.0f}"
            await uow.jobs.enqueue(ORG_PURGE_JOB, payload, purge_at(now), None, dedup)
            await uow.commit()
        return PendingDeletion(updated, now, purge_at(now))

    async def restore_org(self, actor: Actor, org_id: int) -> PendingDeletion:
        """Undo a deletion within the grace period; the owner works in it again."""
        now = self._clock.now()
        async with self._uow() as uow:
            found = {o.id: (o, at) for o, at in await uow.privacy.deleted_orgs(actor.user.id)}
            if org_id not in found or not restorable(found[org_id][1], now):
                raise DomainError("not_found")
            org = await uow.orgs.update(
                org_id, OrgChange(status=OrgStatus.ACTIVE, deleted_at=None, deactivated_at=None)
            )
            await uow.users.update(actor.user.id, UserChange(active_org_id=org_id))
            owner = Actor(actor.user, org, await uow.members.get(org_id, actor.user.id))
            await record(uow, owner, AuditAction.ORG_RESTORED, now)
            await uow.commit()
        return PendingDeletion(org, found[org_id][1], purge_at(found[org_id][1]))

    async def set_active(self, actor: Actor, active: bool) -> bool:
        """Deactivate (read-only, no notifications, no billing) or reactivate; False when
        it already was so."""
        require(actor, Action.ORG_DELETE)
        assert actor.organization is not None
        wanted = OrgStatus.ACTIVE if active else OrgStatus.DEACTIVATED
        if actor.organization.status is OrgStatus.DELETED:
            raise DomainError("org_pending_deletion")
        if actor.organization.status is wanted:
            return False
        now = self._clock.now()
        async with self._uow() as uow:
            stamp = None if active else now
            await uow.orgs.update(
                actor.organization.id, OrgChange(status=wanted, deactivated_at=stamp)
            )
            action = AuditAction.ORG_REACTIVATED if active else AuditAction.ORG_DEACTIVATED
            await record(uow, actor, action, now)
            await uow.commit()
        return True

    async def erase_objects(self, job: Job) -> None:
        """The job deleting an erasure's files from object storage (and the upload spool)."""
        keys = job.payload.get("keys")
        for key in keys if isinstance(keys, list) else []:
            await self._delete(str(key))
        await self._compact()

    async def purge_job(self, job: Job) -> None:
        """Runs when the grace period ends; a restored (or re-deleted) organization waits."""
        org_id = int(str(job.payload["org_id"]))
        now = self._clock.now()
        async with self._uow() as uow:
            org = await uow.orgs.get(org_id)
            due = org_id in await uow.privacy.due_for_purge(cutoffs(now).org_grace)
        if org is not None and due:
            await self.purge(org_id)

    async def purge(self, org_id: int) -> None:
        """Every object under the organization's prefix, its exports, then every row."""
        await self._journal_append(Erasure.ORGANIZATION, [org_id], org_id)
        for store in (self._store, self._spool):
            for key in await store.keys(f"org/{org_id}/"):
                await store.delete(key)
        for key in await self._store.keys(EXPORTS):
            if org_export(key, org_id):
                await self._store.delete(key)
        async with self._uow() as uow:
            await uow.privacy.purge_org(org_id)
            await uow.commit()
        await self._compact()

    async def enforce(self) -> RetentionReport:
        """Delete what is past each retention limit at this moment."""
        now = self._clock.now()
        limits, report = cutoffs(now), RetentionReport()
        async with self._uow() as uow:
            await uow.privacy.apply_retention(limits, now, report)
            due = await uow.privacy.due_for_purge(limits.org_grace)
            for org_id, client_id in report.erased_clients:
                await self._journal_append(Erasure.CLIENT, [client_id], org_id)
            await uow.commit()
        for key in report.keys:
            await self._delete(key)
        for org_id in due:
            await self.purge(org_id)
            report.purged_orgs.append(org_id)
        for key in await self._store.keys(EXPORTS):
            if export_expired(key, limits.exports):
                await self._store.delete(key)
        await self._compact()
        return report

    async def retention_job(self, job: Job) -> None:
        """The daily job: enforce, then schedule tomorrow's run."""
        await self.enforce()
        await self.schedule_retention()

    async def schedule_retention(self) -> None:
        """Make sure the next daily run is queued (once per day, whoever asks)."""
        run_at = next_daily_run(self._clock.now())
        async with self._uow() as uow:
            dedup = f"{RETENTION_JOB}:{run_at:%Y%m%d}"
            await uow.jobs.enqueue(RETENTION_JOB, {}, run_at, None, dedup)
            await uow.commit()

    async def _delete(self, key: str) -> None:
        await self._store.delete(key)
        await self._spool.delete(key)

    async def _compact(self) -> None:
        async with self._uow() as uow:
            await uow.privacy.compact()
            await uow.commit()
