"""The messages that show an order (its card in each viewer's chat): remembered so that a
later change edits them, and listed for that. A card drawn from an order's version is
remembered only while the order is still at that version."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, String, insert, literal, select
from sqlalchemy.ext.asyncio import AsyncSession

from core.domain import Order
from storage.tables import OrderMessageRow, OrderRow
from storage.types import UtcDateTime


class OrderMessages:
    """`SqlOrderRepository`'s part about the messages showing orders."""

    _s: AsyncSession

    async def remember_message(
        self, order: Order, viewer_id: int, chat_id: int, message_id: int, kind: str, now: datetime
    ) -> None:
        self._s.add(
            OrderMessageRow(
                organization_id=order.organization_id,
                order_id=order.id,
                viewer_id=viewer_id,
                chat_id=chat_id,
                message_id=message_id,
                kind=kind,
                created_at=now,
            )
        )

    async def messages(self, org_id: int, order_id: int) -> list[tuple[int, int, int, str]]:
        """(viewer user id, chat id, message id, kind) of every message showing the order."""
        m = OrderMessageRow
        stmt = (
            select(m.viewer_id, m.chat_id, m.message_id, m.kind)
            .where(m.organization_id == org_id, m.order_id == order_id)
            .order_by(m.id)
        )
        return [tuple(r) for r in (await self._s.execute(stmt)).all()]

    async def remember_drawn(
        self, drawn: tuple[int, int, int], shown: tuple[int, int, int, str], now: datetime
    ) -> bool:
        """Remember a message (viewer, chat, message, kind) showing an order (organization,
        order, version) only if the order is still at that version, in one statement
        (False: it changed or is gone, and nothing was remembered)."""
        (org_id, order_id, version), (viewer_id, chat_id, message_id, kind) = drawn, shown
        o, m = OrderRow, OrderMessageRow.__table__
        row = select(
            o.organization_id,
            o.id,
            literal(viewer_id, BigInteger),
            literal(chat_id, BigInteger),
            literal(message_id, BigInteger),
            literal(kind, String),
            literal(now, UtcDateTime()),
        ).where(o.organization_id == org_id, o.id == order_id, o.version == version)
        # The order's row locked (PostgreSQL; SQLite's transactions never overlap): a change
        # committing meanwhile either waits for this one, and then draws its cards with this
        # message among them, or this waits for it and finds the new version (the caller
        # then catches the message up). Unlocked, a tap on a card as it was being remembered
        # saw neither: the card kept its old state (docs/outbox.md).
        row = row.with_for_update()
        names = ("organization_id", "order_id", "viewer_id", "chat_id", "message_id", "kind")
        stmt = insert(m).from_select([*names, "created_at"], row).returning(m.c.id)
        return (await self._s.execute(stmt)).first() is not None
