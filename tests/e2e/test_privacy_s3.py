"""Against a moto S3 server, with a clock the test moves: an export too large for Telegram
arrives as a time-limited link; a forgotten client's photo leaves the bucket; a deleted
organization is gone from the bucket and the database on day 31."""

import asyncio
import io
import json
import zipfile

import httpx
import pytest

from bot.local import LocalBot
from core.clock import FixedClock
from tests.e2e.conftest import E2E_START, make_settings
from tests.e2e.privacy_scenario import CLIENT, SEEDED, order_with_photo, scan
from tests.fakes.s3 import moto_bucket, objects


@pytest.fixture
async def s3_bot(db_url, tmp_path):
    moto = moto_bucket("astracrm-privacy")
    url, bucket = moto.url, moto.bucket
    settings = moto.settings(make_settings(db_url, tmp_path))
    clock = FixedClock(E2E_START)
    crm = LocalBot(settings, clock=clock)
    await crm.start()
    try:
        yield crm, clock, url, bucket
    finally:
        await crm.stop()
        moto.stop()


async def _until(check, seconds: float = 10.0) -> bool:
    for _ in range(int(seconds / 0.1)):
        if check():
            return True
        await asyncio.sleep(0.1)
    return False


async def test_large_export_link_forgetting_and_purging_in_s3(s3_bot):
    crm, clock, url, bucket = s3_bot
    olga = await order_with_photo(crm, owner_id=975)
    assert await _until(lambda: any("/order/1/" in k for k in objects(url, bucket)))

    crm.container.services.privacy.document_limit = 100  # every export is "too large"
    await olga.send("/export")
    progress = await olga.reply()
    edited = await olga.wait_edit(progress.message_id, timeout=20)
    while "Скачайте" not in edited.text:
        edited = await olga.wait_edit(progress.message_id, timeout=20)
    link = next(href for href in _links(edited.html or ""))
    async with httpx.AsyncClient() as http:
        archive = (await http.get(link)).content
    with zipfile.ZipFile(io.BytesIO(archive)) as opened:
        assert [c["name"] for c in json.loads(opened.read("clients.json"))] == [CLIENT]
    assert any(k.startswith("crm/exports/") for k in objects(url, bucket))

    await olga.send("/forget Заболоцкая")
    await olga.tap(next(lbl for lbl in (await olga.reply()).labels if CLIENT in lbl))
    await olga.tap("Удалить навсегда", message=await olga.reply())
    assert await _until(lambda: not any("/order/1/" in k for k in objects(url, bucket)))
    assert await scan(crm, SEEDED) == []

    await olga.send("/deleteorg")
    await olga.tap("Удалить Чистый дом", message=await olga.reply())
    await olga.wait_edit(olga.last().message_id)
    clock.advance(days=29)
    await crm.container.services.erasure.enforce()
    journal = crm.container.settings.erasure_journal_s3_prefix + "/"
    left = [k for k in objects(url, bucket) if not k.startswith(journal)]
    assert left == []  # the export link expired after two days
    # what stays is the erasure journal (ids and times, kept outside backups: docs/backups.md)
    assert all("-client-" in k for k in objects(url, bucket) if k.startswith(journal))
    assert await scan(crm, ["Чистый дом"]) == ["organization.name"]  # still restorable
    clock.advance(days=2)
    crm.app.bot_data.background.wake()

    async def purged() -> bool:
        return await scan(crm, ["Чистый дом", "Неповторимая"]) == []

    for _ in range(100):
        if await purged():
            break
        await asyncio.sleep(0.1)
    assert await purged()


def _links(html: str) -> list[str]:
    found = []
    for part in html.split('href="')[1:]:
        found.append(part.split('"', 1)[0].replace("&amp;", "&"))
    return found
