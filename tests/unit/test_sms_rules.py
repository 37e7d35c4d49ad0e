"""SMS rules with plain values: GSM-7 / UCS-2 segments, `fits`, quiet hours across DST,
amounts in minor units, E.164 and the permanent/temporary split of provider failures."""

from datetime import UTC, datetime, time, timedelta, timezone

import pytest

from core.channels.sms import (
    GSM7_BASIC,
    GSM7_EXTENSION,
    SmsEncoding,
    SmsError,
    SmsFailure,
    count_segments,
    fits,
    in_quiet_hours,
    is_e164,
    is_gsm7,
    minor_units,
    next_allowed,
)
from core.errors import ExternalServiceError

MOSCOW, BERLIN, NEW_YORK = "Europe/Moscow", "Europe/Berlin", "America/New_York"


def utc(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=UTC)


def test_the_default_alphabet_has_127_characters_and_the_extension_table_9():
    # 128 positions, one of them the escape; the extension adds ^ { } \ [ ~ ] | € and FF.
    assert len(GSM7_BASIC) == 127 and "\x1b" not in GSM7_BASIC
    assert len(GSM7_EXTENSION) == 10
    assert not GSM7_BASIC & GSM7_EXTENSION


@pytest.mark.parametrize(
    ("length", "segments"), [(1, 1), (159, 1), (160, 1), (161, 2), (306, 2), (307, 3), (459, 3)]
)
def test_gsm7_boundaries(length, segments):
    counted = count_segments("a" * length)
    assert (counted.encoding, counted.units, counted.segments) == (
        SmsEncoding.GSM7,
        length,
        segments,
    )


@pytest.mark.parametrize(
    ("length", "segments"), [(1, 1), (70, 1), (71, 2), (134, 2), (135, 3), (201, 3), (202, 4)]
)
def test_ucs2_boundaries_in_cyrillic(length, segments):
    counted = count_segments("ж" * length)
    assert (counted.encoding, counted.units, counted.segments) == (
        SmsEncoding.UCS2,
        length,
        segments,
    )


def test_empty_text_is_no_segment_and_does_not_fit():
    assert count_segments("").segments == 0
    assert not fits("")


@pytest.mark.parametrize("char", ["€", "[", "]", "{", "}", "\\", "^", "~", "|", "\f"])
def test_extension_characters_count_two_septets(char):
    counted = count_segments(char * 80)
    assert (counted.encoding, counted.units, counted.segments) == (SmsEncoding.GSM7, 160, 1)
    assert count_segments(char * 81).segments == 2


def test_an_escape_pair_is_never_split_across_parts():
    # 306 septets would be two parts of 153, but 152 plain septets leave one free, too few
    # for '€': the pair opens part two, and the last 'a' spills into a third.
    text = "a" * 152 + "€" + "a" * 152
    assert count_segments(text).units == 306
    assert count_segments(text).segments == 3
    assert count_segments("a" * 151 + "€" + "a" * 153).segments == 2  # 153 + 153 septets


def test_gsm7_specials_in_the_default_alphabet_are_one_septet():
    text = "@£$¥èéùìòÇØøÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ¤¡ÄÖÑÜ§¿äöñüà\n\r"
    assert is_gsm7(text)
    assert count_segments(text).units == len(text)


def test_one_cyrillic_letter_turns_the_whole_text_into_ucs2():
    assert count_segments("a" * 69 + "я").encoding == SmsEncoding.UCS2
    assert count_segments("a" * 70 + "я").segments == 2  # 71 units
    assert count_segments("Ваш мастер Иван будет в 14:30. Подтвердите: https://x.ru/c/ab").segments


def test_characters_outside_gsm7_but_latin_force_ucs2():
    for char in ("ç", "á", "ё", "`", "’", "«"):
        assert count_segments("a" + char).encoding == SmsEncoding.UCS2, char


def test_emoji_outside_the_bmp_count_two_code_units():
    counted = count_segments("👍" * 35)
    assert (counted.encoding, counted.units, counted.segments) == (SmsEncoding.UCS2, 70, 1)
    assert count_segments("👍" * 36).segments == 2  # 72 units
    # 66 units then an emoji: the surrogate pair cannot take the 67th unit, opens part two
    assert count_segments("ж" * 66 + "👍" + "ж" * 66).segments == 3
    assert count_segments("ж" * 65 + "👍" + "ж" * 67).segments == 2  # 67 + 67


def test_a_bmp_symbol_outside_gsm7_is_one_unit():
    counted = count_segments("✓" * 70)  # U+2713: in the BMP
    assert (counted.encoding, counted.units, counted.segments) == (SmsEncoding.UCS2, 70, 1)


@pytest.mark.parametrize(
    ("text", "limit", "expected"),
    [
        ("a" * 306, 2, True),
        ("a" * 307, 2, False),
        ("ж" * 134, 2, True),
        ("ж" * 135, 2, False),
        ("ж" * 70, 1, True),
        ("ж" * 71, 1, False),
        ("€" * 152, 2, True),  # 76 pairs per 153-septet part
        ("€" * 153, 2, False),  # 306 septets, yet a pair cannot straddle two parts
        ("a" * 160, 1, True),
        ("a" * 161, 1, False),
    ],
)
def test_fits(text, limit, expected):
    assert fits(text, limit) is expected


def test_fits_defaults_to_two_segments():
    assert fits("ж" * 134) and not fits("ж" * 135)


# Quiet hours: 21:00-09:00 on the wall clock of the zone.


def test_moscow_evening_waits_until_nine_next_morning():
    # 21:30 MSK = 18:30 UTC; 09:00 MSK next day = 06:00 UTC
    assert next_allowed(utc(2026, 12, 7, 18, 30), MOSCOW) == utc(2026, 12, 8, 6, 0)


def test_moscow_early_morning_waits_until_nine_the_same_day():
    assert next_allowed(utc(2026, 12, 7, 2, 0), MOSCOW) == utc(2026, 12, 7, 6, 0)  # 05:00 MSK


def test_daytime_is_allowed_at_once():
    now = utc(2026, 12, 7, 10, 0)  # 13:00 MSK
    assert next_allowed(now, MOSCOW) == now


@pytest.mark.parametrize(
    ("local", "quiet"),
    [
        (time(20, 59, 59), False),
        (time(21, 0), True),
        (time(23, 59), True),
        (time(0, 0), True),
        (time(8, 59, 59), True),
        (time(9, 0), False),
        (time(12, 0), False),
    ],
)
def test_window_edges(local, quiet):
    # Moscow is UTC+3 all year
    now = datetime.combine(datetime(2026, 6, 1).date(), local, tzinfo=timezone(timedelta(hours=3)))
    assert in_quiet_hours(now, MOSCOW) is quiet
    assert (next_allowed(now, MOSCOW) == now.astimezone(UTC)) is not quiet


def test_turned_off_sends_at_once_and_answers_in_utc():
    now = datetime(2026, 12, 7, 23, 0, tzinfo=timezone(timedelta(hours=3)))
    assert next_allowed(now, MOSCOW, enabled=False) == utc(2026, 12, 7, 20, 0)
    assert next_allowed(now, MOSCOW, enabled=False).tzinfo is UTC


def test_berlin_spring_forward_night():
    # 28 March 2026 22:00 CET (21:00 UTC); clocks go 02:00 -> 03:00 on the 29th; 09:00 CEST
    # is 07:00 UTC, not 08:00.
    assert next_allowed(utc(2026, 3, 28, 21, 0), BERLIN) == utc(2026, 3, 29, 7, 0)
    # inside the night after the change (04:00 CEST = 02:00 UTC)
    assert next_allowed(utc(2026, 3, 29, 2, 0), BERLIN) == utc(2026, 3, 29, 7, 0)


def test_berlin_fall_back_night_and_the_repeated_hour():
    # 24 October 2026 22:00 CEST (20:00 UTC); clocks go 03:00 -> 02:00 on the 25th;
    # 09:00 CET is 08:00 UTC.
    assert next_allowed(utc(2026, 10, 24, 20, 0), BERLIN) == utc(2026, 10, 25, 8, 0)
    # 02:30 happens twice: 00:30 UTC (CEST) and 01:30 UTC (CET); both wait for 09:00 CET
    assert next_allowed(utc(2026, 10, 25, 0, 30), BERLIN) == utc(2026, 10, 25, 8, 0)
    assert next_allowed(utc(2026, 10, 25, 1, 30), BERLIN) == utc(2026, 10, 25, 8, 0)


def test_new_york_dst_days():
    # 7 March 2026 22:00 EST = 8 March 03:00 UTC; 09:00 EDT on the 8th = 13:00 UTC
    assert next_allowed(utc(2026, 3, 8, 3, 0), NEW_YORK) == utc(2026, 3, 8, 13, 0)
    # 31 October 2026 23:00 EDT = 1 November 03:00 UTC; 09:00 EST on the 1st = 14:00 UTC
    assert next_allowed(utc(2026, 11, 1, 3, 0), NEW_YORK) == utc(2026, 11, 1, 14, 0)
    # the evening of a change day itself: 21:30 EST on 1 November = 02:30 UTC on the 2nd
    assert next_allowed(utc(2026, 11, 2, 2, 30), NEW_YORK) == utc(2026, 11, 2, 14, 0)


def test_a_custom_window_that_does_not_cross_midnight():
    # quiet 13:00-14:00 Moscow: 13:30 MSK waits until 14:00 MSK
    now = utc(2026, 12, 7, 10, 30)
    assert next_allowed(now, MOSCOW, start=time(13), end=time(14)) == utc(2026, 12, 7, 11, 0)
    assert next_allowed(utc(2026, 12, 7, 11, 0), MOSCOW, start=time(13), end=time(14)) == utc(
        2026, 12, 7, 11, 0
    )


def test_an_end_in_a_spring_gap_moves_forward():
    # quiet until 02:30 in Berlin, a time that does not exist on 29 March 2026
    at = next_allowed(utc(2026, 3, 28, 23, 30), BERLIN, start=time(0), end=time(2, 30))
    assert at > utc(2026, 3, 28, 23, 30)
    assert at == utc(2026, 3, 29, 1, 30)  # 03:30 CEST


def test_naive_now_is_refused():
    with pytest.raises(ValueError, match="aware"):
        next_allowed(datetime(2026, 12, 7, 12, 0), MOSCOW)


# Amounts, numbers, failures


@pytest.mark.parametrize(
    ("amount", "kopecks"),
    [(0.5, 50), ("1.40", 140), (3, 300), ("0", 0), (2.675, 268), ("4122.56", 412256)],
)
def test_minor_units(amount, kopecks):
    assert minor_units(amount) == kopecks


@pytest.mark.parametrize("amount", [None, True, "", "abc", "-1", float("nan"), float("inf"), []])
def test_minor_units_refuses_what_is_not_an_amount(amount):
    assert minor_units(amount) is None


@pytest.mark.parametrize(
    ("phone", "valid"),
    [
        ("+79161234567", True),
        ("+12025550123", True),
        ("79161234567", False),
        ("+0916123456", False),
        ("+7 916 123 45 67", False),
        ("+7916", False),
        ("+7916123456789012", False),
    ],
)
def test_e164(phone, valid):
    assert is_e164(phone) is valid


@pytest.mark.parametrize(
    ("failure", "retryable"),
    [
        (SmsFailure.CREDENTIALS, False),
        (SmsFailure.BALANCE, False),
        (SmsFailure.PHONE, False),
        (SmsFailure.REJECTED, False),
        (SmsFailure.NOT_FOUND, False),
        (SmsFailure.PROTOCOL, False),
        (SmsFailure.LIMIT, True),
        (SmsFailure.UNAVAILABLE, True),
    ],
)
def test_permanent_and_temporary_failures(failure, retryable):
    error = SmsError("sms_ru", failure, "201")
    assert isinstance(error, ExternalServiceError)
    assert error.retryable is retryable and error.permanent is not retryable
    assert error.reason == f"{failure.value} (201)"
    assert str(error) == f"sms_ru: {failure.value} (201)"
