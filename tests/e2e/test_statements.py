"""One transaction per update: the statements and transactions each kind of update costs,
counted on the real bot on both databases: at most 3 transactions and 15 statements for
opening an order (/order N), a tap on its card (Start, Done, the client), and a dialog step.
The per-update count includes sending the replies and marking them sent; read-only updates are
written to the ledger later, 500 to one statement, which is not counted here.

Measured (SQLite / PostgreSQL; SQLite's count includes its BEGIN IMMEDIATE): /order N 11 / 9,
Start 10 / 9 in 1 transaction (its only message is the card's edit, whose outbox row leaves
with the next update's commit: bot/outbox_marks.py), Done 13 / 12, the client button 11 / 9,
a dialog step 9 / 7, each in 2 transactions (the update's, then marking the new message sent).
Start was 12 / 10 in 2 transactions while the edit's mark had a transaction of its own (issue
18.10, fifth round). One statement more each while the update's commit deleted its inbox copy
(now dropped with the ledger's next batch, issue 18.10, third round); Start was 14 / 12 while
it read the order twice (issue 18.10). Before the cards were drawn from facts loaded once:
/order N 20 / 18, Start 44 / 41, Done 43 / 39, a dialog step 13 / 11.
"""

from __future__ import annotations

import asyncio
from collections import defaultdict
from collections.abc import Awaitable, Callable

import pytest
from sqlalchemy import event, func, select

from storage.tables import OutboxRow
from tests.e2e.scenario import assigned_order

MAX_TRANSACTIONS = 3
# Statements per update kind as measured, per database, held exactly so they cannot grow.
# Where they go: the arrival (ledger, sender, membership, organization: one statement), the
# order, the change (UPDATE ... RETURNING and its event), the people the cards are for with
# the messages showing the order (one), what every card shows (one UNION ALL), the update's
# commit (outbox, ledger; its inbox copy leaves with the ledger's next batch, counted in the
# poller's or the ledger's task) and the mark after sending. Start reads the order once for
# the early-start check and the change (storage/orders/repository.py). Done on an order with
# nothing due settles it: one INSERT more, the client's rating job
# (core/client_loop/ratings.py), and on PostgreSQL the pg_notify that wakes the job runners.
# Done on an order of a client: one INSERT more, the job that tells the client it is done and
# sends the payment link (core/client_loop/pay_service.py).
MAX_STATEMENTS = {
    "sqlite": {"order": 11, "start": 10, "done": 13, "card": 11, "dialog": 9},
    "postgresql": {"order": 9, "start": 9, "done": 12, "card": 9, "dialog": 7},
}
KINDS = list(MAX_STATEMENTS["sqlite"])
# The update's, and the mark of its new messages; an edit's mark rides with the next commit.
TRANSACTIONS = {"order": 2, "start": 1, "done": 2, "card": 2, "dialog": 2}


class Counter:
    """Statements and transactions per asyncio task; an update is applied in one task."""

    def __init__(self, engine) -> None:
        self.statements: dict[object, list[str]] = defaultdict(list)
        self.transactions: dict[object, int] = defaultdict(int)
        self._engine = engine.sync_engine
        event.listen(self._engine, "before_cursor_execute", self._statement)
        event.listen(self._engine, "begin", self._begin)

    def close(self) -> None:
        event.remove(self._engine, "before_cursor_execute", self._statement)
        event.remove(self._engine, "begin", self._begin)

    def _task(self) -> object:
        try:
            return asyncio.current_task()
        except RuntimeError:
            return None

    def _statement(self, _conn, _cursor, statement, *_args) -> None:
        self.statements[self._task()].append(statement)

    def _begin(self, conn) -> None:
        self.transactions[self._task()] += 1
        if conn.dialect.name == "sqlite":
            # Issued on the driver's cursor (storage/db.py), unseen by before_cursor_execute.
            self.statements[self._task()].append("BEGIN IMMEDIATE")

    def reset(self) -> None:
        self.statements.clear()
        self.transactions.clear()

    async def settled(self, quiet: float = 0.2, limit: float = 10.0) -> None:
        """Wait until no statement has come for `quiet` seconds (a loaded machine may be slow
        to mark what was sent)."""
        waited, last = 0.0, -1
        while waited < limit:
            count = sum(len(sql) for sql in self.statements.values())
            if count == last:
                return
            last = count
            await asyncio.sleep(quiet)
            waited += quiet

    def update_cost(self) -> tuple[int, int, list[str]]:
        """The task that applied the update: the one that looked it up in the ledger."""
        tasks = [t for t, sql in self.statements.items() if any(_looks_up_ledger(s) for s in sql)]
        assert len(tasks) == 1, f"{len(tasks)} tasks touched the ledger"
        task = tasks[0]
        return self.transactions[task], len(self.statements[task]), self.statements[task]


def _looks_up_ledger(statement: str) -> bool:
    """The arrival's read of the ledger; not the inbox's writes in the poller's task (its drop
    of redelivered copies, the read-only updates noted before, storage/runtime/inbox.py)."""
    return statement.lstrip().startswith("SELECT") and "processed_update" in statement


async def _measure(
    counter: Counter, ceiling: int, action: Callable[[], Awaitable[object]]
) -> tuple[int, int]:
    await asyncio.sleep(0.2)  # what came before (ledger flushes, job wake-ups) is done
    counter.reset()
    await action()
    await counter.settled()  # the marks after the last message
    transactions, statements, sql = counter.update_cost()
    detail = "\n".join(s.split("\n")[0][:120] for s in sql)
    assert transactions <= MAX_TRANSACTIONS, f"{transactions} transactions:\n{detail}"
    assert statements <= ceiling, f"{statements} statements:\n{detail}"
    return transactions, statements


@pytest.mark.parametrize("kind", KINDS)
async def test_an_update_costs_at_most_3_transactions_and_15_statements(crm, kind):
    olga, ivan, card = await assigned_order(
        crm, (9101, 9102), ("+79161234567", "Анна", "Тверская 1")
    )
    counter = Counter(crm.container.engine)
    try:
        if kind == "order":

            async def act():
                await olga.send("/order 1")
                return await olga.reply()
        elif kind == "start":

            async def act():
                await ivan.tap("▶️ Start", message=card)
                return await ivan.wait_edit(card.message_id)
        elif kind == "done":
            await ivan.tap("▶️ Start", message=card)
            await ivan.wait_edit(card.message_id)

            async def act():
                await ivan.tap("✅ Done", message=ivan.last())
                return await ivan.wait_edit(card.message_id)
        elif kind == "card":

            async def act():
                await ivan.tap("👤 Client", message=card)
                return await ivan.reply()
        else:
            await olga.send("/neworder")
            await olga.reply()

            async def act():
                await olga.send("+79169876543")
                return await olga.reply()

        ceiling = MAX_STATEMENTS[crm.container.engine.dialect.name][kind]
        transactions, statements = await _measure(counter, ceiling, act)
        assert (transactions, statements) == (TRANSACTIONS[kind], ceiling), "lower the counts"
    finally:
        counter.close()


async def test_a_sent_edit_leaves_the_outbox_with_the_next_update(crm, monkeypatch):
    """Start's only messages are edits of the order's cards: their outbox rows are not taken
    out by a transaction of their own but by the next update that commits (Done: one DELETE
    more), and are in the outbox until then (a process dying meanwhile sends the same edits
    again)."""
    _olga, ivan, card = await assigned_order(
        crm, (9111, 9112), ("+79161234567", "Анна", "Тверская 1")
    )
    counter = Counter(crm.container.engine)
    try:
        await asyncio.sleep(0.2)  # the set-up's marks are written
        assert await _outbox_rows(crm) == 0
        monkeypatch.setattr("bot.outbox_marks.MARK_SECONDS", 600.0)  # none of its own now
        counter.reset()
        await ivan.tap("▶️ Start", message=card)
        await ivan.wait_edit(card.message_id)
        await counter.settled()
        assert counter.update_cost()[:2] == (1, MAX_STATEMENTS[_dialect(crm)]["start"])
        # the card edited in the worker's chat and in the owner's: both wait for the next commit
        assert await _outbox_rows(crm) == 2
        counter.reset()
        await ivan.tap("✅ Done", message=ivan.last())
        await ivan.wait_edit(card.message_id)
        await counter.settled()
        transactions, statements, sql = counter.update_cost()
        taken_out = [s for s in sql if s.lstrip().startswith("DELETE FROM outbox")]
        assert len(taken_out) == 2, "Start's rows with Done's commit, then Done's own mark"
        assert (transactions, statements) == (2, MAX_STATEMENTS[_dialect(crm)]["done"] + 1)
        assert await _outbox_rows(crm) == 0
    finally:
        counter.close()


def _dialect(crm) -> str:
    return str(crm.container.engine.dialect.name)


async def _outbox_rows(crm) -> int:
    async with crm.container.engine.connect() as connection:
        found = await connection.execute(select(func.count()).select_from(OutboxRow.__table__))
        return int(found.scalar_one())
