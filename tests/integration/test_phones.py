"""Phone numbers as people write them, through the real `phonenumbers` metadata."""

from __future__ import annotations

import pytest

from core.ports import PhoneNormalizer
from integrations.phones import PhonenumbersNormalizer, clean_phone_text

normalizer: PhoneNormalizer = PhonenumbersNormalizer()


@pytest.mark.parametrize(
    "text",
    [
        "+7 916 123-45-67",
        "8 (916) 1234567",
        "89161234567",
        "9161234567",
        "79161234567",
        "+7 (916) 123.45.67",
        "  +7-916-123-45-67  ",
        "+7\u00a0916\u2009123\u201345\u201367",  # no-break and thin spaces, en dashes
        "+7 916 123\u221245\u221267",  # minus signs
        "+7\u200b916\u200e123\u202f45\u00ad67",  # zero-width space, LRM, soft hyphen
        "\uff0b\uff17\uff19\uff11\uff16\uff11\uff12\uff13\uff14\uff15\uff16\uff17",  # fullwidth
        "\u0668\u0669\u0661\u0666\u0661\u0662\u0663\u0664\u0665\u0666\u0667",  # Arabic-Indic
    ],
)
def test_russian_mobile_in_any_common_form(text):
    assert normalizer.normalize(text, "RU") == "+79161234567"


def test_landlines_toll_free_and_foreign_numbers():
    assert normalizer.normalize("8 (495) 123-45-67", "RU") == "+74951234567"
    assert normalizer.normalize("8 800 555 35 35", "RU") == "+78005553535"
    assert normalizer.normalize("+1 650 253 0000", "RU") == "+16502530000"
    assert normalizer.normalize("(650) 253-0000", "US") == "+16502530000"
    assert normalizer.normalize("030 1234567", "DE") == "+49301234567"


def test_country_decides_numbers_without_a_plus_and_is_case_insensitive():
    assert normalizer.normalize("6502530000", "us") == "+16502530000"
    assert normalizer.normalize("6502530000", "RU") is None
    assert normalizer.normalize("+7 916 123-45-67", "US") == "+79161234567"


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   ",
        "junk",
        "123",
        "916 123",  # too short
        "+7 916 123 45 678",  # one digit too many
        "+7916123456789012345",  # far too long
        "+7 000 000-00-00",  # not an allocated range
        "1-800-FLOWERS",  # letters: the library would spell them as digits
        "+7 916 123-45-67 доб. 12",  # an extension would be dropped silently
        "тел. 89161234567",
        "+7 916 123 45 67, +7 916 765 43 21",  # two numbers
        "9" * 70,
    ],
)
def test_junk_is_refused(text):
    assert normalizer.normalize(text, "RU") is None


def test_unknown_country_without_plus_is_refused():
    assert normalizer.normalize("9161234567", "") is None
    assert normalizer.normalize("9161234567", "XX") is None
    assert normalizer.normalize("+79161234567", "") == "+79161234567"


def test_clean_phone_text_keeps_digits_and_plain_punctuation():
    assert clean_phone_text("\u200b+7\u00a0(916)\u2013123\u2212") == "+7 (916)-123-"
