"""Issue 19, item 5 on the client page `/c/<token>`: the free times of the assignee listed as a
form, a move to one of them (a reschedule event by the client, the staff's notice with the old
and new time queued in the same transaction), a time that is not free refused, and the page's
cancellation now telling the manager. SQLite and PostgreSQL, frozen clock (Monday 2 March
2026, 12:00 in Moscow)."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from core.client_loop.answers import minutes
from core.client_loop.notices import NOTICE_JOB
from core.orders.rules import OrderAction
from storage.tables import JobRow
from tests.admin.test_client_page import EN, RU, _form
from tests.admin.test_client_page import world as page_world

world = page_world  # the page tests' order, client and token

TIMES = re.compile(r'name="to" value="(\d+)"')


async def _notices(container) -> list[dict]:
    async with container.engine.connect() as connection:
        stmt = select(JobRow.__table__.c.payload).where(JobRow.__table__.c.kind == NOTICE_JOB)
        return [row[0] for row in (await connection.execute(stmt)).all()]


async def test_the_page_lists_free_times_and_moves_the_visit(client, world, container):
    page = await client.get(f"/c/{world.token}", headers=RU)
    assert page.status_code == 200 and "Перенести визит" in page.text
    offered = [int(m) for m in TIMES.findall(page.text)]
    first = datetime.fromtimestamp(offered[0] * 60, UTC)
    assert first == datetime(2026, 3, 2, 11, 0, tzinfo=UTC)  # Monday 14:00 Moscow: 2 h ahead
    visit = (await world.order_now()).scheduled_at
    assert minutes(visit) not in offered  # its own time
    assert all(
        abs(datetime.fromtimestamp(m * 60, UTC) - visit) >= timedelta(hours=1) for m in offered
    )
    nonce = await _form(client, world.token)
    url = f"/c/{world.token}/move"
    busy = minutes(visit + timedelta(minutes=30))  # not on the list: the assignee is busy then
    refused = await client.post(url, data={"nonce": nonce, "to": str(busy)}, headers=RU)
    assert refused.status_code == 409 and "только что заняли" in refused.text
    assert await _notices(container) == []
    done = await client.post(url, data={"nonce": nonce, "to": str(offered[0])}, headers=RU)
    assert done.status_code == 303 and done.headers["location"].endswith("?moved=1")
    order = await world.order_now()
    assert order.scheduled_at == first
    (event,) = [e for e in await world.events() if e.kind == "reschedule"]
    assert event.actor_id is None and event.data["by"] == "client"
    assert event.data["from"] == visit.isoformat() and event.data["to"] == first.isoformat()
    (notice,) = await _notices(container)
    assert notice["what"] == "moved" and notice["from"] == visit.isoformat()
    shown = await client.get(done.headers["location"], headers=EN)
    assert "your visit is moved" in shown.text


async def test_a_page_cancellation_tells_the_manager(client, world, container):
    nonce = await _form(client, world.token, EN)
    url = f"/c/{world.token}/cancel"
    done = await client.post(url, data={"nonce": nonce, "reason": "Уезжаю"}, headers=EN)
    assert done.status_code == 303
    (notice,) = await _notices(container)
    assert notice["what"] == "cancelled" and notice["reason"] == "Уезжаю"
    found = await world.services.client_answers.staff_notice(world.org_id, world.order.id)
    names = {p.id for p in found.people}
    assert names == {world.owner.user.id, world.worker.user.id}  # the manager and the assignee
    page = await client.get(f"/c/{world.token}", headers=EN)
    assert "Move the visit" not in page.text  # a cancelled visit does not move


async def test_a_started_order_offers_no_times(client, world):
    await world.services.orders.act(world.worker, world.order.id, OrderAction.START)
    page = await client.get(f"/c/{world.token}", headers=EN)
    assert page.status_code == 200 and "Move the visit" not in page.text
