"""Issue 19, item 5: the reminder look at 18:00 costs the same statements however many orders
are due when nobody can hear them (no client linked in Telegram, no SMS or SMTP in the
organization): the orders, the organization and its settings, the sent ledger, the links
and the channel secrets of all of them, and one INSERT claiming every key. The next look
reads the orders again and claims nothing. A client who can hear is still reminded. Frozen
clock; SQLite and PostgreSQL."""

from __future__ import annotations

import pytest
from sqlalchemy import event, func, select

from core.client_loop.reminders import ClientReminders
from core.client_loop.service import ClientLoopService
from storage.tables import SentNotificationRow
from tests.integration.test_client_delivery import NOON, PHONE, _book, _org, open_world
from tests.integration.test_client_reminders import EVE

LOOK = (
    "SELECT",  # the orders coming up
    "SELECT",  # the organization
    "SELECT",  # its client-loop settings
    "SELECT",  # the sent ledger
    "SELECT",  # the clients' Telegram links
    "SELECT",  # the organizations' SMS/SMTP secrets
    "INSERT",  # every key at once
)
NEXT_LOOK = ("SELECT", "SELECT", "SELECT")  # the orders, the organization, its settings


@pytest.fixture
async def w(db_url, clock, tmp_path):
    clock.set(NOON)
    async with open_world(db_url, clock, tmp_path) as opened:
        yield opened


class Statements:
    def __init__(self, engine) -> None:
        self.seen: list[str] = []
        self._engine = engine.sync_engine
        event.listen(self._engine, "before_cursor_execute", self._statement)

    def _statement(self, _connection, _cursor, statement, *_args) -> None:
        self.seen.append(statement.lstrip().split(None, 1)[0].upper())

    def of(self) -> tuple[str, ...]:
        """The statements that read or change data (no BEGIN, COMMIT or SAVEPOINT)."""
        kinds = ("SELECT", "INSERT", "UPDATE", "DELETE")
        return tuple(s for s in self.seen if s in kinds)

    def close(self) -> None:
        event.remove(self._engine, "before_cursor_execute", self._statement)


def fresh(w) -> ClientReminders:
    """A new process's scheduler (nothing cached)."""
    return ClientReminders(w.uow, w.clock, ClientLoopService(w.uow, w.clock), "https://crm.test")


async def _ledger(w) -> int:
    async with w.sessions() as session:
        return int(await session.scalar(select(func.count()).select_from(SentNotificationRow)))


async def _look(w, due: int) -> tuple[tuple[str, ...], tuple[str, ...], int]:
    owner = await _org(w, sms=False, smtp=False)
    for _ in range(due):
        await _book(w, owner, phone=None)
    reminders = fresh(w)
    counted = Statements(w.sessions.kw["bind"])
    try:
        w.clock.set(EVE)
        assert await reminders.tick() == 0  # nobody can hear them
        first = counted.of()
        counted.seen.clear()
        assert await reminders.tick() == 0
        second = counted.of()
    finally:
        counted.close()
    return first, second, await _ledger(w)


@pytest.mark.parametrize("due", [3, 40])
async def test_the_look_costs_the_same_for_few_or_many_orders_nobody_hears(w, due):
    first, second, claimed = await _look(w, due)
    assert first == LOOK, first
    assert second == NEXT_LOOK, second
    assert claimed == due  # every key claimed: looked at once


async def test_a_client_who_can_hear_is_still_reminded_beside_many_who_cannot(w):
    owner = await _org(w, sms=False, smtp=False)
    for _ in range(5):
        await _book(w, owner, phone=None)
    reachable = await _org(w, smtp=False)  # another organization, with SMS
    await _book(w, reachable)
    w.clock.set(EVE)
    assert await fresh(w).tick() == 1
    assert await fresh(w).tick() == 0  # a new process: the ledger holds all six keys
    assert await _ledger(w) == 6
    assert await w.run_jobs() == 1
    assert len(w.sms_peer.received(PHONE)) == 1
