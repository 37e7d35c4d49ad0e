"""End-to-end fixtures: the real bot over HTTP against the Telegram emulator."""

from __future__ import annotations

import pytest

from bot.local import LocalBot
from bot.settings import Settings


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


@pytest.fixture
async def crm(db_url, tmp_path):
    local = LocalBot(make_settings(db_url, tmp_path))
    await local.start()
    yield local
    await local.stop()
