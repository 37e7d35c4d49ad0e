"""Issue 19, item 5: the working hours on the admin settings page, a plain form with one row
per weekday (opening and closing time, or closed). The session's CSRF token is required; a
wrong day or no open day is refused with the day named in the reader's language and nothing
saved; a saved week is what the API reads back and what the client page offers. SQLite and
PostgreSQL, frozen clock (Monday 2 March 2026, 12:00 in Moscow)."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select

from core.errors import DomainError
from storage.tables import AuditEventRow
from tests.admin.test_client_page import RU
from tests.admin.test_client_page import world as page_world
from tests.admin.test_client_page_move import TIMES
from tests.admin.test_working_hours_http import _signed_in_as

world = page_world
DEFAULT = {"start": "09:00", "end": "18:00", "days": "123456"}


def week(**days: tuple[str, str] | None) -> dict[str, str]:
    """The form as a browser posts it: `mon=("15:00", "17:00")`, `tue=None` (closed); a day
    not named is closed."""
    names = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
    form: dict[str, str] = {}
    for number, name in enumerate(names, start=1):
        given = days.get(name)
        form[f"start_{number}"], form[f"end_{number}"] = given or ("09:00", "18:00")
        if given is None:
            form[f"closed_{number}"] = "1"
    return form


async def _audits(container) -> int:
    async with container.engine.connect() as connection:
        return int(
            await connection.scalar(select(func.count()).select_from(AuditEventRow.__table__))
        )


async def test_the_week_is_set_day_by_day_and_the_client_page_follows(client, world, container):
    _, csrf = await _signed_in_as(client, world.services, world.owner)
    page = await client.get("/settings")
    assert "Часы работы" in page.text and "Понедельник" in page.text
    assert re.search(r'name="start_1"[^>]*value="09:00"', page.text)
    assert re.search(r'name="closed_7" value="1" checked', page.text)  # Sunday: closed
    chosen = week(mon=("15:00", "17:00"), sat=("10:00", "12:00"))
    audits = await _audits(container)

    forged = await client.post("/settings/working-hours", data=chosen)
    assert forged.status_code == 403
    short = {**chosen, "end_1": "15:30"}
    refused = await client.post("/settings/working-hours", data={**short, "csrf": csrf})
    assert refused.status_code == 422
    assert "Понедельник: укажите начало и конец" in refused.text, refused.text
    closed = await client.post("/settings/working-hours", data={**week(), "csrf": csrf})
    assert closed.status_code == 422 and "Хотя бы один день должен быть рабочим" in closed.text
    odd = {**chosen, "start_6": "10:00\u202e<script>", "csrf": csrf}
    garbled = await client.post("/settings/working-hours", data=odd)
    assert garbled.status_code == 422 and "<script>" not in garbled.text
    assert "Суббота: укажите" in garbled.text
    assert (await client.get("/api/settings/working-hours")).json() == DEFAULT
    assert await _audits(container) == audits  # nothing of a refusal is kept

    saved = await client.post("/settings/working-hours", data={**chosen, "csrf": csrf})
    assert saved.status_code == 303 and saved.headers["location"] == "/settings?saved=1"
    assert await _audits(container) == audits + 1
    shown = await client.get("/settings?saved=1")
    assert re.search(r'name="start_1"[^>]*value="15:00"', shown.text)
    assert re.search(r'name="closed_2" value="1" checked', shown.text)
    assert not re.search(r'name="closed_6" value="1" checked', shown.text)
    api = (await client.get("/api/settings/working-hours")).json()
    assert api == {
        "start": "15:00",
        "end": "17:00",
        "days": "16",
        "other": {"6": ["10:00", "12:00"]},
    }

    offered = await client.get(f"/c/{world.token}", headers=RU)
    local = [
        datetime.fromtimestamp(int(m) * 60, UTC).astimezone(ZoneInfo("Europe/Moscow"))
        for m in TIMES.findall(offered.text)
    ]
    slots = {(t.isoweekday(), t.hour) for t in local}
    assert slots and slots <= {(1, 15), (1, 16), (6, 10), (6, 11)}, slots
    assert {d for d, _ in slots} == {1, 6}


async def test_an_english_owner_reads_the_form_and_its_refusal_in_english(client, world):
    await world.services.users.set_language(world.owner, "en")
    _, csrf = await _signed_in_as(client, world.services, world.owner)
    page = await client.get("/settings")
    assert "Working hours" in page.text and "Wednesday" in page.text and "Closed" in page.text
    wrong = {**week(wed=("18:00", "09:00")), "csrf": csrf}
    refused = await client.post("/settings/working-hours", data=wrong)
    assert refused.status_code == 422
    assert "Wednesday: give the opening and closing time" in refused.text
    none = await client.post("/settings/working-hours", data={**week(), "csrf": csrf})
    assert "At least one day must be open." in none.text


async def test_only_owners_change_the_week(world):
    with pytest.raises(DomainError) as refused:
        await world.services.client_answers.set_week(world.worker, {1: ("10:00", "12:00")})
    assert refused.value.code == "forbidden"
    assert (await world.services.client_answers.working_hours(world.owner)).as_data() == DEFAULT
