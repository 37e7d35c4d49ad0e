"""The world of the recovery benchmark (bench/recovery.py): real `astracrm run --webhook`
processes against the emulator, and the work one of them holds when it is killed.

A process can be started "held": it imports the product and waits for a line on stdin, so a
restart is timed from the moment it is let go, not from the interpreter's imports (two
seconds that no deployment pays twice: a supervisor restarts the same way each time). The work
is written before the first process starts: `jobs` scheduled-message jobs (reminders) and
`boxed` outbox messages, each to a chat of its own whose sends the emulator holds, so the
process claims and takes them all and then waits on Telegram, holding them, when it dies.
"""

from __future__ import annotations

import asyncio
import os
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import insert

from bench.travel import python_c
from bot.admin.server import free_port
from sandbox.emulator import EmulatorServer, Seen, TelegramEmulator
from storage.db import create_engine
from storage.tables import JobRow, OutboxRow

TOKEN = "424243:RECOVERY-bench-token-abcdef"
SECRET = "recovery-bench-secret"
HELD = (
    "import sys; import bot.cli, bot.process, bot.runner, bot.logs, storage.migrate; "
    "print('held', flush=True); sys.stdin.readline(); raise SystemExit(bot.cli.main())"
)
FIRST_CHAT = 7_000_001
_NOT_INHERITED = ("TELEGRAM_", "DATABASE_", "ADMIN_", "PUBLIC_", "WEBHOOK_", "SCHEDULER_", "JOB_")


class Bot:
    """One `astracrm run --webhook` process on its own admin port."""

    def __init__(self, name: str, url: str, server: EmulatorServer, folder: Path) -> None:
        self.port = free_port("127.0.0.1")
        keep = {k: v for k, v in os.environ.items() if not k.startswith(_NOT_INHERITED)}
        self.env = keep | {
            "DATABASE_URL": url,
            "TELEGRAM_BOT_TOKEN": TOKEN,
            "TELEGRAM_API_BASE_URL": server.api_base_url,
            "TELEGRAM_FILE_BASE_URL": server.file_base_url,
            "ADMIN_PORT": str(self.port),
            "PUBLIC_BASE_URL": f"http://127.0.0.1:{self.port}",
            "WEBHOOK_SECRET": SECRET,
            "FILES_DIR": str(folder / "files"),
            "PTB_TIMEDELTA": "true",
        }
        self.log = folder / f"{name}.log"
        self.process: asyncio.subprocess.Process | None = None

    async def spawn(self) -> None:
        """Started held: imports done, it waits for `go()`."""
        with self.log.open("wb") as out:
            self.process = await asyncio.create_subprocess_exec(
                *python_c(HELD),
                "run",
                "--webhook",
                env=self.env,
                stdout=out,
                stderr=out,
                stdin=asyncio.subprocess.PIPE,
            )
        while not self.log.read_text(errors="replace").startswith("held\n"):
            self.check_alive()
            await asyncio.sleep(0.05)

    def go(self) -> None:
        assert self.process is not None and self.process.stdin is not None
        self.process.stdin.write(b"go\n")

    @property
    def pid(self) -> int:
        assert self.process is not None
        return self.process.pid

    def check_alive(self) -> None:
        if self.process is not None and self.process.returncode is not None:
            tail = self.log.read_text(errors="replace")[-3000:]
            raise RuntimeError(f"the bot exited with {self.process.returncode}:\n{tail}")

    async def ready(self, seconds: float = 60.0) -> None:
        """Until GET /ready answers 200, looking every 20 ms."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + seconds
        async with httpx.AsyncClient(timeout=2) as client:
            while loop.time() < deadline:
                self.check_alive()
                try:
                    answer = await client.get(f"http://127.0.0.1:{self.port}/ready")
                    if answer.status_code == 200:
                        return
                except httpx.TransportError:
                    pass
                await asyncio.sleep(0.02)
        raise RuntimeError(f"not ready in {seconds} s:\n{self.log.read_text()[-3000:]}")

    async def wait(self) -> None:
        if self.process is not None:
            await self.process.wait()

    async def stop(self) -> None:
        process = self.process
        if process is None or process.returncode is not None:
            return
        process.terminate()
        try:
            await asyncio.wait_for(process.wait(), 30)
        except TimeoutError:
            process.kill()
            await process.wait()


def work_rows(jobs: int, boxed: int, now: datetime) -> tuple[list[dict[str, Any]], list[Any]]:
    """Reminder jobs due now and free outbox messages, each to a chat of its own."""
    job_rows = []
    for k in range(jobs):
        item = {
            "order_id": k + 1,
            "organization_id": 1,
            "number": k + 1,
            "status": "assigned",
            "scheduled_at": (now + timedelta(minutes=20)).isoformat(),
        }
        payload = {"chat_id": FIRST_CHAT + k, "language": "en", "zone": "UTC", "item": item}
        job_rows.append(
            {
                "kind": "reminder",
                "payload": payload,
                "status": "pending",
                "attempts": 0,
                "max_attempts": 8,
                "run_at": now - timedelta(seconds=1),
                "created_at": now,
                "updated_at": now,
            }
        )
    box_rows = [
        {
            "chat_id": FIRST_CHAT + jobs + k,
            "lane": "interactive",
            "body": {"method": "send", "params": {"text": f"held {k}"}, "after": None},
            "attempts": 0,
            "created_at": now,
        }
        for k in range(boxed)
    ]
    return job_rows, box_rows


async def write_work(url: str, jobs: int, boxed: int) -> None:
    job_rows, box_rows = work_rows(jobs, boxed, datetime.now(UTC))
    engine = create_engine(url)
    try:
        async with engine.begin() as connection:
            await connection.execute(insert(JobRow.__table__), job_rows)
            await connection.execute(insert(OutboxRow.__table__), box_rows)
    finally:
        await engine.dispose()


class Telegram:
    """The emulator's side: the chats whose sends are held, and when each was sent again."""

    def __init__(self, emulator: TelegramEmulator, chats: list[int]) -> None:
        self.emulator = emulator
        self.chats = chats
        self.arrived: set[int] = set()
        self.sent_at: dict[int, float] = {}
        self._since: float | None = None
        for chat in chats:
            emulator.user(chat, f"U{chat}")
            emulator.hold_sends(chat)
        emulator.watch(self._seen)

    def _seen(self, seen: Seen) -> None:
        if seen.method != "sendMessage":
            return
        chat = int(seen.params.get("chat_id") or 0)
        if chat not in self.chats:
            return
        if not seen.answered:
            self.arrived.add(chat)
            self.emulator.state.notifier.notify()  # a held send changes nothing else
        elif self._since is not None and chat not in self.sent_at:
            self.sent_at[chat] = asyncio.get_running_loop().time()

    async def all_held(self, every: list[int], one_of: list[int], seconds: float = 60.0) -> None:
        """Until a send to each of `every` and to one of `one_of` waits on Telegram (the
        outbox sends a process took over one after another: the rest wait behind it)."""

        def held() -> bool:
            return self.arrived.issuperset(every) and bool(self.arrived.intersection(one_of))

        if not await self.emulator.state.notifier.wait_for(held, seconds):
            raise RuntimeError(f"{len(self.arrived)} of {len(self.chats)} sends held")

    def release(self, since: float) -> None:
        """The holder is dead: its waiting sends fail; whoever resumes sends at once."""
        self._since = since
        for chat in self.chats:
            self.emulator.drop_held(chat)

    async def resumed(self, chats: list[int], seconds: float) -> float | None:
        """Seconds from the kill until Telegram had all of `chats` again (None: not within
        `seconds`; 0: as things stand now, without waiting)."""
        if seconds > 0:
            await self.emulator.state.notifier.wait_for(
                lambda: all(c in self.sent_at for c in chats), seconds
            )
        if self._since is None or not all(c in self.sent_at for c in chats):
            return None
        return max(self.sent_at[c] for c in chats) - self._since


def new_emulator() -> TelegramEmulator:
    return TelegramEmulator(TOKEN, bot_username="recovery_bot")
