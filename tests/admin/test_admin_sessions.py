"""Web sessions (issue 25, item 12) over ASGI on both databases: the Sessions page lists the
person's browsers (browser and system, address, first and last seen) and signs out one or
all; "last seen" costs one UPDATE a minute at most; a sign-in from a browser the person has
not used before queues one Telegram message in their language, a known browser none."""

from __future__ import annotations

import json

import pytest

from bot.admin.app import build_admin_app
from tests.admin.support_sessions import (
    CHROME,
    FIREFOX,
    SAFARI,
    browser,
    manager_of,
    rows,
    sessions,
    sign_in,
)
from tests.admin.test_admin_transactions import Cost
from tests.support import owner_with_org


@pytest.fixture
def app(container):
    return build_admin_app(container)


@pytest.fixture
async def cost(container):
    counted = Cost(container.engine)
    yield counted
    counted.close()


async def test_the_page_lists_browsers_and_last_seen_is_written_once_a_minute(
    app, container, clock, cost, db_url
):
    services = container.services
    owner = await owner_with_org(services)  # Russian, Europe/Moscow; the clock: 12:00 there
    async with (
        browser(app, CHROME, "203.0.113.5") as chrome,
        browser(app, FIREFOX, "198.51.100.7") as firefox,
    ):
        await sign_in(chrome, services, owner)
        clock.advance(minutes=5)
        await sign_in(firefox, services, owner)
        cost.reset()
        listed, _ = await sessions(chrome)  # 5 minutes since Chrome was seen: written now
        assert [w.split(" SET")[0] for w in cost.writes] == ["UPDATE admin_session"]
        (chrome_id, chrome_row), (firefox_id, firefox_row) = sorted(listed.items())
        assert "Chrome 120, Windows <b>(этот браузер)</b>" in chrome_row
        assert "203.0.113.5" in chrome_row and "12:00" in chrome_row and "12:05" in chrome_row
        assert "Firefox 121, Linux" in firefox_row and "этот браузер" not in firefox_row
        assert "198.51.100.7" in firefox_row and "Чистый дом" in firefox_row
        assert firefox_row.count("12:05") == 2  # first and last seen
        for _ in range(3):
            cost.reset()
            assert (await chrome.get("/settings")).status_code == 200
            assert cost.writes == [] and cost.committed == 0
        clock.advance(seconds=59)
        cost.reset()
        assert (await chrome.get("/board")).status_code == 200
        assert cost.writes == []
        clock.advance(seconds=1)  # a minute since it was last written
        async with browser(app, CHROME, "192.0.2.44", cookies=chrome.cookies) as moved:
            cost.reset()
            again, _ = await sessions(moved)
            assert [w.split(" SET")[0] for w in cost.writes] == ["UPDATE admin_session"]
            assert cost.committed == 1
        assert "192.0.2.44" in again[chrome_id] and "12:06" in again[chrome_id]
        assert "<b>(этот браузер)</b>" in (await sessions(firefox))[0][firefox_id]
    stored = await rows(db_url, "SELECT user_agent, ip FROM admin_session ORDER BY id")
    assert [tuple(r) for r in stored] == [(CHROME, "192.0.2.44"), (FIREFOX, "198.51.100.7")]


async def test_sign_out_one_then_the_other_works_and_sign_out_everywhere(app, container, db_url):
    services = container.services
    owner = await owner_with_org(services)
    async with (
        browser(app, CHROME) as chrome,
        browser(app, FIREFOX) as firefox,
        browser(app, SAFARI) as safari,
    ):
        for web in (chrome, firefox):
            await sign_in(web, services, owner)
        listed, csrf = await sessions(chrome)
        mine = next(i for i, row in listed.items() if "этот браузер" in row)
        (other,) = set(listed) - {mine}
        forged = await chrome.post(f"/sessions/{other}/revoke", data={"csrf": "x"})
        assert forged.status_code == 403
        ended = await chrome.post(f"/sessions/{other}/revoke", data={"csrf": csrf})
        assert ended.status_code == 303 and ended.headers["location"] == "/sessions?ended=1"
        assert "Сеанс завершён" in (await chrome.get("/sessions?ended=1")).text
        assert (await firefox.get("/settings")).status_code == 401
        assert (await chrome.get("/settings")).status_code == 200
        listed, csrf = await sessions(chrome)
        assert list(listed) == [mine]
        again = await chrome.post(f"/sessions/{other}/revoke", data={"csrf": csrf})
        assert again.status_code == 404  # already ended: nothing to end
        await sign_in(safari, services, owner)
        own = await chrome.post(f"/sessions/{mine}/revoke", data={"csrf": csrf})
        assert own.status_code == 200 and "Вы вышли в этом браузере" in own.text
        assert 'astracrm_session=""' in own.headers["set-cookie"]
        assert (await safari.get("/settings")).status_code == 200
        for web in (chrome, firefox):
            await sign_in(web, services, owner)
        listed, csrf = await sessions(safari)
        assert len(listed) == 3
        everywhere = await safari.post("/sessions/revoke-all", data={"csrf": csrf})
        assert everywhere.status_code == 200
        assert "Выход выполнен везде: завершено 3 сеанса." in everywhere.text
        for web in (chrome, firefox, safari):
            assert (await web.get("/settings")).status_code == 401
    audit = await rows(
        db_url,
        "SELECT action, subject_type, subject_id, data FROM audit_event "
        "WHERE action LIKE 'admin.signed_out%' ORDER BY id",
    )
    assert [(a, k, i) for a, k, i, _ in audit] == [
        ("admin.signed_out", "admin_session", other),
        ("admin.signed_out", "admin_session", mine),
        ("admin.signed_out_everywhere", None, None),
    ]
    data = audit[-1][3]
    assert (json.loads(data) if isinstance(data, str) else data) == {"sessions": 3, "via": "web"}


async def test_someone_elses_session_is_not_found(app, container):
    services = container.services
    owner = await owner_with_org(services)
    manager = await manager_of(services, owner, "en")
    async with browser(app, CHROME) as chrome, browser(app, FIREFOX) as firefox:
        await sign_in(chrome, services, owner)
        await sign_in(firefox, services, manager)
        (owners,) = (await sessions(chrome))[0]
        listed, csrf = await sessions(firefox)  # a manager has the page too, in English
        assert "Firefox 121 on Linux <b>(this browser)</b>" in listed[next(iter(listed))]
        refused = await firefox.post(f"/sessions/{owners}/revoke", data={"csrf": csrf})
        assert refused.status_code == 404
        assert (await chrome.get("/settings")).status_code == 200


async def _outbox(db_url) -> list[tuple[int, dict]]:
    found = await rows(db_url, "SELECT chat_id, body FROM outbox ORDER BY id")
    return [(chat, json.loads(body) if isinstance(body, str) else body) for chat, body in found]


async def test_a_new_browser_sends_one_message_a_known_one_none(app, container, clock, db_url):
    services = container.services
    owner = await owner_with_org(services)
    manager = await manager_of(services, owner, "en")
    async with (
        browser(app, CHROME, "203.0.113.5") as chrome,
        browser(app, FIREFOX, "198.51.100.7") as firefox,
    ):
        await sign_in(chrome, services, owner)  # the first sign-in ever: nothing to compare
        clock.advance(minutes=30)
        await sign_in(chrome, services, owner)  # the same browser (its device cookie)
        assert await _outbox(db_url) == []
        await sign_in(firefox, services, owner)  # signed in before, never from Firefox
        await sign_in(firefox, services, owner)
        await sign_in(chrome, services, manager)  # the manager's first sign-in
        await sign_in(firefox, services, manager)  # the manager has not used Firefox
    sent = await _outbox(db_url)
    assert [chat for chat, _ in sent] == [owner.user.telegram_id, manager.user.telegram_id]
    (_, russian), (_, english) = sent
    assert russian["method"] == "send" and russian["kept"] is True  # even if restricted
    assert russian["params"]["text"] == (
        "🔐 <b>Новый вход</b> на веб-страницы Чистый дом из браузера, которым вы раньше не "
        "пользовались:\nFirefox 121, Linux\nАдрес: 198.51.100.7\nпн 2 мар., 12:30\n\n"
        "Если это были не вы, нажмите кнопку: все веб-сеансы сразу завершатся. Затем "
        "отправьте /admin, чтобы получить новую ссылку."
    )
    button = {"text": "Не вы? Выйти везде", "callback_data": "wso"}
    assert russian["params"]["markup"] == {"inline_keyboard": [[button]]}
    assert english["params"]["text"].startswith("🔐 <b>New sign-in</b> to the web pages of")
    assert (
        "Firefox 121 on Linux\nAddress: 198.51.100.7\nMon 2 Mar, 12:30"
        in english["params"]["text"]
    )
    english_button = english["params"]["markup"]["inline_keyboard"][0][0]
    assert english_button == {"text": "Not you? Sign out everywhere", "callback_data": "wso"}


async def test_a_browser_without_cookies_is_new_every_time(app, container, db_url):
    services = container.services
    owner = await owner_with_org(services)
    async with browser(app, CHROME) as chrome:
        await sign_in(chrome, services, owner)
    for _ in range(2):
        async with browser(app, CHROME) as forgetful:  # a private window: a fresh jar
            await sign_in(forgetful, services, owner)
    async with browser(app, CHROME, cookies={"astracrm_device": "short"}) as odd:
        await sign_in(odd, services, owner)  # a device id of the wrong shape: a new one
        assert len(odd.cookies.get("astracrm_device", domain="admin.test") or "") > 40
    assert len(await _outbox(db_url)) == 3
    hashes = await rows(db_url, "SELECT device_hash FROM admin_session")
    assert len({h for (h,) in hashes}) == 4 and all(len(h) == 64 for (h,) in hashes)
