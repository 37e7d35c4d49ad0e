"""The FileStore contract on both adapters: a local folder and S3 (moto's server over HTTP).

One moto server serves the session and every S3 test gets its own bucket. The outage tests
point a client at a closed port, and stop and restart a second moto server on the same port.
"""

from __future__ import annotations

import socket
import time
import uuid
from collections.abc import AsyncIterator, Iterator
from typing import Any

import httpx
import pytest
from botocore.exceptions import ClientError
from moto.server import ThreadedMotoServer

from core.errors import ExternalServiceError
from core.files.rules import object_key, sha256
from core.ports import FileStore
from storage.files import LocalFileStore, S3FileStore, make_s3_client

REGION = "ru-central1"
DATA = bytes(range(256)) * 40 + b"\x00\xff\r\n"  # binary: every byte value, NULs, CR LF
KEY = object_key(1, 10, sha256(DATA), "bin")
OTHER = b"%PDF-1.4\n%%EOF\n"
OTHER_KEY = object_key(12, None, sha256(OTHER), "pdf")


def start_moto(port: int = 0) -> ThreadedMotoServer:
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    return server


def stop_moto(server: ThreadedMotoServer) -> None:
    """Stop serving and close the listening socket (moto's stop() leaves it open, so the port
    would neither refuse connections nor be free for a new server)."""
    server.stop()
    server._server.server_close()  # type: ignore[union-attr]


def endpoint(server: ThreadedMotoServer) -> str:
    host, port = server.get_host_and_port()
    return f"http://{host}:{port}"


@pytest.fixture(scope="session")
def moto_endpoint() -> Iterator[str]:
    server = start_moto()
    yield endpoint(server)
    stop_moto(server)


def client_for(url: str, **timeouts: Any) -> Any:
    return make_s3_client(url, REGION, "test-access-key", "test-secret-key", **timeouts)


@pytest.fixture(scope="session")
def s3_client(moto_endpoint) -> Iterator[Any]:
    client = client_for(moto_endpoint)
    yield client
    client.close()


@pytest.fixture
def bucket() -> str:
    return f"files-{uuid.uuid4().hex[:16]}"


@pytest.fixture
async def s3_store(s3_client, bucket) -> S3FileStore:
    store = S3FileStore(s3_client, bucket, prefix="crm")
    await store.ensure_bucket()
    return store


@pytest.fixture(params=["local", "s3"])
def store(request, tmp_path) -> FileStore:
    if request.param == "local":
        return LocalFileStore(tmp_path / "files")
    s3_store: S3FileStore = request.getfixturevalue("s3_store")
    return s3_store


@pytest.fixture
async def http() -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(timeout=5) as client:
        yield client


async def test_round_trip_of_binary_data(store):
    await store.put(KEY, DATA, "application/octet-stream")
    assert await store.exists(KEY)
    assert await store.get(KEY) == DATA
    assert await store.keys("org/1/") == [KEY]
    await store.delete(KEY)
    assert not await store.exists(KEY)
    assert await store.keys("") == []
    await store.delete(KEY)  # deleting a missing key is fine
    with pytest.raises(FileNotFoundError):
        await store.get(KEY)


async def test_put_of_the_same_content_is_idempotent(store):
    await store.put(KEY, DATA, "application/octet-stream")
    await store.put(KEY, DATA, "application/octet-stream")
    assert await store.keys("") == [KEY]
    assert await store.get(KEY) == DATA


async def test_keys_are_listed_sorted_by_string_prefix(store):
    keys = [object_key(1, 2, sha256(bytes([n])), "jpg") for n in range(5)]
    keys += [KEY, object_key(12, 2, sha256(DATA), "bin"), OTHER_KEY]
    for key in keys:
        await store.put(key, key.encode(), "text/plain")
    assert await store.keys("") == sorted(keys)
    assert await store.keys("org/1/order/2/") == sorted(keys[:5])
    assert await store.keys("org/1/") == sorted([*keys[:5], KEY])
    assert await store.keys("org/1") == sorted(keys)
    assert await store.keys("org/12/unfiled/") == [OTHER_KEY]
    assert await store.keys("org/3/") == []


@pytest.mark.parametrize("key", ["../escape", "/etc/passwd", "org\\1", "org/1\x00", "a//b", ""])
async def test_unsafe_keys_are_refused(store, key):
    with pytest.raises(ValueError):
        await store.put(key, DATA, "application/octet-stream")
    with pytest.raises(ValueError):
        await store.get(key)
    with pytest.raises(ValueError):
        await store.keys("../")


async def test_link(store, http):
    await store.put(OTHER_KEY, OTHER, "application/pdf")
    link = await store.link(OTHER_KEY, 60)
    if isinstance(store, LocalFileStore):
        assert link is None
        return
    assert link is not None
    assert "X-Amz-Expires=60" in link
    response = await http.get(link)
    assert response.status_code == 200
    assert response.content == OTHER
    assert response.headers["content-type"] == "application/pdf"
    with pytest.raises(ValueError):
        await store.link(OTHER_KEY, 8 * 24 * 3600)


async def test_local_writes_once_and_leaves_no_temporary_files(tmp_path):
    store = LocalFileStore(tmp_path)
    await store.put(KEY, DATA, "application/octet-stream")
    first = store.path(KEY).stat()
    await store.put(KEY, DATA, "application/octet-stream")
    assert store.path(KEY).stat().st_ino == first.st_ino
    assert list((tmp_path / ".partial").iterdir()) == []
    assert await store.keys("") == [KEY]
    with pytest.raises(ValueError):
        store.path(".partial/x")


async def test_local_refuses_a_symlink_out_of_the_root(tmp_path):
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secret").write_bytes(b"secret")
    root = tmp_path / "files"
    root.mkdir()
    (root / "org").symlink_to(outside)
    store = LocalFileStore(root)
    with pytest.raises(ValueError):
        await store.get("org/secret")


@pytest.fixture
def put_calls(s3_client) -> Iterator[list[str]]:
    """PutObject requests the shared client sends during the test (a botocore event hook)."""
    calls: list[str] = []
    hook_id = f"count-puts-{uuid.uuid4()}"
    events = s3_client.meta.events
    events.register("before-call.s3.PutObject", lambda **_: calls.append("put"), hook_id)
    yield calls
    events.unregister("before-call.s3.PutObject", unique_id=hook_id)


async def test_s3_second_put_does_not_upload_again(s3_store, put_calls):
    await s3_store.put(KEY, DATA, "application/octet-stream")
    await s3_store.put(KEY, DATA, "application/octet-stream")
    assert put_calls == ["put"]


async def test_s3_prefix_and_content_type(s3_store, s3_client, bucket):
    await s3_store.put(OTHER_KEY, OTHER, "application/pdf")
    head = s3_client.head_object(Bucket=bucket, Key=f"crm/{OTHER_KEY}")
    assert head["ContentType"] == "application/pdf"
    assert "ServerSideEncryption" not in head
    neighbour = S3FileStore(s3_client, bucket, prefix="/other/")
    assert await neighbour.keys("") == []
    assert not await neighbour.exists(OTHER_KEY)
    await neighbour.put(KEY, DATA, "application/octet-stream")
    assert await s3_store.keys("") == [OTHER_KEY]
    listed = s3_client.list_objects_v2(Bucket=bucket)["Contents"]
    assert sorted(item["Key"] for item in listed) == [f"crm/{OTHER_KEY}", f"other/{KEY}"]


async def test_s3_server_side_encryption_is_requested(s3_client, bucket):
    store = S3FileStore(s3_client, bucket, sse="AES256")
    await store.ensure_bucket()
    await store.ensure_bucket()  # already there: no error
    await store.put(KEY, DATA, "application/octet-stream")
    assert s3_client.head_object(Bucket=bucket, Key=KEY)["ServerSideEncryption"] == "AES256"


async def test_s3_missing_bucket_is_not_retryable(s3_client):
    store = S3FileStore(s3_client, "no-such-bucket-here")
    with pytest.raises(ExternalServiceError) as failed:
        await store.put(KEY, DATA, "application/octet-stream")
    assert failed.value.service == "s3"
    assert not failed.value.retryable
    with pytest.raises(ExternalServiceError):
        await store.keys("")


class RefusingClient:
    """A client whose every call fails with the given S3 error response."""

    def __init__(self, code: str, status: int) -> None:
        self.response = {"Error": {"Code": code}, "ResponseMetadata": {"HTTPStatusCode": status}}

    def head_object(self, **params: Any) -> None:
        raise ClientError(self.response, "HeadObject")

    def get_object(self, **params: Any) -> None:
        raise ClientError(self.response, "GetObject")


@pytest.mark.parametrize(
    ("code", "status", "retryable"),
    [
        ("AccessDenied", 403, False),
        ("SignatureDoesNotMatch", 403, False),
        ("NoSuchBucket", 404, False),
        ("InternalError", 500, True),
        ("SlowDown", 503, True),
        ("RequestTimeout", 400, True),
    ],
)
async def test_s3_errors_by_code(code, status, retryable):
    store = S3FileStore(RefusingClient(code, status), "bucket")
    with pytest.raises(ExternalServiceError) as failed:
        await store.get(KEY)
    assert failed.value.retryable is retryable
    assert code in failed.value.reason


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
    return port


FAST = {"connect_timeout": 1, "read_timeout": 2, "max_attempts": 1}


async def test_s3_endpoint_down_is_retryable_and_fast():
    client = client_for(f"http://127.0.0.1:{free_port()}", **FAST)
    store = S3FileStore(client, "bucket")
    started = time.monotonic()
    try:
        for call in (store.put(KEY, DATA, "image/jpeg"), store.get(KEY), store.keys("")):
            with pytest.raises(ExternalServiceError) as failed:
                await call
            assert failed.value.retryable
    finally:
        client.close()
    assert time.monotonic() - started < 5


async def test_s3_put_retried_after_the_server_restarts_succeeds(bucket):
    server = start_moto()
    url, port = endpoint(server), server.get_host_and_port()[1]
    client = client_for(url, **FAST)
    store = S3FileStore(client, bucket)
    try:
        await store.ensure_bucket()
        await store.put(OTHER_KEY, OTHER, "application/pdf")
        stop_moto(server)
        with pytest.raises(ExternalServiceError) as failed:
            await store.put(KEY, DATA, "application/octet-stream")
        assert failed.value.retryable
        server = start_moto(port)
        await store.put(KEY, DATA, "application/octet-stream")  # the retry
        assert await store.get(KEY) == DATA
        assert await store.keys("") == sorted([KEY, OTHER_KEY])
    finally:
        client.close()
        stop_moto(server)
