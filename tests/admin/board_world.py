"""An organization for the board's tests: an owner, a manager, two workers, two clients, orders
today and tomorrow (the clock: Monday 2 March 2026, 12:00 in Moscow), and a second
organization with an order of its own."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from itertools import count

from bot.container import Container, build_container
from core.domain import Actor, Order, Role, TelegramProfile
from core.orders.rules import OrderAction
from core.orders.service import OrderDraft
from core.services import Services
from tests.admin.support import admin_settings
from tests.support import onboard, owner_with_org

CSRF_META = re.compile(r'data-csrf="([^"]+)"')
_ids = count(7_220_000)


@dataclass
class BoardWorld:
    services: Services
    owner: Actor
    manager: Actor
    peter: Actor
    zina: Actor
    assigned: Order  # today 14:00, Пётр, Анна Смирнова
    late: Order  # today 10:00, nobody, Борис Другов: overdue
    tomorrow: Order  # tomorrow 11:00, Зинаида
    stranger: Actor  # the owner of another organization
    foreign: Order  # that organization's order

    @property
    def org_id(self) -> int:
        assert self.owner.organization is not None
        return self.owner.organization.id


@asynccontextmanager
async def board_container(db_url: str, clock) -> AsyncIterator[Container]:
    """The admin app's container without billing (plans not enforced: four members)."""
    settings = admin_settings(database_url=db_url, tbank_terminal_key=None, tbank_password=None)
    built = build_container(settings, clock)
    try:
        yield built
    finally:
        await built.close()


async def member(services: Services, owner: Actor, role: Role, first: str, last: str) -> Actor:
    token = (await services.invites.create(owner, role)).token
    person = TelegramProfile(next(_ids), first, last, None, "ru")
    actor = await onboard(services, person)
    await services.invites.accept(actor, token)
    return await services.users.identify(person)


def at(hour: int, day: int = 2) -> datetime:
    """Moscow time on March `day`, 2026, in UTC."""
    return datetime(2026, 3, day, hour - 3, 0, tzinfo=UTC)


async def order(services: Services, owner: Actor, client_id: int, when: datetime) -> Order:
    draft = OrderDraft(
        client_id, address="ул. Тихая, 5, кв. 12", price_minor=250000, scheduled_at=when
    )
    return await services.orders.create(owner, draft)


async def board_world(services: Services) -> BoardWorld:
    owner = await owner_with_org(services)
    manager = await member(services, owner, Role.MANAGER, "Мила", "Петрова")
    peter = await member(services, owner, Role.WORKER, "Пётр", "Сидоров")
    zina = await member(services, owner, Role.WORKER, "Зинаида", "Кузнецова")
    anna = await services.clients.create(owner, "Анна Смирнова", "+79165550001", "ул. Тихая, 5")
    boris = await services.clients.create(owner, "Борис Другов", "+79165550002", "пр. Мира, 1")
    assigned = await order(services, owner, anna.id, at(14))
    await services.orders.act(owner, assigned.id, OrderAction.ASSIGN, assignee_id=peter.user.id)
    late = await order(services, owner, boris.id, at(10))
    tomorrow = await order(services, owner, anna.id, at(11, day=3))
    await services.orders.act(owner, tomorrow.id, OrderAction.ASSIGN, assignee_id=zina.user.id)
    stranger = await owner_with_org(services, "Чужая фирма")
    eve = await services.clients.create(stranger, "Ева Чужая", "+79165550009", "ул. Дальняя, 9")
    foreign = await order(services, stranger, eve.id, at(15))
    return BoardWorld(
        services, owner, manager, peter, zina, assigned, late, tomorrow, stranger, foreign
    )


async def signed_in(client, services: Services, actor: Actor) -> str:
    """Opens the actor's /admin link in `client`; returns the board page's CSRF token."""
    path = (await services.admin.issue_link(actor)).url.removeprefix("http://admin.test")
    opened = await client.post(path)
    assert opened.status_code == 303, opened.text
    page = await client.get("/board")
    assert page.status_code == 200, page.text
    return CSRF_META.search(page.text).group(1)
