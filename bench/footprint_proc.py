"""The bot as a separate process for the footprint benchmark, and its resident memory.

`astracrm run` gets the emulator's URLs and a scratch database through the environment (as
tests/e2e/test_process.py starts it); memory is read from /proc/<pid>/status (VmRSS and the
high-water mark VmHWM) and summed over the process and any children it starts.
"""

from __future__ import annotations

import asyncio
import os
import shutil
import signal
import statistics
import sys
from pathlib import Path

from bot.admin.server import free_port
from sandbox.emulator import EmulatorServer

TOKEN = "424242:FOOTPRINT-bench-token-abcdef"
SAMPLE_S = 0.05


class BotProcess:
    """`astracrm run` against the emulator, with its own files folder and admin port."""

    def __init__(self, url: str, server: EmulatorServer, folder: Path) -> None:
        self.admin_port = free_port("127.0.0.1")
        keep = {k: v for k, v in os.environ.items() if not k.startswith(_NOT_INHERITED)}
        self.env = keep | {
            "DATABASE_URL": url,
            "TELEGRAM_BOT_TOKEN": TOKEN,
            "TELEGRAM_API_BASE_URL": server.api_base_url,
            "TELEGRAM_FILE_BASE_URL": server.file_base_url,
            "ADMIN_PORT": str(self.admin_port),
            "FILES_DIR": str(folder / "files"),
            "SANDBOX_DIR": str(folder / "sandbox"),
        }
        self.log = folder / "bot.log"
        self.process: asyncio.subprocess.Process | None = None

    async def start(self) -> None:
        script = Path(sys.executable).with_name("astracrm")
        command = [str(script)] if script.exists() else [sys.executable, "-c", _CLI]
        with self.log.open("wb") as log:
            self.process = await asyncio.create_subprocess_exec(
                *command, "run", env=self.env, stdout=log, stderr=log
            )

    @property
    def pid(self) -> int:
        assert self.process is not None
        return self.process.pid

    def check_alive(self) -> None:
        if self.process is not None and self.process.returncode is not None:
            tail = self.log.read_text(errors="replace")[-3000:]
            raise RuntimeError(f"the bot exited with {self.process.returncode}:\n{tail}")

    def keep_log(self, folder: str, name: str) -> None:
        Path(folder).mkdir(parents=True, exist_ok=True)
        shutil.copy(self.log, Path(folder) / name)

    async def stop(self) -> int | None:
        if self.process is None:
            return None
        if self.process.returncode is None:
            self.process.send_signal(signal.SIGINT)
            try:
                await asyncio.wait_for(self.process.wait(), 30)
            except TimeoutError:
                self.process.kill()
                await self.process.wait()
        return self.process.returncode


_NOT_INHERITED = ("TELEGRAM_", "DATABASE_", "ADMIN_", "PUBLIC_BASE_URL", "WEBHOOK_")
_CLI = "from bot.cli import main; raise SystemExit(main())"


class Sampler:
    """VmRSS / VmHWM of the bot every SAMPLE_S seconds while running."""

    def __init__(self, pid: int) -> None:
        self.pid = pid
        self.samples: list[tuple[int, int]] = []
        self._task: asyncio.Task[None] | None = None

    async def _run(self) -> None:
        while True:
            self.samples.append(memory_kb(self.pid))
            await asyncio.sleep(SAMPLE_S)

    def __enter__(self) -> Sampler:
        self._task = asyncio.get_running_loop().create_task(self._run())
        return self

    def __exit__(self, *_exc: object) -> None:
        assert self._task is not None
        self._task.cancel()
        self.samples.append(memory_kb(self.pid))

    def summary(self) -> dict[str, float]:
        rss = [r for r, _ in self.samples]
        return {
            "rss_mb": _mb(rss[-1]),
            "rss_median_mb": _mb(statistics.median(rss)),
            "rss_peak_mb": _mb(max(rss)),
            "hwm_mb": _mb(max(h for _, h in self.samples)),
            "samples": len(rss),
        }


def _mb(kb: float) -> float:
    return round(kb / 1024, 1)


def memory_kb(pid: int) -> tuple[int, int]:
    """(VmRSS, VmHWM) of a process and all its descendants, in kB; (0, 0) once it is gone."""
    rss = hwm = 0
    for one in [pid, *_descendants(pid)]:
        try:
            status = Path(f"/proc/{one}/status").read_text()
        except OSError:
            continue
        for line in status.splitlines():
            if line.startswith("VmRSS:"):
                rss += int(line.split()[1])
            elif line.startswith("VmHWM:"):
                hwm += int(line.split()[1])
    return rss, hwm


def _descendants(pid: int) -> list[int]:
    found = []
    try:
        tasks = list(Path(f"/proc/{pid}/task").iterdir())
    except OSError:
        return found
    for task in tasks:
        try:
            children = [int(c) for c in (task / "children").read_text().split()]
        except OSError:
            continue
        for child in children:
            found += [child, *_descendants(child)]
    return found
