"""Cleaning names and search keys, including odd Unicode."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from core.errors import DomainError
from core.regional import parse_timezone
from core.text import NAME_MAX, clean_line, clean_name, search_key


def test_invisible_and_control_characters_are_dropped():
    assert clean_name("\u202eАкме\u200b  Клин\x00 ") == "Акме Клин"


def test_empty_and_too_long_names_are_refused():
    with pytest.raises(DomainError) as empty:
        clean_name("\u200b \n")
    assert empty.value.code == "name_empty"
    with pytest.raises(DomainError) as long:
        clean_name("x" * 500)
    assert long.value.code == "name_too_long"
    assert long.value.params == {"limit": NAME_MAX, "length": 500}


def test_search_key_folds_case_and_yo():
    assert search_key("ПЁТР Иванов") == search_key("петр иванов")


@given(st.text())
def test_clean_line_is_idempotent_and_has_no_controls(text):
    once = clean_line(text)
    assert clean_line(once) == once
    assert "\n" not in once and "\x00" not in once


@pytest.mark.parametrize(
    ("typed", "zone"),
    [
        ("Europe/Moscow", "Europe/Moscow"),
        ("europe/berlin", "Europe/Berlin"),
        ("New York", "America/New_York"),
        ("  Novosibirsk ", "Asia/Novosibirsk"),
    ],
)
def test_time_zone_names(typed, zone):
    assert parse_timezone(typed) == zone
