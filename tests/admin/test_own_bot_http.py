"""Issue 23, item 1 on the admin page: an owner connects the organization's own bot at
`/settings/ownbot` (the settings page links to it): how to make one in @BotFather, a token
pasted into a password field (never shown again, a malformed one refused with nothing
stored), the bot's state and connection time in the organization's zone, "Staff use it too"
and back, "Disconnect" asked once more; the service's refusals as notices; the changes
audited; managers and workers refused. Russian and English; SQLite and PostgreSQL. The check
job against Telegram is tests/e2e/test_own_bot_page.py."""

from __future__ import annotations

import re

from core.dialogs.engine import DialogInput
from core.domain import Role
from core.ownbot.model import BotState
from core.privacy.model import AuditAction
from tests.admin.board_world import member, signed_in
from tests.admin.test_working_hours_http import _signed_in_as
from tests.support import onboard, owner_with_org, profile

PAGE = "/settings/ownbot"
TOKEN = "987654321:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw1"
SECRET = TOKEN.split(":")[1]


def _clean(html: str) -> None:
    """Nothing of the token in the page."""
    assert SECRET not in html and TOKEN not in html


async def test_an_owner_connects_lets_staff_use_and_disconnects(client, container):
    services = container.services
    owner = await owner_with_org(services)
    _, csrf = await _signed_in_as(client, services, owner)
    settings = await client.get("/settings")
    assert f'href="{PAGE}"' in settings.text and "Свой бот вашего бизнеса" in settings.text
    empty = await client.get(PAGE)
    assert empty.status_code == 200
    assert "1. В @BotFather отправьте /newbot и выберите имя и username бота." in empty.text
    assert 'data-testid="ownbot-status"' not in empty.text
    assert re.search(r'<input type="password" name="token" id="token" value=""[^>]*'
                     r'autocomplete="off"', empty.text)  # fmt: skip
    # CSRF first; then a malformed token is refused in Russian, not echoed, nothing stored.
    assert (await client.post(PAGE, data={"token": TOKEN})).status_code == 403
    wrong = await client.post(PAGE, data={"token": "12345:short-secret-x", "csrf": csrf})
    assert wrong.status_code == 422 and "Это не токен бота" in wrong.text
    assert "short-secret-x" not in wrong.text
    assert await services.own_bots.status(owner) is None

    made = await client.post(PAGE, data={"token": TOKEN, "csrf": csrf})
    assert made.status_code == 303 and made.headers["location"] == f"{PAGE}?done=checking"
    assert SECRET not in made.headers["location"]
    checking = await client.get(made.headers["location"])
    assert "Токен проверяется в Telegram. Когда бот подключится" in checking.text
    assert "бот 987654321" in checking.text and "⏳ токен проверяется в Telegram" in checking.text
    assert "Сотрудники работают через общий бот." in checking.text
    assert "Подключён пн 2 мар., 12:00." in checking.text  # 09:00 UTC in Moscow
    assert "Новый токен заменит подключённого бота." in checking.text
    _clean(checking.text)
    stored = await services.own_bots.status(owner)
    assert stored is not None and stored.state is BotState.CHECKING
    assert stored.telegram_id == 987654321 and stored.connected_by == owner.user.id

    on = await client.post(f"{PAGE}/staff", data={"on": "1", "csrf": csrf})
    assert on.status_code == 303
    page = await client.get(on.headers["location"])
    assert "Сохранено." in page.text and "Сотрудники тоже работают через него." in page.text
    assert "👥 Сотрудники: через общий бот" in page.text
    assert (await services.own_bots.status(owner)).serves_staff  # type: ignore[union-attr]
    off = await client.post(f"{PAGE}/staff", data={"on": "0", "csrf": csrf})
    assert off.status_code == 303
    assert "Сотрудники работают через общий бот." in (await client.get(PAGE)).text

    asked = await client.post(f"{PAGE}/disconnect", data={"csrf": csrf})
    assert asked.status_code == 200 and "Отключить бота? Его токен будет удалён" in asked.text
    assert 'data-testid="ownbot-disconnect-sure"' in asked.text
    assert await services.own_bots.status(owner) is not None  # only asked
    gone = await client.post(f"{PAGE}/disconnect", data={"csrf": csrf, "sure": "1"})
    assert gone.status_code == 303
    after = await client.get(gone.headers["location"])
    assert "Бот отключён, его токен удалён." in after.text
    assert 'data-testid="ownbot-status"' not in after.text
    assert await services.own_bots.status(owner) is None
    again = await client.post(f"{PAGE}/disconnect", data={"csrf": csrf, "sure": "1"})
    assert again.status_code == 409 and "Свой бот организации не подключён." in again.text
    none = await client.post(f"{PAGE}/staff", data={"on": "1", "csrf": csrf})
    assert none.status_code == 409

    async with services.orders._uow() as uow:
        entries = await uow.audit.listing(owner.organization.id, 50, 0)
    actions = [e.action for e in entries]
    assert actions.count(AuditAction.OWN_BOT_CONNECTED) == 1
    assert actions.count(AuditAction.OWN_BOT_DISCONNECTED) == 1
    staff = [e.data for e in entries if e.data.get("name") == "own_bot_staff"]
    assert sorted((d["old"], d["new"]) for d in staff) == [(False, True), (True, False)]
    assert all(SECRET not in str(e.data) for e in entries)


async def _english_owner(services, name: str):
    person = profile("Vera", "en")
    actor = await onboard(services, person, "en")
    for given in (DialogInput(text=name), DialogInput(choice="Europe/London"),
                  DialogInput(choice="EUR")):  # fmt: skip
        await services.dialogs.answer(actor, person.telegram_id, given)
    return await services.users.identify(person)


async def test_in_english_a_bot_of_another_organization_is_refused(client, container):
    services = container.services
    first = await owner_with_org(services)
    await services.own_bots.connect(first, TOKEN)
    vera = await _english_owner(services, "Second house")
    _, csrf = await _signed_in_as(client, services, vera)
    empty = await client.get(PAGE)
    assert "1. In @BotFather send /newbot and choose the bot's name and username." in empty.text
    assert "Paste the token @BotFather gives" in empty.text
    taken = await client.post(PAGE, data={"token": TOKEN, "csrf": csrf})
    assert taken.status_code == 409
    assert "This bot is already connected to another organization." in taken.text
    _clean(taken.text)
    assert await services.own_bots.status(vera) is None
    wrong = await client.post(PAGE, data={"token": "not a token", "csrf": csrf})
    assert wrong.status_code == 422 and "That is not a bot token." in wrong.text
    mine = "123456789:" + "B" * 35
    made = await client.post(PAGE, data={"token": mine, "csrf": csrf})
    assert made.status_code == 303
    shown = (await client.get(made.headers["location"])).text
    assert "The token is being checked with Telegram." in shown
    assert "State: ⏳ checking the token with Telegram" in shown
    assert "Connected Mon 2 Mar, 09:00." in shown  # London is on UTC in March
    assert "B" * 35 not in shown


async def test_managers_and_workers_are_refused(client, container):
    services = container.services
    owner = await owner_with_org(services)
    mila = await member(services, owner, Role.MANAGER, "Мила", "Петрова")
    token = await signed_in(client, services, mila)  # the session's CSRF token: valid
    assert f'href="{PAGE}"' not in (await client.get("/settings")).text
    refused = await client.get(PAGE)
    assert refused.status_code == 403 and "Your role does not allow this." in refused.text
    for path, form in (
        (PAGE, {"token": TOKEN}),
        (f"{PAGE}/staff", {"on": "1"}),
        (f"{PAGE}/disconnect", {"sure": "1"}),
    ):
        refused = await client.post(path, data={**form, "csrf": token})
        assert refused.status_code == 403, path
        assert "Your role does not allow this." in refused.text
        _clean(refused.text)
    assert await services.own_bots.status(owner) is None
    membership = next(v for v in await services.team.team(owner) if v.user.id == mila.user.id)
    await services.team.change_role(owner, membership.membership.id, Role.WORKER)
    assert (await client.get(PAGE)).status_code == 403
    refused = await client.post(PAGE, data={"token": TOKEN, "csrf": token})
    assert refused.status_code == 403
    assert await services.own_bots.status(owner) is None
