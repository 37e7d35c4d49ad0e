"""FileStore on S3-compatible object storage: Timeweb S3, Yandex Object Storage, MinIO, AWS.

One client configuration serves them all (path-style addressing, SigV4, checksums only where
the API requires them, since several S3-compatible services refuse the newer default
checksum headers). boto3 is synchronous, so every call runs in a worker thread. Failures
become `ExternalServiceError("s3", ...)`: retryable for an unreachable endpoint, timeouts,
throttling and 5xx; not retryable for refused credentials, a missing bucket and other 4xx.
A missing object is `FileNotFoundError`, like a missing file.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

import boto3
from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError, HTTPClientError
from botocore.exceptions import ConnectionError as BotoConnectionError

from core.errors import ExternalServiceError
from core.files.rules import safe_key, safe_prefix

SERVICE = "s3"
MAX_LINK_SECONDS = 7 * 24 * 3600  # the SigV4 limit
_MISSING = {"NoSuchKey", "NotFound", "404"}
_RETRYABLE = {"SlowDown", "RequestTimeout", "RequestTimeTooSkewed", "Throttling", "429"}


def make_s3_client(
    endpoint_url: str | None,
    region: str,
    access_key: str,
    secret_key: str,
    *,
    connect_timeout: float = 5,
    read_timeout: float = 30,
    max_attempts: int = 3,
) -> Any:
    """A boto3 S3 client for any S3-compatible service; `endpoint_url=None` means AWS."""
    config = Config(
        signature_version="s3v4",
        s3={"addressing_style": "path"},
        retries={"max_attempts": max_attempts, "mode": "standard"},
        connect_timeout=connect_timeout,
        read_timeout=read_timeout,
        request_checksum_calculation="when_required",
        response_checksum_validation="when_required",
    )
    return boto3.session.Session().client(
        "s3",
        endpoint_url=endpoint_url,
        region_name=region,
        aws_access_key_id=access_key,
        aws_secret_access_key=secret_key,
        config=config,
    )


class S3FileStore:
    """Objects in `bucket` under `prefix`. `put` of an existing key skips the upload: keys are
    content-addressed, so the stored object already holds these bytes (uploads are idempotent).
    """

    def __init__(self, client: Any, bucket: str, prefix: str = "", sse: str | None = None) -> None:
        prefix = prefix.strip("/")
        self.client = client
        self.bucket = bucket
        self.prefix = safe_prefix(prefix + "/") if prefix else ""
        self.sse = sse

    async def put(self, key: str, data: bytes, content_type: str) -> None:
        if await self.exists(key):
            return
        extra = {"ServerSideEncryption": self.sse} if self.sse else {}
        await self._call(
            self.client.put_object,
            Bucket=self.bucket,
            Key=self._full(key),
            Body=data,
            ContentType=content_type,
            **extra,
        )

    async def get(self, key: str) -> bytes:
        def get_object() -> bytes:
            body = self.client.get_object(Bucket=self.bucket, Key=self._full(key))["Body"]
            with body:
                data: bytes = body.read()
            return data

        data: bytes = await self._call(get_object)
        return data

    async def exists(self, key: str) -> bool:
        try:
            await self._call(self.client.head_object, Bucket=self.bucket, Key=self._full(key))
        except FileNotFoundError:
            return False
        return True

    async def delete(self, key: str) -> None:
        await self._call(self.client.delete_object, Bucket=self.bucket, Key=self._full(key))

    async def keys(self, prefix: str) -> list[str]:
        full = self.prefix + safe_prefix(prefix)

        def list_objects_v2() -> list[str]:
            pages = self.client.get_paginator("list_objects_v2").paginate(
                Bucket=self.bucket, Prefix=full
            )
            return [item["Key"] for page in pages for item in page.get("Contents", [])]

        found: list[str] = await self._call(list_objects_v2)
        return sorted(key.removeprefix(self.prefix) for key in found)

    async def link(self, key: str, seconds: int) -> str | None:
        if not 1 <= seconds <= MAX_LINK_SECONDS:
            raise ValueError("a presigned link lives from 1 second to 7 days")
        url: str = await self._call(
            self.client.generate_presigned_url,
            "get_object",
            Params={"Bucket": self.bucket, "Key": self._full(key)},
            ExpiresIn=seconds,
        )
        return url

    async def ensure_bucket(self) -> None:
        """Create the bucket if it is missing (for the sandbox and tests)."""
        try:
            await self._call(self.client.head_bucket, Bucket=self.bucket)
            return
        except FileNotFoundError:
            pass
        region = self.client.meta.region_name
        location = {} if region in (None, "us-east-1") else {"LocationConstraint": region}
        extra = {"CreateBucketConfiguration": location} if location else {}
        await self._call(self.client.create_bucket, Bucket=self.bucket, **extra)

    def _full(self, key: str) -> str:
        return self.prefix + safe_key(key)

    async def _call(self, function: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        try:
            return await asyncio.to_thread(function, *args, **kwargs)
        except ClientError as error:
            raise _client_error(error, getattr(function, "__name__", "call")) from error
        except (BotoConnectionError, HTTPClientError) as error:
            reason = f"{type(error).__name__} (endpoint unreachable or timed out)"
            raise ExternalServiceError(SERVICE, reason, retryable=True) from error
        except BotoCoreError as error:
            raise ExternalServiceError(SERVICE, type(error).__name__, retryable=False) from error


def _client_error(error: ClientError, operation: str) -> Exception:
    """FileNotFoundError for a missing object, else ExternalServiceError by the error code."""
    details = error.response.get("Error", {})
    code = str(details.get("Code", ""))
    status = int(error.response.get("ResponseMetadata", {}).get("HTTPStatusCode") or 0)
    if code in _MISSING:
        return FileNotFoundError(f"no such object ({operation})")
    retryable = status >= 500 or code in _RETRYABLE
    return ExternalServiceError(SERVICE, f"{code or status} on {operation}", retryable=retryable)
