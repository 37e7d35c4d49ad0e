"""Issue 19, item 5: two clients choosing the same free start of the same worker at the same
moment (two client pages here; Telegram's buttons run the same `move_visit`) cannot both get
it: one moves, the other is told the time was just taken and gets the free times as they are
now, without that start. SQLite serializes every transaction (`BEGIN IMMEDIATE`); on
PostgreSQL the organization's times are locked before they are read, and the test holds the
first move inside its transaction until the second has arrived, so without the lock both
would read the start as free. Frozen clock; SQLite and PostgreSQL."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest

from core.client_loop.answers import Answer, minutes
from core.orders.rules import OrderAction
from storage.client_loop.repository import SqlClientLoopRepository
from tests.integration.test_client_delivery import NOON, VISIT, _book, _org, open_world
from tests.integration.test_client_reminders import _worker


@pytest.fixture
async def w(db_url, clock, tmp_path):
    clock.set(NOON)
    async with open_world(db_url, clock, tmp_path) as opened:
        yield opened


def hold_the_first_reader(monkeypatch) -> None:
    """The first move to read the busy times waits, inside its transaction, until the other
    move has arrived too: at the lock (then it waits in the database for the first to
    commit) or, were there no lock, at the same read."""
    arrived: set[asyncio.Task] = set()
    both = asyncio.Event()
    held: list[asyncio.Task] = []
    real_lock = SqlClientLoopRepository.lock_times
    real_busy = SqlClientLoopRepository.busy_times

    def arrive() -> None:
        task = asyncio.current_task()
        assert task is not None
        arrived.add(task)
        if len(arrived) >= 2:
            both.set()

    async def lock_times(self, org_id):
        arrive()
        await real_lock(self, org_id)

    async def busy_times(self, *args, **kwargs):
        arrive()
        found = await real_busy(self, *args, **kwargs)
        if not held:
            held.append(asyncio.current_task())
            await asyncio.wait_for(both.wait(), timeout=30)  # a hang guard, not a timing
        return found

    monkeypatch.setattr(SqlClientLoopRepository, "lock_times", lock_times)
    monkeypatch.setattr(SqlClientLoopRepository, "busy_times", busy_times)


async def test_two_clients_moving_to_the_same_start_at_once_one_wins(w, db_url, monkeypatch):
    owner = await _org(w, smtp=False)
    worker = await _worker(w, owner)
    org_id = owner.organization.id
    anna, first = await _book(w, owner)
    boris, second = await _book(w, owner, phone="+79165550124", when=VISIT + timedelta(days=1))
    tokens = []
    for client, order in ((anna, first), (boris, second)):
        await w.services.orders.act(
            owner, order.id, OrderAction.ASSIGN, assignee_id=worker.user.id
        )
        issued = await w.services.client_loop.issue_page(org_id, client.id, order.id)
        tokens.append(issued.token)
    offered = [await w.services.client_answers.page_times(token) for token in tokens]
    start = next(at for at in offered[0] if at in offered[1])  # free for both: Ivan's

    if db_url.startswith("postgresql"):
        hold_the_first_reader(monkeypatch)
    outcomes = await asyncio.gather(
        *(w.services.client_answers.page_move(token, minutes(start)) for token in tokens)
    )

    answers = sorted(o.answer.value for o in outcomes)
    assert answers == [Answer.MOVED.value, Answer.TAKEN.value], answers
    (lost,) = [o for o in outcomes if o.answer is Answer.TAKEN]
    assert lost.times and start not in lost.times  # fresh times, without the one just taken
    assert all(abs(at - start) >= timedelta(hours=1) for at in lost.times)
    times = sorted(
        [(await w.services.orders.raw(org_id, o.id)).scheduled_at for o in (first, second)]
    )
    assert times.count(start) == 1  # exactly one visit at that start
    # The loser picks one of the fresh times and moves.
    loser = tokens[[o.answer for o in outcomes].index(Answer.TAKEN)]
    again = await w.services.client_answers.page_move(loser, minutes(lost.times[0]))
    assert again.answer is Answer.MOVED
