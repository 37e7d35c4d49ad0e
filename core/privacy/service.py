"""Privacy for each person and organization: what /privacy shows, marketing consent, business
retention, and exports (an owner's of the organization, anyone's of their own data).

An export is a durable job: it reads the rows (every table holding the organization's rows,
found from the schema), copies the files, and builds one ZIP on local disk. Under Telegram's
50 MB limit for bots it is sent as a document; larger ones go to object storage behind a
time-limited link. The HTTP admin endpoint builds the same ZIP with `export_archive`.
"""

from __future__ import annotations

import asyncio
import secrets
from collections.abc import Awaitable, Callable
from datetime import timedelta
from pathlib import Path

from core.clients.request_model import RequestKind
from core.clients.requests import answered
from core.domain import LANGUAGES, Actor, ConsentKind, Job, Role
from core.errors import DomainError
from core.permissions import Action, require
from core.ports import Clock, FileStore, UnitOfWork, UowFactory
from core.privacy.audit import record
from core.privacy.export_format import ExportLayout
from core.privacy.model import (
    AuditAction,
    Entity,
    ExportFile,
    ExportProgress,
    ExportReady,
    ExportStage,
    PendingDeletion,
    PrivacySummary,
    StoredFile,
)
from core.privacy.ports import ExportBuilder, ExportBuilderFactory
from core.privacy.retention import (
    EXPORT_LINK_SECONDS,
    RetentionPreview,
    check_business_days,
    export_key,
    next_daily_run,
    purge_at,
)

EXPORT_JOB = "export"
TELEGRAM_DOCUMENT_LIMIT = 50 * 1024 * 1024
FILES_PER_PROGRESS = 10
Progress = Callable[[ExportProgress], Awaitable[None]]


async def _quiet(_progress: ExportProgress) -> None:
    return None


class PrivacyService:
    def __init__(
        self,
        uow: UowFactory,
        clock: Clock,
        store: FileStore,
        spool: FileStore,
        builder: ExportBuilderFactory,
        policy_version: str,
        document_limit: int = TELEGRAM_DOCUMENT_LIMIT,
    ) -> None:
        self._uow, self._clock, self._store, self._spool = uow, clock, store, spool
        self._builder, self._version = builder, policy_version
        self.document_limit = document_limit

    async def summary(self, actor: Actor) -> PrivacySummary:
        org = actor.organization
        is_owner = actor.role is Role.OWNER
        async with self._uow() as uow:
            consents = tuple(await uow.privacy.consents(actor.user.id))
            marketing = await uow.privacy.marketing(actor.user.id)
            days = await uow.privacy.retention_days(org.id) if org and is_owner else None
            deleted = await uow.privacy.deleted_orgs(actor.user.id)
        pending = tuple(PendingDeletion(o, at, purge_at(at)) for o, at in deleted)
        return PrivacySummary(consents, marketing, org, is_owner, days, pending)

    async def set_marketing(self, actor: Actor, accepted: bool) -> bool:
        """Marketing messages are off until the person turns them on; each choice is kept."""
        async with self._uow() as uow:
            now = self._clock.now()
            await uow.consents.add(
                actor.user.id, ConsentKind.MARKETING, self._version, accepted, now
            )
            await uow.commit()
        return accepted

    async def retention_preview(self, actor: Actor, days: int | None) -> RetentionPreview | None:
        """Before an owner confirms a limit: what the next daily run would erase, and when.
        None for keeping business data until it is deleted (nothing to erase)."""
        require(actor, Action.ORG_SETTINGS)
        assert actor.organization is not None
        days = check_business_days(days)
        if days is None:
            return None
        runs_at = next_daily_run(self._clock.now())
        cutoff = runs_at - timedelta(days=days)
        async with self._uow() as uow:
            clients, orders = await uow.privacy.business_preview(actor.organization.id, cutoff)
        return RetentionPreview(days, runs_at, cutoff, clients, orders)

    async def set_retention(self, actor: Actor, days: int | None) -> int | None:
        """The organization's own limit for business data (shorter than the legal ones)."""
        require(actor, Action.ORG_SETTINGS)
        assert actor.organization is not None
        days = check_business_days(days)
        async with self._uow() as uow:
            now = self._clock.now()
            before = await uow.privacy.retention_days(actor.organization.id)
            await uow.privacy.set_retention_days(actor.organization.id, days, now)
            changed = AuditAction.SETTING_CHANGED
            await record(uow, actor, changed, now, name="retention", old=before, new=days)
            await uow.commit()
        return days

    async def request_export(
        self, actor: Actor, chat_id: int, message_id: int | None, personal: bool
    ) -> None:
        """Queue an export; the job reports progress by editing `message_id`."""
        if not personal:
            require(actor, Action.ORG_EXPORT)
        org_id = None if personal or actor.organization is None else actor.organization.id
        payload = {
            "user_id": actor.user.id,
            "org_id": org_id,
            "chat_id": chat_id,
            "message_id": message_id,
        }
        async with self._uow() as uow:
            now = self._clock.now()
            await uow.jobs.enqueue(EXPORT_JOB, payload, now, org_id)
            action = AuditAction.PERSONAL_EXPORTED if personal else AuditAction.DATA_EXPORTED
            await record(uow, actor, action, now)
            await uow.commit()

    async def build(self, job: Job, progress: Progress = _quiet) -> ExportReady:
        """The export job's work: the ZIP, and a link to it when Telegram cannot carry it."""
        user_id = int(str(job.payload["user_id"]))
        org = job.payload.get("org_id")
        org_id = int(str(org)) if org is not None else None
        client = job.payload.get("client_id")  # a client's data package
        if client is not None and org_id is not None:
            file = await self._client_zip(org_id, user_id, int(str(client)), progress)
        else:
            file = await self._archive(org_id, user_id, progress)
        if file.size <= self.document_limit:
            return ExportReady(file)
        key = export_key(org_id, user_id, self._clock.now(), secrets.token_urlsafe(12))
        await self._store.put(
            key, await asyncio.to_thread(Path(file.path).read_bytes), "application/zip"
        )
        return ExportReady(file, await self._store.link(key, EXPORT_LINK_SECONDS), too_large=True)

    async def export_archive(self, actor: Actor) -> ExportFile:
        """For GET /api/export: the organization's ZIP, built now. Call `discard` after."""
        require(actor, Action.ORG_EXPORT)
        assert actor.organization is not None
        async with self._uow() as uow:
            await record(uow, actor, AuditAction.DATA_EXPORTED, self._clock.now(), via="api")
            await uow.commit()
        return await self._archive(actor.organization.id, actor.user.id, _quiet)

    def discard(self, file: ExportFile) -> None:
        """Delete the local ZIP once it has been delivered."""
        Path(file.path).unlink(missing_ok=True)

    async def _archive(self, org_id: int | None, user_id: int, progress: Progress) -> ExportFile:
        now = self._clock.now()
        async with self._uow() as uow:
            layout = await _layout(uow, org_id, user_id)
            if org_id is None:
                entities, files = await uow.privacy.personal(user_id), []
            else:
                entities, files = (
                    await uow.privacy.entities(org_id),
                    await uow.privacy.files(org_id),
                )
        name = f"astracrm-{'org-' + str(org_id) if org_id else 'my-data'}-{now:%Y%m%d}.zip"
        return await self._pack(name, layout, entities, files, progress, org_id is None)

    async def request_client_package(
        self, actor: Actor, client_id: int, chat_id: int, message_id: int | None
    ) -> None:
        """Queue a client's data package (docs/data-rights.md) as an export job; answers
        (closes) the client's access requests and is audited, in one transaction."""
        async with self._uow() as uow:
            org_id = await self._answer_access(uow, actor, client_id)
            payload = {"user_id": actor.user.id, "org_id": org_id, "chat_id": chat_id,
                       "message_id": message_id, "client_id": client_id}  # fmt: skip
            await uow.jobs.enqueue(EXPORT_JOB, payload, self._clock.now(), org_id)
            await uow.commit()

    async def client_package(self, actor: Actor, client_id: int) -> ExportFile:
        """The same package built now (the API, tests). Call `discard` after."""
        async with self._uow() as uow:
            org_id = await self._answer_access(uow, actor, client_id)
            await uow.commit()
        return await self._client_zip(org_id, actor.user.id, client_id, _quiet)

    async def _answer_access(self, uow: UnitOfWork, actor: Actor, client_id: int) -> int:
        require(actor, Action.CLIENT_EDIT)
        assert actor.organization is not None
        org_id, now = actor.organization.id, self._clock.now()
        if await uow.clients.get(org_id, client_id) is None:
            raise DomainError("not_found")
        await answered(uow, org_id, client_id, "package", now, RequestKind.ACCESS)
        await record(uow, actor, AuditAction.CLIENT_PACKAGE_EXPORTED, now, ("client", client_id))
        return org_id

    async def _client_zip(
        self, org_id: int, user_id: int, client_id: int, progress: Progress
    ) -> ExportFile:
        """Everything held about one client: the card, phones, orders and their history,
        messages, calls and transcripts, files, consents, requests (nothing of another)."""
        async with self._uow() as uow:
            entities, files = await uow.privacy.client_package(org_id, client_id)
            layout = await _layout(uow, org_id, user_id)
        if not entities:
            raise DomainError("not_found")
        name = f"astracrm-client-{client_id}-{self._clock.now():%Y%m%d}.zip"
        return await self._pack(name, layout, entities, files, progress, False, client_id)

    async def _pack(
        self, name: str, layout: ExportLayout, entities: list[Entity], files: list[StoredFile],
        progress: Progress, personal: bool, client_id: int | None = None,
    ) -> ExportFile:  # fmt: skip
        builder = self._builder(name, layout)
        try:
            for done, entity in enumerate(entities, 1):
                builder.add_entity(entity)
                await progress(ExportProgress(ExportStage.TABLES, done, len(entities)))
            await self._copy_files(builder, files, progress)
            await progress(ExportProgress(ExportStage.PACKING, 0, 0))
            return await asyncio.to_thread(builder.finish, personal, self._clock.now(), client_id)
        except BaseException:
            builder.discard()
            raise

    async def _copy_files(
        self, builder: ExportBuilder, files: list[StoredFile], progress: Progress
    ) -> None:
        for done, file in enumerate(files, 1):
            source = self._store if file.stored else self._spool
            try:
                data = await source.get(file.key)
            except FileNotFoundError:
                continue  # removed meanwhile (a client's erasure): nothing to export
            await asyncio.to_thread(builder.add_file, file.archive_name, data)
            if done % FILES_PER_PROGRESS == 0 or done == len(files):
                await progress(ExportProgress(ExportStage.FILES, done, len(files)))


async def _layout(uow: UnitOfWork, org_id: int | None, user_id: int) -> ExportLayout:
    """The asker's language; the organization's zone and currency (UTC for personal data)."""
    org = await uow.orgs.get(org_id) if org_id is not None else None
    user = await uow.users.get(user_id)
    default = org.language if org is not None else LANGUAGES[0]
    language = user.preferred_language(default) if user is not None else default
    if org is None:
        return ExportLayout(language)
    return ExportLayout(language, org.timezone, org.currency)
