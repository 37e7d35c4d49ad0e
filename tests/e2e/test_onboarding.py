"""Issue scenarios: owners, invites, roles, deactivation and several organizations."""

import asyncio

from telegram import Update

from core.clock import SystemClock
from storage.db import session_factory
from storage.uow import SqlUnitOfWork
from tests.e2e.scenario import create_org, invite_link, onboard, reason_of


async def test_owner_onboards_in_russian_and_creates_an_organization(crm):
    olga = crm.emulator.user(601, "Ольга", language_code="ru")
    await create_org(olga)
    names = [name for name, _ in olga.commands()]
    assert {"team", "neworder", "settings", "more"} <= set(names)
    await olga.send("/team")
    team = await olga.reply()
    assert "Ольга" in team.text and "владелец" in team.text


async def test_team_joins_by_deep_link_and_roles_hold(crm):
    olga = crm.emulator.user(611, "Ольга", language_code="ru")
    await create_org(olga)
    token = await invite_link(olga, "Менеджер")
    mary = crm.emulator.user(612, "Mary", language_code="en")
    await onboard(mary, "en", payload=token)
    joined = await mary.reply()
    assert "You joined" in joined.text and "manager" in joined.text
    note = await olga.reply()
    assert "Mary" in note.text and "менеджер" in note.text
    assert "team" in [n for n, _ in mary.commands()]

    worker_token = await invite_link(olga, "Работник")
    ivan = crm.emulator.user(613, "Ivan", language_code="en")
    await onboard(ivan, "en", payload=worker_token)
    assert "worker" in (await ivan.reply()).text
    await olga.reply()  # joined notification
    assert "team" not in [n for n, _ in ivan.commands()]
    await ivan.send("/invite")
    assert "does not allow" in (await ivan.reply()).text

    await olga.send("/team")
    await olga.reply()
    await olga.tap("Ivan")
    card = await olga.reply()
    await olga.tap("Отключить")
    edited = await olga.wait_edit(card.message_id)
    assert "отключён" in edited.text
    assert "revoked" in (await ivan.reply()).text
    await ivan.send("/help")
    assert "revoked" in (await ivan.reply()).text


async def test_used_and_forged_links_change_nothing(crm):
    olga = crm.emulator.user(621, "Ольга", language_code="ru")
    await create_org(olga)
    token = await invite_link(olga, "Работник")
    ivan = crm.emulator.user(622, "Ivan", language_code="en")
    await onboard(ivan, "en", payload=token)
    await ivan.reply()
    petr = crm.emulator.user(623, "Petr", language_code="en")
    await onboard(petr, "en", payload=token)
    assert "already been used" in (await petr.reply()).text
    await petr.send("/start i_forgedforgedforgedforged")
    assert "not valid" in (await petr.reply()).text
    await petr.send("/team")
    assert "not in an organization" in (await petr.reply()).text


async def test_a_person_in_two_organizations_switches(crm):
    olga = crm.emulator.user(631, "Ольга", language_code="ru")
    await create_org(olga, "Первая")
    anna = crm.emulator.user(632, "Анна", language_code="ru")
    await create_org(anna, "Вторая")
    token = await invite_link(anna, "Менеджер")
    await olga.send(f"/start {token}")
    assert "Вторая" in (await olga.reply()).text
    await anna.reply()
    await olga.send("/org")
    listing = await olga.reply()
    assert "✓ Вторая" in listing.text
    await olga.tap("Первая")
    switched = await olga.reply()
    assert "Первая" in switched.text and "владелец" in switched.text


async def test_a_flow_survives_a_restart(crm):
    olga = crm.emulator.user(641, "Ольга", language_code="ru")
    await onboard(olga, "ru")
    await olga.reply()
    await olga.send("Чистый дом")
    await olga.reply()  # time zone question
    await crm.restart_bot()
    await olga.send("Europe/Moscow")
    currency = await olga.reply()
    assert "валюте" in currency.text
    await olga.tap("RUB")
    assert "Чистый дом" in (await olga.reply()).text


async def test_a_redelivered_update_is_applied_once(crm):
    olga = crm.emulator.user(651, "Ольга", language_code="ru")
    await onboard(olga, "ru")
    await olga.reply()
    raw = {
        "update_id": 990001,
        "message": {
            "message_id": 500,
            "date": 1,
            "chat": {"id": 651, "type": "private"},
            "from": {"id": 651, "is_bot": False, "first_name": "Ольга", "language_code": "ru"},
            "text": "Чистый дом",
        },
    }
    app = crm.app
    await app.update_queue.put(Update.de_json(raw, app.bot))
    zones = await olga.reply()
    assert "часовом поясе" in zones.text
    await app.update_queue.put(Update.de_json(raw, app.bot))
    await olga.send("/help")
    after = await olga.reply()
    assert "Что я умею" in after.text, "the redelivered text was answered again"


async def test_language_switch_changes_replies_and_menu(crm):
    olga = crm.emulator.user(661, "Ольга", language_code="ru")
    await create_org(olga)
    await olga.send("/language")
    await olga.reply()
    await olga.tap("English")
    assert "English" in (await olga.reply()).text
    assert dict(olga.commands())["team"] == "Your team: roles and access"
    await olga.send("/settings")
    assert "Your settings" in (await olga.reply()).text


async def test_bad_input_during_onboarding(crm):
    eve = crm.emulator.user(671, "Eve", language_code="en")
    await eve.send("/team")
    assert "/start" in (await eve.reply()).text
    await onboard(eve, "en")
    name = await eve.reply()
    await eve.send("\u200b  ")
    assert "cannot be empty" in reason_of(await eve.reply(), name)  # one message
    await eve.send("x" * 500)
    assert "limit is 100" in reason_of(await eve.reply(), name)
    await eve.send("Acme <b>&</b>")
    zone = await eve.reply()
    await eve.send("Mars/Olympus")
    assert "Mars/Olympus" in reason_of(await eve.reply(), zone)
    await eve.send("Berlin")
    await eve.reply()
    await eve.tap("EUR")
    assert "Acme &lt;b&gt;" in (await eve.reply()).html


async def test_text_where_a_button_is_expected_is_one_message_in_the_chosen_language(crm):
    """The reason and the question again, one message, in the language the dialog has: the
    Telegram one before a language is picked, the picked one after."""
    eve = crm.emulator.user(675, "Eve", language_code="en")
    await eve.send("/start")
    language = await eve.reply()
    await eve.send("Russian, please")
    assert reason_of(await eve.reply(), language) == "Please tap one of the buttons."
    await eve.tap("Русский")
    age = await eve.reply()
    assert age.text == "Подтвердите, пожалуйста, что вам исполнилось 16 лет."
    await eve.send("ну да")
    assert reason_of(await eve.reply(), age) == "Пожалуйста, нажмите одну из кнопок."
    await eve.tap(age.labels[0])
    assert (await eve.reply()).text.startswith("Ваша конфиденциальность")  # nothing before


async def test_declining_then_starting_again(crm):
    # The second tap waits for the first one's turn in the chat; on a loaded machine that can
    # take longer than the 0.4 s after which a tap gets an empty answer (bot/answers.py), and
    # the handler's "earlier step" would then be dropped: give it the time it needs here.
    assert crm.app is not None
    crm.app.answers.grace = 30.0
    eve = crm.emulator.user(681, "Eve", language_code="en")
    await eve.send("/start")
    language = await eve.reply()
    await eve.tap("✓ English")
    await eve.reply()
    echoed = next(m for m in eve.messages() if m.message_id == language.message_id)
    assert echoed.text.endswith("Language: English ✓"), echoed.text  # not "✓ English ✓"
    await eve.double_tap("No")
    assert "16" in (await eve.reply()).text
    assert "earlier step" in (await eve.callback_answer())
    await eve.send("/help")
    assert "What I can do" in (await eve.reply()).text, "the second tap was answered again"
    await onboard(eve, "en")
    assert "business called" in (await eve.reply()).text


async def test_a_user_who_blocks_the_bot_is_marked_and_comes_back(crm):
    olga = crm.emulator.user(691, "Ольга", language_code="ru")
    await create_org(olga)
    token = await invite_link(olga, "Работник")
    await olga.block()
    ivan = crm.emulator.user(692, "Ivan", language_code="en")
    await onboard(ivan, "en", payload=token)
    assert "You joined" in (await ivan.reply()).text
    assert await _eventually(crm, 691, lambda user: user.unreachable_at is not None)
    await olga.unblock()
    await olga.send("/help")
    assert "Что я умею" in (await olga.reply()).text
    assert await _eventually(crm, 691, lambda user: user.unreachable_at is None)


async def _eventually(crm, telegram_id, predicate, seconds=5.0):
    """Read the user row (without touching it) until `predicate` holds."""
    sessions = session_factory(crm.container.engine)
    for _ in range(int(seconds / 0.05)):
        async with SqlUnitOfWork(sessions, SystemClock()) as uow:
            user = await uow.users.by_telegram_id(telegram_id)
        if user is not None and predicate(user):
            return True
        await asyncio.sleep(0.05)
    return False
