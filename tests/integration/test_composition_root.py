"""One composition root (bot/process.py): every role builds its process the same way, with one
sender, one set of job runners and one job registry that covers every job kind core enqueues."""

from __future__ import annotations

import ast
import importlib
import pkgutil
from pathlib import Path

import pytest

import core
from bot.container import build_container
from bot.jobs import job_registry
from bot.process import BotApi, Role, build_process
from bot.settings import Settings
from bot.telegram_bot import TolerantBot, build_bot
from core.notifications.rules import (
    DIGEST_JOB,
    OVERDUE_JOB,
    PLAN_JOB,
    PLAN_UPDATE_JOB,
    REMINDER_JOB,
    UNTAKEN_JOB,
)
from core.privacy.policy_service import NOTICE_JOB as POLICY_NOTICE_JOB

ROOT = Path(__file__).resolve().parents[2]
TOKEN = "1:ROOT-TEST-TOKEN-abcdefghijklmnopqrstuvwxyz"
# Scheduled messages, and the privacy policy's notices (the same lane: behind replies)
SCHEDULED = {DIGEST_JOB, PLAN_JOB, PLAN_UPDATE_JOB, REMINDER_JOB, OVERDUE_JOB, UNTAKEN_JOB}
SCHEDULED.add(POLICY_NOTICE_JOB)
WIRING = [
    "bot/process.py",
    "bot/container.py",
    "bot/jobs.py",
    "bot/background.py",
    "bot/runner.py",
    "bot/worker.py",
    "bot/local.py",
    "bot/sandbox.py",
    "bot/cli.py",
    "bot/demo.py",
    "bot/scheduler.py",
    "bot/telephony.py",
    "bot/pbx.py",
    "bot/admin/context.py",
    "bot/admin/app.py",
    "bot/admin/server.py",
]


def _settings(tmp_path: Path) -> Settings:
    return Settings(  # type: ignore[call-arg]
        _env_file=None,
        telegram_bot_token=None,
        database_url=f"sqlite:///{tmp_path / 'crm.db'}",
        files_dir=tmp_path / "files",
    )


def core_job_kinds() -> set[str]:
    """Every `..._JOB` constant of every core module: the kinds core enqueues."""
    kinds: set[str] = set()
    for module in pkgutil.walk_packages(core.__path__, "core."):
        loaded = importlib.import_module(module.name)
        kinds |= {
            value
            for name, value in vars(loaded).items()
            if name.endswith("_JOB") and isinstance(value, str)
        }
    return kinds


async def test_the_registry_has_a_handler_for_every_job_kind_core_enqueues(tmp_path):
    settings = _settings(tmp_path)
    container = build_container(settings)
    try:
        registry = job_registry(container, build_bot(settings, TOKEN, 8))
        kinds = core_job_kinds()
        assert len(kinds) >= 20, kinds  # the walk found the constants
        assert set(registry.handlers) == kinds
        assert registry.deliveries == SCHEDULED
        assert set(registry.lane(deliveries=True)) == SCHEDULED
        assert set(registry.lane(deliveries=False)) == kinds - SCHEDULED
    finally:
        await container.close()


@pytest.mark.parametrize("role", list(Role))
async def test_every_role_runs_every_job_kind_with_one_bot(tmp_path, role):
    settings = _settings(tmp_path)
    process = build_process(settings, role, BotApi(TOKEN))
    try:
        *others, delivery = process.background.runners
        kinds = set(core_job_kinds())
        assert set(delivery.kinds) == SCHEDULED and delivery.concurrency > 1
        assert all(set(runner.kinds) == kinds - SCHEDULED for runner in others)
        assert isinstance(process.bot, TolerantBot)
        if role is Role.WORKER:
            assert process.app is None
        else:
            assert process.app is not None
            assert process.app.bot is process.bot  # one sender, one rate limiter
            assert process.app.bot_data.background is process.background
            assert (process.app.updater is not None) is (role is Role.POLLING)
    finally:
        await process.container.close()


@pytest.mark.parametrize("role", [Role.POLLING, Role.WEBHOOK])
async def test_admin_port_zero_is_picked_before_links_are_made(tmp_path, role):
    """ADMIN_PORT=0 (any free port): the /admin link and the bank's NotificationURL name the
    port the admin endpoint binds, not 0."""
    settings = _settings(tmp_path).model_copy(update={"admin_port": 0})
    process = build_process(settings, role, BotApi(TOKEN))
    try:
        port = process.container.settings.admin_port
        assert port is not None and port > 0
        assert process.container.services.admin.public_url == f"http://127.0.0.1:{port}"
    finally:
        await process.container.close()
    worker = build_process(settings, Role.WORKER, BotApi(TOKEN))  # serves no admin endpoint
    await worker.container.close()
    assert worker.container.settings.admin_port == 0


def test_a_bot_process_needs_a_token(tmp_path):
    with pytest.raises(ValueError, match="TELEGRAM_BOT_TOKEN"):
        build_process(_settings(tmp_path), Role.WORKER)


@pytest.mark.parametrize("path", WIRING)
def test_the_wiring_is_typed_without_any(path):
    tree = ast.parse((ROOT / path).read_text(encoding="utf-8"))
    names = {node.id for node in ast.walk(tree) if isinstance(node, ast.Name)}
    attributes = {node.attr for node in ast.walk(tree) if isinstance(node, ast.Attribute)}
    assert "Any" not in names | attributes, f"{path} wires something as Any"
