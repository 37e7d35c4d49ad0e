"""End-to-end fixtures: the real bot over HTTP against the Telegram emulator."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from typing import Any

import pytest

from bot.local import LocalBot
from bot.settings import Settings
from core.clock import RunningClock
from integrations.entities import shared_natasha
from tests.admin.support import ENCRYPTION_KEY

# Every end-to-end bot lives at this moment (then runs at real speed), whatever the machine's
# clock says: a Wednesday, 09:30 in Moscow, far from midnight, digest hours and DST changes.
E2E_START = datetime(2026, 3, 4, 6, 30, tzinfo=UTC)


def e2e_clock(start: datetime = E2E_START) -> RunningClock:
    return RunningClock(start)


class _LocalBot(LocalBot):
    async def start(self) -> None:
        # With a model configured the container loads natasha in the background (1-3 s on a
        # busy machine); a test's first message would wait for it past its reply timeout.
        # Loaded first here: once per process, shared with the container's finder.
        if self.settings.openrouter_api_key or self.settings.yandex_cloud_folder_id:
            await asyncio.to_thread(shared_natasha)
        await super().start()


def local_bot(settings: Settings, **options: Any) -> LocalBot:
    """The real bot against the emulator, on the end-to-end clock unless one is given."""
    options.setdefault("clock", e2e_clock())
    return _LocalBot(settings, **options)


def make_settings(db_url: str, tmp_path) -> Settings:
    return Settings(  # type: ignore[call-arg]
        _env_file=None,
        telegram_bot_token=None,
        database_url=db_url,
        files_dir=tmp_path / "files",
        privacy_policy_url="https://example.com/privacy",
        concurrent_updates=4,
        scheduler_seconds=3600,  # scenarios tick the scheduler themselves, at their own clock
    )


def admin_settings(db_url: str, tmp_path, **extra: Any) -> Settings:
    """The bot with its admin app on a free port (client pages, the bank's notifications) and
    keys for sessions and stored credentials; `extra`: peers' addresses and the like."""
    return Settings(  # type: ignore[call-arg]
        _env_file=None,
        telegram_bot_token=None,
        database_url=db_url,
        files_dir=tmp_path / "files",
        concurrent_updates=4,
        scheduler_seconds=3600,
        admin_port=0,
        secret_key="e2e-secret",
        encryption_key=ENCRYPTION_KEY,
        **extra,
    )


@pytest.fixture
async def crm(db_url, tmp_path):
    local = local_bot(make_settings(db_url, tmp_path))
    await local.start()
    yield local
    await local.stop()


@pytest.fixture
async def admin_crm(db_url, tmp_path):
    """The bot with its admin app on a free port (client pages), its clock at `.clock`."""
    clock = e2e_clock()
    local = local_bot(admin_settings(db_url, tmp_path), clock=clock)
    local.clock = clock  # type: ignore[attr-defined]
    await local.start()
    try:
        yield local
    finally:
        await local.stop()
