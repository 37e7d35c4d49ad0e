"""Document numbers, usernames, foreign phones and names without a model (core.deid_*)."""

import pytest

from core.deid import Entity, deidentify, find_spans, restore
from core.deid_documents import is_inn, is_snils


def hidden(text: str, found=()) -> list[str]:
    return [text[s.start : s.end] for s in find_spans(text, found=found)]


@pytest.mark.parametrize(
    ("number", "valid"),
    [
        ("112-233-445 95", True),
        ("11223344595", True),
        ("112-233-445 96", False),
        ("001-001-998 00", False),  # numbers up to 001-001-998 carry no check
    ],
)
def test_snils_check_digits(number, valid):
    assert is_snils(number) is valid


@pytest.mark.parametrize(
    ("number", "valid"),
    [
        ("7707083893", True),  # 10 digits: an organisation
        ("7707083894", False),
        ("500100732259", True),  # 12 digits: a person
        ("500100732258", False),
        ("12345", False),
    ],
)
def test_inn_check_digits(number, valid):
    assert is_inn(number) is valid


@pytest.mark.parametrize(
    "text",
    [
        "паспорт 45 12 345678",
        "паспорт 4512 345678",
        "паспорт 45 07 № 612398",
        "паспорт 4512345678",
        "серия 4509 номер 716253",
        "СНИЛС 112-233-445 95",
        "ИНН 7707083893",
        "ИНН 500100732259",
    ],
)
def test_documents_are_hidden_whole(text):
    redacted = deidentify(text)
    assert not any(c.isdigit() for c in redacted.text.replace("_1", "").replace("_2", ""))
    assert "[DOCUMENT_1]" in redacted.text
    assert restore(redacted.text, redacted.mapping) == text


def test_numbers_that_fail_the_checks_are_no_documents():
    text = "заказ 7707083894, код 112-233-445 96, сумма 48 000 руб, 12.03.2015 в 10:30, №3481"
    assert "DOCUMENT" not in deidentify(text).text
    kept = "сумма 48 000 руб, 12.03.2015 в 10:30, №3481"
    assert deidentify(kept).text == kept


def test_usernames_but_not_emails_parts():
    redacted = deidentify("пишите @oksana_nails или на oksana@mail.ru")
    assert redacted.text == "пишите [USERNAME_1] или на [EMAIL_1]"


@pytest.mark.parametrize(
    "phone", ["+44 7700 900123", "020 7946 0958", "07700 900456", "(415) 555-0132"]
)
def test_foreign_phone_formats(phone):
    assert hidden(f"call me on {phone} after 5pm") == [phone]


def test_english_names_titles_and_the_words_that_stay():
    text = (
        "My neighbour Tom and Mrs. O'Brien said Dr. Levine will pay $450 on Friday, June 12. "
        "Kevin will bring the Samsung fridge."
    )
    assert hidden(text) == ["Tom", "Mrs. O'Brien", "Dr. Levine", "Kevin"]


def test_english_addresses_as_people_say_them():
    text = "Flat 2, 64 Queen's Road; at number 14; Church Road, number 27; 3/15 King Street."
    assert hidden(text) == [
        "Flat 2, 64 Queen's Road",
        "number 14",
        "Church Road, number 27",
        "3/15 King Street",
    ]


def test_russian_names_and_addresses_without_a_model():
    text = "Ирина Петровна живёт на Лесной 8, ключи у Фаруха в сорок пятой квартире, скидка 10%."
    assert hidden(text) == ["Ирина Петровна", "Лесной 8", "Фаруха", "сорок пятой квартире"]


def test_found_entities_are_hidden_and_joined_with_the_address_around():
    text = "прописка Москва, Ленинский проспект 32, кв 115"
    found = [Entity(9, 15, "ADDRESS")]
    assert hidden(text, found) == ["Москва, Ленинский проспект 32, кв 115"]


def test_found_entities_never_split_a_placeholder():
    text = "Номер [PHONE_1], спросите Анну"
    found = [Entity(7, 12, "PERSON"), Entity(26, 30, "PERSON")]
    redacted = deidentify(text, found=found)
    assert redacted.text == "Номер [PHONE_1], спросите [PERSON_1]"
