"""What order cards are drawn from, in two statements however many orders and viewers: the
people (viewers, assignees, whom a change tells, with their membership, and the messages that
show the order) in one, everything else in one UNION ALL of uniform rows (clients, their
phones, category names, file counts, payments, and which viewers hold which clients).

Both are built once per shape (which branches are present), with bound parameters, and select
plain table columns: SQLAlchemy then finds their compiled form by the statement's memoized
cache key instead of building the statement and generating its key on every card, and no ORM
entities are loaded (docs/cpu-per-update.md)."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime
from functools import cache
from typing import Any

from sqlalchemy import (
    BigInteger,
    Text,
    and_,
    bindparam,
    cast,
    func,
    literal,
    null,
    or_,
    select,
    union_all,
)
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.sql import Select

from core.bundles import CardFacts, OrderPeople, ShownMessage
from core.domain import Client, Membership, Order, Payment, PaymentMethod, Role, User
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
from storage.team.arrival import MEMBER_FIELDS, USER_FIELDS
from storage.types import UtcDateTime

_METHODS = frozenset(m.value for m in PaymentMethod)
VISIT_EVENTS = ("client_confirmed", "reschedule")  # the card's "client confirmed"

_user, _member, _msg = UserRow.__table__, MembershipRow.__table__, OrderMessageRow.__table__
_M0 = len(USER_FIELDS)
_MSG0 = _M0 + len(MEMBER_FIELDS)


def _ids(name: str) -> Any:
    return bindparam(name, expanding=True)


@cache
def _people_statement(shown: bool) -> Select[Any]:
    """The users `:user_ids` (and, `shown`, every viewer of a message showing `:order_id`
    with the message), each with their membership in `:org_id`."""
    org_id: Any = bindparam("org_id")
    wanted: Any = _user.c.id.in_(_ids("user_ids"))
    columns: list[Any] = [
        *(_user.c[name] for name in USER_FIELDS),
        *(_member.c[name] for name in MEMBER_FIELDS),
    ]
    if shown:
        order_id: Any = bindparam("order_id")
        viewers = select(_msg.c.viewer_id).where(
            _msg.c.organization_id == org_id, _msg.c.order_id == order_id
        )
        wanted = or_(wanted, _user.c.id.in_(viewers))
        columns += [_msg.c.id, _msg.c.chat_id, _msg.c.message_id]
    stmt = select(*columns).outerjoin(
        _member, and_(_member.c.organization_id == org_id, _member.c.user_id == _user.c.id)
    )
    if shown:
        on = and_(
            _msg.c.viewer_id == _user.c.id,
            _msg.c.organization_id == org_id,
            _msg.c.order_id == order_id,
        )
        stmt = stmt.outerjoin(_msg, on)
    return stmt.where(wanted)


async def order_people(
    session: AsyncSession, org_id: int, user_ids: Sequence[int], shown: int | None
) -> OrderPeople:
    """The users `user_ids`, and (`shown`: an order id) every viewer of a message showing that
    order with the message, each with their membership in `org_id`."""
    if not user_ids and shown is None:
        return OrderPeople({})
    params: dict[str, Any] = {"org_id": org_id, "user_ids": sorted(set(user_ids))}
    if shown is not None:
        params["order_id"] = shown
    result = await session.execute(_people_statement(shown is not None), params)
    people: dict[int, tuple[User, Membership | None]] = {}
    messages: list[tuple[int, ShownMessage]] = []
    for row in result.all():
        user = User(*row[:_M0])
        membership = None
        if row[_M0] is not None:
            m = dict(zip(MEMBER_FIELDS, row[_M0:_MSG0], strict=True))
            m["role"], m["active"] = Role(m["role"]), bool(m["active"])
            membership = Membership(**m)
        people[user.id] = (user, membership)
        if shown is not None and row[_MSG0] is not None:
            messages.append((row[_MSG0], ShownMessage(user.id, row[_MSG0 + 1], row[_MSG0 + 2])))
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


@cache
def _facts_statement(clients: bool, holders: bool, categories: bool) -> Any:
    """The UNION ALL for `:org_id` and `:order_ids`, with the branches of clients
    (`:client_ids`), holders (`:holders`, `:settled_since`) and categories (`:category_ids`)
    when there are any."""
    c, p, k = ClientRow.__table__.c, ClientPhoneRow.__table__.c, CategoryRow.__table__.c
    a, e, o = AttachmentRow.__table__.c, OrderEventRow.__table__.c, OrderRow.__table__.c
    org_id: Any = bindparam("org_id")
    order_ids = _ids("order_ids")
    branches: list[Select[Any]] = [
        select(*_branch("f", a.order_id, func.count(), a.kind))
        .where(a.organization_id == org_id, a.order_id.in_(order_ids))
        .group_by(a.order_id, a.kind),
        select(*_branch("$", e.order_id, s1=cast(e.data, Text), at=e.created_at, n=e.id)).where(
            e.organization_id == org_id, e.order_id.in_(order_ids), e.kind == "pay"
        ),
        select(*_branch("v", e.order_id, s1=e.kind, at=e.created_at, n=e.id)).where(
            e.organization_id == org_id, e.order_id.in_(order_ids), e.kind.in_(VISIT_EVENTS)
        ),
    ]
    if clients:
        client_ids = _ids("client_ids")
        branches += [
            select(
                *_branch("c", c.id, s1=c.name, s2=c.address, s3=c.notes, at=c.created_at)
            ).where(c.organization_id == org_id, c.id.in_(client_ids)),
            select(*_branch("p", p.client_id, s1=p.phone, n=p.id)).where(
                p.client_id.in_(client_ids)
            ),
        ]
    if clients and holders:
        since = bindparam("settled_since", type_=o.settled_at.type)
        branches.append(
            select(*_branch("h", o.assignee_id, o.client_id))
            .where(
                o.organization_id == org_id,
                o.assignee_id.in_(_ids("holders")),
                o.client_id.in_(_ids("client_ids")),
                or_(o.settled_at.is_(None), o.settled_at >= since),
            )
            .distinct()
        )
    if categories:
        branches.append(
            select(*_branch("k", k.id, s1=k.name)).where(
                k.organization_id == org_id, k.active.is_(True), k.id.in_(_ids("category_ids"))
            )
        )
    return union_all(*branches)


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
    client_ids = sorted({o.client_id for o in orders if o.client_id is not None})
    category_ids = sorted({o.category_id for o in orders if o.category_id is not None})
    params: dict[str, Any] = {"org_id": org_id, "order_ids": sorted({o.id for o in orders})}
    if client_ids:
        params["client_ids"] = client_ids
        if holders:
            params["holders"] = sorted(set(holders))
            params["settled_since"] = settled_since
    if category_ids:
        params["category_ids"] = category_ids
    stmt = _facts_statement(bool(client_ids), bool(holders), bool(category_ids))
    rows = (await session.execute(stmt, params)).all()
    return _facts(org_id, rows)


def _facts(org_id: int, rows: Sequence[Any]) -> CardFacts:
    clients: dict[int, Any] = {}
    phones: dict[int, list[tuple[int, str]]] = {}
    categories: dict[int, str] = {}
    files: dict[int, dict[str, int]] = {}
    payments: dict[int, list[tuple[int, Payment]]] = {}
    held: set[tuple[int, int]] = set()
    visits: dict[int, list[tuple[datetime, int, str]]] = {}
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
        elif tag == "v":
            visits.setdefault(a, []).append((at, n, s1))
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
        confirmed=_confirmed(visits),
    )


def _confirmed(visits: dict[int, list[tuple[datetime, int, str]]]) -> dict[int, datetime]:
    """The latest client confirmation of each order, if no move came after it."""
    found = {}
    for order_id, events in visits.items():
        latest = max(events, key=lambda e: (e[0], e[1]))
        if latest[2] == "client_confirmed":
            found[order_id] = latest[0]
    return found


def _payment(data: str, at: datetime) -> Payment:
    """A "pay" event's data as recorded: the amount and the method."""
    loaded = json.loads(data) if data else {}
    method = loaded.get("method")
    return Payment(
        int(loaded.get("amount_minor") or 0),
        PaymentMethod(method) if method in _METHODS else None,
        at,
    )
