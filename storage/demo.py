"""Demo data written straight through the data model: an organization, its team, a few hundred
clients and a week of orders in every state, so lists and cards have something to show; all of
it in one language (storage.demo_data).

The sandbox seeds the team as members who have not talked to the bot yet (`onboarded=False`):
each one's first /start asks their language and consent like anyone's first contact, then
greets them in their organization. The benchmarks take them ready to work.
"""

from __future__ import annotations

import random
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from core.clients.search import search_document
from core.domain import OrderStatus, PaymentMethod, Role
from core.orders.listing import local_day_bounds
from core.text import search_key
from storage.demo_data import LOCALES, RU, DemoLocale, DemoPerson
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
from storage.tables_catalogue import CatalogueItemRow

__all__ = ["EMAIL_ONLY", "LOCALES", "MAIL_DOMAIN", "TEAM", "DemoPerson", "seed", "team"]

TEAM = RU.team  # the Russian demo's, which the benchmarks use
MAIL_DOMAIN = "mail.demo.test"  # a reserved name (RFC 2606): never a real mailbox
EMAIL_ONLY = 5  # every fifth demo client is reached by e-mail only


def team(language: str) -> tuple[DemoPerson, ...]:
    return LOCALES[language].team


async def seed(
    sessions: async_sessionmaker[AsyncSession],
    now: datetime,
    clients: int = 300,
    language: str = "ru",
    onboarded: bool = True,
) -> bool:
    """Write the demo in `language` once; False when it is already there."""
    locale = LOCALES[language]
    async with sessions() as session, session.begin():
        found = await session.execute(
            select(UserRow.id).where(UserRow.telegram_id == locale.team[0].telegram_id)
        )
        if found.first() is not None:
            return False
        rng = random.Random(2026)
        org = OrganizationRow(
            name=locale.organization,
            timezone=locale.timezone,
            currency=locale.currency,
            language=locale.language,
            country=locale.country,
            created_at=now,
            updated_at=now,
        )
        session.add(org)
        await session.flush()
        users = await _team(session, org.id, locale.team, now, onboarded)
        categories = await _categories(session, org.id, locale.categories)
        session.add_all(
            CatalogueItemRow(
                organization_id=org.id,
                kind=kind,
                name=name,
                unit=unit,
                price_minor=price,
                vat_bp=vat,
                created_at=now,
                updated_at=now,
            )
            for kind, name, unit, price, vat in locale.catalogue
        )
        client_ids = await _clients(session, org.id, locale, rng, now, clients)
        await _orders(session, org, users, categories, client_ids, locale, rng, now)
        return True


async def _team(
    session: AsyncSession,
    org_id: int,
    people: tuple[DemoPerson, ...],
    now: datetime,
    onboarded: bool,
) -> dict[Role, list[int]]:
    """Members; without `onboarded`, ones who never wrote to the bot (no language chosen, no
    consent given yet)."""
    by_role: dict[Role, list[int]] = {}
    for person in people:
        user = UserRow(
            telegram_id=person.telegram_id,
            first_name=person.first_name,
            last_name=person.last_name,
            username=person.username,
            telegram_language=person.language,
            active_org_id=org_id,
            created_at=now,
        )
        if onboarded:
            user.language, user.age_confirmed_at, user.consent_at = person.language, now, now
            user.consent_version = "demo"
        session.add(user)
        await session.flush()
        if onboarded:
            _consents(session, user.id, now)
        session.add(
            MembershipRow(
                organization_id=org_id, user_id=user.id, role=person.role.value, created_at=now
            )
        )
        by_role.setdefault(person.role, []).append(user.id)
    return by_role


def _consents(session: AsyncSession, user_id: int | None, now: datetime) -> None:
    for kind in ("age_16", "privacy_policy"):
        session.add(
            ConsentRow(
                user_id=user_id, kind=kind, policy_version="demo", accepted=True, created_at=now
            )
        )


async def _categories(session: AsyncSession, org_id: int, names: tuple[str, ...]) -> list[int]:
    rows = [CategoryRow(organization_id=org_id, name=n, position=i) for i, n in enumerate(names)]
    session.add_all(rows)
    await session.flush()
    return [int(r.id or 0) for r in rows]


def _address(locale: DemoLocale, rng: random.Random) -> str:
    return locale.address(rng.choice(locale.streets), rng.randint(1, 120))


async def _clients(
    session: AsyncSession,
    org_id: int,
    locale: DemoLocale,
    rng: random.Random,
    now: datetime,
    count: int,
) -> list[int]:
    """`count` clients (at most one per name), each with a number no other client has, but
    every EMAIL_ONLY-th, who has an e-mail address and no phone (a client who hears from the
    business by e-mail)."""
    ids, phones = [], set()
    names = locale.client_names()
    for index, name in enumerate(rng.sample(names, min(count, len(names))), start=1):
        phone = locale.phone(rng)
        while phone in phones:
            phone = locale.phone(rng)
        phones.add(phone)
        mail = f"client{index}@{MAIL_DOMAIN}" if index % EMAIL_ONLY == 0 else None
        row = ClientRow(
            organization_id=org_id,
            name=name,
            name_norm=search_key(name),
            search_text=search_document(name, [] if mail else [phone]),
            address=_address(locale, rng),
            email=mail,
            created_at=now,
            updated_at=now,
        )
        session.add(row)
        await session.flush()
        if mail is None:
            session.add(ClientPhoneRow(organization_id=org_id, client_id=row.id, phone=phone))
        ids.append(int(row.id or 0))
    return ids


async def _orders(
    session: AsyncSession,
    org: OrganizationRow,
    users: dict[Role, list[int]],
    categories: list[int],
    clients: list[int],
    locale: DemoLocale,
    rng: random.Random,
    now: datetime,
) -> None:
    number = 1
    for offset in range(-5, 3):
        start, _ = local_day_bounds(now, org.timezone, offset)
        for _ in range(rng.randint(5, 9)):
            at = start + timedelta(hours=rng.choice((9, 10, 11, 12, 14, 15, 16, 17, 18)))
            row = OrderRow(
                organization_id=org.id,
                number=number,
                client_id=rng.choice(clients),
                category_id=rng.choice(categories),
                status=_status(at, now, rng).value,
                address=_address(locale, rng),
                scheduled_at=at,
                price_minor=rng.choice(locale.prices),
                created_by=users[Role.OWNER][0],
                created_at=at - timedelta(days=2),
                updated_at=now,
            )
            await _progress(session, row, users, rng)
            number += 1
    org.next_order_number = number


def _status(at: datetime, now: datetime, rng: random.Random) -> OrderStatus:
    if at < now - timedelta(hours=3):
        return rng.choices(
            [OrderStatus.DONE, OrderStatus.CANCELLED, OrderStatus.ASSIGNED], weights=[80, 12, 8]
        )[0]
    if at < now + timedelta(hours=1):
        return rng.choice([OrderStatus.IN_PROGRESS, OrderStatus.ASSIGNED])
    return rng.choices([OrderStatus.ASSIGNED, OrderStatus.NEW], weights=[70, 30])[0]


async def _progress(
    session: AsyncSession, row: OrderRow, users: dict[Role, list[int]], rng: random.Random
) -> None:
    """The order's assignee, payment and history, as its status says they went."""
    status = OrderStatus(row.status)
    done = status is OrderStatus.DONE
    row.assignee_id = rng.choice(users[Role.WORKER]) if status is not OrderStatus.NEW else None
    row.paid_minor = (row.price_minor or 0) if done and rng.random() < 0.85 else 0
    row.payment_method = rng.choice(list(PaymentMethod)).value if row.paid_minor else None
    row.done_at = row.scheduled_at + timedelta(hours=2) if done and row.scheduled_at else None
    if status in (OrderStatus.DONE, OrderStatus.IN_PROGRESS) and row.scheduled_at:
        row.started_at = row.scheduled_at + _start_delay(row.scheduled_at)
    session.add(row)
    await session.flush()
    for kind in _history(status, row.assignee_id is not None, bool(row.paid_minor)):
        paid = {"amount_minor": row.paid_minor, "method": row.payment_method}
        session.add(
            OrderEventRow(
                organization_id=row.organization_id,
                order_id=row.id,
                actor_id=users[Role.OWNER][0],
                kind=kind,
                data=paid if kind == "pay" else {},
                created_at=row.created_at,
            )
        )


def _start_delay(at: datetime) -> timedelta:
    """When the worker began, from 8 minutes early to 22 late (about three visits in four on
    time), drawn from the planned minute so that the other data stays what the seed gives."""
    return timedelta(minutes=int(at.timestamp()) // 60 % 31 - 8)


def _history(status: OrderStatus, assigned: bool, paid: bool) -> list[str]:
    steps = {
        OrderStatus.DONE: ["start", "done"],
        OrderStatus.IN_PROGRESS: ["start"],
        OrderStatus.CANCELLED: ["cancel"],
    }
    return ["created", *(["assign"] if assigned else []), *steps.get(status, [])] + (
        ["pay"] if paid else []
    )
