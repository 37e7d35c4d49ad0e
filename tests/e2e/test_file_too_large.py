"""Issue scenario: a file over its limit is refused with its size written as the reader's
language writes decimals ("5,5 МБ" for a Russian reader, never "5.5")."""

from tests.e2e.scenario import started_order

MB = 1024 * 1024


async def test_a_text_file_over_its_limit_is_sized_in_russian_decimals(crm):
    client = ("+7 916 111 22 33", "Анна", "Москва, Тверская, 1")
    olga, _ivan, _card = await started_order(crm, (961, 962), client)
    await olga.send("/order 1")
    await olga.reply()
    await olga.send_document(b"a" * (5 * MB + MB // 2), "notes.txt", "text/plain")
    refused = await olga.reply()
    assert refused.text == "Этот файл весит 5,5 МБ, а можно не больше 5 МБ.", refused.text
