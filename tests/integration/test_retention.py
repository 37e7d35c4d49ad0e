"""The daily retention job on both databases, driven by an injected clock: at each limit it
removes what is older and nothing newer (technical logs 1 year, voice notes 3 years, finished
orders 7 years, an organization's own shorter limit for its business data)."""

from datetime import timedelta

import pytest
from sqlalchemy import func, insert, select

from core.orders.rules import OrderAction
from core.privacy.erasure import RETENTION_JOB
from core.privacy.retention import next_daily_run
from storage.tables import (
    AdminSessionRow,
    AuditEventRow,
    JobRow,
    ProcessedUpdateRow,
    SignInLinkRow,
    UpdateInboxRow,
    VoiceNoteRow,
)
from tests.privacy_support import open_world, seed_client
from tests.support import owner_with_org


@pytest.fixture
async def w(db_url, clock, tmp_path):
    async with open_world(db_url, clock, tmp_path / "files") as opened:
        yield opened


async def _count(w, row) -> int:
    async with w.uow() as uow:
        return int((await uow._session.execute(select(func.count()).select_from(row))).scalar())


async def _finish(w, owner, order_id):
    services = w.services
    await services.orders.act(owner, order_id, OrderAction.ASSIGN, assignee_id=owner.user.id)
    await services.orders.act(owner, order_id, OrderAction.START)
    await services.orders.act(owner, order_id, OrderAction.DONE)


async def _seed(w, clock):
    """Two organizations; the second keeps business data for one year only."""
    keeps = await owner_with_org(w.services, "Хранит всё")
    kept = await seed_client(w, keeps, clock, tag="Долгая", phone="+79161112233")
    await _finish(w, keeps, kept.order.id)
    short = await owner_with_org(w.services, "Хранит год")
    await w.services.privacy.set_retention(short, 365)
    brief = await seed_client(w, short, clock, tag="Краткая", phone="+79164445566")
    await _finish(w, short, brief.order.id)
    await w.services.clients.card(keeps, kept.client.id)  # an audit entry
    async with w.uow() as uow:
        await uow.updates.claim(1, clock.now())
        await uow.commit()
    return keeps, kept, brief


async def test_each_limit_removes_what_is_older_and_nothing_newer(w, clock):
    start = clock.now()
    keeps, kept, brief = await _seed(w, clock)
    assert await w.run_jobs() == 2  # the photos' upload jobs: done, a year later deleted
    clock.set(start + timedelta(days=364))
    report = await w.services.erasure.enforce()
    assert report.removed == {}
    assert await _count(w, ProcessedUpdateRow) == 1 and await _count(w, AuditEventRow) > 0

    clock.set(start + timedelta(days=366))
    await w.services.clients.card(keeps, kept.client.id)  # newer: must stay
    report = await w.services.erasure.enforce()
    assert report.removed["technical"] >= 4 and report.removed["business"] >= 2
    assert await _count(w, ProcessedUpdateRow) == 0
    # finished jobs are gone; what is left is work still to do, never removed by age (here:
    # the two Dones' invoice jobs, which this world does not run)
    async with w.uow() as uow:
        left = (await uow._session.execute(select(JobRow.kind, JobRow.status))).all()
    assert sorted(left) == [("invoice_send", "pending")] * 2
    assert await _count(w, AuditEventRow) == 1
    assert await w.scan(brief.values) == []  # the one-year organization's client is erased
    assert await w.keys(f"org/{brief.order.organization_id}/") == []
    assert set(await w.scan(kept.values)) >= {"client.name", "voice_note.transcript"}

    clock.set(start.replace(year=start.year + 3) + timedelta(days=1))
    report = await w.services.erasure.enforce()
    assert report.removed.get("communication") == 1
    assert await _count(w, VoiceNoteRow) == 0
    assert "client.name" in await w.scan(kept.values)
    assert (await w.services.orders.card(keeps, kept.order.id)).order.address is not None

    clock.set(start.replace(year=start.year + 7) + timedelta(days=1))
    report = await w.services.erasure.enforce()
    assert report.removed.get("financial", 0) >= 2  # the order and its file
    assert await w.keys(f"org/{kept.order.organization_id}/") == []
    assert "client.name" in await w.scan(kept.values)  # clients stay until deleted


async def test_the_retention_job_runs_daily(w, clock):
    await w.services.erasure.schedule_retention()
    await w.services.erasure.schedule_retention()  # asked twice, queued once
    async with w.uow() as uow:
        runs = (await uow._session.execute(select(JobRow.run_at))).scalars().all()
    assert runs == [next_daily_run(clock.now())]
    clock.set(runs[0])
    assert await w.run_jobs() == 1
    async with w.uow() as uow:
        pending = (JobRow.kind == RETENTION_JOB) & (JobRow.status == "pending")
        stmt = select(JobRow.run_at).where(pending)
        assert (await uow._session.execute(stmt)).scalars().all() == [runs[0] + timedelta(days=1)]


async def test_only_offered_business_limits_are_accepted(w):
    owner = await owner_with_org(w.services)
    with pytest.raises(Exception) as refused:
        await w.services.privacy.set_retention(owner, 17)
    assert getattr(refused.value, "code", None) == "retention_choice"
    assert await w.services.privacy.set_retention(owner, None) is None
    summary = await w.services.privacy.summary(owner)
    assert summary.retention_days is None and summary.is_owner


async def test_web_sign_ins_go_a_year_after_they_ended(w, clock):
    """A spent sign-in link and an ended session (with the browser and address it was
    opened from) are technical records: kept a year after they ended, then removed."""
    start = clock.now()
    owner = await owner_with_org(w.services)
    issued = await w.services.admin.issue_link(owner)
    await w.services.admin.sign_in(issued.url.rsplit("/", 1)[-1])  # lives 12 hours
    clock.set(start + timedelta(days=30))
    await w.services.admin.issue_link(owner)  # never used; expires in minutes
    assert await _count(w, AdminSessionRow) == 1 and await _count(w, SignInLinkRow) == 2
    clock.set(start + timedelta(days=365))  # the session ended less than a year ago
    await w.services.erasure.enforce()
    assert await _count(w, AdminSessionRow) == 1 and await _count(w, SignInLinkRow) == 2
    clock.set(start + timedelta(days=366))
    await w.services.erasure.enforce()
    assert await _count(w, AdminSessionRow) == 0 and await _count(w, SignInLinkRow) == 1
    clock.set(start + timedelta(days=30 + 366))
    await w.services.erasure.enforce()
    assert await _count(w, SignInLinkRow) == 0


async def test_copies_of_applied_updates_left_in_the_inbox_go_daily(w, clock):
    """A process killed within a second of applying an update leaves its inbox copy (the
    ledger drops copies in batches); a poller sweeps them when it starts, and the daily job
    does wherever none starts (webhook mode). An update not applied yet stays."""
    now = clock.now()
    async with w.uow() as uow:
        await uow._session.execute(
            insert(UpdateInboxRow),
            [
                {"update_id": 7001, "payload": {"update_id": 7001}, "received_at": now},
                {"update_id": 7002, "payload": {"update_id": 7002}, "received_at": now},
            ],
        )
        await uow._session.execute(
            insert(ProcessedUpdateRow), [{"update_id": 7001, "processed_at": now}]
        )
        await uow.commit()
    report = await w.services.erasure.enforce()
    assert report.removed == {"technical": 1}
    async with w.uow() as uow:
        left = (await uow._session.execute(select(UpdateInboxRow.update_id))).scalars().all()
    assert left == [7002]
