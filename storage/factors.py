"""Second factors, recovery codes and WebAuthn challenges (core/admin/factor_ports.py). Every
use is a conditional update, so two browsers racing with the same code get one success."""

from __future__ import annotations

import base64
from datetime import datetime

from sqlalchemy import delete, func, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from core.admin.factors import Factor, FactorKind, NewPasskey
from storage.runtime.repository import _insert
from storage.tables import AdminSessionRow, AuditEventRow
from storage.tables_factors import FactorChallengeRow, RecoveryCodeRow, SecondFactorRow


def _factor(row: SecondFactorRow) -> Factor:
    assert row.id is not None
    return Factor(
        row.id,
        row.user_id,
        FactorKind(row.kind),
        row.name,
        row.created_at,
        row.confirmed_at is not None,
        row.last_used_at,
        row.secret_ciphertext.encode() if row.secret_ciphertext else None,
        row.last_step,
        row.credential_id,
        base64.b64decode(row.public_key) if row.public_key else None,
        row.sign_count,
    )


class SqlSecondFactorRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._s = session

    async def factors(self, user_id: int) -> list[Factor]:
        stmt = (
            select(SecondFactorRow)
            .where(SecondFactorRow.user_id == user_id)
            .order_by(SecondFactorRow.id)
        )
        return [_factor(row) for row in (await self._s.execute(stmt)).scalars()]

    async def factor(self, user_id: int, factor_id: int) -> Factor | None:
        stmt = select(SecondFactorRow).where(
            SecondFactorRow.user_id == user_id, SecondFactorRow.id == factor_id
        )
        row = (await self._s.execute(stmt)).scalar_one_or_none()
        return _factor(row) if row else None

    async def passkey(self, credential_id: str) -> Factor | None:
        stmt = select(SecondFactorRow).where(SecondFactorRow.credential_id == credential_id)
        row = (await self._s.execute(stmt)).scalar_one_or_none()
        return _factor(row) if row else None

    async def add_factor(
        self,
        user_id: int,
        kind: FactorKind,
        name: str,
        now: datetime,
        secret: bytes | None = None,
        passkey: NewPasskey | None = None,
    ) -> Factor:
        row = SecondFactorRow(user_id=user_id, kind=kind.value, name=name, created_at=now)
        if secret is not None:
            row.secret_ciphertext = secret.decode()
        if passkey is not None:
            row.credential_id = passkey.credential_id
            row.public_key = base64.b64encode(passkey.public_key).decode()
            row.sign_count = passkey.sign_count
            row.confirmed_at = now
        self._s.add(row)
        await self._s.flush()
        return _factor(row)

    async def drop_unconfirmed(self, user_id: int) -> None:
        await self._s.execute(
            delete(SecondFactorRow).where(
                SecondFactorRow.user_id == user_id, SecondFactorRow.confirmed_at.is_(None)
            )
        )

    async def confirm(self, factor_id: int, step: int, now: datetime) -> None:
        stmt = (
            update(SecondFactorRow)
            .where(SecondFactorRow.id == factor_id)
            .values(confirmed_at=now, last_step=step, last_used_at=now)
        )
        await self._s.execute(stmt)

    async def use_step(self, factor_id: int, step: int, now: datetime) -> bool:
        stmt = (
            update(SecondFactorRow)
            .where(
                SecondFactorRow.id == factor_id,
                or_(SecondFactorRow.last_step.is_(None), SecondFactorRow.last_step < step),
            )
            .values(last_step=step, last_used_at=now)
        )
        return bool((await self._s.execute(stmt)).rowcount)

    async def use_count(self, factor_id: int, old: int, new: int, now: datetime) -> bool:
        stmt = (
            update(SecondFactorRow)
            .where(SecondFactorRow.id == factor_id, SecondFactorRow.sign_count == old)
            .values(sign_count=new, last_used_at=now)
        )
        return bool((await self._s.execute(stmt)).rowcount)

    async def remove_factor(self, user_id: int, factor_id: int) -> bool:
        stmt = delete(SecondFactorRow).where(
            SecondFactorRow.user_id == user_id, SecondFactorRow.id == factor_id
        )
        return bool((await self._s.execute(stmt)).rowcount)

    async def replace_recovery(self, user_id: int, hashes: list[str], now: datetime) -> None:
        await self.drop_recovery(user_id)
        self._s.add_all(
            RecoveryCodeRow(user_id=user_id, code_hash=code_hash, created_at=now)
            for code_hash in hashes
        )
        await self._s.flush()

    async def recovery_left(self, user_id: int) -> int:
        stmt = select(func.count()).where(
            RecoveryCodeRow.user_id == user_id, RecoveryCodeRow.used_at.is_(None)
        )
        return int((await self._s.execute(stmt)).scalar_one())

    async def use_recovery(self, user_id: int, code_hash: str, now: datetime) -> bool:
        stmt = (
            update(RecoveryCodeRow)
            .where(
                RecoveryCodeRow.user_id == user_id,
                RecoveryCodeRow.code_hash == code_hash,
                RecoveryCodeRow.used_at.is_(None),
            )
            .values(used_at=now)
        )
        return bool((await self._s.execute(stmt)).rowcount)

    async def drop_recovery(self, user_id: int) -> None:
        await self._s.execute(delete(RecoveryCodeRow).where(RecoveryCodeRow.user_id == user_id))

    async def put_challenge(
        self, session_id: int, purpose: str, challenge: str, expires_at: datetime, now: datetime
    ) -> None:
        values = dict(
            session_id=session_id,
            purpose=purpose,
            challenge=challenge,
            expires_at=expires_at,
            created_at=now,
        )
        stmt = _insert(self._s, FactorChallengeRow).values(**values)
        stmt = stmt.on_conflict_do_update(
            index_elements=["session_id", "purpose"],
            set_={"challenge": challenge, "expires_at": expires_at, "created_at": now},
        )
        await self._s.execute(stmt)

    async def take_challenge(self, session_id: int, purpose: str, now: datetime) -> str | None:
        where = (
            FactorChallengeRow.session_id == session_id,
            FactorChallengeRow.purpose == purpose,
        )
        found = (
            await self._s.execute(select(FactorChallengeRow).where(*where))
        ).scalar_one_or_none()
        if found is None:
            return None
        gone = await self._s.execute(
            delete(FactorChallengeRow).where(FactorChallengeRow.id == found.id)
        )
        if not gone.rowcount or found.expires_at <= now:
            return None
        return found.challenge

    async def failures(self, user_id: int, action: str, since: datetime) -> int:
        stmt = select(func.count()).where(
            AuditEventRow.actor_id == user_id,
            AuditEventRow.action == action,
            AuditEventRow.created_at > since,
        )
        return int((await self._s.execute(stmt)).scalar_one())

    async def pass_session(self, session_id: int, now: datetime) -> None:
        stmt = (
            update(AdminSessionRow)
            .where(AdminSessionRow.id == session_id)
            .values(second_factor_at=now)
        )
        await self._s.execute(stmt)
