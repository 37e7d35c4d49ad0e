"""The web board over HTTP (issue 22): who may sign in and see it, its security headers, the
day as JSON with its filters and the bot's client search, and a drop on the calendar as the
bot's assign and reschedule (CSRF, refusals with the reason, the outbox, the history)."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import text

from core.availability.rules import AwayKind
from core.domain import Role
from core.errors import DomainError
from core.orders.rules import OrderAction
from storage.db import create_engine
from tests.admin.board_world import board_container, board_world, member, signed_in


@pytest.fixture
async def container(db_url, clock):
    async with board_container(db_url, clock) as built:
        yield built


@pytest.fixture
async def world(container):
    return await board_world(container.services)


async def test_managers_sign_in_to_the_board_and_workers_are_refused(client, world):
    services = world.services
    path = (await services.admin.issue_link(world.manager)).url.removeprefix("http://admin.test")
    opened = await client.post(path)
    assert opened.status_code == 303 and opened.headers["location"] == "/board"
    cookie = opened.headers["set-cookie"]
    assert "HttpOnly" in cookie and "SameSite=lax" in cookie and "Secure" not in cookie
    page = await client.get("/board")
    assert page.status_code == 200 and "Чистый дом" in page.text
    policy = page.headers["content-security-policy"]
    assert "script-src 'self';" in policy and "unsafe-inline" not in policy
    assert "<script>" not in page.text and '<script src="/board/board.js"' in page.text
    assert "/settings" not in page.text  # a manager's header: the board only
    assert (await client.get("/settings")).status_code == 403
    assert (await client.get("/board/board.js")).headers["content-type"].startswith("text/java")
    with pytest.raises(DomainError, match="board_workers"):
        await services.admin.issue_link(world.peter)
    client.cookies.clear()
    anonymous = await client.get("/board/api/view", headers={"Accept-Language": "en"})
    assert anonymous.headers["content-type"] == "application/problem+json"
    assert anonymous.json() == {
        "type": "urn:astracrm:problem:session_invalid",
        "title": "Not authenticated",
        "status": 401,
        "detail": "Your session has ended. Send /admin to the bot to sign in again.",
        "instance": "/board/api/view",
        "code": "session_invalid",
    }
    assert (await client.get("/board")).status_code == 401


async def test_a_manager_demoted_to_worker_loses_the_board(client, world):
    services = world.services
    mila = await member(services, world.owner, Role.MANAGER, "Вера", "Новая")
    await signed_in(client, services, mila)
    team = await services.team.team(world.owner)
    membership = next(v.membership for v in team if v.user.id == mila.user.id)
    await services.team.change_role(world.owner, membership.id, Role.WORKER)
    refused = await client.get("/board/api/view")
    assert refused.status_code == 403 and refused.json()["code"] == "forbidden"


async def test_the_day_its_columns_marks_filters_and_search(client, world):
    await signed_in(client, world.services, world.owner)
    day = (await client.get("/board/api/view")).json()
    assert day["days"] == ["2026-03-02"] and day["zone"] == "Europe/Moscow"
    cards = {c["number"]: c for c in day["cards"]}
    assert set(cards) == {world.assigned.number, world.late.number}  # not tomorrow's
    mine = cards[world.assigned.number]
    assert (mine["column"], mine["time"], mine["assignee"]) == (
        "assigned",
        "14:00",
        "Пётр Сидоров",
    )
    assert mine["client"] == "Анна Смирнова" and mine["price_minor"] == 250000
    assert mine["area"] and not mine["overdue"]
    assert cards[world.late.number]["overdue"] and cards[world.late.number]["column"] == "new"
    assert {w["name"] for w in day["workers"]} == {"Пётр Сидоров", "Зинаида Кузнецова"}
    assert day["cursor"] > 0
    peter = f"worker={world.peter.user.id}"
    only = (await client.get(f"/board/api/view?{peter}")).json()["cards"]
    assert [c["number"] for c in only] == [world.assigned.number]
    for query in ("смирн", "5550001", "анна"):
        found = (await client.get("/board/api/view", params={"q": query})).json()["cards"]
        assert [c["number"] for c in found] == [world.assigned.number], query
    week = (await client.get("/board/api/view?day=2026-03-02&days=7")).json()
    assert len(week["days"]) == 7 and len(week["cards"]) == 3
    assert all(c["client"] != "Ева Чужая" for c in week["cards"])
    assert (await client.get("/board/api/view?days=8")).status_code == 422


async def _outbox_chats(db_url: str) -> list[int]:
    engine = create_engine(db_url)
    async with engine.connect() as connection:
        rows = (await connection.execute(text("SELECT chat_id FROM outbox"))).all()
    await engine.dispose()
    return [int(r[0]) for r in rows]


async def test_a_drop_reassigns_and_reschedules_as_the_bot_does(client, world, db_url):
    services = world.services
    csrf = await signed_in(client, services, world.manager)
    url = f"/board/api/orders/{world.assigned.id}/move"
    drop = {"worker_id": world.zina.user.id, "day": "2026-03-02", "time": "16:30"}
    forged = await client.post(url, json=drop)
    assert forged.status_code == 403 and forged.json()["code"] == "csrf_invalid"
    moved = await client.post(url, json=drop, headers={"X-CSRF-Token": csrf})
    assert moved.status_code == 200, moved.text
    card = moved.json()["cards"][0]
    assert (card["assignee"], card["time"]) == ("Зинаида Кузнецова", "16:30")
    events = await services.orders.history(world.owner, world.assigned.id)
    kinds = [(e.kind, e.data.get("via"), e.actor_id) for e, _ in events][-2:]
    assert kinds == [
        ("reschedule", "web board", world.manager.user.id),
        ("assign", "web board", world.manager.user.id),
    ]
    chats = await _outbox_chats(db_url)
    assert world.zina.user.telegram_id in chats  # "you have a new order", in the chat
    assert world.peter.user.telegram_id in chats  # his card edited


async def test_a_clash_or_an_absence_refuses_the_drop_with_the_reason(client, world, container):
    services = world.services
    csrf = await signed_in(client, services, world.manager)
    headers = {"X-CSRF-Token": csrf, "Accept-Language": "ru"}
    url = f"/board/api/orders/{world.late.id}/move"
    clash = {"worker_id": world.peter.user.id, "day": "2026-03-02", "time": "14:30"}
    refused = await client.post(url, json=clash, headers=headers)
    assert refused.status_code == 409 and refused.json()["code"] == "board_clash"
    assert refused.headers["content-type"] == "application/problem+json"
    assert refused.json()["title"] == "Конфликт" and refused.json()["instance"] == url
    assert "Пётр" in refused.json()["detail"] and "14:00" in refused.json()["detail"]
    async with services.orders._uow() as uow:
        await uow.availability.add_absence(
            world.org_id,
            world.zina.user.id,
            AwayKind.VACATION,
            date(2026, 3, 2),
            date(2026, 3, 4),
            services.clock.now(),
        )
        await uow.commit()
    away = {"worker_id": world.zina.user.id}
    refused = await client.post(url, json=away, headers=headers)
    assert refused.status_code == 409 and "отсутствует" in refused.json()["detail"]
    week = (await client.get("/board/api/view?days=7")).json()
    assert week["absences"][0]["first_day"] == "2026-03-02"
    untouched = await services.orders.raw(world.org_id, world.late.id)
    assert untouched.assignee_id is None
    foreign = f"/board/api/orders/{world.foreign.id}/move"
    assert (await client.post(foreign, json=away, headers=headers)).status_code == 404
    bad = {"time": "25:00", "day": "2026-03-02"}
    assert (await client.post(url, json=bad, headers=headers)).status_code == 422


async def test_the_kind_of_work_filter(client, world):
    services = world.services
    await signed_in(client, services, world.manager)
    day = (await client.get("/board/api/view")).json()
    kind = day["categories"][0]
    await services.orders.act(
        world.owner, world.late.id, OrderAction.EDIT, field="category", value=kind["id"]
    )
    found = (await client.get(f"/board/api/view?category={kind['id']}")).json()["cards"]
    assert [(c["number"], c["category"]) for c in found] == [(world.late.number, kind["name"])]
