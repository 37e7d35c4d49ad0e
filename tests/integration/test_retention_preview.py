"""What an owner is told before choosing a business-data limit, on both databases: the
clients and finished orders the next daily run would erase, which is what it then erases;
the audit log keeps the limit's old and new value."""

from datetime import timedelta

import pytest

from core.orders.rules import OrderAction
from core.privacy.retention import next_daily_run
from tests.privacy_support import open_world, seed_client
from tests.support import owner_with_org


@pytest.fixture
async def w(db_url, clock, tmp_path):
    async with open_world(db_url, clock, tmp_path / "files") as opened:
        yield opened


async def test_the_preview_counts_what_the_next_run_erases(w, clock):
    s = w.services
    owner = await owner_with_org(s)
    seeded = await seed_client(w, owner, clock)
    order_id = seeded.order.id
    await s.orders.act(owner, order_id, OrderAction.ASSIGN, assignee_id=owner.user.id)
    await s.orders.act(owner, order_id, OrderAction.START)
    await s.orders.act(owner, order_id, OrderAction.DONE)
    assert await s.privacy.retention_preview(owner, None) is None  # keeping erases nothing
    clock.advance(days=200)
    year = await s.privacy.retention_preview(owner, 365)
    half = await s.privacy.retention_preview(owner, 180)
    assert (year.clients, year.orders) == (0, 0)
    assert (half.clients, half.orders) == (1, 1)
    assert half.runs_at == next_daily_run(clock.now())
    assert half.cutoff == half.runs_at - timedelta(days=180)

    await s.privacy.set_retention(owner, 180)
    clock.set(half.runs_at)
    report = await s.erasure.enforce()
    assert report.removed.get("business") == half.clients + half.orders
    await s.privacy.set_retention(owner, None)
    changes = [e.data for e in (await s.audit.page(owner)).items if e.action == "setting.changed"]
    assert changes == [
        {"name": "retention", "old": 180, "new": None},
        {"name": "retention", "old": None, "new": 180},
    ]
