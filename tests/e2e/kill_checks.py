"""What tests/e2e/test_kill_many.py checks after the kills: each action's one effect in the
database, and each chat's messages against what the actions and the delivery jobs call for."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncEngine

from handlers.notifications.digests import RENDERERS
from sandbox.emulator import TelegramEmulator
from storage.tables import (
    AttachmentRow,
    ClientRow,
    DialogStateRow,
    JobRow,
    OrderEventRow,
    OrderRow,
    OutboxRow,
    ProcessedUpdateRow,
    UpdateInboxRow,
    UserRow,
)
from tests.e2e.chaos import Kill
from tests.e2e.crew import Order, Person, Tally


@dataclass
class Owed:
    """Per chat: messages seen in the kill phase, owed by actions and jobs, allowed repeats."""

    seen: Counter[int]
    owed: Counter[int]
    allowed: Counter[int]
    scheduled: int
    names: dict[int, str] = field(default_factory=dict)

    @property
    def lost(self) -> dict[int, int]:
        return {c: n - self.seen[c] for c, n in self.owed.items() if self.seen[c] < n}

    @property
    def repeated(self) -> dict[int, int]:
        return {c: n - self.owed[c] for c, n in self.seen.items() if n > self.owed[c]}

    @property
    def beyond(self) -> dict[int, int]:
        """Repeats beyond one per delivery in flight at the kills."""
        return {c: n - self.allowed[c] for c, n in self.repeated.items() if n > self.allowed[c]}

    def summary(self) -> dict[str, int]:
        return {
            "messages": sum(self.seen.values()),
            "scheduled": self.scheduled,
            "lost": sum(self.lost.values()),
            "repeated": sum(self.repeated.values()),
            "beyond_window": sum(self.beyond.values()),
        }

    def details(self) -> list[str]:
        return [
            f"{self.names.get(c, c)}: {self.seen[c]} seen, {self.owed[c]} owed, "
            f"{self.allowed[c]} in flight at kills"
            for c in sorted(set(self.seen) | set(self.owed))
            if self.seen[c] != self.owed[c]
        ]


async def messages_owed(
    engine: AsyncEngine,
    tally: Tally,
    people: dict[str, Person],
    before: Counter[int],
    kills: list[Kill],
) -> Owed:
    seen = Counter({p.chat: len(p.driver.messages()) - before[p.chat] for p in people.values()})
    jobs = JobRow.__table__.c
    query = select(jobs.payload).where(jobs.kind.in_(RENDERERS), jobs.status == "done")
    scheduled: Counter[int] = Counter()
    async with engine.connect() as connection:
        telegram = dict((await connection.execute(select(UserRow.id, UserRow.telegram_id))).all())
        for payload in (await connection.execute(query)).scalars():
            chat = payload.get("chat_id") or telegram[int(payload["user_id"])]
            scheduled[int(chat)] += 1
    allowed: Counter[int] = Counter()
    for kill in kills:
        allowed.update(kill.in_flight)
    names = {p.chat: p.name for p in people.values()}
    owed = tally.owed + scheduled
    return Owed(+seen, owed, allowed, sum(scheduled.values()), names)


async def _rows(engine: AsyncEngine, query: Any) -> list[Any]:
    async with engine.connect() as connection:
        return list((await connection.execute(query)).all())


async def effects(
    engine: AsyncEngine,
    emulator: TelegramEmulator,
    people: dict[str, Person],
    orders: list[Order],
    webhook_from: int | None,
    residue: Counter[str],
) -> list[str]:
    """Every order as its actions left it, once; nothing left half-way. `webhook_from`: the
    first update delivered to a webhook (the set-up before it polls); None: polling only."""
    problems = []
    o, c = OrderRow.__table__.c, ClientRow.__table__.c
    users = dict(await _rows(engine, select(UserRow.id, UserRow.telegram_id)))
    columns = (o.id, o.status, o.version, o.paid_minor, o.payment_method, o.assignee_id)
    query = select(c.name, *columns).join(ClientRow.__table__, c.id == o.client_id)
    found = {row.name: row for row in await _rows(engine, query)}
    events: dict[int, list[str]] = {}
    e = OrderEventRow.__table__.c
    for order_id, kind in await _rows(engine, select(e.order_id, e.kind).order_by(e.id)):
        events.setdefault(order_id, []).append(kind)
    a = AttachmentRow.__table__.c
    photos = dict(await _rows(engine, select(a.order_id, func.count()).group_by(a.order_id)))
    if len(found) != len(orders) + 4:
        problems.append(f"{len(found)} orders for {len(orders) + 4} created")
    for order in orders:
        row = found.get(order.client)
        if row is None:
            problems.append(f"order {order.k} is missing")
            continue
        worker = people[order.worker].chat
        got = (row.status, row.version, row.paid_minor, row.payment_method, users[row.assignee_id])
        wanted = ("done", order.version, order.paid * 100, "cash", worker)
        if got != wanted or events.get(row.id) != order.events or photos.get(row.id) != 1:
            problems.append(f"order {order.k}: {got}, {events.get(row.id)}, {photos.get(row.id)}")
    problems += await _nothing_left(engine, emulator, webhook_from, residue)
    j = JobRow.__table__.c
    kinds = dict(await _rows(engine, select(j.kind, func.count()).group_by(j.kind)))
    if (kinds.get("reminder"), kinds.get("overdue")) != (2, 6):
        problems.append(f"reminders and overdue alerts enqueued: {kinds}")  # 2 and 2 x 3 leads
    return problems


async def _nothing_left(
    engine: AsyncEngine,
    emulator: TelegramEmulator,
    webhook_from: int | None,
    residue: Counter[str],
) -> list[str]:
    """Every update applied: in the ledger, or answered and out of the inbox and Telegram's
    queue; nothing to send, nothing half-way.

    Leftovers counted, not failed (docs/kill-test.md): a copy of an applied update redelivered
    and stored again just before a kill (its ledger record stands); with a webhook, a read-only
    update answered (Telegram had its 200) whose ledger note was not written yet when the
    process died; with polling, a read-only update answered before the next getUpdates
    confirmed it, which is never stored nor noted (docs/inbox.md). A change is always in the
    ledger (its record commits with it), and every action's reaction was checked before."""
    problems = []
    pushed = set(range(1, emulator.state.next_update_id))
    ledger = ProcessedUpdateRow.__table__.c
    recorded = {u for (u,) in await _rows(engine, select(ledger.update_id))}
    kept = {u for (u,) in await _rows(engine, select(UpdateInboxRow.__table__.c.update_id))}
    queued = {int(u["update_id"]) for u in emulator.state.updates}
    unrecorded = pushed - recorded
    hooked = {u for u in unrecorded if webhook_from is not None and u >= webhook_from}
    polled = unrecorded - hooked
    residue["stale_inbox_copies"] = len(kept & recorded)
    residue["answered_unrecorded"] = len(hooked & kept)
    residue["answered_not_noted"] = len(polled - kept - queued)
    stuck = (hooked - kept) | (polled & (kept | queued))
    if stuck:
        problems.append(f"updates never recorded: {sorted(stuck)}")
    for table in (OutboxRow, DialogStateRow):
        [(left,)] = await _rows(engine, select(func.count()).select_from(table.__table__))
        if left:
            problems.append(f"{left} rows left in {table.__tablename__}")
    jobs = JobRow.__table__.c
    unfinished = await _rows(
        engine,
        select(jobs.kind, jobs.status).where(
            jobs.status != "done", jobs.kind.in_(("upload", *RENDERERS))
        ),
    )
    if unfinished:
        problems.append(f"jobs not done: {unfinished}")
    unanswered = [q for q, answer in emulator.state.callback_answers.items() if answer is None]
    if unanswered:
        problems.append(f"{len(unanswered)} taps never answered")
    return problems
