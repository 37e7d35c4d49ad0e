"""Issue 23, item 1 through the admin page, end to end: the real bot with its admin app and job
runners, the emulator serving the second bot. An owner signed in from /admin pastes the
token on `/settings/ownbot`; the same check job as the chat's asks Telegram, sets the bot's
menu and descriptions and tells the owner in Telegram; the page then shows @username
working. The token never appears in a page, the chat or a log line (captured at DEBUG,
with the safety net that rewrites tokens taken off, so a leak would show)."""

from __future__ import annotations

import pytest

from sandbox.emulator import TelegramEmulator
from tests.e2e.scenario import create_org, next_with
from tests.e2e.test_admin import admin_link, sign_in
from tests.e2e.test_log_hygiene import captured_logs
from tests.e2e.test_own_bot import OWN_TOKEN

PAGE = "/settings/ownbot"
SECRET = OWN_TOKEN.split(":")[1]


@pytest.fixture
def raw_logs():
    """Every log line as production writes it at DEBUG, before the redacting filter."""
    with captured_logs(redacted=False) as lines:
        yield lines


async def test_an_owner_connects_the_bot_on_the_admin_page(raw_logs, admin_crm):
    own = admin_crm.server.add_bot(
        TelegramEmulator(OWN_TOKEN, bot_first_name="Чистый дом", bot_username="clean_house_bot")
    )
    olga = admin_crm.emulator.user(7931, "Ольга", language_code="ru")
    await create_org(olga)
    pages: list[str] = []
    async with sign_in(await admin_link(olga)) as (web, csrf):
        wrong = await web.post(PAGE, data={"token": "12345:short", "csrf": csrf})
        assert wrong.status_code == 422 and "Это не токен бота" in wrong.text
        made = await web.post(PAGE, data={"token": f" {OWN_TOKEN}\n", "csrf": csrf})
        assert made.status_code == 303, made.text
        checking = await web.get(made.headers["location"])
        assert "Токен проверяется в Telegram" in checking.text
        told = await next_with(olga, "clean_house_bot")  # the check job, through the outbox
        assert "✅ @clean_house_bot подключён" in told.text
        shown = await web.get(PAGE)
        assert 'href="https://t.me/clean_house_bot"' in shown.text
        assert "@clean_house_bot" in shown.text and "Состояние: ✅ работает" in shown.text
        assert "Подключён ср 4 мар., 09:" in shown.text  # the clock's day, in Moscow
        staff = await web.post(f"{PAGE}/staff", data={"on": "1", "csrf": csrf})
        assert staff.status_code == 303
        serving = await web.get(PAGE)
        assert "Сотрудники тоже работают через него." in serving.text
        pages += [wrong.text, checking.text, shown.text, serving.text]
    texts = own.state.profile_texts  # the same job as the chat's set the bot's profile
    assert texts[("description", "")].startswith("Чистый дом: запись на визит")
    assert texts[("short_description", "en")] == "Чистый дом: orders, reminders and payments"
    for html in pages:
        assert SECRET not in html
    chat = admin_crm.emulator.chat(7931)
    assert all(SECRET not in str(m.message) for m in chat.messages.values())  # the bot's too
    assert any("Application started" in line for line in raw_logs), raw_logs  # installed
    assert [line for line in raw_logs if SECRET in line] == []
