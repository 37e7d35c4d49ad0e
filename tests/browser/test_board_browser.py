"""Issue 22 in headless Chromium, one bot and one browser for the whole story: the owner opens
the board from the bot's /admin link (columns by status, the page's CSP); on the week
calendar she drags Ivan's order onto Petr's row at 16:00, and Petr gets "You have a new order"
in the emulated Telegram; Petr taps Start there and the block turns "in progress" on the open
board within a second of the change; the board's connection drops, an order is cancelled
meanwhile, and the board catches up when it reconnects, without a reload. A drop the server
refuses (a clash) shows the refusal's reason from its problem details."""

from __future__ import annotations

import asyncio
import time
from datetime import timedelta

import pytest

from core.domain import OrderStatus, TelegramProfile
from core.orders.rules import OrderAction
from core.orders.service import OrderDraft
from tests.browser.conftest import ARTIFACTS
from tests.e2e.conftest import local_bot, make_settings
from tests.e2e.scenario import create_org, invite_link, next_with, onboard

OLGA, IVAN, PETR = 2501, 2502, 2503


@pytest.fixture
async def crm(tmp_path):
    base = make_settings(f"sqlite:///{tmp_path}/crm.db", tmp_path)
    local = local_bot(base.model_copy(update={"admin_port": 0}))
    await local.start()
    yield local
    await local.stop()


async def _worker(crm, olga, telegram_id: int, name: str):
    token = await invite_link(olga, "Работник")
    person = crm.emulator.user(telegram_id, name, language_code="en")
    await onboard(person, "en", payload=token)
    await person.reply()
    await olga.reply()
    return person


async def _until(check, seconds: float = 5.0) -> float:
    """Polls `check` (an async predicate) until it holds; returns when (monotonic)."""
    deadline = time.monotonic() + seconds
    while not await check():
        assert time.monotonic() < deadline, "timed out"
        await asyncio.sleep(0.02)
    return time.monotonic()


async def test_board_drag_live_and_catch_up(crm, page):
    olga = crm.emulator.user(OLGA, "Ольга", language_code="ru")
    await create_org(olga)
    ivan = await _worker(crm, olga, IVAN, "Ivan")
    petr = await _worker(crm, olga, PETR, "Petr")
    services = crm.container.services
    owner = await services.users.identify(TelegramProfile(OLGA, "Ольга", language_code="ru"))
    ivan_id = (await services.users.identify(TelegramProfile(IVAN, "Ivan"))).user.id
    petr_id = (await services.users.identify(TelegramProfile(PETR, "Petr"))).user.id
    anna = await services.clients.create(owner, "Анна Смирнова", "+79165550001", "ул. Тихая, 5")
    noon = services.clock.now().replace(hour=9, minute=0, second=0, microsecond=0)  # 12:00 MSK
    made = []
    for hours in (0, 2, 1):  # the third, at 13:00, sits close to the second
        when = noon + timedelta(hours=hours)
        draft = OrderDraft(anna.id, "ул. Тихая, 5", price_minor=250000, scheduled_at=when)
        made.append(await services.orders.create(owner, draft))
    first, second, third = made
    await services.orders.act(owner, first.id, OrderAction.ASSIGN, assignee_id=ivan_id)
    violations: list[str] = []
    page.on("console", lambda m: violations.append(m.text) if "Policy" in m.text else None)
    blocked = False

    async def socket_route(route) -> None:
        if blocked:
            await route.close()
        else:
            route.connect_to_server()

    await page.route_web_socket("**/board/live*", socket_route)
    await page.goto((await services.admin.issue_link(owner)).url)
    await page.click('[data-testid="sign-in"]')
    await page.wait_for_url("**/settings")
    await page.goto(f"{crm.admin.url}/board")
    await page.wait_for_selector('[data-testid="live"][data-state="on"]')
    assigned = page.locator('[data-column="assigned"]')
    await assigned.locator(f'[data-testid="card-{first.number}"]').wait_for()
    assert "Анна Смирнова" in await assigned.inner_text()
    assert "НАЗНАЧЕН · 1" in await assigned.inner_text()  # upper case by the stylesheet
    opens = assigned.locator(f'[data-testid="open-{first.number}"]')  # the order's own page
    assert await opens.get_attribute("href") == f"/orders/{first.number}"
    await page.click('[data-testid="view-week"]')
    block = page.locator(f'[data-testid="block-{first.number}"]')
    day = (await services.board.view(owner, None)).days[0].isoformat()
    await page.locator(
        f'[data-testid="cell-{ivan_id}-{day}"] >> [data-testid="block-{first.number}"]'
    ).wait_for()
    near = [
        await page.locator(f'[data-testid="block-{o.number}"]').bounding_box()
        for o in (second, third)
    ]  # 13:00 and 14:00 unassigned: one under the other, both readable
    assert near[0] is not None and near[1] is not None
    assert near[0]["y"] + near[0]["height"] <= near[1]["y"] or (
        near[1]["y"] + near[1]["height"] <= near[0]["y"]
    )
    target = page.locator(f'[data-testid="cell-{petr_id}-{day}"]')
    box = await target.bounding_box()
    assert box is not None
    at_four = box["width"] * (16 * 60 - 7 * 60) / (15 * 60)  # the calendar shows 07:00-22:00
    await block.drag_to(target, target_position={"x": at_four, "y": box["height"] / 2})
    await page.wait_for_selector('[data-testid="message"].ok')
    moved = target.locator(f'[data-testid="block-{first.number}"]')
    await moved.wait_for()
    assert "16:00" in await moved.inner_text()
    notice = await next_with(petr, "You have a new order")
    assert "16:00" in notice.text

    # A refused drop (Petr has that order at 16:00): the board reads the problem's detail.
    await page.locator(f'[data-testid="block-{second.number}"]').drag_to(
        target, target_position={"x": at_four, "y": box["height"] / 2}
    )
    refusal = page.locator('[data-testid="message"].error')
    await refusal.wait_for()
    said = await refusal.inner_text()
    assert "Petr" in said and f"№{first.number}" in said and "16:00" in said, said

    # A bot action: Petr starts the order from his chat; the open board shows it.
    await petr.tap("▶️ Start", message=notice)

    async def started() -> bool:
        order = await services.orders.raw(owner.organization.id, first.id)
        return order is not None and order.status is OrderStatus.IN_PROGRESS

    changed = await _until(started)
    await page.wait_for_selector(f'[data-testid="block-{first.number}"].in_progress', timeout=1000)
    assert time.monotonic() - changed < 1.0
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    await page.screenshot(path=str(ARTIFACTS / "board-week.png"), full_page=True)

    # The connection drops; an order is cancelled meanwhile; the board catches up.
    blocked = True
    await page.evaluate("Board.state.socket.close()")
    await page.wait_for_selector('[data-testid="live"][data-state="off"]')
    await services.orders.act(owner, second.id, OrderAction.CANCEL)
    await asyncio.sleep(0.3)
    assert await page.locator(f'[data-testid="block-{second.number}"].cancelled').count() == 0
    blocked = False
    await page.wait_for_selector(f'[data-testid="block-{second.number}"].cancelled')
    await page.wait_for_selector('[data-testid="live"][data-state="on"]')
    await page.click('[data-testid="view-today"]')
    await page.locator('[data-column="in_progress"]').get_by_text("Анна Смирнова").wait_for()
    await page.screenshot(path=str(ARTIFACTS / "board-today.png"), full_page=True)
    assert not violations, violations
    assert await ivan.reply()  # Ivan's card was edited away from him: he hears of it
