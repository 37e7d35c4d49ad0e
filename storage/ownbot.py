"""Organizations' own bots (docs/own-bot.md)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, exists, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from core.ownbot.model import BotState, OwnBot
from storage.tables_ownbot import BotChatRow, BotNumberRow, OwnBotRow
from storage.tables_team import MembershipRow, UserRow


def _bot(row: OwnBotRow) -> OwnBot:
    return OwnBot(
        row.organization_id,
        row.telegram_id,
        BotState(row.state),
        row.serves_staff,
        row.connected_by,
        row.connected_at,
        row.username,
        row.checked_at,
    )


class SqlOwnBotRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._s = session

    async def _row(self, org_id: int) -> OwnBotRow | None:
        stmt = select(OwnBotRow).where(OwnBotRow.organization_id == org_id)
        return (await self._s.execute(stmt)).scalar_one_or_none()

    async def get(self, org_id: int) -> OwnBot | None:
        row = await self._row(org_id)
        return _bot(row) if row is not None else None

    async def holder(self, telegram_id: int) -> int | None:
        stmt = select(OwnBotRow.organization_id).where(OwnBotRow.telegram_id == telegram_id)
        return (await self._s.execute(stmt)).scalar_one_or_none()

    async def put(
        self, org_id: int, telegram_id: int, sealed: bytes, user_id: int, now: datetime
    ) -> OwnBot:
        row = await self._row(org_id)
        if row is None:
            row = OwnBotRow(
                organization_id=org_id, telegram_id=telegram_id, token=sealed, state="checking"
            )
            self._s.add(row)
        if row.telegram_id != telegram_id:
            row.username = None
            row.serves_staff = False
        row.telegram_id, row.token, row.state = telegram_id, sealed, BotState.CHECKING.value
        row.connected_by, row.connected_at, row.checked_at = user_id, now, None
        if await self.number(telegram_id) is None:
            self._s.add(BotNumberRow(telegram_id=telegram_id))
        await self._s.flush()
        return _bot(row)

    async def number(self, telegram_id: int) -> int | None:
        stmt = select(BotNumberRow.id).where(BotNumberRow.telegram_id == telegram_id)
        return (await self._s.execute(stmt)).scalar_one_or_none()

    async def running(self) -> list[tuple[int, OwnBot, bytes]]:
        """Every active bot with its number and its sealed token."""
        stmt = (
            select(BotNumberRow.id, OwnBotRow)
            .join(BotNumberRow, BotNumberRow.telegram_id == OwnBotRow.telegram_id)
            .where(OwnBotRow.state == BotState.ACTIVE.value)
            .order_by(BotNumberRow.id)
        )
        rows = (await self._s.execute(stmt)).all()
        return [(int(number), _bot(row), row.token) for number, row in rows]

    async def refused(self, telegram_id: int, now: datetime) -> OwnBot | None:
        """An active bot whose token Telegram refused is `revoked`; None if it was not active
        (refused before, replaced or disconnected: nobody is told twice)."""
        stmt = (
            update(OwnBotRow)
            .where(
                OwnBotRow.telegram_id == telegram_id,
                OwnBotRow.state == BotState.ACTIVE.value,
            )
            .values(state=BotState.REVOKED.value, checked_at=now)
        )
        if not (await self._s.execute(stmt)).rowcount:
            return None
        row = (
            await self._s.execute(select(OwnBotRow).where(OwnBotRow.telegram_id == telegram_id))
        ).scalar_one()
        return _bot(row)

    async def sealed_token(self, org_id: int) -> tuple[OwnBot, bytes] | None:
        row = await self._row(org_id)
        return (_bot(row), row.token) if row is not None else None

    async def checked(
        self, org_id: int, telegram_id: int, state: BotState, username: str | None, now: datetime
    ) -> bool:
        """Only the check of a bot still `checking` is recorded (a repeated job: nothing)."""
        stmt = (
            update(OwnBotRow)
            .where(
                OwnBotRow.organization_id == org_id,
                OwnBotRow.telegram_id == telegram_id,
                OwnBotRow.state == BotState.CHECKING.value,
            )
            .values(state=state.value, username=username, checked_at=now)
        )
        return bool((await self._s.execute(stmt)).rowcount)

    async def set_staff(self, org_id: int, serves_staff: bool) -> bool:
        stmt = (
            update(OwnBotRow)
            .where(OwnBotRow.organization_id == org_id)
            .values(serves_staff=serves_staff)
        )
        return bool((await self._s.execute(stmt)).rowcount)

    async def remove(self, org_id: int) -> OwnBot | None:
        row = await self._row(org_id)
        if row is None:
            return None
        await self._s.execute(delete(OwnBotRow).where(OwnBotRow.id == row.id))
        return _bot(row)

    async def started(self, bot: int, user_id: int, now: datetime) -> bool:
        """Record that the person wrote to bot `bot`; False when known before."""
        known = select(BotChatRow.bot).where(BotChatRow.bot == bot, BotChatRow.user_id == user_id)
        if (await self._s.execute(known)).first() is not None:
            return False
        self._s.add(BotChatRow(bot=bot, user_id=user_id, started_at=now))
        await self._s.flush()
        return True

    async def has_chat(self, bot: int, telegram_id: int) -> bool:
        chat = (
            select(BotChatRow.bot)
            .join(UserRow, UserRow.id == BotChatRow.user_id)
            .where(BotChatRow.bot == bot, UserRow.telegram_id == telegram_id)
        )
        return bool((await self._s.execute(select(exists(chat)))).scalar())

    async def forget_chat(self, bot: int, telegram_id: int) -> None:
        users = select(UserRow.id).where(UserRow.telegram_id == telegram_id)
        stmt = delete(BotChatRow).where(BotChatRow.bot == bot, BotChatRow.user_id.in_(users))
        await self._s.execute(stmt)

    async def staff_bot(self, telegram_id: int) -> int | None:
        """The number of the own bot a staff member works in: their organization's (they
        are staff of that one alone: nothing of another goes through it), active, serving
        staff, which they have written to (None: the shared bot)."""
        u, b, n, c, m = UserRow, OwnBotRow, BotNumberRow, BotChatRow, MembershipRow
        other = aliased(MembershipRow)
        elsewhere = exists().where(
            other.user_id == u.id,
            other.active.is_(True),
            other.organization_id != m.organization_id,
        )
        stmt = (
            select(n.id)
            .select_from(u)
            .join(b, b.organization_id == u.active_org_id)
            .join(n, n.telegram_id == b.telegram_id)
            .join(c, (c.bot == n.id) & (c.user_id == u.id))
            .join(m, (m.user_id == u.id) & (m.organization_id == u.active_org_id))
            .where(
                u.telegram_id == telegram_id,
                b.state == BotState.ACTIVE.value,
                b.serves_staff.is_(True),
                m.active.is_(True),
                ~elsewhere,
            )
        )
        return (await self._s.execute(stmt)).scalar_one_or_none()

    async def chats_of(self, telegram_id: int) -> list[int]:
        """The numbers of the own bots the person wrote to."""
        stmt = (
            select(BotChatRow.bot)
            .join(UserRow, UserRow.id == BotChatRow.user_id)
            .where(UserRow.telegram_id == telegram_id)
            .order_by(BotChatRow.started_at)
        )
        return list((await self._s.execute(stmt)).scalars())
