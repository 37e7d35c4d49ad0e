"""Notices of a material change of the privacy policy (issue 25, item 2), on both databases:
every active person (owners, workers, clients linked in Telegram) gets exactly one, in their
language, even when two processes publish it and two job runners on the same database
deliver; quiet hours hold a person's notice until they end; a version with less than 30
days' notice is refused."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, time, timedelta

import pytest
from sqlalchemy import func, select, update
from telegram import Bot

from core.clock import FixedClock
from core.domain import Role
from core.errors import DomainError
from core.notifications.rules import Preferences
from core.privacy.policy_service import ANNOUNCE_JOB, NOTICE_JOB
from core.runtime.jobs import JobRunner
from handlers.client_loop.client_bot import SharedOnly
from handlers.i18n import Catalogs
from handlers.privacy.policy import policy_jobs
from sandbox.emulator import EmulatorServer, TelegramEmulator
from storage.db import create_engine, session_factory
from storage.runtime.jobs import SqlJobQueue
from storage.tables import ClientLinkRow
from storage.tables_policy import PolicyNoticeRow
from storage.uow import SqlUnitOfWork
from tests.policy_support import (
    HASTY,
    NEXT,
    SMALL,
    SUMMARY_EN,
    SUMMARY_RU,
    policy_services,
    versions_dir,
)
from tests.support import onboard, owner_with_org, profile

TOKEN = "123456:TEST-TOKEN"
URL = "https://example.com/privacy"
KINDS = [ANNOUNCE_JOB, NOTICE_JOB]


@pytest.fixture
async def server():
    async with EmulatorServer(TelegramEmulator(TOKEN)) as running:
        yield running


class Process:
    """One "process": its own engine, services, bot and job runner on the shared database."""

    def __init__(self, db_url: str, clock, versions, server, name: str) -> None:
        self.engine = create_engine(db_url)
        sessions = session_factory(self.engine)
        self.uow = lambda: SqlUnitOfWork(sessions, clock)
        self.services = policy_services(self.uow, clock, versions)
        self.bot = Bot(TOKEN, base_url=server.api_base_url, base_file_url=server.file_base_url)
        self.handlers = {
            ANNOUNCE_JOB: self.services.policy.announce,
            **policy_jobs(SharedOnly(self.bot), self.services, Catalogs(), URL),
        }
        self.runner = JobRunner(SqlJobQueue(sessions), self.handlers, clock, name)

    async def drain(self) -> int:
        done = 0
        while await self.runner.run_once():
            done += 1
        return done

    async def close(self) -> None:
        await self.bot.shutdown()
        await self.engine.dispose()


@pytest.fixture
async def processes(db_url, clock, server):
    versions = versions_dir()
    pair = [Process(db_url, clock, versions, server, f"p{i}") for i in range(2)]
    for p in pair:
        await p.bot.initialize()
    yield pair
    for p in pair:
        await p.close()


async def _team(services, server):
    """An owner (Russian), a worker (English) and a client linked in Telegram (English)."""
    owner = await owner_with_org(services)
    issued = await services.invites.create(owner, Role.WORKER, uses=1, days=1)
    worker = await onboard(services, profile("Ivan", "en"), language="en")
    await services.invites.accept(worker, issued.token)
    client_person = await services.users.identify(profile("Klara", "en"))
    client = await services.clients.create(owner, "Клара", "+79161234567")
    return owner, worker, client_person, client


async def _link(uow_factory, clock, org_id: int, client_id: int, user_id: int) -> None:
    async with uow_factory() as uow:
        await uow.client_loop.save_link(org_id, client_id, user_id, clock.now())
        await uow.session.execute(
            update(ClientLinkRow)
            .where(ClientLinkRow.user_id == user_id)
            .values(transactional_at=clock.now())
        )
        await uow.commit()


def _chats(server, *actors):
    return [server.emulator.user(a.user.telegram_id, a.user.first_name) for a in actors]


async def _notices(uow_factory) -> int:
    async with uow_factory() as uow:
        found = await uow.session.execute(select(func.count()).select_from(PolicyNoticeRow))
        return int(found.scalar_one())


async def test_every_person_is_told_once_across_two_processes(
    processes, server, clock, uow_factory
):
    first, second = processes
    owner, worker, klara, client = await _team(first.services, server)
    assert owner.organization is not None
    await _link(first.uow, clock, owner.organization.id, client.id, klara.user.id)
    olga, ivan, klara_chat = _chats(server, owner, worker, klara)

    published = await asyncio.gather(
        first.services.policy.publish(NEXT), second.services.policy.publish(NEXT)
    )
    assert sorted(p.new for p in published) == [False, True]  # one publication, one announcement
    again = await second.services.policy.publish(NEXT)
    assert not again.new
    async with first.uow() as uow:  # a retried announcement (as after a crash) adds nothing
        await uow.jobs.enqueue(ANNOUNCE_JOB, {"version": NEXT}, clock.now(), None, "retry")
        await uow.commit()
    await asyncio.gather(first.drain(), second.drain())
    await asyncio.gather(first.drain(), second.drain())

    assert await _notices(uow_factory) == 3
    for chat in (olga, ivan, klara_chat):
        assert len(chat.messages()) == 1, [m.text for m in chat.messages()]
    ru, en, en_client = (c.messages()[0].text for c in (olga, ivan, klara_chat))
    assert "Наша политика конфиденциальности меняется" in ru and SUMMARY_RU in ru, ru
    assert "15 апреля 2026" in ru and "/mydata" in ru and "/deleteme" in ru
    assert "Our privacy policy is changing" in en and SUMMARY_EN in en, en
    assert "15 April 2026" in en and "/mydata" in en
    assert SUMMARY_EN in en_client and "/mydata" not in en_client  # no staff commands
    assert URL in en_client

    restarted = JobRunner(SqlJobQueue(session_factory(first.engine)), first.handlers, clock, "p2")
    assert not await restarted.run_once()  # nothing left to send after a restart
    assert all(len(c.messages()) == 1 for c in (olga, ivan, klara_chat))


async def test_quiet_hours_hold_a_notice_until_they_end(processes, server, clock, uow_factory):
    clock.set(datetime(2026, 3, 2, 20, 0, tzinfo=UTC))  # 23:00 in Moscow
    first, _ = processes
    owner, worker, _, _ = await _team(first.services, server)
    async with first.uow() as uow:
        quiet = Preferences(quiet_start=time(22), quiet_end=time(8))
        await uow.notifications.save_preferences(worker.user.id, quiet, clock.now())
        await uow.commit()
    olga, ivan = _chats(server, owner, worker)
    await first.services.policy.publish(NEXT)
    await first.drain()
    assert len(olga.messages()) == 1 and ivan.messages() == []
    clock.set(datetime(2026, 3, 3, 4, 59, tzinfo=UTC))  # 07:59 in Moscow
    await first.drain()
    assert ivan.messages() == []
    clock.set(datetime(2026, 3, 3, 5, 0, tzinfo=UTC))  # 08:00: the quiet hours are over
    await first.drain()
    assert len(ivan.messages()) == 1 and len(olga.messages()) == 1
    effective = datetime(2026, 4, 15, tzinfo=UTC)
    assert effective - clock.now() >= timedelta(days=30)  # still 30 days' notice


async def test_short_notice_is_refused_and_a_minor_version_tells_nobody(
    processes, server, clock, uow_factory
):
    first, _ = processes
    owner, *_ = await _team(first.services, server)
    (olga,) = _chats(server, owner)
    with pytest.raises(DomainError) as refused:
        await first.services.policy.publish(HASTY)
    assert refused.value.code == "policy_notice_too_short"
    assert refused.value.params == {"days": 31}
    with pytest.raises(DomainError) as unknown:
        await first.services.policy.publish("1999-01")
    assert unknown.value.code == "policy_unknown"
    assert (await first.services.policy.publish(SMALL)).new
    await first.drain()
    assert olga.messages() == [] and await _notices(uow_factory) == 0
    status = await first.services.policy.status()
    assert status.in_force.version == "2025-01"
    assert status.upcoming is not None and status.upcoming.version == SMALL
    assert isinstance(clock, FixedClock)
    clock.set(datetime(2026, 3, 10, tzinfo=UTC))
    status = await first.services.policy.status()
    assert status.in_force.version == SMALL and status.upcoming is None
