"""The order card in the browser on both databases: the bot's card, history, payments and
files (a thumbnail, the image to view, the download) behind signed links that expire on the
frozen clock; edits by the bot's use cases with CSRF (time, address, price, assignee,
cancelling, a line typed as in the chat), the worker told through the outbox; a manager let
in to the board's pages, a worker and another organization refused."""

from __future__ import annotations

import io
import re
from datetime import UTC, datetime, timedelta

from PIL import Image
from sqlalchemy import insert, text

from core.catalogue.model import NewLine
from core.domain import Role
from core.files.service import IncomingFile
from core.orders.rules import OrderAction
from core.orders.service import OrderDraft
from storage.db import create_engine
from storage.tables import ClientMessageRow
from tests.admin.test_numbers_http import sign_in
from tests.support import onboard, owner_with_org, profile, profile_of

NOON = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)  # 12:00 in Moscow
CSRF = re.compile(r'name="csrf" value="([^"]+)"')


def _png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (1200, 800), (200, 30, 30)).save(out, "PNG")
    return out.getvalue()


async def _seed(services, clock):
    clock.set(NOON)
    owner = await owner_with_org(services)
    token = (await services.invites.create(owner, Role.WORKER)).token
    person = profile("Иван")
    await services.invites.accept(await onboard(services, person), token)
    worker = await services.users.identify(profile_of(await services.users.identify(person)))
    client = await services.clients.create(owner, "Анна", "+79161234501", "Тверская, 1")
    at = NOON + timedelta(hours=3)
    draft = OrderDraft(client.id, "Тверская, 1", scheduled_at=at, price_minor=350000)
    order = await services.orders.create(owner, draft)
    photo = IncomingFile(_png(), "image/png", "окно.png", None, None)
    await services.files.attach(owner, order.id, photo)
    return owner, worker, order


async def test_the_card_and_its_files_behind_expiring_links(client, container, clock, db_url):
    services = container.services
    owner, _, order = await _seed(services, clock)
    line = NewLine("Мытьё окон", 2000, 150000, "шт")
    await services.order_lines.add_line(owner, order.id, line)
    await services.orders.act(owner, order.id, OrderAction.ASSIGN, assignee_id=owner.user.id)
    await services.orders.act(owner, order.id, OrderAction.PAY, amount_minor=100000, method="cash")
    engine = create_engine(db_url)
    async with engine.begin() as connection:
        await connection.execute(
            insert(ClientMessageRow.__table__).values(
                organization_id=owner.organization.id, client_id=order.client_id,
                order_id=order.id, direction="in", kind="client_message", channel="sms",
                status="delivered", body="Буду дома после <b>обеда</b>", created_at=NOON,
                updated_at=NOON,
            )
        )  # fmt: skip
    await engine.dispose()
    await sign_in(client, services, owner)
    page = await client.get(f"/orders/{order.number}")
    assert page.status_code == 200, page.text
    html = page.text
    assert "<script" not in html and 'href="/orders/order.css"' in html
    card = html.split('data-testid="card">')[1].split("</div>")[0]
    assert f"Заказ №{order.number}" in card and "Анна" in card and "3\xa0000\xa0₽" in card
    assert "Мытьё окон" in card and "1\xa0000\xa0₽" in card  # the line and the payment
    assert "Буду дома после &lt;b&gt;обеда&lt;/b&gt;" in html and "← sms" in html
    assert "История" in html.split('data-testid="history">')[1]
    found = {
        v: m.replace("&amp;", "&") for m, v in re.findall(r'"(/files/\d+/\d+/(\w+)\?[^"]+)"', html)
    }
    assert set(found) == {"thumb", "view", "download"}
    thumb = await client.get(found["thumb"])
    assert thumb.status_code == 200 and thumb.headers["content-type"] == "image/jpeg"
    assert max(Image.open(io.BytesIO(thumb.content)).size) == 320
    view = await client.get(found["view"])
    assert view.headers["content-type"] == "image/png" and view.content == _png()
    assert view.headers["content-disposition"].startswith("inline;")
    download = await client.get(found["download"])
    assert download.headers["content-disposition"].startswith("attachment;")
    assert (
        "filename*=UTF-8''%D0%BE%D0%BA%D0%BD%D0%BE.png" in download.headers["content-disposition"]
    )
    assert "sandbox" in download.headers["content-security-policy"]
    forged = found["view"].replace("/view?", "/download?")  # another variant, same signature
    assert (await client.get(forged)).status_code == 403
    other_org = re.sub(r"^/files/\d+/", "/files/999/", found["view"])
    assert (await client.get(other_org)).status_code == 403
    client.cookies.clear()  # a link works without the session, until it expires
    assert (await client.get(found["view"])).status_code == 200
    clock.advance(minutes=10)
    assert (await client.get(found["view"])).status_code == 403


async def test_edits_use_the_bots_rules_with_csrf(client, container, db_url, clock):
    services = container.services
    owner, worker, order = await _seed(services, clock)
    await sign_in(client, services, owner)
    n = order.number
    csrf = CSRF.search((await client.get(f"/orders/{n}")).text).group(1)
    forged = await client.post(f"/orders/{n}/price", data={"price": "4000"})
    assert forged.status_code == 403
    for what, form in (
        ("price", {"price": "4 000,50"}),
        ("address", {"address": "Арбат, 10"}),
        ("time", {"day": "2026-03-03", "at": "10:30"}),
        ("assign", {"worker": str(worker.user.id)}),
    ):
        done = await client.post(f"/orders/{n}/{what}", data={**form, "csrf": csrf})
        assert done.status_code == 303, (what, done.text)
    html = (await client.get(f"/orders/{n}?saved=1")).text
    card = html.split('data-testid="card">')[1].split("</div>")[0]
    assert (
        "4\xa0000,50\xa0₽" in card and "Арбат, 10" in card and "10:30" in card and "Иван" in card
    )
    past = await client.post(
        f"/orders/{n}/time", data={"day": "2026-03-01", "at": "10:00", "csrf": csrf}
    )
    assert past.status_code == 422 and "прошло" in past.text
    bad = await client.post(f"/orders/{n}/price", data={"price": "много", "csrf": csrf})
    assert bad.status_code == 422
    line = {"line": "Мытьё окон 2 x 1500", "csrf": csrf}  # as typed in the chat
    assert (await client.post(f"/orders/{n}/line", data=line)).status_code == 303
    card = (await client.get(f"/orders/{n}")).text.split('data-testid="card">')[1]
    assert "Мытьё окон" in card.split("</div>")[0] and "7\xa0000,50\xa0₽" in card
    lined = await client.post(f"/orders/{n}/price", data={"price": "100", "csrf": csrf})
    assert lined.status_code == 422  # the price is the sum of the lines now: the bot's rule
    nonsense = await client.post(f"/orders/{n}/line", data={"line": "окна", "csrf": csrf})
    assert nonsense.status_code == 422
    engine = create_engine(db_url)
    async with engine.connect() as connection:
        told = (
            await connection.execute(
                text("SELECT count(*) FROM outbox WHERE chat_id = :c"),
                {"c": worker.user.telegram_id},
            )
        ).scalar()
    await engine.dispose()
    assert told >= 1  # the worker got the new order in the chat, as after a tap
    cancelled = await client.post(f"/orders/{n}/cancel", data={"csrf": csrf})
    assert cancelled.status_code == 303
    again = await client.post(f"/orders/{n}/cancel", data={"csrf": csrf})
    assert again.status_code == 422  # a cancelled order cannot be cancelled: the bot's rule


async def test_a_worker_and_another_organization_are_refused(client, container, clock):
    services = container.services
    owner, _, order = await _seed(services, clock)
    stranger = await owner_with_org(services, "Другая")
    await sign_in(client, services, stranger)
    assert (await client.get(f"/orders/{order.number}")).status_code == 404  # not theirs
    client.cookies.clear()
    token = (await services.invites.create(owner, Role.MANAGER)).token
    person = profile("Мила")
    await services.invites.accept(await onboard(services, person), token)
    mila = await services.users.identify(person)
    await sign_in(client, services, mila)  # a manager: the board with a manager's rights
    for path in (f"/orders/{order.number}", "/numbers", "/map"):
        shown = await client.get(path)
        assert shown.status_code == 200, path
        # the header links to what a manager may open, not to the owner's settings
        assert 'href="/numbers"' in shown.text and 'href="/map"' in shown.text, path
        assert 'href="/settings"' not in shown.text and 'href="/billing"' not in shown.text
    member = next(m for m in await services.team.team(owner) if m.user.id == mila.user.id)
    await services.team.change_role(owner, member.membership.id, Role.WORKER)
    for path in (f"/orders/{order.number}", "/numbers", "/map"):
        refused = await client.get(path)
        assert refused.status_code == 403 and "/admin" in refused.text, path


async def test_a_lines_quantity_changed_and_a_line_removed(client, container, clock):
    services = container.services
    owner, _, order = await _seed(services, clock)
    other = await services.orders.create(owner, OrderDraft(None, "Арбат, 2"))
    windows = await services.order_lines.add_line(owner, order.id, NewLine("Окна", 2000, 150000))
    tap = await services.order_lines.add_line(owner, order.id, NewLine("Кран", 1000, 50000))
    foreign = await services.order_lines.add_line(owner, other.id, NewLine("Чужая", 1000, 100))
    first, second, elsewhere = windows.line.id, tap.line.id, foreign.line.id
    await sign_in(client, services, owner)
    n = order.number
    page = (await client.get(f"/orders/{n}")).text
    csrf = CSRF.search(page).group(1)
    assert f'data-testid="line-{first}"' in page and f'data-testid="line-{second}"' in page
    assert f'id="quantity-{first}"' in page and 'value="2"' in page

    def post(line_id, **form):
        return client.post(f"/orders/{n}/line-{line_id}", data={**form, "csrf": csrf})

    changed = await post(first, do="save", quantity="2,5")
    assert changed.status_code == 303
    _, lines = await services.order_lines.lines(owner, order.id)
    assert [(x.name, x.quantity_milli) for x in lines] == [
        (None, 1000),  # the price agreed before the first line ("Work as agreed")
        ("Окна", 2500),
        ("Кран", 1000),
    ]
    for bad in ("0", "много", "1,2345", ""):
        refused = await post(first, do="save", quantity=bad)
        assert refused.status_code == 422, bad
    assert (await post(elsewhere, do="remove")).status_code == 422  # another order's line
    assert (await post(second, do="nonsense")).status_code == 422
    assert (await post(second, do="remove")).status_code == 303
    assert (await post(second, do="remove")).status_code == 422  # the second tap: gone
    card = (await services.orders.card(owner, order.id)).order
    assert card.price_minor == 350000 + 375000 and card.line_count == 2  # agreed + 2.5 x 1 500
    forged = await client.post(f"/orders/{n}/line-{first}", data={"do": "remove"})
    assert forged.status_code == 403
    _, lines = await services.order_lines.lines(owner, other.id)
    assert [x.name for x in lines] == ["Чужая"]
