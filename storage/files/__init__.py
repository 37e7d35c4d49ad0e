"""File storage adapters for the FileStore port: a local folder and S3-compatible storage.

The S3 adapter is imported on first use: boto3 costs a deployment that keeps files in a
local folder about 8 MB of resident memory and a third of a second at start-up.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from storage.files.local import LocalFileStore

if TYPE_CHECKING:
    from storage.files.s3 import S3FileStore, make_s3_client

__all__ = ["LocalFileStore", "S3FileStore", "make_s3_client"]


def __getattr__(name: str) -> Any:
    if name in ("S3FileStore", "make_s3_client"):
        return getattr(importlib.import_module("storage.files.s3"), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
