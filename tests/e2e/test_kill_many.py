"""Nothing lost and nothing twice under kill -9 (issue 26), on SQLite and PostgreSQL, with long
polling and with a webhook.

Seven people work at once (tests/e2e/crew.py): the owner and two managers create orders with
/neworder and assign them or offer them to all; four workers take, start, send a photo,
finish and record the payment. The real `astracrm run` process is killed with SIGKILL at
least six times at points the emulator's call log drives (tests/e2e/chaos.py: right after a
getUpdates returns, mid-update after Telegram was told a batch arrived, right after Telegram
recorded a message, in the middle of a batch of scheduled messages...) and restarted on the
same database, while reminders, overdue alerts and the owner's digest come due. Afterwards:

- every action had its reaction (each person waited for it in their own chat) and every tap
  was answered;
- every action had exactly one effect: each order's status, version, events, payment, photo;
  every update is in the ledger and nothing is left in the inbox, the outbox or a dialog;
- every scheduled message arrived: one per delivery job, and every delivery job is done;
- in each chat, the messages beyond what the actions and the jobs call for are repeats, at
  most one per delivery in flight at a kill (read from the database right after each kill).

The setup (the organization, six invitations, four orders waiting for their reminders and
alerts) runs in-process without flood control, so the time goes to the kill phase. The kill
points are counts of Bot API calls and of actions, never delays. CI runs one seed with two
orders per creator, SQLite with a webhook and PostgreSQL with long polling (KILL_MANY_ALL=1
adds the other two pairs); KILL_MANY_SEEDS=1,2,3 KILL_MANY_ORDERS=6 runs a longer variant (all
four pairs), and KILL_MANY_REPORT=path appends each run's counts to that file (JSON lines).
"""

from __future__ import annotations

import asyncio
import json
import os
import random
import time
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import insert, select, update

from bot.admin.server import free_port
from bot.local import LocalBot
from handlers.notifications.digests import RENDERERS
from sandbox.emulator import EmulatorServer, TelegramEmulator
from storage.tables import NotificationPrefRow, OrderRow, OrganizationRow, UserRow
from tests.e2e.chaos import Chaos, observer_engine
from tests.e2e.conftest import make_settings
from tests.e2e.crew import WORKERS, Order, Person, Tally, Unanswered, plan, planned_actions
from tests.e2e.crew_work import create, work
from tests.e2e.kill_checks import effects, messages_owed
from tests.e2e.processes import Process, base_env
from tests.e2e.scenario import create_org, invite_link, onboard

SEEDS = [int(s) for s in os.environ.get("KILL_MANY_SEEDS", "26").split(",")]
PER_CREATOR = int(os.environ.get("KILL_MANY_ORDERS", "2"))
# Each database and each mode once in every run of the suite: SQLite with a webhook (its
# POSTs write the inbox while the update workers hold SQLite's one write lock) and PostgreSQL
# with long polling. KILL_MANY_ALL=1 (or KILL_MANY_SEEDS) adds the other two (docs/kill-test.md
# says why the pair is enough for every commit).
VARIANTS = [("sqlite", "webhook"), ("postgresql", "polling")]
if os.environ.get("KILL_MANY_ALL") or os.environ.get("KILL_MANY_SEEDS"):
    VARIANTS += [("sqlite", "polling"), ("postgresql", "webhook")]
pytestmark = pytest.mark.timeout(300 + 60 * PER_CREATOR)

TOKEN = "4646:KILL-MANY-TOKEN-abcdefghijklmn"
SECRET = "kill-many-secret_1"
IDS = {"Ольга": 2601, "Мария": 2602, "Нина": 2603, "Ivan": 2604, "Пётр": 2605}
IDS |= {"Wang": 2606, "Сергей": 2607}
MANAGERS = ("Мария", "Нина")
# Waiting in the setup: two orders for reminders (their workers), two for overdue alerts (the
# owner and both managers); numbered 91-94, assigned, never started.
WAITING = {"reminder": ("Ivan", "Пётр"), "overdue": ("Wang", "Сергей")}


def noon_zone(now: datetime) -> str:
    """A fixed-offset zone where it is 12:xx now, far from midnight (as in test_scale_out)."""
    offset = (12 - now.hour) % 24
    offset = offset - 24 if offset > 14 else offset
    return f"Etc/GMT{-offset:+d}"


def schedule(rng: random.Random, webhook: bool, total: int) -> list[tuple[str, int, int]]:
    """Six kill points: (kind, the n-th occurrence, armed after this many actions)."""
    kinds = ["posted", "mid", "sent", "mid", "sent"] if webhook else []
    kinds = kinds or ["polled", "confirmed", "sent", "confirmed", "sent"]
    rng.shuffle(kinds)
    kinds.insert(2, "broadcast")  # the scheduled messages come due a third of the way in
    points = sorted(rng.sample(range(total // 12, total * 2 // 3), len(kinds)))
    return [
        (k, rng.randint(1, 5 if k == "sent" else 3), at)
        for k, at in zip(kinds, points, strict=True)
    ]


async def _team(emulator: TelegramEmulator, tally: Tally) -> dict[str, Person]:
    owner = emulator.user(IDS["Ольга"], "Ольга", language_code="ru")
    await create_org(owner, zone_label=noon_zone(datetime.now(UTC)))
    people = {"Ольга": Person(owner, "Ольга", tally)}
    for name in (*MANAGERS, *WORKERS):
        language = WORKERS.get(name, "ru")
        token = await invite_link(owner, "Менеджер" if name in MANAGERS else "Работник")
        driver = emulator.user(IDS[name], name, language_code=language)
        await onboard(driver, language, payload=token)
        await driver.reply()
        await owner.reply()
        people[name] = Person(driver, name, tally, language)
    return people


async def _setup(server: EmulatorServer, db_url: str, tmp_path: Path) -> dict[str, Person]:
    """The team and the waiting orders, through an in-process bot on the system clock (as the
    process's) without flood control."""
    local = LocalBot(make_settings(db_url, tmp_path), server=server)
    await local.start_bot()
    try:
        people = await _team(server.emulator, Tally())
        workers = {name: people[name] for name in WORKERS}
        waiting = [w for kind in WAITING.values() for w in kind]
        for k, worker in enumerate(waiting, start=91):
            await create(people["Ольга"], Order(k, "Ольга", worker, False, None, 0), workers)
    finally:
        await local.stop_bot()
    return people


async def _make_due(engine, owner_chat: int) -> None:
    """Reminders for orders 91-92 (in 20 minutes), overdue alerts for 93-94 (20 minutes
    late), and the owner's digest at this minute, by the process's clock."""
    now = datetime.now(UTC)
    late = {"reminder": now + timedelta(minutes=20), "overdue": now - timedelta(minutes=20)}
    async with engine.begin() as connection:
        for start, (kind, workers) in zip((1, 3), WAITING.items(), strict=True):
            numbers = list(range(start, start + len(workers)))
            due = update(OrderRow).where(OrderRow.number.in_(numbers))
            await connection.execute(due.values(scheduled_at=late[kind]))
        zone = (await connection.execute(select(OrganizationRow.timezone))).scalar_one()
        owner = select(UserRow.id).where(UserRow.telegram_id == owner_chat)
        owner_id = (await connection.execute(owner)).scalar_one()
        at = now.astimezone(ZoneInfo(zone)).strftime("%H:%M")
        prefs = {"user_id": owner_id, "digest_at": at, "updated_at": now}
        await connection.execute(insert(NotificationPrefRow).values(prefs))


def _spawn(db_url: str, server: EmulatorServer, tmp_path: Path, webhook: bool):
    port = free_port("127.0.0.1")
    env = base_env(
        DATABASE_URL=db_url,
        TELEGRAM_BOT_TOKEN=TOKEN,
        TELEGRAM_API_BASE_URL=server.api_base_url,
        TELEGRAM_FILE_BASE_URL=server.file_base_url,
        FILES_DIR=str(tmp_path / "files"),
        ADMIN_PORT=str(port),
        SCHEDULER_SECONDS="1",
        CONCURRENT_UPDATES="4",
    )
    if webhook:
        env.update(PUBLIC_BASE_URL=f"http://127.0.0.1:{port}", WEBHOOK_SECRET=SECRET)
    args = ["run", "--webhook"] if webhook else ["run"]
    return lambda i: Process(f"bot{i}", args, env, tmp_path / f"bot{i}.log")


async def _everyone_works(people: dict[str, Person], orders: list[Order], tally: Tally) -> None:
    workers = {name: people[name] for name in WORKERS}

    async def person(name: str) -> None:
        try:
            for o in orders:
                if o.creator == name:
                    await create(people[name], o, workers)
                if o.worker == name:
                    await work(people[name], o)
        except Unanswered as missing:
            tally.unanswered.append(str(missing))

    await asyncio.gather(*(person(name) for name in people))


async def _kill_points(chaos, tally, finished, points, make_due) -> None:
    """Each point armed after its count of actions (everyone waits for it to be armed), the
    next one held from the moment the previous strikes."""
    tally.hold(points[0][2])
    for i, (kind, n, after) in enumerate(points):
        if not await tally.reached(after, finished):
            return
        following = points[i + 1][2] if i + 1 < len(points) else None
        kill = await chaos.kill(
            kind,
            n,
            tally.actions,
            finished,
            make_due if kind == "broadcast" else None,
            armed=tally.open,
            struck_now=lambda at=following: tally.hold(at),
        )
        if kill is None:
            tally.open()
            return


def _diagnosis(tmp_path: Path, emulator: TelegramEmulator) -> dict[str, list[str]]:
    """What a failed run leaves to read in CI's output, where the bots' logs are gone: the
    taps answered with a text (a refusal shows there) and the bots' warnings and errors (the
    logs hold ids and kinds, never message text)."""
    answers = emulator.calls_to("answerCallbackQuery")
    alerts = [str(c["text"]) for c in answers if c.get("text")]
    trouble = ("WARNING", "ERROR", "Traceback", "Error:")
    lines = [
        f"{log.name}: {line}"
        for log in sorted(tmp_path.glob("bot*.log"))
        for line in log.read_text(errors="replace").splitlines()
        if any(word in line for word in trouble)
    ]
    return {"tap_answers": alerts[-30:], "bot_logs": lines[-60:]}


def _record(report: dict[str, object]) -> None:
    """The run's numbers: printed (seen with -s) and appended to KILL_MANY_REPORT if set."""
    line = json.dumps(report, ensure_ascii=False)
    print(line)  # noqa: T201
    if os.environ.get("KILL_MANY_REPORT"):
        with Path(os.environ["KILL_MANY_REPORT"]).open("a", encoding="utf-8") as out:
            out.write(line + "\n")


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize(("db_url", "mode"), VARIANTS, indirect=["db_url"])
async def test_kills_lose_nothing_and_repeat_only_what_was_in_flight(db_url, tmp_path, mode, seed):
    rng = random.Random(seed)
    orders = plan(seed, PER_CREATOR)
    emulator = TelegramEmulator(TOKEN, bot_username="crm_bot")
    engine = observer_engine(db_url)
    server = EmulatorServer(emulator, webhook_attempts=100_000, webhook_max_backoff=0.2)
    async with server:
        started = time.monotonic()
        people = await _setup(server, db_url, tmp_path)
        set_up, first_update = time.monotonic(), emulator.state.next_update_id
        tally = Tally()
        for person in people.values():
            person.tally = tally
        before = Counter({p.chat: len(p.driver.messages()) for p in people.values()})
        spawn = _spawn(db_url, server, tmp_path, mode == "webhook")
        deliveries = frozenset(RENDERERS)
        answers = lambda update_id: tally.may_repeat(update_id, emulator.state)  # noqa: E731
        chaos = Chaos(emulator, spawn, engine, deliveries, mode == "webhook", answers)
        points = schedule(rng, mode == "webhook", planned_actions(orders))
        owner = people["Ольга"].chat
        try:
            await chaos.start()
            finished = asyncio.Event()
            killing = asyncio.create_task(
                _kill_points(chaos, tally, finished, points, lambda: _make_due(engine, owner))
            )
            try:
                await _everyone_works(people, orders, tally)
            finally:
                finished.set()
                await killing
            worked = time.monotonic()
            drained = await chaos.drained()
        finally:
            await chaos.stop()
        owed = await messages_owed(engine, tally, people, before, chaos.kills)
        residue: Counter[str] = Counter()
        hooked = first_update if mode == "webhook" else None
        problems = await effects(engine, emulator, people, orders, hooked, residue)
    await engine.dispose()
    report = {
        "mode": mode,
        "database": engine.dialect.name,
        "seed": seed,
        "actions": tally.actions,
        "kills": [f"{k.kind}#{k.n} at {k.armed_at}: {k.seen}" for k in chaos.kills],
        "down_s": [round(k.down, 1) for k in chaos.kills],
        "outbox_at_kills": sum(k.held for k in chaos.kills),
        "may_repeat": sum(owed.allowed.values()),
        "unanswered": len(tally.unanswered),
        "setup_s": round(set_up - started, 1),
        "work_s": round(worked - set_up, 1),
        **owed.summary(),
        **residue,
    }
    _record(report)
    assert tally.unanswered == [], (tally.unanswered, _diagnosis(tmp_path, emulator))
    assert len(chaos.kills) >= 5, report
    assert drained, "the outbox, the inbox or the delivery jobs never emptied"
    assert problems == [], problems
    assert owed.lost == {} and owed.beyond == {}, owed.details()
