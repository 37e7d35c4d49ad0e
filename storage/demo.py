"""Demo data written straight through the data model: an organization, its team, a few hundred
clients and a week of orders in every state, so lists and cards have something to show."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from core.domain import OrderStatus, PaymentMethod, Role
from core.listing import local_day_bounds
from core.search import search_document
from core.text import search_key
from storage.tables import (
    CategoryRow,
    ClientPhoneRow,
    ClientRow,
    ConsentRow,
    MembershipRow,
    OrderEventRow,
    OrderRow,
    OrganizationRow,
    UserRow,
)

FIRST = [
    "Анна",
    "Пётр",
    "Мария",
    "Иван",
    "Ольга",
    "Сергей",
    "Елена",
    "Дмитрий",
    "Наталья",
    "Алексей",
    "Татьяна",
    "Михаил",
    "Юлия",
    "Андрей",
    "Ирина",
    "Никита",
    "John",
    "Emma",
]
LAST = [
    "Иванов",
    "Смирнов",
    "Кузнецов",
    "Попов",
    "Васильев",
    "Петров",
    "Соколов",
    "Михайлов",
    "Новиков",
    "Фёдоров",
    "Морозов",
    "Волков",
    "Алексеев",
    "Лебедев",
    "Семёнов",
    "Smith",
]
STREETS = [
    "ул. Сухонская",
    "Ленинский пр-т",
    "ул. Тверская",
    "ул. Арбат",
    "Профсоюзная ул.",
    "ул. Маросейка",
    "Кутузовский пр-т",
    "ул. Мясницкая",
]
CATEGORIES = ["Уборка", "Ремонт", "Монтаж", "Сантехника", "Ремонт техники", "Другое"]


@dataclass(frozen=True, slots=True)
class DemoPerson:
    telegram_id: int
    first_name: str
    language: str
    role: Role


TEAM = (
    DemoPerson(700000101, "Ольга", "ru", Role.OWNER),
    DemoPerson(700000102, "Mary", "en", Role.MANAGER),
    DemoPerson(700000103, "Иван", "ru", Role.WORKER),
    DemoPerson(700000104, "Wang", "en", Role.WORKER),
)


async def seed(
    sessions: async_sessionmaker[AsyncSession], now: datetime, clients: int = 300
) -> bool:
    """Write the demo once; False when it is already there."""
    async with sessions() as session, session.begin():
        found = await session.execute(
            select(UserRow.id).where(UserRow.telegram_id == TEAM[0].telegram_id)
        )
        if found.first() is not None:
            return False
        rng = random.Random(2026)
        org = OrganizationRow(
            name="Чистый дом (демо)",
            timezone="Europe/Moscow",
            currency="RUB",
            language="ru",
            country="RU",
            created_at=now,
            updated_at=now,
        )
        session.add(org)
        await session.flush()
        users = await _team(session, org.id, now)
        categories = await _categories(session, org.id)
        client_ids = await _clients(session, org.id, rng, now, clients)
        await _orders(session, org, users, categories, client_ids, rng, now)
        return True


async def _team(session: AsyncSession, org_id: int, now: datetime) -> dict[Role, list[int]]:
    by_role: dict[Role, list[int]] = {}
    for person in TEAM:
        user = UserRow(
            telegram_id=person.telegram_id,
            first_name=person.first_name,
            language=person.language,
            active_org_id=org_id,
            age_confirmed_at=now,
            consent_at=now,
            consent_version="demo",
            created_at=now,
        )
        session.add(user)
        await session.flush()
        session.add(
            MembershipRow(
                organization_id=org_id, user_id=user.id, role=person.role.value, created_at=now
            )
        )
        for kind in ("age_16", "privacy_policy"):
            session.add(
                ConsentRow(
                    user_id=user.id,
                    kind=kind,
                    policy_version="demo",
                    accepted=True,
                    created_at=now,
                )
            )
        by_role.setdefault(person.role, []).append(user.id)
    return by_role


async def _categories(session: AsyncSession, org_id: int) -> list[int]:
    rows = [
        CategoryRow(organization_id=org_id, name=n, position=i) for i, n in enumerate(CATEGORIES)
    ]
    session.add_all(rows)
    await session.flush()
    return [int(r.id or 0) for r in rows]


async def _clients(
    session: AsyncSession, org_id: int, rng: random.Random, now: datetime, count: int
) -> list[int]:
    ids = []
    for _ in range(count):
        name = f"{rng.choice(LAST)} {rng.choice(FIRST)}"
        phone = f"+79{rng.randrange(10**8, 10**9)}"
        address = f"Москва, {rng.choice(STREETS)}, {rng.randint(1, 120)}"
        row = ClientRow(
            organization_id=org_id,
            name=name,
            name_norm=search_key(name),
            search_text=search_document(name, [phone]),
            address=address,
            created_at=now,
            updated_at=now,
        )
        session.add(row)
        await session.flush()
        session.add(ClientPhoneRow(organization_id=org_id, client_id=row.id, phone=phone))
        ids.append(int(row.id or 0))
    return ids


async def _orders(
    session: AsyncSession,
    org: OrganizationRow,
    users: dict[Role, list[int]],
    categories: list[int],
    clients: list[int],
    rng: random.Random,
    now: datetime,
) -> None:
    number = 1
    for offset in range(-5, 3):
        start, _ = local_day_bounds(now, org.timezone, offset)
        for _ in range(rng.randint(5, 9)):
            at = start + timedelta(hours=rng.choice((9, 10, 11, 12, 14, 15, 16, 17, 18)))
            status = _status(offset, at, now, rng)
            await _order(
                session,
                org,
                users,
                number,
                status,
                at,
                rng.choice(clients),
                rng.choice(categories),
                rng,
                now,
            )
            number += 1
    org.next_order_number = number


def _status(offset: int, at: datetime, now: datetime, rng: random.Random) -> OrderStatus:
    if at < now - timedelta(hours=3):
        return rng.choices(
            [OrderStatus.DONE, OrderStatus.CANCELLED, OrderStatus.ASSIGNED], weights=[80, 12, 8]
        )[0]
    if at < now + timedelta(hours=1):
        return rng.choice([OrderStatus.IN_PROGRESS, OrderStatus.ASSIGNED])
    return rng.choices([OrderStatus.ASSIGNED, OrderStatus.NEW], weights=[70, 30])[0]


async def _order(
    session: AsyncSession,
    org: OrganizationRow,
    users: dict[Role, list[int]],
    number: int,
    status: OrderStatus,
    at: datetime,
    client_id: int,
    category_id: int,
    rng: random.Random,
    now: datetime,
) -> None:
    price = rng.choice((150000, 250000, 350000, 420000, 600000))
    worker = rng.choice(users[Role.WORKER]) if status is not OrderStatus.NEW else None
    paid = price if status is OrderStatus.DONE and rng.random() < 0.85 else 0
    method = rng.choice(list(PaymentMethod)).value if paid else None
    row = OrderRow(
        organization_id=org.id,
        number=number,
        client_id=client_id,
        category_id=category_id,
        status=status.value,
        address=f"Москва, {rng.choice(STREETS)}, {rng.randint(1, 120)}",
        scheduled_at=at,
        assignee_id=worker,
        price_minor=price,
        paid_minor=paid,
        payment_method=method,
        created_by=users[Role.OWNER][0],
        created_at=at - timedelta(days=2),
        updated_at=now,
        done_at=at + timedelta(hours=2) if status is OrderStatus.DONE else None,
    )
    session.add(row)
    await session.flush()
    kinds = (
        ["created"]
        + (["assign"] if worker else [])
        + {
            OrderStatus.DONE: ["start", "done"],
            OrderStatus.IN_PROGRESS: ["start"],
            OrderStatus.CANCELLED: ["cancel"],
        }.get(status, [])
        + (["pay"] if paid else [])
    )
    for kind in kinds:
        data = {"amount_minor": paid, "method": method} if kind == "pay" else {}
        session.add(
            OrderEventRow(
                organization_id=org.id,
                order_id=row.id,
                actor_id=users[Role.OWNER][0],
                kind=kind,
                data=data,
                created_at=row.created_at,
            )
        )
