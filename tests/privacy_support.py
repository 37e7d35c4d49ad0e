"""Helpers for the privacy tests: services over known folders, a client seeded with unique
personal data, an order with a photo and a voice note, and a scan of the whole database."""

from __future__ import annotations

import struct
import zlib
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

from bot.container import Adapters, file_stores, make_services
from bot.settings import Settings
from core.changes import NewVoiceNote
from core.domain import Actor, Client, Order, VoiceStatus
from core.files.service import UPLOAD_JOB, IncomingFile
from core.orders.service import OrderDraft
from core.privacy.erasure import ERASE_OBJECTS_JOB, ORG_PURGE_JOB, RETENTION_JOB
from core.runtime.jobs import JobRunner
from core.services import Services
from handlers.i18n import Catalogs
from integrations.phones import PhonenumbersNormalizer
from storage.db import create_engine, session_factory
from storage.files.local import LocalFileStore
from storage.runtime.jobs import SqlJobQueue
from storage.uow import SqlUnitOfWork


def png(seed: int) -> bytes:
    """A real, distinct 2×2 PNG per seed."""
    raw = b"".join(b"\x00" + bytes([seed % 256, (seed * 7) % 256, 90] * 2) for _ in range(2))

    def chunk(kind: bytes, body: bytes) -> bytes:
        crc = struct.pack(">I", zlib.crc32(kind + body))
        return struct.pack(">I", len(body)) + kind + body + crc

    header = struct.pack(">IIBBBBB", 2, 2, 8, 2, 0, 0, 0)
    idat = chunk(b"IDAT", zlib.compress(raw))
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + idat + chunk(b"IEND", b"")


@dataclass
class World:
    """Services over one database and known folders, and a way to run the queued jobs."""

    services: Services
    uow: Any
    sessions: Any
    clock: Any
    objects: LocalFileStore
    spool: LocalFileStore
    files_dir: Path

    async def scan(self, values) -> list[str]:
        """`table.column` of every place in the database still holding one of `values`."""
        async with self.uow() as uow:
            return await uow.privacy.scan(list(values))

    async def keys(self, prefix: str = "") -> list[str]:
        return await self.objects.keys(prefix) + await self.spool.keys(prefix)

    async def run_jobs(self) -> int:
        """Run every due upload and privacy job; how many ran."""
        erasure = self.services.erasure
        handlers = {
            UPLOAD_JOB: self.services.files.upload,
            ERASE_OBJECTS_JOB: erasure.erase_objects,
            ORG_PURGE_JOB: erasure.purge_job,
            RETENTION_JOB: erasure.retention_job,
        }
        runner = JobRunner(SqlJobQueue(self.sessions), handlers, self.clock, "test")
        ran = 0
        while await runner.run_once():
            ran += 1
        return ran


@asynccontextmanager
async def open_world(
    db_url: str, clock, files_dir: Path, adapt: Callable[[Adapters], None] | None = None, **extra
) -> AsyncIterator[World]:
    """`adapt` sets adapters (a fake's), `extra` settings (its key)."""
    engine = create_engine(db_url)
    sessions = session_factory(engine)

    def uow() -> SqlUnitOfWork:
        return SqlUnitOfWork(sessions, clock)

    settings = Settings(
        _env_file=None, database_url="sqlite:///unused.db", files_dir=files_dir, **extra
    )  # type: ignore[call-arg]
    store, spool = file_stores(settings)
    adapters = Adapters(PhonenumbersNormalizer(), None, None, store, spool)
    if adapt is not None:
        adapt(adapters)
    services = make_services(uow, clock, Catalogs(), settings, adapters)
    objects = LocalFileStore(files_dir / "objects")
    try:
        yield World(services, uow, sessions, clock, objects, spool, files_dir)  # type: ignore[arg-type]
    finally:
        await engine.dispose()


@dataclass
class Seeded:
    client: Client
    order: Order
    values: tuple[str, ...]  # what must vanish with the client


async def seed_client(
    w: World, owner: Actor, clock, tag: str = "Сидорова", phone: str = "+79165551234"
) -> Seeded:
    """A client with unique name, phone and address, an order with a photo and a voice note."""
    services = w.services
    address = f"ул. Уникальная-{tag}, д. 77"
    name = f"Агриппина {tag}"
    client = await services.clients.create(owner, name, phone, address, f"заметка {tag}")
    draft = OrderDraft(
        client.id,
        address=address,
        price_minor=350000,
        scheduled_at=clock.now() + timedelta(days=1),
        description=f"позвонить {tag} перед выездом",
    )
    order = await services.orders.create(owner, draft)
    photo = IncomingFile(png(len(tag)), "image/png", f"{tag}.png", f"фото {tag}", None)
    attached = await services.files.attach(owner, order.id, photo)
    assert await services.files.upload_now(attached.attachment)
    assert owner.organization is not None
    async with w.uow() as uow:  # a transcript naming the client
        note = NewVoiceNote(
            order_id=order.id,
            user_id=owner.user.id,
            chat_id=owner.user.telegram_id,
            status=VoiceStatus.READY,
            transcript=f"{name} просит перезвонить на {phone}",
        )
        await uow.voice.add(owner.organization.id, clock.now(), note)
        await uow.commit()
    return Seeded(client, order, (tag, phone.removeprefix("+7"), f"Уникальная-{tag}"))
