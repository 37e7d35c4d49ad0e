"""Callback data no action decodes from (an old format, a forged or mangled tap, odd Unicode,
huge numbers) is answered "no longer valid" through the real stack, in the reader's
language; well-formed data of buttons already in chats still reaches its handler."""

from tests.e2e.scenario import create_org, onboard

STALE_RU = "Эта кнопка больше не действует."
STALE_EN = "This button is no longer valid."
FORGED = [
    "",
    "o:abc",
    "o:007",
    "o:١٢",  # Arabic-Indic digits, which int() would read
    "o:9223372036854775808",  # over int64
    "o:" + "9" * 60,
    "oa:1:pay",  # a sub-action the tap does not take
    "oa:1:start:extra",
    "ol:open:100001",  # a page no list has
    "tm:5:role:king",
    "inv:owner",
    "np:bogus",
    "tl:tr:yes",
    "ce:1:bogus",
    "cf:0:Ива\u200bнов",  # a zero-width space
    "d:onboarding:language:r\tu",
    "о:1",  # a Cyrillic 'о'
    "unknown:1",
]


async def test_forged_data_is_answered_out_of_date_and_the_bot_goes_on(crm):
    olga = crm.emulator.user(951, "Ольга", language_code="ru")
    await create_org(olga)
    message = olga.last()
    for data in FORGED:
        olga.forge_callback(message.message_id, data)
        assert await olga.callback_answer() == STALE_RU, repr(data)

    olga.forge_callback(message.message_id, "o:9223372036854775807")  # the largest id: no such
    assert await olga.callback_answer() == "Этот заказ вам больше недоступен."
    olga.forge_callback(message.message_id, "dl:unassigned")  # as an old digest's button wrote it
    assert "Заказы: без исполнителя" in (await olga.reply()).text
    assert await olga.callback_answer() is None
    await olga.send("/help")
    assert "Что я умею" in (await olga.reply()).text


async def test_out_of_date_in_english(crm):
    eve = crm.emulator.user(952, "Eve", language_code="en")
    await onboard(eve, "en")
    assert "business called" in (await eve.reply()).text
    eve.forge_callback(eve.last().message_id, "oa:1:cancel!!")
    assert await eve.callback_answer() == STALE_EN
