"""Issue scenario: an album and a PDF land in S3 under the organization's prefix, proof of work
holds "Done" until there are enough photos, and an S3 outage loses nothing."""

import asyncio
import struct
import uuid
import zlib

import boto3
import pytest
from moto.server import ThreadedMotoServer
from pydantic import SecretStr

from bot.local import LocalBot
from tests.e2e.conftest import make_settings
from tests.e2e.scenario import started_order

BUCKET = f"astracrm-e2e-{uuid.uuid4().hex[:8]}"


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


def start_moto(port: int = 0) -> ThreadedMotoServer:
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    return server


def stop_moto(server: ThreadedMotoServer) -> None:
    server.stop()
    server._server.server_close()  # the stopped server keeps its socket open otherwise


def s3_client(url: str):
    return boto3.client("s3", endpoint_url=url, region_name="ru-central1",
                        aws_access_key_id="k", aws_secret_access_key="s")  # fmt: skip


def objects(url: str, bucket: str) -> list[str]:
    listing = s3_client(url).list_objects_v2(Bucket=bucket)
    return sorted(o["Key"] for o in listing.get("Contents", []))


@pytest.fixture
async def s3_crm(db_url, tmp_path):
    server = start_moto()
    host, port = server.get_host_and_port()
    url = f"http://{host}:{port}"
    bucket = f"{BUCKET}-{uuid.uuid4().hex[:6]}"
    s3_client(url).create_bucket(
        Bucket=bucket, CreateBucketConfiguration={"LocationConstraint": "ru-central1"}
    )
    settings = make_settings(db_url, tmp_path).model_copy(update={
        "s3_bucket": bucket, "s3_endpoint_url": url, "s3_prefix": "crm",
        "s3_access_key_id": SecretStr("k"), "s3_secret_access_key": SecretStr("s"),
        "job_retry_base_seconds": 0.2, "job_poll_seconds": 0.2,
    })  # fmt: skip
    crm = LocalBot(settings)
    await crm.start()
    running = {"server": server}  # a test may replace it (an outage and a restart)
    try:
        yield crm, running, url, bucket
    finally:
        await crm.stop()
        stop_moto(running["server"])


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
    _host, port = running["server"].get_host_and_port()
    stop_moto(running["server"])
    await ivan.send_photo(png(10))
    assert "nothing will be lost" in (await ivan.reply()).text
    await ivan.send_album([png(11), png(12)])
    assert "Uploading" in (await ivan.reply()).text
    await asyncio.sleep(0.5)
    running["server"] = start_moto(port)
    assert await _eventually(lambda: len(objects(url, bucket)) == 3, 20)
    await asyncio.sleep(1.0)
    assert len(objects(url, bucket)) == 3, "an upload arrived twice or went missing"
