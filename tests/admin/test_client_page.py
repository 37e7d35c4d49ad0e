"""The client page `/c/<token>` (issue 19 item 3) over HTTP, on SQLite and PostgreSQL with a
frozen clock: exactly the client's view of the order in Russian and English, Confirm and
Cancel as plain forms (idempotent, a started order refused), the order's history and the
client message log afterwards, 404 for unknown, expired and forged links, a signed nonce on
every form, a rate limit per token, and one transaction per POST, none for a GET."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import re
from dataclasses import replace
from datetime import timedelta
from itertools import count

import pytest

from core.client_loop.model import Channel, ClientLoopSettings, Direction, MessageKind
from core.client_loop.page import ClientPageService
from core.client_loop.tokens import PAGE_GRACE
from core.domain import OrderStatus, Role, TelegramProfile
from core.orders.rules import OrderAction
from core.orders.service import OrderDraft
from tests.admin.test_admin_headers import assert_secured
from tests.admin.test_admin_transactions import Cost
from tests.support import onboard, owner_with_org

NONCE = re.compile(r'name="nonce" value="([^"]+)"')
RU = {"Accept-Language": "ru-RU,ru;q=0.9,en;q=0.8"}
EN = {"Accept-Language": "en-GB,en;q=0.9"}
_ids = count(7000)


class World:
    def __init__(self, services, owner, worker, client, other, order, token) -> None:
        self.services = services
        self.worker = worker
        self.owner = owner
        self.client = client
        self.other = other
        self.order = order
        self.token = token

    @property
    def org_id(self) -> int:
        return self.owner.organization.id

    async def order_now(self):
        return await self.services.orders.raw(self.org_id, self.order.id)

    async def events(self):
        async with self.services.orders._uow() as uow:
            return await uow.orders.events(self.org_id, self.order.id)

    async def messages(self):
        return await self.services.client_loop.order_history(self.owner, self.order.id)


async def _worker(services, owner, first: str, last: str):
    token = (await services.invites.create(owner, Role.WORKER)).token
    person = TelegramProfile(next(_ids), first, last, None, "ru")
    actor = await onboard(services, person)
    await services.invites.accept(actor, token)
    return await services.users.identify(person)


async def _order(services, owner, clock, client, **extra):
    draft = OrderDraft(
        client.id,
        address=extra.get("address", "ул. Тихая, 5, кв. 12"),
        price_minor=250000,
        scheduled_at=clock.now() + timedelta(days=1),
        description=extra.get("description", "Помыть окна"),
    )
    return await services.orders.create(owner, draft)


@pytest.fixture
async def world(container, clock) -> World:
    services = container.services
    owner = await owner_with_org(services)
    worker = await _worker(services, owner, "Пётр", "Сидоров")
    await _worker(services, owner, "Зинаида", "Кузнецова")
    client = await services.clients.create(
        owner, "Анна Смирнова", "+79165550001", "ул. Тихая, 5, кв. 12", "ключ под ковриком"
    )
    other = await services.clients.create(
        owner, "Борис Другов", "+79165550002", "пр. Мира, 1", "злая собака"
    )
    order = await _order(services, owner, clock, client)
    await services.orders.act(owner, order.id, OrderAction.ASSIGN, assignee_id=worker.user.id)
    await _order(services, owner, clock, other, address="пр. Мира, 1", description="Ковёр")
    issued = await services.client_loop.issue_page(owner.organization.id, client.id, order.id)
    return World(services, owner, worker, client, other, order, issued.token)


STAFF_ONLY = (
    "ключ под ковриком",  # the client card's note
    "Сидоров",  # the assignee's last name
    "Зинаида",  # other staff
    "Owner",  # the owner (who created the order)
    "Борис",  # another client
    "пр. Мира",
    "Ковёр",
    "злая собака",
    "+7",  # anyone's phone
    "916",
)


async def test_the_page_shows_exactly_the_client_view_in_both_languages(client, world):
    ru = await client.get(f"/c/{world.token}", headers=RU)
    assert ru.status_code == 200
    assert_secured(ru)
    assert ru.headers["cache-control"] == "no-store"
    html = ru.text
    assert '<html lang="ru">' in html and "Чистый дом" in html
    for shown in ("ул. Тихая, 5, кв. 12", "Помыть окна", "Пётр", "2\u00a0500\u00a0₽"):
        assert shown in html, shown
    assert "Ваш заказ №1" in html and "Подтвердить визит" in html and "Отменить заказ" in html
    assert "вт 3 мар., 12:00" in html  # 09:00 UTC tomorrow, in Moscow
    for hidden in STAFF_ONLY:
        assert hidden not in html, hidden
    assert "<script" not in html and 'action="/c/' in html
    en = await client.get(f"/c/{world.token}", headers=EN)
    assert '<html lang="en">' in en.text and "Your order No. 1" in en.text
    assert "Tue 3 Mar, 12:00" in en.text and "Confirm the visit" in en.text
    override = await client.get(f"/c/{world.token}?lang=en", headers=RU)
    assert "Your order No. 1" in override.text and 'name="lang" value="en"' in override.text
    for hidden in STAFF_ONLY:
        assert hidden not in en.text, hidden


async def test_hidden_prices_are_not_shown(client, world):
    settings = replace(ClientLoopSettings(), show_prices=False)
    await world.services.client_loop.update_settings(world.owner, settings)
    page = await client.get(f"/c/{world.token}", headers=RU)
    assert page.status_code == 200 and "Помыть окна" in page.text
    assert "2\u00a0500" not in page.text and "₽" not in page.text and "Цена" not in page.text


async def _form(client, token: str, headers=RU) -> str:
    page = await client.get(f"/c/{token}", headers=headers)
    return NONCE.search(page.text).group(1)


async def test_confirm_once_and_twice(client, world, container):
    nonce = await _form(client, world.token)
    cost = Cost(container.engine)
    try:
        first = await client.post(f"/c/{world.token}/confirm", data={"nonce": nonce}, headers=RU)
        assert first.status_code == 303 and (cost.begun, cost.committed) == (1, 1)
        assert first.headers["location"] == f"/c/{world.token}?done=confirmed"
        cost.reset()
        second = await client.post(f"/c/{world.token}/confirm", data={"nonce": nonce}, headers=RU)
        assert second.headers["location"] == f"/c/{world.token}?done=already_confirmed"
        assert (cost.begun, cost.committed, cost.writes) == (1, 0, [])
        cost.reset()
        shown = await client.get(first.headers["location"], headers=RU)
        assert (cost.begun, cost.committed, cost.writes) == (1, 0, [])
    finally:
        cost.close()
    assert "Спасибо! Визит подтверждён." in shown.text
    assert 'data-testid="confirmed"' in shown.text and 'data-testid="confirm"' not in shown.text
    assert 'data-testid="cancel"' in shown.text  # still cancellable
    messages = await world.messages()
    assert [(m.direction, m.kind) for m in messages] == [(Direction.IN, MessageKind.CONFIRMATION)]
    assert [m.channel for m in messages] == [Channel.PAGE]
    events = [e for e in await world.events() if e.kind == "client_confirmed"]
    assert len(events) == 1 and events[0].actor_id is None and events[0].data == {"by": "client"}
    assert (await world.order_now()).status is OrderStatus.ASSIGNED


async def test_cancel_needs_a_reason_then_cancels_once(client, world, container, clock):
    nonce = await _form(client, world.token, EN)
    url = f"/c/{world.token}/cancel"
    cost = Cost(container.engine)
    try:
        blank = await client.post(url, data={"nonce": nonce, "reason": "  "}, headers=EN)
        assert blank.status_code == 422 and "Please write why you are cancelling." in blank.text
        assert (cost.begun, cost.committed, cost.writes) == (1, 0, [])
        long = await client.post(url, data={"nonce": nonce, "reason": "x" * 501}, headers=EN)
        assert long.status_code == 422 and "under 500 characters" in long.text
        assert (await world.order_now()).status is OrderStatus.ASSIGNED
        cost.reset()
        reason = "Уезжаю <в отпуск>"
        done = await client.post(url, data={"nonce": nonce, "reason": reason}, headers=EN)
        assert done.status_code == 303 and (cost.begun, cost.committed) == (1, 1)
    finally:
        cost.close()
    order = await world.order_now()
    assert order.status is OrderStatus.CANCELLED
    cancel = [e for e in await world.events() if e.kind == "cancel"]
    assert len(cancel) == 1 and cancel[0].actor_id is None
    assert cancel[0].data == {"from": "assigned", "to": "cancelled", "by": "client"} | {
        "reason": reason
    }
    log = [(m.direction, m.kind, m.body) for m in await world.messages()]
    assert log == [(Direction.IN, MessageKind.CANCELLED, reason)]
    shown = await client.get(done.headers["location"], headers=EN)
    assert "The order is cancelled." in shown.text and "Cancelled" in shown.text
    assert "<form" not in shown.text  # the final state, no actions
    again = await client.post(url, data={"nonce": nonce, "reason": "again"}, headers=EN)
    assert again.headers["location"].endswith("done=already_cancelled")
    assert "already cancelled" in (await client.get(again.headers["location"], headers=EN)).text
    confirm = await client.post(f"/c/{world.token}/confirm", data={"nonce": nonce}, headers=EN)
    assert confirm.status_code == 409 and "can no longer be changed" in confirm.text
    assert len([e for e in await world.events() if e.kind == "cancel"]) == 1
    clock.advance(seconds=PAGE_GRACE.total_seconds() + 1)  # the page closes after the grace
    gone = await client.get(f"/c/{world.token}", headers=EN)
    assert gone.status_code == 404 and "expired" in gone.text


async def test_a_started_order_cannot_be_cancelled(client, world):
    nonce = await _form(client, world.token)
    await world.services.orders.act(world.worker, world.order.id, OrderAction.START)
    page = await client.get(f"/c/{world.token}", headers=RU)
    assert "<form" not in page.text and "В работе" in page.text
    refused = await client.post(
        f"/c/{world.token}/cancel", data={"nonce": nonce, "reason": "передумала"}, headers=RU
    )
    assert refused.status_code == 409 and "Работа уже началась" in refused.text
    assert (await world.order_now()).status is OrderStatus.IN_PROGRESS
    assert [e.kind for e in await world.events()][-1] == "start"


async def test_unknown_expired_and_forged_links_answer_404(client, world, clock, container):
    for token in ("A" * 22, "short", world.token[:-1] + ("A" if world.token[-1] != "A" else "B")):
        for headers, text in ((RU, "Эта ссылка не открывает"), (EN, "does not open any order")):
            answer = await client.get(f"/c/{token}", headers=headers)
            assert answer.status_code == 404 and text in answer.text, token
            assert_secured(answer)
        posted = await client.post(f"/c/{token}/confirm", data={"nonce": "x.y"}, headers=EN)
        assert posted.status_code == 404
    # Another organization's token never opens this one's order (it opens its own).
    services = container.services
    other_owner = await owner_with_org(services, "Другая фирма")
    stranger = await services.clients.create(other_owner, "Вера", "+79165550003", None, None)
    theirs = await _order(services, other_owner, clock, stranger)
    issued = await services.client_loop.issue_page(
        other_owner.organization.id, stranger.id, theirs.id
    )
    page = await client.get(f"/c/{issued.token}", headers=RU)
    assert "Другая фирма" in page.text and "Чистый дом" not in page.text
    nonce = await _form(client, issued.token)
    crossed = await client.post(f"/c/{world.token}/confirm", data={"nonce": nonce}, headers=RU)
    assert crossed.status_code == 403 and "устарела" in crossed.text  # a nonce of another page
    assert await world.messages() == []
    clock.advance(days=91)
    expired = await client.get(f"/c/{world.token}", headers=RU)
    assert expired.status_code == 404 and "Срок действия ссылки истёк" in expired.text


async def test_forms_need_the_page_nonce_and_posts_are_rate_limited(client, world):
    url = f"/c/{world.token}/confirm"
    for data in ({}, {"nonce": "forged.mac"}, {"nonce": ""}):
        refused = await client.post(url, data=data, headers=EN)
        assert refused.status_code == 403 and "out of date" in refused.text
        assert 'data-testid="confirm"' in refused.text  # redrawn with a fresh nonce
    assert await world.messages() == []
    for _ in range(7):
        assert (await client.post(url, data={}, headers=EN)).status_code == 403
    limited = await client.post(url, data={}, headers=EN)
    assert limited.status_code == 429 and limited.headers["retry-after"] == "60"
    assert_secured(limited)


async def test_nothing_about_the_client_reaches_the_logs(client, world, caplog):
    caplog.set_level(logging.DEBUG)
    nonce = await _form(client, world.token)
    await client.post(f"/c/{world.token}/confirm", data={"nonce": nonce}, headers=RU)
    reason = "Причина: соседка Мария"
    await client.post(
        f"/c/{world.token}/cancel", data={"nonce": nonce, "reason": reason}, headers=RU
    )
    await client.get(f"/c/{world.token[:-2]}xx", headers=RU)
    assert (await world.order_now()).status is OrderStatus.CANCELLED
    # The test's own HTTP client (httpx) logs the URLs it requests; the server logs nothing.
    server = "\n".join(
        f"{r.name} {r.getMessage()} {r.exc_text or ''}"
        for r in caplog.records
        if not r.name.startswith(("httpx", "httpcore"))
    )
    for secret in (world.token, world.token[:-2], "Анна", "Тихая", "Пётр", "Мария", "+7916"):
        assert secret not in server, secret


def _meet_after_reading(monkeypatch) -> list[int]:
    """Each request waits (up to 0.5 s) after reading the page's order until the other has
    read it too, so on PostgreSQL both act on what they read (on SQLite the second request's
    transaction waits for the first's anyway). Returns the list to clear between rounds."""
    read: list[int] = []
    met = asyncio.Event()
    original = ClientPageService._access

    async def meeting(self, uow, token):
        access = await original(self, uow, token)
        read.append(1)
        if len(read) == 2:
            met.set()
        if len(read) <= 2:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(met.wait(), 0.5)
        if len(read) == 2:
            met.clear()
        return access

    monkeypatch.setattr(ClientPageService, "_access", meeting)
    return read


async def test_a_form_submitted_twice_at_once_is_recorded_once(client, world, monkeypatch):
    """Two requests race (a double tap): the order's version lets one win; the other says
    what the winner did."""
    nonce = await _form(client, world.token)
    read = _meet_after_reading(monkeypatch)
    confirm = f"/c/{world.token}/confirm"
    answers = await asyncio.gather(
        *(client.post(confirm, data={"nonce": nonce}, headers=RU) for _ in range(2))
    )
    assert sorted(a.headers["location"].rsplit("=", 1)[1] for a in answers) == [
        "already_confirmed",
        "confirmed",
    ]
    read.clear()
    cancel = f"/c/{world.token}/cancel"
    answers = await asyncio.gather(
        *(client.post(cancel, data={"nonce": nonce, "reason": "дубль"}, headers=RU) for _ in "ab")
    )
    assert sorted(a.headers["location"].rsplit("=", 1)[1] for a in answers) == [
        "already_cancelled",
        "cancelled",
    ]
    kinds = [e.kind for e in await world.events()]
    assert (kinds.count("client_confirmed"), kinds.count("cancel")) == (1, 1)
    log = [m.kind for m in await world.messages()]
    assert log == [MessageKind.CONFIRMATION, MessageKind.CANCELLED]
