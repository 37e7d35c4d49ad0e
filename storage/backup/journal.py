"""The erasure journal in a store of its own (a local folder or an object-storage prefix),
apart from the backups and from the files: one small object per erasure, never rewritten.

A key is `YYYY/MM/DD/<moment>-<kind>-<id>-<random>.json`: unique, so two processes never
overwrite each other's record and appending needs no lock; sorted by moment, so a restore
reads the records since its snapshot only. A record holds ids and a time, no personal data.
"""

from __future__ import annotations

import secrets
from datetime import UTC, datetime

from core.backup.model import ErasureRecord
from core.ports import FileStore

_DAY = "%Y/%m/%d/"
_MOMENT = "%Y%m%dT%H%M%S%fZ"


class StoreJournal:
    def __init__(self, store: FileStore) -> None:
        self._store = store

    async def append(self, record: ErasureRecord) -> None:
        at = record.at.astimezone(UTC)
        name = f"{at:{_MOMENT}}-{record.kind.value}-{record.subject_id}-{secrets.token_hex(4)}"
        await self._store.put(f"{at:{_DAY}}{name}.json", record.to_json(), "application/json")

    async def since(self, moment: datetime) -> list[ErasureRecord]:
        start = moment.astimezone(UTC)
        keys = await self._store.keys("")
        first = f"{start:{_DAY}}{start:{_MOMENT}}"
        chosen = sorted(k for k in keys if k >= first)
        records = [ErasureRecord.from_json(await self._store.get(k)) for k in chosen]
        return [r for r in records if r.at >= start]
