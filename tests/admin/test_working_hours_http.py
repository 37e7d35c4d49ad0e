"""Issue 19, item 5: the organization's working hours through the API (owners), validated,
audited, and used for the free times the client page offers. SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from core.domain import Role
from tests.admin.test_admin_http import CSRF
from tests.admin.test_client_page import RU
from tests.admin.test_client_page import world as page_world
from tests.admin.test_client_page_move import TIMES

world = page_world


async def _signed_in_as(client, services, owner):
    path = (await services.admin.issue_link(owner)).url.removeprefix("http://admin.test")
    assert (await client.post(path)).status_code == 303
    page = await client.get("/settings")
    return owner, CSRF.search(page.text).group(1)


async def test_owners_set_the_working_hours_and_the_page_follows(client, world):
    _, csrf = await _signed_in_as(client, world.services, world.owner)
    headers = {"X-CSRF-Token": csrf}
    default = await client.get("/api/settings/working-hours")
    assert default.status_code == 200
    assert default.json() == {"start": "09:00", "end": "18:00", "days": "123456"}
    for wrong in (
        {"start": "25:00", "end": "18:00", "days": "1"},
        {"start": "10:00", "end": "10:30", "days": "1"},
        {"start": "10:00", "end": "18:00", "days": "8"},
    ):
        refused = await client.put("/api/settings/working-hours", json=wrong, headers=headers)
        assert 400 <= refused.status_code < 500, wrong
    body = {"start": "15:00", "end": "17:00", "days": "1"}
    saved = await client.put("/api/settings/working-hours", json=body, headers=headers)
    assert saved.status_code == 200 and saved.json() == body
    hours = await world.services.client_answers.working_hours(world.owner)
    assert hours.day_digits == "1"
    page = await client.get(f"/c/{world.token}", headers=RU)
    offered = [datetime.fromtimestamp(int(m) * 60, UTC) for m in TIMES.findall(page.text)]
    local = [t.astimezone(ZoneInfo("Europe/Moscow")) for t in offered]
    assert local and all(t.isoweekday() == 1 and t.hour in (15, 16) for t in local)


async def test_a_worker_cannot_change_them(world):
    worker = world.worker
    assert worker.role is Role.WORKER
    try:
        await world.services.client_answers.set_working_hours(worker, "08:00", "20:00", "1")
    except Exception as error:  # noqa: BLE001 - the domain's refusal, whatever its class
        assert getattr(error, "code", "") in {"forbidden", "not_allowed", "permission_denied"}
    else:
        raise AssertionError("a worker changed the working hours")
