"""An organization's settings as the settings page and the API edit them: encrypted
credentials, preferences (one row per name) and the category list."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.runtime.repository import _insert
from storage.tables import CategoryRow, OrgSecretRow, OrgSettingRow


class SqlOrgSettingsRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._s = session

    async def secrets(self, org_id: int) -> dict[str, bytes]:
        stmt = select(OrgSecretRow).where(OrgSecretRow.organization_id == org_id)
        rows = (await self._s.execute(stmt)).scalars()
        return {row.name: row.ciphertext.encode() for row in rows}

    async def set_secret(self, org_id: int, name: str, ciphertext: bytes, now: datetime) -> None:
        values = dict(
            organization_id=org_id, name=name, ciphertext=ciphertext.decode(), updated_at=now
        )
        stmt = _insert(self._s, OrgSecretRow).values(**values)
        stmt = stmt.on_conflict_do_update(
            index_elements=["organization_id", "name"],
            set_={"ciphertext": values["ciphertext"], "updated_at": now},
        )
        await self._s.execute(stmt)

    async def delete_secret(self, org_id: int, name: str) -> None:
        await self._s.execute(
            delete(OrgSecretRow).where(
                OrgSecretRow.organization_id == org_id, OrgSecretRow.name == name
            )
        )

    async def preferences(self, org_id: int) -> dict[str, Any]:
        stmt = select(OrgSettingRow).where(OrgSettingRow.organization_id == org_id)
        return {row.name: row.value for row in (await self._s.execute(stmt)).scalars()}

    async def set_preferences(self, org_id: int, values: Mapping[str, Any], now: datetime) -> None:
        for name, value in values.items():
            stmt = _insert(self._s, OrgSettingRow).values(
                organization_id=org_id, name=name, value=value, updated_at=now
            )
            stmt = stmt.on_conflict_do_update(
                index_elements=["organization_id", "name"],
                set_={"value": stmt.excluded.value, "updated_at": now},
            )
            await self._s.execute(stmt)

    async def set_categories(self, org_id: int, names: Sequence[str]) -> None:
        stmt = select(CategoryRow).where(CategoryRow.organization_id == org_id)
        existing = {row.name: row for row in (await self._s.execute(stmt)).scalars()}
        wanted = list(dict.fromkeys(names))
        for row in existing.values():
            row.active = row.name in wanted
        for position, name in enumerate(wanted):
            found = existing.get(name)
            if found is None:
                self._s.add(CategoryRow(organization_id=org_id, name=name, position=position))
            else:
                found.position = position
        await self._s.flush()
