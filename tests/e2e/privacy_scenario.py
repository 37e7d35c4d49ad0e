"""Steps shared by the privacy end-to-end tests: an order for a client with unique personal
data, a photo on it, reading a document the bot sent, scanning the bot's database."""

from __future__ import annotations

import asyncio
import io
import json
import zipfile

from sqlalchemy import func, select

from core.clock import SystemClock
from storage.db import session_factory
from storage.tables import OutboxRow
from storage.uow import SqlUnitOfWork
from tests.e2e.scenario import create_org
from tests.privacy_support import png

CLIENT = "Агриппина Заболоцкая"
PHONE = "+7 916 555 12 34"
ADDRESS = "Москва, ул. Неповторимая, д. 77"
SEEDED = ("Агриппина", "Заболоцкая", "9165551234", "Неповторимая")


async def order_with_photo(crm, owner_id: int = 971):
    """An owner with an order for the seeded client, and a photo on it (sent by the owner)."""
    olga = crm.emulator.user(owner_id, "Ольга", language_code="ru")
    await create_org(olga)
    await olga.send("/neworder")
    for step in (PHONE, CLIENT, ADDRESS):
        await olga.reply()
        await olga.send(step)
    for label in ("Уборка", "Без даты", "Пропустить", "Пропустить", "✅ Создать"):
        await olga.reply()
        await olga.tap(label)
    await olga.reply()
    await olga.reply()
    await olga.send("/order 1")
    await olga.reply()
    await olga.send_photo(png(7), caption="фото у Заболоцкой")
    assert "1 фото" in (await olga.reply()).text
    return olga


def document_bytes(crm, message) -> bytes:
    file_id = message.raw["document"]["file_id"]
    return crm.emulator.state.files[file_id].data


def zip_json(data: bytes, name: str) -> list[dict]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return json.loads(archive.read(name))


async def scan(crm, values) -> list[str]:
    """Where the bot's database still holds any of `values`, once the updates in flight are
    applied (the inbox holds an update's text until then, and read-only updates leave it with
    the ledger's next batched write, within 50 ms) and the edits sent are taken out of the
    outbox (with the next commit, or within 50 ms: bot/outbox_marks.py)."""
    assert crm.container is not None and crm.app is not None

    async def settled() -> bool:
        await crm.container.services.updates.flush()
        await crm.app.sender.unmarked.flush()
        async with crm.container.engine.connect() as connection:
            boxed = select(func.count()).select_from(OutboxRow.__table__)
            if (await connection.execute(boxed)).scalar_one():
                return False  # a message still being sent, or its mark on its way
        return not await crm.container.inbox.pending()

    assert await eventually(settled), "updates still waiting in the inbox"
    sessions = session_factory(crm.container.engine)
    async with SqlUnitOfWork(sessions, SystemClock()) as uow:
        return await uow.privacy.scan(list(values))


async def eventually(check, seconds: float = 10.0) -> bool:
    for _ in range(int(seconds / 0.1)):
        if await check():
            return True
        await asyncio.sleep(0.1)
    return False
