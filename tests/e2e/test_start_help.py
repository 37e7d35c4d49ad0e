"""/start and /help end to end, in English and Russian, plus odd and malformed input."""

import httpx


async def test_start_in_russian_and_help(crm):
    olga = crm.emulator.user(501, "Ольга", language_code="ru")
    await olga.send("/start")
    first = await olga.reply()
    assert "Выберите язык" in first.text and "✓ Русский" in first.labels
    await olga.tap("✓ Русский")
    age = await olga.reply()
    assert "16" in age.text
    await olga.send("/help")
    help_text = await olga.reply()
    assert "Что я умею" in help_text.text and "/start" in help_text.text


async def test_help_in_english_for_a_stranger(crm):
    bob = crm.emulator.user(502, "Bob", language_code="en")
    await bob.send("/help")
    reply = await bob.reply()
    assert "What I can do" in reply.text and "/start" in reply.text
    assert "/team" not in reply.text


async def test_unknown_command_and_plain_text_get_a_hint(crm):
    bob = crm.emulator.user(503, "Bob", language_code="en")
    await bob.send("/frobnicate")
    assert "/start" in (await bob.reply()).text
    await bob.send("hello?")
    assert "/start" in (await bob.reply()).text


async def test_malformed_updates_do_not_stop_the_bot(crm):
    state = crm.emulator.state
    state.push_update("message", {"message_id": 1, "date": 0})  # no chat, no sender
    state.push_update("edited_message", {"weird": True})
    state.push_update(
        "callback_query",
        {
            "id": "x",
            "from": {"id": 9, "is_bot": False, "first_name": "X"},
            "chat_instance": "1",
            "data": "zz",
        },
    )
    bob = crm.emulator.user(504, "Bob", language_code="en")
    await bob.send("/help")
    assert "What I can do" in (await bob.reply()).text


async def test_default_menus_are_set_in_both_languages(crm):
    stranger = crm.emulator.user(505, "Eve", language_code="ru")
    assert [name for name, _ in stranger.commands()] == ["start", "help"]
    async with httpx.AsyncClient() as client:
        token = crm.emulator.token
        result = await client.post(
            f"{crm.server.api_base_url}{token}/getMyCommands", json={"language_code": "ru"}
        )
    assert result.json()["result"][1]["description"] == "Что я умею"
