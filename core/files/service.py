"""Files on orders: photos, albums and documents kept safe first, uploaded durably after.

The bytes are written to a local spool and recorded with an upload job in one transaction, so
an object-storage outage loses nothing: the job retries with backoff until the object is there.
Keys are content addresses, so a retried or repeated upload stores one object.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from core.changes import NewAttachment
from core.domain import Actor, Attachment, Job, Order
from core.errors import DomainError
from core.files.rules import FileKind, accept, file_key, sha256
from core.orders.listing import ListKind, build_filter
from core.orders.rules import may_view
from core.ownbot.routing import SHARED_BOT
from core.permissions import Action, allowed, require_writable
from core.ports import Clock, FileStore, UowFactory

UPLOAD_JOB = "upload"
ALBUM_JOB = "album_ack"
ALBUM_QUIET = timedelta(seconds=2)
CAPTION_MAX = 1000


@dataclass(frozen=True, slots=True)
class IncomingFile:
    data: bytes
    declared_mime: str | None
    file_name: str | None
    caption: str | None
    telegram_file_id: str | None
    media_group_id: str | None = None
    bot: int = 0  # the number of the bot the file came through: its file id is that bot's


@dataclass(frozen=True, slots=True)
class Attached:
    order: Order
    attachment: Attachment
    duplicate: bool
    counts: dict[str, int]


class FileService:
    def __init__(self, uow: UowFactory, clock: Clock, store: FileStore, spool: FileStore) -> None:
        self._uow = uow
        self._clock = clock
        self._store = store
        self._spool = spool

    async def target(self, actor: Actor) -> Order | None:
        """The order new files go to: the one whose card the person last opened or started,
        if it is still open and theirs to add to."""
        assert actor.organization is not None
        async with self._uow() as uow:
            order_id = await uow.attachments.current_order(actor.organization.id, actor.user.id)
            order = await uow.orders.get(actor.organization.id, order_id) if order_id else None
        return order if order is not None and _may_attach(actor, order) else None

    async def choices(self, actor: Actor) -> list[Order]:
        """Open orders this person may attach to, for the 'which order?' question."""
        assert actor.organization is not None
        query = build_filter(actor, ListKind.MINE, self._clock.now())
        async with self._uow() as uow:
            orders = await uow.orders.listing(actor.organization.id, query, 8, 0)
        return [o for o in orders if _may_attach(actor, o)]

    async def focus(self, actor: Actor, order_id: int) -> None:
        """Remember the order a person is working on (they opened or started its card)."""
        if actor.organization is None or actor.membership is None:
            return
        async with self._uow() as uow:
            await uow.attachments.set_current_order(actor.organization.id, actor.user.id, order_id)
            await uow.commit()

    async def attach(self, actor: Actor, order_id: int, file: IncomingFile) -> Attached:
        """Check the file by its content, keep it in the spool, record it with its upload job."""
        assert actor.organization is not None
        require_writable(actor)
        org_id, now = actor.organization.id, self._clock.now()
        file_type = accept(file.data, file.declared_mime, file.file_name)
        caption = (file.caption or "")[:CAPTION_MAX] or None
        async with self._uow() as uow:
            order = await uow.orders.get(org_id, order_id)
            if order is None or not _may_attach(actor, order):
                raise DomainError("order_gone")
            digest = sha256(file.data)
            existing = await uow.attachments.find(org_id, order_id, digest)
            if existing is not None:
                return Attached(
                    order, existing, True, await uow.attachments.counts(org_id, order_id)
                )
            key = file_key(org_id, order_id, file.data, file_type)
            await self._spool.put(key, file.data, file_type.mime)
            new = NewAttachment(
                order_id=order_id,
                kind=_kind(file_type.kind),
                storage_key=key,
                sha256=digest,
                size=len(file.data),
                mime=file_type.mime,
                file_name=file.file_name,
                telegram_file_id=file.telegram_file_id,
                telegram_file_bot=file.bot,
                caption=caption,
                media_group_id=file.media_group_id,
                created_by=actor.user.id,
            )
            attachment = await uow.attachments.add(org_id, now, new)
            await uow.jobs.enqueue(
                UPLOAD_JOB,
                {"attachment_id": attachment.id},
                now,
                org_id,
                f"upload:{attachment.id}",
            )
            await uow.orders.add_event(
                order, actor.user.id, "file", {"kind": attachment.kind}, now
            )
            counts = await uow.attachments.counts(org_id, order_id)
            await uow.commit()
        return Attached(order, attachment, False, counts)

    async def upload(self, job: Job) -> None:
        """The upload job (idempotent): spool -> object storage, then mark the row stored."""
        attachment_id = int(str(job.payload["attachment_id"]))
        async with self._uow() as uow:
            attachment = await uow.attachments.by_id(attachment_id)
        if attachment is None or attachment.stored:
            return
        data = await self._spool.get(attachment.storage_key)
        await self._store.put(attachment.storage_key, data, attachment.mime)
        async with self._uow() as uow:
            await uow.attachments.mark_stored(attachment_id)
            await uow.commit()
        await self._spool.delete(attachment.storage_key)

    async def upload_now(self, attachment: Attachment) -> bool:
        """Try the upload at once so the reply can say it is done; the job remains the
        guarantee when storage is down (False)."""
        job = Job(0, UPLOAD_JOB, {"attachment_id": attachment.id}, 0, attachment.organization_id)
        try:
            await self.upload(job)
        except Exception:  # noqa: BLE001 - any failure here is the job's to retry
            return False
        return True

    async def files(self, actor: Actor, order_id: int) -> list[Attachment]:
        assert actor.organization is not None
        async with self._uow() as uow:
            order = await uow.orders.get(actor.organization.id, order_id)
            if order is None or not may_view(actor, order) or not _sees_files(actor, order):
                raise DomainError("order_gone")
            return await uow.attachments.for_order(actor.organization.id, order_id)

    async def linked(self, org_id: int, attachment_id: int) -> Attachment | None:
        """A file by a signed link, which already proves the signer could see it (the order
        card in the browser, core/files/links.py)."""
        async with self._uow() as uow:
            return await uow.attachments.get(org_id, attachment_id)

    async def content(self, attachment: Attachment) -> bytes:
        """The bytes, from object storage or, while still uploading, from the spool."""
        if attachment.stored:
            return await self._store.get(attachment.storage_key)
        return await self._spool.get(attachment.storage_key)

    async def remember_file_id(self, attachment: Attachment, file_id: str, bot: int = 0) -> None:
        """The file id a bot gave a file it was sent: kept when there is none, when it is the
        same bot's (its old id was refused), or for the shared bot (it sends most); another
        bot's id is never replaced by an own bot's (docs/own-bot.md, Files)."""
        stored, owner = attachment.telegram_file_id, attachment.telegram_file_bot
        if stored is not None and bot != owner and bot != SHARED_BOT:
            return
        async with self._uow() as uow:
            await uow.attachments.remember_file_id(attachment.id, file_id, bot)
            await uow.commit()

    async def album_ack(
        self, actor: Actor, order: Order, media_group_id: str, chat_id: int, bot: int = 0
    ) -> None:
        """An album arrives as several updates: answer once, shortly after the last one,
        through the bot it came through (`bot`, core/ownbot/routing.py)."""
        now = self._clock.now()
        payload = {
            "chat_id": chat_id,
            "order_id": order.id,
            "group": media_group_id,
            "user_id": actor.user.id,
            "bot": bot,
        }
        async with self._uow() as uow:
            await uow.jobs.enqueue(
                ALBUM_JOB,
                payload,
                now + ALBUM_QUIET,
                order.organization_id,
                f"album:{order.organization_id}:{media_group_id}",
            )
            await uow.commit()

    async def album_summary(self, job: Job) -> tuple[Attached, bool] | None:
        """What the album reply says: the order's counts, and whether uploads are pending."""
        org_id = job.organization_id
        if org_id is None:
            return None
        async with self._uow() as uow:
            order = await uow.orders.get(org_id, int(str(job.payload["order_id"])))
            group = await uow.attachments.in_group(org_id, str(job.payload["group"]))
            if order is None or not group:
                return None
            counts = await uow.attachments.counts(org_id, order.id)
        pending = any(not a.stored for a in group)
        return Attached(order, group[-1], False, counts), pending


def _may_attach(actor: Actor, order: Order) -> bool:
    """Workers add to their own open orders; managers and owners to any open order."""
    if not order.open or not may_view(actor, order):
        return False
    return allowed(actor.role, Action.ORDER_ASSIGN) or order.assignee_id == actor.user.id


def _sees_files(actor: Actor, order: Order) -> bool:
    return allowed(actor.role, Action.ORDER_VIEW_ALL) or order.assignee_id == actor.user.id


def _kind(kind: FileKind) -> str:
    return "photo" if kind is FileKind.PHOTO else kind.value
