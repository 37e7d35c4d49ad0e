"""Issue scenario: an album and a PDF land in S3 under the organization's prefix, proof of work
holds "Done" until there are enough photos, and an S3 outage loses nothing."""

import asyncio
import struct
import zlib

import pytest

from tests.e2e.conftest import local_bot, make_settings
from tests.e2e.scenario import started_order
from tests.fakes.s3 import moto_bucket, objects, start_moto


def png(seed: int) -> bytes:
    """A real, distinct 2×2 PNG per seed."""
    raw = b"".join(b"\x00" + bytes([seed % 256, (seed * 7) % 256, 90] * 2) for _ in range(2))

    def chunk(kind: bytes, body: bytes) -> bytes:
        return (
            struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))
        )

    header = struct.pack(">IIBBBBB", 2, 2, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(raw))
        + chunk(b"IEND", b"")
    )


PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
async def s3_crm(db_url, tmp_path):
    moto = moto_bucket("astracrm-e2e")
    crm = local_bot(moto.settings(make_settings(db_url, tmp_path)))
    await crm.start()
    try:
        yield crm, moto, moto.url, moto.bucket
    finally:
        await crm.stop()
        moto.stop()


async def _started_order(crm):
    client = ("+7 916 111 22 33", "Анна", "Москва, Тверская, 1")
    return await started_order(crm, (951, 952), client)


async def _eventually(check, seconds: float = 10.0) -> bool:
    for _ in range(int(seconds / 0.1)):
        if check():
            return True
        await asyncio.sleep(0.1)
    return False


async def test_album_and_pdf_into_s3_with_proof_of_work(s3_crm):
    crm, _running, url, bucket = s3_crm
    olga, ivan, card = await _started_order(crm)
    await ivan.send_album([png(1), png(2), png(3)], caption="до и после")
    assert "now 3 photos" in (await ivan.reply()).text
    await ivan.send_document(PDF, "act.pdf", "application/pdf")
    assert "1 file" in (await ivan.reply()).text
    await ivan.send_document(b"MZ\x90\x00" + b"\x00" * 100, "photo.jpg", "image/jpeg")
    assert "cannot keep this kind of file" in (await ivan.reply()).text
    assert await _eventually(lambda: len(objects(url, bucket)) == 4)
    keys = objects(url, bucket)
    assert all(k.startswith("crm/org/1/order/1/") for k in keys), keys
    refreshed = ivan.last()
    await olga.send("/order 1")
    manager_view = await olga.reply()
    assert "3 фото" in manager_view.text and "1 файл" in manager_view.text, manager_view.text

    await olga.send("/settings")
    await olga.reply()
    await olga.tap("📷 4")
    assert "4" in (await olga.reply()).text
    await ivan.tap("✅ Done", message=card)
    assert "needs 4 photos" in (await ivan.callback_answer())
    await ivan.send_photo(png(4))
    assert "now 4 photos" in (await ivan.reply()).text
    await ivan.tap("✅ Done", message=card)
    assert "Marked as done" in (await ivan.callback_answer())
    assert refreshed is not None


async def test_an_outage_loses_nothing(s3_crm):
    crm, running, url, bucket = s3_crm
    _olga, ivan, _card = await _started_order(crm)
    _host, port = running.server.get_host_and_port()
    running.stop()
    await ivan.send_photo(png(10))
    assert "nothing will be lost" in (await ivan.reply()).text
    await ivan.send_album([png(11), png(12)])
    assert "Uploading" in (await ivan.reply()).text
    await asyncio.sleep(0.5)
    running.server = start_moto(port)
    assert await _eventually(lambda: len(objects(url, bucket)) == 3, 20)
    await asyncio.sleep(1.0)
    assert len(objects(url, bucket)) == 3, "an upload arrived twice or went missing"
