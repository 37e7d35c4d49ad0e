"""Our bot as `bench cpu` runs it (bench/cpu_bots.py has the bare one): the real bot
(bot/local.py) on a seeded organization, with the emulator enforcing Telegram's limits and our
rate limiter keeping them. Workers send /help, and tap "▶️ Start" on the cards of orders
assigned to them: each tap starts an order that was not started (the ledger, who sent it, the
change, the card edited, the outbox)."""

from __future__ import annotations

import itertools
from datetime import datetime
from typing import Any

from sqlalchemy import func, select

from bench.bare import Probe
from bench.cpu_bots import BotUnderTest, Kind, Push, command, tap
from bench.emulator_thread import EmulatorThread
from bench.traffic import meet, more_workers
from bot.local import SANDBOX_BOT, SANDBOX_TOKEN, LocalBot
from bot.settings import Settings
from bot.telegram_request import HttpClient
from sandbox.emulator import TelegramEmulator
from storage import demo, migrate
from storage.db import session_factory
from storage.tables import MembershipRow, OrderEventRow, OrderRow, OrganizationRow, UserRow


class Ours(BotUnderTest):
    name = "crm"

    def __init__(self, thread: EmulatorThread, client: HttpClient, users: int, url: str) -> None:
        super().__init__(thread, client, users)
        self.url = url
        self.local: LocalBot | None = None
        self.workers: list[int] = []
        self.org_id = 0
        self.tapped: list[int] = []  # the orders tapped to start
        self._turn = itertools.count()

    async def __aenter__(self) -> Ours:
        self.emulator = await self.thread.call(
            lambda: TelegramEmulator(
                SANDBOX_TOKEN,
                bot_first_name="AstraCRM",
                bot_username=SANDBOX_BOT,
                rate_limits=True,
            )
        )
        server = await self.thread.serve(self.emulator)
        settings = Settings(  # type: ignore[call-arg]
            _env_file=None,
            database_url=self.url,
            concurrent_updates=8,
            telegram_http_client=self.client,
        )
        migrate.upgrade(self.url)
        self.local = LocalBot(settings, server=server, poll_timeout=1.0)
        await self.local.start_bot()
        assert self.local.app is not None
        await self._world()
        await self.thread.call(meet, self.emulator, self.workers)
        self.probe = Probe(self.local.app)
        return self

    async def __aexit__(self, *_exc: object) -> None:
        if self.local is not None:
            await self.local.stop_bot()

    def _sessions(self) -> Any:
        assert self.local is not None and self.local.container is not None
        return session_factory(self.local.container.engine)

    def _now(self) -> datetime:
        assert self.local is not None and self.local.container is not None
        return self.local.container.services.clock.now()

    async def _world(self) -> None:
        """The demo organization and team, and `users` more workers."""
        sessions = self._sessions()
        await demo.seed(sessions, self._now())
        async with sessions() as session, session.begin():
            org_id = (await session.execute(select(MembershipRow.organization_id))).scalar()
            self.org_id = int(org_id)
            self.workers = await more_workers(session, org_id, self._now(), self.users)

    async def pushes(self, kind: Kind, count: int) -> list[Push]:
        turns = [next(self._turn) for _ in range(count)]
        people = [self.workers[turn % len(self.workers)] for turn in turns]
        if kind == "help":
            return [command(self.emulator, person, "/help") for person in people]
        orders = await self._orders(people)
        await self.handle(
            [
                command(self.emulator, p, f"/order {n}")
                for p, (_, n) in zip(people, orders, strict=True)
            ]
        )
        cards = await self.thread.call(self._cards, people, orders)
        self.tapped += [order_id for order_id, _ in orders]
        return [tap(self.emulator, p, m, d) for p, (m, d) in zip(people, cards, strict=True)]

    async def _orders(self, people: list[int]) -> list[tuple[int, int]]:
        """An order assigned to each of `people` for today, not started; (id, number) each."""
        now = self._now()
        made: list[tuple[int, int]] = []
        async with self._sessions()() as session, session.begin():
            org = await session.get(OrganizationRow, self.org_id)
            assert org is not None
            like = (
                (
                    await session.execute(
                        select(OrderRow).where(OrderRow.organization_id == self.org_id)
                    )
                )
                .scalars()
                .first()
            )
            assert like is not None
            users = await self._user_ids(session, people)
            for person in people:
                number = org.next_order_number
                org.next_order_number = number + 1
                row = OrderRow(
                    organization_id=self.org_id,
                    number=number,
                    client_id=like.client_id,
                    category_id=like.category_id,
                    status="assigned",
                    address=like.address,
                    scheduled_at=now,
                    assignee_id=users[person],
                    price_minor=like.price_minor,
                    created_by=like.created_by,
                    created_at=now,
                    updated_at=now,
                )
                session.add(row)
                await session.flush()
                for event in ("created", "assign"):
                    session.add(
                        OrderEventRow(
                            organization_id=self.org_id,
                            order_id=row.id,
                            actor_id=like.created_by,
                            kind=event,
                            data={},
                            created_at=now,
                        )
                    )
                assert row.id is not None
                made.append((row.id, number))
        return made

    async def _user_ids(self, session: Any, telegram_ids: list[int]) -> dict[int, int]:
        rows = await session.execute(
            select(UserRow.telegram_id, UserRow.id).where(
                UserRow.telegram_id.in_(set(telegram_ids))
            )
        )
        return {int(t): int(i) for t, i in rows.all()}

    def _cards(self, people: list[int], orders: list[tuple[int, int]]) -> list[tuple[int, str]]:
        """The card of each order in its assignee's chat and its Start button's data."""
        found = []
        for person, (order_id, _) in zip(people, orders, strict=True):
            data = f"oa:{order_id}:start"
            messages = self.emulator.user(person, str(person)).messages()
            card = next(
                (
                    m
                    for m in reversed(messages)
                    if any(d == data for row in m.buttons for _, d in row)
                ),
                None,
            )
            if card is None:
                raise RuntimeError(f"no card with a Start button for order {order_id}")
            found.append((card.message_id, data))
        return found

    async def started(self) -> int:
        """How many of the tapped orders are in progress (every tap must have started one)."""
        async with self._sessions()() as session:
            query = select(func.count()).where(
                OrderRow.id.in_(self.tapped), OrderRow.status == "in_progress"
            )
            return int((await session.execute(query)).scalar_one())
