"""The client accepts the work on the client page (issue 20, item 8) over HTTP, on SQLite and
PostgreSQL: the section appears only on a done order, with a canvas drawn by `/sign.js`
(script-src 'self', no inline script); a drawn signature must be a real PNG under the size
cap (refused otherwise, nothing stored); a valid one is kept in the file store and recorded
once with the method, the time and the staff phone flag; the name alone is accepted too;
Russian and English."""

from __future__ import annotations

import base64
import re

import pytest

from core.checklists.model import AcceptanceMethod
from core.checklists.rules import MAX_SIGNATURE_BYTES
from core.orders.rules import OrderAction
from tests.admin.test_admin_headers import assert_secured
from tests.admin.test_client_page import _order, _worker
from tests.support import owner_with_org
from tests.unit.test_checklist_rules import png

NONCE = re.compile(r'name="nonce" value="([^"]+)"')
RU = {"Accept-Language": "ru-RU,ru;q=0.9"}
EN = {"Accept-Language": "en-GB,en;q=0.9"}


def data_url(data: bytes) -> str:
    return "data:image/png;base64," + base64.b64encode(data).decode()


@pytest.fixture
async def world(container, clock):
    services = container.services
    owner = await owner_with_org(services)
    worker = await _worker(services, owner, "Пётр", "Сидоров")
    client = await services.clients.create(owner, "Анна Смирнова", "+79165550001", None, None)
    orders = []
    for _ in range(2):
        order = await _order(services, owner, clock, client)
        await services.orders.act(owner, order.id, OrderAction.ASSIGN, assignee_id=worker.user.id)
        token = (
            await services.client_loop.issue_page(owner.organization.id, client.id, order.id)
        ).token
        orders.append((order, token))
    return services, owner, worker, orders


async def _finish(services, worker, order) -> None:
    await services.orders.act(worker, order.id, OrderAction.START)
    await services.orders.act(worker, order.id, OrderAction.DONE)


async def _post(client, token, headers=RU, nonce=None, **fields):
    if nonce is None:  # a fresh page's
        page = await client.get(f"/c/{token}", headers=headers)
        nonce = NONCE.search(page.text).group(1)
    return await client.post(
        f"/c/{token}/accept", data={"nonce": nonce, **fields}, headers=headers
    )


async def _signatures(container) -> list[str]:
    return await container.adapters.files.keys("signatures/")


async def test_a_drawn_signature_is_checked_stored_and_recorded_once(client, world, container):
    services, owner, worker, [(order, token), _] = world
    before = await client.get(f"/c/{token}", headers=RU)
    assert 'data-testid="acceptance"' not in before.text and "<script" not in before.text
    await _finish(services, worker, order)
    page = await client.get(f"/c/{token}?staff=1", headers=RU)
    assert_secured(page)
    assert "script-src 'self'" in page.headers["content-security-policy"]
    assert "Принять работу" in page.text and 'data-testid="canvas"' in page.text
    assert '<script src="/sign.js" defer></script>' in page.text
    assert 'name="staff" value="1"' in page.text
    script = await client.get("/sign.js")
    assert script.status_code == 200 and "toDataURL" in script.text
    assert script.headers["content-type"].startswith("text/javascript")

    refused = await _post(client, token, name="", signature=data_url(png()))
    assert refused.status_code == 422 and "введите своё имя" in refused.text
    for bad in (
        "data:image/gif;base64," + base64.b64encode(b"GIF89a" + png()[6:]).decode(),
        data_url(b"GIF89a" + png()[6:]),
        data_url(png()[:20]),
        "data:image/png;base64,not base64!",
        data_url(png() + b"\x00" * (MAX_SIGNATURE_BYTES - len(png()) + 1)),  # just over
    ):
        refused = await _post(client, token, name="Анна", signature=bad)
        assert refused.status_code == 422, bad[:40]
        assert "Не удалось прочитать подпись" in refused.text
    too_big = await _post(client, token, name="Анна", signature=data_url(b"\x00" * 70_000))
    assert too_big.status_code == 413  # the server's body cap
    assert await _signatures(container) == []
    paper = await services.acceptances.paperwork(order.organization_id, order.id)
    assert paper.acceptance is None

    drawn = png(300, 100)
    kept = NONCE.search((await client.get(f"/c/{token}", headers=RU)).text).group(1)
    accepted = await _post(client, token, name=" Анна  С. ", signature=data_url(drawn), staff="1")
    assert accepted.status_code == 200 and "Спасибо! Вы приняли работу." in accepted.text
    paper = await services.acceptances.paperwork(order.organization_id, order.id)
    got = paper.acceptance
    assert got is not None and got.method is AcceptanceMethod.SIGNATURE
    assert got.name == "Анна С." and got.on_staff_device
    assert got.accepted_at == services.clock.now()
    assert await _signatures(container) == [got.signature_key]
    assert await container.adapters.files.get(got.signature_key) == drawn
    again = await _post(client, token, nonce=kept, name="Анна", signature=data_url(drawn))
    assert again.status_code == 409 and "уже принята" in again.text
    assert await _signatures(container) == [got.signature_key]  # the second PNG is removed
    shown = await client.get(f"/c/{token}", headers=RU)
    assert "Подписано на этой странице: Анна С." in shown.text
    assert 'data-testid="canvas"' not in shown.text
    history = await services.orders.history(owner, order.id)
    assert [e.data["method"] for e, _ in history if e.kind == "accepted"] == ["signature"]


async def test_the_name_alone_accepts_the_work_in_english(client, world):
    services, _, worker, [_, (order, token)] = world
    early = await _post_without_section(client, token)
    assert early.status_code == 409 and "is not done yet" in early.text
    await _finish(services, worker, order)
    accepted = await _post(client, token, headers=EN, name="Anna", signature="")
    assert accepted.status_code == 200 and "Thank you! You accepted the work." in accepted.text
    paper = await services.acceptances.paperwork(order.organization_id, order.id)
    assert paper.acceptance is not None and paper.acceptance.method is AcceptanceMethod.NAME
    assert paper.acceptance.signature_key is None and not paper.acceptance.on_staff_device
    shown = await client.get(f"/c/{token}", headers=EN)
    assert "Accepted on this page by Anna" in shown.text


async def _post_without_section(client, token):
    """A POST to an order not done yet (its page carries the nonce of its other forms)."""
    return await _post(client, token, headers=EN, name="Anna")
