"""File storage adapters for the FileStore port: a local folder and S3-compatible storage."""

from storage.files.local import LocalFileStore
from storage.files.s3 import S3FileStore, make_s3_client

__all__ = ["LocalFileStore", "S3FileStore", "make_s3_client"]
