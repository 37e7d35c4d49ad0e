"""Restoring a backup into an empty database, then replaying the erasure journal.

Everything that can refuse is checked before the first write: the manifest, the sealed
object's checksum, the key (age authenticates every chunk), the plaintext's checksum, the
backend, the schema revision (one this code's migrations know), and that the database is
empty. Then the snapshot is loaded all or nothing, migrated to this code's head, and every
erasure recorded since the snapshot began (less a margin) is done again, files included, so
a restored backup never brings back a client, person or organization deleted after it.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import datetime

from core.backup.model import (
    MANIFEST,
    REPLAY_MARGIN,
    SEALED,
    BackupRefused,
    Erasure,
    ErasureRecord,
    Manifest,
)
from core.backup.ports import Cipher, ErasureJournal, Snapshots
from core.ports import FileStore, UowFactory


@dataclass(slots=True)
class Restored:
    manifest: Manifest
    replayed: list[ErasureRecord] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class Target:
    """The database restored into, and the object stores its files live in."""

    snapshots: Snapshots
    uow: UowFactory
    files: FileStore
    spool: FileStore


class RestoreService:
    def __init__(self, store: FileStore, cipher: Cipher | None, journal: ErasureJournal) -> None:
        self._store, self._cipher, self._journal = store, cipher, journal

    async def open(self, name: str) -> tuple[Manifest, bytes]:
        """The manifest and the snapshot's plaintext, checked; BackupRefused otherwise."""
        if self._cipher is None:
            raise BackupRefused("no backup key: set BACKUP_KEY (the age identity)")
        try:
            manifest = Manifest.from_json(await self._store.get(name + MANIFEST))
            sealed = await self._store.get(name + SEALED)
        except FileNotFoundError:
            raise BackupRefused(f"no finished backup named {name}") from None
        if len(sealed) != manifest.sealed_bytes or _sha(sealed) != manifest.sealed_sha256:
            raise BackupRefused(f"{name} is damaged: its checksum does not match the manifest")
        plain = self._cipher.open(sealed)
        if len(plain) != manifest.plain_bytes or _sha(plain) != manifest.plain_sha256:
            raise BackupRefused(f"{name} is damaged: the decrypted snapshot's checksum differs")
        return manifest, plain

    async def restore(self, name: str, target: Target) -> Restored:
        manifest, plain = await self.open(name)
        snapshots = target.snapshots
        if manifest.backend != snapshots.backend:
            raise BackupRefused(
                f"{name} is a {manifest.backend} backup; the database is {snapshots.backend}"
            )
        if manifest.revision not in snapshots.known_revisions():
            raise BackupRefused(
                f"{name} has schema revision {manifest.revision}, which this version does not "
                "know (a newer release made it): restore it with that release"
            )
        if not await snapshots.is_empty():
            raise BackupRefused("the database is not empty: restore into a new, empty database")
        await snapshots.load(plain)
        await snapshots.upgrade()
        replayed = await self.replay(manifest.taken_at - REPLAY_MARGIN, target)
        return Restored(manifest, replayed)

    async def replay(self, since: datetime, target: Target) -> list[ErasureRecord]:
        """Do again every erasure recorded since `since` (each is idempotent)."""
        records = await self._journal.since(since)
        if not records:
            return records
        keys: list[str] = []
        for record in records:
            if record.kind is Erasure.ORGANIZATION:
                await _purge_objects(target, record.subject_id)
            async with target.uow() as uow:
                if record.kind is Erasure.CLIENT and record.org_id is not None:
                    erased = await uow.privacy.erase_client(record.org_id, record.subject_id)
                    keys += erased.keys
                elif record.kind is Erasure.USER:
                    await uow.privacy.erase_user(record.subject_id, record.at)
                elif record.kind is Erasure.ORGANIZATION:
                    await uow.privacy.purge_org(record.subject_id)
                await uow.commit()
        for key in keys:
            await target.files.delete(key)
            await target.spool.delete(key)
        async with target.uow() as uow:
            await uow.privacy.compact()
            await uow.commit()
        return records


async def _purge_objects(target: Target, org_id: int) -> None:
    for store in (target.files, target.spool):
        for key in await store.keys(f"org/{org_id}/"):
            await store.delete(key)


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()
