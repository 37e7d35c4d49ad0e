"""What order cards are drawn from, in two statements however many orders and viewers: the
people (viewers, assignees, whom a change tells, with their membership, and the messages that
show the order) in one, everything else in one UNION ALL of uniform rows (clients, their
phones, category names, file counts, payments, and which viewers hold which clients)."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import BigInteger, Text, and_, cast, func, literal, null, or_, select, union_all
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.sql import Select

from core.bundles import CardFacts, OrderPeople, ShownMessage
from core.domain import Client, Membership, Order, Payment, PaymentMethod, User
from storage.tables import (
    AttachmentRow,
    CategoryRow,
    ClientPhoneRow,
    ClientRow,
    MembershipRow,
    OrderEventRow,
    OrderMessageRow,
    OrderRow,
    UserRow,
)
from storage.team.orgs import to_membership
from storage.team.people import to_user
from storage.types import UtcDateTime

_METHODS = frozenset(m.value for m in PaymentMethod)


async def order_people(
    session: AsyncSession, org_id: int, user_ids: Sequence[int], shown: int | None
) -> OrderPeople:
    """The users `user_ids`, and (`shown`: an order id) every viewer of a message showing that
    order with the message, each with their membership in `org_id`."""
    if not user_ids and shown is None:
        return OrderPeople({})
    m, msg = MembershipRow, OrderMessageRow
    wanted: Any = UserRow.id.in_(sorted(set(user_ids)))
    columns: list[Any] = [UserRow, m]
    stmt: Select[Any]
    if shown is not None:
        viewers = select(msg.viewer_id).where(msg.organization_id == org_id, msg.order_id == shown)
        wanted = or_(wanted, UserRow.id.in_(viewers))
        columns += [msg.id, msg.chat_id, msg.message_id]
    stmt = select(*columns).outerjoin(
        m, and_(m.organization_id == org_id, m.user_id == UserRow.id)
    )
    if shown is not None:
        on = and_(
            msg.viewer_id == UserRow.id, msg.organization_id == org_id, msg.order_id == shown
        )
        stmt = stmt.outerjoin(msg, on)
    people: dict[int, tuple[User, Membership | None]] = {}
    messages: list[tuple[int, ShownMessage]] = []
    for row in (await session.execute(stmt.where(wanted))).all():
        user_row, membership_row = row[0], row[1]
        user = to_user(user_row)
        people[user.id] = (user, to_membership(membership_row) if membership_row else None)
        if shown is not None and row[2] is not None:
            messages.append((row[2], ShownMessage(user.id, row[3], row[4])))
    messages.sort(key=lambda pair: pair[0])
    return OrderPeople(people, tuple(message for _, message in messages))


def _branch(
    tag: str,
    a: Any,
    b: Any = None,
    s1: Any = None,
    s2: Any = None,
    s3: Any = None,
    at: Any = None,
    n: Any = None,
) -> list[Any]:
    """One UNION ALL branch's columns: absent ones are typed NULLs, so that PostgreSQL can
    resolve each column's type whichever branches are present."""

    def given(value: Any, kind: Any) -> Any:
        return cast(null(), kind) if value is None else value

    return [
        literal(tag).label("tag"),
        given(a, BigInteger).label("a"),
        given(b, BigInteger).label("b"),
        given(s1, Text).label("s1"),
        given(s2, Text).label("s2"),
        given(s3, Text).label("s3"),
        given(at, UtcDateTime()).label("at"),
        given(n, BigInteger).label("n"),
    ]


async def card_facts(
    session: AsyncSession,
    org_id: int,
    orders: Sequence[Order],
    holders: Sequence[int],
    settled_since: datetime,
) -> CardFacts:
    """Clients (with phones), active category names, file counts and payments of `orders`,
    and which of `holders` hold which of their clients (an order assigned to them that is not
    settled, or was settled at `settled_since` or later)."""
    if not orders:
        return CardFacts()
    order_ids = sorted({o.id for o in orders})
    client_ids = sorted({o.client_id for o in orders if o.client_id is not None})
    category_ids = sorted({o.category_id for o in orders if o.category_id is not None})
    c, p, k, a, e, o = (
        ClientRow,
        ClientPhoneRow,
        CategoryRow,
        AttachmentRow,
        OrderEventRow,
        OrderRow,
    )
    branches: list[Select[Any]] = [
        select(*_branch("f", a.order_id, func.count(), a.kind))
        .where(a.organization_id == org_id, a.order_id.in_(order_ids))
        .group_by(a.order_id, a.kind),
        select(*_branch("$", e.order_id, s1=cast(e.data, Text), at=e.created_at, n=e.id)).where(
            e.organization_id == org_id, e.order_id.in_(order_ids), e.kind == "pay"
        ),
    ]
    if client_ids:
        branches += [
            select(
                *_branch("c", c.id, s1=c.name, s2=c.address, s3=c.notes, at=c.created_at)
            ).where(c.organization_id == org_id, c.id.in_(client_ids)),
            select(*_branch("p", p.client_id, s1=p.phone, n=p.id)).where(
                p.client_id.in_(client_ids)
            ),
        ]
    if client_ids and holders:
        branches.append(
            select(*_branch("h", o.assignee_id, o.client_id))
            .where(
                o.organization_id == org_id,
                o.assignee_id.in_(sorted(set(holders))),
                o.client_id.in_(client_ids),
                or_(o.settled_at.is_(None), o.settled_at >= settled_since),
            )
            .distinct()
        )
    if category_ids:
        branches.append(
            select(*_branch("k", k.id, s1=k.name)).where(
                k.organization_id == org_id, k.active.is_(True), k.id.in_(category_ids)
            )
        )
    rows = (await session.execute(union_all(*branches))).all()
    return _facts(org_id, rows)


def _facts(org_id: int, rows: Sequence[Any]) -> CardFacts:
    clients: dict[int, Any] = {}
    phones: dict[int, list[tuple[int, str]]] = {}
    categories: dict[int, str] = {}
    files: dict[int, dict[str, int]] = {}
    payments: dict[int, list[tuple[int, Payment]]] = {}
    held: set[tuple[int, int]] = set()
    for tag, a, b, s1, s2, s3, at, n in rows:
        if tag == "c":
            clients[a] = (s1, s2, s3, at)
        elif tag == "p":
            phones.setdefault(a, []).append((n, s1))
        elif tag == "k":
            categories[a] = s1
        elif tag == "f":
            files.setdefault(a, {})[s1] = int(b)
        elif tag == "$":
            payments.setdefault(a, []).append((n, _payment(s1, at)))
        elif tag == "h":
            held.add((a, b))
    return CardFacts(
        clients={
            cid: Client(
                cid,
                org_id,
                name,
                tuple(ph for _, ph in sorted(phones.get(cid, []))),
                addr,
                notes,
                at,
            )
            for cid, (name, addr, notes, at) in clients.items()
        },
        categories=categories,
        files=files,
        payments={oid: tuple(pay for _, pay in sorted(found)) for oid, found in payments.items()},
        held=frozenset(held),
    )


def _payment(data: str, at: datetime) -> Payment:
    """A "pay" event's data as recorded: the amount and the method."""
    loaded = json.loads(data) if data else {}
    method = loaded.get("method")
    return Payment(
        int(loaded.get("amount_minor") or 0),
        PaymentMethod(method) if method in _METHODS else None,
        at,
    )
