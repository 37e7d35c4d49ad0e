"""A moto S3 server on 127.0.0.1 for end-to-end tests, and bot settings pointing at it."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

import boto3
from moto.server import ThreadedMotoServer
from pydantic import SecretStr

from bot.settings import Settings

REGION = "ru-central1"


def start_moto(port: int = 0) -> ThreadedMotoServer:
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    return server


def stop_moto(server: ThreadedMotoServer) -> None:
    server.stop()
    server._server.server_close()  # the stopped server keeps its socket open otherwise


def s3_client(url: str) -> Any:
    return boto3.client(
        "s3",
        endpoint_url=url,
        region_name=REGION,
        aws_access_key_id="k",
        aws_secret_access_key="s",
    )


def objects(url: str, bucket: str) -> list[str]:
    listing = s3_client(url).list_objects_v2(Bucket=bucket)
    return sorted(o["Key"] for o in listing.get("Contents", []))


@dataclass
class MotoBucket:
    """A running moto server with a fresh bucket; `server` may be replaced (an outage)."""

    server: ThreadedMotoServer
    url: str
    bucket: str

    def settings(self, base: Settings, **extra: object) -> Settings:
        update = {
            "s3_bucket": self.bucket,
            "s3_endpoint_url": self.url,
            "s3_prefix": "crm",
            "s3_access_key_id": SecretStr("k"),
            "s3_secret_access_key": SecretStr("s"),
            "job_retry_base_seconds": 0.2,
            **extra,
        }
        return base.model_copy(update=update)

    def stop(self) -> None:
        stop_moto(self.server)


def moto_bucket(prefix: str) -> MotoBucket:
    server = start_moto()
    host, port = server.get_host_and_port()
    url = f"http://{host}:{port}"
    bucket = f"{prefix}-{uuid.uuid4().hex[:8]}"
    s3_client(url).create_bucket(
        Bucket=bucket, CreateBucketConfiguration={"LocationConstraint": REGION}
    )
    return MotoBucket(server, url, bucket)
