"""De-identification of addresses (Russian and English, written in the usual ways, and known
addresses however they are punctuated), and of names in English text: properties."""

from __future__ import annotations

import re

from hypothesis import given
from hypothesis import strategies as st

from core.deid import deidentify, restore

FILLER = ("завтра", "мастер", "приехать", "please", "come", "after", "lunch", "10:30", "№12")
SEPARATORS = (" ", ", ", ". ", "; ", "\n")
RU_STREETS = ("Ленина", "Сухонская", "Тверская", "Садовая-Кудринская", "Мира", "Профсоюзная")
RU_TYPES = ("ул.", "ул", "улица", "пр-т", "просп.", "пер.", "ш.", "б-р", "наб.", "проезд")
RU_AFTER = ("проспект", "шоссе", "бульвар", "переулок")
EN_STREETS = ("Baker", "Abbey", "Oak Tree", "Pennsylvania", "Harrow")
EN_TYPES = ("Street", "St.", "Avenue", "Ave.", "Road", "Lane", "Drive", "Court")
EN_NAMES = ("John Smith", "Mary Johnson", "Robert Brown", "Emily Davis", "Oliver Wilson")


@st.composite
def russian_addresses(draw) -> tuple[str, str]:
    """(as written, the street's name): "ул. Ленина, д. 5, кв. 12", "Ленинский проспект 12"."""
    name = draw(st.sampled_from(RU_STREETS))
    house = draw(st.integers(1, 250))
    houses = (f", д. {house}", f" {house}", f", дом {house}", f" д.{house}")
    house_text = draw(st.sampled_from(houses))
    flat = draw(st.sampled_from(("", f", кв. {draw(st.integers(1, 400))}", ", корп. 2")))
    if draw(st.booleans()):
        return f"{draw(st.sampled_from(RU_TYPES))} {name}{house_text}{flat}", name
    adjective = name[:-2] + "ский" if name.endswith("ая") else name + "ский"
    kind = draw(st.sampled_from(RU_AFTER))
    return f"{adjective} {kind}, {house}{flat}", adjective


@st.composite
def english_addresses(draw) -> tuple[str, str]:
    name = draw(st.sampled_from(EN_STREETS))
    number = draw(st.integers(1, 999))
    suffix = draw(st.sampled_from(("", ", apt 4", ", flat 2B", ", suite 100")))
    return f"{number} {name} {draw(st.sampled_from(EN_TYPES))}{suffix}", name


@st.composite
def embedded(draw, values: list[str]) -> str:
    pieces = draw(st.permutations(draw(st.lists(st.sampled_from(FILLER), max_size=6)) + values))
    text = pieces[0]
    for piece in pieces[1:]:
        text += draw(st.sampled_from(SEPARATORS)) + piece
    return text


def _has_word(text: str, word: str) -> bool:
    return re.search(rf"(?<!\w){re.escape(word)}(?!\w)", text, re.IGNORECASE) is not None


@given(st.data(), st.lists(russian_addresses(), min_size=1, max_size=2))
def test_russian_addresses_are_hidden(data, seeded):
    text = data.draw(embedded([written for written, _ in seeded]))
    result = deidentify(text)
    for _, street in seeded:
        assert not _has_word(result.text, street), (text, result.text)
    assert restore(result.text, result.mapping) == text
    assert "10:30" in result.text or "10:30" not in text


@given(st.data(), st.lists(english_addresses(), min_size=1, max_size=2))
def test_english_addresses_are_hidden(data, seeded):
    text = data.draw(embedded([written for written, _ in seeded]))
    result = deidentify(text)
    for written, _ in seeded:
        assert written not in result.text, (text, result.text)
    assert restore(result.text, result.mapping) == text


@given(st.data(), russian_addresses())
def test_a_known_address_is_found_without_its_punctuation(data, address):
    written, street = address
    loose = re.sub(r"[.,]", "", written)
    loose = data.draw(st.sampled_from((loose, loose.lower(), written)))
    text = data.draw(embedded([loose]))
    result = deidentify(text, known_addresses=[written])
    assert not _has_word(result.text, street), (text, result.text)
    assert restore(result.text, result.mapping) == text


@given(st.data(), st.lists(st.sampled_from(EN_NAMES), min_size=1, max_size=3))
def test_english_names_are_hidden_in_any_case(data, names):
    forms = [data.draw(st.sampled_from((n, n.upper(), n.lower(), n.split()[0]))) for n in names]
    text = data.draw(embedded(forms))
    result = deidentify(text, known_names=names)
    for form in forms:
        for word in form.split():
            assert not _has_word(result.text, word), (text, result.text)
    assert restore(result.text, result.mapping) == text
