"""Real `astracrm` processes for end-to-end tests: started with an environment, logging to a
file, killed or stopped at the end."""

from __future__ import annotations

import asyncio
import os
import signal
from pathlib import Path

import httpx

from bench.travel import python_c

ASTRACRM = python_c("from bot.cli import main; raise SystemExit(main())")
# The same command, its imports done first, waiting for a line on stdin: a standby that starts
# serving when told (a restart then costs the start-up, not two seconds of imports).
HELD = python_c(
    "import sys; import bot.cli, bot.process, bot.runner, bot.logs, storage.migrate; "
    "print('held', flush=True); sys.stdin.readline(); raise SystemExit(bot.cli.main())"
)
LEADER_LINE = "this process now runs the scheduler"


class Process:
    def __init__(self, name: str, args: list[str], env: dict[str, str], log: Path) -> None:
        self.name, self.args, self.env, self.log = name, args, env, log
        self.process: asyncio.subprocess.Process | None = None
        self.port = int(env.get("ADMIN_PORT", "0"))

    async def start(self, *, held: bool = False) -> None:
        """Spawn it; `held`: it imports the product and waits for `go()`."""
        with self.log.open("wb") as out:
            self.process = await asyncio.create_subprocess_exec(
                *(HELD if held else ASTRACRM),
                *self.args,
                env=self.env,
                stdout=out,
                stderr=out,
                stdin=asyncio.subprocess.PIPE if held else None,
            )

    async def held(self, timeout: float = 60) -> None:  # noqa: ASYNC109
        """Until a held process has done its imports and waits for `go()`."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while not self.text().startswith("held\n"):
            assert self.alive, f"{self.name} exited:\n{self.text()[-3000:]}"
            assert loop.time() < deadline, f"{self.name} not held in {timeout} s"
            await asyncio.sleep(0.05)

    def go(self) -> None:
        """Let a held process start (see `start`)."""
        assert self.process is not None and self.process.stdin is not None
        self.process.stdin.write(b"go\n")

    @property
    def pid(self) -> int:
        assert self.process is not None
        return self.process.pid

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def text(self) -> str:
        return self.log.read_text(errors="replace")

    @property
    def leads(self) -> bool:
        return self.alive and LEADER_LINE in self.text()

    @property
    def alive(self) -> bool:
        return self.process is not None and self.process.returncode is None

    async def ready(self, timeout: float = 60) -> None:  # noqa: ASYNC109
        """Until GET /ready answers 200 (the database answers and the bot runs)."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        async with httpx.AsyncClient(timeout=2) as client:
            while loop.time() < deadline:
                assert self.alive, f"{self.name} exited:\n{self.text()[-3000:]}"
                try:
                    if (await client.get(f"{self.url}/ready")).status_code == 200:
                        return
                except httpx.TransportError:
                    pass
                await asyncio.sleep(0.2)
        raise AssertionError(f"{self.name} not ready in {timeout} s:\n{self.text()[-3000:]}")

    async def kill(self) -> None:
        """SIGKILL: no clean shutdown, its database sessions (and locks) just drop."""
        assert self.process is not None
        if self.process.returncode is None:
            self.process.kill()
        await self.process.wait()

    async def stop(self) -> None:
        if self.process is None or self.process.returncode is not None:
            return
        self.process.send_signal(signal.SIGTERM)
        try:
            await asyncio.wait_for(self.process.wait(), 20)
        except TimeoutError:
            self.process.kill()
            await self.process.wait()


def base_env(**values: str) -> dict[str, str]:
    """This environment without our own settings, plus `values`."""
    prefixes = ("TELEGRAM_", "DATABASE_", "ADMIN_", "PUBLIC_", "WEBHOOK_", "SCHEDULER_", "JOB_")
    env = {k: v for k, v in os.environ.items() if not k.startswith(prefixes)}
    env.update(PTB_TIMEDELTA="true", LOG_LEVEL="INFO", **values)
    return env
