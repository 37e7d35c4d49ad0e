"""What a backup is (a sealed snapshot and its manifest), how long it is kept, and the erasure
journal's records. Pure: no I/O.

A backup is two objects in the backup store: `<name>.age` (the database snapshot, encrypted
with age) and `<name>.json` (the manifest: when, which schema revision, checksums and sizes;
no personal data, readable without the key). Names sort by the moment they were taken.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from datetime import UTC, datetime, timedelta
from enum import StrEnum

MAX_KEEP_DAYS = 90  # the privacy policy: erased data is gone from every backup within 90 days
FORMAT = 1
PREFIX = "astracrm-"
SEALED = ".age"
MANIFEST = ".json"
_STAMP = "%Y%m%dT%H%M%S%fZ"
# An erasure recorded this long before a snapshot began is replayed all the same: its record
# is written before its transaction commits, and the commit may land after the snapshot began.
REPLAY_MARGIN = timedelta(minutes=10)


class BackupRefused(Exception):
    """A backup or restore that must not go ahead; the message says why and what to do."""


def backup_name(taken_at: datetime) -> str:
    return PREFIX + taken_at.astimezone(UTC).strftime(_STAMP)


def taken_at(name: str) -> datetime | None:
    """The moment in a backup's name; None for an object that is not one of ours."""
    stem = name.rsplit("/", 1)[-1].removesuffix(SEALED).removesuffix(MANIFEST)
    if not stem.startswith(PREFIX):
        return None
    try:
        return datetime.strptime(stem.removeprefix(PREFIX), _STAMP).replace(tzinfo=UTC)
    except ValueError:
        return None


def expired(keys: list[str], now: datetime, keep_days: int) -> list[str]:
    """The objects of backups older than `keep_days` (never more than 90)."""
    keep = timedelta(days=min(keep_days, MAX_KEEP_DAYS))
    return [k for k in keys if (at := taken_at(k)) is not None and now - at > keep]


@dataclass(frozen=True, slots=True)
class Manifest:
    name: str
    taken_at: datetime
    backend: str  # "sqlite" or "postgresql"
    revision: str  # the Alembic revision of the schema in the snapshot
    tool: str  # what made the snapshot (SQLite's version, pg_dump's)
    plain_bytes: int
    plain_sha256: str
    sealed_bytes: int
    sealed_sha256: str
    files: str = "not included: files stay in object storage and are erased there in place"
    format: int = FORMAT

    def to_json(self) -> bytes:
        data = asdict(self) | {"taken_at": self.taken_at.astimezone(UTC).isoformat()}
        return json.dumps(data, indent=2, sort_keys=True).encode()

    @classmethod
    def from_json(cls, raw: bytes) -> Manifest:
        try:
            data = json.loads(raw)
            data["taken_at"] = datetime.fromisoformat(data["taken_at"])
            manifest = cls(**data)
        except (ValueError, TypeError, KeyError) as error:
            raise BackupRefused(f"the manifest is unreadable ({type(error).__name__})") from None
        if manifest.format != FORMAT:
            raise BackupRefused(f"manifest format {manifest.format} is not {FORMAT}")
        return manifest


class Erasure(StrEnum):
    CLIENT = "client"
    USER = "user"
    ORGANIZATION = "organization"


@dataclass(frozen=True, slots=True)
class ErasureRecord:
    """One erasure or purge: what (ids only, never personal data) and when."""

    kind: Erasure
    subject_id: int
    org_id: int | None
    at: datetime

    def to_json(self) -> bytes:
        data = {
            "kind": self.kind.value,
            "subject_id": self.subject_id,
            "org_id": self.org_id,
            "at": self.at.astimezone(UTC).isoformat(),
        }
        return json.dumps(data, sort_keys=True).encode()

    @classmethod
    def from_json(cls, raw: bytes) -> ErasureRecord:
        data = json.loads(raw)
        org = data.get("org_id")
        return cls(
            Erasure(data["kind"]),
            int(data["subject_id"]),
            None if org is None else int(org),
            datetime.fromisoformat(data["at"]),
        )
